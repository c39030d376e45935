"""Column titles read by meaning (extract.sections.members.titles): the labelled sets, left out one by one."""

from __future__ import annotations

import doctest

import pytest
from bench.column_titles import evaluate, labelled, read_left_out

from extract.sections.members import titles

LANGUAGES = ["fr", "en", "es"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_labelled_set_is_large_enough(language):
    rows = labelled(language)
    per_key: dict[str, int] = {}
    for _, key in rows:
        per_key[key] = per_key.get(key, 0) + 1
    distractors = per_key.pop("unknown")
    assert set(per_key) == set(titles.cell_kinds())
    assert min(per_key.values()) >= 8 and distractors >= 25
    # none of them is a title the vocabulary already lists
    known = {titles.fold_title(t) for entries in titles.known_titles().values() for _, t in entries}
    assert not [t for t, _ in rows if titles.fold_title(t) in known]


@pytest.mark.parametrize("language", LANGUAGES)
def test_leave_one_out_maps_every_paraphrase_and_no_distractor(language):
    result = evaluate(language)
    misses = [(t, k, r.key, round(r.score, 2), r.reason) for t, k, r in result.misses]
    assert result.mapped_right == result.paraphrases, misses
    assert result.distractors_mapped == 0 and result.mapped_wrong == 0, misses


def test_a_title_left_out_is_not_found_by_its_spelling():
    """The specimen's own title, removed from the known titles, is still read by meaning."""
    title = "Participation aux réunions annuelles ou aux congrès de Metropolis"
    from bench.column_titles import near_duplicates

    without = near_duplicates(title)
    assert titles.fold_title(title) in without
    assert titles.fold_title(title) not in titles.model("fr", without).known
    assert read_left_out(title, "fr").key == "congress_participation"


def test_two_columns_never_take_one_key():
    readings = titles.read_columns(["Board meetings attended", "Board of Directors meetings"], "en")
    keys = [r.key for r in readings]
    assert keys.count("board_meeting_participation") == 1
    assert [r.reason for r in readings if not r.known] == ["taken"]


def test_the_assignment_gives_each_column_its_best_free_key():
    # Read alone, "Participation in meetings" names no indicator; beside the others it
    # still is none: an assignment never turns a weak title into a guess.
    readings = titles.read_columns(
        ["Participation in congresses", "Participation in meetings", "Bilateral meetings"], "en")
    assert [r.key for r in readings] == [
        "congress_participation", "unknown:participation-in-meetings", "bilateral_meetings"]


def test_cells_decide_only_what_the_title_leaves_open():
    """A title naming two indicators; the cells settle it only between those two."""
    title = "Board meetings and trainings attended"
    alone = titles.read_columns([title], "en")[0]
    assert not alone.known and alone.reason == "ambiguous"
    counts = titles.read_columns([title], "en", cells=[["2", "-", "3"]])[0]
    assert not counts.known  # both are count columns: still ambiguous
    # a title naming a yes indicator and a count indicator: the cells pick
    both = "Congress and trainings attended"
    assert titles.read_columns([both], "en", cells=[_cells("count")])[0].key == "training_participation"
    assert titles.read_columns([both], "en", cells=[_cells("yes")])[0].key == "congress_participation"
    roles = titles.read_columns(["Pilot projects"], "en", cells=[["L", "P", "L & P"]])[0]
    assert roles.key == "pilot_project_role" and roles.cell_kind == "role"


def _cells(kind: str) -> list[str]:
    """A column of 30 cells of one kind, with blanks, as a matrix prints it."""
    pattern = {"yes": ["Yes", "-", "Yes"], "count": ["3", "-", "12"], "role": ["L", "P", "L & P"]}[kind]
    return (pattern * 10)[:30]


# Every indicator's known titles, in every language folder, under cells of each kind its
# vocabulary has never seen for it: the title names it and no other, so it stands.
SWAPPED = [(lang, title, key, kind)
           for key, entries in sorted(titles.known_titles().items()) for lang, title in entries
           for kind in ("yes", "count", "role") if kind not in titles.cell_kinds()[key]]


@pytest.mark.parametrize(("language", "title", "key", "kind"), SWAPPED)
def test_a_title_naming_one_indicator_keeps_it_whatever_its_cells(language, title, key, kind):
    reading = titles.read_columns([title.replace("{year}", "2021")], language, cells=[_cells(kind)])[0]
    assert reading.key == key, reading
    assert reading.cell_kind == kind and reading.unexpected_cells
    assert reading.reason == "unexpected cells"


@pytest.mark.parametrize(("language", "title", "key", "cells"), [
    # issue 21: one producer prints these the other way round from the vocabulary
    ("fr", "Participation à des réunions bilatérales", "bilateral_meetings", ["2", "-", "1", "4"] * 8),
    ("fr", "Participation aux réunions du “Board of Directors”", "board_meeting_participation",
     ["Yes", "-", "Yes"] * 10),
    # the same titles, reworded (read by meaning, not by the exact-title shortcut)
    ("fr", "Réunions bilatérales tenues avec le secrétariat", "bilateral_meetings", ["2", "-", "5"] * 10),
    ("en", "Attended Board of Directors meetings", "board_meeting_participation", ["Yes", "-"] * 15),
])
def test_the_issue_titles_are_not_vetoed_by_their_cells(language, title, key, cells):
    reading = titles.read_columns([title], language, cells=[cells])[0]
    assert reading.key == key and reading.unexpected_cells, reading


def test_cells_of_a_seen_kind_are_no_warning():
    reading = titles.read_columns(["Participation à des réunions bilatérales"], "fr",
                                  cells=[["Oui", "-", "Oui"]])[0]
    assert reading.key == "bilateral_meetings" and reading.cell_kind == "yes"
    assert not reading.unexpected_cells and reading.reason is None


def test_a_decision_wins_over_everything():
    readings = titles.read_columns(["Cities met in person", "Bilateral meetings"], "en",
                                   decided={"Cities met in person": "bilateral_meetings"})
    assert readings[0].key == "bilateral_meetings" and readings[0].reason == "decided"
    # the decided key is taken: the other column cannot have it
    assert not readings[1].known and readings[1].reason == "taken"


def test_acronyms_match_only_in_capitals():
    assert titles.read_columns(["Cases published on USE"], "en")[0].key == "use_cases"
    assert titles.read_columns(["NEWS PUBLISHED ON THE WEBSITE"], "en")[0].key == "news_published"
    mis = titles.title_scores("Members analysed by the MIS", "en")
    assert mis["mis_analysed"] == 1.0
    assert titles.title_scores("Members who mis-analysed", "en")["mis_analysed"] == 0.0


def test_review_line_is_yaml_that_decisions_reads(tmp_path):
    from extract.names.decisions import load

    line = titles.review_line("Cities “met” in person: 2021", "bilateral_meetings")
    path = tmp_path / "decisions.yml"
    path.write_text("columns:\n" + line + "\n", encoding="utf-8")
    assert load(path).column("Cities “met” in person: 2021") == "bilateral_meetings"


def test_docstring_examples():
    result = doctest.testmod(titles)
    assert result.failed == 0 and result.attempted > 5


@pytest.mark.parametrize(("title", "key"), [
    # issue 21: a Spanish report's titles, 143 + 3 cells lost
    ("Títulos incorporados a la biblioteca en línea", "library_publications"),
    ("Participó en actividades formativas", "training_participation"),
])
def test_spanish_titles_of_the_issue(title, key):
    assert titles.read_columns([title], "es")[0].key == key
    # and read by meaning, not by a spelling the vocabulary lists
    assert read_left_out(title, "es").key == key


def test_a_title_naming_what_an_indicator_is_never_maps_to_it():
    """`Día Mundial de las Metrópolis` and `Día Mundial de las Ciudades` share all but a
    word Metropolis (the association) makes generic: `never:` in the vocabulary."""
    assert titles.read_columns(["Eventos del Día Mundial de las Metrópolis organizados"], "es")[0].key \
        == "wmd_event_organiser"
    assert not titles.read_columns(["Eventos del Día Mundial de las Ciudades organizados"], "es")[0].known
