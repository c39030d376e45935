"""Named lists outside the prose pages (the members engaged in gender mainstreaming):
drawn like the prose lists (`render_prose.draw_list`), places in columns.

Data shape (see `data/2021-fr/lists.yml`): `pages: [{kind: list, list, heading,
margin_label, title, columns, items: [[printed, English, ISO]]}]`.
"""

from __future__ import annotations

from tests.specimens.pdfkit import ReportCanvas
from tests.specimens.render_prose import draw_list


def draw(rc: ReportCanvas, data: dict, report: dict) -> None:
    for page in data["pages"]:
        if rc.width < rc.height:  # a portrait page: fewer, wider columns, names never touch
            page = {**page, "columns": min(page.get("columns", 5), 3)}
        draw_list(rc, page)
