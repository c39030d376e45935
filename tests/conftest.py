"""Shared fixtures: the committed specimen, the CLI as a subprocess, database snapshots."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# `make test` (and CI) draws the same examples on every run, so a green suite stays green
# and a red one fails the same way again; `make explore` draws new ones with random seeds.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SPECIMEN_2021_FR = RAW / "metropolis-annual-report-2021-fr.pdf"
DATA = ROOT / "tests" / "specimens" / "data"


def run_cli(*args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """`python -m extract ARGS` in a subprocess, as a user runs it."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "extract", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env, check=False,
    )


def snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: for 'the database did not change' assertions."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%_fts%' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM [{t}]"))) for t in tables}
    finally:
        conn.close()


@pytest.fixture(scope="session")
def ingested_db(tmp_path_factory) -> Path:
    """A fresh database holding the committed 2021 French specimen (built once)."""
    db = tmp_path_factory.mktemp("db") / "metropolis.db"
    result = run_cli("ingest", SPECIMEN_2021_FR, "--db", db)
    assert result.returncode == 0, result.stderr
    return db
