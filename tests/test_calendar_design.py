"""Calendars of other designs (issue 22): agendas and month grids alike, every month expected.

Each test draws the specimen data with the HTML generator's calendar knobs
(`tests/specimens/html/render.HtmlLayout`: `calendar_layout`, `month_heading`,
`date_form`, `type_form`, `location_italic`), prints it with Chromium (cached by the
HTML's hash) and reads it back; every event is checked against the data files
(`tests/test_calendar.expected`), never against the parser's own output.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest
from bench.design_space import designs, space_of

from extract.pdf.layout import Document
from extract.pipeline.run import extract_report
from extract.sections import ReportContext, key_figures
from extract.sections import calendar as calendar_parser
from tests.conftest import DATA
from tests.specimens.html.render import HtmlLayout, load_edition
from tests.test_calendar import as_tuples
from tests.test_calendar import expected as expected_events
from tests.test_html_habits import section_pdf

NOTHING = {"missing": Counter(), "unexpected": Counter()}


def differences(rows: list[dict], data: dict) -> dict:
    got, want = as_tuples(rows), expected_events(data["calendar"])
    return {"missing": want - got, "unexpected": got - want}


def read_calendar(pdf: Path, edition: str, data: dict):
    """The calendar parser alone, as the pipeline calls it: its pages, rows and checks."""
    ctx = ReportContext(edition, int(data["calendar"]["year"]), data["report"]["language"], pdf.name)
    with Document(pdf) as doc:
        numbers = calendar_parser.select_pages(doc.page_texts, ctx)
        section = calendar_parser.parse(list(doc.pages(numbers)), ctx)
        texts = doc.page_texts
    checks = {c["check"]: c for c in calendar_parser.checks(section.tables, section.state, ctx)}
    return section.tables["calendar_events"], checks, texts


def pipeline(pdf: Path, data: dict):
    """The whole pipeline (routing, runs, every parser and check) on a print."""
    extraction = extract_report(pdf, year=int(data["calendar"]["year"]), language=data["report"]["language"])
    return extraction.tables


# --- agendas -----------------------------------------------------------------------------

def test_agenda_in_one_column_with_a_date_column(tmp_path):
    """The issue's agenda: one line per event with its date in a left column (`19 Jan`,
    `15–19 Feb`, `27 Jan – 3 Feb`), the location in italics below; main read 0 events
    ("no column of day numbers 1..28+")."""
    layout = HtmlLayout(calendar_layout="agenda-one", date_form="column-abbr", month_heading="upper-year")
    pdf, data = section_pdf(tmp_path, "2021-en", ["calendar"], layout)
    rows, checks, _ = read_calendar(pdf, "2021-en", data)
    assert differences(rows, data) == NOTHING
    assert all(c["passed"] for c in checks.values()), checks


def test_agenda_in_two_columns_with_type_tags_and_continued_months(tmp_path):
    """Two columns of entries a page, `JANVIER 2021 (suite)` where a month runs on, the
    type as a tag, upright locations, a span over months printed once under its start."""
    layout = HtmlLayout(calendar_layout="agenda-two", date_form="column-full", month_heading="upper-year",
                        type_form="tag", location_italic=False)
    pdf, data = section_pdf(tmp_path, "2021-fr", ["calendar"], layout)
    rows, checks, texts = read_calendar(pdf, "2021-fr", data)
    assert any("(suite)" in t for t in texts)  # the drawing has a continued month
    assert differences(rows, data) == NOTHING
    course = [r for r in rows if r["title"].startswith("Learning program – Planification")]
    assert [(r["start_date"], r["end_date"]) for r in course] == [("2021-04-26", "2021-06-25")]
    assert all(c["passed"] for c in checks.values()), checks


def test_agenda_with_the_date_leading_the_entry_in_spanish(tmp_path):
    layout = HtmlLayout(calendar_layout="agenda-one", date_form="leading-full", month_heading="title")
    pdf, data = section_pdf(tmp_path, "2021-es", ["calendar"], layout)
    rows, checks, _ = read_calendar(pdf, "2021-es", data)
    assert differences(rows, data) == NOTHING
    assert checks["calendar.months_present"]["passed"]


def test_dates_in_each_language_from_cldr_names():
    voc = calendar_parser.load_vocab()

    def read(text):
        d = calendar_parser.date_at_start(text, voc)
        return d and (d.first_day, d.first_month, d.last_day, d.last_month)

    assert read("19 Jan Forum") == (19, 1, None, None)
    assert read("27 janv. – 3 févr. Forum") == (27, 1, 3, 2)
    assert read("14 mar – 6 may Curso") == (14, 3, 6, 5)
    assert read("lundi 3 mai Atelier") == (3, 5, None, None)
    assert read("15–19 septiembre Foro") == (15, None, 19, 9)
    assert read("10 ANS APRÈS | Recommandation") is None
    assert read("2021 Urban Forestry Conference") is None


# --- month grids ----------------------------------------------------------------------------

def test_two_months_stacked_on_a_page(tmp_path):
    """January above February across the page's width: main dated every event of the
    lower month on the upper month's last day."""
    pdf, data = section_pdf(tmp_path, "2021-fr", ["calendar"], HtmlLayout(calendar_layout="grid-stacked"))
    rows, checks, _ = read_calendar(pdf, "2021-fr", data)
    assert differences(rows, data) == NOTHING
    assert len({r["page"] for r in rows}) == 6  # two months a page
    assert all(c["passed"] for c in checks.values()), checks


def sparse_january(data: dict) -> dict:
    """2022-fr with January's one event a place-located one (as July's) and no page of
    statements before the months: January is the calendar's first page, with few words."""
    data = copy.deepcopy(data)
    calendar = data["calendar"]
    july = next(e for e in calendar["events"] if e["month"] == 7)
    calendar["events"] = [dict(july, month=1) if e["month"] == 1 else e for e in calendar["events"]]
    calendar.pop("statements", None)
    return data


def test_a_january_page_with_few_words_is_the_calendars(tmp_path):
    """Main did not recognise the January page (its text layer cuts the day numbers into
    digits) and, January being the first month, nothing said it was missing."""
    data = sparse_january(load_edition(DATA / "2022-fr"))
    pdf, data = section_pdf(tmp_path, "2022-fr", ["calendar"], HtmlLayout(calendar_layout="grid-one"), data=data)
    tables = pipeline(pdf, data)
    assert differences(tables["calendar_events"], data) == NOTHING
    checks = {c["check"]: c for c in tables["checks"]}
    assert checks["calendar.months_present"]["passed"], checks["calendar.months_present"]
    sections = {p["page"]: p["section"] for p in tables["pages"]}
    january = min(r["page"] for r in tables["calendar_events"])
    assert sections[january] == "calendar" and sections[january - 1] is None  # the narrative before it


def september_of_numbers(data: dict) -> dict:
    """2021-fr whose September events print numbers with the words of key figures."""
    data = copy.deepcopy(data)
    calendar = data["calendar"]
    calendar["events"] = [e for e in calendar["events"] if e["month"] != 9] + [
        {"month": 9, "day": 2, "title": "Accueil de 12 nouveaux membres à Barcelone"},
        {"month": 9, "day": 8, "end_day": 9, "title": "Forum de 30 responsables de métropoles"},
        {"month": 9, "day": 14, "title": "Bilan des 3 campagnes mondiales et de 41 participations aux événements"},
        {"month": 9, "day": 21, "title": "Rencontre de 250 enfants sur la ville de demain"},
        {"month": 9, "day": 28, "title": "Lancement de 5 déclarations de politiques"},
    ]
    return data


def test_a_september_page_full_of_numbers_is_not_key_figures(tmp_path):
    """Main routed the month page to key figures (its numbers, its figure words)."""
    data = september_of_numbers(load_edition(DATA / "2021-fr"))
    pdf, data = section_pdf(tmp_path, "2021-fr", ["calendar"], HtmlLayout(calendar_layout="grid-one"), data=data)
    tables = pipeline(pdf, data)
    assert differences(tables["calendar_events"], data) == NOTHING
    september = {r["page"] for r in tables["calendar_events"] if r["start_date"].startswith("2021-09")}
    (page,) = september
    with Document(pdf) as doc:
        ctx = ReportContext("2021-fr", 2021, "fr", pdf.name)
        assert page not in key_figures.select_pages(doc.page_texts, ctx)
    assert [r for r in tables.get("key_figures", []) if r.get("page") == page] == []
    assert {p["page"]: p["section"] for p in tables["pages"]}[page] == "calendar"


# --- every month expected ---------------------------------------------------------------------

@pytest.mark.parametrize(("months", "lost"), [(list(range(2, 13)), "janvier 2021"),
                                              (list(range(1, 12)), "décembre 2021")])
def test_a_missing_first_or_last_month_fails_months_present_by_name(tmp_path, months, lost):
    """The calendar printed without its first (or last) month: main expected months only
    from the first found to the last, and passed."""
    data = load_edition(DATA / "2021-fr")
    layout = HtmlLayout(month_pages=[[m] for m in months])
    pdf, data = section_pdf(tmp_path, "2021-fr", ["calendar"], layout, data=data)
    _, checks, _ = read_calendar(pdf, "2021-fr", data)
    check = checks["calendar.months_present"]
    assert not check["passed"]
    assert lost in check["actual"] and lost in check["detail"]


def test_an_unclaimed_page_between_sections_is_named():
    from extract.pipeline.inventory import _between_sections, unclaimed_checks

    rows = [{"page": 1, "section": None, "words": 17, "note": "cover"},
            {"page": 5, "section": "key_figures", "words": 90, "note": None},
            {"page": 6, "section": None, "words": 60, "note": "narrative: no section's heading"},
            {"page": 7, "section": "calendar", "words": 200, "note": None},
            {"page": 8, "section": "calendar", "words": 200, "note": None}]
    _between_sections(rows)
    assert "between key_figures (p. 5) and calendar (p. 7)" in rows[2]["note"]
    assert rows[0]["note"] == "cover"
    (check,) = unclaimed_checks(rows)
    assert check["check"] == "calendar.no_unclaimed_page_before" and not check["passed"]
    assert "p. 6" in check["detail"]


# --- a seeded sample of the design space ------------------------------------------------------

@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_sample_of_the_calendar_design_space(tmp_path, index):
    """Three seeded designs of `python -m bench.design_space --section calendar`: each
    reads every event with its dates (or a check fails)."""
    space = space_of("calendar")
    design = designs(space, 3, seed=22)[index]
    metrics = space.score(design, tmp_path, index)
    assert metrics["events_f1"] == 1.0 and metrics["date_accuracy"] == 1.0, (design, metrics)
    assert metrics["caught"] == 1.0, design


# --- unless the report says otherwise -----------------------------------------------------------

def _half_year(tmp_path, heading: str, months: list[int]):
    data = copy.deepcopy(load_edition(DATA / "2021-fr"))
    data["calendar"]["heading"] = heading
    layout = HtmlLayout(month_pages=[[m] for m in months])
    pdf, data = section_pdf(tmp_path, "2021-fr", ["calendar"], layout, data=data)
    _, checks, _ = read_calendar(pdf, "2021-fr", data)
    return checks["calendar.months_present"]


def test_a_calendar_whose_heading_says_january_to_june_expects_those_months(tmp_path):
    """A half-year calendar says so in its heading: six months read are all it covers
    (main expected July to December and failed)."""
    check = _half_year(tmp_path, "CALENDRIER INTERNATIONAL · JANVIER – JUIN 2021", [1, 2, 3, 4, 5, 6])
    assert check["passed"], check
    assert check["expected"].startswith("6 months, janvier 2021 to juin 2021")
    assert "JANVIER – JUIN 2021" in check["expected"]


def test_a_month_missing_from_the_range_the_heading_says_is_named(tmp_path):
    """The heading's range is what is expected: June lost is named, July not asked for."""
    check = _half_year(tmp_path, "CALENDRIER INTERNATIONAL · JANVIER – JUIN 2021", [1, 2, 3, 4, 5])
    assert not check["passed"]
    assert "juin 2021" in check["detail"] and "juillet" not in check["actual"]


def test_without_a_range_in_its_heading_the_year_is_expected(tmp_path):
    check = _half_year(tmp_path, "CALENDRIER INTERNATIONAL 2021", [1, 2, 3, 4, 5, 6])
    assert not check["passed"]
    assert "juillet 2021" in check["actual"] and "décembre 2021" in check["actual"]


def test_a_city_state_wrapped_in_a_narrow_agenda_column_is_the_location(tmp_path):
    """`Singapur, República de` / `Singapur` upright under a title in a narrow column of a
    Spanish agenda (bench design 26 of seed 0): main read it into the title with every
    check passing, because prose never takes a country's name (`Singapur`) for a city."""
    layout = HtmlLayout(calendar_layout="agenda-two", month_heading="data", date_form="column-full",
                        type_form="tag", location_italic=False, lanes_side="right",
                        page_size="A4-portrait", font="DejaVu Sans")
    pdf, data = section_pdf(tmp_path, "2021-es", ["calendar"], layout)
    rows, _checks, _ = read_calendar(pdf, "2021-es", data)
    assert differences(rows, data) == NOTHING
    (summit,) = [r for r in rows if r["start_date"] == "2021-06-20"]
    assert summit["location"] == "Singapur, República de Singapur"
    assert summit["title"].endswith("Ciudades para el desarrollo sostenible")
