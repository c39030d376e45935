"""The budget page's design space: budget lines in one or two columns, named lists in
their data's or fewer columns, fonts and page sizes.

Score of one design: the share of budget lines and funding sources read with the data
file's code, programme and share (`budget_lines`, `funding`), and `caught`: True when
everything was read or a `budget.*` check failed.
"""

from __future__ import annotations

from pathlib import Path

from tests.specimens.html.printers import print_pdf
from tests.specimens.html.render import HtmlLayout, edition_html, load_edition

from bench.design_space import Design, Metrics, SectionSpace, register
from extract.pdf.layout import Document
from extract.sections import ReportContext, budget

DATA = Path(__file__).resolve().parents[2] / "tests" / "specimens" / "data"
KNOBS = {
    "budget_columns": [1, 2],
    "font": ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif"],
    "page_size": ["A4-landscape", "A4-portrait", "letter-portrait"],
    "edition": ["2021-fr", "2021-en", "2021-es", "2022-fr"],
}


def score(design: Design, tmp: Path, seed: int) -> Metrics:
    design = dict(design)
    edition = design.pop("edition")
    data = load_edition(DATA / edition)
    data = {"report": data["report"], "budget": data["budget"]}
    html = edition_html(DATA / edition, HtmlLayout(**design), data=data)
    tmp.mkdir(parents=True, exist_ok=True)
    pdf = print_pdf(html, tmp / "budget.pdf", "chromium")
    ctx = ReportContext(edition, int(edition[:4]), edition[-2:], pdf.name)
    with Document(pdf) as doc:
        section = budget.parse(list(doc.pages(budget.select_pages(doc.page_texts, ctx))), ctx)
    lines = [(r["programme_code"], r["programme"], round(r["share"], 4)) for r in section.tables.get("budget_lines", [])]
    truth = [(b["code"], b["programme"], round(b["share"] / 100, 4)) for b in data["budget"]["budget"]["lines"]]
    sources = [(r["source"], round(r["share"], 4)) for r in section.tables.get("funding_sources", [])]
    want = [(s["source"], round(float(s["printed"].rstrip("%")) / 100, 4)) for s in data["budget"]["funding"]["sources"]]
    right = sum(1 for t in truth if t in lines)
    funded = sum(1 for t in want if t in sources)
    failed = any(not c["passed"] for c in budget.checks(section.tables, section.state, ctx))
    return {"budget_lines": right / len(truth), "funding": funded / len(want),
            "caught": float((right == len(truth) and funded == len(want)) or failed)}


register(SectionSpace("budget", KNOBS, score, targets={"budget_lines": 0.95, "funding": 0.95}))
