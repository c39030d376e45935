"""Ingesting the committed specimen: the reports row, idempotence, replacement."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3

import yaml
from pypdf import PdfReader, PdfWriter

from tests.conftest import DATA, SPECIMEN_2021_FR, run_cli, snapshot
from tests.test_normalise import AMBIGUOUS_2021

REPORT = yaml.safe_load((DATA / "2021-fr" / "report.yml").read_text(encoding="utf-8"))


def test_reports_row_describes_the_file(ingested_db):
    conn = sqlite3.connect(ingested_db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM reports")]
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == "2021-fr"
    assert row["year"] == 2021
    assert row["language"] == "fr"
    assert row["source_file"] == SPECIMEN_2021_FR.name
    assert row["sha256"] == hashlib.sha256(SPECIMEN_2021_FR.read_bytes()).hexdigest()
    assert row["page_count"] == len(PdfReader(SPECIMEN_2021_FR).pages)
    assert row["synthetic"] == 0
    assert REPORT["year"] == row["year"]


def test_ingesting_twice_changes_nothing(ingested_copy):
    db = ingested_copy(SPECIMEN_2021_FR)  # the specimen just ingested (the session's copy)
    before = snapshot(db)
    again = run_cli("ingest", SPECIMEN_2021_FR, "--db", db)
    assert again.returncode == 0
    assert "unchanged" in again.stdout
    assert snapshot(db) == before


def test_a_changed_file_replaces_its_report(tmp_path, ingested_copy):
    db = ingested_copy(SPECIMEN_2021_FR)
    before = snapshot(db)
    # Same content, new bytes (metadata changed): a new sha256 for the same report id.
    changed = tmp_path / SPECIMEN_2021_FR.name
    writer = PdfWriter(clone_from=SPECIMEN_2021_FR)
    writer.add_metadata({"/Subject": "re-issued"})
    with open(changed, "wb") as fh:
        writer.write(fh)
    result = run_cli("ingest", changed, "--db", db)
    assert result.returncode == 0, result.stderr
    after = snapshot(db)
    assert len(after["reports"]) == 1
    new_sha = hashlib.sha256(changed.read_bytes()).hexdigest()
    assert new_sha in after["reports"][0]
    for table in ("member_status", "member_indicators", "calendar_events", "publications",
                  "key_figures", "checks"):
        assert len(after[table]) == len(before[table]), table


def test_a_folder_is_ingested_file_by_file(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SPECIMEN_2021_FR, folder)
    (folder / "notes.txt").write_text("not a pdf, not picked up")
    result = run_cli("ingest", folder, "--db", tmp_path / "kb.db")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2021-fr: ")
    assert result.stderr == ""


def test_the_summary_line_counts_the_rows_of_the_report(tmp_path):
    calendar = yaml.safe_load((DATA / "2021-fr" / "calendar.yml").read_text(encoding="utf-8"))
    prose = yaml.safe_load((DATA / "2021-fr" / "prose.yml").read_text(encoding="utf-8"))
    mentions = sum(len(page.get("cities") or page["items"]) for page in prose["pages"])
    result = run_cli("ingest", SPECIMEN_2021_FR, "--db", tmp_path / "kb.db")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith(f"2021-fr: {SPECIMEN_2021_FR} {len(PdfReader(SPECIMEN_2021_FR).pages)} pages, ")
    assert f"calendar_events {len(calendar['events'])}," in line
    assert f"city_mentions {mentions}," in line
    # every name of the specimen resolves; the member names several notable places bear
    # (Bandar, Córdoba, Victoria...) wait in name_review, with their pick
    assert f"name_review {len(AMBIGUOUS_2021)}," in line
