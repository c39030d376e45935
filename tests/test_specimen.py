"""The committed specimen is what the generator builds from the data files."""

from __future__ import annotations

import hashlib

import pypdfium2
import pytest

from tests.conftest import DATA, ROOT, SPECIMEN_2021_FR
from tests.specimens.build import EDITIONS, build


def page_texts(path) -> list[str]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_committed_specimen_matches_its_data(edition, tmp_path):
    committed = ROOT / EDITIONS[edition]
    rebuilt = build(DATA / edition, tmp_path / "rebuilt.pdf")
    same_bytes = hashlib.sha256(rebuilt.read_bytes()).digest() == hashlib.sha256(
        committed.read_bytes()).digest()
    # Byte-identical with the same reportlab; otherwise at least the same text on every page.
    assert same_bytes or page_texts(rebuilt) == page_texts(committed), (
        f"{committed} is stale: run `make specimens` and commit it")


def test_specimen_embeds_subsetted_truetype_fonts():
    from pdfplumber import open as open_pdf

    with open_pdf(SPECIMEN_2021_FR) as pdf:
        fonts = {c["fontname"] for page in pdf.pages[:3] for c in page.chars}
    assert fonts, "no text"
    # A subset font name carries a six-letter tag: ABCDEF+Name
    assert all("+" in f for f in fonts), fonts
