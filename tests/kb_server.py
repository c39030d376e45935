"""A real `extract serve` on a free port, for the serve and browser tests."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    url: str  # "http://127.0.0.1:PORT/"
    db: Path
    process: subprocess.Popen
    first_line: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 80

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """GET `path` exactly as written (no normalisation of `..`): status, headers, body."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, response.read()
        finally:
            conn.close()

    def json(self, path: str):
        status, _, body = self.get(path)
        assert status == 200, (path, status, body[:500])
        return json.loads(body)

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (path, status, body[:500])
        return body.decode("utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The made-up editions' PDFs: served with `--pdfs`, as `make demo` does.
SYNTHETIC = ROOT / "tests" / "specimens" / "synthetic"


@contextmanager
def serve(db: Path, raw: Path = ROOT / "raw", timeout: float = 60,
          pdfs: tuple[Path, ...] = (SYNTHETIC,)) -> Iterator[Server]:
    """Start `python -m extract serve` on a free port, wait until it answers, stop it."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # The server's output goes to a file: a pipe nobody drains would block it.
    log_path = Path(db).with_name(f"serve-{port}.log")
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "extract", "serve", "--db", str(db), "--port", str(port),
             "--raw", str(raw), *(a for d in pdfs for a in ("--pdfs", str(d)))],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        server = Server(f"http://127.0.0.1:{port}/", db, process, "")
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"extract serve exited: {log_path.read_text()}")
            try:
                if server.get("/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"extract serve did not answer in time: {log_path.read_text()}")
            time.sleep(0.2)
        server.first_line = log_path.read_text().splitlines()[0]
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


_DATABASES: dict[str, Path] = {}


def specimen_editions() -> dict[str, Path]:
    """{edition id: PDF} of the built specimens (tests/specimens/build.py EDITIONS)."""
    from tests.specimens.build import EDITIONS

    return {edition: ROOT / target for edition, target in EDITIONS.items()
            if (ROOT / target).exists()}


def knowledge_base(tmp_path_factory) -> Path:
    """A database ingested once per test session from every specimen edition (the
    synthetic one included)."""
    if "kb" not in _DATABASES:
        import extract

        db = tmp_path_factory.mktemp("kb") / "metropolis.db"
        pdfs = list(specimen_editions().values())
        # in-process (the library API): the CLI's own work without a second start-up
        outcomes = extract.ingest(pdfs, db, with_synthetic=True)
        assert all(o.status == "written" for o in outcomes), [o for o in outcomes if o.status != "written"]
        _DATABASES["kb"] = db
    return _DATABASES["kb"]
