"""Datasette plugin of the knowledge base (loaded with --plugins-dir by `extract serve`).

- Provenance: a `page` cell links to the source PDF at that page (`/raw/<file>#page=N`)
  and, when the row has a bounding box, shows the image of the region it was read from
  (served from `provenance_images` by the route below).
- Synthetic editions are marked wherever their report id appears.
- The home page lists every table with its description from metadata.yml.

Everything that comes from a PDF is escaped: cells are built with markupsafe, never by
pasting text into HTML.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup

BBOX = ("x0", "top", "x1", "bottom")
CSS = """
img.provenance { display: block; margin-top: 0.3em; border: 1px solid #ccc;
                 background: #fff; max-width: none; }
body.table img.provenance, body.query img.provenance { max-height: 3.5em; max-width: 16em; }
span.synthetic { background: #fde68a; color: #7c2d12; border-radius: 3px;
                 padding: 0 0.35em; font-size: 0.8em; font-weight: bold; margin-left: 0.3em; }
ul.kb-tables li { margin-bottom: 0.35em; }
ul.kb-tables .kb-desc { color: #555; }
"""


def _keys(row: Any) -> list[str]:
    return list(row.keys()) if hasattr(row, "keys") else []


def _plain(value: Any) -> Any:
    """A cell's raw value: table pages hand foreign keys over as {"value", "label"}."""
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


async def _report(datasette: Any, database: str, report_id: Any) -> dict[str, Any] | None:
    """{source_file, synthetic} of one report, or None (no such table or row)."""
    if not isinstance(report_id, str):
        return None
    db = datasette.get_database(database)
    try:
        result = await db.execute(
            "SELECT source_file, synthetic FROM reports WHERE id = ?", [report_id]
        )
    except sqlite3.Error:  # a database without the reports table (or its synthetic column)
        return None
    row = result.first()
    return {"source_file": row["source_file"], "synthetic": row["synthetic"]} if row else None


def synthetic_badge() -> Markup:
    return Markup('<span class="synthetic" title="made-up test edition, not real content">'
                  "synthetic</span>")


def page_cell(datasette: Any, database: str, report_id: str, source_file: str | None,
              page: int, bbox: tuple[Any, ...] | None) -> Markup:
    """`p. N` linked to the PDF at that page, and the region's image when there is a bbox."""
    parts = []
    if source_file:
        href = datasette.urls.path(f"/raw/{quote(source_file)}") + f"#page={page}"
        parts.append(Markup('<a href="{}" title="open the source PDF at this page">p.&nbsp;{}</a>')
                     .format(href, page))
    else:
        parts.append(Markup("p.&nbsp;{}").format(page))
    if bbox and all(isinstance(v, (int, float)) for v in bbox):
        query = urlencode(dict(zip(BBOX, (repr(float(v)) for v in bbox))))
        src = datasette.urls.path(
            f"/-/provenance/{quote(database, safe='')}/{quote(report_id, safe='')}/{page}.png"
        ) + "?" + query
        parts.append(Markup('<img class="provenance" loading="lazy" src="{}" alt="{}">').format(
            src, f"source region on page {page} of {source_file or report_id}"))
    return Markup("").join(parts)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    keys = _keys(row)

    async def inner() -> Markup | None:
        report_id = _plain(row["report_id"]) if "report_id" in keys else None
        if column == "page" and isinstance(value, int) and isinstance(report_id, str):
            report = await _report(datasette, database, report_id) or {}
            bbox = tuple(_plain(row[k]) for k in BBOX) if all(k in keys for k in BBOX) else None
            return page_cell(datasette, database, report_id, report.get("source_file"),
                             value, bbox)
        is_report_id = column == "report_id" or (table == "reports" and column == "id")
        plain = _plain(value)
        if is_report_id and isinstance(plain, str):
            report = await _report(datasette, database, plain)
            if report and report.get("synthetic"):
                href = datasette.urls.row(database, "reports", tilde_encode(plain))
                return Markup('<a href="{}">{}</a>{}').format(href, plain, synthetic_badge())
        if table == "reports" and column == "synthetic" and plain == 1:
            return Markup("1{}").format(synthetic_badge())
        return None

    if column in ("page", "report_id", "id", "synthetic"):
        return inner()
    if column == "popup" and table == "member_map" and isinstance(value, str):
        return popup_cell(value)
    return None


def popup_cell(value: str) -> Markup | None:
    """The map bubble's JSON shown as what it is: a link to the member's profile."""
    try:
        popup = json.loads(value)
        link, title = str(popup["link"]), str(popup["title"])
    except (ValueError, KeyError, TypeError):
        return None
    return Markup('<a href="{}">profile of {}</a>').format(link, title)


async def provenance_image(request, datasette):
    """GET /-/provenance/<database>/<report_id>/<page>.png?x0=&top=&x1=&bottom="""
    args = request.url_vars
    try:
        db = datasette.get_database(args["database"])
        box = [float(request.args[k]) for k in BBOX]
        page = int(args["page"])
    except (KeyError, ValueError):
        return Response.text("not found", status=404)
    # the images are rows of the database: whoever may not see it may not see them
    if not await datasette.permission_allowed(
        request.actor, "view-database", resource=db.name, default=True
    ):
        return Response.text("forbidden", status=403)
    # Coordinates round-trip through repr(float); the tolerance only absorbs hand-typed URLs.
    try:
        result = await db.execute(
            "SELECT png FROM provenance_images WHERE report_id = ? AND page = ? "
            "AND abs(x0 - ?) < 0.01 AND abs(top - ?) < 0.01 AND abs(x1 - ?) < 0.01 "
            "AND abs(bottom - ?) < 0.01 LIMIT 1",
            [args["report_id"], page, *box],
        )
    except (sqlite3.Error, OverflowError):  # no provenance images; a page number past 2**63
        return Response.text("no image for this region", status=404)
    row = result.first()
    if row is None:
        return Response.text("no image for this region", status=404)
    return Response(row["png"], content_type="image/png",
                    headers={"cache-control": "max-age=3600"})


async def stylesheet(request, datasette):
    return Response(CSS, content_type="text/css; charset=utf-8",
                    headers={"cache-control": "max-age=3600"})


@hookimpl
def register_routes():
    return [
        (r"^/-/provenance/(?P<database>[^/]+)/(?P<report_id>[^/]+)/(?P<page>\d+)\.png$",
         provenance_image),
        (r"^/-/metropolis-kb\.css$", stylesheet),
    ]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/metropolis-kb.css")]


@hookimpl
def extra_template_vars(template, datasette):
    if template != "index.html":
        return {}

    async def inner() -> dict[str, Any]:
        return {"kb": {name: await _contents(datasette, name, db)
                       for name, db in datasette.databases.items() if name != "_internal"}}

    return inner


async def _contents(datasette: Any, name: str, db: Any) -> dict[str, list[dict[str, str]]]:
    """Visible tables and views with their metadata descriptions (metadata order first),
    and the canned queries with their titles, for the home page."""
    hidden = set(await db.hidden_table_names())
    existing = [t for t in await db.table_names() if t not in hidden] + await db.view_names()
    meta = datasette.metadata("tables", database=name) or {}
    ordered = [t for t in meta if t in existing] + [t for t in existing if t not in meta]
    tables = [{"name": t, "description": (meta.get(t) or {}).get("description", "")}
              for t in ordered if not (meta.get(t) or {}).get("hidden")]
    queries = datasette.metadata("queries", database=name) or {}
    return {
        "tables": tables,
        "queries": [{"name": q, "title": (queries[q] or {}).get("title", q)} for q in queries],
    }
