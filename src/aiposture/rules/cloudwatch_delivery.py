"""Rule kind ``cloudwatch_delivery``: a covering trail delivers to CloudWatch Logs."""

from __future__ import annotations

from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.coverage import coverage
from aiposture.rules.support.detection_scope import delivery_problem
from aiposture.rules.support.trails import trail_summary


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


CLOUDWATCH_DELIVERY = RuleKind(
    "cloudwatch_delivery",
    cloudwatch_delivery,
    DeliveryParams,
    "account_region",
    "A covering trail delivers to CloudWatch Logs, recently and without errors.",
    results="resource",
)
