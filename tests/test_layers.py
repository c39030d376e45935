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


def section_of(module: str) -> str | None:
    """`calendar` for `extract.sections.calendar`, `members` for `extract.sections.members.matrix`;
    None for the contract (`extract.sections`) and modules of other layers."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "sections" else None


# Known and left for now: key figures refuse a month page of the calendar with its own
# page test (`calendar.is_month_text`), which needs the calendar's vocabulary reading.
SIDEWAYS_LEFT = {("extract.sections.key_figures", "extract.sections.calendar")}


def test_sections_import_only_the_contract_not_each_other():
    """A section is read and changed without the others: what two sections share (the
    places in running text, the layout) lives in a layer below, the contract in
    `extract.sections`."""
    sideways = [f"{m}:{line} imports {target}" for m in MODULES if section_of(m)
                for target, line in imports(m)
                if section_of(target) and section_of(target) != section_of(m)
                and (m, target) not in SIDEWAYS_LEFT]
    assert sideways == []
