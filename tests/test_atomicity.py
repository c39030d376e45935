"""Atomicity: `extract ingest` killed with SIGKILL at varied moments never leaves half a report.

A folder of three editions is ingested once without interruption (the reference). Then
the same ingest is started 20 times and killed after delays spread over its whole run,
half of the time into an empty database, half of the time re-ingesting (`--force`) into
a database that already holds every report. After each kill the database opens
cleanly, and each report in it is exactly the reference report, or absent.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench.editions import build_short_archive

from tests.conftest import ROOT, SPECIMEN_2021_FR

RUNS = 20
YEARS = [2019, 2020, 2021]
# Columns that legitimately differ between two ingests of the same file.
VOLATILE = {"ingested_at"}


def start_ingest(folder: Path, db: Path, *extra: str) -> subprocess.Popen:
    """The CLI in its own process group, so that SIGKILL reaches pool workers too."""
    return subprocess.Popen(
        [sys.executable, "-m", "extract", "ingest", str(folder), "--db", str(db), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
        # SIGINT as a terminal leaves it, even when this suite runs as a background job
        # (whose shell set it to ignored, and an ignored signal is inherited)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]


def report_rows(conn: sqlite3.Connection, report_id: str) -> dict[str, list[str]]:
    """Every row that belongs to one report, without surrogate ids, sorted."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%_fts%' ORDER BY name")]
    rows: dict[str, list[str]] = {}
    for table in tables:
        cols = columns(conn, table)
        if table == "reports":
            where, keep = "id = ?", [c for c in cols if c not in VOLATILE]
        elif "report_id" in cols:
            where, keep = "report_id = ?", [c for c in cols if c != "id" and c not in VOLATILE]
        else:
            continue
        select = ", ".join(f"[{c}]" for c in keep)
        rows[table] = sorted(repr(r) for r in conn.execute(f"SELECT {select} FROM [{table}] WHERE {where}", [report_id]))
    if "event_cities" in tables:  # linked through the events' integer ids
        rows["event_cities"] = sorted(repr(r) for r in conn.execute(
            "SELECT e.title, e.start_date, e.page, e.top, c.city_id FROM event_cities c "
            "JOIN calendar_events e ON e.id = c.event_id WHERE e.report_id = ?", [report_id]))
    return rows


def open_cleanly(db: Path) -> sqlite3.Connection:
    """Open after a crash: SQLite integrity, foreign keys, full-text indexes in step."""
    conn = sqlite3.connect(db, timeout=5)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    for (fts,) in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE '%\\_fts' ESCAPE '\\'"):
        conn.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('integrity-check')")
    return conn


def report_ids(conn: sqlite3.Connection) -> set[str]:
    """The reports in a database; a database killed before its schema was made has none."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'reports'").fetchone():
        return set()
    return {r[0] for r in conn.execute("SELECT id FROM reports")}


def copy_db(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """(folder of editions, reference database, {report_id: rows}, seconds of a full run)."""
    root = tmp_path_factory.mktemp("atomicity")
    folder = root / "raw"
    build_short_archive(folder, YEARS)
    db = root / "reference.db"
    started = time.perf_counter()
    proc = start_ingest(folder, db)
    _, err = proc.communicate(timeout=600)
    seconds = time.perf_counter() - started
    assert proc.returncode == 0, err
    conn = open_cleanly(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM reports ORDER BY id")]
    assert ids == [f"{y}-fr" for y in YEARS]
    rows = {rid: report_rows(conn, rid) for rid in ids}
    conn.close()
    return folder, db, rows, seconds


def test_sigkill_never_leaves_half_a_report(reference, tmp_path):
    folder, reference_db, expected, seconds = reference
    rng = random.Random(8)
    outcomes = {"absent": 0, "complete": 0}
    for run in range(RUNS):
        db = tmp_path / f"run{run}.db"
        replacing = run % 2 == 1
        if replacing:
            copy_db(reference_db, db)
        extra = ["--force"] if replacing else []
        if run % 4 == 3:
            extra.append("--jobs=2")
        delay = seconds * (run + rng.random()) / RUNS
        proc = start_ingest(folder, db, *extra)
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it finished first: the database must then be complete
        proc.communicate(timeout=60)

        conn = open_cleanly(db)
        present = report_ids(conn)
        assert present <= set(expected), present
        if replacing:  # a replacement in flight must leave the old report whole
            assert present == set(expected), f"run {run}: a report vanished"
        for rid, rows in expected.items():
            got = report_rows(conn, rid)
            if rid in present:
                assert got == rows, f"run {run} (killed after {delay:.2f} s): {rid} is partial"
                outcomes["complete"] += 1
            else:
                assert not any(got.values()), f"run {run}: rows of {rid} without its report"
                outcomes["absent"] += 1
        conn.close()

        if run % 5 == 4:  # after a kill, the next ingest completes the database
            result = start_ingest(folder, db)
            _, err = result.communicate(timeout=600)
            assert result.returncode == 0, err
            conn = open_cleanly(db)
            assert {rid: report_rows(conn, rid) for rid in expected} == expected
            conn.close()
    # The delays covered the run: some kills came before any commit, some after.
    assert outcomes["absent"] and outcomes["complete"], outcomes


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_says_what_was_written_and_leaves_whole_reports(reference, tmp_path, jobs):
    """SIGINT to the whole process group, as a terminal sends it: exit 130, one line, no
    traceback from the CLI or its workers, and every report in the database is whole."""
    folder, _, expected, _ = reference
    db = tmp_path / "kb.db"
    proc = start_ingest(folder, db, f"--jobs={jobs}")
    first = proc.stdout.readline()  # the first report is written: the others are not yet
    assert first.startswith(f"{min(expected)}: "), first
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    out = first + out
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), err
    written = int(lines[0].split()[1])
    conn = open_cleanly(db)
    present = report_ids(conn)
    assert 1 <= written < len(expected)
    assert len(present) == written == len(out.strip().splitlines())
    for rid in present:
        assert report_rows(conn, rid) == expected[rid]
    conn.close()


def group_members(pgid: int) -> int:
    """How many live processes are in process group `pgid` (from /proc)."""
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        count += fields[0] != "Z" and int(fields[2]) == pgid
    return count


def test_ctrl_c_while_two_processes_read_the_pages_of_one_report(tmp_path):
    db = tmp_path / "kb.db"
    proc = start_ingest(SPECIMEN_2021_FR, db, "--jobs=2")
    # The kill point is the moment itself, not a delay that a fast or a busy machine
    # misses: the CLI and its two page workers are all alive.
    deadline = time.monotonic() + 120
    while group_members(proc.pid) < 3:
        assert proc.poll() is None, "the ingest ended before its page workers started"
        assert time.monotonic() < deadline, "the page workers never started"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in out + err, err
    assert err.strip() == "interrupted: 0 of 1 reports written, none half-written"
    assert report_ids(open_cleanly(db)) == set()
