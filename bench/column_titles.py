"""Leave-one-out evaluation of column titles read by meaning (`extract.sections.members.titles`).

    .venv/bin/python -m bench.column_titles            # the table, per language
    .venv/bin/python -m bench.column_titles --misses   # and every title read wrong
    .venv/bin/python -m bench.column_titles --sweep    # TITLES.min_score x TITLES.margin

The labelled sets `tests/data/column_titles_<lang>.csv` hold titles as other report
designers would word them (`key` = the indicator) and distractors, titles of other
plausible indicators (`key` = `unknown`). Each title is read alone (no cells to vote)
with itself and its near-duplicates (token-sort ratio >= 90 after folding) removed from
the known titles (`headers:` in the vocabulary), so nothing is found by its spelling.

- recall: paraphrases mapped to their key / paraphrases;
- precision: right keys / titles mapped to a key;
- false mapping rate: distractors mapped to any key / distractors.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz

from extract.sections.members import titles

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
NEAR_DUPLICATE = 90


def labelled(language: str) -> list[tuple[str, str]]:
    with open(DATA / f"column_titles_{language}.csv", encoding="utf-8", newline="") as fh:
        return [(row["title"], row["key"]) for row in csv.DictReader(fh)]


def near_duplicates(title: str) -> frozenset[str]:
    """Folded known titles that are (nearly) this title."""
    target = titles.fold_title(title)
    return frozenset(
        titles.fold_title(known) for entries in titles.known_titles().values() for _, known in entries
        if fuzz.token_sort_ratio(target, titles.fold_title(known)) >= NEAR_DUPLICATE
    )


def read_left_out(title: str, language: str) -> titles.Reading:
    return titles.read_columns([title], language, without=near_duplicates(title))[0]


@dataclass
class Result:
    language: str
    paraphrases: int
    mapped_right: int
    mapped_wrong: int
    distractors: int
    distractors_mapped: int
    misses: list[tuple[str, str, titles.Reading]]
    # how far from the thresholds: (score, lead over the runner-up) of each paraphrase
    # mapped right, and the best score of each distractor
    right: list[tuple[float, float]] = field(default_factory=list)
    distractor_scores: list[float] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.mapped_right / self.paraphrases if self.paraphrases else 0.0

    @property
    def precision(self) -> float:
        mapped = self.mapped_right + self.mapped_wrong + self.distractors_mapped
        return self.mapped_right / mapped if mapped else 1.0

    @property
    def false_mapping_rate(self) -> float:
        return self.distractors_mapped / self.distractors if self.distractors else 0.0


def evaluate(language: str) -> Result:
    result = Result(language, 0, 0, 0, 0, 0, [])
    for title, key in labelled(language):
        reading = read_left_out(title, language)
        if key == "unknown":
            result.distractors += 1
            result.distractor_scores.append(reading.score)
            if reading.known:
                result.distractors_mapped += 1
                result.misses.append((title, key, reading))
            continue
        result.paraphrases += 1
        if reading.key == key:
            result.mapped_right += 1
            result.right.append((reading.score, reading.score - reading.runner_up_score))
        else:
            result.mapped_wrong += reading.known
            result.misses.append((title, key, reading))
    return result


def table(results: list[Result]) -> str:
    lines = [("| language | paraphrases | mapped right | mapped wrong | distractors | distractors mapped "
              "| precision | recall | false mapping rate |"),
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r.language} | {r.paraphrases} | {r.mapped_right} | {r.mapped_wrong} | "
                     f"{r.distractors} | {r.distractors_mapped} | {r.precision:.3f} | {r.recall:.3f} | "
                     f"{r.false_mapping_rate:.3f} |")
    return "\n".join(lines)


def margins(results: list[Result]) -> str:
    """How far the readings sit from the thresholds (`TITLES.min_score`, `.margin`): the weakest
    paraphrase read right, the narrowest lead, the strongest distractor (read by the
    exact-title shortcut, a known title scores 1.0; these are read by meaning)."""
    header = (f"| language | lowest paraphrase score (min {titles.TITLES.min_score}) | narrowest lead "
              f"(min {titles.TITLES.margin}) | highest distractor score |")
    lines = [header, "| --- | --- | --- | --- |"]
    for r in results:
        low = min((s for s, _ in r.right), default=float("nan"))
        lead = min((m for _, m in r.right), default=float("nan"))
        high = max(r.distractor_scores, default=float("nan"))
        lines.append(f"| {r.language} | {low:.3f} | {lead:.3f} | {high:.3f} |")
    return "\n".join(lines)


def sweep(languages: list[str]) -> str:
    """Recall and false mappings over thresholds, both languages summed."""
    lines = ["| min_score | margin | recall | distractors mapped |", "| --- | --- | --- | --- |"]
    saved = titles.TITLES
    try:
        for min_score in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75):
            for margin in (0.05, 0.15, 0.25):
                titles.TITLES = replace(saved, min_score=min_score, margin=margin)
                results = [evaluate(lang) for lang in languages]
                right = sum(r.mapped_right for r in results)
                total = sum(r.paraphrases for r in results)
                wrong = sum(r.distractors_mapped for r in results)
                lines.append(f"| {min_score} | {margin} | {right / total:.3f} | {wrong} |")
    finally:
        titles.TITLES = saved
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    languages = [lang for lang in ("fr", "en", "es") if (DATA / f"column_titles_{lang}.csv").exists()]
    results = [evaluate(lang) for lang in languages]
    print(table(results))
    print()
    print(margins(results))
    if "--misses" in argv:
        for r in results:
            for title, key, reading in r.misses:
                print(f"{r.language}: {title!r} labelled {key}, read {reading.key} "
                      f"(best {reading.candidate} {reading.score:.2f}, next {reading.runner_up} "
                      f"{reading.runner_up_score:.2f}, {reading.reason})")
    if "--sweep" in argv:
        print(sweep(languages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
