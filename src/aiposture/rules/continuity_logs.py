"""The delivery control families: invocation logging, log groups, metric and subscription filters.

Only the log groups that receive the monitored logs are controls: the CloudTrail delivery
log groups of the account's trails in the region, the Bedrock invocation log group, and the
groups the snapshot read as such (:attr:`RegionSnapshot.log_groups`). A change to another
log group (an application's) is no monitoring change and is ignored.

Request parameters as CloudTrail records them for CloudWatch Logs (the API members, CloudWatch
Logs API Reference): ``CreateLogGroup``/``DeleteLogGroup`` ``{"logGroupName"}``,
``PutMetricFilter``/``DeleteMetricFilter`` and ``Put``/``DeleteSubscriptionFilter``
``{"logGroupName", "filterName"}``; for Bedrock ``PutModelInvocationLoggingConfiguration``
``{"loggingConfig": {...}}`` (Bedrock API Reference, the ``LoggingConfig`` shape).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiposture.rules.base import RuleContext, describe_error, errors_for
from aiposture.rules.continuity_controls import (
    Control,
    FamilyModel,
    Present,
    Source,
    millis_time,
    params,
    text_param,
)
from aiposture.rules.support.timeline import State
from aiposture.snapshot.history import FAMILY_BY_KEY, HistoryEvent


def invocation_state(config: Mapping[str, Any]) -> State:
    """The state a Bedrock ``loggingConfig`` gives invocation logging.

    ``on``: text delivered to a CloudWatch Logs group; ``weakened``: some destination
    without that (S3 only, or no text); ``off``: no destination.
    """
    cw = config.get("cloudWatchConfig") or {}
    if isinstance(cw, Mapping) and cw.get("logGroupName") and config.get("textDataDeliveryEnabled"):
        return "on"
    if cw or config.get("s3Config"):
        return "weakened"
    return "off"


class InvocationLogging(FamilyModel):
    """``continuity-invocation-logging``: Bedrock model invocation logging in the region."""

    family = FAMILY_BY_KEY["invocation-logging"]
    reads = ("GetModelInvocationLoggingConfiguration",)
    creates = False

    def present(self, ctx: RuleContext) -> Present:
        """One control: the region's logging configuration."""
        reg = ctx.region_snapshot
        out = Present()
        logging = reg.invocation_logging if reg else None
        if logging is None:
            errs = errors_for(reg.errors if reg else [], "GetModelInvocationLoggingConfiguration")
            why = describe_error(errs[0]) if errs else "the configuration was not read"
            out.unread.append(f"Bedrock model invocation logging: {why}")
            state: State = "unknown"
        else:
            state = invocation_state(logging.config)
        resource = (
            f"arn:{ctx.partition}:bedrock:{ctx.region}:{ctx.account_id}:model-invocation-logging"
        )
        source = Source(ctx.account_id, ctx.region)
        out.controls.append(
            Control("", "model invocation logging", resource, state, source, exists=state != "off")
        )
        return out

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """Put: the state its ``loggingConfig`` sets; Delete: off."""
        if event.event_name == "DeleteModelInvocationLoggingConfiguration":
            return None, "off"
        config = params(event).get("loggingConfig")
        if not isinstance(config, Mapping):
            return None, "unknown"
        return None, invocation_state(config)

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """Never: the one control is always present (perhaps off)."""
        return None


def delivery_groups(ctx: RuleContext) -> set[str]:
    """The log groups of the account and region that receive the monitored logs."""
    reg = ctx.region_snapshot
    names = {g.name for g in reg.log_groups if g.account_id == ctx.account_id} if reg else set()
    for trail in ctx.account.trails:
        name = trail.cloudwatch_logs_log_group_name
        arn = trail.cloudwatch_logs_log_group_arn or ""
        if name and trail.cloudwatch_logs_region == ctx.region and f":{ctx.account_id}:" in arn:
            names.add(name)
    if reg is not None and reg.invocation_logging is not None:
        group = reg.invocation_logging.cloudwatch_log_group
        if group:
            names.add(group)
    return names


def _group_arn(ctx: RuleContext, name: str) -> str:
    return f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account_id}:log-group:{name}"


class LogGroups(FamilyModel):
    """``continuity-log-groups``: each delivery log group exists throughout the period.

    ``CreateLogGroup`` and ``DeleteLogGroup`` switch it; retention and KMS key changes are
    listed as changes but move no state. A group's ``creationTime`` (DescribeLogGroups)
    says it did not exist before then.
    """

    family = FAMILY_BY_KEY["log-groups"]
    reads = ("DescribeTrails", "GetModelInvocationLoggingConfiguration", "DescribeLogGroups")

    def present(self, ctx: RuleContext) -> Present:
        """Each delivery log group: on when it exists, off when it does not."""
        reg = ctx.region_snapshot
        out = Present()
        existing = {g.name: g for g in reg.log_groups} if reg else {}
        for name in sorted(delivery_groups(ctx)):
            state: State = "on" if name in existing else "off"
            errs = errors_for(reg.errors if reg else [], "DescribeLogGroups", name)
            if state == "off" and errs:
                state = "unknown"
                out.unread.append(f"log group {name}: {describe_error(errs[0])}")
            out.controls.append(
                Control(
                    name,
                    f"log group {name}",
                    _group_arn(ctx, name),
                    state,
                    Source(ctx.account_id, ctx.region),
                    exists=state != "off",
                    created_at=millis_time(existing[name].raw.get("creationTime"))
                    if name in existing
                    else None,
                    created_by="DescribeLogGroups",
                )
            )
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """The group created or deleted."""
        if event.event_name not in {"CreateLogGroup", "DeleteLogGroup"}:
            return []
        name = text_param(event, "logGroupName")
        return [name] if name else []

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """Create: absent before, on after; Delete: on before, absent after."""
        if event.event_name == "CreateLogGroup":
            return "off", "on"
        return "on", "off"

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """Never: every delivery group is listed at the scan, existing or not."""
        return None


class _Filters(FamilyModel):
    """Metric or subscription filters on the delivery log groups, keyed ``group|filter``."""

    operation: str
    what: str
    put: str

    def _read(self, ctx: RuleContext) -> dict[str, list[dict[str, Any]]] | None:
        raise NotImplementedError

    def present(self, ctx: RuleContext) -> Present:
        """Each filter on a delivery group, on, with its ``creationTime``; unread groups noted."""
        reg = ctx.region_snapshot
        out = Present()
        read = self._read(ctx)
        source = Source(ctx.account_id, ctx.region)
        existing = {g.name for g in reg.log_groups} if reg else set()
        for group in sorted(delivery_groups(ctx)):
            filters = read.get(group) if read is not None else None
            if filters is None:
                if group in existing or read is None:
                    errs = errors_for(reg.errors if reg else [], self.operation, group)
                    why = describe_error(errs[0]) if errs else f"{self.operation} was not read"
                    out.unread.append(f"the {self.what}s of log group {group}: {why}")
                continue
            for item in filters:
                name = str(item.get("filterName") or "")
                key = f"{group}|{name}"
                out.controls.append(
                    Control(
                        key,
                        f"{self.what} {name} on {group}",
                        key,
                        "on",
                        source,
                        created_at=millis_time(item.get("creationTime")),
                        created_by=self.operation,
                    )
                )
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """``group|filter`` of the filter put or deleted."""
        group = text_param(event, "logGroupName")
        name = text_param(event, "filterName")
        return [f"{group}|{name}"] if group and name else []

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """Put creates or updates (before not said), Delete removes."""
        if event.event_name == self.put:
            return None, "on"
        return "on", "off"

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """A filter deleted from a delivery group (and not put back): off after."""
        group, _, name = key.partition("|")
        if group not in delivery_groups(ctx):
            return None
        return Control(key, f"{self.what} {name} on {group}", key, "off", source, exists=False)


class MetricFilters(_Filters):
    """``continuity-metric-filters``: the filters that feed the guide's alarms stay in place."""

    family = FAMILY_BY_KEY["metric-filters"]
    reads = (
        "DescribeTrails",
        "GetModelInvocationLoggingConfiguration",
        "DescribeLogGroups",
        "DescribeMetricFilters",
    )
    operation = "DescribeMetricFilters"
    what = "metric filter"
    put = "PutMetricFilter"

    def _read(self, ctx: RuleContext) -> dict[str, list[dict[str, Any]]] | None:
        reg = ctx.region_snapshot
        return reg.metric_filters if reg else None


class SubscriptionFilters(_Filters):
    """``continuity-subscription-filters``: the filters that stream to the SIEM stay in place."""

    family = FAMILY_BY_KEY["subscription-filters"]
    reads = (
        "DescribeTrails",
        "GetModelInvocationLoggingConfiguration",
        "DescribeLogGroups",
        "DescribeSubscriptionFilters",
    )
    operation = "DescribeSubscriptionFilters"
    what = "subscription filter"
    put = "PutSubscriptionFilter"

    def _read(self, ctx: RuleContext) -> dict[str, list[dict[str, Any]]] | None:
        reg = ctx.region_snapshot
        return reg.subscription_filters if reg else None
