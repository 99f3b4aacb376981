r"""The fix plan as CloudFormation: one stack per region, plus an import template for trails.

:func:`render_cloudformation` returns ``{file name: YAML text}`` for one account:

- ``cloudformation-<region>.yaml``: every change CloudFormation can express, as resources.
  A trail the plan changes already exists, so it appears with every property as read plus
  the new ones, and ``DeletionPolicy``/``UpdateReplacePolicy: Retain``.
- ``cloudformation-<region>-import.yaml``, only when the region has existing resources the
  plan changes (trails, a dashboard that exists): those resources with their CURRENT
  properties, for a resource-import change set. The main template is then applied as an
  update of the same stack (:data:`CLOUDFORMATION_HOWTO`).

What CloudFormation cannot express (Bedrock model invocation logging has no resource type)
and the :class:`~aiposture.remediate.plan.Unresolved` steps are named in the template's
``Metadata``, never dropped. A region with nothing CloudFormation can express gets no
template (a template needs one resource); the script and the Markdown page carry its steps.

Every value is data, and stays data when CloudFormation reads it:

- The YAML is written by a safe dumper (no tag, no anchor, no intrinsic function, no
  ``Fn::Sub``), so quotes, ``$``, backslashes and ``${`` stay inert; a string holding a
  character YAML would rewrite (U+0085 NEL, U+2028, U+2029, U+FEFF, C0/C1 controls, any
  non-printable) is written double-quoted with escapes, so it loads back exactly.
- CloudFormation resolves a *dynamic reference* (``{{resolve:service:key}}``) in any
  resource property, and it does so on the final string, AFTER intrinsic functions: the
  Secrets Manager guide builds one with ``Fn::Join`` (``['{{resolve:secretsmanager:',
  !Ref MyRDSSecret, ':SecretString:username}}']``), see "Get an AWS Secrets Manager
  secret in an AWS CloudFormation resource",
  https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html
  and "Get values stored in other services using dynamic references",
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html .
  So neither ``Fn::Join`` nor ``Fn::Sub`` can keep ``{{resolve:`` literal, and no escape
  exists. What this module does instead (:func:`json_text`, :func:`_hazards`):

  * a property that is JSON text (dashboard body, Contributor Insights rule body) writes
    every ``{`` that is followed by ``{`` as the JSON escape ``\u007b``: the template holds
    no ``{{`` and the service parses back exactly the value read;
  * any other property value holding ``{{``, or a mapping key CloudFormation would take
    for an intrinsic function (``Ref``, ``Condition``, ``Fn::...``), cannot be written
    exactly: the resource (and whatever depends on it) is left out of the templates and
    named under ``Metadata.aiposture.NotExpressed`` with the value's path, to apply with
    the script or Terraform;
  * ``Metadata`` text is documentation: ``{{`` there is written ``{ {`` (a note in the
    template says so) and a mapping with an intrinsic-looking key is written as JSON text.
The helpers that merge a trail's steps into one state (:func:`trail_states`) are shared
with the Terraform renderer.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from aiposture.remediate.plan import (
    AccountPlan,
    CreateLogGroup,
    Plan,
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
    Target,
    TrailStep,
    Unresolved,
    UpdateTrail,
)

__all__ = [
    "CLOUDFORMATION_HOWTO",
    "TrailState",
    "cloudformation_name",
    "json_text",
    "render_cloudformation",
    "stack_name",
    "trail_states",
]

CLOUDFORMATION_HOWTO = """\
How to apply the CloudFormation templates (one stack per region; run each command in the
region the template is for, with credentials of the account it is for):

1. If the region has an import template (its file name ends in "-import.yaml"), the stack
   must first take over the existing resources the plan changes (trails, an existing
   dashboard). Create a change set of type IMPORT from the import template, with the
   resources listed under Metadata.aiposture.ResourcesToImport of that template (the exact
   command is under Metadata.aiposture.Commands). The import template states every resource
   with its CURRENT properties, so the import changes nothing. Review the change set, then
   execute it.
2. Create a change set of type UPDATE (or CREATE, when there was no import template) from
   the main template of the region. Review it: it must show only the changes the plan
   explains (the trail's new selectors, validation and logging; new log groups, filters,
   alarms, rules, queries, dashboard). Then execute it.
3. The imported resources keep DeletionPolicy and UpdateReplacePolicy Retain: deleting the
   stack never deletes an existing trail or dashboard.

CloudFormation has no resource type for some changes (Bedrock model invocation logging):
each template names them under Metadata.aiposture.NotExpressed; apply them with the
script. The failures the plan cannot fix are under Metadata.aiposture.Unresolved with the
configuration key to set. A region where CloudFormation can express no change gets no
template.
"""
"""The two-stage procedure (import, then update), as text for the Markdown page."""

_TEMPLATE_VERSION = "2010-09-09"
_DESCRIPTION_MAX = 1024
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


def cloudformation_name(region: str, import_: bool = False) -> str:
    """The file name of ``region``'s template (``import_``: the resource-import template)."""
    return f"cloudformation-{region}-import.yaml" if import_ else f"cloudformation-{region}.yaml"


def stack_name(region: str) -> str:
    """The stack name the commands in a template's Metadata use for ``region``."""
    return f"aiposture-remediation-{region}"


# ---------------------------------------------------------------------------------------
# One trail, every step on it merged


@dataclass
class TrailState:
    """A trail the plan changes: what it is now and what it is after every step on it.

    ``*_before`` is ``None`` when the plan does not say what the trail has now (the
    renderer must then leave that setting alone rather than state it).
    """

    name: str
    arn: str
    region: str
    account_id: str
    trail: dict[str, Any]
    """The trail as read (DescribeTrails, plus ``Tags`` and ``IsLogging``)."""
    steps: list[Step] = field(default_factory=list)
    """The plan's steps on this trail, in plan order."""
    advanced_before: list[dict[str, Any]] | None = None
    classic_before: list[dict[str, Any]] | None = None
    selectors_known: bool = False
    """True when the trail's current event selectors are known (from a step or the read)."""
    advanced_after: list[dict[str, Any]] | None = None
    insights_before: list[dict[str, Any]] | None = None
    insights_after: list[dict[str, Any]] | None = None
    enable_log_file_validation: bool | None = None
    start_logging: bool = False

    @property
    def targets(self) -> list[Target]:
        """Every result the steps on this trail mean to fix."""
        return [t for s in self.steps for t in s.targets]

    @property
    def is_logging(self) -> bool | None:
        """Whether the trail logs now, as read."""
        value = self.trail.get("IsLogging")
        return value if isinstance(value, bool) else None

    @property
    def log_file_validation_after(self) -> bool | None:
        """Log file validation after the plan (only ever turned on)."""
        if self.enable_log_file_validation:
            return True
        value = self.trail.get("LogFileValidationEnabled")
        return value if isinstance(value, bool) else None

    @property
    def tags(self) -> list[dict[str, str]]:
        """The trail's tags as ``[{Key, Value}]`` (read as a list or a mapping)."""
        raw = self.trail.get("Tags")
        if isinstance(raw, dict):
            return [{"Key": str(k), "Value": str(v)} for k, v in raw.items()]
        if isinstance(raw, list):
            return [
                {"Key": str(t["Key"]), "Value": str(t.get("Value", ""))}
                for t in raw
                if isinstance(t, dict) and "Key" in t
            ]
        return []

    @property
    def sns_topic(self) -> str | None:
        """The SNS topic as read (its name, or its ARN when only that was read)."""
        for key in ("SnsTopicName", "SnsTopicARN"):
            value = self.trail.get(key)
            if isinstance(value, str) and value:
                return value
        return None


def _selectors_from_read(trail: dict[str, Any]) -> tuple[bool, Any, Any]:
    """(known, advanced, classic) from the trail as read, when it carries its selectors."""
    advanced = trail.get("AdvancedEventSelectors")
    classic = trail.get("EventSelectors")
    if isinstance(advanced, list) and advanced:
        return True, advanced, None
    if isinstance(classic, list):
        return True, None, classic
    if isinstance(advanced, list):
        return True, [], None
    return False, None, None


def trail_states(steps: Iterable[Step]) -> list[TrailState]:
    """The trails ``steps`` change, each with all its steps merged, in plan order."""
    states: dict[str, TrailState] = {}
    for step in steps:
        if not isinstance(step, TrailStep):
            continue
        state = states.get(step.trail_arn)
        if state is None:
            state = TrailState(
                name=step.trail_name,
                arn=step.trail_arn,
                region=step.region,
                account_id=step.account_id,
                trail=dict(step.trail),
            )
            known, advanced, classic = _selectors_from_read(state.trail)
            state.selectors_known = known
            state.advanced_before = advanced
            state.classic_before = classic
            read_insights = state.trail.get("InsightSelectors")
            if isinstance(read_insights, list):
                state.insights_before = read_insights
            elif state.trail.get("HasInsightSelectors") is False:
                state.insights_before = []
            states[step.trail_arn] = state
        else:
            for key, value in step.trail.items():
                state.trail.setdefault(key, value)
        state.steps.append(step)
        if isinstance(step, UpdateTrail) and step.enable_log_file_validation:
            state.enable_log_file_validation = True
        elif isinstance(step, StartLogging):
            state.start_logging = True
        elif isinstance(step, PutEventSelectors):
            state.selectors_known = True
            state.advanced_before = step.before_advanced
            state.classic_before = step.before_classic
            state.advanced_after = list(step.after)
        elif isinstance(step, PutInsightSelectors):
            state.insights_before = list(step.before)
            state.insights_after = list(step.after)
    return list(states.values())


# ---------------------------------------------------------------------------------------
# Logical ids


def _camel(text: str) -> str:
    """``AI-Bedrock unauthorized_access`` -> ``AIBedrockUnauthorizedAccess``."""
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", text) if w)


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:8]


def _logical_ids(keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Stable, unique, alphanumeric logical ids for ``(prefix, name)`` keys.

    The id is the prefix and the name in CamelCase; a name too long, or two names that
    give the same id, get a short hash of the prefix and the whole name appended.
    """
    base: dict[tuple[str, str], str] = {}
    for prefix, name in keys:
        ident = prefix + _camel(name)
        if len(ident) > _LOGICAL_ID_MAX:
            ident = ident[:_LOGICAL_ID_MAX] + _short_hash(prefix, name)
        base[(prefix, name)] = ident
    counts: dict[str, int] = {}
    for ident in base.values():
        counts[ident] = counts.get(ident, 0) + 1
    result: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for key, ident in base.items():
        final = ident if counts[ident] == 1 else ident + _short_hash(*key)
        while final in used:  # a hashed id equal to another name's id: never in practice
            final += _short_hash(final)
        used.add(final)
        result[key] = final
    return result


# ---------------------------------------------------------------------------------------
# Resources


def _checks(targets: Iterable[Target]) -> list[str]:
    seen: list[str] = []
    for t in targets:
        if t.check_id not in seen:
            seen.append(t.check_id)
    return seen


def _explain(steps: Sequence[Step]) -> dict[str, Any]:
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


def _trail_properties(state: TrailState, *, after: bool) -> dict[str, Any]:
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


def _trail_warnings(state: TrailState) -> list[str]:
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


def _retained(resource: dict[str, Any]) -> dict[str, Any]:
    return {**resource, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


@dataclass
class _Region:
    """Everything one region's templates hold."""

    region: str
    steps: list[Step] = field(default_factory=list)


def _regions(account: AccountPlan) -> list[_Region]:
    regions: dict[str, _Region] = {}
    for step in account.steps:
        regions.setdefault(step.region, _Region(step.region)).steps.append(step)
    return list(regions.values())


def _key(step: Step) -> tuple[str, str] | None:
    """(logical id prefix, name) of the resource a step becomes; ``None``: no resource."""
    if isinstance(step, TrailStep):
        return ("Trail", step.trail_name)
    if isinstance(step, CreateLogGroup):
        return ("LogGroup", step.log_group_name)
    if isinstance(step, PutMetricFilter):
        return ("MetricFilter", f"{step.log_group_name} {step.filter_name}")
    if isinstance(step, PutMetricAlarm):
        return ("Alarm", step.alarm_name)
    if isinstance(step, PutInsightRule):
        return ("InsightRule", step.rule_name)
    if isinstance(step, PutQueryDefinition):
        return ("Query", step.name)
    if isinstance(step, PutDashboard):
        return ("Dashboard", step.dashboard_name)
    return None


def _resource(step: Step, depends: dict[str, str]) -> dict[str, Any] | None:
    """The resource for a step that is not a trail step; ``None`` if it has none."""
    if isinstance(step, CreateLogGroup):
        props: dict[str, Any] = {"LogGroupName": step.log_group_name, "LogGroupClass": "STANDARD"}
        if step.retention_in_days is not None:
            props["RetentionInDays"] = step.retention_in_days
        return _retained({"Type": "AWS::Logs::LogGroup", "Properties": props})
    if isinstance(step, PutMetricFilter):
        transformation: dict[str, Any] = {
            "MetricName": step.metric_name,
            "MetricNamespace": step.namespace,
            "MetricValue": step.metric_value,
        }
        if step.default_value is not None:
            transformation["DefaultValue"] = step.default_value
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
    if isinstance(step, PutMetricAlarm):
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
    if isinstance(step, PutInsightRule):
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
    if isinstance(step, PutQueryDefinition):
        props = {
            "Name": step.name,
            "QueryLanguage": step.query_language,
            "QueryString": step.query_string,
        }
        if step.log_group_names:
            props["LogGroupNames"] = list(step.log_group_names)
        res = {"Type": "AWS::Logs::QueryDefinition", "Properties": props}
        return _with_depends(res, [depends.get(g) for g in step.log_group_names])
    if isinstance(step, PutDashboard):
        res = {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {
                "DashboardName": step.dashboard_name,
                "DashboardBody": json_text(step.body),
            },
        }
        return _retained(res) if step.before is not None else res
    return None


def _not_inert(resources: dict[str, Any], imports: dict[str, Any]) -> dict[str, list[str]]:
    """The logical ids to leave out of the templates, each with why.

    Why: a property CloudFormation would not keep as it is (:func:`_hazards`), in either
    template, or a dependency that is left out.
    """
    out: dict[str, list[str]] = {}
    for lid, resource in resources.items():
        found = _hazards(resource.get("Properties"), "Properties")
        if lid in imports:
            found += [
                f"{h} (as read, in the import template)"
                for h in _hazards(imports[lid].get("Properties"), "Properties")
            ]
        if found:
            out[lid] = found
    while True:
        more = {
            lid: [f"it depends on {dep}, which is left out"]
            for lid, resource in resources.items()
            if lid not in out
            for dep in resource.get("DependsOn", [])
            if dep in out
        }
        if not more:
            return out
        out.update(more)


def _with_depends(resource: dict[str, Any], ids: Iterable[str | None]) -> dict[str, Any]:
    wanted = sorted({i for i in ids if i})
    if wanted:
        resource["DependsOn"] = wanted
    return resource


_NO_RESOURCE_TYPE = "CloudFormation has no resource type for this change: apply it with the script."


def _not_expressed(step: Step, why: list[str] | None = None) -> dict[str, Any]:
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


def _unresolved(step: Unresolved) -> dict[str, Any]:
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


class _Dumper(yaml.SafeDumper):
    """``yaml.SafeDumper`` without anchors and aliases (CloudFormation rejects aliases).

    A string with any character that is not printable (:meth:`str.isprintable`: C0 and C1
    controls, U+0085 NEL, U+2028, U+2029, U+FEFF, other format characters) is written
    double-quoted, where YAML escapes every such character. Left to PyYAML's choice of
    style, U+0085 goes into a single-quoted scalar, where YAML reads it as a line break and
    folds it into a space: the template would no longer hold the value read.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = None if data.isprintable() else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)

# "{{" opens a CloudFormation dynamic reference ("{{resolve:service:key}}"). Any "{{" is
# treated as one: the documented pattern is all CloudFormation states about its parsing.
_DYNAMIC_OPEN = re.compile(r"\{(?=\{)")
_INTRINSIC_KEYS = frozenset({"Ref", "Condition"})


def _intrinsic_key(key: object) -> bool:
    """A mapping key CloudFormation reads as an intrinsic function (or a condition)."""
    return isinstance(key, str) and (key in _INTRINSIC_KEYS or key.startswith("Fn::"))


def json_text(value: Any) -> str:
    r"""``value`` as JSON text for a string property, holding no ``{{``.

    Every ``{`` followed by ``{`` can only be inside a JSON string (an object opens with
    ``{"`` or ``{}``), so it is written as the JSON escape ``\u007b``: CloudFormation
    sees no dynamic reference and the service parses back exactly ``value``.
    """
    return _DYNAMIC_OPEN.sub(r"\\u007b", json.dumps(value, sort_keys=False))


def _hazards(value: Any, path: str) -> list[str]:
    """Where ``value`` holds what CloudFormation would not keep as it is (paths, reasons)."""
    found: list[str] = []
    if isinstance(value, str):
        if "{{" in value:
            found.append(f"{path} holds two '{{' in a row (a dynamic reference opens so)")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _intrinsic_key(key):
                found.append(f"{path} has the key {key!r} (intrinsic function syntax)")
            elif isinstance(key, str) and "{{" in key:
                found.append(f"{path} has a key holding two '{{' in a row (dynamic reference)")
            found += _hazards(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _hazards(item, f"{path}[{index}]")
    return found


def _inert_text(text: str) -> str:
    return _DYNAMIC_OPEN.sub("{ ", text)


def _inert_metadata(value: Any) -> Any:
    """Metadata (documentation) with no ``{{`` and no intrinsic-looking key.

    ``{{`` becomes ``{ {``; a mapping with a key CloudFormation would read as an intrinsic
    function (resource Metadata is evaluated, as ``AWS::CloudFormation::Init`` shows) is
    written as its JSON text instead.
    """
    if isinstance(value, str):
        return _inert_text(value)
    if isinstance(value, dict):
        if any(_intrinsic_key(k) for k in value):
            return _inert_text(json.dumps(value, sort_keys=False, default=str))
        return {_inert_text(str(k)): _inert_metadata(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inert_metadata(v) for v in value]
    return value


def _has_sub_syntax(value: Any) -> bool:
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(_has_sub_syntax(k) or _has_sub_syntax(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_sub_syntax(v) for v in value)
    return False


def _dump(template: dict[str, Any]) -> str:
    """The template as YAML; a value holding ``${`` stays literal, and cfn-lint is told so.

    Outside ``Fn::Sub`` CloudFormation never substitutes ``${...}``; cfn-lint's E1029 still
    guesses a forgotten ``Fn::Sub``. A value read from AWS is data, so when one holds ``${``
    the template keeps it exactly and says, in its cfn-lint configuration, why E1029 is off.
    Metadata and the description go through :func:`_inert_metadata` first.
    """
    _make_inert(template)
    if _has_sub_syntax(template.get("Resources")) or _has_sub_syntax(template.get("Metadata")):
        metadata = template.setdefault("Metadata", {})
        metadata["cfn-lint"] = {"config": {"ignore_checks": ["E1029"]}}
        metadata["aiposture"]["LintNote"] = (
            "Some values read from AWS hold '${'. They are data: CloudFormation substitutes "
            "only inside Fn::Sub, which this template never uses, so cfn-lint's E1029 "
            "(a guessed missing Fn::Sub) is turned off for this template."
        )
    return yaml.dump(
        template,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _make_inert(template: dict[str, Any]) -> None:
    """Neutralise the template's documentation in place; say so when anything changed.

    The documentation: the template's Metadata and description, the resources' Metadata.
    """
    changed = False
    for holder, key in [
        (template, "Description"),
        (template, "Metadata"),
        *((r, "Metadata") for r in template.get("Resources", {}).values()),
    ]:
        if key in holder:
            inert = _inert_metadata(holder[key])
            changed = changed or inert != holder[key]
            holder[key] = inert
    if changed:
        template["Metadata"]["aiposture"]["InertNote"] = (
            "Some text read from AWS held two opening braces in a row, which open a "
            "CloudFormation dynamic reference: in this Metadata a space is written between "
            "them, and a mapping with a key like 'Ref' or 'Fn::...' is written as JSON text."
        )


def _description(text: str) -> str:
    return text if len(text) <= _DESCRIPTION_MAX else text[: _DESCRIPTION_MAX - 3] + "..."


def _import_command(region: str, import_file: str, to_import: list[dict[str, Any]]) -> list[str]:
    stack = stack_name(region)
    return [
        f"aws cloudformation create-change-set --region {region} --stack-name {stack}"
        f" --change-set-name aiposture-import --change-set-type IMPORT"
        f" --template-body file://{import_file}"
        f" --resources-to-import {shlex.quote(json.dumps(to_import))}",
        f"aws cloudformation describe-change-set --region {region} --stack-name {stack}"
        " --change-set-name aiposture-import",
        f"aws cloudformation execute-change-set --region {region} --stack-name {stack}"
        " --change-set-name aiposture-import",
    ]


def _update_commands(region: str, main_file: str, *, change_set_type: str) -> list[str]:
    stack = stack_name(region)
    return [
        f"aws cloudformation create-change-set --region {region} --stack-name {stack}"
        f" --change-set-name aiposture-fix --change-set-type {change_set_type}"
        f" --template-body file://{main_file}",
        f"aws cloudformation describe-change-set --region {region} --stack-name {stack}"
        " --change-set-name aiposture-fix",
        f"aws cloudformation execute-change-set --region {region} --stack-name {stack}"
        " --change-set-name aiposture-fix",
    ]


class _RegionOutput(NamedTuple):
    files: dict[str, str]
    """File name -> YAML text (none when no change can be expressed)."""
    left_out: list[Step]
    """The changes of the region that no template makes (not unresolved ones)."""


def _render_region(plan: Plan, account: AccountPlan, region: _Region) -> _RegionOutput:
    steps = region.steps
    keys: list[tuple[str, str]] = []
    for step in steps:
        key = _key(step)
        if key is not None and key not in keys:
            keys.append(key)
    ids = _logical_ids(keys)
    created_groups = {
        s.log_group_name: ids[("LogGroup", s.log_group_name)]
        for s in steps
        if isinstance(s, CreateLogGroup)
    }

    resources: dict[str, Any] = {}
    imports: dict[str, Any] = {}
    to_import: list[dict[str, Any]] = []
    not_expressed: list[dict[str, Any]] = []
    left_out: list[Step] = []
    unresolved: list[dict[str, Any]] = []
    warnings: dict[str, list[str]] = {}
    steps_of: dict[str, list[Step]] = {}

    for state in trail_states(steps):
        lid = ids[("Trail", state.name)]
        steps_of[lid] = state.steps
        explained = _explain(state.steps)
        trail_warnings = _trail_warnings(state)
        if trail_warnings:
            explained["Warnings"] = trail_warnings
            warnings[lid] = trail_warnings
        resources[lid] = _retained(
            {
                "Type": "AWS::CloudTrail::Trail",
                "Metadata": {"aiposture": explained},
                "Properties": _trail_properties(state, after=True),
            }
        )
        imports[lid] = _retained(
            {
                "Type": "AWS::CloudTrail::Trail",
                "Metadata": {"aiposture": {"Existing": state.arn}},
                "Properties": _trail_properties(state, after=False),
            }
        )
        to_import.append(
            {
                "ResourceType": "AWS::CloudTrail::Trail",
                "LogicalResourceId": lid,
                "ResourceIdentifier": {"TrailName": state.name},
            }
        )

    for step in steps:
        if isinstance(step, TrailStep):
            continue
        if isinstance(step, Unresolved):
            unresolved.append(_unresolved(step))
            continue
        res = _resource(step, created_groups)
        key = _key(step)
        if res is None or key is None:
            not_expressed.append(_not_expressed(step))
            left_out.append(step)
            continue
        lid = ids[key]
        steps_of[lid] = [step]
        res = {"Type": res.pop("Type"), "Metadata": {"aiposture": _explain([step])}, **res}
        resources[lid] = res
        if isinstance(step, PutDashboard) and step.before is not None:
            imports[lid] = _retained(
                {
                    "Type": "AWS::CloudWatch::Dashboard",
                    "Metadata": {"aiposture": {"Existing": step.dashboard_name}},
                    "Properties": {
                        "DashboardName": step.dashboard_name,
                        "DashboardBody": json_text(step.before),
                    },
                }
            )
            to_import.append(
                {
                    "ResourceType": "AWS::CloudWatch::Dashboard",
                    "LogicalResourceId": lid,
                    "ResourceIdentifier": {"DashboardName": step.dashboard_name},
                }
            )

    for lid, why in _not_inert(resources, imports).items():
        resources.pop(lid, None)
        imports.pop(lid, None)
        warnings.pop(lid, None)
        to_import[:] = [r for r in to_import if r["LogicalResourceId"] != lid]
        not_expressed += [_not_expressed(s, why) for s in steps_of[lid]]
        left_out += steps_of[lid]

    if not resources:
        return _RegionOutput({}, [s for s in steps if not isinstance(s, Unresolved)])

    name = region.region
    main_file = cloudformation_name(name)
    import_file = cloudformation_name(name, import_=True)
    origin = {
        "Account": account.account_id,
        "Region": name,
        "ToolVersion": plan.tool_version,
        "GeneratedAt": plan.generated_at.isoformat(),
        "SnapshotSha256": plan.snapshot_sha256,
    }
    commands: list[str] = []
    if imports:
        procedure = [
            f"1. Import the existing resources: change set of type IMPORT from {import_file}.",
            f"2. Apply this template to the stack {stack_name(name)} (change set of type "
            "UPDATE); review the change set before executing it.",
        ]
        commands = _import_command(name, import_file, to_import) + _update_commands(
            name, main_file, change_set_type="UPDATE"
        )
    else:
        procedure = [
            f"1. Create the stack {stack_name(name)} with this template (change set of type "
            "CREATE); review the change set before executing it."
        ]
        commands = _update_commands(name, main_file, change_set_type="CREATE")
    meta: dict[str, Any] = {**origin, "Procedure": procedure, "Commands": commands}
    if imports:
        meta["ImportTemplate"] = import_file
    if not_expressed:
        meta["NotExpressed"] = not_expressed
    if unresolved:
        meta["Unresolved"] = unresolved
    if warnings:
        meta["Warnings"] = warnings

    stages = (
        f" Two stages: first import the existing resources with {import_file} (IMPORT change "
        "set), then update the stack with this template."
        if imports
        else ""
    )
    main = {
        "AWSTemplateFormatVersion": _TEMPLATE_VERSION,
        "Description": _description(
            f"aiposture fix plan for account {account.account_id} in {name}.{stages}"
            " Changes CloudFormation cannot express and unresolved failures are listed in"
            " Metadata.aiposture."
        ),
        "Metadata": {"aiposture": meta},
        "Resources": resources,
    }
    out = {main_file: _dump(main)}
    if imports:
        import_meta = {
            **origin,
            "Procedure": [
                "1. Create a change set of type IMPORT from this template with the resources "
                "in ResourcesToImport; it changes nothing (every property is as read).",
                f"2. Then update the stack {stack_name(name)} with {main_file}.",
            ],
            "ResourcesToImport": to_import,
            "Commands": _import_command(name, import_file, to_import),
        }
        out[import_file] = _dump(
            {
                "AWSTemplateFormatVersion": _TEMPLATE_VERSION,
                "Description": _description(
                    f"aiposture fix plan for account {account.account_id} in {name}, stage 1 "
                    f"of 2: import the existing resources unchanged; then update the stack "
                    f"with {main_file}."
                ),
                "Metadata": {"aiposture": import_meta},
                "Resources": imports,
            }
        )
    return _RegionOutput(out, left_out)


class CloudFormationForms(NamedTuple):
    """One account's plan as CloudFormation, and what the templates leave out."""

    files: dict[str, str]
    """``{file name: YAML text}``, per region; a region with no expressible change has none."""
    left_out: dict[str, list[Step]]
    """Per region, the changes no template makes: a change CloudFormation has no resource
    type for, one whose values cannot be written inert (see the module docstring), and
    every change of a region with no template. The account page lists them, so that
    whoever applies only the templates knows what the script or Terraform must still do."""


def cloudformation_forms(plan: Plan, account: AccountPlan) -> CloudFormationForms:
    """Render every region of ``account`` once: the templates and what they leave out."""
    forms = CloudFormationForms({}, {})
    for region in _regions(account):
        rendered = _render_region(plan, account, region)
        forms.files.update(rendered.files)
        if rendered.left_out:
            forms.left_out[region.region] = rendered.left_out
    return forms


def render_cloudformation(plan: Plan, account: AccountPlan) -> dict[str, str]:
    """One account's plan as CloudFormation: ``{file name: YAML text}``, per region.

    A plan (or a region) with no change CloudFormation can express gives no file.
    """
    return cloudformation_forms(plan, account).files
