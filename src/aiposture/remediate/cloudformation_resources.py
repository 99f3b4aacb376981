"""The CloudFormation resource each step kind becomes, and the Metadata that explains it.

A trail the plan changes is one ``AWS::CloudTrail::Trail`` resource stating every property
as read plus the new ones (:func:`trail_properties`); every other step that CloudFormation
can express is one resource (:func:`step_resource`). Bedrock model invocation logging has
no resource type: such a step is named in the template's Metadata (:func:`not_expressed`).
:mod:`aiposture.remediate.cloudformation` assembles them into templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, assert_never

from aiposture.remediate.cloudformation_yaml import json_text
from aiposture.remediate.naming import unique_names
from aiposture.remediate.plan import (
    CreateLogGroup,
    PutDashboard,
    PutInsightRule,
    PutInvocationLogging,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    Step,
    Target,
    TrailStep,
    Unresolved,
)
from aiposture.remediate.trail_state import TrailState

__all__ = [
    "explain",
    "logical_ids",
    "not_expressed",
    "resource_key",
    "retained",
    "step_resource",
    "trail_properties",
    "trail_warnings",
    "unresolved_entry",
]

_LOGICAL_ID_MAX = 200

# DescribeTrails key -> AWS::CloudTrail::Trail property, in the order they are written.
_TRAIL_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("Name", "TrailName"),
    ("S3BucketName", "S3BucketName"),
    ("S3KeyPrefix", "S3KeyPrefix"),
    ("SnsTopicName", "SnsTopicName"),
    ("IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents"),
    ("IsMultiRegionTrail", "IsMultiRegionTrail"),
    ("IsOrganizationTrail", "IsOrganizationTrail"),
    ("KmsKeyId", "KMSKeyId"),
    ("LogFileValidationEnabled", "EnableLogFileValidation"),
    ("CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn"),
    ("CloudWatchLogsRoleArn", "CloudWatchLogsRoleArn"),
)


# ---------------------------------------------------------------------------------------
# Logical ids


def _camel(text: str) -> str:
    """``AI-Bedrock unauthorized_access`` -> ``AIBedrockUnauthorizedAccess``."""
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", text) if w)


def logical_ids(keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Stable, unique, alphanumeric logical ids for ``(prefix, name)`` keys.

    The id is the prefix and the name in CamelCase; a name too long, or two names that
    give the same id, get a short hash of the prefix and the whole name appended.
    """
    return unique_names(keys, lambda key: key[0] + _camel(key[1]), max_length=_LOGICAL_ID_MAX)


# ---------------------------------------------------------------------------------------
# Resources


def _checks(targets: Iterable[Target]) -> list[str]:
    seen: list[str] = []
    for t in targets:
        if t.check_id not in seen:
            seen.append(t.check_id)
    return seen


def explain(steps: Sequence[Step]) -> dict[str, Any]:
    """Resource-level Metadata: why the resource is here and what it fixes."""
    out: dict[str, Any] = {
        "Steps": [s.kind for s in steps],
        "Reason": " ".join(s.reason for s in steps),
    }
    checks = _checks(t for s in steps for t in s.targets)
    if checks:
        out["Fixes"] = checks
    notes = [n for s in steps for n in s.notes]
    if notes:
        out["Notes"] = notes
    return out


def trail_properties(state: TrailState, *, after: bool) -> dict[str, Any]:
    """The trail's properties now (``after=False``) or after every step on it."""
    props: dict[str, Any] = {}
    for key, prop in _TRAIL_PROPERTIES:
        value = state.sns_topic if key == "SnsTopicName" else state.trail.get(key)
        if key == "Name":
            value = state.name
        if value is None or value == "":
            continue
        props[prop] = value
    if after:
        validation = state.log_file_validation_after
        if validation is not None:
            props["EnableLogFileValidation"] = validation
        props["IsLogging"] = True
    else:
        props["IsLogging"] = bool(state.is_logging)
    if after and state.advanced_after is not None:
        props["AdvancedEventSelectors"] = state.advanced_after
    elif state.selectors_known:
        if state.advanced_before:
            props["AdvancedEventSelectors"] = state.advanced_before
        elif state.classic_before:
            props["EventSelectors"] = state.classic_before
    insights = state.insights_after if after and state.insights_after is not None else None
    if insights is None:
        insights = state.insights_before
    if insights:
        props["InsightSelectors"] = insights
    aggregation = state.trail.get("AggregationConfigurations")
    if isinstance(aggregation, list) and aggregation:
        props["AggregationConfigurations"] = aggregation
    tags = state.tags
    if tags:
        props["Tags"] = tags
    return props


def trail_warnings(state: TrailState) -> list[str]:
    """What the reviewer of the change set must check, because the plan does not know it."""
    warnings: list[str] = []
    if not state.selectors_known:
        warnings.append(
            "The plan does not hold this trail's current event selectors, so the template "
            "does not state them. Check the change set: it must not change "
            "EventSelectors or AdvancedEventSelectors."
        )
    if state.insights_before is None and state.insights_after is None:
        warnings.append(
            "The plan does not hold this trail's current Insights selectors, so the "
            "template does not state them. Check the change set: it must not change "
            "InsightSelectors."
        )
    return warnings


def retained(resource: dict[str, Any]) -> dict[str, Any]:
    """``resource`` with ``DeletionPolicy`` and ``UpdateReplacePolicy`` ``Retain``."""
    return {**resource, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def resource_key(step: Step) -> tuple[str, str] | None:
    """(logical id prefix, name) of the resource a step becomes; ``None``: no resource."""
    match step:
        case TrailStep():
            return ("Trail", step.trail_name)
        case CreateLogGroup():
            return ("LogGroup", step.log_group_name)
        case PutMetricFilter():
            return ("MetricFilter", f"{step.log_group_name} {step.filter_name}")
        case PutMetricAlarm():
            return ("Alarm", step.alarm_name)
        case PutInsightRule():
            return ("InsightRule", step.rule_name)
        case PutQueryDefinition():
            return ("Query", step.name)
        case PutDashboard():
            return ("Dashboard", step.dashboard_name)
        case PutInvocationLogging() | Unresolved():
            return None
        case _:
            assert_never(step)


def step_resource(step: Step, depends: dict[str, str]) -> dict[str, Any] | None:
    """The resource for a step that is not a trail step; ``None`` if it has none.

    ``depends`` maps the name of each log group the template creates to its logical id: a
    resource on such a log group depends on it.
    """
    match step:
        case CreateLogGroup():
            props: dict[str, Any] = {
                "LogGroupName": step.log_group_name,
                "LogGroupClass": "STANDARD",
            }
            if step.retention_in_days is not None:
                props["RetentionInDays"] = step.retention_in_days
            return retained({"Type": "AWS::Logs::LogGroup", "Properties": props})
        case PutMetricFilter():
            # CloudFormation names the same members in PascalCase
            transformation = {
                k[:1].upper() + k[1:]: v for k, v in step.metric_transformation().items()
            }
            res: dict[str, Any] = {
                "Type": "AWS::Logs::MetricFilter",
                "Properties": {
                    "FilterName": step.filter_name,
                    "LogGroupName": step.log_group_name,
                    "FilterPattern": step.pattern,
                    "MetricTransformations": [transformation],
                },
            }
            return _with_depends(res, [depends.get(step.log_group_name)])
        case PutMetricAlarm():
            return {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "AlarmName": step.alarm_name,
                    "AlarmDescription": step.description,
                    "Namespace": step.namespace,
                    "MetricName": step.metric_name,
                    "Statistic": step.statistic,
                    "Period": step.period,
                    "EvaluationPeriods": step.evaluation_periods,
                    "DatapointsToAlarm": step.datapoints_to_alarm,
                    "Threshold": step.threshold,
                    "ComparisonOperator": step.comparison_operator,
                    "TreatMissingData": step.treat_missing_data,
                    "AlarmActions": list(step.alarm_actions),
                },
            }
        case PutInsightRule():
            res = {
                "Type": "AWS::CloudWatch::InsightRule",
                "Properties": {
                    "RuleName": step.rule_name,
                    "RuleState": step.state,
                    "RuleBody": json_text(step.definition),
                },
            }
            groups = step.definition.get("LogGroupNames")
            names = groups if isinstance(groups, list) else []
            return _with_depends(res, [depends.get(str(g)) for g in names])
        case PutQueryDefinition():
            props = {
                "Name": step.name,
                "QueryLanguage": step.query_language,
                "QueryString": step.query_string,
            }
            if step.log_group_names:
                props["LogGroupNames"] = list(step.log_group_names)
            res = {"Type": "AWS::Logs::QueryDefinition", "Properties": props}
            return _with_depends(res, [depends.get(g) for g in step.log_group_names])
        case PutDashboard():
            res = {
                "Type": "AWS::CloudWatch::Dashboard",
                "Properties": {
                    "DashboardName": step.dashboard_name,
                    "DashboardBody": json_text(step.body),
                },
            }
            return retained(res) if step.before is not None else res
        case TrailStep() | PutInvocationLogging() | Unresolved():
            return None
        case _:
            assert_never(step)


def _with_depends(resource: dict[str, Any], ids: Iterable[str | None]) -> dict[str, Any]:
    wanted = sorted({i for i in ids if i})
    if wanted:
        resource["DependsOn"] = wanted
    return resource


_NO_RESOURCE_TYPE = "CloudFormation has no resource type for this change: apply it with the script."


def not_expressed(step: Step, why: list[str] | None = None) -> dict[str, Any]:
    """The ``NotExpressed`` Metadata entry of a change no template makes.

    ``why``: the values that cannot be written inert; ``None``: CloudFormation has no
    resource type for the change.
    """
    entry: dict[str, Any] = {
        "Step": step.kind,
        "Why": _NO_RESOURCE_TYPE,
        "Reason": step.reason,
    }
    if why:
        entry["Why"] = (
            "A value read from AWS cannot be written into a template exactly: CloudFormation "
            "would resolve it as a dynamic reference or an intrinsic function (even built "
            "with Fn::Join or Fn::Sub). Apply this change with the script or Terraform."
        )
        entry["Values"] = why
    if isinstance(step, PutInvocationLogging):
        entry["Config"] = step.config
    checks = _checks(step.targets)
    if checks:
        entry["Fixes"] = checks
    return entry


def unresolved_entry(step: Unresolved) -> dict[str, Any]:
    """The ``Unresolved`` Metadata entry of a failure the plan cannot fix."""
    entry: dict[str, Any] = {
        "Reason": step.reason,
        "ConfigKey": step.config_key
        if step.config_key
        else "none: a manual change (see the Markdown page)",
    }
    checks = _checks(step.targets)
    if checks:
        entry["Checks"] = checks
    if step.notes:
        entry["Notes"] = list(step.notes)
    return entry
