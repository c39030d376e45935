"""Print the committed HTML specimens and record the HTML they came from.

    python -m tests.specimens.html.build          # only those whose HTML changed
    python -m tests.specimens.html.build --force  # every one

Each PDF is committed with the sha256 of its HTML in `SOURCES.yml` beside it: the
test suite re-renders the HTML (fast, no browser) and compares hashes, so CI prints
nothing unless the data, the templates or the CSS changed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.specimens.html.printers import html_sha256, print_pdf, printer_version
from tests.specimens.html.render import HtmlLayout, edition_html

HERE = Path(__file__).parent
SPECIMENS_ROOT = HERE.parent
DATA = SPECIMENS_ROOT / "data"


@dataclass(frozen=True)
class Specimen:
    printer: str
    edition: str
    font: str

    @property
    def pdf(self) -> Path:
        suffix = "-synthetic" if self.edition == "2022-fr" else ""
        return SPECIMENS_ROOT / self.printer / f"metropolis-annual-report-{self.edition}{suffix}.pdf"

    @property
    def layout(self) -> HtmlLayout:
        return HtmlLayout(font=self.font)

    def html(self) -> str:
        return edition_html(DATA / self.edition, self.layout)


# Fonts differ from the reportlab specimens' (Vera, DejaVu Sans) on purpose.
SPECIMENS = [
    Specimen("chromium", "2021-en", "DejaVu Serif"),
    Specimen("chromium", "2021-fr", "Liberation Sans"),
    Specimen("chromium", "2022-fr", "Liberation Sans"),
    Specimen("weasyprint", "2021-fr", "Liberation Serif"),
    Specimen("weasyprint", "2022-fr", "Liberation Serif"),
]


def sources_file(printer: str) -> Path:
    return SPECIMENS_ROOT / printer / "SOURCES.yml"


def recorded(printer: str) -> dict:
    path = sources_file(printer)
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}


def build(force: bool = False) -> list[Path]:
    printed = []
    for printer in sorted({s.printer for s in SPECIMENS}):
        sources = recorded(printer)
        for spec in (s for s in SPECIMENS if s.printer == printer):
            html = spec.html()
            digest = html_sha256(html)
            entry = sources.get(spec.pdf.name) or {}
            if not force and entry.get("html_sha256") == digest and spec.pdf.exists():
                continue
            print_pdf(html, spec.pdf, printer, cache=False)
            sources[spec.pdf.name] = {"edition": spec.edition, "font": spec.font,
                                      "html_sha256": digest, "printer": printer_version(printer)}
            printed.append(spec.pdf)
        header = ("# The HTML each PDF here was printed from (sha256), written by\n"
                  "# `python -m tests.specimens.html.build`: do not edit by hand.\n")
        sources_file(printer).write_text(header + yaml.safe_dump(sources, allow_unicode=True, sort_keys=True),
                                         encoding="utf-8")
    return printed


if __name__ == "__main__":
    for path in build(force="--force" in sys.argv[1:]):
        print(path)
