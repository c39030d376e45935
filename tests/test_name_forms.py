"""A member's name in any language with a folder is the same member and city (issue 21).

The Spanish edition printed `Nueva Delhi - NIUA` and `Tangerang del Sur`: not the
members `New Delhi - NIUA` and `South Tangerang` of the French and English editions,
and no city. The normaliser now rewrites a name it does not know into English through
each language folder's `name_forms` (`vocab/<lang>/places.yml`) — words (`Nueva` =
`New`, `Gran` = `Grand`) and patterns (`X del Sur` = `South X`) — not one alias per name.
The expected members and cities are written from knowledge of the Metropolis members.
"""

from __future__ import annotations

import pytest

from extract.lang import vocab
from extract.names.gazetteer import key
from extract.names.normalise import NameCollector, in_english, load_aliases

# printed in one language -> (the same member printed in English, its city id)
SAME_MEMBER = [
    ("Nueva Delhi - NIUA", "New Delhi - NIUA", "new-delhi"),
    ("Tangerang del Sur", "South Tangerang", "south-tangerang"),
    ("Tangerang Sud", "South Tangerang", "south-tangerang"),
    ("Pekín", "Beijing", "beijing"),
    ("Pékin", "Beijing", "beijing"),
    ("Gran París", "Grand Paris", "paris"),
    ("Gran Lyon", "Grand Lyon", "lyon"),
    ("Gran Mánchester", "Greater Manchester", "manchester"),
    ("Grand Manchester", "Greater Manchester", "manchester"),
    ("Nueva Delhi", "New Delhi", "new-delhi"),
    ("Nouvelle-Delhi", "New Delhi", "new-delhi"),
    ("Kalimantan Oriental", "East Kalimantan", "east-kalimantan"),
    ("Kalimantan orientale", "East Kalimantan", "east-kalimantan"),
    ("Nueva York", "New York", "new-york-city"),
]


@pytest.mark.parametrize(("printed", "english", "city"), SAME_MEMBER)
def test_a_member_in_any_language_is_the_same_member_and_city(printed, english, city):
    names = NameCollector("2021-es")
    member = names.member(printed)
    assert member == NameCollector("2021-en").member(english)
    assert names.members[member]["city_id"] == city
    assert not names.review, names.review  # read surely, nothing left to settle


def test_the_rule_is_data_not_an_alias_per_name():
    """None of the rewritten spellings is listed in the curated names: the language
    folders' words and patterns find them."""
    aliases = load_aliases()
    listed = {key(a) for section in ("cities", "members") for spec in aliases[section].values()
              for a in [spec["name"], *(spec.get("aliases") or [])]}
    listed |= {key(a) for section in ("exonyms", "regions", "manual") for a in aliases.get(section) or {}}
    rewritten = [p for p, _, _ in SAME_MEMBER if not p.startswith(("Pek", "Pék"))]
    assert not [p for p in rewritten if key(p) in listed]
    assert all(vocab.section("places", lang).get("name_forms") for lang in ("fr", "es"))


@pytest.mark.parametrize(("printed", "english"), [
    ("Tangerang del Sur", ["south tangerang"]),
    ("Nueva Delhi - NIUA", ["new delhi niua"]),
    ("Kalimantan orientale", ["east kalimantan"]),
    ("Brussels", []),  # English is the target: nothing to rewrite
])
def test_names_in_english(printed, english):
    assert in_english(key(printed)) == english


@pytest.mark.parametrize("printed", ["Corea del Sur", "Nuevo León"])
def test_a_rewrite_that_names_nothing_known_is_no_place(printed):
    """A rewrite is only taken when the curated names or the gazetteer know it
    (`South Corea`, `New León` are no places)."""
    names = NameCollector("2021-es")
    assert names.members[names.member(printed)]["city_id"] is None


@pytest.mark.parametrize(("language", "printed"), [
    ("fr", "Nouvelle-Delhi"), ("fr", "Tangerang Sud"), ("es", "Tangerang del Sur"), ("es", "Gran París")])
def test_running_text_finds_a_curated_name_as_another_language_words_it(language, printed):
    """Prose has no name to rewrite: it looks for known keys, so the curated names'
    other-language forms are among them (read backwards from the same `name_forms`)."""
    from extract.names.places import place_keys

    assert place_keys(language).get(key(printed)) is True
