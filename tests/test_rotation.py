"""Rotated pages are read in the orientation their text reads in, never dropped.

The English specimen with its key-figures page, a members page and every calendar
page turned: by `/Rotate` (90, 180, 270: the page displayed turned) or by drawing the
content rotated on a landscape page (`/Rotate` 0, text running up the page). Every
section comes back whole (the counts of the data files), and the provenance crops of
a turned page show what the upright page shows.
"""

from __future__ import annotations

import io

import pytest
import yaml
from PIL import Image, ImageChops
from pypdf import PdfWriter, Transformation
from pypdf.generic import RectangleObject

from extract.pdf.layout import text_turn
from extract.pipeline import run as pipeline
from tests.conftest import DATA, RAW

SPECIMEN_EN = RAW / "metropolis-annual-report-2021-en.pdf"
EN = {name: yaml.safe_load((DATA / "2021-en" / f"{name}.yml").read_text(encoding="utf-8"))
      for name in ("calendar", "key_figures", "members")}


def turned(path, kind: str, pages: list[int]):
    writer = PdfWriter(clone_from=SPECIMEN_EN)
    for number in pages:
        page = writer.pages[number - 1]
        if kind == "drawn":  # upright page (no /Rotate), content drawn a quarter turn
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            page.add_transformation(Transformation().rotate(90).translate(tx=height, ty=0))
            page.mediabox = RectangleObject((0, 0, height, width))
        else:
            page.rotate(int(kind))
    writer.write(path)
    return path


def section_pages(texts: list[str], *headings: str) -> list[int]:
    return [i + 1 for i, t in enumerate(texts) if any(h in t for h in headings)]


@pytest.fixture(scope="module")
def upright():
    return pipeline.extract_report(SPECIMEN_EN)


@pytest.fixture(scope="module")
def pages_to_turn(upright):
    from extract.pdf.layout import Document

    with Document(SPECIMEN_EN) as doc:
        texts = doc.page_texts
    calendar = section_pages(texts, EN["calendar"]["heading"])
    members = section_pages(texts, EN["members"]["heading"])
    figures = sorted({r["page"] for r in upright.tables["key_figures"]})
    assert calendar and members and figures
    return [figures[0], members[0], *calendar]


def test_text_turn_reads_the_glyphs_not_the_page():
    assert text_turn([{"text": "a", "matrix": (0, -1, 1, 0, 0, 0)}] * 5) == 270
    assert text_turn([{"text": "a", "matrix": (-1, 0, 0, -1, 0, 0)}] * 5) == 180
    # a rotated margin label among upright text does not turn the page
    labels = [{"text": "A", "matrix": (0, 1, -1, 0, 0, 0)}] * 10
    assert text_turn(labels + [{"text": "b", "matrix": (1, 0, 0, 1, 0, 0)}] * 30) == 0


@pytest.mark.parametrize("kind", ["90", "180", "270", "drawn"])
def test_turned_pages_lose_no_row(kind, tmp_path, upright, pages_to_turn):
    pdf = turned(tmp_path / f"turned-{kind}.pdf", kind, pages_to_turn)
    extraction = pipeline.extract_report(pdf)
    tables = extraction.tables
    assert len(tables["calendar_events"]) == len(EN["calendar"]["events"])
    assert len(tables["key_figures"]) == len(upright.tables["key_figures"])
    assert {r["key"] for r in tables["key_figures"]} == {r["key"] for r in upright.tables["key_figures"]}
    members = sum(len(m["rows"]) for m in EN["members"]["matrices"])
    assert len({r["member_id"] for r in tables["member_status"]}) <= members
    for table in ("member_status", "member_indicators", "publications", "calendar_events"):
        assert len(tables[table]) == len(upright.tables[table]), table
    assert [c["check"] for c in tables["checks"] if not c["passed"]] == \
        [c["check"] for c in upright.tables["checks"] if not c["passed"]]
    # the crops of the turned pages show the same pixels as the upright ones
    crops = {(r["page"], round(r["x0"]), round(r["top"])): r["png"] for r in tables["provenance_images"]}
    compared = 0
    for row in upright.tables["provenance_images"]:
        key = (row["page"], round(row["x0"]), round(row["top"]))
        if row["page"] in pages_to_turn and key in crops:
            a = Image.open(io.BytesIO(row["png"])).convert("L")
            b = Image.open(io.BytesIO(crops[key])).convert("L")
            assert a.size == b.size, key
            assert ImageChops.difference(a, b).getextrema()[1] < 64, key
            compared += 1
    assert compared >= 50
