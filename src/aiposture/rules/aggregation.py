"""STUB (being written): rule kind ``event_aggregation``."""

from __future__ import annotations

from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind


class EventAggregationParams(Params):
    """Parameters of ``event_aggregation``."""


def event_aggregation(params: EventAggregationParams, ctx: RuleContext) -> list[Outcome]:
    """A covering trail has the event aggregation template enabled."""
    raise NotImplementedError("event_aggregation")


EVENT_AGGREGATION = RuleKind(
    "event_aggregation",
    event_aggregation,
    EventAggregationParams,
    "account_region",
    "A covering trail has the event aggregation template enabled.",
)
