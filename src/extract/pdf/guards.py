"""Limits that keep one hostile or broken PDF from taking the whole ingest down.

- `check_inflation`: a decompression-bomb guard. Before any PDF library inflates a
  stream, the raw file is scanned and every stream is inflated incrementally, whatever
  its dictionary declares, stopping as soon as the total passes the limit.
- `memory_limit`: a per-file memory budget (RLIMIT_AS) in the process that reads the
  file: an overrun is a MemoryError, one line for that file, and the batch goes on.
- `time_limit`: a per-file wall-clock limit, enforced with SIGALRM in the process that
  reads the file (the CLI process with `--jobs 1`, each pool worker otherwise); by
  default at least `SECONDS_PER_PAGE` per page (`allow_for_pages`).
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
# How far back from `stream` the dictionary of the stream object is looked at for the
# text filters to undo before inflating (ASCIIHex, ASCII85). Its size does not matter:
# every stream is tried as a zlib stream whatever its dictionary says.
_DICT_WINDOW = 4096
_CHUNK = 1 << 20
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class FileTimeout(BaseException):
    """Raised by SIGALRM inside PDF libraries; a BaseException so that their broad
    `except Exception` clauses cannot swallow it."""


def _stream_dicts(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(dictionary text, start, end) of every `stream ... endstream` in the raw file;
    the dictionary's names with their `#xx` escapes undone (`/Fl#61teDecode`)."""
    for match in _STREAM.finditer(data):
        start = match.end()
        head = data[max(0, match.start() - _DICT_WINDOW):match.start()]
        obj = head.rfind(b" obj")
        dictionary = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), head[obj:] if obj >= 0 else head)
        end = data.find(b"endstream", start)
        yield dictionary, start, (len(data) if end < 0 else end)


def _undo_text_filters(dictionary: bytes, raw: bytes, limit: int) -> bytes:
    """The bytes under an ASCIIHex or ASCII85 filter (chained before Flate), at most
    about `limit` of them; the raw bytes otherwise."""
    import base64
    import binascii

    try:
        if b"/ASCIIHexDecode" in dictionary or b"/AHx" in dictionary:
            hexes = re.sub(rb"[^0-9A-Fa-f]", b"", raw.split(b">")[0])[: 2 * (limit + 1)]
            return binascii.unhexlify(hexes[: len(hexes) // 2 * 2])
        if b"/ASCII85Decode" in dictionary or b"/A85" in dictionary:
            text = re.sub(rb"\s", b"", raw.split(b"~>")[0]).removeprefix(b"<~")
            return base64.a85decode(text[: 5 * (limit // 4 + 2) // 5 * 5] or b"")
    except (ValueError, binascii.Error):
        return raw
    return raw


def _inflate(raw: bytes, budget: int) -> int:
    """Bytes `raw` inflates to as a zlib (or bare deflate) stream, counting at most
    `budget + 1`; 0 when it is not one (an image's DCT data, plain text)."""
    for wbits in (15, -15):
        inflater = zlib.decompressobj(wbits)
        total, pending = 0, raw
        try:
            while pending and not inflater.eof:
                out = inflater.decompress(pending, min(_CHUNK, budget + 1 - total))
                total += len(out)
                if total > budget:
                    return total
                pending = inflater.unconsumed_tail
                if not out and pending:
                    break  # no progress: let the PDF library judge the stream
        except zlib.error:
            if total:
                return total  # damaged after some output: what came out counts
            continue
        if total:
            return total
    return 0


def inflated_size(data: bytes, limit: int) -> int:
    """Bytes the streams of a PDF decode to, counting at most `limit + 1`. What is
    decoded is measured, not what is declared: every stream is inflated as far as it
    goes whatever its dictionary says (a filter's name spelt with `#` escapes, a
    dictionary of any size, an image, which the provenance crops decode), after the
    ASCII filters chained before it. A stream that does not inflate counts its bytes.

    >>> inflated_size(b"1 0 obj <</Filter /FlateDecode>> stream\\n" + zlib.compress(b"x" * 5000) + b"endstream", 10**6)
    5000
    >>> inflated_size(b"1 0 obj <</Filter /Fl#61teDecode>> stream\\n" + zlib.compress(b"x" * 5000) + b"endstream", 10**6)
    5000
    """
    total = 0
    for dictionary, start, end in _stream_dicts(data):
        raw = _undo_text_filters(dictionary, data[start:end], limit + 1 - total)
        total += _inflate(raw, limit - total) or len(raw)
        if total > limit:
            return total
    return total


def check_inflation(path: Path, max_inflated: int = DEFAULT_MAX_INFLATED) -> None:
    """Raise IngestError if the file's streams inflate past `max_inflated` bytes."""
    data = Path(path).read_bytes()
    if inflated_size(data, max_inflated) > max_inflated:
        raise IngestError(
            f"compressed streams inflate past {max_inflated >> 20} MiB "
            "(a decompression bomb?); raise --max-inflated-mib to read it"
        )


# The memory one file may take beyond what the process held before reading it: far
# more than a report needs (the 39-page specimen peaks about 0.6 GiB over its start).
DEFAULT_MAX_MEMORY = 3 << 30


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def memory_limit(budget: int | None) -> Iterator[None]:
    """The process may not grow its address space more than `budget` bytes in this
    block (RLIMIT_AS, soft limit, restored after; inherited by the page workers it
    forks): an allocation past it raises MemoryError, which the caller turns into one
    line for this file, instead of the kernel's OOM killer ending the batch."""
    import resource

    size = _address_space()
    if not budget or not size:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + budget
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# With the default --timeout, a file has at least this long per page the page limit
# admits (the 39-page specimen reads in about 0.3 s a page on a loaded 2-core machine;
# crops, names and the checks add to it).
SECONDS_PER_PAGE = 1.0
_scaled = threading.local()


def allow_for_pages(pages: int) -> None:
    """Within a `time_limit(..., per_page=True)` block: the limit becomes at least
    `SECONDS_PER_PAGE` per page of the file (a long report the page limit admits can
    finish in the time given to it)."""
    started = getattr(_scaled, "started", None)
    if started is None:
        return
    import time

    elapsed = time.monotonic() - started
    wanted = SECONDS_PER_PAGE * pages
    remaining = signal.getitimer(signal.ITIMER_REAL)[0]
    if wanted - elapsed > remaining > 0:
        _scaled.seconds = wanted
        signal.setitimer(signal.ITIMER_REAL, wanted - elapsed)


@contextmanager
def time_limit(seconds: float | None, per_page: bool = False) -> Iterator[None]:
    """Raise FileTimeout in this block after `seconds` (no limit if None or 0); with
    `per_page`, `allow_for_pages` may lengthen it to the file's page count. The
    FileTimeout carries the limit that expired.

    Only the main thread can receive signals; elsewhere the block runs unlimited.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    import time

    _scaled.seconds = seconds

    def expire(signum: int, frame: object) -> None:
        raise FileTimeout(_scaled.seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    _scaled.started = time.monotonic() if per_page else None
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _scaled.started = None
