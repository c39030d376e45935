"""The design space of the headline figures (`python -m bench.design_space --section key_figures`).

One design draws the figure pages of one edition with the knobs below, prints them with
Chromium (cached by the HTML's hash), reads them with the key-figure parser and scores:

- `figures_found`: the share of the data file's figures printed on the figure pages
  (the product pages state the others) read with their key and value;
- `caught`: 1 when every figure was found or a `key_figures.*` check failed.
"""

from __future__ import annotations

from pathlib import Path

from tests.specimens.html.printers import print_pdf
from tests.specimens.html.render import HtmlLayout, edition_html, load_edition

from bench.design_space import Design, Metrics, SectionSpace, register
from extract.lang.identify import identify
from extract.pdf.layout import Document
from extract.sections import ReportContext, key_figures

DATA = Path(__file__).resolve().parents[2] / "tests" / "specimens" / "data"

# The figures that the product pages print (their headings and notes), not the figure pages.
ON_PRODUCT_PAGES = {"declarations", "gender_declarations", "world_events", "new_videos",
                    "member_agreements", "alliance_agreements", "social_media_followers",
                    "city_managers_debates", "new_publications", "gender_publications",
                    "egi_cities", "learning_products", "courses", "webinars"}

KNOBS = {
    "edition": ["2021-fr", "2021-en", "2021-es"],
    "figure_label": ["below", "above", "beside"],
    "number_style": ["data", "spaced", "grouped"],
    "figure_columns": [2, 3, 4],
    "label_wrap": [None, 9.0],
    "page_size": ["A4-landscape", "A4-portrait", "letter-portrait", "letter-landscape"],
    "font": ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif"],
}


def layout_of(design: Design) -> HtmlLayout:
    return HtmlLayout(font=design["font"], page_size=design["page_size"], figure_label=design["figure_label"],
                      number_style=design["number_style"], figure_columns=design["figure_columns"],
                      label_wrap=design["label_wrap"])


def design_data(design: Design) -> dict:
    data = load_edition(DATA / design["edition"])
    return {k: v for k, v in data.items() if k in ("report", "key_figures")}


def expected(data: dict) -> dict[str, float]:
    return {f["key"]: float(f["value"]) for f in data["key_figures"]["figures"] if f["key"] not in ON_PRODUCT_PAGES}


def outcome(design: Design, tmp: Path) -> tuple[dict[str, float], dict[str, float], list[dict], Path]:
    """(expected {key: value}, {key: value} read, the key-figure checks, the print)."""
    data = design_data(design)
    pdf = print_pdf(edition_html(None, layout_of(design), data=data), tmp / "figures.pdf", "chromium")
    with Document(pdf) as doc:
        ident = identify(doc.page_texts)
        ctx = ReportContext(ident.report_id, ident.year, ident.language, pdf.name)
        section = key_figures.parse(list(doc.pages(key_figures.select_pages(doc.page_texts, ctx))), ctx)
        checks = key_figures.checks(section.tables, section.state, ctx)
    got = {r["key"]: r["value"] for r in section.tables.get("key_figures", [])}
    return expected(data), got, checks, pdf


def big_labels(data: dict) -> dict[str, str]:
    """{key: label} of the figures printed as big numbers (the data file's label is the
    printed number and its label lines)."""
    printed = {f"{b['printed']} {' '.join(b.get('lines') or [])}" for page in data["key_figures"]["pages"]
               for b in page.get("big") or []}
    return {f["key"]: f["label"] for f in data["key_figures"]["figures"] if f["label"] in printed}


def score(design: Design, tmp: Path, seed: int) -> Metrics:
    want, got, checks, pdf = outcome(design, tmp)
    found = sum(1 for k, v in want.items() if got.get(k) is not None and abs(got[k] - v) < 1e-6)
    everything = found == len(want)
    metrics = {"figures_found": found / len(want),
               "caught": float(everything or any(not c["passed"] for c in checks))}
    if design["number_style"] == "data":  # labels begin with the number as the data file prints it
        labels = big_labels(design_data(design))
        with Document(pdf) as doc:
            ident = identify(doc.page_texts)
            ctx = ReportContext(ident.report_id, ident.year, ident.language, pdf.name)
            rows = key_figures.parse(list(doc.pages(key_figures.select_pages(doc.page_texts, ctx))), ctx)
        read = {r["key"]: r["label"] for r in rows.tables.get("key_figures", [])}
        metrics["big_labels_right"] = sum(read.get(k) == v for k, v in labels.items()) / max(1, len(labels))
    return metrics


SPACE = register(SectionSpace("key_figures", KNOBS, score, targets={"figures_found": 1.0, "caught": 1.0}))
