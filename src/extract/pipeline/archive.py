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
    timeout_per_page: bool = False  # the timeout grows to guards.SECONDS_PER_PAGE a page
    max_memory: int | None = None  # bytes a file's reading process may grow by (RLIMIT_AS)
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
    # A stored edition replaced: what the new file added and changed (and, forced, removed).
    changes: str | None = None

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
    per_page = options.pop("timeout_per_page", False)
    max_memory = options.pop("max_memory", None)
    # pdfminer logs each repair of a damaged file to stderr: the one error line is enough.
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL + 1)
    try:
        with guards.time_limit(timeout, per_page=per_page), guards.memory_limit(max_memory):
            return path, pipeline.extract_report(path, **options), None
    except guards.FileTimeout as exc:
        return path, None, f"gave up after {exc.args[0] if exc.args else timeout:g} s (--timeout)"
    except IngestError as exc:
        return path, None, one_line(exc)
    except MemoryError:
        budget = f"its budget of {max_memory >> 20} MiB, --max-memory-mib" if max_memory else "no memory left"
        return path, None, f"cannot read this PDF (out of memory: {budget})"
    except (OSError, sqlite3.OperationalError) as exc:
        if not _cannot_write(exc):
            return path, None, one_line(f"cannot read this PDF ({type(exc).__name__}: {exc})")[:300]
        # the PDF is not at fault: a working file (the gazetteer's index, built in the
        # temporary folder when the cache is off) could not be written
        return path, None, one_line(f"not read: a working file could not be written (disk full or a "
                                    f"file-size limit; {type(exc).__name__}: {exc})")[:300]
    except Exception as exc:  # noqa: BLE001 - a damaged PDF can fail anywhere in the PDF libraries
        return path, None, one_line(f"cannot read this PDF ({type(exc).__name__}: {exc})")[:300]


def _cannot_write(exc: BaseException) -> bool:
    """A write refused by the disk or a limit, not a damaged input."""
    import errno

    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS)
    return str(exc) in ("disk I/O error", "database or disk is full")


def _check_path(db_path: Path) -> None:
    if db_path.is_dir():
        raise ArchiveError(f"{db_path}: is a folder, not a database file (--db)")
    for parent in db_path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise ArchiveError(f"{db_path}: cannot open the database ({parent} is a file, not a folder)")
            break


def _cannot_open(db_path: Path, exc: BaseException) -> ArchiveError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        reason = "the file exists and is not an SQLite database"
    return ArchiveError(one_line(f"{db_path}: cannot open the database ({reason})"))


def open_db(db_path: Path):  # -> sqlite_utils.Database
    """The database, created if needed; a path that cannot hold one is an ArchiveError."""
    from extract.store import writer as store

    _check_path(db_path)
    try:
        return store.connect(db_path)
    except (OSError, sqlite3.Error) as exc:
        raise _cannot_open(db_path, exc) from None


def open_reader(db_path: Path) -> sqlite3.Connection | None:
    """A read-only connection to an existing database (None when there is none yet):
    what the skip and the gates read. The database is opened to write only when a
    report is written, so a refused file leaves it byte-identical (opening it to write
    recreates its views)."""
    _check_path(db_path)
    if not db_path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (OSError, sqlite3.Error) as exc:
        raise _cannot_open(db_path, exc) from None
    return conn


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
    lose facts of (the gates), and removes reports whose file now holds another
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

    archive = _Archive(db)
    todo: list[tuple[Path, str]] = []
    try:
        for item in inputs:
            if isinstance(item, Outcome):
                say(item)
            elif item in refused:
                say(Outcome(item, FAILED, reason=refused[item]))
            elif (rid := archive.unchanged(digests[item], decisions_sha256)) and not force:
                say(Outcome(item, UNCHANGED, report_id=rid))
            else:
                todo.append((item, digests[item]))
        if on_start:
            on_start(len(todo))
        for path, extraction, error in _run(todo, options, jobs, on_page):
            if error:
                say(Outcome(path, FAILED, reason=error))
                continue
            with ctrl_c_deferred():  # written, counted and said, or none of them
                say(_write(archive, path, extraction, force, with_synthetic))
    finally:
        archive.close()
    # said as decided (failures before reading first); returned in the order of the inputs
    order: dict[Path, int] = {}
    for i, item in enumerate(inputs):
        order.setdefault(item.path if isinstance(item, Outcome) else item, i)
    return sorted(outcomes, key=lambda o: order.get(o.path, len(order)))


class _Archive:
    """The database of one run: read through a read-only connection, opened to write
    (created, its schema and views brought up to date) only for the first report
    written. A new database is created at once (nothing in it to keep as it was)."""

    def __init__(self, path: Path):
        self.path = path
        self.reader = open_reader(path)
        if self.reader is not None and not self.reader.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'reports'").fetchone():
            self.reader.close()  # an empty file, or a database not yet ours: set it up
            self.reader = None
        self.database = None if self.reader else open_db(path)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.reader if self.reader is not None else self.database.conn

    def unchanged(self, digest: str, decisions_sha256: str) -> str | None:
        try:
            return unchanged(self.conn, digest, decisions_sha256)
        except sqlite3.OperationalError:  # no reports table yet
            return None

    def writer(self):  # -> sqlite_utils.Database
        if self.database is None:
            self.database = open_db(self.path)
        return self.database

    def close(self) -> None:
        for conn in (self.reader, self.database.conn if self.database else None):
            if conn is not None:
                conn.close()


def _write(archive: _Archive, path: Path, extraction: pipeline.Extraction, force: bool, with_synthetic: bool) -> Outcome:
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
        # matrix's columns (before the gates: they compare the checks); read only
        siblings.confirm(archive.conn, report, extraction.tables, extraction.warnings)
        stored = gates.stored_edition(archive.conn, rid)
        # The same file read again because the archivist's decisions changed: what moves
        # (a member settled elsewhere, a column given its key) is their decision, not a loss.
        decided = bool(stored) and archive.conn.execute(
            "SELECT 1 FROM reports WHERE id = ? AND sha256 = ?", [rid, report.get("sha256")]).fetchone() is not None
        refusal = gates.against_stored(extraction.tables, stored, force=force or decided)
        if refusal:
            return Outcome(path, FAILED, report_id=rid, reason=f"{rid} not replaced: {refusal}")
        changes = gates.said_changes(gates.differences(extraction.tables, stored)) if stored else None
        stale = gates.stale_reports(archive.conn, report["source_file"], rid)
        database = archive.writer()
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
        changes=(changes or "no fact changed") if stored else None,
    )


# In a reading process: where the pages read go (the parent's progress bar).
_PROGRESS = None


def _initialise_reader(progress) -> None:
    global _PROGRESS
    from extract.toolkit import workers

    workers.initialise()
    _PROGRESS = progress


def _read_in_child(path: Path, options: dict):
    if options.pop("relay_pages", False) and _PROGRESS is not None:
        options["on_page"] = lambda read, total: _PROGRESS.put((read, total))
    return extract_one(path, options)


DIED = "cannot read this PDF (the process reading it died: out of memory or a crash in a PDF library)"


def _run(todo: list[tuple[Path, str]], options: dict, jobs: int, on_page=None):
    """Extract files in order, each in a forked process of its own (`jobs` at a time),
    still yielded in order. A PDF library that aborts on a hostile file (pdfium ends
    the process when an allocation fails under the memory budget) takes only that
    process down: the file gets one line and the files after it go on. A single file
    with jobs > 1 has its pages read by `jobs` processes instead, and `on_page(read,
    total)` follows the pages of a report read alone."""
    if not todo:
        return
    import multiprocessing

    from extract.toolkit import workers

    # no fork, or a daemonic process (a pool's worker) which may not have children:
    # read in this process, as before
    if not workers.available() or multiprocessing.current_process().daemon:
        for path, digest in todo:
            yield extract_one(path, {**options, "sha256": digest, "workers": jobs, "on_page": on_page})
        return
    import queue
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    alone = jobs == 1 or len(todo) < 2  # one file at a time: its pages may use the jobs
    progress = context.Queue() if on_page and alone else None
    remaining = list(todo)
    deaths: dict[Path, int] = {}
    while remaining:
        pool = ProcessPoolExecutor(max_workers=1 if alone else jobs, mp_context=context,
                                   initializer=_initialise_reader, initargs=(progress,))
        try:
            with workers.ctrl_c_deferred():  # the pool forks its workers here (see fork_pool)
                futures = [pool.submit(_read_in_child, path, {
                    **options, "sha256": digest, "workers": jobs if alone else 1,
                    "relay_pages": progress is not None}) for path, digest in remaining]
            for future in futures:
                while progress is not None and not future.done():
                    try:
                        on_page(*progress.get(timeout=0.1))
                    except queue.Empty:
                        pass
                try:
                    result = future.result()
                except BrokenProcessPool:
                    # this file's process died; the files after it go to a new pool,
                    # with this one once more (a death that was not its own: the pool
                    # breaks for every file in it)
                    path = remaining[0][0]
                    deaths[path] = deaths.get(path, 0) + 1
                    if deaths[path] < 2:
                        break
                    budget = options.get("max_memory")
                    yield remaining[0][0], None, DIED if not budget else DIED.replace(
                        "out of memory", f"over its memory budget of {budget >> 20} MiB, --max-memory-mib,")
                    remaining = remaining[1:]
                    break
                remaining = remaining[1:]
                yield result
        except BaseException:
            # leaving early (Ctrl-C, an error, a consumer that stops): no reading process
            # outlives the run
            processes = list((getattr(pool, "_processes", None) or {}).values())
            for process in processes:
                process.terminate()
            for process in processes:
                process.join(timeout=5)
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        else:
            # wait for the pool's own thread: left running, it writes to a pipe already
            # closed at interpreter exit ("Exception ignored ... _python_exit") and the
            # one line a bad file gets becomes seventeen
            pool.shutdown(wait=True)
