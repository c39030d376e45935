"""The strategic action plan's implementation: a page per line of the plan, its actions
side by side in columns, each deliverable's code and text beside a colour swatch that
the page's legend pairs with a status.

Data shape (see `data/2021-fr/plan.yml`):

    heading: MISE EN ŒUVRE DE NOTRE PLAN D’ACTION STRATÉGIQUE
    legend: {achieved: Atteint, not_achieved: Non atteint}
    lines: [{code, title, actions: [{code, title, deliverables: [[code, text, status]]}]}]

`-|` in a deliverable's text breaks its line with a hyphen.
"""

from __future__ import annotations

from tests.specimens.pdfkit import ReportCanvas
from tests.specimens.render_prose import hyphenated_lines

# Swatch colours: the status is only in the colour, as in the real report.
SWATCHES = {"achieved": (0.30, 0.66, 0.36), "not_achieved": (0.93, 0.55, 0.16)}
SWATCH = 7.0
SIZE = 7.5


def draw(rc: ReportCanvas, data: dict, report: dict) -> None:
    for line in data["lines"]:
        draw_line(rc, data, line)


def swatch(rc: ReportCanvas, x: float, top: float, status: str) -> None:
    """The status's swatch; a status without one (`none`, a test's) draws nothing."""
    if status not in SWATCHES:
        return
    c = rc.canvas
    c.setFillColorRGB(*SWATCHES[status])
    c.rect(x, rc.y(top + SWATCH), SWATCH, SWATCH, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)


def draw_line(rc: ReportCanvas, data: dict, line: dict) -> None:
    m = rc.style.margin
    top = rc.heading(data["heading"], size=14)
    for text in rc.wrap(f"{line['code']} {line['title']}", rc.width - 2 * m, 11, bold=True):
        rc.text(m, top, text, size=11, bold=True, color=rc.style.accent)
        top += 14
    top += 10
    actions = line["actions"]
    gutter = 10.0
    col_w = (rc.width - 2 * m - (len(actions) - 1) * gutter) / len(actions)
    for i, action in enumerate(actions):
        x, y = m + i * (col_w + gutter), top
        for text in rc.wrap(f"{action['code']} {action['title']}", col_w, SIZE + 0.5, bold=True):
            rc.text(x, y, text, size=SIZE + 0.5, bold=True)
            y += (SIZE + 0.5) * 1.3
        y += SIZE
        for code, text, status in action["deliverables"]:
            swatch(rc, x, y + 0.5, status)
            code_x = x + SWATCH + 4
            rc.text(code_x, y, code, size=SIZE, bold=True)
            text_x = code_x + rc.string_width(code, SIZE, bold=True) + 4
            for part in hyphenated_lines(rc, text, x + col_w - text_x, SIZE):
                rc.text(text_x, y, part, size=SIZE)
                y += SIZE * 1.3
            y += SIZE * 0.9
    legend_top = rc.height - m - 30
    x = m
    for status, label in data["legend"].items():
        swatch(rc, x, legend_top + 0.5, status)
        x += SWATCH + 4 + rc.text(x + SWATCH + 4, legend_top, label, size=SIZE + 0.5) + 18
    rc.finish_page(data.get("margin_label"))
