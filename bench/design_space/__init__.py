"""The design space: many seeded designs of one section, read back, scored per knob value.

Every habit a designer may have is a knob of the HTML generator
(`tests/specimens/html/render.HtmlLayout` and the section's own drawing knobs). A
section's module here (`bench/design_space/<section>.py`) declares its knobs and how one
design is printed, read and scored, and registers a `SectionSpace`:

    register(SectionSpace("members", knobs={"title_orientation": ["horizontal", "90", "270"], ...},
                          score=score_one_design))

`score(design, tmp, seed)` prints the design (cached by the HTML's hash), reads it and
returns metrics in [0, 1] (members F1, cells accuracy, ...) plus `caught`: True when the
section is right or at least one of its checks failed (wrong is loud). The runner
(`python -m bench.design_space --section members -n 200`) draws `n` designs, each knob
value drawn uniformly with a seeded random generator, and prints, per knob value, the
mean of every metric, the worst design, and the share of designs whose checks caught
every miss.
"""

from __future__ import annotations

import importlib
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Design = dict[str, Any]
Metrics = dict[str, float]


@dataclass
class SectionSpace:
    name: str
    knobs: dict[str, list[Any]]
    score: Callable[[Design, Path, int], Metrics]
    # metrics whose mean per knob value must reach the target (the "done means")
    targets: dict[str, float] = field(default_factory=dict)


SPACES: dict[str, SectionSpace] = {}


def register(space: SectionSpace) -> SectionSpace:
    SPACES[space.name] = space
    return space


def space_of(section: str) -> SectionSpace:
    """The registered space of `section` (its module imported on first use)."""
    if section not in SPACES:
        importlib.import_module(f"bench.design_space.{section}")
    return SPACES[section]


def print_and_read(design: Design, tmp: Path, parser: Any) -> tuple[dict, Any, list[dict]]:
    """One section of an edition (the design's `edition` knob), drawn with the design's
    other knobs, printed by Chromium and read by its parser alone (`parser.NAME` names
    the section and its data file): the edition's data, the parsed section, its checks."""
    from tests.conftest import DATA
    from tests.specimens.html.printers import print_pdf
    from tests.specimens.html.render import HtmlLayout, edition_html, load_edition

    from extract.pdf.layout import Document
    from extract.sections import ReportContext

    design = dict(design)
    edition = design.pop("edition")
    data = load_edition(DATA / edition)
    data = {"report": data["report"], parser.NAME: data[parser.NAME]}
    html = edition_html(DATA / edition, HtmlLayout(**design), data=data)
    tmp.mkdir(parents=True, exist_ok=True)
    pdf = print_pdf(html, tmp / f"{parser.NAME}.pdf", "chromium")
    ctx = ReportContext(edition, int(edition[:4]), edition[-2:], pdf.name)
    with Document(pdf) as doc:
        section = parser.parse(list(doc.pages(parser.select_pages(doc.page_texts, ctx))), ctx)
    return data, section, parser.checks(section.tables, section.state, ctx)


def designs(space: SectionSpace, n: int, seed: int = 0) -> list[Design]:
    """`n` designs, each knob value drawn uniformly; the same seed draws the same designs.

    >>> s = SectionSpace("x", {"a": [1, 2], "b": ["p", "q", "r"]}, score=lambda d, t, s: {})
    >>> designs(s, 2, seed=1) == designs(s, 2, seed=1)
    True
    """
    rng = random.Random(seed)
    return [{knob: rng.choice(values) for knob, values in space.knobs.items()} for _ in range(n)]


@dataclass
class Result:
    design: Design
    metrics: Metrics


def run(section: str, n: int, tmp: Path, seed: int = 0,
        progress: Callable[[int, Result], None] | None = None) -> list[Result]:
    space = space_of(section)
    results = []
    for i, design in enumerate(designs(space, n, seed)):
        result = Result(design, space.score(design, tmp / f"{section}-{i}", seed + i))
        results.append(result)
        if progress:
            progress(i, result)
    return results


def per_knob(results: list[Result]) -> dict[tuple[str, Any], Metrics]:
    """Mean of every metric per (knob, value)."""
    sums: dict[tuple[str, Any], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in results:
        for knob, value in r.design.items():
            for metric, x in r.metrics.items():
                sums[(knob, value)][metric].append(float(x))
    return {kv: {m: sum(xs) / len(xs) for m, xs in ms.items()} | {"designs": len(next(iter(ms.values())))}
            for kv, ms in sums.items()}


def table(results: list[Result]) -> str:
    """A Markdown table: one row per knob value, one column per metric."""
    rows = per_knob(results)
    metrics = sorted({m for r in results for m in r.metrics})
    lines = ["| knob | value | designs | " + " | ".join(metrics) + " |",
             "|---|---|---|" + "---|" * len(metrics)]
    for (knob, value), means in sorted(rows.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        cells = " | ".join(f"{means.get(m, float('nan')):.3f}" for m in metrics)
        lines.append(f"| {knob} | {value} | {int(means['designs'])} | {cells} |")
    return "\n".join(lines)
