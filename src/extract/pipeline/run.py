"""One PDF in, one report's rows out: identify, pick pages, parse sections, check."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdfium2

from extract import sections as parsers
from extract.lang.identify import identify, is_synthetic
from extract.names.decisions import load as load_decisions
from extract.pdf import provenance
from extract.pdf.guards import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_INFLATED,
    DEFAULT_MAX_PAGES,
    allow_for_pages,
    check_inflation,
    sha256_of,
)
from extract.pdf.layout import Document
from extract.pipeline import gates, inventory
from extract.store.rows import check_rows
from extract.store.writer import SCHEMA
from extract.toolkit.errors import IngestError
from extract.toolkit.version import __version__


@dataclass
class Extraction:
    report: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _open(path: Path, max_pages: int, max_bytes: int, max_inflated: int = DEFAULT_MAX_INFLATED) -> Document:
    size = path.stat().st_size
    if size == 0:
        raise IngestError("empty file")
    if size > max_bytes:
        raise IngestError(f"file is {size // (1 << 20)} MiB, over the limit of {max_bytes // (1 << 20)} MiB (--max-mib)")
    with open(path, "rb") as fh:
        if b"%PDF-" not in fh.read(1024):
            raise IngestError("not a PDF file (no %PDF header)")
        fh.seek(max(0, size - 2048))
        if b"%%EOF" not in fh.read():
            # pdfium would rebuild a cut file and hand us some of its pages: refuse instead
            raise IngestError("truncated PDF (no %%EOF marker at its end)")
    check_inflation(path, max_inflated)
    try:
        doc = Document(path)
    except pypdfium2.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise IngestError("encrypted PDF (password needed)") from None
        detail = reason.split("(")[-1].rstrip(").") or reason
        if detail.endswith("Success"):
            # pdfium failed without an error code: a file with no (readable) page tree
            detail = "no pages, or no readable page tree"
        raise IngestError(f"damaged PDF ({detail})") from None
    if doc.page_count == 0:
        doc.close()
        raise IngestError("PDF has no pages")
    if doc.page_count > max_pages:
        doc.close()
        raise IngestError(f"{doc.page_count} pages, over the limit of {max_pages} (--max-pages)")
    allow_for_pages(doc.page_count)  # a long report the page limit admits gets its time
    return doc


def extract_report(
    path: Path,
    *,
    year: int | None = None,
    language: str | None = None,
    sha256: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_inflated: int = DEFAULT_MAX_INFLATED,
    on_page: Callable[[int, int], None] | None = None,
    workers: int = 1,
    spacy_ner: bool = False,
    decisions: Path | None = None,
) -> Extraction:
    """Read one report PDF into rows for every table; raises IngestError on bad input.

    `on_page(read, total)` is called as the layout of each page is read; `workers` > 1
    reads it in that many processes; `spacy_ner` adds spaCy's statistical NER to the
    gazetteer in prose (French reports); `decisions` is the archive's decisions file
    (`extract.names.decisions`), read here so that page workers need only its path."""
    started = time.perf_counter()
    path = Path(path)
    with _open(path, max_pages, max_bytes, max_inflated) as doc:
        texts = doc.page_texts
        ident = identify(texts, year=year, language=language)
        ctx = parsers.ReportContext(
            report_id=ident.report_id, year=ident.year, language=ident.language,
            source_file=path.name, spacy_ner=spacy_ner,
            decisions=load_decisions(decisions),
        )
        registered = parsers.registered()
        plan = {p.name: p.select_pages(texts, ctx) for p in registered}
        runs = {p.name for p in registered if p.run}
        filled = inventory.fill_runs(plan, runs)
        wanted = sorted({n for numbers in plan.values() for n in numbers})
        if not wanted:
            raise IngestError("not a Metropolis annual report (no section of one was found)")
        pages = {}
        for page in doc.pages(wanted, workers):
            pages[page.number] = page
            if on_page:
                on_page(len(pages), len(wanted))
        read = {n: doc.page_chars[n - 1] for n in pages}, gates.layout_counts(pages.values())
        gates.read_agreement(*read)
        tables: dict[str, list[dict[str, Any]]] = {}
        sections: dict[str, parsers.Section] = {}
        for parser in registered:
            section = parser.parse([pages[n] for n in plan[parser.name]], ctx)
            sections[parser.name] = section
            for table, rows in section.tables.items():
                if table in SCHEMA:  # an undeclared table is the store's SchemaError
                    check_rows(table, rows, SCHEMA[table][0])
                tables.setdefault(table, []).extend(rows)
        # every page once, before the checks: they cite it
        tables["pages"] = inventory.pages_table(texts, doc.margin_texts, plan, sections, filled)
        for table, rows in ctx.names.tables().items():
            tables.setdefault(table, []).extend(rows)
        gates.some_section(tables)
        # checks after every parser: each reads the whole report's rows and its own state
        for parser in registered:
            if parser.checks is not None:
                found = parser.checks(tables, sections[parser.name].state, ctx)
                tables.setdefault("checks", []).extend(found)
        tables.setdefault("checks", []).extend(inventory.run_checks(tables["pages"], plan, runs))
        tables["checks"].extend(gates.agreement_checks(*read, plan))
        tables["checks"].extend(gates.presence_checks(tables, tables["pages"], plan))
        data_sections = {p.name for p in registered if p.checks is not None}
        tables["checks"].extend(inventory.folio_checks(tables["pages"], data_sections))
        for check in tables["checks"]:
            if not check["passed"]:  # loud: a failed check is also a warning of the report
                section = check["check"].split(".")[0]
                ctx.warn(f"{section}: check {check['check']} failed: expected {check['expected']}, "
                         f"got {check['actual']}" + (f"; {check['detail']}" if check.get("detail") else "")
                         + " (table checks, column detail)")
        report = {
            "id": ident.report_id,
            "year": ident.year,
            "language": ident.language,
            "title": ident.title,
            "source_file": path.name,
            "sha256": sha256 or sha256_of(path),
            "page_count": doc.page_count,
            "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "extractor_version": __version__,
            "synthetic": int(is_synthetic(texts)),
            "decisions_sha256": ctx.decisions.sha256,
        }
    tables["ingest_warnings"] = [{"message": w} for w in ctx.warnings]
    tables["provenance_images"] = provenance.crop_rows(path, tables, workers=workers)
    return Extraction(report, tables, ctx.warnings, time.perf_counter() - started)
