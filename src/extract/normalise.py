"""Names of cities and members: one id for every spelling.

INTERIM (until the city-names issue lands): member identity is an accent-, case- and
punctuation-insensitive key plus a small alias table; cities are not resolved.

Interface the parsers use (stable):

    names = ctx.names                      # a NameCollector for this report
    member_id = names.member("Bruxelles", page=12)
    city_id = names.city("Cordoue", country="Argentine", page=40, context="...")  # or None
    names.tables()   # rows for members, cities, city_aliases, name_review (pipeline adds them)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extract.vocab import fold

# Interim alias table: folded spelling -> member id.
_ALIASES = {
    "bruxelles": "brussels",
    "lisboa": "lisbon",
    "ciudad de mexico": "mexico-city",
    "ville de mexico": "mexico-city",
    "barcelone": "barcelona",
}


def slug(text: str) -> str:
    """>>> slug("Área Metropolitana de Guadalajara")
    'area-metropolitana-de-guadalajara'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@dataclass
class NameCollector:
    report_id: str
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    cities: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)

    def member(self, printed_name: str, page: int | None = None) -> str:
        key = slug(printed_name)
        member_id = _ALIASES.get(key.replace("-", " "), key)
        self.members.setdefault(member_id, {"id": member_id, "name": printed_name, "city_id": None})
        return member_id

    def city(self, name: str, country: str | None = None, page: int | None = None,
             context: str = "") -> str | None:
        return None

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "members": list(self.members.values()),
            "cities": list(self.cities.values()),
            "city_aliases": self.aliases,
            "name_review": self.review,
        }
