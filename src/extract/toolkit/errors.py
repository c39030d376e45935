"""Errors a user can act on: each becomes one line `FILE: reason` on stderr."""


class IngestError(Exception):
    """A report that cannot be ingested; the message says why, in a few words."""
