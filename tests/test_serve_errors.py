"""`extract serve` under hostile or unusual requests: source files named as archivists
name them, unknown routes, absurd provenance requests, and a quiet log.

A real `extract serve` over a database ingested from the English specimen saved as
"Rapport annuel 2021.pdf" (a space) next to copies with an accent, `+` and `#`.
"""

from __future__ import annotations

import html
import re
import shutil
from urllib.parse import quote

import pytest

from tests.conftest import RAW, run_cli
from tests.kb_server import serve

SPECIMEN_EN = RAW / "metropolis-annual-report-2021-en.pdf"
NAMES = ["Rapport annuel 2021.pdf", "été 2021.pdf", "C++ & co #1.pdf", "a%20b.pdf"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    raw = folder / "raw"
    raw.mkdir()
    for name in NAMES:
        shutil.copy(SPECIMEN_EN, raw / name)
    (folder / "secret.txt").write_text("outside raw/")
    db = folder / "metropolis.db"
    result = run_cli("ingest", raw / NAMES[0], "--db", db)
    assert result.returncode == 0, result.stderr
    with serve(db, raw=raw) as running:
        yield running


@pytest.mark.parametrize("name", NAMES)
def test_raw_serves_any_file_name(server, name):
    status, _, body = server.get("/raw/" + quote(name))
    assert status == 200, name
    assert body == SPECIMEN_EN.read_bytes()


def test_provenance_links_of_a_file_named_with_a_space_resolve(server):
    page = server.text("/metropolis/key_figures")
    links = {html.unescape(h) for h in re.findall(r'href="(/raw/[^"#]+)#page=\d+"', page)}
    assert links == {"/raw/" + quote(NAMES[0])}
    status, _, body = server.get(links.pop())
    assert status == 200 and body.startswith(b"%PDF-")


def test_decoding_keeps_the_containment(server):
    for path in ("/raw/%2e%2e/secret.txt", "/raw/..%2Fsecret.txt", "/raw/%2E%2E%2Fsecret.txt",
                 "/raw/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/raw/%2Fetc%2Fpasswd", "/raw/x%00.pdf",
                 "/raw/nothing%20here.pdf"):
        status, _, body = server.get(path)
        assert status in (403, 404), path
        assert b"outside raw/" not in body and b"root:" not in body, path


@pytest.mark.parametrize("path", [
    "/nope/x/y/z", "/nope", "/metropolis/nosuchtable", "/metropolis/nosuchtable.json",
    "/-/nope", "/a/b/c/d/e/f", "/metropolis/reports/nosuchrow",
])
def test_an_unknown_route_is_a_404_page(server, path):
    status, _, _ = server.get(path)
    assert status == 404, path


@pytest.mark.parametrize("page", ["99999999999999999999999", "9223372036854775808", "0"])
def test_an_absurd_provenance_request_is_a_404(server, page):
    status, _, _ = server.get(f"/-/provenance/metropolis/2021-en/{page}.png?x0=1&top=1&x1=2&bottom=2")
    assert status == 404


def test_client_errors_leave_no_traceback_in_the_log(server):
    for _ in range(20):
        server.get("/nope/x/y/z")
        server.get("/-/provenance/metropolis/2021-en/99999999999999999999999.png?x0=1&top=1&x1=2&bottom=2")
        server.get("/metropolis/nosuchtable")
    text = server.db.with_name(f"serve-{server.port}.log").read_text()  # tests/kb_server.py
    assert "Traceback" not in text
    assert "locals" not in text
    # one access line per request, a few lines of startup: nothing else
    assert len([line for line in text.splitlines() if "INFO" not in line]) <= 2, text[-2000:]
