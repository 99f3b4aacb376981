"""Playing a fix plan on a snapshot: what AWS would hold after the plan's calls.

Each step changes a copy of the snapshot the way its API call changes the account, so
evaluating the copy shows what a scan after the change would report. This is how a plan
is verified before anyone applies it (``aiposture remediate --verify``), and how the
builder sees the effect of its earlier steps.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any, assert_never

from aiposture.remediate.plan import (
    CreateLogGroup,
    PutDashboard,
    PutEventSelectors,
    PutInsightRule,
    PutInsightSelectors,
    PutInvocationLogging,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    StartLogging,
    Step,
    TrailChange,
    TrailStep,
    Unresolved,
    UpdateTrail,
)
from aiposture.snapshot.models import (
    EventSelectors,
    InvocationLogging,
    LogGroup,
    RegionSnapshot,
    Snapshot,
    SnsTopic,
    Trail,
    TrailStatus,
)


class PlanApplyError(ValueError):
    """A step names something the snapshot does not hold (the plan does not fit it)."""


def applied(snapshot: Snapshot, steps: Iterable[Step]) -> Snapshot:
    """A copy of ``snapshot`` with every step played on it, in order."""
    copy = snapshot.model_copy(deep=True)
    for step in steps:
        apply_step(copy, step)
    return copy


def apply_step(snapshot: Snapshot, step: Step) -> None:
    """Play one step on ``snapshot`` in place."""
    if isinstance(step, Unresolved):
        return
    if isinstance(step, TrailStep):
        for trail in _trail_copies(snapshot, step.trail_arn):
            _apply_trail(trail, step)
        return
    reg = _region(snapshot, step.account_id, step.region)
    match step:
        case CreateLogGroup():
            _create_log_group(reg, step)
        case PutMetricFilter():
            _put_metric_filter(reg, step)
        case PutMetricAlarm():
            _put_alarm(reg, step)
        case PutInsightRule():
            rules = _read(reg.insight_rules, "insight rules", step)
            entry = {
                "Name": step.rule_name,
                "State": step.state,
                "Schema": '{"Name" : "CloudWatchLogRule", "Version" : 1}',
                "Definition": json.dumps(step.definition),
                "ManagedRule": False,
            }
            _replace_by(rules, "Name", entry)
        case PutQueryDefinition():
            queries = _read(reg.query_definitions, "query definitions", step)
            entry = {
                "queryDefinitionId": _stable_id(step.account_id, step.region, step.name),
                "name": step.name,
                "queryString": step.query_string,
                "logGroupNames": list(step.log_group_names),
                "queryLanguage": step.query_language,
            }
            _replace_by(queries, "name", entry)
        case PutDashboard():
            acct = snapshot.account(step.account_id)
            # dashboards are account-wide (AccountSnapshot.dashboards); older snapshots per region
            per_account = acct is not None and acct.dashboards_per_account
            held = acct.dashboards if acct is not None and per_account else reg.dashboards
            dashboards = _read(held, "dashboards", step)
            dashboards[step.dashboard_name] = json.dumps(step.body)
        case PutInvocationLogging():
            reg.invocation_logging = InvocationLogging(config=dict(step.config))
        case _:
            assert_never(step)


def _trail_copies(snapshot: Snapshot, arn: str) -> list[Trail]:
    found = [t for acct in snapshot.accounts for t in acct.trails if t.arn == arn]
    if not found:
        raise PlanApplyError(f"trail {arn} is not in the snapshot")
    return found


def _apply_trail(trail: Trail, step: TrailChange) -> None:
    match step:
        case StartLogging():
            status = trail.status or TrailStatus(is_logging=True)
            trail.status = status.model_copy(update={"is_logging": True})
        case UpdateTrail():
            if step.enable_log_file_validation:
                trail.log_file_validation_enabled = True
        case PutEventSelectors():
            trail.event_selectors = EventSelectors(advanced=[dict(s) for s in step.after])
            trail.has_custom_event_selectors = True
        case PutInsightSelectors():
            trail.insight_selectors = [dict(s) for s in step.after]
            trail.has_insight_selectors = bool(step.after)
        case _:
            assert_never(step)


def _region(snapshot: Snapshot, account_id: str, region: str) -> RegionSnapshot:
    acct = snapshot.account(account_id)
    reg = acct.regions.get(region) if acct else None
    if reg is None:
        raise PlanApplyError(f"account {account_id}, {region} is not in the snapshot")
    return reg


def _read(value: Any, what: str, step: Step) -> Any:
    if value is None:
        raise PlanApplyError(
            f"the {what} of account {step.account_id}, {step.region} were not read; "
            "the plan cannot change them"
        )
    return value


def _replace_by(entries: list[dict[str, Any]], key: str, entry: dict[str, Any]) -> None:
    for i, existing in enumerate(entries):
        if existing.get(key) == entry[key]:
            entries[i] = entry
            return
    entries.append(entry)


def _stable_id(*parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _create_log_group(reg: RegionSnapshot, step: CreateLogGroup) -> None:
    if any(g.name == step.log_group_name for g in reg.log_groups):
        return
    arn = f"arn:aws:logs:{step.region}:{step.account_id}:log-group:{step.log_group_name}"
    reg.log_groups.append(
        LogGroup(
            name=step.log_group_name,
            arn=arn,
            region=step.region,
            account_id=step.account_id,
            log_group_class="STANDARD",
            retention_in_days=step.retention_in_days,
        )
    )
    for per_group in (reg.metric_filters, reg.subscription_filters):
        if per_group is not None:
            per_group.setdefault(step.log_group_name, [])


def _put_metric_filter(reg: RegionSnapshot, step: PutMetricFilter) -> None:
    filters = _read(reg.metric_filters, "metric filters", step)
    if step.log_group_name not in filters:
        raise PlanApplyError(
            f"the metric filters of log group {step.log_group_name} "
            f"({step.account_id}, {step.region}) were not read"
        )
    transformation = step.metric_transformation()
    entry = {
        "filterName": step.filter_name,
        "filterPattern": step.pattern,
        "logGroupName": step.log_group_name,
        "metricTransformations": [transformation],
    }
    _replace_by(filters[step.log_group_name], "filterName", entry)


def _put_alarm(reg: RegionSnapshot, step: PutMetricAlarm) -> None:
    alarms = _read(reg.alarms, "alarms", step)
    entry = {
        "AlarmName": step.alarm_name,
        "AlarmArn": f"arn:aws:cloudwatch:{step.region}:{step.account_id}:alarm:{step.alarm_name}",
        "AlarmDescription": step.description,
        "ActionsEnabled": True,
        "AlarmActions": list(step.alarm_actions),
        "OKActions": [],
        "InsufficientDataActions": [],
        "MetricName": step.metric_name,
        "Namespace": step.namespace,
        "Statistic": step.statistic,
        "Dimensions": [],
        "Period": step.period,
        "EvaluationPeriods": step.evaluation_periods,
        "DatapointsToAlarm": step.datapoints_to_alarm,
        "Threshold": step.threshold,
        "ComparisonOperator": step.comparison_operator,
        "TreatMissingData": step.treat_missing_data,
        "StateValue": "INSUFFICIENT_DATA",
    }
    _replace_by(alarms, "AlarmName", entry)
    topics = reg.sns_topics if reg.sns_topics is not None else {}
    reg.sns_topics = topics
    for topic in step.alarm_actions:
        if topic not in topics:
            # A topic named in the configuration that no alarm used at scan time was not
            # read: the builder says so in the step's notes; here it counts as confirmed.
            topics[topic] = SnsTopic(attributes={"SubscriptionsConfirmed": "1"})
