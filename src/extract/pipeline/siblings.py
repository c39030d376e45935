"""A sibling edition as evidence: the same year's members matrix in another language.

The editions of one year (2021-fr, 2021-en, 2021-es) print the same facts: member by
member, each column of one holds the cells of one column of the other. So when the
archive already holds an edition of the year, a report about to be written is compared
with it, column by column, before writing (after parsing, so it needs the database
the pipeline writes to, not the parsers):

- an `unknown:` column whose cells agree member by member with exactly one known column
  of the sibling (`GATES.sibling_agree` of the members both list, at least `GATES.sibling_min_filled` of them with a
  cell in either) takes that column's key, said in `column_review` (`cells match 2021-fr
  fee_paid, 141/143`) and in a warning; `members.columns_known` is read again;
- a mapped column whose cells disagree with the sibling's column of the same key fails
  the check `members.columns_agree_with_<edition>`, whose `detail` names the column, how
  many members agree and the sibling's column its cells do agree with, if any.

Cells are compared as what they say, not as printed: `Yes`, `Oui`, `Sí` and `1` are 1;
a blank and `-` are nothing; `L & P` is itself. A column with fewer than `GATES.sibling_min_filled`
cells says too little to compare (a sparse column agrees with any other sparse one).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from extract.lang import vocab
from extract.sections.members import titles
from extract.toolkit.settings import GATES

UNKNOWN = "unknown:"

Cells = dict[str, dict[str, object]]  # indicator -> member -> what the cell says


@dataclass(frozen=True)
class Agreement:
    """Two columns compared over the members both editions list."""

    agreeing: int
    compared: int  # members both editions list
    filled: int  # of them, members with a cell in either column

    @property
    def agrees(self) -> bool:
        return self.filled >= GATES.sibling_min_filled and self.agreeing >= GATES.sibling_agree * self.compared

    @property
    def evidence(self) -> bool:
        return self.filled >= GATES.sibling_min_filled

    def __str__(self) -> str:
        return f"{self.agreeing}/{self.compared}"


def says(row: Mapping[str, Any]) -> object:
    """What one stored cell says, comparable across languages.

    >>> says({"value": "Oui", "value_num": 1.0}), says({"value": "-", "value_num": None})
    (1.0, None)
    >>> says({"value": "L & P", "value_num": None})
    'l&p'
    """
    value = str(row.get("value") or "")
    if vocab.fold(value.strip()) in titles.NONE:
        return None
    if row.get("value_num") is not None:
        return float(row["value_num"])
    return "".join(vocab.fold(value).split())


def by_column(rows: list[Mapping[str, Any]]) -> Cells:
    out: Cells = {}
    for r in rows:
        said = says(r)
        if said is not None:
            out.setdefault(r["indicator"], {})[r["member_id"]] = said
    return out


def compare(mine: Mapping[str, object], theirs: Mapping[str, object], members: set[str]) -> Agreement:
    """Member by member over `members`: a blank agrees with a blank.

    >>> compare({"a": 1.0, "b": 2.0}, {"a": 1.0, "b": 3.0}, {"a", "b", "c"})
    Agreement(agreeing=2, compared=3, filled=2)
    """
    agreeing = sum(mine.get(m) == theirs.get(m) for m in members)
    filled = sum(mine.get(m) is not None or theirs.get(m) is not None for m in members)
    return Agreement(agreeing, len(members), filled)


@dataclass
class Sibling:
    """One stored edition of the same year: its members and its cells."""

    report_id: str
    members: set[str]
    cells: Cells


def siblings(conn: sqlite3.Connection, report: Mapping[str, Any]) -> list[Sibling]:
    """The stored editions of the report's year other than itself (synthetic ones only
    beside a synthetic report), each with a members matrix."""
    try:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM reports WHERE year = ? AND id != ? AND coalesce(synthetic, 0) = ? ORDER BY id",
            [report["year"], report["id"], int(bool(report.get("synthetic")))])]
        out = []
        for rid in ids:
            members = {r[0] for r in conn.execute("SELECT member_id FROM member_status WHERE report_id = ?", [rid])}
            rows = [dict(zip(("member_id", "indicator", "value", "value_num"), r)) for r in conn.execute(
                "SELECT member_id, indicator, value, value_num FROM member_indicators WHERE report_id = ?", [rid])]
            if members:
                out.append(Sibling(rid, members, by_column(rows)))
        return out
    except sqlite3.OperationalError:  # a database from before a table existed
        return []


def confirm(conn: sqlite3.Connection, report: Mapping[str, Any], tables: dict[str, list[dict[str, Any]]],
            warnings: list[str]) -> None:
    """Compares the report's matrix with every sibling edition the archive holds, in
    place: unknown columns confirmed, one `members.columns_agree_with_<edition>` check
    per sibling, warnings added (to `warnings` and `ingest_warnings`)."""
    status = tables.get("member_status") or []
    if not status:
        return
    said: list[str] = []
    for sibling in siblings(conn, report):
        members = {r["member_id"] for r in status} & sibling.members
        if not members:
            continue
        renamed = _confirm_unknown(sibling, members, tables, said)
        tables.setdefault("checks", []).append(_agreement_check(sibling, members, tables, renamed))
    if said:
        _recheck_columns_known(tables)
    for message in said:
        warnings.append(message)
        tables.setdefault("ingest_warnings", []).append({"message": message})
    for check in tables.get("checks") or []:
        if check["check"].startswith("members.columns_agree_with_") and not check["passed"]:
            message = (f"members: check {check['check']} failed: expected {check['expected']}, got "
                       f"{check['actual']}; {check['detail']} (table checks, column detail)")
            warnings.append(message)
            tables.setdefault("ingest_warnings", []).append({"message": message})


def _confirm_unknown(sibling: Sibling, members: set[str], tables: dict[str, list[dict[str, Any]]],
                     said: list[str]) -> dict[str, str]:
    """Unknown columns that agree with one known column of the sibling take its key;
    returns {unknown key: key}."""
    cells = by_column(tables.get("member_indicators") or [])
    keys = {r["indicator"] for r in tables.get("member_indicators") or []}
    renamed: dict[str, str] = {}
    for unknown in sorted(k for k in keys if k.startswith(UNKNOWN)):
        matches = [(key, found) for key, theirs in sibling.cells.items() if not key.startswith(UNKNOWN)
                   and (found := compare(cells.get(unknown, {}), theirs, members)).agrees]
        if len(matches) != 1:
            continue  # none, or several columns alike: no evidence for one key
        key, found = matches[0]
        if key in keys or key in renamed.values():
            continue  # the report already has that column: two columns never take one key
        renamed[unknown] = key
        reason = f"cells match {sibling.report_id} {key}, {found}"
        for row in tables.get("member_indicators") or []:
            if row["indicator"] == unknown:
                row["indicator"] = key
        for row in tables.get("column_review") or []:
            if row.get("key") == unknown:
                row.update(key=key, reason=reason, decision_line=titles.review_line(row["printed_title"], key).strip())
                said.append(f"members matrix: column {row['printed_title']!r} ({unknown}) read as {key}: its "
                            f"{reason}")
    return renamed


def _agreement_check(sibling: Sibling, members: set[str], tables: dict[str, list[dict[str, Any]]],
                     renamed: dict[str, str]) -> dict[str, Any]:
    """Every known column this report and the sibling share agrees member by member."""
    cells = by_column(tables.get("member_indicators") or [])
    shared = sorted(k for k in cells if not k.startswith(UNKNOWN) and k in sibling.cells)
    compared, problems = 0, []
    for key in shared:
        found = compare(cells[key], sibling.cells[key], members)
        if not found.evidence:
            continue
        compared += 1
        if found.agrees:
            continue
        alike = next((k for k, theirs in sibling.cells.items() if k != key and not k.startswith(UNKNOWN)
                      and compare(cells[key], theirs, members).agrees), None)
        problems.append(f"{key}: {found} members agree with {sibling.report_id} {key}"
                        + (f" (its cells match {sibling.report_id} {alike})" if alike else ""))
    confirmed = [f"{new} (was {old})" for old, new in renamed.items()]
    detail = "; ".join(problems) or None
    if confirmed and not problems:
        detail = "confirmed by its cells: " + ", ".join(confirmed)
    return {"check": f"members.columns_agree_with_{sibling.report_id}",
            "expected": f"every shared column agrees on >= {GATES.sibling_agree:.0%} of {len(members)} members",
            "actual": f"{compared - len(problems)} of {compared} columns agree",
            "passed": int(not problems), "detail": detail}


def _recheck_columns_known(tables: dict[str, list[dict[str, Any]]]) -> None:
    """`members.columns_known` read again: a title a sibling confirmed is known."""
    still = sorted({r["printed_title"] for r in tables.get("column_review") or []
                    if str(r.get("key", "")).startswith(UNKNOWN)})
    for check in tables.get("checks") or []:
        if check["check"] == "members.columns_known" and not check["passed"]:
            check.update(actual=str(len(still)), passed=int(not still), detail="; ".join(still) or None)
            if not still:
                stale = "members: check members.columns_known failed"
                tables["ingest_warnings"] = [w for w in tables.get("ingest_warnings") or []
                                             if not w["message"].startswith(stale)]
