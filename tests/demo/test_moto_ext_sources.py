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
