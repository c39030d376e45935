"""What every page of the knowledge base's plugin shares: the database it serves, one
report's PDF file and synthetic flag, the permission check, cell values as Datasette
hands them over, the synthetic badge.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette.utils.asgi import Response
from markupsafe import Markup

BBOX = ("x0", "top", "x1", "bottom")


def keys_of(row: Any) -> list[str]:
    return list(row.keys()) if hasattr(row, "keys") else []


def cell_value(value: Any) -> Any:
    """A cell's raw value: table pages hand foreign keys over as {"value", "label"}."""
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


async def report_of(datasette: Any, database: str, report_id: Any) -> dict[str, Any] | None:
    """{source_file, synthetic} of one report, or None (no such table or row)."""
    if not isinstance(report_id, str):
        return None
    db = datasette.get_database(database)
    try:
        result = await db.execute(
            "SELECT source_file, synthetic FROM reports WHERE id = ?", [report_id]
        )
    except sqlite3.Error:  # a database without the reports table (or its synthetic column)
        return None
    row = result.first()
    return {"source_file": row["source_file"], "synthetic": row["synthetic"]} if row else None


def synthetic_badge() -> Markup:
    return Markup('<span class="synthetic" title="made-up test edition, not real content">'
                  "synthetic</span>")


def number(value: float) -> Any:
    """2.0 -> 2: counts are integers, whatever SQLite's REAL made of them."""
    return int(value) if value.is_integer() else value


async def may_view(request, datasette, db) -> bool:
    # pages and images made of the database's rows: whoever may not see it may not see them
    return await datasette.permission_allowed(
        request.actor, "view-database", resource=db.name, default=True)


async def database_for(request: Any, datasette: Any) -> tuple[Any, Response | None]:
    """(the served database, None) when this request may read it, else (None, the
    answer: 404 without a database, 403 to whoever may not see it)."""
    db = served_database(datasette)
    if db is None:
        return None, Response.text("no database", status=404)
    if not await may_view(request, datasette, db):
        return None, Response.text("forbidden", status=403)
    return db, None


def served_database(datasette: Any) -> Any | None:
    """The knowledge base's database: the first one served that is not internal."""
    for name, db in datasette.databases.items():
        if name != "_internal" and not db.is_memory:
            return db
    return None


async def has_view(db: Any, name: str) -> bool:
    return name in await db.view_names()
