"""Small pieces every Markdown page of a fix plan writes the same way.

A region, a resource ARN, and the results a set of steps fixes. Values reach the page
only through :mod:`aiposture.markdown_text`.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiposture.markdown_text import md_code, md_text
from aiposture.remediate.plan import ResultKey, Step


def region_cell(region: str | None) -> str:
    """A result's region as page text; ``global`` for a result with none."""
    return md_text(region) if region else "global"


def resource_cell(arn: str | None) -> str:
    """A resource ARN as a code span fit for a table cell; ``-`` for none."""
    return md_code(arn, in_table=True) if arn else "-"


def step_keys(steps: Iterable[Step]) -> set[ResultKey]:
    """The results ``steps`` target, each once."""
    return {t.key for s in steps for t in s.targets}
