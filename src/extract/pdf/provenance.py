"""Provenance images: the region of the page each extracted row came from, as a PNG.

Crops are made at ingest time, while the PDF is at hand, and stored with the report's
rows in `provenance_images` (one transaction: a re-ingested report replaces its images
too). Blobs in the database rather than files keep the knowledge base one file that can
be copied or published as is; Datasette serves them through the project plugin.

Each page that holds a row with a bounding box is rendered once with pypdfium2 at a
small scale, and every region is cut from that bitmap (rendering per region would
re-rasterise the page for each of hundreds of matrix cells).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pypdfium2

from extract.pdf.layout import turn_upright
from extract.toolkit.settings import CROPS
from extract.toolkit.workers import fork_pool, how_many

BBOX = ("x0", "top", "x1", "bottom")


def boxes_of(tables: dict[str, list[dict[str, Any]]]) -> dict[int, set[tuple[float, ...]]]:
    """{page: {(x0, top, x1, bottom), ...}} for every row that has a page and a bbox."""
    boxes: dict[int, set[tuple[float, ...]]] = defaultdict(set)
    for table, rows in tables.items():
        if table == "provenance_images":
            continue
        for row in rows:
            page = row.get("page")
            box = [row.get(k) for k in BBOX]
            edges = [float(v) for v in box if isinstance(v, (int, float))]
            if page and len(edges) == len(BBOX):
                boxes[int(page)].add(tuple(edges))
    return boxes


def padded(box: tuple[float, ...], width: float, height: float) -> tuple[float, float, float, float]:
    """The box grown by CROPS.padding (and to CROPS.min_size), clipped to the page, in points."""
    x0, top, x1, bottom = box
    grow_x = max(CROPS.padding, (CROPS.min_size - (x1 - x0)) / 2)
    grow_y = max(CROPS.padding, (CROPS.min_size - (bottom - top)) / 2)
    return (
        max(0.0, x0 - grow_x), max(0.0, top - grow_y),
        min(width, x1 + grow_x), min(height, bottom + grow_y),
    )


def crop_rows(pdf_path: Path | str, tables: dict[str, list[dict[str, Any]]],
              scale: float = CROPS.scale, workers: int = 1) -> list[dict[str, Any]]:
    """Rows for `provenance_images`: one PNG per distinct (page, bbox) of the tables,
    in page and box order; `workers` > 1 crops the pages in that many forked processes."""
    wanted = boxes_of(tables)
    tasks = [(str(pdf_path), number, sorted(wanted[number]), scale) for number in sorted(wanted)]
    workers = how_many(workers, len(tasks))
    if workers > 1:
        with fork_pool(workers) as pool:
            return [row for rows in pool.imap(_crop_task, tasks) for row in rows]
    try:
        return [row for task in tasks for row in _crop_task(task)]
    finally:
        _close_worker_pdf()


_worker_pdf: tuple[str, pypdfium2.PdfDocument] | None = None


def _crop_task(task: tuple[str, int, list[tuple[float, ...]], float]) -> list[dict[str, Any]]:
    """The crops of one page; the document is opened once per process."""
    global _worker_pdf
    path, number, boxes, scale = task
    if _worker_pdf is None or _worker_pdf[0] != path:
        _close_worker_pdf()
        _worker_pdf = (path, pypdfium2.PdfDocument(path))
    pdf = _worker_pdf[1]
    if not 1 <= number <= len(pdf):
        return []
    return _crop_page(pdf[number - 1], number, boxes, scale)


def _close_worker_pdf() -> None:
    global _worker_pdf
    if _worker_pdf is not None:
        _worker_pdf[1].close()
        _worker_pdf = None


def _crop_page(page: pypdfium2.PdfPage, number: int, boxes: Iterable[tuple[float, ...]],
               scale: float) -> list[dict[str, Any]]:
    turn_upright(page)  # the boxes are in the frame the layout was read in
    image = page.render(scale=scale).to_pil()
    width, height = image.width / scale, image.height / scale
    page.close()
    rows = []
    for box in sorted(boxes):
        left, top, right, bottom = padded(box, width, height)
        if right - left < 1 or bottom - top < 1:
            continue
        region = image.crop(tuple(round(v * scale) for v in (left, top, right, bottom)))
        buffer = io.BytesIO()
        # optimize=True would take 3x longer for under 1% smaller files
        region.save(buffer, format="PNG")
        rows.append({
            "page": number, "x0": box[0], "top": box[1], "x1": box[2], "bottom": box[3],
            "png": buffer.getvalue(),
        })
    return rows
