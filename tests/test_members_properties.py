"""Layout independence of the members matrix: random matrices drawn, extracted, compared.

Members come from the real 2021 list; cells, column order and widths, title wrapping,
page size and orientation, font, red (RGB or CMYK), rows per page, cell alignment and
language are random. Column titles are drawn from the labelled sets
(`tests/data/column_titles_<lang>.csv`: other designers' wordings, read by meaning) as
well as the specimen's own; an unknown column from their distractors. Every cell must
come back exactly, under its key.
"""

from __future__ import annotations

import colorsys
import csv
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract.pdf.layout import Document
from extract.sections import ReportContext, members
from tests.conftest import DATA, ROOT, sample
from tests.specimens.pdfkit import PAGE_SIZES, ReportCanvas, Style, available_fonts
from tests.specimens.render_members import MatrixLayout, draw_matrix

TRUTH = yaml.safe_load((DATA / "2021-fr" / "members.yml").read_text(encoding="utf-8"))
NAMES = list({" ".join(r["name"]): r["name"] for r in TRUTH["matrices"][0]["rows"]}.values())

# key -> (French title as the 2021 report prints it, our English wording, kind of cells)
COLUMNS = {
    "news_published": ("Nouvelles publiées sur le site web de Metropolis",
                       "News published on the Metropolis website", "count"),
    "library_publications": ("Publications dans la librairie du site web de Metropolis",
                             "Publications in the library of the Metropolis website", "count"),
    "mentions_in_publications": ("Membres mentionnés dans nos publications",
                                 "Members mentioned in our publications", "count"),
    "use_cases": ("Cas publiés sur la plateforme USE au cours de l’année",
                  "Cases published on the USE platform during the year", "count"),
    "c4gh_initiatives": ("Initiatives publiées dans le C4GH", "Initiatives published in the C4GH", "count"),
    "wmd_event_organiser": ("Organisateurs d’événements à l’occasion de la Journée mondiale des métropoles",
                            "Organisers of events for World Metropolitan Day", "yes"),
    "congress_participation": ("Participation aux réunions annuelles ou aux congrès de Metropolis",
                               "Participation in Metropolis annual meetings or congresses", "yes"),
    "bilateral_meetings": ("Participation à des réunions bilatérales",
                           "Participation in bilateral meetings", "yes"),
    "mis_analysed": ("Membre analysé Metropolitan Indicators System",
                     "Member analysed by the Metropolitan Indicators System", "yes"),
    "training_participation": ("Participation à des activités de formation",
                               "Participation in training activities", "count"),
    "pilot_project_role": ("Projets pilotes Leader (L) Collaborateur (P)",
                           "Pilot projects Leader (L) Partner (P)", "role"),
    "fee_paid": ("Paiement du quota 2021", "Payment of the 2021 membership fee", "yes"),
    "board_meeting_participation": ("Participation aux réunions du “Board of Directors”",
                                    "Participation in Board of Directors meetings", "count"),
    "activated": ("Membre activé", "Activated member", "yes"),
}


def _labelled(language: str) -> dict[str, list[str]]:
    """Key (or `unknown`) -> titles of the labelled set."""
    out: dict[str, list[str]] = {}
    path = ROOT / "tests" / "data" / f"column_titles_{language}.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["key"], []).append(row["title"])
    return out


LABELLED = {lang: _labelled(lang) for lang in ("fr", "en")}
# Distractors of three words or more that are not a legend or heading line: a one-word
# title or a legend's twin is a question for the header's geometry, not for its meaning.
DISTRACTORS = {lang: [t for t in titles["unknown"] if len(t.split()) >= 3 and not members.is_decoration(t)]
               for lang, titles in LABELLED.items()}
HEADINGS = {"fr": ("CARTOGRAPHIE DES MEMBRES", ["En rouge, membre du conseil d’administration",
                                                "(N) Nouveau membre"]),
            "en": ("MEMBERS MAPPING", ["In red, member of the Board of Directors", "(N) New member"])}
# CI runs 200; set MEMBERS_EXAMPLES=5000 to hunt for rare layouts locally.
EXAMPLES = int(os.environ.get("MEMBERS_EXAMPLES", sample(200, 20)))
VALUES = {
    "count": st.one_of(st.integers(1, 40).map(str), st.just("-")),
    "yes": st.sampled_from(["Yes", "-"]),
    "role": st.sampled_from(["L", "P", "L & P", "-"]),
}


@st.composite
def reds(draw) -> tuple[float, ...]:
    """Another red: RGB of a red hue, or CMYK."""
    if draw(st.booleans()):
        c = draw(st.floats(0, 0.05))
        m, y, k = draw(st.floats(0.85, 1)), draw(st.floats(0.75, 1)), draw(st.floats(0, 0.25))
        return (c, m, y, k)
    hue = draw(st.floats(-0.035, 0.035)) % 1.0
    return colorsys.hls_to_rgb(hue, draw(st.floats(0.35, 0.6)), draw(st.floats(0.65, 1)))


@st.composite
def matrices(draw) -> dict:
    language = draw(st.sampled_from(["fr", "en"]))
    keys = draw(st.lists(st.sampled_from(sorted(COLUMNS)), min_size=1, max_size=6, unique=True))
    # (key, printed title, kind of cells): the specimen's title or another designer's
    columns = []
    for k in keys:
        fr, en, kind = COLUMNS[k]
        own = fr if language == "fr" else en
        columns.append((k, draw(st.sampled_from([own, *LABELLED[language][k]])), kind))
    if draw(st.integers(0, 4)) == 0:
        title = draw(st.sampled_from(DISTRACTORS[language]))
        columns.insert(draw(st.integers(0, len(columns))), ("unknown", title, "count"))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=7, unique_by=lambda n: " ".join(n)))
    rows = []
    for name in names:
        cells = {}
        for i, (_, _, kind) in enumerate(columns):
            if draw(st.booleans()):
                cells[i] = draw(VALUES[kind])
        rows.append({"name": name, "new": draw(st.integers(0, 5)) == 0, "board": draw(st.booleans()),
                     "cells": cells})
    headers = [title for _, title, _ in columns]
    n = len(columns)
    # Cells align as their titles do: a left-aligned cell under a centred title in a wide
    # column sits nearer the neighbour's title, and without rules no reader can tell.
    align = draw(st.sampled_from(["center", "left"]))
    legend_at = draw(st.sampled_from(["top", "bottom", "corner"]))
    header_lines = draw(st.integers(1, 4))
    legend = HEADINGS[language][1]
    heading_every_page = draw(st.booleans())
    # Like the report: the columns may be split over two matrices of the same members.
    # Each matrix keeps one known column: a page with neither heading nor a known title
    # is not recognisable as part of the matrix from its text.
    cuts = [i for i in range(1, n) if any(c[0] != "unknown" for c in columns[:i])
            and any(c[0] != "unknown" for c in columns[i:])]
    split = draw(st.sampled_from(cuts)) if cuts and draw(st.booleans()) else 0
    layout = MatrixLayout(
        rows_per_page=draw(st.integers(2, 5)),
        column_widths=draw(st.one_of(st.none(), st.lists(st.floats(20, 120), min_size=n, max_size=n))),
        header_lines=header_lines,
        body_size=draw(st.floats(6.5, 9.5)),
        header_size=draw(st.floats(5.5, 8)),
        row_gap=draw(st.floats(0.6, 1.3)),
        name_leading=draw(st.floats(1.05, 1.3)),
        cell_align=draw(st.sampled_from(["first", "middle", "last"])),
        legend_red=draw(st.booleans()),
        margin_label=draw(st.sampled_from([None, "ÉCOUTE ACTIVE", "ACTIVE LISTENING"])),
        name_width=draw(st.one_of(st.none(), st.floats(130, 200))),
        legend_at=legend_at,
        heading_every_page=heading_every_page,
        # Titles on the first page only: the heading then marks the pages that follow.
        header_every_page=draw(st.booleans()) if heading_every_page else True,
        header_valign=draw(st.sampled_from(["bottom", "top"])),
        header_halign=align,
        cell_halign=align,
        name_indent=draw(st.sampled_from([0.0, 0.0, 4.0, 10.0])),
        # Off-Board names in black, grey, the accent blue or a CMYK black: only red counts.
        name_color=draw(st.sampled_from([(0, 0, 0), (0.3, 0.3, 0.3), (0.0, 0.45, 0.62), (0, 0, 0, 1)])),
    )
    style = Style(page_size=draw(st.sampled_from(sorted(PAGE_SIZES))),
                  font_family=draw(st.sampled_from(available_fonts())), red=draw(reds()))
    return {"language": language, "columns": columns, "headers": headers, "rows": rows,
            "layout": layout, "style": style, "split": split, "legend": legend}


class SlugNames:
    """Member identity by slug: these tests are about layout, not about the gazetteer."""

    def member(self, printed_name: str, page: int | None = None) -> str:
        return members.slug(printed_name)

    def peek(self, name: str, country: str | None = None) -> None:
        return None  # no gazetteer: no line of a name reads as a place

    def shared_place_check(self, member_ids: set[str] | None = None) -> dict:
        # no gazetteer: no two members resolve to one place
        return {"check": "members.shared_place", "expected": "0", "actual": "0", "passed": 1}


def extract(case: dict, path: Path) -> tuple[dict, ReportContext]:
    rc = ReportCanvas(path, case["style"])
    heading, legend = HEADINGS[case["language"]][0], case["legend"]
    cut = case.get("split") or len(case["headers"])
    for part in (slice(0, cut), slice(cut, None)):
        indices = list(range(len(case["headers"])))[part]
        if not indices:
            continue
        rows = [{**r, "cells": {indices.index(i): v for i, v in r["cells"].items() if i in indices}}
                for r in case["rows"]]
        headers = [case["headers"][i] for i in indices]
        layout = replace(case["layout"], column_widths=(
            [case["layout"].column_widths[i] for i in indices] if case["layout"].column_widths else None))
        draw_matrix(rc, heading, legend, headers, rows, layout)
    rc.save()
    ctx = ReportContext(f"2021-{case['language']}", 2021, case["language"], path.name, names=SlugNames())
    with Document(path) as doc:
        numbers = members.select_pages(doc.page_texts, ctx)
        pages = list(doc.pages(numbers))
    section = members.parse(pages, ctx)
    assert all(note is None for note in section.pages.values()), section.pages  # every page read
    results = members.checks(section.tables, section.state, ctx)
    # an unknown column fails members.columns_known, as it must; nothing else may fail
    failed = [c for c in results if not c["passed"] and c["check"] != "members.columns_known"]
    assert not failed, failed
    known = next(c for c in results if c["check"] == "members.columns_known")
    return section.tables, ctx, known


def column_key(column: tuple) -> str:
    key, title, _ = column
    return key if key != "unknown" else f"unknown:{members.slug(title)}"


# Found by the draw: a matrix split in two whose first part has two short paraphrased
# titles and no heading after its first page; its continuation pages must be read.
SPLIT_SHORT_TITLES = {
    "language": "fr",
    "columns": [("activated", "Adhésion active", "yes"), ("bilateral_meetings", "Réunion bilatérale", "yes"),
                ("congress_participation", COLUMNS["congress_participation"][0], "yes"),
                ("board_meeting_participation", COLUMNS["board_meeting_participation"][0], "count"),
                ("c4gh_initiatives", COLUMNS["c4gh_initiatives"][0], "count"),
                ("use_cases", COLUMNS["use_cases"][0], "count")],
    "rows": [{"name": [n], "new": True, "board": False, "cells": {}} for n in ("Abidjan", "Berlin", "Brazzaville")]
    + [{"name": ["Kaohsiung"], "new": True, "board": False, "cells": {1: "Yes", 2: "Yes", 3: "1"}},
       {"name": ["Taichung"], "new": True, "board": False, "cells": {}},
       {"name": ["Valle de Aburra"], "new": True, "board": False, "cells": {5: "1"}},
       {"name": ["Wuxi"], "new": False, "board": False, "cells": {3: "1"}}],
    "layout": MatrixLayout(rows_per_page=2, header_lines=1, body_size=6.5, header_size=5.5, row_gap=0.6,
                           name_leading=1.05, cell_align="first", legend_red=False,
                           heading_every_page=False, header_every_page=True),
    "style": Style(page_size="A4-landscape", font_family="Vera", red=(0.58, 0.12, 0.12)),
    "split": 2, "legend": HEADINGS["fr"][1],
}
SPLIT_SHORT_TITLES["headers"] = [title for _, title, _ in SPLIT_SHORT_TITLES["columns"]]
# One paraphrased column whose first page's legend names the Board (and "réunions").
ONE_COLUMN = {
    **SPLIT_SHORT_TITLES, "split": 0,
    "columns": [("bilateral_meetings", "Réunions bilatérales tenues", "yes")],
    "headers": ["Réunions bilatérales tenues"],
    "rows": [{"name": [n], "new": True, "board": False, "cells": {}} for n in ("Abidjan", "Accra", "Addis Ababa")],
}


# The legend beside the titles on the first page only: its lines hold legend and titles.
CORNER_LEGEND = {
    **ONE_COLUMN,
    "columns": [("activated", "Membre actif", "yes"), ("bilateral_meetings", "Réunions bilatérales tenues", "yes"),
                ("board_meeting_participation", "Réunions du conseil d’administration : présence", "count"),
                ("c4gh_initiatives", "Initiatives sur Cities for Global Health", "count"),
                ("congress_participation", "Présence au congrès de Metropolis", "yes")],
    "layout": replace(SPLIT_SHORT_TITLES["layout"], legend_at="corner", body_size=7.0, header_size=6.0),
}
CORNER_LEGEND["headers"] = [title for _, title, _ in CORNER_LEGEND["columns"]]
# ... and the first of two matrices has one two-word column.
# An acronym title ("Initiatives C4GH") repeated on a continuation page.
ACRONYM_SPLIT = {**ONE_COLUMN, "split": 1,
                 "columns": [("c4gh_initiatives", "Initiatives C4GH", "count"), ("activated", "Membre activé", "yes")],
                 "headers": ["Initiatives C4GH", "Membre activé"],
                 "layout": replace(SPLIT_SHORT_TITLES["layout"], body_size=7.0, header_size=6.0)}
CORNER_ONE_WORD_PAIR = {**CORNER_LEGEND, "split": 1,
                        "rows": [*ONE_COLUMN["rows"][:2], {**ONE_COLUMN["rows"][2], "cells": {0: "Yes"}}]}


# Found by the draw (`make explore`): one matrix of five new members without cells, two
# rows a page, the heading on the first page only, a title the vocabulary's words do not
# name (`Membre actif`). Its continuation pages repeat the title line over rows with no
# cell ('Accra (N)', 'Addis Ababa (N)'; the last 'Ahvaz (N)' alone): they were selected
# neither as repeating titles (the repeat had to name an indicator) nor as rows (three
# cells at least), and three of five members were lost with every check passing.
LAST_PAGE_ONE_ROW = {
    **ONE_COLUMN,
    "columns": [("activated", "Membre actif", "yes")], "headers": ["Membre actif"],
    "rows": [{"name": [n], "new": True, "board": False, "cells": {}}
             for n in ("New Delhi - NIUA", "Abidjan", "Accra", "Addis Ababa", "Ahvaz")],
    "layout": replace(SPLIT_SHORT_TITLES["layout"], body_size=7.0, header_size=6.0, row_gap=1.0,
                      name_leading=1.25),
    "style": Style(page_size="A4-landscape", font_family="Vera", red=(1.0, 0.0, 0.0)),
}
# ... and the same with the titles on the first page only: the last page is one name.
LAST_PAGE_NO_TITLES = {**LAST_PAGE_ONE_ROW,
                       "layout": replace(LAST_PAGE_ONE_ROW["layout"], header_every_page=False)}

# ... and two matrices, each ending on 'Accra (N)' alone under a title wrapped with a line
# of no title word (`de`): both lost it, so members_in_every_matrix passed (explore run).
LAST_PAGE_WRAPPED_TITLE = {
    **LAST_PAGE_ONE_ROW, "split": 1,
    "columns": [("mentions_in_publications", "Mentions dans les publications de Metropolis", "count"),
                ("bilateral_meetings", "Réunions bilatérales avec le Secrétariat", "yes")],
    "headers": ["Mentions dans les publications de Metropolis", "Réunions bilatérales avec le Secrétariat"],
    "rows": [{"name": [n], "new": True, "board": False, "cells": {}} for n in ("Abidjan", "New Delhi - NIUA", "Accra")],
    "layout": replace(LAST_PAGE_ONE_ROW["layout"], header_lines=4),
}


@pytest.mark.parametrize("case", [LAST_PAGE_ONE_ROW, LAST_PAGE_NO_TITLES, LAST_PAGE_WRAPPED_TITLE],
                         ids=["titles-repeated", "no-titles", "wrapped-title-two-matrices"])
def test_a_last_page_of_one_row_without_cells_is_the_matrix(case, tmp_path):
    tables, _ctx, _known = extract(case, tmp_path / "matrix.pdf")
    with Document(tmp_path / "matrix.pdf") as doc:
        texts = doc.page_texts
    # the drawing is the case: each matrix's last page holds one row
    assert texts[-1].count("(N)") == 1
    ctx = ReportContext("2021-fr", 2021, "fr", "matrix.pdf", names=SlugNames())
    assert members.select_pages(texts, ctx) == list(range(1, len(texts) + 1))
    assert [r["printed_name"] for r in tables["member_status"]] == [" ".join(r["name"]) for r in case["rows"]]
    assert all(r["is_new_member"] for r in tables["member_status"])


def test_a_page_of_bare_names_after_the_matrix_fails_a_check(tmp_path):
    """Rows with neither cell nor marker on pages without titles ('Accra', 'Addis Ababa',
    then 'Ahvaz'): the text cannot tell them from a list or a divider, so they are not
    read, and `members.no_rows_left_out` fails naming the page and its names. Before,
    the two pages were lost with every check passing (one matrix: no other to compare
    with, no key figure to count against)."""
    case = {**LAST_PAGE_NO_TITLES, "rows": [{**r, "new": False} for r in LAST_PAGE_NO_TITLES["rows"]]}
    path = tmp_path / "matrix.pdf"
    rc = ReportCanvas(path, case["style"])
    draw_matrix(rc, HEADINGS["fr"][0], case["legend"], case["headers"], case["rows"], case["layout"])
    rc.save()
    ctx = ReportContext("2021-fr", 2021, "fr", path.name, names=SlugNames())
    with Document(path) as doc:
        numbers = members.select_pages(doc.page_texts, ctx)
        section = members.parse(list(doc.pages(numbers)), ctx)
    results = {c["check"]: c for c in members.checks(section.tables, section.state, ctx)}
    left_out = results["members.no_rows_left_out"]
    assert not left_out["passed"] and "p. 2" in left_out["detail"], left_out
    assert "Accra" in left_out["detail"] and "Addis Ababa" in left_out["detail"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices())
@example(SPLIT_SHORT_TITLES)
@example(ONE_COLUMN)
@example(CORNER_LEGEND)
@example(CORNER_ONE_WORD_PAIR)
@example(ACRONYM_SPLIT)
@example(LAST_PAGE_ONE_ROW)
@example(LAST_PAGE_WRAPPED_TITLE)
def test_every_cell_back_exactly(case):
    with tempfile.TemporaryDirectory() as folder:
        tables, ctx, columns_known = extract(case, Path(folder) / "matrix.pdf")
    names = SlugNames()
    expected_cells, board, new = {}, set(), set()
    keys = [column_key(c) for c in case["columns"]]
    for row in case["rows"]:
        member = names.member(" ".join(row["name"]))
        board.update([member] if row["board"] else [])
        new.update([member] if row["new"] else [])
        for i, value in row["cells"].items():
            expected_cells[(member, keys[i])] = value
    status = tables.get("member_status", [])
    assert [r["printed_name"] for r in status] == [" ".join(r["name"]) for r in case["rows"]]
    got = {(r["member_id"], r["indicator"]): r["value"] for r in tables.get("member_indicators", [])}
    assert got == expected_cells
    assert {r["member_id"] for r in status if r["is_board_member"]} == board
    assert {r["member_id"] for r in status if r["is_new_member"]} == new
    unknown = any(k == "unknown" for k, *_ in case["columns"])
    assert bool(ctx.warnings) == unknown, ctx.warnings
    assert columns_known["passed"] == (not unknown), columns_known
