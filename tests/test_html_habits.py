"""Layout habits of other producers, drawn by the HTML renderer and printed by Chromium.

Each test prints one section of an edition's data with some `HtmlLayout` knobs turned
(prints are cached by the sha256 of their HTML), reads it with that section's parser
and requires every value of the data file back. The four habits of issue 13 have a test
each; the property tests draw a few combinations of the knobs the HTML makes easy.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from extract.pdf.layout import Document
from extract.sections import ReportContext, members
from extract.sections import calendar as calendar_parser
from tests.conftest import DATA
from tests.specimens.html.build import SPECIMENS
from tests.specimens.html.printers import print_pdf
from tests.specimens.html.render import HtmlLayout, edition_html, load_edition
from tests.test_calendar import as_tuples
from tests.test_calendar import expected as expected_events
from tests.test_html_specimens import KEYS, member_id
from tests.test_key_figures import extract_figures
from tests.test_publications import expected_rows, extract_report

# Two prints per property, and no shrinking (each step would be another print): CI prints
# each once, then the cache answers. `make explore` draws more.
PRINTS = settings(max_examples=2, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def section_pdf(tmp: Path, edition: str, sections: list[str], layout: HtmlLayout,
                data: dict | None = None) -> tuple[Path, dict]:
    """The front matter and `sections` of an edition, printed by Chromium."""
    data = data or load_edition(DATA / edition)
    data = {k: v for k, v in data.items() if k in ["report", *sections]}
    html = edition_html(None, layout, data=data)
    return print_pdf(html, tmp / f"{edition}-{'-'.join(sections)}.pdf", "chromium"), data


# --- members ---------------------------------------------------------------------------

def read_members(pdf: Path, edition: str, language: str) -> dict:
    ctx = ReportContext(edition, 2021, language, pdf.name)
    with Document(pdf) as doc:
        pages = list(doc.pages(members.select_pages(doc.page_texts, ctx)))
    return members.parse(pages, ctx).tables


def member_differences(data: dict, tables: dict, edition: str) -> dict:
    want_ids = {member_id(r["name"]) for m in data["members"]["matrices"] for r in m["rows"]}
    got_ids = {r["member_id"] for r in tables["member_status"]}
    want = {}
    for matrix in data["members"]["matrices"]:
        for row in matrix["rows"]:
            for index, value in (row.get("cells") or {}).items():
                # SCHEMA.md: a yes-mark of any language (`Oui`, `Sí`) is stored as `Yes`
                want[(member_id(row["name"]), KEYS[edition][matrix["id"]][int(index)])] = \
                    members.read_mark(str(value))[0]
    got = {(r["member_id"], r["indicator"]): r["value"] for r in tables["member_indicators"]}
    return {"missing members": sorted(want_ids - got_ids), "unexpected members": sorted(got_ids - want_ids),
            "wrong cells": sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))[:20]}


NO_DIFFERENCE = {"missing members": [], "unexpected members": [], "wrong cells": []}


def test_neighbours_with_wrapped_names_and_centred_cells(tmp_path):
    """The issue's first habit: rows spaced like the lines of a name, cells in the middle."""
    layout = HtmlLayout(row_pad=0, cell_valign="middle")
    pdf, data = section_pdf(tmp_path, "2021-fr", ["members"], layout)
    assert member_differences(data, read_members(pdf, "2021-fr", "fr"), "2021-fr") == NO_DIFFERENCE


def test_header_cells_wrapped_by_the_browser(tmp_path):
    """Titles wrapped by the browser in 48 pt cells (5 to 6 lines, neighbours' lines side
    by side): the main of 09:30 lost 213 cells of the first matrix here, silently."""
    pdf, data = section_pdf(tmp_path, "2021-fr", ["members"], HtmlLayout(header_wrap=48))
    assert member_differences(data, read_members(pdf, "2021-fr", "fr"), "2021-fr") == NO_DIFFERENCE


@PRINTS
@given(valign=st.sampled_from(["top", "middle", "bottom"]), name_wrap=st.sampled_from([None, 70.0]),
       rules=st.booleans(), shading=st.booleans())
def test_matrix_rows_whatever_the_alignment_and_the_wrapping(tmp_path_factory, valign, name_wrap,
                                                             rules, shading):
    layout = HtmlLayout(cell_valign=valign, name_wrap=name_wrap, row_rules=rules, row_shading=shading)
    pdf, data = section_pdf(tmp_path_factory.mktemp("matrix"), "2021-fr", ["members"], layout)
    assert member_differences(data, read_members(pdf, "2021-fr", "fr"), "2021-fr") == NO_DIFFERENCE


# --- publications ----------------------------------------------------------------------

def product_differences(pdf: Path, data: dict) -> dict:
    got = Counter((r["kind"], r["title"], r["url"]) for r in extract_report(pdf).tables["publications"])
    want = Counter(expected_rows(data["publications"]))
    return {"missing": sorted(want - got), "unexpected": sorted(got - want)}


def test_sections_sharing_a_page_give_each_item_the_kind_of_its_heading(tmp_path):
    """The issue's second habit: the last publication tiles and the Learning Station list
    on one page (and the videos under the declarations)."""
    pdf, data = section_pdf(tmp_path, "2021-fr", ["key_figures", "publications"],
                            HtmlLayout(share_pages=True))
    assert product_differences(pdf, data) == {"missing": [], "unexpected": []}


@PRINTS
@given(share=st.booleans(), columns=st.sampled_from([None, 2]))
def test_products_whatever_the_pages_and_the_columns(tmp_path_factory, share, columns):
    layout = HtmlLayout(share_pages=share, tile_columns=columns)
    pdf, data = section_pdf(tmp_path_factory.mktemp("tiles"), "2021-en", ["key_figures", "publications"],
                            layout)
    assert product_differences(pdf, data) == {"missing": [], "unexpected": []}


def test_a_link_drawn_line_by_line_is_one_link(tmp_path):
    pdf, data = section_pdf(tmp_path, "2022-fr", ["key_figures", "publications"], HtmlLayout(link_split="line"))
    assert product_differences(pdf, data) == {"missing": [], "unexpected": []}


# --- calendar --------------------------------------------------------------------------

def read_events(pdf: Path, edition: str, data: dict) -> Counter:
    ctx = ReportContext(edition, int(data["calendar"]["year"]), data["report"]["language"], pdf.name)
    with Document(pdf) as doc:
        section = calendar_parser.parse(list(doc.pages(calendar_parser.select_pages(doc.page_texts, ctx))), ctx)
    return as_tuples(section.tables["calendar_events"])


def event_differences(got: Counter, data: dict) -> dict:
    want = expected_events(data["calendar"])
    return {"missing": sorted(want - got), "unexpected": sorted(got - want)}


def test_a_location_wrapped_in_a_narrow_box_is_the_location():
    """The issue's third habit, on the committed Chromium print of 2021-en."""
    spec = next(s for s in SPECIMENS if (s.printer, s.edition) == ("chromium", "2021-en"))
    data = load_edition(DATA / "2021-en")
    got = read_events(spec.pdf, "2021-en", data)
    wrapped = {"New York, USA", "Taipei, Taiwan", "Córdoba, Argentina", "Seoul, South Korea"}
    want = Counter({k: n for k, n in expected_events(data["calendar"]).items() if k[5] in wrapped})
    assert want and want - got == Counter()


def crowded_forum(data: dict) -> dict:
    """March of 2021-en (beside April on a Letter page) with four made-up events beside the
    Generation Equality Forum, so its box is a fifth of the month wide (the issue's
    `Mexico City,` / `Mexico`)."""
    data = copy.deepcopy(data)
    calendar = data["calendar"]
    forum = next(e for e in calendar["events"] if e.get("location") == "Mexico City, Mexico")
    others = [{"month": 3, "day": 29, "end_day": 31, "title": f"Regional dialogue {n} on metropolitan finance"}
              for n in (1, 2, 3, 4)]
    calendar["events"] = [forum, *others]
    calendar["pages"] = [[3, 4]]
    calendar.pop("statements", None)
    return data


def test_a_location_repeating_the_title_wrapped_in_a_narrow_box(tmp_path):
    data = crowded_forum(load_edition(DATA / "2021-en"))
    pdf, data = section_pdf(tmp_path, "2021-en", ["calendar"], HtmlLayout(), data=data)
    assert event_differences(read_events(pdf, "2021-en", data), data) == {"missing": [], "unexpected": []}


def test_lanes_left_of_the_day_numbers(tmp_path):
    pdf, data = section_pdf(tmp_path, "2021-fr", ["calendar"], HtmlLayout(lanes_side="left"))
    assert event_differences(read_events(pdf, "2021-fr", data), data) == {"missing": [], "unexpected": []}


@PRINTS
@given(months=st.sampled_from([[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], None]),
       boxes=st.booleans())
def test_calendar_in_narrow_or_wide_months(tmp_path_factory, months, boxes):
    layout = HtmlLayout(month_pages=months, box_single_days=boxes)
    pdf, data = section_pdf(tmp_path_factory.mktemp("calendar"), "2021-fr", ["calendar"], layout)
    assert event_differences(read_events(pdf, "2021-fr", data), data) == {"missing": [], "unexpected": []}


# --- key figures -----------------------------------------------------------------------

def nine_figures(data: dict) -> dict:
    """One results page of nine big numbers: the headline four, the funding four, and one
    whose label no vocabulary knows."""
    data = copy.deepcopy(data)
    pages = data["key_figures"]["pages"]
    big = pages[0]["big"] + next(p for p in pages if len(p.get("big") or []) == 4 and p is not pages[0])["big"]
    big.append({"printed": "12", "lines": ["ateliers de quartier", "avec les habitants"]})
    data["key_figures"]["pages"] = [{"heading": pages[0]["heading"], "big": big}]
    return data


def test_nine_big_numbers_in_a_grid_are_all_kept(tmp_path):
    """The issue's fourth habit: a grid of nine, labels wrapped by the browser; the label
    no vocabulary knows is kept as `unknown:<slug>` (SCHEMA.md's rule for matrix columns)."""
    data = nine_figures(load_edition(DATA / "2021-fr"))
    layout = HtmlLayout(figure_columns=3, label_wrap=9)
    pdf, data = section_pdf(tmp_path, "2021-fr", ["key_figures"], layout, data=data)
    rows, _, _ = extract_figures(pdf)
    keys = {"collaborations", "new_members", "event_participations", "active_members_share",
            "funding_fees_share", "funding_member_partnerships_share", "funding_alliances_share",
            "funding_other_share"}
    truth = {f["key"]: float(f["value"]) for f in data["key_figures"]["figures"] if f["key"] in keys}
    truth["unknown:ateliers-de-quartier-avec-les-habitants"] = 12.0
    assert {r["key"]: r["value"] for r in rows} == truth


@PRINTS
@given(columns=st.sampled_from([2, 3, 4]), wrap=st.sampled_from([None, 8.0, 14.0]))
def test_big_numbers_whatever_the_grid_and_the_label_wrapping(tmp_path_factory, columns, wrap):
    layout = HtmlLayout(figure_columns=columns, label_wrap=wrap)
    pdf, data = section_pdf(tmp_path_factory.mktemp("figures"), "2021-fr", ["key_figures"], layout)
    rows, _, _ = extract_figures(pdf)
    truth = {f["key"]: (float(f["value"]), f["label"]) for f in data["key_figures"]["figures"]}
    got = {r["key"]: (r["value"], r["label"]) for r in rows}
    assert {k: v for k, v in got.items() if truth.get(k) != v} == {}
    assert {k for k in truth if k not in got} <= NOT_ON_FIGURE_PAGES


# The figures that the product pages print (their headings and notes), not the figure pages.
NOT_ON_FIGURE_PAGES = {"declarations", "gender_declarations", "world_events", "new_videos",
                       "member_agreements", "alliance_agreements", "social_media_followers",
                       "city_managers_debates", "new_publications", "gender_publications",
                       "egi_cities", "learning_products", "courses", "webinars"}
