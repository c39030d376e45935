"""Datasette over the database: read-only, with metadata.yml, a SQL time limit, the
source PDFs under /raw/ and the project's plugin and templates.

Read-only: Datasette opens a database file it serves (not `--immutable`) with SQLite's
`mode=ro`, the project defines no writable canned query, and Datasette 0.65 has no write
API. `--immutable` is not used because it would ignore a WAL file left by an ingest.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from extract.toolkit import diskcache

SQL_TIME_LIMIT_MS = 3000
SQL_THREADS = 8
PLUGINS = Path(__file__).parent / "plugins"
TEMPLATES = PLUGINS / "templates"
# metadata.yml is keyed by the database name Datasette derives from the file name.
METADATA_DATABASE = "metropolis"


class MissingMetadata(RuntimeError):
    """No metadata.yml anywhere: Datasette without it would serve a bare database."""


def metadata_candidates() -> list[Path]:
    """Where metadata.yml may be, first found wins: the working directory, the source
    checkout (running from src/), the installed package's share folder (a wheel puts it
    in `<prefix>/share/metropolis-kb/`, see pyproject's data-files)."""
    return [
        Path("metadata.yml"),
        Path(__file__).resolve().parents[3] / "metadata.yml",
        Path(sys.prefix) / "share" / "metropolis-kb" / "metadata.yml",
    ]


def find_metadata() -> Path | None:
    return next((c for c in metadata_candidates() if c.is_file()), None)


def metadata_for(db_path: Path, metadata: dict[str, Any]) -> dict[str, Any]:
    """The metadata with its database section (and links) renamed for this file's stem."""
    name = Path(db_path).stem
    if name == METADATA_DATABASE or METADATA_DATABASE not in metadata.get("databases", {}):
        return metadata
    text = json.dumps(metadata).replace(f"/{METADATA_DATABASE}/", f"/{name}/")
    renamed = json.loads(text)
    renamed["databases"] = {name: renamed["databases"].pop(METADATA_DATABASE), **renamed["databases"]}
    return renamed


def write_metadata(db_path: Path, source: Path) -> Path:
    """The metadata file to hand to Datasette: `source` itself unless it needs renaming."""
    metadata = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    adapted = metadata_for(db_path, metadata)
    if adapted is metadata:
        return source
    # `serve` becomes Datasette (execv), so nothing is left to delete a temporary file:
    # the adapted metadata is kept under a name of its content's hash instead (one file
    # per distinct metadata, rewritten in place, never one per run).
    text = json.dumps(adapted, sort_keys=True)
    folder = diskcache.cache_dir() or Path(tempfile.gettempdir()) / diskcache.APP
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"metadata-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    if not target.is_file():
        handle, name = tempfile.mkstemp(dir=folder, prefix="metadata-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(name, target)  # atomic: two servers starting at once read a whole file
    return target


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def datasette_args(db_path: Path, *, host: str, port: int, raw_dir: Path,
                   metadata: Path | None = None) -> list[str]:
    """The `datasette serve` command line for this knowledge base."""
    args = [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
        "--setting", "allow_download", "off",
        "--setting", "default_allow_sql", "on",
        "--setting", "facet_time_limit_ms", "500",
        # threads for SQL: more than the expensive queries a few clients run at once,
        # so they never hold every thread while the pages of others wait
        "--setting", "num_sql_threads", str(SQL_THREADS),
        # the table first: short facet lists, no facet suggestions (x0, top... are none)
        "--setting", "default_facet_size", "8",
        "--setting", "suggest_facets", "off",
    ]
    metadata = metadata or find_metadata()
    if metadata is None or not metadata.is_file():
        looked = ", ".join(str(c) for c in metadata_candidates())
        raise MissingMetadata(f"no metadata.yml (looked in {looked}): the knowledge base would "
                              "start without its descriptions, queries and facets")
    args += ["--metadata", str(write_metadata(db_path, metadata))]
    if raw_dir.is_dir():
        # Datasette's static handler resolves the path and refuses anything outside raw/.
        args += ["--static", f"raw:{raw_dir.resolve()}"]
    for what, folder in (("plugins", PLUGINS), ("templates", TEMPLATES)):
        if not folder.is_dir():  # an install without them would serve a bare Datasette
            raise MissingMetadata(f"the knowledge base's {what} folder {folder} is missing from the install")
    args += ["--plugins-dir", str(PLUGINS), "--template-dir", str(TEMPLATES)]
    return args


PDF_DIRS_ENV = "METROPOLIS_KB_PDF_DIRS"  # read by the plugin (/-/pdf/, context crops)


def pdf_dirs(raw_dir: Path, more: Sequence[Path] = ()) -> list[Path]:
    """Folders whose PDFs the knowledge base serves: raw/ first (the plugin links its
    files under /raw/), then the folders given with `--pdfs` (the made-up editions of
    `make demo` live in tests/specimens/synthetic/, which production code never looks
    into by itself), so that every page link of every edition ingested from them resolves."""
    return [raw_dir.resolve(), *(Path(d).resolve() for d in more)]


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def run(db_path: Path, *, host: str, port: int, raw_dir: Path, more_pdfs: Sequence[Path] = ()) -> None:
    """Print the URL, then become the Datasette process (same pid: Ctrl-C or kill stops it)."""
    port = port or free_port(host)
    args = datasette_args(db_path, host=host, port=port, raw_dir=raw_dir)
    os.environ[PDF_DIRS_ENV] = os.pathsep.join(str(d) for d in pdf_dirs(raw_dir, more_pdfs))
    print(f"Serving {db_path} read-only at {url_of(host, port)} (Ctrl-C stops)", flush=True)
    os.execv(sys.executable, args)
