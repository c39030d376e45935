"""Cities named in the narrative pages: the `prose` parser and `city_mentions`.

The truth is the specimen data files `specimens/data/2021-fr/prose.yml` and
`specimens/data/2021-en/prose.yml` (the same pages and cities in each edition's wording;
English names and countries written by hand), never the code's output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.names.gazetteer import key
from extract.names.normalise import resolver
from extract.names.places import find_places
from extract.pdf.layout import Document
from extract.sections import ReportContext, prose
from tests.specimens.build import build
from tests.specimens.pdfkit import Style, available_fonts

SPECIMENS = Path(__file__).parent / "specimens" / "data"
EDITIONS = ("2021-fr", "2021-en")
TRUTHS = {e: yaml.safe_load((SPECIMENS / e / "prose.yml").read_text(encoding="utf-8"))
          for e in EDITIONS}
DATA = SPECIMENS / "2021-fr"
TRUTH = TRUTHS["2021-fr"]


MEMBERS = DATA / "members.yml"


def member_names(edition: str = "2021-fr") -> list[str]:
    """The members of the specimen's first matrix, as the members parser meets them."""
    members = SPECIMENS / edition / "members.yml"
    if not members.exists():
        return []
    data = yaml.safe_load(members.read_text(encoding="utf-8"))
    return [" ".join(row["name"]) for row in data["matrices"][0]["rows"]]


def extract(pdf: Path, language: str = "fr",
            edition: str = "2021-fr") -> tuple[list[dict], ReportContext, list[int]]:
    ctx = ReportContext(edition, 2021, language, pdf.name)
    for name in member_names(edition):  # the pipeline runs the members parser before this one
        ctx.names.member(name)
    with Document(pdf) as doc:
        selected = prose.select_pages(doc.page_texts, ctx)
        pages = list(doc.pages(selected))
    return prose.parse(pages, ctx).tables.get("city_mentions", []), ctx, selected


def render(tmp: Path, prose_data: dict, style: Style | None = None,
           with_members: bool = False, edition: str = "2021-fr") -> Path:
    folder = tmp / "data"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SPECIMENS / edition / "report.yml", folder / "report.yml")
    members = SPECIMENS / edition / "members.yml"
    if with_members and members.exists():
        shutil.copy(members, folder / "members.yml")
    (folder / "prose.yml").write_text(yaml.safe_dump(prose_data, allow_unicode=True),
                                      encoding="utf-8")
    return build(folder, tmp / "prose.pdf", style)


@pytest.fixture(scope="module", params=EDITIONS)
def edition(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def specimen(tmp_path_factory: pytest.TempPathFactory, edition: str):
    """The edition's prose pages in its own layout (report.yml style), extracted."""
    pdf = render(tmp_path_factory.mktemp("prose"), TRUTHS[edition], edition=edition)
    return extract(pdf, edition[-2:], edition)


def expected(page: dict) -> set[tuple[str, str]]:
    pairs = [(i[1], i[2]) for i in page["items"]] if page["kind"] == "list" else page["cities"]
    return {(key(name), country) for name, country in pairs}


def found(rows: list[dict], section: str) -> set[tuple[str, str]]:
    out = set()
    for row in rows:
        if row["section"] == section:
            city = resolver().city_by_id(row["city_id"])
            out.add((key(city.name), city.country_code))
    return out


@pytest.mark.parametrize("index", range(len(TRUTH["pages"])),
                         ids=[p["section"] for p in TRUTH["pages"]])
def test_each_narrative_page_gives_its_cities(specimen, edition: str, index: int) -> None:
    rows, _, _ = specimen
    page = TRUTHS[edition]["pages"][index]
    assert found(rows, page["section"]) == expected(page)


def test_the_editions_print_the_same_pages_and_cities() -> None:
    fr, en = (TRUTHS[e]["pages"] for e in EDITIONS)
    assert [(p["kind"], p["section"]) for p in fr] == [(p["kind"], p["section"]) for p in en]
    assert [expected(p) for p in fr] == [expected(p) for p in en]


def test_seventy_metropolitan_spaces(specimen, edition: str) -> None:
    rows, _, _ = specimen
    truth = TRUTHS[edition]
    spaces = [r for r in rows if r["section"] == "metropolitan_spaces"]
    # 70 places printed, 70 distinct cities: one row each
    assert len(truth["pages"][0]["items"]) == 70
    assert len(spaces) == len(expected(truth["pages"][0])) == 70


# The first pilot project's sentence as each edition prints it (`Bar-` / `celon…` hyphenated).
PILOT_SENTENCE = {"2021-fr": "Cordoue, Montréal, Barcelone et Madrid",
                  "2021-en": "Córdoba, Montreal, Barcelona and Madrid"}


def test_pilot_projects_sentence(specimen, edition: str) -> None:
    rows, _, _ = specimen
    pilot = {r["city_id"]: r for r in rows if r["section"] == "pilot_projects"}
    # "Cordoue" is Córdoba, Argentina: the Metropolis member, not Córdoba, Spain
    assert resolver().city_by_id("cordoba").country_code == "AR"
    assert PILOT_SENTENCE[edition] in pilot["cordoba"]["context"]
    assert {"cordoba", "montreal", "barcelona", "madrid"} <= set(pilot)


@pytest.mark.parametrize("edition", ["2021-en"], indirect=True)
def test_english_prose_finds_brussels_and_splits_lyon_and_paris(specimen) -> None:
    """The issue's hard cases for English NER: fr_core_news_sm misses Brussels and
    tags `Lyon and Paris` as one place."""
    rows, _, _ = specimen
    pilot = {r["city_id"]: r["context"] for r in rows if r["section"] == "pilot_projects"}
    assert {"brussels", "lyon", "paris"} <= set(pilot)
    assert "Brussels, Montreal, Lyon and Paris" in pilot["lyon"]
    assert "Brussels, Montreal, Lyon and Paris" in pilot["paris"]
    assert resolver().city_by_id("brussels").country_code == "BE"


def test_rows_carry_provenance_and_no_other_page(specimen) -> None:
    rows, ctx, selected = specimen
    box = ("x0", "top", "x1", "bottom")
    assert rows and all(set(r) == {"city_id", "section", "page", "context", *box} for r in rows)
    # the box is the paragraph's: a real area on an A4/letter-sized page at most
    assert all(0 <= r["x0"] < r["x1"] <= 1000 and 0 <= r["top"] < r["bottom"] <= 1000 for r in rows)
    assert {r["page"] for r in rows} <= set(selected)
    # the cover and the Secretary General's note (which names Guangzhou) are not scanned
    assert 1 not in selected and 2 not in selected
    cities = {c["id"] for c in ctx.names.tables()["cities"]}
    assert {r["city_id"] for r in rows} <= cities
    assert len({(r["city_id"], r["section"], r["page"]) for r in rows}) == len(rows)


def test_nothing_on_the_pages_is_left_unreviewed(specimen) -> None:
    _, ctx, _ = specimen
    for row in ctx.names.tables()["name_review"]:
        assert row["reason"] in ("ambiguous", "fuzzy"), row  # resolved, flagged for review


GREEN = ("selon l’expérience de la Ville de Mexico, de Valle de Aburra et de l’Aire "
         "métropolitaine de Barcelone")


@pytest.mark.parametrize("text, places", [
    ("à Cordoue, Montréal, Barcelone et Madrid", ["Cordoue", "Montréal", "Barcelone", "Madrid"]),
    (GREEN, ["Ville de Mexico", "Valle de Aburra", "Aire métropolitaine de Barcelone"]),
    ("Santiago de Chile São Paulo Seoul", ["Santiago de Chile", "São Paulo", "Seoul"]),
    ("Based on the experience of Brussels, Montreal, Lyon and Paris",
     ["Brussels", "Montreal", "Lyon", "Paris"]),
    ("ADA COLAU BALLANO Maire Président Municipal Union of Municipalities of Turkey", []),
    ("Addis-Abeba et Xi'an, puis Male'", ["Addis-Abeba", "Xi'an", "Male"]),
])
def test_find_places(text: str, places: list[str]) -> None:
    assert [m.text for m in find_places(text, "fr")] == places


@pytest.mark.parametrize("text, places", [
    ("participatory democracy in Córdoba, Montreal, Barcelona and Madrid regarding",
     ["Córdoba", "Montreal", "Barcelona", "Madrid"]),
    ("Through this project, Montreal, Barcelona and Brussels are working on",
     ["Montreal", "Barcelona", "Brussels"]),
    ("the experience of Mexico City, Valle de Aburrá and the Barcelona Metropolitan Area.",
     ["Mexico City", "Valle de Aburrá", "Barcelona Metropolitan Area"]),
    ("Based on the experience of Brussels, Montreal, Lyon and Paris, this project",
     ["Brussels", "Montreal", "Lyon", "Paris"]),
    ("Greater Lyon Greater Paris Beirut Lisbon Turin",
     ["Greater Lyon", "Greater Paris", "Beirut", "Lisbon", "Turin"]),
    ("ASMAA RHLALOU Rabat City Council President Head of Government Executive Mayor",
     ["Rabat"]),
])
def test_find_places_in_english(text: str, places: list[str]) -> None:
    assert [m.text for m in find_places(text, "en")] == places


def test_page_sections_from_either_language() -> None:
    assert prose.page_section("13 membres impliqués dans 4 projets pilotes", "fr") == "pilot_projects"
    assert prose.page_section("16% of our members governed by women", "en") == "women_leaders"
    assert prose.page_section("CARTOGRAPHIE DES MEMBRES Projets pilotes Leader (L)", "fr") is None


def test_city_mentions_reach_the_database(tmp_path: Path) -> None:
    from extract.pipeline.run import extract_report
    from extract.store import writer as store

    pdf = render(tmp_path, TRUTH, with_members=True)
    extraction = extract_report(pdf)
    db = store.connect(tmp_path / "kb.db")
    store.write_report(db, extraction.report, extraction.tables)
    rows = db.execute(
        "SELECT c.name, c.country_code, c.latitude FROM city_mentions m "
        "JOIN cities c ON c.id = m.city_id WHERE m.section = 'pilot_projects'").fetchall()
    assert ("Córdoba", "AR") in {(name, cc) for name, cc, _ in rows}
    assert all(lat is not None for _, _, lat in rows)
    spaces = db.execute("SELECT count(*) FROM city_mentions WHERE section = "
                        "'metropolitan_spaces' AND report_id = '2021-fr'").fetchone()[0]
    assert spaces == 70


def by_section(conn, report_id: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for section, city in conn.execute(
            "SELECT section, city_id FROM city_mentions WHERE report_id = ?", (report_id,)):
        out.setdefault(section, set()).add(city)
    return out


def test_both_editions_mention_the_same_cities(tmp_path: Path) -> None:
    """raw/ ingested as a user does it: cities are language-independent, so the English
    edition's city_mentions are the French one's, section by section."""
    import sqlite3

    from tests.conftest import RAW, run_cli

    result = run_cli("ingest", RAW, "--db", tmp_path / "kb.db")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "kb.db")
    fr, en = by_section(conn, "2021-fr"), by_section(conn, "2021-en")
    assert en == fr
    # and they are the truth's cities, not merely equal
    for page in TRUTHS["2021-en"]["pages"]:
        cities = {resolver().city_by_id(c) for c in en[page["section"]]}
        assert {(key(c.name), c.country_code) for c in cities} == expected(page)
    assert {"brussels", "lyon", "paris"} <= en["pilot_projects"]


PLACES = [item for item in TRUTH["pages"][0]["items"] if "|" not in item[0]]


@settings(deadline=None, max_examples=6)
@given(
    items=st.lists(st.sampled_from(PLACES), min_size=3, max_size=24, unique_by=lambda i: i[0]),
    columns=st.integers(1, 6),
    font=st.sampled_from(available_fonts()),
    page_size=st.sampled_from(["A4-landscape", "A4-portrait", "letter-portrait"]),
)
def test_any_list_layout_gives_its_cities(tmp_path_factory, items, columns, font,
                                          page_size) -> None:
    page = {**TRUTH["pages"][0], "items": items, "columns": columns}
    pdf = render(tmp_path_factory.mktemp("list"), {"pages": [page]},
                 Style(page_size=page_size, font_family=font))
    rows, _, _ = extract(pdf)
    assert found(rows, "metropolitan_spaces") == expected(page)
