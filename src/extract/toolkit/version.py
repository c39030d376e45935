"""The extractor's version, recorded with every report it reads (`reports.extractor_version`)."""

__version__ = "0.1.0"
