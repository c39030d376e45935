"""The shared text module: one joiner for every parser, its language rules from data."""

from __future__ import annotations

from extract.lang import vocab
from extract.toolkit import text


def test_french_reports_keep_a_real_hyphen_at_a_line_end():
    # the French lexicon (report.yml: hyphenation_lexicon) knows both halves, not the join
    assert text.join_lines(["Rapport de progrès juillet-", "septembre 2020"], vocab.lexicon("fr")) == (
        "Rapport de progrès juillet-septembre 2020")
    assert text.join_lines(["Forum politique de haut ni-", "veau"], vocab.lexicon("fr")) == "Forum politique de haut niveau"
    # a city the lexicon does not know is still joined: one half is no word
    assert text.join_lines(["à Bar-", "celone"], vocab.lexicon("fr")) == "à Barcelone"


def test_a_language_without_a_lexicon_takes_every_hyphen_before_lower_case_as_soft():
    assert vocab.lexicon("en") == frozenset()
    assert text.join_lines(["the Uni-", "ted Nations", "UN-", "Habitat"], vocab.lexicon("en")) == "the United Nations UN-Habitat"


def test_elision_is_a_language_s_data():
    assert vocab.elision("fr") and vocab.elision("en") is None
    assert all(lang in vocab.LANGUAGES for lang in ("fr", "en"))


def test_glued_day_numbers_come_off_place_lines_only_after_a_word():
    assert text.strip_glued_number("Téhéran, Iran6") == "Téhéran, Iran"
    assert text.strip_glued_number("C40") == "C40"
    assert text.strip_glued_number("Paris 2024") == "Paris 2024"


def test_the_resolver_takes_the_members_markers_from_their_vocabulary():
    from extract.names.normalise import clean_printed

    assert clean_printed("Porto Alegre (N)") == "Porto Alegre"
    assert clean_printed("Porto Alegre ( n )") == "Porto Alegre"
