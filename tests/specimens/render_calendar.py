"""The international calendar annex: month pages with day rows and event boxes.

A month is a column: its name on top, the day numbers 1..N down the left edge, and
each event to the right of its first day, wrapped over a few lines, with its location
line under it. Events of one day stand side by side; a day row grows to fit its
tallest event, so crowded days make taller rows. A multi-day event sits in a coloured
filled box over all its days (its title may run down into the next rows, which glues
day numbers to titles in the text layer, as in the real report); an event that runs
over several months is printed again on each month page. Pages hold one month or two
side by side, and get the gender footnote when one of their events is marked `*`.

`draw(rc, data, report, layout=None)`; `CalendarLayout` holds the knobs the property
tests turn (months per page, font size, column widths, hyphenation, boxes).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.pdfgen.canvas import Canvas

from tests.specimens.pdfkit import ReportCanvas, set_fill

# Light tints: event boxes are filled, never white (the layout layer drops white fills).
TINTS = [
    (0.85, 0.93, 0.96), (0.96, 0.90, 0.84), (0.89, 0.95, 0.87),
    (0.93, 0.89, 0.96), (0.97, 0.94, 0.80), (0.88, 0.90, 0.95),
]
FRENCH_MONTHS = ["JANVIER", "FÉVRIER", "MARS", "AVRIL", "MAI", "JUIN", "JUILLET", "AOÛT",
                 "SEPTEMBRE", "OCTOBRE", "NOVEMBRE", "DÉCEMBRE"]


@dataclass
class CalendarLayout:
    """How the annex is laid out; the defaults draw the committed specimen."""

    pages: list[list[int]] | None = None  # month numbers per page; None: data["pages"]
    size: float = 7.0  # preferred text size; shrunk step by step until a page fits
    min_size: float = 3.5
    heading_size: float = 12.0
    day_width: float = 1.9  # width of the day-number column, in text sizes
    month_gap: float = 18.0  # points between two months side by side
    hyphenate: bool = True  # break long words with a hyphen at line ends
    box_single_days: bool = False  # draw a box for one-day events too
    center_in_box: bool = False  # centre the text of multi-day events in their box
    rules: bool = True  # hairlines between day rows (strokes, not boxes)
    row_shading: bool = False  # every other day row filled light grey behind the events
    month_year: bool = False  # "JANVIER 2021" rather than "JANVIER"
    day_align: str = "right"  # day numbers right- or left-aligned in their column
    heading_align: str = "left"  # month name at the left of its column or centred over it
    box_shape: str = "rect"  # event boxes as "rect", "round" (rounded corners) or "path" (cut corners)
    wrap_location: bool = False  # wrap the location like the title (narrow boxes: two lines or more)
    location_italic: bool = False  # set the location in italics
    overflow: bool = False  # one-day events run down over the following day rows (rows do not grow)
    days_side: str = "left"  # day numbers left of the events (their lanes on the right), or right


@dataclass
class Event:
    index: int
    start: dt.date
    end: dt.date
    title: str
    prefix: str | None = None
    location: str | None = None
    gender: bool = False

    @property
    def text(self) -> str:
        """The title line as printed: prefix, title, gender mark."""
        body = f"{self.prefix} {self.title}" if self.prefix else self.title
        return body + ("*" if self.gender else "")


@dataclass
class Placed:
    """One event on one month: its rows, slot, box and wrapped lines."""

    event: Event
    first: int
    last: int
    slot: int = 0
    x0: float = 0.0
    x1: float = 0.0
    lines: list[str] = field(default_factory=list)
    title_lines: int = 0  # lines of the title; the rest is the location


@dataclass
class MonthPlan:
    month: int
    x0: float
    x1: float
    area_x0: float  # left edge of the events, right of the day numbers
    area_x1: float  # right edge of the events
    size: float
    row_tops: list[float]  # index d-1 for day d
    row_heights: list[float]
    placed: list[Placed]


def events_of(data: dict) -> list[Event]:
    """The data file's events as dated Events (year from the data)."""
    year = int(data["year"])
    out = []
    for i, e in enumerate(data["events"]):
        start = dt.date(year, e["month"], e["day"])
        end = dt.date(e.get("end_year", year), e.get("end_month", e["month"]), e.get("end_day", e["day"]))
        out.append(Event(i, start, end, " ".join(e["title"].split()), e.get("prefix"),
                         e.get("location"), bool(e.get("gender"))))
    return out


# --- wrapping -------------------------------------------------------------------

def hyphen_split(word: str, room: float, measure: Callable[[str], float]) -> tuple[str, str] | None:
    """The longest head of `word` that fits `room`, broken as a designer would.

    Breaks only between two lower-case letters (adding a hyphen) or after a hyphen the
    word already has when an upper-case letter or a digit follows (`d’ONU-`/`Habitat`):
    the reader (and the extractor) can then undo every break without a dictionary.

    >>> hyphen_split("gouvernance", 30, lambda s: 6 * len(s))
    ('gouv-', 'ernance')
    >>> hyphen_split("d’ONU-Habitat", 40, lambda s: 6 * len(s))
    ('d’ONU-', 'Habitat')
    """
    best = None
    for p in range(2, len(word) - 2):
        a, b = word[p - 1], word[p]
        if a.isalpha() and b.isalpha() and a.islower() and b.islower():
            head, tail = word[:p] + "-", word[p:]
            if sum(c.isalpha() for c in word[:p]) < 3 or len(tail) < 3:
                continue
        elif a == "-" and (b.isupper() or b.isdigit()) and p >= 2:
            head, tail = word[:p], word[p:]
        else:
            continue
        if measure(head) <= room:
            best = (head, tail)
    return best


def wrap(text: str, width: float, measure: Callable[[str], float], hyphenate: bool = True) -> list[str]:
    """Greedy wrap to `width`, hyphenating long words when `hyphenate`.

    >>> wrap("la gouvernance métropolitaine", 70, lambda s: 6 * len(s))
    ['la gouvern-', 'ance métro-', 'politaine']
    """
    words = text.split()
    lines: list[str] = []
    current = ""
    i = 0
    while i < len(words):
        word = words[i]
        trial = f"{current} {word}" if current else word
        if measure(trial) <= width:
            current, i = trial, i + 1
            continue
        if hyphenate and len(word) >= 6:
            lead = f"{current} " if current else ""
            split = hyphen_split(word, width - measure(lead), measure)
            if split:
                lines.append(lead + split[0])
                current, words[i] = "", split[1]
                continue
        if current:
            lines.append(current)
            current = ""
        else:  # a lone word wider than the line: the fitter shrinks the font
            lines.append(word)
            i += 1
    if current:
        lines.append(current)
    return lines


# --- layout ---------------------------------------------------------------------

def assign_slots(placed: list[Placed]) -> None:
    """Side-by-side slots: the lowest slot free over all the event's days."""
    busy: dict[int, int] = {}  # slot -> last day taken
    for p in sorted(placed, key=lambda p: (p.first, -(p.last - p.first), p.event.index)):
        slot = 0
        while busy.get(slot, 0) >= p.first:
            slot += 1
        p.slot = slot
        busy[slot] = p.last


def clusters(placed: list[Placed]) -> list[list[Placed]]:
    """Runs of events whose days overlap: each run shares one slot width."""
    runs: list[list[Placed]] = []
    end = 0
    for p in sorted(placed, key=lambda p: (p.first, p.slot)):
        if runs and p.first <= end:
            runs[-1].append(p)
            end = max(end, p.last)
        else:
            runs.append([p])
            end = p.last
    return runs


def plan_month(rc: ReportCanvas, events: list[Event], year: int, month: int, x0: float, x1: float,
               size: float, height: float, layout: CalendarLayout) -> MonthPlan | None:
    """Rows and boxes of one month in the frame [x0, x1], or None if it does not fit."""
    n = calendar.monthrange(year, month)[1]
    first_day, last_day = dt.date(year, month, 1), dt.date(year, month, n)
    placed = [
        Placed(e, max(e.start, first_day).day, min(e.end, last_day).day)
        for e in events if e.start <= last_day and e.end >= first_day
    ]
    assign_slots(placed)
    day_room = size * layout.day_width + size * 0.6
    area_x0, area_x1 = (x0 + day_room, x1) if layout.days_side == "left" else (x0, x1 - day_room)
    area_w = area_x1 - area_x0
    pad_h, gap = size * 0.45, 1.2

    def measure(text: str) -> float:
        return rc.string_width(text, size)

    for run in clusters(placed):
        k = max(p.slot for p in run) + 1
        slot_w = area_w / k
        for p in run:
            right = [q.slot for q in run if q.slot > p.slot and q.first <= p.last and q.last >= p.first]
            p.x0 = area_x0 + p.slot * slot_w
            p.x1 = (area_x0 + min(right) * slot_w if right else area_x1) - gap
            inner = p.x1 - p.x0 - 2 * pad_h
            p.lines = wrap(p.event.text, inner, measure, layout.hyphenate)
            p.title_lines = len(p.lines)
            if p.event.location:
                p.lines.extend(wrap(p.event.location, inner, measure, False) if layout.wrap_location
                               else [p.event.location])
            if any(measure(line) > inner for line in p.lines):
                return None
    line_h, pad_v = size * 1.25, size * 0.4
    heights = [line_h + 2 * pad_v] * n
    for p in sorted(placed, key=lambda p: (p.first, p.slot)):
        if layout.overflow and p.last == p.first:
            continue  # its text runs on over the next day rows
        need = len(p.lines) * line_h + 2 * pad_v
        have = sum(heights[p.first - 1:p.last])
        if have < need:
            heights[p.last - 1] += need - have
    if sum(heights) > height:
        return None
    tops, y = [], 0.0
    for h in heights:
        tops.append(y)
        y += h
    return MonthPlan(month, x0, x1, area_x0, area_x1, size, tops, heights, placed)


def plan_page(rc: ReportCanvas, events: list[Event], year: int, months: list[int], top: float,
              bottom: float, layout: CalendarLayout) -> list[MonthPlan]:
    """Plans for the months of one page, at the largest text size that fits."""
    margin = rc.style.margin
    width = (rc.width - 2 * margin - layout.month_gap * (len(months) - 1)) / len(months)
    size = layout.size
    while size >= layout.min_size - 1e-9:
        rows_top = top + layout.heading_size * 1.7
        plans = []
        for i, month in enumerate(months):
            x0 = margin + i * (width + layout.month_gap)
            plan = plan_month(rc, events, year, month, x0, x0 + width, size, bottom - rows_top, layout)
            if plan is None:
                break
            plans.append(plan)
        else:
            return plans
        size = round(size - 0.25, 2)
    raise ValueError(f"calendar months {months} do not fit on a {rc.style.page_size} page")


# --- drawing --------------------------------------------------------------------

def fill_box(c: Canvas, shape: str, x: float, y: float, w: float, h: float, size: float) -> None:
    """A filled box with its lower-left corner at (x, y), in PDF coordinates.

    Desktop-publishing tools draw boxes as rounded rectangles or closed paths, which
    PDF readers report as curves rather than rectangles.
    """
    r = min(0.5 * size, w / 3, h / 3)
    if shape == "round":
        c.roundRect(x, y, w, h, r, stroke=0, fill=1)
    elif shape == "path":
        path = c.beginPath()
        path.moveTo(x + r, y)
        for px, py in [(x + w - r, y), (x + w, y + r), (x + w, y + h - r), (x + w - r, y + h),
                       (x + r, y + h), (x, y + h - r), (x, y + r)]:
            path.lineTo(px, py)
        path.close()
        c.drawPath(path, stroke=0, fill=1)
    else:
        c.rect(x, y, w, h, stroke=0, fill=1)


def draw_month(rc: ReportCanvas, plan: MonthPlan, name: str, top: float, layout: CalendarLayout) -> None:
    c = rc.canvas
    size = plan.size
    heading_x = plan.x0
    if layout.heading_align == "center":
        heading_x = (plan.x0 + plan.x1 - rc.string_width(name, layout.heading_size, bold=True)) / 2
    rc.display(heading_x, top, name, size=layout.heading_size, bold=True, color=rc.style.accent)
    rows_top = top + layout.heading_size * 1.7
    line_h, pad_v, pad_h = size * 1.25, size * 0.4, size * 0.45
    if layout.rules:
        c.setStrokeColorRGB(0.75, 0.75, 0.75)
        c.setLineWidth(0.3)
        for t in plan.row_tops[1:]:
            c.line(plan.x0, rc.y(rows_top + t), plan.x1, rc.y(rows_top + t))
    if layout.row_shading:  # a background: the extractor must not take it for an event box
        set_fill(c, (0.95, 0.95, 0.95))
        for t, h in list(zip(plan.row_tops, plan.row_heights))[1::2]:
            c.rect(plan.area_x0, rc.y(rows_top + t + h), plan.area_x1 - plan.area_x0, h, stroke=0, fill=1)
        set_fill(c, (0, 0, 0))
    for p in plan.placed:
        boxed = p.last > p.first or layout.box_single_days
        box_top = rows_top + plan.row_tops[p.first - 1] + 0.5
        box_bottom = rows_top + plan.row_tops[p.last - 1] + plan.row_heights[p.last - 1] - 0.5
        if boxed:
            set_fill(c, TINTS[p.event.index % len(TINTS)])
            fill_box(c, layout.box_shape, p.x0, rc.y(box_bottom), p.x1 - p.x0, box_bottom - box_top, size)
            set_fill(c, (0, 0, 0))
        y = rows_top + plan.row_tops[p.first - 1] + pad_v
        if boxed and layout.center_in_box and p.last > p.first:
            y = max(y, box_top + (box_bottom - box_top - len(p.lines) * line_h) / 2)
        for k, line in enumerate(p.lines):
            italic = layout.location_italic and k >= p.title_lines
            rc.text(p.x0 + pad_h, y, line, size=size, italic=italic)
            y += line_h
    if not rc.style.glued_days:
        draw_days(rc, plan, rows_top, pad_v, layout)


def draw_days(rc: ReportCanvas, plan: MonthPlan, rows_top: float, pad_v: float, layout: CalendarLayout) -> None:
    """The day numbers down the month's left (or, `days_side`, right) edge; with
    `Style.glued_days`, as one text object (drawn first on the page by `draw_calendar_pages`)."""
    c = rc.canvas
    size = plan.size
    days = c.beginText() if rc.style.glued_days else None
    if days is not None:
        days.setFont(rc.bold, size)
    days_x0 = plan.x0 if layout.days_side == "left" else plan.x1 - size * layout.day_width
    for d, t in enumerate(plan.row_tops, start=1):
        label = str(d)
        x = days_x0 + size * layout.day_width - rc.string_width(label, size, bold=True)
        if layout.day_align == "left":
            x = days_x0 + size * layout.day_width - rc.string_width("31", size, bold=True)
        if days is None:
            rc.text(x, rows_top + t + pad_v, label, size=size, bold=True)
        else:
            days.setTextOrigin(x, rc.y(rows_top + t + pad_v + size))
            days.textOut(label)
    if days is not None:
        c.drawText(days)


def draw_statements(rc: ReportCanvas, data: dict) -> None:
    """What the report says of its events elsewhere (LIGNE D’ACTION 1), on one page."""
    statements = data.get("statements") or []
    if not statements:
        return
    top = rc.heading(statements[0].get("heading", ""))
    size = rc.style.body_size + 1
    width = (rc.width - 3 * rc.style.margin) / 2
    for s in statements:
        if s.get("subheading"):
            rc.text(rc.style.margin, top, s["subheading"], size=size + 3, bold=True, color=rc.style.accent)
            top += (size + 3) * 1.8
        for line in rc.wrap(" ".join(s["text"].split()), width, size):
            rc.text(rc.style.margin, top, line, size=size)
            top += size * 1.45
        if s.get("note"):
            rc.text(rc.style.margin, top, s["note"], size=size - 2)
            top += size * 1.45
        top += size
    rc.finish_page(label=statements[0].get("heading"))


def draw_calendar_pages(rc: ReportCanvas, data: dict, layout: CalendarLayout | None = None) -> None:
    """The month pages only."""
    layout = layout or CalendarLayout()
    year = int(data["year"])
    names = data.get("month_names") or FRENCH_MONTHS
    events = events_of(data)
    pages = layout.pages or data.get("pages") or [[m] for m in range(1, 13)]
    for months in pages:
        heading = data.get("heading", "CALENDRIER INTERNATIONAL")
        footnote_top = rc.height - rc.style.margin - 8
        if rc.style.glued_days:
            # the day columns first on the page, each one text object, as DTP tools
            # write them (pdfium glues such days, `123456789`, on pages in small type)
            top = rc.style.margin + 6 + 16 * 1.8  # where rc.heading puts the content
            plans = plan_page(rc, events, year, months, top, footnote_top - 6, layout)
            for plan in plans:
                draw_days(rc, plan, top + layout.heading_size * 1.7, plan.size * 0.4, layout)
            rc.heading(heading, size=16)
        else:
            top = rc.heading(heading, size=16)
            plans = plan_page(rc, events, year, months, top, footnote_top - 6, layout)
        for plan in plans:
            name = names[plan.month - 1] + (f" {year}" if layout.month_year else "")
            draw_month(rc, plan, name, top, layout)
        if any(p.event.gender for plan in plans for p in plan.placed) and data.get("footnote"):
            # on the folio's baseline (14 pt up) the two read as one line of text
            at = rc.height - 14 - 7 if rc.style.footnote_at_folio else footnote_top
            rc.text(rc.style.margin, at, data["footnote"], size=7)
        rc.finish_page(label=data.get("margin_label", "ANNEXES"))


def draw(rc: ReportCanvas, data: dict, report: dict, layout: CalendarLayout | None = None) -> None:
    """The statements page, then the annex's month pages."""
    draw_statements(rc, data)
    draw_calendar_pages(rc, data, layout)

