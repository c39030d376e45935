"""Places named in running text: a spaCy pipeline whose one component, `gazetteer_places`,
marks the longest runs of words that name a place (the idea of spaCy's `EntityRuler` with
a phrase list). The prose parser, the calendar (the places an event's title names) and
the named lists read places with it; it sits with the names, below the sections, so that
no section imports another.

- tokenizer: `spacy.blank("xx")` with the language's elision as a prefix rule (the xx
  tokenizer alone keeps `l'Argentine` and `d’Abidjan` whole); `Addis-Abeba` is split
  at its hyphen and joined again by the component. Not `blank("fr")`: 2.2 s to build,
  nearly all of it compiling its tokenizer-exception regexes;
- the component: at each capitalised word the longest run of up to
  `PROSE.max_tokens` words, joined by spaces or hyphens only, whose key is a curated
  alias, a gazetteer place of `PROSE.min_population` or more, or a place the report
  already named (`known`), becomes a `LOC` span in `doc.ents` (`Santiago de Chile`
  before `Santiago`, `Ville de Mexico` before `Mexico`).

Measured (2 cores): `import spacy` 0.5 s + building the pipeline 0.07 s, once per
process; 3 ms per prose page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from extract.lang import vocab
from extract.names.gazetteer import key
from extract.names.normalise import resolver
from extract.toolkit.settings import PROSE

if TYPE_CHECKING:  # spaCy is imported on the first page with places to find, not with the parsers
    from spacy.language import Language
    from spacy.tokens import Doc

# A word, with inner apostrophes (Xi'an) kept; hyphenated names are words joined by "-".
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Elision before a name (French: l’Aire, d’Antananarivo) is each language's data
# (`elision` in vocab/<lang>/report.yml): `_elision(language)`.
LABEL = "LOC"
COMPONENT = "gazetteer_places"


@dataclass(frozen=True)
class Match:
    text: str
    start: int
    end: int


def find_places(text: str, language: str | None = None,
                known: set[str] | frozenset[str] = frozenset()) -> list[Match]:
    """Longest runs of tokens that name a place (or a key in `known`), left to right.

    >>> [m.text for m in find_places("à Cordoue, Montréal, Barcelone et Madrid")]
    ['Cordoue', 'Montréal', 'Barcelone', 'Madrid']
    """
    return places_in(text, language, frozenset(known))


def places_in(text: str, language: str | None = None,
              known: frozenset[str] = frozenset()) -> list[Match]:
    """The places of `text` as the spaCy pipeline finds them (`places_doc(...).ents`),
    without importing spaCy: `words()` gives the words its tokenizer gives."""
    return longest_matches(text, words(text, language), place_keys(language), known)


# What spaCy's `xx` tokenizer does that changes the words `_words` reads from its tokens
# (everything else it splits at is outside a word already): a chunk between spaces has
# its leading and trailing punctuation taken off as prefixes and suffixes, then the
# language's elision is a prefix (`l’` | `Aire`) and a possessive a suffix (`People`
# | `'s`). `import spacy` is 50 MiB and 0.5 s of every ingest; tests/test_prose_spacy.py
# checks these words equal spaCy's on the text of every committed PDF.
_CHUNK = re.compile(r"\S+")
_LEADING = re.compile(r"^\W*")
_TRAILING = re.compile(r"\W*$")
_POSSESSIVE = re.compile(r"['’][sS]$")


def words(text: str, language: str | None = None) -> list[Match]:
    """The words of `text`, as `_words` reads them from the prose pipeline's tokens."""
    out: list[Match] = []
    elision = _elision(language)
    for chunk in _CHUNK.finditer(text):
        piece, base = chunk.group(), chunk.start()
        core_start = _LEADING.match(piece).end()  # type: ignore[union-attr]
        core_end = _TRAILING.search(piece).start()  # type: ignore[union-attr]
        for m in TOKEN_RE.finditer(piece):
            word, start, end = m.group(), m.start(), m.end()
            elided = re.match(elision, word) if elision else None
            if elided:
                if start == core_start:  # the elision is a token of its own: its letters a word
                    out.append(Match(word[:elided.end() - 1], base + start,
                                     base + start + elided.end() - 1))
                word, start = word[elided.end():], start + elided.end()
            if end == core_end and len(word) > 2 and _POSSESSIVE.search(word):
                out.append(Match(word[:-2], base + start, base + end - 2))
                out.append(Match(word[-1], base + end - 1, base + end))
            elif word:
                out.append(Match(word, base + start, base + end))
    return out


def places_doc(text: str, language: str | None = None,
               known: frozenset[str] = frozenset()) -> Doc:
    """The text through the prose pipeline: `doc.ents` are its places, labelled LOC."""
    return pipeline(language)(text, component_cfg={COMPONENT: {"language": language, "known": known}})


@cache
def _elision(language: str | None) -> str | None:
    """The language's elision, as a regex that needs a letter after it."""
    pattern = vocab.elision(language)
    return f"(?:{pattern})(?=[^\\W\\d_])" if pattern else None


@cache
def pipeline(language: str | None = None) -> Language:
    """The prose pipeline, built once per process: spaCy's multi-language tokenizer
    (`blank("xx")`: 0.06 s, where `blank("fr")` takes 2.2 s) with French elision split
    off, then the gazetteer component."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.component(COMPONENT, func=gazetteer_places)
    nlp = spacy.blank("xx")
    split_elision(nlp, language)
    nlp.add_pipe(COMPONENT)
    return nlp


def split_elision(nlp: Language, language: str | None) -> None:
    """`l’Aire` is two tokens, `l’` and `Aire` (the xx tokenizer keeps it whole)."""
    from spacy.util import compile_prefix_regex

    pattern = _elision(language)
    if pattern:
        nlp.tokenizer.prefix_search = compile_prefix_regex([pattern, *nlp.Defaults.prefixes]).search


def gazetteer_places(doc: Doc, language: str | None = None,
                     known: frozenset[str] = frozenset()) -> Doc:
    """The pipeline component: gazetteer longest-match over the doc's words -> `doc.ents`."""
    matches = longest_matches(doc.text, _words(doc, language), place_keys(language), known)
    _split_at(doc, {i for m in matches for i in (m.start, m.end)})
    doc.ents = [doc.char_span(m.start, m.end, label=LABEL) for m in matches]
    return doc


def longest_matches(text: str, tokens: list[Match], index: dict[str, bool],
                    known: frozenset[str]) -> list[Match]:
    """At each capitalised word, the longest run of up to PROSE.max_tokens words, joined by
    spaces or hyphens only, whose key is in `index` (or in `known`)."""
    out: list[Match] = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        if not may_start(first.text):
            i += 1
            continue
        for n in range(min(PROSE.max_tokens, len(tokens) - i), 0, -1):
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


def _words(doc: Doc, language: str | None = None) -> list[Match]:
    """The words of each token (a token is usually one word, or none: `,`), elision cut."""
    out = []
    for token in doc:
        for m in TOKEN_RE.finditer(token.text):
            word, start = m.group(), token.idx + m.start()
            elided = re.match(pattern, word) if (pattern := _elision(language)) else None
            if elided:
                word, start = word[elided.end():], start + elided.end()
            out.append(Match(word, start, token.idx + m.end()))
    return out


def _split_at(doc: Doc, offsets: set[int]) -> None:
    """Split the tokens a place starts or ends inside (`Paris2024`, `www.Paris.fr`), so
    that every place is a span of whole tokens."""
    cuts = []
    for token in doc:
        inside = sorted(o - token.idx for o in offsets if token.idx < o < token.idx + len(token))
        if inside:
            bounds = [0, *inside, len(token)]
            cuts.append((token, [token.text[a:b] for a, b in pairwise(bounds)]))
    if cuts:
        with doc.retokenize() as retokenizer:
            for token, pieces in cuts:
                retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))


def may_start(word: str) -> bool:
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
    words = vocabulary(language)
    stop = {key(w) for w in [*words.get("not_places", []), *words.get("function_words", [])]}
    out: dict[str, bool] = {}
    for k in res.gaz.populous_keys(PROSE.min_population):  # one query: the index stays on disk
        if len(k) >= PROSE.min_key_length and k not in stop:
            out[k] = False
    # (and the curated names as each language folder words them: `Nouvelle-Delhi`)
    for k in [*res.city_alias, *res.manual, *res.translated_keys]:
        if k not in stop or k in res.manual:
            out[k] = True
    for k in res.gaz.countries:  # a country is never a city mention
        if not out.get(k):
            out.pop(k, None)
    return out


def vocabulary(language: str | None) -> dict[str, Any]:
    return vocab.section("places", language)
