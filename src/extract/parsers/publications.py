"""Placeholder until its issue lands: selects no page, returns no rows."""

from __future__ import annotations

from extract.layout import Page
from extract.parsers import ReportContext, Section

NAME = "publications"


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    return []


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    return Section()
