"""The archive as a library: report files in, one `Outcome` per file out.

`ingest(paths, db)` is what the CLI, the bench and the tests call; the CLI only formats
the outcomes and picks the exit status. An ingest never makes the archive worse: a file
that cannot be read, or whose report fails a sanity gate (`extract.pipeline.gates`) against its
own content or the edition already stored, is a failed outcome with one reason, and the
database is left as it was.

Imports are lazy: re-ingesting unchanged files (the sha256 skip) needs only hashlib and
sqlite3, not the PDF libraries, the parsers or sqlite-utils, whose import costs more
than the skip itself.

>>> [o.status for o in ingest([Path("no/such.pdf")], Path("no/such.db"))]
['failed']
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.pdf import guards
from extract.store.ledger import unchanged
from extract.toolkit.errors import IngestError
from extract.toolkit.workers import ctrl_c_deferred

if TYPE_CHECKING:
    from extract.pipeline import run as pipeline

WRITTEN, UNCHANGED, SKIPPED, FAILED = "written", "unchanged", "skipped", "failed"


@dataclass(frozen=True)
class IngestOptions:
    """How each report is read: the options `extract.ingest` accepts beside its own.

    A misspelt option is a TypeError naming it, not every file "failed" later:

    >>> IngestOptions(max_page=5)
    Traceback (most recent call last):
    ...
    TypeError: IngestOptions.__init__() got an unexpected keyword argument 'max_page'
    """

    year: int | None = None  # overrides the year read from the report's title
    language: str | None = None  # overrides the language (a folder of lang/vocab/)
    max_pages: int = guards.DEFAULT_MAX_PAGES
    max_bytes: int = guards.DEFAULT_MAX_BYTES
    max_inflated: int = guards.DEFAULT_MAX_INFLATED  # decompression bombs
    timeout: float | None = None  # seconds per file (None: no limit in this process)
    spacy_ner: bool = False  # spaCy's statistical NER on narrative pages too
    decisions: Path | None = None  # the archive's decisions.yml

    def as_dict(self) -> dict[str, Any]:
        """Only what differs from the defaults: what `extract_report` is given."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) != f.default}


class ArchiveError(Exception):
    """The run cannot start (the database cannot be opened or written): one line."""


@dataclass(frozen=True)
class Outcome:
    """What became of one file (or of a folder that held no PDF)."""

    path: Path
    status: str  # written | unchanged | skipped | failed
    report_id: str | None = None
    reason: str | None = None  # failed or skipped: why, in a few words
    pages: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, when written
    checks: tuple[dict[str, Any], ...] = ()  # the report's checks, when written
    warnings: int = 0
    seconds: float = 0.0
    # Reports read before from a file of this name, which now holds another edition.
    stale: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # the stale reports removed (--force)

    @property
    def failed(self) -> bool:
        return self.status == FAILED


def one_line(text: object) -> str:
    # Messages may quote a damaged PDF's bytes: no control characters (terminal escapes).
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())


def find_inputs(paths: list[Path]) -> list[Path | Outcome]:
    """Files to read, in order; a folder gives its PDFs (sorted). A path that gives no
    file is a failed outcome in its place: missing, an unreadable folder, no PDF."""
    found: list[Path | Outcome] = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append(path)  # a missing or special file is refused by guards.check_file
            continue
        try:
            # not `is_file()`: a FIFO or a device named *.pdf is refused loudly, not skipped
            pdfs = sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf" and not p.is_dir())
        except OSError as exc:
            found.append(Outcome(path, FAILED, reason=f"cannot read this folder ({exc.strerror or exc})"))
            continue
        found.extend(pdfs or [Outcome(path, FAILED, reason="no PDF file in this folder")])
    return found


def _all_unchanged(db_path: Path, files: list[Path | Outcome], digests: dict[Path, str],
                   decisions_sha256: str = "") -> list[Outcome] | None:
    """When every file is already in the database, their outcomes; otherwise None."""
    if not files or not all(isinstance(f, Path) and f in digests for f in files) or not db_path.is_file():
        return None
    try:
        conn = sqlite3.connect(db_path, timeout=30)  # it exists: nothing is created
    except sqlite3.Error:
        return None
    try:
        known = [unchanged(conn, digests[p], decisions_sha256) for p in files]
    except sqlite3.Error:  # no reports table yet, a locked or foreign file: full path
        return None
    finally:
        conn.close()
    if not all(known):
        return None
    return [Outcome(p, UNCHANGED, report_id=rid) for p, rid in zip(files, known, strict=True)]


def _digest(path: Path) -> str:
    """The file's sha256 once it is known to be a regular, readable file."""
    guards.check_file(path)
    return guards.sha256_of(path)


def extract_one(path: Path, options: dict) -> tuple[Path, pipeline.Extraction | None, str | None]:
    """Read one file (in this process or a pool worker); never raises: (path, extraction,
    error line)."""
    from extract.pipeline import run as pipeline

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
    except MemoryError:
        return path, None, "cannot read this PDF (out of memory)"
    except Exception as exc:  # noqa: BLE001 - a damaged PDF can fail anywhere in the PDF libraries
        return path, None, one_line(f"cannot read this PDF ({type(exc).__name__}: {exc})")[:300]


def open_db(db_path: Path):  # -> sqlite_utils.Database
    """The database, created if needed; a path that cannot hold one is an ArchiveError."""
    from extract.store import writer as store

    if db_path.is_dir():
        raise ArchiveError(f"{db_path}: is a folder, not a database file (--db)")
    for parent in db_path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise ArchiveError(f"{db_path}: cannot open the database ({parent} is a file, not a folder)")
            break
    try:
        return store.connect(db_path)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
            reason = "the file exists and is not an SQLite database"
        raise ArchiveError(one_line(f"{db_path}: cannot open the database ({reason})")) from None


def ingest(
    paths: list[Path],
    db: Path,
    *,
    jobs: int = 1,
    force: bool = False,
    with_synthetic: bool = False,
    decisions_sha256: str = "",
    on_start: Callable[[int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_page: Callable[[int, int], None] | None = None,
    **options: Any,
) -> list[Outcome]:
    """Ingest report PDFs (files or folders) into the database at `db`.

    One outcome per file, in the order of `paths`: written, unchanged (same sha256,
    skipped), skipped (a synthetic edition without `with_synthetic`) or failed with its
    reason; the other files go on. `options` are `pipeline.extract_report`'s (`year`, `language`,
    `max_pages`, `max_bytes`, `max_inflated`, `spacy_ner`, `decisions`) and `timeout`.
    `decisions_sha256` is the hash of the decisions file the files are read with (a file
    read with other decisions is not unchanged). `force` re-reads unchanged files, lets a report replace a stored one that it would
    shrink past the gates' tolerance, and removes reports whose file now holds another
    edition. `on_start(n)` is told how many files are to be read, `on_outcome` gets each
    outcome as it is decided, `on_page(read, total)` follows the pages of the report read
    in this process. Raises ArchiveError when the database cannot be opened.
    Ctrl-C (KeyboardInterrupt) leaves no report half-written.
    """
    options = IngestOptions(**options).as_dict()  # an unknown key: TypeError naming it
    db = Path(db)
    outcomes: list[Outcome] = []

    def say(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)

    inputs = find_inputs(list(paths))
    digests: dict[Path, str] = {}
    refused: dict[Path, str] = {}
    for item in inputs:
        if isinstance(item, Path) and item not in digests and item not in refused:
            try:
                digests[item] = _digest(item)
            except IngestError as exc:
                refused[item] = one_line(exc)
    if not digests:  # nothing to read: the database is not even opened
        for item in inputs:
            say(item if isinstance(item, Outcome) else Outcome(item, FAILED, reason=refused[item]))
        return outcomes
    if not force and (known := _all_unchanged(db, inputs, digests, decisions_sha256)) is not None:
        for outcome in known:
            say(outcome)
        return outcomes  # every file unchanged: skipped without loading the extractor

    from extract.store import writer as store

    database = open_db(db)
    todo: list[tuple[Path, str]] = []
    for item in inputs:
        if isinstance(item, Outcome):
            say(item)
        elif item in refused:
            say(Outcome(item, FAILED, reason=refused[item]))
        elif (rid := store.known_sha256(database, digests[item], decisions_sha256)) and not force:
            say(Outcome(item, UNCHANGED, report_id=rid))
        else:
            todo.append((item, digests[item]))
    try:
        if on_start:
            on_start(len(todo))
        for path, extraction, error in _run(todo, options, jobs, on_page):
            if error:
                say(Outcome(path, FAILED, reason=error))
                continue
            with ctrl_c_deferred():  # written, counted and said, or none of them
                say(_write(database, path, extraction, force, with_synthetic))
    finally:
        database.conn.close()
    # said as decided (failures before reading first); returned in the order of the inputs
    order: dict[Path, int] = {}
    for i, item in enumerate(inputs):
        order.setdefault(item.path if isinstance(item, Outcome) else item, i)
    return sorted(outcomes, key=lambda o: order.get(o.path, len(order)))


def _write(database, path: Path, extraction: pipeline.Extraction, force: bool, with_synthetic: bool) -> Outcome:
    """Pass the gates against the stored edition, then write, all or nothing."""
    from extract.pipeline import gates, siblings
    from extract.store import writer as store

    report = extraction.report
    rid = report["id"]
    if report.get("synthetic") and not with_synthetic:
        # made-up test data is never mixed silently with real-content editions
        return Outcome(path, SKIPPED, report_id=rid,
                       reason="a synthetic edition, skipped (--with-synthetic ingests it)")
    try:
        # the same year's other editions, already in the archive, as evidence for the
        # matrix's columns (before the gates: they compare the checks)
        siblings.confirm(database.conn, report, extraction.tables, extraction.warnings)
        stored = gates.stored_edition(database.conn, rid)
        refusal = gates.against_stored(extraction.tables, stored, force=force)
        if refusal:
            return Outcome(path, FAILED, report_id=rid, reason=f"{rid} not replaced: {refusal}")
        stale = gates.stale_reports(database.conn, report["source_file"], rid)
        store.write_report(database, report, extraction.tables, remove=stale if force else ())
        counts = store.table_counts(database, rid)
    except (OSError, sqlite3.Error) as exc:  # disk full, I/O error, a locked database
        return Outcome(path, FAILED, report_id=rid, reason=one_line(f"not written ({exc})"))
    except Exception as exc:  # noqa: BLE001 - rows the schema refuses: one line, the others go on
        return Outcome(path, FAILED, report_id=rid,
                       reason=one_line(f"not written ({type(exc).__name__}: {exc})")[:300])
    return Outcome(
        path, WRITTEN, report_id=rid, pages=report["page_count"], counts=counts,
        checks=tuple(extraction.tables.get("checks", [])),
        warnings=len(extraction.warnings), seconds=extraction.seconds,
        stale=() if force else tuple(stale), removed=tuple(stale) if force else (),
    )


def _run(todo: list[tuple[Path, str]], options: dict, jobs: int, on_page=None):
    """Extract files in order; with jobs > 1 in a process pool, still yielded in order.
    A single file with jobs > 1 has its pages read by `jobs` processes instead, and
    `on_page(read, total)` follows the pages of the reports read in this process."""
    if jobs == 1 or len(todo) < 2:
        for path, digest in todo:
            yield extract_one(path, {**options, "sha256": digest, "workers": jobs, "on_page": on_page})
        return
    from concurrent.futures import ProcessPoolExecutor

    from extract.toolkit import workers

    # The workers leave Ctrl-C to this process and die with it; leaving early (Ctrl-C,
    # an error) does not wait for the reports still being read.
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=workers.initialise)
    try:
        with workers.ctrl_c_deferred():  # the pool forks its workers here (see fork_pool)
            futures = [pool.submit(extract_one, path, {**options, "sha256": digest}) for path, digest in todo]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
