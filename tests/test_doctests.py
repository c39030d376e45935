"""The examples in the docstrings of the pure helper modules are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["extract.layout", "extract.vocab", "extract.identify", "extract.workers",
           "extract.parsers.prose", "extract.parsers.members", "extract.parsers.calendar",
           "extract.gates", "extract.guards", "extract.archive", "extract.titles"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
