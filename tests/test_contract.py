"""The house contracts: parsers registered against a spec, rows typed, the store strict."""

from __future__ import annotations

import pytest

from extract import sections as parsers
from extract.sections import ContractError, ReportContext, Section, register
from extract.store import rows
from extract.store import writer as store


def _select(texts, ctx):
    return []


def _parse(pages, ctx):
    return Section()


def _checks(tables, state, ctx):
    return []


def test_builtin_parsers_are_registered_in_order_with_their_vocabulary():
    got = [(p.name, p.vocabulary) for p in parsers.registered()]
    assert got == [("key_figures", "key_figures"), ("members", "members"), ("calendar", "calendar"),
                   ("publications", "publications"), ("prose", "places"), ("budget", "budget"),
                   ("plan", "plan"), ("lists", "lists")]
    assert {p.name for p in parsers.registered() if p.checks} == {"members", "calendar", "publications", "key_figures",
                                                                  "budget", "plan", "lists"}
    assert {p.name for p in parsers.registered() if p.run} == {"members", "calendar"}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"parse": lambda pages: Section()}, "parse(pages) should take (pages, ctx)"),
    ({"checks": lambda tables, ctx: []}, "checks(tables, ctx) should take (tables, state, ctx)"),
    ({"select_pages": "pages 1-3"}, "select_pages is not callable"),
    ({"vocabulary": "no_such_section"}, "no vocabulary file no_such_section.yml"),
])
def test_a_parser_off_the_contract_is_refused_when_registered(kwargs, message):
    spec = {"vocabulary": "calendar", "select_pages": _select, "parse": _parse, "checks": _checks, **kwargs}
    with pytest.raises(ContractError, match=message.replace("(", r"\(").replace(")", r"\)")):
        register("broken", **spec)
    assert "broken" not in {p.name for p in parsers.registered()}


def test_no_private_keys_in_rows_state_goes_to_the_checks():
    """The calendar's statements reach its checks as state, never as a table."""
    from extract.sections import calendar

    statement = {"statement": "3 events from 1 to 3 March", "first_date": "2021-03-01",
                 "last_date": "2021-03-03", "count": 3, "at_least": 0, "page": 9}
    events = [{"start_date": "2021-03-02", "end_date": "2021-03-02", "title": "x"}]
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    out = calendar.checks({"calendar_events": events}, calendar.CalendarState(statements=[statement]), ctx)
    assert out[0]["expected"].startswith("3 (p. 9") and out[0]["actual"] == "1" and not out[0]["passed"]


def test_schema_columns_are_the_row_types():
    assert set(store.SCHEMA["key_figures"][0]) == set(rows.KeyFigure.__annotations__)
    # the row's own columns in declaration order, then the page and box it inherits
    assert list(store.SCHEMA["key_figures"][0]) == ["report_id", "key", "value", "label",
                                                    "page", "x0", "top", "x1", "bottom"]
    assert store.SCHEMA["provenance_images"][0]["png"] is bytes
    assert store.SCHEMA["calendar_events"][0]["id"] is int


REPORT = {"id": "2021-fr", "year": 2021, "language": "fr", "title": "t", "source_file": "x.pdf",
          "sha256": "0" * 64, "page_count": 1, "ingested_at": "now", "extractor_version": "0"}


def test_store_refuses_an_unknown_column_and_writes_nothing(tmp_path):
    db = store.connect(tmp_path / "kb.db")
    bad = {"key_figures": [{"key": "members", "value": 3.0, "label": "3", "page": 2, "lable": "typo"}]}
    with pytest.raises(store.SchemaError, match="key_figures: unknown column.*'lable'"):
        store.write_report(db, REPORT, bad)
    assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == 0


def test_store_refuses_an_unknown_table(tmp_path):
    db = store.connect(tmp_path / "kb.db")
    with pytest.raises(store.SchemaError, match="unknown table 'calendar_statements'"):
        store.write_report(db, REPORT, {"calendar_statements": [{"count": 3}]})


def test_event_numbers_become_database_ids_and_links_follow(tmp_path):
    db = store.connect(tmp_path / "kb.db")
    db.execute("INSERT INTO cities (id, name) VALUES ('taipei', 'Taipei'), ('seoul', 'Seoul')")
    tables = {
        "calendar_events": [{"id": 1, "start_date": "2021-01-05", "title": "A", "page": 3},
                            {"id": 2, "start_date": "2021-02-05", "title": "B", "page": 4}],
        "event_cities": [{"event_id": 2, "city_id": "seoul"}, {"event_id": 1, "city_id": "taipei"}],
    }
    for _ in range(2):  # a second write replaces the first, links included
        store.write_report(db, REPORT, tables)
    got = db.execute("SELECT e.title, c.city_id FROM event_cities c JOIN calendar_events e "
                     "ON e.id = c.event_id ORDER BY 1").fetchall()
    assert got == [("A", "taipei"), ("B", "seoul")]
    with pytest.raises(store.SchemaError, match="event_cities.event_id: no calendar_events row numbered 7"):
        store.write_report(db, REPORT, {**tables, "event_cities": [{"event_id": 7, "city_id": "seoul"}]})


def test_dedupe_keeps_rows_whose_key_the_database_assigns():
    pubs = [{"title": "same"}, {"title": "same"}]
    assert len(store._dedupe("publications", pubs)) == 2
    cities = [{"id": "a", "name": "A"}, {"id": "a", "name": "A again"}]
    assert store._dedupe("cities", cities) == [cities[0]]


def test_an_unknown_ingest_option_is_a_type_error_naming_it(tmp_path):
    """`max_page=5` came back as every file "failed: cannot read this PDF (TypeError…)"."""
    import pytest

    import extract
    from tests.conftest import SPECIMEN_2021_FR

    with pytest.raises(TypeError, match="max_page"):
        extract.ingest([SPECIMEN_2021_FR], tmp_path / "kb.db", max_page=5)
    assert not (tmp_path / "kb.db").exists()
