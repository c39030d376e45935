"""The members matrix of the 2021 specimen against its source data (members.yml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from extract.names.normalise import NameCollector
from extract.pdf.layout import Document, Line, Word
from extract.pipeline.run import extract_report
from extract.sections import ReportContext, members
from extract.sections.members.matrix import cell_text, cluster_columns, group_names, read_matrices
from tests.conftest import DATA, SPECIMEN_2021_FR
from tests.specimens.build import build
from tests.specimens.pdfkit import ReportCanvas, Style
from tests.specimens.render_members import MatrixLayout, draw_matrix

TRUTH = yaml.safe_load((DATA / "2021-fr" / "members.yml").read_text(encoding="utf-8"))
# SCHEMA.md: French column header -> key, in the order the 2021 matrices print them.
KEYS = {
    "publications": ["news_published", "library_publications", "mentions_in_publications",
                     "use_cases", "c4gh_initiatives"],
    "engagement": ["wmd_event_organiser", "congress_participation", "bilateral_meetings",
                   "mis_analysed", "training_participation", "pilot_project_role", "fee_paid",
                   "board_meeting_participation", "activated"],
}
# What the report says of itself (seed: "3 nouveaux membres", "72,7% ... activement engagés").
KEY_FIGURES = [{"key": "new_members", "value": 3.0}, {"key": "active_members_share", "value": 72.7}]


def _has_matrix(path: Path) -> bool:
    with Document(path) as doc:
        return bool(members.select_pages(doc.page_texts, ReportContext("x", 2021, "fr", "x")))


@pytest.fixture(scope="module")
def specimen(tmp_path_factory) -> Path:
    """The committed specimen; a members-only build of the same data while raw/ lags behind."""
    if SPECIMEN_2021_FR.exists() and _has_matrix(SPECIMEN_2021_FR):
        return SPECIMEN_2021_FR
    folder = tmp_path_factory.mktemp("members-edition")
    for name in ("report.yml", "members.yml"):
        shutil.copy(DATA / "2021-fr" / name, folder / name)
    return build(folder, folder / "specimen.pdf")


@pytest.fixture(scope="module")
def parsed(specimen):
    ctx = ReportContext("2021-fr", 2021, "fr", specimen.name)
    with Document(specimen) as doc:
        numbers = members.select_pages(doc.page_texts, ctx)
        pages = list(doc.pages(numbers))
    return members.parse(pages, ctx), ctx, numbers


@pytest.fixture(scope="module")
def extracted(parsed):
    section, ctx, numbers = parsed
    return section.tables, ctx, numbers


def member_id(name_lines: list[str]) -> str:
    return NameCollector("truth").member(" ".join(name_lines))


def truth_rows():
    for matrix in TRUTH["matrices"]:
        for row in matrix["rows"]:
            yield matrix["id"], row


def test_selects_the_twelve_matrix_pages_only(extracted):
    _, _, numbers = extracted
    rows = sum(len(m["rows"]) for m in TRUTH["matrices"])
    assert len(numbers) == sum(-(-len(m["rows"]) // TRUTH["rows_per_page"]) for m in TRUTH["matrices"])
    assert rows == 286


def test_every_member_of_both_matrices_once(extracted):
    tables, _, _ = extracted
    status = tables["member_status"]
    ids = [r["member_id"] for r in status]
    assert len(ids) == len(set(ids))
    for matrix in TRUTH["matrices"]:
        assert {member_id(r["name"]) for r in matrix["rows"]} == set(ids)
    assert len(ids) == len(TRUTH["matrices"][0]["rows"]) == 143


def test_printed_names_as_in_the_first_matrix(extracted):
    tables, _, _ = extracted
    printed = {r["member_id"]: r["printed_name"] for r in tables["member_status"]}
    for row in TRUTH["matrices"][0]["rows"]:
        assert printed[member_id(row["name"])] == " ".join(row["name"])


def test_spellings_of_the_two_matrices_are_one_member(extracted):
    tables, _, _ = extracted
    ids = {r["member_id"] for r in tables["member_status"]}
    assert member_id(["Bruxelles"]) == member_id(["Brussels"]) in ids
    assert member_id(["Lisbon"]) == member_id(["Lisboa"]) in ids


def test_every_cell_in_its_column(extracted):
    tables, _, _ = extracted
    expected = {}
    for matrix_id, row in truth_rows():
        for index, value in row["cells"].items():
            expected[(member_id(row["name"]), KEYS[matrix_id][int(index)])] = str(value)
    got = {(r["member_id"], r["indicator"]): r["value"] for r in tables["member_indicators"]}
    assert got == expected


def test_abidjan_one_and_six_under_their_headers(extracted):
    tables, _, _ = extracted
    abidjan = {r["indicator"]: r["value"] for r in tables["member_indicators"] if r["member_id"] == "abidjan"}
    assert abidjan["news_published"] == "1" and abidjan["mentions_in_publications"] == "6"
    assert "library_publications" not in abidjan


def test_board_and_new_member_flags(extracted):
    tables, _, _ = extracted
    board, new = set(), set()
    for _, row in truth_rows():
        if row.get("board"):
            board.add(member_id(row["name"]))
        if row.get("new"):
            new.add(member_id(row["name"]))
    status = tables["member_status"]
    assert {r["member_id"] for r in status if r["is_board_member"]} == board
    assert {r["member_id"] for r in status if r["is_new_member"]} == new
    assert len(new) == 3 and len(board) == 25


def test_value_num(extracted):
    tables, _, _ = extracted
    for r in tables["member_indicators"]:
        if r["value"] == "Yes":
            assert r["value_num"] == 1
        elif r["value"].isdigit():
            assert r["value_num"] == int(r["value"])
        else:
            assert r["value"] in {"-", "L", "P", "L & P"} and r["value_num"] is None


def test_provenance_on_matrix_pages(extracted):
    tables, _, numbers = extracted
    for r in tables["member_indicators"] + tables["member_status"]:
        assert r["page"] in numbers
        assert 0 <= r["x0"] < r["x1"] and 0 <= r["top"] < r["bottom"]


def test_indicator_dictionary_has_every_key(extracted):
    tables, _, _ = extracted
    rows = {r["id"]: r for r in tables["indicators"]}
    assert set(rows) == set(KEYS["publications"]) | set(KEYS["engagement"])
    assert rows["fee_paid"]["label_fr"].startswith("Paiement du quota")
    assert all(r["label_en"] and r["description"] for r in rows.values())


def test_no_warnings_and_checks_pass(parsed):
    section, ctx, _ = parsed
    assert ctx.warnings == []
    results = members.checks({**section.tables, "key_figures": KEY_FIGURES}, section.state, ctx)
    assert {r["check"] for r in results} == {
        "members.new_members", "members.active_members_share", "members.rows_agree",
        "members.members_in_every_matrix", "members.row_bands", "members.names_not_run_together",
        "members.shared_place", "members.columns_known", "members.legend_read", "members.no_rows_left_out"}
    assert section.tables["column_review"] == []
    assert all(r["passed"] for r in results), results


def test_checks_without_key_figures_skip_them(parsed):
    section, ctx, _ = parsed
    results = members.checks(dict(section.tables), section.state, ctx)
    assert [r["check"] for r in results] == [
        "members.legend_read", "members.columns_known", "members.no_rows_left_out", "members.rows_agree",
        "members.members_in_every_matrix", "members.row_bands",
        "members.names_not_run_together", "members.shared_place"]


def test_pipeline_carries_the_matrix(specimen):
    extraction = extract_report(specimen)
    assert len(extraction.tables["member_status"]) == 143
    checks = [c for c in extraction.tables.get("checks", []) if c["check"].startswith("members.")]
    assert checks and all(c["passed"] for c in checks), checks


# --- pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize("title, key", [
    (" ".join(title), key)
    for matrix in TRUTH["matrices"]
    for title, key in zip(matrix["headers"], KEYS[matrix["id"]])
] + [
    ("Paiement du quota 2019", "fee_paid"),
    ("Payment of the 2022 membership fee", "fee_paid"),
    ("Participation in Board of Directors meetings", "board_meeting_participation"),
    ("Participation in training activities", "training_participation"),
    ("Members mentioned in our publications", "mentions_in_publications"),
    # other producers' English wording: paraphrases no specimen prints
    ("News items published on the Metropolis website", "news_published"),
    ("Publications in the Metropolis website library", "library_publications"),
    ("Initiatives published on C4GH", "c4gh_initiatives"),
    ("World Metropolitan Day event organisers", "wmd_event_organiser"),
    ("Participation in Metropolis annual meetings and congress", "congress_participation"),
    ("Bilateral meetings", "bilateral_meetings"),
    ("Attendance at Board of Directors meetings", "board_meeting_participation"),
    ("Board of Directors meetings attended", "board_meeting_participation"),
    ("Membership fee 2021 paid", "fee_paid"),
    ("Participation in capacity-building activities", "training_participation"),
    ("Analysed by the Metropolitan Indicators System", "mis_analysed"),
    ("2021 membership fee paid", "fee_paid"),
    ("Active member", "activated"),
])
def test_headers_map_to_keys(title, key):
    assert members.match_header(title)[0] == key


def test_unknown_header_is_kept_with_a_warning():
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    from extract.sections.members.matrix import Column

    keys = members.column_keys([Column(0, 10, 0, 10, "Membres hébergeant un atelier")], ctx)
    assert keys == ["unknown:membres-hebergeant-un-atelier"]
    assert ctx.warnings and "unknown:membres-hebergeant-un-atelier" in ctx.warnings[0]


def _line(text: str, top: float, x0: float = 0, size: float = 8) -> Line:
    words, x = [], x0
    for part in text.split():
        words.append(Word(part, x, top, x + 5 * len(part), top + size, size))
        x += 5 * len(part) + 3
    return Line(words)


def test_two_line_name_or_two_members():
    def complete(text: str) -> bool:
        return "(N)" in text

    barcelona = [_line("Barcelona", 100), _line("Ciudad", 109.5)]
    cells_between = [Word("12", 200, 104.5, 210, 112.5, 8)]
    assert len(group_names(barcelona, cells_between, complete)) == 1
    # Each line with cells of its own: two members, however close.
    own = [Word("1", 200, 100, 205, 108, 8), Word("2", 200, 109.5, 205, 117.5, 8)]
    assert len(group_names(barcelona, own, complete)) == 2
    # A row's gap: two members.
    assert len(group_names([_line("Palembang (N)", 100), _line("Porto Alegre", 115)], [], complete)) == 2
    # A marker closes a name even when the next line is close.
    assert len(group_names([_line("Semarang (N)", 100), _line("Seoul", 109.5)], [], complete)) == 2
    # Cells beside the first line only, continuation without cells: one member.
    first = [Word("Yes", 200, 100, 215, 108, 8)]
    assert len(group_names(barcelona, first, complete)) == 1


def test_header_lines_cluster_into_columns():
    phrases = [_line("Paiement", 0, x0=300), _line("du quota", 9, x0=302), _line("2021", 18, x0=310),
               _line("Membre activé", 18, x0=380)]
    columns = cluster_columns(phrases)
    assert [c.title for c in columns] == ["Paiement du quota 2021", "Membre activé"]


def test_markers_and_values():
    assert members.strip_marker("Palembang (N)") == ("Palembang", True)
    assert members.strip_marker("Palembang ( N )") == ("Palembang", True)
    assert members.strip_marker("New Delhi - NIUA") == ("New Delhi - NIUA", False)
    assert members.value_number("L & P") is None and members.value_number("Yes") == 1


def test_other_spellings_merge_across_matrices(tmp_path):
    """The two matrices of one report spell members differently; one row per member."""
    first = ["Montréal", "Valle de Aburrá", "Bruxelles", "Lisboa"]
    second = ["Montreal", "Valle de Aburra", "Brussels", "Lisbon"]
    rc = ReportCanvas(tmp_path / "m.pdf", Style())
    headers1 = [["Nouvelles publiées", "sur le site web de Metropolis"], ["Initiatives", "publiées dans le C4GH"]]
    headers2 = [["Membre activé"]]
    draw_matrix(rc, "CARTOGRAPHIE DES MEMBRES", [], headers1,
                [{"name": [n], "cells": {1: str(i + 1)}} for i, n in enumerate(first)], MatrixLayout())
    draw_matrix(rc, "CARTOGRAPHIE DES MEMBRES", [], headers2,
                [{"name": [n], "board": True, "cells": {0: "Yes"}} for n in second], MatrixLayout())
    rc.save()
    ctx = ReportContext("2021-fr", 2021, "fr", "m.pdf")
    with Document(tmp_path / "m.pdf") as doc:
        pages = list(doc.pages(members.select_pages(doc.page_texts, ctx)))
    tables = members.parse(pages, ctx).tables
    assert [r["printed_name"] for r in tables["member_status"]] == first
    assert all(r["is_board_member"] for r in tables["member_status"])
    assert len(tables["member_indicators"]) == 8


@pytest.mark.parametrize("name", ["extract.sections.members.matrix", "extract.sections.members", "tests.specimens.render_members"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


def test_legend_beside_the_header_is_not_a_member():
    """A legend in words no vocabulary knows, set beside the titles, goes with the header."""
    def word(text, x0, top, x1):
        return Word(text, x0, top, x1, top + 8, 8)

    words = [
        word("Rouge", 40, 100, 62), word("=", 65, 100, 70), word("conseil", 73, 100, 100),
        word("Paiement", 200, 100, 240), word("Membre", 300, 100, 330),
        word("Astérisque", 40, 109.6, 85), word(":", 88, 109.6, 90), word("nouveau", 93, 109.6, 125),
        word("du", 202, 109.6, 212), word("quota", 215, 109.6, 238), word("activé", 303, 109.6, 328),
        word("2021", 212, 119.2, 228),
        word("Abidjan", 40, 135, 75), word("Yes", 210, 135, 225), word("Yes", 305, 135, 320),
        word("Accra", 40, 150, 65), word("-", 315, 150, 318),
    ]
    found = read_matrices(words, members.is_title_word, members.is_name_header, lambda text: False)
    assert len(found) == 1
    assert [c.title for c in found[0].columns] == ["Paiement du quota 2021", "Membre activé"]
    rows = [(r.name, {i: cell_text(ws) for i, ws in r.cells.items()}) for r in found[0].rows]
    assert rows == [("Abidjan", {0: "Yes", 1: "Yes"}), ("Accra", {1: "-"})]


def test_database_member_matrix_view(specimen, tmp_path):
    """Through `extract ingest`: the wide view has one row per member, cells as printed."""
    import sqlite3

    from tests.conftest import run_cli

    db = tmp_path / "kb.db"
    result = run_cli("ingest", specimen, "--db", db)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {r["member_id"]: dict(r) for r in conn.execute(
        "SELECT * FROM member_matrix WHERE report_id = '2021-fr'")}
    assert len(rows) == 143
    for matrix_id, row in truth_rows():
        got = rows[member_id(row["name"])]
        for index, key in enumerate(KEYS[matrix_id]):
            # the view holds numbers as numbers (they sort as numbers), the data file as printed
            value = got[key]
            shown = None if value is None else format(value, "g") if isinstance(value, (int, float)) else value
            want = row["cells"].get(index)
            assert shown == (None if want is None else str(want)), (row["name"], key)
    failed = conn.execute("SELECT * FROM checks WHERE [check] LIKE 'members.%' AND passed = 0").fetchall()
    assert not failed


def test_near_misses_are_unknown_not_guessed():
    """Regional meetings are not bilateral ones, however alike the spelling (the old fuzzy
    match read them so); a repeated title cannot take its key twice."""
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    from extract.sections.members.matrix import Column

    titles = ["Participation à des réunions régionales", "Paiement du quota 2020"]
    keys = members.column_keys([Column(0, 10, 0, 10, t) for t in titles * 2], ctx)
    assert keys == ["unknown:participation-a-des-reunions-regionales", "fee_paid",
                    "unknown:participation-a-des-reunions-regionales", "unknown:paiement-du-quota-2020"]
    assert any("réunions régionales" in w and "name no indicator surely" in w for w in ctx.warnings)
    assert any("another column holds that indicator" in w for w in ctx.warnings)
    assert any("is not for 2021" in w for w in ctx.warnings)
