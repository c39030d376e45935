"""The canned queries rewritten for speed (issue 25) answer exactly as before.

`search`, `member_profile` and `members_joined_left` called `kb_key` (Python) on every
row of every edition and `kb_member` once a row; they now fold each distinct value
once and read only the years they compare. The queries before the rewrite are kept in
`tests/data/canned_queries_before.yml`; both run here on the ingested raw/ archive,
cloned under other years with members taken out and added so that years differ, for
every member, printed name and event type and for odd input, and must give the same
rows in the same order.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml
from bench.run import clone_editions

from extract.kb import sql as kb_sql
from tests.conftest import ROOT

BEFORE = yaml.safe_load((ROOT / "tests" / "data" / "canned_queries_before.yml").read_text(encoding="utf-8"))
NOW = next(iter(yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"].values()))["queries"]
ODD = ["", " ", "x", "%", "_", "'", '"', "*", "l'", "AND", "NEAR(", "2021", "Bruxelle", "Séoul",
       "Cordoue, Argentine", "nobody at all", "resilient", "mobil", "gender women", "x" * 300]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> sqlite3.Connection:
    import extract

    db = tmp_path_factory.mktemp("rewrites") / "metropolis.db"
    outcomes = extract.ingest(sorted((ROOT / "raw").glob("*.pdf")), db)
    assert [o.status for o in outcomes] == ["written"] * len(outcomes), outcomes
    assert clone_editions(db, len(outcomes) + 4) == len(outcomes) + 4
    conn = sqlite3.connect(db)
    clones = [r for (r,) in conn.execute("SELECT id FROM reports WHERE year < 2000 ORDER BY id")]
    # years that differ: members leave one clone, join another under a new spelling
    conn.execute("DELETE FROM member_status WHERE report_id = ? AND rowid % 7 = 0", [clones[0]])
    conn.execute("DELETE FROM member_status WHERE report_id = ? AND rowid % 5 = 1", [clones[1]])
    conn.execute("UPDATE member_status SET printed_name = upper(printed_name), is_new_member = 1 "
                 "WHERE report_id = ? AND rowid % 3 = 0", [clones[2]])
    conn.commit()
    conn.close()
    ro = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    kb_sql.register(ro)
    return ro


def _same(conn: sqlite3.Connection, query: str, params: dict[str, str]) -> int:
    before = conn.execute(BEFORE[query]["sql"], params).fetchall()
    now = conn.execute(NOW[query]["sql"], params).fetchall()
    assert now == before, (query, params)
    return len(before)


def test_the_reference_is_what_metadata_yml_asks_for() -> None:
    for query, spec in BEFORE.items():
        assert NOW[query].get("params") == spec["params"], query
        assert NOW[query]["sql"] != spec["sql"], f"{query}: not rewritten, drop it from the reference"


def test_search_answers_as_before(archive) -> None:
    words = [*ODD, *(r[0] for r in archive.execute(
        "SELECT DISTINCT event_type FROM calendar_events WHERE event_type IS NOT NULL UNION "
        "SELECT DISTINCT prefix FROM calendar_events WHERE prefix IS NOT NULL UNION "
        "SELECT name FROM members UNION SELECT DISTINCT printed_name FROM member_status"))]
    found = sum(bool(_same(archive, "search", {"q": w})) for w in words)
    assert found == len(words)  # every answer has a row: the hits or the note
    assert len(words) > 150


def test_member_profile_answers_as_before(archive) -> None:
    names = [*ODD, *(r[0] for r in archive.execute(
        "SELECT id FROM members UNION SELECT name FROM members "
        "UNION SELECT DISTINCT printed_name FROM member_status"))]
    listed = [n for n in names if _same(archive, "member_profile", {"member": n}) > 1]
    assert len(listed) > 100


def test_members_joined_left_answers_as_before(archive) -> None:
    years = [str(y) for (y,) in archive.execute("SELECT DISTINCT year FROM reports ORDER BY year")]
    changed = 0
    for a in [*years, "", "1900", "abc"]:
        for b in [*years, "", "2099"]:
            rows = archive.execute(NOW["members_joined_left"]["sql"], {"from_year": a, "to_year": b}).fetchall()
            changed += any(r[1] for r in rows)
            _same(archive, "members_joined_left", {"from_year": a, "to_year": b})
    assert changed >= 4  # the clones differ: some pairs of years have joins and departures


def test_kb_key_kept_answers_equal_a_fresh_fold() -> None:
    from extract.names.normalise import clean_printed, key

    for text in ["Bruxelles", "  SÉOUL ", "Cordoue, Argentine", "x" * 300, "", "Xi’an"]:
        assert kb_sql.key(text) == key(clean_printed(text[:kb_sql.MAX_NAME]))
        assert kb_sql.key(text) == kb_sql.key(text)
    assert kb_sql.key(None) is None and kb_sql.key(12) == "12"


def test_archive_is_not_a_single_edition(archive) -> None:
    assert archive.execute("SELECT count(*) FROM reports").fetchone()[0] >= 7
    assert Path(archive.execute("PRAGMA database_list").fetchone()[2]).name == "metropolis.db"
