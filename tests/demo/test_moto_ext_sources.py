"""Every moto patch says which AWS page, botocore model or known issue it follows.

moto is more permissive than AWS; an emulation without its source cannot be checked.
Read with :mod:`ast`: each ``patch_*`` function of :mod:`aiposture.demo.moto_ext` (the
entry points :func:`aiposture.demo.moto_ext.install` calls) names a source in its docstring.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import aiposture.demo.moto_ext as moto_ext

PACKAGE = Path(moto_ext.__file__).parent
SOURCE = re.compile(
    r"docs\.aws\.amazon\.com|botocore|github\.com/[\w-]+/[\w-]+/issues|"
    r"API\s+Reference|User\s+Guide|Developer\s+Guide|Authorization\s+Reference"
)


def _patches() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("patch_"):
                found.append((f"{path.stem}.{node.name}", node))
    return found


PATCHES = _patches()


def test_the_package_has_patches() -> None:
    assert len(PATCHES) >= 10


@pytest.mark.parametrize("node", [n for _, n in PATCHES], ids=[name for name, _ in PATCHES])
def test_each_patch_cites_its_source(node: ast.FunctionDef) -> None:
    assert SOURCE.search(ast.get_docstring(node) or ""), f"{node.name} names no source"


def test_a_docstring_without_a_source_is_caught() -> None:
    assert not SOURCE.search("Make moto answer like AWS does.")


def _modules_deferring_to_their_docstring() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef)
                and node.name.startswith("patch_")
                and "module docstring" in (ast.get_docstring(node) or "")
            ):
                found.append((path.stem, ast.get_docstring(tree) or ""))
    return found


DEFERRING = _modules_deferring_to_their_docstring()


def test_some_patches_defer_to_their_module_docstring() -> None:
    assert {"agentcore_inventory", "usage_metrics"} <= {name for name, _ in DEFERRING}


@pytest.mark.parametrize(("name", "doc"), DEFERRING, ids=[name for name, _ in DEFERRING])
def test_a_patch_that_defers_to_its_module_docstring_finds_the_source_there(
    name: str, doc: str
) -> None:
    # "as the module docstring cites" is a source only when the module docstring names one
    assert SOURCE.search(doc), f"{name}: the module docstring names no source"
