"""Layout habits of other producers (issue 13), drawn with the reportlab renderer's knobs.

Each test draws one habit that our committed specimens never drew and that broke the
extraction silently: wrapped neighbour names with centred cells, a name whose cells sit
between its lines, rows told apart only by rules or shading. Values come from the
specimen data (`tests/specimens/data/2021-fr/members.yml`) or are written by hand.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.pdf.layout import Document, Line, Word
from extract.sections import ReportContext, members
from extract.sections.members.matrix import NameEvidence, cell_bands, segment_names
from tests.conftest import sample
from tests.specimens.pdfkit import ReportCanvas, Style
from tests.specimens.render_members import MatrixLayout, draw_matrix
from tests.test_members_properties import NAMES, SlugNames

HEADING = "CARTOGRAPHIE DES MEMBRES"
LEGEND = ["En rouge, membre du conseil d’administration", "(N) Nouveau membre"]
# Two columns of the 2021 matrix 1, titles as printed.
HEADERS = [["Nouvelles publiées", "sur le site web de Metropolis"], ["Membres mentionnés", "dans nos publications"]]
KEYS = ["news_published", "mentions_in_publications"]
# Rows of members.yml (2021-fr, matrix 1): the two Barcelonas wrap their names.
ROWS = [
    {"name": ["Athens"], "cells": {0: "2", 1: "9"}},
    {"name": ["Barcelona", "Área metropolitana"], "cells": {0: "12", 1: "13"}},
    {"name": ["Barcelona", "Ciudad"], "cells": {0: "10", 1: "14"}},
    {"name": ["Beijing"], "cells": {1: "11"}},
    {"name": ["Santiago de", "Chile"], "cells": {1: "7"}},
]


def read_matrix(path: Path, rows: list[dict], layout: MatrixLayout) -> tuple[dict, ReportContext]:
    rc = ReportCanvas(path, Style())
    draw_matrix(rc, HEADING, LEGEND, HEADERS, rows, layout)
    rc.save()
    ctx = ReportContext("2021-fr", 2021, "fr", path.name, names=SlugNames())
    with Document(path) as doc:
        pages = list(doc.pages(members.select_pages(doc.page_texts, ctx)))
    return members.parse(pages, ctx).tables, ctx


def expected(rows: list[dict]) -> tuple[list[str], dict]:
    names = [" ".join(r["name"]) for r in rows]
    cells = {(members.slug(" ".join(r["name"])), KEYS[i]): v for r in rows for i, v in r["cells"].items()}
    return names, cells


def got(tables: dict) -> tuple[list[str], dict]:
    names = [r["printed_name"] for r in tables.get("member_status", [])]
    cells = {(r["member_id"], r["indicator"]): r["value"] for r in tables.get("member_indicators", [])}
    return names, cells


def test_wrapped_neighbours_with_centred_cells_are_two_members(tmp_path):
    """Rows packed as tightly as the lines of a name (a table with little padding), cells
    centred between each name's two lines: the gaps say nothing, the cells say it all."""
    layout = MatrixLayout(row_gap=0.3, name_leading=1.2, cell_align="middle")
    tables, ctx = read_matrix(tmp_path / "m.pdf", ROWS, layout)
    assert got(tables) == expected(ROWS)
    assert ctx.warnings == []


def test_a_name_whose_cells_sit_between_its_lines_stays_one_name(tmp_path):
    """Loose leading inside a name: its lines are as far apart as two rows, and only
    the cells centred between them say that they are one name."""
    layout = MatrixLayout(row_gap=0.8, name_leading=1.6, cell_align="middle")
    tables, ctx = read_matrix(tmp_path / "m.pdf", ROWS, layout)
    assert got(tables) == expected(ROWS)
    assert ctx.warnings == []


@pytest.mark.parametrize("align", ["first", "middle", "last"])
@pytest.mark.parametrize("leading, gap", [(1.15, 0.3), (1.5, 0.8), (1.15, 1.2)])
def test_names_over_one_to_three_lines_beside_wrapped_neighbours(tmp_path, align, leading, gap):
    rows = [
        {"name": ["Área Metropolitana", "de Guadalajara", "(IMEPLAN)"], "cells": {0: "3", 1: "5"}},
        {"name": ["Barcelona", "Área metropolitana"], "cells": {0: "12", 1: "13"}},
        {"name": ["Barcelona", "Ciudad"], "cells": {0: "10", 1: "14"}},
        {"name": ["Beijing"], "cells": {1: "11"}},
        {"name": ["Belo Horizonte"], "cells": {0: "4", 1: "31"}},
        {"name": ["Santiago de", "Chile"], "cells": {0: "1"}},
    ]
    layout = MatrixLayout(row_gap=gap, name_leading=leading, cell_align=align)
    tables, ctx = read_matrix(tmp_path / "m.pdf", rows, layout)
    assert got(tables) == expected(rows)
    assert ctx.warnings == []


@pytest.mark.parametrize("knob", ["row_rules", "row_shading"])
def test_rules_or_shading_part_rows_without_cells(tmp_path, knob):
    """Members with no cells at all, rows as tight as lines: only the rules or the
    shading between rows tell `Santiago de` / `Chile` from `Seoul`."""
    rows = [
        {"name": ["Santiago de", "Chile"], "cells": {}},
        {"name": ["Seoul"], "cells": {}},
        {"name": ["Barcelona", "Ciudad"], "cells": {}},
        {"name": ["Beijing"], "cells": {}},
        {"name": ["Berlin"], "cells": {0: "6"}},
    ]
    layout = MatrixLayout(row_gap=0.3, name_leading=1.2, cell_align="middle", **{knob: True})
    tables, ctx = read_matrix(tmp_path / "m.pdf", rows, layout)
    assert got(tables) == expected(rows)
    assert ctx.warnings == []


def _line(text: str, top: float, size: float = 8) -> Line:
    words, x = [], 0.0
    for part in text.split():
        words.append(Word(part, x, top, x + 5 * len(part), top + size, size))
        x += 5 * len(part) + 3
    return Line(words)


def test_evidence_that_disagrees_is_said_and_fails_a_check():
    """Two single names a row's gap apart, one band of cells in the white between them:
    the rows are read, and the disagreement is a warning and a failed members check."""
    lines = [_line("Accra", 100), _line("Ahvaz", 124)]
    cells = [Word("5", 200, 110, 205, 118, 8)]
    groups, doubts = segment_names(NameEvidence(lines, cell_bands(cells)), lambda t: False)
    assert [[ln.text for ln in g] for g in groups] == [["Accra"], ["Ahvaz"]]
    assert len(doubts) == 1 and "Accra" in doubts[0] and "Ahvaz" in doubts[0]
    tables = {"member_status": [{"member_id": "accra", "is_new_member": 0}]}
    state = members.MatrixState(seen_in={"accra": [0]}, doubts=[f"p.1: {doubts[0]}"])
    check = {c["check"]: c for c in members.checks(tables, state, ReportContext("2021-fr", 2021, "fr", "x"))}
    assert check["members.rows_agree"]["passed"] == 0
    assert "Accra" in check["members.rows_agree"]["detail"]


def test_two_bands_beside_one_line_chain_are_two_names():
    """Lines closer than a row's gap, each with its own band of cells: two members."""
    lines = [_line("Barcelona", 100), _line("Ciudad", 109.5)]
    cells = [Word("1", 200, 100, 205, 108, 8), Word("2", 200, 109.5, 205, 117.5, 8)]
    groups, doubts = segment_names(NameEvidence(lines, cell_bands(cells)), lambda t: False)
    assert len(groups) == 2 and doubts == []


# --- key figures -----------------------------------------------------------------------

# A results page of nine big numbers in a 3 x 3 grid, labels worded and wrapped as the
# real report's "NOTRE IMPACT" infographic prints them (seed text layer), one label set
# above its number; (key, value, label) as they must come back.
GRID = [
    ({"printed": "+36.4K", "lines": ["Followers", "sur les réseaux sociaux"]},
     ("unknown:followers-sur-les-reseaux-sociaux", 36400.0, "+36.4K Followers sur les réseaux sociaux")),
    ({"printed": "+2.1K", "lines": ["Participants", "aux événements dirigés", "ou codirigés par metropolis"]},
     # fuzzily the vocabulary's "participations aux événements"
     ("event_participations", 2100.0, "+2.1K Participants aux événements dirigés ou codirigés par metropolis")),
    ({"printed": "3", "lines": ["Nouveaux membres"]}, ("new_members", 3.0, "3 Nouveaux membres")),
    ({"printed": "16,8%", "lines": ["de nos métropoles", "sont gouvernées", "par des femmes"], "above": True},
     ("unknown:de-nos-metropoles-sont-gouvernees-par-des-femmes", 16.8,
      "16,8% de nos métropoles sont gouvernées par des femmes")),
    ({"printed": "169", "lines": ["collaborations", "avec des", "spécialistes"]},
     ("collaborations", 169.0, "169 collaborations avec des spécialistes")),
    ({"printed": "24", "lines": ["nouvelles", "publications"]},
     ("new_publications", 24.0, "24 nouvelles publications")),
    ({"printed": "+1.2K", "lines": ["dessins", "d’enfants"]},
     ("unknown:dessins-d-enfants", 1200.0, "+1.2K dessins d’enfants")),
    ({"printed": "72,7%", "lines": ["de nos membres activement", "engagés*"]},
     ("active_members_share", 72.7, "72,7% de nos membres activement engagés*")),
    ({"printed": "34", "lines": ["nouvelles vidéos"]}, ("new_videos", 34.0, "34 nouvelles vidéos")),
]


def test_every_big_number_of_a_grid_is_kept_with_its_label(tmp_path):
    from tests.specimens.render_figures import draw as draw_figures

    path = tmp_path / "grid.pdf"
    rc = ReportCanvas(path, Style())
    data = {"pages": [{"heading": "NOTRE IMPACT", "big": [fig for fig, _ in GRID], "columns": 3,
                       "row_height": 120}]}
    draw_figures(rc, data, {})
    rc.save()
    from extract.sections import key_figures

    ctx = ReportContext("2021-fr", 2021, "fr", path.name)
    with Document(path) as doc:
        pages = list(doc.pages(range(1, doc.page_count + 1)))
    rows = key_figures.parse(pages, ctx).tables["key_figures"]
    assert sorted((r["key"], r["value"], r["label"]) for r in rows) == sorted(want for _, want in GRID)
    unknown = [want[0] for _, want in GRID if want[0].startswith("unknown:")]
    assert len(ctx.warnings) == len(unknown) and all(
        any(key in w for w in ctx.warnings) for key in unknown), ctx.warnings


# --- publications ----------------------------------------------------------------------

# Titles and links of the 2021-fr specimen data (publications.yml): the last publication
# tiles and the first Learning Station products.
PUBLICATIONS = [
    (["Infrastructures", "métropolitaines vertes"], "https://www.metropolis.org/node/6049"),
    (["Villes et régions", "face à la pandémie"], "https://www.metropolis.org/node/6050"),
    (["Gouvernance de l’urgence", "dans les villes"], "https://www.metropolis.org/node/6051"),
    (["Inégalités urbaines", "et genre"], "https://www.metropolis.org/node/6052"),
]
LEARNING = [
    (["La gouvernance métropolitaine", "en Afrique"], "https://www.metropolis.org/sessions/metropolitan-governance-africa"),
    (["Les villes après la pandémie :", "défis et opportunités"],
     "https://www.metropolis.org/sessions/post-pandemic-cities-challenges-and-opportunities"),
]


def _tile(rc: ReportCanvas, x: float, top: float, lines: list[str], url: str, links: str) -> float:
    """A tile's title in bold, its link drawn as one annotation per line or per word."""
    size = 10.0
    for k, line in enumerate(lines):
        y = top + k * size * 1.3
        rc.text(x, y, line, size=size, bold=True)
        if links == "line":
            width = rc.string_width(line, size, bold=True)
            rc.canvas.linkURL(url, (x, rc.y(y + size * 1.2), x + width, rc.y(y)), relative=0, thickness=0)
        else:
            cursor = x
            for word in line.split():
                width = rc.string_width(word, size, bold=True)
                rc.canvas.linkURL(url, (cursor, rc.y(y + size * 1.2), cursor + width, rc.y(y)),
                                  relative=0, thickness=0)
                cursor += width + rc.string_width(" ", size, bold=True)
    return top + len(lines) * size * 1.3 + 24


@pytest.mark.parametrize("links", ["line", "word"])
@pytest.mark.parametrize("learning_at", ["right", "below", "grid"])
def test_items_take_their_kind_from_the_heading_above_them_in_their_column(tmp_path, links, learning_at):
    """One page: publication tiles in the left column under their heading, the Learning
    Station heading and its products in the right column (starting halfway down, beside
    publication tiles) or under the publications across the page, its products one under
    the other or side by side under its short heading (a grid wider than the heading);
    every link drawn as many annotations. Each item: its own kind, its one URL, no
    warning."""
    from extract.sections import publications

    path = tmp_path / "products.pdf"
    rc = ReportCanvas(path, Style())
    m = rc.style.margin
    # A heading as wide as the page: over every column, but not the nearest to the
    # products of a later heading.
    rc.text(m, 60, "Nous avons publié 4 nouvelles publications, dont 2 axées sur une perspective de genre",
            size=13, bold=True)
    top = 90.0
    for lines, url in PUBLICATIONS:
        top = _tile(rc, m, top, lines, url, links)
    x, top = (rc.width / 2 + 20, 200.0) if learning_at == "right" else (m, top + 10)
    rc.text(x, top, "Learning Station", size=13, bold=True)
    top += 30
    for k, (lines, url) in enumerate(LEARNING):
        if learning_at == "grid":  # side by side: the second is right of the heading's end
            _tile(rc, m + k * (rc.width / 2), top, lines, url, links)
        else:
            top = _tile(rc, x, top, lines, url, links)
    rc.finish_page()
    rc.save()
    ctx = ReportContext("2021-fr", 2021, "fr", path.name)
    with Document(path) as doc:
        rows = publications.parse(list(doc.pages([1])), ctx).tables["publications"]
    want = {(" ".join(lines), url, "publication") for lines, url in PUBLICATIONS}
    want |= {(" ".join(lines), url, "learning_product") for lines, url in LEARNING}
    assert {(r["title"], r["url"], r["kind"]) for r in rows} == want
    assert ctx.warnings == []


# --- calendar --------------------------------------------------------------------------

MONTHS_EN = ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
             "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"]
# March 2021 of the 2021-en specimen data (calendar.yml), plus two one-day events whose
# titles run long; three events side by side on 29-31 March make narrow boxes.
CALENDAR = {
    "year": 2021, "month_names": MONTHS_EN, "heading": "INTERNATIONAL CALENDAR",
    "footnote": "*This event had a gender perspective",
    "events": [
        {"month": 3, "day": 2, "title": "Metropolitan governance in Africa. The right to the metropolitan city "
                                        "in the framework of the new urban agenda and the 2030 agenda"},
        {"month": 3, "day": 10, "title": "Taipei Smart City Mayors' Summit 2021", "location": "Taipei, Taiwan"},
        {"month": 3, "day": 16, "prefix": "WEBINAR |", "title": "Nature in and around cities"},
        {"month": 3, "day": 29, "end_day": 31, "title": "Generation Equality Forum: Mexico City",
         "location": "Mexico City, Mexico"},
        {"month": 3, "day": 29, "end_day": 31, "title": "Asia-Pacific Forum on Sustainable Development 2021",
         "location": "Hybrid"},
        {"month": 3, "day": 29, "end_day": 30, "title": "Seoul urban regeneration forum",
         "location": "Seoul, South Korea"},
        {"month": 4, "day": 7, "prefix": "WEBINAR |", "title": "Visions and challenges of urban regeneration"},
    ],
}


def read_calendar(path: Path, layout, data: dict = CALENDAR) -> tuple[list[dict], ReportContext]:
    from extract.sections import calendar as parser
    from tests.specimens.render_calendar import draw_calendar_pages

    rc = ReportCanvas(path, Style(page_size="A4-portrait"))
    draw_calendar_pages(rc, data, layout)
    rc.save()
    ctx = ReportContext("2021-en", 2021, "en", path.name)
    with Document(path) as doc:
        pages = list(doc.pages(parser.select_pages(doc.page_texts, ctx)))
    return parser.parse(pages, ctx).tables["calendar_events"], ctx


def calendar_truth(data: dict = CALENDAR) -> list[tuple]:
    out = []
    for e in data["events"]:
        start = f"2021-{e['month']:02d}-{e['day']:02d}"
        end = f"2021-{e['month']:02d}-{e.get('end_day', e['day']):02d}"
        out.append((start, end, e["title"], e.get("location")))
    return sorted(out)


@pytest.mark.parametrize("days_side", ["left", "right"])
@pytest.mark.parametrize("italic", [False, True])
def test_calendar_locations_wrapped_in_narrow_boxes_and_titles_run_over_day_rows(tmp_path, italic, days_side):
    """Narrow boxes wrap the location (`Mexico City,` / `Mexico`), which repeats the
    title's last words; one-day entries run down over the next day rows of their lane;
    the location is in italics or not; the lanes are right or left of the day numbers."""
    from tests.specimens.render_calendar import CalendarLayout

    layout = CalendarLayout(pages=[[3, 4]], size=9.0, wrap_location=True, location_italic=italic, overflow=True,
                            rules=False, days_side=days_side)
    rows, ctx = read_calendar(tmp_path / "calendar.pdf", layout)
    got = sorted((r["start_date"], r["end_date"], r["title"], r["location"]) for r in rows)
    assert got == calendar_truth()
    assert ctx.warnings == []


def test_a_location_in_italics_is_the_location_whatever_its_words(tmp_path):
    """Typography as evidence: a location that is neither `City, Country` nor a known
    place (`Palais des congrès de Montréal`) is still the location when set in italics."""
    from tests.specimens.render_calendar import CalendarLayout

    layout = CalendarLayout(pages=[[3, 4]], size=9.0, location_italic=True, rules=False)
    data = {**CALENDAR, "events": [
        *CALENDAR["events"],
        {"month": 4, "day": 20, "title": "Metropolitan Forum of the Americas",
         "location": "Palais des congrès de Montréal"}]}
    rows, _ = read_calendar(tmp_path / "calendar.pdf", layout, data)
    assert sorted((r["start_date"], r["end_date"], r["title"], r["location"]) for r in rows) == calendar_truth(data)


def test_the_number_of_a_letter_spaced_heading_is_no_figure():
    """`LINE OF ACTION 1` in large letter-spaced type (words 0.6 em apart, as a browser
    prints CSS letter-spacing): its `1` is the heading's, not a headline number."""
    from extract.pdf.layout import Page
    from extract.sections import key_figures

    words, x = [], 42.0
    for token in ["LINE", "OF", "ACTION", "1"]:
        width = 20 * 0.7 * len(token)
        words.append(Word(token, x, 44, x + width, 64, 20))
        x += width + 12
    y, x = 120.0, 42.0
    for token in ["Leadership", "and", "support", "of", "4", "global", "campaigns"]:
        width = 11 * 0.55 * len(token)
        words.append(Word(token, x, y, x + width, y + 11, 11))
        x += width + 3
    ctx = ReportContext("2021-en", 2021, "en", "x.pdf")
    rows = key_figures.parse([Page(4, 612, 792, words, [], [])], ctx).tables["key_figures"]
    assert [(r["key"], r["value"]) for r in rows] == [("campaigns", 4.0)]
    assert ctx.warnings == []


def test_centred_cells_seen_on_one_page_part_rows_on_the_next(tmp_path):
    """Rows as tight as lines, cells centred: page 1 shows it (the two Barcelonas), page 2
    has only one-line names, one of them without cells (`Semarang (N)`, members.yml):
    it is a member of its own, not the second line of `Sarajevo`."""
    rows = [
        {"name": ["Athens"], "cells": {0: "2", 1: "9"}},
        {"name": ["Barcelona", "Área metropolitana"], "cells": {0: "12", 1: "13"}},
        {"name": ["Barcelona", "Ciudad"], "cells": {0: "10", 1: "14"}},
        {"name": ["Sarajevo"], "cells": {1: "5"}},
        {"name": ["Semarang"], "new": True, "cells": {}},
        {"name": ["Seoul"], "cells": {0: "3", 1: "11"}},
    ]
    layout = MatrixLayout(rows_per_page=3, row_gap=0.3, name_leading=1.2, cell_align="middle")
    tables, ctx = read_matrix(tmp_path / "m.pdf", rows, layout)
    assert got(tables) == expected(rows)
    assert ctx.warnings == []


# --- a property over the members knobs ---------------------------------------------------

@st.composite
def tight_matrices(draw) -> tuple[list[dict], MatrixLayout]:
    """Rows whose names wrap over one to three lines, every row with a cell of its own
    (a row without cells beside a wrapped name is ambiguous on a page without rules),
    cells top-, centre- or bottom-aligned, leading and row gaps from tight to loose
    (rows a quarter of a line looser than a name's leading at least), rules or shading."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=7, unique_by=lambda n: " ".join(n)))
    rows = []
    for name in names:
        lines = list(name)
        if len(lines) == 1 and len(lines[0].split()) >= 3 and draw(st.booleans()):
            words = lines[0].split()
            lines = [" ".join(words[:1]), " ".join(words[1:2]), " ".join(words[2:])]
        cells = draw(st.dictionaries(st.integers(0, 1), st.integers(1, 40).map(str), min_size=1))
        rows.append({"name": lines, "cells": cells})
    leading = draw(st.floats(1.05, 1.6))
    layout = MatrixLayout(
        row_gap=draw(st.floats(max(0.2, leading - 0.75), 1.3)), name_leading=leading,
        cell_align=draw(st.sampled_from(["first", "middle", "last"])),
        row_rules=draw(st.booleans()), row_shading=draw(st.booleans()),
        rows_per_page=draw(st.integers(2, 5)),
    )
    return rows, layout


@settings(max_examples=int(os.environ.get("HABIT_EXAMPLES", sample(40, 5))), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=tight_matrices())
def test_matrix_rows_from_the_page_whatever_the_knobs(tmp_path, case):
    rows, layout = case
    tables, ctx = read_matrix(tmp_path / "m.pdf", rows, layout)
    assert got(tables) == expected(rows)
    assert ctx.warnings == []
