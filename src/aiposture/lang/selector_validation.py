"""Static validation of CloudTrail event selectors: AWS's rules (B.3, B.4) plus the guide's traps.

The validator never evaluates events. It reports what AWS would reject (structure, limits), what
cannot log anything useful (placeholders left from the guide, ARNs of another account or Region),
what probably does not mean what it says (``*`` as a wildcard, ARNs of the wrong service) and what
costs a lot (data events of busy types with no narrowing condition).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiposture.lang.advanced_selector_validation import validate_advanced
from aiposture.lang.classic_selector_validation import validate_classic
from aiposture.lang.selector_issues import (
    DEFAULT_CONTEXT,
    IssueCollector,
    SelectorIssue,
    ValidationContext,
)
from aiposture.lang.selectors import selector_mode

__all__ = ["validate_selectors"]


def validate_selectors(
    selectors: Mapping[str, Any], context: ValidationContext = DEFAULT_CONTEXT
) -> list[SelectorIssue]:
    """Return every issue found in a ``GetEventSelectors``-shaped mapping, in selector order.

    Trail-wide limits come first. The API default (``{}``) has no issue.
    """
    mode, items = selector_mode(selectors)
    issues = IssueCollector(context)
    if mode == "advanced":
        validate_advanced(issues, items)
    elif mode == "classic":
        validate_classic(issues, items)
    return issues.found
