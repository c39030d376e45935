"""Section parsers: one module per section of the report, one contract, checked.

Each module registers itself with `register(...)` (the way Datasette's plugin hooks
are specified, the functions' argument names are checked against the contract when
the parser is registered, not when a report first runs into a mistake):

- `name`: the section's name, unique;
- `vocabulary`: the name of its vocabulary file (`vocab/<lang>/<vocabulary>.yml`),
  which must exist in at least one language folder;
- `select_pages(texts, ctx) -> list[int]`: the 1-based numbers of the pages it needs,
  chosen from the fast text pre-pass (`texts[i]` is page i+1) — cheap, text only;
- `parse(pages, ctx) -> Section`: rows (`extract.store.rows` types) with provenance from the
  layout pages, and any `state` its checks need (never as private keys in rows);
- `checks(tables, state, ctx) -> list[Check]` (optional): what the report says of
  itself, run after every parser has parsed, with `tables` the merged rows of the
  whole report (`tables["pages"]` is the page inventory) and `state` the parser's own
  `Section.state`;
- `run` (optional, False): the section's pages form a run (the members matrix, the
  month pages), so a page between two of its pages that no section chose is read by
  it too (`inventory.fill_runs`).

`Section.pages` says, for every page a parser was given, that it read its section
there (None) or why not (a note for the `pages` inventory).

Every row that comes from one place on a page carries `page` and its box (`x0`,
`top`, `x1`, `bottom`), so that every row gets a provenance crop.

Parsers never write to the database and never read the PDF themselves.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from extract.lang import vocab
from extract.names.decisions import Decisions
from extract.names.normalise import NameCollector
from extract.pdf.layout import Page


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
    # section -> pages its page selection left out although they looked like it (a page
    # of bare names right after the members matrix): its checks name them, so a page
    # the text alone cannot decide is never lost in silence
    left_out: dict[str, dict[int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.names is None:
            self.names = NameCollector(self.report_id, decisions=self.decisions)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@dataclass
class Section:
    """Rows per table name, e.g. {"calendar_events": [...], "key_figures": [...]}, and
    the parser's own `state` for its checks (what was seen that rows do not say)."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    state: Any = None
    # page number -> None when the page held this section, else why it did not
    pages: dict[int, str | None] = field(default_factory=dict)

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.tables.setdefault(table, []).extend(rows)


SelectPages = Callable[[list[str], ReportContext], list[int]]
Parse = Callable[[list[Page], ReportContext], Section]
Checks = Callable[[dict[str, list[dict[str, Any]]], Any, ReportContext], list[dict[str, Any]]]

# The contract: each function's argument names, in order.
SPEC = {
    "select_pages": ("texts", "ctx"),
    "parse": ("pages", "ctx"),
    "checks": ("tables", "state", "ctx"),
}
# The built-in parsers, in the order they run: prose after members (a city named in
# prose prefers the report's member cities). Checks run after all of them.
BUILTIN = ("key_figures", "members", "calendar", "publications", "prose", "budget", "plan", "lists")


class ContractError(TypeError):
    """A parser that does not follow the contract, said when it is registered."""


@dataclass(frozen=True)
class Parser:
    name: str
    vocabulary: str
    select_pages: SelectPages
    parse: Parse
    checks: Checks | None = None
    run: bool = False

    # the former module attribute, for code that still reads it
    @property
    def NAME(self) -> str:
        return self.name


_REGISTRY: dict[str, Parser] = {}


def register(name: str, *, vocabulary: str, select_pages: SelectPages, parse: Parse,
             checks: Checks | None = None, run: bool = False) -> Parser:
    """Register a section parser after checking it against the contract (`SPEC`);
    raises ContractError naming what is wrong. Registering a name again replaces it
    (a module reloaded)."""
    if not name or not name.isidentifier():
        raise ContractError(f"parser name {name!r} is not an identifier")
    if not any((resources.files("extract.lang") / "vocab" / lang / f"{vocabulary}.yml").is_file()
               for lang in vocab.LANGUAGES):
        raise ContractError(f"parser {name}: no vocabulary file {vocabulary}.yml in any of "
                            f"vocab/{{{','.join(vocab.LANGUAGES)}}}/")
    functions = {"select_pages": select_pages, "parse": parse, "checks": checks}
    for role, function in functions.items():
        if function is None and role == "checks":
            continue
        if not callable(function):
            raise ContractError(f"parser {name}: {role} is not callable")
        params = [p.name for p in inspect.signature(function).parameters.values()
                  if p.default is inspect.Parameter.empty]
        if tuple(params) != SPEC[role]:
            raise ContractError(f"parser {name}: {role}({', '.join(params)}) should take "
                                f"({', '.join(SPEC[role])})")
    parser = Parser(name, vocabulary, select_pages, parse, checks, run)
    _REGISTRY[name] = parser
    return parser


def registered() -> list[Parser]:
    """The section parsers, in the order they run: the built-in ones, then any other."""
    for module in BUILTIN:
        importlib.import_module(f"extract.sections.{module}")
    order = {n: i for i, n in enumerate(BUILTIN)}
    return sorted(_REGISTRY.values(), key=lambda p: order.get(p.name, len(order)))
