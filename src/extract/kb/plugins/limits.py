"""Datasette plugin: no single request can stall the knowledge base.

- Every connection (`prepare_connection`): SQLite's `SQLITE_LIMIT_LENGTH` far below a
  gigabyte, so one function call cannot build a value of a gigabyte inside one step
  of the SQL machine, where the time limit's progress handler is never called
  (`randomblob(1000000000)`: an error at once, "string or blob too big"); printf's
  widths bounded (it repeats `%.*c` past the length limit); the SQL text and LIKE
  patterns bounded too. Datasette's own progress handler stops a query at the time
  limit between steps.
- Every request (`asgi_wrapper`): a bad parameter is a 400 that says what is wrong,
  not a 500 with a traceback in the log (`?_sort=` a column the table does not have,
  `_sort` with `_sort_desc`, `_timelimit=abc`, `_through=x`); a path under a static
  mount (`/raw/`) that is not a file inside it is a 404, never a 403 (which told that
  a folder outside exists).
- Reference cycles (`startup`): collected by a thread of the server's own every
  second, never on the event loop, where finalizing a failed query's statement waited
  for its connection's next query to end (3 s for every request).
- SIGTERM (`startup`): uvicorn's graceful shutdown waits for the requests in flight,
  and a query running in a thread does not listen; the server now leaves within a
  second of the signal whatever runs.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote

from datasette import hookimpl
from datasette.utils import tilde_decode

# The longest string or blob a query may make: far above any value of the knowledge
# base (a provenance crop is a few KB, a page's text a few KB), far below a gigabyte.
MAX_VALUE_BYTES = 8 << 20
MAX_SQL_BYTES = 100_000
# After SIGTERM, the graceful shutdown has this long before the process leaves.
EXIT_GRACE_S = 0.5
FORMATS = (".json", ".csv")


# printf's widths and precisions: SQLite's printf repeats `%.*c` character by character
# even past the length limit (it returns NULL after 36 s for 999999999), inside one
# step of the SQL machine where the time limit cannot stop it.
MAX_PRINTF_WIDTH = 100_000
MAX_LIKE_PATTERN = 1_000
_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?(?:ll|l)?([a-zA-Z%])")
_helper = threading.local()


def bounded_printf(fmt, *args):
    """SQLite's printf (and format) with every width and precision at most
    `MAX_PRINTF_WIDTH`; within the bound, SQLite's own printf computes the value (on a
    private in-memory connection with the same limits)."""
    if fmt is None:
        return None
    position = 0
    for width, precision, kind in _SPEC.findall(str(fmt)):
        for part in (width, precision):
            if part == "*":
                value = args[position] if position < len(args) else 0
                position += 1
            else:
                value = part or 0
            try:
                size = abs(int(value))
            except (TypeError, ValueError):
                size = 0
            if size > MAX_PRINTF_WIDTH:
                raise ValueError(f"printf: a width or precision of {size} is over {MAX_PRINTF_WIDTH}")
        if kind != "%":
            position += 1
    conn = getattr(_helper, "conn", None)
    if conn is None:
        conn = _helper.conn = sqlite3.connect(":memory:")
        _limit(conn)
    marks = ", ".join("?" for _ in range(len(args) + 1))
    return conn.execute(f"SELECT printf({marks})", [fmt, *args]).fetchone()[0]


def _limit(conn) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_LIKE_PATTERN)


@hookimpl
def prepare_connection(conn):
    _limit(conn)
    for name in ("printf", "format"):
        conn.create_function(name, -1, bounded_printf, deterministic=True)


@hookimpl
def startup(datasette):
    _exit_promptly_on_sigterm()
    _collect_off_the_event_loop()


# How often the server's own thread collects reference cycles.
COLLECT_EVERY_S = 1.0
_collector: threading.Thread | None = None


def _collect_off_the_event_loop() -> None:
    """Reference cycles collected by a thread of their own, never by the event loop.

    A cycle may hold a statement of a query that failed on a connection (a refused
    printf's traceback); finalizing it needs that connection, which may by then run a
    query until the time limit. Collected wherever an allocation happened to trigger it,
    that was the event loop in one run of two, and every request waited the 3 seconds
    (faulthandler: the loop 'Garbage-collecting', the SQL threads idle). Here only the
    collector's thread waits."""
    global _collector
    import gc

    if _collector is not None and _collector.is_alive():
        return

    def collect() -> None:
        while True:
            threading.Event().wait(COLLECT_EVERY_S)
            gc.collect()

    gc.disable()
    _collector = threading.Thread(target=collect, name="kb-gc", daemon=True)
    _collector.start()


def _exit_promptly_on_sigterm() -> None:
    """uvicorn's exit handler, plus a timer that ends the process if the graceful
    shutdown has not within `EXIT_GRACE_S` (a query in a thread, a long response)."""
    try:
        from uvicorn.server import Server
    except ImportError:  # served by another ASGI server: its own rules
        return
    if getattr(Server.handle_exit, "_prompt", False):
        return
    graceful = Server.handle_exit

    def handle_exit(self, sig, frame):
        graceful(self, sig, frame)
        timer = threading.Timer(EXIT_GRACE_S, os._exit, args=(0,))
        timer.daemon = True
        timer.start()

    handle_exit._prompt = True
    Server.handle_exit = handle_exit


def _text(status: int, message: str):
    body = message.encode("utf-8")
    return [
        {"type": "http.response.start", "status": status,
         "headers": [[b"content-type", b"text/plain; charset=utf-8"],
                     [b"content-length", str(len(body)).encode()]]},
        {"type": "http.response.body", "body": body},
    ]


def _through_error(value: str) -> str | None:
    try:
        through = json.loads(value)
    except ValueError:
        through = None
    if not isinstance(through, dict) or not {"table", "column", "value"} <= set(through):
        return ('_through must be JSON naming a table, a column and a value: '
                '{"table": "event_cities", "column": "city_id", "value": "paris"}')
    return None


async def _table_of(datasette, path: str):
    """(database, table or view name, its columns) of a table page's path, or None."""
    parts = [p for p in path.split("/") if p]
    if len(parts) != 2 or parts[0].startswith("-"):
        return None
    name = tilde_decode(unquote(parts[0]))
    if name not in datasette.databases:
        return None
    db = datasette.databases[name]
    table = tilde_decode(unquote(parts[1]))
    tables = set(await db.table_names()) | set(await db.view_names())
    if table not in tables:
        stem = next((table[: -len(f)] for f in FORMATS if table.endswith(f)), None)
        if stem is None or stem not in tables:
            return None
        table = stem
    return db, table, set(await db.table_columns(table))


async def parameter_error(datasette, path: str, query: str) -> str | None:
    """What is wrong with a request's parameters, in a sentence; None when nothing is."""
    args = parse_qs(query, keep_blank_values=True)

    def one(name: str) -> str | None:
        return args[name][-1] if name in args else None

    limit = one("_timelimit")
    if limit is not None and not limit.strip().isdigit():
        return f"_timelimit must be a whole number of milliseconds, not {limit[:40]!r}"
    through = one("_through")
    if through is not None and (error := _through_error(through)):
        return error
    sort, sort_desc = one("_sort"), one("_sort_desc")
    if sort is None and sort_desc is None:
        return None
    if sort is not None and sort_desc is not None:
        return "use _sort or _sort_desc, not both"
    found = await _table_of(datasette, path)
    if found is None:
        return None
    _, table, columns = found
    wanted = sort if sort is not None else sort_desc
    if wanted not in columns | {"rowid"}:
        shown = ", ".join(sorted(columns)[:12])
        return (f"{'_sort' if sort is not None else '_sort_desc'}: {table} has no column "
                f"{wanted[:60]!r} (its columns: {shown})")
    return None


def _outside_static(datasette, path: str) -> bool:
    """A path under a static mount that is not a file inside its folder."""
    for mount, folder in datasette.static_mounts:
        prefix = f"/{mount}/"
        if not path.startswith(prefix):
            continue
        relative = unquote(path[len(prefix):], encoding="utf-8", errors="surrogateescape")
        if "\0" in relative:
            return True
        root = Path(folder).resolve()
        try:
            full = (root / relative).resolve()
            full.relative_to(root)
        except (ValueError, OSError, RuntimeError):
            return True
        return not full.is_file()
    return False


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def limited(scope, receive, send):
            if scope.get("type") == "http":
                # the path as sent (percent-encoded), decoded once below, as the routes do
                raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8")
                path = raw.decode("latin-1").split("?", 1)[0]
                if _outside_static(datasette, path):
                    for message in _text(404, "404: File not found"):
                        await send(message)
                    return
                query = scope.get("query_string", b"").decode("latin-1")
                if query and (error := await parameter_error(datasette, path, query)):
                    for message in _text(400, f"400: {error}"):
                        await send(message)
                    return
            await app(scope, receive, send)

        return limited

    return wrap
