"""An ingest never makes the archive worse (issue 17): every defect found by a hostile
tester, each as the user meets it through the real CLI, plus the library API.

Reports here are short copies of the specimens (cover, narrative and the first page of
each section: `bench.editions.trim`) unless the defect needs the whole report.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench.editions import first_pages_of_sections, trim
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

import extract
from extract import sections as parsers
from extract.lang.identify import identify
from extract.pdf.layout import Document
from tests.conftest import RAW, ROOT, SPECIMEN_2021_FR, run_cli, snapshot

SPECIMEN_2021_EN = RAW / "metropolis-annual-report-2021-en.pdf"

# Italian, our own wording: a language that gets no vocabulary folder.
ITALIAN = [
    "Rapporto annuale 2021",
    "Associazione mondiale delle grandi metropoli",
    "Il 2021 è stato il primo anno di attuazione del Piano d'azione strategico di Metropolis.",
    "È stato anche il secondo anno della pandemia mondiale di COVID-19. Nel Segretariato",
    "generale abbiamo proseguito le trasformazioni per rispondere meglio ai bisogni dei",
    "nostri membri nelle circostanze attuali. L'anno è stato piuttosto frenetico: abbiamo",
    "costruito sulle iniziative precedenti e ne abbiamo sviluppate di nuove. Ancora una",
    "volta la Giornata mondiale delle metropoli è stata un successo, e sempre più città",
    "e parti interessate si uniscono alla rete per scambiare e riflettere sulle sfide",
    "metropolitane. Il nostro congresso mondiale, che si sarebbe dovuto tenere alla fine",
    "del 2020, si è finalmente svolto online quest'anno, con la partecipazione dei membri.",
]


def one_line(result, path: Path | str, *words: str) -> str:
    """The single stderr line of a refused file, with `words` in it; exit status 1."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{path}: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def italian_pdf(path: Path) -> Path:
    c = Canvas(str(path), pagesize=A4)
    for page in range(3):
        c.setFont("Helvetica", 12)
        c.drawString(60, 800, "metropolis")
        for i, line in enumerate(ITALIAN):
            c.drawString(60, 760 - 18 * i, line)
        c.showPage()
    c.save()
    return path


def section_pages(pdf: Path) -> dict[str, list[int]]:
    with Document(pdf) as doc:
        texts = doc.page_texts
    ident = identify(texts)
    ctx = parsers.ReportContext(ident.report_id, ident.year, ident.language, pdf.name)
    return {p.NAME: p.select_pages(texts, ctx) for p in parsers.registered()}


@pytest.fixture(scope="module")
def short_fr(tmp_path_factory) -> Path:
    return trim(SPECIMEN_2021_FR, tmp_path_factory.mktemp("short") / "fr" / SPECIMEN_2021_FR.name)


@pytest.fixture(scope="module")
def short_en(tmp_path_factory) -> Path:
    return trim(SPECIMEN_2021_EN, tmp_path_factory.mktemp("short") / "en" / SPECIMEN_2021_EN.name)


@pytest.fixture(scope="module")
def fr_db(tmp_path_factory, short_fr) -> Path:
    """A database holding the short French report; tests copy it before changing it."""
    db = tmp_path_factory.mktemp("frdb") / "kb.db"
    result = run_cli("ingest", short_fr, "--db", db)
    assert result.returncode == 0, result.stderr
    return db


def copy_of(db: Path, folder: Path) -> Path:
    target = folder / "kb.db"
    src, dst = sqlite3.connect(db), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


# 1. A report in a language no vocabulary folder knows is refused, never read as French.

def test_a_language_without_vocabulary_is_refused_in_one_line(fr_db, tmp_path):
    db = copy_of(fr_db, tmp_path)
    before = snapshot(db)
    pdf = italian_pdf(tmp_path / "rapporto-annuale-2021.pdf")
    one_line(run_cli("ingest", pdf, "--db", db), pdf,
             "language not recognised (looks like it)", "add vocab/it", "--language")
    assert snapshot(db) == before


def test_a_forced_language_still_never_ingests_an_empty_report(fr_db, tmp_path):
    db = copy_of(fr_db, tmp_path)
    before = snapshot(db)
    pdf = italian_pdf(tmp_path / "rapporto-annuale-2021.pdf")
    line = one_line(run_cli("ingest", pdf, "--db", db, "--language", "fr", "--year", "2021", "--force"), pdf)
    assert "section" in line
    assert snapshot(db) == before


# 2. A damaged copy never replaces a good report with an empty one.

def test_a_byte_deleted_copy_does_not_replace_the_good_report(tmp_path, ingested_copy):
    db = ingested_copy(SPECIMEN_2021_EN)
    before = snapshot(db)
    data = SPECIMEN_2021_EN.read_bytes()
    damaged = tmp_path / SPECIMEN_2021_EN.name
    damaged.write_bytes(data[:40850] + data[40851:])
    one_line(run_cli("ingest", damaged, "--db", db), damaged, "damaged PDF")
    assert snapshot(db) == before


# The gates against the stored edition: a section emptied, counts collapsing.

@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, Path]:
    """The French specimen cut three ways, all under the same file name."""
    folder = tmp_path_factory.mktemp("variants")
    sections = section_pages(SPECIMEN_2021_FR)
    members, calendar = sections["members"], sections["calendar"]
    pages = sorted(set(first_pages_of_sections(SPECIMEN_2021_FR)) | set(calendar[-2:]))
    return {
        "more_members": trim(SPECIMEN_2021_FR, folder / "a" / "report.pdf",
                             sorted(set(pages) | set(members[:4]))),
        "short": trim(SPECIMEN_2021_FR, folder / "b" / "report.pdf", pages),
        "no_calendar": trim(SPECIMEN_2021_FR, folder / "c" / "report.pdf",
                            [p for p in pages if p not in calendar]),
    }


def test_a_collapse_of_members_needs_force(variants, tmp_path):
    db = tmp_path / "kb.db"
    assert run_cli("ingest", variants["more_members"], "--db", db).returncode == 0
    before = snapshot(db)
    line = one_line(run_cli("ingest", variants["short"], "--db", db), variants["short"],
                    "2021-fr not replaced", "members would go (", "--force replaces it")
    assert snapshot(db) == before, line
    forced = run_cli("ingest", variants["short"], "--db", db, "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(snapshot(db)["member_status"]) < len(before["member_status"])


def test_a_section_emptied_needs_force(variants, tmp_path):
    db = tmp_path / "kb.db"
    assert run_cli("ingest", variants["short"], "--db", db).returncode == 0
    before = snapshot(db)
    assert before["calendar_events"]
    one_line(run_cli("ingest", variants["no_calendar"], "--db", db), variants["no_calendar"],
             "2021-fr not replaced", " events", "would go (page", "--force replaces it")
    assert snapshot(db) == before


# 5. Tracebacks: disk full, bad --db paths, unreadable files.

def limited(max_bytes: int):
    """A preexec_fn: files may not grow past `max_bytes` (a full disk, for this process)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))
    return apply


def run_limited(max_bytes: int, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "METROPOLIS_KB_CACHE": "0"}
    return subprocess.run([sys.executable, "-m", "extract", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, preexec_fn=limited(max_bytes),
                          check=False)


def test_disk_full_when_the_database_is_created(short_fr, tmp_path):
    db = tmp_path / "kb.db"
    result = run_limited(8192, "ingest", short_fr, "--db", db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(db) in lines[0] and "cannot open the database" in lines[0], lines


def test_disk_full_while_a_report_is_written(fr_db, short_en, tmp_path):
    db = copy_of(fr_db, tmp_path)
    before = snapshot(db)
    # writes past 32 KiB fail: in the WAL file, or in the database file itself
    result = run_limited(32 << 10, "ingest", short_en, "--db", db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    # where the limit bites first: the database, or a working file while the report is read
    # (the gazetteer's index, built in the temporary folder when the cache is off)
    assert lines[0].startswith((f"{short_en}: not written (", f"Error: {db}: cannot open",
                                f"{short_en}: not read: a working file could not be written")), lines[0]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert snapshot(db) == before


@pytest.mark.parametrize("kind", ["folder", "not-sqlite", "under-a-file"])
def test_a_bad_db_path_is_one_line(kind, short_fr, tmp_path):
    db = {"folder": tmp_path, "not-sqlite": tmp_path / "notes.db",
          "under-a-file": tmp_path / "notes.db" / "kb.db"}[kind]
    (tmp_path / "notes.db").write_text("shopping list\n")
    result = run_cli("ingest", short_fr, "--db", db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(db) in lines[0], result.stderr
    assert (tmp_path / "notes.db").read_text() == "shopping list\n"


def run_without_root_reads(*args) -> subprocess.CompletedProcess:
    """The CLI as root without the capabilities that let root read any file: permission
    bits apply to it as to anyone (a real unreadable file, no mock)."""
    drop = "-dac_override,-dac_read_search"
    return subprocess.run(["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}",
                           sys.executable, "-m", "extract", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


needs_setpriv = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="an unreadable file needs a non-root user or setpriv (util-linux) as root")


@needs_setpriv
def test_an_unreadable_pdf_in_a_folder_stops_nothing_else(short_en, tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(short_en, folder / "a-locked.pdf")
    shutil.copy(short_en, folder / "b-readable.pdf")
    (folder / "a-locked.pdf").chmod(0)
    result = run_without_root_reads("ingest", folder, "--db", tmp_path / "kb.db")
    one_line(result, folder / "a-locked.pdf", "cannot read this file (Permission denied)")
    assert result.stdout.startswith(f"2021-en: {folder / 'b-readable.pdf'} ")


@needs_setpriv
def test_an_unreadable_file_on_the_command_line_is_its_own_line_not_a_usage_error(short_en, tmp_path):
    locked = tmp_path / "locked.pdf"
    shutil.copy(short_en, locked)
    locked.chmod(0)
    result = run_without_root_reads("ingest", locked, short_en, "--db", tmp_path / "kb.db")
    one_line(result, locked, "cannot read this file (Permission denied)")
    assert result.stdout.startswith(f"2021-en: {short_en} ")


# 6. Special files are refused before anything reads them.

def test_a_fifo_and_a_device_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    started = time.perf_counter()
    result = run_cli("ingest", fifo, "/dev/zero", "--db", tmp_path / "kb.db", "--timeout", "5", timeout=60)
    assert time.perf_counter() - started < 30
    assert result.returncode == 1
    lines = sorted(result.stderr.strip().splitlines())
    assert lines == ["/dev/zero: not a regular file (a device); only PDF files are read",
                     f"{fifo}: not a regular file (a FIFO); only PDF files are read"]


def test_a_fifo_named_pdf_in_a_folder_is_said_not_skipped(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    os.mkfifo(folder / "pipe.pdf")
    result = run_cli("ingest", folder, "--db", tmp_path / "kb.db", timeout=60)
    one_line(result, folder / "pipe.pdf", "not a regular file (a FIFO)")


# 8. Messages.

def test_a_pdf_with_no_page_says_so(tmp_path):
    pdf = tmp_path / "empty-pages.pdf"
    PdfWriter().write(pdf)
    line = one_line(run_cli("ingest", pdf, "--db", tmp_path / "kb.db"), pdf, "no pages")
    assert "Success" not in line


def test_a_folder_without_any_pdf_says_so(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    for i in range(200):
        (folder / f"page-{i:03d}.txt").write_text("not a pdf")
    one_line(run_cli("ingest", folder, "--db", tmp_path / "kb.db"), folder, "no PDF file in this folder")


def test_a_file_that_now_holds_another_edition_says_so(short_fr, short_en, tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    pdf = folder / "Rapport annuel 2021.pdf"
    db = tmp_path / "kb.db"
    shutil.copy(short_fr, pdf)
    assert run_cli("ingest", pdf, "--db", db).returncode == 0
    shutil.copy(short_en, pdf)  # same name, another edition
    result = run_cli("ingest", pdf, "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"2021-en: {pdf} ")
    assert result.stderr.strip() == (
        f"{pdf}: this file name now holds 2021-en; 2021-fr read from it before is stale "
        "(its /raw/ link shows 2021-en); --force removes 2021-fr")
    assert {r[0] for r in sqlite3.connect(db).execute("SELECT id FROM reports")} == {"2021-fr", "2021-en"}
    forced = run_cli("ingest", pdf, "--db", db, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "removed 2021-fr" in forced.stdout
    conn = sqlite3.connect(db)
    assert {r[0] for r in conn.execute("SELECT id FROM reports")} == {"2021-en"}
    assert conn.execute("SELECT count(*) FROM member_status WHERE report_id = '2021-fr'").fetchone()[0] == 0
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# The library API (issue 16: library first).

def test_the_library_api_gives_one_outcome_per_file(short_fr, tmp_path):
    db = tmp_path / "kb.db"
    gone = tmp_path / "gone.pdf"
    outcomes = extract.ingest([short_fr, gone], db)
    assert [(o.path, o.status) for o in outcomes] == [(short_fr, "written"), (gone, "failed")]
    assert outcomes[0].report_id == "2021-fr" and outcomes[0].counts["member_status"] > 0
    assert outcomes[1].reason == "no such file"
    again = extract.ingest([short_fr], db)
    assert [(o.status, o.report_id) for o in again] == [("unchanged", "2021-fr")]
    said = []
    extract.ingest([short_fr], db, force=True, on_outcome=said.append)
    assert [o.status for o in said] == ["written"]


# Issue 26 (under attack): the year and the language from the report's own title, with
# evidence; a file of two reports refused. Mutants made with pypdf from the specimens.

SYNTHETIC_2022 = ROOT / "tests" / "specimens" / "synthetic" / "metropolis-annual-report-2022-fr-synthetic.pdf"


def spliced(target: Path, *parts: tuple[Path, list[int] | None]) -> Path:
    """A PDF of the given pages (1-based; None: all) of the given files, in order."""
    writer = PdfWriter()
    for pdf, pages in parts:
        reader = PdfReader(pdf)
        for number in pages or range(1, len(reader.pages) + 1):
            writer.add_page(reader.pages[number - 1])
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as fh:
        writer.write(fh)
    return target


def refused_unchanged(db: Path, pdf: Path, *words: str, extra: tuple = ()) -> str:
    """The file refused in one line, the database byte-identical (and checkpointed)."""
    from extract.store.writer import connect

    connect(db).conn.close()  # a copy made by backup() is switched to WAL on first open
    before = db.read_bytes()
    line = one_line(run_cli("ingest", pdf, "--db", db, *extra), pdf, *words)
    assert db.read_bytes() == before, line
    return line


def test_a_report_without_its_cover_is_refused_naming_its_evidence(fr_db, short_fr, tmp_path):
    """Before: the year was the most printed one of the first pages (or a publication
    tile's "Rapport annuel 2020"); now the cover must give it."""
    db = copy_of(fr_db, tmp_path)
    pages = len(PdfReader(SPECIMEN_2021_FR).pages)
    coverless = spliced(tmp_path / "in" / SPECIMEN_2021_FR.name, (SPECIMEN_2021_FR, list(range(2, pages + 1))))
    line = refused_unchanged(db, coverless, "no cover or title page gives the report's year", "--year")
    assert "fee column 2021" in line and "calendar 2021" in line
    # --year decides: the short report without its cover goes in as 2021-fr
    reader = PdfReader(short_fr)
    short_coverless = spliced(tmp_path / "short" / short_fr.name, (short_fr, list(range(2, len(reader.pages) + 1))))
    forced = run_cli("ingest", short_coverless, "--db", tmp_path / "new.db", "--year", "2021")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith("2021-fr: ")


def test_a_2021_cover_on_a_2022_body_is_refused(fr_db, tmp_path):
    db = copy_of(fr_db, tmp_path)
    body = len(PdfReader(SYNTHETIC_2022).pages)
    mixed = spliced(tmp_path / "in" / "report.pdf", (SPECIMEN_2021_FR, [1]), (SYNTHETIC_2022, list(range(2, body + 1))))
    line = refused_unchanged(db, mixed, "the year is not certain", "the cover says 2021", "--year")
    assert "fee column 2022" in line and "calendar 2022" in line


def test_two_reports_in_one_file_are_refused(fr_db, tmp_path):
    db = copy_of(fr_db, tmp_path)
    both = spliced(tmp_path / "in" / "reports.pdf", (SPECIMEN_2021_FR, None), (SYNTHETIC_2022, None))
    refused_unchanged(db, both, "two reports in one file", "Rapport annuel 2022")
    # without the second cover, its calendar still tells
    body = len(PdfReader(SYNTHETIC_2022).pages)
    both = spliced(tmp_path / "in2" / "reports.pdf", (SPECIMEN_2021_FR, None), (SYNTHETIC_2022, list(range(2, body + 1))))
    refused_unchanged(db, both, "two reports in one file", "two calendars")


# Issue 26: a replacement never removes facts silently (no 10 % tolerance).

def without_last_events(pdf: Path, target: Path, month: str, lines: int = 4) -> Path:
    """`pdf` with the last `lines` text lines of `month`'s events taken out of its
    calendar page's content stream (the day numbers kept): a few events of one month
    lost, both PDF libraries reading the same shorter page, every check still passing
    (a loss of a few per cent, which a 10 % tolerance let through)."""
    from pypdf.generic import DecodedStreamObject, NameObject

    from extract.lang import vocab
    from extract.lang.identify import calendar_pages

    with Document(pdf) as doc:
        texts = doc.page_texts
    number = next(n for n in calendar_pages(texts)
                  if vocab.fold(month) in {vocab.fold(line) for line in texts[n - 1].splitlines()})
    writer = PdfWriter(clone_from=PdfReader(pdf))
    page = writer.pages[number - 1]
    stream = page.get_contents().get_data().split(b"\n")
    heading = next(i for i, line in enumerate(stream) if f"({month}) Tj".encode() in line)
    days = next(i for i in range(heading, len(stream)) if b"(1) Tj" in stream[i])
    shown = [i for i in range(heading + 1, days) if b" Tj" in stream[i]]
    cut = DecodedStreamObject()
    cut.set_data(b"\n".join(stream[:shown[-lines]] + stream[days:]))
    page[NameObject("/Contents")] = writer._add_object(cut)
    target.parent.mkdir(parents=True, exist_ok=True)
    writer.write(target)
    return target


def test_a_replacement_that_loses_a_few_events_is_refused(tmp_path):
    from extract.lang.identify import calendar_pages

    with Document(SPECIMEN_2021_FR) as doc:
        calendar = calendar_pages(doc.page_texts)
    pages = sorted(set(first_pages_of_sections(SPECIMEN_2021_FR)) | set(calendar))
    clean = trim(SPECIMEN_2021_FR, tmp_path / "clean" / SPECIMEN_2021_FR.name, pages)
    db = tmp_path / "kb.db"
    assert run_cli("ingest", clean, "--db", db).returncode == 0
    damaged = without_last_events(clean, tmp_path / "damaged" / SPECIMEN_2021_FR.name, "AVRIL")
    line = refused_unchanged(db, damaged, "2021-fr not replaced:", "events of April would go (page ",
                             "; --force replaces it")
    assert "10 %" not in line
    forced = run_cli("ingest", damaged, "--db", db, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "replaced the stored edition: " in forced.stdout and " events" in forced.stdout, forced.stdout


# Issue 26: every section expected, every absence said (into an empty archive).

def rasterised(pdf: Path, target: Path, numbers: set[int], blank: bool = False) -> Path:
    """`pdf` with the pages `numbers` replaced by an image of themselves (pdfium renders
    them, Pillow writes the image as a PDF page): what they print is there for a reader,
    not for a text layer. `blank`: their content removed instead (an empty page)."""
    import io

    import pypdfium2

    writer = PdfWriter()
    reader = PdfReader(pdf)
    source = pypdfium2.PdfDocument(str(pdf))
    for number, page in enumerate(reader.pages, start=1):
        if number not in numbers:
            writer.add_page(page)
        elif blank:
            writer.add_blank_page(float(page.mediabox.width), float(page.mediabox.height))
        else:
            image = source[number - 1].render(scale=1.5).to_pil().convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "PDF", resolution=108.0)
            writer.add_page(PdfReader(buffer).pages[0])
    source.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as fh:
        writer.write(fh)
    return target


@pytest.mark.parametrize("section", ["members", "calendar", "key_figures"])
def test_a_section_rasterised_or_emptied_fails_its_presence_check(section, short_fr, tmp_path):
    pages = section_pages(short_fr)[section]
    # key figures: the results page's content removed; the others: their pages as images
    numbers = {pages[0]} if section == "key_figures" else set(pages)
    damaged = rasterised(short_fr, tmp_path / "in" / short_fr.name, numbers, blank=section == "key_figures")
    outcome, = extract.ingest([damaged], tmp_path / "kb.db")
    assert outcome.status == "written", outcome.reason
    failed = {c["check"]: c for c in outcome.checks if not c["passed"]}
    assert f"{section}.present" in failed, sorted(failed)
    shown = ", ".join(map(str, sorted(numbers)))
    assert f"{'page' if len(numbers) == 1 else 'pages'} {shown}" in failed[f"{section}.present"]["detail"]
