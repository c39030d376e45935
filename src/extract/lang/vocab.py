"""Vocabularies: per-language data files, one file per section.

`vocab/fr/calendar.yml`, `vocab/es/members.yml`, ... The languages are the folders
under `vocab/` that hold a `report.yml`: a new language is a new folder, not new code.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from extract.toolkit.frequencies import WordFrequencies
from extract.toolkit.text import fold  # noqa: F401  (the matching form, here since vocab began)


def languages() -> tuple[str, ...]:
    """The language folders under `vocab/` (those with a `report.yml`), French and
    English first (the order a merged vocabulary prefers), then the others by name."""
    root = resources.files("extract.lang") / "vocab"
    found = sorted(e.name for e in root.iterdir() if (e / "report.yml").is_file())
    first = [lang for lang in ("fr", "en") if lang in found]
    return (*first, *[lang for lang in found if lang not in first])


LANGUAGES = languages()


# libyaml's loader (in PyYAML's wheels) reads the vocabularies ~10x faster than the
# pure-Python one, into the same values; it is a tenth of a first report's time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """YAML text to Python values, as `yaml.safe_load` gives them."""
    return yaml.load(text, Loader=_LOADER)


class VocabularyError(ValueError):
    """A vocabulary file that breaks the schema (`lang/schema.yml`): file and key named."""


YAML_TYPES = {"list": list, "map": dict, "text": str, "number": (int, float)}


@cache
def schema() -> dict[str, dict[str, dict[str, Any]]]:
    """{section file: {key: {"type": list|map|text|number, "optional": bool}}}."""
    text = (resources.files("extract.lang") / "schema.yml").read_text(encoding="utf-8")
    return read_yaml(text)


def validate(language: str, name: str, values: dict[str, Any]) -> None:
    """A vocabulary file's keys and their types against the schema: a misspelt key, a
    missing one or a list where a map belongs is an error naming the file and the key,
    never a key silently ignored."""
    where = f"vocab/{language}/{name}.yml"
    if name not in schema():
        raise VocabularyError(f"{where}: no such vocabulary in lang/schema.yml "
                              f"(known: {', '.join(sorted(schema()))})")
    keys = schema()[name]
    for key, value in values.items():
        if key not in keys:
            raise VocabularyError(f"{where}: unknown key {key!r} (declare it in lang/schema.yml; "
                                  f"known: {', '.join(sorted(keys))})")
        expected = keys[key]["type"]
        if value is not None and not isinstance(value, YAML_TYPES[expected]):
            raise VocabularyError(f"{where}: {key} should be a {expected}, not {type(value).__name__}")
    missing = [k for k, spec in keys.items() if not spec.get("optional") and k not in values]
    if missing:
        raise VocabularyError(f"{where}: missing {', '.join(missing)} (every language has them)")


@cache
def load(language: str) -> dict[str, Any]:
    """All section vocabularies of one language: {"calendar": {...}, "members": {...}},
    each checked against the schema (`validate`)."""
    folder = resources.files("extract.lang") / "vocab" / language
    out: dict[str, Any] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yml"):
            values = read_yaml(entry.read_text(encoding="utf-8")) or {}
            validate(language, entry.name[:-4], values)
            out[entry.name[:-4]] = values
    return out


def section(name: str, language: str | None = None) -> dict[str, Any]:
    """One section's vocabulary for one language, or merged over all languages.

    Merging joins lists and dicts, so a parser can accept every language at once
    (a report whose language is unsure, an English table in a French report).
    """
    langs = [language] if language else list(LANGUAGES)
    merged: dict[str, Any] = {}
    for lang in langs:
        for key, value in load(lang).get(name, {}).items():
            if key not in merged:
                merged[key] = value if not isinstance(value, (list, dict)) else type(value)(value)
            elif isinstance(value, list):
                merged[key] = merged[key] + [v for v in value if v not in merged[key]]
            elif isinstance(value, dict):
                merged[key] = {**merged[key], **value}
    return merged


# --- word lists of a language (what `text.join_lines` and the name finders need) ---

def _report_vocab(language: str) -> dict:
    return section("report", language)


@cache
def lexicon(language: str | None) -> WordFrequencies | frozenset[str]:
    """How often each word is written in a language (what tells a soft line-end hyphen
    from a real one: `text.soft_hyphen`), from the wordfreq list its `report.yml` names
    as `word_frequencies`; empty when it names none: then every line-end hyphen before
    a lower-case letter is taken as a soft one. Loaded once a process (3 MiB, 0.8 s).

    >>> lexicon("en").zipf("wellbeing") > 0, lexicon(None)
    (True, frozenset())
    """
    name = _report_vocab(language).get("word_frequencies") if language else None
    return WordFrequencies.load(name) if name else frozenset()


def elision(language: str | None) -> str | None:
    """The regex of the elided words a name may be glued to (`l’Aire`, `d’Abidjan`), from
    `report.yml`; None for a language without elision. With no language, any language's.

    >>> import re
    >>> elision("en") is None, bool(re.match(elision("fr"), "d’Abidjan"))
    (True, True)
    """
    if language:
        return _report_vocab(language).get("elision")
    found = [p for lang in LANGUAGES if (p := _report_vocab(lang).get("elision"))]
    return "|".join(f"(?:{p})" for p in found) or None
