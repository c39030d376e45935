"""A small on-disk cache for indexes that are slow to build and depend only on files.

The gazetteer index (folding ~300,000 GeoNames names) takes seconds to build and is the
same in every process, so it is pickled once under the user's cache folder
(`$XDG_CACHE_HOME/metropolis-kb`, else `~/.cache/metropolis-kb`) and read back in a
fraction of that. Each entry's file name carries a stamp: a hash of everything the
value is built from (data files, package versions, the code that builds it), so a
stale entry is never read, only replaced. Writes are atomic (a temporary file renamed
into place); any failure to read or write falls back to building the value. Nothing
here touches the network. `METROPOLIS_KB_CACHE=0` turns the cache off.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import pickle
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
APP = "metropolis-kb"
# Bump when the pickled layout changes in a way the hashed sources would not show.
FORMAT = 1
# Entries kept per name (one per data and code version seen most recently).
KEEP = 3


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    if os.environ.get("METROPOLIS_KB_CACHE", "1").strip().lower() in ("0", "no", "off", "false"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / APP


def stamp(parts: Iterable[bytes | str]) -> str:
    """A short hash of the inputs a cached value is built from."""
    h = hashlib.sha256(f"format {FORMAT}\0".encode())
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:20]


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """`build()`, or its pickle from a previous process with the same `name` and `key`."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.pickle"
    # A missing, truncated or foreign file: rebuild the value and replace the file.
    unreadable = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                  IndexError, TypeError, ValueError)
    with contextlib.suppress(*unreadable), path.open("rb") as f:
        return pickle.load(f)
    value = build()
    _write(folder, name, path, value)
    return value


def cached_sqlite(name: str, key: str, build: Callable[[sqlite3.Connection], None]) -> Path:
    """A SQLite file `build(connection)` filled in a previous process with the same
    `name` and `key`, else built now: the caller queries it on disk instead of holding
    a whole index in memory (the gazetteer: 180,000 keys, 60 MiB as dicts).

    The file is written under a temporary name and renamed into place, and it records
    its key, so a reader sees a whole file of the right build or builds one. With the
    cache off or its folder unwritable, the file is built in the system's temporary
    folder and removed at exit."""
    folder = cache_dir()
    if folder is not None:
        path = folder / f"{name}-{key}.sqlite"
        if _sqlite_key(path) == key:
            return path
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = _build_sqlite(folder, name, key, build)
            try:
                os.replace(tmp, path)  # readers see the old file or the whole new one
            except OSError:
                os.unlink(tmp)
                raise
            _evict(folder, name, path, ".sqlite")
            return path
        except OSError:  # read-only home, full disk: a private file will do
            pass
    tmp = _build_sqlite(Path(tempfile.gettempdir()), name, key, build)
    atexit.register(lambda: Path(tmp).unlink(missing_ok=True))
    return Path(tmp)


def _sqlite_key(path: Path) -> str | None:
    """The key a cached SQLite file was built for, or None (missing, foreign, damaged)."""
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM cache_meta WHERE name = 'key'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _build_sqlite(folder: Path, name: str, key: str,
                  build: Callable[[sqlite3.Connection], None]) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.execute("PRAGMA journal_mode = OFF")  # a failed build is thrown away whole
            build(db)
            db.execute("CREATE TABLE cache_meta (name TEXT PRIMARY KEY, value TEXT)")
            db.execute("INSERT INTO cache_meta VALUES ('key', ?)", (key,))
            db.commit()
            db.execute("VACUUM")  # compact: the file is read for years, written once
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _evict(folder: Path, name: str, path: Path, suffix: str) -> None:
    # Entries of older data or code are dead weight, but two checkouts (or a branch
    # switch) alternate between keys: keep the few most recent.
    entries = sorted(folder.glob(f"{name}-*{suffix}"), key=_mtime, reverse=True)
    for old in entries[KEEP:]:
        if old != path:
            old.unlink(missing_ok=True)


def _write(folder: Path, name: str, path: Path, value: Any) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # readers see the old file or the whole new one
        except BaseException:
            os.unlink(tmp)
            raise
        _evict(folder, name, path, ".pickle")
    except OSError:  # read-only home, full disk: the value is still good in memory
        pass


class SqliteReader:
    """Read-only queries on a cached SQLite file, safe across threads and forks.

    A connection is opened per process (one inherited through `fork` is never used:
    SQLite forbids it) and shared by the process's threads under a lock (Datasette's
    plugin resolves names from its worker threads). Pickled, it is its path."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._pid = -1
        self._db: sqlite3.Connection | None = None

    def query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            if self._db is None or self._pid != os.getpid():
                self._db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True,
                                           check_same_thread=False)
                self._pid = os.getpid()
            return self._db.execute(sql, args).fetchall()

    def __getstate__(self) -> dict:
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"])  # type: ignore[misc]


_MISSING = object()
# Answers a mapping keeps (a few hundred KiB at most): a report asks for the same few
# thousand keys again and again (every place id of every name it resolves).
LOOKUP_CACHE = 8192


class SqliteDict(Mapping[Any, Any]):
    """A read-only mapping over a table's key and value columns: only recent answers
    are held in memory."""

    def __init__(self, reader: SqliteReader, table: str, key: str, value: str) -> None:
        self._reader, self._table, self._key, self._value = reader, table, key, value
        self._get = lru_cache(maxsize=LOOKUP_CACHE)(self._read)

    def _read(self, k: Any) -> Any:
        rows = self._reader.query(
            f"SELECT {self._value} FROM {self._table} WHERE {self._key} = ?", (k,))
        return rows[0][0] if rows else _MISSING

    def __getitem__(self, k: Any) -> Any:
        value = self._get(k)
        if value is _MISSING:
            raise KeyError(k)
        return value

    def __getstate__(self) -> dict:
        return {"args": (self._reader, self._table, self._key, self._value)}

    def __setstate__(self, state: dict) -> None:
        self.__init__(*state["args"])  # type: ignore[misc]

    def __iter__(self) -> Iterator[Any]:
        return iter([k for (k,) in self._reader.query(f"SELECT {self._key} FROM {self._table}")])

    def __len__(self) -> int:
        return self._reader.query(f"SELECT count(*) FROM {self._table}")[0][0]

    def items(self) -> Any:  # one query, not one a key
        return self._reader.query(f"SELECT {self._key}, {self._value} FROM {self._table}")
