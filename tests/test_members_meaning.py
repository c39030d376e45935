"""The members matrix read by meaning (issue 21): a title's meaning first, its cells after,
and a sibling edition of the same year as evidence for a column no title explains."""

from __future__ import annotations

import copy

from tests.conftest import DATA
from tests.specimens.html.render import HtmlLayout, load_edition
from tests.test_html_habits import member_differences, read_members, section_pdf
from tests.test_html_specimens import ENGAGEMENT_KEYS


def _swap_kinds(data: dict) -> dict:
    """2021-fr with bilateral meetings printed as counts and Board meetings as `Oui`: the
    way another producer prints them (issue 21), the titles unchanged."""
    data = copy.deepcopy(data)
    engagement = next(m for m in data["members"]["matrices"] if m["id"] == "engagement")
    bilateral = ENGAGEMENT_KEYS.index("bilateral_meetings")
    board = ENGAGEMENT_KEYS.index("board_meeting_participation")
    for n, row in enumerate(engagement["rows"]):
        cells = row.setdefault("cells", {})
        if bilateral in cells:
            cells[bilateral] = str(1 + n % 4)
        if board in cells:
            cells[board] = "Oui"
    return data


def test_titles_keep_their_key_when_the_cells_are_of_another_kind(tmp_path):
    data = _swap_kinds(load_edition(DATA / "2021-fr"))
    pdf, data = section_pdf(tmp_path, "2021-fr", ["members"], HtmlLayout(), data=data)
    tables = read_members(pdf, "2021-fr", "fr")
    assert member_differences(data, tables, "2021-fr") == {
        "missing members": [], "unexpected members": [], "wrong cells": []}
    review = {r["printed_title"]: r for r in tables["column_review"]}
    kinds = {(r["key"], r["reason"], r["cell_kind"]) for r in review.values()}
    assert kinds == {("bilateral_meetings", "unexpected cells", "count"),
                     ("board_meeting_participation", "unexpected cells", "yes")}, review
