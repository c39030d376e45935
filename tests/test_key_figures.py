"""The headline figures: number forms, labels, and the 2021 specimen's figures.

Expectations come from `tests/specimens/data/2021-fr/key_figures.yml` or are written by
hand.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import sections as parsers
from extract.lang.identify import identify
from extract.pdf.layout import Document, Page, Word
from extract.sections import ReportContext, key_figures
from extract.sections.key_figures import find_figures, parse_number
from tests.conftest import DATA, SPECIMEN_2021_FR
from tests.specimens.build import build

EDITION = DATA / "2021-fr"
FIGURES = yaml.safe_load((EDITION / "key_figures.yml").read_text(encoding="utf-8"))["figures"]


def extract_figures(pdf: Path) -> tuple[list[dict], list[str], list[int]]:
    """key_figures rows, warnings and selected pages of one PDF (this parser only)."""
    with Document(pdf) as doc:
        ident = identify(doc.page_texts)
        ctx = ReportContext(ident.report_id, ident.year, ident.language, pdf.name)
        numbers = key_figures.select_pages(doc.page_texts, ctx)
        rows = key_figures.parse(list(doc.pages(numbers)), ctx).tables["key_figures"]
    return rows, ctx.warnings, numbers


@pytest.fixture(scope="module")
def specimen(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("figures")
    folder = tmp / "data"
    folder.mkdir()
    # the funding tiles (funding_*_share) are drawn with the budget
    for name in ("report.yml", "key_figures.yml", "publications.yml", "budget.yml"):
        shutil.copy(EDITION / name, folder / name)
    return extract_figures(build(folder, tmp / "figures.pdf"))


@pytest.mark.parametrize("printed, value", [
    ("72,7%", 72.7), ("+2.14K", 2140), ("1 200", 1200), ("1\u202f200", 1200), ("1\u00a0200", 1200),
    ("+36.4K", 36400), ("36 %", 36), ("16,8%", 16.8), ("169", 169), ("+2.1K", 2100), ("3", 3),
])
def test_french_number_forms(printed, value):
    assert parse_number(printed, "fr") == pytest.approx(value)


@pytest.mark.parametrize("printed, value", [
    ("72.7%", 72.7), ("1,200", 1200), ("+2.14K", 2140), ("+36.4K", 36400), ("1.5M", 1_500_000),
    ("12,345", 12345), ("0.5%", 0.5),
])
def test_english_number_forms(printed, value):
    assert parse_number(printed, "en") == pytest.approx(value)


@given(value=st.decimals(min_value=0, max_value=9_999_999, places=1), language=st.sampled_from(["fr", "en"]))
@settings(deadline=None, max_examples=200)
def test_numbers_as_babel_prints_them_read_back(value, language):
    printed = format_decimal(value, locale=language, decimal_quantization=False)
    assert Decimal(str(parse_number(printed, language))) == value


def test_figures_in_french_sentences():
    found = find_figures("24 nouvelles publications, dont 21 axées sur une perspective de genre", "fr")
    assert [(f.key, f.value) for f in found] == [("new_publications", 24), ("gender_publications", 21)]
    found = find_figures("Nous avons contribué et soutenu 4 déclarations de politiques, dont 3 axées "
                         "sur une perspective de genre :", "fr")
    assert [(f.key, f.value) for f in found] == [("declarations", 4), ("gender_declarations", 3)]
    found = find_figures("72,7% de nos membres activement engagés*", "fr")
    assert [(f.key, f.value, f.label) for f in found] == [
        ("active_members_share", 72.7, "72,7% de nos membres activement engagés*")]
    # a number inside a word is not a figure; a number with no known label is ignored
    assert find_figures("Les technologies 5G et la COVID-19 en 2021", "fr") == []


def test_figures_in_english_sentences():
    found = find_figures("24 new publications, of which 21 with a gender perspective", "en")
    assert [(f.key, f.value) for f in found] == [("new_publications", 24), ("gender_publications", 21)]
    found = find_figures("+2.14K participations in events organised by Metropolis", "en")
    assert [(f.key, f.value) for f in found] == [("event_participations", 2140)]
    assert [f.key for f in find_figures("3 new members", "en")] == ["new_members"]


def test_every_figure_of_the_specimen(specimen):
    rows, _, _ = specimen
    got = {r["key"]: (r["value"], r["label"]) for r in rows}
    want = {f["key"]: (float(f["value"]), f["label"]) for f in FIGURES}
    assert got == want


def test_headline_figures_named_by_the_issue(specimen):
    rows, _, _ = specimen
    values = {r["key"]: r["value"] for r in rows}
    assert values["collaborations"] == 169
    assert values["new_members"] == 3
    assert values["event_participations"] == 2140
    assert values["active_members_share"] == pytest.approx(72.7)
    assert values["new_publications"] == 24
    assert values["gender_publications"] == 21
    assert values["learning_products"] == 22
    assert values["new_videos"] == 34
    assert values["world_events"] == 24


def test_rows_carry_their_page(specimen):
    rows, _, numbers = specimen
    assert len({r["key"] for r in rows}) == len(rows)
    assert all(r["page"] in numbers for r in rows)
    # the cover and the narrative hold no figure ("1200 dessins" has no label of ours)
    assert 1 not in numbers and 2 not in numbers


def words_of(text: str, top: float, size: float = 10.0) -> list[Word]:
    out, x = [], 40.0
    for token in text.split():
        out.append(Word(token, x, top, x + len(token) * size * 0.55, top + size, size))
        x += len(token) * size * 0.55 + size * 0.3
    return out


def test_a_restated_figure_with_another_value_is_a_warning():
    page = Page(3, 842, 595, words_of("+2.14K participations aux événements", 100)
                + words_of("+2.1K participations aux événements", 300), [], [])
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    rows = key_figures.parse([page], ctx).tables["key_figures"]
    assert [(r["key"], r["value"]) for r in rows] == [("event_participations", 2140)]
    assert len(ctx.warnings) == 1 and "event_participations" in ctx.warnings[0]


def test_big_number_and_its_label_under_it_read_as_one_figure():
    words = words_of("72,7%", 100, size=30) + words_of("de nos membres", 136) + words_of("activement engagés*", 149)
    rows = key_figures.parse([Page(3, 842, 595, words, [], [])], ReportContext("2021-fr", 2021, "fr", "x.pdf"))
    assert [(r["key"], r["value"], r["label"]) for r in rows.tables["key_figures"]] == [
        ("active_members_share", 72.7, "72,7% de nos membres activement engagés*")]


def test_key_figures_parser_runs_first():
    assert parsers.registered()[0] is key_figures.PARSER


def test_committed_specimen_figures():
    """The committed raw/ specimen gives exactly the figures of its data file."""
    rows, _, _ = extract_figures(SPECIMEN_2021_FR)
    assert {r["key"]: r["value"] for r in rows} == {f["key"]: float(f["value"]) for f in FIGURES}


def test_docstring_examples():
    import doctest

    assert doctest.testmod(key_figures).failed == 0


# The paragraphs of the real report's text layer that state figures (copied from it).
SEED = Path(__file__).parent / "data" / "seed_figure_paragraphs_2021_fr.txt"


def test_vocabulary_reads_the_real_reports_wording():
    """The real report's text layer, paragraph by paragraph: the labels of the vocabulary
    find the figures in the real wording, with the values of the specimen data."""
    import re

    text = "\n".join(line for line in SEED.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("#"))
    first: dict[str, float] = {}
    for paragraph in re.split(r"\n\s*\n", text):
        for fig in find_figures(" ".join(paragraph.split()), "fr"):
            first.setdefault(fig.key, fig.value)
    want = {f["key"]: float(f["value"]) for f in FIGURES}
    # funding_alliances_share is glued to its neighbour in the text layer ("membres6%");
    # "2 sur 5" secretariats is drawn as a tile whose pieces the text layer scatters
    # ("2" / "Secrétariats régionaux …" / "sur5")
    assert set(want) - set(first) == {"funding_alliances_share", "women_led_regional_secretariats",
                                      "women_led_regional_secretariats_total"}
    assert {k: first[k] for k in want if k in first} == {k: v for k, v in want.items() if k in first}


# --- The English edition and other layouts -------------------------------------------

EDITION_EN = DATA / "2021-en"
FIGURES_EN = yaml.safe_load((EDITION_EN / "key_figures.yml").read_text(encoding="utf-8"))["figures"]


def build_figures(edition: Path, tmp: Path, style=None) -> Path:
    """A PDF of one edition's front matter, headline figures and product pages."""
    folder = tmp / f"data-{edition.name}"
    folder.mkdir()
    for name in ("report.yml", "key_figures.yml", "publications.yml", "budget.yml"):
        shutil.copy(edition / name, folder / name)
    return build(folder, tmp / f"figures-{edition.name}.pdf", style)


@pytest.fixture(scope="module")
def specimen_en(tmp_path_factory):
    return extract_figures(build_figures(EDITION_EN, tmp_path_factory.mktemp("figures-en")))


def test_english_specimen_states_the_french_figures(specimen_en):
    """US Letter portrait, English wording: the same keys and values as the French data."""
    rows, warnings, _ = specimen_en
    assert {r["key"]: r["value"] for r in rows} == {f["key"]: float(f["value"]) for f in FIGURES}
    assert {r["key"]: r["value"] for r in rows} == {f["key"]: float(f["value"]) for f in FIGURES_EN}
    assert warnings == []


def test_english_labels_begin_with_their_printed_number(specimen_en):
    rows, _, _ = specimen_en
    want = {f["key"]: f["label"] for f in FIGURES_EN}
    for row in rows:
        # the English data keeps some trailing connectors ("… involved in") that the
        # parser trims as in French: compare the label's start, up to the data's length
        assert want[row["key"]].startswith(row["label"]) or row["label"].startswith(want[row["key"]]), row


@pytest.mark.parametrize("edition, page_size, font", [
    ("2021-fr", "letter-portrait", "DejaVuSans"),
    ("2021-en", "A4-landscape", "Vera"),
    ("2021-fr", "A4-portrait", "DejaVuSerif"),
])
def test_figures_do_not_depend_on_the_page_layout(tmp_path, edition, page_size, font):
    from tests.specimens.pdfkit import Style, available_fonts

    if font not in available_fonts():
        pytest.skip(f"font {font} not installed")
    pdf = build_figures(DATA / edition, tmp_path, Style(page_size=page_size, font_family=font))
    rows, _, _ = extract_figures(pdf)
    assert {r["key"]: r["value"] for r in rows} == {f["key"]: float(f["value"]) for f in FIGURES}


@pytest.mark.parametrize("text, language, want", [
    ("24 new publications, 21 of them focused on a gender perspective", "en",
     [("new_publications", 24), ("gender_publications", 21)]),
    ("4 policy declarations, 3 of which with a gender perspective", "en",
     [("declarations", 4), ("gender_declarations", 3)]),
    ("24 new publications, 21 among them with a gender perspective", "en",
     [("new_publications", 24), ("gender_publications", 21)]),
    ("24 nouvelles publications, 21 d’entre elles axées sur une perspective de genre", "fr",
     [("new_publications", 24), ("gender_publications", 21)]),
    # more than two connector words, or a long word, is not a connector: no label there
    ("24 new publications, 21 of all of them focused on a gender perspective", "en", [("new_publications", 24)]),
    ("24 new publications, 21 publications focused on a gender perspective", "en", [("new_publications", 24)]),
])
def test_connector_words_between_a_number_and_its_label(text, language, want):
    assert [(f.key, f.value) for f in find_figures(text, language)] == want


# Synthetic tiles: big numbers side by side, each with its label lines under it.
TILES = [page["big"] for page in yaml.safe_load((EDITION / "key_figures.yml").read_text(encoding="utf-8"))["pages"]
         if page.get("big")]
# the funding tiles, drawn with the budget (budget.yml)
TILES.append([{"printed": s["printed"], "lines": s["lines"]} for s in
              yaml.safe_load((EDITION / "budget.yml").read_text(encoding="utf-8"))["funding"]["sources"]])
TRUTH_BY_LABEL = {f["label"]: (f["key"], float(f["value"])) for f in FIGURES}
CHAR = 0.55  # width of a character, in font sizes (words_of's metric)


def tile_row(tiles: list[dict], lines_of: list[list[str]], gutter: float, align: str,
             top: float = 100.0, number_size: float = 30.0, label_size: float = 10.0) -> list[Word]:
    """Words of a row of tiles: each column as wide as its widest line plus `gutter`,
    number and label lines aligned left, centre or right in it."""
    words: list[Word] = []
    x = 40.0
    for tile, lines in zip(tiles, lines_of):
        number_width = len(tile["printed"]) * number_size * CHAR
        widths = [len(line) * label_size * CHAR for line in lines]
        width = max([number_width, *widths])
        words += words_at(tile["printed"], aligned(x, width, number_width, align), top, number_size)
        y = top + number_size * 1.15
        for line, w in zip(lines, widths):
            words += words_at(line, aligned(x, width, w, align), y, label_size)
            y += label_size * 1.3
        y += 18
        for note in tile.get("notes", []):
            words += words_at(note, x, y, 8)
            y += 22
        x += width + gutter
    return words


def aligned(x: float, column: float, width: float, align: str) -> float:
    """Left edge of something `width` wide in a column at `x`, `column` wide."""
    return {"left": x, "centre": x + (column - width) / 2, "right": x + column - width}[align]


def words_at(text: str, x: float, top: float, size: float) -> list[Word]:
    out = []
    for token in text.split():
        out.append(Word(token, x, top, x + len(token) * size * CHAR, top + size, size))
        x += (len(token) + 1) * size * CHAR  # a space is one character wide
    return out


def rewrap(lines: list[str], chars: int) -> list[str]:
    """The label's words set again in lines of at most `chars` characters."""
    out: list[str] = []
    for word in " ".join(lines).split():
        if out and len(out[-1]) + 1 + len(word) <= chars:
            out[-1] += " " + word
        else:
            out.append(word)
    return out


@given(
    row=st.sampled_from(TILES).flatmap(lambda tiles: st.permutations(tiles)),
    chars=st.integers(min_value=8, max_value=40),
    # from a tight gutter (two spaces between labels) to a wide one
    gutter=st.floats(min_value=2 * 10 * CHAR, max_value=80),
    align=st.sampled_from(["left", "centre", "right"]),
)
@settings(deadline=None, max_examples=150)
def test_each_big_number_takes_its_own_label_block(row, chars, gutter, align):
    lines_of = [rewrap(tile["lines"], max(chars, *(len(w) for w in " ".join(tile["lines"]).split())))
                for tile in row]
    page = Page(3, 2000, 800, tile_row(row, lines_of, gutter, align), [], [])
    rows = key_figures.parse([page], ReportContext("2021-fr", 2021, "fr", "x.pdf")).tables["key_figures"]
    want = {TRUTH_BY_LABEL[" ".join([t["printed"], *t["lines"]])] for t in row}
    assert {(r["key"], r["value"]) for r in rows} == want


def test_big_numbers_a_space_apart_and_overflowing_labels():
    """Narrow columns: the numbers stand one space apart, a label line runs into the
    next column (drawn over its neighbour's words): each number keeps its own label."""
    words = (words_at("+2.14K", 306, 101, 30) + words_at("72,7%", 410, 101, 30)
             + words_at("participations aux", 306, 135, 10) + words_at("de nos membres", 410, 135, 10)
             + words_at("événements organisés", 306, 148, 10) + words_at("activement engagés*", 410, 148, 10)
             + words_at("et coorganisés par", 306, 161, 10) + words_at("Metropolis", 306, 174, 10))
    assert max(w.x1 for w in words if w.text == "organisés") > 410 + 5  # the collision is real
    rows = key_figures.parse([Page(3, 612, 792, words, [], [])], ReportContext("2021-fr", 2021, "fr", "x.pdf"))
    assert [(r["key"], r["value"], r["label"]) for r in rows.tables["key_figures"]] == [
        ("event_participations", 2140,
         "+2.14K participations aux événements organisés et coorganisés par Metropolis"),
        ("active_members_share", 72.7, "72,7% de nos membres activement engagés*"),
    ]
