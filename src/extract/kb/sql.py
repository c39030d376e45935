"""SQL functions of the knowledge base, registered on every Datasette connection by the
project plugin (`prepare_connection`), so canned queries can validate what they are
asked instead of answering an unknown value with an empty table.

- `kb_key(text)`: a name folded as the normaliser folds it (case, accents, punctuation).
- `kb_member(text)`: the member id the project's normaliser gives a name (exonyms,
  other languages, GeoNames alternate names, typos), or NULL.
- `kb_similarity(a, b)`: 0-100, how close two names are once folded (rapidfuzz).
- `kb_fts_query(text)`: a full-text query that finds stems and prefixes in every
  language with a vocabulary folder, accent-insensitive (see `fts_query`).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import fuzz

# Snowball algorithms (PyStemmer) of the languages the extractor has vocabularies for.
SNOWBALL = {"en": "english", "fr": "french", "es": "spanish", "pt": "portuguese",
            "de": "german", "it": "italian", "ca": "catalan"}
# Shorter prefixes than this match too much ("ci*"); such words are searched whole.
MIN_PREFIX = 4
WORD = re.compile(r"\w+", re.UNICODE)
# A name is short: longer input is cut before the normaliser and the fuzzy scorers see it
# (their cost grows with the length), and a search keeps its first words.
MAX_NAME = 200
MAX_WORDS = 12
# A search box's input is read up to this many characters (MAX_WORDS words fit well within).
MAX_QUERY = 1000
# Names resolved for the member lookup, kept: bounded, the least recently used go first.
MEMBER_CACHE = 4096
# Folded names kept (a few MiB at most): the distinct names, titles' types and prefixes
# of an archive of 100 editions are about 3,000.
KEY_CACHE = 32768


def fold(text: str) -> str:
    """Lower case without accents: the folding of FTS5's `remove_diacritics 2`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def stemmers() -> tuple:
    import Stemmer

    folders = resources.files("extract.lang") / "vocab"
    languages = sorted(p.name for p in folders.iterdir() if p.is_dir()) or ["en", "fr"]
    available = set(Stemmer.algorithms())
    return tuple(Stemmer.Stemmer(SNOWBALL[lang]) for lang in languages
                 if SNOWBALL.get(lang) in available)


def search_prefix(word: str) -> str:
    """The prefix a word is searched by: the shortest of its stems in every language,
    stemmed once more (a French feminine stem is an English adjective: résiliente ->
    resilient -> resili), kept a prefix of the word itself (city -> citi -> cit)."""
    folded = fold(word)
    if len(folded) <= MIN_PREFIX or folded.isdigit():
        return folded
    candidates = {folded}
    for _ in range(2):
        candidates |= {fold(s.stemWord(c)) for s in stemmers() for c in list(candidates)}
    shortest = min((c for c in candidates if len(c) >= MIN_PREFIX), key=len, default=folded)
    common = 0
    for a, b in zip(folded, shortest):
        if a != b:
            break
        common += 1
    return folded[:max(common, MIN_PREFIX)]


def fts_query(text: str | None) -> str:
    """An FTS5 MATCH expression: every word of `text` as a prefix of its stem, all
    required. Each prefix is quoted, so nothing the user types is FTS syntax."""
    # bounded before the regex runs: a 10 MB argument costs no more than a line of words
    words = WORD.findall((text or "")[:MAX_QUERY])[:MAX_WORDS]
    terms = [f'"{search_prefix(w)}"*' for w in words if search_prefix(w)]
    # FTS5 refuses an empty expression; a phrase of nothing matches nothing.
    return " ".join(terms) if terms else '""'


def key(text: str | None) -> str | None:
    if text is None:
        return None
    return _key(str(text)[:MAX_NAME])


@lru_cache(maxsize=KEY_CACHE)
def _key(text: str) -> str:
    # Canned queries call kb_key on every row they scan (search: 87,600 calls on 100
    # editions, nearly all of them the same few thousand names and event types), so
    # the answers are kept; the imports stay lazy (the plugin loads before a query).
    from extract.names.normalise import clean_printed
    from extract.names.normalise import key as normal_key

    return normal_key(clean_printed(text))


@lru_cache(maxsize=MEMBER_CACHE)
def _member(text: str) -> str | None:
    from extract.names.normalise import resolver

    member, resolution = resolver().member(text)
    if resolution is not None and resolution.city is None:
        return None  # not a place the gazetteer or the alias file knows
    return member.id


def member(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    return _member(str(text).strip()[:MAX_NAME])


def similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    ka, kb = key(a) or "", key(b) or ""
    return max(fuzz.ratio(ka, kb), fuzz.partial_ratio(ka, kb) if min(len(ka), len(kb)) >= 4
               else 0.0)


def register(conn: sqlite3.Connection) -> None:
    conn.create_function("kb_key", 1, key, deterministic=True)
    conn.create_function("kb_member", 1, member, deterministic=True)
    conn.create_function("kb_similarity", 2, similarity, deterministic=True)
    conn.create_function("kb_fts_query", 1, fts_query, deterministic=True)


def warm() -> None:
    """Load the normaliser and the stemmers now, not inside a query's time limit."""
    stemmers()
    member("Bruxelles")
