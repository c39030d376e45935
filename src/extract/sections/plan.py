"""The strategic action plan's implementation ("MISE EN ŒUVRE DE NOTRE PLAN D’ACTION
STRATÉGIQUE") into `plan_deliverables`: one row per deliverable as printed.

The page shows lines of action (`L1 Renforcer …`), their actions (`L1A1 Narrative …`)
as columns or blocks, and the deliverables (`L1A1D1 Recommandations …`), each beside a
swatch or a mark. The status is drawn, not written: the page's legend pairs a swatch
colour or a mark with a word of the vocabulary (`Atteint` / `Non atteint`), and each
deliverable takes the status whose swatch colour (nearest) or mark it carries.

Reading, from positions only:
- codes are words matching `L<n>`, `L<n>A<n>`, `L<n>A<n>D<n>`;
- columns: the x positions of the action codes (a deliverable belongs to the column
  whose left edge is the nearest at or left of it), so one action per column, two
  columns or any grid read alike;
- a code's text is the words right of it, on its line and below, in its column, down
  to the next code of that column (or the legend);
- a swatch is a filled box just left of the code on its line; a mark is a short word
  there that is not a code.

The real 2021 report prints `L3A3D3` and `L3A5D1` twice for different deliverables:
both rows are kept as printed, and a warning says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from extract.lang import vocab
from extract.pdf.layout import Box, Page, Word, bbox_of, group_lines
from extract.sections import ReportContext, Section, register
from extract.toolkit.settings import PLAN
from extract.toolkit.text import join_lines

NAME = "plan"
CODE_RE = re.compile(r"^L(\d+)(?:A(\d+)(?:D(\d+))?)?$")
# A word that looks like a code but is not well formed (`L1A1D`, `L1AD2`, `LA1D1`).
CODE_LIKE_RE = re.compile(r"^L\d*A\d*(?:D\d*)?[\W\d]*$")


@dataclass
class Legend:
    """status -> its swatch colour or its mark text, and where the legend stands."""

    colours: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)
    words: list[Word] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.colours or self.marks)


@dataclass
class PlanState:
    legend_pages: list[int] = field(default_factory=list)
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (page, printed)
    unmarked: list[tuple[int, str]] = field(default_factory=list)  # deliverables without status
    actions: dict[str, int] = field(default_factory=dict)  # action code -> page, all printed


def _vocab(language: str | None) -> dict[str, Any]:
    return vocab.section(NAME, language)


def select_pages(texts: list[str], ctx: ReportContext) -> list[int]:
    headings = [vocab.fold(h) for h in _vocab(ctx.language).get("headings", [])]
    out = []
    for i, text in enumerate(texts):
        codes = sum(1 for w in text.split() if CODE_RE.match(w) and "D" in w)
        if codes >= PLAN.min_codes or (codes and any(h in vocab.fold(" ".join(text.split())) for h in headings)):
            out.append(i + 1)
    return out


def parse(pages: list[Page], ctx: ReportContext) -> Section:
    state = PlanState()
    rows: list[dict[str, Any]] = []
    notes: dict[int, str | None] = {}
    for page in pages:
        found = parse_page(page, ctx, state)
        notes[page.number] = None if found else "no deliverable code (L1A1D1) in its layout"
        rows.extend(found)
    seen: dict[str, int] = {}
    for row in rows:
        seen[row["code"]] = seen.get(row["code"], 0) + 1
    twice = sorted(c for c, n in seen.items() if n > 1)
    if twice:
        ctx.warn(f"plan: codes printed more than once, each kept as printed: {', '.join(twice)} "
                 f"(p. {', '.join(str(p) for p in sorted({r['page'] for r in rows if r['code'] in twice}))})")
    section = Section(pages=notes, state=state)
    section.add("plan_deliverables", rows)
    return section


def parse_page(page: Page, ctx: ReportContext, state: PlanState) -> list[dict[str, Any]]:
    legend = read_legend(page, ctx.language)
    if legend:
        state.legend_pages.append(page.number)
    legend_ids = {id(w) for w in legend.words}
    words = [w for w in page.words if id(w) not in legend_ids]
    codes = [w for w in words if CODE_RE.match(w.text)]
    for w in words:
        if not CODE_RE.match(w.text) and CODE_LIKE_RE.match(w.text) and ("A" in w.text[1:]):
            state.malformed.append((page.number, w.text))
    lines = [w for w in codes if not CODE_RE.match(w.text).group(2)]
    actions = [w for w in codes if CODE_RE.match(w.text).group(2) and not CODE_RE.match(w.text).group(3)]
    deliverables = [w for w in codes if CODE_RE.match(w.text).group(3)]
    if not deliverables:
        return []
    for a in actions:
        state.actions.setdefault(a.text, page.number)
    size = sorted(w.size for w in deliverables)[len(deliverables) // 2]
    # column edges: the action codes' left edges (each clustered), else the deliverables'
    anchors = actions or deliverables
    edges = _edges([w.x0 for w in anchors], size)
    legend_top = min((w.top for w in legend.words), default=math.inf)
    legend_bottom = max((w.bottom for w in legend.words), default=-math.inf)
    line_titles = {w.text: _title(w, words, codes, edges, size, page, ctx.language) for w in lines}
    action_titles = {w.text: _title(w, words, codes, edges, size, page, ctx.language, legend_top, legend_bottom)
                     for w in actions}
    rows = []
    # the plan's order: column by column, top to bottom
    for code in sorted(deliverables, key=lambda w: (_column(w.x0, edges, size, page.width)[0], w.top)):
        m = CODE_RE.match(code.text)
        line_code, action_code = f"L{m.group(1)}", f"L{m.group(1)}A{m.group(2)}"
        text_words = _text_words(code, words, codes, edges, size, page, legend_top, legend_bottom)
        text = join_lines([ln.text for ln in group_lines(text_words)], vocab.lexicon(ctx.language))
        status = _status(code, page, words, legend, size)
        if legend and status is None:
            state.unmarked.append((page.number, code.text))
        x0, top, x1, bottom = bbox_of([code, *text_words])
        row: dict[str, Any] = {
            "code": code.text, "line": line_code, "line_title": line_titles.get(line_code),
            "action": action_code, "action_title": action_titles.get(action_code),
            "text": text, "page": page.number, "x0": x0, "top": top, "x1": x1, "bottom": bottom}
        if status:
            row["status"] = status
        rows.append(row)
    return rows


def _edges(xs: list[float], size: float) -> list[float]:
    out: list[float] = []
    for x in sorted(xs):
        if not out or x - out[-1] > size * 2:
            out.append(x)
    return out


def _column(x: float, edges: list[float], size: float, page_width: float) -> tuple[float, float]:
    """The column holding x: from its edge (a swatch stands a little left of it) to the next."""
    left = max((e for e in edges if e <= x + size * PLAN.mark_reach), default=0.0)
    right = min((e for e in edges if e > left + size), default=page_width)
    return left - size * PLAN.mark_reach, right - size * 0.2


def _below_in_column(code: Word, codes: list[Word], left: float, right: float) -> float:
    """Top of the next code under `code` in its column."""
    return min((c.top for c in codes if c is not code and left <= c.x0 < right
                and c.top > code.top + code.size * 0.5), default=math.inf)


def _text_words(code: Word, words: list[Word], codes: list[Word], edges: list[float], size: float,
                page: Page, legend_top: float = math.inf, legend_bottom: float = -math.inf) -> list[Word]:
    left, right = _column(code.x0, edges, size, page.width)
    stop = _below_in_column(code, codes, left, right)
    if code.top < legend_top:
        stop = min(stop, legend_top)
    out = []
    for w in words:
        if w is code or CODE_RE.match(w.text):
            continue
        if w.x0 >= code.x1 - 0.5 and w.x1 <= right + size and code.top - size * 0.3 <= w.top < stop - size * 0.3:
            if legend_top <= w.top <= legend_bottom:
                continue
            out.append(w)
    return out


def _title(code: Word, words: list[Word], codes: list[Word], edges: list[float], size: float,
           page: Page, language: str | None, legend_top: float = math.inf,
           legend_bottom: float = -math.inf) -> str:
    if CODE_RE.match(code.text).group(2) is None:  # a line's title runs the page's width
        stop = min((c.top for c in codes if c.top > code.top + code.size * 0.5), default=math.inf)
        if code.top < legend_top:
            stop = min(stop, legend_top)
        mine = [w for w in words if w is not code and not CODE_RE.match(w.text)
                and w.x0 >= code.x0 - 1 and code.top - code.size * 0.3 <= w.top < stop - code.size * 0.3
                and not legend_top <= w.top <= legend_bottom]
        return join_lines([ln.text for ln in group_lines(mine)], vocab.lexicon(language))
    # an action's title wraps under its code, within its column
    left, right = _column(code.x0, edges, size, page.width)
    stop = _below_in_column(code, codes, left, right)
    if code.top < legend_top:
        stop = min(stop, legend_top)
    mine = [w for w in words if w is not code and not CODE_RE.match(w.text)
            and w.x0 >= code.x0 - 1 and w.x1 <= right + size
            and code.top - code.size * 0.3 <= w.top < stop - code.size * 0.3
            and not legend_top <= w.top <= legend_bottom]
    return join_lines([ln.text for ln in group_lines(mine)], vocab.lexicon(language))


def _mark_left_of(word: Word, page: Page, words: list[Word]) -> tuple[str, Any] | None:
    """The swatch (a filled box) or mark (a short word) just left of `word` on its line."""
    reach = word.size * PLAN.mark_reach
    boxes = [b for b in page.boxes if b.x1 <= word.x0 + 1 and word.x0 - b.x1 <= reach
             and b.top <= word.bottom and b.bottom >= word.top and (b.x1 - b.x0) <= word.size * 3]
    if boxes:
        box: Box = max(boxes, key=lambda b: b.x1)
        return "colour", box.color
    marks = [w for w in words if w is not word and w.x1 <= word.x0 + 1 and word.x0 - w.x1 <= reach
             and abs(w.ymid - word.ymid) <= word.size * 0.6 and len(w.text) <= 2
             and not any(c.isalnum() for c in w.text)]
    if marks:
        return "mark", max(marks, key=lambda w: w.x1).text
    return None


def read_legend(page: Page, language: str | None) -> Legend:
    """The legend's words on the page, each status with the swatch colour or mark before it."""
    legend = Legend()
    labels = sorted(((vocab.fold(label).split(), status)
                     for status, ls in (_vocab(language).get("legend") or {}).items() for label in ls),
                    key=lambda t: -len(t[0]))
    taken: set[int] = set()
    for line in group_lines(page.words):
        ws = list(line.words)
        folded = [vocab.fold(w.text) for w in ws]
        for i in range(len(ws)):
            for label, status in labels:
                if id(ws[i]) in taken or folded[i:i + len(label)] != label:
                    continue
                found = _mark_left_of(ws[i], page, page.words)
                if found is None:
                    continue
                kind, value = found
                (legend.colours if kind == "colour" else legend.marks).setdefault(status, value)
                run = ws[i:i + len(label)]
                taken.update(id(w) for w in run)
                legend.words.extend(run)
                if kind == "mark":
                    legend.words.extend(w for w in ws[:i] if w.text == value and w.x1 <= ws[i].x0 + 1
                                        and ws[i].x0 - w.x1 <= ws[i].size * PLAN.mark_reach)
    return legend


def _status(code: Word, page: Page, words: list[Word], legend: Legend, size: float) -> str | None:
    if not legend:
        return None
    found = _mark_left_of(code, page, words)
    if found is None:
        return None
    kind, value = found
    if kind == "mark":
        return next((s for s, m in legend.marks.items() if m == value), None)
    best = min(legend.colours.items(), key=lambda kv: math.dist(kv[1], value), default=None)
    if best is None or math.dist(best[1], value) > PLAN.max_colour_distance:
        return None
    return best[0]


def checks(tables: dict[str, list[dict[str, Any]]], state: PlanState | None,
           ctx: ReportContext) -> list[dict[str, Any]]:
    rows = tables.get("plan_deliverables", [])
    if state is None or (not rows and not state.malformed):
        return []
    out = []
    malformed = [f"{t!r} (p. {p})" for p, t in state.malformed]
    out.append({"check": "plan.codes_well_formed", "expected": "0", "actual": str(len(malformed)),
                "passed": int(not malformed),
                "detail": ("codes not of the form L1A1D1: " + ", ".join(malformed)) if malformed
                else f"{len(rows)} deliverable codes read"})
    if state.legend_pages:
        missing = [f"{c} (p. {p})" for p, c in state.unmarked]
        out.append({"check": "plan.statuses", "expected": str(len(rows)),
                    "actual": str(len(rows) - len(missing)), "passed": int(not missing),
                    "detail": ("no swatch or mark the legend knows beside: " + ", ".join(missing)) if missing
                    else f"legend on p. {', '.join(map(str, state.legend_pages))}"})
    numbers: dict[str, set[int]] = {}
    for row in rows:
        numbers.setdefault(row["action"], set()).add(int(CODE_RE.match(row["code"]).group(3)))
    gaps = []
    for action, ns in sorted(numbers.items()):
        lost = sorted(set(range(1, max(ns) + 1)) - ns)
        if lost:
            gaps.append(f"{action}: D{', D'.join(map(str, lost))} missing")
    out.append({"check": "plan.deliverables_numbered", "expected": "0", "actual": str(len(gaps)),
                "passed": int(not gaps),
                "detail": "; ".join(gaps) if gaps else f"{len(numbers)} actions run D1, D2… with none missing"})
    return out


PARSER = register(NAME, vocabulary=NAME, select_pages=select_pages, parse=parse, checks=checks)
