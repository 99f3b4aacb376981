"""Rule kinds: the evaluators that catalog entries name. Registered explicitly, by name.

Each kind lives in the module named after it (``aiposture.rules.<kind>``: its parameters
and its evaluator); what several kinds share lives in :mod:`aiposture.rules.support`.
"""

from __future__ import annotations

from aiposture.rules.alarm_chain import ALARM_CHAIN
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.cloudwatch_delivery import CLOUDWATCH_DELIVERY
from aiposture.rules.contributor_insights_rule import CONTRIBUTOR_INSIGHTS
from aiposture.rules.dashboard import DASHBOARD
from aiposture.rules.data_events_logged import DATA_EVENTS
from aiposture.rules.delivery_log_group_class import LOG_GROUP_CLASS
from aiposture.rules.event_aggregation import EVENT_AGGREGATION
from aiposture.rules.guardduty_enabled import GUARDDUTY
from aiposture.rules.insights_enabled import INSIGHTS
from aiposture.rules.management_events_logged import MANAGEMENT_EVENTS
from aiposture.rules.metric_filter import METRIC_FILTER
from aiposture.rules.model_invocation_logging import INVOCATION_LOGGING
from aiposture.rules.network_activity_logged import NETWORK_ACTIVITY
from aiposture.rules.region_covered import REGION_COVERED
from aiposture.rules.saved_query import SAVED_QUERY
from aiposture.rules.selector_validity import SELECTOR_VALIDITY
from aiposture.rules.subscription_filter import SUBSCRIPTION_FILTER
from aiposture.rules.trail_attribute import TRAIL_ATTRIBUTE
from aiposture.rules.trail_logging import TRAIL_LOGGING

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
