"""The headline figures ("PRINCIPAUX RÉSULTATS", "NOTRE IMPACT", the statements of each
line of action) into `key_figures`: one row per stable key.

A figure is a number (`169`, `72,7%`, `+2.14K`, `1 200`) followed by words that match a
label of the vocabulary (`vocab/<lang>/key_figures.yml`). Blocks come from the layout, so
a big number and the label printed under it read as one phrase. Runs first among the
parsers: later checks read its rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from rapidfuzz import fuzz

from extract import vocab
from extract.layout import Page, group_blocks
from extract.parsers import ReportContext, Section
from extract.parsers.publications import join_lines  # labels join lines like titles

NAME = "key_figures"
# A label is compared with as many characters of the text after the number as it has;
# below this rapidfuzz ratio the words are not that label (tolerates a typo or a
# missing space: "derenforcement").
MIN_SCORE = 88
LOCALES = {"fr": "fr_FR", "en": "en_US"}

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
    locale = LOCALES.get(language, "en_US")
    try:
        return parse_decimal(number, locale=locale, strict=False)
    except NumberFormatError:
        other = "en_US" if locale != "en_US" else "fr_FR"
        return parse_decimal(number, locale=other, strict=False)


@cache
def _entries(language: str) -> tuple[tuple[str, str, str | None], ...]:
    """(key, folded label, key that must precede) for every label of the vocabulary."""
    figures = vocab.section(NAME, language).get("figures", {})
    out = []
    for key, spec in figures.items():
        for label in spec.get("labels", []):
            out.append((key, vocab.fold(label), spec.get("after")))
    return tuple(out)


def match_label(following: str, previous_key: str | None, language: str) -> str | None:
    """The key whose label the words after a number begin with (fuzzily), or None.

    >>> match_label("nouveaux membres", None, "fr")
    'new_members'
    >>> match_label("axées sur une perspective de genre", "new_publications", "fr")
    'gender_publications'
    """
    text = vocab.fold(following).lstrip(" ,;:-")
    best: tuple[int, float, str] | None = None
    for key, label, after in _entries(language):
        if after and after != previous_key:
            continue
        score = fuzz.ratio(label, text[: len(label)])
        # The longest label that fits: "… engagés dans la stratégie …" over "… engagés".
        if score >= MIN_SCORE and (best is None or (len(label), score) > best[:2]):
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
    """The figure's own clause: up to the first comma, semicolon, colon or bracket.

    >>> _clause("3 débats sur la 5G, auxquels plus de"), _clause(" sessions. Ce congrès")
    ('3 débats sur la 5G', ' sessions')
    """
    m = re.search(r"[,;:(]|\s[-–]\s|\.(?:\s|$)", text)
    return text[: m.start()] if m else text


def find_figures(text: str, language: str = "fr") -> list[Figure]:
    """Every figure in one phrase, in reading order.

    >>> [(f.key, f.value) for f in find_figures("24 nouvelles publications, dont 21 axées sur une perspective de genre")]
    [('new_publications', 24.0), ('gender_publications', 21.0)]
    """
    numbers = list(NUMBER_RE.finditer(text))
    figures: list[Figure] = []
    previous_key = None
    for i, m in enumerate(numbers):
        end = numbers[i + 1].start() if i + 1 < len(numbers) else len(text)
        following = text[m.end():end]
        key = match_label(following, previous_key, language)
        previous_key = key
        if key is None:
            continue
        label = _clean_label(m.group(0) + _clause(following), language)
        figures.append(Figure(key, parse_number(m.group(0), language), label))
    return figures


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    return [i + 1 for i, text in enumerate(texts) if find_figures(" ".join(text.split()), ctx.language)]


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    rows: dict[str, dict[str, Any]] = {}
    for page in pages:
        for block in group_blocks(page.words):
            text = join_lines(line.text for line in block.lines)
            for fig in find_figures(text, ctx.language):
                row = {"key": fig.key, "value": fig.value, "label": fig.label, "page": page.number}
                seen = rows.get(fig.key)
                if seen is None:
                    rows[fig.key] = row
                elif seen["value"] != fig.value:
                    # The report restates a figure elsewhere with another value ("+2.1K"
                    # against "+2.14K"): the first statement stands, the other is reported.
                    ctx.warn(
                        f"key figure {fig.key}: {fig.label!r} on page {page.number} "
                        f"differs from {seen['label']!r} on page {seen['page']}"
                    )
    section = Section()
    section.add("key_figures", list(rows.values()))
    return section
