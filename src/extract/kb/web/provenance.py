"""Provenance: a page linked to its PDF at that page, with the image of the region a
value was read from (`/-/provenance/`, the crop stored at ingest) linked to the same
region in context (`/-/context/`, drawn from the PDF on request: its whole matrix row,
the cell outlined, its column's title above).
"""

from __future__ import annotations

import asyncio
import io
import math
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from datasette.utils.asgi import Response
from markupsafe import Markup

from extract.kb.web.common import BBOX, may_view, report_of
from extract.kb.web.pdfs import find_pdf, pdf_href


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


def _box(request) -> list[float]:
    box = [float(request.args[k]) for k in BBOX]
    if not all(math.isfinite(v) for v in box):
        raise ValueError("bad box")
    return box


async def provenance_image(request, datasette):
    """GET /-/provenance/<database>/<report_id>/<page>.png?x0=&top=&x1=&bottom="""
    args = request.url_vars
    try:
        db = datasette.get_database(args["database"])
        box = _box(request)
        page = int(args["page"])
    except (KeyError, ValueError):
        return Response.text("not found", status=404)
    if not await may_view(request, datasette, db):
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
    if not await may_view(request, datasette, db):
        return Response.text("forbidden", status=403)
    report = await report_of(datasette, db.name, args["report_id"])
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
