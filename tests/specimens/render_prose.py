"""Narrative pages that name cities: a list of places, project blurbs, leader cards.

Data shape (see `data/2021-fr/prose.yml`):

    pages:
      - kind: list | projects | leaders
        section: metropolitan_spaces        # the truth's label, not printed
        heading: LIGNE D’ACTION 2
        margin_label: ...
        title: Nous avons référencé 70 espaces métropolitains ...
        items: [[printed, English, ISO], ...]        # kind list; `|` breaks a line
        projects: [{title, text}, ...]                # kind projects; `-|` hyphenates
        leaders: [[city, NAME, institution, title]]   # kind leaders

Each page kind paginates itself when its content does not fit the page.
"""

from __future__ import annotations

from tests.specimens.pdfkit import ReportCanvas


def draw(rc: ReportCanvas, data: dict, report: dict) -> None:
    for page in data["pages"]:
        DRAWERS[page["kind"]](rc, page)


def _start(rc: ReportCanvas, page: dict) -> float:
    top = rc.heading(page["heading"], size=16)
    size = rc.style.body_size + 4
    for line in rc.wrap(page["title"], rc.width - 2 * rc.style.margin, size, bold=True):
        rc.text(rc.style.margin, top, line, size=size, bold=True, color=rc.style.accent)
        top += size * 1.3
    return top + size


def _bottom(rc: ReportCanvas) -> float:
    return rc.height - rc.style.margin - rc.height * 0.05


def draw_list(rc: ReportCanvas, page: dict) -> None:
    """Place names in columns, one per line; `Santiago de|Chile` over two lines."""
    size = rc.style.body_size + 1
    columns = page.get("columns", 5)
    top = _start(rc, page)
    col_width = (rc.width - 2 * rc.style.margin) / columns
    per_column = max(1, -(-len(page["items"]) // columns))
    x, y, in_column = rc.style.margin, top, 0
    for item in page["items"]:
        lines = item[0].split("|")
        if in_column >= per_column or y + len(lines) * size * 1.25 > _bottom(rc):
            x, y, in_column = x + col_width, top, 0
            if x + col_width > rc.width:
                rc.finish_page(page.get("margin_label"))
                top = _start(rc, page)
                x, y = rc.style.margin, top
        for line in lines:
            rc.text(x, y, line, size=size)
            y += size * 1.25
        y += size * 1.0  # a blank line between places, as the seed's list has
        in_column += 1
    rc.finish_page(page.get("margin_label"))


def hyphenated_lines(rc: ReportCanvas, text: str, width: float, size: float) -> list[str]:
    """Wrap `text`, breaking with a hyphen wherever it holds `-|`."""
    chunks = text.split("-|")
    lines: list[str] = []
    for i, chunk in enumerate(chunks):
        wrapped = rc.wrap(chunk.strip(), width, size)
        if i < len(chunks) - 1 and wrapped:
            wrapped[-1] += "-"
        lines.extend(wrapped)
    return lines


def draw_projects(rc: ReportCanvas, page: dict) -> None:
    """Project blurbs side by side in narrow columns, titles in bold."""
    size = rc.style.body_size + 0.5
    top = _start(rc, page)
    n = len(page["projects"])
    gutter = rc.style.margin * 0.6
    col_width = (rc.width - 2 * rc.style.margin - (n - 1) * gutter) / n
    for i, project in enumerate(page["projects"]):
        x, y = rc.style.margin + i * (col_width + gutter), top
        for line in rc.wrap(project["title"], col_width, size + 1, bold=True):
            rc.text(x, y, line, size=size + 1, bold=True)
            y += (size + 1) * 1.3
        y += size * 0.6
        for line in hyphenated_lines(rc, project["text"], col_width, size):
            if y > _bottom(rc):
                break  # the specimen data is short enough; never draw into the folio band
            rc.text(x, y, line, size=size)
            y += size * 1.45
    rc.finish_page(page.get("margin_label"))


def draw_leaders(rc: ReportCanvas, page: dict) -> None:
    """Cards: city, NAME in capitals, institution (wrapped), title."""
    size = rc.style.body_size
    columns = 4 if rc.width > rc.height else 3
    gutter = rc.style.margin * 0.5
    col_width = (rc.width - 2 * rc.style.margin - (columns - 1) * gutter) / columns
    top = _start(rc, page)
    y, row_height, column = top, 0.0, 0
    for city, name, institution, title in page["leaders"]:
        lines = [(city, True, size + 2), (name, False, size)]
        lines += [(t, False, size - 0.5) for t in rc.wrap(institution, col_width, size - 0.5)]
        lines += [("", False, size * 0.4), (title, False, size - 0.5)]
        height = sum(s * 1.35 for _, _, s in lines) + size * 1.5
        if column == 0 and y + height > _bottom(rc):
            rc.finish_page(page.get("margin_label"))
            y, row_height = _start(rc, page), 0.0
        x, ly = rc.style.margin + column * (col_width + gutter), y
        for text, bold, s in lines:
            if text:
                rc.text(x, ly, text, size=s, bold=bold)
            ly += s * 1.35
        row_height = max(row_height, height)
        column += 1
        if column == columns:
            y, column, row_height = y + row_height, 0, 0.0
    rc.finish_page(page.get("margin_label"))


DRAWERS = {"list": draw_list, "projects": draw_projects, "leaders": draw_leaders}
