"""Publications, Learning Station products, videos and declarations with their links.

Expectations come from the specimen data (`tests/specimens/data/2021-fr/publications.yml`)
or are written by hand; the PDFs are rendered by the specimen renderer.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.lang import vocab
from extract.lang.identify import identify
from extract.pdf.layout import Document, Link, Page, Word, load_pages
from extract.pipeline.run import Extraction
from extract.sections import ReportContext, key_figures, publications
from extract.store import writer as store
from extract.toolkit.text import join_lines
from tests.conftest import DATA, SPECIMEN_2021_FR
from tests.specimens.build import build

EDITION = DATA / "2021-fr"
PRODUCTS = yaml.safe_load((EDITION / "publications.yml").read_text(encoding="utf-8"))


def extract_report(pdf: Path) -> Extraction:
    """The pipeline's steps for the two sections under test only: the other section
    parsers are someone else's work in progress and must not break these tests."""
    with Document(pdf) as doc:
        ident = identify(doc.page_texts)
        ctx = ReportContext(ident.report_id, ident.year, ident.language, pdf.name)
        tables: dict[str, list[dict]] = {}
        for parser in (key_figures, publications):
            pages = list(doc.pages(parser.select_pages(doc.page_texts, ctx)))
            for table, rows in parser.parse(pages, ctx).tables.items():
                tables.setdefault(table, []).extend(rows)
        tables["checks"] = publications.checks(tables, None, ctx)
        report = {"id": ident.report_id, "year": ident.year, "language": ident.language,
                  "title": ident.title, "source_file": pdf.name, "page_count": doc.page_count}
    return Extraction(report, tables, ctx.warnings)


def expected_rows(data: dict) -> list[tuple]:
    """(kind, title, url) in reading order; a tile drawn without its link has url None."""
    rows = []
    for group in data["groups"]:
        for item in group["items"]:
            url = item["url"] if item.get("link_drawn", True) else None
            rows.append((group["kind"], item["title"], url))
    return rows


def render(tmp: Path, data: dict, name: str = "products.pdf", figures: bool = True) -> Path:
    """A small report with the front pages, the figures (optional) and these products."""
    folder = tmp / f"data-{name}"
    folder.mkdir()
    shutil.copy(EDITION / "report.yml", folder / "report.yml")
    if figures:
        shutil.copy(EDITION / "key_figures.yml", folder / "key_figures.yml")
    (folder / "publications.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return build(folder, tmp / name)


def extracted(rows: list[dict]) -> list[tuple]:
    return [(r["kind"], r["title"], r["url"]) for r in rows]


@pytest.fixture(scope="module")
def specimen(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("products")
    pdf = render(tmp, PRODUCTS)
    return pdf, extract_report(pdf)


def test_every_product_with_its_url(specimen):
    _, result = specimen
    assert extracted(result.tables["publications"]) == expected_rows(PRODUCTS)


@pytest.mark.parametrize("kind, count", [
    ("publication", 24), ("learning_product", 22), ("video", 7), ("declaration", 4),
])
def test_counts_per_kind(specimen, kind, count):
    _, result = specimen
    assert sum(r["kind"] == kind for r in result.tables["publications"]) == count


def test_wrong_duplicate_link_is_kept_as_printed(specimen):
    _, result = specimen
    target = "https://www.metropolis.org/sessions/learning-cities-crises-metropolitan-perspectives-fragility-and-resilience"
    titles = sorted(r["title"] for r in result.tables["publications"] if r["url"] == target)
    assert titles == [
        "Apprendre des villes en crise : perspectives métropolitaines sur la fragilité et la résilience",
        "Visualisation géospatiale de la redynamisation urbaine",
    ]


def test_product_without_link_is_listed_with_null_url(specimen):
    _, result = specimen
    rows = [r for r in result.tables["publications"] if r["title"] == "Journée mondiale métropolitaine"]
    assert len(rows) == 1 and rows[0]["url"] is None and rows[0]["kind"] == "video"


def test_titles_join_lines_and_undo_hyphenation(specimen):
    _, result = specimen
    titles = {r["title"] for r in result.tables["publications"]}
    # soft hyphen "ni-" / "veau" undone; real hyphens "juillet-" / "septembre" and
    # "est-" / "elle" kept; no double spaces
    assert "Déclaration conjointe au Forum politique de haut niveau pour le développement durable 2021" in titles
    assert "Rapport de progrès juillet-septembre 2020" in titles
    assert any("est-elle plus importante" in t for t in titles)
    assert all("  " not in t and "\n" not in t for t in titles)


def test_no_gender_focus_where_the_layout_gives_none(specimen):
    _, result = specimen
    assert {r["gender_focus"] for r in result.tables["publications"]} == {None}


def test_rows_carry_provenance(specimen):
    pdf, result = specimen
    pages = {p.number: p for p in load_pages(pdf, {r["page"] for r in result.tables["publications"]})}
    for row in result.tables["publications"]:
        page = pages[row["page"]]
        assert 0 <= row["x0"] < row["x1"] <= page.width
        assert 0 <= row["top"] < row["bottom"] <= page.height
        words = " ".join(w.text for w in page.within(row["x0"] - 1, row["top"] - 1, row["x1"] + 1, row["bottom"] + 1))
        assert words.split()[0] == row["title"].split()[0]


def test_links_over_running_text_are_neither_rows_nor_warnings(specimen):
    """The data file's `notes` are prose with an inline link: not products, and nothing a
    clean report should warn about (the stated counts catch a product lost that way)."""
    _, result = specimen
    urls = {r["url"] for r in result.tables["publications"]}
    for note_url in ("https://www.metropolis.org/city-managers-community",
                     "https://www.metropolis.org/learning-station"):
        assert note_url not in urls
        assert not any(note_url in w for w in result.warnings)
    # thumbnails repeat a declaration's link: neither a row nor a warning
    assert not any("no title under it" in w for w in result.warnings)


def test_checks_hold_the_products_to_the_printed_figures(specimen):
    _, result = specimen
    checks = {c["check"]: c for c in result.tables["checks"]}
    for key in ("new_publications", "learning_products", "new_videos", "declarations"):
        assert checks[f"publications.{key}"]["passed"] == 1, checks[f"publications.{key}"]
    assert checks["publications.new_publications"]["actual"] == "24"
    assert checks["publications.new_videos"]["actual"] == "34"  # 6 videos + "28 vidéos …"


@pytest.mark.parametrize("order", ["reverse", "shuffle:7", "shuffle:2021"])
def test_pairing_does_not_depend_on_annotation_order(tmp_path, order):
    data = {**copy.deepcopy(PRODUCTS), "link_order": order}
    pdf = render(tmp_path, data, figures=False)
    # the annotations really are out of visual order on the tile pages
    pages = load_pages(pdf)
    tile_pages = [p for p in pages if len(p.links) >= 4]
    assert any([lk.top for lk in p.links] != sorted(lk.top for lk in p.links) for p in tile_pages)
    result = extract_report(pdf)
    assert extracted(result.tables["publications"]) == expected_rows(PRODUCTS)


def test_gender_marks_are_read_from_the_legend_colours(tmp_path):
    data = copy.deepcopy(PRODUCTS)
    group = next(g for g in data["groups"] if g["kind"] == "publication")
    marks = ["gender_specific", "gender_mainstreamed", None]
    for i, item in enumerate(group["items"]):
        if marks[i % 3]:
            item["gender_focus"] = marks[i % 3]
    result = extract_report(render(tmp_path, data, figures=False))
    got = {r["title"]: r["gender_focus"] for r in result.tables["publications"] if r["kind"] == "publication"}
    assert got == {item["title"]: item.get("gender_focus") for item in group["items"]}


def test_publication_titles_are_full_text_searchable(specimen, tmp_path):
    _, result = specimen
    db = store.connect(tmp_path / "kb.db")
    store.write_report(db, result.report, result.tables)
    hits = [r[0] for r in db.execute(
        "SELECT title FROM publications WHERE rowid IN "
        "(SELECT rowid FROM publications_fts WHERE publications_fts MATCH 'biodiversite')")]
    assert hits == [("La nature au sein et aux alentours des villes : approches métropolitaines "
                    "pour la conservation de la biodiversité")]


# -- pure functions on hand-made pages ------------------------------------------------

def words_of(text: str, x: float, top: float, size: float = 10.0, bold: bool = True) -> list[Word]:
    out, cursor = [], x
    for token in text.split():
        width = len(token) * size * 0.55
        out.append(Word(token, cursor, top, cursor + width, top + size, size,
                        "Vera-Bold" if bold else "Vera"))
        cursor += width + size * 0.3
    return out


def tile_page(order: list[int], heading: str = "12 nouvelles publications") -> tuple[Page, dict[str, str]]:
    """Six tiles in a 3x2 grid, their links written in `order`; one link over nothing."""
    words = words_of(heading, 40, 40, size=13)
    truth, links = {}, []
    for i in range(6):
        x, top = 40 + (i % 3) * 250, 100 + (i // 3) * 120
        title = f"Titre numéro {i} du rapport"
        words += words_of(f"Titre numéro {i}", x + 8, top + 8) + words_of("du rapport", x + 8, top + 21)
        truth[title] = f"https://example.org/node/{i}"
        links.append(Link(truth[title], x, top, x + 230, top + 100))
    links = [links[i] for i in order] + [Link("https://example.org/empty", 40, 400, 200, 450)]
    return Page(1, 842, 595, words, links, []), truth


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [3, 0, 5, 1, 4, 2]])
def test_pairing_by_geometry_on_a_hand_made_page(order):
    page, truth = tile_page(order)
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    rows = publications.parse([page], ctx).tables["publications"]
    assert {r["title"]: r["url"] for r in rows} == truth
    assert {r["kind"] for r in rows} == {"publication"}
    assert ctx.warnings == [("publications p.1: link https://example.org/empty has no title under it: "
                            "no row made; look at the page for the product it stands for")]


@given(st.permutations(range(6)))
@settings(deadline=None, max_examples=30)
def test_pairing_is_order_free_for_every_permutation(order):
    page, truth = tile_page(list(order))
    rows = publications.parse([page], ReportContext("2021-fr", 2021, "fr", "x.pdf")).tables["publications"]
    assert {r["title"]: r["url"] for r in rows} == truth


TITLE_WORDS = st.sampled_from([
    "gouvernance", "métropolitaine", "villes", "résilience", "rapport", "genre", "mobilité",
    "urbaine", "durable", "planification", "inégalités", "nature", "espaces", "publics", "données",
])


@given(
    titles=st.lists(st.lists(TITLE_WORDS, min_size=2, max_size=9).map(" ".join),
                    min_size=2, max_size=7, unique=True),
    seed=st.integers(0, 10_000),
)
@settings(deadline=None, max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_tiles_rendered_and_extracted(tmp_path_factory, titles, seed):
    items = [{"title": t, "url": f"https://www.metropolis.org/node/{1000 + i}"} for i, t in enumerate(titles)]
    data = {"link_order": f"shuffle:{seed}", "groups": [{
        "kind": "publication", "section": "LIGNE D’ACTION 2",
        "heading": f"{len(items)} nouvelles publications", "columns": 3, "items": items,
    }]}
    result = extract_report(render(tmp_path_factory.mktemp("random"), data, figures=False))
    assert extracted(result.tables["publications"]) == [("publication", i["title"], i["url"]) for i in items]


def test_join_lines_by_hand():
    def join(lines):
        return join_lines(lines, vocab.lexicon("fr"))
    assert join(["Infrastructures métropoli-", "taines vertes"]) == "Infrastructures métropolitaines vertes"
    assert join(["Rapport de progrès avril-", "juin 2020"]) == "Rapport de progrès avril-juin 2020"
    assert join(["Gouvernance de l’urgence", "dans les villes", ": document"]) == \
        "Gouvernance de l’urgence dans les villes : document"
    assert join(["Mapping - Latin", "America"]) == "Mapping - Latin America"


def test_committed_specimen_products():
    """The committed raw/ specimen gives exactly the products of its data file."""
    rows = extract_report(SPECIMEN_2021_FR).tables.get("publications", [])
    assert extracted(rows) == expected_rows(PRODUCTS)


def test_docstring_examples():
    import doctest

    assert doctest.testmod(publications).failed == 0


def test_unlinked_tile_is_listed_but_text_of_another_style_or_place_is_not():
    page, truth = tile_page([0, 1, 2, 3, 4, 5])
    # a seventh tile on the grid with no link; a bold intro above the heading; a plain
    # caption under the grid, aligned with a tile but in another style
    page.words.extend(words_of("Tuile sans lien", 40 + 8, 340 + 8))
    page.words.extend(words_of("Introduction en gras", 48, 10))
    page.words.extend(words_of("Légende en romain", 290, 540, bold=False))
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    rows = publications.parse([page], ctx).tables["publications"]
    assert {r["title"]: r["url"] for r in rows} == {**truth, "Tuile sans lien": None}


@pytest.mark.parametrize("language, heading, kind", [
    ("en", "6 new publications", "publication"),
    ("en", "34 new videos", "video"),
    ("en", "The Learning Station: 22 capacity-building products", "learning_product"),
    ("fr", "34 nouvelles vidéos", "video"),
])
def test_kind_comes_from_the_heading_vocabulary(language, heading, kind):
    page, truth = tile_page([2, 0, 1, 5, 3, 4], heading=heading)
    rows = publications.parse([page], ReportContext("2021-x", 2021, language, "x.pdf")).tables["publications"]
    assert {r["title"]: r["url"] for r in rows} == truth
    assert {r["kind"] for r in rows} == {kind}


def test_a_tile_with_a_caption_is_one_product_titled_by_its_largest_type():
    words = words_of("3 nouvelles vidéos", 40, 40, size=13)
    words += words_of("Ville résiliente", 48, 108, size=12) + words_of("Vidéo | 2021", 48, 150, size=8)
    link = Link("https://www.youtube.com/watch?v=x", 40, 100, 270, 200)
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    rows = publications.parse([Page(1, 842, 595, words, [link], [])], ctx).tables["publications"]
    assert [(r["kind"], r["title"], r["url"]) for r in rows] == [("video", "Ville résiliente", link.uri)]


def test_links_on_a_page_without_products_are_not_reported():
    page = Page(1, 842, 595, words_of("Un paragraphe quelconque", 40, 40),
                [Link("https://example.org", 40, 38, 200, 52)], [])
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    assert publications.parse([page], ctx).tables["publications"] == []
    assert ctx.warnings == []
