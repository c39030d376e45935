"""The type checker holds the typed modules to their annotations (issue 20: "no parser
builds its TypedDicts and no type checker runs")."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def test_the_contract_and_its_rows_are_among_the_typed_modules():
    typed = set(CONFIG["files"])
    for module in ("src/extract/sections/__init__.py", "src/extract/store/rows.py",
                   "src/extract/toolkit/geometry.py", "src/extract/toolkit/text.py",
                   "src/extract/pipeline/run.py", "src/extract/cli.py"):
        assert module in typed, module
    assert all((ROOT / f).is_file() for f in typed), "a typed module was moved: update [tool.mypy] files"


def test_the_typed_modules_check_clean():
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")],
                            check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


STRICT = ["src/extract/store/rows.py", "src/extract/sections/__init__.py"]


def test_the_row_types_and_the_parser_contract_check_strict():
    """`mypy --strict` on the typed rows and the contract every parser registers under
    (issue 20: "mypy --strict on the row types and the contract at least")."""
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"),
                             *STRICT], check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
