"""The international calendar annex: one row per event, with its real dates.

Read from positions, not from the text order (which glues `…au climat26`):

1. day columns: integers 1..N stacked down the page at one x (left- or right-aligned),
   one column per month; the month is the month-name line above it;
2. the month's event area is right of its day column, up to the next month's column
   (or left of it, back to the previous one, when the page prints its lanes before
   the days);
3. event words are cut into segments (runs of words on one line, split at wide gaps
   and at box edges) and segments into blocks: the words of one filled box, or
   segments stacked close under each other inside one day row;
4. a block's last line is its location when it looks like a place (`City, Country`,
   a vocabulary word such as `Hybride`, or a gazetteer city on a line broken on
   purpose); the rest is the title, prefix (`WEBINAR |`) and `*` split off;
5. the first day is the row the block starts in; a boxed event runs over the day
   rows its box covers; an event printed again on the next month's page (from day 1,
   after running to the month's last day) is merged into one row;
6. cities: the location line and the places the title names (`names.places.find_places`),
   each resolved by the report's name collector, go to `event_cities`.
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import pairwise
from typing import Any

from babel.dates import get_day_names, get_month_names
from rapidfuzz import fuzz, process

from extract.lang import vocab
from extract.names.places import find_places
from extract.pdf import prepass
from extract.pdf.layout import Block, Box, Line, Page, Word, WordGroup, group_lines, split_line
from extract.sections import ReportContext, Section, register
from extract.toolkit.geometry import bbox_of, centre_inside, clusters
from extract.toolkit.settings import CALENDAR
from extract.toolkit.text import fold_with_offsets, join_lines, strip_glued_number

NAME = "calendar"


DAY_NUMBER = re.compile(r"\d{1,2}")
PREFIX = re.compile(r"^(?P<prefix>[^|]{1,80}?)\s*\|\s*(?P<rest>.*)$")


# --- vocabulary -------------------------------------------------------------------

@dataclass(frozen=True)
class Vocab:
    months: dict[str, int]  # month names in full, folded: headings, statements
    prefixes: dict[str, str]
    headings: tuple[str, ...]
    footnotes: tuple[str, ...]
    online: frozenset[str]
    connectors: frozenset[str]
    statements: tuple[str, ...]
    # month names in full and abbreviated (no final dot), and day names: dates of entries
    month_tokens: dict[str, int] = field(default_factory=dict)
    day_names: frozenset[str] = frozenset()
    # the words between the two months of a range (`janvier à juin`): coverage headings
    range_words: tuple[str, ...] = ()
    # the report's language: its word frequencies tell a real line-end hyphen in a title
    # (`nature-` / `based`, `co-` / `agir`) from a soft one (`prog-` / `ram` of an English
    # `program` in a French report: wordfreq's French list knows `program` too)
    language: str | None = None


@cache
def cldr_names(languages: tuple[str, ...]) -> tuple[dict[str, int], dict[str, int], frozenset[str]]:
    """Month names (full; full and abbreviated) and day names of `languages`, folded, from
    Babel's CLDR data: the well-kept tables, not ours. Where two languages spell one
    month alike they agree; the first language wins otherwise.

    >>> full, tokens, days = cldr_names(("fr", "en"))
    >>> full["aout"], tokens["sept"], tokens["feb"], "lundi" in days
    (8, 9, 2, True)
    """
    full: dict[str, int] = {}
    tokens: dict[str, int] = {}
    days: set[str] = set()
    for lang in languages:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for n, name in get_month_names(width, context, locale=lang).items():
                    key = vocab.fold(name).rstrip(".")
                    tokens.setdefault(key, n)
                    if width == "wide":
                        full.setdefault(key, n)
                for name in get_day_names(width, context, locale=lang).values():
                    days.add(vocab.fold(name).rstrip("."))
    return full, tokens, frozenset(days)


@cache
def load_vocab(language: str | None = None) -> Vocab:
    """Every language merged by default, on purpose (not `ctx.language`): an English page in a
    French report still reads, and no word of one language means another thing in another."""
    v = vocab.section(NAME, language)
    full, tokens, days = cldr_names((language,) if language else vocab.LANGUAGES)
    # spellings CLDR does not give (`setiembre`), from the language's folder
    variants = {vocab.fold(k): int(n) for k, n in v.get("month_variants", {}).items()}
    return Vocab(
        months={**full, **variants},
        month_tokens={**tokens, **variants},
        day_names=days,
        prefixes={vocab.fold(k): str(t) for k, t in v.get("prefixes", {}).items()},
        headings=tuple(vocab.fold(h) for h in v.get("heading", [])),
        footnotes=tuple(vocab.fold(f) for f in v.get("gender_footnote", [])),
        online=frozenset(vocab.fold(w) for w in v.get("online_locations", [])),
        connectors=frozenset(vocab.fold(w) for w in v.get("title_connectors", [])),
        statements=tuple(v.get("statements", [])),
        range_words=tuple(vocab.fold(w) for w in v.get("range_words", [])),
    )


def month_of(text: str, months: dict[str, int]) -> tuple[int, int | None] | None:
    """(month, year or None) when a line is a month name, alone or with a year.

    >>> month_of("FÉVRIER", {"fevrier": 2})
    (2, None)
    >>> month_of("August 2022", {"august": 8})
    (8, 2022)
    >>> month_of("AUGUST 2022 (cont.)", {"august": 8})
    (8, 2022)

    A letter-spaced heading may come apart where the spacing meets a kerned pair:

    >>> month_of("Ene ro ( cont.)", {"enero": 1})
    (1, None)
    """
    m = re.fullmatch(r"(?P<name>[^\d(]+?)\s*(?P<year>(?:19|20)\d\d)?\s*(?:\([^)]{1,20}\))?", vocab.fold(text))
    if not m:
        return None
    name = m.group("name") if m.group("name") in months else m.group("name").replace(" ", "")
    if name not in months:
        return None
    return months[name], int(m.group("year")) if m.group("year") else None


def event_type(prefix: str | None, prefixes: dict[str, str]) -> str | None:
    """The English key of a printed prefix: exact, then by start, then fuzzy.

    >>> event_type("SOMMET MONDIAL DES VILLES 2020 |", {"sommet": "summit"})
    'summit'
    """
    if not prefix:
        return None
    text = vocab.fold(prefix.rstrip("| ").strip())
    if text in prefixes:
        return prefixes[text]
    starts = [k for k in prefixes if text.startswith(k + " ")]
    if starts:
        return prefixes[max(starts, key=len)]
    hit = process.extractOne(text, list(prefixes), scorer=fuzz.ratio, score_cutoff=CALENDAR.prefix_score)
    return prefixes[hit[0]] if hit else None


def footnote_of(page: Page, voc: Vocab) -> set[int]:
    """The ids of the words of the page's gender footnote, if it has one.

    A producer may print the footnote in the margin band, on the folio's baseline: the
    folio and the footnote then read as one line, so each gutter-separated piece of a
    line is judged alone, and the margin words are looked at too.
    """
    found: set[int] = set()
    for line in group_lines([*page.words, *page.margin]):
        for piece in split_line(line, CALENDAR.piece_gap):
            if is_footnote(piece.text, voc.footnotes):
                found.update(id(w) for w in piece.words)
    return found


def is_footnote(text: str, footnotes: Iterable[str]) -> bool:
    folded = vocab.fold(text)
    return folded.startswith("*") and any(
        fuzz.partial_ratio(f, folded) >= CALENDAR.footnote_score for f in footnotes)


# --- text of one event --------------------------------------------------------------

def split_prefix(text: str) -> tuple[str | None, str]:
    """`WEBINAR | Title` -> ('WEBINAR |', 'Title'); a prefix is upper case.

    >>> split_prefix("10 ANS APRÈS | Recommandation")
    ('10 ANS APRÈS |', 'Recommandation')
    >>> split_prefix("Learning from cities: X | Y")
    (None, 'Learning from cities: X | Y')
    """
    m = PREFIX.match(text)
    if m:
        prefix = m.group("prefix").strip()
        letters = [c for c in prefix if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(prefix.split()) <= CALENDAR.max_prefix_words:
            return f"{' '.join(prefix.split())} |", m.group("rest").strip()
    return None, text


LOCATION_PATTERN = re.compile(r"(?P<city>[^,]{2,40}),\s*(?P<country>[^,]{2,40})")


def looks_like_place_pair(text: str) -> bool:
    """`Cordoue, Argentine`, `Séoul, Corée S.`: two short capitalised parts.

    >>> looks_like_place_pair("Taipei, Taiwan"), looks_like_place_pair("Repenser, co-agir")
    (True, False)
    """
    m = LOCATION_PATTERN.fullmatch(text.strip())
    if not m:
        return False
    parts = [m.group("city").strip(), m.group("country").strip()]
    return all(p[:1].isupper() and len(p.split()) <= CALENDAR.max_location_words for p in parts) and not text.rstrip().endswith(("*", ":"))


# --- page structure -----------------------------------------------------------------

@dataclass
class DayColumn(WordGroup):
    words: list[Word]  # day 1 .. N, top to bottom

    def top(self, day: int) -> float:
        return self.words[day - 1].top

    def mid(self, day: int) -> float:
        return self.words[day - 1].ymid

    def row_of(self, y: float, tolerance: float) -> int:
        """The day whose row holds `y`: the last day number not below it."""
        day = 1
        for d, w in enumerate(self.words, start=1):
            if w.top <= y + tolerance:
                day = d
        return day

    def days_covered(self, top: float, bottom: float) -> list[int]:
        return [d for d, w in enumerate(self.words, start=1) if top <= w.ymid <= bottom]


@dataclass
class MonthFrame:
    month: int
    year: int
    column: DayColumn
    x1: float  # right edge of the event area
    heading: Line
    x0: float = 0.0  # left edge of the event area
    y1: float = math.inf  # bottom of the month's region: the next month's heading under it

    @property
    def events_left(self) -> bool:
        """The events stand left of the day numbers (lanes on the left)."""
        return self.x1 <= self.column.x1 + CALENDAR.slack


def _day_chains(words: list[Word]) -> list[list[Word]]:
    """Runs 1, 2, 3, ... in order down the page (stray numbers skipped); a new run starts
    at a 1 under a run of CALENDAR.min_days or more (two months stacked at one x)."""
    chains: list[list[Word]] = [[]]
    for w in sorted(words, key=lambda w: w.top):
        chain = chains[-1]
        if int(w.text) == 1 and len(chain) >= CALENDAR.min_days:
            chains.append([w])
        elif int(w.text) == len(chain) + 1 and (not chain or w.top > chain[-1].bottom - CALENDAR.slack):
            chain.append(w)
    return chains


def find_day_columns(words: list[Word]) -> list[DayColumn]:
    """Every run of day numbers 1..N (N >= 28) at one x, left to right."""
    numbers = [w for w in words if DAY_NUMBER.fullmatch(w.text) and 1 <= int(w.text) <= 31]
    found: dict[frozenset, DayColumn] = {}
    for key in (lambda w: w.x0, lambda w: w.x1):
        tolerance = CALENDAR.day_align * (statistics.median(w.size for w in numbers) if numbers else 10)
        for cluster in clusters(numbers, key, tolerance):
            for chain in _day_chains(cluster):
                if len(chain) >= CALENDAR.min_days:
                    found.setdefault(frozenset(id(w) for w in chain), DayColumn(chain))
    columns = sorted(found.values(), key=lambda c: (c.x0, c.bbox[1]))
    # one column per place: keep the longest if two clusterings overlap
    kept: list[DayColumn] = []
    for c in columns:
        twin = next((k for k in kept if overlaps(c, k)), None)
        if twin is not None:
            if len(c.words) > len(twin.words):
                kept[kept.index(twin)] = c
            continue
        kept.append(c)
    return sorted(kept, key=lambda c: (c.x0, c.bbox[1]))


def overlaps(a: WordGroup, b: WordGroup) -> bool:
    return a.x0 < b.x1 and a.x1 > b.x0 and beside(a, b)


def beside(a: WordGroup, b: WordGroup) -> bool:
    """Two day columns of one band of months (their rows overlap down the page)."""
    return a.bbox[1] < b.bbox[3] and a.bbox[3] > b.bbox[1]


def events_side(words: list[Word], columns: list[DayColumn]) -> str:
    """Which side of their day numbers a page's months print their events: "right"
    (our reports) or "left" (lanes before the days). Read from the words beside the day
    rows that only one side can explain: right of the last day column, left of the first.
    """
    top = min(c.top(1) for c in columns)
    bottom = max(c.words[-1].bottom for c in columns)
    days = {id(w) for c in columns for w in c.words}
    rows = [w for w in words if id(w) not in days and top - 1 <= w.ymid <= bottom + 1]
    right = sum(w.x0 >= columns[-1].x1 for w in rows)
    left = sum(w.x1 <= columns[0].x0 for w in rows)
    return "left" if left > right else "right" if right > left else "none"


def find_month_frames(page: Page, voc: Vocab, year: int) -> list[MonthFrame]:
    columns = find_day_columns(page.words)
    if not columns:
        return []
    headings = []
    for line in page.lines():
        for part in split_line(line, CALENDAR.piece_gap):
            found = month_of(part.text, voc.months)
            if found:
                headings.append((part, found))
    side = events_side(page.words, columns)
    if side == "none":  # a month with no event: its lanes lie on the side of its heading
        side = "left" if any(h.x1 <= columns[0].x0 for h, _ in headings) else "right"
    left_side = side == "left"
    frames = []
    for col in columns:
        band = [c for c in columns if beside(c, col)]  # the months side by side with it
        i = band.index(col)
        if left_side:  # the month runs from the previous day column to its own
            x0, x1 = (band[i - 1].x1 + CALENDAR.slack if i else 0.0), col.x1
        else:  # from its day column to the next one
            x0, x1 = col.x0, (band[i + 1].x0 - CALENDAR.slack if i + 1 < len(band) else page.width)
        start = col.x0 if not left_side else x0
        above = [
            (h, f) for h, f in headings
            if h.bottom <= col.top(1) + CALENDAR.heading_drop * col.size and h.x0 < x1 and h.x1 > start - CALENDAR.heading_reach * col.size
        ]
        if not above:
            continue
        heading, (month, printed_year) = min(
            above, key=lambda hf: (col.top(1) - hf[0].bottom) + abs(hf[0].x0 - start))
        n = cal.monthrange(printed_year or year, month)[1]
        if len(col.words) < n:
            continue  # a column that stops early is not this month's days
        col.words = col.words[:n]
        frames.append(MonthFrame(month, printed_year or year, col, x1, heading, x0=x0))
    # A month's region ends where the heading of a month printed under it starts.
    for f in frames:
        below = [g.heading.top for g in frames if g is not f and g.heading.top > f.column.bottom
                 and g.x0 < f.x1 and g.x1 > f.x0]
        f.y1 = min(below, default=math.inf)
    return frames


# --- events of one month ------------------------------------------------------------

@dataclass
class EventBlock(Block):
    """The lines of one event, and the filled box drawn behind it if any."""

    lines: list[Line] = field(default_factory=list)
    box: Box | None = None

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        x0, top, x1, bottom = self.x0, self.top, self.x1, self.bottom
        if self.box:
            x0, top = min(x0, self.box.x0), min(top, self.box.top)
            x1, bottom = max(x1, self.box.x1), max(bottom, self.box.bottom)
        return (round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))


def event_boxes(words: list[Word], boxes: list[Box], min_height: float) -> dict[int, Box]:
    """Each word's event box: id(word) -> box.

    An event box holds one column of lines. Boxes holding side-by-side texts (row
    shading, a panel behind a month) are backgrounds and ignored. Where boxes nest
    (a multi-day event box over row shading), a word goes to the box holding the most
    words, which is the event's whole box rather than one row of it; between boxes
    holding the same words, to the narrower (an event's slot, not the shaded row),
    then the taller (all the event's days).
    """
    stacks = []
    for b in boxes:
        if b.bottom - b.top < min_height:
            continue
        inner = [w for w in words if centre_inside(w, (b.x0, b.top, b.x1, b.bottom))]
        if inner and len(inner) < len(words) and all(is_tag_word(w) for w in inner):
            continue  # a type tag drawn on its own background, inside its entry
        if inner and single_stack(inner):
            stacks.append((-len(inner), round(b.x1 - b.x0, 1), -(b.bottom - b.top), b, inner))
    owner: dict[int, Box] = {}
    for *_, b, inner in sorted(stacks, key=lambda s: s[:3]):
        for w in inner:
            owner.setdefault(id(w), b)
    return owner


def single_stack(words: list[Word]) -> bool:
    """True when words form one column of lines (an event box), not side-by-side texts:
    no wide gap inside a line, and each line under the one above it."""
    lines = group_lines(words)
    if any(len(split_line(line, CALENDAR.segment_gap)) > 1 for line in lines):
        return False
    return all(min(a.x1, b.x1) > max(a.x0, b.x0) for a, b in pairwise(lines))


def segments_of(words: list[Word], owner: dict[int, Box]) -> list[tuple[Line, Box | None]]:
    """Runs of words on one line of one event, with the event box they sit in."""
    out = []
    for line in group_lines(words):
        for part in split_line(line, CALENDAR.segment_gap):
            current: list[Word] = []
            current_box: Box | None = None
            for w in part.words:
                b = owner.get(id(w))
                if current and b is not current_box:
                    out.append((Line(current), current_box))
                    current = []
                current.append(w)
                current_box = b
            if current:
                out.append((Line(current), current_box))
    return out


def event_blocks(words: list[Word], boxes: list[Box], column: DayColumn,
                 connectors: frozenset[str] = frozenset()) -> list[EventBlock]:
    """The events of one month: one block per event box, or lines stacked in a day row."""
    owner = event_boxes(words, boxes, CALENDAR.box_reach * column.size)
    boxed: dict[int, EventBlock] = {}
    loose: list[Line] = []
    for line, box in segments_of(words, owner):
        if box is not None:
            boxed.setdefault(id(box), EventBlock(box=box)).lines.append(line)
        else:
            loose.append(line)
    blocks = []
    for block in boxed.values():
        block.lines = group_lines([w for line in block.lines for w in line.words])
        blocks.append(block)
    blocks.extend(stack_lines(loose, column, connectors))
    return sorted(blocks, key=lambda b: (b.top, b.x0))


def is_open_prefix(block: EventBlock) -> bool:
    """A block that so far holds the start of a prefix (`EVÉNEMENT DE LANCEMENT` /
    `VIRTUEL | ...`): upper case, no bar yet."""
    text = " ".join(line.text for line in block.lines)
    letters = [c for c in text if c.isalpha()]
    return "|" not in text and bool(letters) and all(c.isupper() for c in letters)


def runs_on(block: EventBlock, line: Line, column: DayColumn, connectors: frozenset[str]) -> bool:
    """Does `line`, in a later day row than `block` starts in, continue its text?

    An entry may run down over the following day rows of its lane. A line level with
    its day number starts that day's entry, unless the text says it goes on: the
    line starts in lower case, or the block's last line ends on a hyphen or a
    connector word (`of the`). A line off the day numbers' rhythm goes on.
    """
    day = column.row_of(line.top, CALENDAR.row_tolerance * column.size)
    level = abs(line.top - column.top(day)) <= CALENDAR.level_tolerance * column.size
    if not level:
        return True
    last = block.lines[-1].text.rstrip()
    words = vocab.fold(last).split()
    first = line.text.lstrip()[:1]
    return first.islower() or last.endswith("-") or bool(words and words[-1] in connectors)


def stack_lines(lines: list[Line], column: DayColumn,
                connectors: frozenset[str] = frozenset()) -> list[EventBlock]:
    """Unboxed events: a line continues the block right above it, in the same day row
    or running on over the next ones (`runs_on`)."""
    blocks: list[EventBlock] = []
    tol = CALENDAR.row_tolerance * column.size
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        size = line.size
        best, best_gap = None, None
        for block in blocks:
            last = block.lines[-1]
            gap = line.top - last.bottom
            overlap = min(line.x1, block.x1) - max(line.x0, block.x0)
            if (
                -CALENDAR.line_overlap * size <= gap <= CALENDAR.line_gap * size
                and (overlap > 0 or abs(line.x0 - block.x0) <= size)
                and (column.row_of(line.top, tol) == column.row_of(block.top, tol)
                     or runs_on(block, line, column, connectors))
                and (split_prefix(line.text)[0] is None or is_open_prefix(block))
                and (best_gap is None or gap < best_gap)
            ):
                best, best_gap = block, gap
        if best is None:
            blocks.append(EventBlock([line]))
        else:
            best.lines.append(line)
    return blocks


@dataclass
class Printed:
    """One event as printed on one month page."""

    start: dt.date
    end: dt.date
    title: str
    prefix: str | None
    location: str | None
    gender: bool
    page: int
    bbox: tuple[float, float, float, float]


def location_line(lines: list[Line], width: float, voc: Vocab, is_city: Callable[[str], bool]) -> bool:
    """Is the last of these lines a location line?

    Vocabulary (`Hybride`, `Online`) and the `City, Country` pattern say so on their
    own; a lone gazetteer name only when the line break was a choice (the name would
    have fit on the line above, which does not end mid-phrase).
    """
    if len(lines) < 2:
        return False
    last, prev = lines[-1].text.strip(), lines[-2].text.strip()
    if not last[:1].isupper() or prev.endswith(("-", "|")) or last.endswith("*"):
        return False
    if vocab.fold(last) in voc.online or looks_like_place_pair(last):
        return True
    words = vocab.fold(prev).split()
    if not words or words[-1] in voc.connectors or prev.endswith((":", "–", "—")) or len(last.split()) > CALENDAR.max_place_words:
        return False
    size = lines[-1].size
    would_fit = (lines[-2].x1 - lines[-2].x0) + CALENDAR.word_space * size + (lines[-1].x1 - lines[-1].x0) <= width
    return would_fit and is_city(last)


def is_bold(word: Word) -> bool:
    name = word.fontname.lower()
    return "bold" in name or "black" in name or "heavy" in name


def is_tag_word(word: Word) -> bool:
    """A word of a type tag: bold capitals (`WEBINAR`, `10 ANS APRÈS`)."""
    letters = [c for c in word.text if c.isalpha()]
    return is_bold(word) and all(c.isupper() for c in letters) and (bool(letters) or word.text.isdigit())


def tag_prefix(lines: list[Line]) -> tuple[str | None, list[Line]]:
    """The type printed as a tag (bold capitals) before a title in regular type: the
    prefix as the `TAG |` form, and the lines without it; (None, lines) otherwise."""
    words = [w for line in lines for w in line.words]
    run = 0
    while run < len(words) and is_tag_word(words[run]):
        run += 1
    if not run or run == len(words) or is_bold(words[run]) or not any(
            c.isalpha() for w in words[:run] for c in w.text):
        return None, lines
    return " ".join(w.text for w in words[:run]) + " |", group_lines(words[run:])


def is_italic(word: Word) -> bool:
    name = word.fontname.lower()
    return "italic" in name or "oblique" in name


def italic_tail(lines: list[Line]) -> tuple[list[Line], list[Word]]:
    """The entry's lines without its trailing words in italics, and those words: the
    location where the report sets it in italics (on lines of its own or not). Nothing
    when the whole entry, or none of its end, is in italics."""
    words = [w for line in lines for w in line.words]
    run = 0
    while run < len(words) and is_italic(words[-1 - run]):
        run += 1
    if not run or run == len(words) or not any(c.isalpha() for w in words[-run:] for c in w.text):
        return lines, []
    return group_lines(words[:-run]), words[-run:]


def wrapped_location(lines: list[Line], is_city: Callable[[str], bool]) -> int:
    """How many last lines (2 or 3) make a location wrapped in a narrow box
    (`Mexico City,` / `Mexico`): joined, a `City, Country` whose city the gazetteer
    knows (`is_city` of the pair), after a title line that does not run on into it; 0
    when none do."""
    for k in (3, 2):
        if len(lines) <= k or lines[-k - 1].text.rstrip().endswith(("-", "|")):
            continue
        text = join_lines([ln.text for ln in lines[-k:]])
        m = LOCATION_PATTERN.fullmatch(text.strip())
        if m and lines[-k].text[:1].isupper() and looks_like_place_pair(text) and is_city(text.strip()):
            return k
    return 0


@dataclass
class EntryText:
    title: str
    prefix: str | None
    location: str | None
    gender: bool


def entry_text(lines: list[Line], width: float, voc: Vocab, is_city: Callable[[str], bool]) -> EntryText:
    """An entry's prefix (printed `TYPE |` or as a tag), title, `*` mark and location."""
    tag, lines = tag_prefix(lines)
    location = None
    lines, italics = italic_tail(lines)
    if italics:  # the typography says where the location starts
        location = " ".join(w.text for w in italics)
    elif k := wrapped_location(lines, is_city):
        location = join_lines([ln.text for ln in lines[-k:]])
        lines = lines[:-k]
    elif location_line(lines, width, voc, is_city):
        location = " ".join(lines[-1].text.split())
        lines = lines[:-1]
    text = join_lines([ln.text for ln in lines], vocab.lexicon(voc.language))
    prefix, title = (tag, text) if tag else split_prefix(text)
    gender = title.endswith("*")
    return EntryText(title.rstrip("*").strip(), prefix, location, gender)


def read_block(block: EventBlock, frame: MonthFrame, page: Page, voc: Vocab,
               is_city: Callable[[str], bool]) -> Printed:
    lines = block.lines
    width = max(ln.x1 - ln.x0 for ln in lines)
    if block.box:  # the box less its padding, taken as even on both sides
        width = max(width, block.box.x1 - block.box.x0 - 2 * max(0.0, block.x0 - block.box.x0))
    entry = entry_text(lines, width, voc, is_city)
    col = frame.column
    tol = CALENDAR.row_tolerance * col.size
    first = col.row_of(block.top, tol)
    last = first
    if block.box is not None:
        covered = col.days_covered(block.box.top, block.box.bottom)
        if covered:
            first, last = min(covered), max(covered)
    return Printed(
        start=dt.date(frame.year, frame.month, first),
        end=dt.date(frame.year, frame.month, max(first, last)),
        title=entry.title, prefix=entry.prefix, location=entry.location, gender=entry.gender,
        page=page.number, bbox=block.bbox,
    )


def read_month(page: Page, frame: MonthFrame, voc: Vocab, excluded: set[int],
               is_city: Callable[[str], bool]) -> list[Printed]:
    col = frame.column
    top = col.top(1) - CALENDAR.month_top * col.size
    column_ids = {id(w) for w in col.words}
    words = [
        w for w in page.words
        if id(w) not in column_ids and id(w) not in excluded
        and top <= w.top < frame.y1 and (frame.x0 < w.xmid and w.x1 <= col.x0 if frame.events_left
                                         else w.x0 >= col.x1 and w.xmid < frame.x1)
    ]
    if frame.events_left:
        boxes = [b for b in page.boxes if b.x0 >= frame.x0 - 1 and b.x1 <= col.x0 + 1]
    else:
        boxes = [b for b in page.boxes if b.x0 >= col.x1 - 1 and b.x1 <= frame.x1 + 1]
    boxes = [b for b in boxes if b.top >= top - col.size and b.bottom <= frame.y1 + 1]
    return [read_block(b, frame, page, voc, is_city) for b in event_blocks(words, boxes, col, voc.connectors)]


# --- agendas: month headings and dated entries ------------------------------------

ORDINAL = r"(?:er|re|st|nd|rd|th|o|º|\.?º)?"


@cache
def date_pattern(tokens: tuple[str, ...], days: tuple[str, ...]) -> re.Pattern[str]:
    """A date or a range at the start of folded text: `19 jan`, `15-19 feb`, `27 jan - 3 feb`,
    `lundi 3 mai 2021`, `14 mar. - 6 may`; month and day names from CLDR (`cldr_names`)."""
    month = "(?:" + "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)) + r")\.?"
    day_name = "(?:(?:" + "|".join(re.escape(d) for d in sorted(days, key=len, reverse=True)) + r")\.?,?\s+)?"
    year = r"(?:,?\s+(?:19|20)\d\d)?"
    one = rf"{day_name}(?P<{{d}}>\d{{{{1,2}}}}){ORDINAL}(?:\s+(?:de\s+)?(?P<{{m}}>{month}){year})?"
    first = one.format(d="d1", m="m1")
    last = one.format(d="d2", m="m2")
    return re.compile(rf"^{first}(?:\s*(?:-|au|al|to|a)\s*{last})?(?=\s|$)")


@dataclass
class DateRange:
    first_day: int
    first_month: int | None
    last_day: int | None
    last_month: int | None
    length: int  # characters of the folded text the date took


def date_at_start(text: str, voc: Vocab) -> DateRange | None:
    """The date an entry starts with, if it does; a bare day only when nothing follows
    it (a date column of days under the month heading).

    >>> v = load_vocab()
    >>> d = date_at_start("27 Jan – 3 Feb Forum", v); (d.first_day, d.first_month, d.last_day, d.last_month)
    (27, 1, 3, 2)
    >>> d = date_at_start("15–19 févr. WEBINAR | X", v); (d.first_day, d.first_month, d.last_day, d.last_month)
    (15, None, 19, 2)
    >>> date_at_start("10 ANS APRÈS | Recommandation", v) is None
    True
    """
    folded = vocab.fold(text)
    m = date_pattern(tuple(voc.month_tokens), tuple(voc.day_names)).match(folded)
    if not m:
        return None
    rest = folded[m.end():].strip()
    m1, m2 = m.group("m1"), m.group("m2")
    if not (m1 or m2) and rest:
        return None  # `10 ANS`: a number leading a title, not a date
    d1, d2 = int(m.group("d1")), int(m.group("d2")) if m.group("d2") else None
    if not 1 <= d1 <= 31 or (d2 is not None and not 1 <= d2 <= 31):
        return None

    def month(token: str | None) -> int | None:
        return voc.month_tokens.get(token.rstrip(".")) if token else None

    return DateRange(d1, month(m1), d2, month(m2), m.end())


@dataclass
class AgendaMonth:
    month: int
    year: int
    heading: Line


def agenda_headings(pieces: list[Line], voc: Vocab, year: int) -> list[tuple[Line, AgendaMonth]]:
    out = []
    for piece in pieces:
        found = month_of(piece.text, voc.months)
        if found:
            out.append((piece, AgendaMonth(found[0], found[1] or year, piece)))
    return out


def agenda_columns(headings: list[Line], size: float) -> list[float]:
    """The left edges of the columns of entries: where month headings start."""
    edges: list[float] = []
    for h in sorted(headings, key=lambda h: h.x0):
        if not edges or h.x0 - edges[-1] > CALENDAR.agenda_column_gap * size:
            edges.append(h.x0)
    return edges


def read_agenda(page: Page, voc: Vocab, year: int, excluded: set[int], carried: AgendaMonth | None,
                is_city: Callable[[str], bool]) -> tuple[list[Printed], list[AgendaMonth], AgendaMonth | None]:
    """The entries of an agenda page, each under the month heading above it in its column
    (or the month carried on from the previous column or page); returns the entries, the
    months whose headings the page prints, and the month the page ends in."""
    words = [w for w in page.words if id(w) not in excluded]
    pieces: list[Line] = []
    row: dict[int, int] = {}  # piece -> its line of the page: reading order across a date column
    for n, line in enumerate(group_lines(words)):
        for piece in split_line(line, CALENDAR.piece_gap):
            pieces.append(piece)
            row[id(piece)] = n
    headings = agenda_headings(pieces, voc, year)
    if not headings:
        return [], [], carried
    size = statistics.median(w.size for w in words)
    edges = agenda_columns([h for h, _ in headings], size)
    heading_ids = {id(h) for h, _ in headings}
    first_top = min(h.top for h, _ in headings)

    def column_of(piece: Line) -> int:
        return max((i for i, x in enumerate(edges) if x <= piece.x0 + size), default=-1)

    # the calendar heading and anything above the first month heading are not entries
    body = [pc for pc in pieces if id(pc) not in heading_ids and pc.top >= first_top - CALENDAR.heading_drop * size
            and column_of(pc) >= 0]
    printed: list[Printed] = []
    month = carried
    for col in range(len(edges)):
        items = sorted([(row[id(h)], 0, h, m) for h, m in headings if column_of(h) == col]
                       + [(row[id(pc)], 1, pc, None) for pc in body if column_of(pc) == col],
                       key=lambda t: (t[0], t[1], t[2].x0))
        entries: list[tuple[AgendaMonth, DateRange, list[Line]]] = []
        shared = Counter(n for n, kind, _, _ in items if kind == 1)
        for n, kind, piece, heading in items:
            if kind == 0:
                month = heading
                continue
            date = date_at_start(piece.text, voc)
            if date and not (date.first_month or date.last_month) and shared[n] < 2:
                date = None  # a bare number alone on its line ends a title (`ODS` / `11`)
            if date is not None and month is not None:
                entries.append((month, date, [piece]))
            elif entries:  # a line of the entry above (its title runs on, its location)
                entries[-1][2].append(piece)
        for agenda_month, date, lines in entries:
            entry = agenda_entry(agenda_month, date, lines, page, voc, is_city)
            if entry.title:  # a date with nothing after it is no event (a grid's day number)
                printed.append(entry)
    return printed, [m for _, m in headings], month


def agenda_entry(month: AgendaMonth, date: DateRange, lines: list[Line], page: Page, voc: Vocab,
                 is_city: Callable[[str], bool]) -> Printed:
    """One agenda entry: its date words taken off its first line, the rest read as an event."""
    first = lines[0]
    taken, text = 0, ""
    while taken < len(first.words) and len(vocab.fold(text).rstrip()) < date.length:
        text += first.words[taken].text + " "
        taken += 1
    if taken >= 2 and re.fullmatch(r"(?:19|20)\d\d", first.words[taken - 1].text):
        # `23 Mar 2021 Urban Forestry…`: a year set like the title, or apart from the
        # date, starts the title
        year, before = first.words[taken - 1], first.words[taken - 2]
        if is_bold(year) != is_bold(before) or year.x0 - before.x1 > CALENDAR.segment_gap * year.size:
            taken -= 1
    # a date column: the date's own words; the entry's lines are the ones right of it
    rest = [*first.words[taken:], *[w for ln in lines[1:] for w in ln.words]]
    body = group_lines(rest) if rest else []
    width = max((ln.x1 - ln.x0 for ln in body), default=0.0)
    entry = entry_text(body, width, voc, is_city) if body else EntryText("", None, None, False)
    start_month = date.first_month or date.last_month or month.month
    start = dt.date(month.year, start_month, date.first_day)
    end = start
    if date.last_day is not None:
        end_month = date.last_month or start_month
        end_year = month.year + (end_month < start_month)
        end = dt.date(end_year, end_month, date.last_day)
        if end < start and not date.last_month:  # `28 – 2`: into the next month
            end = (dt.date(end_year, end_month, 28) + dt.timedelta(days=7)).replace(day=date.last_day)
    x0, top, x1, bottom = bbox_of([w for ln in lines for w in ln.words])
    return Printed(start=start, end=end, title=entry.title, prefix=entry.prefix,
                   location=entry.location, gender=entry.gender, page=page.number,
                   bbox=(round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)))


def merge_repeats(printed: list[Printed]) -> list[Printed]:
    """One event for the copies printed on consecutive month pages.

    A copy continues an event when it has the same prefix and title, the event ran to
    its month's last day and the copy starts on the next day (the 1st).
    """
    def key(p: Printed) -> tuple[str, str]:
        return (vocab.fold(p.prefix or "").replace(" ", ""), vocab.fold(p.title).replace(" ", ""))

    merged: list[Printed] = []
    open_ends: dict[tuple[str, str], Printed] = {}
    for p in sorted(printed, key=lambda p: (p.start, p.page, p.bbox[1], p.bbox[0])):
        k = key(p)
        previous = open_ends.get(k)
        if previous and previous.end + dt.timedelta(days=1) == p.start and p.start.day == 1:
            previous.end = max(previous.end, p.end)
            previous.gender = previous.gender or p.gender
            previous.location = previous.location or p.location
            continue
        merged.append(p)
        open_ends[k] = p
    return merged


# --- statements ---------------------------------------------------------------------

def find_statements(text: str, voc: Vocab, year: int) -> list[dict[str, Any]]:
    """What the report says of its number of events over a range of days."""
    folded, offsets = fold_with_offsets(text)
    out = []
    for pattern in voc.statements:
        for m in re.finditer(pattern, folded):
            month = voc.months.get(m.group("month"))
            first_month = voc.months.get(m.groupdict().get("month1") or "", month)
            if not month or not first_month:
                continue
            try:
                first = dt.date(year, first_month, int(m.group("first")))
                last = dt.date(year, month, int(m.group("last")))
            except ValueError:
                continue
            out.append({
                "statement": " ".join(text[offsets[m.start()]:offsets[m.end() - 1] + 1].split()),
                "first_date": first.isoformat(),
                "last_date": last.isoformat(), "count": int(m.group("count")),
                "at_least": int(bool((m.group("plus") or "").strip())),
            })
    return out


@dataclass(frozen=True)
class Coverage:
    """The months a calendar says it covers: first and last month index (`_index`)."""

    first: int
    last: int
    page: int
    printed: str


def find_coverage(text: str, voc: Vocab, year: int, page: int) -> Coverage | None:
    """The month range a calendar's heading (or the line under it) prints: `CALENDRIER
    INTERNATIONAL · JANVIER – JUIN 2021`, `International calendar, September 2021 to
    August 2022`. A range elsewhere on the page (an event's `juillet-septembre`) is not the
    calendar's: only the heading's line and the next one are read.

    >>> v = load_vocab("fr")
    >>> c = find_coverage("CALENDRIER INTERNATIONAL\\nde janvier à juin 2021\\n1 2 3", v, 2021, 4)
    >>> (c.first % 12 + 1, c.last % 12 + 1, c.last // 12, c.printed)
    (1, 6, 2021, 'janvier à juin 2021')
    >>> find_coverage("CALENDRIER INTERNATIONAL 2021\\nJANVIER\\nForum juillet-septembre", v, 2021, 4) is None
    True
    """
    if not voc.range_words:
        return None
    month = "(?:" + "|".join(re.escape(m) for m in sorted(voc.months, key=len, reverse=True)) + ")"
    words = "|".join(re.escape(w) for w in voc.range_words)
    pattern = re.compile(rf"\b(?P<m1>{month})(?:\s+(?:de\s+)?(?P<y1>(?:19|20)\d\d))?\s*(?:{words})\s*"
                         rf"(?P<m2>{month})(?:\s+(?:de\s+)?(?P<y2>(?:19|20)\d\d))?\b")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not any(h in vocab.fold(line) for h in voc.headings):
            continue
        for candidate in (line, *lines[i + 1:i + 2]):
            folded, offsets = fold_with_offsets(candidate)
            m = pattern.search(folded)
            if not m:
                continue
            last_year = int(m["y2"] or m["y1"] or year)
            first_year = int(m["y1"] or last_year)
            first, last = _index(first_year, voc.months[m["m1"]]), _index(last_year, voc.months[m["m2"]])
            if last < first and not m["y1"]:  # `septembre – août 2022`: the range runs over the new year
                first -= 12
            if first <= last:
                return Coverage(first, last, page, candidate[offsets[m.start()]:offsets[m.end() - 1] + 1])
    return None


# --- the parser contract ------------------------------------------------------------

def _has_day_run(text: str) -> bool:
    """Day numbers 10..28 as separate tokens (the pre-pass glues one-digit days)."""
    tokens = set(re.findall(r"(?<!\d)(\d{1,2})(?!\d)", text))
    return all(str(d) in tokens for d in range(10, CALENDAR.min_days + 1))


def is_month_page(text: str, voc: Vocab) -> bool:
    """A line that starts with a month name (the text pre-pass may glue the first days
    and events to it: `APRIL 1 10 YEARS AFTER | – 23456789`) and the calendar heading
    or a run of day numbers."""
    months = 0
    for line in text.splitlines():
        # the pre-pass may also glue the days to the name with no space: `MAY123456789`
        head = re.match(r"\s*([^\W\d_]+)(.*)", vocab.fold(line))
        if head and head[1] in voc.months:
            rest = head[2].split()
            months += not rest or not rest[0].isalpha()
        elif len(line) <= CALENDAR.max_heading_chars and month_of(line, voc.months):  # `Ene ro (cont.)`, letter-spaced
            months += 1
    if not months:
        return False
    return (any(prepass.contains(text, h) for h in voc.headings) or _has_day_run(text)
            or dated_lines(text, voc) >= CALENDAR.min_dated)


def dated_lines(text: str, voc: Vocab) -> int:
    """Lines that start with a date (`19 Jan`, `27 janv. – 3 févr.`): agenda entries."""
    count = 0
    for line in text.splitlines():
        date = date_at_start(line.strip(), voc) if line.strip()[:1].isalnum() else None
        count += bool(date and (date.first_month or date.last_month))  # a bare day: a grid's
    return count


def is_month_text(text: str, voc: Vocab | None = None) -> bool:
    """Is this page (its pre-pass text) a month of the calendar: a month heading with the
    calendar's heading, day numbers or dated entries, or day numbers 1..28+ down the page
    whatever the month name reads as? Such a page is the calendar's, never key figures'
    (its day numbers and the figures in its titles are not the report's results)."""
    voc = voc or load_vocab()
    return is_month_page(text, voc) or prepass.day_run(text, CALENDAR.min_days)


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    """Month pages (by their words, or by their structure: day numbers 1..28+ down the
    page, whatever the month name reads as) and the pages that state a number of events."""
    voc = load_vocab()
    return [
        number for number, text in enumerate(texts, start=1)
        if is_month_text(text, voc)
        or any(re.search(p, vocab.fold(text)) for p in voc.statements)
    ]


@dataclass
class CalendarState:
    """For the checks: what the report states of its events, the month columns read
    (year, month, page) and every printed copy of an event (before merging)."""

    statements: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    copies: list[dict[str, Any]] = field(default_factory=list)
    coverage: Coverage | None = None  # the months the calendar's heading says it covers


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    voc = replace(load_vocab(), language=ctx.language)
    printed: list[Printed] = []
    statements: list[dict[str, Any]] = []
    memo: dict[str, bool] = {}
    notes: dict[int, str | None] = {}
    months: list[dict[str, Any]] = []

    def is_city(text: str) -> bool:
        """A whole line naming a notable place (the matcher's population floor keeps
        `Summit`, a town of New Jersey, out); `peek` asks and records nothing. Of a
        `City, Country` pair, the city the names resolver knows: the pair's shape is the
        evidence the prose matcher lacks, and a city-state (`Singapur, República de
        Singapur`) is a country's name there, which prose never takes for a city."""
        if text not in memo:
            pair = LOCATION_PATTERN.fullmatch(text.strip())
            if pair and looks_like_place_pair(text):
                memo[text] = ctx.names.peek(pair["city"].strip()) is not None
            else:
                places = find_places(text, ctx.language)
                memo[text] = (len(places) == 1 and places[0].text == text.strip()
                              and ctx.names.peek(text) is not None)
        return memo[text]

    carried: AgendaMonth | None = None  # an agenda's month running on to the next page
    coverage: Coverage | None = None
    for page in pages:
        coverage = coverage or find_coverage(page.text, voc, ctx.year, page.number)
        footnote_words = footnote_of(page, voc)
        frames = find_month_frames(page, voc, ctx.year)
        marked = False
        for frame in frames:
            months.append({"year": frame.year, "month": frame.month, "page": page.number})
            excluded = footnote_words | {id(w) for w in frame.heading.words}
            month_events = read_month(page, frame, voc, excluded, is_city)
            printed.extend(month_events)
            marked = marked or any(e.gender for e in month_events)
        agenda: list[AgendaMonth] = []
        if not frames:  # no month grid: an agenda, month headings over dated entries
            month_events, agenda, carried = read_agenda(page, voc, ctx.year, footnote_words, carried, is_city)
            months.extend({"year": m.year, "month": m.month, "page": page.number} for m in agenda)
            printed.extend(month_events)
            marked = any(e.gender for e in month_events)
        if marked and not footnote_words:
            ctx.warn(f"calendar p.{page.number}: events marked * but no footnote says what * means "
                     "(gender_perspective is set from the * alone); check the page's footnote "
                     "and add its wording to vocab/<lang>/calendar.yml gender_footnote")
        stated = []
        if not frames and not agenda:
            stated = find_statements(page.text, voc, ctx.year)
            statements.extend({**s, "page": page.number} for s in stated)
        notes[page.number] = None if frames or agenda or stated else (
            "no month here: no column of day numbers 1..28+ under a month name, no month "
            "heading over dated entries, and no statement of a number of events")
    events = merge_repeats(printed)
    section = Section(pages=notes, state=CalendarState(
        statements=_dedupe_statements(statements), months=months, coverage=coverage,
        copies=[{"title": p.title, "prefix": p.prefix, "start": p.start.isoformat(),
                 "end": p.end.isoformat(), "page": p.page} for p in printed]))
    rows, links = [], []
    for i, e in enumerate(events, start=1):
        rows.append({
            "id": i, "start_date": e.start.isoformat(), "end_date": e.end.isoformat(),
            "title": e.title, "prefix": e.prefix, "event_type": event_type(e.prefix, voc.prefixes),
            "location": e.location, "gender_perspective": int(e.gender), "page": e.page,
            "x0": e.bbox[0], "top": e.bbox[1], "x1": e.bbox[2], "bottom": e.bbox[3],
        })
        if e.prefix and rows[-1]["event_type"] is None:
            ctx.warn(f"calendar p.{e.page}: unknown event type prefix {e.prefix!r} (event_type left "
                     "empty); add it under prefixes in vocab/<lang>/calendar.yml")
        links.extend({"event_id": i, "city_id": c} for c in event_cities(e, voc, ctx))
    section.add("calendar_events", rows)
    section.add("event_cities", links)
    return section


def event_cities(e: Printed, voc: Vocab, ctx: ReportContext) -> list[str]:
    """The cities an event takes place in (its location line: `Cordoue, Argentine` ->
    cordoba) or names in its title (`Forum … : Mexico City`), through the normaliser."""
    found: list[str | None] = []
    if e.location and vocab.fold(e.location) not in voc.online:
        # the text layer may glue the next row's day number to the line (`Iran6`)
        location = strip_glued_number(e.location)
        m = LOCATION_PATTERN.fullmatch(location)
        city, country = (m.group("city").strip(), m.group("country").strip()) if m else (location, None)
        if country and ctx.names.resolver.gaz.country_code(country) is None and ctx.names.peek(city) is not None:
            # a country spelling the gazetteer does not know (`République de …`); a country
            # it knows decides the place (`Bali, Indonesia` is not the Bāli of India)
            country = None
        found.append(ctx.names.city(city, country=country, page=e.page, context=e.title))
    for match in find_places(e.title, ctx.language):
        found.append(ctx.names.city(match.text, page=e.page, context=e.title))
    return list(dict.fromkeys(c for c in found if c))


def _dedupe_statements(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for r in rows:
        k = (r["first_date"], r["last_date"], r["count"])
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def checks(tables: dict[str, list[dict[str, Any]]], state: CalendarState | None,
           ctx: ReportContext) -> list[dict[str, Any]]:
    """Events against what the report states, and the month pages against themselves
    (`state`: the statements, month columns and printed copies `parse` saw)."""
    state = state or CalendarState()
    events = tables.get("calendar_events", [])
    out = []
    for s in state.statements:
        inside = [e for e in events if s["first_date"] <= e["start_date"] <= s["last_date"]]
        n = len(inside)
        bound = "at least " if s["at_least"] else ""
        pages = sorted({e["page"] for e in inside if e.get("page")})
        out.append({
            "check": f"calendar.events_{s['first_date']}_{s['last_date']}",
            "expected": f"{bound}{s['count']} (p. {s['page']}: {s['statement']})",
            "actual": str(n),
            "passed": int(n >= s["count"] if s["at_least"] else n == s["count"]),
            "detail": f"stated on p. {s['page']}; events starting {s['first_date']}..{s['last_date']} "
                      f"read on {_pages(pages)}",
        })
    if events:
        first, last = f"{ctx.year}-01-01", f"{ctx.year}-12-31"
        outside = [e for e in events if e["end_date"] < first or e["start_date"] > last]
        out.append({
            "check": "calendar.events_in_report_year",
            "expected": f"0 events outside {ctx.year}",
            "actual": f"{len(outside)} outside" + (
                ": " + ", ".join(f"{e['start_date']} {e['title'][:40]}" for e in outside[:5]) if outside else ""),
            "passed": int(not outside),
            "detail": "; ".join(f"p. {e.get('page')}: {e['start_date']} {e['title'][:60]}" for e in outside) or None,
        })
    if state.months:
        # the calendar of a year's report covers its year, January to December, unless its
        # heading says otherwise; and any month it prints beyond (running into January)
        cover = state.coverage
        out.append(months_present(
            state.months, ctx.language,
            expected=(cover.first, cover.last) if cover else (_index(ctx.year, 1), _index(ctx.year, 12)),
            source=f"as the heading on p. {cover.page} says: {cover.printed!r}" if cover else None))
        out.append(events_cut(events, state.copies, state.months))
    return out


def _pages(pages: list[int]) -> str:
    return ("p. " + ", ".join(map(str, pages))) if pages else "no page"


def _month_name(year: int, month: int, language: str) -> str:
    names = get_month_names("wide", locale=language if language in vocab.LANGUAGES else "en")
    return f"{names[month]} {year}"


def _index(year: int, month: int) -> int:
    return year * 12 + month - 1


def months_present(months: list[dict[str, Any]], language: str,
                   expected: tuple[int, int] | None = None, source: str | None = None) -> dict[str, Any]:
    """Every month expected (`expected`: the first and last month index, the report's
    January to December or what its heading says, `source`; else from the first month
    read to the last), each on some page.

    A month page lost (not in the file, or not read) leaves a hole, the first and the
    last month too: named, with the pages around it."""
    seen = {_index(m["year"], m["month"]): m["page"] for m in months}
    lo, hi = min(seen), max(seen)
    if expected:
        lo, hi = min(lo, expected[0]), max(hi, expected[1])
    missing = [i for i in range(lo, hi + 1) if i not in seen]

    def around(i: int) -> str:
        before = max((seen[j] for j in seen if j < i), default=None)
        after = min((seen[j] for j in seen if j > i), default=None)
        if before is None:
            return f"before p. {after}, the first month read"
        if after is None:
            return f"after p. {before}, the last month read"
        return f"between p. {before} and p. {after}"

    names = [_month_name(i // 12, i % 12 + 1, language) for i in missing]
    return {
        "check": "calendar.months_present",
        "expected": f"{hi - lo + 1} months, {_month_name(lo // 12, lo % 12 + 1, language)} to "
                    f"{_month_name(hi // 12, hi % 12 + 1, language)}" + (f" ({source})" if source else ""),
        "actual": f"{hi - lo + 1 - len(missing)} read" + (f", missing {', '.join(names)}" if missing else ""),
        "passed": int(not missing),
        "detail": "; ".join(f"{name} missing ({around(i)}): its page is not in the file or not read "
                            "(see the pages table)" for name, i in zip(names, missing)) or None,
    }


def events_cut(events: list[dict[str, Any]], copies: list[dict[str, Any]],
               months: list[dict[str, Any]]) -> dict[str, Any]:
    """No event ends on a month's last day while the next month's page goes on with it.

    An event that runs to the last day of its month is printed again on the next
    month's page and the copies are merged into one event. It is cut when the next
    month was not read (it may go on there), or when a copy on the 1st of the next month
    looks like it (same title, bar a few characters) but was not merged."""
    seen = {_index(m["year"], m["month"]) for m in months}
    last_month = max(seen)
    problems = []
    for e in events:
        end = dt.date.fromisoformat(e["end_date"])
        if end.day != cal.monthrange(end.year, end.month)[1]:
            continue
        following = _index(end.year, end.month) + 1
        if following > last_month:
            continue  # the calendar ends with this month
        if following not in seen:
            problems.append(f"p. {e.get('page')}: {e['title'][:60]!r} ends {e['end_date']}, and the next "
                            "month's page was not read: it may go on there")
            continue
        first = dt.date(end.year, end.month, 1) + dt.timedelta(days=31)
        first = first.replace(day=1).isoformat()
        for c in copies:
            if c["start"] == first and c["title"] != e["title"] \
                    and fuzz.ratio(vocab.fold(c["title"]), vocab.fold(e["title"])) >= CALENDAR.same_title:
                problems.append(f"p. {e.get('page')}: {e['title'][:60]!r} ends {e['end_date']}, and p. "
                                f"{c['page']} goes on with {c['title'][:60]!r} from {first}: one event "
                                "read as two (a title read differently)")
    return {
        "check": "calendar.events_cut_at_month_end",
        "expected": "0 events cut at a month's end",
        "actual": f"{len(problems)} cut",
        "passed": int(not problems),
        "detail": "; ".join(problems) or None,
    }


PARSER = register(NAME, vocabulary=NAME, select_pages=select_pages, parse=parse, checks=checks, run=True)
