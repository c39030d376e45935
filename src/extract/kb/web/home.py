"""The home page: what the knowledge base holds in words, the failed checks first, the
researcher's questions one click away, the tables and the editions (template variables
of `index.html`); the facet values that stand for synthetic rows (every template); and
the home page's search box (`/-/search`).
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from extract.kb.web.cells import detail_cell
from extract.kb.web.common import served_database
from extract.kb.web.languages import language_names_en
from extract.kb.web.pdfs import pdf_href


def template_vars(template, database, datasette, request):
    """The `extra_template_vars` hook: the synthetic facet values on every page, the chart
    of a per-month query, the home page's contents."""
    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database) if database else served_database(datasette)
        extra: dict[str, Any] = {"kb_synthetic": await _synthetic_values(db)}
        if request is not None and template == "query.html" and request.path.rstrip("/").rsplit(
                "/", 1)[-1] in ("events_per_month", "events_by_month"):
            extra["kb_chart"] = datasette.urls.path("/-/chart/events-per-month.svg") + (
                "?" + urlencode({"year": request.args.get("year") or ""}))
        if template == "index.html":
            extra["kb"] = {name: await _contents(datasette, name, d)
                           for name, d in datasette.databases.items() if name != "_internal"}
        return extra

    return inner


async def _synthetic_values(db: Any) -> set[Any]:
    """Facet values that stand for synthetic rows: the synthetic reports' ids and titles,
    and the years whose every edition is synthetic."""
    if db is None:
        return set()
    try:
        rows = (await db.execute("SELECT id, title, year, synthetic FROM reports")).rows
    except sqlite3.Error:
        return set()
    values: set[Any] = set()
    by_year: dict[Any, list[int]] = {}
    for r in rows:
        by_year.setdefault(r["year"], []).append(r["synthetic"] or 0)
        if r["synthetic"]:
            values |= {r["id"], r["title"]}
    values |= {y for y, flags in by_year.items() if all(flags)}
    values |= {str(y) for y, flags in by_year.items() if all(flags)}
    return values


async def _contents(datasette: Any, name: str, db: Any) -> dict[str, Any]:
    """Visible tables and views with their metadata descriptions (metadata order first),
    the canned queries with their titles, and the editions, for the home page."""
    hidden = set(await db.hidden_table_names())
    existing = [t for t in await db.table_names() if t not in hidden] + await db.view_names()
    meta = datasette.metadata("tables", database=name) or {}
    ordered = [t for t in meta if t in existing] + [t for t in existing if t not in meta]
    tables = [{"name": t, "description": (meta.get(t) or {}).get("description", "")}
              for t in ordered if not (meta.get(t) or {}).get("hidden")]
    queries = datasette.metadata("queries", database=name) or {}
    try:
        editions = [dict(r) for r in (await db.execute(
            "SELECT r.id, r.year, r.language, r.page_count, r.synthetic, r.source_file, "
            "(SELECT count(*) FROM checks c WHERE c.report_id = r.id) AS checks, "
            "(SELECT ifnull(sum(passed), 0) FROM checks c WHERE c.report_id = r.id) AS passed "
            "FROM reports r ORDER BY r.year, r.language")).rows]
    except sqlite3.Error:
        editions = []
    for edition in editions:
        edition["href"] = pdf_href(datasette, edition["source_file"]) if edition[
            "source_file"] else None
    years = sorted({e["year"] for e in editions if e["year"] is not None})
    paired = [y for y in years if len([e for e in editions if e["year"] == y]) > 1]
    return {
        "tables": tables,
        "queries": [{"name": q, "title": (queries[q] or {}).get("title", q)} for q in queries],
        "editions": editions,
        "years": years,
        "paired_year": paired[-1] if paired else None,
        "holdings": await _holdings(db, editions, years),
        "failed": await _failed_checks(datasette, name, db),
        "questions": _questions(datasette, name, editions, years, paired),
    }


async def _count(db: Any, sql: str) -> int:
    try:
        return (await db.execute(sql)).first()[0] or 0
    except sqlite3.Error:
        return 0


async def _holdings(db: Any, editions: list[dict[str, Any]], years: list[int]) -> dict[str, Any]:
    """What the knowledge base holds, for a sentence: the editions by year in words, and
    how many members, events, products and matrix cells were read."""
    names = language_names_en()
    by_year = []
    for year in years:
        langs = [e for e in editions if e["year"] == year]
        words = [names.get(e["language"], e["language"]) + (" (synthetic)" if e["synthetic"] else "")
                 for e in langs]
        by_year.append({"year": year, "languages": _and(words)})
    return {
        "editions": len(editions), "by_year": by_year,
        "members": await _count(db, "SELECT count(DISTINCT member_id) FROM member_status"),
        "cells": await _count(db, "SELECT count(*) FROM member_indicators"),
        "events": await _count(db, "SELECT count(*) FROM calendar_events"),
        "publications": await _count(db, "SELECT count(*) FROM publications"),
        "figures": await _count(db, "SELECT count(*) FROM key_figures"),
        "pages": await _count(db, "SELECT count(*) FROM pages"),
        "sections": [r[0] for r in (await db.execute(
            "SELECT DISTINCT section FROM pages WHERE parsed = 1 AND section IS NOT NULL "
            "ORDER BY section")).rows] if await _count(db, "SELECT count(*) FROM pages") else [],
    }


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""


async def _failed_checks(datasette: Any, name: str, db: Any) -> list[dict[str, Any]]:
    """The failed checks of every edition, their detail with its pages linked: what to
    look at first."""
    try:
        rows = [dict(r) for r in (await db.execute(
            'SELECT c.report_id, c."check", c.expected, c.actual, c.detail, r.synthetic '
            "FROM checks c JOIN reports r ON r.id = c.report_id WHERE c.passed = 0 "
            'ORDER BY r.year, r.language, c."check"')).rows]
    except sqlite3.Error:
        return []
    for row in rows:
        row["detail_html"] = await detail_cell(datasette, name, row["report_id"],
                                               row["detail"] or "")()
        row["href"] = datasette.urls.table(name, "checks") + "?" + urlencode(
            {"report_id": row["report_id"], "check": row["check"]})
    return rows


def _questions(datasette: Any, name: str, editions: list[dict[str, Any]], years: list[int],
               paired: list[int]) -> list[dict[str, str]]:
    """The ten questions of a researcher, each one click from the home page, asked of the
    years this database holds."""
    if not years:
        return []
    q = lambda query, **args: datasette.urls.query(name, query) + "?" + urlencode(args)
    t = lambda table, **args: datasette.urls.table(name, table) + "?" + urlencode(args)
    first, last = (years[-2], years[-1]) if len(years) > 1 else (years[0], years[0])
    pair = paired[-1] if paired else last
    real = [e for e in editions if not e["synthetic"]] or editions
    edition = real[0]["id"]
    member = "brussels"
    return [
        {"q": f"Which members joined or left between {first} and {last}?",
         "links": [("members_joined_left", q("members_joined_left", from_year=first, to_year=last))]},
        {"q": f"How many events each month in {first}, how many webinars, which had a gender perspective?",
         "links": [("per month, with its chart", q("events_per_month", year=first)),
                   ("with a gender perspective", t("event_facts", year=first, gender_perspective=1)),
                   ("webinars", t("event_facts", year=first, event_type="webinar"))]},
        {"q": "Everything about one member, any spelling, across editions, each value with its page?",
         "links": [("Brussels (or type a name above)", datasette.urls.path(f"/-/member/{member}"))]},
        {"q": f"The ten members with the most news in {first}, and the change in {last}?",
         "links": [("top 10", q("top_indicator", indicator="news_published", year=first,
                                other_year=last, n=10))]},
        {"q": "Publications and products about a theme, in any language, with their links?",
         "links": [("search “resilient”", q("search", q="resilient")),
                    ("all products", t("publication_facts"))]},
        {"q": f"On a map, the cities where the events of {first} were held?",
         "links": [("held in", t("event_map", year=first, place="held in")),
                   ("named in titles", t("event_map", year=first, place="named in the title"))]},
        {"q": f"Where do the editions of {pair} disagree?",
         "links": [("cross-edition check", q("cross_edition_check", year=pair))]},
        {"q": f"The Board in {first}, and how it changed by {last}?",
         "links": [("Board", q("board_per_year", year=first)),
                   ("joined or left the Board", q("board_change", from_year=first, to_year=last))]},
        {"q": "The calendar in a spreadsheet and in a calendar app?",
         "links": [("CSV for Excel", datasette.urls.table(name, "events", format="csv")
                    + "?" + urlencode({"report_id": edition, "_size": "max", "_bom": 1})),
                   ("iCalendar", datasette.urls.path("/-/calendar.ics") + "?"
                    + urlencode({"report": edition}))]},
        {"q": "Does each report agree with itself, and what to look at when not?",
         "links": [("checks, failed first", q("checks_per_edition"))]},
    ]


async def search_redirect(request, datasette):
    """/-/search?q= (datasette-search-all's address) answers with the project's search,
    which links each result to its page and marks synthetic rows."""
    db = served_database(datasette)
    if db is None:
        return Response.text("no database", status=404)
    q = request.args.get("q") or ""
    return Response.redirect(datasette.urls.query(db.name, "search") + "?" + urlencode({"q": q}))
