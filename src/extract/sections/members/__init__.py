"""The members matrix ("Cartographie des membres" / its English counterpart).

Two matrices over about twelve pages: the header block names the columns, the x
positions under it place the cells, the fill colour of a name says Board membership,
`(N)` says a new member. Both matrices of a report merge into one `member_status` row
per member (identity from `ctx.names.member`), cells into tidy `member_indicators`.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from extract.lang import vocab
from extract.pdf import prepass
from extract.pdf.layout import Page, Word, bbox_of, group_lines, is_red, split_line
from extract.sections import ReportContext, Section, register
from extract.sections.members import legend as legends
from extract.sections.members import matrix, titles
from extract.store.rows import Indicator, columns
from extract.toolkit.settings import MATRIX, MEMBERS
from extract.toolkit.text import marker_pattern, slug  # noqa: F401  (members.slug: an unknown column's key)

NAME = "members"
# A year in a title (the fee column carries one), or the vocabulary's placeholder.
YEAR = re.compile(r"\b(19|20)\d\d\b|\{year\}")


def norm(text: str) -> str:
    """Folded text without punctuation or years, for fuzzy comparison.

    >>> norm("Participation aux réunions du “Board of Directors”")
    'participation aux reunions du board of directors'
    >>> norm("Paiement du quota 2021")
    'paiement du quota'
    """
    text = YEAR.sub(" ", vocab.fold(text))
    return " ".join(re.sub(r"[^\w&]+", " ", text).split())


@cache
def _vocab(language: str) -> dict[str, Any]:
    return vocab.section(NAME, language)


@cache
def header_vocabulary() -> dict[str, tuple[str, ...]]:
    """Indicator key -> every known title of it, in every language (lists merged, not
    replaced): on purpose not only `ctx.language`, a report may print another language's table."""
    out: dict[str, list[str]] = {}
    for lang in vocab.LANGUAGES:
        for key, known in (_vocab(lang).get("headers") or {}).items():
            out.setdefault(key, []).extend(known)
    return {key: tuple(known) for key, known in out.items()}


def _all(name: str) -> list[str]:
    return [item for lang in vocab.LANGUAGES for item in _vocab(lang).get(name, [])]


@cache
def title_tokens() -> frozenset[str]:
    """Words of every known column title (3+ letters): what a header line is made of."""
    words = {w for known in header_vocabulary().values() for t in known for w in norm(t).split()}
    return frozenset(w for w in words if len(w) >= 3 and w.isalpha())


def is_title_word(word: str) -> bool:
    """A word of some known column title: what header lines are made of.

    >>> is_title_word("bilatérales"), is_title_word("dues"), is_title_word("Barcelona")
    (True, True, False)
    """
    return norm(word) in title_tokens() or titles.is_title_word(word)


def match_header(title: str, language: str | None = None) -> tuple[str | None, float]:
    """The indicator key of one column title read alone (by meaning, `extract.sections.members.titles`)
    and its score (0..1); None when it names no indicator surely. Without a language,
    the language whose vocabulary reads it best.

    >>> match_header("Paiement du quota 2021")[0], match_header("Membre activé")[0]
    ('fee_paid', 'activated')
    >>> match_header("Board of Directors meetings attended")[0]
    'board_meeting_participation'
    """
    best: tuple[str | None, float] = (None, 0.0)
    for lang in [language] if language else titles.languages():
        reading = titles.read_columns([title], lang)[0]
        if reading.known and (best[0] is None or reading.score > best[1]):
            best = (reading.key, reading.score)
        elif best[0] is None:
            best = (None, max(best[1], reading.score))
    return best


@cache
def _decorations() -> tuple[str, ...]:
    return tuple(norm(p) for p in _all("headings") + _all("legend"))


def is_decoration(text: str) -> bool:
    """A heading or a legend line, in any known language."""
    target = norm(text)
    return any(fuzz.ratio(target, p) >= MEMBERS.decoration_score for p in _decorations())


@cache
def _name_headers() -> frozenset[str]:
    return frozenset(norm(w) for w in _all("name_headers"))


def is_name_header(word: str) -> bool:
    return norm(word) in _name_headers()


NEW_MARK = marker_pattern(_all("new_markers"))


def strip_marker(name: str) -> tuple[str, bool]:
    """The name without its new-member mark, and whether it had one.

    >>> strip_marker("Área Metropolitana de Guadalajara (N)")
    ('Área Metropolitana de Guadalajara', True)
    """
    cleaned, n = NEW_MARK.subn(" ", name)
    return " ".join(cleaned.split()), n > 0


def value_number(value: str) -> float | None:
    """`3` -> 3.0, `Yes` -> 1.0, `L`, `-` -> None.

    >>> value_number("12"), value_number("Oui"), value_number("L & P"), value_number("-")
    (12.0, 1.0, None, None)
    """
    if norm(value) in {norm(w) for w in _all("yes_words")}:
        return 1.0
    text = value.replace("\u202f", "").replace("\xa0", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


# The text a mark drawn with no text (a dot, a tick path) stands for among a cell's words.
DRAWN = "\u25cc"
YES = "Yes"


@cache
def _yes_marks() -> frozenset[str]:
    return frozenset(_all("yes_marks"))


def read_mark(value: str, declared: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """A cell's value and its mark as printed: every yes-mark (a yes-word of any
    language, a glyph of the vocabulary or declared by the legend, a drawn shape) is
    `Yes`, the mark kept beside it; other values are as printed (no mark).

    >>> read_mark("Oui"), read_mark("✓"), read_mark(DRAWN), read_mark("Yes"), read_mark("L & P")
    (('Yes', 'Oui'), ('Yes', '✓'), ('Yes', 'drawn'), ('Yes', None), ('L & P', None))
    """
    text = value.strip()
    if text == YES:
        return YES, None
    if text and all(part == DRAWN for part in text.split()):
        return YES, "drawn"
    if norm(text) in {norm(w) for w in _all("yes_words")} or text in _yes_marks() or text in declared:
        return YES, text
    return value, None


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    """Pages with the matrix heading or the titles of three indicators, and the pages
    right after one of them that repeat at least one title (a continuation without heading).
    """
    headings = [norm(h) for h in _all("headings")]
    pages: list[int] = []
    before: dict[str, str] = {}  # title lines of the last selected page (normalised: as printed)
    named: set[str] = set()  # the indicators they name
    for number, text in enumerate(texts, start=1):
        lines = [norm(line) for line in text.splitlines() if line.strip()]
        # Lines with words of column titles, legends aside ("membre du conseil
        # d'administration" names no column); a repeated header repeats these lines.
        # (kept as printed too: an acronym is one in capitals only)
        title_lines = {norm(line): line for line in text.splitlines()
                       if any(map(is_title_word, line.split())) and not is_decoration(line)}
        # (a text layer without word gaps, `MEMBERSMAPPINGIngrey,`: the heading squashed)
        if any(fuzz.ratio(line, h) >= MEMBERS.decoration_score for line in lines for h in headings) \
                or any(prepass.squash(h) in prepass.squash(text[:MEMBERS.head_chars]) for h in headings):
            pages.append(number)
            before, named = title_lines, titles.indicators_named("\n".join(title_lines.values()), ctx.language)
            continue
        hits = titles_on_page(set(" ".join(lines).split()))
        follows = bool(pages) and pages[-1] == number - 1
        # A continuation titled in other words than the vocabulary's: the page right
        # after a matrix page that repeats its title lines, naming its indicators again
        # (prose after the matrix that names them in sentences of its own is not one).
        # (a legend beside the header on the first page only shares its baselines: a line
        # within a line of the page before counts as repeated when it names an indicator)
        repeated = [short for a, raw_a in title_lines.items() for b, raw_b in before.items()
                    if (a in b or b in a) and (short := min(raw_a, raw_b, key=len))
                    and (a == b or titles.indicators_named(short, ctx.language))]
        shared = titles.indicators_named("\n".join(repeated), ctx.language) if follows else set()
        again = bool(shared) and len(shared) >= min(2, len(named))
        if hits >= 3 or (hits >= 1 and follows) or again or is_matrix_page(text) \
                or (follows and is_continuation(text)):
            pages.append(number)
            before, named = title_lines, titles.indicators_named("\n".join(title_lines.values()), ctx.language)
    return pages


def is_matrix_page(text: str) -> bool:
    """Rows of names followed by cells make up half the page's lines or more."""
    lines = [line for line in text.splitlines() if line.strip()]
    rows = prepass.matrix_rows(text, frozenset(norm(w) for w in _all("yes_words")) | {m.lower() for m in _yes_marks()})
    return rows >= MEMBERS.min_rows and rows >= 0.5 * len(lines)


def is_continuation(text: str) -> bool:
    """A page of rows only, without title or heading (a matrix whose header is printed
    on its first page): names (capitalised words) and cells (numbers, codes, yes-words
    and marks), MEMBERS.continuation_rows of each at least (the last page of a matrix may hold
    a few rows), and few words in small letters (prose is made
    of them). Judged by tokens: a text layer may cut a name anywhere (`Guad` / `alaj`),
    or run several rows into one line. A calendar's days running 1, 2, 3... are no rows."""
    if prepass.day_run(text):
        return False
    cell_words = frozenset(norm(w) for w in _all("yes_words")) | {m.lower() for m in _yes_marks()}
    names = cells = small = 0
    for token in text.split():
        if prepass._is_cell(token, cell_words) or token in _yes_marks():
            cells += 1
        elif token[:1].isupper():
            names += 1
        elif token.isalpha():
            small += 1
    return names >= MEMBERS.continuation_rows and cells >= MEMBERS.continuation_rows and small <= MEMBERS.small_share * (names + cells)


def titles_on_page(words: set[str]) -> int:
    """How many indicators have a title whose long words are (mostly) among `words`."""
    hits = 0
    for known in header_vocabulary().values():
        for title in known:
            needed = [w for w in norm(title).split() if len(w) >= 4]
            if needed and sum(w in words for w in needed) >= 0.8 * len(needed):
                hits += 1
                break
    return hits


def _content_words(page: Page, legend_words: set[int] = frozenset()) -> list[Word]:
    """The page's words without headings and legend lines (a legend may share its
    baseline with header titles, so each gutter-separated piece is judged alone), and
    the marks drawn without text as words `DRAWN` (a cell's only content)."""
    keep: list[Word] = []
    words = [w for w in page.words if id(w) not in legend_words]
    size = statistics.median(w.size for w in words) if words else 10.0
    legend_lines = [(w.top, w.bottom) for w in page.words if id(w) in legend_words]
    for shape in page.shapes:
        if any(top <= (shape.top + shape.bottom) / 2 <= bottom for top, bottom in legend_lines):
            continue  # the swatch or mark a legend line defines
        if not any(w.x0 <= shape.x1 and shape.x0 <= w.x1 and w.top <= shape.bottom and shape.top <= w.bottom
                   for w in words):  # not an underline, a bullet or a box around text
            middle = (shape.top + shape.bottom) / 2
            keep.append(Word(DRAWN, shape.x0, middle - size / 2, shape.x1, middle + size / 2, size, "", shape.color))
    for line in group_lines(words):
        pieces = split_line(line, MATRIX.name_gap)
        i = 0
        while i < len(pieces):
            # a heading or legend piece; or, when a piece alone is none, the longest run
            # of pieces from here that is one (a heading letter-spaced wider than a name
            # gap comes in several pieces) and whose own pieces are none of them
            j = i + 1 if is_decoration(pieces[i].text) else next(
                (j for j in range(len(pieces), i + 1, -1)
                 if is_decoration(" ".join(p.text for p in pieces[i:j]))
                 and not any(is_decoration(p.text) for p in pieces[i + 1:j])), i)
            if j > i:
                i = j
                continue
            keep.extend(pieces[i].words)
            i += 1
    return keep


REASONS = {
    "weak": "its words name no indicator surely",
    "ambiguous": "it reads as two indicators",
    "cells": "its cells contradict the indicator",
    "taken": "another column holds that indicator",
    "unexpected cells": "its cells are of a kind not seen for that indicator",
}


def read_columns(columns: list[matrix.Column], ctx: ReportContext,
                 cells: list[list[str]] | None = None) -> list[titles.Reading]:
    """The reading of every column of one matrix (`extract.sections.members.titles.read_columns`): the
    archivist's decisions first, then the titles by meaning, the cells voting. An
    unknown title is kept as `unknown:<slug>` with a warning, never dropped."""
    printed = [c.title for c in columns]
    decided = {t: key for t in printed if (key := ctx.decisions.column(t))}
    readings = titles.read_columns(printed, ctx.language, cells, decided)
    for reading in readings:
        if not reading.known:
            best = (f"; best {reading.candidate} at {reading.score:.2f}" if reading.candidate else "")
            _warn_once(ctx, f"members matrix: column header {reading.title!r} matches no known "
                            f"indicator ({REASONS.get(reading.reason or '', reading.reason)}{best}); "
                            f"kept as {reading.key}")
        elif reading.unexpected_cells:
            # The title names this indicator and no other: it stands; the cells only say
            # that this producer prints it another way (`cell_kinds` in the vocabulary).
            _warn_once(ctx, f"members matrix: column {reading.title!r} read as {reading.key}, but its "
                            f"cells are {reading.cell_kind} cells, a kind not seen for {reading.key} "
                            "(kept; add the kind to cell_kinds in the vocabulary if this is how it is printed)")
        if reading.key == "fee_paid":
            year = re.search(r"\b(?:19|20)\d\d\b", reading.title)
            if year and int(year.group()) != ctx.year:
                _warn_once(ctx, f"members matrix: fee column {reading.title!r} is not for {ctx.year}")
    return readings


def column_keys(columns: list[matrix.Column], ctx: ReportContext,
                cells: list[list[str]] | None = None) -> list[str]:
    """The indicator key of each column; an unknown or repeated title becomes `unknown:<slug>`."""
    return [r.key for r in read_columns(columns, ctx, cells)]


def review_rows(columns: list[matrix.Column], readings: list[titles.Reading], page: int) -> list[dict[str, Any]]:
    """Rows of `column_review`: titles left unknown or mapped with low confidence, each
    with the line of decisions.yml that settles it and the box of the printed title."""
    rows = []
    for column, r in zip(columns, readings):
        if not r.needs_review:
            continue
        rows.append({
            "page": page, "printed_title": r.title, "key": r.key, "score": round(r.score, 3),
            "candidate": r.candidate, "runner_up": r.runner_up,
            "runner_up_score": round(r.runner_up_score, 3), "reason": r.reason,
            "decision_line": titles.review_line(r.title, r.candidate or "<indicator_key>").strip(),
            "cell_kind": r.cell_kind,
            "x0": column.x0, "top": column.top, "x1": column.x1, "bottom": column.bottom,
        })
    return rows


def _warn_once(ctx: ReportContext, message: str) -> None:
    """The header repeats on every page; its warning is said once."""
    if message not in ctx.warnings:
        ctx.warn(message)


@dataclass
class Marks:
    """How this report marks a Board member and a new member, and what a yes-cell may
    be: as its legend declares (`legend.read_legend`); without a legend, the
    vocabulary's (red, `(N)`), said in the `members.legend_read` check."""

    legend: legends.Legend = field(default_factory=legends.Legend)

    def __post_init__(self) -> None:
        lg = self.legend
        self.new = legends.marker_regex([lg.new_marker]) if lg.new_marker else NEW_MARK
        self.board = legends.marker_regex([lg.board_marker]) if lg.board_marker else None
        self.yes = frozenset(lg.yes_marks)

    def unmark(self, name: str) -> tuple[str, bool, bool]:
        """The name without its marks; whether it had the new-member and the Board marker."""
        cleaned, new = self.new.subn(" ", name)
        board = 0
        if self.board is not None:
            cleaned, board = self.board.subn(" ", cleaned)
        return " ".join(cleaned.split()), new > 0, board > 0

    def is_board(self, words: list[Word]) -> bool:
        """The name's letters are mostly in the Board colour (by the legend, else red)."""
        letters = [w for w in words if any(c.isalpha() for c in w.text) and not self.new.fullmatch(w.text)]
        if not letters or self.board is not None:
            return False
        declared = self.legend.board_color
        if declared is None:
            if self.legend.board_unread:
                return False  # the legend's Board line was not read: no guess (a failing check)
            return sum(is_red(w.color) for w in letters) * 2 > len(letters)
        exact = self.legend.board_color_exact
        return sum(legends.same_colour(w.color, declared, exact) for w in letters) * 2 > len(letters)


def _is_board(words: list[Word]) -> bool:
    return Marks().is_board(words)


@dataclass
class MatrixState:
    """For the checks: the matrices (0, 1, ...) each member's row was printed in."""

    seen_in: dict[str, list[int]] = field(default_factory=dict)
    unknown_titles: list[str] = field(default_factory=list)  # column titles left unknown
    # every printed row of every matrix: matrix, page, member, name lines, bands
    rows: list[dict[str, Any]] = field(default_factory=list)
    # what a page's evidence says against the rows read (`matrix.segment_names`)
    doubts: list[str] = field(default_factory=list)
    marks: Marks | None = None  # as the legend declares


def _read_page(page: Page, carried: list[matrix.Column] | None,
               hints: matrix.Hints | None, marks: Marks, legend_words: set[int]) -> list[matrix.Matrix]:
    return matrix.read_matrices(
        _content_words(page, legend_words), is_title_word, is_name_header,
        is_complete=lambda text: bool(marks.new.search(text)), previous=carried,
        rules=page.rules, boxes=page.boxes, hints=hints, turned=page.turned,
    )


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    status: dict[str, dict[str, Any]] = {}
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    matrices: dict[tuple[str, ...], int] = {}
    state = MatrixState()
    previous: list[matrix.Column] | None = None
    previous_page = 0
    read: list[tuple[Page, list[matrix.Matrix], Any]] = []
    # The legend first (it may be printed on the first page only): how names and
    # cells are marked holds on every page.
    legend = legends.Legend()
    legend_words: dict[int, set[int]] = {}
    for page in pages:
        found_legend, legend_words[page.number] = legends.read_legend(page.words)
        legend.merge(found_legend)
    marks = state.marks = Marks(legend)
    for line in legend.unread:
        _warn_once(ctx, f"members matrix: legend line {line!r} says what it marks, but not how in words "
                        "the vocabulary knows (a colour word or a marker); Board or new members may be "
                        "missed: check the legend and the vocabulary's `colours`")
    for page in pages:
        # A page without a header continues the matrix of the page just before, only.
        carried = previous if page.number == previous_page + 1 else None
        found = _read_page(page, carried, None, marks, legend_words[page.number])
        read.append((page, found, carried))
        for mx in found:
            previous, previous_page = mx.columns, page.number
    # One report, one typography: what the cells decide on some page (cells centred
    # between name lines, the whites of rows and of names) holds on all of them, so every
    # page is read again knowing what the others showed.
    hints = matrix.Hints.merge([mx.evidence for _, found, _ in read for mx in found])
    if len(read) > 1:
        read = [(page, _read_page(page, carried, hints, marks, legend_words[page.number]), carried)
                for page, _, carried in read]
    notes: dict[int, str | None] = {}
    for page, found, _ in read:
        notes[page.number] = None if any(mx.rows for mx in found) else (
            "no matrix here: no block of column titles over rows of names (and not the "
            "page right after a matrix page)")
    # The header repeats on every page of a matrix: its titles are read once, with the
    # cells of all its pages voting.
    headers: dict[tuple[str, ...], list[tuple[int, matrix.Matrix]]] = {}
    for page, found, _ in read:
        for mx in found:
            headers.setdefault(tuple(c.title for c in mx.columns), []).append((page.number, mx))
    keys_of: dict[tuple[str, ...], list[str]] = {}
    readings_of: dict[tuple[str, ...], list[titles.Reading]] = {}
    review: dict[str, dict[str, Any]] = {}
    for printed, parts in headers.items():
        votes: list[list[str]] = [[] for _ in printed]
        for _, mx in parts:
            for row in mx.rows:
                for index, words in row.cells.items():
                    votes[index].append(matrix.cell_text(words))
        first_page, first = parts[0]
        readings = readings_of[printed] = read_columns(first.columns, ctx, votes)
        keys_of[printed] = [r.key for r in readings]
        for row in review_rows(first.columns, readings, first_page):
            review.setdefault(row["printed_title"], row)
    for page, found, _ in read:
        for mx in found:
            keys = keys_of[tuple(c.title for c in mx.columns)]
            which = matrices.setdefault(tuple(sorted(keys)), len(matrices))
            for word in mx.stray:
                ctx.warn(f"members p.{page.number}: word {word.text!r} belongs to no row of the matrix "
                         "(not stored); check that row on the page")
            for doubt in mx.doubts:
                # The rows were read, but the page's evidence disagrees somewhere: said
                # here and counted by the `members.rows_agree` check.
                ctx.warn(f"members p.{page.number}: {doubt}")
                state.doubts.append(f"p.{page.number}: {doubt}")
            for row in mx.rows:
                member_id = _add_row(row, keys, which, page.number, status, cells, state, ctx)
                if member_id:
                    state.rows.append(_printed_row(row, member_id, which, page.number, ctx, marks))
    state.unknown_titles = sorted({r.title for rs in readings_of.values() for r in rs if not r.known})
    section = Section(pages=notes, state=state)
    section.add("member_status", list(status.values()))
    section.add("member_indicators", list(cells.values()))
    section.add("column_review", list(review.values()))
    if status:
        section.add("indicators", indicator_dictionary())
        section.add("indicator_labels", indicator_labels())
    return section


def _printed_row(row: matrix.MatrixRow, member_id: str, which: int, page: int,
                 ctx: ReportContext, marks: Marks) -> dict[str, Any]:
    """What the checks need of one printed row: its matrix, page, name lines, the band
    of its name and the vertical extent of each of its cells."""
    printed = marks.unmark(row.name)[0]
    lines = [marks.unmark(line.text)[0] for line in row.name_lines]
    # two names run together over two lines read, line by line, as places, and as a
    # whole as none
    run_together = len(lines) > 1 and ctx.names.peek(printed) is None and all(
        any(c.isalpha() for c in line) and ctx.names.peek(line) is not None for line in lines)
    return {
        "matrix": which, "page": page, "member_id": member_id, "printed_name": printed, "lines": lines,
        "band": (row.top, row.bottom), "lines_are_names": int(run_together),
        "cells": [(min(w.top for w in ws), max(w.bottom for w in ws)) for ws in row.cells.values() if ws],
    }


def _add_row(row: matrix.MatrixRow, keys: list[str], which: int, page: int,
             status: dict[str, dict[str, Any]], cells: dict[tuple[str, str], dict[str, Any]],
             state: MatrixState, ctx: ReportContext) -> str | None:
    """Adds one printed row to the member's status and cells; its member id, or None
    when the names column holds no name."""
    marks = state.marks or Marks()
    printed, new, board_marked = marks.unmark(row.name)
    if not any(c.isalpha() for c in printed):
        # A folio or a stray number at the names column is not a member.
        if printed:
            ctx.warn(f"members p.{page}: {printed!r} at the names column is not a name; skipped "
                     "(a folio or stray number; check the page if a row is missing)")
        return None
    member_id = ctx.names.member(printed, page=page)
    x0, top, x1, bottom = row.bbox
    board = board_marked or marks.is_board(row.name_words)
    if member_id in status:
        entry = status[member_id]
        entry["is_board_member"] = int(entry["is_board_member"] or board)
        entry["is_new_member"] = int(entry["is_new_member"] or new)
        if which in state.seen_in[member_id]:
            ctx.warn(f"members p.{page}: {printed!r} appears twice in one matrix; the first row "
                     "stands: check both rows on the page, or settle the name in decisions.yml")
        else:
            state.seen_in[member_id].append(which)
    else:
        status[member_id] = {
            "member_id": member_id, "printed_name": printed, "is_board_member": int(board),
            "is_new_member": int(new), "page": page,
            "x0": x0, "top": top, "x1": x1, "bottom": bottom,
        }
        state.seen_in[member_id] = [which]
    for index, words in sorted(row.cells.items()):
        value, mark = read_mark(matrix.cell_text(words), marks.yes)
        key = keys[index]
        if (member_id, key) in cells and cells[(member_id, key)]["value"] != value:
            ctx.warn(f"members p.{page}: {printed!r} has two values for {key}; the later one "
                     "stands: compare both matrices' rows for this member")
        bx0, btop, bx1, bbottom = bbox_of(words)
        cells[(member_id, key)] = {
            "member_id": member_id, "indicator": key, "value": value, "printed": mark,
            "value_num": value_number(value), "page": page,
            "x0": bx0, "top": btop, "x1": bx1, "bottom": bbottom,
        }
    return member_id


def indicator_dictionary() -> list[dict[str, Any]]:
    """Rows of `indicators`: every known key with its label in each language that has a
    `label_<lang>` column, and the first description a vocabulary gives."""
    label_columns = [lang for lang in vocab.LANGUAGES if f"label_{lang}" in columns(Indicator)]
    rows = []
    for key in header_vocabulary():
        row = {"id": key, "description": next(
            (d[key] for lang in ("en", *vocab.LANGUAGES) if key in (d := _vocab(lang).get("descriptions") or {})),
            None)}
        row.update({f"label_{lang}": _label(_vocab(lang), key) for lang in label_columns})
        rows.append(row)
    return rows


def indicator_labels() -> list[dict[str, Any]]:
    """Rows of `indicator_labels`: every key's title in every language folder that has one."""
    return [
        {"indicator": key, "language": lang, "label": label}
        for key in header_vocabulary() for lang in vocab.LANGUAGES
        if (label := _label(_vocab(lang), key))
    ]


def _label(voc: dict[str, Any], key: str) -> str | None:
    """The first title of a key, its `{year}` as the vocabulary's `year_word`."""
    titles = (voc.get("headers") or {}).get(key)
    return titles[0].replace("{year}", voc.get("year_word", "(year)")).strip() if titles else None


def checks(tables: dict[str, list[dict[str, Any]]], state: MatrixState | None,
           ctx: ReportContext) -> list[dict[str, Any]]:
    """The matrix against what the report says of itself (key figures), and itself."""
    status = tables.get("member_status") or []
    if not status:
        return []
    figures = {r["key"]: r for r in tables.get("key_figures") or []}
    out = []
    new = sum(r["is_new_member"] for r in status)
    if "new_members" in figures:
        expected = figures["new_members"]["value"]
        out.append(_check("new_members", _fmt(expected), str(new), new == expected))
    if "active_members_share" in figures:
        expected = float(figures["active_members_share"]["value"])
        activated = sum(
            1 for r in tables.get("member_indicators") or []
            if r["indicator"] == "activated" and (r["value_num"] or 0) > 0
        )
        share = 100.0 * activated / len(status)
        tolerance = 0.5 * 10 ** -_decimals(expected) + 1e-9
        out.append(_check("active_members_share", _fmt(expected), f"{share:.2f} ({activated}/{len(status)})",
                          abs(share - expected) <= tolerance))
    out.append(legend_check(state.marks.legend if state and state.marks else None))
    unknown = state.unknown_titles if state else []
    # Every printed column title read as an indicator: an unknown one fails, naming it.
    out.append(_check("columns_known", "0", str(len(unknown)), not unknown, "; ".join(unknown) or None))
    doubts = state.doubts if state else []
    out.append(_check("rows_agree", "0 rows the page's evidence disputes", str(len(doubts)), not doubts,
                      "; ".join(doubts[:10]) or None))
    rows = state.rows if state else []
    out.append(same_members(rows, len(status)) if rows else _check(
        "members_in_every_matrix", str(len(status)), "no matrix rows", False))
    out.append(row_bands(rows))
    out.append(run_together(rows))
    if "members" in figures:
        expected = figures["members"]["value"]
        out.append(_check("members", _fmt(expected), str(len(status)), len(status) == expected))
    # no two members on one place, unless a curated pairing (a city and its body)
    out.append(ctx.names.shared_place_check({r["member_id"] for r in status}))
    return out


def legend_check(legend: legends.Legend | None) -> dict[str, Any]:
    """Every legend line that says what it marks was read: one the vocabulary cannot
    read fails, naming it (the Board or new members it declares may be missed)."""
    if legend is None or not legend.found:
        return _check("legend_read", "a legend", "no legend: names in red are the Board, (N) is new",
                      True, "no legend line found on the matrix pages; the vocabulary's marks were used")
    unread = legend.unread
    return _check("legend_read", f"{len(legend.lines) + len(unread)} legend lines read", f"{len(legend.lines)} read",
                  not unread, ("unread: " + "; ".join(unread)) if unread else None)


def _check(name: str, expected: str, actual: str, passed: bool, detail: str | None = None) -> dict[str, Any]:
    return {"check": f"members.{name}", "expected": expected, "actual": actual, "passed": int(passed),
            "detail": detail}


def _span(pages: set[int]) -> str:
    lo, hi = min(pages), max(pages)
    missing = [n for n in range(lo, hi + 1) if n not in pages]
    return f"p. {lo}–{hi}" + (f" (no row on p. {', '.join(map(str, missing))})" if missing else "")


def same_members(rows: list[dict[str, Any]], members: int) -> dict[str, Any]:
    """Both matrices list the same members: a matrix page lost shows as names missing
    from one matrix, with the pages that matrix was read from."""
    matrices = sorted({r["matrix"] for r in rows})
    names = {m: {r["member_id"]: r["printed_name"] for r in rows if r["matrix"] == m} for m in matrices}
    every = {k: v for m in matrices for k, v in names[m].items()}
    counts, details = [], []
    for m in matrices:
        pages = {r["page"] for r in rows if r["matrix"] == m}
        counts.append(str(len(names[m])))
        lost = [every[k] for k in every if k not in names[m]]
        if lost:
            shown = ", ".join(lost[:8]) + (f" and {len(lost) - 8} more" if len(lost) > 8 else "")
            details.append(f"matrix {m + 1} ({_span(pages)}) lacks {len(lost)}: {shown}")
    return _check("members_in_every_matrix", str(members), " / ".join(counts),
                  not details and all(int(c) == members for c in counts), "; ".join(details) or None)


def row_bands(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """No cell of a row lies in the band of another row's name on its page: a cell
    there was given to the wrong member."""
    problems = []
    by_page: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in rows:
        by_page.setdefault((r["page"], r["matrix"]), []).append(r)
    for (page, _), page_rows in sorted(by_page.items()):
        for r in page_rows:
            for top, bottom in r["cells"]:
                mid = (top + bottom) / 2
                other = next((o for o in page_rows if o is not r and o["band"][0] <= mid <= o["band"][1]), None)
                if other is not None:
                    problems.append(f"p. {page}: a cell of {r['printed_name']!r} lies in the row of "
                                    f"{other['printed_name']!r}")
    return _check("row_bands", "0 cells in another row's band", f"{len(problems)} found", not problems,
                  "; ".join(problems[:20]) or None)


def run_together(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """No printed name is two members' names run together: one that is two other
    printed names end to end, or whose lines are each a place while the whole is none."""
    known = {vocab.fold(r["printed_name"]) for r in rows}
    problems = []
    for r in rows:
        words = r["printed_name"].split()
        split = next((i for i in range(1, len(words))
                      if vocab.fold(" ".join(words[:i])) in known and vocab.fold(" ".join(words[i:])) in known),
                     None)
        if split is not None:
            problems.append(f"p. {r['page']}: {r['printed_name']!r} is {' '.join(words[:split])!r} "
                            f"and {' '.join(words[split:])!r} run together")
        elif r.get("lines_are_names"):
            problems.append(f"p. {r['page']}: {r['printed_name']!r} reads as {len(r['lines'])} places, "
                            f"one a line ({' / '.join(r['lines'])})")
    unique = list(dict.fromkeys(problems))
    return _check("names_not_run_together", "0 names run together", f"{len(unique)} found", not unique,
                  "; ".join(unique[:20]) or None)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


PARSER = register(NAME, vocabulary=NAME, select_pages=select_pages, parse=parse, checks=checks, run=True)
