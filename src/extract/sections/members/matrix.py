"""Matrices with or without rules: a names column, a header block of wrapped titles, cells.

The members matrix has no grid lines and mostly blank cells, so the text order
(`Abidjan 1 6`) cannot say which column holds a value. Geometry can:

1. the *header block* is a run of lines that start right of the names column and
   look like column titles (scored by the caller's vocabulary);
2. its words cut into phrases at wide gaps; phrases that overlap horizontally across
   lines are one column's title (`cluster_columns`);
3. every body word left of the first column is part of a name; cells side by side
   make horizontal bands, one per row, however they sit in it (top, centre, bottom);
4. name lines are cut into names by all the evidence at once: leading against a row's
   gap, bands (one per name), row rules and shading edges, markers (`segment_names`);
   what the evidence says against the cut chosen is kept as the matrix's doubts;
5. each band goes to its row by height, each cell to the nearest column by width.

Nothing here knows fonts, page sizes or the report: only relative positions and sizes.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from extract.pdf.layout import (
    Box,
    Line,
    Rule,
    TurnedLine,
    Word,
    WordGroup,
    bbox_of,
    group_lines,
    split_line,
)
from extract.toolkit.geometry import linked_groups
from extract.toolkit.settings import MATRIX
from extract.toolkit.text import join_lines


@dataclass
class Column:
    x0: float
    x1: float
    top: float
    bottom: float
    title: str

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class MatrixRow:
    """One row: its name lines (top to bottom) and cell words per column index."""

    name_lines: list[Line]
    cells: dict[int, list[Word]] = field(default_factory=dict)

    @property
    def name_words(self) -> list[Word]:
        return [w for line in self.name_lines for w in line.words]

    @property
    def name(self) -> str:
        return " ".join(line.text for line in self.name_lines)

    @property
    def top(self) -> float:
        return min(line.top for line in self.name_lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.name_lines)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return bbox_of(self.name_words)


@dataclass
class Matrix:
    """One header block and the rows under it (one page may hold several)."""

    columns: list[Column]
    rows: list[MatrixRow]
    stray: list[Word] = field(default_factory=list)
    # what the page's evidence says against the rows read (see `segment_names`)
    doubts: list[str] = field(default_factory=list)
    # what this body shows of the typography, for the matrix's other pages
    evidence: Hints = field(default_factory=lambda: Hints())


def cell_text(words: Sequence[Word]) -> str:
    """A cell's words in reading order: `L & P`."""
    return " ".join(line.text for line in group_lines(words))


def left_edge(lines: Sequence[Line]) -> float:
    """The x where names start: the leftmost x at which several lines start.

    A lone line further left (a heading the vocabulary missed) does not count; with
    few lines (one row under a tall header) the leftmost line is the name.
    """
    size = statistics.median(line.size for line in lines)
    starts = sorted(line.x0 for line in lines)
    needed = min(3, max(1, len(starts) // 5))
    for x in starts:
        if sum(abs(s - x) <= size * MATRIX.column_align for s in starts) >= needed:
            return x
    return starts[0]


def _wordy(text: str) -> bool:
    """Holds a word (4+ letters): titles and names do, cells (`Yes`, `3`, `L & P`) do not."""
    return any(len(w) >= MATRIX.wordy_length and w.isalpha() for w in text.split())


def _looks_like_titles(text: str, is_title_word: Callable[[str], bool]) -> bool:
    words = [w for w in text.split() if len(w) >= MATRIX.title_word_length and w.isalpha()]
    hits = sum(map(is_title_word, words))
    return hits >= MATRIX.title_hits and hits >= MATRIX.title_share * len(words)


def find_header_runs(lines: Sequence[Line], left_x: float, is_title_word: Callable[[str], bool],
                     is_name_header: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Index ranges [start, end) of header blocks: runs of lines that do not start at the
    names column, that look like titles, and that rows follow.

    Lines at the names column still belong to the header when they carry a names-column
    title ("Membres") or titles right of a legend beside the header; a legend line of
    its own between two header lines does not cut the header in two.
    """
    def starts_row(line: Line) -> bool:
        if abs(line.x0 - left_x) > line.size * MATRIX.column_align or is_name_header(line.words[0].text):
            return False
        rest = " ".join(piece.text for piece in split_line(line, MATRIX.name_gap)[1:])
        return not (_wordy(rest) or any(map(is_title_word, rest.split())))

    rows = [starts_row(line) for line in lines]
    raw: list[list[int]] = []
    i = 0
    while i < len(lines):
        if rows[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and not rows[j]:
            j += 1
        if raw and _legend_between(lines, raw[-1][1], i, is_title_word):
            raw[-1][1] = j
        else:
            raw.append([i, j])
        i = j
    runs = [(i, j) for i, j in raw if j < len(lines)
            and _looks_like_titles(" ".join(line.text for line in lines[i:j]), is_title_word)]
    # Titles no vocabulary knows (another year's columns): still the header when they
    # head the page and hold words, not cell values.
    if (not runs and raw and raw[0][0] == 0 and raw[0][1] < len(lines)
            and _wordy(" ".join(line.text for line in lines[: raw[0][1]]))):
        runs.append((0, raw[0][1]))
    return runs


def _legend_between(lines: Sequence[Line], end: int, start: int,
                    is_title_word: Callable[[str], bool]) -> bool:
    """Lines [end, start) are a legend set beside the header (maybe sharing a baseline
    with short title lines such as `du`): packed as tightly as title lines, and title
    words follow."""
    between = lines[end:start]
    if not between:
        return False
    stack = lines[end - 1:start + 1]
    if any(b.top - a.bottom > MATRIX.legend_stack_gap * max(a.size, b.size) for a, b in pairwise(stack)):
        return False
    return any(is_title_word(w) for w in lines[start].text.split())


def header_phrases(lines: Sequence[Line], left_x: float) -> list[Line]:
    """Title pieces of the header lines, without a names-column title at the left."""
    phrases = []
    for line in lines:
        for piece in split_line(line, MATRIX.phrase_gap):
            if piece.x0 > left_x + piece.size * MATRIX.column_align:
                phrases.append(piece)
    return phrases


def cluster_columns(phrases: Sequence[Line]) -> list[Column]:
    """Phrases that overlap horizontally are lines of one title; columns left to right.

    >>> a = Line([Word("Paiement", 100, 0, 140, 8)]); b = Line([Word("du quota", 104, 10, 136, 18)])
    >>> c = Line([Word("Membre", 160, 10, 190, 18)])
    >>> [(c.title, c.x0) for c in cluster_columns([a, b, c])]
    [('Paiement du quota', 100), ('Membre', 160)]
    """
    overlapping = ((i, j) for i, a in enumerate(phrases) for j in range(i + 1, len(phrases))
                   if min(a.x1, phrases[j].x1) - max(a.x0, phrases[j].x0) > 0)
    groups = [[phrases[i] for i in group] for group in linked_groups(len(phrases), overlapping)]
    columns = []
    for members in groups:
        members.sort(key=lambda p: (p.top, p.x0))
        columns.append(Column(
            x0=min(p.x0 for p in members), x1=max(p.x1 for p in members),
            top=min(p.top for p in members), bottom=max(p.bottom for p in members),
            title=join_lines([p.text for p in members]),
        ))
    return sorted(columns, key=lambda c: c.x0)


@dataclass
class Band(WordGroup):
    """Cell words of one row side by side: their heights overlap, whatever the column."""

    words: list[Word]

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)


def cell_bands(cells: Sequence[Word]) -> list[Band]:
    """The horizontal bands of cells, top to bottom: a row's cells share a band however
    they are aligned in it (top, centre, bottom), the next row's cells start below it.

    >>> bands = cell_bands([Word("1", 0, 0, 5, 8), Word("Yes", 40, 1, 55, 9), Word("2", 0, 12, 5, 20)])
    >>> [[w.text for w in b.words] for b in bands]
    [['1', 'Yes'], ['2']]
    """
    bands: list[Band] = []
    for word in sorted(cells, key=lambda w: (w.top, w.x0)):
        if bands and word.top < bands[-1].bottom - MATRIX.band_slop * (word.bottom - word.top):
            bands[-1].words.append(word)
        else:
            bands.append(Band([word]))
    return bands


def _overlap_share(top: float, bottom: float, line: Line) -> float:
    height = min(bottom - top, line.bottom - line.top)
    return (min(bottom, line.bottom) - max(top, line.top)) / height if height > 0 else 0.0


@dataclass(frozen=True)
class Hints:
    """What the other pages of a report's matrices show about its typography: whether
    cells are centred between name lines, and whites (type sizes) the cells decided,
    between two rows or inside one name."""

    centred: bool | None = None
    rows: tuple[float, ...] = ()
    inner: tuple[float, ...] = ()

    @staticmethod
    def merge(hints: Sequence[Hints]) -> Hints:
        return Hints(any(h.centred for h in hints), tuple(w for h in hints for w in h.rows),
                     tuple(w for h in hints for w in h.inner))


@dataclass
class NameEvidence:
    """What the page shows between a matrix's name lines, for cutting them into names.

    `lines` are the name lines top to bottom; `bands` the cell bands; `separators` the
    heights of row rules and shading edges that cross the names column into the cells.
    """

    lines: list[Line]
    bands: list[Band]
    separators: list[float] = field(default_factory=list)
    hints: Hints = field(default_factory=Hints)

    def __post_init__(self) -> None:
        # For each band: the name lines it overlaps (first, last), or the gap it sits in
        # (k: between lines k-1 and k), or None above the first / below the last line.
        self.touch: list[tuple[int, int] | None] = []
        self.gap_of: list[int | None] = []
        for band in self.bands:
            hit = [k for k, line in enumerate(self.lines)
                   if _overlap_share(band.top, band.bottom, line) > MATRIX.band_touch]
            self.touch.append((hit[0], hit[-1]) if hit else None)
            gap = None
            if not hit:
                gap = next((k for k in range(1, len(self.lines))
                            if self.lines[k - 1].bottom <= band.ymid <= self.lines[k].top), None)
            self.gap_of.append(gap)
        self.threshold = self._threshold()

    def _threshold(self) -> float:
        """The white (type sizes) above which two lines are two rows, from this page.

        A designer sets a name's leading tighter than the gap between rows, whatever
        both are: when the whites between lines fall into two groups (a jump of
        `MATRIX.min_jump`), the threshold is in that jump, the jump that contradicts fewest
        whites the cells already decide (a band beside both lines: one name; bands of
        their own: two rows), here and on the matrix's other pages (`hints`). Otherwise
        `MATRIX.name_join_gap`, or higher when the rows the cells decided are all far looser.
        """
        whites = [self.white(k) for k in range(1, len(self.lines))]
        inner, rows = [], []
        for k in range(1, len(self.lines)):
            if self.cut_through(k):
                inner.append(whites[k - 1])
            else:
                above = {n for n, t in enumerate(self.touch) if t and t[1] == k - 1}
                below = {n for n, t in enumerate(self.touch) if t and t[0] == k}
                if above and below and not above & below:
                    rows.append(whites[k - 1])
        self.known_rows, self.known_inner = rows, inner
        rows, inner = rows + list(self.hints.rows), inner + list(self.hints.inner)
        candidates = [(0.0, MATRIX.name_join_gap)]
        ordered = sorted(whites)
        for a, b in pairwise(ordered):
            if b - a >= MATRIX.min_jump:
                candidates.append((b - a, (a + b) / 2))
        if rows:  # loose rows: whites well under the narrowest row gap are leading
            below = max([MATRIX.name_join_gap, *[w for w in inner if w < min(rows)]])
            if min(rows) - below >= MATRIX.min_jump:
                candidates.append((min(rows) - below, (below + min(rows)) / 2))

        def wrong(t: float) -> int:
            return sum(w >= t for w in inner) + sum(w < t for w in rows)

        return min(candidates, key=lambda c: (wrong(c[1]), -c[0]))[1]

    def white(self, k: int) -> float:
        """White between lines k-1 and k, in type sizes."""
        a, b = self.lines[k - 1], self.lines[k]
        return (b.top - a.bottom) / max(a.size, b.size)

    def crossed(self, k: int) -> bool:
        """A rule or shading edge lies between lines k-1 and k."""
        a, b = self.lines[k - 1], self.lines[k]
        return any((a.top + a.bottom) / 2 < y < (b.top + b.bottom) / 2 for y in self.separators)

    def bands_in(self, i: int, j: int) -> list[int]:
        """Bands that belong to lines i..j-1 as one name: touching only them, or in a gap
        between two of them."""
        return [n for n, (touch, gap) in enumerate(zip(self.touch, self.gap_of))
                if (touch is not None and i <= touch[0] and touch[1] < j)
                or (gap is not None and i < gap < j)]

    def cut_through(self, k: int) -> list[int]:
        """Bands a cut between lines k-1 and k leaves without a name: in that gap, or
        touching the lines on both sides of it."""
        return [n for n, (touch, gap) in enumerate(zip(self.touch, self.gap_of))
                if gap == k or (touch is not None and touch[0] < k <= touch[1])]


def _join_cost(ev: NameEvidence, k: int) -> float:
    """What speaks against lines k-1 and k being one name."""
    return MATRIX.gap_weight * max(0.0, ev.white(k) - ev.threshold) + (MATRIX.separator_cost if ev.crossed(k) else 0.0)


def _cut_cost(ev: NameEvidence, k: int) -> float:
    """What speaks against a new name starting at line k."""
    return MATRIX.gap_weight * max(0.0, ev.threshold - ev.white(k)) + MATRIX.band_cost * len(ev.cut_through(k))


def shows_centred(ev: NameEvidence) -> bool:
    """The body centres its cells between name lines: some band lies across two name
    lines or in the white between them."""
    return any(t and t[0] < t[1] for t in ev.touch) or any(g is not None for g in ev.gap_of)


def segment_names(ev: NameEvidence, is_complete: Callable[[str], bool]) -> tuple[list[list[Line]], list[str]]:
    """Name lines cut into names, and what the evidence says against the cut chosen.

    Every way of cutting the lines into names of 1..`MATRIX.max_name_lines` lines is weighed
    (dynamic programming): white between two lines of one name is a line's leading, a
    row's gap is wider; a band of cells belongs to exactly one name, and one name has at
    most one band (two members side by side with their own cells, or cells centred
    between the lines of a name, which then stay one name; where the page centres its
    cells, a band beside a name's first or last line only speaks against it); a rule or shading edge
    between two lines parts them; a name is complete after its marker such as `(N)`.
    The cheapest cut wins; each piece of evidence it goes against is reported.
    `ev.hints.centred`: whether the matrix centres its cells (None: as this body shows).
    """
    lines = ev.lines
    n = len(lines)
    # Cells centred in their rows, as this body shows or as the caller knows from the
    # matrix's other pages.
    centred = shows_centred(ev) if ev.hints.centred is None else ev.hints.centred
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - MATRIX.max_name_lines), j):
            if any(is_complete(lines[k].text) for k in range(i, j - 1)):
                continue
            cost = best[i] + sum(_join_cost(ev, k) for k in range(i + 1, j))
            cost += MATRIX.band_cost * max(0, len(ev.bands_in(i, j)) - 1)
            if centred and j - i > 1 and _off_centre(ev, i, j):
                cost += MATRIX.align_cost
            if i:
                cost += _cut_cost(ev, i)
            if cost < best[j] - 1e-9:
                best[j], back[j] = cost, i
    cuts = []
    j = n
    while j:
        cuts.append((back[j], j))
        j = back[j]
    groups = [list(lines[i:j]) for i, j in reversed(cuts)]
    return groups, _doubts(ev, [(i, j) for i, j in reversed(cuts)])


def _off_centre(ev: NameEvidence, i: int, j: int) -> bool:
    """Lines i..j-1 as one name would have their band beside their first or last line
    only, where the page centres its cells: two names, the first with cells."""
    for n in ev.bands_in(i, j):
        touch = ev.touch[n]
        if touch and touch[0] == touch[1] and touch[0] in (i, j - 1):
            return True
    return False


def _doubts(ev: NameEvidence, spans: list[tuple[int, int]]) -> list[str]:
    """The evidence a chosen cut goes against, one line each."""
    def name(i: int, j: int) -> str:
        return " ".join(line.text for line in ev.lines[i:j])

    out = []
    for k, (i, j) in enumerate(spans):
        if len(ev.bands_in(i, j)) > 1:
            out.append(f"{name(i, j)!r} has {len(ev.bands_in(i, j))} rows of cells beside it")
        for m in range(i + 1, j):
            if ev.crossed(m):
                out.append(f"{name(i, j)!r} is read as one name across a row rule")
            elif ev.white(m) - ev.threshold > MATRIX.strong_gap:
                out.append(f"{name(i, j)!r} is read as one name across a row's gap")
        if k and ev.cut_through(i):
            out.append(f"cells between {name(*spans[k - 1])!r} and {name(i, j)!r} belong to neither")
    return out


def group_names(name_lines: Sequence[Line], cells: Sequence[Word],
                is_complete: Callable[[str], bool], separators: Sequence[float] = ()) -> list[list[Line]]:
    """Name lines grouped into names, top to bottom (see `segment_names`)."""
    ev = NameEvidence(sorted(name_lines, key=lambda ln: ln.top), cell_bands(cells), list(separators))
    return segment_names(ev, is_complete)[0]


def nearest_column(word: Word, columns: Sequence[Column]) -> int:
    """Index of the column under which a word sits (or the nearest one)."""
    def distance(c: Column) -> tuple[float, float]:
        outside = max(c.x0 - word.xmid, 0.0, word.xmid - c.x1)
        return (outside, abs(c.center - word.xmid))

    return min(range(len(columns)), key=lambda i: distance(columns[i]))


def _vertical_distance(y: float, row: MatrixRow) -> float:
    return max(row.top - y, 0.0, y - row.bottom)


def assign_cells(rows: list[MatrixRow], bands: Sequence[Band], columns: Sequence[Column]) -> list[Word]:
    """Put every band of cells in one row (the one it lies beside, else the nearest by
    height) and each of its words in its column (by width); returns strays."""
    stray = []
    for band in bands:
        if not rows:
            stray.extend(band.words)
            continue
        row = min(rows, key=lambda r, y=band.ymid: (_vertical_distance(y, r), r.top))
        if _vertical_distance(band.ymid, row) > MATRIX.cell_reach * band.size:
            stray.extend(band.words)
            continue
        for word in band.words:
            row.cells.setdefault(nearest_column(word, columns), []).append(word)
    return stray


def split_names(words: Sequence[Word], columns: Sequence[Column], left_x: float) -> tuple[list[Word], list[Word]]:
    """Name words and cell words of a body.

    A name is the first run of a line (words a space apart) that starts at the names
    column and lies left of the first column title; everything else is a cell, even a
    cell printed left of its (wider, centred) title.
    """
    names_x1 = min(c.x0 for c in columns)
    names: list[Word] = []
    cells: list[Word] = []
    for line in group_lines(words):
        pieces = split_line(line, MATRIX.name_gap)
        first = pieces[0]
        if first.x0 <= left_x + MATRIX.name_indent * first.size and first.words[0].xmid < names_x1:
            names.extend(w for w in first.words if w.xmid < names_x1)
            cells.extend(w for w in first.words if w.xmid >= names_x1)
            pieces = pieces[1:]
        cells.extend(w for piece in pieces for w in piece.words)
    return names, cells


def separators_of(rules: Sequence[Rule], boxes: Sequence[Box], left_x: float,
                  columns: Sequence[Column]) -> list[float]:
    """Heights of rules and shading edges that run from the names column into the cells:
    row rules, borders, the edges of shaded rows (underlines and cell borders do not)."""
    names_x1 = min(c.x0 for c in columns)
    spans = [(r.x0, r.x1, r.y) for r in rules]
    spans += [(b.x0, b.x1, y) for b in boxes for y in (b.top, b.bottom)]
    return sorted(y for x0, x1, y in spans if x0 <= left_x + 1 and x1 >= names_x1)


def read_body(words: Sequence[Word], columns: Sequence[Column],
              is_complete: Callable[[str], bool], left_x: float,
              separators: Sequence[float] = (), hints: Hints | None = None) -> Matrix:
    """Rows of a body under known columns: names at the left, cells under the titles."""
    name_words, cells = split_names(words, columns, left_x)
    bands = cell_bands(cells)
    ev = NameEvidence(group_lines(name_words), bands, list(separators), hints or Hints())
    groups, doubts = segment_names(ev, is_complete)
    rows = [MatrixRow(lines) for lines in groups]
    stray = assign_cells(rows, bands, columns)
    own = Hints(shows_centred(ev), tuple(ev.known_rows), tuple(ev.known_inner))
    return Matrix(list(columns), rows, stray, doubts, own)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Share of the shorter of two spans that the other covers."""
    short = min(a1 - a0, b1 - b0)
    return (min(a1, b1) - max(a0, b0)) / short if short > 0 else 0.0


def turned_columns(turned: Sequence[TurnedLine], left_x: float) -> list[Column]:
    """Titles set on their side, right of the names column: lines side by side a
    line's leading apart are one title, read first line first (the leftmost for text
    reading bottom to top, the rightmost for text reading top to bottom).

    >>> a = TurnedLine("Paiement", 100, 50, 106, 90, 6, 90); b = TurnedLine("du quota", 107.5, 55, 113.5, 90, 6, 90)
    >>> c = TurnedLine("Membre activé", 130, 40, 136, 90, 6, 90)
    >>> [(c.title, c.x0) for c in turned_columns([c, b, a], 40)]
    [('Paiement du quota', 100), ('Membre activé', 130)]
    """
    groups: list[list[TurnedLine]] = []
    for line in sorted((t for t in turned if t.x0 > left_x), key=lambda t: t.x0):
        last = groups[-1][-1] if groups else None
        if (last is not None and line.turn == last.turn
                and line.x0 - last.x1 <= MATRIX.turned_title_gap * max(line.size, last.size)
                and _overlap(line.top, line.bottom, last.top, last.bottom) > MATRIX.turned_overlap):
            groups[-1].append(line)
        else:
            groups.append([line])
    columns = []
    for group in groups:
        ordered = group if group[0].turn == 90 else group[::-1]
        columns.append(Column(x0=min(t.x0 for t in group), x1=max(t.x1 for t in group),
                              top=min(t.top for t in group), bottom=max(t.bottom for t in group),
                              title=join_lines([t.text for t in ordered])))
    return columns


def turned_header_blocks(turned: Sequence[TurnedLine], left_x: float,
                         is_title_word: Callable[[str], bool]) -> list[list[Column]]:
    """Header blocks of titles set on their side, top to bottom: titles side by side
    whose heights overlap, two at least, that read as titles (a rotated margin label,
    alone or beside no title, is no block)."""
    blocks: list[list[Column]] = []
    for column in sorted(turned_columns(turned, left_x), key=lambda c: c.top):
        block = next((b for b in blocks if any(_overlap(column.top, column.bottom, c.top, c.bottom) > MATRIX.turned_overlap
                                               for c in b)), None)
        if block is None:
            blocks.append([column])
        else:
            block.append(column)
    return [sorted(b, key=lambda c: c.x0) for b in blocks
            if len(b) >= 2 and _looks_like_titles(" ".join(c.title for c in b), is_title_word)]


def _read_turned(words: Sequence[Word], lines: list[Line], blocks: list[list[Column]], left_x: float,
                 is_complete: Callable[[str], bool], rules: Sequence[Rule], boxes: Sequence[Box],
                 hints: Hints | None) -> list[Matrix]:
    """The matrices under header blocks of turned titles: each block's body runs down to
    the next block. Upright title lines within a block's height (a title left
    horizontal among turned ones) are titles of that block too."""
    matrices = []
    for k, block in enumerate(blocks):
        top, bottom = min(c.top for c in block), max(c.bottom for c in block)
        end = min(c.top for c in blocks[k + 1]) if k + 1 < len(blocks) else math.inf
        beside = [line for line in lines if top <= (line.top + line.bottom) / 2 <= bottom]
        columns = sorted(block + cluster_columns(header_phrases(beside, left_x)), key=lambda c: c.x0)
        body = [w for w in words if bottom < w.ymid < end]
        if body:
            matrices.append(read_body(body, columns, is_complete, left_x,
                                      separators_of(rules, boxes, left_x, columns), hints))
    return matrices


def read_matrices(words: Sequence[Word], is_title_word: Callable[[str], bool],
                  is_name_header: Callable[[str], bool], is_complete: Callable[[str], bool],
                  previous: Sequence[Column] | None = None, rules: Sequence[Rule] = (),
                  boxes: Sequence[Box] = (), hints: Hints | None = None,
                  turned: Sequence[TurnedLine] = ()) -> list[Matrix]:
    """Every matrix on a page (decoration such as headings and legends already removed).

    Column titles may be horizontal (wrapped over lines) or set on their side
    (`turned`, read in their own direction). A page without a header block continues
    the previous page's matrix: its rows are read under `previous` columns when given.
    """
    lines = group_lines(words)
    if not lines:
        return []
    left_x = left_edge(lines)
    blocks = turned_header_blocks(turned, left_x, is_title_word) if turned else []
    if blocks:
        return _read_turned(words, lines, blocks, left_x, is_complete, rules, boxes, hints)
    runs = find_header_runs(lines, left_x, is_title_word, is_name_header)
    if not runs:
        if not previous:
            return []
        return [read_body(words, previous, is_complete, left_x,
                          separators_of(rules, boxes, left_x, previous), hints)]
    matrices = []
    for k, (start, end) in enumerate(runs):
        body_end = runs[k + 1][0] if k + 1 < len(runs) else len(lines)
        columns = cluster_columns(header_phrases(lines[start:end], left_x))
        if not columns:
            continue
        body = [w for line in lines[end:body_end] for w in line.words]
        matrices.append(read_body(body, columns, is_complete, left_x,
                                  separators_of(rules, boxes, left_x, columns), hints))
    return matrices
