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

# A section's run fills a gap of at most this many unclaimed pages: a longer gap is
# another part of the report, not a page of the run its pre-pass text hid.
MAX_GAP = 2
# Below this many words a page no section chose is a divider, a picture or a title.
FEW_WORDS = 15
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
            if 0 < len(gap) <= MAX_GAP and not any(n in claimed for n in gap):
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
    return rows


def _unread_reason(number: int, text: str) -> str:
    words = prepass.word_count(text)
    if words == 0:
        return "blank: no text (a picture or scanned page would need OCR)"
    if number == 1:
        return "cover"
    if words < FEW_WORDS:
        return f"{words} words only: a divider, picture or title page; no section found"
    return "narrative: no section's heading, words or structure found"


def run_checks(pages: list[dict[str, Any]], plan: dict[str, list[int]], runs: set[str]) -> list[dict[str, Any]]:
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
            unread = [n for n in span if not (by_number[n]["parsed"] and by_number[n]["section"] == name)]
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
