"""Bad input: one clear line naming the file and the reason, exit 1, nothing lost."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from tests.conftest import SPECIMEN_2021_FR, copy_db, ingest_template, run_cli, snapshot


def other_organisation_pdf(path):
    c = Canvas(str(path))
    c.setFont("Helvetica", 14)
    c.drawString(72, 700, "City of Springfield - Annual Budget 2021")
    c.drawString(72, 680, "The council approved the budget for parks and roads.")
    c.showPage()
    c.save()


def encrypted_pdf(path):
    c = Canvas(str(path), encrypt="secret")
    c.drawString(72, 700, "Metropolis Rapport annuel 2021")
    c.showPage()
    c.save()


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


BAD_FILES = {
    "empty": (lambda p: p.write_bytes(b""), "empty file"),
    "truncated": (lambda p: p.write_bytes(SPECIMEN_2021_FR.read_bytes()[: SPECIMEN_2021_FR.stat().st_size // 2]), "truncated"),
    "encrypted": (encrypted_pdf, "password"),
    "png": (lambda p: p.write_bytes(png_bytes()), "not a PDF"),
    "other-organisation": (other_organisation_pdf, "not a Metropolis"),
}


@pytest.fixture(scope="module")
def good_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("bad") / "kb.db"
    return copy_db(ingest_template(tmp_path_factory, SPECIMEN_2021_FR), db)


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_gets_one_line_and_leaves_the_database(kind, good_db, tmp_path):
    make, reason = BAD_FILES[kind]
    bad = tmp_path / f"{kind}.pdf"
    make(bad)
    before = snapshot(good_db)
    result = run_cli("ingest", bad, "--db", good_db)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{bad}: ")
    assert reason.lower() in lines[0].lower()
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(good_db) == before


def test_folder_with_one_good_and_one_bad_pdf(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SPECIMEN_2021_FR, folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nnothing else")
    db = tmp_path / "kb.db"
    result = run_cli("ingest", folder, "--db", db)
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"{folder / 'broken.pdf'}: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert [r for r in snapshot(db)["reports"] if "2021-fr" in r]


def test_a_finished_read_leaves_no_pool_thread_behind(tmp_path):
    """The pool's own thread, left running after the last file, writes at interpreter
    exit to a pipe already closed: "Exception ignored ... _python_exit" and sixteen lines
    of traceback after the one line a bad file gets (CI, stop 27)."""
    import threading

    from extract.pipeline.archive import _run

    bad = tmp_path / "png.pdf"
    bad.write_bytes(png_bytes())
    before = set(threading.enumerate())
    results = list(_run([(bad, "0" * 64)], {}, jobs=1))
    assert [error for _path, _extraction, error in results] == ["not a PDF file (no %PDF header)"]
    assert [t.name for t in set(threading.enumerate()) - before if t.is_alive()] == []
