"""Where the funds come from ("Sources de financement") and how they are used ("Comment
les fonds sont utilisés") into `funding_sources` and `budget_lines`.

Budget lines, from positions: a programme code (`P002`) starts an entry; its columns
are the x positions of the codes; the entry's words are those of its column from the
code's line down to the line that holds its share (`3%`), never past the next code.
So `P010 Metropolis Congress and` / `annual meetings` / `11%` is one line, whether the
share stands on the label's line or under it.

Funding sources: each share printed in large type (a headline tile), the label block
under it, and under that, when printed, the agreements (`3 accords signés avec des
membres`). The source's key is the vocabulary's (`funding_sources` in
`vocab/<lang>/budget.yml`): the key whose phrase the label holds, else
`unknown:<slug of the label>`.

The funding shares are also key figures (`funding_*_share`, read by `key_figures`).
"""

from __future__ import annotations

import math
import re
import statistics
from typing import Any

from rapidfuzz import fuzz

from extract.lang import vocab
from extract.pdf.layout import Page, Word, bbox_of, group_blocks, group_lines
from extract.sections import ReportContext, Section, register
from extract.toolkit.settings import BUDGET
from extract.toolkit.text import join_lines, slug

NAME = "budget"
CODE_RE = re.compile(r"^P\d{3}$")
SHARE_RE = re.compile(r"^(\d+(?:[.,]\d+)?)\s?%$")


def _vocab(language: str | None) -> dict[str, Any]:
    return vocab.section(NAME, language)


def _phrases(language: str | None) -> list[str]:
    words = _vocab(language)
    return [vocab.fold(p) for p in words.get("funding_headings", []) + words.get("budget_headings", [])]


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    phrases = _phrases(ctx.language)
    out = []
    for i, text in enumerate(texts):
        codes = sum(1 for w in text.split() if CODE_RE.match(w))
        folded = vocab.fold(" ".join(text.split()))
        if codes >= BUDGET.min_codes and (any(p in folded for p in phrases) or "%" in text) or any(p in folded for p in phrases) and "%" in text:
            out.append(i + 1)
    return out


def _share(text: str) -> float | None:
    m = SHARE_RE.match(text.replace("\u00a0", " ").replace("\u202f", " ").strip())
    return float(m.group(1).replace(",", ".")) / 100 if m else None


def _percent_words(words: list[Word]) -> list[Word]:
    """Shares as words; `11 %` printed with a space comes as two words, joined here."""
    out: list[Word] = []
    for i, w in enumerate(words):
        if _share(w.text) is not None:
            out.append(w)
        elif w.text == "%" and i and re.fullmatch(r"\d+(?:[.,]\d+)?", words[i - 1].text):
            prev = words[i - 1]
            out.append(Word(prev.text + "%", prev.x0, min(prev.top, w.top), w.x1, max(prev.bottom, w.bottom),
                            prev.size, prev.fontname, prev.color))
    return out


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    budget: list[dict[str, Any]] = []
    funding: list[dict[str, Any]] = []
    notes: dict[int, str | None] = {}
    state = {"budget_pages": [], "funding_pages": [], "unpaired": []}
    for page in pages:
        lines, used, unpaired = budget_lines(page)
        sources = funding_sources(page, used, ctx.language)
        if lines:
            state["budget_pages"].append(page.number)
        if sources:
            state["funding_pages"].append(page.number)
        state["unpaired"] += [(page.number, c) for c in unpaired]
        budget += lines
        funding += sources
        notes[page.number] = None if lines or sources else "no programme code with a share, no funding share"
    section = Section(pages=notes, state=state)
    section.add("budget_lines", budget)
    section.add("funding_sources", funding)
    return section


def budget_lines(page: Page) -> tuple[list[dict[str, Any]], set[int], list[str]]:
    """The budget's rows on a page, the ids of the words they took, and the codes
    printed without a share."""
    words = page.words
    codes = sorted((w for w in words if CODE_RE.match(w.text)), key=lambda w: (w.x0, w.top))
    if not codes:
        return [], set(), []
    size = statistics.median(w.size for w in codes)
    edges: list[float] = []
    for x in sorted(c.x0 for c in codes):
        if not edges or x - edges[-1] > size * 3:
            edges.append(x)
    rows, used, unpaired = [], set(), []
    # the printed order: column by column, top to bottom
    for code in sorted(codes, key=lambda w: (max(e for e in edges if e <= w.x0 + 0.5), w.top)):
        left = max(e for e in edges if e <= code.x0 + 0.5)
        right = min((e for e in edges if e > left + size), default=page.width)
        below = min((c.top for c in codes if c is not code and left - 0.5 <= c.x0 < right
                     and c.top > code.top + size * 0.5), default=math.inf)
        column = [w for w in words if left - 0.5 <= w.x0 and w.x1 <= right - size * 0.2
                  and code.top - size * 0.3 <= w.top < below - size * 0.3 and w is not code]
        taken: list[Word] = []
        share_word = None
        previous = None
        for line in group_lines([code, *column]):
            line_words = [w for w in line.words if w is not code]
            shares = _percent_words(line_words)
            if share_word is not None:
                # the share stood on the label's first line and the label wraps on under
                # it: lines of the same block (leading), without a share of their own
                if shares or line.top - previous.bottom > BUDGET.leading * line.size:
                    break
                taken += line_words
                previous = line
                continue
            taken += [w for w in line_words if _share(w.text) is None and w.text != "%"]
            previous = line
            if shares:
                share_word = shares[0]
                taken += [w for w in line_words if w.text == "%"]
        if share_word is None:
            unpaired.append(code.text)
            continue
        label = join_lines([ln.text for ln in group_lines([w for w in taken if w.text != "%"])])  # names: no word list
        x0, top, x1, bottom = bbox_of([code, *taken, share_word])
        rows.append({"programme_code": code.text, "programme": label, "share": _share(share_word.text),
                     "page": page.number, "x0": x0, "top": top, "x1": x1, "bottom": bottom})
        used.update(id(w) for w in [code, *taken, share_word])
    return rows, used, unpaired


def funding_sources(page: Page, used: set[int], language: str | None) -> list[dict[str, Any]]:
    """Funding tiles: a large share, the label block under it, then its agreements."""
    words = [w for w in page.words if id(w) not in used]
    if not words:
        return []
    median = statistics.median(w.size for w in page.words)
    big = [w for w in _percent_words(words) if w.size >= BUDGET.big_ratio * median]
    if not big:
        return []
    rest = [w for w in words if w.size < BUDGET.big_ratio * median]
    out = []
    for number in sorted(big, key=lambda w: (w.top, w.x0)):
        # the tile's width: up to the next tile of its row
        right = min([b.x0 for b in big if b.x0 > number.x1 and abs(b.top - number.top) < number.size]
                    + [page.width])
        mine = [w for w in rest if w.x0 >= number.x0 - number.size * 0.5 and w.x1 <= right]
        stack = []
        bottom = number.bottom
        for block in sorted(group_blocks(mine), key=lambda b: b.top):
            x0, top, _x1, b_bottom = block.bbox
            if abs(x0 - number.x0) <= number.size * 0.5 and top >= bottom - 1 \
                    and top - bottom <= block.lines[0].words[0].size * 3.0:
                stack.append(block)
                bottom = b_bottom
                if len(stack) == 2:
                    break
        if not stack:
            continue
        label = join_lines([ln.text for ln in stack[0].lines], vocab.lexicon(language))
        row: dict[str, Any] = {"source": source_key(label, language), "label": label,
                               "share": _share(number.text), "page": page.number}
        boxes = [number, *[w for ln in stack[0].lines for w in ln.words]]
        if len(stack) == 2:
            agreements = agreements_of(join_lines([ln.text for ln in stack[1].lines], vocab.lexicon(language)), language)
            if agreements is not None:
                row["agreements"] = agreements
                boxes += [w for ln in stack[1].lines for w in ln.words]
        row.update(zip(("x0", "top", "x1", "bottom"), bbox_of(boxes)))
        out.append(row)
    return out


def agreements_of(text: str, language: str | None) -> int | None:
    """`3 accords signés avec des membres` -> 3: a number right before an agreements word."""
    words = [vocab.fold(w) for w in _vocab(language).get("agreements", [])]
    m = re.match(r"^\s*(\d+)\s+(\S+)", text)
    if m and vocab.fold(m.group(2)) in words:
        return int(m.group(1))
    return None


def source_key(label: str, language: str | None) -> str:
    """The vocabulary's key for a funding label: the longest phrase it holds."""
    folded = vocab.fold(label)
    best, best_len = None, 0
    for key, phrases in (_vocab(language).get("funding_sources") or {}).items():
        for phrase in phrases:
            p = vocab.fold(phrase)
            if len(p) > best_len and (p in folded or fuzz.partial_ratio(p, folded) >= BUDGET.marker_score):
                best, best_len = key, len(p)
    return best or f"unknown:{slug(label)}"


def checks(tables: dict[str, list[dict[str, Any]]], state: dict | None,
           ctx: ReportContext) -> list[dict[str, Any]]:
    if not state:
        return []
    out = []
    lines = tables.get("budget_lines", [])
    if lines or state["unpaired"]:
        out.append(_sum_check("budget.shares_sum", lines, "programme_code", state["budget_pages"],
                              [c for _, c in state["unpaired"]]))
    sources = tables.get("funding_sources", [])
    if sources:
        out.append(_sum_check("budget.funding_shares_sum", sources, "source", state["funding_pages"], []))
    return out


def _sum_check(name: str, rows: list[dict[str, Any]], key: str, pages: list[int],
               unpaired: list[str]) -> dict[str, Any]:
    """Shares sum to 1 within the printed rounding (half a point per row printed)."""
    total = sum(r["share"] for r in rows)
    n = len(rows) + len(unpaired)
    passed = abs(total - 1) <= BUDGET.rounding * max(n, 1) and not unpaired
    detail = (f"{len(rows)} rows on p. {', '.join(map(str, pages)) or '-'} sum to {total:.1%}: "
              + ", ".join(f"{r[key]} {r['share']:.0%}" for r in rows))
    if unpaired:
        detail += f"; codes without a share: {', '.join(unpaired)}"
    return {"check": name, "expected": "100%", "actual": f"{total:.1%}", "passed": int(passed),
            "detail": detail}


PARSER = register(NAME, vocabulary=NAME, select_pages=select_pages, parse=parse, checks=checks)
