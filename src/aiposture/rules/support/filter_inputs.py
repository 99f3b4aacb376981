"""What a filter or rule really sees of the log group: selection criteria and transformed logs.

Two newer settings decide which log events reach a metric filter's, subscription filter's or
Contributor Insights rule's pattern (botocore ``logs`` and ``cloudwatch`` models, 1.44):

- ``applyOnTransformedLogs`` (``ApplyOnTransformedLogs`` on an insight rule): with a log
  transformer on the group, the pattern runs on the *transformed* events, not the CloudTrail
  JSON. aiposture does not read or model transformers, so such a detection cannot be judged
  on the samples: unknown, never a pass.
- ``fieldSelectionCriteria`` (metric and subscription filters): only events whose system
  fields ``@aws.account`` and ``@aws.region`` pass the criteria reach the pattern
  (:mod:`aiposture.lang.selection_criteria`). AWS calls them the "source account and source
  region" and does not say, for CloudTrail delivery, whether that is the log group's account
  and region or the event's (an organization trail puts member events in the management
  account's group). The criteria are evaluated both ways: when the readings agree the answer
  stands, when they differ it is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aiposture.errors import PatternSyntaxError
from aiposture.lang.selection_criteria import admits, parse_criteria
from aiposture.rules.base import RuleContext
from aiposture.rules.support.detection_scope import DeliveryGroup

InputState = Literal["ok", "excluded", "unknown"]


@dataclass(frozen=True)
class Inputs:
    """Whether the judged account's events reach a filter's pattern, and why not."""

    state: InputState
    reason: str = ""


def filter_inputs(
    entry: Mapping[str, Any],
    group: DeliveryGroup,
    ctx: RuleContext,
    *,
    transformed_key: str = "applyOnTransformedLogs",
    criteria_key: str | None = "fieldSelectionCriteria",
) -> Inputs:
    """Whether ``ctx``'s CloudTrail events on ``group`` reach the pattern of ``entry``."""
    if entry.get(transformed_key) is True:
        return Inputs(
            "unknown",
            f"it runs on the transformed log events ({transformed_key}), and aiposture does not "
            "read the log group's transformer, so what it sees cannot be judged",
        )
    text = entry.get(criteria_key) if criteria_key else None
    if not isinstance(text, str) or not text.strip():
        return Inputs("ok")
    try:
        criteria = parse_criteria(text)
    except PatternSyntaxError as exc:
        return Inputs("unknown", f"its fieldSelectionCriteria {text!r} cannot be judged: {exc}")
    by_group = admits(criteria, {"@aws.account": group.account_id, "@aws.region": group.region})
    by_event = admits(criteria, {"@aws.account": ctx.account_id, "@aws.region": ctx.region})
    if by_group and by_event:
        return Inputs("ok")
    if not by_group and not by_event:
        return Inputs(
            "excluded",
            f"its fieldSelectionCriteria {text!r} let through no event of account "
            f"{ctx.account_id} in {ctx.region} delivered to log group {group.name}",
        )
    return Inputs(
        "unknown",
        f"its fieldSelectionCriteria {text!r} let the events through only if @aws.account and "
        f"@aws.region name the {'log group' if by_group else 'event'}'s account and region, "
        "which AWS does not document for CloudTrail delivery",
    )
