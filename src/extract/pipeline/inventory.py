"""Every page accounted for: which section read it, or why none did.

`fill_runs` gives a section whose pages form a run (`RUN = True`: the members matrix,
the calendar's month pages) the pages inside its run that no section chose, so a page
whose text no pre-pass reads right is still parsed. `pages_table` is the `pages`
inventory: one row per page of the PDF, with the section that read it, its printed
folio, its word count and, for a page no section read, the reason.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

from extract.pdf import prepass
from extract.sections import Section
from extract.toolkit.settings import INVENTORY

# When several sections read one page, the data sections name it before prose.
ORDER = ("members", "calendar", "publications", "key_figures", "budget", "plan", "lists", "prose")


def fill_runs(plan: dict[str, list[int]], runs: set[str]) -> dict[str, dict[int, tuple[int, int]]]:
    """Add to each run section's plan the unclaimed pages between two of its pages.

    Returns {section: {page: (page before, page after)}} for the pages added.

    >>> plan = {"calendar": [33, 35, 36], "prose": [2]}
    >>> fill_runs(plan, {"calendar"}), plan["calendar"]
    ({'calendar': {34: (33, 35)}}, [33, 34, 35, 36])
    """
    claimed = {n for numbers in plan.values() for n in numbers}
    added: dict[str, dict[int, tuple[int, int]]] = {}
    for name in sorted(runs):
        numbers = sorted(set(plan.get(name, [])))
        for before, after in pairwise(numbers):
            gap = range(before + 1, after)
            if 0 < len(gap) <= INVENTORY.max_gap and not any(n in claimed for n in gap):
                added.setdefault(name, {}).update({n: (before, after) for n in gap})
        if name in added:
            plan[name] = sorted({*numbers, *added[name]})
    return added


def _rows_per_page(section: Section) -> Counter:
    return Counter(r["page"] for rows in section.tables.values() for r in rows
                   if isinstance(r, dict) and isinstance(r.get("page"), int))


def _read(section: Section, counts: Counter, number: int) -> bool:
    """A parser read a page when it says so; one that says nothing, when it has rows there."""
    if section.pages:
        return number in section.pages and section.pages[number] is None
    return counts[number] > 0


def pages_table(texts: list[str], margins: list[str], plan: dict[str, list[int]],
                sections: dict[str, Section], filled: dict[str, dict[int, tuple[int, int]]]
                ) -> list[dict[str, Any]]:
    """One row per page: `page`, `section`, `printed_folio`, `words`, `parsed`, `note`."""
    counts = {name: _rows_per_page(s) for name, s in sections.items()}
    rows = []
    for number, text in enumerate(texts, start=1):
        given = [name for name, numbers in plan.items() if number in numbers]
        readers = [name for name in given if name in sections and _read(sections[name], counts[name], number)]
        note = None
        if readers:
            data = [r for r in readers if r != "prose"] or readers
            rank = {name: i for i, name in enumerate(ORDER)}
            section = max(data, key=lambda r: (counts[r][number], -rank.get(r, len(ORDER))))
        elif given:
            section = min(given, key=lambda g: ORDER.index(g) if g in ORDER else len(ORDER))
            reasons = []
            for name in given:
                why = sections[name].pages.get(number) if name in sections else None
                if number in filled.get(name, {}):
                    before, after = filled[name][number]
                    why = f"read as part of the run of pages {before}–{after}, but {why or 'nothing found'}"
                reasons.append(f"{name}: {why or 'given to it, nothing read'}")
            note = "; ".join(reasons)
        else:
            section = None
            note = _unread_reason(number, text)
        rows.append({
            "page": number, "section": section,
            "printed_folio": prepass.folio(margins[number - 1]) if number <= len(margins) else None,
            "words": prepass.word_count(text), "parsed": int(bool(readers)), "note": note,
        })
    _between_sections(rows)
    return rows


def _between_sections(rows: list[dict[str, Any]]) -> None:
    """An unclaimed page of some words between two pages of data sections says so in its
    note: it may be a page of either (a month no pre-pass recognised)."""
    claimed = [r for r in rows if r["section"] not in (None, "prose")]
    for r in rows:
        if r["section"] is not None or r["words"] < INVENTORY.few_words:
            continue
        before = max((c for c in claimed if c["page"] < r["page"]), key=lambda c: c["page"], default=None)
        after = min((c for c in claimed if c["page"] > r["page"]), key=lambda c: c["page"], default=None)
        if before and after:
            r["note"] = (f"no section claims it, between {before['section']} (p. {before['page']}) and "
                         f"{after['section']} (p. {after['page']}): {r['note']}")


def unclaimed_checks(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`<section>.no_unclaimed_page_before`, for each data section after another: no page
    of some words between them that no section read (`_between_sections`). A month page
    the pre-pass missed, a product page no heading announced, would lie there unread.

    >>> rows = [{"page": 3, "section": "key_figures", "words": 90, "note": None},
    ...         {"page": 4, "section": None, "words": 60, "note": "narrative"},
    ...         {"page": 5, "section": "calendar", "words": 200, "note": None}]
    >>> _between_sections(rows); unclaimed_checks(rows)[0]["passed"]
    0
    """
    out = []
    claimed = [p for p in pages if p["section"] not in (None, "prose")]
    for prev, nxt in pairwise(claimed):
        if prev["section"] == nxt["section"] and nxt["page"] - prev["page"] <= 1:
            continue
        name = nxt["section"]  # the section a lost page most likely begins
        unclaimed = [p for p in pages if prev["page"] < p["page"] < nxt["page"]
                     and p["section"] is None and p["words"] >= INVENTORY.few_words]
        if prev["section"] == nxt["section"] and not unclaimed:
            continue
        out.append({
            "check": f"{name}.no_unclaimed_page_before",
            "expected": f"every page of some words between {prev['section']} (p. {prev['page']}) and "
                        f"{nxt['section']} (p. {nxt['page']}) read by a section",
            "actual": f"{len(unclaimed)} unclaimed" + (
                ": " + ", ".join(f"p. {p['page']}" for p in unclaimed) if unclaimed else ""),
            "passed": int(not unclaimed),
            "detail": "; ".join(f"p. {p['page']} ({p['words']} words): {p['note']}" for p in unclaimed) or None,
        })
    # one check per section: failing if any of its gaps failed
    merged: dict[str, dict[str, Any]] = {}
    for c in out:
        m = merged.setdefault(c["check"], c)
        if m is not c:
            m["passed"] = int(m["passed"] and c["passed"])
            m["actual"] = f"{m['actual']}; {c['actual']}"
            m["detail"] = "; ".join(d for d in (m["detail"], c["detail"]) if d) or None
    return list(merged.values())


def _unread_reason(number: int, text: str) -> str:
    words = prepass.word_count(text)
    if words == 0:
        return "blank: no text (a picture or scanned page would need OCR)"
    if number == 1:
        return "cover"
    if words < INVENTORY.few_words:
        return f"{words} words only: a divider, picture or title page; no section found"
    return "narrative: no section's heading, words or structure found"


def run_checks(pages: list[dict[str, Any]], plan: dict[str, list[int]], runs: set[str],
               sections: dict[str, Section] | None = None) -> list[dict[str, Any]]:
    """`<section>.pages_read` for each data section (prose is narrative: none).

    A run section (members, calendar): every page from its first to its last was read
    by it. Another section: every page it was given was read, by it or by another
    section (publications are looked for on calendar pages too). Fails naming each
    page that was not, with the reason."""
    by_number = {p["page"]: p for p in pages}
    out = []
    for name in sorted(plan):
        numbers = sorted(plan.get(name, []))
        if not numbers or name == "prose":
            continue
        if name in runs:
            span = list(range(numbers[0], numbers[-1] + 1))
            # a page another section's rows outnumber (the calendar's page of statements,
            # whose `24 events` is also a key figure) is still read by the run's parser
            own = sections[name] if sections and name in sections else None
            counts = _rows_per_page(own) if own else Counter()
            unread = [n for n in span if not (by_number[n]["parsed"] and (
                by_number[n]["section"] == name or (own is not None and _read(own, counts, n))))]
            expected = f"pages {numbers[0]}–{numbers[-1]} all read as {name}"
        else:
            span = numbers
            unread = [n for n in span if not by_number[n]["parsed"]]
            expected = f"the {len(span)} pages given to {name} all read"
        out.append({
            "check": f"{name}.pages_read",
            "expected": expected,
            "actual": f"{len(span) - len(unread)} of {len(span)} read",
            "passed": int(not unread),
            "detail": "; ".join(f"p. {n}: {by_number[n]['note'] or 'read as ' + str(by_number[n]['section'])}"
                                for n in unread) or None,
        })
    return out


def folio_checks(pages: list[dict[str, Any]], sections: set[str]) -> list[dict[str, Any]]:
    """`<section>.folios_consecutive` for each data section with numbered pages: the
    printed folios run on with the page numbers of the file. A page taken out of the
    file leaves a jump (folio 8, then 10 on the next page); a first folio higher than
    its page number says pages before it are not in the file.

    >>> rows = [{"page": 1, "section": None, "printed_folio": None},
    ...         {"page": 2, "section": "publications", "printed_folio": "2"},
    ...         {"page": 3, "section": "publications", "printed_folio": "4"}]
    >>> folio_checks(rows, {"publications"})[0]["detail"]
    'printed folio 4 on p. 3 follows 2 on p. 2: 1 page(s) between them are not in the file'
    """
    numbered = [(p, int(p["printed_folio"])) for p in pages
                if p.get("printed_folio") and str(p["printed_folio"]).isdigit()]
    problems: dict[str, list[str]] = {}

    def blame(rows: list[dict[str, Any]], message: str) -> None:
        for name in {r["section"] for r in rows if r["section"] in sections}:
            problems.setdefault(name, []).append(message)

    if numbered and numbered[0][1] > numbered[0][0]["page"]:
        first, folio = numbered[0]
        blame([first], f"the first printed folio is {folio}, on p. {first['page']}: "
                       f"{folio - first['page']} page(s) before it are not in the file")
    for (a, fa), (b, fb) in pairwise(numbered):
        expected = fa + (b["page"] - a["page"])
        if fb > expected:
            blame([a, b], f"printed folio {fb} on p. {b['page']} follows {fa} on p. {a['page']}: "
                          f"{fb - expected} page(s) between them are not in the file")
    has_folios = {p["section"] for p, _ in numbered if p["section"] in sections}
    return [{
        "check": f"{name}.folios_consecutive",
        "expected": "printed folios in step with the file's pages",
        "actual": f"{len(problems.get(name, []))} jump(s)",
        "passed": int(name not in problems),
        "detail": "; ".join(problems.get(name, [])) or None,
    } for name in sorted(has_folios | set(problems))]
