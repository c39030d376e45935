"""The PDFs the editions were read from: the folders `extract serve` names
(`METROPOLIS_KB_PDF_DIRS`, raw/ first), a file found there by its name only, its address
(`/raw/` or `/-/pdf/`), and the route that serves the ones outside raw/.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from datasette.utils.asgi import Response

from extract.kb.web.common import served_database

# Folders the served PDFs live in, set by `extract serve` (raw/ first).
PDF_DIRS_ENV = "METROPOLIS_KB_PDF_DIRS"


def pdf_dirs() -> list[Path]:
    return [Path(p) for p in os.environ.get(PDF_DIRS_ENV, "").split(os.pathsep) if p]


def find_pdf(name: str) -> Path | None:
    """The served PDF of that file name, or None. Only a plain file name that is a PDF
    directly inside one of the folders: nothing else of the disk can be reached."""
    if not name or name != Path(name).name or not name.lower().endswith(".pdf"):
        return None
    for folder in pdf_dirs():
        candidate = folder / name
        if candidate.is_file() and candidate.resolve().parent == folder.resolve():
            return candidate
    return None


def pdf_href(datasette: Any, source_file: str) -> str:
    """raw/ files keep their /raw/ address; a PDF ingested from elsewhere (the synthetic
    specimen) is served by /-/pdf/."""
    dirs = pdf_dirs()
    if dirs and not (dirs[0] / source_file).is_file() and find_pdf(source_file):
        return datasette.urls.path(f"/-/pdf/{quote(source_file)}")
    return datasette.urls.path(f"/raw/{quote(source_file)}")


async def serve_pdf(request, datasette):
    """GET /-/pdf/<file>.pdf : a PDF an edition was read from (raw/ or the synthetic
    specimens' folder), by file name only."""
    pdf = find_pdf(unquote(request.url_vars["name"]))
    if pdf is None:
        return Response.text("no such PDF", status=404)
    return Response(pdf.read_bytes(), content_type="application/pdf",
                    headers={"cache-control": "max-age=3600"})


async def say_missing_pdfs(datasette: Any) -> None:
    """Said at start, not discovered at the first dead page link: the editions whose
    PDF is in none of the served folders (their page links and crops answer 404)."""
    db = served_database(datasette)
    if db is None or not pdf_dirs():
        return
    try:
        rows = (await db.execute("SELECT id, source_file FROM reports ORDER BY id")).rows
    except sqlite3.Error:
        return
    missing = [f"{r['id']} ({r['source_file']})" for r in rows
               if not r["source_file"] or find_pdf(r["source_file"]) is None]
    if missing:
        import sys

        folders = ", ".join(str(d) for d in pdf_dirs())
        print(f"cannot serve the PDFs of {len(missing)} edition(s), not found in "
              f"{folders}: {'; '.join(missing)} (their page links and crops answer 404)",
              file=sys.stderr, flush=True)
