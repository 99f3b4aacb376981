"""Rule kind ``transaction_search``: CloudWatch Transaction Search is on (pipeline B).

X-Ray GetTraceSegmentDestination must answer ``CloudWatchLogs`` and ``ACTIVE``; the share
the ``Default`` indexing rule indexes as trace summaries (GetIndexingRules) is stated and
judged against a minimum. See :mod:`aiposture.rules.support.agent_telemetry`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from aiposture.collect.agent_telemetry import DEFAULT_INDEXING_RULE as DEFAULT_RULE
from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.agent_telemetry import not_applicable, telemetry, why_unread


class TransactionSearchParams(Params):
    """Parameters of ``transaction_search``."""

    min_indexing_percentage: float = Field(default=1.0, ge=0, le=100)
    """The least share of spans (percent) the ``Default`` indexing rule must index as trace
    summaries. 1 % is the AWS default and free; a larger share costs X-Ray indexing charges
    (CloudWatch pricing), so raise it only where trace-summary search needs it."""


def _default_share(rules: list[dict[str, Any]]) -> float | None:
    for rule in rules:
        if rule.get("Name") == DEFAULT_RULE:
            share = ((rule.get("Rule") or {}).get("Probabilistic") or {}).get(
                "DesiredSamplingPercentage"
            )
            return float(share) if isinstance(share, int | float) else None
    return None


def transaction_search(params: TransactionSearchParams, ctx: RuleContext) -> list[Outcome]:
    """CloudWatch Transaction Search is on, with at least the minimum indexing share.

    X-Ray segments go to CloudWatch Logs, ``ACTIVE``, and the ``Default`` indexing rule
    indexes at least ``min_indexing_percentage`` of spans as trace summaries.
    """
    na = not_applicable(ctx, "CloudWatch Transaction Search")
    if na is not None:
        return na
    found = telemetry(ctx)
    dest = found.trace_segment_destination if found else None
    if dest is None:
        why = why_unread(ctx, "GetTraceSegmentDestination")
        return [Outcome(Status.ERROR, f"Cannot read Transaction Search in {ctx.region}: {why}")]
    destination, status = dest.get("Destination"), dest.get("Status")
    evidence: dict[str, Any] = {
        "destination": destination,
        "status": status,
        "min_indexing_percentage": params.min_indexing_percentage,
    }
    if destination != "CloudWatchLogs":
        return [
            Outcome(
                Status.FAIL,
                f"Transaction Search is off in {ctx.region}: X-Ray sends trace segments to "
                f"{destination or 'an unstated destination'}, not CloudWatch Logs, so no span "
                f"reaches aws/spans for the guide's cross-pipeline queries.",
                evidence=evidence,
            )
        ]
    if status != "ACTIVE":
        return [
            Outcome(
                Status.FAIL,
                f"Transaction Search in {ctx.region} is not active yet (destination "
                f"CloudWatchLogs, status {status}): spans do not reach aws/spans until the "
                f"change completes; scan again to confirm it.",
                evidence=evidence,
            )
        ]
    rules = found.indexing_rules if found else None
    if rules is None:
        why = why_unread(ctx, "GetIndexingRules")
        return [
            Outcome(
                Status.ERROR,
                f"Transaction Search is on in {ctx.region}, but its indexing share cannot be "
                f"read: {why}",
                evidence=evidence,
            )
        ]
    evidence["indexing_rules"] = rules
    share = _default_share(rules)
    evidence["indexing_percentage"] = share
    if share is None:
        return [
            Outcome(
                Status.ERROR,
                f"Transaction Search is on in {ctx.region}, but GetIndexingRules named no "
                f"{DEFAULT_RULE} rule with a sampling percentage.",
                evidence=evidence,
            )
        ]
    minimum = params.min_indexing_percentage
    if share < minimum:
        return [
            Outcome(
                Status.FAIL,
                f"Transaction Search is on in {ctx.region}, but only {share:g}% of spans are "
                f"indexed as trace summaries (minimum {minimum:g}%).",
                evidence=evidence,
            )
        ]
    return [
        Outcome(
            Status.PASS,
            f"Transaction Search is on in {ctx.region}: spans go to CloudWatch Logs "
            f"(aws/spans, ACTIVE) and {share:g}% are indexed as trace summaries "
            f"(minimum {minimum:g}%).",
            evidence=evidence,
        )
    ]


TRANSACTION_SEARCH = RuleKind(
    "transaction_search",
    transaction_search,
    TransactionSearchParams,
    "account_region",
    "CloudWatch Transaction Search is on (X-Ray segments to CloudWatch Logs, ACTIVE), with "
    "its indexing share stated.",
    results="region",
)
