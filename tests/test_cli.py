"""Every CLI command is documented, has --help with an example, and `python -m` works."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from extract.cli import main
from tests.conftest import run_cli


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert main.commands[name].help


def test_python_dash_m_is_the_same_cli():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "ingest" in result.stdout and "serve" in result.stdout


def test_serve_without_database_says_what_to_do(tmp_path):
    result = run_cli("serve", "--db", tmp_path / "none.db")
    assert result.returncode == 1
    assert "extract ingest" in result.stderr
    assert "Traceback" not in result.stderr
