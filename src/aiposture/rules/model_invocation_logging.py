"""Rule kind ``model_invocation_logging``: Bedrock logs prompts and responses to CloudWatch Logs."""

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
from aiposture.snapshot.models import BEDROCK_SERVICE


def bedrock_not_offered(ctx: RuleContext) -> str | None:
    """Why Bedrock was not read in the context's region because it is not offered there.

    ``None`` when Bedrock is offered there (or the region was not scanned). The reason
    comes from the snapshot (the collector's reading of botocore's endpoint data).
    """
    reg = ctx.region_snapshot
    return reg.services_not_offered.get(BEDROCK_SERVICE) if reg else None


def model_invocation_logging(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Invocation logging is on, with a CloudWatch Logs destination that exists and text delivery.

    NOT_APPLICABLE where Bedrock is not offered (nothing there can invoke a model).
    """
    not_offered = bedrock_not_offered(ctx)
    if not_offered is not None:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"Bedrock model invocation logging does not apply: {not_offered}.",
            )
        ]
    reg = ctx.region_snapshot
    logging = reg.invocation_logging if reg else None
    if reg is None or logging is None:
        errs = errors_for(reg.errors if reg else [], "GetModelInvocationLoggingConfiguration")
        why = describe_error(errs[0]) if errs else "the configuration was not read"
        return [
            Outcome(
                Status.ERROR, f"Cannot read Bedrock model invocation logging in {ctx.region}: {why}"
            )
        ]
    evidence = {"loggingConfig": logging.config}
    problems = []
    if not logging.enabled:
        return [
            Outcome(
                Status.FAIL,
                f"Bedrock model invocation logging is off in {ctx.region}: prompts and responses are not recorded.",
                evidence=evidence,
            )
        ]
    group = logging.cloudwatch_log_group
    if group is None:
        problems.append(
            "it has no CloudWatch Logs destination (S3 only), so it cannot be joined with CloudTrail"
        )
    elif not any(g.name == group for g in reg.log_groups):
        errs = errors_for(reg.errors, "DescribeLogGroups", group)
        if errs:
            return [
                Outcome(
                    Status.ERROR,
                    f"Cannot read log group {group}: {describe_error(errs[0])}",
                    evidence=evidence,
                )
            ]
        problems.append(f"its log group {group} does not exist")
    if not logging.config.get("textDataDeliveryEnabled", False):
        problems.append("text data delivery is off")
    if problems:
        return [
            Outcome(
                Status.FAIL,
                f"Bedrock model invocation logging in {ctx.region} is incomplete: "
                + "; ".join(problems)
                + ".",
                evidence=evidence,
            )
        ]
    return [
        Outcome(
            Status.PASS,
            f"Bedrock model invocation logging in {ctx.region} delivers text to log group {group}.",
            evidence=evidence,
        )
    ]


INVOCATION_LOGGING = RuleKind(
    "model_invocation_logging",
    model_invocation_logging,
    NoParams,
    "account_region",
    "Bedrock model invocation logging delivers text to a CloudWatch Logs log group.",
    results="region",
)
