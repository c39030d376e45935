"""A second specimen renderer: the data files as HTML with CSS, printed to PDF by a browser.

It shares nothing with the reportlab renderer (`tests/specimens/render_*.py`) but the
data files `tests/specimens/data/<edition>/*.yml`: the browser lays the pages out (a
`<table>` with cells centred in their rows, CSS grids of calendar lanes, tiles wrapped
in `<a>`, letter-spaced headings), and two printers turn the HTML into PDF:

- headless Chromium (`chromium --headless --print-to-pdf`, Debian's package);
- WeasyPrint (PyPI, on Debian's pango), which splits a link into one annotation per
  line box and paints borders as paths.

`render.edition_html(folder, HtmlLayout())` is the HTML of one edition;
`printers.print_pdf(html, out, printer)` prints it (cached by the HTML's sha256);
`build.py` writes the committed specimens under `tests/specimens/chromium/` and
`tests/specimens/weasyprint/` with the hash of the HTML they were printed from.
"""
