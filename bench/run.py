"""The benchmark: every figure a ratio against a baseline measured in the same run.

    .venv/bin/python -m bench.run                 # everything, about 10 minutes on 2 cores
    .venv/bin/python -m bench.run --only floor,long --profile
    .venv/bin/python -m bench.run --archive 10 --editions 30 --requests 20   # quicker

Parts (`--only`): `floor` (ingest time / pdfplumber reading every char, per report in
raw/), `long` (a long report: seconds per page, peak RSS, re-ingest of the unchanged
file), `archive` (40 generated editions with --jobs 1 and --jobs 2: speed-up, same dump),
`datasette` (p50/p95 of every canned query of metadata.yml on 100 editions, through a
real server). Commands run as subprocesses, as a user runs them; peak RSS comes from
`getrusage(RUSAGE_CHILDREN)` in a wrapper process around each command.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.editions import build_archive, build_long_report, build_mixed_report

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("floor", "long", "archive", "datasette")

# Runs a command and reports its wall time and the peak RSS of its process tree's
# largest process (RUSAGE_CHILDREN: the children this wrapper waited for).
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "cpu_seconds": sum(getattr(resource.getrusage(resource.RUSAGE_CHILDREN), f) for f in ("ru_utime", "ru_stime")),
    "returncode": done.returncode, "stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:],
}))
"""
# The floor of our own stack: pdfplumber opening the file and reading every char.
FLOOR = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    chars = 0
    for page in pdf.pages:
        chars += len(page.chars)
        page.close()
print(chars)
"""


@dataclass
class Measured:
    seconds: float
    rss_mib: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Row:
    part: str
    measure: str
    value: str
    baseline: str
    ratio: float | None
    target: str
    ok: bool | None

    def cells(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.3g}×"
        verdict = {True: "yes", False: "**no**", None: ""}[self.ok]
        return [self.part, self.measure, self.value, self.baseline, ratio, self.target, verdict]


def measure(args: list[str | Path]) -> Measured:
    out = subprocess.run([sys.executable, "-c", MEASURE, *map(str, args)],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return Measured(**json.loads(out.stdout))


def extract(*args: str | Path) -> list[str | Path]:
    return [sys.executable, "-m", "extract", *args]


def floor(pdf: Path) -> list[str | Path]:
    return [sys.executable, "-c", FLOOR, pdf]


def best(runs: list[Measured]) -> Measured:
    return min(runs, key=lambda m: m.seconds)


def checked(m: Measured, what: str) -> Measured:
    if m.returncode != 0:
        print(f"warning: {what} exited {m.returncode}: {m.stderr.strip()[-300:]}", file=sys.stderr)
    return m


def spread(values: list[float], unit: str = "", digits: int = 2) -> str:
    """`median (min–max)` of a list of figures."""
    med = statistics.median(values)
    return f"{med:.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


@dataclass
class Pairs:
    """`n` rounds of (pdfplumber's char read, ingest) in turn, whole process each: the
    ratio of each round, so that both sides of a ratio saw the same load."""

    floor: list[Measured]
    ingest: list[Measured]

    @property
    def ratios(self) -> list[float]:
        return [i.seconds / f.seconds for f, i in zip(self.floor, self.ingest)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def rss(self) -> float:
        return max(m.rss_mib for m in self.ingest)


def pairs(pdf: Path, work: Path, n: int, *options: str) -> Pairs:
    floors, ingests = [], []
    for i in range(n):
        floors.append(checked(measure(floor(pdf)), f"pdfplumber {pdf.name}"))
        db = work / f"pair-{pdf.parent.name}-{pdf.stem}-{'-'.join(options)}-{i}.db"
        ingests.append(checked(measure(extract("ingest", pdf, "--db", db, "--with-synthetic", *options)),
                               f"ingest {pdf.name}"))
        db.unlink(missing_ok=True)
    return Pairs(floors, ingests)


def specimens(raw: Path) -> list[Path]:
    """Every committed specimen: the reports in raw/ and the prints of the other
    producers (Chromium, WeasyPrint, the synthetic edition)."""
    found = sorted(raw.glob("*.pdf"))
    for folder in ("chromium", "weasyprint", "synthetic"):
        found += sorted((ROOT / "tests" / "specimens" / folder).glob("*.pdf"))
    return found


def label(pdf: Path) -> str:
    return f"{pdf.parent.name}/{pdf.name}"


# --- floor -------------------------------------------------------------------------

def bench_floor(raw: Path, work: Path, repeat: int, chosen: list[Path] | None = None,
                mixed: bool = True) -> list[Row]:
    """Per committed specimen, and for the 2021 specimen with the real report's sections
    that no parser reads: the whole `extract ingest` against pdfplumber's char read,
    `repeat` pairs in turn; peak RSS; the same work in one warm process."""
    rows = []
    chosen = [p.resolve() for p in chosen] if chosen else specimens(raw)
    for pdf in [*chosen, *([build_mixed_report(work / "mixed")] if mixed else [])]:
        got = pairs(pdf, work, repeat)
        floor_s = [m.seconds for m in got.floor]
        rows.append(Row("floor", f"ingest / pdfplumber chars, {label(pdf)} ({repeat} pairs in turn, "
                        "median (range))", spread([m.seconds for m in got.ingest], " s"),
                        spread(floor_s, " s"), got.ratio, "≤ 1.0×", got.ratio <= 1.0))
        rows[-1].value += f"; ratios {spread(got.ratios, '×')}"
        rss_floor = max(m.rss_mib for m in got.floor)
        rows.append(Row("floor", f"peak RSS of the ingest, {label(pdf)}", f"{got.rss:.0f} MiB",
                        f"{rss_floor:.0f} MiB", got.rss / rss_floor, "≤ 150 MiB", got.rss <= 150))
        if pdf.parent == raw.resolve():
            two = pairs(pdf, work, repeat, "--jobs", "2")
            rows.append(Row("floor", f"same with --jobs 2 (pages read and cropped by two processes), {label(pdf)}",
                            spread([m.seconds for m in two.ingest], " s"),
                            spread([m.seconds for m in two.floor], " s"), two.ratio, "≤ 1.0×",
                            two.ratio <= 1.0))
        warm_ingest, warm_floor = in_process_floor(pdf, work / f"warm-{pdf.parent.name}-{pdf.stem}.db")
        ratio = warm_ingest / warm_floor
        rows.append(Row("floor", f"same, in one warm process (no start-up, models loaded), {label(pdf)}",
                        f"{warm_ingest:.2f} s", f"{warm_floor:.2f} s", ratio, "≤ 0.5×", ratio <= 0.5))
    return rows


def in_process_floor(pdf: Path, db_path: Path, rounds: int = 3) -> tuple[float, float]:
    """extract + write of a file again in this warm process, against pdfplumber's read
    of it, `rounds` pairs in turn: (median ingest, median floor) seconds of the pairs."""
    import pdfplumber

    from extract.pipeline import run as pipeline
    from extract.store import writer as store

    pipeline.extract_report(pdf)  # loads vocabularies, gazetteer, models once
    ingests, floors = [], []
    for i in range(rounds):
        started = time.perf_counter()
        with pdfplumber.open(pdf) as doc:
            for page in doc.pages:
                len(page.chars)
                page.close()
        floors.append(time.perf_counter() - started)
        started = time.perf_counter()
        extraction = pipeline.extract_report(pdf)
        target = db_path.with_name(f"{db_path.stem}-{i}.db")
        db = store.connect(target)
        store.write_report(db, extraction.report, extraction.tables)
        db.conn.close()
        ingests.append(time.perf_counter() - started)
    return statistics.median(ingests), statistics.median(floors)


# --- long report -------------------------------------------------------------------

def bench_long(work: Path, pages: int, repeat: int) -> list[Row]:
    pdf = build_long_report(work / "long", pages)
    import pypdfium2

    count = len(pypdfium2.PdfDocument(str(pdf)))
    got = pairs(pdf, work, repeat)
    db = work / "long.db"
    first = checked(measure(extract("ingest", pdf, "--db", db)), "ingest long")
    again = checked(measure(extract("ingest", pdf, "--db", db)), "re-ingest long")
    rss_floor = max(m.rss_mib for m in got.floor)
    skip, full = in_process_skip(pdf, db)
    warm_ingest, warm_floor = in_process_floor(pdf, work / "long-warm-floor.db")
    return [
        Row("long", f"{count}-page report: ingest / pdfplumber chars ({repeat} pairs in turn, median (range))",
            spread([m.seconds for m in got.ingest], " s") + f"; ratios {spread(got.ratios, '×')}",
            spread([m.seconds for m in got.floor], " s"), got.ratio, "≤ 1.0×", got.ratio <= 1.0),
        Row("long", f"{count}-page report: same, in one warm process", f"{warm_ingest:.2f} s",
            f"{warm_floor:.2f} s", warm_ingest / warm_floor, "≤ 0.5×", warm_ingest / warm_floor <= 0.5),
        Row("long", f"{count}-page report: peak RSS", f"{got.rss:.0f} MiB",
            f"{rss_floor:.0f} MiB", got.rss / rss_floor, "≤ 150 MiB", got.rss <= 150),
        Row("long", f"re-ingest of the unchanged {count}-page file (whole command)",
            f"{again.seconds:.2f} s", f"{first.seconds:.2f} s", again.seconds / first.seconds,
            "≤ 0.02×", again.seconds / first.seconds <= 0.02),
        Row("long", "same, in process: sha256 + lookup against extract + write (warm)",
            f"{skip * 1000:.1f} ms", f"{full:.2f} s", skip / full, "≤ 0.02×", skip / full <= 0.02),
    ]


def in_process_skip(pdf: Path, db_path: Path) -> tuple[float, float]:
    """What the CLI does for an unchanged file (`extract.ingest`: sha256 + lookup),
    against a warm extract + write of it."""
    import extract

    started = time.perf_counter()
    [outcome] = extract.ingest([pdf], db_path)
    skip = time.perf_counter() - started
    assert outcome.status == "unchanged", outcome
    extract.ingest([pdf], db_path.with_name("long-warm.db"))  # loads vocabularies, gazetteer, models once
    started = time.perf_counter()
    [outcome] = extract.ingest([pdf], db_path.with_name("long-again.db"))
    assert outcome.status == "written", outcome
    return skip, time.perf_counter() - started


# --- archive -----------------------------------------------------------------------

def dump(db_path: Path) -> list[str]:
    """The database as SQL, without the one column that records when it was written."""
    mem = sqlite3.connect(":memory:")
    src = sqlite3.connect(db_path)
    src.backup(mem)
    src.close()
    mem.execute("UPDATE reports SET ingested_at = NULL")
    mem.commit()
    return list(mem.iterdump())


# Burns `argv[1]` seconds of CPU: what two processes gain in parallel on this machine now.
SPIN = """
import sys, time
started = time.process_time()
while time.process_time() - started < float(sys.argv[1]):
    pass
"""


def machine_parallelism(seconds: float = 3.0) -> tuple[float, float]:
    """(wall time of two CPU-bound processes one after the other, and side by side)."""
    spin = [sys.executable, "-c", SPIN, str(seconds)]
    started = time.perf_counter()
    for _ in range(2):
        subprocess.run(spin, check=True)
    sequence = time.perf_counter() - started
    started = time.perf_counter()
    for proc in [subprocess.Popen(spin) for _ in range(2)]:
        proc.wait()
    return sequence, time.perf_counter() - started


def bench_archive(work: Path, count: int) -> tuple[list[Row], Path]:
    folder = work / "archive"
    # Years from 2000: the title patterns read 20xx years (a 199x cover is not recognised).
    build_archive(folder, range(2000, 2000 + count))
    one, two = work / "archive-jobs1.db", work / "archive-jobs2.db"
    serial = checked(measure(extract("ingest", folder, "--db", one, "--jobs", "1")), "archive --jobs 1")
    parallel = checked(measure(extract("ingest", folder, "--db", two, "--jobs", "2")), "archive --jobs 2")
    again = checked(measure(extract("ingest", folder, "--db", one)), "archive again")
    speedup = serial.seconds / parallel.seconds
    sequence, side_by_side = machine_parallelism()
    a, b = dump(one), dump(two)
    same = a == b
    differing = "" if same else f" ({len(set(a) ^ set(b))} differing lines)"
    ingested = sqlite3.connect(one).execute("SELECT count(*) FROM reports").fetchone()[0]
    rows = [
        Row("archive", f"{count} editions ({ingested} ingested): --jobs 2 against --jobs 1",
            f"{parallel.seconds:.1f} s", f"{serial.seconds:.1f} s", speedup, "≥ 1.7× faster", speedup >= 1.7),
        Row("archive", "CPU time of the whole ingest, --jobs 2 against --jobs 1 (cost of parallelism)",
            f"{parallel.cpu_seconds:.1f} s", f"{serial.cpu_seconds:.1f} s",
            parallel.cpu_seconds / serial.cpu_seconds, "≈ 1×", None),
        Row("archive", "the machine now: two CPU-bound processes side by side against in sequence",
            f"{side_by_side:.1f} s", f"{sequence:.1f} s", sequence / side_by_side,
            "2× when the machine is idle", None),
        Row("archive", "same database with --jobs 1 and --jobs 2 (dump, ingested_at aside)",
            "identical" if same else f"different{differing}", "", None, "identical", same),
        Row("archive", f"re-ingest of the unchanged archive ({count} files)", f"{again.seconds:.2f} s",
            f"{serial.seconds:.1f} s", again.seconds / serial.seconds, "≤ 0.02×",
            again.seconds / serial.seconds <= 0.02),
    ]
    return rows, one


# --- datasette ---------------------------------------------------------------------

def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    return [(r[1], r[2].upper(), r[5]) for r in conn.execute(f"PRAGMA table_info([{table}])")]


def clone_editions(db_path: Path, target: int) -> int:
    """Copy editions under new ids until the database holds `target` of them.

    Each clone is an existing edition under another year or language: the same rows,
    with new integer ids for events and publications (event links follow). Provenance
    images are not copied (no canned query reads them; they would only add bytes).
    """
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    editions = [tuple(r) for r in conn.execute("SELECT id, year, language FROM reports ORDER BY year, language")]
    if not editions:
        return 0
    taken = {e[0] for e in editions}
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%_fts%' AND name NOT IN ('reports', 'provenance_images', 'event_cities')")]
    tables = [t for t in tables if any(c[0] == "report_id" for c in columns(conn, t))]
    candidates = [(y, lang) for lang in ("en", "fr", "es") for y in range(1950, 2100)]
    source = 0
    for year, language in candidates:
        if len(taken) >= target:
            break
        new_id = f"{year}-{language}"
        if new_id in taken:
            continue
        old_id = editions[source % len(editions)][0]
        source += 1
        conn.execute("BEGIN")
        cols = [c[0] for c in columns(conn, "reports")]
        values = {"id": ":new", "year": ":year", "language": ":lang",
                  "sha256": "sha256 || '-' || :new", "title": "title || ' (' || :new || ')'"}
        conn.execute(
            f"INSERT INTO reports ({', '.join(cols)}) SELECT {', '.join(values.get(c, c) for c in cols)} "
            "FROM reports WHERE id = :old", {"new": new_id, "year": year, "lang": language, "old": old_id})
        for table in tables:
            cols = columns(conn, table)
            own_id = [c for c, kind, pk in cols if c == "id" and pk and kind == "INTEGER"]
            keep = [c for c, _, _ in cols if c not in own_id]
            select = ", ".join(":new" if c == "report_id" else f"[{c}]" for c in keep)
            insert = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in keep)}) SELECT {select} FROM [{table}]"
            if not own_id:
                conn.execute(f"{insert} WHERE report_id = :old", {"new": new_id, "old": old_id})
                continue
            for (row_id,) in conn.execute(f"SELECT id FROM [{table}] WHERE report_id = ? ORDER BY id", [old_id]).fetchall():
                new_row = conn.execute(f"{insert} WHERE id = :id", {"new": new_id, "id": row_id}).lastrowid
                if table == "calendar_events":
                    conn.execute("INSERT INTO event_cities (event_id, city_id) SELECT ?, city_id "
                                 "FROM event_cities WHERE event_id = ?", [new_row, row_id])
        conn.execute("COMMIT")
        taken.add(new_id)
    conn.close()
    return len(taken)


def parameter_values(conn: sqlite3.Connection) -> dict[str, str]:
    """A plausible value for each parameter name the canned queries use."""
    def first(sql: str, default: str) -> str:
        row = conn.execute(sql).fetchone()
        return str(row[0]) if row and row[0] is not None else default

    year = first("SELECT year FROM reports GROUP BY year ORDER BY count(*) DESC, year LIMIT 1", "2021")
    return {
        "member": first("SELECT member_id FROM member_status GROUP BY member_id ORDER BY count(*) DESC LIMIT 1", "brussels"),
        "indicator": first("SELECT indicator FROM member_indicators GROUP BY indicator ORDER BY count(*) DESC LIMIT 1", "news_published"),
        "year": year, "from_year": year, "to_year": str(int(year) + 1),
        "city": first("SELECT city_id FROM members WHERE city_id IS NOT NULL LIMIT 1", "brussels"),
        "report": first("SELECT id FROM reports LIMIT 1", "2021-fr"), "q": "metropolis",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def latencies(client, path: str, params: dict[str, str], requests: int) -> tuple[list[float], str]:
    """Milliseconds of `requests` sequential GETs after 3 warm-ups; the last error if any."""
    error = ""
    for _ in range(3):
        client.get(path, params=params)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path, params=params)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            error = f"HTTP {answer.status_code}: {answer.text[:120]}"
    return times, error


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def bench_datasette(work: Path, source_db: Path | None, editions: int, requests: int) -> list[Row]:
    import httpx

    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    name, spec = next(iter(metadata["databases"].items()))
    queries = spec.get("queries", {})
    db = work / "serve" / f"{name}.db"  # the file name is the name metadata.yml describes
    db.parent.mkdir(parents=True, exist_ok=True)
    if source_db is None or not source_db.exists():
        source_db = work / "one.db"
        folder = work / "one"
        build_archive(folder, [2021])
        checked(measure(extract("ingest", folder, "--db", source_db)), "ingest one edition")
    src, dst = sqlite3.connect(source_db), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    held = clone_editions(db, editions)
    conn = sqlite3.connect(db)
    values = parameter_values(conn)
    conn.close()

    port = free_port()
    server = subprocess.Popen([*map(str, extract("serve", "--db", db, "--port", str(port)))],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rows = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/-/versions.json").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"datasette did not start: {server.stderr.read()[-500:]}")
                time.sleep(0.2)
            base, _ = latencies(client, f"/{name}.json", {"sql": "select 1", "_shape": "array"}, requests)
            rows.append(Row("datasette", f"baseline: `select 1` ({requests} requests, {held} editions)",
                            f"p50 {p(base, 50):.1f} ms", f"p95 {p(base, 95):.1f} ms", None, "", None))
            for query, body in queries.items():
                params = {k: values.get(k, "") for k in (body.get("params") or [])}
                times, error = latencies(client, f"/{name}/{query}.json", {**params, "_shape": "array"}, requests)
                p95 = p(times, 95)
                rows.append(Row("datasette", f"canned query `{query}` p50 / p95" + (f" ({error})" if error else ""),
                                f"{p(times, 50):.1f} / {p95:.1f} ms", f"{p(base, 50):.1f} / {p(base, 95):.1f} ms",
                                p95 / p(base, 95), "p95 < 50 ms", p95 < 50 and not error))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


# --- profile and report ------------------------------------------------------------

def profile(pdf: Path, top: int = 25) -> str:
    """cProfile of extracting `pdf` twice in this process: cold (loads) and warm."""
    from extract.pipeline import run as pipeline

    out = io.StringIO()
    started = time.perf_counter()
    import extract.cli  # noqa: F401  (what `extract ingest` imports before any report)

    out.write(f"\nimports of extract.cli: {time.perf_counter() - started:.2f} s\n")
    for label in ("cold (first report of a process)", "warm (next reports)"):
        prof = cProfile.Profile()
        started = time.perf_counter()
        prof.runcall(pipeline.extract_report, pdf)
        out.write(f"\n### {label}: {time.perf_counter() - started:.2f} s under cProfile\n\n")
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average at start {load}")


def table(rows: list[Row]) -> str:
    head = ["part", "measure", "value", "baseline", "ratio", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma list of parts: {', '.join(PARTS)}")
    parser.add_argument("--raw", type=Path, default=ROOT / "raw", help="folder of reports for `floor`")
    parser.add_argument("--repeat", type=int, default=5, help="pairs (pdfplumber, ingest) in turn per figure")
    parser.add_argument("--specimen", type=Path, action="append",
                        help="`floor` on this PDF only (repeatable); default: every committed specimen")
    parser.add_argument("--no-mixed", action="store_true", help="`floor` without the mixed report")
    parser.add_argument("--pages", type=int, default=60, help="pages of the long report")
    parser.add_argument("--archive", type=int, default=40, help="editions in the archive")
    parser.add_argument("--editions", type=int, default=100, help="editions in the served database")
    parser.add_argument("--requests", type=int, default=50, help="requests per canned query")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one report")
    parser.add_argument("--profile-file", type=Path, help=argparse.SUPPRESS)  # runs in a fresh process
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    if args.profile_file:
        print(profile(args.profile_file))
        return
    parts = [p.strip() for p in args.only.split(",") if p.strip()]

    print(f"Machine: {machine()}\n", flush=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="metropolis-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    archive_db = None
    started = time.perf_counter()
    try:
        for part in parts:
            part_started = time.perf_counter()
            if part == "floor":
                rows += bench_floor(args.raw, work, args.repeat, args.specimen, not args.no_mixed)
            elif part == "long":
                rows += bench_long(work, args.pages, args.repeat)
            elif part == "archive":
                found, archive_db = bench_archive(work, args.archive)
                rows += found
            elif part == "datasette":
                rows += bench_datasette(work, archive_db, args.editions, args.requests)
            else:
                parser.error(f"unknown part {part!r}")
            # each part's rows as soon as it is done: a long run cut short keeps them
            print(f"[{part}: {time.perf_counter() - part_started:.0f} s]\n"
                  + table([r for r in rows if r.part == part]) + "\n", file=sys.stderr, flush=True)
        print(table(rows))
        print(f"\nTotal {time.perf_counter() - started:.0f} s.")
        if args.profile:
            for pdf in sorted(args.raw.glob("*.pdf"))[:1]:  # a fresh process: cold is cold
                print(f"\n## cProfile of {pdf.name}")
                subprocess.run([sys.executable, "-m", "bench.run", "--profile-file", str(pdf)], cwd=ROOT, check=False)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if all(r.ok is not False for r in rows) else 1)


if __name__ == "__main__":
    main()
