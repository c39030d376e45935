"""The member page `/-/member/<id>`: one member across editions side by side, labels
in the reader's language, the change between years, each value linked to its page and
image; and the home page's member box (`/-/member?name=`, any spelling).
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote, unquote

from datasette.utils.asgi import Response
from markupsafe import Markup

from extract.kb.web.common import (
    BBOX,
    database_for,
    has_view,
    number,
    served_database,
    synthetic_badge,
)
from extract.kb.web.languages import language_names, reader_language, words_of
from extract.kb.web.provenance import page_cell


async def member_lookup(request, datasette):
    """GET /-/member?name=...: the home page's member box; any spelling."""
    name = (request.args.get("name") or "").strip()
    if not name:
        db = served_database(datasette)
        return Response.redirect(datasette.urls.table(db.name, "member_map") if db else "/")
    return Response.redirect(datasette.urls.path(f"/-/member/{quote(name, safe='')}"))


async def member_page(request, datasette):
    """GET /-/member/<id>: the member in every edition, side by side."""
    db, refusal = await database_for(request, datasette)
    if refusal is not None:
        return refusal
    asked = unquote(request.url_vars["member_id"])  # Datasette hands the path encoded
    lang = reader_language(request)
    words = words_of(lang)
    member = (await db.execute("SELECT m.id, m.name, m.city_id, c.name AS city, "
                               "c.country_code FROM members m LEFT JOIN cities c "
                               "ON c.id = m.city_id WHERE m.id = ?", [asked])).first()
    if member is None:
        # Any spelling the member_profile query understands finds the member.
        rows = (await db.execute(
            "SELECT member_id, note FROM (" + _profile_sql(datasette, db.name) + ") "
            "WHERE member_id IS NOT NULL LIMIT 1", {"member": asked})).rows
        if rows:
            return Response.redirect(datasette.urls.path(
                f"/-/member/{quote(rows[0]['member_id'], safe='')}"))
        note = (await db.execute(_profile_sql(datasette, db.name), {"member": asked})).first()
        html = await datasette.render_template(
            "kb_member.html", {"missing": asked, "note": note["note"] if note else "",
                               "database": db.name}, request=request)
        return Response.html(html, status=404)
    editions = [dict(r) for r in (await db.execute(
        "SELECT r.id, r.year, r.language, r.synthetic, r.source_file, s.printed_name, "
        "s.is_board_member, s.is_new_member, s.page, s.x0, s.top, s.x1, s.bottom "
        "FROM member_status s JOIN reports r ON r.id = s.report_id WHERE s.member_id = ? "
        "ORDER BY r.year, r.language", [member["id"]])).rows]
    # A column is taken by its key across the editions of a year (indicator_columns):
    # the French and English titles of a column no vocabulary knows are one row.
    try:
        columns = {(r["report_id"], r["indicator"]): r["key"] for r in (await db.execute(
            "SELECT report_id, indicator, key FROM indicator_columns")).rows}
    except sqlite3.Error:  # a database made before the view
        columns = {}
    has_column = {(report, key) for (report, _), key in columns.items()}
    cells = {}
    for r in (await db.execute(
            "SELECT report_id, indicator, value, value_num, page, x0, top, x1, bottom "
            "FROM member_indicators WHERE member_id = ?", [member["id"]])).rows:
        key = columns.get((r["report_id"], r["indicator"]), r["indicator"])
        has_column.add((r["report_id"], key))
        cells[(r["report_id"], key)] = dict(r)
    indicators = [dict(r) for r in (await db.execute(
        "SELECT id, description FROM indicators ORDER BY rowid")).rows]
    try:
        labels = {(r["indicator"], r["language"]): r["label"] for r in (await db.execute(
            "SELECT indicator, language, label FROM indicator_labels")).rows}
    except sqlite3.Error:
        labels = {}
    known = {i["id"] for i in indicators}
    indicators += [{"id": k, "description": None}
                   for k in sorted({k for _, k in cells} - known)]
    years = sorted({e["year"] for e in editions})
    doubt = (await db.execute(
        "SELECT 1 FROM member_map WHERE member_id = ? AND place_confidence = 'low'",
        [member["id"]])).first() is not None if await has_view(db, "member_map") else False

    def cell_html(edition: dict[str, Any], cell: dict[str, Any] | None) -> Markup:
        if cell is None:
            return Markup("")
        bbox = tuple(cell[k] for k in BBOX)
        return page_cell(datasette, db.name, edition["id"], edition["source_file"],
                         cell["page"], bbox if all(v is not None for v in bbox) else None,
                         label=Markup("{}").format(cell["value"]))

    def year_value(year: int, key: str) -> tuple[str, float | None]:
        """("listed"|"not_listed"|"no_column", the number) in the reader's language when
        that edition has the column, else in any edition of the year that has it."""
        same = [e for e in editions if e["year"] == year]
        if not same:
            return "not_listed", None
        same = [e for e in same if (e["id"], key) in has_column]
        if not same:
            return "no_column", None
        same.sort(key=lambda e: e["language"] != lang)
        cell = cells.get((same[0]["id"], key))
        if cell is None:
            return "listed", 0.0  # a listed member's blank cell: nothing to report
        return "listed", cell["value_num"]

    # each year's editions, then the change from the year before
    ordered: list[tuple[str, Any]] = []
    for i, year in enumerate(years):
        ordered += [("edition", e) for e in editions if e["year"] == year]
        if i:
            ordered.append(("change", (years[i - 1], year)))

    def change_html(key: str, span: tuple[int, int]) -> Markup:
        (state_a, a), (state_b, b) = year_value(span[0], key), year_value(span[1], key)
        if "not_listed" in (state_a, state_b):
            return Markup("{}").format(words["not_listed"])
        if "no_column" in (state_a, state_b):
            return Markup('<span class="kb-nocol" title="{}">{}</span>').format(
                words["no_column_title"], words["no_column"])
        if a is None or b is None:
            return Markup("")
        diff = number(b - a)
        return Markup("{}").format(f"{diff:+}" if diff else "=")

    rows = []
    flag = {1: words["yes"], 0: words["no"]}
    rows.append({"label": words["printed_name"], "description": None, "cells": [
        page_cell(datasette, db.name, item["id"], item["source_file"], item["page"],
                  tuple(item[k] for k in BBOX) if item["x0"] is not None else None,
                  label=Markup("{}").format(item["printed_name"]))
        if kind == "edition" else Markup("") for kind, item in ordered]})
    for field, label in (("is_board_member", words["board"]), ("is_new_member", words["new"])):
        rows.append({"label": label, "description": None, "cells": [
            Markup("{}").format(flag.get(item[field], "")) if kind == "edition" else Markup("")
            for kind, item in ordered]})
    for ind in indicators:
        if not any((e["id"], ind["id"]) in cells for e in editions):
            continue
        label = (labels.get((ind["id"], lang)) or labels.get((ind["id"], "en"))
                 or next((v for (k, _), v in labels.items() if k == ind["id"]), None)
                 or unknown_label(ind["id"], words))
        row_cells = []
        for kind, item in ordered:
            if kind == "edition":
                row_cells.append(cell_html(item, cells.get((item["id"], ind["id"]))))
            else:
                row_cells.append(change_html(ind["id"], item))
        rows.append({"label": label, "key": ind["id"], "description": ind["description"],
                     "cells": row_cells})
    headers = []
    for kind, item in ordered:
        if kind == "edition":
            headers.append({"kind": "edition", "id": item["id"], "synthetic": item["synthetic"],
                            "year": item["year"], "language": item["language"]})
        else:
            headers.append({"kind": "change", "label": f"{words['change']} {item[0]}→{item[1]}"})
    # The member's place in the calendar and in the report's prose: each with its page.
    events, mentions = [], []
    if member["city_id"]:
        sources = {e["id"]: e["source_file"] for e in editions}
        for r in (await db.execute(
                "SELECT e.report_id, e.start_date, e.title, e.location, e.page, r.source_file "
                "FROM event_cities ec JOIN calendar_events e ON e.id = ec.event_id "
                "JOIN reports r ON r.id = e.report_id WHERE ec.city_id = ? "
                "ORDER BY e.start_date, r.language LIMIT 200", [member["city_id"]])).rows:
            events.append({**dict(r), "page_html": page_cell(
                datasette, db.name, r["report_id"], r["source_file"], r["page"], None)})
        for r in (await db.execute(
                "SELECT report_id, section, page, count(*) AS n FROM city_mentions "
                "WHERE city_id = ? GROUP BY report_id, section, page "
                "ORDER BY report_id, page LIMIT 200", [member["city_id"]])).rows:
            mentions.append({**dict(r), "page_html": page_cell(
                datasette, db.name, r["report_id"], sources.get(r["report_id"]), r["page"], None)})
    names = language_names()
    html = await datasette.render_template("kb_member.html", {
        "events": events, "mentions": mentions,
        "member": dict(member), "headers": headers, "rows": rows, "lang": lang,
        "database": db.name, "editions": editions, "badge": synthetic_badge(),
        "words": words, "doubt": doubt,
        "other_langs": [(code, name) for code, name in names.items() if code != lang],
    }, request=request)
    return Response.html(html)


def unknown_label(key: str, words: dict[str, str]) -> str:
    """A column the vocabulary does not know, named by its printed title (the slug of
    `unknown:<slug>`) and said to be unknown, not shown as a raw key."""
    if not key.startswith("unknown:"):
        return key
    text = key[len("unknown:"):].replace("-", " ")
    return f"{text[:1].upper()}{text[1:]} ({words['unknown_column']})"


def _profile_sql(datasette: Any, database: str) -> str:
    queries = datasette.metadata("queries", database=database) or {}
    return queries["member_profile"]["sql"]
