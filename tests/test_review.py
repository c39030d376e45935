"""`extract review` and the archive's decisions file, through the CLI as an archivist
uses them: ingest, read what waits, add one line to decisions.yml, ingest again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SPECIMEN_2021_FR, copy_db, ingest_template, run_cli
from tests.test_normalise import AMBIGUOUS_2021


def query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def line_for(review_out: str, printed: str) -> str:
    """The decisions.yml line `extract review` prints for one name."""
    lines = [ln.strip() for ln in review_out.splitlines() if ln.strip().startswith(f'"{printed}":')]
    assert len(lines) == 1, review_out
    return lines[0]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("archive") / "metropolis.db"
    return copy_db(ingest_template(tmp_path_factory, SPECIMEN_2021_FR), db)


def test_review_lists_each_waiting_name_with_its_line(archive: Path) -> None:
    result = run_cli("review", "--db", archive)
    assert result.returncode == 0, result.stderr
    for printed, pick in AMBIGUOUS_2021.items():
        assert line_for(result.stdout, printed) == f'"{printed}": {pick}'
    assert "bandar-lampung" in result.stdout  # the other candidates are shown
    assert f"{len(AMBIGUOUS_2021)} names and 0 column titles wait" in result.stdout
    assert str(archive.parent / "decisions.yml") in result.stdout  # where the line goes


def test_one_line_and_a_reingest_settle_a_name(archive: Path) -> None:
    printed = run_cli("review", "--db", archive).stdout
    decisions = archive.parent / "decisions.yml"
    # The archivist decides Bandar is Bandar Lampung (not the pick) and confirms Victoria
    # with the line exactly as printed.
    bandar = line_for(printed, "Bandar").replace("bandar-abbas", "bandar-lampung")
    decisions.write_text(f"names:\n  {bandar}\n  {line_for(printed, 'Victoria')}\n",
                         encoding="utf-8")
    result = run_cli("ingest", SPECIMEN_2021_FR, "--db", archive)  # no --force
    assert result.returncode == 0, result.stderr
    assert "unchanged" not in result.stdout  # the decisions changed: read again
    assert f"name_review {len(AMBIGUOUS_2021) - 2}," in result.stdout
    status = {r[0] for r in query(archive, "SELECT member_id FROM member_status")}
    assert "bandar-lampung" in status and "bandar-abbas" not in status
    assert query(archive, "SELECT id FROM members WHERE id = 'bandar-abbas'") == []
    lampung = query(archive, "SELECT country_code, latitude FROM cities WHERE id = 'bandar-lampung'")
    assert lampung and lampung[0][0] == "ID" and lampung[0][1] is not None
    waiting = {r[0] for r in query(archive, "SELECT name_as_printed FROM name_review")}
    assert waiting == set(AMBIGUOUS_2021) - {"Bandar", "Victoria"}
    assert ("Bandar", "bandar-lampung", "manual") in query(
        archive, "SELECT alias, city_id, source FROM city_aliases")
    after = run_cli("review", "--db", archive).stdout
    assert '"Bandar"' not in after and '"Victoria"' not in after
    again = run_cli("ingest", SPECIMEN_2021_FR, "--db", archive)
    assert "unchanged, skipped" in again.stdout  # same PDF, same decisions


def test_a_decisions_file_given_by_option(tmp_path: Path, archive: Path) -> None:
    elsewhere = tmp_path / "archivist" / "my-decisions.yml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('names:\n  "Colombo": colombo\n', encoding="utf-8")
    result = run_cli("review", "--db", archive, "--decisions", elsewhere)
    assert result.returncode == 0, result.stderr
    assert "decided in my-decisions.yml (colombo): re-ingest to apply" in result.stdout
    assert '"Colombo": colombo' not in result.stdout
    folder = elsewhere.parent
    (folder / "decisions.yml").write_text('names:\n  "Rosario": rosario\n', encoding="utf-8")
    result = run_cli("review", "--db", archive, "--decisions", folder)  # a folder: its decisions.yml
    assert "decided in decisions.yml (rosario): re-ingest to apply" in result.stdout


def test_review_without_a_database_says_so_in_one_line(tmp_path: Path) -> None:
    result = run_cli("review", "--db", tmp_path / "none.db")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "none.db" in result.stderr
    assert "Traceback" not in result.stderr
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    result = run_cli("review", "--db", garbage)
    assert result.returncode == 1 and "garbage.db" in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


def test_column_titles_waiting_are_listed_too(tmp_path: Path, archive: Path) -> None:
    """`column_review` (the columns issue's table, same columns) when the database has it."""
    db = tmp_path / "copy.db"
    src, dst = sqlite3.connect(archive), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    # the store's own table (extract.store.rows.ColumnReview): a title mapped with low confidence
    dst.execute("INSERT INTO column_review (report_id, page, printed_title, key, score, candidate, "
                "runner_up, runner_up_score, reason) VALUES ('2021-fr', 20, 'Cities met in person', "
                "'bilateral_meetings', 71.0, 'bilateral_meetings', 'congress_participation', 64.0, "
                "'low confidence')")
    dst.commit()
    dst.close()
    result = run_cli("review", "--db", db)
    assert result.returncode == 0, result.stderr
    assert '"Cities met in person": bilateral_meetings' in result.stdout
    assert "under `columns:`" in result.stdout and "congress_participation 64.0" in result.stdout
    assert "1 column titles wait" in result.stdout


def test_a_decision_naming_no_place_is_said_and_asked_again(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    (tmp_path / "decisions.yml").write_text('names:\n  "Colombo": colombo-lk-typo\n',
                                             encoding="utf-8")
    assert run_cli("ingest", SPECIMEN_2021_FR, "--db", db).returncode == 0
    row = query(db, "SELECT reason, city_id FROM name_review WHERE name_as_printed = 'Colombo'")
    assert row and set(row) == {("unknown_decision", "colombo")}  # each page it is printed on
    result = run_cli("review", "--db", db)
    assert "(decisions.yml says colombo-lk-typo, which no place has)" in result.stdout
    assert line_for(result.stdout, "Colombo") == '"Colombo": colombo'
