"""The members matrix ("CARTOGRAPHIE DES MEMBRES"): heading, legend, header row, rows.

Data shape (see `data/2021-fr/members.yml`):

    heading: CARTOGRAPHIE DES MEMBRES
    legend: [En rouge, membre du conseil d’administration, (N) Nouveau membre]
    rows_per_page: 26
    matrices:
      - headers: [[line, line], ...]          # a title as printed, one list per column
        rows: [{name: [line1, line2], new: bool, board: bool, cells: {index: value}}]

`draw()` renders the specimen; the property tests call `draw_matrix()` with a
`MatrixLayout` to vary column order and widths, header wrapping, rows per page, sizes.
Page size, font and red come from the canvas' `Style`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.specimens.pdfkit import ReportCanvas, set_fill

NEW_MARK = "(N)"


@dataclass
class MatrixLayout:
    """How one matrix is drawn; every field is a knob of the property tests."""

    rows_per_page: int = 26
    column_order: list[int] | None = None  # header indices left to right; None = as given
    column_widths: list[float] | None = None  # per drawn column (after ordering), points
    header_lines: int | None = None  # rewrap every title over this many lines; None = as given
    name_width: float | None = None  # None = widest name + gutter
    body_size: float = 7.5
    header_size: float = 6.5
    row_gap: float = 0.8  # blank space between rows, in body sizes
    name_leading: float = 1.15  # line pitch inside a two-line name, in body sizes
    cell_align: str = "middle"  # vertical place of cells in a two-line row: first|middle|last
    legend_red: bool = True  # print the red legend line in red, as the report does
    legend_at: str = "top"  # top: under the heading; bottom: page foot; corner: beside the header
    heading_every_page: bool = True  # False: heading and legend on the first page only
    header_every_page: bool = True  # False: column titles on the first page only
    header_valign: str = "bottom"  # titles of fewer lines sit on the header's bottom|top line
    header_halign: str = "center"  # center|left inside the column
    cell_halign: str = "center"  # center|left inside the column
    name_indent: float = 0.0  # indent of a name's second line, points
    name_color: tuple[float, ...] = (0, 0, 0)  # ink of members off the Board (RGB or CMYK)
    row_rules: bool = False  # a hairline across the matrix between rows
    row_shading: bool = False  # every other row on a light grey band
    margin_label: str | None = None
    extra: dict = field(default_factory=dict)


def draw(rc: ReportCanvas, data: dict, report: dict) -> None:
    """Both matrices of the specimen, each over as many pages as its rows need."""
    layout = MatrixLayout(rows_per_page=data.get("rows_per_page", 26), margin_label=data.get("margin_label"))
    for matrix in data["matrices"]:
        draw_matrix(rc, data["heading"], data.get("legend", []), matrix["headers"], matrix["rows"], layout)


def header_titles(headers: list) -> list[list[str]]:
    """Every header as a list of printed lines (a plain string is one line)."""
    return [[h] if isinstance(h, str) else list(h) for h in headers]


def wrap_into(text: str, n: int) -> list[str]:
    """Split a title into `n` lines of balanced length (fewer if it has fewer words).

    >>> wrap_into("Paiement du quota 2021", 2)
    ['Paiement du', 'quota 2021']
    """
    words = text.split()
    n = max(1, min(n, len(words)))
    lines: list[str] = []
    remaining = words
    for i in range(n, 0, -1):
        target = len(" ".join(remaining)) / i
        take, length = 0, -1
        while take < len(remaining) - (i - 1) and (take == 0 or length + 1 + len(remaining[take]) / 2 <= target):
            length += 1 + len(remaining[take])
            take += 1
        lines.append(" ".join(remaining[:take]))
        remaining = remaining[take:]
    return [line for line in lines if line]


def draw_matrix(rc: ReportCanvas, heading: str, legend: list[str], headers: list, rows: list[dict],
                layout: MatrixLayout | None = None) -> None:
    """One matrix: pages of `layout.rows_per_page` rows, header block repeated on each."""
    layout = layout or MatrixLayout()
    titles = header_titles(headers)
    order = layout.column_order if layout.column_order is not None else list(range(len(titles)))
    if layout.header_lines:
        titles = [wrap_into(" ".join(t), layout.header_lines) for t in titles]
    name_width = layout.name_width or max(
        rc.string_width(f"{line} {NEW_MARK}", layout.body_size) for r in rows for line in r["name"]
    ) + 2 * layout.body_size
    if layout.legend_at == "corner" and legend:
        # The legend sits above the names, beside the titles: the names column makes room.
        name_width = max(name_width, max(rc.string_width(line, layout.body_size) for line in legend)
                         + 2 * layout.body_size)
    header_size, widths = _fit_columns(rc, [titles[i] for i in order], layout, name_width)
    for start in range(0, len(rows), layout.rows_per_page):
        first = start == 0
        top = _draw_page_head(rc, heading if first or layout.heading_every_page else None,
                              legend if first or layout.heading_every_page else [], layout)
        x = rc.style.margin + name_width
        xs = []
        for width in widths:
            xs.append(x)
            x += width
        titled = first or layout.header_every_page
        depth = max(len(titles[i]) for i in order) * header_size * 1.2 if titled else 0.0
        if layout.legend_at == "corner" and titled and (first or layout.heading_every_page):
            depth = max(depth, len(legend) * layout.body_size * 1.3)
            for k, line in enumerate(legend):
                red = layout.legend_red and k == 0
                rc.text(rc.style.margin, top + k * layout.body_size * 1.3, line, size=layout.body_size,
                        color=rc.style.red if red else (0, 0, 0))
        for col, i in enumerate(order if titled else []):
            lines = titles[i]
            # In the report, titles sit on the header's bottom line.
            y = top + (depth - len(lines) * header_size * 1.2 if layout.header_valign == "bottom" else 0)
            for line in lines:
                w = rc.string_width(line, header_size, bold=True)
                rc.text(_place(xs[col], widths[col], w, layout.header_halign, header_size), y, line,
                        size=header_size, bold=True)
                y += header_size * 1.2
        y = top + depth + layout.body_size * 1.2
        for k, row in enumerate(rows[start:start + layout.rows_per_page]):
            y = _draw_row(rc, row, order, xs, widths, y, layout, shaded=layout.row_shading and k % 2 == 1)
        rc.finish_page(layout.margin_label)


def _fit_columns(rc: ReportCanvas, titles: list[list[str]], layout: MatrixLayout,
                 name_width: float) -> tuple[float, list[float]]:
    """Header font size and column widths that fit the page (shrinking the titles if needed)."""
    size = layout.header_size
    available = rc.width - 2 * rc.style.margin - name_width
    while True:
        natural = [max(rc.string_width(line, size, bold=True) for line in t) + 1.2 * size for t in titles]
        widths = layout.column_widths or natural
        widths = [max(w, n, 4 * layout.body_size) for w, n in zip(widths, natural)]
        if sum(widths) <= available or size <= 3.0:
            return size, widths
        size -= 0.25


def _place(x: float, width: float, text_width: float, align: str, size: float) -> float:
    """Left x of a text in a column: centred, or left with a little padding."""
    return x + (width - text_width) / 2 if align == "center" else x + 0.6 * size


def _draw_page_head(rc: ReportCanvas, heading: str | None, legend: list[str], layout: MatrixLayout) -> float:
    top = rc.height * 0.06
    if heading:
        top = rc.heading(heading, top=top, size=16)
    legend_top = top if layout.legend_at == "top" else rc.height * 0.93 - len(legend) * layout.body_size * 1.4
    for i, line in enumerate(legend if layout.legend_at != "corner" else []):
        red = layout.legend_red and i == 0
        rc.text(rc.style.margin, legend_top, line, size=layout.body_size,
                color=rc.style.red if red else (0, 0, 0))
        legend_top += layout.body_size * 1.4
    if layout.legend_at == "top":
        top = legend_top
    return top + layout.body_size


def _draw_row(rc: ReportCanvas, row: dict, order: list[int], xs: list[float], widths: list[float],
              y: float, layout: MatrixLayout, shaded: bool = False) -> float:
    """Draw one member; returns the top of the next row."""
    size = layout.body_size
    color = rc.style.red if row.get("board") else layout.name_color
    lines = list(row["name"])
    pitch = size * layout.name_leading
    # Rules and shading sit in the middle of the white between rows.
    half = size * layout.row_gap / 2
    row_top, row_bottom = y - half, y + (len(lines) - 1) * pitch + size + half
    x0, x1 = rc.style.margin - 2, xs[-1] + widths[-1]
    if shaded:
        set_fill(rc.canvas, (0.92, 0.92, 0.92))
        rc.canvas.rect(x0, rc.y(row_bottom), x1 - x0, row_bottom - row_top, stroke=0, fill=1)
        set_fill(rc.canvas, (0, 0, 0))
    if layout.row_rules:
        rc.canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
        rc.canvas.setLineWidth(0.4)
        rc.canvas.line(x0, rc.y(row_bottom), x1, rc.y(row_bottom))
    for k, line in enumerate(lines):
        text = f"{line} {NEW_MARK}" if row.get("new") and k == len(lines) - 1 else line
        indent = layout.name_indent if k else 0.0
        rc.text(rc.style.margin + indent, y + k * pitch, text, size=size, color=color)
    span = (len(lines) - 1) * pitch
    cell_top = {"first": y, "last": y + span, "middle": y + span / 2}[layout.cell_align]
    cells = {int(k): str(v) for k, v in (row.get("cells") or {}).items()}
    for col, i in enumerate(order):
        value = cells.get(i)
        if value:
            w = rc.string_width(value, size)
            rc.text(_place(xs[col], widths[col], w, layout.cell_halign, size), cell_top, value, size=size)
    return y + span + size * (1 + layout.row_gap)
