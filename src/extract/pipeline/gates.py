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
- `against_stored`: no fact of the stored edition (a member, a matrix cell, an event,
  a product, a figure, a plan line...) is missing from the new file, and no check that
  passed on the stored edition fails now; `--force` overrides. What it adds and
  changes is said in the summary line (`said_changes`).
- `stale_reports`: reports read before from a file of the same name that now holds
  another edition (the archive says so, or removes them with `--force`).
"""

from __future__ import annotations

import calendar
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from extract.toolkit.errors import IngestError
from extract.toolkit.settings import GATES

# The sections whose rows tell that a report was read at all, with their plain names.
SECTIONS = {
    "member_status": "members",
    "calendar_events": "calendar events",
    "publications": "publications",
    "key_figures": "key figures",
}
# The facts of a report, per table: its plain name (one, many), the columns that say
# which fact a row is, and the columns of what the fact says. A replacement may not
# lose a fact silently; tables of the contract that this build does not write yet are
# compared when both sides have them.
FACTS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "member_status": ("member", "members", ("member_id",), ("is_board_member", "is_new_member")),
    "member_indicators": ("matrix cell", "matrix cells", ("member_id", "indicator"), ("value",)),
    "calendar_events": ("event", "events", ("start_date", "title"), ("end_date", "event_type", "location")),
    "publications": ("product", "products", ("kind", "title"), ("url",)),
    "key_figures": ("figure", "figures", ("key",), ("value",)),
    "plan_deliverables": ("plan line", "plan lines", ("code", "text"), ("status",)),
    "budget_lines": ("budget line", "budget lines", ("programme_code", "programme"), ("share",)),
    "funding_sources": ("funding source", "funding sources", ("source",), ("share", "agreements")),
    "member_lists": ("list entry", "list entries", ("list", "item", "printed_name"), ("member_id",)),
    "leaders": ("leader", "leaders", ("member_id", "person"), ("title",)),
}
WATCHED = tuple(FACTS)
# Tables every build writes: one missing from a new extraction lost all its rows.
CORE = (*SECTIONS, "member_indicators")


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
        if found >= GATES.min_chars and read < GATES.min_agreement * found:
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
    """What the archive holds of one report: its fact rows per table (as dicts of the
    `FACTS` columns and `page`), its failing checks."""

    rows: dict[str, list[dict[str, Any]]]
    failing: frozenset[str] = frozenset()

    @property
    def counts(self) -> dict[str, int]:
        return {t: len(r) for t, r in self.rows.items()}


def stored_edition(conn: sqlite3.Connection, report_id: str) -> Stored | None:
    """The stored edition `report_id`, or None if the archive does not hold it."""
    try:
        if not conn.execute("SELECT 1 FROM reports WHERE id = ?", [report_id]).fetchone():
            return None
        failing = frozenset(r[0] for r in conn.execute(
            "SELECT [check] FROM checks WHERE report_id = ? AND passed = 0", [report_id]))
    except sqlite3.OperationalError:  # a database from before a table existed
        return None
    rows: dict[str, list[dict[str, Any]]] = {}
    for table, (_, _, key, said) in FACTS.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")}
        columns = [c for c in (*key, *said, "page") if c in have]
        if "report_id" not in have or not columns:
            continue  # a table this database does not have
        cursor = conn.execute(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}] "
                              "WHERE report_id = ?", [report_id])
        rows[table] = [dict(zip(columns, r, strict=True)) for r in cursor]
    return Stored(rows, failing)


@dataclass(frozen=True)
class Difference:
    """One table's facts, stored edition against the new file: rows gone, added, changed."""

    table: str
    gone: list[dict[str, Any]]
    added: int
    changed: int


def _key(row: Mapping[str, Any], columns: tuple[str, ...]) -> tuple:
    # a number read as 3 or 3.0, a title with its spaces: the same fact
    return tuple(" ".join(str(v).split()) if isinstance(v, str) else
                 (float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                 for v in (row.get(c) for c in columns))


def differences(tables: Mapping[str, list[Any]], stored: Stored) -> list[Difference]:
    """Per fact table both sides have, the rows of the stored edition the new file
    lacks (a printed copy counts: two identical events are two facts), and how many it
    adds or changes."""
    found = []
    for table, rows in stored.rows.items():
        if table not in tables and table not in CORE:
            continue  # a table this build does not write (an older or newer extractor's)
        _, _, key, said = FACTS[table]
        new = [r for r in tables.get(table, []) if isinstance(r, Mapping)]
        remaining = Counter(_key(r, key) for r in new)
        new_said = {}
        for r in new:
            new_said.setdefault(_key(r, key), _key(r, said))
        gone, changed = [], 0
        for row in rows:
            k = _key(row, key)
            if remaining[k] > 0:
                remaining[k] -= 1
                changed += new_said.get(k) != _key(row, said)
            else:
                gone.append(row)
        added = sum(remaining.values())
        if gone or added or changed:
            found.append(Difference(table, gone, added, changed))
    return found


def _month_name(date: object) -> str | None:
    try:
        return calendar.month_name[int(str(date)[5:7])]
    except (ValueError, IndexError):
        return None


def _within(limit: int, full: list[str], short: list[str]) -> str:
    """The parts joined, the shorter forms when the full ones pass `limit`, then as
    many short parts as fit and a count of the rest."""
    for parts in (full, short):
        line = "; ".join(parts)
        if len(line) <= limit:
            return line
    shown: list[str] = []
    for part in short:
        if len("; ".join([*shown, part])) > limit - 20:
            break
        shown.append(part)
    return "; ".join(shown) + f"; and {len(short) - len(shown)} more kinds of rows"


def said_gone(diff: Difference, names: bool = True) -> str:
    """`6 events of April would go (page 23)`, `2 members would go (Accra, Bamako; page 20)`."""
    one, many, key, _ = FACTS[diff.table]
    n = len(diff.gone)
    what = f"{n} {one if n == 1 else many}"
    if diff.table == "calendar_events":
        months = sorted({m for r in diff.gone if (m := _month_name(r.get("start_date")))},
                        key=list(calendar.month_name).index)
        if len(months) == 1:
            what += f" of {months[0]}"
        elif 1 < len(months) <= 3:
            what += f" of {', '.join(months[:-1])} and {months[-1]}"
    names = [str(r.get(key[0])) for r in diff.gone] if names and diff.table in ("member_status", "key_figures") else []
    pages = sorted({r["page"] for r in diff.gone if r.get("page") is not None})
    where = [", ".join(names[:3]) + (", ..." if len(names) > 3 else "")] if names else []
    if pages:
        where.append(_pages(pages))
    return f"{what} would go" + (f" ({'; '.join(where)})" if where else "")


def said_changes(diffs: list[Difference]) -> str:
    """`+2 events, 3 matrix cells changed`: what a replacement adds and changes."""
    parts = []
    for d in diffs:
        one, many, _, _ = FACTS[d.table]
        if d.added:
            parts.append(f"+{d.added} {one if d.added == 1 else many}")
        if d.changed:
            parts.append(f"{d.changed} {one if d.changed == 1 else many} changed")
        if d.gone:
            parts.append(f"-{len(d.gone)} {one if len(d.gone) == 1 else many}")
    return ", ".join(parts)


def against_stored(tables: Mapping[str, list[Any]], stored: Stored | None,
                   force: bool = False) -> str | None:
    """Why the new rows may not replace the stored edition's, or None. Any fact the
    stored edition holds and the new file lacks is said (no tolerance: a calendar page
    cut short loses a few events of one month, a few per cent of the report).

    >>> stored = Stored({"calendar_events": [
    ...     {"start_date": "2021-04-0%d" % d, "title": "t%d" % d, "page": 23} for d in (1, 2)]})
    >>> against_stored({"calendar_events": [{"start_date": "2021-04-01", "title": "t1"}]}, stored)
    '1 event of April would go (page 23); --force replaces it'
    >>> against_stored({"checks": [{"check": "members.new_members", "passed": 0}]}, Stored({}))
    'check members.new_members would fail, which passed before; --force replaces it'
    """
    if not stored or force:
        return None
    gone = [d for d in differences(tables, stored) if d.gone]
    if gone:
        return _within(GATES.max_refusal, [said_gone(d) for d in gone],
                       [said_gone(d, names=False) for d in gone]) + "; --force replaces it"
    # A check that passed on the stored edition and fails now: the new file reads worse.
    newly = sorted({c["check"] for c in tables.get("checks", []) if not c.get("passed")} - stored.failing)
    if newly:
        shown = ", ".join(newly[:3]) + (", ..." if len(newly) > 3 else "")
        word = "check" if len(newly) == 1 else "checks"
        return f"{word} {shown} would fail, which passed before; --force replaces it"
    return None


def stale_reports(conn: sqlite3.Connection, source_file: str, report_id: str) -> list[str]:
    """Other reports read from a file of this name: the file now holds `report_id`."""
    rows = conn.execute("SELECT id FROM reports WHERE source_file = ? AND id != ? ORDER BY id",
                        [source_file, report_id])
    return [r[0] for r in rows]


def layout_counts(pages: Iterable[Any]) -> dict[int, int]:
    """{page number: characters the layout reader read} of layout pages."""
    return {p.number: p.chars for p in pages}


# The fact sections every Metropolis annual report holds, with the table of their rows.
EXPECTED = {
    "members": "member_status",
    "calendar": "calendar_events",
    "publications": "publications",
    "key_figures": "key_figures",
}


def presence_checks(tables: Mapping[str, list[Any]], pages: list[dict[str, Any]],
                    plan: Mapping[str, Iterable[int]]) -> list[dict[str, Any]]:
    """`<section>.present` for every section a Metropolis report holds: it read rows,
    and no page among or beside its pages is without text (a page rasterised into an
    image, a page whose content was removed: what it held is lost without a word).
    A section that read nothing fails, naming the report's pages without text.

    >>> pages = [{"page": n, "words": w} for n, w in [(1, 9), (2, 0), (3, 40)]]
    >>> [(c["check"], c["passed"]) for c in presence_checks(
    ...     {"key_figures": [1]}, pages, {"key_figures": [3]})][-1]
    ('key_figures.present', 0)
    """
    textless = [p["page"] for p in pages if not p.get("words")]
    out = []
    for section, table in EXPECTED.items():
        rows = len(tables.get(table, []))
        own = set(plan.get(section, ()))
        near = sorted(n for n in textless if own & {n - 1, n, n + 1})
        if rows and not near:
            detail = None
        elif rows:
            detail = (f"{_pages(near)} among or beside its pages {'have' if len(near) > 1 else 'has'} "
                      "no text (an image, or content removed): what it printed there is not read")
        else:
            detail = ("nothing read: " + (f"no page carries its heading, and {_pages(textless)} "
                                          "have no text (images? OCR is needed)" if textless else
                                          "no page carries its heading or structure") if not own else
                      f"nothing read on {_pages(sorted(own))}")
        out.append({
            "check": f"{section}.present",
            "expected": "its rows read, every page of it with text",
            "actual": f"{rows} {table} rows" + (f", {len(near)} pages without text" if near else ""),
            "passed": int(detail is None),
            "detail": detail,
        })
    return out
