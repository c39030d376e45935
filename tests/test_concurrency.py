"""Readers while a report is written (WAL): no reader error, never half a report.

A Datasette server (`extract serve`, the real one) and two plain SQLite readers poll
the database while `extract ingest` adds one report and then replaces two reports
(`--force`) several times. Every answer must show each report either absent or
complete: the same row counts, table by table, as a reference ingest of the same files.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Self

import httpx
import pytest
from bench.editions import build_short_archive

from tests.conftest import ROOT, SPECIMEN_2021_FR, run_cli

YEARS = [2021, 2022]
ROUNDS = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report_tables(db: Path) -> list[str]:
    """Tables and views with a report_id column, plus `reports` itself."""
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%_fts%' ORDER BY name")]
    found = [n for n in names if "report_id" in [c[1] for c in conn.execute(f"PRAGMA table_info([{n}])")]]
    conn.close()
    return found


def counts_sql(tables: list[str]) -> str:
    """One statement, so one read snapshot: the report's row count in every table."""
    parts = ["(SELECT count(*) FROM reports WHERE id = :r) AS reports"]
    parts += [f"(SELECT count(*) FROM [{t}] WHERE report_id = :r) AS [{t}]" for t in tables]
    return "SELECT " + ", ".join(parts)


class Readers:
    """Threads polling the database; they collect what they saw and every error."""

    def __init__(self, db: Path, base_url: str, sql: str, report_ids: list[str]):
        self.db, self.base_url, self.sql, self.report_ids = db, base_url, sql, report_ids
        self.seen: list[tuple[str, str, tuple]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.sqlite_reader, daemon=True) for _ in range(2)]
        self.threads.append(threading.Thread(target=self.datasette_reader, daemon=True))

    def sqlite_reader(self) -> None:
        conn = sqlite3.connect(self.db, timeout=1)
        while not self.stop.is_set():
            for rid in self.report_ids:
                try:
                    self.seen.append(("sqlite", rid, tuple(conn.execute(self.sql, {"r": rid}).fetchone())))
                except sqlite3.Error as exc:
                    self.errors.append(f"sqlite: {exc}")
        conn.close()

    def datasette_reader(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            while not self.stop.is_set():
                for rid in self.report_ids:
                    try:
                        answer = client.get(f"/{self.db.stem}.json",
                                            params={"sql": self.sql, "r": rid, "_shape": "arrays"})
                    except httpx.HTTPError as exc:
                        self.errors.append(f"datasette: {exc!r}")
                        continue
                    if answer.status_code != 200 or not answer.json().get("ok", True):
                        self.errors.append(f"datasette: HTTP {answer.status_code} {answer.text[:200]}")
                        continue
                    self.seen.append(("datasette", rid, tuple(answer.json()["rows"][0])))

    def __enter__(self) -> Self:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """(folder of two editions, the tables to count, {report_id: complete counts})."""
    root = tmp_path_factory.mktemp("concurrency")
    folder = root / "raw"
    build_short_archive(folder, YEARS)
    reference = root / "reference.db"
    result = run_cli("ingest", folder, "--db", reference)
    assert result.returncode == 0, result.stderr
    tables = report_tables(reference)
    sql = counts_sql(tables)
    conn = sqlite3.connect(reference)
    complete = {f"{y}-fr": tuple(conn.execute(sql, {"r": f"{y}-fr"}).fetchone()) for y in YEARS}
    conn.close()
    return folder, tables, complete


def wait_until_up(base_url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        try:
            if httpx.get(f"{base_url}/-/versions.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("datasette did not start")


def test_readers_never_see_half_a_report(archive, tmp_path):
    folder, tables, complete = archive
    first = min(folder.glob("*.pdf"))
    db = tmp_path / "kb.db"
    assert run_cli("ingest", first, "--db", db).returncode == 0
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "extract", "serve", "--db", str(db), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, serve)
        absent = tuple(0 for _ in complete[next(iter(complete))])
        with Readers(db, base_url, counts_sql(tables), sorted(complete)) as readers:
            time.sleep(0.5)
            during = 0
            for round_ in range(ROUNDS):
                before = len(readers.seen)
                result = run_cli("ingest", folder, "--db", db, *(["--force"] if round_ else []))
                assert result.returncode == 0, result.stderr
                during += len(readers.seen) - before
            time.sleep(0.5)
    finally:
        serve.terminate()
        serve.wait(timeout=30)

    assert readers.errors == []
    assert during > 20, "the readers hardly read while the reports were written"
    first_id = min(complete)
    for source, rid, counts in readers.seen:
        allowed = {complete[rid]} if rid == first_id else {complete[rid], absent}
        assert counts in allowed, f"{source} saw {rid} partial: {dict(zip(['reports', *tables], counts))}"
    sources = {s for s, _, _ in readers.seen}
    assert sources == {"sqlite", "datasette"}


def dumps_with_jobs(source, tmp_path, jobs=("1", "2")) -> list[list[str]]:
    """The database dump of `extract ingest source --jobs N` for each N, times aside."""
    dumps = []
    for n in jobs:
        db = tmp_path / f"jobs{n}.db"
        result = run_cli("ingest", source, "--db", db, "--jobs", n)
        assert result.returncode == 0, result.stderr
        conn = sqlite3.connect(db)
        conn.execute("UPDATE reports SET ingested_at = NULL")  # when, not what
        conn.commit()
        dumps.append(list(conn.iterdump()))
        conn.close()
    return dumps


def test_a_process_pool_writes_the_same_database_as_one_process(archive, tmp_path):
    """--jobs 2 extracts in workers and writes in one process, in file order: same rows."""
    folder, _, _ = archive
    alone, pooled = dumps_with_jobs(folder, tmp_path)
    assert alone == pooled


def test_one_report_read_by_two_processes_writes_the_same_database(tmp_path):
    """A single file with --jobs 2 has its pages read and its crops cut by two processes:
    the same rows, provenance PNGs included, byte for byte."""
    alone, pooled = dumps_with_jobs(SPECIMEN_2021_FR, tmp_path)
    assert any(line.startswith('INSERT INTO "provenance_images"') for line in alone)
    assert alone == pooled
