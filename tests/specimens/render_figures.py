"""Headline figures pages: big numbers with their label lines, and statement sentences.

Data: `key_figures.yml` (`pages`: heading, subtitle, big, statements, footnote).
"""

from __future__ import annotations

from tests.specimens.pdfkit import ReportCanvas

BIG_SIZE = 30.0
LABEL_SIZE = 10.0
STATEMENT_SIZE = 11.0


def draw_subtitle(rc: ReportCanvas, top: float, subtitle: str | None) -> float:
    if not subtitle:
        return top
    width = rc.width - 2 * rc.style.margin
    for line in rc.wrap(subtitle, width, 11, bold=True):
        rc.text(rc.style.margin, top, line, size=11, bold=True)
        top += 14
    return top + 16


def draw_statements(rc: ReportCanvas, top: float, statements: list[str], x: float | None = None,
                    width: float | None = None, size: float = STATEMENT_SIZE) -> float:
    """Sentences one under the other, a blank line apart; returns the top below them."""
    x = rc.style.margin if x is None else x
    width = width or rc.width - 2 * rc.style.margin
    for sentence in statements:
        for line in rc.wrap(sentence, width, size):
            rc.text(x, top, line, size=size)
            top += size * 1.3
        top += size * 1.6
    return top


def draw_big(rc: ReportCanvas, top: float, figures: list[dict], columns: int | None = None,
             row_height: float = 150) -> float:
    """Big numbers side by side (`columns` a row, at most 4 by default), each with its
    label lines under it, or above it when the figure says `above: true`."""
    columns = columns or max(1, min(4, len(figures)))
    col_width = (rc.width - 2 * rc.style.margin) / columns
    bottom = top
    for i, fig in enumerate(figures):
        x = rc.style.margin + (i % columns) * col_width
        y = top + (i // columns) * row_height
        if fig.get("above"):
            for line in fig.get("lines", []):
                rc.text(x, y, line, size=LABEL_SIZE)
                y += LABEL_SIZE * 1.3
            y += 2
        rc.text(x, y, fig["printed"], size=BIG_SIZE, bold=True, color=rc.style.accent)
        y += BIG_SIZE * 1.15
        for line in [] if fig.get("above") else fig.get("lines", []):
            rc.text(x, y, line, size=LABEL_SIZE)
            y += LABEL_SIZE * 1.3
        y += 18
        for note in fig.get("notes", []):
            rc.text(x, y, note, size=8, color=(0.35, 0.35, 0.35))
            y += 22
        bottom = max(bottom, y)
    return bottom + 10


def draw(rc: ReportCanvas, data: dict, report: dict) -> None:
    for page in data.get("pages", []):
        top = rc.heading(page["heading"])
        top = draw_subtitle(rc, top, page.get("subtitle"))
        if page.get("statements"):
            top = draw_statements(rc, top, page["statements"])
        if page.get("big"):
            top = draw_big(rc, top + 10, page["big"], page.get("columns"), page.get("row_height", 150))
        if page.get("footnote"):
            rc.text(rc.style.margin, rc.height - rc.style.margin - 10, page["footnote"], size=7)
        rc.finish_page(label=page.get("margin_label"))
