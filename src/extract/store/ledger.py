"""What the archive already holds, read with plain sqlite3 (no sqlite-utils): the fast
path of an ingest where every file is unchanged opens nothing more."""

from __future__ import annotations

import sqlite3

# A report is unchanged when its file and the decisions it was read with both are.
UNCHANGED_SQL = ("SELECT id FROM reports WHERE sha256 = ? "
                 "AND coalesce(decisions_sha256, '') = ?")


def unchanged(conn: sqlite3.Connection, digest: str, decisions_sha256: str = "") -> str | None:
    """The one rule of the skip: the id of a report already ingested from these bytes
    with the decisions file of this hash ("" for none)."""
    row = conn.execute(UNCHANGED_SQL, [digest, decisions_sha256]).fetchone()
    return row[0] if row else None
