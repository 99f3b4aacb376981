"""The Terraform resource each step kind becomes (a trail, with every step on it merged).

An existing resource the plan changes (a trail, invocation logging, an existing
dashboard) is written as an ``import`` block and a resource with every property as read
plus the new ones, with ``prevent_destroy``; a new resource as a resource alone. Each
resource carries comments saying why it is there and what it fixes.
:mod:`aiposture.remediate.terraform` assembles them into ``main.tf``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, assert_never

from aiposture.remediate.plan import (
    CreateLogGroup,
    PutDashboard,
    PutInsightRule,
    PutInvocationLogging,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    Step,
    TrailStep,
    Unresolved,
)
from aiposture.remediate.terraform_hcl import HclBlock, hcl_string
from aiposture.remediate.trail_state import TrailState

__all__ = [
    "AWS_PROVIDER_VERSION",
    "PROVIDER_SELECTOR_FIELDS",
    "beyond_note",
    "resource_key",
    "step_resource",
    "trail_resource",
    "unexpressible_fields",
]

AWS_PROVIDER_VERSION = ">= 5.100.0, < 6.0.0"
"""The AWS provider versions the generated code is checked against.

The tests run ``terraform validate`` with provider 5.100.0, the last 5.x release (every
resource used is there; ``aws_cloudwatch_contributor_insight_rule`` came in 5.87.0, but the
earlier 5.x releases are not checked). 6.0 is a major release with breaking changes the
generated code has not been validated against.
"""
PROVIDER_SELECTOR_FIELDS = frozenset(
    {
        "eventCategory",
        "eventName",
        "eventSource",
        "readOnly",
        "resources.ARN",
        "resources.type",
        "userIdentity.arn",
    }
)
"""The ``field`` values ``aws_cloudtrail`` ``advanced_event_selector.field_selector`` accepts.

As validated by the AWS provider 5.100.0 (its ``terraform validate`` error lists them);
CloudTrail also accepts ``errorCode``, ``eventType``, ``vpcEndpointId`` and
``sessionCredentialFromConsole`` (botocore ``cloudtrail`` ``AdvancedFieldSelector``), which
only a 6.x provider allows (hashicorp/terraform-provider-aws pull request 43091).
"""

_FIELD_OPERATORS: tuple[tuple[str, str], ...] = (
    ("Equals", "equals"),
    ("StartsWith", "starts_with"),
    ("EndsWith", "ends_with"),
    ("NotEquals", "not_equals"),
    ("NotStartsWith", "not_starts_with"),
    ("NotEndsWith", "not_ends_with"),
)


def resource_key(step: Step) -> tuple[str, str, str] | None:
    """(resource type, region, name) of the resource a step becomes; ``None``: no resource."""
    match step:
        case TrailStep():
            return ("aws_cloudtrail", step.region, step.trail_name)
        case CreateLogGroup():
            return ("aws_cloudwatch_log_group", step.region, step.log_group_name)
        case PutMetricFilter():
            return ("aws_cloudwatch_log_metric_filter", step.region, step.filter_name)
        case PutMetricAlarm():
            return ("aws_cloudwatch_metric_alarm", step.region, step.alarm_name)
        case PutInsightRule():
            return ("aws_cloudwatch_contributor_insight_rule", step.region, step.rule_name)
        case PutQueryDefinition():
            kind = (
                "aws_cloudwatch_query_definition"
                if step.query_language == "CWLI"
                else "aws_cloudcontrolapi_resource"
            )
            return (kind, step.region, step.name)
        case PutDashboard():
            return ("aws_cloudwatch_dashboard", step.region, step.dashboard_name)
        case PutInvocationLogging():
            return (
                "aws_bedrock_model_invocation_logging_configuration",
                step.region,
                f"invocation_logging_{step.region}",
            )
        case Unresolved():
            return None
        case _:
            assert_never(step)


def _why(block: HclBlock, steps: Sequence[Step]) -> None:
    for step in steps:
        checks = ", ".join(dict.fromkeys(t.check_id for t in step.targets))
        block.comment(f"{step.kind}: {step.reason}" + (f" Fixes: {checks}." if checks else ""))
        for note in step.notes:
            block.comment(f"Note: {note}")


def _import(kind: str, name: str, alias: str, ident: str) -> str:
    block = HclBlock("import")
    block.raw("provider", f"aws.{alias}")
    block.raw("to", f"{kind}.{name}")
    block.attr("id", ident)
    return block.render()


def _lifecycle(*, ignore: Sequence[str] = ()) -> HclBlock:
    block = HclBlock("lifecycle").raw("prevent_destroy", "true")
    if ignore:
        block.raw("ignore_changes", "[" + ", ".join(ignore) + "]")
    return block


def _advanced_selector(selector: dict[str, Any]) -> HclBlock:
    block = HclBlock("advanced_event_selector")
    if selector.get("Name") is not None:
        block.attr("name", str(selector["Name"]))
    for fs in selector.get("FieldSelectors", []):
        child = HclBlock("field_selector").attr("field", str(fs["Field"]))
        for api, hcl in _FIELD_OPERATORS:
            if fs.get(api) is not None:
                child.attr(hcl, [str(v) for v in fs[api]])
        block.block(child)
    return block


def _classic_selector(selector: dict[str, Any]) -> HclBlock:
    block = HclBlock("event_selector")
    block.attr("read_write_type", selector.get("ReadWriteType"))
    block.attr("include_management_events", selector.get("IncludeManagementEvents"))
    if selector.get("ExcludeManagementEventSources"):
        block.attr("exclude_management_event_sources", selector["ExcludeManagementEventSources"])
    for resource in selector.get("DataResources", []) or []:
        block.block(
            HclBlock("data_resource")
            .attr("type", resource.get("Type"))
            .attr("values", list(resource.get("Values", [])))
        )
    return block


def unexpressible_fields(state: TrailState) -> list[str]:
    """Advanced selector fields of ``state`` the pinned provider rejects (sorted; [] if none).

    The selectors Terraform would write: the plan's, else the trail's as read.
    """
    selectors = state.advanced_after
    if selectors is None and state.selectors_known:
        selectors = state.advanced_before
    fields = {str(fs.get("Field")) for s in selectors or [] for fs in s.get("FieldSelectors", [])}
    return sorted(fields - PROVIDER_SELECTOR_FIELDS)


def beyond_note(state: TrailState, fields: list[str]) -> str:
    """Why Terraform leaves the trail's event selectors alone (one line)."""
    what = (
        "the plan's new event selectors must be put with the script (apply.sh)"
        if state.advanced_after is not None
        else "Terraform leaves them as they are"
    )
    return (
        f"Trail {state.name}: its event selectors use field {', '.join(fields)}, which the "
        f"AWS provider ({AWS_PROVIDER_VERSION}) rejects: {what}."
    )


def trail_resource(state: TrailState, name: str, alias: str) -> str:
    """The trail's ``import`` block and resource (every step on it merged), named ``name``."""
    trail = state.trail
    block = HclBlock('resource "aws_cloudtrail" ' + hcl_string(name))
    block.raw("provider", f"aws.{alias}")
    _why(block, state.steps)
    block.attr("name", state.name)
    block.attr("s3_bucket_name", trail.get("S3BucketName"))
    block.attr("s3_key_prefix", trail.get("S3KeyPrefix") or None)
    block.attr("sns_topic_name", state.sns_topic)
    block.attr("include_global_service_events", trail.get("IncludeGlobalServiceEvents"))
    block.attr("is_multi_region_trail", trail.get("IsMultiRegionTrail"))
    block.attr("is_organization_trail", trail.get("IsOrganizationTrail"))
    block.attr("kms_key_id", trail.get("KmsKeyId") or None)
    block.attr("enable_log_file_validation", state.log_file_validation_after)
    block.attr("cloud_watch_logs_group_arn", trail.get("CloudWatchLogsLogGroupArn") or None)
    block.attr("cloud_watch_logs_role_arn", trail.get("CloudWatchLogsRoleArn") or None)
    block.raw("enable_logging", "true")
    tags = state.tags
    if tags:
        block.attr("tags", {t["Key"]: t["Value"] for t in tags})
    ignore: list[str] = []
    beyond = unexpressible_fields(state)
    if beyond:
        block.comment(beyond_note(state, beyond))
        ignore += ["event_selector", "advanced_event_selector"]
    elif state.advanced_after is not None:
        for selector in state.advanced_after:
            block.block(_advanced_selector(selector))
    elif not state.selectors_known:
        block.comment(
            "The plan does not hold this trail's event selectors: they are left as they are."
        )
        ignore += ["event_selector", "advanced_event_selector"]
    elif state.advanced_before:
        for selector in state.advanced_before:
            block.block(_advanced_selector(selector))
    elif state.classic_before:
        for selector in state.classic_before:
            block.block(_classic_selector(selector))
    insights = state.insights_after if state.insights_after is not None else state.insights_before
    if insights is None:
        block.comment(
            "The plan does not hold this trail's Insights selectors: they are left as they are."
        )
        ignore.append("insight_selector")
    for selector in insights or []:
        categories = selector.get("EventCategories")
        if categories and list(categories) != ["Management"]:
            block.comment(
                f"Insights on {', '.join(map(str, categories))} events: the AWS provider "
                "cannot express EventCategories; apply this selector with the script."
            )
        block.block(HclBlock("insight_selector").attr("insight_type", selector.get("InsightType")))
    if isinstance(trail.get("AggregationConfigurations"), list) and trail.get(
        "AggregationConfigurations"
    ):
        block.comment(
            "The trail's event aggregation settings are not expressed by the AWS provider; "
            "Terraform leaves them as they are."
        )
    block.block(_lifecycle(ignore=ignore))
    return _import("aws_cloudtrail", name, alias, state.arn) + "\n" + block.render()


def step_resource(step: Step, name: str, alias: str) -> str:
    """The resource a step that is not on a trail becomes, named ``name``.

    An existing resource (a dashboard, invocation logging) is preceded by its ``import``
    block; both name the provider ``aws.<alias>``.
    """
    kind = resource_key(step)
    assert kind is not None
    block = HclBlock(f"resource {hcl_string(kind[0])} {hcl_string(name)}")
    block.raw("provider", f"aws.{alias}")
    _why(block, [step])
    prefix = ""
    match step:
        case CreateLogGroup():
            block.attr("name", step.log_group_name)
            block.attr("log_group_class", "STANDARD")
            block.attr("retention_in_days", step.retention_in_days)
        case PutMetricFilter():
            block.attr("name", step.filter_name)
            block.attr("log_group_name", step.log_group_name)
            block.attr("pattern", step.pattern)
            transformation = (
                HclBlock("metric_transformation")
                .attr("name", step.metric_name)
                .attr("namespace", step.namespace)
                .attr("value", step.metric_value)
            )
            if step.default_value is not None:
                transformation.attr("default_value", _number_text(step.default_value))
            block.block(transformation)
        case PutMetricAlarm():
            block.attr("alarm_name", step.alarm_name)
            block.attr("alarm_description", step.description)
            block.attr("namespace", step.namespace)
            block.attr("metric_name", step.metric_name)
            block.attr("statistic", step.statistic)
            block.attr("period", step.period)
            block.attr("evaluation_periods", step.evaluation_periods)
            block.attr("datapoints_to_alarm", step.datapoints_to_alarm)
            block.attr("threshold", step.threshold)
            block.attr("comparison_operator", step.comparison_operator)
            block.attr("treat_missing_data", step.treat_missing_data)
            block.attr("alarm_actions", list(step.alarm_actions))
        case PutInsightRule():
            block.attr("rule_name", step.rule_name)
            block.attr("rule_state", step.state)
            block.attr("rule_definition", json.dumps(step.definition))
        case PutQueryDefinition():
            if step.query_language == "CWLI":
                block.attr("name", step.name)
                block.attr("query_string", step.query_string)
                if step.log_group_names:
                    block.attr("log_group_names", list(step.log_group_names))
            else:
                block.comment(
                    f"A {step.query_language} query: aws_cloudwatch_query_definition has no "
                    "query language argument, so it is made through Cloud Control."
                )
                block.attr("type_name", "AWS::Logs::QueryDefinition")
                state: dict[str, Any] = {
                    "Name": step.name,
                    "QueryLanguage": step.query_language,
                    "QueryString": step.query_string,
                }
                if step.log_group_names:
                    state["LogGroupNames"] = list(step.log_group_names)
                block.attr("desired_state", json.dumps(state))
        case PutDashboard():
            block.attr("dashboard_name", step.dashboard_name)
            block.attr("dashboard_body", json.dumps(step.body))
            if step.before is not None:
                block.comment("The dashboard exists: it is imported, its widgets are kept.")
                block.block(_lifecycle())
                prefix = _import(kind[0], name, alias, step.dashboard_name) + "\n"
        case PutInvocationLogging():
            block.block(_logging_config(step.config))
            if step.before:
                block.comment("Invocation logging is configured: it is imported, then changed.")
                block.block(_lifecycle())
                prefix = _import(kind[0], name, alias, step.region) + "\n"
        case TrailStep() | Unresolved():
            raise ValueError(f"a {step.kind} step is not a resource of its own")
        case _:
            assert_never(step)
    return prefix + block.render()


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


_DELIVERY_FLAGS = (
    ("textDataDeliveryEnabled", "text_data_delivery_enabled"),
    ("imageDataDeliveryEnabled", "image_data_delivery_enabled"),
    ("embeddingDataDeliveryEnabled", "embedding_data_delivery_enabled"),
    ("videoDataDeliveryEnabled", "video_data_delivery_enabled"),
)
_KNOWN_LOGGING_KEYS = {"cloudWatchConfig", "s3Config"} | {k for k, _ in _DELIVERY_FLAGS}


def _s3(header: str, config: dict[str, Any]) -> HclBlock:
    return (
        HclBlock(header)
        .attr("bucket_name", config.get("bucketName"))
        .attr("key_prefix", config.get("keyPrefix") or None)
    )


def _logging_config(config: dict[str, Any]) -> HclBlock:
    """``logging_config`` from the API's ``loggingConfig``: every delivery flag stated.

    The provider turns a flag it is not given on, the API leaves it off: an absent flag is
    written ``false`` so Terraform sends what the script sends.
    """
    block = HclBlock("logging_config")
    for api, hcl in _DELIVERY_FLAGS[:3]:
        block.attr(hcl, bool(config.get(api, False)))
    if "videoDataDeliveryEnabled" in config:
        block.attr("video_data_delivery_enabled", bool(config["videoDataDeliveryEnabled"]))
    cloudwatch = config.get("cloudWatchConfig")
    if isinstance(cloudwatch, dict):
        child = (
            HclBlock("cloudwatch_config")
            .attr("log_group_name", cloudwatch.get("logGroupName"))
            .attr("role_arn", cloudwatch.get("roleArn"))
        )
        large = cloudwatch.get("largeDataDeliveryS3Config")
        if isinstance(large, dict):
            child.block(_s3("large_data_delivery_s3_config", large))
        block.block(child)
    s3 = config.get("s3Config")
    if isinstance(s3, dict):
        block.block(_s3("s3_config", s3))
    for key in config:
        if key not in _KNOWN_LOGGING_KEYS:
            block.comment(f"Not expressed here (apply with the script): {key}")
    return block
