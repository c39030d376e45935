"""The headline figures ("PRINCIPAUX RÉSULTATS", "NOTRE IMPACT", the statements of each
line of action) into `key_figures`: one row per stable key.

A figure is a number (`169`, `72,7%`, `+2.14K`, `1 200`) followed by words that match a
label of the vocabulary (`vocab/<lang>/key_figures.yml`). Blocks come from the layout, so
a big number and the label printed under it read as one phrase. Each row carries the box
of the tile or text block it was read from. Other sections' checks (run after every
parser) compare their rows with these figures.
"""

from __future__ import annotations

import bisect
import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from rapidfuzz import fuzz

from extract.lang import vocab
from extract.pdf import prepass
from extract.pdf.layout import Line, Page, Word, bbox_of, group_blocks, group_lines, split_line
from extract.sections import ReportContext, Section, register
from extract.toolkit.geometry import x_overlap
from extract.toolkit.settings import GEOMETRY, KEY_FIGURES
from extract.toolkit.text import join_lines

NAME = "key_figures"


# A printed number: optional sign, digits (groups of three after a space, thin or
# no-break space, comma or point: babel decides what the locale means), optional
# decimals, optional K/M suffix, optional percent. Never part of a word ("5G",
# "L1A1D1", "COVID-19").
NUMBER_RE = re.compile(
    r"(?<![\w\-‑.,])"
    r"(?P<sign>[+])?"
    r"(?P<digits>\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+(?![\d])|\d+)"
    r"(?P<decimals>[.,]\d+)?"
    r"(?:\s?(?P<suffix>[KkM])(?![\w]))?"
    r"(?P<percent>\s?%)?"
    r"(?![\w])"
)


@dataclass(frozen=True)
class Figure:
    key: str
    value: float
    label: str
    # the tile or text block it was read from: (x0, top, x1, bottom)
    bbox: tuple[float, float, float, float] | None = None


def parse_number(printed: str, language: str = "fr") -> float:
    """The value of a printed figure, with babel's locale-aware parsing.

    >>> [parse_number(s, "fr") for s in ("72,7%", "+2.14K", "1 200", "+36.4K", "36 %")]
    [72.7, 2140.0, 1200.0, 36400.0, 36.0]
    >>> [parse_number(s, "en") for s in ("72.7%", "1,200", "+2.1K", "3")]
    [72.7, 1200.0, 2100.0, 3.0]
    """
    m = NUMBER_RE.search(printed.strip())
    if not m:
        raise ValueError(f"not a number: {printed!r}")
    suffixes = vocab.section(NAME, language).get("suffixes", {"K": 1000, "M": 1000000})
    number = m.group("digits") + (m.group("decimals") or "")
    value = _decimal(number, language)
    multiplier = suffixes.get(m.group("suffix"), 1) if m.group("suffix") else 1
    return float(value * Decimal(multiplier))


def _decimal(number: str, language: str) -> Decimal:
    """babel's reading in the report's locale; a form that locale rejects is read in the
    other one (designers write "+2.14K" with a point even in French)."""
    locale = _locale(language)
    others = [loc for lang in vocab.LANGUAGES if (loc := _locale(lang)) != locale]
    for candidate in (locale, *others):
        try:
            return parse_decimal(number, locale=candidate, strict=False)
        except NumberFormatError:
            continue
    raise NumberFormatError(f"{number!r} is a number in no known locale")


def _locale(language: str | None) -> str:
    """The babel locale of a language (`locale` in its report.yml)."""
    return vocab.section("report", language).get("locale", "en_US") if language in vocab.LANGUAGES else "en_US"


@cache
def _entries(language: str) -> tuple[tuple[str, str, str | None], ...]:
    """(key, folded label, key that must precede) for every label of the vocabulary."""
    figures = vocab.section(NAME, language).get("figures", {})
    out = []
    for key, spec in figures.items():
        if spec.get("of"):
            continue  # read only as the whole of an "N sur M" figure (_of_entries)
        for label in spec.get("labels", []):
            out.append((key, vocab.fold(label), spec.get("after")))
    return tuple(out)


@cache
def _of_entries(language: str) -> tuple[tuple[str, str], ...]:
    """(key, folded label) of the "N sur M" figures (`of: true` in the vocabulary)."""
    figures = vocab.section(NAME, language).get("figures", {})
    return tuple((key, vocab.fold(label)) for key, spec in figures.items() if spec.get("of")
                 for label in spec.get("labels", []))


def _of_label(following: str, language: str) -> str | None:
    """The "N sur M" key whose label the words after M begin with (fuzzily), or None."""
    text = " ".join(vocab.fold(following).lstrip(" ,;:-").split())
    best = None
    for key, label in _of_entries(language):
        score = fuzz.ratio(label, text[: len(label)])
        if score >= KEY_FIGURES.min_score and (best is None or len(label) > best[0]):
            best = (len(label), key)
    return best[1] if best else None


def match_label(following: str, previous_key: str | None, language: str) -> str | None:
    """The key whose label the words after a number begin with (fuzzily), or None.

    A few connector words may stand between the number and its label ("21 of them
    focused on …", "3 among them …"): when no label fits right after the number, up to
    `KEY_FIGURES.max_connector_words` short words are passed over, nearest first.

    >>> match_label("nouveaux membres", None, "fr")
    'new_members'
    >>> match_label("axées sur une perspective de genre", "new_publications", "fr")
    'gender_publications'
    >>> match_label("of them focused on a gender perspective", "new_publications", "en")
    'gender_publications'
    """
    words = vocab.fold(following).lstrip(" ,;:-").split()
    for skip in range(min(KEY_FIGURES.max_connector_words, len(words) - 1) + 1):
        if skip and not _is_connector_word(words[skip - 1]):
            break
        key = _best_label(" ".join(words[skip:]), previous_key, language)
        if key is not None:
            return key
    return None


def _is_connector_word(word: str) -> bool:
    """A short word of letters (an elision or a hyphen inside): "of", "them", "d'entre"."""
    return len(word) <= KEY_FIGURES.max_connector_length and re.fullmatch(r"[^\W\d_]+(?:['-][^\W\d_]+)*", word) is not None


def _best_label(text: str, previous_key: str | None, language: str) -> str | None:
    """The key of the longest label that `text` begins with, fuzzily."""
    best: tuple[int, float, str] | None = None
    for key, label, after in _entries(language):
        if after and after != previous_key:
            continue
        score = fuzz.ratio(label, text[: len(label)])
        # The longest label that fits: "… engagés dans la stratégie …" over "… engagés".
        if score >= KEY_FIGURES.min_score and (best is None or (len(label), score) > best[:2]):
            best = (len(label), score, key)
    return best[2] if best else None


def _clean_label(text: str, language: str) -> str:
    """Trim the connector that leads to the next figure: "24 publications, dont" → "24 publications"."""
    connectors = {vocab.fold(c) for c in vocab.section(NAME, language).get("connectors", [])}
    text = " ".join(text.split())
    changed = True
    while changed:
        changed = False
        stripped = text.rstrip(" ,;:(.")
        words = stripped.split(" ")
        if len(words) > 1 and vocab.fold(words[-1]) in connectors:
            stripped = " ".join(words[:-1])
        if stripped.count(")") > stripped.count("("):
            stripped = stripped[: stripped.rfind(")")] + stripped[stripped.rfind(")") + 1:]
        if stripped != text:
            text, changed = stripped, True
    return text


def _clause(text: str) -> str:
    """The figure's own clause: up to the first comma, semicolon, colon or bracket (an
    opening one, or the closing one of a parenthesis the figure stands in).

    >>> _clause("3 débats sur la 5G, auxquels plus de"), _clause(" sessions. Ce congrès")
    ('3 débats sur la 5G', ' sessions')
    >>> _clause(" webinaires) dans la Learning Station :")
    ' webinaires'
    """
    m = re.search(r"[,;:()]|\s[-–]\s|\.(?:\s|$)", text)
    return text[: m.start()] if m else text


def find_figures(text: str, language: str = "fr") -> list[Figure]:
    """Every figure in one phrase, in reading order.

    >>> [(f.key, f.value) for f in find_figures("24 nouvelles publications, dont 21 axées sur une perspective de genre")]
    [('new_publications', 24.0), ('gender_publications', 21.0)]
    >>> [(f.key, f.value) for f in find_figures("14 accords sur 27 comprennent des clauses sur l’égalité des sexes")]
    [('gender_clause_agreements', 14.0), ('gender_clause_agreements_total', 27.0)]
    """
    numbers = list(NUMBER_RE.finditer(text))
    figures: list[Figure] = []
    previous_key = None
    of_words = {vocab.fold(w) for w in vocab.section(NAME, language).get("of_words", [])}
    whole_of = -1  # the index of an "N sur M" figure's M, read with its N
    for i, m in enumerate(numbers):
        if i == whole_of:
            continue
        end = numbers[i + 1].start() if i + 1 < len(numbers) else len(text)
        following = text[m.end():end]
        words = vocab.fold(following).split()
        if words and words[-1] in of_words and i + 1 < len(numbers):
            # "2 sur 5 secrétariats …", "14 accords sur 27 comprennent …": N keeps its
            # key, M the same key with `_total`; the label is the whole clause
            whole = numbers[i + 1]
            after = numbers[i + 2].start() if i + 2 < len(numbers) else len(text)
            key = _of_label(text[whole.end():after], language)
            if key is not None:
                label = _clean_label(text[m.start():whole.end()] + _clause(text[whole.end():after]), language)
                figures += [Figure(key, parse_number(m.group(0), language), label),
                            Figure(f"{key}_total", parse_number(whole.group(0), language), label)]
                previous_key, whole_of = key, i + 1
                continue
        key = match_label(following, previous_key, language)
        previous_key = key
        if key is None:
            continue
        label = _clean_label(m.group(0) + _clause(following), language)
        figures.append(Figure(key, parse_number(m.group(0), language), label))
    return figures


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    """Pages with a figure in their pre-pass text, or a digit and some label's words
    with the word gaps lost (a letter-spaced heading: `2 4 nouvellespublications`):
    the layout, which keeps the gaps, then tells."""
    from extract.sections.calendar import is_month_text  # a sibling section's page test

    squashed = {prepass.squash(label) for _, label, _ in _entries(ctx.language)}
    # A month of the calendar is never the report's figures, however many numbers it
    # prints (day numbers, `2 300 participants` in a title).
    return [i + 1 for i, text in enumerate(texts)
            if (find_figures(" ".join(text.split()), ctx.language)
                or (any(c.isdigit() for c in text) and _squashed_label(text, squashed)))
            and not is_month_text(text)]


def _squashed_label(text: str, labels: set[str]) -> bool:
    """A label run together in a line that is itself run together (no word gaps)."""
    for line in text.splitlines():
        words = line.split()
        # a line whose words ran together (8+ letters a word on average), not prose
        if words and sum(map(len, words)) >= KEY_FIGURES.glued_word * len(words):
            flat = prepass.squash(line)
            if any(label in flat for label in labels):
                return True
    return False


@dataclass
class Tile:
    """A big number and the lines of its label block under it."""

    number: list[Word]
    label: list[list[Word]] = field(default_factory=list)

    @property
    def words(self) -> list[Word]:
        return self.number + [w for line in self.label for w in line]

    def text(self, language: str | None = None) -> str:
        number = " ".join(w.text for w in self.number)
        label = join_lines((" ".join(w.text for w in line) for line in self.label), vocab.lexicon(language))
        return f"{number} {label}".strip()


def big_numbers(words: Sequence[Word]) -> list[list[Word]]:
    """The headline numbers of a page: words set well above the page's median size, on
    one line, that read as numbers and nothing else ("+2.14K", "72,7 %", "1 200").

    Two numbers side by side may stand a space apart ("+2.14K 72.7%" in a narrow page):
    the number grammar, not the gap, tells them apart.

    >>> ws = [Word("+2.14K", 0, 0, 90, 30, 30), Word("72.7%", 100, 0, 180, 30, 30),
    ...       Word("participations", 0, 35, 80, 45, 10), Word("of", 100, 35, 110, 45, 10)]
    >>> [[w.text for w in run] for run in big_numbers(ws)]
    [['+2.14K'], ['72.7%']]
    """
    if not words:
        return []
    body = statistics.median(w.size for w in words)
    out = []
    for line in group_lines(w for w in words if w.size >= KEY_FIGURES.big_ratio * body):
        runs = [part.words for part in split_line(line, KEY_FIGURES.number_space)]
        for i, run in enumerate(runs):
            neighbours = [runs[k] for k in (i - 1, i + 1) if 0 <= k < len(runs)]
            if any(_heading_word_beside(run, other) for other in neighbours):
                continue  # the number of a (letter-spaced) heading: `LINE OF ACTION 1`
            out.extend(_numbers_of_run(run))
    return out


def _heading_word_beside(run: list[Word], other: list[Word]) -> bool:
    """A run of words (not numbers such as `+2.14K`) in the same large type, closer
    than a gutter."""
    gap = max(other[0].x0 - run[-1].x1, run[0].x0 - other[-1].x1)
    size = max(w.size for w in run + other)
    return (gap <= KEY_FIGURES.heading_gap * size and any(c.isalpha() for w in other for c in w.text)
            and not _numbers_of_run(other))


def _numbers_of_run(run: list[Word]) -> list[list[Word]]:
    """The numbers a run of words reads as, each with its words; none unless the numbers
    (and trailing marks such as "*") make up the whole run."""
    starts, text = [], ""
    for word in run:
        starts.append(len(text) + (1 if text else 0))
        text = f"{text} {word.text}" if text else word.text
    numbers, end = [], 0
    for m in NUMBER_RE.finditer(text):
        if re.search(r"\w", text[end:m.start()]):
            return []
        numbers.append([w for w, start in zip(run, starts) if m.start() <= start < m.end()])
        end = m.end()
    if re.search(r"\w", text[end:]) or not all(numbers):
        return []
    return numbers


def number_rows(numbers: list[list[Word]]) -> list[list[list[Word]]]:
    """Big numbers side by side (their heights overlap), each row left to right."""
    rows: list[list[list[Word]]] = []
    for run in sorted(numbers, key=lambda r: (min(w.top for w in r), r[0].x0)):
        top, bottom = min(w.top for w in run), max(w.bottom for w in run)
        row = next((r for r in rows if top < max(w.bottom for n in r for w in n)
                    and bottom > min(w.top for n in r for w in n)), None)
        if row is None:
            rows.append([run])
        else:
            row.append(run)
    return [sorted(row, key=lambda r: r[0].x0) for row in rows]


def column_cuts(words: list[Word], numbers: list[tuple[float, float]], tolerance: float = 1.0) -> list[float]:
    """Where a line under a row of numbers passes from one number's label to the next.

    `numbers` are the numbers' horizontal extents, left to right. A word under a number
    belongs to it, whatever the alignment (a left-aligned, centred or right-aligned label
    line has a word under its number). Between the last word of one number and the first
    of the next, the cut is where two words collide (a label overflowing onto the next
    column), else where a line starts or ends flush with a number (within `tolerance`
    points), else at the widest gap: the gutter is wider than a space between words,
    whatever the column widths or the page size.

    >>> line = [Word("participations", 306, 0, 380, 10, 10), Word("in", 383, 0, 393, 10, 10),
    ...         Word("events", 396, 0, 430, 10, 10), Word("of", 438, 0, 448, 10, 10),
    ...         Word("our", 451, 0, 467, 10, 10)]
    >>> column_cuts(line, [(306, 428), (438, 542)])
    [434.0]
    >>> column_cuts(line[3:], [(306, 428), (438, 542)])  # only the right-hand label here
    [-inf]
    >>> column_cuts([Word("co-organised", 381, 0, 445, 10, 10), Word("actively", 438, 0, 477, 10, 10)],
    ...             [(306, 428), (438, 542)])  # overflowing labels: cut where they collide
    [441.5]
    >>> column_cuts([Word("d’alliances", 298, 0, 352, 10, 10), Word("avec", 355, 0, 378, 10, 10),
    ...              Word("d’autres", 381, 0, 423, 10, 10), Word("d’autres", 425, 0, 467, 10, 10)],
    ...             [(298, 347), (425, 475)])  # a 2-point gutter: the label starts flush
    [424.0]
    """
    owners = [_owner(w, numbers) for w in words]
    cuts: list[float] = []
    for i in range(len(numbers) - 1):
        left = [k for k, o in enumerate(owners) if o is not None and o <= i]
        right = [k for k, o in enumerate(owners) if o is not None and o > i]
        if not left and not right:
            cut = (numbers[i][1] + numbers[i + 1][0]) / 2
        elif not left:
            cut = -math.inf
        elif not right:
            cut = math.inf
        elif left[-1] > right[0]:
            cut = (numbers[i][1] + numbers[i + 1][0]) / 2
        else:
            cut = max(_gaps(words[left[-1]:right[0] + 1], numbers[i], numbers[i + 1], tolerance))[1]
        cuts.append(max(cut, cuts[-1]) if cuts else cut)
    return cuts


def _owner(word: Word, numbers: list[tuple[float, float]]) -> int | None:
    """The number a word stands under (the widest overlap), or None."""
    overlaps = [(min(word.x1, x1) - max(word.x0, x0), i) for i, (x0, x1) in enumerate(numbers)]
    width, i = max(overlaps)
    return i if width > 0 else None


def _gaps(words: list[Word], left: tuple[float, float], right: tuple[float, float],
          tolerance: float) -> list[tuple[float, float]]:
    """(score, middle) of the gaps between neighbouring words from the `left` number's
    label to the `right` one's. A collision scores highest, then a gap where a label
    line starts at the right number's left edge or ends at the left number's right edge
    (labels aligned with their numbers, whatever the gutter), then the widest gap."""
    out = []
    for a, b in pairwise(words):
        width = b.x0 - a.x1
        if -width > KEY_FIGURES.collision * max(a.size, b.size):
            score = math.inf
        elif abs(b.x0 - right[0]) <= tolerance or abs(a.x1 - left[1]) <= tolerance:
            score = KEY_FIGURES.aligned + width
        else:
            score = width
        out.append((score, (a.x1 + b.x0) / 2))
    return out


def tiles(words: Sequence[Word]) -> list[Tile]:
    """Every big number of a page with the label block under it.

    A row of numbers shares the lines under it: each line is cut at the gutters
    (`column_cuts`) and each number takes its own piece, line after line, while the
    white between lines stays within `GEOMETRY.leading` font sizes.
    """
    numbers = big_numbers(words)
    taken = {id(w) for run in numbers for w in run}
    out: list[Tile] = []
    for row in number_rows(numbers):
        size = min(w.size for run in row for w in run)
        below = min(w.bottom for run in row for w in run)
        candidates = [w for w in words if id(w) not in taken and w.size < size and w.top >= below - 1]
        lines = group_lines(candidates)
        extents = [(min(w.x0 for w in run), max(w.x1 for w in run)) for run in row]
        pieces = [_cut(line, extents) for line in lines]
        for i, run in enumerate(row):
            tile = Tile(run)
            last: list[Word] = run
            for line, cut in zip(lines, pieces):
                last_bottom, last_size = max(w.bottom for w in last), max(w.size for w in last)
                if line.top - last_bottom > GEOMETRY.leading * max(last_size, line.size):
                    break
                if last is run and cut[i] and _closer_to_a_number_below(cut[i], run, numbers):
                    break  # the label above the next row's number, not this one's
                if cut[i] and x_overlap(cut[i], last):
                    tile.label.append(cut[i])
                    last = cut[i]
            out.append(tile)
    return out


def _closer_to_a_number_below(piece: list[Word], number: list[Word], numbers: list[list[Word]]) -> bool:
    """A line piece under `number` that stands nearer to a big number under it (the
    label above that number: designers put it on either side)."""
    top, bottom = min(w.top for w in piece), max(w.bottom for w in piece)
    gap = top - max(w.bottom for w in number)
    return any(min(w.top for w in other) >= bottom - 1 and x_overlap(piece, other)
               and min(w.top for w in other) - bottom < gap for other in numbers if other is not number)


def _cut(line: Line, extents: list[tuple[float, float]]) -> list[list[Word]]:
    cuts = column_cuts(line.words, extents)
    pieces: list[list[Word]] = [[] for _ in extents]
    for word in line.words:
        pieces[bisect.bisect(cuts, word.xmid)].append(word)
    return [_own_run(piece, extent) for piece, extent in zip(pieces, extents)]


def _own_run(piece: list[Word], extent: tuple[float, float]) -> list[Word]:
    """The words of a piece that run on from those under its number: the last tile of a
    row takes everything right of the last cut, so text beyond a gutter is dropped."""
    runs: list[list[Word]] = []
    for word in piece:
        if runs and word.x0 - runs[-1][-1].x1 <= KEY_FIGURES.gutter * max(word.size, runs[-1][-1].size):
            runs[-1].append(word)
        else:
            runs.append([word])
    mine = [run for run in runs if min(run[-1].x1, extent[1]) > max(run[0].x0, extent[0])]
    return [w for run in mine for w in run] if mine else piece


def slug(text: str) -> str:
    """The slug of a label no vocabulary knows, for its `unknown:<slug>` key.

    >>> slug("Followers sur les réseaux sociaux*")
    'followers-sur-les-reseaux-sociaux'
    """
    return re.sub(r"[^a-z0-9]+", "-", vocab.fold(text)).strip("-")


def label_above(tile: Tile, words: Sequence[Word], taken: set[int]) -> list[list[Word]]:
    """The label lines set right above a big number that has none under it (designers
    put the label on either side): the block of smaller words whose last line ends
    within `GEOMETRY.leading` of the number's top and overlaps it horizontally."""
    size = min(w.size for w in tile.number)
    top = min(w.top for w in tile.number)
    free = [w for w in words if id(w) not in taken and w.size < size and w.bottom <= top + 1]
    best = None
    for block in group_blocks(free, leading=GEOMETRY.leading):
        last = block.lines[-1]
        near = top - last.bottom <= GEOMETRY.leading * size and x_overlap(last.words, tile.number)
        if near and (best is None or last.bottom > best.lines[-1].bottom):
            best = block
    if best is None:
        return []
    lines = [best.lines[-1]]
    for line in reversed(best.lines[:-1]):  # a heading in larger type above the label is not the label
        if abs(line.size - lines[0].size) > 0.15 * lines[0].size:
            break
        lines.insert(0, line)
    return [line.words for line in lines]


def label_beside(tile: Tile, words: Sequence[Word], taken: set[int]) -> list[list[Word]]:
    """The label set beside a big number, on its right: the block of smaller words that
    starts within `KEY_FIGURES.beside` number sizes of the number's right edge and overlaps its
    height."""
    size = min(w.size for w in tile.number)
    top, bottom = min(w.top for w in tile.number), max(w.bottom for w in tile.number)
    right = max(w.x1 for w in tile.number)
    free = [w for w in words if id(w) not in taken and w.size < size]
    near = [b for b in group_blocks(free, leading=GEOMETRY.leading)
            if 0 <= b.x0 - right + 1 <= KEY_FIGURES.beside * size and b.top < bottom and b.bottom > top]
    if not near:
        return []
    best = min(near, key=lambda b: b.x0)
    return [line.words for line in best.lines]


def label_candidates(tile: Tile, words: Sequence[Word], taken: set[int]) -> list[list[list[Word]]]:
    """Where a big number's label may stand, in the order designers use: under it, above
    it, beside it."""
    return [tile.label, label_above(tile, words, taken), label_beside(tile, words, taken)]


def page_figures(page: Page, language: str, warn: Callable[[str], None] | None = None) -> list[Figure]:
    """The figures of one page in reading order: big-number tiles read with their own
    label block, the rest of the page by text blocks.

    Every big number is kept: with a label no vocabulary knows, as `unknown:<slug>`
    (and `warn` says so); with no label at all, only `warn` says so.
    """
    found: list[tuple[float, float, list[Figure]]] = []
    taken: set[int] = set()
    say = warn or (lambda message: None)
    pending: list[Tile] = []
    found_tiles = tiles(page.words)
    tile_words = {id(w) for tile in found_tiles for w in tile.words}
    number_words = {id(w) for tile in found_tiles for w in tile.number}
    unread = list(found_tiles)
    # Each side in turn for every number (under, above, beside): a label under one number
    # is taken before a number of the next row may look above itself.
    for side in range(3):
        for tile in list(unread):
            used = taken | number_words
            label = label_candidates(tile, page.words, used)[side] if side else tile.label
            if side and any(id(w) in used for line in label for w in line):
                continue
            candidate = Tile(tile.number, label)
            figures = find_figures(candidate.text(language), language) if label else []
            if figures and figures[0].label.startswith(_printed(tile)):
                taken.update(id(w) for w in candidate.words)
                box = bbox_of(candidate.words)
                found.append((tile.number[0].top, tile.number[0].x0, [replace(f, bbox=box) for f in figures]))
                unread.remove(tile)
    # read with the text first: a label the tile cut wrongly may read there
    pending.extend(unread)
    read: set[int] = set()  # number words whose figure the text blocks found
    for block in group_blocks(w for w in page.words if id(w) not in taken):
        figures = find_figures(join_lines((line.text for line in block.lines), vocab.lexicon(language)), language)
        if figures:
            found.append((block.top, block.x0, [replace(f, bbox=block.bbox) for f in figures]))
            for tile in pending:
                if id(tile.number[0]) in {id(w) for w in block.words} and any(
                        f.label.startswith(_printed(tile)) for f in figures):
                    read.add(id(tile.number[0]))
    for tile in pending:
        if id(tile.number[0]) in read:
            continue
        # A big number the report prints is never dropped: kept under its printed label.
        label_lines = tile.label or next(
            (c for c in label_candidates(tile, page.words, taken | tile_words)[1:] if c), [])
        printed = _printed(tile)
        label = join_lines((" ".join(w.text for w in line) for line in label_lines), vocab.lexicon(language))
        if re.search(r"[^\W\d_]", label):
            key = f"unknown:{slug(label)}"
            box = bbox_of(tile.number + [w for line in label_lines for w in line])
            found.append((tile.number[0].top, tile.number[0].x0,
                          [Figure(key, parse_number(printed, language), f"{printed} {label}", box)]))
            say(f"key figure p.{page.number}: {printed} {label!r} matches no known label; kept as {key}")
        else:
            say(f"key figure p.{page.number}: big number {printed!r} has no label; not kept")
    found.sort(key=lambda f: f[:2])
    return [fig for _, _, figures in found for fig in figures]


def _printed(tile: Tile) -> str:
    return " ".join(w.text for w in tile.number)


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    rows: dict[str, dict[str, Any]] = {}
    notes: dict[int, str | None] = {}
    numbers: list[dict[str, Any]] = []
    for page in pages:
        figures = page_figures(page, ctx.language, ctx.warn)
        notes[page.number] = None if figures else "no number followed by a known figure label"
        numbers.extend(big_number_rows(page, figures, ctx.language))
        for fig in figures:
            row = {"key": fig.key, "value": fig.value, "label": fig.label, "page": page.number}
            if fig.bbox:
                row.update(zip(("x0", "top", "x1", "bottom"), fig.bbox))
            seen = rows.get(fig.key)
            if seen is None:
                rows[fig.key] = row
            elif seen["value"] != fig.value:
                # The report restates a figure elsewhere with another value ("+2.1K"
                # against "+2.14K"): the first statement stands, the other is reported.
                ctx.warn(
                    f"key_figures p.{page.number}: key figure {fig.key}: {fig.label!r} "
                    f"differs from {seen['label']!r} on page {seen['page']}; the first stands: "
                    "check which one the report means"
                )
    # the state: every headline number and its pairing, for the checks
    section = Section(pages=notes, state=numbers)
    section.add("key_figures", list(rows.values()))
    return section


def big_number_rows(page: Page, figures: list[Figure], language: str) -> list[dict[str, Any]]:
    """Every headline number of a page (`big_numbers`), paired (1) when some figure read
    on the page has its value, else 0: a big number nobody labelled is a figure lost."""
    # a figure kept under `unknown:` is a label no vocabulary knows: not paired, the check says so
    values = {round(f.value, 6) for f in figures if not f.key.startswith("unknown:")}
    out = []
    for run in big_numbers(page.words):
        if _in_heading(run, page.words):
            continue
        printed = " ".join(w.text for w in run)
        try:
            value = parse_number(printed, language)
        except (ValueError, NumberFormatError):
            continue
        out.append({"page": page.number, "printed": printed, "value": value,
                    "paired": int(round(value, 6) in values)})
    return out


def _in_heading(run: list[Word], words: Sequence[Word]) -> bool:
    """A number that ends a line of words in its own type (`LIGNE D’ACTION 1`), a
    heading's numbering, not a headline figure."""
    size = run[0].size
    return any(
        any(c.isalpha() for c in w.text) and abs(w.size - size) <= 0.1 * size
        and abs(w.ymid - run[0].ymid) <= 0.35 * size and 0 <= run[0].x0 - w.x1 <= 1.5 * size
        for w in words)


def checks(tables: dict[str, list[dict[str, Any]]], state: list[dict[str, Any]] | None,
           ctx: ReportContext) -> list[dict[str, Any]]:
    """Every headline number is paired with a label, or named here (`state`: every
    headline number `parse` saw, with its pairing)."""
    numbers = state or []
    if not numbers:
        return []
    lost = [n for n in numbers if not n["paired"]]
    return [{
        "check": "key_figures.big_numbers_paired",
        "expected": f"{len(numbers)} headline numbers, each with a label",
        "actual": f"{len(numbers) - len(lost)} paired",
        "passed": int(not lost),
        "detail": "; ".join(f"p. {n['page']}: {n['printed']!r} has no known label "
                            "(add it to vocab/<lang>/key_figures.yml)" for n in lost) or None,
    }]


PARSER = register(NAME, vocabulary=NAME, select_pages=select_pages, parse=parse, checks=checks)
