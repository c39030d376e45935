"""The fast text pre-pass, made fit for routing pages to sections.

pdfium's plain text (`Document.page_texts`) is what sections choose their pages from.
Producers other than ours make it unreliable in a few known ways, each undone here, in
one place, before any parser looks at it:

- headings drawn one glyph per text object (DTP tools, CSS `letter-spacing`) come out
  one letter a line (`J\\nA\\nN\\nV\\nI\\nE\\nR`) or one letter a word (`J A N V I E R`);
- day numbers drawn in one text object are glued (`123456789`, `MAY123456789`);
- accents come as separate glyphs (`E\\u0301`, `E´`) or decomposed;
- a soft hyphen at a line break comes out as U+FFFE inside the word (`adaptat\\ufffeion`).

Routing also looks at structure, not only words (`day_run`, `matrix_rows`): a page
whose heading no text tool reads right is still a calendar or a matrix page.
"""

from __future__ import annotations

import re
import unicodedata

from extract.lang import vocab
from extract.toolkit.settings import CALENDAR, PREPASS

# Spacing accents a producer may draw as their own glyph -> the combining mark.
SPACING_ACCENTS = {
    "\u00b4": "\u0301", "`": "\u0300", "\u02c6": "\u0302", "^": "\u0302",
    "\u00a8": "\u0308", "\u02dc": "\u0303", "\u00b8": "\u0327",
}
# Punctuation drawn between letter-spaced letters (`D ’ A C T I O N`), part of the word.
GLYPH_PUNCTUATION = frozenset("’'.,-:")

_SINGLE = re.compile(r"^[^\W\d_]$")
_ACCENT_AFTER = re.compile("([^\\W\\d_])\\s?([" + re.escape("".join(SPACING_ACCENTS)) + "])")
_ACCENT_BEFORE = re.compile("([" + re.escape("".join(SPACING_ACCENTS)) + "])([^\\W\\d_])")
_DIGITS = re.compile(rf"(?<![\d.,])\d{{{PREPASS.min_glued},}}(?![\d.,])")


def normalise(text: str) -> str:
    """Pre-pass text with the known producer quirks undone (see the module docstring).

    >>> normalise("J\\nA\\nN\\nV\\nI\\nE\\nR\\n123456789\\n10")
    'JANVIER\\n1\\n2\\n3\\n4\\n5\\n6\\n7\\n8\\n9\\n10'
    >>> normalise("F E\\u0301 V R I E R 2021"), normalise("adaptat\\ufffeion")
    ('FÉVRIER 2021', 'adaptation')
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "")
    text = _join_accents(unicodedata.normalize("NFC", text))
    lines = _join_glyph_lines(text.split("\n"))
    lines = [_join_glyph_words(line) for line in lines]
    lines = [part for line in lines for part in _split_glued(line)]
    return unicodedata.normalize("NFC", "\n".join(lines))


def _join_accents(text: str) -> str:
    """`E´` / `´E` -> `É` where such a letter exists (a real `´` elsewhere stays)."""
    def compose(letter: str, accent: str) -> str | None:
        joined = unicodedata.normalize("NFC", letter + SPACING_ACCENTS[accent])
        return joined if len(joined) == 1 else None

    text = _ACCENT_AFTER.sub(lambda m: compose(m[1], m[2]) or m[0], text)
    return _ACCENT_BEFORE.sub(lambda m: compose(m[2], m[1]) or m[0], text)


def _join_glyph_lines(lines: list[str]) -> list[str]:
    """Runs of lines holding one letter each become one line."""
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, None]:
        if line is not None and _SINGLE.match(line.strip()):
            run.append(line.strip())
            continue
        if len(run) >= PREPASS.min_glyph_run:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if line is not None:
            out.append(line)
    return out


def _join_glyph_words(line: str) -> str:
    """`C A R T E  D E S` -> `CARTE DES`: single glyphs one space apart (letters, and
    the punctuation between them), three letters at least, are one word; two spaces
    or more are the gap between words. Digits stay apart (`Abidjan 1 6 2` is cells).

    >>> _join_glyph_words("J A N V I E R  2 0 2 1"), _join_glyph_words("L & P à 1 2 3")
    ('JANVIER 2 0 2 1', 'L & P à 1 2 3')
    >>> _join_glyph_words("L I G N E D ’ A C T I O N 1")
    'LIGNED’ACTION 1'
    """
    tokens = line.split(" ")
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if sum(t.isalpha() for t in run) >= PREPASS.min_glyph_run:
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()

    for token in tokens:
        if len(token) == 1 and (token.isalpha() or (run and token in GLYPH_PUNCTUATION)):
            run.append(token)
            continue
        flush()
        out.append(token)
    flush()
    return " ".join(t for t in out if t) if out != tokens else line


def glued_days(digits: str) -> list[str] | None:
    """The consecutive integers a glued digit run reads as, or None.

    >>> glued_days("123456789"), glued_days("2829303112"), glued_days("2021")
    (['1', '2', '3', '4', '5', '6', '7', '8', '9'], None, None)
    >>> glued_days("910111213")
    ['9', '10', '11', '12', '13']
    """
    for width in (1, 2):
        start = int(digits[:width])
        if start == 0:
            continue
        parts, n, rest = [], start, digits
        while rest.startswith(str(n)):
            parts.append(str(n))
            rest = rest[len(str(n)):]
            n += 1
        if not rest and len(parts) >= PREPASS.min_glued:
            return parts
    return None


def _split_glued(line: str) -> list[str]:
    """A line with a glued run of day numbers, as one line per number (a name glued
    before the run keeps its own line)."""
    m = _DIGITS.search(line)
    if not m:
        return [line]
    days = glued_days(m.group())
    if days is None:
        return [line]
    head, tail = line[:m.start()].rstrip(), line[m.end():].strip()
    return [p for p in (head, *days, tail) if p]


# --- structure -----------------------------------------------------------------------

_LONE = re.compile(r"^\s*(\d{1,2})\s*$")
_GLUED_END = re.compile(r"[^\d\s.,:/\-](\d{1,2})\s*$")
_LEADING = re.compile(r"^\s*(\d{1,2})\s+\S")
# a day glued to a year that ends the text over it: `(IMF) 202110` is 2021, day 10
_YEAR_GLUED = re.compile(r"(?<!\d)(?:19|20)\d\d(\d{1,2})\s*$")


# the digits of the day numbers 1..n read in order, run together
DIGITS_OF_DAYS = {n: "".join(str(d) for d in range(1, n + 1)) for n in range(1, 32)}


def day_run(text: str, min_days: int = CALENDAR.min_days) -> bool:
    """Day numbers 1..`min_days` in order down the page: a calendar month page, whatever
    its month name reads as. A day number is a line of its own, the start of the line
    of its first event (`21 EVÉNEMENT …`), or glued to the end of the event text
    printed over it (`au climat26`); numbers inside sentences or in matrix rows
    (`Abidjan 1 6`) are not candidates.

    >>> day_run("\\n".join(str(d) for d in range(1, 29)))
    True
    >>> day_run("\\n".join(str(d) for d in range(1, 28)))
    False

    A producer's text layer may also cut the two-digit days into digits, one a line
    (`9`, `1`, `0`, `1`, `1`): the digits of the page then run `12345678910111213…28`,
    a string no other page prints.

    >>> day_run("AVRIL\\n" + "\\n".join("".join(str(d) for d in range(1, 31))))
    True
    """
    if DIGITS_OF_DAYS[min_days] in "".join(c for c in text if c.isdigit()):
        return True
    want, skipped = 1, 0
    for line in text.splitlines():
        m = _LONE.match(line) or _LEADING.match(line) or _GLUED_END.search(line) or _YEAR_GLUED.search(line)
        if not m:
            continue
        day = int(m.group(1))
        if want < day <= want + PREPASS.missing_days - skipped and want > 1:
            skipped += day - want
            want = day
        if day == want:
            want += 1
            if want > min_days:
                return True
    return False


def matrix_rows(text: str, cell_words: frozenset[str]) -> int:
    """How many lines read as rows of a matrix: a name (letters) and then cells only
    (numbers, `-`, `&`, one-letter codes, the vocabulary's yes-words), at least one.

    >>> matrix_rows("Abidjan 1 6\\nBarcelona Yes 2\\nUne phrase de 12 mots", frozenset({"yes"}))
    2
    """
    rows = 0
    for line in text.splitlines():
        tokens = line.split()
        cells = 0
        while cells < len(tokens) and _is_cell(tokens[-1 - cells], cell_words):
            cells += 1
        name = tokens[:len(tokens) - cells]
        if cells and name and any(c.isalpha() for c in name[0]):
            rows += 1
    return rows


def _is_cell(token: str, cell_words: frozenset[str]) -> bool:
    return (token.isdigit() or token in {"-", "–", "&"} or (len(token) == 1 and token.isupper())
            or token.lower() in cell_words)


def folio(margin_text: str) -> str | None:
    """The printed page number among the words of a page's top and bottom margins.

    >>> folio("ANNEXES 33"), folio("xii"), folio("Metropolis")
    ('33', 'xii', None)
    """
    tokens = margin_text.split()
    for token in reversed(tokens):
        if token.isdigit():
            return token
    # a roman folio stands alone (a running header may hold words such as `CIVIL`)
    if len(tokens) == 1 and re.fullmatch(r"[ivxlcdm]{1,7}|[IVXLCDM]{1,7}", tokens[0]):
        return tokens[0]
    return None


def squash(text: str) -> str:
    """Folded text without any white space: letter-spaced headings lose their word gaps
    in the pre-pass (`CALENDRIERINTERNATIONAL`), so phrases are also compared so.

    >>> squash("Calendrier  International")
    'calendrierinternational'
    """
    return "".join(vocab.fold(text).split())


def contains(text: str, phrase: str) -> bool:
    """Whether a page's pre-pass text holds a phrase, word gaps or not.

    >>> contains("CALENDRIERINTERNATIONAL\\nJANVIER", "calendrier international")
    True
    """
    return vocab.fold(phrase) in vocab.fold(text) or squash(phrase) in squash(text)


def word_count(text: str) -> int:
    return len(text.split())
