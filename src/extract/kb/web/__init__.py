"""What the knowledge base's Datasette plugin (`kb/plugins/metropolis_kb.py`) serves, one
module per concern; the plugin registers the hooks and routes, these modules answer them.

- `common`: the database served, a report's PDF and synthetic flag, the permission check.
- `pdfs`: the PDFs editions were read from (`/raw/`, `/-/pdf/`).
- `provenance`: page links and region images (`/-/provenance/`, `/-/context/`).
- `cells`: how table cells are drawn (`render_cell`).
- `member_page`: `/-/member/<id>` and the member box.
- `home`: the home page's contents, the synthetic facet values, `/-/search`.
- `languages`: the reader's language and the member page's words.
- `charts`: datasette-vega on demand, the events-per-month SVG.
- `downloads`: iCalendar, `?_bom=1` CSV and the "CSV for Excel" links.
- `style`: the stylesheet.
"""
