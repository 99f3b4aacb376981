"""Rule kinds: the evaluators that catalog entries name. Registered explicitly, by name."""

from __future__ import annotations

from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.data_events import DATA_EVENTS, NETWORK_ACTIVITY
from aiposture.rules.delivery import CLOUDWATCH_DELIVERY, LOG_GROUP_CLASS
from aiposture.rules.insights import INSIGHTS
from aiposture.rules.invocation_logging import INVOCATION_LOGGING
from aiposture.rules.management import MANAGEMENT_EVENTS
from aiposture.rules.selector_validity import SELECTOR_VALIDITY
from aiposture.rules.trail import REGION_COVERED, TRAIL_ATTRIBUTE, TRAIL_LOGGING

REGISTRY: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        DATA_EVENTS,
        NETWORK_ACTIVITY,
        MANAGEMENT_EVENTS,
        INSIGHTS,
        TRAIL_LOGGING,
        REGION_COVERED,
        TRAIL_ATTRIBUTE,
        CLOUDWATCH_DELIVERY,
        LOG_GROUP_CLASS,
        INVOCATION_LOGGING,
        SELECTOR_VALIDITY,
    )
}
"""Every rule kind, by the name catalog entries use in ``rule.kind``."""

__all__ = ["REGISTRY", "Outcome", "Params", "RuleContext", "RuleKind"]
