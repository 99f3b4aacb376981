"""The guides' own content as data: selector groups and the detection layer.

:mod:`.detection` holds the metric filters, alarms, Contributor Insights rules, saved
queries and dashboard of guide 001 (mantle-aware where guide 002 requires);
:func:`guide_selectors` the advanced event selector groups, placeholders as written. The
demo seeds from them and ``aiposture remediate`` fills them with real values.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def _selector_groups() -> dict[str, Any]:
    text = resources.files("aiposture.guide").joinpath("selectors.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def guide_selectors(group: str) -> list[dict[str, Any]]:
    """Return a fresh copy of one selector group from the guides, placeholders as written.

    Groups: ``bedrock`` (18), ``agentcore`` (14), ``s3``, ``lambda``, ``network`` (3),
    ``org_trail`` (34, the organization trail JSON) and ``mantle`` (guide 002).
    """
    selectors: list[dict[str, Any]] = json.loads(json.dumps(_selector_groups()[group]))
    return selectors
