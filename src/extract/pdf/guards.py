"""Limits that keep one hostile or broken PDF from taking the whole ingest down.

- `check_inflation`: a decompression-bomb guard. Before any PDF library inflates a
  stream, the raw file is scanned and every Flate stream that a text reader would
  decode (page contents, fonts, object streams; not images, which are never decoded
  for text) is inflated incrementally, stopping as soon as the total passes the limit.
- `time_limit`: a per-file wall-clock limit, enforced with SIGALRM in the process that
  reads the file (the CLI process with `--jobs 1`, each pool worker otherwise).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extract.toolkit.errors import IngestError

DEFAULT_MAX_INFLATED = 512 * 1024 * 1024
DEFAULT_TIMEOUT = 300.0
# Guards against absurd inputs; both are CLI options. Here rather than in `pipeline`
# so that the CLI can show them without importing the PDF libraries.
DEFAULT_MAX_PAGES = 2000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def check_file(path: Path) -> None:
    """Refuse what is not a regular, readable file before anything reads it: a FIFO
    would block the hash for ever and /dev/zero never ends, whatever `--timeout` says.

    >>> check_file(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    extract.toolkit.errors.IngestError: not a regular file (a device); only PDF files are read
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise IngestError("no such file") from None
    except OSError as exc:
        raise IngestError(f"cannot read this file ({exc.strerror or exc})") from None
    if stat.S_ISREG(mode):
        return
    kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    raise IngestError(f"not a regular file ({kind}); only PDF files are read")


def sha256_of(path: Path) -> str:
    """The file's sha256 (an unchanged file is skipped on it: stdlib only, for speed).
    A file that cannot be read is an IngestError saying why."""
    digest = hashlib.sha256()
    try:
        # O_NONBLOCK: a FIFO that appeared after `check_file` cannot block the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise IngestError("not a regular file; only PDF files are read")
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise IngestError(f"cannot read this file ({exc.strerror or exc})") from None
    return digest.hexdigest()

_STREAM = re.compile(rb"\bstream\r?\n")
# How far back from `stream` the dictionary of the stream object may start.
_DICT_WINDOW = 4096
_CHUNK = 1 << 20


class FileTimeout(BaseException):
    """Raised by SIGALRM inside PDF libraries; a BaseException so that their broad
    `except Exception` clauses cannot swallow it."""


def _stream_dicts(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(dictionary text, start, end) of every `stream ... endstream` in the raw file."""
    for match in _STREAM.finditer(data):
        start = match.end()
        head = data[max(0, match.start() - _DICT_WINDOW):match.start()]
        obj = head.rfind(b" obj")
        dictionary = head[obj:] if obj >= 0 else head
        end = data.find(b"endstream", start)
        yield dictionary, start, (len(data) if end < 0 else end)


def inflated_size(data: bytes, limit: int) -> int:
    """Bytes the decodable Flate streams of a PDF inflate to, counting at most `limit + 1`.

    >>> inflated_size(b"1 0 obj <</Filter /FlateDecode>> stream\\n" + zlib.compress(b"x" * 5000) + b"endstream", 10**6)
    5000
    """
    total = 0
    for dictionary, start, end in _stream_dicts(data):
        if b"FlateDecode" not in dictionary:
            continue
        if b"/Image" in dictionary:
            continue  # images are never decoded to read text
        inflater = zlib.decompressobj()
        pending = data[start:end]
        try:
            while pending and not inflater.eof:
                out = inflater.decompress(pending, min(_CHUNK, limit + 1 - total))
                total += len(out)
                if total > limit:
                    return total
                pending = inflater.unconsumed_tail
                if not out and pending:
                    break  # no progress: let the PDF library judge the stream
        except zlib.error:
            continue  # damaged or encrypted stream: the PDF library reports it
    return total


def check_inflation(path: Path, max_inflated: int = DEFAULT_MAX_INFLATED) -> None:
    """Raise IngestError if the file's streams inflate past `max_inflated` bytes."""
    data = Path(path).read_bytes()
    if inflated_size(data, max_inflated) > max_inflated:
        raise IngestError(
            f"compressed streams inflate past {max_inflated >> 20} MiB "
            "(a decompression bomb?); raise --max-inflated-mib to read it"
        )


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise FileTimeout in this block after `seconds` (no limit if None or 0).

    Only the main thread can receive signals; elsewhere the block runs unlimited.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise FileTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
