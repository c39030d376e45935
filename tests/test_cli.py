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


def test_on_a_terminal_a_progress_bar_follows_reports_and_pages(tmp_path):
    """stderr is a terminal here (a pty): rich draws the bars, then clears them."""
    import os
    import pty
    import re
    import subprocess
    import sys

    from pypdf import PdfReader

    from tests.conftest import ROOT, SPECIMEN_2021_FR

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "extract", "ingest", str(SPECIMEN_2021_FR), "--db", str(tmp_path / "kb.db")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side is closed: the process is done
            break
        if not chunk:
            break
        screen += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.decode("utf-8", "replace"))
    assert re.search(r"reports\b.*\b0/1\b", text), text[-500:]
    done = [(int(a), int(b)) for a, b in re.findall(r"pages\b[^\n/]*?\b(\d+)/(\d+)\b", text)]
    page_count = len(PdfReader(SPECIMEN_2021_FR).pages)
    assert done and all(0 <= a <= b <= page_count for a, b in done), done
    assert len({a for a, _ in done}) > 1  # it moved
    assert out.startswith("2021-fr: ")
