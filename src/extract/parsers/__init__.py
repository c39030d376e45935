"""Section parsers: one module per section of the report, one uniform contract.

Each module in `PARSERS` has:

- `NAME`: the section's name (also the name of its vocabulary file);
- `select_pages(texts, ctx) -> list[int]`: the 1-based numbers of the pages it needs,
  chosen from the fast text pre-pass (`texts[i]` is page i+1) — cheap, text only;
- `parse(pages, ctx) -> Section`: rows with provenance from the layout pages;
- optionally `checks(rows, ctx) -> list[dict]`: what the report says of itself, run
  after every parser, with `rows` the merged tables of the whole report (`rows["pages"]`
  is the page inventory);
- optionally `RUN = True`: the section's pages form a run, so a page between two of
  its pages that no section chose is read by it too (`pipeline.fill_runs`).

`Section.pages` says, for every page a parser was given, that it read its section
there (None) or why not (a note for the `pages` inventory).

Parsers never write to the database and never read the PDF themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from extract.decisions import Decisions
from extract.layout import Page
from extract.normalise import NameCollector


@dataclass
class ReportContext:
    report_id: str
    year: int
    language: str
    source_file: str
    warnings: list[str] = field(default_factory=list)
    names: NameCollector = None  # type: ignore[assignment]
    spacy_ner: bool = False  # --spacy-ner: statistical NER adds places in prose
    # the archivist's decisions (names, column titles) kept with the archive
    decisions: Decisions = field(default_factory=Decisions)

    def __post_init__(self) -> None:
        if self.names is None:
            self.names = NameCollector(self.report_id)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@dataclass
class Section:
    """Rows per table name, e.g. {"calendar_events": [...], "key_figures": [...]}."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # page number -> None when the page held this section, else why it did not
    pages: dict[int, str | None] = field(default_factory=dict)

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.tables.setdefault(table, []).extend(rows)


class Parser(Protocol):
    NAME: str

    def select_pages(self, texts: list[str], ctx: ReportContext) -> list[int]: ...

    def parse(self, pages: list[Page], ctx: ReportContext) -> Section: ...


def registered() -> list[Any]:
    """The section parsers, in the order they run."""
    from extract.parsers import calendar, key_figures, members, prose, publications

    # prose after members: a city named in prose prefers the report's member cities
    return [key_figures, members, calendar, publications, prose]
