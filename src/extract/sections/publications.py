"""Linked products into `publications`: publication tiles, Learning Station products,
videos and declarations, each with the link annotation that covers it.

A product page is found by a heading of the vocabulary ("nouvelles publications",
"Learning Station", …); following pages with the same running header continue it. On
a page, words are grouped into blocks; a block that a link annotation covers is a tile,
paired with that link by geometry alone (the order of annotations in the file does not
matter). A block that looks like its linked neighbours (same type size and weight, on
the same grid line) but has no link is still a product, with no URL.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from extract.lang import vocab
from extract.pdf import prepass
from extract.pdf.layout import (
    RGB,
    Block,
    Box,
    Line,
    Link,
    Page,
    Word,
    group_blocks,
    group_lines,
    split_line,
)
from extract.sections import ReportContext, Section, register
from extract.toolkit import geometry
from extract.toolkit.geometry import linked_groups
from extract.toolkit.settings import GEOMETRY, PUBLICATIONS
from extract.toolkit.text import join_lines

NAME = "publications"
KINDS = ("publication", "learning_product", "video", "declaration")


# -- titles -------------------------------------------------------------------------

# -- geometry -----------------------------------------------------------------------

def covered_share(block: Block, link: Link) -> float:
    """The share of the block's box that the link's box covers."""
    return geometry.covered_share(block.bbox, (link.x0, link.top, link.x1, link.bottom))


def _intersects(block: Block, link: Link) -> bool:
    return geometry.area(max(block.x0, link.x0), max(block.top, link.top),
                         min(block.x1, link.x1), min(block.bottom, link.bottom)) > 0


def merge_links(blocks: list[Block], links: list[Link]) -> list[Link]:
    """Annotations of one URL over one block are one link: some producers write a link
    as one annotation per line or per word of a tile. The union of their boxes stands
    for them. Annotations over different blocks stay apart, even with one URL (the
    report's wrong duplicate link, a thumbnail beside its title).

    >>> from extract.pdf.layout import Line, Word
    >>> block = Block([Line([Word("Villes", 0, 0, 30, 10)]), Line([Word("vertes", 0, 12, 30, 22)])])
    >>> merge_links([block], [Link("u", 0, 0, 30, 10), Link("u", 0, 12, 30, 22)])
    [Link(uri='u', x0=0, top=0, x1=30, bottom=22)]
    """
    same_link_over_a_block = []
    for block in blocks:
        over: dict[str, list[int]] = {}
        for i, link in enumerate(links):
            if _intersects(block, link):
                over.setdefault(link.uri, []).append(i)
        same_link_over_a_block += [(i, group[0]) for group in over.values() for i in group[1:]]
    parts = [[links[i] for i in group] for group in linked_groups(len(links), same_link_over_a_block)]
    out = []
    for part in parts:
        if len(part) == 1:
            out.append(part[0])
        else:
            out.append(Link(part[0].uri, min(x.x0 for x in part), min(x.top for x in part),
                            max(x.x1 for x in part), max(x.bottom for x in part)))
    return out


def heading_over(block: Block, headings: dict[int, str], blocks: list[Block]) -> str | None:
    """The kind of the heading a block sits under: the nearest heading above it in its
    column, that is over it (overlapping it horizontally) or starting left of it (a short
    heading over a grid of tiles); a heading that starts right of the block heads
    another column. None when no heading is above it."""
    def heads(h: int) -> bool:
        over = min(blocks[h].x1, block.x1) > max(blocks[h].x0, block.x0)
        return blocks[h].bottom <= block.top + 1 and (over or blocks[h].x0 <= block.x0 + 1)

    above = [h for h in headings if heads(h)]
    return headings[max(above, key=lambda h: blocks[h].bottom)] if above else None


def pair_links(blocks: list[Block], links: list[Link]) -> tuple[dict[int, Link], list[Link], list[Link]]:
    """Pair each block with the link that covers most of it.

    Returns ({block index: link}, links over running text, links over no text). A second
    annotation with the URL of a paired tile (a thumbnail) is neither.
    """
    best: dict[int, tuple[tuple[float, float, str], Link]] = {}
    partial: list[Link] = []
    empty: list[Link] = []
    for link in links:
        shares = [(covered_share(b, link), i) for i, b in enumerate(blocks)]
        covered = [(s, i) for s, i in shares if s >= PUBLICATIONS.cover]
        for share, i in covered:
            # Ties go to the tighter box, then the URL: never to the annotation order.
            rank = (share, -geometry.area(link.x0, link.top, link.x1, link.bottom), link.uri)
            if i not in best or rank > best[i][0]:
                best[i] = (rank, link)
        if not covered:
            (partial if any(s > 0 for s, _ in shares) else empty).append(link)
    paired = {i: link for i, (_, link) in best.items()}
    urls = {link.uri for link in paired.values()}
    return paired, [x for x in partial if x.uri not in urls], [x for x in empty if x.uri not in urls]


def _line_style(line: Line) -> tuple[float, bool]:
    return _style(Block([line]))


def _style(block: Block) -> tuple[float, bool]:
    words = block.words
    bold = sum(w.bold for w in words) * 2 >= len(words)
    return (round(block.size * 2) / 2, bold)


def unlinked_tiles(blocks: list[Block], paired: dict[int, Link], titles: list[int],
                   headings: set[int]) -> list[int]:
    """Blocks that look like the linked tiles (same size and weight, on one of their
    grid lines, below the page's first heading) but have no link: products printed
    without one."""
    tiles = [blocks[i] for i in titles]
    styles = {_style(b) for b in tiles}
    # Running text above the first heading is an introduction, never a tile.
    start = min((blocks[h].bottom for h in headings), default=float("-inf"))
    out = []
    for i, block in enumerate(blocks):
        if i in paired or i in headings or block.top < start or _style(block) not in styles:
            continue
        tol = block.size * 0.5
        if any(abs(block.x0 - t.x0) <= tol or abs(block.top - t.top) <= tol for t in tiles):
            out.append(i)
    return out


# -- printed links ------------------------------------------------------------------

# A URL printed in the text: with or without its scheme and `www.`, a host of two or more
# labels and, without a scheme or `www.`, a path (so "Metropolis.org" in a sentence is
# not taken for a product's link, while "metropolis.org/sessions/x" is).
URL_RE = re.compile(
    r"(?:(?:https?://)(?:www\.)?|www\.)[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+(?:/\S*)?"
    r"|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}/\S*",
    re.IGNORECASE)
# Characters a URL broken over lines by the browser may continue with.
URL_TAIL_RE = re.compile(r"[\w\-./%?=&#~+:@!$'()*,;]+")


def normalise_url(printed: str, www_hosts: set[str] | frozenset[str] = frozenset()) -> str:
    """A printed URL as stored: `https://` when no scheme is printed, `www.` when the
    report links to that host with `www.` elsewhere (`www_hosts`) or, knowing nothing
    of it, when the host is a bare domain (`metropolis.org`, `youtube.com`), which is
    where sites of that kind answer.

    >>> normalise_url("metropolis.org/sessions/resilient-city")
    'https://www.metropolis.org/sessions/resilient-city'
    >>> normalise_url("www.metropolis.org/node/1."), normalise_url("https://docs.example.org/a")
    ('https://www.metropolis.org/node/1', 'https://docs.example.org/a')
    """
    url = printed.strip().rstrip(".,;:")
    if url.count(")") > url.count("("):
        url = url.rstrip(")")
    scheme = re.match(r"https?://", url, re.IGNORECASE)
    rest = url[scheme.end():] if scheme else url
    host, _, path = rest.partition("/")
    host = host.lower()
    bare = host.removeprefix("www.")
    if not host.startswith("www.") and (bare in www_hosts or (not scheme and bare.count(".") == 1)):
        host = "www." + host
    return f"{scheme.group(0).lower() if scheme else 'https://'}{host}" + (f"/{path}" if path else "")


def www_hosts_of(links: list[Link]) -> set[str]:
    """Hosts the page links to with `www.` (their bare names)."""
    out = set()
    for link in links:
        m = re.match(r"https?://www\.([^/]+)", link.uri, re.IGNORECASE)
        if m:
            out.add(m.group(1).lower())
    return out


def printed_urls(pieces: list[Line]) -> list[tuple[str, list[Word]]]:
    """URLs printed alone in a line piece (a product's link under or beside its title;
    `pieces` are lines cut at gutters), each with its words: a URL the browser broke
    over several lines goes on with the pieces right under it, in its own type and
    flush with it, that are one unbroken run of URL characters. A URL inside a
    sentence is the sentence's, not a product's link."""
    out: list[tuple[str, list[Word]]] = []
    used: set[int] = set()
    for i, piece in enumerate(pieces):
        if i in used or len(piece.words) != 1 or not URL_RE.fullmatch(piece.words[0].text.rstrip(".,;:")):
            continue
        word = piece.words[0]
        words, text, last = [word], word.text, word
        while True:
            below = [j for j, p in enumerate(pieces)
                     if j not in used and len(p.words) == 1 and 0 <= p.top - last.bottom <= 0.6 * last.size
                     and abs(p.x0 - word.x0) <= 0.5 * word.size]
            if not below:
                break
            nxt = pieces[below[0]].words[0]
            if abs(nxt.size - word.size) > 0.3 or nxt.color != word.color or not URL_TAIL_RE.fullmatch(nxt.text):
                break
            words.append(nxt)
            text += nxt.text
            last = nxt
            used.add(below[0])
        out.append((text, words))
    return out


def split_at(block: Block, tops: list[float]) -> list[Block]:
    """A block cut before each of its lines that starts at one of `tops` (a heading line
    or the line after a printed URL: the next item starts there)."""
    parts: list[list[Line]] = [[]]
    for line in block.lines:
        if parts[-1] and any(abs(line.top - t) < 0.5 for t in tops):
            parts.append([])
        parts[-1].append(line)
    return [Block(lines) for lines in parts if lines]


def printed_links(page: Page, blocks: list[Block], url_words: list[tuple[str, list[Word]]],
                  www: set[str]) -> list[Link]:
    """One link per printed URL, over the block it belongs to: the nearest block above it
    in its column (a URL under its title) or, on its row, left of it (a table's URL
    cell). The link's box covers the title and the URL, as an annotation over a tile would."""
    out = []
    for text, words in url_words:
        x0, top = min(w.x0 for w in words), min(w.top for w in words)
        x1, bottom = max(w.x1 for w in words), max(w.bottom for w in words)
        size = words[0].size

        # A URL right under its title (in its column), else beside it on its row (a
        # table's cell: the text above a table is no title), else under it after some white.
        above = [b for b in blocks if b.bottom <= top + 1 and min(b.x1, x1) > max(b.x0, x0)
                 and top - b.bottom <= 2.5 * size]
        beside = [b for b in blocks if b.x1 <= x0 + 1 and abs(b.top - top) <= max(b.size, size)]
        close = [b for b in above if top - b.bottom <= size]
        if close:
            owner = max(close, key=lambda b: b.bottom)
        elif beside:
            owner = max(beside, key=lambda b: b.x1)
        elif above:
            owner = max(above, key=lambda b: b.bottom)
        else:
            continue
        out.append(Link(normalise_url(text, www), min(x0, owner.x0), min(top, owner.top),
                        max(x1, owner.x1), max(bottom, owner.bottom)))
    return out


# -- vocabulary ---------------------------------------------------------------------

def heading_kind(text: str, language: str | None, strict: bool = True) -> str | None:
    """The product kind a heading announces, or None.

    A heading counts its products ("24 nouvelles publications") or stands alone
    ("Learning Station"); the same words inside a sentence or a calendar entry
    ("Lancement de la Learning Station") announce nothing. `strict=False` accepts the
    words anywhere (the cheap page pre-selection).

    >>> heading_kind("24 nouvelles publications, dont 21 axées sur une perspective de genre", "fr")
    'publication'
    >>> heading_kind("Learning Station", "fr"), heading_kind("Lancement de la Learning Station", "fr")
    ('learning_product', None)
    """
    folded = vocab.fold(text)
    letters = " ".join(re.findall(r"[^\W\d_]+", folded))
    kinds = vocab.section(NAME, language).get("kinds", {})
    for kind in KINDS:
        for label in map(vocab.fold, kinds.get(kind, [])):
            if not strict and prepass.contains(folded, label):
                return kind
            counted = re.search(rf"(?:^|\s)\+?\d[\d\s.,]*\s{re.escape(label)}", folded)
            if counted or letters == " ".join(re.findall(r"[^\W\d_]+", label)):
                return kind
    return None


def legend_colors(blocks: list[Block], boxes: list[Box], language: str | None) -> dict[RGB, str]:
    """{swatch colour: gender focus} from legend entries: a label with a swatch before it."""
    legend = vocab.section(NAME, language).get("gender_legend", {})
    colors: dict[RGB, str] = {}
    for block in blocks:
        text = vocab.fold(block.text)
        for focus, labels in legend.items():
            if not any(fuzz.ratio(text, vocab.fold(label)) >= PUBLICATIONS.legend_score for label in labels):
                continue
            near = [
                b for b in boxes
                if b.x1 <= block.x0 + 1 and block.x0 - b.x1 <= 3 * block.size
                and min(b.bottom, block.bottom) - max(b.top, block.top) > 0
            ]
            if near:
                swatch = max(near, key=lambda b: b.x1)
                colors[swatch.color] = focus
    return colors


def _same_color(a: RGB, b: RGB) -> bool:
    return max(abs(x - y) for x, y in zip(a, b)) <= PUBLICATIONS.color_tolerance


def gender_mark(area: tuple[float, float, float, float], size: float, boxes: list[Box],
                colors: dict[RGB, str]) -> str | None:
    """The focus whose legend colour marks a tile: a small swatch inside the tile's area
    (its link box, or its title's box widened by two type sizes), or None."""
    x0, top, x1, bottom = area
    for box in boxes:
        if box.x1 - box.x0 > 3 * size or box.bottom - box.top > 3 * size:
            continue  # tile backgrounds and rules, not marks
        cx, cy = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom:
            for color, focus in colors.items():
                if _same_color(box.color, color):
                    return focus
    return None


def tile_area(block: Block, link: Link | None) -> tuple[float, float, float, float]:
    if link is not None:
        return (min(link.x0, block.x0), min(link.top, block.top),
                max(link.x1, block.x1), max(link.bottom, block.bottom))
    reach = 2 * block.size
    return (block.x0 - reach, block.top - reach, block.x1 + reach, block.bottom + reach)


# -- the parser contract -------------------------------------------------------------

def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return vocab.fold(line)
    return ""


def is_heading_line(line: str, language: str | None) -> bool:
    """A pre-pass line that reads as a product heading: a counted kind or a kind alone
    (`heading_kind`), also with its word gaps lost (`2 4 nouvellespublications`). The
    kind's words inside a sentence (a calendar entry "Lancement de la Learning
    Station") are no heading: a page is not given to publications for them.

    >>> is_heading_line("2 4 nouvellespublications,dont 2 1 axées", "fr")
    True
    >>> is_heading_line("Lancement de la Learning Station", "fr")
    False
    """
    if heading_kind(line, language):
        return True
    flat = prepass.squash(line)
    labels = vocab.section(NAME, language).get("kinds", {})
    for label in (prepass.squash(x) for kind in KINDS for x in labels.get(kind, [])):
        if flat == label or re.search(r"\d" + re.escape(label), flat):
            return True
    return False


def url_lines(text: str) -> int:
    """Lines of a page's pre-pass text that are a printed URL alone (a product's link).

    >>> url_lines("Ville résiliente\\nmetropolis.org/sessions/resilient-city\\nVoir www.metropolis.org")
    1
    """
    return sum(1 for line in text.splitlines() if URL_RE.fullmatch(line.strip().rstrip(".,;:")))


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    """Pages with a product heading, and the pages after one that go on with its items:
    under the same running header, or holding printed URLs of their own (a list of
    URL-bearing items is products, whatever numbers it also prints)."""
    selected: list[int] = []
    header, run = None, 0
    for number, text in enumerate(texts, start=1):
        if any(is_heading_line(line, ctx.language) for line in text.splitlines()):
            selected.append(number)
            header, run = _first_line(text), 0
        elif header and (_first_line(text) == header or url_lines(text) >= 2) and run < PUBLICATIONS.max_continuation:
            selected.append(number)
            run += 1
        else:
            header = None
    return selected


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    rows: list[dict[str, Any]] = []
    kind: str | None = None
    colors: dict[RGB, str] = {}
    previous = None
    notes: dict[int, str | None] = {}
    for page in pages:
        if previous is None or page.number != previous + 1:
            kind, colors = None, {}
        previous = page.number
        page_rows, kind, colors = parse_page(page, ctx, kind, colors)
        rows.extend(page_rows)
        notes[page.number] = None if page_rows else "no product tile under a product heading"
    section = Section(pages=notes)
    section.add("publications", rows)
    return section


def parse_page(page: Page, ctx: ReportContext, kind: str | None,
               colors: dict[RGB, str]) -> tuple[list[dict[str, Any]], str | None, dict[RGB, str]]:
    """Rows of one page, and the kind and legend that carry over to the next page."""
    blocks, links = item_blocks(page, ctx.language)
    paired, _in_prose, over_nothing = pair_links(blocks, merge_links(blocks, links))
    headings = {
        i: k for i, b in enumerate(blocks)
        if i not in paired and (k := heading_kind(b.text, ctx.language))
    }
    if not headings and kind is None:
        return [], None, colors  # not a product page: its links are someone else's
    colors = legend_colors(blocks, page.boxes, ctx.language) or colors
    # A link over running text is prose pointing at a web page (every report has them),
    # not a product: warning on it would fire on every clean report. A product lost that
    # way is still loud, through the stated counts (`publications.<kind>` checks).
    for link in over_nothing:
        ctx.warn(f"publications p.{page.number}: link {link.uri} has no title under it: no row made; "
                 "look at the page for the product it stands for")
    titles = title_blocks(blocks, paired)
    tiles = [*titles, *unlinked_tiles(blocks, paired, titles, set(headings))]
    rows = []
    for i in sorted(tiles, key=lambda i: (blocks[i].top, blocks[i].x0)):
        block = blocks[i]
        tile_kind = heading_over(block, headings, blocks) or kind
        if tile_kind is None:
            continue
        rows.append({
            "kind": tile_kind,
            "title": join_lines((line.text for line in block.lines), vocab.lexicon(ctx.language)),
            "url": paired[i].uri if i in paired else None,
            "gender_focus": (gender_mark(tile_area(block, paired.get(i)), block.size, page.boxes, colors)
                             if colors else None),
            "page": page.number,
            "x0": block.x0, "top": block.top, "x1": block.x1, "bottom": block.bottom,
        })
    if headings:
        kind = headings[max(headings, key=lambda h: blocks[h].bottom)]
    return rows, kind, colors


def item_blocks(page: Page, language: str | None) -> tuple[list[Block], list[Link]]:
    """The page's blocks, cut into items, and its links: the annotations and one link per
    URL printed on a line of its own (`printed_links`). The words of a printed URL are
    its link, not part of a title. A block is cut before a line that is a product
    heading ("LEARNING STATION" set right under the sentence that counts its products)
    and where a printed URL ended the item above."""
    pieces = [p for line in group_lines(page.words) for p in split_line(line, GEOMETRY.gutter)]
    urls = printed_urls(pieces)
    url_ids = {id(w) for _, words in urls for w in words}
    blocks = group_blocks(w for w in page.words if id(w) not in url_ids)
    cuts = [(max(w.bottom for w in words), min(w.x0 for w in words), max(w.x1 for w in words))
            for _, words in urls]
    out: list[Block] = []
    for block in blocks:
        lines = block.lines
        # a heading line in its own type: never a line of a title ("28 vidéos dans le cadre …")
        heads = [k for k, line in enumerate(lines) if len(lines) > 1 and heading_kind(line.text, language)
                 and all(_line_style(lines[j]) != _line_style(line) for j in (k - 1, k + 1) if 0 <= j < len(lines))]
        tops = [lines[k].top for k in heads if k] + [lines[k + 1].top for k in heads if k + 1 < len(lines)]
        tops += [line.top for line in lines[1:]
                 if any(0 <= line.top - y <= 2 * line.size and min(x1, line.x1) > max(x0, line.x0)
                        for y, x0, x1 in cuts)]
        out.extend(split_at(block, tops) if tops else [block])
    # An annotation over a title wins over the URL printed under it: it is the link.
    www = www_hosts_of(page.links) | {normalise_url(t).split("/")[2].removeprefix("www.")
                                      for t, _ in urls if "www." in t.lower()}
    printed = [link for link in printed_links(page, out, urls, www)
               if not any(covered_share(b, a) >= PUBLICATIONS.cover and covered_share(b, link) >= PUBLICATIONS.cover
                          for b in out for a in page.links)]
    return out, [*page.links, *printed]


def title_blocks(blocks: list[Block], paired: dict[int, Link]) -> list[int]:
    """One block per link: when a tile holds several blocks (a title and a caption such
    as "PDF | 2021"), the title is the one in the largest type, the first if tied."""
    by_link: dict[Link, list[int]] = {}
    for i, link in paired.items():
        by_link.setdefault(link, []).append(i)
    return [
        min(group, key=lambda i: (-round(blocks[i].size, 1), blocks[i].top, blocks[i].x0))
        for group in by_link.values()
    ]


def video_count(title: str, language: str | None) -> int:
    """How many videos a tile stands for: "28 vidéos dans le cadre …" is 28, else 1.

    >>> video_count("28 vidéos dans le cadre du projet", "fr"), video_count("MetroTalks", "fr")
    (28, 1)
    """
    words = [vocab.fold(w) for w in vocab.section(NAME, language).get("video_count_words", [])]
    m = re.match(r"\s*(\d+)\s+(\w+)", vocab.fold(title))
    return int(m.group(1)) if m and m.group(2) in words else 1


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def checks(tables: dict[str, list[dict[str, Any]]], state: None, ctx: ReportContext) -> list[dict[str, Any]]:
    """The products against the figures the report prints about them."""
    figures = {r["key"]: r["value"] for r in tables.get("key_figures", [])}
    stated_on = {r["key"]: r.get("page") for r in tables.get("key_figures", [])}
    products = tables.get("publications", [])
    by_kind = {k: [p for p in products if p["kind"] == k] for k in KINDS}
    counted = {
        "new_publications": len(by_kind["publication"]),
        "learning_products": len(by_kind["learning_product"]),
        "new_videos": sum(video_count(p["title"], ctx.language) for p in by_kind["video"]),
        "declarations": len(by_kind["declaration"]),
    }
    if any(p.get("gender_focus") for p in by_kind["publication"]):
        counted["gender_publications"] = sum(1 for p in by_kind["publication"] if p.get("gender_focus"))
    kind_of = {"new_publications": "publication", "learning_products": "learning_product",
               "new_videos": "video", "declarations": "declaration", "gender_publications": "publication"}
    out = []
    # A report that states the count of some kinds states it for each kind it prints (the
    # seed: publications, products, videos, declarations). One it seems not to state is a
    # statement not read (a letter-spaced heading falls apart): the kind's rows have
    # nothing to be checked against, which must not pass as "every check passed".
    states_counts = any(key in figures for key in counted)
    for key, actual in counted.items():
        if key not in figures and states_counts and actual and key != "gender_publications":
            tiles = by_kind[kind_of[key]]
            pages = sorted({p["page"] for p in tiles})
            out.append({"check": f"publications.{key}", "expected": "the count the report states",
                        "actual": _fmt(actual), "passed": 0,
                        "detail": f"{len(tiles)} {kind_of[key]} rows read on p. {', '.join(map(str, pages))}, "
                                  "but no statement of their count was read (the report states the other "
                                  "kinds'): look for its sentence or heading on those pages"})
        if key in figures:
            tiles = by_kind[kind_of[key]]
            pages = sorted({p["page"] for p in tiles})
            detail = (f"stated on p. {stated_on[key]}; {len(tiles)} {kind_of[key]} tiles read on "
                      + (("p. " + ", ".join(map(str, pages))) if pages else "no page"))
            out.append({"check": f"publications.{key}", "expected": _fmt(figures[key]),
                        "actual": _fmt(actual), "passed": int(figures[key] == actual), "detail": detail})
    if {"learning_products", "courses", "webinars"} <= figures.keys():
        total = figures["courses"] + figures["webinars"]
        out.append({"check": "publications.courses_plus_webinars",
                    "expected": _fmt(figures["learning_products"]), "actual": _fmt(total),
                    "passed": int(total == figures["learning_products"]),
                    "detail": f"learning products stated on p. {stated_on['learning_products']}, courses on "
                              f"p. {stated_on['courses']}, webinars on p. {stated_on['webinars']}"})
    return out


PARSER = register(NAME, vocabulary=NAME, select_pages=select_pages, parse=parse, checks=checks)
