"""The CloudWatch control families: alarms, Contributor Insights rules, dashboards.

Request parameters as CloudTrail records them for CloudWatch (the API members, CloudWatch
API Reference): ``PutMetricAlarm``/``PutCompositeAlarm`` ``{"alarmName", "actionsEnabled"}``
(``ActionsEnabled`` "The default is TRUE"), ``DeleteAlarms``, ``DisableAlarmActions`` and
``EnableAlarmActions`` ``{"alarmNames": [...]}``; ``PutInsightRule`` ``{"ruleName",
"ruleState"}`` (``RuleState`` "ENABLED or DISABLED ... If you omit this parameter, the rule
is created enabled"), ``DeleteInsightRules``/``DisableInsightRules``/``EnableInsightRules``
``{"ruleNames": [...]}``; ``PutDashboard`` ``{"dashboardName"}``, ``DeleteDashboards``
``{"dashboardNames": [...]}``.

Every alarm, rule and dashboard of the region is a control: which of them watch the AI
workload is the detection checks' question; whether any was switched off in the period is
this one's.
"""

from __future__ import annotations

from typing import Any

from aiposture.rules.base import RuleContext, describe_error, errors_for
from aiposture.rules.continuity_controls import (
    Control,
    FamilyModel,
    Present,
    Source,
    bool_param,
    list_param,
    text_param,
)
from aiposture.rules.support.timeline import State
from aiposture.snapshot.history import FAMILY_BY_KEY, HistoryEvent


def _unread(ctx: RuleContext, operation: str, what: str) -> str:
    reg = ctx.region_snapshot
    errs = errors_for(reg.errors if reg else [], operation)
    return f"{what}: " + (describe_error(errs[0]) if errs else f"{operation} was not read")


def _names(event: HistoryEvent, single: str, plural: str) -> list[str]:
    one = text_param(event, single)
    return [one] if one else list_param(event, plural)


class Alarms(FamilyModel):
    """``continuity-alarms``: each alarm exists with its actions enabled.

    Off: deleted; weakened: its actions disabled (it changes state and notifies nobody).
    """

    family = FAMILY_BY_KEY["alarms"]
    reads = ("DescribeAlarms",)

    def present(self, ctx: RuleContext) -> Present:
        """Metric, composite and Logs Insights alarms, as DescribeAlarms read them."""
        reg = ctx.region_snapshot
        out = Present()
        if reg is None or reg.alarms is None:
            out.unread.append(_unread(ctx, "DescribeAlarms", "CloudWatch alarms"))
            return out
        source = Source(ctx.account_id, ctx.region)
        for alarm in [*reg.alarms, *(reg.composite_alarms or []), *(reg.log_alarms or [])]:
            name = str(alarm.get("AlarmName") or "")
            state: State = "weakened" if alarm.get("ActionsEnabled") is False else "on"
            arn = str(alarm.get("AlarmArn") or name)
            out.controls.append(Control(name, f"alarm {name}", arn, state, source))
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """The alarm put, or the alarms deleted, disabled or enabled."""
        return _names(event, "alarmName", "alarmNames")

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """Put sets ``actionsEnabled`` (default true); Disable/Enable switch the actions."""
        match event.event_name:
            case "PutMetricAlarm" | "PutCompositeAlarm":
                enabled = bool_param(event, "actionsEnabled")
                return None, ("weakened" if enabled is False else "on")
            case "DisableAlarmActions":
                return "on", "weakened"
            case "EnableAlarmActions":
                return "weakened", "on"
            case "DeleteAlarms":
                return "unknown", "off"
        return None, None

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """An alarm deleted in the period and not re-created: off after."""
        arn = f"arn:{ctx.partition}:cloudwatch:{ctx.region}:{ctx.account_id}:alarm:{key}"
        return Control(key, f"alarm {key}", arn, "off", source, exists=False)


class InsightRules(FamilyModel):
    """``continuity-contributor-insights``: each Contributor Insights rule stays enabled."""

    family = FAMILY_BY_KEY["contributor-insights"]
    reads = ("DescribeInsightRules",)

    def present(self, ctx: RuleContext) -> Present:
        """Each rule of DescribeInsightRules: on when ``ENABLED``."""
        reg = ctx.region_snapshot
        out = Present()
        if reg is None or reg.insight_rules is None:
            out.unread.append(_unread(ctx, "DescribeInsightRules", "Contributor Insights rules"))
            return out
        source = Source(ctx.account_id, ctx.region)
        for rule in reg.insight_rules:
            name = str(rule.get("Name") or "")
            state: State = "on" if str(rule.get("State", "")).upper() == "ENABLED" else "off"
            arn = (
                f"arn:{ctx.partition}:cloudwatch:{ctx.region}:{ctx.account_id}:insight-rule/{name}"
            )
            out.controls.append(
                Control(name, f"Contributor Insights rule {name}", arn, state, source)
            )
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """The rule put, or the rules deleted, disabled or enabled."""
        return _names(event, "ruleName", "ruleNames")

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """Put sets ``ruleState`` (default enabled); Disable/Enable/Delete switch the rule."""
        match event.event_name:
            case "PutInsightRule":
                state = text_param(event, "ruleState") or "ENABLED"
                return None, ("off" if state.upper() == "DISABLED" else "on")
            case "DisableInsightRules":
                return "on", "off"
            case "EnableInsightRules":
                return "off", "on"
            case "DeleteInsightRules":
                return "unknown", "off"
        return None, None

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """A rule deleted in the period and not re-created: off after."""
        arn = f"arn:{ctx.partition}:cloudwatch:{ctx.region}:{ctx.account_id}:insight-rule/{key}"
        return Control(key, f"Contributor Insights rule {key}", arn, "off", source, exists=False)


class Dashboards(FamilyModel):
    """``continuity-dashboard``: each CloudWatch dashboard stays in place.

    Dashboards belong to the account (their ARN has no region), but each ``PutDashboard`` or
    ``DeleteDashboards`` is recorded in the region whose endpoint was called, so each
    region's result judges the changes made through it.
    """

    family = FAMILY_BY_KEY["dashboard"]
    reads = ("ListDashboards", "GetDashboard")

    def present(self, ctx: RuleContext) -> Present:
        """The account's dashboards."""
        out = Present()
        acct = ctx.account
        if not acct.dashboards_per_account and not any(
            r.dashboards is not None for r in acct.regions.values()
        ):
            errs = errors_for(acct.all_errors(), "ListDashboards")
            why = describe_error(errs[0]) if errs else "ListDashboards was not read"
            out.unread.append(f"CloudWatch dashboards: {why}")
            return out
        source = Source(ctx.account_id, ctx.region)
        for name in sorted(acct.dashboard_bodies()):
            arn = f"arn:{ctx.partition}:cloudwatch::{ctx.account_id}:dashboard/{name}"
            out.controls.append(Control(name, f"dashboard {name}", arn, "on", source))
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """The dashboard put, or the dashboards deleted."""
        return _names(event, "dashboardName", "dashboardNames")

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """Put creates or updates (before not said); Delete removes."""
        if event.event_name == "PutDashboard":
            return None, "on"
        return "on", "off"

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """A dashboard deleted in the period and not re-created: off after."""
        arn = f"arn:{ctx.partition}:cloudwatch::{ctx.account_id}:dashboard/{key}"
        return Control(key, f"dashboard {key}", arn, "off", source, exists=False)


def alarm_topics(alarms: list[dict[str, Any]]) -> set[str]:
    """Every SNS topic ARN in the alarms' actions."""
    out: set[str] = set()
    for alarm in alarms:
        for field in ("AlarmActions", "OKActions", "InsufficientDataActions"):
            out.update(
                a for a in alarm.get(field) or [] if str(a).startswith("arn:") and ":sns:" in a
            )
    return out
