"""The shared text module: one joiner for every parser, its language rules from data."""

from __future__ import annotations

import pytest

from extract.lang import vocab
from extract.toolkit import text


def test_french_reports_keep_a_real_hyphen_at_a_line_end():
    # report.yml word_frequencies: `juillet-septembre` is no word, `niveau` a common one
    assert text.join_lines(["Rapport de progrès juillet-", "septembre 2020"], vocab.lexicon("fr")) == (
        "Rapport de progrès juillet-septembre 2020")
    assert text.join_lines(["Forum politique de haut ni-", "veau"], vocab.lexicon("fr")) == "Forum politique de haut niveau"
    # a city: one half is no word of the list
    assert text.join_lines(["à Bar-", "celone"], vocab.lexicon("fr")) == "à Barcelone"


# Line-end splits as printed: the seed report (its real printed lines), the specimens'
# prints and the data files' words. (head, tail, True when the hyphen is a soft one.)
SPLITS = {
    "en": [("nature", "based", False), ("gender", "sensitive", False), ("well", "being", False),
           ("cost", "effective", False),  # the Chromium print of 2021-en
           ("inter", "national", True), ("metro", "politan", True), ("develop", "ment", True),
           ("Uni", "ted", True), ("back", "bone", True), ("Rethink", "ing", True)],
    "fr": [("juillet", "septembre", False), ("est", "elle", False), ("au", "delà", False),
           ("co", "agir", False), ("bien", "être", False),  # the seed report and 2021-fr
           ("ni", "veau", True), ("Bar", "celone", True), ("métropo", "litaines", True),
           ("gou", "vernance", True), ("Emergen", "cy", True), ("prog", "ram", True), ("Sum", "mit", True)],
    "es": [("julio", "septiembre", False), ("octubre", "diciembre", False), ("enero", "abril", False),
           ("ciudad", "ana", True), ("metropo", "litanas", True), ("Bar", "celona", True),
           ("bien", "estar", True)],  # `bienestar` is written whole in Spanish
}


@pytest.mark.parametrize("language", sorted(SPLITS))
def test_a_line_end_hyphen_is_told_soft_or_real_by_word_frequencies(language):
    lexicon = vocab.lexicon(language)
    for head, tail, soft in SPLITS[language]:
        joined = text.join_lines([f"les {head}-", f"{tail} y"], lexicon)
        assert joined == (f"les {head}{tail} y" if soft else f"les {head}-{tail} y"), (language, head, tail)


def test_a_lexicon_reads_wordfreq_s_own_frequencies():
    """The compact reader gives what `wordfreq.zipf_frequency` gives (words and pairs)."""
    import wordfreq

    en = vocab.lexicon("en")
    for word in ("development", "wellbeing", "metropolitan", "naturebased", "the"):
        assert en.zipf(word) == wordfreq.zipf_frequency(word, "en"), word
    assert en.zipf("well", "being") == wordfreq.zipf_frequency("well-being", "en")
    assert vocab.lexicon("fr").zipf("été") == wordfreq.zipf_frequency("été", "fr")


def test_without_word_frequencies_every_hyphen_before_lower_case_is_soft():
    assert vocab.lexicon(None) == frozenset()
    assert text.join_lines(["the Uni-", "ted Nations", "well-", "being", "UN-", "Habitat"]) == (
        "the United Nations wellbeing UN-Habitat")


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
