"""Vocabularies: per-language data files, one file per section.

`vocab/fr/calendar.yml`, `vocab/en/members.yml`, ... A Spanish edition is a new
folder `vocab/es/`, not new code.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml


def _folders() -> tuple[str, ...]:
    """The languages: the folders under `vocab/` (French first, as before, then by name)."""
    root = resources.files("extract") / "vocab"
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    return tuple(sorted(names, key=lambda n: (n != "fr", n != "en", n)))


LANGUAGES = _folders()


# libyaml's loader (in PyYAML's wheels) reads the vocabularies ~10x faster than the
# pure-Python one, into the same values; it is a tenth of a first report's time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """YAML text to Python values, as `yaml.safe_load` gives them."""
    return yaml.load(text, Loader=_LOADER)


@cache
def load(language: str) -> dict[str, Any]:
    """All section vocabularies of one language: {"calendar": {...}, "members": {...}}."""
    folder = resources.files("extract") / "vocab" / language
    out: dict[str, Any] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yml"):
            out[entry.name[:-4]] = read_yaml(entry.read_text(encoding="utf-8")) or {}
    return out


def section(name: str, language: str | None = None) -> dict[str, Any]:
    """One section's vocabulary for one language, or merged over all languages.

    Merging joins lists and dicts, so a parser can accept both languages at once
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


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Accent-, case- and apostrophe-insensitive form for matching vocabulary.

    Cached: parsers fold the same labels and words tens of thousands of times a report.

    >>> fold("Février – L’ÉTÉ")
    "fevrier - l'ete"
    """
    if text.isascii():  # NFKD, accents and typographic quotes cannot occur
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return " ".join(text.lower().split())
