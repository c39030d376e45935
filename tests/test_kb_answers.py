"""Issue 24: the knowledge base answers, not tables. Over HTTP, against a real `extract
serve` on the ingested specimens: no facet or sort that lies, every gap said in the
answer, the same column in two languages one column, doubt shown where a place is shown.

Expected values come from the specimen data files or from SQL on the same database,
never from the server's own output.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from markupsafe import escape

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


def copy_with(server, tmp_path, *statements: str) -> Path:
    """A copy of the session's database with `statements` applied: a state of the
    archive (a check that failed) the committed specimens do not produce."""
    db = tmp_path / "metropolis.db"
    source, target = sqlite3.connect(server.db), sqlite3.connect(db)
    source.backup(target)
    source.close()
    for statement in statements:
        target.execute(statement)
    target.commit()
    target.close()
    return db


def notes(rows: list[dict]) -> list[str]:
    return [r["note"] for r in rows if r.get("note")]


def test_an_indicator_a_year_has_no_column_of_is_not_zero(server):
    """The synthetic 2022 matrix prints a column no vocabulary knows; 2021 has none. Its
    change from 2021 is not 0 for every member: no value, and notes say why (no such
    column in 2021; the failed check of 2022, linked)."""
    (key,), = sql(server, "SELECT DISTINCT indicator FROM member_indicators WHERE "
                          "report_id = '2022-fr' AND indicator LIKE 'unknown:%'")
    failed = sql(server, "SELECT \"check\" FROM checks WHERE report_id = '2022-fr' "
                         "AND passed = 0 AND \"check\" LIKE 'members.%'")
    assert failed  # the fixture's premise: the unknown column fails a members check
    rows = server.json(f"/metropolis/indicator_change.json?indicator={key}&from_year=2021"
                       "&to_year=2022&_shape=array&_size=max")
    members = [r for r in rows if not r["note"]]
    assert members and all(r["change"] is None for r in members)
    assert all(r["value_from"] in ("no such column", "not listed") for r in members)
    said = " ".join(notes(rows))
    assert "No edition of 2021 has a column read as " + key in said
    for (check,) in failed:
        assert f"checks?report_id=2022-fr&check={check}" in said
    assert rows[0]["note"]  # notes first
    across = server.json(f"/metropolis/indicator_across_years.json?indicator={key}"
                         "&_shape=array")
    for row in across:
        if row["year"] == 2021 and not row["note"]:
            assert row["total"] is None and row["cells"] is None
    assert sum("2021-fr has no column read as" in n for n in notes(across)) == 1
    # the note's check is a link to it
    html = server.text(f"/metropolis/indicator_change?indicator={key}&from_year=2021&to_year=2022")
    assert f'href="/metropolis/checks?report_id=2022-fr&amp;check={failed[0][0]}"' in html


def test_a_failed_check_is_said_in_the_answer_it_affects(server, tmp_path):
    """A month page not read, a stated count the publications do not reach: the counts
    per month and per kind carry the failed check first, with its detail and link."""
    db = copy_with(server, tmp_path,
                   "UPDATE checks SET passed = 0, detail = 'January missing: see pages 33-34' "
                   "WHERE report_id = '2021-fr' AND \"check\" = 'calendar.months_present'",
                   "UPDATE checks SET passed = 0 WHERE report_id = '2021-fr' "
                   "AND \"check\" = 'publications.learning_products'")
    with serve(db) as other:
        rows = other.json("/metropolis/events_per_month.json?year=2021&_shape=array&_size=max")
        assert "calendar.months_present of 2021-fr failed" in rows[0]["note"]
        assert "January missing: see pages 33-34" in rows[0]["note"]
        # every month of every edition is a row: a month with no event counts 0
        counted = [r for r in rows if not r["note"]]
        editions = sql(server, "SELECT count(*) FROM reports WHERE year = 2021")[0][0]
        assert len(counted) == 12 * editions
        per_edition = sql(server, "SELECT count(*) FROM calendar_events e JOIN reports r "
                                  "ON r.id = e.report_id WHERE r.year = 2021 AND r.language = 'fr'")
        assert sum(r["events"] for r in counted if r["edition"] == "2021-fr") == per_edition[0][0]
        rows = other.json("/metropolis/publications_per_year.json?_shape=array&_size=max")
        assert "publications.learning_products of 2021-fr failed" in rows[0]["note"]
        assert "checks?report_id=2021-fr&check=publications.learning_products" in rows[0]["note"]
    # on the clean database: no note
    rows = server.json("/metropolis/events_per_month.json?year=2021&_shape=array")
    assert notes(rows) == []


def member_row(html: str, key: str) -> str:
    start = html.index(f'data-indicator="{key}"')
    return html[start:html.index("</tr>", start)]


def test_member_page_takes_no_change_across_a_column_a_year_lacks(server):
    """A member with a cell in the synthetic 2022 edition's unknown column: 2021 has no
    such column, so the change 2021→2022 is not +1 (a blank 2021 counted as 0)."""
    (key, member), = sql(server, "SELECT indicator, member_id FROM member_indicators WHERE "
                                 "report_id = '2022-fr' AND indicator LIKE 'unknown:%' "
                                 "AND value_num IS NOT NULL LIMIT 1")
    row = member_row(server.text(f"/-/member/{member}"), key)
    change = row[row.rindex('<td class="change">'):]
    assert "+" not in change and "no such column" in change


def test_member_page_labels_in_every_language_folder(server):
    """Labels come from indicator_labels (the language folders), Spanish included; the
    reader picks the language."""
    for lang in ("fr", "en", "es"):
        (label,), = sql(server, "SELECT label FROM indicator_labels WHERE indicator = "
                                "'news_published' AND language = ?", [lang])
        html = server.text(f"/-/member/brussels?lang={lang}")
        assert str(escape(label)) in member_row(html, "news_published"), lang
        assert f'lang="{lang}"' in html
    html = server.text("/-/member/brussels?lang=fr")
    assert 'href="?lang=es"' in html and 'href="?lang=en"' in html


def test_a_low_confidence_place_is_marked_wherever_shown(server):
    """Bandar is kept as Bandar Abbas with confidence low: the map's bubble, the map's
    table (and its CSV) and the member page say so."""
    doubtful = {m for m, in sql(
        server, "SELECT DISTINCT s.member_id FROM name_review n JOIN member_status s ON "
                "s.report_id = n.report_id AND s.printed_name = n.name_as_printed "
                "JOIN members m ON m.id = s.member_id AND m.city_id = n.city_id "
                "WHERE n.confidence = 'low'")}
    assert doubtful
    rows = server.json("/metropolis/member_map.json?_shape=array&_size=max")
    assert {r["member_id"] for r in rows if r["place_confidence"] == "low"} == doubtful
    for r in rows:
        assert ("place uncertain" in r["popup"]) == (r["member_id"] in doubtful)
    csv = server.text("/metropolis/member_map.csv?place_confidence=low&_size=max")
    assert csv.splitlines()[0].count("place_confidence") == 1 and len(csv.splitlines()) == len(doubtful) + 1
    member = min(doubtful)
    assert "place uncertain" in server.text(f"/-/member/{member}")
    assert "place uncertain" not in server.text("/-/member/brussels")


def test_the_calendar_as_icalendar(server):
    """One VEVENT per event of the edition, with its days, title, location as printed and
    the link to its page of the PDF."""
    from icalendar import Calendar

    status, headers, body = server.get("/-/calendar.ics?report=2021-fr")
    assert status == 200 and headers["content-type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]
    expected = sql(server, "SELECT start_date, end_date, title, location, page FROM "
                           "calendar_events WHERE report_id = '2021-fr'")
    assert len(events) == len(expected) > 0
    got = sorted((str(e.decoded("dtstart")), str(e.decoded("dtend")), str(e["url"]),
                  str(e.get("location", ""))) for e in events)
    import datetime as dt
    want = sorted((s, str(dt.date.fromisoformat(e) + dt.timedelta(days=1)),
                   f"{server.url.rstrip('/')}/raw/metropolis-annual-report-2021-fr.pdf#page={p}",
                   loc or "") for s, e, _, loc, p in expected)
    assert got == want
    assert len({str(e["uid"]) for e in events}) == len(events)
    titles = " ".join(str(e["summary"]) for e in events)
    assert all(t in titles for _, _, t, _, _ in expected)
    status, _, body = server.get("/-/calendar.ics?report=1999-xx")
    assert status == 404 and b"2021-fr" in body  # names the editions there are


def test_every_csv_link_has_a_csv_for_excel_twin(server):
    """Beside every CSV link of a table, view or canned query page: the same export with
    a byte order mark (_bom=1), which spreadsheet programs need for accents."""
    import re

    database = server.json("/metropolis.json")
    paths = [f"/metropolis/{t['name']}" for t in database["tables"] if not t["hidden"]]
    paths += [f"/metropolis/{v['name']}" for v in database["views"]]
    paths += ["/metropolis/events_per_month?year=2021", "/metropolis/checks_per_edition"]
    for path in paths:
        html = server.text(path)
        csv = re.findall(r'<a href="([^"]*\.csv[^"]*)">CSV</a>', html)
        excel = re.findall(r'<a href="([^"]*\.csv[^"]*)" class="kb-csv-excel">CSV for Excel</a>',
                           html)
        assert csv and [c + ("&amp;" if "?" in c else "?") + "_bom=1" for c in csv] == excel, path
    status, _, body = server.get(excel[0].replace("&amp;", "&"))
    assert status == 200 and body.startswith(b"\xef\xbb\xbf")


def test_a_check_detail_links_its_pages(server):
    """Page numbers in checks.detail open that page of the PDF and its pages row."""
    import re

    rows = sql(server, "SELECT report_id, detail FROM checks WHERE (detail GLOB '*page*[0-9]*' "
                       "OR detail GLOB '*p. [0-9]*') AND report_id = '2021-fr' "
                       "AND detail GLOB '*, [0-9]*' LIMIT 1")
    assert rows, "no check of 2021-fr names a page"
    report, detail = rows[0]
    # every number of a list of pages ("read on p. 11, 12, 13, 14")
    pages = [int(n) for m in re.finditer(r"(?:pages?|p\.)\s*(\d+(?:, \d+)*)", detail)
             for n in m.group(1).split(", ")]
    assert len(pages) > 2
    html = server.text(f"/metropolis/checks?report_id={report}&_size=max")
    for page in pages:
        assert f'href="/raw/metropolis-annual-report-2021-fr.pdf#page={page}"' in html
        assert f'href="/metropolis/pages/{report},{page}"' in html


def test_serve_says_at_start_which_pdfs_it_cannot_serve(server, tmp_path):
    db = copy_with(server, tmp_path, "UPDATE reports SET source_file = 'gone.pdf' "
                                     "WHERE id = '2021-en'")
    with serve(db) as other:
        import time

        log = Path(db).with_name(f"serve-{other.port}.log")
        for _ in range(50):
            if "cannot serve" in log.read_text():
                break
            time.sleep(0.1)
        text = log.read_text()
    assert "cannot serve the PDFs of 1 edition(s)" in text and "2021-en (gone.pdf)" in text


def test_canned_query_titles_and_event_chart(server):
    """A canned query's browser title is its title, not its SQL; the events per month
    page shows its bar chart as an image drawn on the server."""
    html = server.text("/metropolis/events_per_month?year=2021")
    title = QUERIES["events_per_month"]["title"]
    assert f"<title>{title}" in html
    assert '<img src="/-/chart/events-per-month.svg?year=2021"' in html
    status, headers, body = server.get("/-/chart/events-per-month.svg?year=2021")
    assert status == 200 and headers["content-type"].startswith("image/svg+xml")
    # one bar per month and edition, the counts as SQL gives them
    counts = sql(server, "SELECT count(*) FROM calendar_events e JOIN reports r ON "
                         "r.id = e.report_id WHERE r.year = 2021 AND r.language = 'fr' "
                         "AND substr(start_date, 6, 2) = '10'")[0][0]
    assert f"2021-fr, Oct: {counts}</title>".encode() in body


def board_names(edition: str) -> set[str]:
    from tests.specimens.build import DATA, load_edition

    members = load_edition(DATA / edition)["members"]
    return {" ".join(r["name"]) for m in members["matrices"] for r in m["rows"] if r.get("board")}


def test_board_joined_and_left_between_two_years(server):
    """The data files say who is printed in red each year (2021-fr, the synthetic
    2022-fr); the answer lists exactly the difference, each row with its page and image."""
    before, after = board_names("2021-fr"), board_names("2022-fr")
    # a name printed otherwise in one matrix (Bruxelles, Brussels) is one member
    ids = dict(sql(server, "SELECT printed_name, member_id FROM member_status"))
    before, after = {ids[n] for n in before}, {ids[n] for n in after}
    expected = ({("left the Board", m) for m in before - after}
                | {("joined the Board", m) for m in after - before})
    assert expected  # the synthetic edition plants a change
    rows = server.json("/metropolis/board_change.json?from_year=2021&to_year=2022&_shape=array")
    assert {(r["change"], r["member_id"]) for r in rows if not r["note"]} == expected
    assert all(r["page"] and r["x0"] is not None for r in rows if not r["note"])
    html = server.text("/metropolis/board_change?from_year=2021&to_year=2022")
    assert "img class=\"provenance\"" in html
    rows = server.json("/metropolis/board_change.json?from_year=2021&to_year=2021&_shape=array")
    assert len(rows) == 1 and rows[0]["note"].startswith("No change on the Board")


def test_event_map_separates_held_in_from_named(server):
    """An event printed with a location is held in the city the location names; a city
    only its title names (a hybrid or online event) is `named in the title`."""
    rows = server.json("/metropolis/event_map.json?report_id=2021-en&_shape=array&_size=max")
    assert rows and all(r["latitude"] is not None for r in rows)
    for r in rows:
        held = r["place"] == "held in"
        if r["location"] is None or r["location"].lower() in ("hybrid", "online", "virtual"):
            assert not held, r
        elif r["city"].lower() in r["location"].lower():
            assert held, r
    assert {r["place"] for r in rows} == {"held in", "named in the title"}
    facet = server.json("/metropolis/event_map.json?report_id=2021-en&_facet=place&_size=0")
    counts = {v["value"]: v["count"] for v in facet["facet_results"]["place"]["results"]}
    assert counts["held in"] == sum(r["place"] == "held in" for r in rows)


def test_search_for_a_type_finds_every_event_of_that_type(server):
    """The type prefix (WEBINAR |) is not part of the title: searching `webinar` found 2
    of 32 webinars. Every webinar of every edition is found now."""
    webinars = {i for i, in sql(server, "SELECT id FROM calendar_events "
                                        "WHERE event_type = 'webinar'")}
    assert webinars
    rows = server.json("/metropolis/search.json?q=webinar&_shape=array&_size=max")
    found = {r["row_id"] for r in rows if r["kind"] == "event"}
    assert webinars <= found


def test_member_page_lists_the_events_and_mentions_of_its_place(server):
    (member, city), = sql(server, "SELECT m.id, m.city_id FROM members m JOIN event_cities ec "
                                  "ON ec.city_id = m.city_id GROUP BY m.id "
                                  "ORDER BY count(*) DESC, m.id LIMIT 1")
    events = sql(server, "SELECT count(*) FROM event_cities WHERE city_id = ?", [city])[0][0]
    html = server.text(f"/-/member/{member}")
    block = html[html.index('<ul class="kb-member-events">'):]
    block = block[:block.index("</ul>")]
    assert block.count("<li>") == events and block.count("#page=") == events


def test_member_profile_labels_each_edition_in_its_language(server):
    """The labels come from indicator_labels (the language folders): the Spanish edition
    reads in Spanish, not in English for want of a label_es column."""
    labels = dict(sql(server, "SELECT language, label FROM indicator_labels "
                              "WHERE indicator = 'news_published'"))
    rows = server.json("/metropolis/member_profile.json?member=brussels&_shape=array")
    for row in rows:
        if row["report_id"].startswith("2021-"):
            assert row["indicators"].startswith(labels[row["language"]] + ":"), row["report_id"]
