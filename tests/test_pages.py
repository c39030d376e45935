"""Nothing lost without a word: every page in `pages`, routing that survives other
producers' text layers, and checks that fail when a section comes back incomplete.

Expected values come from the specimen data files (tests/specimens/data/2021-fr) and
from the report's structure as drawn (which page holds which month), never from the
extractor's output.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import yaml
from reportlab.pdfgen.canvas import Canvas

from extract.cli import checks_summary
from extract.pdf import prepass
from extract.pipeline import inventory
from extract.sections import ReportContext, Section
from extract.sections import calendar as calendar_parser
from extract.sections import key_figures as key_figures_parser
from extract.sections import members as members_parser
from extract.sections import publications as publications_parser
from tests.conftest import DATA, ROOT, SPECIMEN_2021_FR, run_cli
from tests.specimens.build import build, load_edition
from tests.specimens.pdfkit import Style

FR = DATA / "2021-fr"
CALENDAR = yaml.safe_load((FR / "calendar.yml").read_text(encoding="utf-8"))
MEMBERS = yaml.safe_load((FR / "members.yml").read_text(encoding="utf-8"))
FRENCH_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre"]
CTX = ReportContext("2021-fr", 2021, "fr", "x.pdf")


def rows(db: Path, sql: str, *args) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def ingest(pdf: Path, db: Path):
    result = run_cli("ingest", pdf, "--db", db)
    assert result.returncode == 0, result.stderr
    return result


def raw_texts(pdf: Path) -> list[str]:
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def page_of_month(pdf: Path, name: str) -> int:
    """The 1-based page whose month heading is `name` (the calendar is drawn so)."""
    for n, text in enumerate(raw_texts(pdf), start=1):
        lines = [line.strip() for line in text.splitlines()]
        if name in lines:
            return n
    raise AssertionError(f"no page with the heading {name}")


def without_page(pdf: Path, page: int, out: Path) -> Path:
    reader = pypdf.PdfReader(str(pdf))
    writer = pypdf.PdfWriter()
    for i, p in enumerate(reader.pages, start=1):
        if i != page:
            writer.add_page(p)
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


# --- other producers' text layers ------------------------------------------------------

@pytest.fixture(scope="module", params=[("2021-fr", 0.2), ("2021-fr", 0.5), ("2021-en", 0.2)],
                ids=["fr-tracking-0.2em", "fr-tracking-0.5em", "en-tracking-0.2em"])
def glyph_db(request, tmp_path_factory) -> tuple[Path, Path, object, float, dict]:
    """The French specimen with headings and section titles drawn one glyph per text
    object, letter-spaced (pdfium reads `J A N V I E R`, `2 4 n o u v e l l e s`), the
    day numbers of each month one text object, the footnote on the folio's baseline."""
    edition, tracking = request.param
    folder = tmp_path_factory.mktemp("glyphs")
    data = load_edition(DATA / edition)
    style = Style(**data["report"].get("style", {}), letter_spaced=True,
                  letter_spacing=tracking, glued_days=True, footnote_at_folio=True)
    pdf = build(DATA / edition, folder / f"glyphs-{edition}.pdf", style)
    db = folder / "kb.db"
    result = ingest(pdf, db)
    return pdf, db, result, tracking, data


def test_the_variant_has_the_quirks(glyph_db):
    """The text layer really is mangled as other producers' are (else the test proves nothing)."""
    pdf, *_, data = glyph_db
    text = "\n".join(raw_texts(pdf))
    month = data["calendar"].get("month_names", [m.upper() for m in FRENCH_MONTHS])[0]
    assert " ".join(month) in text and month not in text
    assert " ".join(data["members"]["heading"].split()[0]) in text


def test_every_month_and_member_of_the_glyph_variant_is_read(glyph_db):
    _, db, *_, data = glyph_db
    (n,) = rows(db, "SELECT count(*) FROM calendar_events")[0]
    assert n == len(data["calendar"]["events"])
    months = rows(db, "SELECT DISTINCT substr(start_date, 6, 2) FROM calendar_events")
    assert {int(m[0]) for m in months} == {e["month"] for e in data["calendar"]["events"]}
    assert len(rows(db, "SELECT * FROM member_status")) == len(data["members"]["matrices"][0]["rows"])
    unknown = rows(db, "SELECT * FROM member_indicators WHERE indicator LIKE 'unknown:%'")
    assert not unknown  # the letter-spaced heading is not taken for a column title


def test_glyph_variant_pages_list_every_page_with_its_section(glyph_db):
    pdf, db, _, tracking, data = glyph_db
    pages = rows(db, "SELECT * FROM pages ORDER BY page")
    assert [p["page"] for p in pages] == list(range(1, len(pypdf.PdfReader(str(pdf)).pages) + 1))
    # the month pages close the report (tests/specimens/build.py draws the calendar last)
    last = len(pages)
    month_pages = list(range(last - len(data["calendar"]["pages"]) + 1, last + 1))
    assert [p["section"] for p in pages if p["page"] in month_pages] == ["calendar"] * len(month_pages)
    unread = [p for p in pages if p["section"] and not p["parsed"]]
    if tracking < 0.3:
        assert not unread, [dict(p) for p in unread]
    else:
        # word gaps of 1.35 em read as gutters: a heading may fall apart. Loudly: each
        # page lost is in the pages table with its note and in a failed check's detail.
        # (Since the funding tiles moved to the budget page, this specimen loses none.)
        assert all(p["note"] for p in unread)
        details = " ".join(c["detail"] or "" for c in rows(db, "SELECT * FROM checks WHERE passed = 0"))
        assert all(f"p. {p['page']}:" in details for p in unread), details


def test_glyph_variant_checks_pass_and_no_footnote_noise(glyph_db):
    _, db, result, tracking, _ = glyph_db
    failed = {c["check"] for c in rows(db, "SELECT * FROM checks WHERE passed = 0")}
    if tracking < 0.3:
        assert not failed, failed
        assert "failed:" not in result.stdout
    elif failed:  # a page lost is a failed pages_read check, said on the summary line
        assert any(c.endswith(".pages_read") for c in failed) and f"failed: {min(failed)}" in result.stdout
    warnings = [r["message"] for r in rows(db, "SELECT message FROM ingest_warnings")]
    assert not [w for w in warnings if "footnote" in w], warnings


def test_glued_day_numbers_of_a_real_pdf_route_the_page(tmp_path):
    """A column of day numbers in one text object, events beside it: pdfium's text glues
    the one-digit days (`123456789`, `1 Forum 23456789`). The page is still routed to
    the calendar by its day run, and since no month name heads the column the parser
    says so for the `pages` inventory instead of dropping the page unseen."""
    pdf = tmp_path / "glued.pdf"
    c = Canvas(str(pdf), pagesize=(842, 595))
    days = c.beginText()
    days.setFont("Helvetica-Bold", 6.5)
    for d in range(1, 32):
        days.setTextOrigin(50 - c.stringWidth(str(d), "Helvetica-Bold", 6.5), 489 - 13.3 * (d - 1))
        days.textOut(str(d))
    c.drawText(days)
    c.setFont("Helvetica", 6.5)
    for day, title in {1: "Forum", 17: "Atelier de Metropolis", 28: "Sommet de Lisboa"}.items():
        c.drawString(200, 489 - 13.3 * (day - 1), title)
    c.save()
    (text,) = raw_texts(pdf)
    assert "23456789" in text
    ctx = ReportContext("2021-fr", 2021, "fr", pdf.name)
    from extract.pdf.layout import Document
    with Document(pdf) as doc:
        assert calendar_parser.select_pages(doc.page_texts, ctx) == [1]
        section = calendar_parser.parse(list(doc.pages([1])), ctx)
    assert section.pages[1].startswith("no month here")


# --- the committed specimen -------------------------------------------------------------

def test_pages_cover_the_specimen_and_every_section_page_is_parsed(ingested_db):
    pages = rows(ingested_db, "SELECT * FROM pages WHERE report_id = '2021-fr' ORDER BY page")
    (count,) = rows(ingested_db, "SELECT page_count FROM reports WHERE id = '2021-fr'")[0]
    assert [p["page"] for p in pages] == list(range(1, count + 1))
    for p in pages:
        assert p["parsed"] == (p["section"] is not None) and (p["note"] is None) == bool(p["parsed"]), dict(p)
    assert pages[0]["note"] == "cover"
    # the renderer prints folios from page 3 on, the page's number in the file
    assert [p["printed_folio"] for p in pages[:4]] == [None, None, "3", "4"]
    members = [p["page"] for p in pages if p["section"] == "members"]
    assert members == list(range(members[0], members[0] + len(members)))
    assert all(p["words"] > 0 for p in pages)


def test_every_check_is_named_section_dot_what_and_passes(ingested_db):
    checks = rows(ingested_db, "SELECT * FROM checks WHERE report_id = '2021-fr'")
    names = {c["check"] for c in checks}
    for name in ("calendar.months_present", "calendar.events_cut_at_month_end", "calendar.pages_read",
                 "members.members_in_every_matrix", "members.row_bands", "members.names_not_run_together",
                 "members.pages_read", "key_figures.big_numbers_paired", "publications.new_publications"):
        assert name in names
    for c in checks:
        assert c["check"].split(".")[0] in {"members", "calendar", "publications", "key_figures", "budget", "plan",
                                            "lists"}, c["check"]
    assert all(c["passed"] for c in checks), [dict(c) for c in checks if not c["passed"]]


# --- pages lost -------------------------------------------------------------------------

def test_a_month_page_removed_fails_the_calendar_check_naming_the_month(tmp_path):
    september = page_of_month(SPECIMEN_2021_FR, "SEPTEMBRE")
    pdf = without_page(SPECIMEN_2021_FR, september, tmp_path / "no-september.pdf")
    db = tmp_path / "kb.db"
    result = ingest(pdf, db)
    failed = {c["check"]: c for c in rows(db, "SELECT * FROM checks WHERE passed = 0")}
    assert "calendar.months_present" in failed, failed
    assert "septembre" in failed["calendar.months_present"]["detail"]
    assert "septembre" in failed["calendar.months_present"]["actual"]
    assert all(name.startswith("calendar.") for name in failed), failed
    assert "failed: calendar.months_present" in result.stdout
    warnings = [r["message"] for r in rows(db, "SELECT message FROM ingest_warnings")]
    assert any("calendar.months_present" in w and "septembre" in w for w in warnings)


def test_an_event_running_into_a_removed_month_is_reported_cut(tmp_path):
    """The May–June page removed: the course printed on the April, May and June pages
    would silently end on 30 April; the calendar checks say so instead."""
    may = page_of_month(SPECIMEN_2021_FR, "MAI")
    pdf = without_page(SPECIMEN_2021_FR, may, tmp_path / "no-may.pdf")
    db = tmp_path / "kb.db"
    ingest(pdf, db)
    failed = {c["check"]: c for c in rows(db, "SELECT * FROM checks WHERE passed = 0")}
    assert "mai 2021" in failed["calendar.months_present"]["detail"]
    assert "juin 2021" in failed["calendar.months_present"]["detail"]
    # in the data: the one event printed on three month pages, April to June
    (course,) = [e for e in CALENDAR["events"] if e["month"] == 4 and e.get("end_month") == 6]
    cut = failed["calendar.events_cut_at_month_end"]["detail"]
    assert course["title"][:40] in cut and "ends 2021-04-30" in cut


def test_an_unreadable_month_page_is_given_to_the_calendar_and_reported(tmp_path):
    """A month page with no text layer (a scan): no pre-pass sees a calendar there, but
    it lies inside the calendar's run, so the calendar is given it; it reads nothing,
    and the pages table and the calendar checks say so."""
    september = page_of_month(SPECIMEN_2021_FR, "SEPTEMBRE")
    reader = pypdf.PdfReader(str(SPECIMEN_2021_FR))
    writer = pypdf.PdfWriter()
    for i, p in enumerate(reader.pages, start=1):
        if i == september:
            writer.add_blank_page(width=p.mediabox.width, height=p.mediabox.height)
        else:
            writer.add_page(p)
    pdf = tmp_path / "scanned-september.pdf"
    with open(pdf, "wb") as fh:
        writer.write(fh)
    db = tmp_path / "kb.db"
    ingest(pdf, db)
    (page,) = rows(db, "SELECT * FROM pages WHERE page = ?", september)
    assert page["section"] == "calendar" and not page["parsed"] and page["words"] == 0
    assert f"run of pages {september - 1}–{september + 1}" in page["note"]
    failed = {c["check"]: c for c in rows(db, "SELECT * FROM checks WHERE passed = 0")}
    assert f"p. {september}:" in failed["calendar.pages_read"]["detail"]
    assert "septembre" in failed["calendar.months_present"]["detail"]


def test_a_page_whose_count_goes_with_it_is_still_noticed(tmp_path):
    """The videos page removed takes both the tiles and the figure stating them: no
    count check can fail, but the printed folios jump where it was."""
    texts = [prepass.normalise(t) for t in raw_texts(SPECIMEN_2021_FR)]
    videos = next(n for n, t in enumerate(texts, start=1) if "nouvelles vidéos" in t)
    pdf = without_page(SPECIMEN_2021_FR, videos, tmp_path / "no-videos.pdf")
    db = tmp_path / "kb.db"
    ingest(pdf, db)
    failed = {c["check"]: c for c in rows(db, "SELECT * FROM checks WHERE passed = 0")}
    jump = failed["publications.folios_consecutive"]["detail"]
    # the renderer prints each page's own number from page 3 on
    assert f"printed folio {videos + 1} on p. {videos} follows {videos - 1} on p. {videos - 1}" in jump


def test_folio_check_fails_on_a_jump_and_on_a_late_first_folio():
    pages = [{"page": 1, "section": "members", "printed_folio": "3"},
             {"page": 2, "section": "members", "printed_folio": "4"},
             {"page": 3, "section": None, "printed_folio": None},
             {"page": 4, "section": "calendar", "printed_folio": "9"}]
    checks = {c["check"]: c for c in inventory.folio_checks(pages, {"members", "calendar"})}
    assert not checks["members.folios_consecutive"]["passed"]
    assert "2 page(s) before it" in checks["members.folios_consecutive"]["detail"]
    assert not checks["calendar.folios_consecutive"]["passed"]
    assert "follows 4 on p. 2: 3 page(s)" in checks["calendar.folios_consecutive"]["detail"]


def test_a_matrix_page_removed_fails_the_members_checks_with_the_page_range(tmp_path):
    texts = [prepass.normalise(t) for t in raw_texts(SPECIMEN_2021_FR)]
    matrix_pages = members_parser.select_pages(texts, CTX)
    removed = matrix_pages[2]  # a page of the first matrix
    pdf = without_page(SPECIMEN_2021_FR, removed, tmp_path / "no-matrix-page.pdf")
    db = tmp_path / "kb.db"
    result = ingest(pdf, db)
    failed = {c["check"]: c for c in rows(db, "SELECT * FROM checks WHERE passed = 0")}
    every = failed["members.members_in_every_matrix"]
    first = matrix_pages[0]
    half = len(matrix_pages) // 2
    # the first matrix now runs over one page fewer, from the same first page
    assert f"matrix 1 (p. {first}–{first + half - 2})" in every["detail"], every["detail"]
    # the names printed on the removed page (rows_per_page rows of the first matrix)
    per_page = MEMBERS["rows_per_page"]
    lost = [" ".join(r["name"]) for r in MEMBERS["matrices"][0]["rows"][2 * per_page:3 * per_page]]
    assert f"lacks {per_page}:" in every["detail"] and lost[0] in every["detail"], every["detail"]
    assert all(name.startswith("members.") for name in failed), failed
    assert "failed: members." in result.stdout


# --- routing ----------------------------------------------------------------------------

def test_unclaimed_page_inside_a_run_goes_to_that_section():
    plan = {"calendar": [30, 32], "members": [10, 14], "prose": [12]}
    filled = inventory.fill_runs(plan, {"calendar", "members"})
    assert filled == {"calendar": {31: (30, 32)}}  # 11..13: a gap of three, and 12 is prose's


def test_a_page_given_and_not_read_is_listed_with_the_reason():
    sections = {"calendar": Section(pages={1: None, 2: "no month here"})}
    table = inventory.pages_table(["x " * 50, "y " * 50, ""], ["1", "2", ""], {"calendar": [1, 2]},
                                  sections, {"calendar": {2: (1, 3)}})
    assert [(r["section"], r["parsed"]) for r in table] == [("calendar", 1), ("calendar", 0), (None, 0)]
    assert "run of pages 1–3" in table[1]["note"] and "no month here" in table[1]["note"]
    assert table[2]["note"].startswith("blank")
    check = inventory.run_checks(table, {"calendar": [1, 2]}, {"calendar"})[0]
    assert check["check"] == "calendar.pages_read" and not check["passed"]
    assert check["detail"].startswith("p. 2:")


@pytest.mark.parametrize("text", [
    "J\nA\nN\nV\nI\nE\nR\n" + "123456789\n" + "\n".join(str(d) for d in range(10, 32)),
    "J A N V I E R\n" + "\n".join(str(d) for d in range(1, 32)),
    "F E\u0301 V R I E R\n123456789\n" + "\n".join(str(d) for d in range(10, 29)),
])
def test_month_pages_are_selected_from_mangled_text(text):
    assert calendar_parser.select_pages([prepass.normalise(text)], CTX) == [1]


def test_a_day_run_alone_makes_a_calendar_page():
    """No month name readable at all: the structure still routes the page."""
    text = "\n".join(f"{d}" for d in range(1, 31)) + "\nUn événement"
    assert calendar_parser.select_pages([prepass.normalise(text)], CTX) == [1]


# the real report's text layer, kept with the tests (no coordinates, no page breaks)
SEED = Path(__file__).parent / "data" / "seed" / "metropolis-annual-report-2021-fr.txt"


def test_the_real_reports_month_runs_are_day_runs():
    """The real report's text layer (no page breaks in the seed): each month's stretch,
    from its name to the next one, is a day run without its month name, and the
    stretch of the members matrix is not."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    names = [m.upper() for m in FRENCH_MONTHS]
    starts = [i for i, line in enumerate(lines) if line.strip() in names]
    assert len(starts) == 12
    for a, b in zip(starts, [*starts[1:], len(lines)]):
        assert prepass.day_run(prepass.normalise("\n".join(lines[a + 1:b]))), lines[a]
    matrix = next(i for i, line in enumerate(lines) if "CARTOGRAPHIE DES MEMBRES" in line)
    assert not prepass.day_run(prepass.normalise("\n".join(lines[matrix:starts[0] - 40])))


def test_matrix_rows_make_a_matrix_page():
    text = "\n".join(f"Ville numéro {chr(65 + i)} {i} Yes -" for i in range(12))
    assert members_parser.select_pages([text], CTX) == [1]
    assert members_parser.select_pages(["Une phrase de texte\n" * 12], CTX) == []


# --- every check can fail ---------------------------------------------------------------

def _months(*months: int) -> list[dict]:
    return [{"year": 2021, "month": m, "page": 30 + m} for m in months]


def _event(start: str, end: str, title: str = "Forum", page: int = 33) -> dict:
    return {"start_date": start, "end_date": end, "title": title, "page": page}


def test_months_present_fails_naming_the_missing_month():
    check = calendar_parser.months_present(_months(1, 2, 4), "fr")
    assert not check["passed"] and "mars 2021" in check["detail"] and "p. 32 and p. 34" in check["detail"]
    assert calendar_parser.months_present(_months(1, 2, 3), "fr")["passed"]


def test_an_event_ending_before_a_missing_month_is_cut():
    events = [_event("2021-01-20", "2021-01-31", "Sommet")]
    check = calendar_parser.events_cut(events, [], _months(1, 3))
    assert not check["passed"] and "Sommet" in check["detail"]
    assert calendar_parser.events_cut(events, [], _months(1, 2, 3))["passed"]


def test_an_event_printed_again_but_not_merged_is_cut():
    events = [_event("2021-01-20", "2021-01-31", "Sommet mondial des villes"),
              _event("2021-02-01", "2021-02-03", "Sommet mondial des vill", page=34)]
    copies = [{"title": e["title"], "prefix": None, "start": e["start_date"], "end": e["end_date"],
               "page": e["page"]} for e in events]
    check = calendar_parser.events_cut(events, copies, _months(1, 2))
    assert not check["passed"] and "p. 34" in check["detail"]


def test_calendar_statement_and_year_checks_fail():
    tables = {"calendar_events": [_event("2020-12-30", "2020-12-30"), _event("2021-10-02", "2021-10-02")]}
    state = calendar_parser.CalendarState(statements=[{
        "first_date": "2021-10-01", "last_date": "2021-10-12", "count": 25, "at_least": 1,
        "statement": "+25 événements", "page": 32}])
    checks = {c["check"]: c for c in calendar_parser.checks(tables, state, CTX)}
    assert not checks["calendar.events_2021-10-01_2021-10-12"]["passed"]
    assert not checks["calendar.events_in_report_year"]["passed"]
    assert "2020-12-30" in checks["calendar.events_in_report_year"]["detail"]


def _row(name: str, matrix: int, page: int, top: float, cells=(), lines=None, flag=0) -> dict:
    return {"matrix": matrix, "page": page, "member_id": name.lower().replace(" ", "-"),
            "printed_name": name, "lines": lines or [name], "band": (top, top + 8),
            "lines_are_names": flag, "cells": list(cells)}


def test_members_checks_fail():
    status = [{"member_id": n, "is_new_member": 0} for n in ("abidjan", "accra", "amman")]
    member_rows = [_row("Abidjan", 0, 20, 100), _row("Accra", 0, 20, 110), _row("Amman", 0, 21, 100),
                   _row("Abidjan", 1, 26, 100, cells=[(111, 118)]), _row("Accra", 1, 26, 110)]
    figures = [{"key": "new_members", "value": 2, "page": 3}, {"key": "members", "value": 4, "page": 3},
               {"key": "active_members_share", "value": 66.7, "page": 3}]
    activated = [{"member_id": "abidjan", "indicator": "activated", "value": "Yes", "value_num": 1.0}]
    state = members_parser.MatrixState(rows=member_rows)
    checks = {c["check"]: c for c in members_parser.checks(
        {"member_status": status, "key_figures": figures, "member_indicators": activated}, state, CTX)}
    assert not checks["members.active_members_share"]["passed"]  # 1 of 3 is not 66.7 %
    every = checks["members.members_in_every_matrix"]
    assert not every["passed"] and "matrix 2 (p. 26–26) lacks 1: Amman" in every["detail"]
    assert not checks["members.row_bands"]["passed"]
    assert "'Abidjan' lies in the row of 'Accra'" in checks["members.row_bands"]["detail"]
    assert not checks["members.new_members"]["passed"] and not checks["members.members"]["passed"]


def test_names_run_together_fail():
    glued = [_row("Abidjan", 0, 20, 100), _row("Accra", 0, 20, 110), _row("Abidjan Accra", 1, 26, 100)]
    check = members_parser.run_together(glued)
    assert not check["passed"] and "'Abidjan' and 'Accra' run together" in check["detail"]
    two_lines = [_row("Lima Quito", 0, 20, 100, lines=["Lima", "Quito"], flag=1)]
    assert not members_parser.run_together(two_lines)["passed"]
    assert members_parser.run_together([_row("Buenos Aires", 0, 20, 100)])["passed"]


def test_run_together_lines_are_seen_in_a_parse():
    """Two one-line names read as one two-line name: each line a place, the whole none."""
    row = members_parser.matrix.MatrixRow([
        members_parser.matrix.Line([members_parser.Word("Lima", 0, 0, 20, 8)]),
        members_parser.matrix.Line([members_parser.Word("Quito", 0, 9, 22, 17)])])
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    assert members_parser._printed_row(row, "lima", 0, 20, ctx)["lines_are_names"] == 1


def test_publication_checks_fail():
    figures = [{"key": "new_publications", "value": 24, "page": 10},
               {"key": "learning_products", "value": 22, "page": 13},
               {"key": "courses", "value": 10, "page": 13}, {"key": "webinars", "value": 10, "page": 13},
               {"key": "new_videos", "value": 34, "page": 9}, {"key": "declarations", "value": 4, "page": 8}]
    products = [{"kind": "publication", "title": f"P{i}", "page": 11} for i in range(23)]
    products += [{"kind": "video", "title": "28 vidéos dans le cadre du projet", "page": 9},
                 {"kind": "declaration", "title": "Déclaration", "page": 8}]
    checks = {c["check"]: c for c in publications_parser.checks(
        {"key_figures": figures, "publications": products}, None, CTX)}
    assert not checks["publications.new_publications"]["passed"]
    assert "23 publication tiles read on p. 11" in checks["publications.new_publications"]["detail"]
    assert not checks["publications.learning_products"]["passed"]
    assert not checks["publications.courses_plus_webinars"]["passed"]
    assert not checks["publications.new_videos"]["passed"] and not checks["publications.declarations"]["passed"]


def test_key_figures_check_fails_on_an_unlabelled_number():
    numbers = [{"page": 3, "printed": "169", "value": 169.0, "paired": 1},
               {"page": 3, "printed": "42", "value": 42.0, "paired": 0}]
    (check,) = key_figures_parser.checks({}, numbers, CTX)
    assert check["check"] == "key_figures.big_numbers_paired"
    assert not check["passed"] and "p. 3: '42'" in check["detail"]


def test_summary_line_names_the_failing_checks():
    assert checks_summary([{"check": "a.x", "passed": 1}, {"check": "calendar.months_present", "passed": 0}]) == (
        "checks 1/2 passed (failed: calendar.months_present)")


def test_metadata_describes_pages_and_checks_detail():
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    tables = meta["databases"]["metropolis"]["tables"]
    assert tables["pages"]["description"] and tables["pages"]["columns"]["note"]
    assert tables["checks"]["columns"]["detail"]
