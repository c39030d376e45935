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

from extract.lang import vocab
from extract.toolkit.errors import IngestError

# The cover and the pages after it carry the title; later pages talk about other years.
FRONT_PAGES = 4


@dataclass(frozen=True)
class Identity:
    year: int
    language: str
    title: str

    @property
    def report_id(self) -> str:
        return f"{self.year}-{self.language}"


# Function words of a vocabulary folder that must occur in the text (evidence that the
# folder's words are the report's words).
MIN_STOPWORDS = 5
# pycld2 reads at most this much text; a report's language shows in far less.
MAX_TEXT = 200_000


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
        return named if hits[named] >= MIN_STOPWORDS else None
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
    clean = "".join(c if c.isprintable() else " " for c in text[:MAX_TEXT])
    try:
        reliable, _, details = pycld2.detect(clean.encode("utf-8", "ignore"))
    except pycld2.error:
        return None, False
    code = details[0][1].split("-")[0] if details else "un"
    return (None, False) if code in ("un", "xx") else (code, bool(reliable))


def detect_year(texts: list[str]) -> tuple[int | None, str]:
    """The year of the title ("Rapport annuel 2021", "2021 Annual Report") and the title."""
    for text in texts[:FRONT_PAGES]:
        for lang in vocab.LANGUAGES:
            for pattern in vocab.section("report", lang).get("title_patterns", []):
                # the printed form first (keeps its case), then the folded one (accents)
                m = re.search(pattern, text, re.IGNORECASE) or re.search(pattern, vocab.fold(text))
                if m:
                    return int(m.group("year")), " ".join(m.group(0).split())
    years = Counter(re.findall(r"\b(20[0-4]\d)\b", " ".join(texts[:FRONT_PAGES])))
    if years:
        return int(years.most_common(1)[0][0]), ""
    return None, ""


def identify(texts: list[str], year: int | None = None, language: str | None = None) -> Identity:
    """Identify a report from its page texts, or raise IngestError saying what is missing."""
    if not any(t.strip() for t in texts):
        raise IngestError("no text layer (a scanned PDF? OCR is needed first)")
    folded = vocab.fold(" ".join(texts))
    names = {n for lang in vocab.LANGUAGES for n in vocab.section("report", lang)["organisation"]}
    if not any(n in folded for n in names):
        raise IngestError("not a Metropolis annual report (the name Metropolis never appears)")
    found_year, title = detect_year(texts)
    year = year or found_year
    language = language or detect_language(texts)
    if year is None:
        raise IngestError("cannot find the report's year; pass --year")
    if language is None:
        raise IngestError("cannot tell the report's language; pass --language")
    if not title:
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
