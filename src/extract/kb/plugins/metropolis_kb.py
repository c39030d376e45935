"""Datasette plugin of the knowledge base (loaded with --plugins-dir by `extract serve`).

- Provenance: a `page` cell links to the source PDF at that page and, when the row has
  a bounding box, shows the image of the region it was read from (`provenance_images`),
  linked to the same region in context (its whole matrix row, the cell outlined),
  rendered from the PDF on request.
- Every PDF an edition was read from is served, the synthetic ones too (`/-/pdf/`).
- Synthetic editions are marked wherever their rows appear: report ids, `synthetic`
  columns, facet labels.
- Canned queries can validate their input: the project's SQL functions (extract.kb.sql).
- Search finds stems and prefixes: Datasette's `escape_fts` is replaced.
- The member page `/-/member/<id>`: one member across editions, side by side.
- Charts (datasette-vega) are loaded only on a page that draws one.
- `?_bom=1` on a CSV export: a UTF-8 byte order mark, so spreadsheets keep the accents.

Everything that comes from a PDF is escaped: cells are built with markupsafe, never by
pasting text into HTML.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup

from extract.kb import exports
from extract.kb import sql as kb_sql

BBOX = ("x0", "top", "x1", "bottom")
# Folders the served PDFs live in, set by `extract serve` (raw/ first).
PDF_DIRS_ENV = "METROPOLIS_KB_PDF_DIRS"
# Columns kept in the data and exports but not shown in HTML tables: box coordinates
# (the image shows the region), the float twin of the printed value, the map's JSON.
TECHNICAL = ("x0", "top", "x1", "bottom", "value_num", "popup")
CSS = """
img.provenance { display: block; margin-top: 0.3em; border: 1px solid #ccc;
                 background: #fff; max-width: 100%; }
body.table img.provenance, body.query img.provenance, table.member img.provenance
  { max-height: 4.5em; max-width: 24em; }
a.provenance-link { display: inline-block; }
a.provenance-link:hover img.provenance { outline: 2px solid #2563eb; }
span.synthetic { background: #fde68a; color: #7c2d12; border-radius: 3px;
                 padding: 0 0.35em; font-size: 0.8em; font-weight: bold; margin-left: 0.3em; }
ul.kb-tables li { margin-bottom: 0.35em; }
ul.kb-tables .kb-desc { color: #555; }
TECHNICAL_COLUMNS { display: none; }
dl.column-descriptions { max-height: 6em; overflow: auto; font-size: 0.85em;
                         border: 1px solid #ddd; padding: 0.3em 0.6em; }
.facet-results .tight-bullets li { margin-bottom: 0; line-height: 1.25; }
.facet-results .tight-bullets { max-height: 7.6em; overflow: auto; }
td.col-note { font-weight: bold; color: #7c2d12; max-width: 40em; }
form.kb-search { margin: 0.6em 0; }
form.kb-search label { display: block; width: auto; margin-bottom: 0.2em; }
form.kb-search input[type=search] { width: 24em; font-size: 1.1em; }
table.member td, table.member th { vertical-align: top; padding: 0.3em 0.6em;
                                   border-bottom: 1px solid #eee; }
table.member td.change { font-weight: bold; }
/* Compact at 1366 px: the label column wraps, cells and crops stay small, so every
   edition and the change stay in view. */
table.member { table-layout: auto; width: 100%; }
table.member th.label { white-space: normal; min-width: 10em; max-width: 16em;
                        font-weight: normal; text-align: left; }
table.member th.label a.kb-key { display: block; font-size: 0.75em; color: #666; }
table.member td, table.member th { padding: 0.2em 0.4em; }
table.member img.provenance { max-width: 9em; max-height: 3em; }
table.member td.edition a { word-break: break-word; }
span.kb-doubt { background: #fee2e2; color: #7f1d1d; border-radius: 3px; padding: 0 0.3em;
                font-size: 0.85em; }
div.kb-failed { border-left: 6px solid #dc2626; background: #fef2f2; padding: 0.3em 0.8em;
                margin: 0.8em 0; }
div.kb-failed li { margin-bottom: 0.3em; }
ol.kb-questions li { margin-bottom: 0.3em; }
p.kb-holdings { font-size: 1.05em; max-width: 60em; }
span.kb-nocol { color: #666; font-weight: normal; font-style: italic; }
table.editions td, table.editions th { padding: 0.2em 0.6em; }
""".replace("TECHNICAL_COLUMNS", ", ".join(f"th.col-{c}, td.col-{c}" for c in TECHNICAL))

# datasette-vega adds its 944 KB bundle (and a JSON fetch) to every page, chart or not,
# and throws on an empty result. It is unregistered here and its files are loaded by
# CHART_LOADER only on a page whose URL asks for a chart (#g.mark=...).
VEGA = next((plugin for plugin in pm.get_plugins()
             if getattr(plugin, "__name__", "") == "datasette_vega"), None)
if VEGA is not None:
    VEGA_STATIC = Path(VEGA.__file__).parent / "static"
    pm.unregister(VEGA)
else:
    VEGA_STATIC = None

CHART_LOADER = """
(function () {
  var table = document.querySelector("table.rows-and-columns");
  var json = document.querySelector(".export-links a[href*=json]");
  if (!table || !json) { return; }  // nothing to chart: no rows, or no JSON of them
  function load() {
    if (window.__kbVega) { return; }
    window.__kbVega = true;
    // The bundle starts on DOMContentLoaded, which has already fired: run it now.
    var add = document.addEventListener;
    document.addEventListener = function (type, fn, options) {
      if (type === "DOMContentLoaded") { setTimeout(fn, 0); return; }
      return add.call(document, type, fn, options);
    };
    var css = document.createElement("link");
    css.rel = "stylesheet"; css.href = %(css)s;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = %(js)s;
    script.onload = function () { document.addEventListener = add; };
    document.body.appendChild(script);
  }
  // Only a chart a page asks for (a link of its description, #g.mark=...): a generic
  // "chart these rows" drew whatever columns came first (the sum of the years).
  if (/(^#|&)g\\.mark=/.test(location.hash)) { load(); return; }
  window.addEventListener("hashchange", function () {
    if (/(^#|&)g\\.mark=/.test(location.hash)) { load(); }
  });
})();
"""


def _keys(row: Any) -> list[str]:
    return list(row.keys()) if hasattr(row, "keys") else []


def _plain(value: Any) -> Any:
    """A cell's raw value: table pages hand foreign keys over as {"value", "label"}."""
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def pdf_dirs() -> list[Path]:
    return [Path(p) for p in os.environ.get(PDF_DIRS_ENV, "").split(os.pathsep) if p]


def find_pdf(name: str) -> Path | None:
    """The served PDF of that file name, or None. Only a plain file name that is a PDF
    directly inside one of the folders: nothing else of the disk can be reached."""
    if not name or name != Path(name).name or not name.lower().endswith(".pdf"):
        return None
    for folder in pdf_dirs():
        candidate = folder / name
        if candidate.is_file() and candidate.resolve().parent == folder.resolve():
            return candidate
    return None


def pdf_href(datasette: Any, source_file: str) -> str:
    """raw/ files keep their /raw/ address; a PDF ingested from elsewhere (the synthetic
    specimen) is served by /-/pdf/."""
    dirs = pdf_dirs()
    if dirs and not (dirs[0] / source_file).is_file() and find_pdf(source_file):
        return datasette.urls.path(f"/-/pdf/{quote(source_file)}")
    return datasette.urls.path(f"/raw/{quote(source_file)}")


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


def image_urls(datasette: Any, database: str, report_id: str, page: int,
               bbox: tuple[Any, ...]) -> tuple[str, str]:
    """(the stored crop, the same region in context) of one box."""
    query = urlencode(dict(zip(BBOX, (repr(float(v)) for v in bbox))))
    base = f"/{quote(database, safe='')}/{quote(report_id, safe='')}/{page}.png?{query}"
    return (datasette.urls.path("/-/provenance" + base),
            datasette.urls.path("/-/context" + base))


def page_cell(datasette: Any, database: str, report_id: str, source_file: str | None,
              page: int, bbox: tuple[Any, ...] | None, label: str | None = None) -> Markup:
    """`p. N` linked to the PDF at that page, and the region's image when there is a
    bbox, linked to the region in its context (larger, its row around it)."""
    parts = []
    text = label if label is not None else Markup("p.&nbsp;{}").format(page)
    if source_file:
        href = pdf_href(datasette, source_file) + f"#page={page}"
        parts.append(Markup('<a href="{}" title="open the source PDF at page {}">{}</a>')
                     .format(href, page, text))
    else:
        parts.append(Markup("{}").format(text))
    if bbox and all(isinstance(v, (int, float)) for v in bbox):
        src, context = image_urls(datasette, database, report_id, page, bbox)
        parts.append(Markup(
            '<a class="provenance-link" href="{}" title="the region in its context">'
            '<img class="provenance" loading="lazy" src="{}" alt="{}"></a>').format(
            context, src, f"source region on page {page} of {source_file or report_id}"))
    return Markup("").join(parts)


def number(value: float) -> Any:
    """2.0 -> 2: counts are integers, whatever SQLite's REAL made of them."""
    return int(value) if value.is_integer() else value


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
        # Said at start, not discovered at the first dead page link: the editions whose
        # PDF is in none of the served folders (their page links and crops answer 404).
        db = _database(datasette)
        if db is None or not pdf_dirs():
            return
        try:
            rows = (await db.execute("SELECT id, source_file FROM reports ORDER BY id")).rows
        except sqlite3.Error:
            return
        missing = [f"{r['id']} ({r['source_file']})" for r in rows
                   if not r["source_file"] or find_pdf(r["source_file"]) is None]
        if missing:
            import sys

            folders = ", ".join(str(d) for d in pdf_dirs())
            print(f"cannot serve the PDFs of {len(missing)} edition(s), not found in "
                  f"{folders}: {'; '.join(missing)} (their page links and crops answer 404)",
                  file=sys.stderr, flush=True)

    return inner


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    keys = _keys(row)
    plain = _plain(value)

    async def inner() -> Markup | None:
        report_id = _plain(row["report_id"]) if "report_id" in keys else None
        if column == "page" and isinstance(value, int) and isinstance(report_id, str):
            report = await _report(datasette, database, report_id) or {}
            bbox = tuple(_plain(row[k]) for k in BBOX) if all(k in keys for k in BBOX) else None
            return page_cell(datasette, database, report_id, report.get("source_file"),
                             value, bbox)
        # page_fr / page_en of the views pairing editions: the page of report_fr / _en
        side = column[len("page_"):] if column.startswith("page_") else None
        if side and isinstance(value, int) and f"report_{side}" in keys:
            other = _plain(row[f"report_{side}"])
            report = await _report(datasette, database, other) or {}
            return page_cell(datasette, database, other, report.get("source_file"), value, None)
        is_report_id = (column == "report_id" or is_language_column(column, "report")
                        or (table == "reports" and column == "id"))
        if is_report_id and isinstance(plain, str):
            report = await _report(datasette, database, plain)
            if report and report.get("synthetic"):
                href = datasette.urls.row(database, "reports", tilde_encode(plain))
                return Markup('<a href="{}">{}</a>{}').format(href, plain, synthetic_badge())
            if report and column != "report_id":
                href = datasette.urls.row(database, "reports", tilde_encode(plain))
                return Markup('<a href="{}">{}</a>').format(href, plain)
        return None

    if column == "detail" and table == "checks" and isinstance(plain, str) and "report_id" in keys:
        return detail_cell(datasette, database, _plain(row["report_id"]), plain)
    if column == "note" and isinstance(plain, str):
        return note_cell(datasette, database, plain)
    if column == "synthetic" and plain == 1:
        return Markup("1{}").format(synthetic_badge())
    if (column in ("page", "report_id") or is_language_column(column, "report")
            or column.startswith("page_") and isinstance(value, int)
            or column == "id" and table == "reports"):
        return inner()
    if column == "member_id" and isinstance(plain, str) or (
            table in ("members", "member_map") and column in ("id",) and isinstance(plain, str)):
        return Markup('<a href="{}" title="the member across editions">{}</a>').format(
            datasette.urls.path(f"/-/member/{quote(plain, safe='')}"), plain)
    if column == "indicator" and isinstance(plain, str) and table != "indicators":
        return Markup('<a href="{}">{}</a>').format(
            datasette.urls.row(database, "indicators", tilde_encode(plain)), plain)
    if column == "city_id" and isinstance(plain, str) and table != "cities":
        return Markup('<a href="{}">{}</a>').format(
            datasette.urls.row(database, "cities", tilde_encode(plain)), plain)
    if column == "source_file" and isinstance(plain, str):
        return Markup('<a href="{}">{}</a>').format(pdf_href(datasette, plain), plain)
    if is_language_column(column, "event") and isinstance(plain, int):
        return Markup('<a href="{}">{}</a>').format(
            datasette.urls.row(database, "calendar_events", plain), plain)
    if is_language_column(column, "publication") and isinstance(plain, int):
        return Markup('<a href="{}">{}</a>').format(
            datasette.urls.row(database, "publications", plain), plain)
    if column == "popup" and table == "member_map" and isinstance(value, str):
        return popup_cell(value)
    if isinstance(plain, float) and plain.is_integer() and column not in ("latitude",
                                                                          "longitude"):
        return Markup("{}").format(int(plain))
    return None


# Where a canned query's note sends the reader: a table of the database with its filter
# (`checks?report_id=2022-fr&check=members.columns_known`), written relative in the SQL,
# which does not know the database's name.
NOTE_LINK = re.compile(r"\b(checks|column_review|pages|name_review)\?[^\s)]+")


def detail_cell(datasette: Any, database: str, report_id: Any, text: str):
    """A check's detail with the pages it names linked to the PDF and to their `pages`
    row (why each page was or was not read)."""
    async def inner() -> Markup:
        report = await _report(datasette, database, report_id) or {}
        source = report.get("source_file")

        def href(page: int) -> str:
            return (pdf_href(datasette, source) + f"#page={page}" if source
                    else row_href(page))

        def row_href(page: int) -> str:
            return datasette.urls.row(database, "pages", f"{tilde_encode(str(report_id))},{page}")

        return exports.linked_pages(text, href, row_href)

    return inner


def note_cell(datasette: Any, database: str, text: str) -> Markup:
    """A note with its table addresses as links (the failed check, the column titles to
    settle), the rest escaped."""
    parts, last = [], 0
    for match in NOTE_LINK.finditer(text):
        parts.append(Markup("{}").format(text[last:match.start()]))
        href = datasette.urls.table(database, match.group(1)) + match.group(0)[
            len(match.group(1)):]
        parts.append(Markup('<a href="{}">{}</a>').format(href, match.group(0)))
        last = match.end()
    parts.append(Markup("{}").format(text[last:]))
    return Markup("").join(parts)


def is_language_column(column: str, stem: str) -> bool:
    """`report_fr`, `event_es`: one column per language of the views pairing editions."""
    return column.startswith(stem + "_") and column[len(stem) + 1:].isalpha() and len(
        column) - len(stem) - 1 in (2, 3)


def popup_cell(value: str) -> Markup | None:
    """The map bubble's JSON shown as what it is: a link to the member's page."""
    try:
        popup = json.loads(value)
        link, title = str(popup["link"]), str(popup["title"])
    except (ValueError, KeyError, TypeError):
        return None
    return Markup('<a href="{}">page of {}</a>').format(link, title)


def _box(request) -> list[float]:
    box = [float(request.args[k]) for k in BBOX]
    if not all(math.isfinite(v) for v in box):
        raise ValueError("bad box")
    return box


async def _allowed(request, datasette, db) -> bool:
    # the images are rows of the database: whoever may not see it may not see them
    return await datasette.permission_allowed(
        request.actor, "view-database", resource=db.name, default=True)


async def provenance_image(request, datasette):
    """GET /-/provenance/<database>/<report_id>/<page>.png?x0=&top=&x1=&bottom="""
    args = request.url_vars
    try:
        db = datasette.get_database(args["database"])
        box = _box(request)
        page = int(args["page"])
    except (KeyError, ValueError):
        return Response.text("not found", status=404)
    if not await _allowed(request, datasette, db):
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


# Context crops are rendered from the PDF at 2x (144 dpi): readable when enlarged.
# One thread: pdfium may not be called from two threads at once.
_CROP_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-crops")
CONTEXT_SCALE = 2.0
CONTEXT_MARGIN = 6.0


# Above a matrix cell, the strip of its column up to this height: its (wrapped) title.
HEADER_MAX = 120.0


@lru_cache(maxsize=64)
def context_png(path: str, mtime: float, page: int, box: tuple[float, ...],
                first_row: float | None = None) -> bytes | None:
    """The band of the page the box sits in (full page width, the box's height plus a
    margin: a matrix cell shows its member's row), the box outlined in red. For a matrix
    cell (`first_row`: the top of the first matrix row on its page) the strip of its
    column above the matrix comes first: the cell's column title."""
    import pypdfium2
    from PIL import Image, ImageDraw, ImageOps

    pdf = pypdfium2.PdfDocument(path)
    try:
        if not 1 <= page <= len(pdf):
            return None
        pdf_page = pdf[page - 1]
        width, height = pdf_page.get_size()
        x0, top, x1, bottom = box
        s = CONTEXT_SCALE
        band_top = max(0.0, top - CONTEXT_MARGIN)
        band_bottom = min(height, bottom + CONTEXT_MARGIN)
        crop = (0, height - band_bottom, 0, band_top)  # left, bottom, right, top in points
        band = pdf_page.render(scale=s, crop=crop).to_pil().convert("RGB")
        draw = ImageDraw.Draw(band)
        draw.rectangle([(x0 - 2) * s, (top - band_top - 2) * s, (x1 + 2) * s,
                        (bottom - band_top + 2) * s], outline=(220, 38, 38), width=3)
        image = band
        if first_row is not None and 0 < first_row <= top:
            pad = max(6.0, (130.0 - (x1 - x0)) / 2)
            left, right = max(0.0, x0 - pad), min(width, x1 + pad)
            strip_bottom = first_row - 1
            strip_top = max(0.0, strip_bottom - HEADER_MAX)
            strip = pdf_page.render(scale=s, crop=(left, height - strip_bottom,
                                                   width - right, strip_top)).to_pil()
            strip = strip.convert("RGB")
            # white above the title is cut: the strip starts at its first ink
            ink = ImageOps.invert(strip.convert("L")).getbbox()
            if ink:
                strip = strip.crop((0, max(0, ink[1] - int(3 * s)), strip.width, strip.height))
            gap = int(4 * s)
            image = Image.new("RGB", (band.width, strip.height + gap + band.height), "white")
            image.paste(strip, (int(left * s), 0))
            ImageDraw.Draw(image).rectangle(
                [int(left * s), 0, int(left * s) + strip.width - 1, strip.height - 1],
                outline=(220, 38, 38), width=2)
            image.paste(band, (0, strip.height + gap))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        pdf.close()


async def context_image(request, datasette):
    """GET /-/context/<database>/<report_id>/<page>.png?x0=&top=&x1=&bottom= : the
    region within its row of the page, from the edition's PDF."""
    args = request.url_vars
    try:
        db = datasette.get_database(args["database"])
        box = tuple(_box(request))
        page = int(args["page"])
    except (KeyError, ValueError):
        return Response.text("not found", status=404)
    if not await _allowed(request, datasette, db):
        return Response.text("forbidden", status=403)
    report = await _report(datasette, db.name, args["report_id"])
    pdf = find_pdf(report["source_file"]) if report and report.get("source_file") else None
    if pdf is None:
        return Response.text("the PDF of this edition is not served", status=404)
    try:  # a matrix cell: where its matrix starts on the page (the first member's row)
        row = (await db.execute(
            "SELECT (SELECT min(s.top) FROM member_status s WHERE s.report_id = i.report_id "
            "AND s.page = i.page) AS first_row FROM member_indicators i "
            "WHERE i.report_id = ? AND i.page = ? AND abs(i.x0 - ?) < 0.01 "
            "AND abs(i.top - ?) < 0.01 AND abs(i.x1 - ?) < 0.01 LIMIT 1",
            [args["report_id"], page, box[0], box[1], box[2]])).first()
    except sqlite3.Error:
        row = None
    first_row = row["first_row"] if row else None
    # drawn off the event loop, by a pool of fixed size: 40 crops at once never stall
    # the other requests (each is cached by context_png's LRU)
    png = await asyncio.get_running_loop().run_in_executor(
        _CROP_POOL, context_png, str(pdf), pdf.stat().st_mtime, page, box, first_row)
    if png is None:
        return Response.text("no such page", status=404)
    return Response(png, content_type="image/png", headers={"cache-control": "max-age=3600"})


async def serve_pdf(request, datasette):
    """GET /-/pdf/<file>.pdf : a PDF an edition was read from (raw/ or the synthetic
    specimens' folder), by file name only."""
    pdf = find_pdf(unquote(request.url_vars["name"]))
    if pdf is None:
        return Response.text("no such PDF", status=404)
    return Response(pdf.read_bytes(), content_type="application/pdf",
                    headers={"cache-control": "max-age=3600"})


async def vega_static(request, datasette):
    name = request.url_vars["name"]
    if VEGA_STATIC is None or not re.fullmatch(r"main\.[0-9a-f]+\.(js|css)", name):
        return Response.text("not found", status=404)
    path = VEGA_STATIC / name
    if not path.is_file():
        return Response.text("not found", status=404)
    kind = "text/css" if name.endswith(".css") else "application/javascript"
    return Response(path.read_bytes(), content_type=f"{kind}; charset=utf-8",
                    headers={"cache-control": "max-age=86400"})


def vega_files() -> dict[str, str]:
    if VEGA_STATIC is None:
        return {}
    files = {p.suffix[1:]: p.name for p in VEGA_STATIC.glob("main.*") if p.suffix in (".js", ".css")}
    return files


async def stylesheet(request, datasette):
    return Response(CSS, content_type="text/css; charset=utf-8",
                    headers={"cache-control": "max-age=3600"})


def _database(datasette: Any) -> Any | None:
    """The knowledge base's database: the first one served that is not internal."""
    for name, db in datasette.databases.items():
        if name != "_internal" and not db.is_memory:
            return db
    return None


async def search_redirect(request, datasette):
    """/-/search?q= (datasette-search-all's address) answers with the project's search,
    which links each result to its page and marks synthetic rows."""
    db = _database(datasette)
    if db is None:
        return Response.text("no database", status=404)
    q = request.args.get("q") or ""
    return Response.redirect(datasette.urls.query(db.name, "search") + "?" + urlencode({"q": q}))


async def member_lookup(request, datasette):
    """GET /-/member?name=...: the home page's member box; any spelling."""
    name = (request.args.get("name") or "").strip()
    if not name:
        db = _database(datasette)
        return Response.redirect(datasette.urls.table(db.name, "member_map") if db else "/")
    return Response.redirect(datasette.urls.path(f"/-/member/{quote(name, safe='')}"))


def reader_languages() -> tuple[str, ...]:
    """The languages a reader can pick: the language folders with the knowledge base's
    words (vocab/<lang>/kb.yml); a new folder is a new language, not new code."""
    from extract.lang.vocab import languages, load

    return tuple(lang for lang in languages() if load(lang).get("kb")) or ("en",)


def reader_language(request) -> str:
    """?lang= first, then the browser's Accept-Language, then English."""
    known = reader_languages()
    asked = request.args.get("lang")
    if asked in known:
        return asked
    for part in (request.headers.get("accept-language") or "").split(","):
        lang = part.split(";")[0].strip()[:2].lower()
        if lang in known:
            return lang
    return "en" if "en" in known else known[0]


def words_of(lang: str) -> dict[str, str]:
    """The member page's words in one language (vocab/<lang>/kb.yml), English where the
    folder lacks one."""
    from extract.lang.vocab import load

    english = (load("en").get("kb") or {}).get("member_page") or {}
    own = (load(lang).get("kb") or {}).get("member_page") or {}
    return {**english, **own}


def language_names() -> dict[str, str]:
    from extract.lang.vocab import load

    return {lang: (load(lang).get("kb") or {}).get("name", lang) for lang in reader_languages()}


async def member_page(request, datasette):
    """GET /-/member/<id>: the member in every edition, side by side."""
    db = _database(datasette)
    if db is None:
        return Response.text("no database", status=404)
    if not await _allowed(request, datasette, db):
        return Response.text("forbidden", status=403)
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
        [member["id"]])).first() is not None if await _has_view(db, "member_map") else False

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


async def _has_view(db: Any, name: str) -> bool:
    return name in await db.view_names()


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


@hookimpl
def register_routes():
    # Plugin routes are matched before Datasette's and before other plugins' with the
    # same address: /-/search is this plugin's.
    return [
        (r"^/-/provenance/(?P<database>[^/]+)/(?P<report_id>[^/]+)/(?P<page>\d+)\.png$",
         provenance_image),
        (r"^/-/context/(?P<database>[^/]+)/(?P<report_id>[^/]+)/(?P<page>\d+)\.png$",
         context_image),
        (r"^/-/pdf/(?P<name>[^/]+)$", serve_pdf),
        (r"^/-/member/(?P<member_id>[^/]+)$", member_page),
        (r"^/-/member$", member_lookup),
        (r"^/-/search$", search_redirect),
        (r"^/-/kb-vega/(?P<name>[^/]+)$", vega_static),
        (r"^/-/metropolis-kb\.css$", stylesheet),
        (r"^/-/calendar\.ics$", calendar_export),
        (r"^/-/chart/events-per-month\.svg$", events_per_month_chart),
    ]


async def calendar_export(request, datasette):
    """GET /-/calendar.ics?report=2021-fr : the edition's calendar for a calendar app."""
    db = _database(datasette)
    if db is None:
        return Response.text("no database", status=404)
    if not await _allowed(request, datasette, db):
        return Response.text("forbidden", status=403)
    report_id = request.args.get("report") or ""
    report = await _report(datasette, db.name, report_id)
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


async def events_per_month_chart(request, datasette):
    """GET /-/chart/events-per-month.svg?year=2021 : bars per month and edition, drawn on
    the server (no chart library on the page)."""
    db = _database(datasette)
    if db is None:
        return Response.text("no database", status=404)
    if not await _allowed(request, datasette, db):
        return Response.text("forbidden", status=403)
    try:
        year = int(request.args.get("year") or 0)
    except ValueError:
        year = 0
    rows = (await db.execute(
        "SELECT r.id, r.synthetic, CAST(substr(e.start_date, 6, 2) AS INTEGER) AS m, "
        "count(e.id) AS n FROM reports r LEFT JOIN calendar_events e ON e.report_id = r.id "
        "WHERE ? = 0 OR r.year = ? GROUP BY r.id, m ORDER BY r.year, r.language",
        [year, year])).rows
    series: dict[str, list[int]] = {}
    for r in rows:
        name = r["id"] + (" (synthetic)" if r["synthetic"] else "")
        counts = series.setdefault(name, [0] * 12)
        if r["m"] and 1 <= r["m"] <= 12:
            counts[r["m"] - 1] = r["n"]
    title = f"Events starting each month, {year}" if year else "Events starting each month"
    return Response(exports.bar_chart_svg(series, title), content_type="image/svg+xml",
                    headers={"cache-control": "max-age=60"})


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/metropolis-kb.css")]


@hookimpl
def extra_body_script(template, datasette):
    files = vega_files()
    if template not in ("table.html", "query.html") or "js" not in files:
        return ""
    return CHART_LOADER % {
        "js": json.dumps(datasette.urls.path(f"/-/kb-vega/{files['js']}")),
        "css": json.dumps(datasette.urls.path(f"/-/kb-vega/{files.get('css', '')}")),
    }


@hookimpl
def extra_template_vars(template, database, datasette, request):
    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database) if database else _database(datasette)
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


def language_names_en() -> dict[str, str]:
    from extract.store.views import language_name

    return {lang: language_name(lang) for lang in reader_languages()}


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


@hookimpl
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
