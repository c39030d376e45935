"""Matrices drawn without rules: a names column, a header block of wrapped titles, cells.

The members matrix has no grid lines and mostly blank cells, so the text order
(`Abidjan 1 6`) cannot say which column holds a value. Geometry can:

1. the *header block* is a run of lines that start right of the names column and
   look like column titles (scored by the caller's vocabulary);
2. its words cut into phrases at wide gaps; phrases that overlap horizontally across
   lines are one column's title (`cluster_columns`);
3. every body word left of the first column is part of a name; names over two lines
   are joined by leading, cells and markers (`group_names`);
4. each cell goes to the nearest row by height and the nearest column by width.

Nothing here knows fonts, page sizes or the report: only relative positions and sizes.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from extract.layout import Line, Word, bbox_of, group_lines, split_line
from extract.text import join_lines

# Gap between the words of one title line wider than this (in font sizes) starts
# another column's title: a word space is about 0.3 em, a gutter is wider.
PHRASE_GAP = 0.6
# Two name lines this close (white between them, in font sizes) may be one name.
NAME_JOIN_GAP = 0.45
# A cell further than this (in font sizes) from every name is not part of a row.
CELL_REACH = 1.2
# Words of a name are a space apart; a gap wider than this (font sizes) ends the name.
NAME_GAP = 1.0
# A name line (a continuation may be indented) starts this close to the names column.
NAME_INDENT = 2.5


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
        if sum(abs(s - x) <= size * 0.5 for s in starts) >= needed:
            return x
    return starts[0]


def _wordy(text: str) -> bool:
    """Holds a word (4+ letters): titles and names do, cells (`Yes`, `3`, `L & P`) do not."""
    return any(len(w) >= 4 and w.isalpha() for w in text.split())


def _looks_like_titles(text: str, is_title_word: Callable[[str], bool]) -> bool:
    words = [w for w in text.split() if len(w) >= 3 and w.isalpha()]
    hits = sum(map(is_title_word, words))
    return hits >= 2 and hits >= 0.4 * len(words)


def find_header_runs(lines: Sequence[Line], left_x: float, is_title_word: Callable[[str], bool],
                     is_name_header: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Index ranges [start, end) of header blocks: runs of lines that do not start at the
    names column, that look like titles, and that rows follow.

    Lines at the names column still belong to the header when they carry a names-column
    title ("Membres") or titles right of a legend beside the header; a legend line of
    its own between two header lines does not cut the header in two.
    """
    def starts_row(line: Line) -> bool:
        if abs(line.x0 - left_x) > line.size * 0.5 or is_name_header(line.words[0].text):
            return False
        rest = " ".join(piece.text for piece in split_line(line, NAME_GAP)[1:])
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
    if any(b.top - a.bottom > 1.0 * max(a.size, b.size) for a, b in pairwise(stack)):
        return False
    return any(is_title_word(w) for w in lines[start].text.split())


def header_phrases(lines: Sequence[Line], left_x: float) -> list[Line]:
    """Title pieces of the header lines, without a names-column title at the left."""
    phrases = []
    for line in lines:
        for piece in split_line(line, PHRASE_GAP):
            if piece.x0 > left_x + piece.size * 0.5:
                phrases.append(piece)
    return phrases


def cluster_columns(phrases: Sequence[Line]) -> list[Column]:
    """Phrases that overlap horizontally are lines of one title; columns left to right.

    >>> a = Line([Word("Paiement", 100, 0, 140, 8)]); b = Line([Word("du quota", 104, 10, 136, 18)])
    >>> c = Line([Word("Membre", 160, 10, 190, 18)])
    >>> [(c.title, c.x0) for c in cluster_columns([a, b, c])]
    [('Paiement du quota', 100), ('Membre', 160)]
    """
    parent = list(range(len(phrases)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(phrases):
        for j in range(i + 1, len(phrases)):
            b = phrases[j]
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 0:
                parent[find(i)] = find(j)
    groups: dict[int, list[Line]] = {}
    for i, phrase in enumerate(phrases):
        groups.setdefault(find(i), []).append(phrase)
    columns = []
    for members in groups.values():
        members.sort(key=lambda p: (p.top, p.x0))
        columns.append(Column(
            x0=min(p.x0 for p in members), x1=max(p.x1 for p in members),
            top=min(p.top for p in members), bottom=max(p.bottom for p in members),
            title=join_lines([p.text for p in members]),
        ))
    return sorted(columns, key=lambda c: c.x0)


def _overlaps(word: Word, line: Line) -> bool:
    height = min(word.bottom - word.top, line.bottom - line.top)
    return min(word.bottom, line.bottom) - max(word.top, line.top) > 0.5 * height


def group_names(name_lines: Sequence[Line], cells: Sequence[Word],
                is_complete: Callable[[str], bool]) -> list[list[Line]]:
    """Name lines grouped into names, top to bottom.

    Two lines are one name when the white between them is a line's leading, not a
    row's gap, unless each has cells of its own beside it (two members) or the first
    already ends with a marker such as `(N)` (a name is complete after its marker).
    """
    groups: list[list[Line]] = []
    has_cells: list[bool] = []
    for line in sorted(name_lines, key=lambda ln: ln.top):
        own = any(_overlaps(w, line) for w in cells)
        if groups:
            prev = groups[-1][-1]
            gap = line.top - prev.bottom
            close = gap <= NAME_JOIN_GAP * max(prev.size, line.size)
            if close and not (own and has_cells[-1]) and not is_complete(prev.text):
                groups[-1].append(line)
                has_cells[-1] = has_cells[-1] or own
                continue
        groups.append([line])
        has_cells.append(own)
    return groups


def nearest_column(word: Word, columns: Sequence[Column]) -> int:
    """Index of the column under which a word sits (or the nearest one)."""
    def distance(c: Column) -> tuple[float, float]:
        outside = max(c.x0 - word.xmid, 0.0, word.xmid - c.x1)
        return (outside, abs(c.center - word.xmid))

    return min(range(len(columns)), key=lambda i: distance(columns[i]))


def _vertical_distance(word: Word, row: MatrixRow) -> float:
    return max(row.top - word.ymid, 0.0, word.ymid - row.bottom)


def assign_cells(rows: list[MatrixRow], cells: Sequence[Word], columns: Sequence[Column]) -> list[Word]:
    """Put every cell word in its row (by height) and column (by width); returns strays."""
    stray = []
    for word in cells:
        if not rows:
            stray.append(word)
            continue
        row = min(rows, key=lambda r, w=word: _vertical_distance(w, r))
        if _vertical_distance(word, row) > CELL_REACH * word.size:
            stray.append(word)
            continue
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
        pieces = split_line(line, NAME_GAP)
        first = pieces[0]
        if first.x0 <= left_x + NAME_INDENT * first.size and first.words[0].xmid < names_x1:
            names.extend(w for w in first.words if w.xmid < names_x1)
            cells.extend(w for w in first.words if w.xmid >= names_x1)
            pieces = pieces[1:]
        cells.extend(w for piece in pieces for w in piece.words)
    return names, cells


def read_body(words: Sequence[Word], columns: Sequence[Column],
              is_complete: Callable[[str], bool], left_x: float) -> Matrix:
    """Rows of a body under known columns: names at the left, cells under the titles."""
    name_words, cells = split_names(words, columns, left_x)
    rows = [MatrixRow(lines) for lines in group_names(group_lines(name_words), cells, is_complete)]
    stray = assign_cells(rows, cells, columns)
    return Matrix(list(columns), rows, stray)


def read_matrices(words: Sequence[Word], is_title_word: Callable[[str], bool],
                  is_name_header: Callable[[str], bool], is_complete: Callable[[str], bool],
                  previous: Sequence[Column] | None = None) -> list[Matrix]:
    """Every matrix on a page (decoration such as headings and legends already removed).

    A page without a header block continues the previous page's matrix: its rows are
    read under `previous` columns when given.
    """
    lines = group_lines(words)
    if not lines:
        return []
    left_x = left_edge(lines)
    runs = find_header_runs(lines, left_x, is_title_word, is_name_header)
    if not runs:
        return [read_body(words, previous, is_complete, left_x)] if previous else []
    matrices = []
    for k, (start, end) in enumerate(runs):
        body_end = runs[k + 1][0] if k + 1 < len(runs) else len(lines)
        columns = cluster_columns(header_phrases(lines[start:end], left_x))
        if not columns:
            continue
        body = [w for line in lines[end:body_end] for w in line.words]
        matrices.append(read_body(body, columns, is_complete, left_x))
    return matrices
