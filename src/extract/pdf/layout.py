"""The layout layer: a PDF as plain words, links and filled boxes with positions.

Everything above this module works on `Page` objects and never touches pdfplumber.
Coordinates are pdfplumber's: points, origin at the top-left, `top`/`bottom` growing
downwards. Colours are normalised once here to RGB triples in 0..1, whatever colour
space the producer used (grey, RGB, CMYK).
"""

from __future__ import annotations

import colorsys
import math
import statistics
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Self

import pdfplumber
import pypdfium2
from pdfplumber.utils.text import WordExtractor, get_char_sort_key

from extract.pdf import prepass
from extract.toolkit.errors import IngestError
from extract.toolkit.geometry import (  # noqa: F401  (the layout's vocabulary, defined there)
    BLACK,
    RGB,
    Block,
    Line,
    Word,
    WordGroup,
    bbox_of,
    group_blocks,
    group_lines,
    split_line,
)
from extract.toolkit.settings import LAYOUT
from extract.toolkit.workers import fork_pool, how_many


@dataclass(frozen=True)
class Link:
    uri: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Rule:
    """A horizontal stroke or edge: a row rule, a border, the edge of a filled band.

    Producers draw rules as lines, as thin filled rectangles or as the sides of a filled
    path (even-odd borders); all of them come here as one segment at height `y`.
    """

    x0: float
    x1: float
    y: float


@dataclass(frozen=True)
class Box:
    """A filled rectangle, or a filled path's bounding box (event boxes in the calendar,
    tiles, table shading)."""

    x0: float
    top: float
    x1: float
    bottom: float
    color: RGB


@dataclass(frozen=True)
class TurnedLine:
    """One line of text set on its side (a column title turned a quarter turn), its words
    in their own reading order; its box on the page. `turn` is the degrees the text is
    turned counter-clockwise: 90 reads bottom to top, 270 top to bottom."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    turn: int
    color: RGB = BLACK

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Shape:
    """A small vector drawing with no text (a dot, a tick, a square): its box and ink."""

    x0: float
    top: float
    x1: float
    bottom: float
    color: RGB


@dataclass
class Page:
    """One page: `number` is the 1-based index of the page in the PDF file."""

    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    # the words of the top and bottom bands (folios, running heads, and what a producer
    # prints beside them: a footnote on the folio's baseline), kept out of `words`
    margin: list[Word] = field(default_factory=list)
    # Characters (not white space) the layout reader found on the page, margins and
    # rotated labels included: the sanity gate compares them with the pre-pass's.
    chars: int = 0
    # lines set on their side (kept out of `words`: a rotated margin label is decoration
    # to every section, column titles turned a quarter turn are the matrix's)
    turned: list[TurnedLine] = field(default_factory=list)
    # small drawings without text (marks drawn in table cells)
    shapes: list[Shape] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines())

    def lines(self, words: Sequence[Word] | None = None) -> list[Line]:
        return group_lines(self.words if words is None else words)

    def within(self, x0: float, top: float, x1: float, bottom: float) -> list[Word]:
        return [w for w in self.words if x0 <= w.xmid <= x1 and top <= w.ymid <= bottom]


def normalise_color(value: object) -> RGB:
    """Any pdfplumber colour (grey, RGB, CMYK, pattern) as an RGB triple in 0..1.

    >>> normalise_color((0, 1, 1, 0))
    (1.0, 0.0, 0.0)
    >>> normalise_color((0.5,))
    (0.5, 0.5, 0.5)
    """
    if value is None:
        return BLACK
    if isinstance(value, (int, float)):
        value = (value,)
    try:
        comps = [float(c) for c in value]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return BLACK  # pattern colours and other exotica: treat as ink
    if len(comps) == 1:
        g = comps[0]
        return (g, g, g)
    if len(comps) == 3:
        return (comps[0], comps[1], comps[2])
    if len(comps) == 4:
        c, m, y, k = comps
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return BLACK


def is_red(color: RGB) -> bool:
    """Red by hue and saturation, not one exact triple: producers use other reds.

    >>> is_red((0.89, 0.1, 0.15)), is_red((0.8, 0.3, 0.1)), is_red((0.2, 0.2, 0.2))
    (True, False, False)
    """
    h, l, s = colorsys.rgb_to_hls(*color)
    hue = h * 360
    return ((hue <= LAYOUT.red_hue_low or hue >= LAYOUT.red_hue_high) and s >= LAYOUT.red_saturation
            and LAYOUT.red_lightness_low <= l <= LAYOUT.red_lightness_high)


def is_margin_word(word: Word, height: float) -> bool:
    """Folios and running headers: digits or short text in the top/bottom band."""
    return word.bottom >= height * (1 - LAYOUT.margin_band) or word.top <= height * LAYOUT.margin_band


class _BaselineWordExtractor(WordExtractor):
    """pdfplumber's word extractor, with lines that do not chain.

    pdfplumber clusters chars into lines by `top` with chaining: tops 0.7, 1.1, 1.6 pt
    apart all join, so small staggered text in side-by-side boxes (a crowded calendar
    day) merges two lines of one box and interleaves their letters. Here a line takes
    the chars within `y_tolerance` of its *first* char only.
    """

    def iter_chars_to_lines(self, chars):  # type: ignore[no-untyped-def]
        chars = list(chars)
        if not chars or not chars[0]["upright"] or self.line_dir != "ttb":
            yield from super().iter_chars_to_lines(chars)
            return
        lines: list[list[dict]] = []
        start = 0.0
        for char in sorted(chars, key=lambda c: c["top"]):
            if lines and char["top"] - start <= self.y_tolerance:
                lines[-1].append(char)
            else:
                lines.append([char])
                start = char["top"]
        char_dir = self.get_char_dir(True)
        for line in lines:
            yield sorted(line, key=get_char_sort_key(char_dir)), char_dir


def _with_upright(char: dict) -> dict:
    """The char with pdfminer's `upright` recomputed on its matrix rounded: on a page
    turned by `upright()` a vertical glyph's matrix has a = d = 1e-17 rather than 0,
    which pdfminer's exact test (0 < a·d, b·c <= 0) takes for upright."""
    a, b, c, d = (round(v, 6) for v in char["matrix"][:4])
    is_upright = 0 < a * d and b * c <= 0
    return char if is_upright == char["upright"] else {**char, "upright": is_upright}


def _words_of(page: pdfplumber.page.Page) -> list[Word]:
    raw = _BaselineWordExtractor(
        x_tolerance_ratio=LAYOUT.x_tolerance_ratio,
        y_tolerance=LAYOUT.y_tolerance,
        keep_blank_chars=False,
        extra_attrs=["fontname", "size", "non_stroking_color", "upright"],
    ).extract_words([_with_upright(c) for c in page.chars if _char_turn(c) == 0])
    words = []
    for w in raw:
        if not w.get("upright", True):
            continue  # rotated margin labels are decoration, never content
        words.append(
            Word(
                text=w["text"],
                x0=float(w["x0"]),
                top=float(w["top"]),
                x1=float(w["x1"]),
                bottom=float(w["bottom"]),
                size=float(w.get("size") or 10.0),
                fontname=str(w.get("fontname") or ""),
                color=normalise_color(w.get("non_stroking_color")),
            )
        )
    blanks = [(float(c["x0"]), float(c["x1"]), (float(c["top"]) + float(c["bottom"])) / 2)
              for c in page.chars if c.get("text", "").isspace() and _char_turn(c) == 0]
    return join_letter_spaced(words, blanks)


def join_letter_spaced(words: list[Word], blanks: Sequence[tuple[float, float, float]] = ()) -> list[Word]:
    """Words of one glyph each, spaced out on one line (`J A N V I E R`, as DTP tools and
    CSS letter-spacing draw headings), joined into the words they spell: three such
    glyphs at least, cut where a gap is a space wider than the letters' own spacing.
    `blanks` are the page's space characters (x0, x1, y middle): glyphs with a space
    between them are separate words (`de 3 à 5 ans`), never one spaced-out word.

    >>> ws = [Word(c, 10 * i, 0, 10 * i + 7, 10) for i, c in enumerate("MAI")]
    >>> [w.text for w in join_letter_spaced(ws + [Word("L", 200, 0, 207, 10)])]
    ['MAI', 'L']
    """
    glyph = [w for w in words if len(w.text) == 1]
    if sum(w.text.isalnum() for w in glyph) < LAYOUT.min_spaced_glyphs:
        return words
    spelled: dict[int, list[Word]] = {}  # id of a run's first glyph -> the words it spells
    dropped: set[int] = set()
    for line in group_lines(glyph):
        runs: list[list[Word]] = []
        for word in line.words:
            last = runs[-1][-1] if runs else None
            if last is not None and word.fontname == last.fontname \
                    and abs(word.size - last.size) <= LAYOUT.same_size * word.size \
                    and -LAYOUT.letter_overlap * word.size <= word.x0 - last.x1 <= LAYOUT.letter_gap * word.size \
                    and not any(last.x1 - LAYOUT.blank_slack <= x0 and x1 <= word.x0 + LAYOUT.blank_slack and last.top <= y <= last.bottom
                                for x0, x1, y in blanks):
                runs[-1].append(word)
            else:
                runs.append([word])
        for run in runs:
            if sum(w.text.isalnum() for w in run) < LAYOUT.min_spaced_glyphs:  # not `L & P`
                continue
            pieces = _spell(run)
            # Capitals spaced out are a heading; small letters only when word gaps wider
            # than the letter spacing show (one-glyph words a space apart, `de 3 à 5`
            # from a producer that emits no spaces, have even gaps and stay words).
            if len(pieces) > 1 or not any(w.text.islower() for w in run):
                spelled[id(run[0])] = pieces
                dropped.update(id(w) for w in run)
    if not spelled:
        return words
    out: list[Word] = []
    for word in words:  # the words' own order kept, each run in place of its first glyph
        out.extend(spelled.get(id(word), []) if id(word) in dropped else [word])
    return out


def _spell(run: list[Word]) -> list[Word]:
    gaps = [b.x0 - a.x1 for a, b in pairwise(run)]
    letter = statistics.median(gaps)
    pieces = [[run[0]]]
    for gap, word in zip(gaps, run[1:]):
        if gap > letter + LAYOUT.word_gap * word.size:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return [Word("".join(w.text for w in p), p[0].x0, min(w.top for w in p), p[-1].x1,
                 max(w.bottom for w in p), p[0].size, p[0].fontname, p[0].color) for p in pieces]


def _char_turn(char: dict) -> int:
    """Degrees (0, 90, 180, 270, counter-clockwise) a char is turned, from its matrix."""
    a, b = char["matrix"][0], char["matrix"][1]
    return round(math.degrees(math.atan2(b, a)) / 90) % 4 * 90


def turned_lines(chars: Sequence[dict]) -> list[TurnedLine]:
    """The lines of chars set on their side, each read in its own direction.

    Chars turned 90° or 270° are grouped by their middle across the line (x on the
    page), read along it (bottom to top for 90°, top to bottom for 270°) and cut into
    words at space chars and wide gaps. A stray char turned otherwise inside such a line
    (a quote a browser sets upright in vertical text) is read in place.
    """
    turned = [c for c in chars if _char_turn(c) != 0]
    strips: list[list[dict]] = []
    for char in sorted(turned, key=lambda c: (c["x0"] + c["x1"]) / 2):
        mid = (char["x0"] + char["x1"]) / 2
        size = float(char["x1"]) - float(char["x0"])
        if strips and abs(mid - statistics.median((c["x0"] + c["x1"]) / 2 for c in strips[-1])) <= LAYOUT.turned_across * size:
            strips[-1].append(char)
        else:
            strips.append([char])
    out = []
    for strip in strips:
        turns = [_char_turn(c) for c in strip if _char_turn(c) in (90, 270)]
        if not turns:
            continue
        turn = max(set(turns), key=turns.count)
        ordered = sorted(strip, key=lambda c: c["top"], reverse=turn == 90)
        # the type size is a turned glyph's extent across the line (pdfminer's `size`
        # of a turned char is its advance)
        size = statistics.median(float(c["x1"]) - float(c["x0"]) for c in ordered)
        text, last = "", None
        for char in ordered:
            if char["text"].isspace():
                text += " "
            elif last is not None and _char_turn(char) != turn:
                text += char["text"]  # its box is not along the line: no gap to measure
                continue
            elif last is not None:
                gap = (last["top"] - char["bottom"]) if turn == 90 else (char["top"] - last["bottom"])
                text += (" " if gap > LAYOUT.turned_word_gap * size and not text.endswith(" ") else "") + char["text"]
            else:
                text += char["text"]
            last = None if char["text"].isspace() else char
        text = " ".join(text.split())
        if not text:
            continue
        ink = [c for c in ordered if not c["text"].isspace()]
        out.append(TurnedLine(text, min(float(c["x0"]) for c in ordered), min(float(c["top"]) for c in ordered),
                              max(float(c["x1"]) for c in ordered), max(float(c["bottom"]) for c in ordered),
                              size, turn, normalise_color(ink[0].get("non_stroking_color")) if ink else BLACK))
    return out


def _shapes_of(page: pdfplumber.page.Page) -> list[Shape]:
    """Small drawings (rects, curves, lines) merged where they touch: one mark each."""
    found: list[list[float]] = []
    for obj in [*page.rects, *page.curves, *page.lines]:
        x0, top, x1, bottom = (float(obj[k]) for k in ("x0", "top", "x1", "bottom"))
        if x1 - x0 > LAYOUT.max_shape or bottom - top > LAYOUT.max_shape:
            continue
        fill = obj.get("non_stroking_color") if obj.get("fill") else None
        ink = normalise_color(fill if fill is not None else obj.get("stroking_color"))
        if min(ink) >= LAYOUT.light:
            continue  # white or a light tint: a cell's background (zebra rows), not a mark
        found.append([x0, top, x1, bottom, *ink])
    if len(found) > LAYOUT.max_shapes:
        return []  # a map or an illustration drawn in strokes, not marks in cells
    merged: list[list[float]] = []
    for box in sorted(found, key=lambda b: (b[1], b[0])):
        other = next((m for m in merged if box[0] <= m[2] + LAYOUT.shape_touch and m[0] <= box[2] + LAYOUT.shape_touch
                      and box[1] <= m[3] + LAYOUT.shape_touch and m[1] <= box[3] + LAYOUT.shape_touch), None)
        if other is None:
            merged.append(box)
        else:
            other[:4] = [min(other[0], box[0]), min(other[1], box[1]), max(other[2], box[2]), max(other[3], box[3])]
    return [Shape(m[0], m[1], m[2], m[3], (m[4], m[5], m[6])) for m in merged
            if min(m[2] - m[0], m[3] - m[1]) >= LAYOUT.min_shape and m[2] - m[0] <= LAYOUT.max_shape and m[3] - m[1] <= LAYOUT.max_shape]


def _links_of(page: pdfplumber.page.Page) -> list[Link]:
    links = []
    for h in page.hyperlinks:
        uri = h.get("uri")
        if uri:
            links.append(Link(str(uri), float(h["x0"]), float(h["top"]), float(h["x1"]), float(h["bottom"])))
    return links


def _boxes_of(page: pdfplumber.page.Page) -> list[Box]:
    """Filled rects, and filled curves by their bounding box: desktop-publishing tools
    draw event boxes and tiles as rounded rectangles or closed paths."""
    width, height = float(page.width), float(page.height)
    boxes = []
    for r in [*page.rects, *page.curves]:
        if not r.get("fill"):
            continue
        color = normalise_color(r.get("non_stroking_color"))
        if color == (1.0, 1.0, 1.0):
            continue
        box = Box(float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"]), color)
        w, h = box.x1 - box.x0, box.bottom - box.top
        if min(w, h) < LAYOUT.min_box:
            continue  # hairline rules drawn as fills, glyph outlines, dots
        if w >= LAYOUT.page_box * width and h >= LAYOUT.page_box * height:
            continue  # a page background, not a box on the page
        boxes.append(box)
    return boxes


def text_turn(chars: Iterable[dict]) -> int:
    """Degrees (0, 90, 180, 270, counter-clockwise) that most of the page's text runs at,
    by character count; 0 when most of it reads left to right.

    A page carrying `/Rotate`, or whose text is drawn rotated on an upright page, reads
    sideways in display orientation: every word would be non-upright, and dropped as a
    margin label. Measured from the glyphs' own matrices, not from `/Rotate`, because
    both cases occur and only the text tells which way it reads.

    >>> text_turn([{"matrix": (0, 1, -1, 0, 0, 0), "text": "a"}] * 4 + [{"matrix": (1, 0, 0, 1, 0, 0), "text": "b"}])
    90

    A page turned a quarter turn is turned all but its folio; a page whose matrix
    titles are set on their side (a few rows under them: more than half its chars)
    keeps its heading, legend and rows upright, and is not turned.
    """
    votes: dict[int, int] = {}
    for char in chars:
        if char.get("text", " ").isspace():
            continue
        a, b = char["matrix"][0], char["matrix"][1]
        turn = round(math.degrees(math.atan2(b, a)) / 90) % 4 * 90
        votes[turn] = votes.get(turn, 0) + 1
    if not votes:
        return 0
    turn = max(votes, key=votes.get)
    return turn if votes[turn] >= LAYOUT.turn_majority * sum(votes.values()) else 0


def upright(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """The page turned so that most of its text reads left to right (the page itself when
    it already does). pdfminer lays a page out in the orientation of its `/Rotate`
    (degrees clockwise): adding the text's counter-clockwise turn to it cancels it."""
    turn = text_turn(page.chars)
    if not turn:
        return page
    obj = page.page_obj
    rotation = (page.rotation + turn) % 360
    obj.attrs = {**obj.attrs, "Rotate": rotation}
    obj.rotate = rotation
    page.close()
    return pdfplumber.page.Page(page.pdf, obj, page_number=page.page_number,
                                initial_doctop=page.initial_doctop)


def _rules_of(page: pdfplumber.page.Page) -> list[Rule]:
    """Every horizontal edge of the page's lines, rectangles and paths, each once."""
    seen: set[tuple[float, float, float]] = set()
    rules = []
    for edge in page.horizontal_edges:
        x0, x1, y = float(edge["x0"]), float(edge["x1"]), float(edge["top"])
        key = (round(x0), round(x1), round(y, 1))
        if x1 - x0 < LAYOUT.min_rule or key in seen:
            continue
        seen.add(key)
        rules.append(Rule(x0, x1, y))
    return sorted(rules, key=lambda r: (r.y, r.x0))


def read_page(page: pdfplumber.page.Page) -> Page:
    turned = upright(page)
    try:
        words = _words_of(turned)
        height = float(turned.height)
        return Page(
            number=turned.page_number,
            width=float(turned.width),
            height=height,
            words=[w for w in words if not is_margin_word(w, height)],
            margin=[w for w in words if is_margin_word(w, height)],
            links=_links_of(turned),
            boxes=_boxes_of(turned),
            rules=_rules_of(turned),
            # counted as pdfium counts them: a ligature glyph (ﬁ) is its letters (fi)
            chars=sum(len(unicodedata.normalize("NFKC", c["text"]).replace(" ", ""))
                      for c in turned.chars if not c["text"].isspace()),
            turned=turned_lines(turned.chars),
            shapes=_shapes_of(turned),
        )
    finally:
        if turned is not page:
            turned.close()


def _read_numbered(pdf: pdfplumber.PDF, page_count: int, n: int) -> Page:
    if n > len(pdf.pages):  # the two readers repaired a damaged file differently
        raise IngestError(f"damaged PDF (page {n} of {page_count} is missing from its page tree)")
    plumber_page = pdf.pages[n - 1]
    try:
        return read_page(plumber_page)
    finally:
        plumber_page.close()


_worker_pdf: tuple[Path, pdfplumber.PDF] | None = None


def _read_in_worker(task: tuple[Path, int, int]) -> Page:
    """One page, in a pool worker that opens the file once (not in an initializer: an
    initializer that raises makes the pool start workers for ever)."""
    global _worker_pdf
    path, page_count, n = task
    if _worker_pdf is None or _worker_pdf[0] != path:
        _worker_pdf = (path, pdfplumber.open(str(path)))
    return _read_numbered(_worker_pdf[1], page_count, n)


def _pdfium_text_turn(textpage: pypdfium2.PdfTextPage) -> int:
    """Degrees clockwise (as /Rotate) to turn a page so that most of its text reads left
    to right, from the angles of a sample of its characters in page space."""
    count = textpage.count_chars()
    if count <= 0:
        return 0
    step = max(1, count // LAYOUT.turn_sample)
    votes: dict[int, int] = {}
    for index in range(0, count, step):
        if chr(pypdfium2.raw.FPDFText_GetUnicode(textpage, index) or 32).isspace():
            continue
        angle = pypdfium2.raw.FPDFText_GetCharAngle(textpage, index)
        if angle < 0:  # an error
            continue
        # pdfium measures the angle clockwise (device space, y down): turning the page
        # clockwise by the opposite angle cancels it
        turn = round(-math.degrees(angle) / 90) % 4 * 90
        votes[turn] = votes.get(turn, 0) + 1
    if not votes:
        return 0
    turn = max(votes, key=votes.get)
    return turn if votes[turn] >= LAYOUT.turn_majority * sum(votes.values()) else 0


def turn_upright(page: pypdfium2.PdfPage) -> None:
    """Set the pdfium page's rotation so that most of its text reads left to right (the
    orientation `upright()` reads a page's layout in: the pre-pass and the provenance
    crops see the page as the parsers do)."""
    textpage = page.get_textpage()
    try:
        turn = _pdfium_text_turn(textpage)
    finally:
        textpage.close()
    if turn != page.get_rotation():
        page.set_rotation(turn)


class Document:
    """An open PDF: a fast text pre-pass for every page, full layout on demand.

    pdfplumber is ~40x slower than pdfium's text extraction, so sections pick their
    pages from `page_texts` and only those pages are parsed for layout. Each parsed
    page is closed at once: pdfplumber otherwise keeps every page's objects alive.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._pdfium = pypdfium2.PdfDocument(str(self.path))
        self._plumber: pdfplumber.PDF | None = None
        self.page_count = len(self._pdfium)
        self._texts: list[str] | None = None
        self._margins: list[str] = []

    @property
    def page_texts(self) -> list[str]:
        if self._texts is None:
            texts, margins, visible = [], [], []
            for i in range(self.page_count):
                page = self._pdfium[i]
                # pdfium orders the text of a page in its display orientation: a page
                # whose text reads sideways there is read turned, as `upright` does
                turn_upright(page)
                textpage = page.get_textpage()
                raw = textpage.get_text_range()
                # before normalising: the sanity gates compare what the two readers read
                visible.append(sum(1 for c in raw if not c.isspace()))
                # normalised once here, so every section routes on the same text
                texts.append(prepass.normalise(raw))
                width, height = page.get_size()
                # the bands where folios live (pdfium's y grows upwards): the folio
                # of each page for the `pages` inventory, at the cost of two look-ups
                band = height * LAYOUT.margin_band
                margins.append(" ".join((textpage.get_text_bounded(0, height - band, width, height),
                                         textpage.get_text_bounded(0, 0, width, band))))
                textpage.close()
                page.close()
            self._texts, self._margins, self._visible = texts, margins, visible
        return self._texts

    @property
    def page_chars(self) -> list[int]:
        """Characters (not white space) the pre-pass found on each page, as pdfium gave
        them (before `prepass.normalise`)."""
        _ = self.page_texts  # read with the texts, in one pass
        return self._visible

    @property
    def margin_texts(self) -> list[str]:
        """The text of each page's top and bottom margin bands (folios, running heads)."""
        _ = self.page_texts  # read with the texts, in one pass
        return self._margins

    def pages(self, numbers: Iterable[int], workers: int = 1) -> Iterator[Page]:
        """Yield layout pages for the given 1-based page numbers, in order.

        With `workers` > 1 the pages are read by that many forked processes, each with
        its own pdfplumber handle; the pages come back the same and in the same order.
        """
        wanted = sorted(set(numbers))
        workers = how_many(workers, len(wanted))
        if workers > 1:
            with fork_pool(workers) as pool:  # terminated on leaving: done, timeout or error
                yield from pool.imap(_read_in_worker, [(self.path, self.page_count, n) for n in wanted])
            return
        if self._plumber is None:
            self._plumber = pdfplumber.open(str(self.path))
        for n in wanted:
            yield _read_numbered(self._plumber, self.page_count, n)

    def close(self) -> None:
        if self._plumber is not None:
            self._plumber.close()
        self._pdfium.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_pages(path: Path, numbers: Iterable[int] | None = None) -> list[Page]:
    """Convenience for tests: layout pages of a file (all pages by default)."""
    with Document(path) as doc:
        wanted = range(1, doc.page_count + 1) if numbers is None else numbers
        return list(doc.pages(wanted))
