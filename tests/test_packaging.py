"""What the package imports, it declares; what the CLI offers, the README says."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


def third_party_imports() -> set[str]:
    names = set()
    for path in (ROOT / "src" / "extract").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("extract", "__future__")}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[<>=!~ ;\[]", d, maxsplit=1)[0].lower().replace("_", "-")
            for d in project["dependencies"]}


def test_every_imported_distribution_is_declared():
    owners = metadata.packages_distributions()
    missing = {}
    for name in sorted(third_party_imports()):
        dists = {d.lower().replace("_", "-") for d in owners.get(name, [name])}
        if not dists & declared():
            missing[name] = sorted(dists)
    assert missing == {}


def test_every_dependency_has_an_upper_bound():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    unbounded = [d for d in project["dependencies"] if "<" not in d and "==" not in d]
    assert unbounded == []


def cli_options() -> dict[str, list[str]]:
    from extract.cli import main as cli

    return {name: [opt for p in command.params for opt in p.opts if opt.startswith("--")]
            for name, command in cli.commands.items()}


def test_every_cli_command_and_option_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f"{name} {opt}" for name, opts in cli_options().items()
               for opt in [name, *opts] if opt not in readme]
    assert missing == []


def test_every_cli_command_has_help_with_an_example():
    from extract.cli import main as cli

    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, name
