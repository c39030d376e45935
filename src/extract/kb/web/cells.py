"""How a table's cells are drawn (the `render_cell` hook): pages linked to the PDF with
their region's image, report ids with the synthetic badge, member, indicator, city,
event and publication ids linked to their page or row, a check's detail and a query's
note with their addresses linked, the map's popup JSON as a link. Everything that comes
from a PDF is escaped: cells are built with markupsafe, never by pasting text into HTML.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from datasette.utils import tilde_encode
from markupsafe import Markup

from extract.kb import exports
from extract.kb.web.common import BBOX, cell_value, keys_of, report_of, synthetic_badge
from extract.kb.web.pdfs import pdf_href
from extract.kb.web.provenance import page_cell


def render_cell(row, value, column, table, database, datasette):
    keys = keys_of(row)
    plain = cell_value(value)

    async def inner() -> Markup | None:
        report_id = cell_value(row["report_id"]) if "report_id" in keys else None
        if column == "page" and isinstance(value, int) and isinstance(report_id, str):
            report = await report_of(datasette, database, report_id) or {}
            bbox = tuple(cell_value(row[k]) for k in BBOX) if all(k in keys for k in BBOX) else None
            return page_cell(datasette, database, report_id, report.get("source_file"),
                             value, bbox)
        # page_fr / page_en of the views pairing editions: the page of report_fr / _en
        side = column[len("page_"):] if column.startswith("page_") else None
        if side and isinstance(value, int) and f"report_{side}" in keys:
            other = cell_value(row[f"report_{side}"])
            report = await report_of(datasette, database, other) or {}
            return page_cell(datasette, database, other, report.get("source_file"), value, None)
        is_report_id = (column == "report_id" or is_language_column(column, "report")
                        or (table == "reports" and column == "id"))
        if is_report_id and isinstance(plain, str):
            report = await report_of(datasette, database, plain)
            if report and report.get("synthetic"):
                href = datasette.urls.row(database, "reports", tilde_encode(plain))
                return Markup('<a href="{}">{}</a>{}').format(href, plain, synthetic_badge())
            if report and column != "report_id":
                href = datasette.urls.row(database, "reports", tilde_encode(plain))
                return Markup('<a href="{}">{}</a>').format(href, plain)
        return None

    if column == "detail" and table == "checks" and isinstance(plain, str) and "report_id" in keys:
        return detail_cell(datasette, database, cell_value(row["report_id"]), plain)
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
        report = await report_of(datasette, database, report_id) or {}
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
