"""The budget page's design space: budget lines in one or two columns, named lists in
their data's or fewer columns, fonts and page sizes.

Score of one design: the share of budget lines and funding sources read with the data
file's code, programme and share (`budget_lines`, `funding`), and `caught`: True when
everything was read or a `budget.*` check failed.
"""

from __future__ import annotations

from pathlib import Path

from bench.design_space import Design, Metrics, SectionSpace, print_and_read, register
from extract.sections import budget

DATA = Path(__file__).resolve().parents[2] / "tests" / "specimens" / "data"
KNOBS = {
    "budget_columns": [1, 2],
    "font": ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif"],
    "page_size": ["A4-landscape", "A4-portrait", "letter-portrait"],
    "edition": ["2021-fr", "2021-en", "2021-es", "2022-fr"],
}


def score(design: Design, tmp: Path, seed: int) -> Metrics:
    data, section, checks = print_and_read(design, tmp, budget)
    lines = [(r["programme_code"], r["programme"], round(r["share"], 4)) for r in section.tables.get("budget_lines", [])]
    truth = [(b["code"], b["programme"], round(b["share"] / 100, 4)) for b in data["budget"]["budget"]["lines"]]
    sources = [(r["source"], round(r["share"], 4)) for r in section.tables.get("funding_sources", [])]
    want = [(s["source"], round(float(s["printed"].rstrip("%")) / 100, 4)) for s in data["budget"]["funding"]["sources"]]
    right = sum(1 for t in truth if t in lines)
    funded = sum(1 for t in want if t in sources)
    failed = any(not c["passed"] for c in checks)
    return {"budget_lines": right / len(truth), "funding": funded / len(want),
            "caught": float((right == len(truth) and funded == len(want)) or failed)}


register(SectionSpace("budget", KNOBS, score, targets={"budget_lines": 0.95, "funding": 0.95}))
