"""The members matrix of any design (issue 21, its geometry): titles turned on their side,
marks instead of words, Board and new members as the legend declares.

Each test prints the report's front matter and members section with some knobs of the
HTML renderer turned (Chromium, prints cached by the sha256 of their HTML), reads it
with the members parser and checks every member (with its Board seat and new mark) and
every cell against the data file; a yes-mark is `Yes`, the mark as printed in `printed`.
The last tests run a small seeded sample of the design space (`bench/design_space/members.py`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from bench.design_space import designs
from bench.design_space.members import SPACE, compare, layout_of, print_design, read, truth

from extract.pdf.layout import BLACK, Word, normalise_color
from extract.sections.members import DRAWN, Marks, read_mark
from extract.sections.members.legend import Legend, read_line
from tests.conftest import DATA
from tests.specimens.html.printers import print_pdf
from tests.specimens.html.render import edition_html, load_edition
from tests.specimens.pdfkit import ReportCanvas, Style
from tests.specimens.render_members import MatrixLayout, draw_matrix

BASE = {"edition": "2021-fr", "title_turn": 0, "yes_mark": "as data", "board": "red", "new_marker": "(N)",
        "rows": "none", "cell_valign": "middle", "name_lines": None, "header_repeat": True,
        "page_size": None, "font": "Liberation Sans"}
EVERYTHING = {"members_f1": 1.0, "cells_accuracy": 1.0}


def printed_and_read(tmp: Path, **knobs) -> tuple[dict, dict, list[dict]]:
    design = {**BASE, **knobs}
    pdf, data = print_design(design, tmp)
    tables, checks = read(pdf, design["edition"], data["report"]["language"])
    return data, tables, checks


def printed_with(tmp: Path, edition: str, **layout_knobs) -> tuple[dict, dict, list[dict]]:
    """A design with knobs the design space does not draw (a legend of one's own)."""
    data = load_edition(DATA / edition)
    data = {k: data[k] for k in ("report", "members")}
    language = data["report"]["language"]
    layout = replace(layout_of({**BASE, "edition": edition}, language), **layout_knobs)
    pdf = print_pdf(edition_html(None, layout, data=data), tmp / f"{edition}-members.pdf")
    tables, checks = read(pdf, edition, language)
    return data, tables, checks


def yes_cells(tables: dict) -> list[dict]:
    return [r for r in tables["member_indicators"] if r["value"] == "Yes"]


@pytest.mark.parametrize("edition,turn", [("2021-fr", 90), ("2021-en", 270)])
def test_titles_turned_a_quarter_turn(tmp_path, edition, turn):
    """Column titles set on their side (90: reading bottom to top; 270: top to bottom):
    main read no matrix at all on the last page of each matrix (the page read turned) and
    took the titles for margin labels."""
    data, tables, _checks = printed_and_read(tmp_path, edition=edition, title_turn=turn)
    assert compare(data, tables, edition) == EVERYTHING
    assert not tables["column_review"]


def test_check_marks_are_yes(tmp_path):
    data, tables, _ = printed_and_read(tmp_path, yes_mark="✓", title_turn=90)
    assert compare(data, tables, "2021-fr") == EVERYTHING
    assert {r["printed"] for r in yes_cells(tables)} == {"✓"}
    assert all(r["value_num"] == 1.0 for r in yes_cells(tables))


def test_marks_drawn_with_no_text_are_yes(tmp_path):
    data, tables, _ = printed_and_read(tmp_path, edition="2021-en", yes_mark="drawn:circle")
    assert compare(data, tables, "2021-en") == EVERYTHING
    assert {r["printed"] for r in yes_cells(tables)} == {"drawn"}


def test_the_language_s_yes_word_is_yes(tmp_path):
    data, tables, _ = printed_and_read(tmp_path, yes_mark="word")
    assert compare(data, tables, "2021-fr") == EVERYTHING
    assert {r["printed"] for r in yes_cells(tables)} == {"Oui"}


def test_board_in_the_colour_the_legend_names(tmp_path):
    """`In green, member of the Board of Directors` with the legend printed in black:
    the colour word says the hue; red names would be nobody's Board."""
    data, tables, checks = printed_with(tmp_path, "2021-en", board_color="#2e8b3a", board_color_word="green",
                                        legend_ink=False, new_marker="†")
    assert compare(data, tables, "2021-en") == EVERYTHING
    assert next(c for c in checks if c["check"] == "members.legend_read")["passed"]


def test_board_marker_and_a_worded_new_marker(tmp_path):
    data, tables, _ = printed_and_read(tmp_path, board="marker ‡", new_marker="(word)", name_lines=2)
    assert compare(data, tables, "2021-fr") == EVERYTHING
    assert not any("‡" in r["printed_name"] or "nouveau" in r["printed_name"] for r in tables["member_status"])


def test_board_in_cmyk_as_the_legend_declares(tmp_path):
    """A producer that prints in CMYK (reportlab): the Board's blue is C 0.9 M 0.55 Y 0
    K 0.1, the legend says `En bleu` in that ink."""
    truth_data = load_edition(DATA / "2021-fr")
    matrix = truth_data["members"]["matrices"][0]
    rows = matrix["rows"][:26]
    path = tmp_path / "cmyk.pdf"
    rc = ReportCanvas(path, Style(red=(0.9, 0.55, 0.0, 0.1)))
    legend = ["En bleu, membre du conseil d’administration", "(N) Nouveau membre"]
    draw_matrix(rc, "CARTOGRAPHIE DES MEMBRES", legend, matrix["headers"], rows, MatrixLayout())
    rc.save()
    tables, _checks = read(path, "2021-fr", "fr")
    data = {"members": {"matrices": [{**matrix, "rows": rows}]}}
    assert compare(data, tables, "2021-fr") == EVERYTHING
    board = {r["member_id"] for r in tables["member_status"] if r["is_board_member"]}
    assert len(board) == sum(bool(r.get("board")) for r in rows) > 0


def test_a_legend_the_vocabulary_cannot_read_fails_a_check(tmp_path):
    """`En magenta, ...` printed in black: no vocabulary names magenta; a warning and the
    check `members.legend_read` fails, naming the line (nobody silently on the Board)."""
    data, tables, checks = printed_with(
        tmp_path, "2021-fr", board_color="#c0187a", legend_ink=False,
        legend=["En magenta, membre du conseil d’administration", "(N) Nouveau membre"])
    check = next(c for c in checks if c["check"] == "members.legend_read")
    assert not check["passed"] and "magenta" in check["detail"]
    # the rows and cells are still read; the Board is not guessed
    assert compare(data, tables, "2021-fr")["cells_accuracy"] == 1.0
    assert not any(r["is_board_member"] for r in tables["member_status"])


def test_legend_lines_read():
    legend = Legend()
    assert read_line("● Oui", BLACK, legend) and legend.yes_marks == {"●"}
    assert read_line("(nuevo) Nuevo miembro", BLACK, legend) and legend.new_marker == "(nuevo)"
    assert read_line("* Member of the Board of Directors", BLACK, legend) and legend.board_marker == "*"
    # a column title naming the Board is no legend line
    assert not read_line("Participation aux réunions du conseil d’administration", BLACK, Legend())
    marks = Marks(legend)
    assert marks.unmark("Pekín * (nuevo)") == ("Pekín", True, True)
    assert read_mark("●", frozenset(legend.yes_marks)) == ("Yes", "●")
    assert read_mark(DRAWN) == ("Yes", "drawn")


def test_a_grey_board_is_grey_not_black():
    legend = Legend()
    read_line("In grey, member of the Board of Directors", BLACK, legend)
    marks = Marks(legend)
    grey = [Word("Berlin", 0, 0, 20, 8, color=normalise_color((0.0, 0.0, 0.0, 0.5)))]
    black = [Word("Bamako", 0, 0, 20, 8, color=normalise_color((0.0, 0.0, 0.0, 1.0)))]
    assert marks.is_board(grey) and not marks.is_board(black)


# --- a seeded sample of the design space -----------------------------------------------

@pytest.mark.parametrize("design", designs(SPACE, 3, seed=21), ids=lambda d: "-".join(map(str, d.values())))
def test_a_sample_of_the_design_space(tmp_path, design):
    pdf, data = print_design(design, tmp_path)
    tables, _checks = read(pdf, design["edition"], data["report"]["language"])
    assert compare(data, tables, design["edition"]) == EVERYTHING, design
    rows, _ = truth(data, design["edition"])
    assert len(tables["member_status"]) == len(rows)


def test_a_heading_in_a_text_layer_without_word_gaps_selects_its_page():
    """Chromium's print in DejaVu Serif gives pdfium no space characters: the matrix's
    first page came out as `MEMBERSMAPPINGIngrey,` and was not selected (34 members lost,
    found by the design space)."""
    from extract.sections import ReportContext, members

    page = "MEMBERSMAPPINGIngre\ny,\nmemberoftheBoardofDirectors\nAbi\ndj\na\nn\n1\n6\nAccra\n1\n5"
    prose = "Une page de texte suivi, qui parle de la ville et de ses habitants en phrases."
    assert members.select_pages([prose, page], ReportContext("2021-en", 2021, "en", "x.pdf")) == [2]


# --- the font knob: every family printed in its own faces -------------------------------

@pytest.mark.parametrize("family", SPACE.knobs["font"])
def test_every_font_of_the_design_space_is_printed_in_its_own_faces(tmp_path, family):
    """The font knob's families are installed (Makefile DEBIAN_PACKAGES) and Chromium
    embeds them: a family missing from the machine would print in fontconfig's fallback
    under the knob's name, and the design space would measure one font many times."""
    import pdfplumber

    from tests.specimens.html.render import FONT_FILES

    html = (f'<html><head><style>@page {{ size: 300pt 200pt; }} body {{ font-family: "{family}"; }}'
            f'</style></head><body><p>Abidjan 12</p><p><b>Membre activé</b></p></body></html>')
    pdf = print_pdf(html, tmp_path / "font.pdf")
    with pdfplumber.open(pdf) as doc:
        embedded = {c["fontname"].split("+")[-1] for c in doc.pages[0].chars}
    # the embedded names are the files' PostScript names: the file names' stems, spaces aside
    stems = {Path(f).stem.replace("-Regular", "") for f in FONT_FILES[family]}
    assert embedded and all(any(name.startswith(stem) for stem in stems) for name in embedded), (family, embedded)


def test_a_family_that_is_not_installed_is_an_error_not_a_fallback():
    from tests.specimens.html.render import HtmlLayout

    data = load_edition(DATA / "2021-fr")
    with pytest.raises(KeyError):
        edition_html(None, HtmlLayout(font="Comic Neue"), data={k: data[k] for k in ("report", "members")})


def test_a_print_is_cached_by_its_html_and_by_the_fonts_installed():
    """The same HTML prints another way once a font it names is installed: the cache key
    holds fontconfig's list of fonts (and the printer's version), not the HTML alone."""
    from tests.specimens.html.printers import fonts_fingerprint, html_sha256, print_key

    html = "<html><body>Abidjan</body></html>"
    assert print_key(html, "chromium") == print_key(html, "chromium") != html_sha256(html)
    assert print_key(html, "chromium") != print_key(html + " ", "chromium")
    assert len(fonts_fingerprint()) == 64


def test_a_continuation_whose_text_layer_cuts_names_into_pieces_is_selected():
    """Chromium's print of a headerless continuation page (Lato, titles turned 90°, cells
    at the top; found by the design space, `-n 100`) gives pdfium names cut letters
    apart, one piece a line (`Pue / bla`, `Q / uit / o`): the pieces in small letters
    were counted as prose, the last pages of both matrices were not selected and 109
    members lost their engagement cells (loud: members_in_every_matrix)."""
    from extract.sections import ReportContext, members

    first = ("CARTOGRAPHIE DES MEMBRES\nEn vert, membre du conseil d’administration\n(N) Nouveau membre\n"
             "Abidjan 1\nAccra 1\nAddis Ababa 1\nAhvaz -\nAlexandria -\nAmman -\nAntananarivo 2\n")
    cut = ("Pue\nbla\n-\nQ\nuit\no\n1\nRabat\n1\nRam\nalla\nh\n3\nRio\ndeJan\neir\no\n2\nRosa\nrio\n-\nSanS\nalv\n"
           "ador\n2\nSan\nti\nagodeC\nhile\n1\n1\nSãoPa\nulo\n7\nLSarajevo\n-\nSemarang\n-\nSeo\nul 5\nShangh\nai 1\n"
           "Shenzhen\n1\nS\nhir\na\nz\n2\nSipin\ng\n-\nS\no\nfi\na\n-\nSouth\nTa\nngerang\n-\nSurabaya\n1\nTa\nb\nriz\n"
           "-\nTaic\nhung\n-\nTaip\nei -\nTe\nhran\n2\nTia\nn\njin\n-\nTij\nuana\n-\nTo\nrin\no\n1\nÉCOUTE ACTIVE\n1\n3")
    prose = ("Une page de texte suivi, qui parle de la ville et de ses habitants en phrases,\n"
             "avec 12 chiffres et 3 noms: Barcelone, Séoul, Montréal.")
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    assert members.select_pages([first, cut, prose], ctx) == [1, 2]
