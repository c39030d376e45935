"""Sanity gates: a report enters the archive, or replaces a stored one, only if it is
not obviously worse than what it claims to be.

Each gate looks at the report's own content (and, for a replacement, at the edition
already stored) and says in a few words why it refuses; the archive turns that into a
failed outcome and leaves the database unchanged. The identification gates (a language
and a year found with evidence) live in `identify`.

- `read_agreement`: the layout reader (pdfplumber) read the characters that the fast
  pre-pass (pdfium) found on the same pages. A damaged file that one library repairs
  and the other does not reads as pages of nothing: refused as damaged.
- `some_section`: a report in which no section came back is not a report we can read.
- `against_stored`: a section the stored edition had is not now empty, the members,
  events and products do not drop past a tolerance, and no check that passed on the
  stored edition fails now; `--force` overrides.
- `stale_reports`: reports read before from a file of the same name that now holds
  another edition (the archive says so, or removes them with `--force`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from extract.toolkit.errors import IngestError

# The sections whose rows tell that a report was read at all, with their plain names.
SECTIONS = {
    "member_status": "members",
    "calendar_events": "calendar events",
    "publications": "publications",
    "key_figures": "key figures",
}
# Counts that must not collapse when a report replaces the stored one.
WATCHED = (*SECTIONS, "member_indicators")
# A replacement may lose this share of a section's rows (a better extractor may drop a
# false row); more needs --force.
TOLERANCE = 0.10
# A page where the pre-pass found fewer characters than this is not judged (a blank
# page, a picture with a caption).
MIN_CHARS = 20
# The layout reader must read at least this share of the pre-pass's characters on a
# page. Both read the same text objects: every page of the specimens agrees exactly
# (1.000), while a stream that one library repairs and the other cuts short loses a
# third of a page or more; the slack is for ligatures and glyphs without Unicode,
# which the two libraries count differently.
MIN_AGREEMENT = 0.9


def read_agreement(prepass: Mapping[int, int], layout_chars: Mapping[int, int]) -> None:
    """Raise IngestError when, on the pages read for layout, the layout reader read far
    fewer characters than the pre-pass found (`prepass[n]` and `layout_chars[n]`: the
    characters, not white space, each reader found on page n).

    >>> read_agreement({1: 100}, {1: 98})
    >>> read_agreement({1: 100, 2: 50}, {1: 0, 2: 50})
    Traceback (most recent call last):
    ...
    extract.toolkit.errors.IngestError: damaged PDF (the layout reader read 0 of the 100 characters of page 1)
    """
    bad = []
    for number, read in sorted(layout_chars.items()):
        found = prepass.get(number, 0)
        if found >= MIN_CHARS and read < MIN_AGREEMENT * found:
            bad.append((number, read, found))
    if not bad:
        return
    read, found = sum(b[1] for b in bad), sum(b[2] for b in bad)
    which = _pages([b[0] for b in bad])
    raise IngestError(f"damaged PDF (the layout reader read {read} of the {found} characters of {which})")


# The sections whose rows are the report's facts: each gets a `<section>.pages_read_whole`.
FACT_SECTIONS = ("key_figures", "members", "calendar", "publications")


def agreement_checks(prepass: Mapping[int, int], layout_chars: Mapping[int, int],
                     plan: Mapping[str, Iterable[int]]) -> list[dict[str, Any]]:
    """The checks `<section>.pages_read_whole`: on every page the section read, the
    layout reader read exactly the characters the pre-pass found. Below the refusal
    threshold of `read_agreement`, a small loss is still loud: a damaged font map that
    drops one glyph (the `%` of every share) loses figures while the page reads 99 %
    whole.

    >>> [c["actual"] for c in agreement_checks({1: 4, 2: 3}, {1: 4, 2: 2}, {"members": [1, 2]})]
    ['page 2: 2 of 3 characters']
    """
    checks = []
    for section in FACT_SECTIONS:
        numbers = sorted(n for n in plan.get(section, ()) if n in layout_chars)
        if not numbers:
            continue
        short = [(n, layout_chars[n], prepass.get(n, 0)) for n in numbers
                 if layout_chars[n] != prepass.get(n, 0)]
        shown = "; ".join(f"page {n}: {read} of {found} characters" for n, read, found in short[:5])
        checks.append({
            "check": f"{section}.pages_read_whole",
            "expected": f"{len(numbers)} pages read as the pre-pass found them",
            "actual": shown + ("; ..." if len(short) > 5 else "") if short else f"{len(numbers)} pages",
            "passed": int(not short),
        })
    return checks


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:8])) + (", ..." if len(numbers) > 8 else "")
    return f"page {shown}" if len(numbers) == 1 else f"pages {shown}"


def some_section(tables: Mapping[str, list]) -> None:
    """Raise IngestError when no section of a report came back."""
    if not any(tables.get(t) for t in SECTIONS):
        raise IngestError("no section of a Metropolis annual report was read "
                          f"({', '.join(SECTIONS.values())}: none found)")


@dataclass(frozen=True)
class Stored:
    """What the archive holds of one report: rows per watched table, failing checks."""

    counts: dict[str, int]
    failing: frozenset[str] = frozenset()


def stored_edition(conn: sqlite3.Connection, report_id: str) -> Stored | None:
    """The stored edition `report_id`, or None if the archive does not hold it."""
    try:
        if not conn.execute("SELECT 1 FROM reports WHERE id = ?", [report_id]).fetchone():
            return None
        counts = {t: conn.execute(f"SELECT count(*) FROM [{t}] WHERE report_id = ?", [report_id]).fetchone()[0]
                  for t in WATCHED}
        failing = frozenset(r[0] for r in conn.execute(
            "SELECT [check] FROM checks WHERE report_id = ? AND passed = 0", [report_id]))
    except sqlite3.OperationalError:  # a database from before a table existed
        return None
    return Stored(counts, failing)


def against_stored(tables: Mapping[str, list[Any]], stored: Stored | None,
                   force: bool = False) -> str | None:
    """Why the new rows may not replace the stored edition's, or None.

    >>> against_stored({"member_status": [1] * 80}, Stored({"member_status": 143}))
    'members would drop from 143 to 80 (more than 10 %); --force replaces it anyway'
    >>> against_stored({"member_status": [1] * 143}, Stored({"member_status": 143, "calendar_events": 111}))
    'its calendar events section would be empty (111 before); --force replaces it anyway'
    >>> against_stored({"checks": [{"check": "members.new_members", "passed": 0}]}, Stored({}))
    'check members.new_members would fail, which passed before; --force replaces it anyway'
    """
    if not stored or force:
        return None
    for table in WATCHED:
        before, now = stored.counts.get(table, 0), len(tables.get(table, []))
        name = SECTIONS.get(table, "matrix cells")
        if before and not now:
            return f"its {name} section would be empty ({before} before); --force replaces it anyway"
        if before - now > TOLERANCE * before:
            return (f"{name} would drop from {before} to {now} (more than {round(TOLERANCE * 100)} %); "
                    "--force replaces it anyway")
    # A check that passed on the stored edition and fails now: the new file reads worse.
    newly = sorted({c["check"] for c in tables.get("checks", []) if not c.get("passed")} - stored.failing)
    if newly:
        shown = ", ".join(newly[:3]) + (", ..." if len(newly) > 3 else "")
        word = "check" if len(newly) == 1 else "checks"
        return f"{word} {shown} would fail, which passed before; --force replaces it anyway"
    return None


def stale_reports(conn: sqlite3.Connection, source_file: str, report_id: str) -> list[str]:
    """Other reports read from a file of this name: the file now holds `report_id`."""
    rows = conn.execute("SELECT id FROM reports WHERE source_file = ? AND id != ? ORDER BY id",
                        [source_file, report_id])
    return [r[0] for r in rows]


def layout_counts(pages: Iterable[Any]) -> dict[int, int]:
    """{page number: characters the layout reader read} of layout pages."""
    return {p.number: p.chars for p in pages}
