"""What the knowledge base hands out besides its tables, built from rows of the database:
the calendar as iCalendar, the events-per-month bar chart as SVG (a picture with no
JavaScript), the page numbers of a check's detail as links, "CSV for Excel" links.

Pure functions over rows; the project plugin (extract.kb.plugins.metropolis_kb) serves
them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def calendar_ics(events: Iterable[Mapping[str, Any]], page_url: Callable[[Mapping[str, Any]], str],
                 name: str) -> bytes:
    """One VEVENT per event: its days (all-day, DTEND the day after the last), title,
    location as printed and the link to its page of the PDF. `page_url(event)` gives the
    absolute address of that page. The UID is stable across re-ingests of the same
    edition (edition, start day, title), so a calendar app updates instead of doubling."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//metropolis-kb//calendar of the Metropolis annual report//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for row in events:
        start = dt.date.fromisoformat(row["start_date"])
        end = dt.date.fromisoformat(row["end_date"] or row["start_date"])
        event = Event()
        digest = hashlib.sha1(f"{row['report_id']}|{row['start_date']}|{row['title']}"
                              .encode()).hexdigest()[:16]
        event.add("uid", f"{row['report_id']}-{row['start_date']}-{digest}@metropolis-kb")
        event.add("dtstamp", dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", end + dt.timedelta(days=1))
        kind = row.get("event_type")
        event.add("summary", (f"{kind.capitalize()}: " if kind else "") + row["title"])
        if row.get("location"):
            event.add("location", row["location"])
        url = page_url(row)
        event.add("url", url)
        lines = [f"{row['report_id']}, page {row['page']}: {url}"]
        if row.get("gender_perspective"):
            lines.append("Marked with a gender perspective (*).")
        if row.get("synthetic"):
            lines.append("SYNTHETIC: made-up test edition, not real content.")
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()


def bar_chart_svg(series: Mapping[str, Sequence[int]], title: str, labels: Sequence[str] = MONTHS,
                  width: int = 720, height: int = 240) -> str:
    """Grouped bars, one group per label (month) and one bar per series (edition), with
    the counts over the bars and a legend: a chart drawn on the server, so the page that
    shows it loads no JavaScript."""
    palette = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2")
    names = list(series)
    top = max([max(v, default=0) for v in series.values()] + [1])
    left, bottom, legend = 30, 28, 18 * ((len(names) + 2) // 3)
    plot_h = height - bottom - legend - 24
    group = (width - left - 10) / max(len(labels), 1)
    bar = max(2.0, (group - 6) / max(len(names), 1))
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             'font-family="sans-serif" font-size="11">'),
             f'<title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{24 + plot_h}" x2="{width - 10}" y2="{24 + plot_h}" stroke="#999"/>']
    for i, label in enumerate(labels):
        x = left + i * group
        parts.append(f'<text x="{x + group / 2:.1f}" y="{24 + plot_h + 14}" '
                     f'text-anchor="middle">{escape(label)}</text>')
        for j, name in enumerate(names):
            values = series[name]
            value = values[i] if i < len(values) else 0
            h = plot_h * value / top
            bx = x + 3 + j * bar
            parts.append(f'<rect x="{bx:.1f}" y="{24 + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                         f'height="{h:.1f}" fill="{palette[j % len(palette)]}">'
                         f'<title>{escape(name)}, {escape(label)}: {value}</title></rect>')
            if value:
                parts.append(f'<text x="{bx + (bar - 1) / 2:.1f}" y="{24 + plot_h - h - 2:.1f}" '
                             f'text-anchor="middle" font-size="9">{value}</text>')
    for j, name in enumerate(names):
        lx = left + (j % 3) * 220
        ly = height - legend + 12 + (j // 3) * 18
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" '
                     f'fill="{palette[j % len(palette)]}"/>'
                     f'<text x="{lx + 14}" y="{ly}">{escape(name)}</text>')
    parts.append(f'<text x="{left}" y="14" font-weight="bold">{escape(title)}</text></svg>')
    return "".join(parts)


# "page 33", "pages 33-34", "pages 3, 4 and 7", "p. 12": the page numbers a check's
# detail names.
PAGES = re.compile(r"\b(?:pages?|p\.)\s*((?:\d+(?:\s*[-–]\s*\d+)?(?:\s*(?:,|and|et|y)\s*)?)+)",
                   re.IGNORECASE)
NUMBER = re.compile(r"\d+")


def linked_pages(text: str, href: Callable[[int], str], row_href: Callable[[int], str]) -> Markup:
    """The detail of a check with every page number it names linked to that page of the
    PDF, and a small link to its `pages` row (why the page was or was not read)."""
    out, last = [], 0
    for match in PAGES.finditer(text):
        start, end = match.span(1)
        out.append(escape(text[last:start]))
        span, cursor = match.group(1), 0
        for number in NUMBER.finditer(span):
            out.append(escape(span[cursor:number.start()]))
            page = int(number.group())
            out.append(Markup('<a href="{}" title="open the PDF at page {}">{}</a>'
                              '<sup><a href="{}" title="the pages row of page {}">row</a></sup>')
                       .format(href(page), page, page, row_href(page), page))
            cursor = number.end()
        out.append(escape(span[cursor:]))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


# The CSV link of Datasette's table and query pages ("This data as json, CSV"), followed
# by one for spreadsheet programs: the same address with _bom=1 (a byte order mark, so
# Excel reads UTF-8 accents).
CSV_LINK = re.compile(rb'<a href="([^"]*\.csv(?:\?[^"]*)?)">CSV</a>')


def with_excel_links(html: bytes) -> bytes:
    def add(match: re.Match) -> bytes:
        href = match.group(1)
        bom = href + (b"&amp;" if b"?" in href else b"?") + b"_bom=1"
        return match.group(0) + b' (<a href="' + bom + b'" class="kb-csv-excel">CSV for Excel</a>)'

    return CSV_LINK.sub(add, html)
