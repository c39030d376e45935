"""The members matrix over its design space: every habit of issue 21 is a knob.

A design is one edition's members section (with the report's front matter) drawn by
the HTML renderer with the knobs below, printed by Chromium (cached by the HTML's
hash), read by the members parser and compared with the data file:

- `members_f1`: F1 of (member, Board seat, new mark) against the data's rows;
- `cells_accuracy`: cells right / cells in the data or read (a yes-mark is `Yes`);
- `caught`: 1 when the section is right or at least one `members.*` check failed.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from tests.conftest import DATA
from tests.specimens.html.printers import print_pdf
from tests.specimens.html.render import HtmlLayout, edition_html, load_edition
from tests.test_html_specimens import ENGAGEMENT_KEYS, PUBLICATION_KEYS, member_id

from bench.design_space import Design, Metrics, SectionSpace, register
from extract.pdf.layout import Document
from extract.sections import ReportContext, members

# The column keys of each edition's matrices, in the order it prints them (SCHEMA.md).
KEYS = {edition: {"publications": PUBLICATION_KEYS, "engagement": ENGAGEMENT_KEYS}
        for edition in ("2021-fr", "2021-en", "2021-es")}
# Board colours: the CSS colour and the key of its word in the legend (LEGEND_COLOURS).
BOARD = {
    "red": {"board_color": None},
    "blue": {"board_color": "#1f5fbf", "board_color_word": "blue"},
    "green": {"board_color": "#2e8b3a", "board_color_word": "green"},
    "grey": {"board_color": "#7f7f7f", "board_color_word": "grey"},
    "marker ‡": {"board_marker": "‡"},
}
NEW_MARKERS = {"(N)": "(N)", "*": "*", "†": "†", "(word)": None}  # (word): `(nouveau)`, `(new)`, `(nuevo)`
NEW_WORD = {"fr": "(nouveau)", "en": "(new)", "es": "(nuevo)"}
KNOBS: dict[str, list[Any]] = {
    "edition": ["2021-fr", "2021-en", "2021-es"],
    "title_turn": [0, 90, 270],
    "yes_mark": ["as data", "word", "✓", "●", "×", "drawn:circle", "drawn:tick"],
    "board": list(BOARD),
    "new_marker": list(NEW_MARKERS),
    "rows": ["none", "rules", "zebra"],
    "cell_valign": ["top", "middle", "bottom"],
    "name_lines": [None, 1, 2, 3],
    "header_repeat": [True, False],
    "page_size": [None, "A4-portrait", "letter-landscape", "letter-portrait"],
    # every family of the Debian font packages the Makefile installs (render.FONT_FILES)
    "font": ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif", "Liberation Sans Narrow",
             "Lato", "Noto Sans", "Noto Serif", "Open Sans"],
}
YES_WORD = {"fr": "Oui", "en": "Yes", "es": "Sí"}


def layout_of(design: Design, language: str) -> HtmlLayout:
    """The renderer's knobs for one design."""
    mark = design["yes_mark"]
    yes = None if mark == "as data" else YES_WORD[language] if mark == "word" else mark
    new = NEW_MARKERS[design["new_marker"]] or NEW_WORD[language]
    return HtmlLayout(
        font=design["font"], page_size=design["page_size"], title_turn=design["title_turn"],
        yes_mark=yes, new_marker=new, row_rules=design["rows"] == "rules",
        row_shading=design["rows"] == "zebra", cell_valign=design["cell_valign"],
        name_lines=design["name_lines"], header_repeat=design["header_repeat"],
        **BOARD[design["board"]])


def print_design(design: Design, tmp: Path, data: dict | None = None) -> tuple[Path, dict]:
    """The report's front matter and members section, drawn and printed."""
    edition = design["edition"]
    data = copy.deepcopy(data or load_edition(DATA / edition))
    data = {k: v for k, v in data.items() if k in ("report", "members")}
    html = edition_html(None, layout_of(design, data["report"]["language"]), data=data)
    return print_pdf(html, tmp / f"{edition}-members.pdf", "chromium"), data


def read(pdf: Path, edition: str, language: str) -> tuple[dict, list[dict]]:
    """The members tables of a print and the section's checks."""
    ctx = ReportContext(edition, 2021, language, pdf.name)
    with Document(pdf) as doc:
        pages = list(doc.pages(members.select_pages(doc.page_texts, ctx)))
    section = members.parse(pages, ctx)
    return section.tables, members.checks(section.tables, section.state, ctx)


def truth(data: dict, edition: str) -> tuple[set, dict]:
    """(member, Board, new) of every row and {(member, key): value} of every cell."""
    flags: dict[str, tuple[bool, bool]] = {}
    cells = {}
    for matrix in data["members"]["matrices"]:
        for row in matrix["rows"]:
            mid = member_id(row["name"])
            # a member is on the Board, or new, when any of its rows says so
            board, new = flags.get(mid, (False, False))
            flags[mid] = (board or bool(row.get("board")), new or bool(row.get("new")))
            for index, value in (row.get("cells") or {}).items():
                # every yes-mark is stored as `Yes` (SCHEMA.md), whatever the data prints
                value = "Yes" if members.read_mark(str(value))[0] == "Yes" else str(value)
                cells[(mid, KEYS[edition][matrix["id"]][int(index)])] = value
    return {(mid, board, new) for mid, (board, new) in flags.items()}, cells


def compare(data: dict, tables: dict, edition: str) -> Metrics:
    want_rows, want_cells = truth(data, edition)
    got_rows = {(r["member_id"], bool(r["is_board_member"]), bool(r["is_new_member"]))
                for r in tables.get("member_status") or []}
    got_cells = {(r["member_id"], r["indicator"]): r["value"] for r in tables.get("member_indicators") or []}
    hit = len(want_rows & got_rows)
    f1 = 2 * hit / (len(want_rows) + len(got_rows)) if want_rows or got_rows else 1.0
    keys = set(want_cells) | set(got_cells)
    right = sum(want_cells.get(k) == got_cells.get(k) for k in keys)
    return {"members_f1": f1, "cells_accuracy": right / len(keys) if keys else 1.0}


def score(design: Design, tmp: Path, seed: int) -> Metrics:
    pdf, data = print_design(design, tmp)
    tables, checks = read(pdf, design["edition"], data["report"]["language"])
    metrics = compare(data, tables, design["edition"])
    right = metrics["members_f1"] == 1.0 and metrics["cells_accuracy"] == 1.0
    failed = [c for c in checks if not c["passed"]]
    return {**metrics, "caught": float(right or bool(failed))}


SPACE = register(SectionSpace("members", KNOBS, score,
                              targets={"members_f1": 0.99, "cells_accuracy": 0.99, "caught": 1.0}))
