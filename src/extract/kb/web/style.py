"""The plugin's stylesheet (`/-/metropolis-kb.css`): provenance images, the synthetic
badge, the member page's table, the home page; box coordinates and other technical
columns hidden in HTML tables (they stay in the data and the exports).
"""

from __future__ import annotations

from datasette.utils.asgi import Response

# Columns kept in the data and exports but not shown in HTML tables: box coordinates
# (the image shows the region), the float twin of the printed value, the map's JSON.
TECHNICAL = ("x0", "top", "x1", "bottom", "value_num", "popup")


CSS = """
img.provenance { display: block; margin-top: 0.3em; border: 1px solid #ccc;
                 background: #fff; max-width: 100%; }
body.table img.provenance, body.query img.provenance, table.member img.provenance
  { max-height: 4.5em; max-width: 24em; }
a.provenance-link { display: inline-block; }
a.provenance-link:hover img.provenance { outline: 2px solid #2563eb; }
span.synthetic { background: #fde68a; color: #7c2d12; border-radius: 3px;
                 padding: 0 0.35em; font-size: 0.8em; font-weight: bold; margin-left: 0.3em; }
ul.kb-tables li { margin-bottom: 0.35em; }
ul.kb-tables .kb-desc { color: #555; }
TECHNICAL_COLUMNS { display: none; }
dl.column-descriptions { max-height: 6em; overflow: auto; font-size: 0.85em;
                         border: 1px solid #ddd; padding: 0.3em 0.6em; }
.facet-results .tight-bullets li { margin-bottom: 0; line-height: 1.25; }
.facet-results .tight-bullets { max-height: 7.6em; overflow: auto; }
td.col-note { font-weight: bold; color: #7c2d12; max-width: 40em; }
form.kb-search { margin: 0.6em 0; }
form.kb-search label { display: block; width: auto; margin-bottom: 0.2em; }
form.kb-search input[type=search] { width: 24em; font-size: 1.1em; }
table.member td, table.member th { vertical-align: top; padding: 0.3em 0.6em;
                                   border-bottom: 1px solid #eee; }
table.member td.change { font-weight: bold; }
/* Compact at 1366 px: the label column wraps, cells and crops stay small, so every
   edition and the change stay in view. */
table.member { table-layout: auto; width: 100%; }
table.member th.label { white-space: normal; min-width: 10em; max-width: 16em;
                        font-weight: normal; text-align: left; }
table.member th.label a.kb-key { display: block; font-size: 0.75em; color: #666; }
table.member td, table.member th { padding: 0.2em 0.4em; }
table.member img.provenance { max-width: 9em; max-height: 3em; }
table.member td.edition a { word-break: break-word; }
span.kb-doubt { background: #fee2e2; color: #7f1d1d; border-radius: 3px; padding: 0 0.3em;
                font-size: 0.85em; }
div.kb-failed { border-left: 6px solid #dc2626; background: #fef2f2; padding: 0.3em 0.8em;
                margin: 0.8em 0; }
div.kb-failed li { margin-bottom: 0.3em; }
ol.kb-questions li { margin-bottom: 0.3em; }
p.kb-holdings { font-size: 1.05em; max-width: 60em; }
span.kb-nocol { color: #666; font-weight: normal; font-style: italic; }
table.editions td, table.editions th { padding: 0.2em 0.6em; }
""".replace("TECHNICAL_COLUMNS", ", ".join(f"th.col-{c}, td.col-{c}" for c in TECHNICAL))


async def stylesheet(request, datasette):
    return Response(CSS, content_type="text/css; charset=utf-8",
                    headers={"cache-control": "max-age=3600"})
