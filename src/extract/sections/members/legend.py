"""What the matrix's legend declares: how a Board member and a new member are marked,
and which marks mean yes in a cell.

A legend line names a meaning with the words of a language folder (`board_phrases`,
`new_phrases`, `yes_words`) and the mark beside it: a colour word (`En rouge, membre du
conseil d’administration`, the line often printed in that colour), or a marker (`(N)
Nouveau membre`, `† New member`, `* Miembro del Consejo Directivo`, `✓ Oui`). A line that
names a meaning but whose mark the vocabulary cannot read (`En magenta, ...` printed in
black) is kept in `unread`: a warning and a failing check, never a silent default.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from extract.lang import vocab
from extract.pdf.layout import BLACK, RGB, Word, group_lines, split_line
from extract.sections.members.matrix import left_edge
from extract.toolkit.settings import LEGEND

NAME = "members"


def _all(name: str) -> list:
    return [item for lang in vocab.LANGUAGES for item in (vocab.section(NAME, lang).get(name) or [])]


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w&]+", " ", vocab.fold(text)).split())


@cache
def _phrases(name: str) -> tuple[str, ...]:
    return tuple(sorted({_fold(p) for p in _all(name)}, key=len, reverse=True))


@cache
def colour_words() -> dict[str, RGB]:
    out: dict[str, RGB] = {}
    for lang in vocab.LANGUAGES:
        for word, hexa in (vocab.section(NAME, lang).get("colours") or {}).items():
            h = hexa.lstrip("#")
            out[_fold(word)] = (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)
    return out


@cache
def yes_words() -> frozenset[str]:
    return frozenset(_fold(w) for w in _all("yes_words"))


def is_black(color: RGB) -> bool:
    return sum(c * c for c in color) ** 0.5 <= LEGEND.ink


def _distance(a: RGB, b: RGB) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def same_colour(ink: RGB, declared: RGB, exact: bool) -> bool:
    """`ink` is the declared colour: within LEGEND.same_ink of it when the legend showed the
    colour itself (`exact`), else of its hue (a grey: of no hue, neither black nor white).

    >>> same_colour((0.1, 0.3, 0.8), (0.12, 0.37, 0.75), exact=False), same_colour((0, 0, 0), (0.5, 0.5, 0.5), False)
    (True, False)
    """
    if exact:
        return _distance(ink, declared) <= LEGEND.same_ink
    h1, l1, s1 = colorsys.rgb_to_hls(*ink)
    h2, _, s2 = colorsys.rgb_to_hls(*declared)
    if s2 < 0.15:  # a grey
        return s1 < 0.15 and 0.25 <= l1 <= 0.8
    gap = abs(h1 - h2) * 360
    return s1 >= 0.3 and 0.15 <= l1 <= 0.85 and min(gap, 360 - gap) <= LEGEND.hue


@dataclass
class Legend:
    """What the legend lines of a matrix say (None: not declared)."""

    board_color: RGB | None = None
    board_color_exact: bool = False  # the colour as the legend printed it, not a word's
    board_marker: str | None = None
    new_marker: str | None = None
    yes_marks: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)  # legend lines read
    unread: list[str] = field(default_factory=list)  # legend lines the vocabulary cannot read
    board_unread: bool = False  # one of them names the Board

    @property
    def found(self) -> bool:
        return bool(self.lines or self.unread)

    def merge(self, other: Legend) -> None:
        """Another page's legend: the first declaration of each mark stands."""
        self.board_color = self.board_color or other.board_color
        self.board_color_exact = self.board_color_exact or (other.board_color_exact and
                                                            self.board_color == other.board_color)
        self.board_marker = self.board_marker or other.board_marker
        self.new_marker = self.new_marker or other.new_marker
        self.yes_marks |= other.yes_marks
        self.lines += [line for line in other.lines if line not in self.lines]
        self.unread += [line for line in other.unread if line not in self.unread]
        self.board_unread = self.board_unread or other.board_unread


def _ink(words: Sequence[Word]) -> RGB:
    letters = [w for w in words if any(c.isalpha() for c in w.text)] or list(words)
    colours = [w.color for w in letters]
    return max(set(colours), key=colours.count) if colours else BLACK


def _without(text: str, phrase: str) -> str:
    """`text` (as printed) without the words that fold to `phrase` and without words of
    membership (`membre du`), for what is left: the mark."""
    words = text.split()
    folded = [_fold(w) for w in words]
    target = phrase.split()
    for i in range(len(words)):
        if not folded[i]:
            continue
        j, k = i, 0
        while j < len(words) and k < len(target):
            if not folded[j]:
                j += 1
                continue
            parts = folded[j].split()
            if parts != target[k:k + len(parts)]:
                break
            k += len(parts)
            j += 1
        if k == len(target):
            return " ".join(words[:i] + words[j:])
    return text


MEMBER_WORDS = {"membre", "membres", "member", "members", "miembro", "miembros", "du", "de", "del", "of",
                "the", "la", "le", "el", "en", "in", "a", "un", "une", "uno", "una", "est", "is", "es"}


MEMBERSHIP = {"membre", "membres", "member", "members", "miembro", "miembros"}


def is_marker(word: str) -> bool:
    """A mark set beside a name: no letters (`*`, `†`), a bracketed code (`(N)`,
    `[nuevo]`) or one or two letters.

    >>> is_marker("(B)"), is_marker("†"), is_marker("magenta,")
    (True, True, False)
    """
    return (not any(c.isalpha() for c in word) or bool(re.fullmatch(r"[(\[][^()\[\]]{1,10}[)\]]", word))
            or len(word) <= 2)


def read_line(text: str, ink: RGB, legend: Legend) -> bool:
    """Reads one line into `legend`; whether it was a legend line (read or not).

    >>> lg = Legend(); read_line("† Nouveau membre", BLACK, lg), lg.new_marker
    (True, '†')
    >>> read_line("En bleu, membre du conseil d’administration", BLACK, lg), lg.board_color
    (True, (0.12156862745098039, 0.37254901960784315, 0.7490196078431373))
    >>> read_line("✓ Oui", BLACK, lg), lg.yes_marks
    (True, {'✓'})
    >>> read_line("En magenta, membre du conseil d’administration", BLACK, lg), lg.unread
    (True, ['En magenta, membre du conseil d’administration'])
    """
    folded = _fold(text)
    tokens = text.split()
    # `✓ Oui`, `● = Yes`, `X : Sí`: a mark, then a yes-word
    if 2 <= len(tokens) <= 3 and _fold(tokens[-1]) in yes_words() and not _fold(tokens[0]) in yes_words() \
            and (not any(c.isalpha() for c in tokens[0]) or len(tokens[0]) == 1):
        legend.yes_marks.add(tokens[0])
        legend.lines.append(text)
        return True
    for meaning in ("board_phrases", "new_phrases"):
        phrase = next((p for p in _phrases(meaning) if f" {p} " in f" {folded} "), None)
        if phrase is None:
            continue
        rest = _without(text, phrase)
        rest_words = [w for w in rest.split() if _fold(w) and _fold(w) not in MEMBER_WORDS]
        marks = [w for w in rest.split() if not _fold(w)]  # `*`, `†`: no letters at all
        colour = next((colour_words()[_fold(w)] for w in rest.split() if _fold(w) in colour_words()), None)
        other = [w for w in rest_words if _fold(w) not in colour_words() and not is_marker(w)]
        membership = any(_fold(w) in MEMBERSHIP for w in text.split())
        # A legend line is the phrase, words of membership and one mark: a column title
        # that names the Board (`Participation aux réunions du conseil d’administration`)
        # has words of its own; one word unknown besides is a mark the vocabulary lacks.
        if len(other) > 1 or not (membership or colour is not None or marks or rest_words):
            return False
        if meaning == "board_phrases":
            if colour is not None:
                exact = not is_black(ink)
                legend.board_color, legend.board_color_exact = (ink, True) if exact else (colour, False)
            elif marks or (len(rest_words) == 1 and is_marker(rest_words[0])):
                legend.board_marker = (marks or rest_words)[0]
            elif not rest_words and not is_black(ink):
                legend.board_color, legend.board_color_exact = ink, True  # the line in its colour
            else:
                legend.unread.append(text)
                legend.board_unread = True
                return True
        else:
            mark = " ".join(w for w in rest.split() if not (_fold(w) in MEMBER_WORDS and w.isalpha()))
            if not mark:
                return False  # a heading or a sentence about new members, not a legend
            legend.new_marker = mark
        legend.lines.append(text)
        return True
    return False


def read_legend(words: Sequence[Word], above: float | None = None) -> tuple[Legend, set[int]]:
    """The legend of a page (lines above `above`, the matrix's first title, when given)
    and the ids of its words (decoration, not matrix content)."""
    legend = Legend()
    used: set[int] = set()
    lines = group_lines(words)
    if not lines:
        return legend, used
    left = left_edge(lines)
    for line in lines:
        if above is not None and line.top >= above:
            continue
        # piece by piece: a legend may share its baseline with title lines; it starts at
        # the page's left edge of text (over the names), where no column title does
        for piece in split_line(line, 1.0):
            if piece.x0 > left + piece.size:
                continue
            if read_line(piece.text, _ink(piece.words), legend):
                used.update(id(w) for w in piece.words)
    return legend, used


def marker_regex(markers: Sequence[str]) -> re.Pattern[str]:
    """A marker after a name, as printed (`(N)`, `†`, `(nuevo)`), standing alone."""
    alternatives = "|".join(re.escape(m) for m in sorted(set(markers), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
