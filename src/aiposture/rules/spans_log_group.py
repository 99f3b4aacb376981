"""Rule kind ``spans_log_group``: ``aws/spans`` exists and received a span recently.

The latest event comes from DescribeLogStreams ordered by ``LastEventTime``, newest first;
its age is measured against the snapshot's end. See
:mod:`aiposture.rules.support.agent_telemetry`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.agent_telemetry import (
    SPANS_LOG_GROUP_NAME,
    not_applicable,
    telemetry,
    why_unread,
)


class SpansLogGroupParams(Params):
    """Parameters of ``spans_log_group``."""

    max_age_days: int = Field(default=7, ge=1)
    """The oldest the latest event of ``aws/spans`` may be, in days before the scan."""


def _millis(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value / 1000, UTC)


def _age(delta_seconds: float) -> str:
    hours = round(delta_seconds / 3600)
    if hours < 48:
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{round(hours / 24)} days"


def spans_log_group(params: SpansLogGroupParams, ctx: RuleContext) -> list[Outcome]:
    """``aws/spans`` exists and its latest event is at most ``max_age_days`` old."""
    na = not_applicable(ctx, "The aws/spans log group")
    if na is not None:
        return na
    found = telemetry(ctx)
    if found is None or not found.spans_log_group_read:
        why = why_unread(ctx, "DescribeLogGroups", SPANS_LOG_GROUP_NAME)
        return [Outcome(Status.ERROR, f"Cannot read log group aws/spans in {ctx.region}: {why}")]
    group = found.spans_log_group
    if group is None:
        return [
            Outcome(
                Status.FAIL,
                f"Log group aws/spans does not exist in {ctx.region}: no span was ever ingested "
                f"there, so the guide's Queries 19, 20 and 22 have nothing to join.",
            )
        ]
    evidence: dict[str, Any] = {"log_group": group.arn, "max_age_days": params.max_age_days}
    streams = found.spans_latest_streams
    if streams is None:
        why = why_unread(ctx, "DescribeLogStreams", SPANS_LOG_GROUP_NAME)
        return [
            Outcome(
                Status.ERROR,
                f"Cannot tell when aws/spans in {ctx.region} last received a span: {why}",
                evidence=evidence,
            )
        ]
    evidence["latest_stream"] = streams[0] if streams else None
    last = _millis(streams[0].get("lastEventTimestamp")) if streams else None
    if last is None:
        return [
            Outcome(
                Status.FAIL,
                f"Log group aws/spans in {ctx.region} exists but has never received a span.",
                evidence=evidence,
            )
        ]
    evidence["last_event"] = last.isoformat()
    age = (ctx.snapshot.finished_at - last).total_seconds()
    if age > params.max_age_days * 86400:
        return [
            Outcome(
                Status.FAIL,
                f"Log group aws/spans in {ctx.region} is stale: its last span event was at "
                f"{last:%Y-%m-%d %H:%M} UTC, {_age(age)} before the scan "
                f"(at most {params.max_age_days} days allowed).",
                evidence=evidence,
            )
        ]
    return [
        Outcome(
            Status.PASS,
            f"Log group aws/spans in {ctx.region} receives spans: last event at "
            f"{last:%Y-%m-%d %H:%M} UTC ({_age(max(age, 0))} before the scan).",
            evidence=evidence,
        )
    ]


SPANS_LOG_GROUP = RuleKind(
    "spans_log_group",
    spans_log_group,
    SpansLogGroupParams,
    "account_region",
    "The aws/spans log group exists and received a span recently.",
    results="region",
)
