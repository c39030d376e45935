"""Datasette plugin: source files under any name, and client errors that stay quiet.

- `/raw/<file>` serves any file name a filesystem allows (spaces, accents, `+`, `#`):
  Datasette routes on the raw, still percent-encoded path, so its static handler looks
  for `a%20b.pdf` and answers 404 for "Rapport annuel 2021.pdf". Here the path is
  decoded first, then handed to the same static handler, with the same containment
  (resolved, and refused outside the mounted folder).
- Errors: Datasette 0.65's error handler prints a rich traceback with every local
  variable whenever rich is importable (it is: our CLI uses it), for a 404 too
  (thousands of log lines for a few hundred bad URLs), and itself fails with a 500
  when it runs outside an `except` block (an unknown route of several path parts).
  Without rich the same handler renders the same pages, prints nothing for a client
  error and a plain traceback, without locals, for a server error: so it is told
  that rich is not there. Every handler of the hook runs, so a hook of ours could not
  silence it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import datasette.handle_exception
from datasette import hookimpl
from datasette.utils.asgi import asgi_send_html, asgi_static

datasette.handle_exception.rich = None  # see the module's docstring: plain error handling


def _decoded_static(dirname: str):
    static = asgi_static(dirname)

    async def view(request, send):
        path = unquote(request.url_vars["path"])
        if "\0" in path:  # a NUL cannot be in a file name; Path() would raise
            await asgi_send_html(send, "404: File not found", 404)
            return
        request.scope = dict(request.scope, url_route={"kwargs": {"path": path}})
        await static(request, send)
        return

    view._datasette_static = True  # as Datasette's own static handler (cookies, caching)
    return view


@hookimpl
def register_routes(datasette):
    # Plugin routes come before Datasette's own, so these replace its static mounts.
    return [(rf"^/{re.escape(mount)}/(?P<path>.*)$", _decoded_static(dirname))
            for mount, dirname in datasette.static_mounts]
