"""Generated editions for the benchmark and the fault tests.

The specimen data folder of 2021 is copied with another year (cover title, `year`,
`id`) and, for long reports, with its repeating sections drawn several times, then
rendered with the specimen renderer. The data stays the 2021 truth otherwise: these
editions measure speed and robustness, not extraction accuracy.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import yaml
from tests.specimens.build import DATA, SECTIONS, build

BASE = DATA / "2021-fr"


def edition_folder(out: Path, year: int, base: Path = BASE) -> Path:
    """A copy of the `base` data folder whose report is of `year`."""
    folder = out / f"data-{year}-{base.name.split('-')[-1]}"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(base, folder)
    for name, module in SECTIONS:  # a section whose renderer is not written yet is left out
        if importlib.util.find_spec(module) is None:
            (folder / f"{name}.yml").unlink(missing_ok=True)
    path = folder / "report.yml"
    report = yaml.safe_load(path.read_text(encoding="utf-8"))
    old = str(report.get("year", 2021))
    # The whole edition of that year, not only its cover: the fee column's title, the
    # calendar's dates and titles say the year too, and an edition whose cover says
    # another year than its body is refused (`identify`).
    if str(year) != old:
        for data in folder.glob("*.yml"):
            text = data.read_text(encoding="utf-8")
            data.write_text(re.sub(rf"(?<!\d){old}(?!\d)", str(year), text), encoding="utf-8")
        report = yaml.safe_load(path.read_text(encoding="utf-8"))
    report["year"] = year
    report["id"] = re.sub(r"^\d{4}", str(year), str(report.get("id", f"{year}-fr")))
    report["cover_title"] = str(report["cover_title"]).replace(old, str(year))
    path.write_text(yaml.safe_dump(report, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def build_edition(out: Path, year: int, base: Path = BASE) -> Path:
    """Render the `year` edition into `out/metropolis-annual-report-{year}-fr.pdf`."""
    out.mkdir(parents=True, exist_ok=True)
    folder = edition_folder(out / "data", year, base)
    pdf = out / f"metropolis-annual-report-{year}-{base.name.split('-')[-1]}.pdf"
    build(folder, pdf)
    return pdf


def build_archive(out: Path, years: range | list[int]) -> list[Path]:
    """One PDF per year in `out` (the data folders go to `out/../data`)."""
    return [build_edition(out, year) for year in years]


def build_long_report(out: Path, pages: int = 60) -> Path:
    """A report of about `pages` pages: the whole 2021 specimen rendered several times.

    Every copy repeats each section, so the parsers select (and pdfplumber reads)
    most pages, which is the worst case for time and memory.
    """
    import pypdf

    single = build_edition(out / "single", 2021)
    reader = pypdf.PdfReader(single)
    writer = pypdf.PdfWriter()
    writer.append(reader)  # cover and narrative once, then the sections again and again
    sections = list(range(2, len(reader.pages))) or [0]
    while len(writer.pages) < pages:
        writer.append(reader, pages=sections[: pages - len(writer.pages)])
    target = out / "metropolis-annual-report-2021-fr-long.pdf"
    with open(target, "wb") as fh:
        writer.write(fh)
    return target


def first_pages_of_sections(pdf: Path) -> list[int]:
    """The cover, the page after it and the first page each section parser selects."""
    from extract import sections as parsers
    from extract.lang.identify import identify
    from extract.pdf.layout import Document

    with Document(pdf) as doc:
        texts = doc.page_texts
    ident = identify(texts)
    ctx = parsers.ReportContext(ident.report_id, ident.year, ident.language, pdf.name)
    keep = {1, 2} | {min(pages) for p in parsers.registered() if (pages := p.select_pages(texts, ctx))}
    return sorted(n for n in keep if n <= len(texts))


def trim(pdf: Path, target: Path, pages: list[int] | None = None) -> Path:
    """A short copy of a report (default: `first_pages_of_sections`), for fast tests."""
    import pypdf

    reader = pypdf.PdfReader(pdf)
    writer = pypdf.PdfWriter()
    for number in pages or first_pages_of_sections(pdf):
        writer.add_page(reader.pages[number - 1])
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as fh:
        writer.write(fh)
    return target


def build_short_archive(out: Path, years: range | list[int]) -> list[Path]:
    """One short edition per year in `out`: cover, narrative, a page of each section."""
    full = build_archive(out.parent / f"{out.name}-full", years)
    return [trim(pdf, out / pdf.name) for pdf in full]


UNPARSED = Path(__file__).parent / "data" / "unparsed-2021-fr.yml"


def build_mixed_report(out: Path) -> Path:
    """The 2021 specimen with the real report's sections that no parser reads (the
    strategic plan's objectives, the staff and back pages, transcribed from the seed)
    set after its narrative page, as the real report's page mix has them."""
    import pypdf
    from tests.specimens.pdfkit import ReportCanvas, Style

    specimen = build_edition(out / "single", 2021)
    report = yaml.safe_load((BASE / "report.yml").read_text(encoding="utf-8"))
    extra = out / "unparsed.pdf"
    rc = ReportCanvas(extra, Style(**report.get("style", {})), title="unparsed")
    for section in yaml.safe_load(UNPARSED.read_text(encoding="utf-8"))["sections"]:
        _draw_lines(rc, section["heading"], section["lines"])
    rc.save()
    writer = pypdf.PdfWriter()
    specimen_pages = pypdf.PdfReader(specimen)
    writer.append(specimen_pages, pages=[0, 1])  # cover, narrative
    writer.append(pypdf.PdfReader(extra))
    writer.append(specimen_pages, pages=list(range(2, len(specimen_pages.pages))))
    target = out / "metropolis-annual-report-2021-fr-mixed.pdf"
    with open(target, "wb") as fh:
        writer.write(fh)
    return target


def _draw_lines(rc, heading: str, lines: list[str]) -> None:
    """Printed lines in two columns, as many pages as they fill, the heading on each."""
    size = rc.style.body_size + 1
    col_width = (rc.width - 3 * rc.style.margin) / 2
    bottom = rc.height - rc.style.margin - size * 2
    top = rc.heading(heading)
    x, y = rc.style.margin, top
    for line in lines:
        if y > bottom and x > rc.style.margin:  # both columns full: next page
            rc.finish_page(label=heading)
            top = rc.heading(heading)
            x, y = rc.style.margin, top
        elif y > bottom:
            x, y = x + col_width + rc.style.margin, top
        if line:
            for part in rc.wrap(line, col_width, size):
                rc.text(x, y, part, size=size)
                y += size * 1.45
        else:
            y += size
    rc.finish_page(label=heading)
