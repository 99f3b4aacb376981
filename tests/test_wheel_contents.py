"""The wheel ships the demo and leaves the test support (:mod:`aiposture.testing`) out.

Builds the real wheel with pip and the build backend named in ``pyproject.toml`` (hatchling,
in the ``dev`` extra so the build needs no download), and reads its member list.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [built] = out.glob("aiposture-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_leaves_out_the_testing_package(wheel: zipfile.ZipFile) -> None:
    assert (ROOT / "src" / "aiposture" / "testing" / "faults.py").is_file()
    shipped = [n for n in wheel.namelist() if n.startswith("aiposture/testing/")]
    assert shipped == []


def test_the_wheel_ships_the_demo(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert {
        "aiposture/demo/environment.py",
        "aiposture/demo/seed.py",
        "aiposture/demo/moto_ext/__init__.py",
        "aiposture/demo/waivers.yaml",
        "aiposture/guide/detection.yaml",
        "aiposture/guide/selectors.json",
    } <= names


def test_nothing_in_the_wheel_imports_the_testing_package(wheel: zipfile.ZipFile) -> None:
    importers = []
    for name in wheel.namelist():
        if not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(wheel.read(name))):
            if isinstance(node, ast.ImportFrom):
                targets = [node.module or ""]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            if any(t == "aiposture.testing" or t.startswith("aiposture.testing.") for t in targets):
                importers.append(name)
    assert importers == []
