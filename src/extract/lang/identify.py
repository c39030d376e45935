"""What a PDF is: a Metropolis annual report? In which language, of which year?

Read from the document's own text (cover first, then the first pages), never from the
file name alone; `--year` / `--language` override.

The language is identified twice, by two kinds of evidence that must agree: Google's
Compact Language Detector 2 (`pycld2`, a compiled model of 80+ languages, no data to
load) names the language of the whole text, and the vocabulary folder of that language
must find its own function words in it. A report in a language that no folder of
`vocab/` knows is refused with that language's name, never read with another
language's vocabulary (which finds nothing and would replace a good edition with an
empty one).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from extract.lang import vocab
from extract.toolkit.errors import IngestError
from extract.toolkit.settings import LANGUAGE


@dataclass(frozen=True)
class Identity:
    year: int
    language: str
    title: str

    @property
    def report_id(self) -> str:
        return f"{self.year}-{self.language}"


def detect_language(texts: list[str]) -> str | None:
    """The report's language (a folder of `vocab/`), or None when the evidence is weak.
    Raises IngestError for a text clearly in a language that no folder knows.

    >>> detect_language(["Nous avons lancé la plateforme et les outils pour les membres de la ville et du monde"])
    'fr'
    >>> detect_language(["Abbiamo lanciato la piattaforma e gli strumenti per i membri della città e del mondo intero, "
    ...                  "con la partecipazione delle città metropolitane alle riunioni della rete."])
    Traceback (most recent call last):
    ...
    extract.toolkit.errors.IngestError: language not recognised (looks like it): add vocab/it or pass --language
    """
    text = " ".join(texts)
    words = Counter(re.findall(r"[a-zà-ÿ]+", text.lower()))
    hits = {lang: sum(words[w] for w in vocab.section("report", lang).get("stopwords", []))
            for lang in vocab.LANGUAGES}
    named, reliable = identify_text(text)
    if named in vocab.LANGUAGES:
        if not vocab.section("report", named).get("stopwords"):
            return named if reliable else None  # a folder without function words: CLD2 alone
        return named if hits[named] >= LANGUAGE.min_stopwords else None
    if named and reliable:
        raise IngestError(f"language not recognised (looks like {named}): "
                          f"add vocab/{named} or pass --language")
    return None


def identify_text(text: str) -> tuple[str | None, bool]:
    """(ISO 639-1 code or None, reliable) of a text, by CLD2.

    >>> identify_text("The members of the association met in the cities of the world.")
    ('en', True)
    """
    import pycld2

    # CLD2 takes valid UTF-8 and stumbles on control characters (damaged text layers).
    clean = "".join(c if c.isprintable() else " " for c in text[:LANGUAGE.max_text])
    try:
        reliable, _, details = pycld2.detect(clean.encode("utf-8", "ignore"))
    except pycld2.error:
        return None, False
    code = details[0][1].split("-")[0] if details else "un"
    return (None, False) if code in ("un", "xx") else (code, bool(reliable))


def _title_patterns() -> list[tuple[str, str]]:
    return [(lang, pattern) for lang in vocab.LANGUAGES
            for pattern in vocab.section("report", lang).get("title_patterns", [])]


# An address printed on a page (`metropolis.org/node/1`, `www.…`, `https://…`).
PRINTED_URL = re.compile(r"https?://|www\.|\b[\w-]+\.(?:org|com|net|int)/", re.IGNORECASE)


def title_on_cover(text: str) -> tuple[int, str, str] | None:
    """(year, title as printed, language of the title) when `text` is a cover or title
    page: one of its first lines is the title (a word or two besides at most: a tile's
    caption "Rapport de progrès 2020 Rapport annuel 2020" is not), few words on the page.

    >>> title_on_cover("metropolis\\nRapport annuel 2022\\nAssociation mondiale")
    (2022, 'Rapport annuel 2022', 'fr')
    >>> title_on_cover("LIGNE D'ACTION 2\\nRapport de progrès octobre-décembre 2020 Rapport annuel 2020") is None
    True
    """
    if len(text.split()) > LANGUAGE.cover_max_words:
        return None
    for line in [line for line in text.splitlines() if line.strip()][:LANGUAGE.cover_lines]:
        for lang, pattern in _title_patterns():
            # the printed form first (keeps its case), then the folded one (accents)
            m = re.search(pattern, line, re.IGNORECASE) or re.search(pattern, vocab.fold(line))
            if m and len(line.split()) - len(m.group(0).split()) <= LANGUAGE.cover_other_words:
                return int(m.group("year")), " ".join(m.group(0).split()), lang
    return None


def cover_pages(texts: list[str]) -> list[tuple[int, int, str, str]]:
    """Every page that reads as a cover: (page number, year, title, language)."""
    found = []
    for number, text in enumerate(texts, start=1):
        title = title_on_cover(text)
        if title:
            found.append((number, *title))
    return found


def detect_year(texts: list[str]) -> tuple[int | None, str]:
    """The year of the cover's title ("Rapport annuel 2021", "2021 Annual Report") and
    the title; (None, "") when the first pages with text hold no cover. A year printed
    elsewhere (a publication tile, a plan's dates) never counts."""
    first = [n for n, t in enumerate(texts, start=1) if t.strip()][:LANGUAGE.cover_pages]
    for number, year, title, _ in cover_pages(texts):
        if number in first:
            return year, title
    return None, ""


def _fee_patterns() -> list[str]:
    """The members matrix's fee column titles (`Paiement du quota {year}`) as patterns
    over folded text, from the `fee_paid` headers of every language."""
    patterns = []
    for lang in vocab.LANGUAGES:
        for header in vocab.section("members", lang).get("headers", {}).get("fee_paid", []):
            if "{year}" not in header:
                continue
            before, after = (vocab.fold(part) for part in header.split("{year}", 1))
            words = [re.escape(w) for w in before.split()] + ["(?P<year>20\\d\\d)"] + \
                    [re.escape(w) for w in after.split()]
            patterns.append(r"\b" + r"\s+".join(words) + r"\b")
    return patterns


@cache
def _month_names() -> dict[str, int]:
    """Month names of every language with a folder, folded (`janvier`, `enero`), from
    Babel's CLDR data as the calendar reads them (the vocabularies hold none)."""
    from babel.dates import get_month_names

    return {vocab.fold(name): number for lang in vocab.LANGUAGES
            for context in ("format", "stand-alone")
            for number, name in get_month_names("wide", context, locale=lang).items()}  # type: ignore[arg-type]


def calendar_pages(texts: list[str]) -> list[int]:
    """Pages headed by a calendar heading of any language (`Calendrier international`)."""
    headings = {vocab.fold(h) for lang in vocab.LANGUAGES
                for h in vocab.section("calendar", lang).get("heading", [])}
    found = []
    for number, text in enumerate(texts, start=1):
        head = vocab.fold(" ".join(text.split()[:12]))
        if any(h in head for h in headings):
            found.append(number)
    return found


def year_evidence(texts: list[str]) -> dict[str, int]:
    """What the report says of its own year besides the cover: the fee column's title
    (`fee column`) and the year most printed on the calendar's pages (`calendar`), when
    one year is most of what they print."""
    found: dict[str, int] = {}
    folded = vocab.fold(" ".join(texts))
    fees = Counter(int(m.group("year")) for p in _fee_patterns() for m in re.finditer(p, folded))
    if fees:
        found["fee column"] = fees.most_common(1)[0][0]
    years = Counter(int(y) for n in calendar_pages(texts)
                    for y in re.findall(r"\b(20[0-4]\d)\b", texts[n - 1]))
    if years:
        year, count = years.most_common(1)[0]
        if count * 2 > sum(years.values()):
            found["calendar"] = year
    return found


def calendar_runs(texts: list[str]) -> list[list[int]]:
    """The calendar's pages split where its months start over (January after November):
    one list of pages per calendar printed in the file."""
    months = _month_names()
    runs: list[list[int]] = []
    last = 0
    for number in calendar_pages(texts):
        lines = [vocab.fold(line) for line in texts[number - 1].splitlines()]
        # a month heading alone on its line, or with its year (`JANUARY 2022`, `(cont.)` aside)
        heads = (re.sub(r"\s*(\(.*\)|20\d\d)\s*", " ", line).strip() for line in lines)
        first = next((months[h] for h in heads if h in months), None)
        if first is None:
            continue
        if not runs or first < last:
            runs.append([])
        runs[-1].append(number)
        last = first
    return runs


def one_report(texts: list[str]) -> None:
    """Raise IngestError when the file holds two reports: two covers apart, or a
    calendar whose months start over."""
    covers = cover_pages(texts)
    # A later page that reads as a cover but prints an address is a product page (a tile
    # "Rapport annuel 2020" over its printed URL), not a second report's cover.
    apart = [c for c in covers if c[0] > covers[0][0] + 1
             and not PRINTED_URL.search(texts[c[0] - 1])] if covers else []
    if apart:
        shown = "; ".join(f"page {n}: {title}" for n, _, title, _ in [covers[0], *apart][:3])
        raise IngestError(f"two reports in one file (covers on {shown}); split the file")
    runs = calendar_runs(texts)
    if len(runs) > 1:
        shown = "; ".join(f"pages {r[0]}-{r[-1]}" for r in runs[:3])
        raise IngestError(f"two reports in one file (two calendars: {shown}); split the file")


def _said(evidence: dict[str, int]) -> str:
    return ", ".join(f"{what} {year}" for what, year in evidence.items()) or "no other year"


def identify(texts: list[str], year: int | None = None, language: str | None = None) -> Identity:
    """Identify a report from its page texts, or raise IngestError saying what is missing.

    The year is the cover's title, confirmed by what the report prints of its year
    elsewhere (the fee column, the calendar); missing or disagreeing evidence refuses
    the file, naming what was found (`--year` decides). The language is the text's,
    and the title's language must be it (`--language` decides)."""
    if not any(t.strip() for t in texts):
        raise IngestError("no text layer (a scanned PDF? OCR is needed first)")
    folded = vocab.fold(" ".join(texts))
    names = {n for lang in vocab.LANGUAGES for n in vocab.section("report", lang)["organisation"]}
    if not any(n in folded for n in names):
        raise IngestError("not a Metropolis annual report (the name Metropolis never appears)")
    found_language = language or detect_language(texts)
    one_report(texts)
    found_year, title = detect_year(texts)
    if year is None:
        evidence = year_evidence(texts)
        if found_year is None:
            raise IngestError("no cover or title page gives the report's year "
                              f"(found: {_said(evidence)}); pass --year")
        against = {what: y for what, y in evidence.items() if y != found_year}
        if against:
            raise IngestError(f"the year is not certain: the cover says {found_year}, "
                              f"the {_said(against)}; pass --year")
        year = found_year
    if found_language is None:
        raise IngestError("cannot tell the report's language; pass --language")
    if language is None and title:
        title_language = next(lang for n, _, t, lang in cover_pages(texts) if t == title)
        if title_language != found_language:
            raise IngestError(f"the language is not certain: the title {title!r} is {title_language}, "
                              f"the text {found_language}; pass --language")
    language = found_language
    if not title or found_year != year:
        fallback = vocab.section("report", language).get("fallback_title", "Metropolis {year}")
        title = fallback.format(year=year)
    return Identity(year=year, language=language, title=title)


def is_synthetic(texts: list[str]) -> bool:
    """Whether the cover (first two pages) prints a language's `synthetic_marker`: a
    phrase our made-up test editions print and no real cover does (the word
    "synthetic" alone may well be on a real one).

    >>> is_synthetic(["Annual report 2021: a synthetic view of our cities"])
    False
    """
    folded = vocab.fold(" ".join(texts[:2]))
    markers = {vocab.fold(m) for lang in vocab.LANGUAGES
               if (m := vocab.section("report", lang).get("synthetic_marker"))}
    return any(m in folded for m in markers)
