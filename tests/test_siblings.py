"""`extract.pipeline.siblings` on small archives: when a sibling edition is evidence, and
when it is not (too few cells, two columns alike, a key the report already has)."""

from __future__ import annotations

import sqlite3

import pytest

from extract.pipeline import siblings

MEMBERS = [f"m{i:03}" for i in range(60)]


def archive(columns: dict[str, dict[str, str]], year: int = 2021, rid: str = "2021-fr") -> sqlite3.Connection:
    """An archive holding one edition: its members and its cells (indicator -> member -> value)."""
    conn = sqlite3.connect(":memory:")
    conn.executescript("""
        CREATE TABLE reports (id TEXT, year INTEGER, synthetic INTEGER);
        CREATE TABLE member_status (report_id TEXT, member_id TEXT);
        CREATE TABLE member_indicators (report_id TEXT, member_id TEXT, indicator TEXT, value TEXT,
                                        value_num REAL);
    """)
    conn.execute("INSERT INTO reports VALUES (?, ?, 0)", [rid, year])
    conn.executemany("INSERT INTO member_status VALUES (?, ?)", [(rid, m) for m in MEMBERS])
    conn.executemany("INSERT INTO member_indicators VALUES (?, ?, ?, ?, ?)", [
        (rid, m, key, v, _num(v)) for key, cells in columns.items() for m, v in cells.items()])
    return conn


def _num(value: str) -> float | None:
    return 1.0 if value in ("Yes", "Oui", "Sí") else float(value) if value.isdigit() else None


def report(columns: dict[str, dict[str, str]], review: list[str] = ()) -> dict[str, list[dict]]:
    """The tables of a report about to be written (2021-en), `review`: its unknown titles."""
    return {
        "member_status": [{"member_id": m} for m in MEMBERS],
        "member_indicators": [{"member_id": m, "indicator": key, "value": v, "value_num": _num(v)}
                              for key, cells in columns.items() for m, v in cells.items()],
        "column_review": [{"printed_title": t, "key": f"unknown:{t.lower()}", "reason": "weak"} for t in review],
        "checks": [{"check": "members.columns_known", "expected": "0", "actual": str(len(review)),
                    "passed": int(not review), "detail": "; ".join(review) or None}],
    }


def yes_every(n: int, offset: int = 0, word: str = "Yes") -> dict[str, str]:
    return {m: word for i, m in enumerate(MEMBERS) if (i + offset) % n == 0}


EN = {"year": 2021, "id": "2021-en"}


def test_an_unknown_column_takes_the_key_of_the_one_sibling_column_it_matches():
    conn = archive({"fee_paid": yes_every(2, word="Oui"), "activated": yes_every(3, 1, "Oui")})
    tables = report({"unknown:dues": yes_every(2)}, review=["Dues"])
    warnings: list[str] = []
    siblings.confirm(conn, EN, tables, warnings)
    assert {r["indicator"] for r in tables["member_indicators"]} == {"fee_paid"}
    assert tables["column_review"][0]["reason"] == "cells match 2021-fr fee_paid, 60/60"
    checks = {c["check"]: c for c in tables["checks"]}
    assert checks["members.columns_known"]["passed"] == 1
    assert checks["members.columns_agree_with_2021-fr"]["passed"] == 1
    assert any("cells match 2021-fr fee_paid" in w for w in warnings)


@pytest.mark.parametrize(("theirs", "mine", "why"), [
    # 12 members with a cell: too few to tell this column from any other sparse one
    ({"fee_paid": yes_every(5)}, {"unknown:dues": yes_every(5)}, "sparse"),
    # two sibling columns alike: no evidence for one key
    ({"fee_paid": yes_every(2), "activated": yes_every(2)}, {"unknown:dues": yes_every(2)}, "alike"),
    # the report already has that key: two columns never take one key
    ({"fee_paid": yes_every(2)}, {"unknown:dues": yes_every(2), "fee_paid": yes_every(2)}, "taken"),
    # half the members disagree
    ({"fee_paid": yes_every(2)}, {"unknown:dues": yes_every(2, 1)}, "disagree"),
])
def test_no_key_without_evidence(theirs, mine, why):
    tables = report(mine, review=["Dues"])
    siblings.confirm(archive(theirs), EN, tables, [])
    assert "unknown:dues" in {r["indicator"] for r in tables["member_indicators"]}, why
    assert tables["column_review"][0]["reason"] == "weak"


def test_a_mapped_column_that_disagrees_fails_the_check_and_names_its_match():
    conn = archive({"congress_participation": yes_every(2), "bilateral_meetings": yes_every(3, 1)})
    tables = report({"congress_participation": yes_every(3, 1), "bilateral_meetings": yes_every(2)})
    warnings: list[str] = []
    siblings.confirm(conn, EN, tables, warnings)
    check = next(c for c in tables["checks"] if c["check"] == "members.columns_agree_with_2021-fr")
    assert check["passed"] == 0 and check["actual"] == "0 of 2 columns agree"
    assert "congress_participation: " in check["detail"]
    assert "(its cells match 2021-fr bilateral_meetings)" in check["detail"]
    assert any("columns_agree_with_2021-fr failed" in w for w in warnings)


def test_no_sibling_no_check():
    for conn in (archive({"fee_paid": yes_every(2)}, year=2020, rid="2020-fr"),
                 archive({"fee_paid": yes_every(2)}, rid="2021-en")):  # itself, re-ingested
        tables = report({"fee_paid": yes_every(2)})
        siblings.confirm(conn, EN, tables, [])
        assert [c["check"] for c in tables["checks"]] == ["members.columns_known"]
