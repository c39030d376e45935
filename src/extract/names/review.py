"""`extract review`: what waits for an archivist's decision, with the line that settles it.

Two queues, one command: the names the normaliser could not place with confidence
(`name_review`) and the matrix column titles it could not map with confidence
(`column_review`, when the database has that table). For each, grouped across
editions, the line to add to the archive's `decisions.yml` (under `names:` or
`columns:`); `extract ingest` then re-reads the reports with it, unchanged PDFs too
(`reports.decisions_sha256`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.names import decisions as decisions_file

# Shown when a name has no candidate at all: the archivist writes the id.
NO_CANDIDATE = {"names": "<city-id>", "columns": "<indicator_key>"}


@dataclass
class Item:
    """One printed name or column title waiting, with where it was printed."""

    kind: str  # names | columns
    printed: str
    reason: str
    pick: str | None
    where: list[str] = field(default_factory=list)  # "2021-fr p.30"
    candidates: list[str] = field(default_factory=list)  # "bandar-lampung (ID) 100"
    candidate_ids: list[str] = field(default_factory=list)
    settled: str | None = None  # the decisions file already has a line for it

    @property
    def line(self) -> str:
        """The decisions.yml line: YAML reads a JSON string as the same string."""
        value = self.pick or (self.candidate_ids[0] if self.candidate_ids else
                              NO_CANDIDATE[self.kind])
        return f"{json.dumps(self.printed, ensure_ascii=False)}: {value}"


def _rows(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          [table]).fetchone()
    if not exists:  # an older database, or one the columns review has not reached
        return []
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(
            f"SELECT * FROM [{table}] ORDER BY report_id, page")]
    finally:
        conn.row_factory = None


def _parsed(raw: str | None) -> list[Any]:
    try:
        parsed = json.loads(raw or "[]")
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def _name_candidates(raw: str | None) -> list[str]:
    parsed = _parsed(raw)
    out = []
    for c in parsed:
        if isinstance(c, dict) and c.get("city_id"):
            kind = f" {c['kind']}" if c.get("kind") else ""
            name = f"{c['name']}, " if c.get("name") else ""
            out.append(f"{c['city_id']} ({name}{c.get('country_code', '?')}{kind}) "
                       f"{c.get('score', '')}".strip())
        elif isinstance(c, dict) and c.get("decision"):
            out.append(f"(decisions.yml says {c['decision']}, which no place has)")
    return out


def pending(db_path: Path, decided: decisions_file.Decisions) -> list[Item]:
    """Everything waiting in the database, one item per printed text (folded) and kind."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names, columns = _rows(conn, "name_review"), _rows(conn, "column_review")
    finally:
        conn.close()
    items: dict[tuple[str, str], Item] = {}
    for row in names:
        printed = row.get("name_as_printed") or ""
        item = items.setdefault(("names", decisions_file.fold(printed)), Item(
            "names", printed, row.get("reason") or "", row.get("city_id"),
            candidates=_name_candidates(row.get("candidates")),
            candidate_ids=[c["city_id"] for c in _parsed(row.get("candidates"))
                           if isinstance(c, dict) and c.get("city_id")],
            # a decision naming no place is no decision: the line is shown again
            settled=None if row.get("reason") == "unknown_decision" else decided.name(printed)))
        item.where.append(f"{row['report_id']} p.{row.get('page')}")
    for row in columns:
        printed = row.get("printed_title") or ""
        # `key` is where the cells went (`unknown:<slug>` when no indicator was sure);
        # `candidate` the best indicator by meaning (extract.sections.members.titles), then the runner-up
        key = row.get("key") or ""
        pick = None if key.startswith("unknown:") else key or None
        candidates = [f"{k} {s}" for k, s in ((row.get("candidate") or pick, row.get("score")),
                                              (row.get("runner_up"), row.get("runner_up_score")))
                      if k]
        item = items.setdefault(("columns", decisions_file.fold(printed)), Item(
            "columns", printed, row.get("reason") or "", pick,
            candidates=candidates, candidate_ids=[c.split()[0] for c in candidates],
            settled=decided.column(printed)))
        item.where.append(f"{row['report_id']} p.{row.get('page')}")
    return list(items.values())


def render(items: list[Item], decisions_path: Path) -> str:
    """The report `extract review` prints."""
    if not items:
        return "Nothing waits for a decision."
    out = []
    for kind, title in (("names", "Names"), ("columns", "Column titles")):
        group = [i for i in items if i.kind == kind]
        if not group:
            continue
        out.append(f"{title} waiting for a decision: add the line under `{kind}:` in "
                   f"{decisions_path}, then run `extract ingest` again.")
        for item in group:
            where = ", ".join(dict.fromkeys(item.where))
            pick = (f"kept for now: {item.pick} (low confidence)" if item.pick
                    else "nothing kept")
            out.append(f"  {item.printed} [{where}] {item.reason}; {pick}")
            if item.candidates:
                out.append(f"      candidates: {', '.join(item.candidates)}")
            if item.settled:
                out.append(f"      decided in {decisions_path.name} ({item.settled}): "
                           "re-ingest to apply")
            else:
                out.append(f"    {item.line}")
    waiting = [i for i in items if not i.settled]
    out.append(f"{sum(i.kind == 'names' for i in waiting)} names and "
               f"{sum(i.kind == 'columns' for i in waiting)} column titles wait for a decision.")
    if not decisions_path.exists():
        out.append(f"{decisions_path} does not exist yet: create it with these lines "
                   "under `names:` and `columns:`.")
    return "\n".join(out)
