"""Geometry of words on a page (as pdfplumber has `utils/geometry.py`): words and groups
of words with their extents, lines, blocks, the gaps that cut them, clusters, overlaps.

Coordinates are pdfplumber's: points, origin at the top-left, `top`/`bottom` growing
downwards. Every parser groups words with these functions; `extract.pdf.layout` reads
them from the PDF.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from extract.toolkit.settings import GEOMETRY

RGB = tuple[float, float, float]
BLACK: RGB = (0.0, 0.0, 0.0)
T = TypeVar("T")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 10.0
    fontname: str = ""
    color: RGB = BLACK

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def bold(self) -> bool:
        name = self.fontname.lower()
        return "bold" in name or "bd" in name.split("+")[-1] or "black" in name


class WordGroup:
    """The extent and type size of a group of words (a line, a block, a column).

    Subclasses provide `words`.
    """

    words: list[Word]

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return bbox_of(self.words)


def bbox_of(words: Iterable[Word]) -> tuple[float, float, float, float]:
    """The box around some words: (x0, top, x1, bottom)."""
    words = list(words)
    return (min(w.x0 for w in words), min(w.top for w in words),
            max(w.x1 for w in words), max(w.bottom for w in words))


@dataclass
class Line(WordGroup):
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def group_lines(words: Iterable[Word], tolerance: float | None = None) -> list[Line]:
    """Group words into lines by their vertical middle, left to right inside a line.

    >>> [l.text for l in group_lines([Word("b", 30, 0, 40, 10), Word("a", 0, 1, 20, 11)])]
    ['a b']
    """
    ordered = sorted(words, key=lambda w: (w.ymid, w.x0))
    lines: list[Line] = []
    for word in ordered:
        tol = tolerance if tolerance is not None else max(GEOMETRY.line_tolerance, word.size * GEOMETRY.line_tolerance_ratio)
        if lines and abs(lines[-1].words[-1].ymid - word.ymid) <= tol:
            lines[-1].words.append(word)
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


@dataclass
class Block(WordGroup):
    """Lines that read as one unit: a tile title, a paragraph, a big number and its label."""

    lines: list[Line]

    @property
    def words(self) -> list[Word]:  # type: ignore[override]
        return [w for line in self.lines for w in line.words]

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


def split_line(line: Line, gap_ratio: float = GEOMETRY.gutter) -> list[Line]:
    """Cut a line where the gap between words is wider than `gap_ratio` font sizes.

    Side-by-side tiles share a baseline; only the gutter tells them apart.
    """
    parts = [Line([line.words[0]])]
    for prev, word in zip(line.words, line.words[1:]):
        if word.x0 - prev.x1 > gap_ratio * max(prev.size, word.size):
            parts.append(Line([word]))
        else:
            parts[-1].words.append(word)
    return parts


def group_blocks(words: Iterable[Word], leading: float = GEOMETRY.leading, gutter: float = GEOMETRY.gutter) -> list[Block]:
    """Group words into blocks: line pieces stacked with less than `leading` font
    sizes of white between them and overlapping horizontally. Top to bottom.

    >>> ws = [Word("a", 0, 0, 10, 10), Word("b", 0, 12, 10, 22), Word("c", 0, 60, 10, 70)]
    >>> [b.text for b in group_blocks(ws)]
    ['a b', 'c']
    """
    pieces = [p for line in group_lines(words) for p in split_line(line, gutter)]
    pieces.sort(key=lambda p: (p.top, p.x0))
    blocks: list[Block] = []
    for piece in pieces:
        best = None
        for block in blocks:
            last = block.lines[-1]
            gap = piece.top - last.bottom
            overlap = min(piece.x1, last.x1) - max(piece.x0, last.x0)
            stacked = -GEOMETRY.overlap * piece.size <= gap <= leading * max(piece.size, last.size) and overlap > 0
            if stacked and (best is None or last.bottom > best.lines[-1].bottom):
                best = block
        if best is None:
            blocks.append(Block([piece]))
        else:
            best.lines.append(piece)
    return blocks


def clusters(items: Iterable[T], key: Callable[[T], float], tolerance: float) -> list[list[T]]:
    """Items sorted by `key`, cut where two neighbours are more than `tolerance` apart
    (words at one x: a column of day numbers, left- or right-aligned).

    >>> clusters([1.0, 9.0, 1.4, 9.3, 20.0], float, 0.5)
    [[1.0, 1.4], [9.0, 9.3], [20.0]]
    """
    out: list[list[T]] = []
    for item in sorted(items, key=key):
        if out and key(item) - key(out[-1][-1]) <= tolerance:
            out[-1].append(item)
        else:
            out.append([item])
    return out


Extent = tuple[float, float, float, float]


def linked_groups(n: int, links: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Items 0..n-1 joined by `links` (pairs of indices), as groups of indices: each in
    order, the groups in the order of their first item (one union-find for every caller).

    >>> linked_groups(5, [(0, 3), (3, 4)])
    [[0, 3, 4], [1], [2]]
    """
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving: the trees stay flat
            i = parent[i]
        return i

    for a, b in links:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def area(x0: float, top: float, x1: float, bottom: float) -> float:
    """The area of a box; 0 when it is empty (x1 < x0 or bottom < top)."""
    return max(0.0, x1 - x0) * max(0.0, bottom - top)


def covered_share(inner: Extent, outer: Extent) -> float:
    """The share of box `inner` that box `outer` covers (0 for an empty `inner`).

    >>> covered_share((0, 0, 10, 10), (5, 0, 20, 10))
    0.5
    """
    whole = area(*inner)
    overlap = area(max(inner[0], outer[0]), max(inner[1], outer[1]),
                   min(inner[2], outer[2]), min(inner[3], outer[3]))
    return overlap / whole if whole else 0.0


def x_overlap(a: Sequence[Word], b: Sequence[Word]) -> bool:
    """Whether two groups of words share some horizontal extent."""
    return min(w.x0 for w in a) < max(w.x1 for w in b) and min(w.x0 for w in b) < max(w.x1 for w in a)


def centre_inside(word: Word, box: Extent, slack: float = GEOMETRY.centre_slack) -> bool:
    """Whether a word's centre lies inside a box (grown by `slack` points)."""
    x0, top, x1, bottom = box
    return x0 - slack <= word.xmid <= x1 + slack and top - slack <= word.ymid <= bottom + slack
