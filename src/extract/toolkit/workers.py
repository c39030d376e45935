"""Forked worker processes for the pages of one report (layout reading, crops).

fork: a worker starts in milliseconds with every library already imported, where a
fresh interpreter would spend ~0.3 s importing pdfplumber again. The workers leave
Ctrl-C to the parent, which terminates the pool, and on Linux they die with the
parent (a SIGKILLed ingest leaves no worker behind).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool

PR_SET_PDEATHSIG = 1
# Below this many pages a process costs more than it saves (fork, pickling the results
# back: about 10 ms, against about 25 ms to read a page).
MIN_PAGES_PER_WORKER = 4


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def how_many(requested: int, pages: int) -> int:
    """Processes worth starting for `pages` pages: at most `requested`; 1 means read
    them in this process.

    >>> how_many(2, 39), how_many(4, 9), how_many(2, 7)
    (2, 2, 1)
    """
    count = min(requested, pages // MIN_PAGES_PER_WORKER)
    return count if count > 1 and available() else 1


def fork_pool(workers: int) -> Pool:
    """A pool of `workers` forked processes; use it in a `with` block (terminated on exit).

    Ctrl-C is held while the workers are forked and raised once they are: a SIGINT that
    lands during a fork runs its handler inside an at-fork callback (logging's lock
    release), where Python prints "Exception ignored" and drops the KeyboardInterrupt,
    and the ingest would go on to write the report and exit 0.
    """
    pool = None
    try:
        with ctrl_c_deferred():
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=initialise)
    except KeyboardInterrupt:
        if pool is not None:
            pool.terminate()
        raise
    return pool


@contextmanager
def ctrl_c_deferred() -> Iterator[list[int]]:
    """Ctrl-C (SIGINT) held back until the block is done, then raised. A handler, not a
    signal mask: the mask is per thread, and a pool's threads could take the signal."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught  # only the main thread receives signals (and may set handlers)
        return
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt


def initialise() -> None:
    """In each worker: Ctrl-C is the parent's; die with the parent (Linux)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's terminate() still stops them
        pass
