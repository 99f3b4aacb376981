"""Rule kind ``log_retention``: the pipelines' log groups keep events for the audit period.

The log groups judged in a region are the CloudWatch Logs groups the guide's queries and
detections read there: the delivery log group of each trail the account owns (pipeline 1,
CloudTrail) and the log group model invocation logging writes to (pipeline A). A log group
without ``retentionInDays`` never expires events (CloudWatch Logs API Reference,
DescribeLogGroups: "If you omit retentionInDays ... events in the log group are always
retained and never expire"). Trails not read in the region (DescribeTrails failed) or an
unread logging configuration are ERROR: the log groups they would name are unknown, never
"none here".
"""

from __future__ import annotations

from pydantic import Field

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error, errors_for
from aiposture.rules.model_invocation_logging import bedrock_not_offered
from aiposture.snapshot.models import LogGroup


class RetentionParams(Params):
    """How long the log groups must keep events."""

    min_days: int = Field(default=365, ge=1)
    """The audit period in days: a group that keeps events for less fails (default one year,
    the period of a yearly audit)."""


def _subjects(ctx: RuleContext) -> tuple[list[tuple[str, str]], list[Outcome]]:
    """The (log group name, what writes to it) judged in this region, and ERRORs for unknowns."""
    subjects: list[tuple[str, str]] = []
    unknown: list[Outcome] = []
    reg = ctx.region_snapshot
    if reg is None or reg.trail_arns is None:
        # the trails delivering here are unknown, never "none"
        errs = errors_for(reg.errors if reg else [], "DescribeTrails")
        why = describe_error(errs[0]) if errs else "CloudTrail DescribeTrails was not read"
        unknown.append(
            Outcome(
                Status.ERROR,
                f"Cannot tell which trails deliver to CloudWatch Logs in {ctx.region}: {why}",
            )
        )
    for trail in ctx.account.trails:
        name = trail.cloudwatch_logs_log_group_name
        if (
            name
            and trail.owner_account_id == ctx.account_id
            and trail.cloudwatch_logs_region == ctx.region
        ):
            subjects.append((name, f"trail {trail.name}"))
    if reg is not None and bedrock_not_offered(ctx) is None:
        logging = reg.invocation_logging
        if logging is None:
            errs = errors_for(reg.errors, "GetModelInvocationLoggingConfiguration")
            why = describe_error(errs[0]) if errs else "the configuration was not read"
            unknown.append(
                Outcome(
                    Status.ERROR,
                    f"Cannot tell which log group model invocation logging writes to in "
                    f"{ctx.region}: {why}",
                )
            )
        elif logging.enabled and logging.cloudwatch_log_group:
            subjects.append((logging.cloudwatch_log_group, "model invocation logging"))
    return list(dict.fromkeys(subjects)), unknown


def _judge(
    ctx: RuleContext, name: str, writer: str, group: LogGroup | None, min_days: int
) -> Outcome:
    if group is None:
        reg = ctx.region_snapshot
        errs = errors_for(reg.errors if reg else [], "DescribeLogGroups", name)
        if errs:
            return Outcome(Status.ERROR, f"Cannot read log group {name}: {describe_error(errs[0])}")
        return Outcome(
            Status.FAIL, f"Log group {name} ({writer}) does not exist, so it keeps nothing."
        )
    evidence = {
        "log_group": name,
        "written_by": writer,
        "retention_in_days": group.retention_in_days,
    }
    days = group.retention_in_days
    if days is None:
        return Outcome(
            Status.PASS,
            f"Log group {name} ({writer}) never expires its events.",
            group.arn,
            evidence,
        )
    if days >= min_days:
        return Outcome(
            Status.PASS,
            f"Log group {name} ({writer}) keeps events for {days} days "
            f"(the audit period is {min_days}).",
            group.arn,
            evidence,
        )
    return Outcome(
        Status.FAIL,
        f"Log group {name} ({writer}) keeps events for only {days} days, less than the "
        f"{min_days}-day audit period: older events are deleted before the audit can read them.",
        group.arn,
        evidence,
    )


def log_retention(params: RetentionParams, ctx: RuleContext) -> list[Outcome]:
    """Each pipeline log group in the region keeps events for at least ``min_days``."""
    subjects, out = _subjects(ctx)
    reg = ctx.region_snapshot
    groups = {g.name: g for g in reg.log_groups} if reg else {}
    for name, writer in subjects:
        out.append(_judge(ctx, name, writer, groups.get(name), params.min_days))
    if not out:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"No trail of the account delivers to CloudWatch Logs in {ctx.region}, and "
                "model invocation logging writes to no log group there.",
            )
        ]
    return out


LOG_RETENTION = RuleKind(
    "log_retention",
    log_retention,
    RetentionParams,
    "account_region",
    "The pipelines' CloudWatch Logs groups keep events for the audit period.",
    results="resource",
)
