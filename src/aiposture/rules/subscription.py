"""STUB (being written): rule kind ``subscription_filter``."""

from __future__ import annotations

from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind


class SubscriptionFilterParams(Params):
    """Parameters of ``subscription_filter``."""


def subscription_filter(params: SubscriptionFilterParams, ctx: RuleContext) -> list[Outcome]:
    """A subscription filter forwards management and aggregated events only."""
    raise NotImplementedError("subscription_filter")


SUBSCRIPTION_FILTER = RuleKind(
    "subscription_filter",
    subscription_filter,
    SubscriptionFilterParams,
    "account_region",
    "A subscription filter forwards management and aggregated events only.",
)
