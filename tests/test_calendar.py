"""The international calendar: the specimens' events come back exact.

The truth is the specimen data (tests/specimens/data/*/calendar.yml, transcribed from
the seed for 2021-fr); the type keys below are written by hand from SCHEMA.md.
"""

from __future__ import annotations

import datetime as dt
import doctest
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import yaml

from extract.pdf.layout import Document, Word
from extract.sections import ReportContext
from extract.sections import calendar as parser
from tests.conftest import DATA, SPECIMEN_2021_FR, run_cli
from tests.specimens import render_calendar
from tests.specimens.pdfkit import ReportCanvas, Style
from tests.specimens.render_calendar import draw_calendar_pages

# printed prefix -> event_type, by hand
TYPE_OF_PREFIX = {
    "WEBINAR |": "webinar", "COURSE |": "course", "SEMINAR |": "seminar",
    "MASTERCLASS |": "masterclass", "EVÉNEMENT DE LANCEMENT VIRTUEL |": "launch",
    "VIRTUAL LAUNCH EVENT |": "launch", "10 ANS APRÈS |": "anniversary",
    "10 YEARS ON |": "anniversary", "SOMMET MONDIAL DES VILLES 2020 |": "summit",
    "WORLD CITIES SUMMIT 2020 |": "summit",
    "SEMINARIO WEB |": "webinar", "CURSO |": "course", "SEMINARIO |": "seminar",
    "CLASE MAGISTRAL |": "masterclass", "EVENTO DE LANZAMIENTO VIRTUAL |": "launch",
    "10 AÑOS DESPUÉS |": "anniversary", "CUMBRE MUNDIAL DE CIUDADES 2020 |": "summit",
}
EDITIONS = sorted(p.parent.name for p in DATA.glob("*/calendar.yml"))


def load(edition: str) -> dict:
    return yaml.safe_load((DATA / edition / "calendar.yml").read_text(encoding="utf-8"))


def dates(data: dict, e: dict) -> tuple[str, str]:
    year = int(data["year"])
    start = dt.date(year, e["month"], e["day"])
    end = dt.date(e.get("end_year", year), e.get("end_month", e["month"]), e.get("end_day", e["day"]))
    return start.isoformat(), end.isoformat()


def expected(data: dict) -> Counter:
    return Counter(
        (*dates(data, e), e["title"], e.get("prefix"), TYPE_OF_PREFIX.get(e.get("prefix")),
         e.get("location"), int(bool(e.get("gender"))))
        for e in data["events"]
    )


def as_tuples(rows: list[dict]) -> Counter:
    return Counter(
        (r["start_date"], r["end_date"], r["title"], r["prefix"], r["event_type"], r["location"],
         r["gender_perspective"])
        for r in rows
    )


# --- the committed specimen, through the CLI and the database -------------------------

@pytest.fixture(scope="module")
def db(ingested_db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(ingested_db)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def events(db: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in db.execute("SELECT * FROM calendar_events WHERE report_id = '2021-fr'")]


def test_every_event_of_the_annex_once_with_its_dates_type_place_and_mark(events):
    got, want = as_tuples(events), expected(load("2021-fr"))
    assert got == want, {"missing": want - got, "unexpected": got - want}
    assert len(events) == len(load("2021-fr")["events"]) == 111


def test_an_event_over_three_month_pages_is_one_row(events):
    course = [e for e in events if e["title"].startswith("Learning program – Planification")]
    assert [(e["start_date"], e["end_date"], e["event_type"], e["gender_perspective"]) for e in course] == [
        ("2021-04-26", "2021-06-25", "course", 1)]
    training = [e for e in events if e["title"].startswith("Formation en ligne SHRDC")]
    assert [(e["start_date"], e["end_date"]) for e in training] == [("2021-11-24", "2021-12-03")]


def test_day_numbers_glued_in_the_text_layer_stay_out_of_titles(events):
    by_title = {e["title"]: e for e in events}
    summit = by_title["Sommet de la Commission mondiale sur l’adaptation (CMA) sur l’adaptation au climat"]
    assert (summit["start_date"], summit["end_date"]) == ("2021-01-25", "2021-01-26")
    imf = by_title["Premier congrès de l’International Metropolitan Fellowship (IMF) 2021"]
    assert (imf["start_date"], imf["end_date"]) == ("2021-10-09", "2021-10-10")
    circular = by_title["Sommet mondial sur l’économie circulaire"]
    assert (circular["location"], circular["end_date"]) == ("Cordoue, Argentine", "2021-08-19")
    assert by_title["Le 4e congrès Smart Tehran 2021"]["location"] == "Téhéran, Iran"


def test_rows_carry_page_and_box(db, events):
    pages = {r[0] for r in db.execute("SELECT page FROM calendar_events")}
    assert len(pages) == 7  # seven month pages in the specimen (calendar.yml `pages`)
    for e in events:
        assert e["x0"] < e["x1"] and e["top"] < e["bottom"], e


def test_checks_record_the_october_statement_and_the_year(db):
    checks = {r["check"]: dict(r) for r in db.execute(
        "SELECT * FROM checks WHERE report_id = '2021-fr' AND [check] LIKE 'calendar%'")}
    data = load("2021-fr")
    stated = data["statements"][0]
    in_range = sum(1 for e in data["events"]
                   if str(stated["from"]) <= dates(data, e)[0] <= str(stated["to"]))
    october = checks["calendar.events_2021-10-01_2021-10-12"]
    assert october["actual"] == str(in_range) == "25"
    assert october["expected"].startswith("at least 25")
    assert october["passed"] == 1
    assert checks["calendar.events_in_report_year"]["passed"] == 1


def test_events_link_to_the_cities_they_take_place_in_or_name(db):
    rows = [dict(r) for r in db.execute(
        "SELECT e.title, e.location, c.city_id FROM event_cities c "
        "JOIN calendar_events e ON e.id = c.event_id WHERE e.report_id = '2021-fr'")]
    by_location = {(r["location"], r["city_id"]) for r in rows}
    assert ("Taipei, Taiwan", "taipei") in by_location
    assert ("Berlin, Allemagne", "berlin") in by_location
    assert ("Cordoue, Argentine", "cordoba") in by_location
    by_title = {(r["title"], r["city_id"]) for r in rows}
    assert ("Barcelona Re-Act", "barcelona") in by_title  # named in the title only
    assert ("Foire internationale de l’industrie de Chengdu (CDIIF)", "chengdu") in by_title
    located = {e["title"] for e in load("2021-fr")["events"]
               if e.get("location") and e["location"] != "Hybride"}
    linked = {r["title"] for r in rows}
    # every event with a place has its city (`Singapour, République de Singapour` too)
    assert located - linked == set()


def test_titles_are_searchable_and_stay_in_sync_on_reingest(tmp_path, ingested_copy):
    db_path = ingested_copy(SPECIMEN_2021_FR)
    changed = tmp_path / SPECIMEN_2021_FR.name
    shutil.copy(SPECIMEN_2021_FR, changed)
    with open(changed, "ab") as fh:  # same report, other bytes: replaced on ingest
        fh.write(b"\n% re-saved\n")
    assert run_cli("ingest", changed, "--db", db_path).returncode == 0
    conn = sqlite3.connect(db_path)
    try:
        hits = conn.execute(
            "SELECT title FROM calendar_events WHERE id IN "
            "(SELECT rowid FROM calendar_events_fts WHERE calendar_events_fts MATCH 'rotary')").fetchall()
        assert hits == [("Convention du Rotary International 2021",)]
        n_fts = conn.execute("SELECT count(*) FROM calendar_events_fts").fetchone()[0]
        n_rows = conn.execute("SELECT count(*) FROM calendar_events").fetchone()[0]
        assert n_fts == n_rows == 111
    finally:
        conn.close()


# --- every edition's calendar data, drawn alone and parsed -----------------------------

@pytest.mark.parametrize("edition", EDITIONS)
def test_each_edition_calendar_comes_back_exact(edition, tmp_path):
    data = load(edition)
    report = yaml.safe_load((DATA / edition / "report.yml").read_text(encoding="utf-8"))
    pdf = tmp_path / "calendar.pdf"
    rc = ReportCanvas(pdf, Style(**report.get("style", {})), title="calendar")
    draw_calendar_pages(rc, data)
    rc.save()
    ctx = ReportContext(edition, int(data["year"]), report.get("language", "fr"), pdf.name)
    with Document(pdf) as doc:
        numbers = parser.select_pages(doc.page_texts, ctx)
        section = parser.parse(list(doc.pages(numbers)), ctx)
    got, want = as_tuples(section.tables["calendar_events"]), expected(data)
    assert got == want, {"missing": want - got, "unexpected": got - want}


# --- small pieces ------------------------------------------------------------------------

@pytest.mark.parametrize("module", [parser, render_calendar])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


def test_join_lines_undoes_hyphenation_only_inside_words():
    assert parser.join_lines(["5ème session de l’Assemblée des Na-", "tions Unies"]) == (
        "5ème session de l’Assemblée des Nations Unies")
    assert parser.join_lines(["Réunion du groupe d’experts d’ONU-", "Habitat"]) == (
        "Réunion du groupe d’experts d’ONU-Habitat")
    assert parser.join_lines(["la politique de cohésion de l’UE 2021-", "2027"]) == (
        "la politique de cohésion de l’UE 2021-2027")
    assert parser.join_lines(["Just Cities", "- Le développement"]) == "Just Cities - Le développement"
    assert parser.join_lines(["Apprendre des villes en crise", ": perspectives"]) == (
        "Apprendre des villes en crise : perspectives")


def test_prefixes_and_types():
    assert parser.split_prefix("WEBINAR  | La densité urbaine") == ("WEBINAR |", "La densité urbaine")
    assert parser.split_prefix("COURSE | Learning program – Ville") == ("COURSE |", "Learning program – Ville")
    assert parser.split_prefix("Learning from cities: L’innovation") == (None, "Learning from cities: L’innovation")
    prefixes = parser.load_vocab().prefixes
    for printed, key in TYPE_OF_PREFIX.items():
        assert parser.event_type(printed, prefixes) == key, printed


def test_location_patterns():
    assert parser.looks_like_place_pair("Singapour, République de Singapour")
    assert parser.looks_like_place_pair("Séoul, Corée S.")
    assert not parser.looks_like_place_pair("Repenser, co-agir")
    assert not parser.looks_like_place_pair("Des métropoles intégrées, résilientes et solidaires")


def test_month_names_in_both_languages_with_or_without_accents():
    months = parser.load_vocab().months
    assert parser.month_of("AOÛT", months) == (8, None)
    assert parser.month_of("AOUT", months) == (8, None)
    assert parser.month_of("Décembre 2021", months) == (12, 2021)
    assert parser.month_of("SEPTEMBER", months) == (9, None)
    assert parser.month_of("8 Mars", months) is None


def test_statements_in_both_languages():
    voc = parser.load_vocab()
    fr = parser.find_statements("+25 événements et activités ont été organisés dans le monde entier "
                                "entre le 1er et le\n12 octobre pour célébrer", voc, 2021)
    assert [(s["first_date"], s["last_date"], s["count"], s["at_least"]) for s in fr] == [
        ("2021-10-01", "2021-10-12", 25, 1)]
    en = parser.find_statements("+25 events and activities were organised around the world "
                                "between 1 and 12 October to celebrate", voc, 2021)
    assert [(s["first_date"], s["last_date"], s["count"], s["at_least"]) for s in en] == [
        ("2021-10-01", "2021-10-12", 25, 1)]


def test_day_column_found_from_positions_whatever_the_alignment():
    left = [Word(str(d), 10, 20 * d, 10 + 5 * len(str(d)), 20 * d + 8) for d in range(1, 31)]
    right = [Word(str(d), 310 - 5 * len(str(d)), 20 * d, 310, 20 * d + 8) for d in range(1, 32)]
    stray = [Word("10", 100, 45, 110, 53), Word("2021", 120, 45, 140, 53)]
    columns = parser.find_day_columns(left + right + stray)
    assert [len(c.words) for c in columns] == [30, 31]
    assert [c.words[0].x0 for c in columns] == [10, 305]


def test_pages_chosen_from_the_text_prepass():
    ctx = ReportContext("2021-fr", 2021, "fr", "x")
    days = "\n".join(str(d) for d in range(1, 32))
    texts = [
        "Journée mondiale métropolitaine8 Mars\nnarrative",
        f" CALENDRIER INTERNATIONAL\nJANVIER\n{days}",
        f"SEPTEMBRE\n{days}",  # no heading on this page, as in the seed
        "INTERNATIONAL CALENDAR\nMARCH 123456789\n10\n11",  # glued by the pre-pass
        "INTERNATIONAL CALENDAR\nMAY123456789\n10\n11",  # glued with no space at all
        "MAYOR 12\nINTERNATIONAL CALENDAR",  # a word that starts like a month is not one
        "+25 événements et activités ont été organisés dans le monde entier entre le 1er et le 12 octobre",
    ]
    assert parser.select_pages(texts, ctx) == [2, 3, 4, 5, 7]
