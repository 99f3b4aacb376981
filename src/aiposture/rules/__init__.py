"""Rule kinds: the evaluators that catalog entries name. Registered explicitly, by name."""

from __future__ import annotations

from aiposture.rules.aggregation import EVENT_AGGREGATION
from aiposture.rules.alarms import ALARM_CHAIN
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.contributor_insights import CONTRIBUTOR_INSIGHTS
from aiposture.rules.dashboard import DASHBOARD
from aiposture.rules.data_events import DATA_EVENTS, NETWORK_ACTIVITY
from aiposture.rules.delivery import CLOUDWATCH_DELIVERY, LOG_GROUP_CLASS
from aiposture.rules.guardduty import GUARDDUTY
from aiposture.rules.insights import INSIGHTS
from aiposture.rules.invocation_logging import INVOCATION_LOGGING
from aiposture.rules.management import MANAGEMENT_EVENTS
from aiposture.rules.metric_filters import METRIC_FILTER
from aiposture.rules.queries import SAVED_QUERY
from aiposture.rules.selector_validity import SELECTOR_VALIDITY
from aiposture.rules.subscription import SUBSCRIPTION_FILTER
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
        METRIC_FILTER,
        ALARM_CHAIN,
        CONTRIBUTOR_INSIGHTS,
        SAVED_QUERY,
        DASHBOARD,
        SUBSCRIPTION_FILTER,
        EVENT_AGGREGATION,
        GUARDDUTY,
    )
}
"""Every rule kind, by the name catalog entries use in ``rule.kind``."""

__all__ = ["REGISTRY", "Outcome", "Params", "RuleContext", "RuleKind"]
