"""Lists of members or places a section names into `member_lists`, and the leaders'
cards ("16% de nos membres gouvernés par des femmes") into `leaders`.

A list page has a title holding one of the list's phrases (`vocab/<lang>/lists.yml`)
and, under it, names: short blocks without digits, one per place (a name may run over
two lines: `Santiago de` / `Chile`). A page whose blocks under the phrase are sentences
with numbers (the headline statements that restate the same phrase) is not a list.
The pilot projects are a list of projects: each bold title in its column, and the
places its text names (found as the prose parser finds them).

Leader cards: a line in bold and larger type (the place) starts a card; the card is
the words of its column down to the next card: the person's name, the institution
(lines joined), and the title on the last line.

Every name goes through the report's normaliser: `city_id` as for any place named;
`member_id` when the name is a member the report's matrix named (the lists name
places that are not members too).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz

from extract.lang import vocab
from extract.names.gazetteer import key
from extract.pdf.layout import (
    Block,
    Line,
    Page,
    Word,
    bbox_of,
    group_blocks,
    group_lines,
    split_line,
)
from extract.sections import ReportContext, Section, register
from extract.toolkit.settings import LISTS
from extract.toolkit.text import join_lines

NAME = "lists"


def _vocab(language: str | None) -> dict[str, Any]:
    return vocab.section(NAME, language)


def _folded(text: str) -> str:
    return " ".join(vocab.fold(text).split())


def _has(folded_text: str, phrase: str) -> bool:
    """The phrase in the text, or nearly (a typo); a text shorter than the phrase never
    holds it (a partial ratio would find `yes` in any phrase with a y, an e and an s)."""
    needle = _folded(phrase)
    return needle in folded_text or (len(folded_text) >= len(needle)
                                     and fuzz.partial_ratio(needle, folded_text) >= LISTS.marker_score)


def _skipped(folded_text: str, language: str | None) -> bool:
    """Pages of the sections with parsers of their own (the members matrix names the
    pilot projects in a column title)."""
    return any(_folded(p) in folded_text for p in _vocab(language).get("skip_pages", []))


def _list_of(folded_text: str, language: str | None) -> str | None:
    for name, spec in (_vocab(language).get("lists") or {}).items():
        if any(_has(folded_text, p) for p in spec.get("phrases", [])):
            return name
    return None


def _is_leaders(folded_text: str, language: str | None) -> bool:
    return any(_has(folded_text, p) for p in _vocab(language).get("leaders", []))


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    out = []
    for i, text in enumerate(texts):
        folded = _folded(text)
        if _skipped(folded, ctx.language):
            continue
        if _list_of(folded, ctx.language) or _is_leaders(folded, ctx.language):
            out.append(i + 1)
    return out


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    entries: list[dict[str, Any]] = []
    leaders: list[dict[str, Any]] = []
    notes: dict[int, str | None] = {}
    stated: list[dict[str, Any]] = []  # (list, count, page) the titles state
    for page in pages:
        got = False
        # blocks only on a page whose layout text holds a phrase (grouping is the cost)
        folded = _folded(page.text)
        has_list, has_leaders = _list_of(folded, ctx.language), _is_leaders(folded, ctx.language)
        blocks = group_blocks(page.words) if has_list or has_leaders else []
        for name, title in _titles(blocks, ctx.language):
            spec = (_vocab(ctx.language).get("lists") or {}).get(name, {})
            below = [w for w in page.words if w.top > title.bbox[3] - 0.5]
            rows = (project_rows(below, page, name, ctx) if spec.get("projects")
                    else list_rows(below, page, name, ctx))
            if rows:
                got = True
                entries += rows
                count = stated_count(title.text, spec.get("count"), ctx.language)
                if count is not None:
                    stated.append({"list": name, "count": count, "page": page.number,
                                   "projects": bool(spec.get("projects"))})
        cards = leader_rows(page, blocks, ctx) if has_leaders else []
        if cards:
            got = True
            leaders += cards
        notes[page.number] = None if got else "its list phrase heads no list of names (a statement restating it)"
    section = Section(pages=notes, state=stated)
    section.add("member_lists", entries)
    section.add("leaders", leaders)
    return section


def _titles(blocks: list[Block], language: str | None) -> list[tuple[str, Block]]:
    """(list name, title lines) for each block holding a list's phrase."""
    out = []
    for block in blocks:
        name = _list_of(_folded(block.text), language)
        if name:
            out.append((name, _title_lines(block, lambda t: bool(_list_of(t, language)))))
    return out


def _title_lines(block: Block, holds: Callable[[str], bool]) -> Block:
    """The title's own lines: from the last line the phrase still starts in (a heading
    may stand close enough above to join the block) down to the first line in other type
    (a list's first names may stand close enough under it)."""
    start = max(i for i in range(len(block.lines))
                if holds(_folded(" ".join(ln.text for ln in block.lines[i:]))))
    first = block.lines[start]
    bold = all(w.bold for w in first.words)
    lines = [first]
    for line in block.lines[start + 1:]:
        if (abs(line.size - first.size) > first.size * 0.1 or all(w.bold for w in line.words) != bold
                or len(split_line(line)) > len(split_line(first))):  # a row of columns under it
            break
        lines.append(line)
    return Block(lines)


def stated_count(title: str, phrase: str | None, language: str | None) -> int | None:
    """The number printed right before the count phrase (`70 espaces métropolitains`)."""
    if not phrase:
        return None
    m = re.search(r"(\d+)\s+" + re.escape(_folded(phrase)), _folded(title))
    return int(m.group(1)) if m else None


def _ids(name: str, page: int, ctx: ReportContext) -> dict[str, Any]:
    """member_id (a member of this report's matrix) and city_id through the normaliser."""
    out: dict[str, Any] = {}
    city_id = ctx.names.city(name, page=page, context=name)
    if city_id:
        out["city_id"] = city_id
    member, _ = ctx.names.resolver.member(name)
    if member.id in ctx.names.members:
        out["member_id"] = member.id
    elif city_id:
        # a member printed another way (`Bruxelles` in a list, `Brussels` in the matrix)
        same = [m for m in ctx.names.members.values() if m.get("city_id") == city_id]
        if len(same) == 1:
            out["member_id"] = same[0]["id"]
    return out


def list_rows(words: list[Word], page: Page, name: str, ctx: ReportContext) -> list[dict[str, Any]]:
    """Names under a list title: short blocks without digits, most of what is there."""
    blocks = [b for b in group_blocks(words)]
    items = [b for b in blocks if len(b.words) <= LISTS.max_item_words and not any(c.isdigit() for c in b.text)]
    if len(items) < LISTS.min_items or len(items) < LISTS.min_item_share * len(blocks):
        return []
    rows = []
    for block in sorted(items, key=lambda b: (round(b.bbox[0] / 10), b.bbox[1])):
        printed = join_lines([ln.text for ln in block.lines], vocab.lexicon(ctx.language))
        x0, top, x1, bottom = block.bbox
        rows.append({"list": name, "printed_name": printed, "page": page.number,
                     **_ids(printed, page.number, ctx), "x0": x0, "top": top, "x1": x1, "bottom": bottom})
    return _column_order(rows)


def _column_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows column by column (columns: left edges a few points apart), top to bottom."""
    edges: list[float] = []
    for x in sorted(r["x0"] for r in rows):
        if not edges or x - edges[-1] > 12:
            edges.append(x)
    return sorted(rows, key=lambda r: (max(e for e in edges if e <= r["x0"] + 0.5), r["top"]))


def project_rows(words: list[Word], page: Page, name: str, ctx: ReportContext) -> list[dict[str, Any]]:
    """Each project's bold title and the places its text names."""
    from extract.names import places  # spaCy's pipeline, loaded only for a projects page

    pieces = [p for line in group_lines(words) for p in split_line(line)]
    titles: list[list[Line]] = []
    for piece in sorted(pieces, key=lambda p: (p.x0, p.top)):
        if not all(w.bold for w in piece.words):
            continue
        last = titles[-1][-1] if titles else None
        if last and abs(piece.x0 - last.x0) < 2 and piece.top - last.bottom < piece.size:
            titles[-1].append(piece)
        else:
            titles.append([piece])
    if not titles:
        return []
    lefts = sorted(t[0].x0 for t in titles)
    known = frozenset({key(a["alias"]) for a in ctx.names.aliases}
                      | {key(c["name"]) for c in ctx.names.cities.values()})
    rows = []
    for title in titles:
        x0 = title[0].x0
        right = min((x for x in lefts if x > x0 + 1), default=page.width)
        top = title[-1].bottom
        below = min((t[0].top for t in titles if abs(t[0].x0 - x0) < 2 and t[0].top > top), default=math.inf)
        body = [w for w in words if x0 - 1 <= w.x0 and w.x1 <= right and top - 0.5 <= w.top < below
                and not w.bold]
        text = join_lines([ln.text for ln in group_lines(body)], vocab.lexicon(ctx.language))
        item = join_lines([ln.text for ln in title], vocab.lexicon(ctx.language))
        seen = set()
        for match in places.find_places(text, ctx.language, known):
            if match.text in seen:
                continue
            seen.add(match.text)
            bx0, btop, bx1, bbottom = bbox_of(body or [w for ln in title for w in ln.words])
            rows.append({"list": name, "item": item, "printed_name": match.text, "page": page.number,
                         **_ids(match.text, page.number, ctx),
                         "x0": bx0, "top": btop, "x1": bx1, "bottom": bbottom})
    return rows


def leader_rows(page: Page, blocks: list[Block], ctx: ReportContext) -> list[dict[str, Any]]:
    """Leaders' cards under a title holding a leaders phrase (`blocks`: the page's)."""
    titles = [b for b in blocks if _is_leaders(_folded(b.text), ctx.language)]
    if not titles:
        return []
    title = _title_lines(titles[0], lambda t: _is_leaders(t, ctx.language))
    words = [w for w in page.words if w.top > title.bbox[3] - 0.5]
    if not words:
        return []
    median = statistics.median(w.size for w in words)
    pieces = [p for line in group_lines(words) for p in split_line(line)]
    heads = [p for p in pieces if all(w.bold for w in p.words) and p.size >= LISTS.card_ratio * median]
    if not heads:  # the last page of cards may hold a single card
        return []
    lefts = sorted({round(h.x0, 0) for h in heads})
    rows = []
    for head in sorted(heads, key=lambda h: (h.top, h.x0)):
        right = min((x for x in lefts if x > head.x0 + 1), default=page.width)
        below = min((h.top for h in heads if abs(h.x0 - head.x0) < 2 and h.top > head.top + 1), default=math.inf)
        card = [w for w in words if head.x0 - 1 <= w.x0 and w.x1 <= right and head.top - 0.5 <= w.top < below]
        lines = group_lines(card)
        if len(lines) < 3:
            continue
        place = lines[0].text
        row: dict[str, Any] = {"printed_name": place, "person": lines[1].text,
                               "institution": join_lines([ln.text for ln in lines[2:-1]], vocab.lexicon(ctx.language)),
                               "title": lines[-1].text, "page": page.number}
        row.update(_ids(place, page.number, ctx))
        row.update(zip(("x0", "top", "x1", "bottom"), bbox_of(card)))
        rows.append(row)
    return rows


def checks(tables: dict[str, list[dict[str, Any]]], state: list[dict[str, Any]] | None,
           ctx: ReportContext) -> list[dict[str, Any]]:
    """A list whose title states a count has that many entries (projects: that many projects)."""
    out = []
    entries = tables.get("member_lists", [])
    for s in state or []:
        mine = [r for r in entries if r["list"] == s["list"]]
        actual = len({r.get("item") for r in mine}) if s["projects"] else len(mine)
        pages = sorted({r["page"] for r in mine})
        out.append({"check": f"lists.{s['list']}", "expected": str(s["count"]), "actual": str(actual),
                    "passed": int(actual == s["count"]),
                    "detail": f"count stated on p. {s['page']}; "
                              + (f"{'projects' if s['projects'] else 'names'} read on p. {', '.join(map(str, pages))}"
                                 if pages else "nothing read")})
    return out


PARSER = register(NAME, vocabulary=NAME, select_pages=select_pages, parse=parse, checks=checks)
