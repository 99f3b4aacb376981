"""The import graph of ``src/aiposture``: layers point one way and no module cycles.

Read with :mod:`ast` (every ``import``, also the ones inside functions and under
``TYPE_CHECKING``), so a lazy import cannot hide a cycle. The layers, bottom first::

    foundation (errors, ids, documents, atomic, ...)
      <- snapshot / results / guide / iam
      <- lang / config / collect
      <- rules <- engine <- report <- remediate / demo / testing
      <- api (and the library modules the commands call: overrides, fix_plans, ...)
      <- cli (cli, cli_options, commands)

A module may import its own layer and any layer below it, never one above (the LAYERS
table names every top-level module and package).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "aiposture"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "aiposture",
            "errors",
            "ids",
            "documents",
            "outputs_guard",
            "atomic",
            "markdown_text",
            "memo",
            "signing",
        }
    ),
    frozenset({"snapshot", "results", "guide", "iam"}),
    frozenset({"lang", "config", "collect"}),
    frozenset({"rules"}),
    frozenset({"engine"}),
    frozenset({"report"}),
    frozenset({"remediate", "demo", "testing"}),
    frozenset({"api", "overrides", "summaries", "fix_plans", "catalog_views"}),
    frozenset({"cli", "__main__", "cli_options", "commands"}),
)
"""Each top-level module or package of ``aiposture``, by layer (index 0 is the bottom)."""

RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """The ``aiposture`` modules ``path`` imports (a ``from`` import of a submodule counts)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "aiposture")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != "aiposture":
                continue
            yield target
            for alias in node.names:
                if (SRC.parent / f"{target}.{alias.name}".replace(".", "/")).is_dir() or (
                    SRC.parent / (f"{target}.{alias.name}".replace(".", "/") + ".py")
                ).is_file():
                    yield f"{target}.{alias.name}"


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    return {
        name: {t for t in _imports(path) if t in modules and t != name}
        for name, path in modules.items()
    }


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


GRAPH = _graph()


def test_every_top_level_name_has_a_layer() -> None:
    assert {_top(m) for m in GRAPH} == set(RANK)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module: str) -> None:
    upward = sorted(t for t in GRAPH[module] if RANK[_top(t)] > RANK[_top(module)])
    assert not upward, f"{module} imports a higher layer: {upward}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_import_cycles() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_a_package_init_holds_no_orchestration() -> None:
    """``collect`` and ``demo`` keep their logic in named modules (importing one is cheap)."""
    for package in ("collect", "demo", "engine", "rules", "remediate"):
        tree = ast.parse((SRC / package / "__init__.py").read_text(encoding="utf-8"))
        defs = [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert not defs, f"aiposture.{package}.__init__ defines {defs}"
