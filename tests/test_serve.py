"""`extract serve`: a real Datasette over a database ingested from the committed specimens.

Expected values come from metadata.yml (descriptions, queries) and from the specimen data
files (titles, member names), never from the server's own output.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from markupsafe import escape

from tests.conftest import snapshot
from tests.kb_server import ROOT, knowledge_base, serve, specimen_editions
from tests.specimens.build import DATA, load_edition

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
DB_META = METADATA["databases"]["metropolis"]
QUERY_ARGS = {
    "member": "brussels", "from_year": "2021", "to_year": "2021", "year": "2021",
    "indicator": "news_published",
}


def fold(text: str) -> str:
    return " ".join(text.split())


def unique_title_word(events: list[dict]) -> tuple[str, str]:
    """A plain ASCII word of 8+ letters found in exactly one event title: (word, title)."""
    titles = [e["title"] for e in events]
    for title in titles:
        for word in re.findall(r"\b[A-Za-z]{8,}\b", title):
            hits = [t for t in titles if re.search(rf"\b{word}\b", t, re.IGNORECASE)]
            if len(hits) == 1:
                return word, title
    raise AssertionError("no title word unique to one event")


def member_names(edition: str, member_spellings: set[str]) -> set[str]:
    """Printed names of a member in one edition's members data file."""
    data = load_edition(DATA / edition).get("members") or {}
    names = set()
    for matrix in data.get("matrices", []):
        for row in matrix["rows"]:
            name = " ".join(row["name"])
            if name in member_spellings:
                names.add(name)
    return names


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(knowledge_base(tmp_path_factory)) as running:
        yield running


def test_prints_its_url(server):
    assert server.url in server.first_line
    assert "read-only" in server.first_line


def test_metadata_json_has_title_and_table_descriptions(server):
    data = server.json("/-/metadata.json")
    assert data["title"] == METADATA["title"]
    tables = data["databases"]["metropolis"]["tables"]
    for table in ("reports", "member_status", "member_indicators", "calendar_events",
                  "publications", "cities"):
        assert tables[table]["description"] == DB_META["tables"][table]["description"]


def test_settings_read_only_and_time_limit(server):
    settings = server.json("/-/settings.json")
    assert settings["sql_time_limit_ms"] <= 5000
    assert settings["allow_download"] is False


def test_every_table_answers_json(server):
    from extract.store import SCHEMA

    for table in SCHEMA:
        data = server.json(f"/metropolis/{table}.json?_size=1")
        assert "rows" in data, table


def test_every_table_and_column_is_described():
    from extract.kb_views import VIEWS
    from extract.store import SCHEMA

    tables = DB_META["tables"]
    for table, (columns, _, _) in SCHEMA.items():
        assert tables[table].get("description"), table
        for column in columns:
            assert tables[table].get("columns", {}).get(column), f"{table}.{column}"
    for view in VIEWS:
        assert tables[view].get("description"), view


@pytest.mark.parametrize("name", list(DB_META["queries"]))
def test_canned_query_answers(server, name):
    query = DB_META["queries"][name]
    params = re.findall(r":(\w+)", query["sql"])
    args = "&".join(f"{p}={quote(QUERY_ARGS[p])}" for p in dict.fromkeys(params))
    data = server.json(f"/metropolis/{name}.json?{args}&_shape=objects")
    assert "rows" in data


def test_home_page_lists_tables_with_descriptions(server):
    html = server.text("/")
    for table in ("reports", "member_status", "calendar_events", "publications", "cities"):
        assert f'href="/metropolis/{table}"' in html
        description = DB_META["tables"][table]["description"]
        assert fold(str(escape(description))) in fold(html), table
    for name, query in DB_META["queries"].items():
        assert f"/metropolis/{name}" in html and str(escape(query["title"])) in html


def test_search_finds_an_event_by_a_word_of_its_title(server):
    events = load_edition(DATA / "2021-fr")["calendar"]["events"]
    word, title = unique_title_word(events)
    rows = server.json(f"/metropolis/calendar_events.json?_search={word}&_shape=array"
                       "&report_id=2021-fr")
    assert [fold(r["title"]) for r in rows] == [fold(title)]
    rows = server.json(f"/metropolis/events.json?_search={word}&_shape=array&year=2021"
                       "&language=fr")
    assert [fold(r["title"]) for r in rows] == [fold(title)]


def test_member_profile_of_brussels_shows_every_edition(server):
    rows = server.json("/metropolis/member_profile.json?member=brussels&_shape=array")
    by_edition = {r["report_id"]: r for r in rows}
    spellings = {"Bruxelles", "Brussels"}
    expected = {e for e in specimen_editions() if member_names(e, spellings)}
    assert expected and set(by_edition) == expected
    for edition, row in by_edition.items():
        assert row["printed_name"] in member_names(edition, spellings)
        assert row["member_id"] == "brussels"
    # a printed spelling finds the same member
    again = server.json("/metropolis/member_profile.json?member=Bruxelles&_shape=array")
    assert {r["report_id"] for r in again} == expected


def test_member_map_view_has_coordinates_for_brussels(server):
    rows = server.json("/metropolis/member_map.json?member_id=brussels&_shape=array")
    assert len(rows) == 1
    assert rows[0]["latitude"] == pytest.approx(50.85, abs=0.3)
    assert rows[0]["longitude"] == pytest.approx(4.35, abs=0.3)


def test_rows_link_to_their_page_and_show_their_source_image(server):
    event = server.json("/metropolis/calendar_events.json?_size=1&_shape=array"
                        "&report_id=2021-fr")[0]
    html = server.text(f"/metropolis/calendar_events/{event['id']}")
    pdf = "metropolis-annual-report-2021-fr.pdf"
    assert f'href="/raw/{pdf}#page={event["page"]}"' in html
    src = re.search(r'<img class="provenance"[^>]* src="([^"]+)"', html).group(1)
    status, headers, body = server.get(src.replace("&amp;", "&"))
    assert status == 200 and headers["content-type"] == "image/png"
    assert body.startswith(b"\x89PNG")


def test_every_row_with_a_bbox_has_its_image(server):
    conn = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        missing = conn.execute(
            "SELECT count(*) FROM calendar_events e WHERE x0 IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM provenance_images p WHERE p.report_id = e.report_id "
            "AND p.page = e.page AND p.x0 = e.x0 AND p.top = e.top AND p.x1 = e.x1 "
            "AND p.bottom = e.bottom)").fetchone()[0]
        cells = conn.execute("SELECT count(*) FROM member_indicators WHERE x0 IS NOT NULL")
        images = conn.execute("SELECT count(*) FROM provenance_images")
        assert missing == 0
        assert images.fetchone()[0] >= cells.fetchone()[0] > 0
    finally:
        conn.close()


def test_raw_pdfs_are_served_and_nothing_outside_raw(server):
    status, _, body = server.get("/raw/metropolis-annual-report-2021-fr.pdf")
    assert status == 200 and body.startswith(b"%PDF-")
    for path in ("/raw/../metadata.yml", "/raw/%2e%2e/metadata.yml", "/raw/..%2fmetadata.yml",
                 "/raw/%2e%2e%2fmetadata.yml", "/raw/../../etc/passwd",
                 "/raw/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/raw//etc/passwd",
                 "/raw/%2fetc%2fpasswd"):
        status, _, body = server.get(path)
        assert status in (403, 404), path
        assert b"root:" not in body and b"databases:" not in body, path


def test_no_write_reaches_the_database(server):
    before = snapshot(server.db)
    for sql in ("DELETE FROM reports", "UPDATE members SET name = 'x'",
                "CREATE TABLE pwned (x)", "PRAGMA journal_mode=DELETE"):
        status, _, body = server.get(f"/metropolis.json?sql={quote(sql)}")
        assert status >= 400 or b'"ok": false' in body, sql
    status, _, _ = server.get("/metropolis.db")
    assert status in (403, 404)
    assert snapshot(server.db) == before


def test_long_query_is_interrupted_by_the_time_limit(server):
    sql = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
           "SELECT count(*) FROM n")
    status, _, body = server.get(f"/metropolis.json?sql={quote(sql)}")
    assert status >= 400
    assert b"interrupted" in body.lower() or b"time limit" in body.lower()


def test_pdf_text_is_escaped(tmp_path):
    """A title holding HTML, drawn into a specimen and ingested, is shown as text."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / "2021-fr" / "report.yml", folder / "report.yml")
    calendar = yaml.safe_load((DATA / "2021-fr" / "calendar.yml").read_text(encoding="utf-8"))
    evil = "Zyxwvut <script>alert('pwned')</script> <b>villes</b> & co"
    calendar["events"][0]["title"] = evil
    (folder / "calendar.yml").write_text(yaml.safe_dump(calendar, allow_unicode=True),
                                         encoding="utf-8")
    from tests.specimens.build import build

    pdf = build(folder, tmp_path / "raw" / "metropolis-annual-report-2021-fr.pdf")
    db = tmp_path / "metropolis.db"
    result = subprocess.run([sys.executable, "-m", "extract", "ingest", str(pdf), "--db", str(db)],
                            check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # a link inside raw/ pointing outside it must not be followed either
    (pdf.parent / "outside.yml").symlink_to(ROOT / "metadata.yml")
    with serve(db, raw=pdf.parent) as server:
        assert server.get("/raw/outside.yml")[0] == 404
        rows = server.json("/metropolis/calendar_events.json?_search=Zyxwvut&_shape=array")
        assert [r["title"] for r in rows] == [evil]
        for path in ("/metropolis/calendar_events?_search=Zyxwvut",
                     f"/metropolis/calendar_events/{rows[0]['id']}",
                     "/metropolis/events?_search=Zyxwvut",
                     "/metropolis?sql=" + quote("select title from calendar_events")):
            html = server.text(path)
            assert "<script>alert(" not in html and "<b>villes</b>" not in html, path
            assert "&lt;script&gt;alert(" in html, path


def test_metadata_follows_a_database_of_another_name(tmp_path_factory):
    from extract.serve import metadata_for

    renamed = metadata_for(Path("db/other.db"), METADATA)
    assert set(renamed["databases"]) == {"other"}
    assert "/other/member_profile" in renamed["description_html"]
    assert metadata_for(Path("db/metropolis.db"), METADATA) is METADATA


def test_synthetic_edition_is_marked_wherever_its_rows_appear(server):
    report = server.json("/metropolis/reports/2022-fr.json?_shape=array")[0]
    assert report["synthetic"] == 1
    badge = 'class="synthetic"'
    for path in ("/metropolis/reports", "/metropolis/reports/2022-fr",
                 "/metropolis/member_status?report_id=2022-fr",
                 "/metropolis/calendar_events?report_id=2022-fr",
                 "/metropolis/member_profile?member=brussels"):
        assert badge in server.text(path), path
    # and nowhere on real-content rows
    assert badge not in server.text("/metropolis/member_status?report_id=2021-fr")


def test_synthetic_edition_is_ingested_only_when_asked(tmp_path):
    pdf = specimen_editions()["2022-fr"]
    db = tmp_path / "metropolis.db"
    result = subprocess.run([sys.executable, "-m", "extract", "ingest", str(pdf), "--db", str(db)],
                            check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "synthetic" in result.stdout and "--with-synthetic" in result.stdout
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
    finally:
        conn.close()


def test_year_over_year_queries_see_the_planted_changes(server):
    """The synthetic 2022 edition plants: Lagos and Nairobi join, Bangui, Bhopal and
    Cotonou leave, Brussels' news count goes 7 -> 9, Berlin leaves the Board."""
    rows = server.json("/metropolis/members_joined_left.json?from_year=2021&to_year=2022"
                       "&_shape=array")
    changes = {(r["change"], r["member_id"]) for r in rows}
    assert changes == {("joined", "lagos"), ("joined", "nairobi"), ("left", "bangui"),
                       ("left", "bhopal"), ("left", "cotonou")}
    assert all(r["marked_new_in_to_year"] == 1 for r in rows if r["change"] == "joined")
    rows = server.json("/metropolis/indicator_change.json?indicator=news_published"
                       "&from_year=2021&to_year=2022&_shape=array")
    by_member = {r["member_id"]: r for r in rows}
    assert (by_member["brussels"]["value_from"], by_member["brussels"]["value_to"]) == ("7", "9")
    assert by_member["brussels"]["change"] == 2
    assert by_member["lagos"]["value_from"] == "not listed" and by_member["lagos"]["change"] is None
    board = server.json("/metropolis/board_per_year.json?year=&_shape=array")
    berlin = {r["report_id"] for r in board if r["member_id"] == "berlin"}
    assert berlin == {e for e in specimen_editions() if e.startswith("2021")}


def test_search_across_events_and_publications(server):
    html = server.text("/-/search?q=metropolitan")
    assert "calendar_events" in html and "publications" in html


def test_provenance_route_refuses_what_it_does_not_have(server):
    for path in ("/-/provenance/metropolis/2021-fr/1.png?x0=1&top=2&x1=3&bottom=4",
                 "/-/provenance/metropolis/2021-fr/1.png?x0=nan&top=x",
                 "/-/provenance/nodb/2021-fr/1.png?x0=1&top=2&x1=3&bottom=4",
                 "/-/provenance/metropolis/%3Cscript%3E/1.png?x0=1&top=2&x1=3&bottom=4"):
        status, _, body = server.get(path)
        assert status == 404, path
        assert b"<script" not in body


def test_member_map_rows_link_to_the_profile(server):
    html = server.text("/metropolis/member_map?member_id=brussels")
    assert '<a href="member_profile?member=brussels">profile of Brussels</a>' in html
