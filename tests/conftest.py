"""Shared fixtures: the committed specimen, the CLI as a subprocess, database snapshots,
specimens ingested once per session (per xdist worker) and copied per test.

`make test` runs everything on every core (`pytest -n auto`, what CI runs); `make check`
the same tests with the long property and fuzz runs cut to a small seeded sample
(`METROPOLIS_TEST_SAMPLE=1`, read through `sample()` below)."""

from __future__ import annotations

import os
import shutil
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


def sample(full: int, small: int) -> int:
    """`full` examples in `make test`, `small` in `make check` (METROPOLIS_TEST_SAMPLE=1):
    the long property and fuzz runs keep their size where CI runs them."""
    return small if os.environ.get("METROPOLIS_TEST_SAMPLE") == "1" else full


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


# {(pdf, options): database} ingested once per session (per xdist worker: each has its
# own tmp folder), read only through copies or as a read-only fixture.
_TEMPLATES: dict[tuple, Path] = {}


def ingest_template(tmp_path_factory, pdf: Path, **options) -> Path:
    """A database holding `pdf`, ingested once per session in-process by the library
    API (`extract.ingest`: the CLI's own work without its start-up); not to be written."""
    key = (Path(pdf), tuple(sorted(options.items())))
    if key not in _TEMPLATES:
        import extract

        db = tmp_path_factory.mktemp("template") / "metropolis.db"
        [outcome] = extract.ingest([Path(pdf)], db, **options)
        assert outcome.status == "written", outcome
        _TEMPLATES[key] = db
    return _TEMPLATES[key]


def copy_db(source: Path, target: Path) -> Path:
    """A copy of a database file (its WAL checkpointed in: the copy is whole)."""
    conn = sqlite3.connect(source)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def ingested_copy(tmp_path_factory, tmp_path):
    """`ingested_copy(pdf, **options)`: this test's own database holding `pdf` (the
    session's template copied to tmp_path, as if `extract ingest pdf --db` had just run)."""
    def make(pdf: Path = SPECIMEN_2021_FR, name: str = "kb.db", **options) -> Path:
        return copy_db(ingest_template(tmp_path_factory, pdf, **options), tmp_path / name)

    return make


@pytest.fixture(scope="session")
def ingested_db(tmp_path_factory) -> Path:
    """A fresh database holding the committed 2021 French specimen (built once)."""
    return ingest_template(tmp_path_factory, SPECIMEN_2021_FR)
