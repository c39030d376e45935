"""Charts: datasette-vega loaded only on a page that asks for a chart (its bundle is
unregistered at import and served from `/-/kb-vega/`), and the events-per-month bars
drawn on the server as SVG (`/-/chart/events-per-month.svg`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from datasette.plugins import pm
from datasette.utils.asgi import Response

from extract.kb import exports
from extract.kb.web.common import database_for

# datasette-vega adds its 944 KB bundle (and a JSON fetch) to every page, chart or not,
# and throws on an empty result. It is unregistered here and its files are loaded by
# CHART_LOADER only on a page whose URL asks for a chart (#g.mark=...).
VEGA = next((plugin for plugin in pm.get_plugins()
             if getattr(plugin, "__name__", "") == "datasette_vega"), None)
if VEGA is not None:
    VEGA_STATIC = Path(VEGA.__file__).parent / "static"
    pm.unregister(VEGA)
else:
    VEGA_STATIC = None


CHART_LOADER = """
(function () {
  var table = document.querySelector("table.rows-and-columns");
  var json = document.querySelector(".export-links a[href*=json]");
  if (!table || !json) { return; }  // nothing to chart: no rows, or no JSON of them
  function load() {
    if (window.__kbVega) { return; }
    window.__kbVega = true;
    // The bundle starts on DOMContentLoaded, which has already fired: run it now.
    var add = document.addEventListener;
    document.addEventListener = function (type, fn, options) {
      if (type === "DOMContentLoaded") { setTimeout(fn, 0); return; }
      return add.call(document, type, fn, options);
    };
    var css = document.createElement("link");
    css.rel = "stylesheet"; css.href = %(css)s;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = %(js)s;
    script.onload = function () { document.addEventListener = add; };
    document.body.appendChild(script);
  }
  // Only a chart a page asks for (a link of its description, #g.mark=...): a generic
  // "chart these rows" drew whatever columns came first (the sum of the years).
  if (/(^#|&)g\\.mark=/.test(location.hash)) { load(); return; }
  window.addEventListener("hashchange", function () {
    if (/(^#|&)g\\.mark=/.test(location.hash)) { load(); }
  });
})();
"""


async def vega_static(request, datasette):
    name = request.url_vars["name"]
    if VEGA_STATIC is None or not re.fullmatch(r"main\.[0-9a-f]+\.(js|css)", name):
        return Response.text("not found", status=404)
    path = VEGA_STATIC / name
    if not path.is_file():
        return Response.text("not found", status=404)
    kind = "text/css" if name.endswith(".css") else "application/javascript"
    return Response(path.read_bytes(), content_type=f"{kind}; charset=utf-8",
                    headers={"cache-control": "max-age=86400"})


def vega_files() -> dict[str, str]:
    if VEGA_STATIC is None:
        return {}
    files = {p.suffix[1:]: p.name for p in VEGA_STATIC.glob("main.*") if p.suffix in (".js", ".css")}
    return files


async def events_per_month_chart(request, datasette):
    """GET /-/chart/events-per-month.svg?year=2021 : bars per month and edition, drawn on
    the server (no chart library on the page)."""
    db, refusal = await database_for(request, datasette)
    if refusal is not None:
        return refusal
    try:
        year = int(request.args.get("year") or 0)
    except ValueError:
        year = 0
    rows = (await db.execute(
        "SELECT r.id, r.synthetic, CAST(substr(e.start_date, 6, 2) AS INTEGER) AS m, "
        "count(e.id) AS n FROM reports r LEFT JOIN calendar_events e ON e.report_id = r.id "
        "WHERE ? = 0 OR r.year = ? GROUP BY r.id, m ORDER BY r.year, r.language",
        [year, year])).rows
    series: dict[str, list[int]] = {}
    for r in rows:
        name = r["id"] + (" (synthetic)" if r["synthetic"] else "")
        counts = series.setdefault(name, [0] * 12)
        if r["m"] and 1 <= r["m"] <= 12:
            counts[r["m"] - 1] = r["n"]
    title = f"Events starting each month, {year}" if year else "Events starting each month"
    return Response(exports.bar_chart_svg(series, title), content_type="image/svg+xml",
                    headers={"cache-control": "max-age=60"})


def chart_loader(template: str, datasette: Any) -> str:
    """The script of the `extra_body_script` hook: CHART_LOADER on table and query pages."""
    files = vega_files()
    if template not in ("table.html", "query.html") or "js" not in files:
        return ""
    return CHART_LOADER % {
        "js": json.dumps(datasette.urls.path(f"/-/kb-vega/{files['js']}")),
        "css": json.dumps(datasette.urls.path(f"/-/kb-vega/{files.get('css', '')}")),
    }
