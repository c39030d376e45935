"""The archivist's decisions: a file that lives with the archive, not in the package.

An installed package is replaced on upgrade and cannot be edited from a pip install,
so what an archivist settles by hand (a printed name's place, a printed column title's
indicator) is kept in one YAML file beside the database — `decisions.yml` in the
database's folder (`db/decisions.yml` for `db/metropolis.db`), or the file given by
`--decisions`. The package's curated lists stay the default; a decision here takes
precedence over them, and re-ingesting a report applies it. `extract review` prints the
exact line to add for each name or column title that waits for a decision.

    # db/decisions.yml
    names:
      "Bandar": bandar-lampung          # printed spelling: city id
    columns:
      "Cities met in person": bilateral_meetings   # printed title: indicator key

Keys are matched accent-, case-, punctuation- and space-insensitively.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FILE_NAME = "decisions.yml"

TEMPLATE = """\
# The archivist's decisions for this archive; `extract ingest` applies them,
# `extract review` lists what waits for one. Keys are matched ignoring accents,
# case and punctuation.
names: {}      # "Printed spelling": city-id
columns: {}    # "Printed column title": indicator_key
"""


def fold(text: str) -> str:
    """A key for matching printed text: accents, case, punctuation and spacing ignored.

    >>> fold("  Área  Metropolitana, de Barcelona ")
    'area metropolitana de barcelona'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


@dataclass(frozen=True)
class Decisions:
    """What the archivist settled: folded printed text -> id, per kind."""

    names: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    sha256: str = ""  # of the file's bytes ("" when there is no file): a change re-ingests

    def name(self, printed: str) -> str | None:
        return self.names.get(fold(printed))

    def column(self, printed_title: str) -> str | None:
        return self.columns.get(fold(printed_title))


class DecisionsError(ValueError):
    """The decisions file cannot be read; the message names it and says why."""


def default_path(db_path: Path) -> Path:
    """`decisions.yml` beside the database."""
    return Path(db_path).parent / FILE_NAME


def load(path: Path | None) -> Decisions:
    """The decisions in `path`; none when it is None or does not exist."""
    if path is None or not Path(path).is_file():
        return Decisions(path=Path(path) if path else None)
    raw = Path(path).read_bytes()
    try:
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0]
        raise DecisionsError(f"{path}: not readable YAML ({reason})") from None
    if not isinstance(data, dict):
        raise DecisionsError(f"{path}: expected `names:` and `columns:` mappings")
    parts: dict[str, dict[str, str]] = {}
    for kind in ("names", "columns"):
        section = data.get(kind) or {}
        if not isinstance(section, dict):
            raise DecisionsError(f"{path}: `{kind}:` must map printed text to an id")
        parts[kind] = {fold(str(k)): str(v) for k, v in section.items() if v is not None}
    return Decisions(parts["names"], parts["columns"], Path(path),
                     hashlib.sha256(raw).hexdigest())
