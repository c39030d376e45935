"""Product pages: declarations, videos, publication tiles and Learning Station tiles.

Data: `publications.yml` (`groups`, each a run of tiles under a heading). A tile is a
light box with its title in bold over several lines, covered by one link annotation.
Link annotations are written after the page's text, in visual order by default; the
data may ask for another order (`link_order: reverse` or `shuffle:<seed>`) so tests can
check that titles are paired with links by geometry, not by order. A tile whose item
has `link_drawn: false` gets no annotation (the extractor must list it, url NULL).
"""

from __future__ import annotations

import random

from tests.specimens.pdfkit import ReportCanvas, set_fill
from tests.specimens.render_figures import draw_statements, draw_subtitle

TILE_SIZE = 10.0
GUTTER = 16.0
ROW_GAP = 14.0
PAD = 8.0
THUMB = 26.0
TILE_FILL = (0.92, 0.95, 0.97)
THUMB_FILL = (0.70, 0.78, 0.84)
LEGEND_COLORS = {
    "gender_specific": (0.56, 0.22, 0.62),
    "gender_mainstreamed": (0.96, 0.62, 0.12),
}


def pages_of(items: list[dict], sizes: list[int] | None) -> list[list[dict]]:
    """Split the items by the seed's tiles-per-page; the rest goes on further pages."""
    sizes = list(sizes or [len(items)])
    pages, start = [], 0
    while start < len(items):
        size = sizes.pop(0) if sizes else (pages and len(pages[-1])) or len(items)
        pages.append(items[start:start + size])
        start += size
    return pages


def title_lines(rc: ReportCanvas, item: dict, width: float, size: float) -> list[str]:
    return item.get("lines") or rc.wrap(item["title"], width, size, bold=True)


def tile_font_size(rc: ReportCanvas, items: list[dict], width: float) -> float:
    """One type size for the whole run, small enough for its longest printed line."""
    size = TILE_SIZE
    for item in items:
        for line in title_lines(rc, item, width, TILE_SIZE):
            while size > 6 and rc.string_width(line, size, bold=True) > width:
                size -= 0.5
    return size


def ordered(links: list[tuple[str, tuple]], how: str | None) -> list[tuple[str, tuple]]:
    links = list(links)
    if how == "reverse":
        links.reverse()
    elif how and how.startswith("shuffle"):
        random.Random(how.partition(":")[2] or "0").shuffle(links)
    return links


def draw_notes(rc: ReportCanvas, top: float, notes: list[dict]) -> float:
    """Running text with an inline link over a phrase (not a product)."""
    size = 9.0
    width = rc.width - 2 * rc.style.margin
    links = []
    for note in notes:
        for line in rc.wrap(note["text"], width, size):
            rc.text(rc.style.margin, top, line, size=size)
            phrase = note.get("link_text", "")
            at = line.find(phrase) if phrase else -1
            if at >= 0:
                x0 = rc.style.margin + rc.string_width(line[:at], size)
                x1 = x0 + rc.string_width(phrase, size)
                links.append((note["url"], (x0, rc.y(top + size * 1.2), x1, rc.y(top))))
            top += size * 1.35
        top += size
    return top, links


def draw_legend(rc: ReportCanvas, top: float, legend: dict) -> float:
    x = rc.style.margin
    for focus, label in legend.items():
        set_fill(rc.canvas, LEGEND_COLORS[focus])
        rc.canvas.rect(x, rc.y(top + 8), 8, 8, stroke=0, fill=1)
        set_fill(rc.canvas, (0, 0, 0))
        rc.text(x + 12, top, label, size=8)
        x += 12 + rc.string_width(label, 8) + 30
    return top + 22


def draw_tiles(rc: ReportCanvas, top: float, items: list[dict], group: dict,
               size: float) -> list[tuple[str, tuple]]:
    """A grid of tiles from `top`; returns the (url, rect) annotations to write."""
    columns = group.get("columns", 3)
    inner = rc.width - 2 * rc.style.margin
    tile_w = (inner - (columns - 1) * GUTTER) / columns
    leading = size * 1.3
    thumbs = group.get("links_per_tile", 1) > 1
    links = []
    for row_start in range(0, len(items), columns):
        row = items[row_start:row_start + columns]
        rows_lines = [title_lines(rc, it, tile_w - 2 * PAD, size) for it in row]
        height = max(len(lines) for lines in rows_lines) * leading + 2 * PAD + (THUMB + 6 if thumbs else 0)
        for col, (item, lines) in enumerate(zip(row, rows_lines)):
            x = rc.style.margin + col * (tile_w + GUTTER)
            set_fill(rc.canvas, TILE_FILL)
            rc.canvas.rect(x, rc.y(top + height), tile_w, height, stroke=0, fill=1)
            y = top + PAD
            if thumbs:
                set_fill(rc.canvas, THUMB_FILL)
                rc.canvas.rect(x + PAD, rc.y(y + THUMB), THUMB * 1.4, THUMB, stroke=0, fill=1)
                thumb_rect = (x + PAD, rc.y(y + THUMB), x + PAD + THUMB * 1.4, rc.y(y))
                y += THUMB + 6
            set_fill(rc.canvas, (0, 0, 0))
            focus = item.get("gender_focus")
            if focus:
                set_fill(rc.canvas, LEGEND_COLORS[focus])
                rc.canvas.rect(x + tile_w - PAD - 6, rc.y(y + 6), 6, 6, stroke=0, fill=1)
                set_fill(rc.canvas, (0, 0, 0))
            for line in lines:
                rc.text(x + PAD, y, line, size=size, bold=True)
                y += leading
            if item.get("url") and item.get("link_drawn", True):
                links.append((item["url"], (x, rc.y(top + height), x + tile_w, rc.y(top))))
                if thumbs:
                    links.append((item["url"], thumb_rect))
        top += height + ROW_GAP
    return links


def draw_group(rc: ReportCanvas, group: dict, link_order: str | None) -> None:
    inner = rc.width - 2 * rc.style.margin
    columns = group.get("columns", 3)
    tile_w = (inner - (columns - 1) * GUTTER) / columns
    size = tile_font_size(rc, group["items"], tile_w - 2 * PAD)
    for n, items in enumerate(pages_of(group["items"], group.get("page_sizes"))):
        top = rc.heading(group["section"])
        top = draw_subtitle(rc, top, group.get("subtitle"))
        links: list[tuple[str, tuple]] = []
        if n == 0:
            if group.get("notes"):
                top, note_links = draw_notes(rc, top, group["notes"])
                links += note_links
                top += 6
            for line in rc.wrap(group["heading"], inner, 13, bold=True):
                rc.display(rc.style.margin, top, line, size=13, bold=True, color=rc.style.accent)
                top += 17
            top += 12
            if group.get("statements"):
                top = draw_statements(rc, top, group["statements"])
            if group.get("legend"):
                top = draw_legend(rc, top, group["legend"])
        links += draw_tiles(rc, top, items, group, size)
        if n == 0 and group.get("footnote"):
            rc.text(rc.style.margin, rc.height - rc.style.margin - 10, group["footnote"], size=7)
        for url, rect in ordered(links, link_order):
            rc.canvas.linkURL(url, rect, relative=0, thickness=0)
        rc.finish_page(label="PRINCIPAUX RÉSULTATS")


def draw(rc: ReportCanvas, data: dict, report: dict) -> None:
    for group in data.get("groups", []):
        draw_group(rc, group, data.get("link_order"))
