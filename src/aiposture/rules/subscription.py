"""Rule kind ``subscription_filter``: the SIEM gets management and aggregated events only.

The guide (CloudTrail Data Event Aggregation) forwards the CloudTrail log group to a SIEM or
Firehose through a CloudWatch Logs subscription filter whose pattern keeps management events
and the 5-minute aggregated summaries, and drops the raw data events the aggregation replaces.
The filters are judged by what they forward: the check's ``must_match`` events must reach a
destination, its ``unrelated`` events (raw data events) must not. A log group may carry two
subscription filters; an event is forwarded when any of them matches it.
"""

from __future__ import annotations

from typing import Any

from aiposture.engine.results import Status
from aiposture.errors import PatternSyntaxError
from aiposture.lang.filter_pattern import parse
from aiposture.rules.base import Outcome, RuleContext, RuleKind
from aiposture.rules.detection_scope import (
    DeliveryGroup,
    broken_chain_message,
    cloudtrail_log_groups,
)
from aiposture.rules.sample_events import SampleEvent, SampleEvents, event_message

GUIDE_PATTERN = '{ ($.eventCategory = "Management") || ($.eventCategory = "Aggregated") }'


class SubscriptionFilterParams(SampleEvents):
    """Parameters of ``subscription_filter``.

    ``must_match``: events the SIEM must receive (a management event, an aggregated summary);
    ``unrelated``: raw data events that must not be forwarded.
    """


def _judge_group(
    params: SubscriptionFilterParams,
    ctx: RuleContext,
    group: DeliveryGroup,
    filters: list[dict[str, Any]],
) -> tuple[dict[str, Any], str | None]:
    """Evidence for one log group's filters, and what is wrong (None when it satisfies)."""

    def message(sample: SampleEvent) -> str:
        return event_message(sample, ctx.account_id, ctx.region, ctx.partition)

    rows: list[dict[str, Any]] = []
    forwarded: set[str] = set()
    problems: list[str] = []
    samples = [*params.must_match, *params.unrelated]
    for item in filters:
        name = str(item.get("filterName") or "")
        text = str(item.get("filterPattern") or "")
        row: dict[str, Any] = {
            "filter": name,
            "pattern": text,
            "destination": item.get("destinationArn"),
        }
        rows.append(row)
        try:
            pattern = parse(text)
        except PatternSyntaxError as exc:
            row["syntax_error"] = str(exc)
            problems.append(f"the pattern of {name} cannot be evaluated: {exc} (pattern {text!r})")
            continue
        row["forwards"] = [s.label for s in samples if pattern.matches(message(s))]
        forwarded.update(row["forwards"])
    missed = [s for s in params.must_match if s.label not in forwarded]
    raw = [s.label for s in params.unrelated if s.label in forwarded]
    if raw:
        problems.append(
            f"it forwards raw data events ({', '.join(raw)}), which the aggregation is meant "
            "to replace"
        )
    if missed:
        problems.append(
            "it does not forward "
            + "; ".join(s.label + (f" ({s.why})" if s.why else "") for s in missed)
        )
    evidence = {"log_group": group.name, "log_group_arn": group.arn, "filters": rows}
    if not problems:
        return evidence, None
    names = ", ".join(str(r["filter"]) for r in rows)
    return evidence, f"on log group {group.name}, subscription filter(s) {names}: " + "; ".join(
        problems
    )


def subscription_filter(params: SubscriptionFilterParams, ctx: RuleContext) -> list[Outcome]:
    """A subscription filter forwards management and aggregated events only."""
    scope = cloudtrail_log_groups(ctx)
    unknown = scope.unknowns()
    failures: list[str] = []
    examined: list[dict[str, Any]] = []
    for group in scope.readable:
        filters = group.subscription_filters()
        if filters is None:
            why = group.unread("DescribeSubscriptionFilters", group.name)
            unknown.append(f"log group {group.name}: {why}")
            continue
        if not filters:
            examined.append({"log_group": group.name, "log_group_arn": group.arn, "filters": []})
            failures.append(f"log group {group.name} has no subscription filter")
            continue
        evidence, problem = _judge_group(params, ctx, group, filters)
        examined.append(evidence)
        if problem is None:
            names = ", ".join(str(r["filter"]) for r in evidence["filters"])
            return [
                Outcome(
                    Status.PASS,
                    f"Subscription filter {names} on CloudTrail log group {group.name} forwards "
                    "management events and aggregated summaries, and no raw data events.",
                    group.arn,
                    {"log_groups": examined},
                )
            ]
        failures.append(problem)
    evidence = {"log_groups": examined, "guide_pattern": GUIDE_PATTERN}
    if unknown:
        return [
            Outcome(
                Status.ERROR,
                "Cannot verify the subscription filter on the CloudTrail log group: "
                + "; ".join(unknown)
                + ".",
                evidence=evidence,
            )
        ]
    if not scope.readable:
        return [
            Outcome(
                Status.FAIL,
                broken_chain_message(scope, "Subscription filters for the SIEM"),
                evidence=evidence,
            )
        ]
    return [
        Outcome(
            Status.FAIL,
            "No subscription filter forwards only management and aggregated events to the "
            "SIEM: " + "; ".join(failures) + f". Use the filter pattern {GUIDE_PATTERN}.",
            scope.readable[0].arn,
            evidence,
        )
    ]


SUBSCRIPTION_FILTER = RuleKind(
    "subscription_filter",
    subscription_filter,
    SubscriptionFilterParams,
    "account_region",
    "A subscription filter forwards management and aggregated events only.",
)
