"""The calendar's design space: month grids and agendas drawn over the specimen data,
read back by the whole pipeline (routing, run filling, the calendar parser, the checks).

Knobs: the calendar layout (a month grid one a page, two side by side, two stacked; an
agenda in one or two columns), the month heading's form, the agenda's date form (a date
column or the date leading the entry; months abbreviated or in full), the event type as
a `TYPE |` prefix or a tag, locations in italics or upright, lanes left or right of the
day numbers, single days boxed or not, page size and orientation, font, edition.

Metrics per design (the truth is the data files, `tests/test_calendar.expected`):
- `events_f1`: F1 of (title, first day, last day): an event counts when its title and
  both dates are right;
- `date_accuracy`: of the events whose title was read, the share with both dates right;
- `fields_f1`: F1 of the whole row (type prefix and key, location, gender mark too);
- `caught`: 1 when the calendar is exactly right or one of its checks failed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.conftest import DATA
from tests.specimens.html.render import PAGE_SIZES, HtmlLayout, load_edition
from tests.test_calendar import as_tuples, expected
from tests.test_html_habits import section_pdf

from bench.design_space import Design, Metrics, SectionSpace, register
from extract.pipeline.run import extract_report

KNOBS = {
    "calendar_layout": ["grid-one", "grid-two", "grid-stacked", "agenda-one", "agenda-two"],
    "month_heading": ["data", "upper-year", "title"],
    "date_form": ["column-abbr", "column-full", "leading-abbr", "leading-full"],
    "type_form": ["prefix", "tag"],
    "location_italic": [True, False],
    "lanes_side": ["right", "left"],
    "box_single_days": [False, True],
    "page_size": list(PAGE_SIZES),
    "font": ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif"],
    "edition": ["2021-fr", "2021-en", "2021-es", "2022-fr"],
}


def f1(got: Counter, want: Counter) -> float:
    hit = sum((got & want).values())
    if not got and not want:
        return 1.0
    return 2 * hit / (sum(got.values()) + sum(want.values()))


def read_design(design: Design, tmp: Path) -> tuple[dict, list[dict], list[dict]]:
    """Print the design (front matter and calendar), run the pipeline on it: the data,
    the calendar rows and the calendar's checks (its pages check included)."""
    edition = design["edition"]
    layout = HtmlLayout(**{k: v for k, v in design.items() if k != "edition"})
    data = load_edition(DATA / edition)
    pdf, data = section_pdf(tmp, edition, ["calendar"], layout, data=data)
    extraction = extract_report(pdf, year=int(data["calendar"]["year"]), language=data["report"]["language"])
    checks = [c for c in extraction.tables.get("checks", []) if c["check"].startswith("calendar.")]
    return data, extraction.tables.get("calendar_events", []), checks


def score(design: Design, tmp: Path, seed: int) -> Metrics:
    data, rows, checks = read_design(design, tmp)
    want, got = expected(data["calendar"]), as_tuples(rows)
    key = lambda c: Counter({(t[2], t[0], t[1]): n for t, n in c.items()})
    titles_got = {t[2] for t in got}
    read = Counter({t: n for t, n in key(want).items() if t[0] in titles_got})
    exact = got == want
    return {
        "events_f1": f1(key(got), key(want)),
        "date_accuracy": sum((key(got) & read).values()) / max(1, sum(read.values())),
        "fields_f1": f1(got, want),
        "caught": float(exact or any(not c["passed"] for c in checks)),
    }


SPACE = register(SectionSpace("calendar", knobs=KNOBS, score=score,
                              targets={"events_f1": 0.99, "date_accuracy": 0.99, "caught": 1.0}))
