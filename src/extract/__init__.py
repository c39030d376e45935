"""metropolis-kb: Metropolis annual reports to a Datasette knowledge base.

The library API: `extract.ingest(paths, db) -> list[extract.Outcome]` (`extract.pipeline.archive`).
"""

from __future__ import annotations

from typing import Any

from extract.toolkit.version import __version__

__all__ = ["ArchiveError", "Outcome", "__version__", "ingest"]
_API = ("ingest", "Outcome", "ArchiveError")


def __getattr__(name: str) -> Any:
    # lazy: `import extract` (the CLI, the skip of unchanged files) loads nothing more
    if name in _API:
        from extract.pipeline import archive

        return getattr(archive, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
