"""The contract in the repository: docs/schema.md documents every table, column and view
of a fresh database, and nothing that is not there (the way sqlite-utils checks that
every CLI command is documented)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from extract.store import writer as store
from tests.conftest import ROOT

DOC = ROOT / "docs" / "schema.md"
# member_matrix has one column per indicator known to the database: its fixed ones only
DYNAMIC_VIEWS = {"member_matrix"}


def documented() -> dict[str, tuple[str, set[str]]]:
    """{name: (kind, {column, ...})} from the `### \\`name\\`` headings under `## Tables`
    and `## Views`, and the `| \\`column\\` |` rows of each one's table."""
    out: dict[str, tuple[str, set[str]]] = {}
    kind = name = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            kind, name = line[3:].strip().lower(), None
        elif m := re.match(r"### `(\w+)`", line):
            name = m.group(1)
            out[name] = (kind, set())
        elif name and (m := re.match(r"\| `(\w+)` \|", line)):
            out[name][1].add(m.group(1))
    return out


def actual(tmp_path) -> dict[str, tuple[str, set[str]]]:
    db = store.connect(tmp_path / "fresh.db")
    fts = {t for t in db.table_names() if "_fts" in t}
    out = {t: ("tables", {c.name for c in db[t].columns}) for t in db.table_names() if t not in fts}
    out.update({v: ("views", {c.name for c in db[v].columns}) for v in db.view_names()})
    return out


def test_every_table_column_and_view_is_documented_and_nothing_else(tmp_path):
    doc, db = documented(), actual(tmp_path)
    problems = []
    for name, (kind, columns) in sorted(db.items()):
        if name not in doc:
            problems.append(f"{kind[:-1]} {name} is not documented: add `### \\`{name}\\`` under "
                            f"`## {kind.title()}` in docs/schema.md")
            continue
        if doc[name][0] != kind:
            problems.append(f"{name} is a {kind[:-1]}, documented under `## {doc[name][0].title()}`")
        if name in DYNAMIC_VIEWS:
            columns = {c for c in columns if c in doc[name][1] or c == "no_indicator_yet"} - {"no_indicator_yet"}
        problems += [f"column {name}.{c} is not documented: add a `| \\`{c}\\` |` row under {name} in docs/schema.md"
                     for c in sorted(columns - doc[name][1])]
        problems += [f"docs/schema.md documents {name}.{c}, which the database does not have"
                     for c in sorted(doc[name][1] - columns)]
    problems += [f"docs/schema.md documents {kind[:-1]} {name}, which the database does not have"
                 for name, (kind, _) in sorted(doc.items()) if name not in db]
    assert not problems, "\n".join(problems)


def test_the_readme_points_at_the_contracts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in ("docs/schema.md", "src/extract/store/rows.py", "src/extract/sections/__init__.py"):
        assert target in readme, target


def test_a_members_place_is_a_declared_foreign_key_to_cities(tmp_path):
    """Datasette draws the link from the declaration (and SQLite keeps it true); a member
    whose place is unknown still goes in with no city."""
    db = store.connect(tmp_path / "fresh.db")
    assert [(fk.column, fk.other_table, fk.other_column) for fk in db["members"].foreign_keys] == [
        ("city_id", "cities", "id")]
    rows = db.execute("PRAGMA foreign_key_list(members)").fetchall()
    assert [(r[2], r[3], r[4]) for r in rows] == [("cities", "city_id", "id")]
    db.execute("INSERT INTO members (id, name, city_id) VALUES ('somewhere', 'Somewhere', NULL)")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO members (id, name, city_id) VALUES ('nowhere', 'Nowhere', 'no-such-city')")
