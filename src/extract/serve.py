"""Datasette over the database: read-only, with metadata.yml, a SQL time limit,
the source PDFs under /raw/ and the project's plugins."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SQL_TIME_LIMIT_MS = 3000


def datasette_args(db_path: Path, *, host: str, port: int, raw_dir: Path, metadata: Path | None = None) -> list[str]:
    """The `datasette serve` command line for this knowledge base."""
    metadata = metadata or Path("metadata.yml")
    args = [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
        "--setting", "allow_download", "off",
        "--setting", "default_allow_sql", "on",
    ]
    if metadata.exists():
        args += ["--metadata", str(metadata)]
    if raw_dir.is_dir():
        args += ["--static", f"raw:{raw_dir}"]
    plugins = Path(__file__).parent / "datasette_plugins"
    if plugins.is_dir():
        args += ["--plugins-dir", str(plugins)]
    return args


def run(db_path: Path, *, host: str, port: int, raw_dir: Path) -> None:
    args = datasette_args(db_path, host=host, port=port, raw_dir=raw_dir)
    shown = port if port else "a free port"
    print(f"Serving {db_path} read-only on http://{host}:{shown}/ (Ctrl-C stops)", flush=True)
    os.execv(sys.executable, args)
