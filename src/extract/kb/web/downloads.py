"""Exports: the calendar as iCalendar (`/-/calendar.ics?report=`), `?_bom=1` on a CSV
address (a UTF-8 byte order mark, so spreadsheets keep the accents) and the "CSV for
Excel" link beside every CSV link of a page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from datasette.utils.asgi import Response

from extract.kb import exports
from extract.kb.web.common import database_for, report_of
from extract.kb.web.pdfs import pdf_href


async def calendar_export(request, datasette):
    """GET /-/calendar.ics?report=2021-fr : the edition's calendar for a calendar app."""
    db, refusal = await database_for(request, datasette)
    if refusal is not None:
        return refusal
    report_id = request.args.get("report") or ""
    report = await report_of(datasette, db.name, report_id)
    if report is None:
        editions = ", ".join(r["id"] for r in (await db.execute(
            "SELECT id FROM reports ORDER BY id")).rows)
        return Response.text(f"No edition {report_id!r}: ask /-/calendar.ics?report=<edition>, "
                             f"one of {editions}", status=404)
    rows = [dict(r) for r in (await db.execute(
        "SELECT e.*, r.synthetic FROM calendar_events e JOIN reports r ON r.id = e.report_id "
        "WHERE e.report_id = ? ORDER BY e.start_date, e.page, e.top", [report_id])).rows]
    base = f"{request.scheme}://{request.host}"
    source = report.get("source_file")

    def page_url(row: dict[str, Any]) -> str:
        if source:
            return base + pdf_href(datasette, source) + f"#page={row['page']}"
        return base + datasette.urls.row(db.name, "calendar_events", row["id"])

    body = exports.calendar_ics(rows, page_url, f"Metropolis {report_id}"
                                + (" (synthetic)" if report.get("synthetic") else ""))
    return Response(body, content_type="text/calendar; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="metropolis-{report_id}.ics"'})


def asgi_wrapper(datasette):
    """`?_bom=1` on a .csv address: the export starts with a UTF-8 byte order mark, which
    spreadsheet programs need to read the accents as UTF-8."""
    def wrap(app):
        async def with_bom(scope, receive, send):
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if scope.get("type") == "http" and not scope.get("path", "").endswith(
                    (".csv", ".json", ".png", ".pdf", ".ics", ".svg", ".js", ".css")):
                return await app(scope, receive, with_excel_links(send))
            if (scope.get("type") != "http" or not scope.get("path", "").endswith(".csv")
                    or query.get("_bom") not in ("1", "on", "true")):
                return await app(scope, receive, send)
            started = False

            async def send_with_bom(message):
                nonlocal started
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", [])
                               if k.lower() != b"content-length"]
                    message = {**message, "headers": headers}
                elif message["type"] == "http.response.body" and not started:
                    started = True
                    message = {**message, "body": b"\xef\xbb\xbf" + message.get("body", b"")}
                await send(message)

            return await app(scope, receive, send_with_bom)

        return with_bom

    return wrap


def with_excel_links(send):
    """An HTML page's CSV links get a "CSV for Excel" twin (`_bom=1`) beside them. Only
    text/html is held until its end (a page, never a streamed export)."""
    state: dict[str, Any] = {"html": False, "start": None, "body": []}

    async def send_html(message):
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            state["html"] = headers.get(b"content-type", b"").startswith(b"text/html")
            if not state["html"]:
                return await send(message)
            state["start"] = message
            return None
        if message["type"] != "http.response.body" or not state["html"]:
            return await send(message)
        state["body"].append(message.get("body", b""))
        if message.get("more_body"):
            return None
        body = exports.with_excel_links(b"".join(state["body"]))
        start = state["start"]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return None

    return send_html
