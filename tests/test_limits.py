"""Limits and messages: inputs the extractor must refuse, each with an actionable line."""

from __future__ import annotations

import io
import time
import zlib

import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from extract import cli
from extract.pdf import guards
from tests.conftest import SPECIMEN_2021_FR, copy_db, ingest_template, run_cli, snapshot


def text_pdf(path, lines: list[str]) -> None:
    """A one-page PDF with a real text layer holding `lines`."""
    c = Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 12)
    for i, line in enumerate(lines):
        c.drawString(60, 760 - 18 * i, line)
    c.showPage()
    c.save()


def scanned_pdf(path) -> None:
    """Pages that are pictures of a Metropolis report: no text layer at all."""
    picture = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(picture)
    for i, line in enumerate(["metropolis", "Rapport annuel 2021", "Nous avons lancé la plateforme"]):
        draw.text((120, 200 + 60 * i), line, fill="black")
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    c = Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, *A4)
        c.showPage()
    c.save()


def pdf_with_content(content: bytes, *, compressed: bool, extra: bytes = b"",
                     filter_name: bytes = b"/FlateDecode") -> bytes:
    """A minimal valid one-page PDF whose page content stream is `content`; `extra`
    goes into the stream's dictionary, `filter_name` is its filter as spelt."""
    data = content if compressed else zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter %s %s >>\nstream\n" % (len(data), filter_name, extra) + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def deflated_spaces(mib: int) -> bytes:
    """`mib` MiB of spaces (valid, empty page content) deflated to about 1/1000."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    return b"".join([packer.compress(chunk) for _ in range(mib)] + [packer.flush()])


def refused(result, path, *words: str) -> str:
    """The one stderr line of a refused file, checked for form and for `words`."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{path}: "), lines[0]
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def good_db(tmp_path_factory):
    """A database holding the specimen, or none if the specimen does not ingest yet."""
    db = tmp_path_factory.mktemp("limits") / "kb.db"
    return copy_db(ingest_template(tmp_path_factory, SPECIMEN_2021_FR), db)


def test_a_pdf_of_another_organisation(tmp_path, good_db):
    pdf = tmp_path / "budget-2021.pdf"
    text_pdf(pdf, ["City of Springfield", "Annual Budget 2021", "The council approved the budget."])
    before = snapshot(good_db)
    refused(run_cli("ingest", pdf, "--db", good_db), pdf, "not a Metropolis")
    assert snapshot(good_db) == before


def test_a_scanned_pdf_asks_for_ocr(tmp_path, good_db):
    pdf = tmp_path / "scan.pdf"
    scanned_pdf(pdf)
    before = snapshot(good_db)
    refused(run_cli("ingest", pdf, "--db", good_db), pdf, "OCR")
    assert snapshot(good_db) == before


def test_no_year_asks_for_year_and_the_option_is_heard(tmp_path):
    pdf = tmp_path / "undated.pdf"
    text_pdf(pdf, [
        "Metropolis, Association mondiale des grandes métropoles",
        "Rapport annuel",
        "Nous avons lancé la plateforme pour les membres et les villes de la région.",
        "Les membres ont participé à des réunions et des formations dans les métropoles.",
    ])
    db = tmp_path / "kb.db"
    refused(run_cli("ingest", pdf, "--db", db), pdf, "--year")
    again = run_cli("ingest", pdf, "--db", db, "--year", "2021")
    assert "--year" not in again.stderr  # now it goes further (and fails on the content)
    assert "Traceback" not in again.stderr


def test_no_language_asks_for_language_and_the_option_is_heard(tmp_path):
    pdf = tmp_path / "wordless.pdf"
    text_pdf(pdf, ["Metropolis", "Annual Report 2021", "Barcelona  Montreal  Seoul  Taipei  2021"])
    db = tmp_path / "kb.db"
    refused(run_cli("ingest", pdf, "--db", db), pdf, "--language")
    again = run_cli("ingest", pdf, "--db", db, "--language", "en")
    assert "--language" not in again.stderr
    assert "Traceback" not in again.stderr


def test_max_pages(tmp_path, good_db):
    before = snapshot(good_db)
    line = refused(run_cli("ingest", SPECIMEN_2021_FR, "--db", good_db, "--force", "--max-pages", "1"),
                   SPECIMEN_2021_FR, "--max-pages")
    assert "over the limit of 1" in line
    assert snapshot(good_db) == before


def test_max_mib(tmp_path):
    noise = Image.effect_noise((900, 900), 120).convert("RGB")  # incompressible: ~2 MiB
    pdf = tmp_path / "heavy.pdf"
    c = Canvas(str(pdf), pagesize=A4)
    c.drawImage(ImageReader(noise), 0, 0, *A4)
    c.drawString(60, 800, "Metropolis Rapport annuel 2021")
    c.showPage()
    c.save()
    assert pdf.stat().st_size > 1 << 20
    db = tmp_path / "kb.db"
    refused(run_cli("ingest", pdf, "--db", db, "--max-mib", "1"), pdf, "--max-mib")
    assert "--max-mib" not in run_cli("ingest", pdf, "--db", db).stderr


def test_decompression_bomb_is_refused_quickly_with_default_limits(tmp_path):
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(pdf_with_content(deflated_spaces(600), compressed=True))
    assert pdf.stat().st_size < 2 << 20
    db = tmp_path / "kb.db"
    started = time.perf_counter()
    refused(run_cli("ingest", pdf, "--db", db, timeout=120), pdf, "decompression bomb", "--max-inflated-mib")
    assert time.perf_counter() - started < 60


def test_inflation_limit_is_an_option(tmp_path):
    pdf = tmp_path / "dense.pdf"
    pdf.write_bytes(pdf_with_content(deflated_spaces(8), compressed=True))
    refused(run_cli("ingest", pdf, "--db", tmp_path / "kb.db", "--max-inflated-mib", "4"),
            pdf, "--max-inflated-mib")
    # Under the default limit the same file passes the guard (and is then judged on its text).
    assert "inflate" not in run_cli("ingest", pdf, "--db", tmp_path / "kb.db").stderr


def test_inflated_size_counts_what_is_decoded_whatever_is_declared():
    """Issue 26: the guard skipped a filter spelt with `#` escapes, a dictionary longer
    than 4 KiB and any `/Image...` key; a stream is now measured by inflating it."""
    content = b"BT /F1 12 Tf (x) Tj ET " * 1000
    assert guards.inflated_size(pdf_with_content(content, compressed=False), 10**9) == len(content)
    bomb = zlib.compress(b"\0" * 10**6)
    for dictionary, raw in [
        (b"<< /Subtype /Image /Filter /FlateDecode >>", bomb),
        (b"<< /Filter /Fl#61teDecode >>", bomb),
        (b"<< /Filter /FlateDecode /Pad (" + b"x" * 5000 + b") >>", bomb),
        (b"<< /Filter [/ASCIIHexDecode /FlateDecode] >>", bomb.hex().encode() + b">"),
    ]:
        stream = b"1 0 obj\n" + dictionary + b"\nstream\n" + raw + b"\nendstream"
        assert guards.inflated_size(stream, 10**5) > 10**5, dictionary[:40]
    damaged = b"1 0 obj\n<< /Filter /FlateDecode >>\nstream\nnot zlib at all\nendstream"
    assert guards.inflated_size(damaged, 100) == len(b"not zlib at all\n")


@pytest.mark.parametrize("spelling", ["escaped-filter", "long-dictionary", "image-key"])
def test_a_bomb_is_refused_however_its_stream_is_declared(spelling, tmp_path):
    options = {"escaped-filter": {"filter_name": b"/Fl#61teDecode"},
               "long-dictionary": {"extra": b"/Pad (" + b"x" * 5000 + b")"},
               "image-key": {"extra": b"/ImageLike true"}}[spelling]
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(pdf_with_content(deflated_spaces(600), compressed=True, **options))
    started = time.perf_counter()
    refused(run_cli("ingest", pdf, "--db", tmp_path / "kb.db", timeout=120), pdf,
            "decompression bomb", "--max-inflated-mib")
    assert time.perf_counter() - started < 60


def test_a_file_over_its_memory_budget_is_one_line_and_the_batch_goes_on(tmp_path):
    """The inflation guard raised out of the way, a bomb that pdfium reads past the
    memory budget ends only its own reading process (pdfium aborts on a failed
    allocation): one line for it, the good file after it written."""
    from bench.editions import trim

    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a-bomb.pdf").write_bytes(pdf_with_content(deflated_spaces(1800), compressed=True))
    trim(SPECIMEN_2021_FR, folder / "b-good.pdf")
    result = run_cli("ingest", folder, "--db", tmp_path / "kb.db",
                     "--max-inflated-mib", "4000", "--max-memory-mib", "1200")
    line = refused(result, folder / "a-bomb.pdf", "cannot read this PDF")
    assert "memory" in line and "Traceback" not in result.stderr
    assert result.stdout.startswith(f"2021-fr: {folder / 'b-good.pdf'} "), result.stdout


def test_the_default_time_limit_grows_with_the_pages_admitted(monkeypatch):
    monkeypatch.setattr(guards, "SECONDS_PER_PAGE", 0.5)
    with guards.time_limit(0.2, per_page=True):
        guards.allow_for_pages(3)  # 1.5 s for a file of three pages
        time.sleep(0.6)
    with pytest.raises(guards.FileTimeout), guards.time_limit(0.2):
        guards.allow_for_pages(3)  # an explicit --timeout stays what it says
        time.sleep(0.6)


def test_timeout_gives_up_on_a_file_that_hangs(monkeypatch, tmp_path):
    def hang(path, **options):
        time.sleep(30)

    monkeypatch.setattr(cli.pipeline, "extract_report", hang)
    started = time.perf_counter()
    _, extraction, error = cli._extract(tmp_path / "slow.pdf", {"timeout": 0.5})
    assert time.perf_counter() - started < 5
    assert extraction is None
    assert error == "gave up after 0.5 s (--timeout)"


def test_timeout_option_on_the_command_line(tmp_path):
    db = tmp_path / "kb.db"
    refused(run_cli("ingest", SPECIMEN_2021_FR, "--db", db, "--timeout", "0.001"),
            SPECIMEN_2021_FR, "gave up after", "--timeout")


def test_timeout_applies_in_every_worker_of_the_pool(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf"):
        (folder / name).write_bytes(SPECIMEN_2021_FR.read_bytes())
    result = run_cli("ingest", folder, "--db", tmp_path / "kb.db", "--jobs", "2", "--timeout", "0.001")
    assert result.returncode == 1
    lines = sorted(result.stderr.strip().splitlines())
    assert [line.split(": ")[0] for line in lines] == [str(folder / "a.pdf"), str(folder / "b.pdf")]
    assert all(line.endswith("gave up after 0.001 s (--timeout)") for line in lines), lines


def test_timeout_stops_the_page_workers_of_a_single_report(tmp_path):
    db = tmp_path / "kb.db"
    started = time.perf_counter()
    result = run_cli("ingest", SPECIMEN_2021_FR, "--db", db, "--jobs", "2", "--timeout", "0.3")
    assert time.perf_counter() - started < 30
    refused(result, SPECIMEN_2021_FR, "gave up after 0.3 s", "--timeout")
