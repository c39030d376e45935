"""Where the funds come from and how they are used (LIGNE D’ACTION 3), on one page as the
seed prints them: funding tiles on the left (a big share, its label lines, the agreements
signed under it), the budget by programme on the right in two columns. A programme
label given as `lines` is broken over them, its share on the next line.

Data shape (see `data/2021-fr/budget.yml`):

    heading, subtitle, margin_label, footnote
    funding: {title, sources: [{source, printed, lines, agreements?, note?}]}
    budget: {title, lines: [{code, programme, share, lines?}]}
"""

from __future__ import annotations

from tests.specimens.pdfkit import ReportCanvas
from tests.specimens.render_figures import BIG_SIZE, LABEL_SIZE, draw_subtitle

SIZE = 9.0


def draw(rc: ReportCanvas, data: dict, report: dict) -> None:
    m = rc.style.margin
    top = draw_subtitle(rc, rc.heading(data["heading"]), data.get("subtitle"))
    if rc.width > rc.height:  # side by side
        half = (rc.width - 2 * m) / 2
        draw_funding(rc, data["funding"], m, top, half - 20)
        draw_budget(rc, data["budget"], m + half, top, half)
    else:  # a portrait page: the funding tiles over the budget, each the page's width
        draw_funding(rc, data["funding"], m, top, rc.width - 2 * m)
        draw_budget(rc, data["budget"], m, top + 300, rc.width - 2 * m)
    if data.get("footnote"):
        rc.text(m, rc.height - m - 10, data["footnote"], size=7)
    rc.finish_page(data.get("margin_label"))


def draw_funding(rc: ReportCanvas, funding: dict, x0: float, top: float, width: float) -> None:
    rc.text(x0, top, funding["title"], size=SIZE + 2, bold=True)
    top += 30
    col_w = width / 2
    for i, source in enumerate(funding["sources"]):
        x, y = x0 + (i % 2) * col_w, top + (i // 2) * 130
        rc.text(x, y, source["printed"], size=BIG_SIZE, bold=True, color=rc.style.accent)
        y += BIG_SIZE * 1.15
        for line in source["lines"]:
            rc.text(x, y, line, size=LABEL_SIZE)
            y += LABEL_SIZE * 1.3
        if source.get("note"):
            y += 14
            for line in rc.wrap(source["note"], col_w - 10, 7.5):
                rc.text(x, y, line, size=7.5, color=(0.35, 0.35, 0.35))
                y += 7.5 * 1.3


def draw_budget(rc: ReportCanvas, budget: dict, x0: float, top: float, width: float) -> None:
    rc.text(x0, top, budget["title"], size=SIZE + 2, bold=True)
    top += 30
    rows = budget["lines"]
    half = -(-len(rows) // 2)
    gutter = 16.0
    col_w = (width - gutter) / 2
    for c, column in enumerate((rows[:half], rows[half:])):
        x, y = x0 + c * (col_w + gutter), top
        for row in column:
            share = f"{row['share']}%"
            lines = row.get("lines") or [f"{row['code']} {row['programme']}"]
            for line in lines:
                rc.text(x, y, line, size=SIZE)
                y += SIZE * 1.35
            if len(lines) == 1:
                y -= SIZE * 1.35  # the share on the label's own line
            w = rc.string_width(share, SIZE, bold=True)
            rc.text(x + col_w - w, y, share, size=SIZE, bold=True)
            y += SIZE * 1.35 + SIZE * 0.9
