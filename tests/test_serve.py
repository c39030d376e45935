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
    "languages": "fr,en", "other_year": "2022", "n": "10",
    "member": "brussels", "from_year": "2021", "to_year": "2021", "year": "2021",
    "indicator": "news_published", "q": "resilient",
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
    from extract.store.writer import SCHEMA

    for table in SCHEMA:
        data = server.json(f"/metropolis/{table}.json?_size=1")
        assert "rows" in data, table


def test_every_table_and_column_is_described():
    from extract.store.views import VIEWS
    from extract.store.writer import SCHEMA

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


def shares_root(word: str, text: str) -> bool:
    """`text` has a word beginning like `word` (its first five letters, accents aside):
    what a search by stems and prefixes may return for it."""
    from unicodedata import combining, normalize

    def bare(s: str) -> str:
        return "".join(c for c in normalize("NFKD", s.casefold()) if not combining(c))

    return any(w.startswith(bare(word)[:5]) for w in re.findall(r"\w+", bare(text)))


def test_search_finds_an_event_by_a_word_of_its_title(server):
    events = load_edition(DATA / "2021-fr")["calendar"]["events"]
    word, title = unique_title_word(events)
    for path in (f"/metropolis/calendar_events.json?_search={word}&_shape=array&report_id=2021-fr",
                 f"/metropolis/events.json?_search={word}&_shape=array&year=2021&language=fr"):
        rows = server.json(path)
        titles = [fold(r["title"]) for r in rows]
        assert fold(title) in titles, path
        # stems widen the search to the word's family, never to unrelated titles
        assert all(shares_root(word, r["title"] + " " + (r["location"] or "")) for r in rows)


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
    from extract.kb.serve import metadata_for

    renamed = metadata_for(Path("db/other.db"), METADATA)
    assert set(renamed["databases"]) == {"other"}
    assert "/other/member_map" in renamed["description_html"]
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
    assert (by_member["brussels"]["value_from"], by_member["brussels"]["value_to"]) == (7, 9)
    assert by_member["brussels"]["change"] == 2
    assert by_member["lagos"]["value_from"] == "not listed" and by_member["lagos"]["change"] is None
    board = server.json("/metropolis/board_per_year.json?year=&_shape=array")
    berlin = {r["report_id"] for r in board if r["member_id"] == "berlin"}
    assert berlin == {e for e in specimen_editions() if e.startswith("2021")}


def test_search_across_events_and_publications(server):
    status, headers, _ = server.get("/-/search?q=metropolitan")
    assert status == 302 and headers["location"].endswith("/metropolis/search?q=metropolitan")
    rows = server.json("/metropolis/search.json?q=metropolitan&_shape=array")
    assert {"event", "publication"} <= {r["kind"] for r in rows}
    html = server.text("/metropolis/search?q=metropolitan")
    assert 'href="/raw/metropolis-annual-report-2021-fr.pdf#page=' in html


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
    assert '<a href="/-/member/brussels">page of Brussels</a>' in html


# ---- issue 15: no false answers, one row per fact, search that finds ---------------------

# The matrix column keys of SCHEMA.md (hand-copied: the contract, not the code).
SCHEMA_KEYS = {
    "news_published", "library_publications", "mentions_in_publications", "use_cases",
    "c4gh_initiatives", "wmd_event_organiser", "congress_participation", "bilateral_meetings",
    "mis_analysed", "training_participation", "pilot_project_role", "fee_paid",
    "board_meeting_participation", "activated",
}


def rows_of(server, path: str) -> list[dict]:
    return server.json(path + ("&" if "?" in path else "?") + "_shape=array")


def data_titles(edition: str) -> list[tuple[str, str]]:
    """(section, title) of every event and product of an edition's data files."""
    data = load_edition(DATA / edition)
    titles = [("event", e["title"]) for e in data["calendar"]["events"]]
    for group in data.get("publications", {}).get("groups", []):
        titles += [("publication", item["title"]) for item in group["items"]]
    return titles


@pytest.mark.parametrize("spelling", ["Séoul", "seoul", "SEOUL"])
def test_member_profile_finds_a_member_by_another_spelling(server, spelling):
    rows = rows_of(server, f"/metropolis/member_profile.json?member={quote(spelling)}")
    expected = {e for e in specimen_editions() if member_names(e, {"Seoul", "Séoul"})}
    assert expected and {r["report_id"] for r in rows} == expected
    assert {r["member_id"] for r in rows} == {"seoul"}


def test_member_profile_reads_a_typo_and_says_so(server):
    rows = rows_of(server, "/metropolis/member_profile.json?member=Bruxelle")
    assert rows and {r["member_id"] for r in rows} == {"brussels"}
    assert all("Bruxelle" in r["note"] and "Brussels" in r["note"] for r in rows)


@pytest.mark.parametrize("name", ["Paris", "Zyxwvut", "", "x" * 5000, "%_'\"; --"])
def test_member_profile_of_an_unknown_name_answers_with_suggestions(server, name):
    rows = rows_of(server, f"/metropolis/member_profile.json?member={quote(name)}")
    assert len(rows) == 1 and rows[0]["member_id"] is None
    note = rows[0]["note"]
    assert ("No member matches" in note) == bool(name.strip())
    if name == "Paris":  # Paris is not a member; the Métropole du Grand Paris is
        assert "Grand Paris" in note


@pytest.mark.parametrize("query", ["indicator_across_years", "indicator_change"])
def test_an_unknown_indicator_lists_the_valid_keys(server, query):
    rows = rows_of(server, f"/metropolis/{query}.json?indicator=news&from_year=2021"
                           "&to_year=2022")
    assert len(rows) == 1
    note = rows[0]["note"]
    assert "Unknown indicator" in note and "news" in note
    assert all(key in note for key in SCHEMA_KEYS)
    assert note.index("news_published") < note.index("fee_paid")  # closest first


def test_an_indicator_by_its_printed_title(server):
    by_key = rows_of(server, "/metropolis/indicator_across_years.json?indicator=news_published")
    title = "Nouvelles publiées sur le site web de Metropolis"  # SCHEMA.md's French header
    by_title = rows_of(server, f"/metropolis/indicator_across_years.json?indicator={quote(title)}")
    assert by_title == by_key
    # the notes are the failed checks of the matrices (the synthetic 2022's unknown column)
    assert all("failed" in r["note"] for r in by_key if r["note"])
    values = [r for r in by_key if r["note"] is None]
    assert values and all(isinstance(r["total"], int) for r in values)  # counts, not 178.0


def test_cross_edition_check_says_which_edition_is_missing(server):
    rows = rows_of(server, "/metropolis/cross_edition_check.json?year=2022")
    assert len(rows) == 1 and "Only one edition of 2022" in rows[0]["note"]
    assert "2022-fr" in rows[0]["note"]
    assert rows[0]["synthetic"] == 1
    rows = rows_of(server, "/metropolis/cross_edition_check.json?year=")
    assert len(rows) == 1 and rows[0]["note"].startswith("Give a year")
    rows = rows_of(server, "/metropolis/cross_edition_check.json?year=1999")
    assert len(rows) == 1 and "No edition of 1999" in rows[0]["note"]


def test_cross_edition_check_says_when_the_editions_agree(server):
    rows = rows_of(server, "/metropolis/cross_edition_check.json?year=2021")
    differing = [r for r in rows if r["note"] is None]
    if not differing:  # one row per pair of editions of the year
        assert rows and all("agree" in r["note"] for r in rows)


@pytest.mark.parametrize("path", [
    "/metropolis/members_joined_left.json?from_year=2020&to_year=2022",
    "/metropolis/indicator_change.json?indicator=news_published&from_year=2021&to_year=2030",
    "/metropolis/events_per_month.json?year=1999",
    "/metropolis/board_per_year.json?year=1999",
])
def test_a_year_without_an_edition_answers_with_a_note(server, path):
    rows = rows_of(server, path)
    assert len(rows) == 1 and "No edition of" in rows[0]["note"]
    assert "2021" in rows[0]["note"]  # and names the years there are


def test_synthetic_rows_carry_a_synthetic_column(server):
    for path, edition in (("/metropolis/events.json?report_id=2022-fr", "2022-fr"),
                          ("/metropolis/indicator_values.json?report_id=2021-fr", "2021-fr")):
        rows = rows_of(server, path)
        assert rows and {r["synthetic"] for r in rows} == {int(edition == "2022-fr")}
    rows = rows_of(server, "/metropolis/members_joined_left.json?from_year=2021&to_year=2022")
    assert {r["synthetic"] for r in rows} == {1}
    lagos = rows_of(server, "/metropolis/member_map.json?member_id=lagos")[0]
    assert lagos["synthetic"] == 1 and "synthetic" in lagos["popup"]
    status, _, body = server.get("/metropolis/events.csv?report_id=2022-fr&_size=max")
    header = body.decode("utf-8").splitlines()[0].split(",")
    assert status == 200 and "synthetic" in header


def test_facet_labels_mark_the_synthetic_edition(server):
    html = server.text("/metropolis/calendar_events?_facet=report_id")
    facet = html[html.index('id="facet-report_id"'):]
    facet = facet[:facet.index("</ul>")]
    assert facet.count('class="synthetic"') == 1


def test_month_facet_in_calendar_order(server):
    data = server.json("/metropolis/events.json?_facet=month&_size=0")
    months = [v["value"] for v in data["facet_results"]["month"]["results"]]
    html = server.text("/metropolis/events?_facet=month&_size=0")
    facet = html[html.index('id="facet-month"'):]
    shown = re.findall(r"month=(\d\d)", facet[:facet.index("</ul>")])
    assert shown == sorted(months)


def test_event_facts_pair_the_editions_of_a_year(server):
    rows = rows_of(server, "/metropolis/event_facts.json?year=2021&_size=max")
    fr = [t for kind, t in data_titles("2021-fr") if kind == "event"]
    en = [t for kind, t in data_titles("2021-en") if kind == "event"]
    assert len(rows) == len(fr) == len(en)
    assert sorted(fold(r["title_fr"]) for r in rows) == sorted(fold(t) for t in fr)
    assert sorted(fold(r["title_en"]) for r in rows) == sorted(fold(t) for t in en)
    es = [t for kind, t in data_titles("2021-es") if kind == "event"]
    assert sorted(fold(r["title_es"]) for r in rows) == sorted(fold(t) for t in es)
    # every edition of the year side by side, the Spanish one too
    assert all(r["page_fr"] and r["page_en"] and r["page_es"]
               and r["editions"] == "en, es, fr" for r in rows)
    # a hand-picked pair: the same event in both data files
    seoul = [r for r in rows if r["title_en"] and "Walk21 Seoul" in r["title_en"]]
    assert len(seoul) == 1 and "Walk21 de Séoul" in seoul[0]["title_fr"]
    synthetic = rows_of(server, "/metropolis/event_facts.json?year=2022&_size=max")
    assert synthetic and all(r["synthetic"] == 1 and r["title_en"] is None
                             and r["disagreement"] is None for r in synthetic)


def test_publication_facts_pair_the_editions_of_a_year(server):
    rows = rows_of(server, "/metropolis/publication_facts.json?year=2021&_size=max")
    fr = [t for kind, t in data_titles("2021-fr") if kind == "publication"]
    assert len(rows) == len(fr)
    assert sorted(fold(r["title_fr"]) for r in rows) == sorted(fold(t) for t in fr)
    assert all(r["title_en"] for r in rows)


def test_resilient_finds_every_resilience_row(server):
    """Every language, any form: résilience, résiliente(s), resilient, resiliencia."""
    expected = sorted(
        (edition, fold(title)) for edition in specimen_editions()
        for _, title in data_titles(edition) if "silien" in title.lower())
    assert len(expected) >= 10
    for word in ("resilient", "résilience", "Resilience"):
        rows = rows_of(server, f"/metropolis/search.json?q={quote(word)}&_size=max")
        found = sorted((r["report_id"], fold(r["title"])) for r in rows if r["report_id"])
        assert found == expected, word
    # the tables' own search boxes find the same events
    events = rows_of(server, "/metropolis/calendar_events.json?_search=resilient&_size=max")
    assert len(events) == len([t for e in specimen_editions()
                               for k, t in data_titles(e)
                               if k == "event" and "silien" in t.lower()])


def test_search_by_a_prefix_and_without_accents(server):
    rows = rows_of(server, "/metropolis/search.json?q=mobilit")
    titles = " ".join(r["title"] for r in rows)
    assert "Mobilité urbaine durable" in titles and "Sustainable urban mobility" in titles
    rows = rows_of(server, "/metropolis/calendar_events.json?_search=seoul&report_id=2021-fr")
    assert any("Séoul" in r["title"] for r in rows)


def test_search_with_nothing_found_says_so(server):
    for q in ("Zyxwvut", "", '"unbalanced'):
        rows = rows_of(server, f"/metropolis/search.json?q={quote(q)}")
        assert len(rows) == 1 and rows[0]["note"], q


def test_csv_of_the_matrix_round_trips_with_accents(server):
    import csv
    import io

    status, _, body = server.get("/metropolis/member_matrix.csv?report_id=2021-fr&_size=max"
                                 "&_bom=1")
    assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    printed = {" ".join(r["name"]) for m in load_edition(DATA / "2021-fr")["members"]["matrices"]
               for r in m["rows"]}
    names = {r["printed_name"] for r in rows}
    assert len(rows) > 100 and names <= printed
    assert any(not name.isascii() for name in names)  # accents intact (Bogotá, Montréal...)
    assert {r["year"] for r in rows} == {"2021"} and {r["synthetic"] for r in rows} == {"0"}
    status, _, plain = server.get("/metropolis/member_matrix.csv?report_id=2021-fr&_size=1")
    assert not plain.startswith(b"\xef\xbb\xbf")
    # technical columns stay in the exports of the tables
    status, _, body = server.get("/metropolis/member_status.csv?report_id=2021-fr&_size=1")
    assert {"report_id", "x0", "top", "x1", "bottom"} <= set(body.decode().splitlines()[0]
                                                              .split(","))


def test_member_page_shows_editions_side_by_side(server):
    html = server.text("/-/member/brussels")
    editions = [e for e in specimen_editions() if member_names(e, {"Bruxelles", "Brussels"})]
    for edition in editions:
        assert f">{edition}</a>" in html
    assert 'class="synthetic"' in html  # the 2022 edition is made up
    # Brussels' news count goes 7 -> 9 in the synthetic 2022 edition (its data file)
    row = re.search(r"<tr data-indicator=\"news_published\">(.*?)</tr>", html,
                    re.DOTALL).group(1)
    assert ">7</a>" in row and ">9</a>" in row and "+2" in row
    assert "/-/context/metropolis/2021-fr/" in row  # each value links to its crop in context
    french = server.text("/-/member/brussels?lang=fr")
    assert "Nouvelles publiées sur le site web de Metropolis" in french
    status, headers, _ = server.get("/-/member/" + quote("Séoul"))
    assert status == 302 and headers["location"].endswith("/-/member/seoul")
    status, _, body = server.get("/-/member/Zyxwvut")
    assert status == 404 and b"No member matches" in body


def test_every_page_link_resolves_the_synthetic_edition_too(server):
    html = server.text("/metropolis/member_status?report_id=2022-fr&_size=3")
    links = set(re.findall(r'href="(/[^"#]+\.pdf)#page=\d+"', html))
    assert links == {"/-/pdf/metropolis-annual-report-2022-fr-synthetic.pdf"}
    status, _, body = server.get(links.pop())
    assert status == 200 and body.startswith(b"%PDF-")
    for path in ("/-/pdf/..%2fmetadata.yml", "/-/pdf/metadata.yml", "/-/pdf/nothing.pdf"):
        assert server.get(path)[0] == 404, path


def test_only_the_pdf_folders_asked_for_are_served(tmp_path):
    """The made-up editions' folder is an option (`make demo` passes it), never a path
    into tests/ that production code would serve by itself; a folder that is not there is
    a usage error, not a silently empty list."""
    from click.testing import CliRunner

    from extract.cli import main
    from extract.kb.serve import pdf_dirs

    synthetic = ROOT / "tests" / "specimens" / "synthetic"
    assert pdf_dirs(tmp_path) == [tmp_path.resolve()]
    assert pdf_dirs(tmp_path, [synthetic]) == [tmp_path.resolve(), synthetic.resolve()]
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "kb.db"), "--pdfs", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "--pdfs" in result.output


def test_context_crop_shows_the_cell_within_its_row(server):
    from PIL import Image

    cell = rows_of(server, "/metropolis/member_indicators.json?report_id=2021-fr"
                           "&member_id=brussels&indicator=news_published")[0]
    query = "&".join(f"{k}={cell[k]!r}" for k in ("x0", "top", "x1", "bottom"))
    status, _, small = server.get(f"/-/provenance/metropolis/2021-fr/{cell['page']}.png?{query}")
    assert status == 200
    status, headers, big = server.get(f"/-/context/metropolis/2021-fr/{cell['page']}.png?{query}")
    assert status == 200 and headers["content-type"] == "image/png"
    crop, context = Image.open(io_bytes(small)), Image.open(io_bytes(big))
    assert context.width > 3 * crop.width  # the whole row, not the cell alone
    assert context.height > 2 * crop.height  # and its column's title above it
    assert server.get("/-/context/metropolis/2021-fr/999.png?" + query)[0] == 404


def io_bytes(data: bytes):
    import io

    return io.BytesIO(data)


def test_cells_link_where_a_reader_goes_next(server):
    html = server.text("/metropolis/members/brussels")
    assert 'href="/-/member/brussels"' in html  # the member's row leads to its page
    html = server.text("/metropolis/board_per_year?year=2021")
    assert 'href="/-/member/berlin"' in html
    html = server.text("/metropolis/indicator_values?member_id=brussels&report_id=2021-fr")
    assert 'href="/metropolis/indicators/news_published"' in html
    html = server.text("/metropolis/reports")
    assert 'href="/raw/metropolis-annual-report-2021-fr.pdf"' in html  # source_file
    assert 'href="/-/pdf/metropolis-annual-report-2022-fr-synthetic.pdf"' in html


def test_counts_print_as_integers(server):
    figures = load_edition(DATA / "2021-fr")["key_figures"]
    html = server.text("/metropolis/key_figures?report_id=2021-fr&_size=max")
    values = re.findall(r'<td class="col-value type-float">([^<]*)</td>', html)
    assert values and all(not v.endswith(".0") for v in values)
    assert figures  # the data file the values come from


def test_a_column_the_vocabulary_does_not_know_is_named_not_keyed(server):
    """The synthetic 2022 matrix prints a column no vocabulary knows: its data file's
    header "Participation aux laboratoires urbains"."""
    cell = rows_of(server, "/metropolis/member_indicators.json?report_id=2022-fr"
                           "&indicator__startswith=unknown:&_size=1")[0]
    html = server.text(f"/-/member/{cell['member_id']}")
    assert "Participation aux laboratoires urbains (a column the vocabulary" in html
    rows = rows_of(server, f"/metropolis/member_profile.json?member={cell['member_id']}")
    text = next(r["indicators"] for r in rows if r["report_id"] == "2022-fr")
    assert "participation aux laboratoires urbains (a column" in text
    assert "unknown:" not in text


def test_serving_twice_leaves_no_file_per_run(tmp_path, monkeypatch):
    """`serve` becomes Datasette (execv): a temporary metadata file per run was never
    deleted. The renamed metadata is one file per content, reused by every run."""
    from extract.kb import serve as serving

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(serving.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    db = tmp_path / "other-name.db"
    source = serving.find_metadata()
    first = serving.write_metadata(db, source)
    second = serving.write_metadata(db, source)
    assert first == second and first.is_file()
    assert list((tmp_path / "tmp").iterdir()) == []
    assert [p.name for p in first.parent.iterdir()] == [first.name]
