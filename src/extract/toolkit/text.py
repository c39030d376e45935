"""Text helpers every parser shares (as pdfplumber has `utils/text.py`): folding for
matching, joining printed lines with hyphenation undone, elision, slugs.

What differs between languages is data, in `vocab/<lang>/report.yml`:
`word_frequencies` (the wordfreq list whose frequencies tell a soft hyphen from a real
one) and `elision` (the prefixes a name may be glued to: French `l’`, `d’`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from extract.toolkit.frequencies import WordFrequencies


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Accent-, case- and apostrophe-insensitive form for matching vocabulary.

    Cached: parsers fold the same labels and words tens of thousands of times a report.

    >>> fold("Février – L’ÉTÉ")
    "fevrier - l'ete"
    """
    if text.isascii():  # NFKD, accents and typographic quotes cannot occur
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return " ".join(text.lower().split())


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each folded character, its index in `text` (to cut the
    printed text where a pattern matched the folded one).

    >>> fold_with_offsets("É  t")
    ('e t', [0, 1, 3])
    """
    chars: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(text):
        if c.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                offsets.append(i)
            continue
        for f in fold(c) or "":
            chars.append(f)
            offsets.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def slug(text: str) -> str:
    """Folded text with dashes for everything but letters and digits.

    >>> slug("Membres hébergeant un atelier")
    'membres-hebergeant-un-atelier'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def strip_glued_number(text: str) -> str:
    """A word with a number glued to its end by the text layer (`Iran6`: a day number
    of the next row) without that number; `COVID-19`, `G20` and `2021` stay.

    >>> strip_glued_number("Téhéran, Iran6"), strip_glued_number("U20"), strip_glued_number("COVID-19")
    ('Téhéran, Iran', 'U20', 'COVID-19')
    """
    return re.sub(r"(?<=[^\W\d_]{3})\d{1,2}$", "", text)


def marker_pattern(markers: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    """A regex for printed markers such as `(N)` (spaces around and inside optional),
    with the spaces around it, to cut them out of a name.

    >>> marker_pattern(["(N)"]).sub(" ", "Palembang ( N )").strip()
    'Palembang'
    """
    marks = [re.escape(m).replace(r"\ ", r"\s*") for m in markers]
    inner = [m.replace(r"\(", r"\(\s*").replace(r"\)", r"\s*\)") for m in marks]
    return re.compile(r"\s*(?:" + "|".join(inner or [r"(?!)"]) + r")\s*", flags)


# --- lines ----------------------------------------------------------------------------

# How much rarer (in Zipf units, log10) the joined form of a line-end split may be than
# wordfreq's estimate of the hyphenated form and still be the word meant. wordfreq has no
# hyphenated words (it splits them), so its estimate of `well-being` is that of its two
# words together, which overrates every pair of common words: `back-` / `bone` (backbone
# 3.53, back-bone 4.46) is one word. Read off the line ends of the seed report and the
# specimens: soft splits lie within 0.93 of the estimate, real hyphens 2.17 or more below
# it (`wellbeing` 3.52 for `well-being` 5.69); 1.5 is half-way. On splits of every word of
# the seed report and the data files at each hyphenation point pyphen allows (held out:
# 8,000 pairs) it is right 98 % of the time, and keeps 51 of the 52 real hyphens.
KEEP_MARGIN = 1.5

Lexicon = WordFrequencies | Callable[[str], bool] | frozenset[str]


def soft_hyphen(head: str, tail: str, known: Lexicon) -> bool:
    """Is the hyphen between `head-` and `tail` (at a line end) a soft one, to drop?

    With word frequencies (`vocab.lexicon`): soft unless the joined form is much rarer
    than the hyphenated one (`KEEP_MARGIN`): `well-` / `being` and `juillet-` /
    `septembre` stay, `ni-` / `veau` becomes `niveau`, `Bar-` / `celone` (no word of the
    list on one side) `Barcelone`. With a set of words (or a predicate): soft unless both
    halves are words and the joined form is not one. With neither: always soft.

    >>> en = WordFrequencies.load("large_en")
    >>> [soft_hyphen(h, t, en) for h, t in [("well", "being"), ("inter", "national")]]
    [False, True]
    """
    if isinstance(known, WordFrequencies):
        return known.zipf(head + tail) + KEEP_MARGIN >= known.zipf(head, tail)
    is_known = known if callable(known) else (lambda w: not known or w.lower() in known)
    if is_known(head + tail):
        return True
    return not (is_known(head) and is_known(tail))


def join_lines(lines: Iterable[str], known: Lexicon = frozenset()) -> str:
    """Printed lines as one text, one space between lines, hyphenation undone.

    A line-end hyphen after a letter before a lower-case letter is dropped when it is a
    soft one (`soft_hyphen` with `known`, the language's word frequencies from
    `vocab.lexicon`; with none, every such hyphen is soft), else kept with no space;
    before a capital or a digit it is part of the word (`ONU-` / `Habitat`, `2021-` /
    `2027`); a dash standing alone (`Cities -` / `Le`) keeps its spaces.

    >>> join_lines(["l’Assemblée des Na-", "tions Unies", "post-", "Covid-19", "Cities -", "Le"])
    'l’Assemblée des Nations Unies post-Covid-19 Cities - Le'
    >>> join_lines(["à Cordoue, Bar-", "celone et Madrid", "Addis-", "Abeba"])
    'à Cordoue, Barcelone et Madrid Addis-Abeba'
    >>> en = WordFrequencies.load("large_en")
    >>> join_lines(["nature-", "based, well-", "being, inter-", "national develop-", "ment"], en)
    'nature-based, well-being, international development'
    >>> join_lines(["nature-", "based, well-", "being"])  # no frequencies: every hyphen is soft
    'naturebased, wellbeing'
    """
    if isinstance(known, str):  # the old signature took a language code here
        raise TypeError("join_lines(lines, known): pass vocab.lexicon(language), not a language code")
    words = known
    out = ""
    for line in (" ".join(raw.split()) for raw in lines):
        if not line:
            continue
        if not out:
            out = line
            continue
        head = re.search(r"([^\W\d_]+)-$", out)
        if out.endswith("-") and len(out) > 1 and not out[-2].isspace():
            tail = re.match(r"[^\W\d_]+", line)
            if head and tail and line[0].islower() and soft_hyphen(head.group(1), tail.group(0), words):
                out = out[:-1] + line
            else:
                out += line
        else:
            out = f"{out} {line}"
    return out
