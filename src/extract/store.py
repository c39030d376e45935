"""The database: the SCHEMA.md tables on sqlite-utils, one transaction per report.

sqlite-utils creates the tables, indexes and full-text indexes. Rows of one report are
written with plain `executemany` inside one explicit transaction, because sqlite-utils'
insert methods commit on their own (`with conn:`), which would split a report.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

from extract import kb_views

BBOX = {"x0": float, "top": float, "x1": float, "bottom": float}

# table -> (columns, primary key, foreign keys)
SCHEMA: dict[str, tuple[dict[str, type], Any, list[tuple[str, str, str]]]] = {
    "reports": (
        {
            "id": str, "year": int, "language": str, "title": str, "source_file": str,
            "sha256": str, "page_count": int, "ingested_at": str, "extractor_version": str,
            "synthetic": int,
        },
        "id",
        [],
    ),
    "cities": (
        {
            "id": str, "name": str, "country_code": str, "latitude": float,
            "longitude": float, "geonames_id": int,
        },
        "id",
        [],
    ),
    "city_aliases": ({"alias": str, "city_id": str, "source": str}, ("alias", "city_id"), []),
    "members": ({"id": str, "name": str, "city_id": str}, "id", []),
    "indicators": (
        {"id": str, "label_fr": str, "label_en": str, "description": str}, "id", []
    ),
    "member_status": (
        {
            "report_id": str, "member_id": str, "printed_name": str,
            "is_board_member": int, "is_new_member": int, "page": int, **BBOX,
        },
        ("report_id", "member_id"),
        [("report_id", "reports", "id"), ("member_id", "members", "id")],
    ),
    "member_indicators": (
        {
            "report_id": str, "member_id": str, "indicator": str, "value": str,
            "value_num": float, "page": int, **BBOX,
        },
        ("report_id", "member_id", "indicator"),
        [("report_id", "reports", "id"), ("member_id", "members", "id")],
    ),
    "calendar_events": (
        {
            "id": int, "report_id": str, "start_date": str, "end_date": str, "title": str,
            "event_type": str, "location": str, "gender_perspective": int, "page": int, **BBOX,
            "prefix": str,  # the type prefix as printed ("SOMMET MONDIAL DES VILLES 2020 |")
        },
        "id",
        [("report_id", "reports", "id")],
    ),
    "event_cities": (
        {"event_id": int, "city_id": str},
        ("event_id", "city_id"),
        [("event_id", "calendar_events", "id")],
    ),
    "publications": (
        {
            "id": int, "report_id": str, "kind": str, "title": str, "url": str,
            "gender_focus": str, "page": int, **BBOX,
        },
        "id",
        [("report_id", "reports", "id")],
    ),
    "key_figures": (
        {"report_id": str, "key": str, "value": float, "label": str, "page": int},
        ("report_id", "key"),
        [("report_id", "reports", "id")],
    ),
    "checks": (
        {"report_id": str, "check": str, "expected": str, "actual": str, "passed": int},
        ("report_id", "check"),
        [("report_id", "reports", "id")],
    ),
    "name_review": (
        {
            "name_as_printed": str, "report_id": str, "page": int, "context": str,
            "candidates": str, "reason": str, "city_id": str,
        },
        None,
        [("report_id", "reports", "id")],
    ),
    "city_mentions": (
        {
            "report_id": str, "city_id": str, "section": str, "page": int, "context": str,
        },
        None,
        [("report_id", "reports", "id")],
    ),
    "ingest_warnings": (
        {"report_id": str, "message": str},
        None,
        [("report_id", "reports", "id")],
    ),
    # PNG crop of the page region each row with a bbox came from (extract.provenance).
    "provenance_images": (
        {"report_id": str, "page": int, **BBOX, "png": bytes},
        ("report_id", "page", "x0", "top", "x1", "bottom"),
        [("report_id", "reports", "id")],
    ),
}

# Shared across reports: upserted, never deleted with a report.
SHARED_TABLES = ("cities", "city_aliases", "members", "indicators")
# Rows that belong to one report, deleted when the report is replaced.
REPORT_TABLES = tuple(t for t in SCHEMA if t not in SHARED_TABLES and t != "reports")
FTS = {"calendar_events": ["title", "location"], "publications": ["title"]}
INDEXES = [
    ("member_status", ["member_id"]),
    ("member_indicators", ["member_id"]),
    ("member_indicators", ["indicator"]),
    # One indicator across editions (canned query indicator_across_years): 0.6 s -> 9 ms
    # on 100 editions; without it SQLite walks every edition's cells for each edition.
    ("member_indicators", ["indicator", "report_id"]),
    ("calendar_events", ["report_id"]),
    ("calendar_events", ["start_date"]),
    ("event_cities", ["city_id"]),
    ("publications", ["report_id"]),
    ("members", ["city_id"]),
    ("city_aliases", ["city_id"]),
    ("city_mentions", ["city_id"]),
    ("name_review", ["report_id"]),
]
VIEWS_SQL = """
CREATE VIEW IF NOT EXISTS member_matrix AS
SELECT s.report_id, s.member_id, s.printed_name, s.is_board_member, s.is_new_member,
{pivot}
FROM member_status s
LEFT JOIN member_indicators i ON i.report_id = s.report_id AND i.member_id = s.member_id
GROUP BY s.report_id, s.member_id
"""


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database in WAL mode with foreign keys on."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=30000")
    # One transaction: a process killed while creating the schema (tables, FTS
    # triggers, views) leaves none of it, never a half (FTS without its triggers).
    db.execute("BEGIN IMMEDIATE")
    try:
        ensure_schema(db)
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:  # not when the interruption came after COMMIT
            db.execute("ROLLBACK")
        raise
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    for name, (columns, pk, fks) in SCHEMA.items():
        table = db[name]
        if not table.exists():
            table.create(columns, pk=pk, foreign_keys=fks or None, if_not_exists=True)
        else:  # a newer extractor may add columns: add them, never drop
            missing = {c: t for c, t in columns.items() if c not in table.columns_dict}
            for col, col_type in missing.items():
                table.add_column(col, col_type)
    for name, cols in INDEXES:
        db[name].create_index(cols, if_not_exists=True)
    for name, cols in FTS.items():
        if not db[name].detect_fts():
            db[name].enable_fts(cols, fts_version="FTS5", create_triggers=True, tokenize="unicode61 remove_diacritics 2")
    ensure_views(db)


def ensure_views(db: sqlite_utils.Database) -> None:
    """The wide `member_matrix` view: one column per indicator known in the database."""
    keys = [r[0] for r in db.execute("SELECT DISTINCT indicator FROM member_indicators ORDER BY 1")]
    known = [r[0] for r in db.execute("SELECT id FROM indicators ORDER BY rowid")]
    keys = known + [k for k in keys if k not in known]
    pivot = ",\n".join(
        f"  MAX(CASE WHEN i.indicator = '{k.replace(chr(39), chr(39) * 2)}' THEN i.value END) AS [{k}]"
        for k in keys
    ) or "  NULL AS no_indicator_yet"
    db.execute("DROP VIEW IF EXISTS member_matrix")
    db.execute(VIEWS_SQL.format(pivot=pivot))
    kb_views.create_views(db.execute)


def known_sha256(db: sqlite_utils.Database, sha256: str) -> str | None:
    """The id of a report already ingested from a file with this hash (`archive.unchanged`)."""
    from extract.archive import unchanged

    return unchanged(db.conn, sha256)


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]], upsert: bool) -> list[int]:
    columns = list(SCHEMA[table][0])
    present = [c for c in columns if any(c in r for r in rows)]
    sql = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in present)}) VALUES ({', '.join('?' for _ in present)})"
    if upsert:
        # ON CONFLICT ... DO UPDATE, not INSERT OR REPLACE: a REPLACE deletes the old row
        # first, which a foreign key pointing at it forbids.
        pk = SCHEMA[table][1]
        keys = (pk,) if isinstance(pk, str) else tuple(pk)
        updates = [c for c in present if c not in keys]
        action = "DO UPDATE SET " + ", ".join(f"[{c}] = excluded.[{c}]" for c in updates) if updates else "DO NOTHING"
        sql += f" ON CONFLICT ({', '.join(f'[{k}]' for k in keys)}) {action}"
    ids = []
    for row in rows:
        cursor = conn.execute(sql, [row.get(c) for c in present])
        ids.append(cursor.lastrowid)
    return ids


def write_report(db: sqlite_utils.Database, report: dict[str, Any], tables: dict[str, list[dict[str, Any]]],
                 remove: Iterable[str] = ()) -> None:
    """Replace one report's rows, all in one transaction: all of them or none. The
    reports in `remove` (stale: their file now holds this one) go in the same transaction.

    Rows of `calendar_events` may carry a `ref`; `event_cities` rows name it in
    `event_ref`, and get the event's new integer id here.
    """
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for stale in remove:
            _delete_report(conn, stale)
            conn.execute("DELETE FROM reports WHERE id = ?", [stale])
        for table in SHARED_TABLES:
            rows = _dedupe(table, tables.get(table, []))
            if rows:
                _insert(conn, table, rows, upsert=True)
        _delete_report(conn, report["id"])
        _insert(conn, "reports", [report], upsert=True)
        event_ids: dict[Any, int] = {}
        events = [{**e, "report_id": report["id"]} for e in tables.get("calendar_events", [])]
        for event, new_id in zip(events, _insert(conn, "calendar_events", events, upsert=False)):
            if "ref" in event:
                event_ids[event["ref"]] = new_id
        links = [
            {"event_id": event_ids[r["event_ref"]], "city_id": r["city_id"]}
            for r in tables.get("event_cities", [])
            if r.get("event_ref") in event_ids
        ]
        _insert(conn, "event_cities", _dedupe("event_cities", links), upsert=True)
        for table in REPORT_TABLES:
            if table in ("calendar_events", "event_cities"):
                continue
            rows = [{**r, "report_id": report["id"]} for r in tables.get(table, [])]
            if rows:
                _insert(conn, table, _dedupe(table, rows), upsert=False)
        ensure_views(db)  # inside the transaction: a reader never sees the views missing
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # not when the interruption came after COMMIT
            conn.execute("ROLLBACK")
        raise


def _delete_report(conn: sqlite3.Connection, report_id: str) -> None:
    """Every row of one report, except its `reports` row (which foreign keys point at)."""
    conn.execute(
        "DELETE FROM event_cities WHERE event_id IN (SELECT id FROM calendar_events WHERE report_id = ?)",
        [report_id],
    )
    for table in REPORT_TABLES:
        if "report_id" in SCHEMA[table][0]:
            conn.execute(f"DELETE FROM [{table}] WHERE report_id = ?", [report_id])


def _dedupe(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the first row of each primary key (parsers may repeat a shared row)."""
    pk = SCHEMA[table][1]
    if pk is None or pk == "id" and table in ("calendar_events", "publications"):
        return list(rows)
    keys = (pk,) if isinstance(pk, str) else pk
    seen: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(tuple(row.get(k) for k in keys), row)
    return list(seen.values())


def table_counts(db: sqlite_utils.Database, report_id: str) -> dict[str, int]:
    counts = {}
    for table in ("member_status", "member_indicators", "calendar_events", "publications",
                  "key_figures", "city_mentions", "checks", "name_review"):
        counts[table] = db.execute(f"SELECT count(*) FROM [{table}] WHERE report_id = ?", [report_id]).fetchone()[0]
    if not counts["name_review"]:
        del counts["name_review"]  # said only when an archivist has names to settle
    return counts
