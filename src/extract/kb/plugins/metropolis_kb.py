"""Datasette plugin of the knowledge base (loaded with --plugins-dir by `extract serve`):
its hooks and routes, each served by a module of `extract.kb.web`.

- Provenance (`web.provenance`): a `page` cell links to the source PDF at that page and,
  when the row has a bounding box, shows the image of the region it was read from
  (`provenance_images`), linked to the same region in context (its whole matrix row,
  the cell outlined), rendered from the PDF on request.
- Every PDF an edition was read from is served, the synthetic ones too (`web.pdfs`,
  `/-/pdf/`).
- Cells (`web.cells`): synthetic editions are marked wherever their rows appear (report
  ids, `synthetic` columns; facet labels by the templates), ids link to their pages.
- Canned queries can validate their input: the project's SQL functions (extract.kb.sql).
- Search finds stems and prefixes: Datasette's `escape_fts` is replaced.
- The member page `/-/member/<id>`: one member across editions, side by side
  (`web.member_page`); the home page's contents (`web.home`).
- Charts (datasette-vega) are loaded only on a page that draws one (`web.charts`).
- `?_bom=1` on a CSV export: a UTF-8 byte order mark, so spreadsheets keep the accents;
  the calendar as iCalendar (`web.downloads`).

The modules of `extract.kb.web` are a package of their own, not files of this folder:
Datasette loads every `*.py` here as a plugin of its own, under its file name, so a
helper here would run twice (once as a plugin, once imported) with two copies of its
state.
"""

from __future__ import annotations

from datasette import hookimpl

from extract.kb import sql as kb_sql
from extract.kb.web import cells, charts, downloads, home, member_page, pdfs, provenance, style


@hookimpl(trylast=True)
def prepare_connection(conn):
    """The project's SQL functions (extract.kb.sql) on every connection. trylast: run
    after Datasette's own hook, so `escape_fts` - what every `_search` box goes through -
    becomes the stems-and-prefixes query instead of whole words only."""
    kb_sql.register(conn)
    conn.create_function("escape_fts", 1, kb_sql.fts_query)


@hookimpl
def startup(datasette):
    async def inner() -> None:
        # The normaliser and the stemmers load once, before the first query's time limit.
        kb_sql.warm()
        await pdfs.say_missing_pdfs(datasette)

    return inner


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return cells.render_cell(row, value, column, table, database, datasette)


@hookimpl
def register_routes():
    # Plugin routes are matched before Datasette's and before other plugins' with the
    # same address: /-/search is this plugin's.
    return [
        (r"^/-/provenance/(?P<database>[^/]+)/(?P<report_id>[^/]+)/(?P<page>\d+)\.png$",
         provenance.provenance_image),
        (r"^/-/context/(?P<database>[^/]+)/(?P<report_id>[^/]+)/(?P<page>\d+)\.png$",
         provenance.context_image),
        (r"^/-/pdf/(?P<name>[^/]+)$", pdfs.serve_pdf),
        (r"^/-/member/(?P<member_id>[^/]+)$", member_page.member_page),
        (r"^/-/member$", member_page.member_lookup),
        (r"^/-/search$", home.search_redirect),
        (r"^/-/kb-vega/(?P<name>[^/]+)$", charts.vega_static),
        (r"^/-/metropolis-kb\.css$", style.stylesheet),
        (r"^/-/calendar\.ics$", downloads.calendar_export),
        (r"^/-/chart/events-per-month\.svg$", charts.events_per_month_chart),
    ]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/metropolis-kb.css")]


@hookimpl
def extra_body_script(template, datasette):
    return charts.chart_loader(template, datasette)


@hookimpl
def extra_template_vars(template, database, datasette, request):
    return home.template_vars(template, database, datasette, request)


@hookimpl
def asgi_wrapper(datasette):
    return downloads.asgi_wrapper(datasette)
