"""The CSV, Markdown and JUnit reports of the shared fixture, byte for byte, against golden files.

A change to what these reports show a reader fails here with a diff. When the change is meant,
regenerate the files and review them in the commit::

    AIPOSTURE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -p no:cacheprovider \\
        tests/report/test_golden.py

The fixture (:func:`tests.report.conftest.build_results`) fixes the tool and catalog versions
and every timestamp; the test also replaces the tool and catalog versions with placeholders, so
a version bump in the fixture is not a golden-file change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiposture.report import get_renderer
from aiposture.results import Results, ToolRef

from .conftest import build_results

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AIPOSTURE_UPDATE_GOLDEN") == "1"
FORMATS = {"csv": "report.csv", "markdown": "report.md", "junit": "report.junit.xml"}


def _fixture() -> Results:
    results = build_results()
    tool = ToolRef(version="TOOL-VERSION", catalog_version="CATALOG-VERSION")
    return results.model_copy(update={"tool": tool})


@pytest.mark.parametrize(("name", "filename"), FORMATS.items(), ids=list(FORMATS))
def test_report_matches_its_golden_file(name: str, filename: str) -> None:
    rendered = get_renderer(name).render(_fixture())
    path = GOLDEN / filename
    if UPDATE:
        path.write_bytes(rendered)
    assert path.is_file(), f"no golden file {path}: run with AIPOSTURE_UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    if rendered != expected:
        # A readable diff in the failure, not two blobs.
        assert rendered.decode("utf-8").splitlines() == expected.decode("utf-8").splitlines()
        assert rendered == expected  # same lines: line endings or the final newline differ


def test_the_golden_files_show_the_fixtures_failures() -> None:
    """The golden files are not empty shells: each names the check the fixture fails twice."""
    for filename in FORMATS.values():
        text = (GOLDEN / filename).read_text(encoding="utf-8")
        assert text.count("CW-MF-01") >= 2, filename
