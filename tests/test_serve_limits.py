"""`extract serve` under attack (issue 26): no single request stalls it.

A real `extract serve` over the short English specimen: one expensive function call
ends at once with an error, every bad parameter is a 400 that says what is wrong, a
folder outside raw/ is a 404 like any missing file, SIGTERM ends the server within a
second, and a bounded loopback load (3 expensive calls and 40 context crops at once)
leaves every normal request answered within a second.
"""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from bench.editions import trim

from extract.kb import sql as kb_sql
from tests.conftest import RAW, run_cli
from tests.kb_server import serve

SPECIMEN_EN = RAW / "metropolis-annual-report-2021-en.pdf"

# What one client tried (issue 26): each ran for many seconds at a gigabyte or more.
EXPENSIVE = [
    "select length(printf('%.*c', 999999999, 'a'))",
    "select length(randomblob(1000000000))",
    "select kb_fts_query(printf('%.*c', 10000000, 'a'))",
]
# Runs until the SQL time limit (3 s) stops it: the progress handler's case.
LONG = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    raw = folder / "raw"
    short = trim(SPECIMEN_EN, raw / SPECIMEN_EN.name)
    (folder / "private").mkdir()
    (folder / "private" / "notes.txt").write_text("outside raw/")
    db = folder / "metropolis.db"
    result = run_cli("ingest", short, "--db", db)
    assert result.returncode == 0, result.stderr
    return db, raw


@pytest.fixture(scope="module")
def server(archive):
    db, raw = archive
    with serve(db, raw=raw) as running:
        yield running


def sql_url(sql: str) -> str:
    return "/metropolis.json?sql=" + quote(sql)


@pytest.mark.parametrize("sql", EXPENSIVE)
def test_one_expensive_function_call_ends_at_once(server, sql):
    started = time.perf_counter()
    status, _, body = server.get(sql_url(sql))
    assert time.perf_counter() - started < 2, sql
    # SQLite's own refusal, or the bounded printf's
    assert status == 400 and (b"too big" in body or b"function raised exception" in body), (status, body[:300])


def test_the_search_function_reads_a_bounded_input():
    started = time.perf_counter()
    assert kb_sql.fts_query("résilience " * 1_000_000).startswith('"resil')
    assert time.perf_counter() - started < 1


def test_the_member_lookup_cache_is_bounded():
    assert kb_sql._member.cache_info().maxsize == kb_sql.MEMBER_CACHE


@pytest.mark.parametrize("query, says", [
    ("/metropolis/reports?_sort=nope", "_sort: reports has no column 'nope'"),
    ("/metropolis/reports.json?_sort_desc=nope", "_sort_desc: reports has no column 'nope'"),
    ("/metropolis/reports?_sort=id&_sort_desc=id", "not both"),
    ("/metropolis/reports?_timelimit=abc", "_timelimit must be a whole number"),
    ("/metropolis/event_cities?_through=x", "_through must be JSON"),
])
def test_a_bad_parameter_is_a_400_that_says_why(server, query, says):
    status, _, body = server.get(query)
    assert status == 400, (query, status, body[:300])
    assert says in body.decode("utf-8"), body[:300]


def test_a_good_sort_still_sorts(server):
    rows = server.json("/metropolis/calendar_events.json?_sort_desc=start_date&_shape=array&_size=3")
    assert [r["start_date"] for r in rows] == sorted((r["start_date"] for r in rows), reverse=True)


@pytest.mark.parametrize("path", ["/raw/%2e%2e/private", "/raw/%2e%2e/private/", "/raw/%2e%2e",
                                  "/raw/..%2Fprivate"])
def test_a_folder_outside_raw_is_a_404_like_any_missing_file(server, path):
    status, _, body = server.get(path)
    assert status == 404, (path, status)
    assert b"403" not in body and b"Directory" not in body


def test_the_served_pdf_is_still_served(server):
    status, _, body = server.get("/raw/" + SPECIMEN_EN.name)
    assert status == 200 and body.startswith(b"%PDF-")


def crop_urls(server, n: int) -> list[str]:
    rows = server.json("/metropolis/member_indicators.json?_shape=array&_size=200"
                       "&_col=page&_col=x0&_col=top&_col=x1&_col=bottom&_col=report_id")
    urls = [f"/-/context/metropolis/{r['report_id']}/{r['page']}.png?"
            f"x0={r['x0']}&top={r['top']}&x1={r['x1']}&bottom={r['bottom']}" for r in rows]
    return urls[:n]


def test_expensive_calls_and_crops_leave_normal_requests_answered_within_a_second(server):
    crops = crop_urls(server, 40)
    assert len(crops) == 40
    heavy = [sql_url(s) for s in [*EXPENSIVE[:2], LONG]] + crops
    latencies: list[float] = []
    done = threading.Event()

    def normal_traffic() -> None:
        for path in ["/metropolis/reports.json?_shape=array", "/metropolis/key_figures.json?_size=5",
                     "/-/versions.json"] * 8:
            started = time.perf_counter()
            status, _, _ = server.get(path)
            latencies.append(time.perf_counter() - started)
            assert status == 200, path
            time.sleep(0.05)
        done.set()

    with ThreadPoolExecutor(max_workers=len(heavy) + 1) as pool:
        heavy_results = [pool.submit(server.get, url) for url in heavy]
        time.sleep(0.1)  # the heavy requests in flight first
        normal = pool.submit(normal_traffic)
        normal.result(timeout=120)
        statuses = [f.result(timeout=120)[0] for f in heavy_results]
    assert len(latencies) == 24
    assert max(latencies) < 1.0, sorted(latencies)[-5:]
    assert statuses[3:] == [200] * 40


def test_sigterm_ends_the_server_within_a_second_even_during_a_long_query(archive):
    db, raw = archive
    with serve(db, raw=raw) as running:
        def long_query() -> None:
            try:
                running.get(sql_url(LONG))
            except OSError:  # the server went away mid-query: what this test wants
                pass

        waiting = threading.Thread(target=long_query, daemon=True)
        waiting.start()
        time.sleep(0.5)  # the query runs in a SQL thread now
        started = time.perf_counter()
        running.process.send_signal(signal.SIGTERM)
        running.process.wait(timeout=10)
        assert time.perf_counter() - started < 1.0
