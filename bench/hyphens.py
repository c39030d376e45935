"""How well `text.soft_hyphen` tells a real line-end hyphen from a soft one, on data its
margin (`text.KEEP_MARGIN`) was not read from.

    python -m bench.hyphens [SEED_TEXT]

Held-out splits: every word of the specimen data files (and of SEED_TEXT, the plain text
of a real report, when given) split at each point where pyphen's hyphenation patterns
(TeX's, the ones printers use) allow a soft hyphen, and every hyphenated word split at
its hyphen (a real one), scored by the language's word frequencies (`vocab.lexicon`) and
with no lexicon (every hyphen soft: what English and Spanish had before). Names and
English words of a French report are in the splits as printed, scored by the report's
language as the parsers score them.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pyphen
import yaml

from extract.lang import vocab
from extract.toolkit import text

DATA = Path(__file__).resolve().parent.parent / "tests" / "specimens" / "data"
LETTERS = r"[^\W\d_]"


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def splits(printed: str, language: str) -> list[tuple[str, str, bool]]:
    """(head, tail, soft) for every split a printer could end a line with."""
    hyphenator = pyphen.Pyphen(lang=language)
    printed = re.sub(r"\S*(?:https?:|www\.|\.org|/)\S*", " ", printed)  # no URLs or slugs
    soft, real = set(), set()
    for m in re.finditer(rf"(?<![\w-]){LETTERS}+(?:-{LETTERS}+)*(?![\w-])", printed):
        parts = m.group(0).split("-")
        real |= {(a, b) for a, b in itertools.pairwise(parts) if b[0].islower() and len(a) > 1}
        soft |= {(p[:i], p[i:]) for p in parts for i in hyphenator.positions(p) if p[i].islower()}
    return sorted((a, b, True) for a, b in soft - real) + sorted((a, b, False) for a, b in real)


def score(name: str, cases: list[tuple[str, str, bool]], language: str) -> None:
    for label, lexicon in (("word frequencies", vocab.lexicon(language)), ("no lexicon", frozenset())):
        wrong = [(h, t) for h, t, soft in cases if text.soft_hyphen(h, t, lexicon) != soft]
        real = [(h, t) for h, t, soft in cases if not soft]
        kept = [(h, t) for h, t in real if not text.soft_hyphen(h, t, lexicon)]
        print(f"| {name} | {label} | {len(cases)} | {1 - len(wrong) / len(cases):.3f} | "
              f"{len(kept)}/{len(real)} | {', '.join(f'{h}-/{t}' for h, t in wrong[:4])} |")


def main(seed: str | None = None) -> None:
    print("| text | rule | splits | right | real hyphens kept | wrong, e.g. |")
    print("|---|---|---|---|---|---|")
    for edition in sorted(p.name for p in DATA.iterdir() if p.is_dir()):
        language = edition[-2:]
        printed = "\n".join(s for f in sorted((DATA / edition).glob("*.yml"))
                            for s in strings(yaml.safe_load(f.read_text(encoding="utf-8"))))
        score(f"data {edition}", splits(printed, language), language)
    if seed:
        score(Path(seed).name, splits(Path(seed).read_text(encoding="utf-8"), "fr"), "fr")


if __name__ == "__main__":
    main(*sys.argv[1:2])
