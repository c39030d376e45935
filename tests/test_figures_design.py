"""Headline figures of any design (issue 22): the label above, below or beside its
number, the number written as each language writes it (`2,14 K`, `72,7 %`, `+2 140`).

Each habit is drawn by the HTML generator (prints cached by the HTML's hash) over the
data files, read back with the key-figure parser, and every figure of the figure pages
is compared with the data file (key and value; the label too when the number is printed
as the data file has it).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from bench.design_space import designs, space_of
from bench.design_space import key_figures as space

from extract.lang.identify import identify
from extract.pdf.layout import Document
from extract.sections import ReportContext, key_figures
from tests.conftest import DATA
from tests.specimens.html.printers import print_pdf
from tests.specimens.html.render import HtmlLayout, edition_html, load_edition


def read_figures(tmp: Path, data: dict, layout: HtmlLayout) -> tuple[dict[str, dict], list[dict]]:
    pdf = print_pdf(edition_html(None, layout, data=data), tmp / "figures.pdf", "chromium")
    with Document(pdf) as doc:
        ident = identify(doc.page_texts)
        ctx = ReportContext(ident.report_id, ident.year, ident.language, pdf.name)
        section = key_figures.parse(list(doc.pages(key_figures.select_pages(doc.page_texts, ctx))), ctx)
    return ({r["key"]: r for r in section.tables["key_figures"]},
            key_figures.checks(section.tables, section.state, ctx))


def figures_only(edition: str) -> dict:
    data = load_edition(DATA / edition)
    return {k: v for k, v in data.items() if k in ("report", "key_figures")}


def truth(data: dict) -> dict[str, dict]:
    return {f["key"]: f for f in data["key_figures"]["figures"] if f["key"] not in space.ON_PRODUCT_PAGES}


@pytest.mark.parametrize("edition", ["2021-fr", "2021-en", "2021-es"])
@pytest.mark.parametrize("position", ["above", "beside"])
def test_a_label_above_or_beside_its_number(tmp_path, edition, position):
    """Main read no headline figure with its label above (kept them as `unknown:` with the
    heading or the notes for a label, every check passing) nor beside."""
    data = figures_only(edition)
    got, checks = read_figures(tmp_path, data, HtmlLayout(figure_label=position))
    want = truth(data)
    assert {k: got[k]["value"] if k in got else None for k in want} == {k: float(f["value"]) for k, f in want.items()}
    # the label of each big number: the printed number and the words beside it
    big = big_keys(data)
    assert len(big) >= 4
    assert {k: got[k]["label"] for k in big} == {k: want[k]["label"] for k in big}
    assert all(c["passed"] for c in checks)


def big_keys(data: dict) -> set[str]:
    """The figures printed as big numbers: their label in the data file is the printed
    number and its label lines."""
    printed = {f"{b['printed']} {' '.join(b.get('lines') or [])}" for page in data["key_figures"]["pages"]
               for b in page.get("big") or []}
    return {k for k, f in truth(data).items() if f["label"] in printed}


@pytest.mark.parametrize("edition, style", [("2021-fr", "spaced"), ("2021-en", "grouped"),
                                            ("2021-es", "spaced"), ("2021-fr", "grouped")])
@pytest.mark.parametrize("position", ["below", "above"])
def test_numbers_as_each_language_writes_them(tmp_path, edition, style, position):
    """`+2,14 K`, `72,7 %` (spaced), `+2 140`, `2,140` (grouped, Babel's locale data)."""
    data = figures_only(edition)
    got, _ = read_figures(tmp_path, data, HtmlLayout(number_style=style, figure_label=position))
    assert {k: got[k]["value"] if k in got else None for k in truth(data)} == {
        k: float(f["value"]) for k, f in truth(data).items()}


@pytest.mark.parametrize("printed, language, value", [
    ("2.1K", "en", 2100.0), ("2,1 K", "fr", 2100.0), ("72,7 %", "fr", 72.7), ("+2 300", "fr", 2300.0),
    ("+2\u202f140", "fr", 2140.0), ("2.140", "es", 2140.0), ("72,7\u00a0%", "es", 72.7), ("1,200", "en", 1200.0),
])
def test_number_formats_of_each_language(printed, language, value):
    assert key_figures.parse_number(printed, language) == value


def test_a_label_no_vocabulary_knows_fails_the_pairing_check(tmp_path):
    """A big number kept as `unknown:<slug>` is not a figure read: the check names it
    (main counted it as paired, so a label read wrongly passed every check)."""
    data = copy.deepcopy(figures_only("2021-fr"))
    page = data["key_figures"]["pages"][0]
    page["big"] = [*page["big"], {"printed": "12", "lines": ["ateliers de quartier", "avec les habitants"]}]
    got, checks = read_figures(tmp_path, data, HtmlLayout())
    assert got["unknown:ateliers-de-quartier-avec-les-habitants"]["value"] == 12.0
    check = next(c for c in checks if c["check"] == "key_figures.big_numbers_paired")
    assert check["passed"] == 0 and "'12'" in check["detail"]


@pytest.mark.parametrize("design", designs(space_of("key_figures"), 3, seed=22), ids=lambda d: str(d))
def test_a_sample_of_the_design_space(tmp_path, design):
    want, got, _, _ = space.outcome(design, tmp_path)
    assert {k: got.get(k) for k in want} == want
