"""Column titles read by meaning (extract.sections.members.titles): the labelled sets, left out one by one."""

from __future__ import annotations

import doctest

import pytest
from bench.column_titles import evaluate, labelled, read_left_out

from extract.sections.members import titles

LANGUAGES = ["fr", "en"]


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


def test_cells_vote_a_yes_column_is_not_a_count():
    """A title naming two indicators; the cells settle it."""
    title = "Board meetings and trainings attended"
    alone = titles.read_columns([title], "en")[0]
    assert not alone.known and alone.reason == "ambiguous"
    counts = titles.read_columns([title], "en", cells=[["2", "-", "3"]])[0]
    assert not counts.known  # both are count columns: still ambiguous
    # A column of Yes under a title of a count indicator is ruled out.
    yes = titles.read_columns(["Number of news items published"], "en", cells=[["Yes", "Yes", "-"]])[0]
    assert not yes.known and yes.reason == "cells" and yes.candidate == "news_published"
    roles = titles.read_columns(["Pilot projects"], "en", cells=[["L", "P", "L & P"]])[0]
    assert roles.key == "pilot_project_role"


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
