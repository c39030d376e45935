"""The design space of the linked products (`python -m bench.design_space --section publications`).

One design draws the key-figure and product pages of one edition with the knobs below,
prints them with Chromium (cached by the HTML's hash), reads them with the key-figure and
publication parsers (the product checks compare with the stated counts) and scores:

- `products_f1`: F1 of the (kind, title, URL) rows against the data file (a row with the
  wrong kind or URL is a miss and an unexpected row);
- `caught`: 1 when the products are right or at least one `publications.*` check failed.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

from tests.specimens.html.printers import print_pdf
from tests.specimens.html.render import HtmlLayout, edition_html, load_edition

from bench.design_space import Design, Metrics, SectionSpace, register

DATA = Path(__file__).resolve().parents[2] / "tests" / "specimens" / "data"

# A Learning Station run headed by its name in capitals, opened by a sentence that counts
# its products (the page), as another editor words it in each language.
LEARNING_STATEMENT = {
    "fr": "La Learning Station s’est enrichie en {year} de {n} nouveaux produits :",
    "en": "In {year} the Learning Station grew by {n} new products:",
    "es": "En {year} la Learning Station se enriqueció con {n} nuevos productos:",
}

# The link habits: an annotation over the title (one per tile, or split per line or per
# word), the URL printed under the title with no annotation, or both.
LINKS = {
    "annotation": {"product_link": "annotation", "link_split": "tile"},
    "split_line": {"product_link": "annotation", "link_split": "line"},
    "split_word": {"product_link": "annotation", "link_split": "word"},
    "printed": {"product_link": "printed"},
    "both": {"product_link": "both", "link_split": "tile"},
}

KNOBS = {
    "edition": ["2021-fr", "2021-en", "2021-es"],
    "product_list": ["tiles", "list", "table"],
    "link": list(LINKS),
    "url_form": ["full", "bare", "www"],
    "learning_heading": ["data", "capitals_with_count"],
    "share_pages": [False, True],
    "page_size": ["A4-landscape", "A4-portrait", "letter-portrait", "letter-landscape"],
    "font": ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif"],
}


def learning_station_in_capitals(data: dict) -> dict:
    """The edition's Learning Station run headed `LEARNING STATION`, its notes replaced
    by one sentence counting its products (`LEARNING_STATEMENT`); the stated figure
    (`learning_products`) stays the number of items."""
    data = copy.deepcopy(data)
    language = data["report"]["language"]
    year = data["report"].get("year", 2021)
    for group in data["publications"]["groups"]:
        if group["kind"] == "learning_product":
            group["heading"] = "LEARNING STATION"
            group["notes"] = [{"text": LEARNING_STATEMENT[language].format(year=year, n=len(group["items"]))}]
    return data


def layout_of(design: Design) -> HtmlLayout:
    return HtmlLayout(font=design["font"], page_size=design["page_size"], share_pages=design["share_pages"],
                      product_list=design["product_list"], url_form=design["url_form"],
                      **LINKS[design["link"]])


def design_data(design: Design) -> dict:
    data = load_edition(DATA / design["edition"])
    if design["learning_heading"] == "capitals_with_count":
        data = learning_station_in_capitals(data)
    return {k: v for k, v in data.items() if k in ("report", "key_figures", "publications")}


def expected(data: dict) -> Counter:
    """(kind, title, URL) of every item; a tile drawn without its link has no URL."""
    return Counter((g["kind"], item["title"], item["url"] if item.get("link_drawn", True) else None)
                   for g in data["publications"]["groups"] for item in g["items"])


def read(pdf: Path) -> tuple[list[dict], list[dict]]:
    """Product rows and the product checks of one print (key figures read for the counts),
    as the product tests read them (`tests.test_publications.extract_report`)."""
    from tests.test_publications import extract_report

    tables = extract_report(pdf).tables
    return tables.get("publications", []), tables["checks"]


def f1(want: Counter, got: Counter) -> float:
    hits = sum((want & got).values())
    if not want and not got:
        return 1.0
    return 2 * hits / (sum(want.values()) + sum(got.values()))


def outcome(design: Design, tmp: Path) -> tuple[Counter, Counter, list[dict], Path]:
    """(expected rows, rows read, product checks, the print) of one design."""
    data = design_data(design)
    html = edition_html(None, layout_of(design), data=data)
    pdf = print_pdf(html, tmp / "products.pdf", "chromium")
    rows, checks = read(pdf)
    return expected(data), Counter((r["kind"], r["title"], r["url"]) for r in rows), checks, pdf


def score(design: Design, tmp: Path, seed: int) -> Metrics:
    want, got, checks, _ = outcome(design, tmp)
    right = got == want
    return {"products_f1": f1(want, got),
            "caught": float(right or any(not c["passed"] for c in checks))}


SPACE = register(SectionSpace("publications", KNOBS, score, targets={"products_f1": 0.99, "caught": 1.0}))
