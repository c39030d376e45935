"""Installable: the wheel built from the project carries everything `extract` reads at
run time, and a venv outside the checkout ingests a report and serves the full
knowledge base from it.

The wheel is built without build isolation (the test venv's own setuptools) from a copy
of the project, then installed with its declared dependencies, and nothing else, in a
clean venv (pip's cache makes that a minute or so): a dependency the code imports but
the wheel does not declare fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SPECIMEN_2021_FR
from tests.kb_server import free_port

pytestmark = pytest.mark.slow


def run(*args, cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          check=False, **kw)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "metadata.yml"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    result = run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                 "-q", "-w", tmp / "dist", cwd=source)
    assert result.returncode == 0, result.stderr
    (built,) = (tmp / "dist").glob("*.whl")
    return built


def test_the_wheel_carries_vocabularies_data_plugin_templates_and_metadata(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    languages = {p.name for p in (ROOT / "src" / "extract" / "lang" / "vocab").iterdir() if (p / "report.yml").is_file()}
    assert {f"extract/lang/vocab/{lang}/report.yml" for lang in languages} <= names
    assert {"extract/names/data/aliases.yml", "extract/kb/plugins/metropolis_kb.py",
            "extract/kb/plugins/templates/index.html"} <= names
    assert any(n.endswith(".data/data/share/metropolis-kb/metadata.yml") for n in names)


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("venv") / "kb"
    assert run(sys.executable, "-m", "venv", "--without-pip", where, cwd=where.parent).returncode == 0
    # only the wheel and what it declares (pip's cache and the machine's package index)
    result = run(sys.executable, "-m", "pip", "--python", where / "bin" / "python", "install",
                 "-q", wheel, cwd=where.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    return where


def test_installed_extract_ingests_and_serves_the_knowledge_base(venv, tmp_path):
    work = tmp_path / "elsewhere"  # no checkout here: nothing found by a relative path
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    extract = venv / "bin" / "extract"
    where = run(venv / "bin" / "python", "-c", "import extract; print(extract.__file__)", cwd=work, env=env)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    ingest = run(extract, "ingest", SPECIMEN_2021_FR, "--db", work / "kb.db", cwd=work, env=env)
    assert ingest.returncode == 0, ingest.stderr
    port = free_port()
    server = subprocess.Popen([str(extract), "serve", "--db", str(work / "kb.db"), "--port", str(port)],
                              cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        metadata = None
        deadline = time.monotonic() + 60
        while metadata is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json", timeout=5) as r:
                    metadata = json.load(r)
            except OSError:
                time.sleep(0.3)
        assert metadata is not None, server.stdout.read() if server.poll() is not None else "no answer"
        tables = metadata["databases"]["kb"]["tables"]
        assert tables["key_figures"]["description"] and "member_indicators" in tables
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            home = r.read().decode()
        assert "member_indicators" in home  # the project's index template lists every table
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_to_start_without_its_metadata(venv, tmp_path):
    """An install whose metadata went missing says so, in one line, and does not start."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    (venv / "share" / "metropolis-kb" / "metadata.yml").rename(tmp_path / "kept.yml")
    try:
        (tmp_path / "kb.db").write_bytes(b"")
        result = run(venv / "bin" / "extract", "serve", "--db", tmp_path / "kb.db", "--port", str(free_port()),
                     cwd=tmp_path, env=env)
    finally:
        (tmp_path / "kept.yml").rename(venv / "share" / "metropolis-kb" / "metadata.yml")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no metadata.yml (looked in ") and "Traceback" not in result.stderr
