"""One edition's data files as one HTML document of fixed-size pages.

Python only paginates (which rows, tiles or months go on which page) and picks type
sizes that let a page's content fit; the browser does the layout: table cells centred
in their rows, grid lanes, wrapped header cells and labels, tiles as `<a>` blocks.
Text widths for those choices are measured with Pillow on the same font files the
browser uses, so a page is never cut off.

`HtmlLayout` holds the knobs the property tests turn (row alignment, wrapping of
names, headers and labels, sections sharing a page, lanes left or right, narrow
month boxes, links split per line or per word) and the members design space of
`bench/design_space/members.py` (titles turned 90° or 270°, yes-marks as words, glyphs
or drawn shapes, the Board in any colour or by a marker, new-member markers, names
re-cut on 1–3 lines, the header on the first page only). At their defaults the knobs
draw the committed specimens byte for byte.
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
import yaml
from PIL import ImageFont

HERE = Path(__file__).parent
# Pages in points (1 pt = 1/72 in); the CSS prints them with @page at the same size.
PAGE_SIZES = {
    "A4-landscape": (841.89, 595.28),
    "A4-portrait": (595.28, 841.89),
    "letter-portrait": (612.0, 792.0),
    "letter-landscape": (792.0, 612.0),
}
# Families the browser finds through fontconfig, and their files for measuring (the
# Debian packages of the Makefile's DEBIAN_PACKAGES: fonts-liberation, fonts-dejavu-core,
# fonts-lato, fonts-noto-core, fonts-open-sans). A family whose files are missing is an
# error, never a print in the browser's fallback font under the family's name.
FONT_DIRS = [Path("/usr/share/fonts/truetype") / d for d in ("liberation", "dejavu", "lato", "noto", "open-sans")]
FONT_FILES = {
    "Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "Liberation Sans Narrow": ("LiberationSansNarrow-Regular.ttf", "LiberationSansNarrow-Bold.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    "DejaVu Serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "DejaVu Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "Lato": ("Lato-Regular.ttf", "Lato-Bold.ttf"),
    "Noto Sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "Noto Serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf"),
    "Open Sans": ("OpenSans-Regular.ttf", "OpenSans-Bold.ttf"),
}
FONT_PACKAGES = {"Liberation": "fonts-liberation", "DejaVu": "fonts-dejavu-core", "Lato": "fonts-lato",
                 "Noto": "fonts-noto-core", "Open Sans": "fonts-open-sans"}
ORDER = ["key_figures", "publications", "budget", "prose", "lists", "plan", "members", "calendar"]
# The plan's status swatches and marks: the status is only in the colour or the mark.
SWATCHES = {"achieved": "#4da85c", "not_achieved": "#ed8c29"}
MARKS = {"achieved": "✓", "not_achieved": "✗"}
NEW_MARK = "(N)"


@dataclass
class HtmlLayout:
    """How an edition is drawn; the defaults draw the committed specimens."""

    font: str = "Liberation Sans"
    page_size: str | None = None  # None: the edition's report.yml style
    accent: str = "#1d5c87"
    red: str = "#c8102e"
    heading_spacing: float = 0.12  # letter-spacing of headings, em
    # members
    cell_valign: str = "middle"  # top | middle | bottom: cells in a row of a wrapped name
    name_wrap: float | None = None  # None: names as printed; else column width (pt), browser wraps
    header_wrap: float | None = None  # None: titles as printed; else column width (pt), browser wraps
    row_rules: bool = False  # a hairline under every row
    row_shading: bool = False  # every other row on a light grey band
    row_pad: float = 0.3  # white above and below a row's text, em: 0 spaces all name lines alike
    rows_per_page: int | None = None  # None: the data's
    title_turn: int = 0  # 0: titles horizontal; 90: turned to read bottom to top; 270: top to bottom
    # a yes-cell: None as the data prints it; a word or glyph (`Oui`, `✓`, `●`); or a shape
    # drawn as inline SVG with no text: `drawn:circle`, `drawn:tick`, `drawn:square`
    yes_mark: str | None = None
    mark_legend: bool = True  # a legend line defines a mark other than the data's word (`✓ Oui`)
    board_color: str | None = None  # None: `red`; else any CSS colour (`#1f5fbf`, `grey`)
    board_color_word: str | None = None  # the legend's word for it (LEGEND_COLOURS key: `blue`); None: red
    board_marker: str | None = None  # a marker after a Board member's name instead of a colour
    legend_ink: bool = True  # the Board line of the legend printed in the Board colour
    new_marker: str = NEW_MARK
    legend: list[str] | None = None  # None: the data's (or one written for the knobs above)
    header_repeat: bool = True  # False: continuation pages have rows only (no heading, no titles)
    name_lines: int | None = None  # None: names as printed; 1..3: each name re-cut into that many lines
    # calendar
    lanes_side: str = "right"  # right: day numbers left of the events; left: events left of them
    month_pages: list[list[int]] | None = None  # None: the data's pages
    box_single_days: bool = False
    # None: the data's month pages, drawn as grids; grid-one | grid-two (side by side) |
    # grid-stacked (two months one above the other) | agenda-one | agenda-two (columns)
    calendar_layout: str | None = None
    month_heading: str = "data"  # data: as month_names prints it | upper-year (JANUARY 2022) | title (Janvier)
    date_form: str = "column-abbr"  # agenda: column | leading (the date starts the entry), -abbr | -full month
    type_form: str = "prefix"  # prefix: `WEBINAR | Title` | tag: a bold capital tag before the title
    location_italic: bool = True
    # publications
    share_pages: bool = False  # True: a section's groups run on, several on one page
    link_split: str = "tile"  # tile | line | word: one <a> per tile, per title line, per word
    tile_columns: int | None = None
    product_list: str = "tiles"  # tiles | list | table: how a group's items are drawn
    product_link: str = "annotation"  # annotation | printed | both: the link as an annotation, a printed URL or both
    url_form: str = "full"  # full | bare | www: a printed URL as `https://www.x/…`, `x/…` or `www.x/…`
    # key figures
    figure_columns: int = 4
    label_wrap: float | None = None  # None: label lines as printed; else label width (em)
    figure_label: str = "below"  # below | above | beside: where a big number's label stands
    number_style: str = "data"  # data: as printed; spaced: `72,7 %`, `2,14 K`; grouped: `+2 140`
    # strategic plan, budget, lists
    plan_mark: str = "swatch"  # swatch: a coloured square; mark: a glyph (MARKS) before each code
    legend_place: str = "bottom"  # bottom | top: the plan's legend under or over the actions
    plan_columns: int | None = None  # None: one column per action; else this many
    budget_columns: int = 2  # the budget lines in one or two columns
    list_columns: int | None = None  # None: the data's columns for named lists
    extra: dict = field(default_factory=dict)


# --- measuring ----------------------------------------------------------------------

@cache
def _font(family: str, bold: bool) -> ImageFont.FreeTypeFont:
    name = FONT_FILES[family][1 if bold else 0]
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), 100)
    package = next((p for prefix, p in FONT_PACKAGES.items() if family.startswith(prefix)), "?")
    raise FileNotFoundError(f"font {name} of {family!r} not found in {', '.join(map(str, FONT_DIRS))} "
                            f"(Debian package {package}: `make system-deps`)")


def measure(text: str, size: float, family: str, bold: bool = False) -> float:
    """Advance width of `text` in points at `size`."""
    return _font(family, bold).getlength(text) * size / 100


def wrap_count(text: str, width: float, size: float, family: str, bold: bool = False) -> int | None:
    """Lines a greedy wrap takes at `width`; None when one word alone is wider."""
    lines, current = 0, ""
    for word in text.split():
        if measure(word, size, family, bold) > width:
            return None
        trial = f"{current} {word}" if current else word
        if current and measure(trial, size, family, bold) > width:
            lines += 1
            current = word
        else:
            current = trial
    return lines + (1 if current else 0)


# --- data ---------------------------------------------------------------------------

def load_edition(folder: Path) -> dict:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.yml"))}


@dataclass
class Geometry:
    width: float
    height: float
    margin: float
    font: str


def edition_pages(data: dict, layout: HtmlLayout) -> tuple[Geometry, list[dict]]:
    report = data["report"]
    size = layout.page_size or (report.get("style") or {}).get("page_size", "A4-landscape")
    w, h = PAGE_SIZES[size]
    geo = Geometry(w, h, 42.0, layout.font)
    pages = [{"kind": "cover", "report": report}, narrative_page(report)]
    language = report.get("language", "fr")
    builders = {"key_figures": lambda d, g, lay: figure_pages(d, g, lay, language), "publications": product_pages,
                "prose": prose_pages, "members": member_pages, "calendar": calendar_pages,
                "budget": budget_pages, "lists": list_pages, "plan": plan_pages}
    for name in ORDER:
        if name == "members" and name in data:
            pages += member_pages(data[name], geo, layout, report.get("language", "fr"))
        elif name == "calendar" and name in data:  # an agenda's month names are in the report's language
            pages += calendar_pages({"language": report.get("language", "fr"), **data[name]}, geo, layout)
        elif name in data:
            pages += builders[name](data[name], geo, layout)
    return geo, pages


def narrative_page(report: dict) -> dict:
    narrative = report["narrative"]
    paragraphs = [[chunk.strip() for chunk in p.split("-|")] for p in narrative["paragraphs"]]
    return {"kind": "narrative", "heading": narrative["heading"], "paragraphs": paragraphs,
            "label": narrative.get("margin_label")}


def figure_pages(data: dict, geo: Geometry, layout: HtmlLayout, language: str = "fr") -> list[dict]:
    pages = [{"kind": "figures", "label": p.get("margin_label"), **p} for p in data.get("pages", [])]
    if layout.number_style != "data":
        for page in pages:
            page["big"] = [{**fig, "printed": restyle_number(fig["printed"], layout.number_style, language)}
                           for fig in page.get("big") or []] or page.get("big")
    return pages


LOCALES = {"fr": "fr_FR", "en": "en_GB", "es": "es_ES"}


def restyle_number(printed: str, style: str, language: str) -> str:
    """A headline number as another designer writes it, with Babel's locale data:
    `spaced` keeps a K and puts a no-break space before it and before %, the language's
    decimal sign (`+2,14 K`, `72,7 %`); `grouped` writes the number out with the
    language's grouping (`+2 140`).

    >>> restyle_number("+2.14K", "spaced", "fr"), restyle_number("72,7%", "spaced", "en")
    ('+2,14\u00a0K', '72.7\u00a0%')
    >>> restyle_number("+2.14K", "grouped", "fr"), restyle_number("1 200", "grouped", "en")
    ('+2\u202f140', '1,200')
    """
    from babel.numbers import format_decimal

    m = re.fullmatch(r"(\+?)([\d  .,\u202f]+?)\s?([KkM]?)\s?(%?)", printed.strip())
    if not m:
        return printed
    sign, digits, suffix, percent = m.groups()
    digits = re.sub(r"[ \u00a0\u202f]", "", digits)
    # one separator followed by exactly three digits is grouping, else a decimal sign
    if re.fullmatch(r"\d+[.,]\d{3}", digits) and not suffix:
        digits = digits.replace(",", "").replace(".", "")
    value = float(digits.replace(",", "."))
    locale = LOCALES.get(language, "en_GB")
    if style == "grouped" and suffix:
        value *= {"K": 1000, "k": 1000, "M": 1000000}[suffix]
        suffix = ""
    number = format_decimal(value, locale=locale, group_separator=style == "grouped")
    tail = (f"\u00a0{suffix}" if suffix else "") + ("\u00a0%" if percent else "")
    return f"{sign}{number}{tail}"


# --- publications -------------------------------------------------------------------

def chunks(items: list, sizes: list[int] | None) -> list[list]:
    """Items cut into pages of the given sizes; past the list, pages of the last size."""
    sizes = list(sizes or [len(items)])
    out, start, size = [], 0, sizes[0]
    while start < len(items):
        size = sizes.pop(0) if sizes else size
        out.append(items[start:start + size])
        start += size
    return out


def link_runs(text_lines: list[str], split: str) -> list[list[str]]:
    """The title as lines of link runs: one run per line, or one per word."""
    if split == "word":
        return [line.split() for line in text_lines]
    return [[line] for line in text_lines]


def printed_url(url: str, form: str) -> str:
    """A URL as a designer prints it in the text: whole, without its scheme, or without
    its scheme and `www.`.

    >>> printed_url("https://www.metropolis.org/node/1", "bare"), printed_url("https://www.metropolis.org/node/1", "www")
    ('metropolis.org/node/1', 'www.metropolis.org/node/1')
    """
    if form == "full":
        return url
    short = re.sub(r"^https?://", "", url)
    return re.sub(r"^www\.", "", short) if form == "bare" else short


def product_pages(data: dict, geo: Geometry, layout: HtmlLayout) -> list[dict]:
    pages: list[dict] = []
    annotated = layout.product_link in ("annotation", "both")
    printed = layout.product_link in ("printed", "both")
    for group in data.get("groups", []):
        columns = layout.tile_columns or group.get("columns", 3)
        inner = geo.width - 2 * geo.margin
        tile_w = (inner - (columns - 1) * 14) / columns
        size = 10.0
        for item in group["items"]:
            for line in item.get("lines", []):
                # 4.5 pt at the least: four columns of long lines on a portrait page
                while size > 4.5 and measure(line, size, geo.font, True) > tile_w - 18:
                    size -= 0.5
        tiles = [{
            "title": item["title"],
            "lines": item.get("lines"),
            "url": item["url"] if item.get("url") and item.get("link_drawn", True) and annotated else None,
            "printed": (printed_url(item["url"], layout.url_form)
                        if printed and item.get("url") and item.get("link_drawn", True) else None),
            "focus": item.get("gender_focus"),
            "runs": link_runs(item.get("lines") or [item["title"]], layout.link_split),
        } for item in group["items"]]
        if layout.product_list != "tiles":
            sizes = list_page_sizes(tiles, group, geo, layout)
        else:
            sizes = group.get("page_sizes")
        for n, run in enumerate(chunks(tiles, sizes)):
            block = {"group": group, "first": n == 0, "tiles": run, "columns": columns,
                     "size": size, "thumbs": group.get("links_per_tile", 1) > 1,
                     "split": layout.link_split}
            prev = pages[-1] if pages else None
            if layout.product_list != "tiles":
                block["height"] = (sum(list_item_heights(run, geo, layout))
                                   + (group_head_height(group, geo) if n == 0 else 0))
            fits = (layout.product_list == "tiles"
                    or (prev and prev["blocks"][-1].get("height", 0) + block["height"] <= page_room(geo, group)))
            if (layout.share_pages and n == 0 and prev and prev["section"] == group["section"]
                    and len(prev["blocks"]) == 1 and fits):
                prev["blocks"].append(block)  # the next heading runs on under the last tiles
                continue
            pages.append({"kind": "products", "section": group["section"],
                          "subtitle": group.get("subtitle"), "blocks": [block],
                          "label": data.get("margin_label") or "PRINCIPAUX RÉSULTATS"})
    return pages


LIST_SIZE = 9.0  # type size of a list or table of products, pt
URL_SIZE = 7.5  # type size of a printed URL, pt


def list_item_heights(items: list[dict], geo: Geometry, layout: HtmlLayout) -> list[float]:
    """The height (pt) of each item of a list or a table, with some slack."""
    width = geo.width - 2 * geo.margin - 20
    title_w = width * (0.55 if layout.product_list == "table" else 1.0) - 12
    url_w = (width * 0.45 if layout.product_list == "table" else width) - 12
    heights = []
    for item in items:
        title = (wrap_count(item["title"], title_w, LIST_SIZE, geo.font, True) or 3) * LIST_SIZE * 1.3
        url = 0.0
        if item["printed"]:
            url = -(-measure(item["printed"], URL_SIZE, geo.font) // url_w) * URL_SIZE * 1.3 + 2
        heights.append((max(title, url) + 9 if layout.product_list == "table" else title + url + 10) + 2)
    return heights


def group_head_height(group: dict, geo: Geometry) -> float:
    """The height (pt) of a group's notes, heading, statements and legend."""
    width = geo.width - 2 * geo.margin
    height = 13 * 1.3 * (wrap_count(group["heading"], width, 13, geo.font, True) or 2) + 13 * 1.2
    for note in group.get("notes") or []:
        height += (wrap_count(note["text"], width, 9, geo.font) or 3) * 9 * 1.25 + 9
    for statement in group.get("statements") or []:
        height += (wrap_count(statement, width, 11, geo.font) or 2) * 11 * 1.25 + 12
    if group.get("legend"):
        height += 8 * 1.3 + 12
    return height + 20


def page_room(geo: Geometry, group: dict) -> float:
    """The height (pt) under a page's heading and subtitle."""
    subtitle = wrap_count(group.get("subtitle") or "", geo.width - 2 * geo.margin, 11, geo.font, True) or 0
    return geo.height - 2 * geo.margin - 20 * 1.9 - subtitle * 11 * 1.3 - 24


def list_page_sizes(items: list[dict], group: dict, geo: Geometry, layout: HtmlLayout) -> list[int]:
    """Items per page of a list or a table: as many as their lines fit (the first page
    also holds the heading, the notes and the statements)."""
    heights = list_item_heights(items, geo, layout)
    room = page_room(geo, group)
    sizes, used, limit = [0], 0.0, room - group_head_height(group, geo)
    for h in heights:
        if sizes[-1] and used + h > limit:
            sizes.append(0)
            used, limit = 0.0, room
        sizes[-1] += 1
        used += h
    return sizes


# --- prose --------------------------------------------------------------------------

def prose_pages(data: dict, geo: Geometry, layout: HtmlLayout) -> list[dict]:
    pages = []
    for page in data["pages"]:
        out = {**page, "label": page.get("margin_label")}
        if page["kind"] == "list":
            out["places"] = [item[0].split("|") for item in page["items"]]
        if page["kind"] == "projects":
            out["projects"] = [{"title": p["title"], "chunks": [c.strip() for c in p["text"].split("-|")]}
                               for p in page["projects"]]
        if page["kind"] == "leaders":
            per_page = 8 if geo.width > geo.height else 9
            for k in range(0, len(page["leaders"]), per_page):
                pages.append({**out, "leaders": page["leaders"][k:k + per_page]})
            continue
        pages.append(out)
    return pages


def list_pages(data: dict, geo: Geometry, layout: HtmlLayout) -> list[dict]:
    """Named lists outside the prose pages (lists.yml), drawn like the prose lists."""
    return [{**page, "label": page.get("margin_label"), "columns": layout.list_columns or page.get("columns", 5),
             "places": [item[0].split("|") for item in page["items"]]} for page in data["pages"]]


# --- strategic plan, budget ---------------------------------------------------------

def plan_pages(data: dict, geo: Geometry, layout: HtmlLayout) -> list[dict]:
    """A page per line of the plan; each deliverable's text cut at its `-|` breaks."""
    pages = []
    for line in data["lines"]:
        actions = [{**a, "rows": [(code, [c.strip() for c in text.split("-|")], status)
                                  for code, text, status in a["deliverables"]]}
                   for a in line["actions"]]
        pages.append({"kind": "plan", "heading": data["heading"], "label": data.get("margin_label"),
                      "legend": data["legend"], "line": {**line, "actions": actions},
                      "columns": layout.plan_columns or len(actions),
                      "swatches": SWATCHES, "marks": MARKS})
    return pages


def budget_pages(data: dict, geo: Geometry, layout: HtmlLayout) -> list[dict]:
    rows = data["budget"]["lines"]
    if layout.budget_columns == 1:
        columns = [rows]
    else:
        half = -(-len(rows) // 2)
        columns = [rows[:half], rows[half:]]
    return [{"kind": "budget", **data, "label": data.get("margin_label"), "budget_columns": columns}]


# --- members ------------------------------------------------------------------------

def header_lines(headers: list) -> list[list[str]]:
    return [[h] if isinstance(h, str) else [str(x) for x in h] for h in headers]


# The legend's wording per language, for the knobs that change what it declares.
LEGEND_WORDS = {
    "fr": {"colour": "En {word}, membre du conseil d’administration",
           "board": "{mark} Membre du conseil d’administration", "new": "{mark} Nouveau membre",
           "yes": "{mark} Oui"},
    "en": {"colour": "In {word}, member of the Board of Directors",
           "board": "{mark} Member of the Board of Directors", "new": "{mark} New member",
           "yes": "{mark} Yes"},
    "es": {"colour": "En {word}, miembro del Consejo de Administración",
           "board": "{mark} Miembro del Consejo de Administración", "new": "{mark} Nuevo miembro",
           "yes": "{mark} Sí"},
}
# Colour words of the legend per language, by the knob's key (another key is printed as is).
LEGEND_COLOURS = {
    "red": {"fr": "rouge", "en": "red", "es": "rojo"},
    "blue": {"fr": "bleu", "en": "blue", "es": "azul"},
    "green": {"fr": "vert", "en": "green", "es": "verde"},
    "grey": {"fr": "gris", "en": "grey", "es": "gris"},
    "orange": {"fr": "orange", "en": "orange", "es": "naranja"},
}
# Shapes a yes-cell may be drawn as (inline SVG, no text): the view box is 10 x 10.
DRAWN_MARKS = {
    "circle": '<circle cx="5" cy="5" r="4"/>',
    "square": '<rect x="1.5" y="1.5" width="7" height="7"/>',
    "tick": '<path d="M1.5 5.5 L4 8 L8.5 2" fill="none" stroke="currentColor" stroke-width="1.6"/>',
}


def is_yes(value: str) -> bool:
    return value.strip().lower() in {"yes", "oui", "sí", "si"}


def cut_name(lines: list[str], n: int) -> list[str]:
    """A name's words re-cut into at most `n` lines of about equal length."""
    words = " ".join(lines).split()
    n = max(1, min(n, len(words)))
    out: list[str] = []
    for k in range(n):
        out.append(" ".join(words[len(words) * k // n:len(words) * (k + 1) // n]))
    return out


def member_legend(data: dict, layout: HtmlLayout, language: str) -> list[dict]:
    """The legend lines, each with its ink: the data's when no knob changes what it
    declares, else written in the report's language for the knobs."""
    if layout.legend is not None:
        lines = list(layout.legend)
    elif (layout.board_color is None and layout.board_marker is None and layout.new_marker == NEW_MARK
          and layout.yes_mark is None):
        return [{"text": line, "ink": "red" if k == 0 else None} for k, line in enumerate(data.get("legend", []))]
    else:
        words = LEGEND_WORDS[language]
        lines = []
        if layout.board_marker:
            lines.append(words["board"].format(mark=layout.board_marker))
        else:
            key = layout.board_color_word or "red"
            lines.append(words["colour"].format(word=LEGEND_COLOURS.get(key, {}).get(language, key)))
        lines.append(words["new"].format(mark=layout.new_marker))
        mark = layout.yes_mark
        if mark and layout.mark_legend and not mark.startswith("drawn:") and not is_yes(mark):
            lines.append(words["yes"].format(mark=mark))
    return [{"text": line, "ink": "board" if k == 0 and layout.legend_ink and not layout.board_marker else None}
            for k, line in enumerate(lines)]


def member_pages(data: dict, geo: Geometry, layout: HtmlLayout, language: str = "fr") -> list[dict]:
    pages = []
    legend = member_legend(data, layout, language)
    per_page = layout.rows_per_page or data.get("rows_per_page", 26)
    for matrix in data["matrices"]:
        titles = header_lines(matrix["headers"])
        rows = [{
            "lines": cut_name(list(r["name"]), layout.name_lines) if layout.name_lines else list(r["name"]),
            "board": bool(r.get("board")), "new": bool(r.get("new")),
            "cells": [str((r.get("cells") or {}).get(i, "") or "") for i in range(len(titles))],
        } for r in matrix["rows"]]
        if layout.yes_mark:
            for r in rows:
                r["cells"] = [layout.yes_mark if is_yes(c) else c for c in r["cells"]]
        fit = fit_matrix(titles, rows, per_page, len(legend), geo, layout)
        for start in range(0, len(rows), per_page):
            pages.append({"kind": "members", "heading": data["heading"], "legend": legend,
                          "titles": titles, "rows": rows[start:start + per_page],
                          "label": data.get("margin_label"),
                          "head_shown": layout.header_repeat or start == 0, **fit})
    return pages


def fit_matrix(titles: list[list[str]], rows: list[dict], per_page: int, legend_lines: int,
               geo: Geometry, layout: HtmlLayout) -> dict:
    """Type sizes and column widths (pt) that fit the widest and the tallest page."""
    font = geo.font
    available_w = geo.width - 2 * geo.margin
    body = 7.5
    while True:
        pad = 0.3 * body
        row_pad = layout.row_pad * body
        marks = f" {layout.new_marker}" + (f" {layout.board_marker}" if layout.board_marker else "")
        if layout.name_wrap:
            name_w = layout.name_wrap
        else:
            name_w = max(measure(f"{line}{marks}", body, font) for r in rows for line in r["lines"]) + 2 * body
        head = body - 1
        while True:
            if layout.title_turn:
                # a turned title is as wide as its lines are many, as deep as its longest line
                widths = [len(t) * head * 1.25 + 2 * pad for t in titles]
                depth_lines = max(measure(line, head, font, True) for t in titles for line in t) / (head * 1.2)
            elif layout.header_wrap:
                widths = [max(layout.header_wrap, max(measure(w, head, font, True) for t in ts for w in t.split())
                              + 2 * pad) for ts in titles]
                depth_lines = max(wrap_count(" ".join(t), w - 2 * pad, head, font, True) or 1
                                  for t, w in zip(titles, widths))
            else:
                widths = [max(measure(line, head, font, True) for line in t) + 2 * pad for t in titles]
                depth_lines = max(len(t) for t in titles)
            widths = [max(w, 3.5 * body) for w in widths]
            if name_w + sum(widths) <= available_w or head <= 3.5:
                break
            head -= 0.25
        depth = depth_lines * head * 1.2 + 2 * pad
        top = geo.height * 0.06 + 16 * 1.9 + legend_lines * body * 1.45 + body
        tallest = 0.0
        for start in range(0, len(rows), per_page):
            lines = 0
            for r in rows[start:start + per_page]:
                n = len(r["lines"])
                if layout.name_wrap:
                    n = wrap_count(" ".join(r["lines"]) + marks, name_w - 2 * pad, body, font) or 3
                lines += n
            # (a row rule is a border of its own under each row)
            rule = 1.0 if layout.row_rules else 0.0
            tallest = max(tallest, lines * body * 1.2 + min(per_page, len(rows) - start) * (2 * row_pad + rule))
        if top + depth + tallest <= geo.height - geo.margin * 0.8 or body <= 4:
            return {"body": body, "head": head, "name_w": name_w, "widths": widths, "pad": pad,
                    "row_pad": row_pad, "depth": depth}
        body -= 0.25


# --- calendar -----------------------------------------------------------------------

TINTS = ["#d7ecf4", "#f5e3d0", "#e0f0da", "#ebe0f4", "#f6eec8", "#dde3f1"]


@dataclass
class Entry:
    index: int
    start: dt.date
    end: dt.date
    head: str  # prefix and title as printed, with the gender mark
    location: str | None
    prefix: str | None = None
    title: str = ""  # with the gender mark


def entries(data: dict) -> list[Entry]:
    year = int(data["year"])
    out = []
    for i, e in enumerate(data["events"]):
        start = dt.date(year, e["month"], e["day"])
        end = dt.date(e.get("end_year", year), e.get("end_month", e["month"]), e.get("end_day", e["day"]))
        title = " ".join(e["title"].split())
        head = f"{e['prefix']} {title}" if e.get("prefix") else title
        mark = "*" if e.get("gender") else ""
        out.append(Entry(i, start, end, head + mark, e.get("location"), e.get("prefix"), title + mark))
    return out


def month_grid(events: list[Entry], year: int, month: int, width: float, size: float,
               geo: Geometry, layout: HtmlLayout, pad_em: float = 0.45) -> dict | None:
    """Lanes and rows of one month at `size`, or None when it would not fit `width`."""
    days = cal.monthrange(year, month)[1]
    first, last = dt.date(year, month, 1), dt.date(year, month, days)
    placed = [{"e": e, "a": max(e.start, first).day, "b": min(e.end, last).day}
              for e in events if e.start <= last and e.end >= first]
    placed.sort(key=lambda p: (p["a"], -(p["b"] - p["a"]), p["e"].index))
    taken: list[int] = []  # lane -> last day taken
    for p in placed:
        lane = next((k for k, until in enumerate(taken) if until < p["a"]), len(taken))
        if lane == len(taken):
            taken.append(0)
        taken[lane] = p["b"]
        p["lane"] = lane
    lanes = max(1, len(taken))
    day_w = 2.2 * size
    lane_w = (width - day_w) / lanes
    pad = pad_em * size
    line_h = 1.25 * size
    rows = [line_h + 2 * pad] * days
    for p in placed:
        right = [q["lane"] for q in placed if q["lane"] > p["lane"] and q["a"] <= p["b"] and q["b"] >= p["a"]]
        p["span"] = (min(right) if right else lanes) - p["lane"]
        inner = lane_w * p["span"] - 2 * pad - 2
        n = wrap_count(p["e"].head, inner, size, geo.font)
        m = wrap_count(p["e"].location, inner, size, geo.font) if p["e"].location else 0
        if n is None or m is None:
            return None
        need = (n + m) * line_h + 2 * pad + 1.0 + 0.3 * line_h  # margins, and some slack
        have = sum(rows[p["a"] - 1:p["b"]])
        if have < need:
            for d in range(p["a"] - 1, p["b"]):  # the browser shares a deficit among the rows
                rows[d] += (need - have) / (p["b"] - p["a"] + 1)
    for p in placed:
        p["boxed"] = p["b"] > p["a"] or layout.box_single_days
        p["tint"] = TINTS[p["e"].index % len(TINTS)]
    # Row heights go to the CSS as minimums: WeasyPrint does not grow rows for an item
    # spanning several, so the text of a long box would run out of it.
    return {"month": month, "days": days, "lanes": lanes, "placed": placed, "height": sum(rows),
            "size": size, "day_w": day_w, "rows": rows}


def fit_months(events: list[Entry], year: int, months: list[int], geo: Geometry,
               layout: HtmlLayout, gap: float, stacked: bool = False) -> list[dict] | None:
    """The month grids of one page at the largest size that fits, or None."""
    width = (geo.width - 2 * geo.margin - gap * (len(months) - 1)) / len(months)
    # heading, month name, footnote: what the page holds besides the grids
    room = geo.height - geo.margin * 2 - 16 * 1.9 - 12 * 1.8 - 20
    if stacked:  # each month the page's width, the height shared
        width = geo.width - 2 * geo.margin
        room = (room - (len(months) - 1) * (gap + 12 * 1.8)) / len(months)
    size = 7.0
    # stacked months: tight rows (calendar-designs.css), and smaller type if need be
    pad_em, smallest = (0.12, 3.0) if stacked else (0.45, 3.5)
    while size >= smallest:
        grids = [month_grid(events, year, m, width, size, geo, layout, pad_em) for m in months]
        # 8 % for the browser's rounding and the way it shares spanned rows
        if all(g and g["height"] * 1.08 <= room for g in grids):
            for g in grids:
                g["width"] = width
            return grids
        size -= 0.25
    return None


def calendar_pages(data: dict, geo: Geometry, layout: HtmlLayout) -> list[dict]:
    pages = []
    statements = data.get("statements") or []
    if statements:
        pages.append({"kind": "statements", "heading": statements[0].get("heading", ""),
                      "statements": statements, "label": statements[0].get("heading")})
    year = int(data["year"])
    names = data.get("month_names") or ["JANVIER", "FÉVRIER", "MARS", "AVRIL", "MAI", "JUIN", "JUILLET",
                                        "AOÛT", "SEPTEMBRE", "OCTOBRE", "NOVEMBRE", "DÉCEMBRE"]
    events = entries(data)
    if layout.calendar_layout and layout.calendar_layout.startswith("agenda"):
        return pages + agenda_pages(data, events, names, geo, layout)
    gap = 18.0
    stacked = layout.calendar_layout == "grid-stacked"
    plan = {"grid-one": [[m] for m in range(1, 13)],
            "grid-two": [[m, m + 1] for m in range(1, 13, 2)],
            "grid-stacked": [[m, m + 1] for m in range(1, 13, 2)]}.get(layout.calendar_layout or "")
    queue = [list(m) for m in (plan or layout.month_pages or data.get("pages") or [[m] for m in range(1, 13)])]
    while queue:
        months = queue.pop(0)
        grids = fit_months(events, year, months, geo, layout, gap, stacked)
        if grids is None and len(months) > 1:
            queue[:0] = [[m] for m in months]  # too crowded side by side: a page each
            continue
        if grids is None:
            raise ValueError(f"calendar month {months[0]} does not fit a {geo.width:.0f}x{geo.height:.0f} page")
        for g in grids:
            g["name"] = month_heading(names, g["month"], year, layout)
        gendered = any(p["e"].head.endswith("*") for g in grids for p in g["placed"])
        pages.append({"kind": "calendar", "heading": data.get("heading", "CALENDRIER INTERNATIONAL"),
                      "grids": grids, "width": grids[0]["width"], "gap": gap, "stacked": stacked,
                      "footnote": data.get("footnote") if gendered else None,
                      "label": data.get("margin_label", "ANNEXES")})
    return pages


def month_heading(names: list[str], month: int, year: int, layout: HtmlLayout) -> str:
    """The month's name as the design prints it: `JANVIER`, `JANUARY 2022` or `Janvier`."""
    name = names[month - 1]
    if layout.month_heading == "upper-year":
        return f"{name.upper()} {year}"
    if layout.month_heading == "title":
        return name.capitalize()
    return name


# What a month heading carried over to the next column or page adds, per language.
CONTINUED = {"fr": "(suite)", "en": "(cont.)", "es": "(cont.)"}


def date_label(e: Entry, language: str, month_form: str) -> str:
    """`19 Jan`, `15–19 Feb`, `27 Jan – 3 Feb`: the month names from Babel's CLDR data
    (abbreviated or wide) in the report's language."""
    from babel.dates import get_month_names

    months = get_month_names("abbreviated" if month_form == "abbr" else "wide", locale=language)
    a, b = e.start, e.end
    if a == b:
        return f"{a.day} {months[a.month]}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {months[a.month]}"
    return f"{a.day} {months[a.month]} – {b.day} {months[b.month]}"


def agenda_pages(data: dict, events: list[Entry], names: list[str], geo: Geometry,
                 layout: HtmlLayout) -> list[dict]:
    """The calendar as an agenda: a heading per month, one entry per event under the month
    it starts in (a span over months printed once), in one or two columns a page; a month
    carried over to a new column or page repeats its heading with `(cont.)`."""
    year = int(data["year"])
    language = (data.get("language") or "fr")
    columns = 2 if layout.calendar_layout == "agenda-two" else 1
    place, month_form = layout.date_form.split("-")
    size, line_h, gap = 8.5, 8.5 * 1.3, 10.0
    inner = geo.width - 2 * geo.margin
    col_w = (inner - (columns - 1) * 24) / columns
    date_w = max(measure(date_label(e, language, month_form), size, geo.font, True) for e in events) + 8
    body_w = (col_w - date_w if place == "column" else col_w) * 0.92  # the browser's wrap may differ
    room = geo.height - geo.margin * 2 - 16 * 1.9 - 24
    head_h = 12 * 1.8 + 4

    def height(e: Entry, label: str) -> float:
        text = f"{label}  {e.head}" if place == "leading" else e.head
        n = wrap_count(text, body_w, size, geo.font) or 4
        m = (wrap_count(e.location, body_w, size, geo.font) or 2) if e.location else 0
        return (n + m) * line_h + gap

    flows: list[list[dict]] = [[]]
    used = 0.0

    def new_column() -> None:
        nonlocal used
        flows.append([])
        used = 0.0

    for month in range(1, 13):
        items = [e for e in events if (e.start.year, e.start.month) == (year, month)]
        heading = month_heading(names, month, year, layout)
        first_h = height(items[0], date_label(items[0], language, month_form)) if items else 0
        if used and used + head_h + first_h > room:
            new_column()
        flows[-1].append({"kind": "month", "name": heading})
        used += head_h
        for e in items:
            label = date_label(e, language, month_form)
            h = height(e, label)
            if used + h > room:
                new_column()
                flows[-1].append({"kind": "month", "name": f"{heading} {CONTINUED.get(language, '(cont.)')}"})
                used += head_h
            flows[-1].append({"kind": "entry", "e": e, "date": label})
            used += h * 1.0
    pages = []
    for k in range(0, len(flows), columns):
        cols = flows[k:k + columns]
        gendered = any(it["kind"] == "entry" and it["e"].title.endswith("*") for c in cols for it in c)
        pages.append({"kind": "agenda", "heading": data.get("heading", "CALENDRIER INTERNATIONAL"),
                      "columns": cols, "col_w": col_w, "date_w": date_w, "place": place, "size": size,
                      "footnote": data.get("footnote") if gendered else None,
                      "label": data.get("margin_label", "ANNEXES")})
    return pages


CALENDAR_DESIGN_KNOBS = ("calendar_layout", "month_heading", "date_form", "type_form", "location_italic")


# --- the document -------------------------------------------------------------------

@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["pt"] = lambda v: f"{v:.2f}pt"
    return env


def with_link(text: str, phrase: str, url: str) -> list[tuple[str, str | None]]:
    """Text cut around the first occurrence of `phrase`: [(text, url or None)]."""
    at = text.find(phrase) if phrase else -1
    if at < 0:
        return [(text, None)]
    return [(text[:at], None), (phrase, url), (text[at + len(phrase):], None)]


def edition_html(folder: Path, layout: HtmlLayout | None = None, data: dict | None = None) -> str:
    """The HTML of one edition (its data folder, or `data` as load_edition returns it)."""
    layout = layout or HtmlLayout()
    data = data if data is not None else load_edition(folder)
    # the family's files present (else the browser prints a fallback under its name)
    _font(layout.font, False), _font(layout.font, True)
    geo, pages = edition_pages(data, layout)
    css = (HERE / "report.css").read_text(encoding="utf-8")
    default = HtmlLayout()
    if any(getattr(layout, k) != getattr(default, k) for k in CALENDAR_DESIGN_KNOBS):
        css += (HERE / "calendar-designs.css").read_text(encoding="utf-8")
    if (layout.product_list, layout.product_link, layout.figure_label) != ("tiles", "annotation", "below"):
        css += (HERE / "report-habits.css").read_text(encoding="utf-8")
    html = _environment().get_template("report.html.j2").render(
        pages=pages, geo=geo, layout=layout, report=data["report"], css=css,
        language=data["report"].get("language", "fr"), with_link=with_link, drawn=DRAWN_MARKS)
    return re.sub(r"[ \t]+\n", "\n", html)
