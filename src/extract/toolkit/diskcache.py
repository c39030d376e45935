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

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
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
        # Entries of older data or code are dead weight, but two checkouts (or a
        # branch switch) alternate between keys: keep the few most recent.
        entries = sorted(folder.glob(f"{name}-*.pickle"), key=_mtime, reverse=True)
        for old in entries[KEEP:]:
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:  # read-only home, full disk: the value is still good in memory
        pass
