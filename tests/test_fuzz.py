"""Fuzzing: mutated copies of a specimen never make the archive worse.

Mutants are generated from a fixed seed (bytes deleted, flipped, duplicated; objects
cut; streams truncated or swapped; numbers, `/Length` and the cross-reference table
corrupted; the file cut short). Each one is ingested in-process by `extract.ingest`,
two at a time, under the per-file time limit, over a copy of a database that holds
the clean ingest of the same report. Every mutant must end one of three ways:

- rejected: one clear line, and the database left exactly as it was;
- identical: every section's rows equal the clean ingest's (their facts: a row's box
  may move with a damaged drawing);
- flagged: a section differs, and a failing check says so.

A mutant that changes a section with no failing check is *silent*: the test fails on
the first one. Never a traceback, never a hang past the limit, never a crash of the
worker. The counts are printed, and recorded in the README.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from bench.editions import trim

import extract
from extract import cli
from tests.conftest import SPECIMEN_2021_FR, run_cli, sample, snapshot

# 12 mutants per mutator in `make test`; 2 in `make check` (same seed, every mutator)
CASES_PER_MUTATOR = sample(12, 2)
CLI_SAMPLE_EVERY = 25
# The per-file limit given to the extractor, and the slack before we call it a hang.
PER_FILE_LIMIT = 20.0
HANG_SLACK = 30.0

Mutator = Callable[[bytes, random.Random], bytes]

STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
OBJECT = re.compile(rb"\d+ \d+ obj\b.*?endobj", re.DOTALL)
NUMBER = re.compile(rb"(?<=[ \[/])\d+(?=[ \]>/\n])")


def _span(rng: random.Random, spans: list[tuple[int, int]], data: bytes) -> tuple[int, int]:
    return rng.choice(spans) if spans else (0, len(data))


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice([1, 4, 16, 64])):
        i = rng.randrange(len(out))
        out[i] ^= rng.randrange(1, 256)
    return bytes(out)


def flip_in_stream(data: bytes, rng: random.Random) -> bytes:
    start, end = _span(rng, [m.span(1) for m in STREAM.finditer(data)], data)
    out = bytearray(data)
    for _ in range(rng.choice([1, 3, 10])):
        i = rng.randrange(start, max(start + 1, end))
        out[i] ^= rng.randrange(1, 256)
    return bytes(out)


def cut_object(data: bytes, rng: random.Random) -> bytes:
    start, end = _span(rng, [m.span() for m in OBJECT.finditer(data)], data)
    return data[:start] + data[end:]


def truncate_stream(data: bytes, rng: random.Random) -> bytes:
    """A stream cut short while its /Length still promises the whole."""
    start, end = _span(rng, [m.span(1) for m in STREAM.finditer(data)], data)
    cut = rng.randrange(start, max(start + 1, end))
    return data[:cut] + b"\n" + data[end:]


def swap_streams(data: bytes, rng: random.Random) -> bytes:
    spans = [m.span(1) for m in STREAM.finditer(data)]
    if len(spans) < 2:
        return flip_bytes(data, rng)
    (a0, a1), (b0, b1) = sorted(rng.sample(spans, 2))
    return data[:a0] + data[b0:b1] + data[a1:b0] + data[a0:a1] + data[b1:]


def absurd_number(data: bytes, rng: random.Random) -> bytes:
    """/Length, /Count, /Size, offsets... set to 0, -1 or something huge."""
    spans = [m.span() for m in NUMBER.finditer(data)]
    out = data
    for _ in range(rng.choice([1, 3])):
        start, end = _span(rng, spans, out)
        value = rng.choice([b"0", b"-1", b"2147483647", b"99999999999999999999", b"1e308"])
        out = out[:start] + value + out[end:]
        spans = [m.span() for m in NUMBER.finditer(out)]
    return out


def garble_xref(data: bytes, rng: random.Random) -> bytes:
    at = data.rfind(b"xref")
    if at < 0:
        return flip_bytes(data, rng)
    table = bytearray(data[at:])
    for _ in range(rng.choice([1, 5, 50])):
        digits = [i for i, c in enumerate(table) if 48 <= c <= 57]
        table[rng.choice(digits)] = rng.randrange(48, 58)
    return data[:at] + bytes(table)


def truncate_file(data: bytes, rng: random.Random) -> bytes:
    cut = rng.randrange(1, len(data))
    # Half of them get a fake end marker, so they pass the cheap truncation check.
    return data[:cut] + (b"\n%%EOF\n" if rng.random() < 0.5 else b"")


def splice(data: bytes, rng: random.Random) -> bytes:
    """A slice of the file copied over another place (a bad transfer, a bad disk)."""
    n = rng.choice([16, 256, 4096])
    src, dst = rng.randrange(len(data) - n), rng.randrange(len(data) - n)
    return data[:dst] + data[src:src + n] + data[dst + n:]


def zero_fill(data: bytes, rng: random.Random) -> bytes:
    n = rng.choice([8, 512, 8192])
    at = rng.randrange(len(data) - n)
    return data[:at] + b"\0" * n + data[at + n:]


def delete_bytes(data: bytes, rng: random.Random) -> bytes:
    """A few bytes lost in transfer (the issue's `d[:40850] + d[40851:]`)."""
    n = rng.choice([1, 1, 2, 7, 64])
    at = rng.randrange(len(data) - n)
    return data[:at] + data[at + n:]


def duplicate_bytes(data: bytes, rng: random.Random) -> bytes:
    """A slice written twice (a retried write, a bad merge): everything after it shifts."""
    n = rng.choice([1, 16, 512, 4096])
    at = rng.randrange(len(data) - n)
    return data[:at + n] + data[at:]


LENGTH = re.compile(rb"/Length (\d+)")


def corrupt_length(data: bytes, rng: random.Random) -> bytes:
    """One stream's /Length off by a little or a lot (the stream itself intact)."""
    spans = [m.span(1) for m in LENGTH.finditer(data)]
    if not spans:
        return flip_bytes(data, rng)
    start, end = rng.choice(spans)
    value = int(data[start:end])
    new = max(0, value + rng.choice([-100, -10, -1, 1, 10, 1000, 10**7]))
    return data[:start] + str(new).encode() + data[end:]


def _rewrite_page(data: bytes, rng: random.Random, change: Callable) -> bytes:
    """`data` with one page (chosen by `rng`, never the cover) rewritten by
    `change(writer, index)` through pypdf: damage a valid file can carry."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    index = rng.randrange(1, len(writer.pages))
    change(writer, index, rng)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rasterise_page(data: bytes, rng: random.Random) -> bytes:
    """One page replaced by an image of itself: what it prints, no text (issue 26)."""
    import io

    import pypdfium2
    from pypdf import PdfReader

    def change(writer, index, rng):
        pdf = pypdfium2.PdfDocument(data)
        image = pdf[index].render(scale=1.0).to_pil().convert("RGB")
        pdf.close()
        buffer = io.BytesIO()
        image.save(buffer, "PDF", resolution=72.0)
        writer.pages[index].replace_contents(None)
        writer.pages[index].merge_page(PdfReader(buffer).pages[0])

    return _rewrite_page(data, rng, change)


def empty_page(data: bytes, rng: random.Random) -> bytes:
    """One page's content removed, the page kept (issue 26: a results page emptied)."""
    return _rewrite_page(data, rng, lambda writer, index, rng: writer.pages[index].replace_contents(None))


def cut_page_stream(data: bytes, rng: random.Random) -> bytes:
    """One page's content stream cut short at an operator, a valid shorter page that both
    PDF libraries read the same (issue 26: a calendar page losing a few events)."""
    from pypdf.generic import DecodedStreamObject

    def change(writer, index, rng):
        page = writer.pages[index]
        lines = page.get_contents().get_data().split(b"\n")
        keep = rng.randrange(max(1, len(lines) // 2), len(lines))
        shorter = DecodedStreamObject()
        shorter.set_data(b"\n".join(lines[:keep]))
        page.replace_contents(shorter)

    return _rewrite_page(data, rng, change)


MUTATORS: list[Mutator] = [
    delete_bytes, flip_bytes, flip_in_stream, duplicate_bytes, splice, zero_fill,
    cut_object, truncate_stream, truncate_file, swap_streams, corrupt_length,
    absurd_number, garble_xref, rasterise_page, empty_page, cut_page_stream,
]


def make_mutants(seed: bytes, folder: Path) -> list[Path]:
    rng = random.Random(20211231)
    paths = []
    for mutator in MUTATORS:
        for i in range(CASES_PER_MUTATOR):
            path = folder / f"{mutator.__name__}-{i:02d}.pdf"
            path.write_bytes(mutator(seed, rng))
            paths.append(path)
    return paths


# The sections and the checks that speak for each (checks are named `<section>.<what>`).
SECTIONS = {
    "member_status": "members", "member_indicators": "members",
    "calendar_events": "calendar", "publications": "publications", "key_figures": "key_figures",
}
# Columns that differ between two ingests of the same content, and the boxes (where a
# row was read): a mutant may move a drawing without changing a fact.
VOLATILE = {"id", "report_id", "ingested_at", "sha256", "source_file", "x0", "top", "x1", "bottom"}


def section_rows(db: Path, report_id: str) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in SECTIONS:
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info([{table}])") if c[1] not in VOLATILE]
            out[table] = sorted(conn.execute(
                f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}] WHERE report_id = ?",
                [report_id]))
        return out
    finally:
        conn.close()


def failing_checks(db: Path, report_id: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(
            "SELECT [check] FROM checks WHERE report_id = ? AND passed = 0", [report_id])]
    finally:
        conn.close()


_clean: dict[str, object] = {}


def judge(path: Path) -> tuple[str, str, str, float]:
    """In a pool worker: (name, verdict, detail, seconds) of one mutant ingested over a
    copy of the clean database. Verdicts: rejected, identical, flagged, silent, broken."""
    started = time.perf_counter()
    db = path.with_suffix(".db")
    for leftover in db.parent.glob(db.name + "*"):  # of an earlier run stopped midway
        leftover.unlink()
    if not _clean["empty"]:
        copy_db(_clean["db"], db)
    outcome = extract.ingest([path], db, timeout=PER_FILE_LIMIT)[0]
    seconds = time.perf_counter() - started
    try:
        if outcome.failed:
            assert_one_clear_line(path.name, outcome.reason or "")
            unchanged = (not db.exists() or not any(snapshot(db).get("reports", []))) if _clean["empty"] \
                else snapshot(db) == _clean["snapshot"]
            if not unchanged:
                return path.name, "broken", f"refused ({outcome.reason}) but changed the database", seconds
            return path.name, "rejected", outcome.reason or "", seconds
        if outcome.status != "written":
            return path.name, "broken", f"{outcome.status}: {outcome.reason}", seconds
        rid = outcome.report_id
        rows = section_rows(db, rid)
        differ = sorted({SECTIONS[t] for t, r in rows.items() if r != _clean["rows"][t]})
        if not differ:
            return path.name, "identical", rid, seconds
        failing = failing_checks(db, rid)
        unflagged = [s for s in differ if not any(c.startswith(f"{s}.")
                                                  for c in failing)]
        if unflagged:
            return path.name, "silent", f"{rid}: {', '.join(unflagged)} changed, no failing check", seconds
        return path.name, "flagged", f"{rid}: {', '.join(differ)} ({', '.join(failing)})", seconds
    finally:
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()


def assert_one_clear_line(name: str, error: str) -> None:
    assert error.strip(), f"{name}: empty error"
    assert error.isprintable(), f"{name}: control characters: {error!r}"
    assert "Traceback" not in error, f"{name}: {error}"
    assert len(error) <= 300, f"{name}: {error}"


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy, WAL included."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    """Cover, narrative and a page of each section: a mutant that parses costs ~1 s, not 10."""
    return trim(SPECIMEN_2021_FR, tmp_path_factory.mktemp("seed") / SPECIMEN_2021_FR.name)


@pytest.fixture(scope="module")
def mutants(seed, tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    return make_mutants(seed.read_bytes(), folder)


@pytest.mark.parametrize("archive", ["stored", "empty"])
def test_no_mutant_makes_the_archive_worse(archive, seed, mutants, tmp_path):
    """Over a database holding the clean ingest (`stored`: the gates against the stored
    edition speak too), and into an empty archive (`empty`: the report's own checks
    alone must flag what differs)."""
    clean = tmp_path / "clean.db"
    # Vocabularies, gazetteer and models load once here; forked workers inherit them.
    [outcome] = extract.ingest([seed], clean)
    assert outcome.status == "written", outcome
    _clean.update(db=clean, snapshot=snapshot(clean), rows=section_rows(clean, outcome.report_id),
                  empty=archive == "empty")
    verdicts: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = {}
    reasons: Counter[str] = Counter()
    problems: list[str] = []
    worst = 0.0
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        pending = [(p, pool.apply_async(judge, (p,))) for p in mutants]
        for path, result in pending:
            try:
                name, verdict, detail, seconds = result.get(timeout=PER_FILE_LIMIT + HANG_SLACK)
            except multiprocessing.TimeoutError:
                pool.terminate()
                pytest.fail(f"{path.name}: no answer within {PER_FILE_LIMIT + HANG_SLACK:.0f} s (hang or crash)")
            worst = max(worst, seconds)
            verdicts[verdict] += 1
            kinds.setdefault(name.rsplit("-", 1)[0], Counter())[verdict] += 1
            if verdict == "rejected":
                reasons[re.sub(r"\(.*", "", detail).strip()[:60]] += 1
                assert seconds <= PER_FILE_LIMIT + 5, f"{name}: {seconds:.1f} s"
            if verdict in ("silent", "broken"):
                problems.append(f"{name}: {verdict}: {detail}")
    columns = ("rejected", "identical", "flagged", "silent")
    print(f"\n{archive} archive: {len(mutants)} mutants, slowest {worst:.1f} s")
    print("| mutation | mutants | " + " | ".join(columns) + " |")
    for kind, counts in [*kinds.items(), ("all", verdicts)]:
        print(f"| {kind} | {sum(counts.values())} | " + " | ".join(str(counts[c]) for c in columns) + " |")
    for reason, count in reasons.most_common():
        print(f"  {count:4d}  {reason}")
    assert sum(verdicts.values()) == len(mutants)
    assert not problems, "\n".join(problems)
    # The mutants reached both sides: some still ingest identical, others are refused for
    # more than one reason. A fuzzer whose every mutant dies at the first header check, or
    # none at all, tested nothing.
    assert verdicts["identical"] > 0 and verdicts["rejected"] > 0, verdicts
    assert len(reasons) >= 2, reasons


def test_cli_sample_refuses_cleanly_and_leaves_the_database(seed, mutants, tmp_path):
    good = tmp_path / "good.db"
    assert run_cli("ingest", seed, "--db", good).returncode == 0
    sample = mutants[::CLI_SAMPLE_EVERY]
    for path in sample:
        db = tmp_path / f"{path.stem}.db"
        copy_db(good, db)
        before = snapshot(db)
        result = run_cli("ingest", path, "--db", db, "--timeout", str(PER_FILE_LIMIT),
                         timeout=PER_FILE_LIMIT + HANG_SLACK)
        assert "Traceback" not in result.stdout + result.stderr, result.stderr
        if result.returncode == 0:  # it still reads as a report: it replaced the good one
            assert result.stdout.strip() and not result.stderr.strip()
            conn = sqlite3.connect(db)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            conn.close()
            continue
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"{path}: ")
        assert snapshot(db) == before, f"{path.name} was refused but changed the database"


def test_mutants_fail_the_same_way_when_pages_are_read_by_two_processes(tmp_path):
    """Damage met in a page worker comes back as the same one line (or the same rows)."""
    rng = random.Random(7)
    seen: Counter[str] = Counter()
    for i, mutator in enumerate([flip_in_stream, cut_object, truncate_stream, swap_streams] * 2):
        path = tmp_path / f"{mutator.__name__}-{i}.pdf"
        path.write_bytes(mutator(SPECIMEN_2021_FR.read_bytes(), rng))
        outcomes = []
        for workers in (1, 2):
            _, extraction, error = cli._extract(path, {"timeout": PER_FILE_LIMIT, "workers": workers})
            outcomes.append(error or {t: len(rows) for t, rows in extraction.tables.items()})
        assert outcomes[0] == outcomes[1], path.name
        seen["refused" if isinstance(outcomes[0], str) else "ingested"] += 1
    print(dict(seen))
