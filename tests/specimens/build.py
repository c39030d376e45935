"""Build a specimen report PDF from its data folder.

    python -m tests.specimens.build tests/specimens/data/2021-fr raw/metropolis-annual-report-2021-fr.pdf

A data folder holds `report.yml` (title, style, narrative) and one YAML file per
section; each section file is drawn by the renderer module of the same name. The
data files are the truth the tests check the extractor against.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import yaml

from tests.specimens.pdfkit import ReportCanvas, Style
from tests.specimens.render_front import draw_cover, draw_narrative

HERE = Path(__file__).parent
DATA = HERE / "data"
# Section files in the order they appear in the report, and their renderer modules.
SECTIONS = [
    ("key_figures", "tests.specimens.render_figures"),
    ("publications", "tests.specimens.render_publications"),
    ("budget", "tests.specimens.render_budget"),
    ("prose", "tests.specimens.render_prose"),
    ("lists", "tests.specimens.render_lists"),
    ("plan", "tests.specimens.render_plan"),
    ("members", "tests.specimens.render_members"),
    ("calendar", "tests.specimens.render_calendar"),
]
EDITIONS = {
    "2021-fr": "raw/metropolis-annual-report-2021-fr.pdf",
    "2021-en": "raw/metropolis-annual-report-2021-en.pdf",
    "2021-es": "raw/metropolis-annual-report-2021-es.pdf",
    # made-up test data: lives under tests/, ingested only with --with-synthetic
    "2022-fr": "tests/specimens/synthetic/metropolis-annual-report-2022-fr-synthetic.pdf",
}


def load_edition(folder: Path) -> dict:
    """{"report": {...}, "members": {...}, ...} for one data folder."""
    data = {}
    for path in sorted(Path(folder).glob("*.yml")):
        data[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def build(folder: Path, out: Path, style: Style | None = None) -> Path:
    data = load_edition(folder)
    report = data["report"]
    style = style or Style(**report.get("style", {}))
    out.parent.mkdir(parents=True, exist_ok=True)
    rc = ReportCanvas(out, style, title=report["cover_title"])
    draw_cover(rc, report)
    draw_narrative(rc, report)
    for name, module in SECTIONS:
        if name in data:
            importlib.import_module(module).draw(rc, data[name], report)
    rc.save()
    return out


def main(argv: list[str]) -> None:
    if len(argv) == 2:
        build(Path(argv[0]), Path(argv[1]))
        return
    root = HERE.parent.parent
    for edition, target in EDITIONS.items():
        print(build(DATA / edition, root / target))


if __name__ == "__main__":
    main(sys.argv[1:])
