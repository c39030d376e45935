"""The members matrix read by meaning (issue 21): a title's meaning first, its cells after,
and a sibling edition of the same year as evidence for a column no title explains."""

from __future__ import annotations

import copy

from tests.conftest import DATA
from tests.specimens.html.render import HtmlLayout, load_edition
from tests.test_html_habits import member_differences, read_members, section_pdf
from tests.test_html_specimens import ENGAGEMENT_KEYS


def _swap_kinds(data: dict) -> dict:
    """2021-fr with bilateral meetings printed as counts and Board meetings as `Oui`: the
    way another producer prints them (issue 21), the titles unchanged."""
    data = copy.deepcopy(data)
    engagement = next(m for m in data["members"]["matrices"] if m["id"] == "engagement")
    bilateral = ENGAGEMENT_KEYS.index("bilateral_meetings")
    board = ENGAGEMENT_KEYS.index("board_meeting_participation")
    for n, row in enumerate(engagement["rows"]):
        cells = row.setdefault("cells", {})
        if bilateral in cells:
            cells[bilateral] = str(1 + n % 4)
        if board in cells:
            cells[board] = "Oui"
    return data


def test_titles_keep_their_key_when_the_cells_are_of_another_kind(tmp_path):
    data = _swap_kinds(load_edition(DATA / "2021-fr"))
    pdf, data = section_pdf(tmp_path, "2021-fr", ["members"], HtmlLayout(), data=data)
    tables = read_members(pdf, "2021-fr", "fr")
    assert member_differences(data, tables, "2021-fr") == {
        "missing members": [], "unexpected members": [], "wrong cells": []}
    review = {r["printed_title"]: r for r in tables["column_review"]}
    kinds = {(r["key"], r["reason"], r["cell_kind"]) for r in review.values()}
    assert kinds == {("bilateral_meetings", "unexpected cells", "count"),
                     ("board_meeting_participation", "unexpected cells", "yes")}, review


# --- a sibling edition as evidence -----------------------------------------------------

def _english_titles() -> dict[str, str]:
    """Key -> the English vocabulary's own title of it (as the 2021-en specimen prints)."""
    from extract.sections.members import titles

    return {key: next(t for lang, t in entries if lang == "en").replace("{year}", "2021")
            for key, entries in titles.known_titles().items()}


def _ingest_beside_2021_fr(tmp_path, ingested_db, titles_of: dict[str, str]):
    """The 2021-en matrix printed under `titles_of`, ingested into an archive that holds
    the committed 2021-fr specimen."""
    import shutil
    import sqlite3

    from tests.conftest import run_cli
    from tests.test_members_paraphrases import edition

    db = tmp_path / "archive" / "metropolis.db"
    db.parent.mkdir()
    shutil.copy(ingested_db, db)
    pdf, data = edition(tmp_path, "en", titles_of)
    result = run_cli("ingest", pdf, "--db", db)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return result, conn, data


def _agreeing(fr_index: tuple[str, int], data_en: dict) -> int:
    """Members whose 2021-fr and 2021-en cells of `key` say the same, from the data files
    (`Oui` and `Yes` both yes; a blank agrees with a blank)."""
    from tests.test_members import member_id

    def cells(data: dict) -> dict[str, str]:
        matrix_id, index = fr_index
        matrix = next(m for m in data["matrices"] if m["id"] == matrix_id)
        return {member_id(r["name"]): {"Oui": "Yes"}.get(str(v), str(v))
                for r in matrix["rows"] if (v := (r.get("cells") or {}).get(index)) is not None}

    fr = cells(load_edition(DATA / "2021-fr")["members"])
    en = cells(data_en)
    members = {member_id(r["name"]) for m in data_en["matrices"] for r in m["rows"]}
    return sum(fr.get(m) == en.get(m) for m in members)


def test_an_unknown_column_takes_the_key_its_cells_share_with_the_sibling_edition(tmp_path, ingested_db):
    """2021-fr in the archive; 2021-en with the fee column under a title no vocabulary
    reads: its cells agree member by member with 2021-fr's fee_paid, so it is fee_paid."""
    from extract.sections.members import titles

    nonsense = "Quarterly widget ledger"
    chosen = _english_titles() | {"fee_paid": nonsense}
    result, conn, data = _ingest_beside_2021_fr(tmp_path, ingested_db, chosen)
    assert result.returncode == 0, result.stderr
    fee_index = ("engagement", ENGAGEMENT_KEYS.index("fee_paid"))
    agreeing = _agreeing(fee_index, data)
    assert agreeing >= 0.95 * 143
    review = [dict(r) for r in conn.execute("SELECT * FROM column_review WHERE report_id = '2021-en'")]
    assert [(r["printed_title"], r["key"], r["reason"]) for r in review] == [
        (nonsense, "fee_paid", f"cells match 2021-fr fee_paid, {agreeing}/143")]
    assert review[0]["decision_line"] == titles.review_line(nonsense, "fee_paid").strip()
    fee = {r[0] for r in conn.execute(
        "SELECT member_id FROM member_indicators WHERE report_id = '2021-en' AND indicator = 'fee_paid'")}
    engagement = next(m for m in data["matrices"] if m["id"] == "engagement")
    assert len(fee) == sum(1 for r in engagement["rows"] if fee_index[1] in (r.get("cells") or {}))
    assert not conn.execute("SELECT count(*) FROM member_indicators WHERE indicator LIKE 'unknown:%'").fetchone()[0]
    checks = {r["check"]: dict(r) for r in conn.execute("SELECT * FROM checks WHERE report_id = '2021-en'")}
    assert checks["members.columns_known"]["passed"] == 1
    assert checks["members.columns_agree_with_2021-fr"]["passed"] == 1
    assert "fee_paid" in checks["members.columns_agree_with_2021-fr"]["detail"]
    warnings = [r[0] for r in conn.execute("SELECT message FROM ingest_warnings WHERE report_id = '2021-en'")]
    assert any("cells match 2021-fr fee_paid" in w for w in warnings), warnings


def test_columns_whose_cells_disagree_with_the_sibling_edition_fail_a_check(tmp_path, ingested_db):
    """2021-en with the titles of congresses and bilateral meetings swapped: both read
    surely (yes columns, titles naming one indicator each), but the cells under them are
    the other column's, member by member, in the French edition."""
    english = _english_titles()
    chosen = english | {"congress_participation": english["bilateral_meetings"],
                        "bilateral_meetings": english["congress_participation"]}
    result, conn, _ = _ingest_beside_2021_fr(tmp_path, ingested_db, chosen)
    assert result.returncode == 0, result.stderr
    check = dict(conn.execute("SELECT * FROM checks WHERE report_id = '2021-en' "
                              "AND [check] = 'members.columns_agree_with_2021-fr'").fetchone())
    assert check["passed"] == 0, check
    assert "congress_participation" in check["detail"] and "bilateral_meetings" in check["detail"]
    assert "its cells match 2021-fr bilateral_meetings" in check["detail"]
    # the other columns agree
    agree, _, compared = check["actual"].split()[:3]
    assert int(agree) == int(compared) - 2
