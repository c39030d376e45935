"""The committed specimen is what the generator builds from the data files."""

from __future__ import annotations

import hashlib

import pypdfium2

from tests.conftest import DATA, SPECIMEN_2021_FR
from tests.specimens.build import build


def page_texts(path) -> list[str]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def test_committed_specimen_matches_its_data(tmp_path):
    rebuilt = build(DATA / "2021-fr", tmp_path / "rebuilt.pdf")
    same_bytes = hashlib.sha256(rebuilt.read_bytes()).digest() == hashlib.sha256(
        SPECIMEN_2021_FR.read_bytes()).digest()
    # Byte-identical with the same reportlab; otherwise at least the same text on every page.
    assert same_bytes or page_texts(rebuilt) == page_texts(SPECIMEN_2021_FR), (
        "raw/ specimen is stale: run `make specimens` and commit it")


def test_specimen_embeds_subsetted_truetype_fonts():
    from pdfplumber import open as open_pdf

    with open_pdf(SPECIMEN_2021_FR) as pdf:
        fonts = {c["fontname"] for page in pdf.pages[:3] for c in page.chars}
    assert fonts, "no text"
    # A subset font name carries a six-letter tag: ABCDEF+Name
    assert all("+" in f for f in fonts), fonts
