"""The package is laid out by layer, and imports run only downward, with no cycle.

    toolkit < lang < pdf < names < store < sections < pipeline < kb < (cli, the API)

A module may import its own layer and the layers below it; `import` statements inside
functions count too (a lazy import is still a dependency). Production code never imports
`tests`.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
LAYERS = ["toolkit", "lang", "pdf", "names", "store", "sections", "pipeline", "kb"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted((SRC / "extract").rglob("*.py"))}


def layer(module: str) -> int:
    """The layer's rank; the package root (`extract`, `extract.cli`) is above them all."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else len(LAYERS)


def imports(module: str) -> list[tuple[str, int]]:
    """(imported module, line) of every import of `extract` or `tests` in a module."""
    found = []
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append((sub if sub in MODULES else node.module, node.lineno))
    return [(m, line) for m, line in found if m.split(".")[0] in ("extract", "tests")]


def test_imports_run_downward_only():
    upward = [f"{m}:{line} imports {target}" for m in MODULES for target, line in imports(m)
              if target.startswith("tests") or layer(target) > layer(m)]
    assert upward == []


def test_no_import_cycle():
    graph = {m: {t for t, _ in imports(m) if t in MODULES and t != m} for m in MODULES}
    # a package importing its own submodules is how a package is built, not a cycle
    graph = {m: {t for t in targets if not t.startswith(m + ".")} for m, targets in graph.items()}
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for module in MODULES:
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_every_layer_is_a_package_with_a_docstring():
    for name in LAYERS:
        init = SRC / "extract" / name / "__init__.py"
        assert init.is_file(), name
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{name}: say what the layer is"
