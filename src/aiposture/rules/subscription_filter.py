"""Rule kind ``subscription_filter``: the SIEM gets management and aggregated events only.

The guide (CloudTrail Data Event Aggregation) forwards the CloudTrail log group to a SIEM or
Firehose through a CloudWatch Logs subscription filter whose pattern keeps management events
and the 5-minute aggregated summaries, and drops the raw data events the aggregation replaces.
The filters are judged by what they forward: the check's ``must_match`` events must reach a
destination, its ``must_not_match`` events (raw data events) must not. A log group may carry
two subscription filters; an event is forwarded when any of them matches it and lets it
through (``fieldSelectionCriteria``, ``applyOnTransformedLogs``:
:mod:`aiposture.rules.support.filter_inputs`). The filter is the ``subscription filter`` link of the
detection chain (:mod:`aiposture.rules.support.chain`).
"""

from __future__ import annotations

from typing import Any

from aiposture.errors import PatternSyntaxError
from aiposture.lang.filter_pattern import parse
from aiposture.rules.base import Outcome, RuleContext, RuleKind
from aiposture.rules.support.chain import Candidate, broken, decide, ok, unknown, upstream
from aiposture.rules.support.detection_scope import DeliveryGroup
from aiposture.rules.support.filter_inputs import filter_inputs
from aiposture.rules.support.sample_events import SampleEvent, SampleEvents, event_message

SUBSCRIPTION = "subscription filter"
"""The subscription filter's link in the detection chain."""

GUIDE_PATTERN = '{ ($.eventCategory = "Management") || ($.eventCategory = "Aggregated") }'


class SubscriptionFilterParams(SampleEvents):
    """Parameters of ``subscription_filter``.

    ``must_match``: events the SIEM must receive (a management event, an aggregated summary);
    ``must_not_match``: raw data events that must not be forwarded.
    """


def _judge_group(
    params: SubscriptionFilterParams,
    ctx: RuleContext,
    group: DeliveryGroup,
    filters: list[dict[str, Any]],
) -> Candidate:
    """The ``subscription filter`` link on one log group."""

    def message(sample: SampleEvent) -> str:
        return event_message(sample, ctx.account_id, ctx.region, ctx.partition)

    rows: list[dict[str, Any]] = []
    forwarded: set[str] = set()
    problems: list[str] = []
    undecided: list[str] = []
    samples = [*params.must_match, *params.must_not_match]
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
        inputs = filter_inputs(item, group, ctx)
        if inputs.state == "unknown":
            undecided.append(f"subscription filter {name}: {inputs.reason}")
            continue
        if inputs.state == "excluded":
            problems.append(f"subscription filter {name}: {inputs.reason}")
            continue
        row["forwards"] = [s.label for s in samples if pattern.matches(message(s))]
        forwarded.update(row["forwards"])
    missed = [s for s in params.must_match if s.label not in forwarded]
    raw = [s.label for s in params.must_not_match if s.label in forwarded]
    if raw:
        problems.append(
            f"it forwards raw data events ({', '.join(raw)}), which the aggregation is meant "
            "to replace"
        )
    if missed:
        problems.append("it does not forward " + "; ".join(s.described for s in missed))
    evidence = {"log_group": group.name, "log_group_arn": group.arn, "filters": rows}
    names = ", ".join(str(r["filter"]) for r in rows)
    if not problems and not undecided:
        return Candidate(
            (ok(SUBSCRIPTION, f"subscription filter {names} forwards exactly what it should"),),
            f"Subscription filter {names} on CloudTrail log group {group.name} forwards "
            "management events and aggregated summaries, and no raw data events.",
            group.arn,
            evidence,
        )
    if undecided and (missed or not problems):
        return Candidate((unknown(SUBSCRIPTION, "; ".join(undecided)),), "", group.arn, evidence)
    return Candidate(
        (
            broken(
                SUBSCRIPTION,
                f"on log group {group.name}, subscription filter(s) {names}: "
                + "; ".join(problems),
            ),
        ),
        "",
        group.arn,
        evidence,
    )


def subscription_filter(params: SubscriptionFilterParams, ctx: RuleContext) -> list[Outcome]:
    """A subscription filter forwards management and aggregated events only."""
    up = upstream(ctx, params, "subscription filters")
    paths = []
    for path in up.paths:
        group = path.group
        filters = group.subscription_filters()
        if filters is None:
            why = group.unread("DescribeSubscriptionFilters", group.name)
            link = unknown(SUBSCRIPTION, f"log group {group.name}: {why}")
            paths.append((path, [Candidate((link,), "", group.arn)]))
        elif not filters:
            link = broken(SUBSCRIPTION, f"log group {group.name} has no subscription filter")
            paths.append((path, [Candidate((link,), "", group.arn)]))
        else:
            paths.append((path, [_judge_group(params, ctx, group, filters)]))
    outcome = decide(
        up,
        paths,
        "the subscription filter on the CloudTrail log group",
        fix=(SUBSCRIPTION, f"Use the filter pattern {GUIDE_PATTERN}."),
        evidence={"guide_pattern": GUIDE_PATTERN},
    )
    return [outcome]


SUBSCRIPTION_FILTER = RuleKind(
    "subscription_filter",
    subscription_filter,
    SubscriptionFilterParams,
    "account_region",
    "A subscription filter forwards management and aggregated events only.",
    results="region",
)
