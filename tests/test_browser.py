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
    assert [" ".join(c.split()) for c in cells] == [" ".join(title.split())]


def test_member_profile_of_brussels_shows_every_edition(page):
    page.goto("/metropolis/member_profile?member=brussels")
    shot(page, "member-profile-brussels")
    editions = page.locator("table.rows-and-columns td.col-report_id").all_inner_texts()
    expected = {e for e in specimen_editions() if member_names(e, {"Bruxelles", "Brussels"})}
    # the synthetic edition carries its badge in the cell
    assert {e.replace("synthetic", " ").split()[0] for e in editions} == expected
    for cell in editions:
        assert ("synthetic" in cell) == cell.startswith("2022-fr")
    # every row links to its page of the PDF
    links = page.locator('table.rows-and-columns td.col-page a[href^="/raw/"]')
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
              "&g.x_type=ordinal&g.y_column=events&g.y_type=quantitative&g.color_column=report_id")
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
