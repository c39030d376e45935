"""What a researcher sees: Debian's chromium, driven by Playwright, against a real
`extract serve` on the ingested specimens. Screenshots go to test-artifacts/.

Tile requests are blocked: the map must show its markers offline, on a plain background.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import yaml

from tests.kb_server import ROOT, knowledge_base, serve, specimen_editions
from tests.specimens.build import DATA, load_edition
from tests.test_serve import member_names, unique_title_word

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
TABLES = METADATA["databases"]["metropolis"]["tables"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(knowledge_base(tmp_path_factory)) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    page = context.new_page()
    # Offline: no tile (nor anything else) from the internet.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    yield page
    context.close()


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def test_home_page_lists_tables_with_descriptions(page):
    page.goto("/")
    shot(page, "home")
    items = page.locator("ul.kb-tables li")
    text = " ".join(items.all_inner_texts())
    for table in ("reports", "members", "member_status", "member_indicators",
                  "calendar_events", "publications", "cities"):
        assert page.locator(f'ul.kb-tables a[href="/metropolis/{table}"]').count() == 1
        assert " ".join(TABLES[table]["description"].split()) in " ".join(text.split())


def test_search_box_finds_an_event(page):
    events = load_edition(DATA / "2021-fr")["calendar"]["events"]
    word, title = unique_title_word(events)
    page.goto("/metropolis/calendar_events?report_id=2021-fr")
    page.fill("input#_search", word)
    page.locator("input#_search").press("Enter")
    page.wait_for_url(re.compile(r"_search="))
    shot(page, "search")
    cells = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    # the word's family is found (innovants: innovation...), the title among it
    assert " ".join(title.split()) in [" ".join(c.split()) for c in cells]


def test_member_profile_of_brussels_shows_every_edition(page):
    page.goto("/metropolis/member_profile?member=brussels")
    shot(page, "member-profile-brussels")
    editions = page.locator("table.rows-and-columns td.col-report_id").all_inner_texts()
    expected = {e for e in specimen_editions() if member_names(e, {"Bruxelles", "Brussels"})}
    # the synthetic edition carries its badge in the cell
    assert {e.replace("synthetic", " ").split()[0] for e in editions} == expected
    for cell in editions:
        assert ("synthetic" in cell) == cell.startswith("2022-fr")
    # every row links to its page of the PDF (the synthetic one's PDF is not in raw/)
    links = page.locator('table.rows-and-columns td.col-page a[href*=".pdf#page="]')
    assert links.count() == len(editions)


def test_member_map_has_markers_offline(page):
    page.goto("/metropolis/member_map")
    page.wait_for_selector(".leaflet-marker-icon", timeout=20000)
    page.wait_for_timeout(500)
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    shot(page, "member-map", full_page=False)
    markers = page.locator(".leaflet-marker-icon")
    assert markers.count() > 3
    # the plain error tile stands in for the blocked internet tiles
    assert page.locator(".leaflet-tile-container img").count() > 0


def test_row_page_shows_its_source_image(page, server):
    event = server.json("/metropolis/calendar_events.json?_size=1&_shape=array"
                        "&report_id=2021-fr")[0]
    page.goto(f"/metropolis/calendar_events/{event['id']}")
    image = page.locator("img.provenance")
    image.wait_for()
    page.wait_for_function("document.querySelector('img.provenance').complete")
    shot(page, "row-provenance")
    width = image.evaluate("img => img.naturalWidth")
    height = image.evaluate("img => img.naturalHeight")
    assert width > 20 and height > 10
    href = page.locator('td.col-page a[href^="/raw/"]').get_attribute("href")
    assert href.endswith(f"#page={event['page']}")


def test_events_per_month_chart_draws(page):
    page.goto("/metropolis/events_per_month?year=#g.mark=line&g.x_column=month"
              "&g.x_type=ordinal&g.y_column=events&g.y_type=quantitative&g.color_column=edition")
    chart = page.locator(".vega-embed canvas.marks")
    chart.first.wait_for(timeout=20000)
    shot(page, "events-per-month-chart")
    assert chart.count() >= 1


def test_a_city_without_coordinates_does_not_break_the_map(browser, server, tmp_path):
    db = tmp_path / "metropolis.db"
    source = sqlite3.connect(server.db)
    target = sqlite3.connect(db)
    source.backup(target)
    source.close()
    city = target.execute("SELECT city_id FROM members WHERE id = 'brussels'").fetchone()[0]
    target.execute("UPDATE cities SET latitude = NULL, longitude = NULL WHERE id = ?", [city])
    target.commit()
    target.close()
    with serve(db) as other:
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      base_url=other.url)
        page = context.new_page()
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("/metropolis/member_map")
        page.wait_for_selector(".leaflet-marker-icon", timeout=20000)
        assert page.locator(".leaflet-marker-icon").count() > 3
        # the member is still listed, without coordinates
        listed = other.json("/metropolis/member_map.json?member_id=brussels&_shape=array")
        assert len(listed) == 1 and listed[0]["latitude"] is None
        assert errors == []
        context.close()


# ---- issue 15 -------------------------------------------------------------------------

def crawl_paths(server) -> list[str]:
    """Every table, view and canned query page (queries with their example arguments),
    the home page, a member page and a search: what a researcher can open."""
    from tests.test_serve import QUERY_ARGS

    database = server.json("/metropolis.json")
    names = [t["name"] for t in database["tables"] if not t["hidden"]]
    names += [v["name"] for v in database["views"]]
    event = server.json("/metropolis/calendar_events.json?_size=1&_shape=array")[0]["id"]
    paths = ["/", "/-/member/brussels", "/metropolis/search?q=resilient", "/metropolis",
             "/metropolis/reports/2022-fr", "/metropolis/members/brussels",
             f"/metropolis/calendar_events/{event}", "/metropolis/events?_search=resilient",
             "/metropolis/calendar_events?report_id=nothing"]
    paths += [f"/metropolis/{name}" for name in names]
    queries = METADATA["databases"]["metropolis"]["queries"]
    for name, query in queries.items():
        params = dict.fromkeys(re.findall(r":(\w+)", query["sql"]))
        paths.append(f"/metropolis/{name}?" + "&".join(f"{p}={QUERY_ARGS[p]}" for p in params))
        if params:  # and the same with every argument empty: no crash either
            paths.append(f"/metropolis/{name}?" + "&".join(f"{p}=" for p in params))
    return paths


def test_no_console_error_and_light_pages_over_a_crawl(browser, server):
    """Zero console errors on every page; no page without a chart loads 300 KB of
    JavaScript. Requests to the internet (map tiles) are refused, as offline, and their
    failure is the network's, not the page's: not counted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    page = context.new_page()
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    errors: list[str] = []
    scripts: dict[str, int] = {}

    def on_console(message):
        url = (message.location or {}).get("url", "")
        if message.type == "error" and not re.match(r"^https?://(?!127\.0\.0\.1)", url):
            errors.append(f"{page.url}: {message.text}")

    def on_response(response):
        if response.request.resource_type == "script" and response.ok:
            scripts[page.url] = scripts.get(page.url, 0) + len(response.body())

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("response", on_response)
    paths = crawl_paths(server)
    assert len(paths) > 25
    heavy = {}
    for path in paths:
        scripts.clear()
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        weight = sum(scripts.values())
        # a map is a chart: Leaflet is its library
        if weight > 300_000 and page.locator(".leaflet-container").count() == 0:
            heavy[path] = weight
    context.close()
    assert errors == []
    assert heavy == {}


def test_chart_library_loads_only_for_a_chart(page):
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url) if "kb-vega" in r.url else None)
    page.goto("/metropolis/events_per_month?year=2021")
    page.wait_for_load_state("networkidle")
    assert loaded == []
    # an empty result: no chart library, no error
    page.goto("/metropolis/calendar_events?report_id=nothing")
    page.wait_for_load_state("networkidle")
    assert loaded == []
    page.goto("/metropolis/events_per_month?year=2021")
    # the description's chart link asks for the chart: only then the library loads
    page.locator('.metadata-description a[href*="g.mark=bar"]').first.click()
    page.locator(".vega-embed, form").first.wait_for(timeout=20000)
    assert any(u.endswith(".js") for u in loaded)


def test_cross_edition_check_of_a_year_with_one_edition(page):
    page.goto("/metropolis/cross_edition_check?year=2022")
    note = page.locator("td.col-note").first.inner_text()
    assert "Only one edition of 2022" in note


def test_member_profile_of_seoul_spelled_in_french(page):
    page.goto("/metropolis/member_profile?member=S%C3%A9oul")
    ids = page.locator("td.col-member_id").all_inner_texts()
    assert ids and set(ids) == {"seoul"}
    # the id links to the member page
    page.locator("td.col-member_id a").first.click()
    page.wait_for_url(re.compile(r"/-/member/seoul$"))


def test_home_page_search_finds_resilience_in_both_languages(page):
    page.goto("/")
    page.fill("input#kb-q", "resilient")
    page.locator("input#kb-q").press("Enter")
    page.wait_for_url(re.compile(r"/metropolis/search\?q=resilient"))
    shot(page, "search-resilient")
    titles = " ".join(page.locator("td.col-title").all_inner_texts())
    for word in ("résilience", "résilientes", "resilient", "resilience"):
        assert word in titles, word
    # each result links to its page of the PDF and shows its image
    assert page.locator('td.col-page a[href*=".pdf#page="]').count() >= 10
    assert page.locator("td.col-page img.provenance").count() >= 10


def test_member_page_and_the_map_lead_to_it(page):
    page.goto("/-/member/brussels")
    page.wait_for_load_state("networkidle")
    shot(page, "member-page-brussels")
    headers = page.locator("table.member thead th").all_inner_texts()
    assert any(h.startswith("2021-fr") for h in headers)
    assert any("synthetic" in h for h in headers)
    # a value opens its region in context, an image a reader can read
    link = page.locator('tr[data-indicator="news_published"] a.provenance-link').first
    href = link.get_attribute("href")
    page.goto(href)
    width = page.evaluate("document.images[0].naturalWidth")
    assert width > 400
    page.goto("/metropolis/member_map?member_id=brussels")
    page.locator('td.col-member_id a[href="/-/member/brussels"]').click()
    page.wait_for_url(re.compile(r"/-/member/brussels$"))


def test_tables_show_no_box_coordinates_and_open_near_the_top(page):
    page.goto("/metropolis/member_indicators?report_id=2021-fr")
    for column in ("x0", "top", "x1", "bottom", "value_num"):
        header = page.locator(f"th.col-{column}")
        assert header.count() == 1 and not header.is_visible(), column
    table_top = page.locator("table.rows-and-columns").bounding_box()["y"]
    assert table_top < 900  # on the first screen, not under the column descriptions


# ---- issue 24: the knowledge base answers, not tables -----------------------------------

def db_rows(server, query: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def test_member_page_is_compact_at_1366_px(browser, server):
    """Every edition and the change in view at 1366 px: the label column wraps instead
    of pushing the later editions off the screen (it was 1,576 px wide)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=server.url)
    page = context.new_page()
    page.goto("/-/member/brussels")
    page.wait_for_load_state("networkidle")
    shot(page, "member-page-1366", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    last = page.locator("table.member thead th").last
    assert last.inner_text().startswith("change") and last.bounding_box()["x"] + \
        last.bounding_box()["width"] <= 1366
    context.close()


def cells(page, column: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(f"table.rows-and-columns td.col-{column}")
            .all_inner_texts()]


def home_question(page, number: int):
    """The n-th question of the home page (1-based)."""
    page.goto("/")
    return page.locator("ol.kb-questions > li").nth(number - 1)


def test_the_ten_questions_from_the_home_page(page, server):
    """Each question of issue 24 answered from the home page in at most two clicks, each
    answer compared with SQL on the same database."""
    years = [y for y, in db_rows(server, "SELECT DISTINCT year FROM reports ORDER BY year")]
    first, last = years[-2], years[-1]
    clicks: dict[int, int] = {}

    # (1) members that joined or left between two years
    home_question(page, 1).locator("a").first.click()
    clicks[1] = 1
    listed = {y: {m for m, in db_rows(server, "SELECT s.member_id FROM member_status s JOIN "
                                              "reports r ON r.id = s.report_id WHERE r.year = ?", [y])}
              for y in (first, last)}
    changes = set(zip(cells(page, "change"), cells(page, "member_id"), strict=True))
    assert changes == ({("joined", m) for m in listed[last] - listed[first]}
                       | {("left", m) for m in listed[first] - listed[last]})

    # (2) events per month, webinars, gender perspective
    question = home_question(page, 2)
    question.locator("a", has_text="per month").click()
    clicks[2] = 1
    assert page.locator("p.kb-chart img").count() == 1
    edition = f"{first}-fr"
    months = dict(db_rows(server, "SELECT CAST(substr(start_date, 6, 2) AS INTEGER), count(*) "
                                  "FROM calendar_events WHERE report_id = ? GROUP BY 1", [edition]))
    got = {int(m): int(n) for m, e, n in zip(cells(page, "month"), cells(page, "edition"),
                                            cells(page, "events"), strict=True) if e == edition}
    assert got == {m: months.get(m, 0) for m in range(1, 13)}
    webinars = db_rows(server, "SELECT count(*) FROM calendar_events WHERE report_id = ? "
                               "AND event_type = 'webinar'", [edition])[0][0]
    assert sum(int(w) for w, e in zip(cells(page, "webinars"), cells(page, "edition"),
                                      strict=True) if e == edition) == webinars
    home_question(page, 2).locator("a", has_text="gender").click()
    gender = db_rows(server, "SELECT count(*) FROM event_facts WHERE year = ? "
                             "AND gender_perspective = 1", [first])[0][0]
    assert page.locator("h3").first.inner_text().startswith(f"{gender} row")

    # (3) a member by another spelling, every edition side by side
    page.goto("/")
    page.fill("input#kb-member", "Bruxelles")
    page.locator("input#kb-member").press("Enter")
    clicks[3] = 1
    page.wait_for_url(re.compile(r"/-/member/brussels"))
    editions = {e for e, in db_rows(server, "SELECT report_id FROM member_status "
                                            "WHERE member_id = 'brussels'")}
    headers = set(page.locator("table.member thead th.edition > a").all_inner_texts())
    assert headers == editions
    assert page.locator('tr[data-indicator="news_published"] a[href*="#page="]').count() == len(editions)

    # (4) the ten members with most news, and the change the next year
    home_question(page, 4).locator("a").first.click()
    clicks[4] = 1
    values = db_rows(server, "SELECT s.member_id, ifnull(max(i.value_num), 0) FROM member_status s "
                             "JOIN reports r ON r.id = s.report_id LEFT JOIN member_indicators i "
                             "ON i.report_id = s.report_id AND i.member_id = s.member_id "
                             "AND i.indicator = 'news_published' WHERE r.year = ? "
                             "GROUP BY s.member_id", [first])
    tenth = sorted((v for _, v in values), reverse=True)[9]
    # the notes first (a failed check of a matrix), then the members
    assert set(cells(page, "member_id")) - {""} == {m for m, v in values if v >= tenth}

    # (5) publications about a theme, any language, with links
    home_question(page, 5).locator("a").first.click()
    clicks[5] = 1
    titles = " ".join(cells(page, "title"))
    for (title,) in db_rows(server, "SELECT title FROM publications WHERE title LIKE '%resilien%' "
                                    "OR title LIKE '%résilien%'"):
        assert " ".join(title.split()) in titles
    assert page.locator('td.col-page a[href*=".pdf#page="]').count() > 0

    # (6) the cities where a year's events were held, on a map
    home_question(page, 6).locator("a", has_text="held in").click()
    clicks[6] = 1
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=20000)
    held = db_rows(server, "SELECT count(*) FROM event_map WHERE year = ? AND place = 'held in'",
                   [first])[0][0]
    assert page.locator("h3").first.inner_text().startswith(f"{held} row")

    # (7) where two editions of one year disagree
    home_question(page, 7).locator("a").first.click()
    clicks[7] = 1
    n = db_rows(server, "SELECT count(*) FROM reports WHERE year = ?", [first])[0][0]
    notes = cells(page, "note")
    assert len([x for x in notes if "agree on every one" in x]) == n * (n - 1) // 2

    # (8) the Board in a year and how it changed
    home_question(page, 8).locator("a", has_text="Board").first.click()
    board = {m for m, in db_rows(server, "SELECT DISTINCT s.member_id FROM member_status s JOIN "
                                         "reports r ON r.id = s.report_id WHERE r.year = ? "
                                         "AND s.is_board_member = 1", [first])}
    assert set(cells(page, "member_id")) - {""} == board
    home_question(page, 8).locator("a", has_text="joined or left").click()
    clicks[8] = 1
    after = {m for m, in db_rows(server, "SELECT DISTINCT s.member_id FROM member_status s JOIN "
                                         "reports r ON r.id = s.report_id WHERE r.year = ? "
                                         "AND s.is_board_member = 1", [last])}
    got = set(zip(cells(page, "change"), cells(page, "member_id"), strict=True)) - {("", "")}
    assert got == ({("left the Board", m) for m in board - after}
                   | {("joined the Board", m) for m in after - board})

    # (9) the calendar into a spreadsheet and a calendar app
    question = home_question(page, 9)
    csv_href = question.locator("a", has_text="CSV for Excel").get_attribute("href")
    ics_href = question.locator("a", has_text="iCalendar").get_attribute("href")
    clicks[9] = 1
    report = re.search(r"report_id=([^&]+)", csv_href).group(1)
    count = db_rows(server, "SELECT count(*) FROM calendar_events WHERE report_id = ?", [report])[0][0]
    body = page.request.get(csv_href).body()
    assert body.startswith(b"\xef\xbb\xbf")
    import csv
    import io
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == count + 1
    assert page.request.get(ics_href).body().count(b"BEGIN:VEVENT") == count

    # (10) does each report agree with itself, failed checks first
    home_question(page, 10).locator("a").first.click()
    clicks[10] = 1
    failed = db_rows(server, "SELECT count(*) FROM checks WHERE passed = 0")[0][0]
    passed = cells(page, "passed")
    assert passed[:failed] == ["0"] * failed and "0" not in passed[failed:]

    assert len(clicks) == 10 and max(clicks.values()) <= 2


def test_pages_without_a_chart_load_no_javascript(page):
    """Home, member and canned query pages: 0 bytes of JavaScript files (the events per
    month chart is an SVG image drawn on the server)."""
    loaded: dict[str, int] = {}
    page.on("response", lambda r: loaded.__setitem__(r.url, len(r.body()))
            if r.request.resource_type == "script" and r.ok else None)
    for path in ("/", "/-/member/brussels", "/metropolis/events_per_month?year=2021",
                 "/metropolis/top_indicator?indicator=news_published&year=2021&other_year=2022&n=10",
                 "/metropolis/cross_edition_check?year=2021"):
        loaded.clear()
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert loaded == {}, path
