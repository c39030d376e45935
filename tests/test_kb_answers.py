"""Issue 24: the knowledge base answers, not tables. Over HTTP, against a real `extract
serve` on the ingested specimens: no facet or sort that lies, every gap said in the
answer, the same column in two languages one column, doubt shown where a place is shown.

Expected values come from the specimen data files or from SQL on the same database,
never from the server's own output.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import pytest
import yaml

from tests.kb_server import ROOT, knowledge_base, serve

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
TABLES = METADATA["databases"]["metropolis"]["tables"]
QUERIES = METADATA["databases"]["metropolis"]["queries"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(knowledge_base(tmp_path_factory)) as running:
        yield running


def sql(server, query: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def as_json(url: str) -> str:
    """The JSON twin of a table page's address (a facet's toggle_url)."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith(".json") else parts.path + ".json"
    return f"{path}?{parts.query}&_size=0"


def test_every_facet_value_gives_the_count_it_showed(server):
    """Clicking a facet value (its toggle_url) lists as many rows as the facet said, on
    every table and view with facets in metadata.yml: a computed view column whose type
    differs from the filter's (the facet shows `1: 7`, the click gives 0 rows) is a lie."""
    names = [t["name"] for t in server.json("/metropolis.json")["tables"] if not t["hidden"]]
    names += [v["name"] for v in server.json("/metropolis.json")["views"]]
    wrong, clicked = [], 0
    for name in names:
        facets = (TABLES.get(name) or {}).get("facets") or []
        if not facets:
            continue
        data = server.json(f"/metropolis/{name}.json?_size=0&_facet_size=50")
        results = data["facet_results"]
        assert set(facets) <= set(results), name
        for column in facets:
            for value in results[column]["results"]:
                got = server.json(as_json(value["toggle_url"]))["filtered_table_rows_count"]
                clicked += 1
                if got != value["count"]:
                    wrong.append(f"{name}.{column}={value['value']!r}: facet {value['count']}, "
                                 f"click {got}")
    assert clicked > 100
    assert wrong == []


def test_member_matrix_sorts_numbers_as_numbers(server):
    """Sorted by news_published, the largest count comes first (text sorting put 8
    above 12, 11 and 10)."""
    rows = server.json("/metropolis/member_matrix.json?report_id=2021-fr"
                       "&_sort_desc=news_published&_size=max&_shape=array")
    counts = [r["news_published"] for r in rows if isinstance(r["news_published"], int)]
    largest = sql(server, "SELECT max(value_num) FROM member_indicators WHERE "
                          "report_id = '2021-fr' AND indicator = 'news_published'")[0][0]
    assert counts and counts[0] == largest
    assert counts == sorted(counts, reverse=True)


def test_no_view_holds_numbers_as_text(server):
    """A number kept as text sorts as text (8 before 12) and misses an integer filter:
    no column of a view holds one. `month` is zero-padded (01..12), so its text order is
    the calendar's; `value` is the cell as printed, its number in `value_num` beside it."""
    views = [r[0] for r in sql(server, "SELECT name FROM sqlite_master WHERE type = 'view'")]
    found = []
    for view in views:
        columns = [r[1] for r in sql(server, f"PRAGMA table_info([{view}])")]
        for column in columns:
            if column == "month" or column == "value" and "value_num" in columns:
                continue
            n = sql(server, f"SELECT count(*) FROM [{view}] WHERE typeof([{column}]) = 'text' "
                            f"AND [{column}] GLOB '[0-9]*' AND NOT [{column}] GLOB '*[^0-9.]*'")
            if n[0][0]:
                found.append(f"{view}.{column}: {n[0][0]}")
    assert found == []
