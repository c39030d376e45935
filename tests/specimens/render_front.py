"""Cover and narrative pages of a specimen report."""

from __future__ import annotations

from tests.specimens.pdfkit import ReportCanvas


def draw_cover(rc: ReportCanvas, report: dict) -> None:
    top = rc.height * 0.3
    rc.text(rc.style.margin, top, "metropolis", size=28, bold=True, color=rc.style.accent)
    rc.text(rc.style.margin, top + 50, report["cover_title"], size=34, bold=True)
    for i, line in enumerate(report.get("cover_lines", [])):
        rc.text(rc.style.margin, top + 100 + i * 18, line, size=13)
    rc.finish_page()


def draw_narrative(rc: ReportCanvas, report: dict) -> None:
    """Prose in two columns, with the hyphenated line break the seed shows.

    Paragraph text may hold `-|`: the renderer breaks the line there with a hyphen,
    as a designer's justification would (`parti-` / `cipation`).
    """
    narrative = report["narrative"]
    top = rc.heading(narrative["heading"])
    size = rc.style.body_size + 1
    col_width = (rc.width - 3 * rc.style.margin) / 2
    x, y = rc.style.margin, top
    for paragraph in narrative["paragraphs"]:
        chunks = paragraph.split("-|")
        lines: list[str] = []
        for i, chunk in enumerate(chunks):
            wrapped = rc.wrap(chunk.strip(), col_width, size)
            if i < len(chunks) - 1:
                wrapped[-1] += "-"
            lines.extend(wrapped)
        for line in lines:
            if y > rc.height - rc.style.margin - size * 2:
                x, y = x + col_width + rc.style.margin, top
            rc.text(x, y, line, size=size)
            y += size * 1.45
        y += size
    rc.finish_page(label=narrative.get("margin_label"))
