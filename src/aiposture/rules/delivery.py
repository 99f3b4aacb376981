"""Rule kinds about CloudTrail delivery to CloudWatch Logs and the delivery log group."""

from __future__ import annotations

from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error, errors_for
from aiposture.rules.coverage import coverage
from aiposture.rules.detection_scope import delivery_problem
from aiposture.rules.log_classes import Feature, supports
from aiposture.rules.trail import NoParams, trail_summary, trails_homed_here
from aiposture.snapshot.models import LogGroup, Trail

GUIDE_FEATURES: tuple[Feature, ...] = (
    "metric filters",
    "Contributor Insights rules",
    "OpenSearch SQL queries",
)
"""What the guide runs on the CloudTrail log group: filters, rules and SQL queries."""


class DeliveryParams(Params):
    """Parameters of ``cloudwatch_delivery`` (the maximum age comes from the configuration)."""


def cloudwatch_delivery(_: DeliveryParams, ctx: RuleContext) -> list[Outcome]:
    """A covering, logging trail delivers to CloudWatch Logs, recently and without errors."""
    cov = coverage(ctx)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for trail in cov.logging:
        problem = delivery_problem(trail, ctx)
        rows.append(
            {
                **trail_summary(trail),
                "log_group_arn": trail.cloudwatch_logs_log_group_arn,
                "problem": problem,
            }
        )
        if problem is None:
            return [
                Outcome(
                    Status.PASS,
                    f"Trail {trail.name} delivers {ctx.region} events to CloudWatch Logs log group "
                    f"{trail.cloudwatch_logs_log_group_name}.",
                    trail.arn,
                    {"trails": rows},
                )
            ]
        problems.append(problem)
    reasons = cov.unverified_reasons()
    if reasons:
        return [
            Outcome(
                Status.ERROR,
                "Cannot verify CloudWatch Logs delivery: " + "; ".join(reasons),
                evidence={"trails": rows},
            )
        ]
    if not cov.logging:
        problems.append(f"no logging trail covers account {ctx.account_id} in {ctx.region}")
    return [
        Outcome(
            Status.FAIL,
            "CloudTrail events do not reach CloudWatch Logs: " + "; ".join(problems) + ".",
            evidence={"trails": rows},
        )
    ]


def _find_log_group(ctx: RuleContext, trail: Trail) -> tuple[LogGroup | None, str | None]:
    name = trail.cloudwatch_logs_log_group_name
    region = trail.cloudwatch_logs_region or trail.home_region
    reg = ctx.account.regions.get(region)
    groups = reg.log_groups if reg else []
    found = next((g for g in groups if g.name == name), None)
    if found:
        return found, None
    errs = errors_for(reg.errors if reg else [], "DescribeLogGroups", name)
    return None, describe_error(errs[0]) if errs else None


def delivery_log_group_class(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """The delivery log group of each trail homed here is in the Standard class."""
    out = []
    for trail in trails_homed_here(ctx):
        if not trail.cloudwatch_logs_log_group_arn:
            continue
        group, error = _find_log_group(ctx, trail)
        arn = trail.cloudwatch_logs_log_group_arn.removesuffix(":*")
        name = trail.cloudwatch_logs_log_group_name
        if group is None:
            if error:
                out.append(Outcome(Status.ERROR, f"Cannot read log group {name}: {error}", arn))
            else:
                out.append(
                    Outcome(
                        Status.FAIL,
                        f"Trail {trail.name} delivers to log group {name}, which does not exist.",
                        arn,
                    )
                )
            continue
        evidence = group.model_dump(mode="json", exclude={"raw"})
        cls = group.log_group_class
        if cls is None:
            out.append(
                Outcome(
                    Status.ERROR, f"Log group {name} did not report its class.", group.arn, evidence
                )
            )
            continue
        answers = {feature: supports(cls, feature) for feature in GUIDE_FEATURES}
        missing = [f for f, ok in answers.items() if ok is False]
        unknown = [f for f, ok in answers.items() if ok is None]
        if missing:
            out.append(
                Outcome(
                    Status.FAIL,
                    f"Log group {name} is in the {cls} class, which does not support "
                    f"{' or '.join(missing)}: the guide's detections on it cannot work. The class "
                    "cannot be changed: deliver the trail to a new Standard log group.",
                    group.arn,
                    evidence,
                )
            )
        elif unknown:
            out.append(
                Outcome(
                    Status.ERROR,
                    f"Log group {name} is in the {cls} class, and AWS does not document whether "
                    f"that class supports {' or '.join(unknown)}.",
                    group.arn,
                    evidence,
                )
            )
        else:
            out.append(
                Outcome(
                    Status.PASS,
                    f"Log group {name} is in the {cls} class, which supports "
                    f"{', '.join(GUIDE_FEATURES)}.",
                    group.arn,
                    evidence,
                )
            )
    return out


CLOUDWATCH_DELIVERY = RuleKind(
    "cloudwatch_delivery",
    cloudwatch_delivery,
    DeliveryParams,
    "account_region",
    "A covering trail delivers to CloudWatch Logs, recently and without errors.",
)
LOG_GROUP_CLASS = RuleKind(
    "delivery_log_group_class",
    delivery_log_group_class,
    NoParams,
    "trail",
    "The trail's delivery log group is in the Standard class.",
)
