"""The database: the tables of docs/schema.md (row types in `extract.store.rows`) on sqlite-utils,
one transaction per report.

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

from extract.store import ledger, rows
from extract.store import views as kb_views
from extract.store.rows import columns as columns_of

# table -> (columns, primary key, foreign keys). The columns are the row type's
# (`extract.store.rows`): add a column there, a table there and here, one entry each.
SCHEMA: dict[str, tuple[dict[str, type], Any, list[tuple[str, str, str]]]] = {
    "reports": (columns_of(rows.Report), "id", []),
    "cities": (columns_of(rows.City), "id", []),
    "city_aliases": (columns_of(rows.CityAlias), ("alias", "city_id"), []),
    # a member's place is a city row (written first: SHARED_TABLES order); an unknown place is NULL
    "members": (columns_of(rows.Member), "id", [("city_id", "cities", "id")]),
    "indicators": (columns_of(rows.Indicator), "id", []),
    "indicator_labels": (
        columns_of(rows.IndicatorLabel), ("indicator", "language"), [("indicator", "indicators", "id")]
    ),
    "member_status": (
        columns_of(rows.MemberStatus), ("report_id", "member_id"),
        [("report_id", "reports", "id"), ("member_id", "members", "id")],
    ),
    "member_indicators": (
        columns_of(rows.MemberIndicator), ("report_id", "member_id", "indicator"),
        [("report_id", "reports", "id"), ("member_id", "members", "id")],
    ),
    "calendar_events": (columns_of(rows.CalendarEvent), "id", [("report_id", "reports", "id")]),
    "event_cities": (
        columns_of(rows.EventCity), ("event_id", "city_id"), [("event_id", "calendar_events", "id")]
    ),
    "publications": (columns_of(rows.Publication), "id", [("report_id", "reports", "id")]),
    "key_figures": (columns_of(rows.KeyFigure), ("report_id", "key"), [("report_id", "reports", "id")]),
    "checks": (columns_of(rows.Check), ("report_id", "check"), [("report_id", "reports", "id")]),
    "pages": (columns_of(rows.PageRow), ("report_id", "page"), [("report_id", "reports", "id")]),
    "name_review": (columns_of(rows.NameReview), None, [("report_id", "reports", "id")]),
    "city_mentions": (columns_of(rows.CityMention), None, [("report_id", "reports", "id")]),
    # the rest of the report: the plan, the budget and funding, named lists, leaders
    "plan_deliverables": (columns_of(rows.PlanDeliverable), None, [("report_id", "reports", "id")]),
    "budget_lines": (columns_of(rows.BudgetLine), None, [("report_id", "reports", "id")]),
    "funding_sources": (columns_of(rows.FundingSource), None, [("report_id", "reports", "id")]),
    "member_lists": (columns_of(rows.MemberListEntry), None, [("report_id", "reports", "id")]),
    "leaders": (columns_of(rows.Leader), None, [("report_id", "reports", "id")]),
    # Matrix column titles read as unknown or with low confidence (extract.sections.members.titles), each
    # with the decisions.yml line that settles it; `extract review` lists them.
    "column_review": (columns_of(rows.ColumnReview), ("report_id", "printed_title"),
                      [("report_id", "reports", "id")]),
    "ingest_warnings": (columns_of(rows.IngestWarning), None, [("report_id", "reports", "id")]),
    "provenance_images": (
        columns_of(rows.ProvenanceImage), ("report_id", "page", "x0", "top", "x1", "bottom"),
        [("report_id", "reports", "id")],
    ),
}

# Shared across reports: upserted, never deleted with a report.
SHARED_TABLES = ("cities", "city_aliases", "members", "indicators", "indicator_labels")
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
    ("member_lists", ["member_id"]),
    ("plan_deliverables", ["report_id"]),
    ("budget_lines", ["report_id"]),
    ("name_review", ["report_id"]),
]


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
    db.execute("DROP VIEW IF EXISTS member_matrix")
    db.execute(f"CREATE VIEW member_matrix AS {kb_views.member_matrix(keys)}")
    kb_views.create_views(db.execute)


def known_sha256(db: sqlite_utils.Database, sha256: str, decisions_sha256: str = "") -> str | None:
    """The id of a report already ingested from a file with this hash, read with the
    decisions file of this hash ("" for none): `ledger.unchanged`, the one rule."""
    return ledger.unchanged(db.conn, sha256, decisions_sha256)


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


class SchemaError(ValueError):
    """Rows that do not fit the schema: a table or a column `extract.store.rows` does not declare."""


def validate(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Raise SchemaError on a table or a column the schema does not have: a misspelt key
    is a bug to hear about, not a value to lose."""
    for table, table_rows in tables.items():
        if table not in SCHEMA or table == "reports":
            raise SchemaError(f"rows for unknown table {table!r} (declare it in extract.store.rows and store.SCHEMA)")
        known = SCHEMA[table][0]
        for row in table_rows:
            unknown = [k for k in row if k not in known]
            if unknown:
                raise SchemaError(f"{table}: unknown column(s) {', '.join(map(repr, unknown))} "
                                  f"(declare them in extract.store.rows)")


def _parents(table: str) -> list[tuple[str, str]]:
    """(column, parent table) of the foreign keys from `table` to another report table."""
    return [(col, parent) for col, parent, _ in SCHEMA[table][2] if parent in REPORT_TABLES]


def write_report(db: sqlite_utils.Database, report: dict[str, Any], tables: dict[str, list[dict[str, Any]]],
                 remove: Iterable[str] = ()) -> None:
    """Replace one report's rows, all in one transaction: all of them or none. The
    reports in `remove` (stale: their file now holds this one) go in the same transaction.

    `tables` holds exactly the row types of `extract.store.rows` (SchemaError otherwise). An
    integer `id` in a report table's rows (`calendar_events`) is the row's number in this
    report; the database gives the row its own id, and the foreign keys that name it
    (`event_cities.event_id`) are rewritten to that id.
    """
    validate(tables)
    unknown = [k for k in report if k not in SCHEMA["reports"][0]]
    if unknown:
        raise SchemaError(f"reports: unknown column(s) {', '.join(map(repr, unknown))}")
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for stale in remove:
            _delete_report(conn, stale)
            conn.execute("DELETE FROM reports WHERE id = ?", [stale])
        for table in SHARED_TABLES:
            rows_ = _dedupe(table, tables.get(table, []))
            if rows_:
                _insert(conn, table, rows_, upsert=True)
        _delete_report(conn, report["id"])
        _insert(conn, "reports", [report], upsert=True)
        new_ids: dict[str, dict[Any, int]] = {}
        for table in REPORT_TABLES:
            rows_ = [dict(r) for r in tables.get(table, [])]
            for col, parent in _parents(table):
                ids = new_ids.get(parent, {})
                kept = [r for r in rows_ if r.get(col) in ids]
                if len(kept) < len(rows_):
                    missing = sorted({str(r.get(col)) for r in rows_ if r.get(col) not in ids})
                    raise SchemaError(f"{table}.{col}: no {parent} row numbered {', '.join(missing)}")
                for r in kept:
                    r[col] = ids[r[col]]
            if "report_id" in SCHEMA[table][0]:
                rows_ = [{**r, "report_id": report["id"]} for r in rows_]
            if not rows_:
                continue
            if SCHEMA[table][1] == "id" and SCHEMA[table][0]["id"] is int:
                local = [r.pop("id", None) for r in rows_]
                assigned = _insert(conn, table, rows_, upsert=False)
                new_ids[table] = {n: i for n, i in zip(local, assigned) if n is not None}
            else:
                _insert(conn, table, _dedupe(table, rows_), upsert=False)
        # A member no edition lists any more (its name now settled elsewhere by the
        # archive's decisions) would stay on the map with no row behind it.
        conn.execute("DELETE FROM members WHERE id NOT IN (SELECT member_id FROM member_status)")
        ensure_views(db)  # inside the transaction: a reader never sees the views missing
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # not when the interruption came after COMMIT
            conn.execute("ROLLBACK")
        raise


def _delete_report(conn: sqlite3.Connection, report_id: str) -> None:
    """Every row of one report, except its `reports` row (which foreign keys point at)."""
    for table in REPORT_TABLES:
        if "report_id" in SCHEMA[table][0]:
            continue
        # rows without a report_id go with the report rows they point to
        for col, parent in _parents(table):
            conn.execute(
                f"DELETE FROM [{table}] WHERE [{col}] IN (SELECT id FROM [{parent}] WHERE report_id = ?)",
                [report_id],
            )
    for table in REPORT_TABLES:
        if "report_id" in SCHEMA[table][0]:
            conn.execute(f"DELETE FROM [{table}] WHERE report_id = ?", [report_id])


def _dedupe(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the first row of each primary key (parsers may repeat a shared row); rows
    without the whole key (an id the database assigns, a table without one) all stay."""
    pk = SCHEMA[table][1]
    if pk is None:
        return list(rows)
    keys = (pk,) if isinstance(pk, str) else pk
    seen: dict[tuple, dict[str, Any]] = {}
    out = []
    for row in rows:
        k = tuple(row.get(c) for c in keys)
        if any(v is None for v in k):
            out.append(row)
        elif k not in seen:
            seen[k] = row
            out.append(row)
    return out


def table_counts(db: sqlite_utils.Database, report_id: str) -> dict[str, int]:
    counts = {}
    for table in ("member_status", "member_indicators", "calendar_events", "publications",
                  "key_figures", "city_mentions", "checks", "name_review", "column_review"):
        counts[table] = db.execute(f"SELECT count(*) FROM [{table}] WHERE report_id = ?", [report_id]).fetchone()[0]
    for review in ("name_review", "column_review"):
        if not counts[review]:
            del counts[review]  # said only when an archivist has names or titles to settle
    return counts
