"""The layout layer against other producers' habits, on PDFs rendered here with reportlab.

Desktop-publishing tools often emit no space characters: each word (or each glyph of a
letter-spaced word) is its own text operator, and only positions tell words apart.
They draw boxes as rounded rectangles or closed paths, and colour text in CMYK or grey.
Expectations are written by hand: the words drawn, the boxes drawn, the colours' hues.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from extract.pdf.layout import is_red, load_pages
from tests.specimens.pdfkit import available_fonts, register_font

PAGE = (600.0, 800.0)
# Built-in Type 1 fonts (widths from their AFM files) and embedded TrueType fonts.
FONTS = ["Helvetica", "Times-Roman", "Courier", "Helvetica-Bold"] + available_fonts()
SIZES = [4.5, 6.0, 8.0, 10.0, 13.0, 18.0, 28.0]
SENTENCES = [
    "La gouvernance métropolitaine et l’avenir des villes",
    "Forum urbain 2021 : égalité, résilience (ONU-Habitat)",
    "AVATAR Wave Type TV 11 1er 3,5 WA To",  # kerning pairs, narrow glyphs
    "i l j f t r , . ; : ! ?",  # one-glyph words: narrowest gaps
]


def font_name(family: str) -> str:
    if family in available_fonts():
        return register_font(family)[0]
    return family


def draw_words(c: Canvas, font: str, size: float, x: float, y: float, words: list[str],
               gap: float, tracking: float = 0.0, per_char: bool = False) -> None:
    """Each word its own string (no space characters), `gap` points apart; with
    `per_char`, each glyph its own string, `tracking` points after each glyph."""
    c.setFont(font, size)
    for word in words:
        if per_char:
            for ch in word:
                c.drawString(x, y, ch)
                x += pdfmetrics.stringWidth(ch, font, size) + tracking
            x -= tracking
        else:
            c.drawString(x, y, word)
            x += pdfmetrics.stringWidth(word, font, size)
        x += gap


def lines_of(pdf: Path) -> list[list[str]]:
    (page,) = load_pages(pdf)
    return [[w.text for w in line.words] for line in page.lines()]


def render_lines(pdf: Path, font: str, size: float, specs: list[dict]) -> None:
    """One line per spec (words and drawing options), top to bottom."""
    c = Canvas(str(pdf), pagesize=PAGE)
    y = PAGE[1] * 0.9
    for spec in specs:
        draw_words(c, font, size, 30, y, **spec)
        y -= size * 1.6
    c.save()


@pytest.mark.parametrize("family", FONTS)
@pytest.mark.parametrize("size", SIZES)
def test_words_drawn_one_by_one_split_at_word_gaps(tmp_path: Path, family: str, size: float) -> None:
    """Gaps from a tightly justified line (70% of the font's space) to a loose one."""
    font = font_name(family)
    space = pdfmetrics.stringWidth(" ", font, size)
    specs = [
        {"words": s.split(), "gap": space * factor}
        for s in SENTENCES[:3] for factor in (0.7, 1.0, 1.8)
    ]
    specs.append({"words": SENTENCES[3].split(), "gap": space})
    pdf = tmp_path / "words.pdf"
    render_lines(pdf, font, size, specs)
    assert lines_of(pdf) == [s["words"] for s in specs]


@pytest.mark.parametrize("family", FONTS)
@pytest.mark.parametrize("size", SIZES)
def test_glyphs_drawn_one_by_one_stay_one_word(tmp_path: Path, family: str, size: float) -> None:
    """Letter-spaced and kerned words, each glyph its own string, words a space apart."""
    font = font_name(family)
    space = pdfmetrics.stringWidth(" ", font, size)
    specs = [
        {"words": s.split(), "gap": space + tracking * size, "tracking": tracking * size, "per_char": True}
        for s in SENTENCES[:3] for tracking in (-0.04, 0.0, 0.05, 0.1)
    ]
    pdf = tmp_path / "glyphs.pdf"
    render_lines(pdf, font, size, specs)
    assert lines_of(pdf) == [s["words"] for s in specs]


def test_filled_curves_are_boxes(tmp_path: Path) -> None:
    """Rounded rectangles and closed paths come back as boxes by their bounding box;
    white fills, strokes, dots and page backgrounds do not."""
    pdf = tmp_path / "boxes.pdf"
    w, h = PAGE
    c = Canvas(str(pdf), pagesize=PAGE)
    c.setFillColorRGB(0.97, 0.97, 0.92)
    c.rect(0, 0, w, h, stroke=0, fill=1)  # page background
    c.setFillColorRGB(0.85, 0.93, 0.96)
    c.roundRect(50, 600, 120, 80, 8, stroke=0, fill=1)  # top 120, bottom 200
    c.setFillColorCMYK(0.0, 0.1, 0.2, 0.0)
    path = c.beginPath()
    path.moveTo(300, 500)
    path.lineTo(400, 500)
    path.curveTo(410, 500, 415, 505, 415, 515)  # a rounded corner, drawn by hand
    path.lineTo(415, 560)
    path.lineTo(310, 560)
    path.lineTo(300, 550)  # a cut corner
    path.close()
    c.drawPath(path, stroke=0, fill=1)  # x 300..415, top 240, bottom 300
    c.setFillGray(0.5)
    c.circle(100, 300, 4, stroke=0, fill=1)  # a swatch: x 96..104, top 496, bottom 504
    c.circle(200, 300, 0.5, stroke=0, fill=1)  # a dot
    c.rect(50, 200, 400, 0.5, stroke=0, fill=1)  # a hairline rule drawn as a fill
    c.setFillColorRGB(1, 1, 1)
    c.roundRect(50, 100, 120, 80, 8, stroke=0, fill=1)  # white: paper, not a box
    c.setStrokeColorRGB(0.2, 0.2, 0.2)
    c.roundRect(300, 100, 120, 80, 8, stroke=1, fill=0)  # an outline only
    c.save()
    (page,) = load_pages(pdf)
    got = sorted((round(b.x0), round(b.top), round(b.x1), round(b.bottom), tuple(round(v, 2) for v in b.color))
                 for b in page.boxes)
    assert got == [
        (50, 120, 170, 200, (0.85, 0.93, 0.96)),
        (96, 496, 104, 504, (0.5, 0.5, 0.5)),
        (300, 240, 415, 300, (1.0, 0.9, 0.8)),
    ]


def test_text_colours_are_normalised_whatever_the_colour_space(tmp_path: Path) -> None:
    pdf = tmp_path / "colours.pdf"
    c = Canvas(str(pdf), pagesize=PAGE)
    c.setFont("Helvetica", 10)
    inks = {
        "cmykred": ("cmyk", (0.0, 0.9, 0.85, 0.05)),
        "rgbred": ("rgb", (0.86, 0.12, 0.16)),
        "cmykgrey": ("cmyk", (0.0, 0.0, 0.0, 0.6)),
        "grey": ("gray", (0.4,)),
        "cmykblack": ("cmyk", (0.0, 0.0, 0.0, 1.0)),
        "blue": ("rgb", (0.0, 0.45, 0.62)),
        "orange": ("cmyk", (0.0, 0.5, 0.9, 0.0)),
    }
    y = 700
    for text, (space, values) in inks.items():
        {"cmyk": c.setFillColorCMYK, "rgb": c.setFillColorRGB, "gray": c.setFillGray}[space](*values)
        c.drawString(50, y, text)
        y -= 20
    c.save()
    (page,) = load_pages(pdf)
    colours = {w.text: w.color for w in page.words}
    assert sorted(colours) == sorted(inks)
    assert colours["cmykred"] == pytest.approx((0.95, 0.095, 0.1425), abs=0.01)
    assert colours["cmykgrey"] == pytest.approx((0.4, 0.4, 0.4), abs=0.01)
    assert colours["grey"] == pytest.approx((0.4, 0.4, 0.4), abs=0.01)
    assert colours["cmykblack"] == pytest.approx((0.0, 0.0, 0.0), abs=0.01)
    assert {t for t, col in colours.items() if is_red(col)} == {"cmykred", "rgbred"}


@pytest.mark.parametrize("pdf", sorted((Path(__file__).parent.parent / "raw").glob("*.pdf")),
                         ids=lambda p: p.stem)
def test_pages_read_by_two_processes_are_the_same_pages_in_the_same_order(pdf: Path) -> None:
    from extract.pdf.layout import Document

    with Document(pdf) as doc:
        every = range(1, doc.page_count + 1)
        alone = list(doc.pages(every))
    with Document(pdf) as doc:
        shared = list(doc.pages(reversed(every), workers=2))
    assert [p.number for p in shared] == list(every)
    assert shared == alone
