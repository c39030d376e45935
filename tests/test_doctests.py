"""The examples in the docstrings of the pure helper modules are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["extract.layout", "extract.geometry", "extract.text", "extract.rows",
           "extract.identify", "extract.workers", "extract.parsers.prose", "extract.parsers.members",
           "extract.parsers.calendar", "extract.parsers.key_figures", "extract.parsers.publications",
           "extract.titles", "extract.gates", "extract.guards", "extract.archive"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    # a module listed here with no example left (moved, renamed) must not pass silently
    assert result.attempted > 0, f"{name}: no docstring example ran"
    assert result.failed == 0
