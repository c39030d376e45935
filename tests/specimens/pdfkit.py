"""Drawing helpers shared by the specimen renderers: fonts, pages, folios, quirks.

The specimens imitate a desktop-published report: embedded subsetted TrueType fonts,
folios, a rotated margin label, running section headings. Every section renderer gets
a `ReportCanvas` and a `Style`, draws its pages and calls `finish_page()` for each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from reportlab.lib.pagesizes import A4, landscape, letter, portrait
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

REPORTLAB_FONTS = Path(reportlab.__file__).parent / "fonts"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

# name -> (regular file, bold file). Vera ships inside reportlab, so it is always there.
FONT_FILES = {
    "Vera": (REPORTLAB_FONTS / "Vera.ttf", REPORTLAB_FONTS / "VeraBd.ttf"),
    "DejaVuSans": (DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"),
    "DejaVuSerif": (DEJAVU / "DejaVuSerif.ttf", DEJAVU / "DejaVuSerif-Bold.ttf"),
}
# name -> italic file, for the few lines set in italics (calendar locations).
ITALIC_FILES = {
    "Vera": REPORTLAB_FONTS / "VeraIt.ttf",
    "DejaVuSans": DEJAVU / "DejaVuSans-Oblique.ttf",
    "DejaVuSerif": DEJAVU / "DejaVuSerif-Italic.ttf",
}
PAGE_SIZES = {
    "A4-landscape": landscape(A4),
    "A4-portrait": portrait(A4),
    "letter-portrait": portrait(letter),
    "letter-landscape": landscape(letter),
}


def available_fonts() -> list[str]:
    return [name for name, (reg, bold) in FONT_FILES.items() if reg.exists() and bold.exists()]


def register_font(name: str) -> tuple[str, str]:
    """Register a TrueType family (embedded, subsetted); returns (regular, bold) names."""
    regular, bold = FONT_FILES[name]
    bold_name = f"{name}-Bold"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(regular)))
        pdfmetrics.registerFont(TTFont(bold_name, str(bold)))
    return name, bold_name


@dataclass
class Style:
    page_size: str = "A4-landscape"
    font_family: str = "Vera"
    red: tuple[float, float, float] = (0.86, 0.12, 0.16)  # RGB 0..1, or 4 values = CMYK
    accent: tuple[float, float, float] = (0.0, 0.45, 0.62)
    margin: float = 42.0
    body_size: float = 9.0
    extra: dict = field(default_factory=dict)
    # Quirks of other producers (tests/test_pages.py): headings drawn one glyph per text
    # object and letter-spaced, day numbers in one text object (glued in the text
    # layer), the gender footnote on the folio's baseline.
    letter_spaced: bool = False
    letter_spacing: float = 0.2  # tracking of letter-spaced headings, in em
    glued_days: bool = False
    footnote_at_folio: bool = False

    @property
    def size(self) -> tuple[float, float]:
        return PAGE_SIZES[self.page_size]

    @property
    def fonts(self) -> tuple[str, str]:
        return register_font(self.font_family)


class ReportCanvas:
    """A reportlab canvas that numbers its pages like a designed report.

    Folios are printed from page 3 on and are not PDF page numbers (the first pages
    have none), which is a quirk the extractor must survive.
    """

    def __init__(self, path: Path, style: Style, title: str = "", author: str = "Metropolis"):
        self.style = style
        self.canvas = Canvas(str(path), pagesize=style.size, invariant=1, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("metropolis-kb specimen renderer")
        self.page_number = 1
        self.regular, self.bold = style.fonts

    @property
    def width(self) -> float:
        return self.style.size[0]

    @property
    def height(self) -> float:
        return self.style.size[1]

    def y(self, top: float) -> float:
        """reportlab's y (from the bottom) for a distance from the top of the page."""
        return self.height - top

    @property
    def italic(self) -> str:
        """The family's italic (registered on first use); the regular face if it has none."""
        family = self.style.font_family
        path = ITALIC_FILES.get(family)
        if path is None or not path.exists():
            return self.regular
        name = f"{family}-Italic"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        return name

    def text(self, x: float, top: float, text: str, size: float | None = None, bold: bool = False,
             color: tuple[float, ...] = (0, 0, 0), italic: bool = False) -> float:
        """Draw one line whose baseline sits `size` below `top`; returns its width."""
        c = self.canvas
        size = size or self.style.body_size
        font = self.italic if italic else self.bold if bold else self.regular
        set_fill(c, color)
        c.setFont(font, size)
        c.drawString(x, self.y(top + size), text)
        set_fill(c, (0, 0, 0))
        return pdfmetrics.stringWidth(text, font, size)

    def display(self, x: float, top: float, text: str, size: float | None = None, bold: bool = False,
                color: tuple[float, ...] = (0, 0, 0)) -> float:
        """A heading line: `text`, or with `Style.letter_spaced` one text object per glyph,
        tracked `Style.letter_spacing` em apart, spaces left out, as DTP tools and CSS letter-spacing emit."""
        if not self.style.letter_spaced:
            return self.text(x, top, text, size, bold, color)
        c = self.canvas
        size = size or self.style.body_size
        font = self.bold if bold else self.regular
        tracking = self.style.letter_spacing * size
        start = x
        set_fill(c, color)
        for glyph in text:
            if not glyph.isspace():
                t = c.beginText(x, self.y(top + size))
                t.setFont(font, size)
                t.textOut(glyph)
                c.drawText(t)
            x += pdfmetrics.stringWidth(glyph, font, size) + tracking
        set_fill(c, (0, 0, 0))
        return x - start - tracking

    def string_width(self, text: str, size: float | None = None, bold: bool = False,
                     italic: bool = False) -> float:
        font = self.italic if italic else self.bold if bold else self.regular
        return pdfmetrics.stringWidth(text, font, size or self.style.body_size)

    def wrap(self, text: str, width: float, size: float | None = None, bold: bool = False) -> list[str]:
        """Greedy word wrap to `width` points."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if current and self.string_width(trial, size, bold) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines

    def heading(self, text: str, top: float | None = None, size: float = 20) -> float:
        """A section heading at the top left; returns the top of the content below it."""
        top = self.style.margin + 6 if top is None else top
        self.display(self.style.margin, top, text, size=size, bold=True, color=self.style.accent)
        return top + size * 1.8

    def margin_label(self, label: str) -> None:
        """A rotated label in the left margin (it comes out one letter a line)."""
        c = self.canvas
        c.saveState()
        c.setFont(self.bold, 8)
        set_fill(c, self.style.accent)
        c.translate(self.style.margin * 0.45, self.height * 0.35)
        c.rotate(90)
        c.drawString(0, 0, label)
        c.restoreState()

    def finish_page(self, label: str | None = None) -> None:
        """Folio from page 3 on, optional rotated margin label, then a new page."""
        c = self.canvas
        if label:
            self.margin_label(label)
        if self.page_number >= 3:
            c.setFont(self.regular, 8)
            set_fill(c, (0.3, 0.3, 0.3))
            c.drawRightString(self.width - self.style.margin, 14, str(self.page_number))
            set_fill(c, (0, 0, 0))
        c.showPage()
        self.page_number += 1

    def save(self) -> None:
        self.canvas.save()


def set_fill(c: Canvas, color: tuple[float, ...]) -> None:
    """RGB (3 values) or CMYK (4 values) fill colour."""
    if len(color) == 4:
        c.setFillColorCMYK(*color)
    else:
        c.setFillColorRGB(*color)
