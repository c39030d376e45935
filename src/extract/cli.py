"""The command line: a thin click layer over `archive` (the library API) and `serve`:
it formats each file's outcome as one line and picks the exit status.

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

from extract.lang import vocab
from extract.names import decisions
from extract.pdf import guards
from extract.pipeline import archive

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_DB = Path("db/metropolis.db")
_LAZY = {"pipeline": "extract.pipeline.run", "store": "extract.store.writer"}


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


one_line = archive.one_line
_extract = archive.extract_one  # what a worker runs for one file (tests call it)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="metropolis-kb")
def main() -> None:
    """Metropolis annual reports (PDF) to a Datasette knowledge base.

    \b
    Example:
        extract ingest raw/ && extract serve
    """


@main.command()
# readable=False: an unreadable file is that file's one failure line, not a usage error
# that stops the others.
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True, help="SQLite database to write.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Processes: reports read in parallel (one writer); a single report has its pages read in parallel.")
@click.option("--year", type=click.IntRange(1990, 2100), help="Override the year read from the document.")
@click.option("--language", type=click.Choice(vocab.LANGUAGES), help="Override the language read from the document (a folder of vocab/).")
@click.option("--max-pages", type=int, default=guards.DEFAULT_MAX_PAGES, show_default=True, help="Refuse PDFs with more pages.")
@click.option("--max-mib", type=int, default=guards.DEFAULT_MAX_BYTES >> 20, show_default=True, help="Refuse PDFs larger than this.")
@click.option("--max-inflated-mib", type=int, default=guards.DEFAULT_MAX_INFLATED >> 20, show_default=True, help="Refuse PDFs whose compressed streams inflate past this (decompression bombs).")
@click.option("--timeout", type=click.FloatRange(0), default=None, help=f"Give up on a file after this many seconds (0: no limit) [default: {guards.DEFAULT_TIMEOUT:g} s, or {guards.SECONDS_PER_PAGE:g} s per page of a longer file].")
@click.option("--max-memory-mib", type=click.IntRange(0), default=guards.DEFAULT_MAX_MEMORY >> 20, show_default=True, help="Memory one file may take (0: no limit); past it, that file is refused in one line and the others go on.")
@click.option("--force", is_flag=True, help="Re-ingest even when the file is unchanged; replace a stored report even when the new one has far fewer rows; remove reports whose file now holds another edition.")
@click.option("--with-synthetic", is_flag=True, help="Also ingest editions whose cover says they are synthetic (made-up test data); without it they are skipped.")
@click.option("--decisions", "decisions_path", type=click.Path(path_type=Path), help="The archivist's decisions file (names, column titles), or a folder holding decisions.yml; default: decisions.yml beside the database.")
@click.option("--spacy-ner", is_flag=True, help="Also run spaCy's statistical NER (fr_core_news_sm, French reports only) on the narrative pages; places it adds that the gazetteer does not know go to name_review.")
def ingest(paths, db_path, jobs, year, language, max_pages, max_mib, max_inflated_mib, timeout, max_memory_mib, force, with_synthetic, decisions_path, spacy_ner) -> None:
    """Ingest report PDFs (files or folders) into the database.

    Each PDF is one report, written in one transaction. An unchanged file (same
    sha256) is skipped; a changed file replaces its report's rows, unless it fails a
    sanity gate (damaged, a section emptied, members, events or products collapsing;
    --force overrides). A bad file gets one line on stderr and the exit status is 1;
    the other files still go in.

    \b
    Example:
        extract ingest raw/ --db db/metropolis.db
    """
    decisions_path = _decisions_file(decisions_path, db_path)
    try:
        # a broken decisions file stops the run before any work
        decided = decisions.load(decisions_path)
    except decisions.DecisionsError as exc:
        raise click.ClickException(str(exc)) from None
    tally = {"written": 0, "todo": 0}
    try:
        outcomes = _ingest(tally, paths, db_path, jobs, force, with_synthetic, {
            "decisions_sha256": decided.sha256,
            "year": year, "language": language, "max_pages": max_pages,
            "max_bytes": max_mib << 20, "max_inflated": max_inflated_mib << 20,
            "timeout": guards.DEFAULT_TIMEOUT if timeout is None else timeout,
            "timeout_per_page": timeout is None, "max_memory": max_memory_mib << 20,
            "spacy_ner": spacy_ner,
            "decisions": decisions_path,
        })
    except archive.ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        # Ctrl-C at any point: the report being written was rolled back with its transaction
        said = (f"{tally['written']} of {tally['todo']} reports written, none half-written"
                if tally["todo"] else "nothing written")
        _stderr().print(f"interrupted: {said}", markup=False, highlight=False)
        sys.exit(130)
    sys.exit(1 if any(o.failed for o in outcomes) else 0)


def _decisions_file(given: Path | None, db_path: Path) -> Path:
    """--decisions FILE, or FOLDER (its decisions.yml); default: beside the database."""
    if given is None:
        return decisions.default_path(db_path)
    return given / decisions.FILE_NAME if given.is_dir() else given


def checks_summary(checks: list[dict]) -> str:
    """`checks 11/12 passed (failed: calendar.months_present)`: what an archivist looks at first.

    >>> checks_summary([{"check": "a.b", "passed": 1}, {"check": "c.d", "passed": 0}])
    'checks 1/2 passed (failed: c.d)'
    """
    failed = [c["check"] for c in checks if not c["passed"]]
    line = f"checks {len(checks) - len(failed)}/{len(checks)} passed"
    return line + (f" (failed: {', '.join(failed)})" if failed else "")


def summary(outcome: archive.Outcome) -> str:
    """The one line of a file's outcome (stdout, or stderr for a failure)."""
    o = outcome
    if o.status == archive.FAILED:
        return f"{o.path}: {o.reason}"
    if o.status == archive.UNCHANGED:
        return f"{o.report_id}: {o.path} unchanged, skipped"
    if o.status == archive.SKIPPED:
        return f"{o.report_id}: {o.path} is {o.reason}"
    counts = ", ".join(checks_summary(list(o.checks)) if t == "checks" else f"{t} {n}"
                       for t, n in o.counts.items())
    warn = f", {o.warnings} warnings" if o.warnings else ""
    line = f"{o.report_id}: {o.path} {o.pages} pages, {counts}{warn}, {o.seconds:.1f} s"
    if o.changes:
        line += f"; replaced the stored edition: {o.changes}"
    if o.removed:
        line += f"; removed {', '.join(o.removed)}, read before from a file of this name"
    return line


def stale_line(outcome: archive.Outcome) -> str:
    ids = ", ".join(outcome.stale)
    return (f"{outcome.path}: this file name now holds {outcome.report_id}; {ids} read from it "
            f"before {'is' if len(outcome.stale) == 1 else 'are'} stale (its /raw/ link shows "
            f"{outcome.report_id}); --force removes {ids}")


def _ingest(tally: dict[str, int], paths, db_path: Path, jobs: int, force: bool,
            with_synthetic: bool, options: dict) -> list[archive.Outcome]:
    """`archive.ingest` with a line per outcome and progress bars on a terminal; `tally`
    counts the reports to write and written (for the Ctrl-C line)."""
    bars: dict[str, Any] = {}

    def warn(line: str) -> None:
        # through rich once the bars are up (they are redrawn under it), else plain: the
        # skip of unchanged files never imports rich
        if bars:
            bars["progress"].console.print(line, markup=False, highlight=False)
        else:
            click.echo(line, err=True)

    def on_start(count: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        tally["todo"] = count
        progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=_stderr(), transient=True, disable=not _stderr().is_terminal,
        )
        progress.start()
        bars.update(progress=progress, reports=progress.add_task("reports", total=count),
                    pages=progress.add_task("pages", total=None, visible=False))

    def on_page(read: int, total: int) -> None:  # the report read in this process
        if bars:
            bars["progress"].update(bars["pages"], completed=read, total=total, visible=True)

    def on_outcome(outcome: archive.Outcome) -> None:
        if bars:  # said after on_start: a file that was read
            bars["progress"].advance(bars["reports"])
            bars["progress"].update(bars["pages"], visible=False)
        if outcome.status == archive.WRITTEN:
            tally["written"] += 1
        if outcome.failed:
            warn(summary(outcome))
        else:
            click.echo(summary(outcome))
        if outcome.stale:
            warn(stale_line(outcome))

    try:
        return archive.ingest(list(paths), db_path, jobs=jobs, force=force, with_synthetic=with_synthetic,
                              on_start=on_start, on_outcome=on_outcome, on_page=on_page, **options)
    finally:
        if bars:
            bars["progress"].stop()


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
    from extract.names import review as reviewing

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
@click.option("--pdfs", "more_pdfs", type=click.Path(path_type=Path, exists=True, file_okay=False), multiple=True, help="Another folder of PDFs editions were read from, served under /-/pdf/ so their page links resolve (repeatable; `make demo` passes tests/specimens/synthetic/).")
def serve(db_path, port, host, raw_dir, more_pdfs) -> None:
    """Serve the knowledge base with Datasette (read-only, SQL time limit).

    \b
    Example:
        extract serve --port 8001
        extract serve --pdfs tests/specimens/synthetic/
    """
    from extract.kb import serve as serving

    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no database yet; run `extract ingest raw/` first")
    try:
        serving.run(db_path, host=host, port=port, raw_dir=raw_dir, more_pdfs=more_pdfs)
    except serving.MissingMetadata as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":
    main()
