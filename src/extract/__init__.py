"""metropolis-kb: Metropolis annual reports to a Datasette knowledge base."""

__version__ = "0.1.0"
