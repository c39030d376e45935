"""Products of any design (issue 22): the kind from the heading above, the link as an
annotation, a printed URL or both, lists and tables as well as tiles; and the place a
location's country decides.

Each habit is drawn by the HTML generator (`HtmlLayout` knobs, prints cached by the
HTML's hash) over the data files of the specimen editions, read back, and every product
is compared with the data file: kind, title and URL (a printed URL stored normalised,
`https://www.…`).
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest
from bench.design_space import designs, space_of
from bench.design_space import publications as space

from extract.names.normalise import NameCollector
from extract.pdf.layout import Document
from extract.sections import ReportContext, publications
from extract.sections import calendar as calendar_parser
from tests.conftest import DATA
from tests.specimens.html.printers import print_pdf
from tests.specimens.html.render import HtmlLayout, edition_html, load_edition


def read_products(tmp: Path, data: dict, layout: HtmlLayout) -> tuple[Counter, list[dict]]:
    pdf = print_pdf(edition_html(None, layout, data=data), tmp / "products.pdf", "chromium")
    rows, checks = space.read(pdf)
    return Counter((r["kind"], r["title"], r["url"]) for r in rows), checks


def products_only(edition: str, kinds: set[str] | None = None) -> dict:
    data = load_edition(DATA / edition)
    data = {k: v for k, v in data.items() if k in ("report", "publications")}
    if kinds:
        data["publications"]["groups"] = [g for g in data["publications"]["groups"] if g["kind"] in kinds]
    return data


# --- the kind from the heading above -------------------------------------------------------

@pytest.mark.parametrize("edition", ["2021-fr", "2021-en", "2021-es"])
def test_a_learning_station_page_in_capitals_gives_learning_products(tmp_path, edition):
    """The issue's page: `LEARNING STATION`, a sentence counting its products ("s'est
    enrichie en 2022 de 8 nouveaux produits") and items linking to
    metropolis.org/sessions/…, after the publications (main read them as publications)."""
    data = space.learning_station_in_capitals(products_only(edition, {"publication", "learning_product"}))
    got, checks = read_products(tmp_path, data, HtmlLayout())
    assert got == space.expected(data)
    learning = next(g for g in data["publications"]["groups"] if g["kind"] == "learning_product")
    check = next(c for c in checks if c["check"] == "publications.learning_products")
    assert (check["expected"], check["passed"]) == (str(len(learning["items"])), 1)


# Headings of one word, as a designer may set them (the vocabulary has these words).
BARE_HEADINGS = {
    "fr": {"publication": "PUBLICATIONS", "video": "VIDÉOS", "declaration": "DÉCLARATIONS",
           "learning_product": "LEARNING STATION"},
    "en": {"publication": "PUBLICATIONS", "video": "VIDEOS", "declaration": "DECLARATIONS",
           "learning_product": "LEARNING STATION"},
    "es": {"publication": "PUBLICACIONES", "video": "VÍDEOS", "declaration": "DECLARACIONES",
           "learning_product": "LEARNING STATION"},
}


@pytest.mark.parametrize("edition", ["2021-fr", "2021-en", "2021-es"])
def test_each_kind_headed_by_its_word_alone(tmp_path, edition):
    data = products_only(edition)
    language = data["report"]["language"]
    for group in data["publications"]["groups"]:
        group["heading"] = BARE_HEADINGS[language][group["kind"]]
        group.pop("notes", None)
    got, _ = read_products(tmp_path, data, HtmlLayout())
    assert got == space.expected(data)


# --- links: annotation, printed URL, both ------------------------------------------------

@pytest.mark.parametrize("product_list, link, url_form", [
    ("tiles", "printed", "bare"),
    ("list", "printed", "www"),
    ("table", "printed", "full"),
    ("tiles", "both", "bare"),
    ("table", "both", "www"),
    ("list", "split_word", "full"),
])
def test_products_with_their_url_printed_annotated_or_both(tmp_path, product_list, link, url_form):
    """Products with their URL printed under (or beside) the title and no annotation are
    products, stored with the URL normalised; main read none of the printed ones."""
    data = products_only("2021-fr")
    layout = HtmlLayout(product_list=product_list, url_form=url_form, **space.LINKS[link])
    got, checks = read_products(tmp_path, data, layout)
    assert got == space.expected(data)
    assert all(c["passed"] for c in checks if c["check"].startswith("publications."))


def test_a_page_of_printed_urls_after_a_product_page_is_read_as_products():
    """Routing: a page that goes on with URL-bearing items is the product heading's, even
    under another running header."""
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    texts = ["LIGNE D’ACTION 2\nLearning Station\nVille résiliente\nmetropolis.org/sessions/resilient-city",
             ("ANNEXE\nRégénération urbaine durable\nmetropolis.org/sessions/sustainable-urban-regeneration\n"
              "Déplacements entre métropoles\nwww.metropolis.org/sessions/commuting-across-metropolises"),
             "ANNEXE\n12 réunions en 2021"]
    assert publications.select_pages(texts, ctx) == [1, 2]


@pytest.mark.parametrize("printed, stored", [
    ("metropolis.org/sessions/resilient-city", "https://www.metropolis.org/sessions/resilient-city"),
    ("www.metropolis.org/node/9221", "https://www.metropolis.org/node/9221"),
    ("https://www.metropolis.org/node/9221.", "https://www.metropolis.org/node/9221"),
    ("youtube.com/watch?v=xlOjAmLoMrs", "https://www.youtube.com/watch?v=xlOjAmLoMrs"),
])
def test_a_printed_url_is_stored_normalised(printed, stored):
    assert publications.normalise_url(printed) == stored


# --- places in locations -----------------------------------------------------------------

def located_events(tmp: Path) -> tuple[dict, Path]:
    """One month of the 2021-en calendar with two events in Asian places: Bali (a province
    of Indonesia; the gazetteer's only Bali are towns of India and Cameroon) and Kuala
    Lumpur."""
    data = load_edition(DATA / "2021-en")
    calendar = copy.deepcopy(data["calendar"])
    calendar["events"] = [
        {"month": 3, "day": 8, "end_day": 10, "title": "Regional forum on coastal metropolises",
         "location": "Bali, Indonesia"},
        {"month": 3, "day": 22, "title": "Asia-Pacific dialogue on metropolitan finance",
         "location": "Kuala Lumpur, Malaysia"},
    ]
    calendar["pages"] = [[3]]
    calendar.pop("statements", None)
    data = {"report": data["report"], "calendar": calendar}
    return data, print_pdf(edition_html(None, HtmlLayout(), data=data), tmp / "calendar.pdf", "chromium")


def test_the_country_of_a_location_decides_its_place(tmp_path):
    """`Bali, Indonesia` was put in India: the country printed decides; a name with no
    place in that country is no city and waits in name_review."""
    data, pdf = located_events(tmp_path)
    ctx = ReportContext("2021-en", 2021, "en", pdf.name)
    with Document(pdf) as doc:
        pages = list(doc.pages(calendar_parser.select_pages(doc.page_texts, ctx)))
        tables = calendar_parser.parse(pages, ctx).tables
    events = {e["location"]: e["id"] for e in tables["calendar_events"]}
    assert set(events) == {e["location"] for e in data["calendar"]["events"]}
    cities = {c["id"]: c for c in ctx.names.tables()["cities"]}
    linked = {link["event_id"]: cities[link["city_id"]] for link in tables["event_cities"]}
    assert events["Bali, Indonesia"] not in linked  # not the Bāli of India
    assert linked[events["Kuala Lumpur, Malaysia"]]["country_code"] == "MY"
    review = [r for r in ctx.names.tables()["name_review"] if r["name_as_printed"] == "Bali"]
    assert [(r["reason"], r["city_id"]) for r in review] == [("not_in_country", None)]


def test_a_name_with_no_place_in_the_printed_country_is_for_review():
    names = NameCollector("test")
    assert names.city("Kuala Lumpur", country="Malaysia") == "kuala-lumpur"
    assert names.city("Bali", country="Indonesia") is None
    assert names.city("Cordoue", country="Argentine") == "cordoba"
    assert [r["reason"] for r in names.tables()["name_review"]] == ["not_in_country"]


# --- the design space, a seeded sample -------------------------------------------------------

@pytest.mark.parametrize("design", designs(space_of("publications"), 3, seed=22), ids=lambda d: str(d))
def test_a_sample_of_the_design_space(tmp_path, design):
    want, got, _, _ = space.outcome(design, tmp_path)
    assert {"missing": sorted(want - got), "unexpected": sorted(got - want)} == {"missing": [], "unexpected": []}
