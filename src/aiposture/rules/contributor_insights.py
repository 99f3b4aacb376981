"""STUB (being written): rule kind ``contributor_insights_rule``."""

from __future__ import annotations

from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind


class ContributorInsightsParams(Params):
    """Parameters of ``contributor_insights_rule``."""


def contributor_insights_rule(params: ContributorInsightsParams, ctx: RuleContext) -> list[Outcome]:
    """An enabled Contributor Insights rule on the CloudTrail log group counts the intended events by the guide's keys."""
    raise NotImplementedError("contributor_insights_rule")


CONTRIBUTOR_INSIGHTS = RuleKind(
    "contributor_insights_rule",
    contributor_insights_rule,
    ContributorInsightsParams,
    "account_region",
    "An enabled Contributor Insights rule on the CloudTrail log group counts the intended events by the guide's keys.",
)
