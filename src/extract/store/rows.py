"""The row types: one TypedDict per table of the database, the store's schema.

A parser returns rows of these types (`Section.add("key_figures", [KeyFigure(...)])`,
or plain dicts with the same keys); `store.write_report` writes exactly these columns
and raises on a table or a column not declared here, so a misspelt key is an error,
never a silent loss. `store.SCHEMA` adds each table's primary and foreign keys.

Every key is optional for the type checker (`total=False`): the store fills
`report_id`, the database assigns integer ids, and a NULL column is simply absent.
To add a column: one line in its class (`ensure_schema` adds it to old databases).
To add a table: one class here and one entry in `store.SCHEMA`. `docs/schema.md` says
what each column means (a test holds the two together).
"""

from __future__ import annotations

import typing
from typing import Any, TypedDict


class Located(TypedDict, total=False):
    """Where a row was read: its page (1-based) and the box of its region on the page
    (points, from the top-left corner; `check_rows` holds the rule). A row type that
    inherits it has these as its last columns (`columns`)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


class Report(TypedDict, total=False):
    id: str
    year: int
    language: str
    title: str
    source_file: str
    sha256: str
    page_count: int
    ingested_at: str
    extractor_version: str
    synthetic: int
    # sha256 of the archive's decisions file the report was read with ("" with none):
    # a changed decisions file makes an unchanged PDF be read again
    decisions_sha256: str


class City(TypedDict, total=False):
    id: str
    name: str
    country_code: str
    latitude: float
    longitude: float
    geonames_id: int
    kind: str  # city | metropolitan_area | region
    seat_city_id: str  # a region's or metropolitan area's seat or largest city
    source: str  # where the point comes from: geonames | iso3166-2:<code> | curated


class CityAlias(TypedDict, total=False):
    alias: str
    city_id: str
    source: str


class Member(TypedDict, total=False):
    id: str
    name: str
    city_id: str


class Indicator(TypedDict, total=False):
    id: str
    label_fr: str
    label_en: str
    description: str


class IndicatorLabel(TypedDict, total=False):
    """An indicator's column title in one language: one row per language folder, so a
    new language needs no new column."""

    indicator: str
    language: str
    label: str


class MemberStatus(Located, total=False):
    report_id: str
    member_id: str
    printed_name: str
    is_board_member: int
    is_new_member: int


class MemberIndicator(Located, total=False):
    report_id: str
    member_id: str
    indicator: str
    value: str
    printed: str | None
    value_num: float


class CalendarEvent(TypedDict, total=False):
    # In a parser's rows `id` is the event's number in its report (1, 2, ...), which
    # `EventCity.event_id` names; the store swaps both for the database's id.
    id: int
    report_id: str
    start_date: str
    end_date: str
    title: str
    event_type: str
    location: str
    gender_perspective: int
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    prefix: str  # the type prefix as printed ("SOMMET MONDIAL DES VILLES 2020 |")


class EventCity(TypedDict, total=False):
    event_id: int
    city_id: str


class Publication(Located, total=False):
    id: int
    report_id: str
    kind: str
    title: str
    url: str
    gender_focus: str


class KeyFigure(Located, total=False):
    report_id: str
    key: str
    value: float
    label: str


class Check(TypedDict, total=False):
    report_id: str
    check: str
    expected: str
    actual: str
    passed: int
    detail: str  # which pages, names or columns to look at


class PageRow(TypedDict, total=False):
    """One page of a report in the `pages` inventory (extract.pipeline.inventory)."""

    report_id: str
    page: int
    section: str  # the parser that read it, or the one it was given to
    printed_folio: str
    words: int
    parsed: int
    note: str  # why the page was not read


class NameReview(TypedDict, total=False):
    name_as_printed: str
    report_id: str
    page: int
    context: str
    candidates: str
    reason: str
    city_id: str
    confidence: str  # `low` when a pick (city_id) was made under doubt


class ColumnReview(TypedDict, total=False):
    """A members-matrix column title left unknown or read with low confidence (extract.sections.members.titles)."""

    report_id: str
    page: int
    printed_title: str
    key: str  # where its cells went: an indicator key or unknown:<slug>
    score: float
    candidate: str  # the best-scoring indicator
    runner_up: str
    runner_up_score: float
    reason: str  # weak | ambiguous | cells | taken | low confidence | unexpected cells | cells match …
    decision_line: str  # the decisions.yml line that settles it
    cell_kind: str  # what most of its cells are: yes | count | flag (all 0/1) | role; NULL none
    x0: float
    top: float
    x1: float
    bottom: float


class CityMention(TypedDict, total=False):
    report_id: str
    city_id: str
    section: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    context: str


class PlanDeliverable(Located, total=False):
    """One deliverable of the strategic action plan, as printed (a code printed twice is
    two rows); `status` from the swatch or mark the page's legend pairs with a status."""

    report_id: str
    code: str  # L1A1D1
    line: str  # L1
    line_title: str
    action: str  # L1A1
    action_title: str
    text: str
    status: str  # achieved | not_achieved; absent when the page has no legend


class BudgetLine(Located, total=False):
    report_id: str
    programme_code: str  # P002
    programme: str
    share: float  # 0.03 for 3%


class FundingSource(Located, total=False):
    report_id: str
    source: str  # membership_fees | member_partnerships | alliances | other | unknown:<slug>
    label: str
    share: float
    agreements: int  # agreements signed, when printed beside it


class MemberListEntry(Located, total=False):
    report_id: str
    list: str  # metropolitan_spaces | gender_mainstreaming | pilot_projects | ...
    item: str  # the sub-list (a pilot project's title)
    printed_name: str
    member_id: str
    city_id: str


class Leader(Located, total=False):
    report_id: str
    member_id: str
    city_id: str
    printed_name: str  # the city or member as printed above the person
    person: str
    institution: str
    title: str


class IngestWarning(TypedDict, total=False):
    report_id: str
    message: str


class ProvenanceImage(TypedDict, total=False):
    """The PNG crop of the page region each row with a bbox came from (extract.pdf.provenance)."""

    report_id: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    png: bytes


def columns(row_type: type) -> dict[str, type]:
    """{column: Python type} of a row type, in declaration order (the page and box of
    `Located` last).

    >>> list(columns(KeyFigure))
    ['report_id', 'key', 'value', 'label', 'page', 'x0', 'top', 'x1', 'bottom']
    """
    hints = typing.get_type_hints(row_type)
    # A TypedDict lists its bases' keys first: the page and box go after the row's own.
    located = list(Located.__annotations__)
    if hints and list(hints)[:len(located)] == located and row_type is not Located:
        hints = {**{k: v for k, v in hints.items() if k not in located},
                 **{k: hints[k] for k in located}}
    out = {}
    for name, hint in hints.items():
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        out[name] = args[0] if args else hint
    return out


BOX = ("x0", "top", "x1", "bottom")


class RowError(TypeError):
    """A row that breaks its type: said by the parser's name, table, column and page."""


def _accepts(expected: type, value: Any) -> bool:
    if value is None:
        return True
    if expected is float:  # an integer is a number too (`3` for 3.0); a bool is not
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:  # SQLite's booleans are integers 0/1: a Python bool is one
        return isinstance(value, int)
    return isinstance(value, expected)


def check_rows(table: str, rows: list[dict[str, Any]], types: dict[str, type] | type) -> None:
    """Each row's values of its declared types, and the page-and-box rule: a row with
    any of `x0, top, x1, bottom` has all four, ordered, and a `page` ≥ 1.

    `types` is the table's row type or its `columns`.

    >>> check_rows("key_figures", [{"key": "x", "value": 3, "page": 2}], KeyFigure)
    >>> check_rows("key_figures", [{"key": "x", "value": "3"}], KeyFigure)
    Traceback (most recent call last):
    ...
    extract.store.rows.RowError: key_figures.value: float expected, got str '3'
    >>> check_rows("key_figures", [{"key": "x", "page": 2, "x0": 5, "top": 1}], KeyFigure)
    Traceback (most recent call last):
    ...
    extract.store.rows.RowError: key_figures (page 2): a box needs x0, top, x1 and bottom, got x0, top
    """
    types = types if isinstance(types, dict) else columns(types)
    for row in rows:
        where = f"{table} (page {row['page']})" if row.get("page") is not None else table
        for column, value in row.items():
            if column in types and not _accepts(types[column], value):
                raise RowError(f"{table}.{column}: {types[column].__name__} expected, "
                               f"got {type(value).__name__} {value!r}"[:300])
        box = [c for c in BOX if row.get(c) is not None]
        if box and len(box) < 4:
            raise RowError(f"{where}: a box needs x0, top, x1 and bottom, got {', '.join(box)}")
        if box:
            if not (row["x0"] <= row["x1"] and row["top"] <= row["bottom"]):
                raise RowError(f"{where}: box {tuple(row[c] for c in BOX)} is not ordered")
            if not isinstance(row.get("page"), int) or row["page"] < 1:
                raise RowError(f"{where}: a row with a box needs its page (1-based)")
