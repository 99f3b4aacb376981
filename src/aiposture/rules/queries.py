"""STUB (being written): rule kind ``saved_query``."""

from __future__ import annotations

from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind


class SavedQueryParams(Params):
    """Parameters of ``saved_query``."""


def saved_query(params: SavedQueryParams, ctx: RuleContext) -> list[Outcome]:
    """A saved Logs Insights query on the CloudTrail log group reads what the guide's query reads."""
    raise NotImplementedError("saved_query")


SAVED_QUERY = RuleKind(
    "saved_query",
    saved_query,
    SavedQueryParams,
    "account_region",
    "A saved Logs Insights query on the CloudTrail log group reads what the guide's query reads.",
)
