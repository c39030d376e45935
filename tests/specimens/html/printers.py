"""HTML to PDF by headless Chromium or WeasyPrint, cached by the sha256 of the HTML and
of what else decides the print: the fonts installed and the printer's version.

A print takes a second or two; the cache (`$XDG_CACHE_HOME/metropolis-kb/html-prints`,
off with `METROPOLIS_KB_CACHE=0`) keeps the property tests to a handful of prints, and
only for HTML that changed. The same HTML prints differently once a font it names is
installed (before, fontconfig substituted another family under its name), or by another
Chromium: so the key holds the fontconfig list and the printer's version too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PRINTERS = ("chromium", "weasyprint")


def html_sha256(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


@cache
def fonts_fingerprint() -> str:
    """The sha256 of fontconfig's list of installed font files and families (the fonts
    Chromium and WeasyPrint can find), or of the font folders' files without fc-list."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}|%{family}|%{style}\n"],
                                 capture_output=True, text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        listing = "\n".join(str(p) for folder in ("/usr/share/fonts", "/usr/local/share/fonts")
                            for p in Path(folder).rglob("*") if p.is_file())
    return hashlib.sha256("\n".join(sorted(listing.splitlines())).encode("utf-8")).hexdigest()


def print_key(html: str, printer: str) -> str:
    """The cache key of one print: the HTML, the fonts installed, the printer's version."""
    context = f"{printer_version_cached(printer)}\n{fonts_fingerprint()}\n"
    return html_sha256(context + html)


def cache_dir() -> Path | None:
    if os.environ.get("METROPOLIS_KB_CACHE") == "0":
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "metropolis-kb" / "html-prints"


def print_chromium(html: str, out: Path, timeout: float = 120) -> Path:
    """`chromium --headless --print-to-pdf`: the page size comes from the CSS @page rule."""
    with tempfile.TemporaryDirectory(prefix="html-print-") as tmp:
        source = Path(tmp) / "report.html"
        source.write_text(html, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
             f"--print-to-pdf={target}", source.as_uri()],
            capture_output=True, text=True, timeout=timeout, check=False)
        if not target.exists():
            raise RuntimeError(f"chromium printed nothing (exit {result.returncode}): {result.stderr[-500:]}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(target), out)
    return out


def print_weasyprint(html: str, out: Path) -> Path:
    import weasyprint  # imported here: it needs Debian's pango, only these prints do

    out.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf(out)
    return out


def print_pdf(html: str, out: Path, printer: str = "chromium", cache: bool = True) -> Path:
    """Print `html` to `out` with `printer`, reusing an earlier print of the same HTML."""
    if printer not in PRINTERS:
        raise ValueError(f"unknown printer {printer!r}: {', '.join(PRINTERS)}")
    folder = cache_dir() if cache else None
    cached = folder / f"{printer}-{print_key(html, printer)}.pdf" if folder else None
    if cached and cached.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, out)
        return out
    if printer == "chromium":
        print_chromium(html, out)
    else:
        print_weasyprint(html, out)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # a temporary name renamed into place: a test on another xdist worker never
        # copies a half-written print
        partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
        shutil.copyfile(out, partial)
        os.replace(partial, cached)
    return out


@cache
def printer_version_cached(printer: str) -> str:
    return printer_version(printer)


def printer_version(printer: str) -> str:
    if printer == "chromium":
        result = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False)
        return result.stdout.strip()
    import weasyprint

    return f"WeasyPrint {weasyprint.__version__}"
