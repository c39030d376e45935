"""The strategic plan's design space: status as a swatch or a mark, the legend over or
under the actions, actions one per column or in one or two columns, fonts and page sizes.

Score of one design: the share of the data file's deliverables read with their code,
text and status (`deliverables`), the share of statuses right (`statuses`), and `caught`:
True when everything was read or a `plan.*` check failed.
"""

from __future__ import annotations

from pathlib import Path

from bench.design_space import Design, Metrics, SectionSpace, print_and_read, register
from extract.sections import plan

DATA = Path(__file__).resolve().parents[2] / "tests" / "specimens" / "data"
KNOBS = {
    "plan_mark": ["swatch", "mark"],
    "legend_place": ["bottom", "top"],
    "plan_columns": [None, 1, 2],
    "font": ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif"],
    "page_size": ["A4-landscape", "A4-portrait", "letter-portrait"],
    "edition": ["2021-fr", "2021-en", "2021-es"],
}


def score(design: Design, tmp: Path, seed: int) -> Metrics:
    data, section, checks = print_and_read(design, tmp, plan)
    rows = section.tables.get("plan_deliverables", [])
    truth = [(code, " ".join(text.replace("-|", "").split()), status)
             for line in data["plan"]["lines"] for action in line["actions"]
             for code, text, status in action["deliverables"]]
    got = [(r["code"], r["text"], r.get("status")) for r in rows]
    right = sum(1 for t in truth if t in got)
    statuses = sum(1 for (c, _, s), (gc, _, gs) in zip(truth, got) if c == gc and s == gs)
    failed = any(not c["passed"] for c in checks)
    return {"deliverables": right / len(truth), "statuses": statuses / len(truth),
            "caught": float(right == len(truth) or failed or len(got) != len(truth))}


register(SectionSpace("plan", KNOBS, score, targets={"deliverables": 0.95, "statuses": 0.99}))
