"""Vocabularies and curated aliases are data with a schema: a misspelt key is an error
naming the file and the key, never a key silently ignored; every language folder holds
the keys every language must have."""

from __future__ import annotations

import pytest

from extract.lang import vocab
from extract.names import normalise


def test_every_language_folder_loads_against_the_schema():
    for language in vocab.LANGUAGES:
        loaded = vocab.load(language)
        assert set(loaded) == set(vocab.schema()), language  # every file in every folder


def test_a_misspelt_key_names_the_file_and_the_key():
    with pytest.raises(vocab.VocabularyError, match=r"vocab/fr/members.yml: unknown key 'yes_word'"):
        vocab.validate("fr", "members", {**vocab.load("fr")["members"], "yes_word": ["Oui"]})


def test_a_missing_key_and_a_wrong_type_are_named():
    members = dict(vocab.load("en")["members"])
    members.pop("headings")
    with pytest.raises(vocab.VocabularyError, match="vocab/en/members.yml: missing headings"):
        vocab.validate("en", "members", members)
    with pytest.raises(vocab.VocabularyError, match="vocab/en/calendar.yml: prefixes should be a map"):
        vocab.validate("en", "calendar", {**vocab.load("en")["calendar"], "prefixes": ["WEBINAR"]})


def test_an_unknown_vocabulary_file_is_refused():
    with pytest.raises(vocab.VocabularyError, match="vocab/es/agenda.yml: no such vocabulary"):
        vocab.validate("es", "agenda", {})


def test_the_curated_aliases_follow_their_shape():
    assert normalise.load_aliases()["members"]  # the shipped file passes
    with pytest.raises(vocab.VocabularyError, match=r"members.grand-paris: unknown key 'seat'"):
        normalise.check_aliases({"members": {"grand-paris": {"name": "Grand Paris", "seat": "paris"}}})
    with pytest.raises(vocab.VocabularyError, match="unknown section 'cites'"):
        normalise.check_aliases({"cites": {}})
