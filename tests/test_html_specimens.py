"""The specimens of the second renderer (HTML + CSS, printed by Chromium and WeasyPrint)
ingested into real SQLite files: every member, cell, event, product and key figure
of the data files comes back, and every check passes.

The expected values come from `tests/specimens/data/<edition>/*.yml` and the column
keys of SCHEMA.md, written by hand below; the PDFs are committed under
`tests/specimens/chromium/` and `tests/specimens/weasyprint/`.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from pathlib import Path

import pypdfium2
import pytest

from extract.names.normalise import NameCollector
from tests.conftest import DATA, run_cli
from tests.specimens.html.build import SPECIMENS, Specimen, recorded
from tests.specimens.html.printers import html_sha256, print_pdf
from tests.specimens.html.render import load_edition
from tests.test_calendar import as_tuples
from tests.test_calendar import expected as expected_events
from tests.test_publications import expected_rows as expected_products

# SCHEMA.md: the keys of the matrix columns, in the order every edition prints them.
PUBLICATION_KEYS = ["news_published", "library_publications", "mentions_in_publications",
                    "use_cases", "c4gh_initiatives"]
ENGAGEMENT_KEYS = ["wmd_event_organiser", "congress_participation", "bilateral_meetings",
                   "mis_analysed", "training_participation", "pilot_project_role", "fee_paid",
                   "board_meeting_participation", "activated"]
KEYS = {
    "2021-fr": {"publications": PUBLICATION_KEYS, "engagement": ENGAGEMENT_KEYS},
    "2021-en": {"publications": PUBLICATION_KEYS, "engagement": ENGAGEMENT_KEYS},
    # the synthetic edition's tenth column is one no vocabulary knows (SCHEMA.md: kept
    # under unknown:<slug of its header>)
    "2022-fr": {"publications": PUBLICATION_KEYS,
                "engagement": ENGAGEMENT_KEYS + ["unknown:participation-aux-laboratoires-urbains"]},
}
IDS = [f"{s.printer}-{s.edition}" for s in SPECIMENS]
# Failures of the extractor on these prints, made precise: (test, specimen) -> reason.
# Strict: each turns red the day it passes, to be removed then.
KNOWN = {
}


def member_id(lines: list[str]) -> str:
    return NameCollector("truth").member(" ".join(lines))


@pytest.fixture(scope="module", params=SPECIMENS, ids=IDS)
def ingested(request, tmp_path_factory) -> tuple[Specimen, dict, sqlite3.Connection]:
    spec: Specimen = request.param
    db = tmp_path_factory.mktemp(f"html-{spec.printer}-{spec.edition}") / "metropolis.db"
    result = run_cli("ingest", spec.pdf, "--db", db, "--with-synthetic")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    yield spec, load_edition(DATA / spec.edition), conn
    conn.close()


def known(request, test: str, spec: Specimen) -> None:
    reason = KNOWN.get((test, f"{spec.printer}-{spec.edition}"))
    if reason:
        request.node.add_marker(pytest.mark.xfail(reason=reason, strict=True))


def rows(conn: sqlite3.Connection, sql: str, *args) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, args)]


def test_every_member_once_with_its_board_seat_and_new_mark(ingested, request):
    spec, data, conn = ingested
    known(request, "members", spec)
    want = {}
    for matrix in data["members"]["matrices"]:
        for row in matrix["rows"]:
            mid = member_id(row["name"])
            board, new = want.get(mid, (False, False))
            want[mid] = (board or bool(row.get("board")), new or bool(row.get("new")))
    got = {r["member_id"]: (bool(r["is_board_member"]), bool(r["is_new_member"]))
           for r in rows(conn, "SELECT * FROM member_status WHERE report_id = ?", spec.edition)}
    assert {"missing": sorted(set(want) - set(got)), "unexpected": sorted(set(got) - set(want))} == {
        "missing": [], "unexpected": []}
    assert {k: v for k, v in got.items() if want[k] != v} == {}


def test_every_cell_in_its_column(ingested, request):
    spec, data, conn = ingested
    known(request, "cells", spec)
    keys = KEYS[spec.edition]
    want = {}
    for matrix in data["members"]["matrices"]:
        for row in matrix["rows"]:
            for index, value in (row.get("cells") or {}).items():
                want[(member_id(row["name"]), keys[matrix["id"]][int(index)])] = str(value)
    got = {(r["member_id"], r["indicator"]): r["value"]
           for r in rows(conn, "SELECT * FROM member_indicators WHERE report_id = ?", spec.edition)}
    wrong = {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)}
    assert wrong == {}


def test_every_event_with_its_dates_type_place_and_mark(ingested, request):
    spec, data, conn = ingested
    known(request, "events", spec)
    got = as_tuples(rows(conn, "SELECT * FROM calendar_events WHERE report_id = ?", spec.edition))
    want = expected_events(data["calendar"])
    assert {"missing": want - got, "unexpected": got - want} == {"missing": Counter(), "unexpected": Counter()}


def test_every_product_with_its_kind_and_link(ingested, request):
    spec, data, conn = ingested
    known(request, "products", spec)
    got = Counter((r["kind"], r["title"], r["url"]) for r in rows(
        conn, "SELECT * FROM publications WHERE report_id = ?", spec.edition))
    want = Counter(expected_products(data["publications"]))
    assert {"missing": want - got, "unexpected": got - want} == {"missing": Counter(), "unexpected": Counter()}


def test_every_key_figure_with_its_label(ingested, request):
    spec, data, conn = ingested
    known(request, "key_figures", spec)
    got = {r["key"]: (r["value"], r["label"]) for r in rows(
        conn, "SELECT * FROM key_figures WHERE report_id = ?", spec.edition)}
    want = {f["key"]: (float(f["value"]), f["label"]) for f in data["key_figures"]["figures"]}
    assert {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)} == {}


# The synthetic edition plants a matrix column no vocabulary knows (its report.yml says
# so): the check on known columns must say it, every other check pass.
FAILING_ON_PURPOSE = {"2022-fr": {"members.columns_known"}}


def test_every_check_passes(ingested, request):
    spec, _, conn = ingested
    known(request, "checks", spec)
    checks = rows(conn, "SELECT * FROM checks WHERE report_id = ?", spec.edition)
    assert checks
    assert {c["check"] for c in checks if not c["passed"]} == FAILING_ON_PURPOSE.get(spec.edition, set())


# --- the committed PDFs are the print of today's HTML ----------------------------------

def page_texts(path: Path) -> list[str]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.mark.parametrize("spec", SPECIMENS, ids=IDS)
def test_committed_print_is_of_todays_html(spec, tmp_path):
    """The hash check costs no browser; `HTML_SPECIMENS_REPRINT=1` also prints again and
    compares the text of every page."""
    html = spec.html()
    entry = recorded(spec.printer).get(spec.pdf.name) or {}
    assert spec.pdf.exists() and entry.get("html_sha256") == html_sha256(html), (
        f"{spec.pdf} is stale: run `make specimens` and commit it")
    if os.environ.get("HTML_SPECIMENS_REPRINT") == "1":
        again = print_pdf(html, tmp_path / "again.pdf", spec.printer, cache=False)
        assert page_texts(again) == page_texts(spec.pdf)


def test_the_hash_check_sees_a_changed_cell_and_a_changed_layout():
    """The staleness check can fail: one matrix cell, or one knob, changes the HTML."""
    from tests.specimens.html.render import HtmlLayout, edition_html

    spec = SPECIMENS[0]
    data = load_edition(DATA / spec.edition)
    before = html_sha256(edition_html(None, spec.layout, data=data))
    assert before == html_sha256(spec.html())
    data["members"]["matrices"][0]["rows"][0]["cells"][0] = "99"
    assert html_sha256(edition_html(None, spec.layout, data=data)) != before
    assert html_sha256(edition_html(DATA / spec.edition, HtmlLayout(font=spec.font, cell_valign="top"))) != before


def test_the_two_renderers_share_only_the_data_files():
    """Nothing of the reportlab renderer is imported by the HTML one."""
    folder = Path(__file__).parent / "specimens" / "html"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.py"))
    for module in ("pdfkit", "render_members", "render_calendar", "render_publications",
                   "render_figures", "render_front", "render_prose", "reportlab"):
        assert f"import {module}" not in sources and f".{module} import" not in sources, module


# --- parser fixes these prints asked for -------------------------------------------------

def test_a_closing_parenthesis_ends_the_clause_of_a_figure():
    """The synthetic 2022 Learning Station note: `(1 cours et 2 webinaires) dans la Learning
    Station :` labelled the webinars `2 webinaires dans la Learning Station`."""
    from extract.sections.key_figures import find_figures

    text = ("En 2022, nous avons publié 3 produits de développement de capacités "
            "(1 cours et 2 webinaires) dans la Learning Station :")
    assert [(f.key, f.value, f.label) for f in find_figures(text, "fr")] == [
        ("learning_products", 3, "3 produits de développement de capacités"),
        ("courses", 1, "1 cours"),
        ("webinars", 2, "2 webinaires"),
    ]
