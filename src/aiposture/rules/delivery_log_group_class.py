"""Rule kind ``delivery_log_group_class``: each trail's delivery log group is Standard."""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import (
    NoParams,
    Outcome,
    RuleContext,
    RuleKind,
    describe_error,
    errors_for,
)
from aiposture.rules.support.log_classes import Feature, supports
from aiposture.rules.support.trails import trails_homed_here
from aiposture.snapshot.models import LogGroup, Trail

GUIDE_FEATURES: tuple[Feature, ...] = (
    "metric filters",
    "Contributor Insights rules",
    "OpenSearch SQL queries",
)
"""What the guide runs on the CloudTrail log group: filters, rules and SQL queries."""


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


LOG_GROUP_CLASS = RuleKind(
    "delivery_log_group_class",
    delivery_log_group_class,
    NoParams,
    "trail",
    "The trail's delivery log group is in the Standard class.",
    results="region",
)
