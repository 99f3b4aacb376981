r"""The fix plan as Terraform: one ``main.tf`` per account.

:func:`render_terraform` writes, for one account:

- the ``terraform`` block (Terraform 1.5+ for ``import`` blocks; the AWS provider in
  :data:`AWS_PROVIDER_VERSION`, the versions the generated code is validated against);
- one ``provider "aws"`` per region, with an alias and ``allowed_account_ids`` so the file
  can only be applied to the account it was made for; every resource and import block
  names its provider;
- existing resources the plan changes (trails, invocation logging, an existing dashboard)
  as an ``import`` block and a resource with every property as read plus the new ones,
  with ``prevent_destroy``;
- new resources for the rest.

Every string is an HCL quoted string, escaped exactly (:func:`hcl_string`): ``\``, ``"``,
control characters, and the template sequences ``${`` and ``%{`` (doubled), so a value from
AWS stays inert. JSON bodies (dashboard, Contributor Insights rule) are escaped JSON text,
so they parse back to the plan's values exactly. The failures the plan cannot fix are
comments at the top (``# NOT FIXED: ...``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from aiposture.remediate.cloudformation import TrailState, trail_states
from aiposture.remediate.plan import (
    AccountPlan,
    CreateLogGroup,
    Plan,
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

__all__ = [
    "AWS_PROVIDER_VERSION",
    "PROVIDER_SELECTOR_FIELDS",
    "TERRAFORM_VERSION",
    "hcl_string",
    "provider_alias",
    "render_terraform",
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
TERRAFORM_VERSION = ">= 1.5.0"
"""``import`` blocks need Terraform 1.5."""

_IDENT_MAX = 64
_FIELD_OPERATORS: tuple[tuple[str, str], ...] = (
    ("Equals", "equals"),
    ("StartsWith", "starts_with"),
    ("EndsWith", "ends_with"),
    ("NotEquals", "not_equals"),
    ("NotStartsWith", "not_starts_with"),
    ("NotEndsWith", "not_ends_with"),
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def hcl_string(value: str) -> str:
    r"""``value`` as an HCL quoted string literal that evaluates to exactly ``value``.

    ``\`` and ``"`` are escaped; every character that is not printable
    (:meth:`str.isprintable`: C0 and C1 controls, U+0085, U+2028, U+2029, U+FEFF, bidi
    and other format characters) is written as an HCL ``\uNNNN`` / ``\UNNNNNNNN`` escape,
    so the file holds no invisible or line-breaking character and no byte order mark; the
    template sequences ``${`` and ``%{`` are doubled (``$${``, ``%%{``: HCL native syntax
    specification, "Template Literals"). A value is never written as a heredoc. One limit
    that no escape lifts: Terraform keeps every string in Unicode normalization form C, so
    a value in another form (a letter and a combining accent) is composed when Terraform
    reads it.
    """
    out: list[str] = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not ch.isprintable():
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    text = "".join(out)
    # A template sequence starts at "${" or "%{"; doubling the sign makes it literal.
    text = text.replace("${", "$${").replace("%{", "%%{")
    return f'"{text}"'


def provider_alias(region: str) -> str:
    """The provider alias for ``region`` (``us-east-1`` -> ``us_east_1``)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", region)


def _comment(text: str) -> str:
    r"""``text`` on one comment line (no newline can end the comment early).

    Whitespace runs become one space; any other character that is not printable (an
    escape sequence, a bidi override) is shown as a ``\uNNNN`` escape.
    """
    flat = " ".join(str(text).split())
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in flat)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{hcl_string(str(k))} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no HCL form for {type(value).__name__}")


class _Block:
    """An HCL block being written: attributes and nested blocks, laid out as ``terraform fmt``.

    Consecutive attributes form a group whose ``=`` signs line up; a comment or a nested
    block ends the group.
    """

    def __init__(self, header: str) -> None:
        self.header = header
        self.items: list[tuple[str, str]] = []
        """(attribute name, expression), or ("", a line of text already laid out)."""

    def attr(self, name: str, value: Any) -> _Block:
        if value is not None:
            self.items.append((name, _value(value)))
        return self

    def raw(self, name: str, expression: str) -> _Block:
        self.items.append((name, expression))
        return self

    def comment(self, text: str) -> _Block:
        self.items.append(("", f"# {_comment(text)}"))
        return self

    def block(self, child: _Block) -> _Block:
        self.items.extend(("", line) for line in child.render().splitlines())
        return self

    def render(self) -> str:
        lines: list[str] = []
        group: list[tuple[str, str]] = []

        def flush() -> None:
            width = max((len(n) for n, _ in group), default=0)
            lines.extend(f"{n.ljust(width)} = {e}" for n, e in group)
            group.clear()

        for name, text in self.items:
            if name:
                group.append((name, text))
            else:
                flush()
                lines.append(text)
        flush()
        body = "".join(f"  {line}\n" for line in lines)
        return f"{self.header} {{\n{body}}}\n"


# ---------------------------------------------------------------------------------------
# Names


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "r"
    if not re.match(r"[a-z_]", slug):
        slug = "r_" + slug
    return slug


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:8]


def _names(keys: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    """Valid, unique, stable names for ``(resource type, region, name)`` keys.

    The name is the slug of the resource's own name; one too long, or one that two
    resources of the same type share, gets a short hash of the region and name appended.
    """
    base: dict[tuple[str, str, str], str] = {}
    for key in keys:
        slug = _slug(key[2])
        if len(slug) > _IDENT_MAX:
            slug = slug[:_IDENT_MAX] + "_" + _short_hash(*key)
        base[key] = slug
    counts: dict[tuple[str, str], int] = {}
    for key, slug in base.items():
        counts[(key[0], slug)] = counts.get((key[0], slug), 0) + 1
    result: dict[tuple[str, str, str], str] = {}
    used: set[tuple[str, str]] = set()
    for key, slug in base.items():
        name = slug if counts[(key[0], slug)] == 1 else f"{slug}_{_short_hash(*key)}"
        while (key[0], name) in used:  # never in practice
            name = f"{name}_{_short_hash(name)}"
        used.add((key[0], name))
        result[key] = name
    return result


def _key(step: Step) -> tuple[str, str, str] | None:
    """(resource type, region, name) of the resource a step becomes."""
    if isinstance(step, TrailStep):
        return ("aws_cloudtrail", step.region, step.trail_name)
    if isinstance(step, CreateLogGroup):
        return ("aws_cloudwatch_log_group", step.region, step.log_group_name)
    if isinstance(step, PutMetricFilter):
        return ("aws_cloudwatch_log_metric_filter", step.region, step.filter_name)
    if isinstance(step, PutMetricAlarm):
        return ("aws_cloudwatch_metric_alarm", step.region, step.alarm_name)
    if isinstance(step, PutInsightRule):
        return ("aws_cloudwatch_contributor_insight_rule", step.region, step.rule_name)
    if isinstance(step, PutQueryDefinition):
        kind = (
            "aws_cloudwatch_query_definition"
            if step.query_language == "CWLI"
            else "aws_cloudcontrolapi_resource"
        )
        return (kind, step.region, step.name)
    if isinstance(step, PutDashboard):
        return ("aws_cloudwatch_dashboard", step.region, step.dashboard_name)
    if isinstance(step, PutInvocationLogging):
        return (
            "aws_bedrock_model_invocation_logging_configuration",
            step.region,
            f"invocation_logging_{step.region}",
        )
    return None


# ---------------------------------------------------------------------------------------
# Resources


def _why(block: _Block, steps: Sequence[Step]) -> None:
    for step in steps:
        checks = ", ".join(dict.fromkeys(t.check_id for t in step.targets))
        block.comment(f"{step.kind}: {step.reason}" + (f" Fixes: {checks}." if checks else ""))
        for note in step.notes:
            block.comment(f"Note: {note}")


def _import(kind: str, name: str, alias: str, ident: str) -> str:
    block = _Block("import")
    block.raw("provider", f"aws.{alias}")
    block.raw("to", f"{kind}.{name}")
    block.attr("id", ident)
    return block.render()


def _lifecycle(*, ignore: Sequence[str] = ()) -> _Block:
    block = _Block("lifecycle").raw("prevent_destroy", "true")
    if ignore:
        block.raw("ignore_changes", "[" + ", ".join(ignore) + "]")
    return block


def _advanced_selector(selector: dict[str, Any]) -> _Block:
    block = _Block("advanced_event_selector")
    if selector.get("Name") is not None:
        block.attr("name", str(selector["Name"]))
    for fs in selector.get("FieldSelectors", []):
        child = _Block("field_selector").attr("field", str(fs["Field"]))
        for api, hcl in _FIELD_OPERATORS:
            if fs.get(api) is not None:
                child.attr(hcl, [str(v) for v in fs[api]])
        block.block(child)
    return block


def _classic_selector(selector: dict[str, Any]) -> _Block:
    block = _Block("event_selector")
    block.attr("read_write_type", selector.get("ReadWriteType"))
    block.attr("include_management_events", selector.get("IncludeManagementEvents"))
    if selector.get("ExcludeManagementEventSources"):
        block.attr("exclude_management_event_sources", selector["ExcludeManagementEventSources"])
    for resource in selector.get("DataResources", []) or []:
        block.block(
            _Block("data_resource")
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


def _beyond_note(state: TrailState, fields: list[str]) -> str:
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


def _trail(state: TrailState, name: str, alias: str) -> str:
    trail = state.trail
    block = _Block('resource "aws_cloudtrail" ' + hcl_string(name))
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
        block.comment(_beyond_note(state, beyond))
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
        block.block(_Block("insight_selector").attr("insight_type", selector.get("InsightType")))
    if isinstance(trail.get("AggregationConfigurations"), list) and trail.get(
        "AggregationConfigurations"
    ):
        block.comment(
            "The trail's event aggregation settings are not expressed by the AWS provider; "
            "Terraform leaves them as they are."
        )
    block.block(_lifecycle(ignore=ignore))
    return _import("aws_cloudtrail", name, alias, state.arn) + "\n" + block.render()


def _resource(step: Step, name: str, alias: str) -> str:
    kind = _key(step)
    assert kind is not None
    block = _Block(f"resource {hcl_string(kind[0])} {hcl_string(name)}")
    block.raw("provider", f"aws.{alias}")
    _why(block, [step])
    prefix = ""
    if isinstance(step, CreateLogGroup):
        block.attr("name", step.log_group_name)
        block.attr("log_group_class", "STANDARD")
        block.attr("retention_in_days", step.retention_in_days)
    elif isinstance(step, PutMetricFilter):
        block.attr("name", step.filter_name)
        block.attr("log_group_name", step.log_group_name)
        block.attr("pattern", step.pattern)
        transformation = (
            _Block("metric_transformation")
            .attr("name", step.metric_name)
            .attr("namespace", step.namespace)
            .attr("value", step.metric_value)
        )
        if step.default_value is not None:
            transformation.attr("default_value", _number_text(step.default_value))
        block.block(transformation)
    elif isinstance(step, PutMetricAlarm):
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
    elif isinstance(step, PutInsightRule):
        block.attr("rule_name", step.rule_name)
        block.attr("rule_state", step.state)
        block.attr("rule_definition", json.dumps(step.definition))
    elif isinstance(step, PutQueryDefinition):
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
    elif isinstance(step, PutDashboard):
        block.attr("dashboard_name", step.dashboard_name)
        block.attr("dashboard_body", json.dumps(step.body))
        if step.before is not None:
            block.comment("The dashboard exists: it is imported, its widgets are kept.")
            block.block(_lifecycle())
            prefix = _import(kind[0], name, alias, step.dashboard_name) + "\n"
    elif isinstance(step, PutInvocationLogging):
        block.block(_logging_config(step.config))
        if step.before:
            block.comment("Invocation logging is configured: it is imported, then changed.")
            block.block(_lifecycle())
            prefix = _import(kind[0], name, alias, step.region) + "\n"
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


def _s3(header: str, config: dict[str, Any]) -> _Block:
    return (
        _Block(header)
        .attr("bucket_name", config.get("bucketName"))
        .attr("key_prefix", config.get("keyPrefix") or None)
    )


def _logging_config(config: dict[str, Any]) -> _Block:
    """``logging_config`` from the API's ``loggingConfig``: every delivery flag stated.

    The provider turns a flag it is not given on, the API leaves it off: an absent flag is
    written ``false`` so Terraform sends what the script sends.
    """
    block = _Block("logging_config")
    for api, hcl in _DELIVERY_FLAGS[:3]:
        block.attr(hcl, bool(config.get(api, False)))
    if "videoDataDeliveryEnabled" in config:
        block.attr("video_data_delivery_enabled", bool(config["videoDataDeliveryEnabled"]))
    cloudwatch = config.get("cloudWatchConfig")
    if isinstance(cloudwatch, dict):
        child = (
            _Block("cloudwatch_config")
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


def _header(plan: Plan, account: AccountPlan) -> list[str]:
    lines = [
        f"# aiposture fix plan for account {account.account_id}: Terraform.",
        f"# Made by aiposture {_comment(plan.tool_version)} on {plan.generated_at.isoformat()}"
        f" from snapshot sha256 {plan.snapshot_sha256}.",
        "# Existing resources (trails, invocation logging, an existing dashboard) are imported",
        "# (import blocks, Terraform 1.5+) and keep prevent_destroy. Review `terraform plan`:",
        "# the imported resources must show only the changes explained next to them.",
    ]
    for step in account.unresolved:
        checks = ", ".join(dict.fromkeys(t.check_id for t in step.targets))
        fix = f"set {step.config_key}" if step.config_key else "a manual change"
        lines.append("# NOT FIXED: " + _comment(f"{step.reason} ({checks}, {step.region}): {fix}."))
    return lines


def render_terraform(plan: Plan, account: AccountPlan) -> str:
    """One account's plan as a Terraform ``main.tf``."""
    regions: list[str] = list(dict.fromkeys(s.region for s in account.steps))
    keys: list[tuple[str, str, str]] = []
    for step in account.changes:
        key = _key(step)
        if key is not None and key not in keys:
            keys.append(key)
    names = _names(keys)

    parts: list[str] = ["\n".join(_header(plan, account)) + "\n"]
    parts.append(
        "terraform {\n"
        f"  required_version = {hcl_string(TERRAFORM_VERSION)}\n"
        "  required_providers {\n"
        "    aws = {\n"
        f'      source  = "hashicorp/aws"\n'
        f"      version = {hcl_string(AWS_PROVIDER_VERSION)}\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    change_regions = list(dict.fromkeys(s.region for s in account.changes))
    for region in change_regions:
        parts.append(
            _Block('provider "aws"')
            .raw("alias", hcl_string(provider_alias(region)))
            .attr("region", region)
            .attr("allowed_account_ids", [account.account_id])
            .render()
        )
    for region in regions:
        steps = [s for s in account.changes if s.region == region]
        if not steps:
            continue
        alias = provider_alias(region)
        for state in trail_states(steps):
            beyond = unexpressible_fields(state)
            if beyond and state.advanced_after is not None:
                parts[0] += f"# NOT IN TERRAFORM: {_comment(_beyond_note(state, beyond))}\n"
            parts.append(_trail(state, names[("aws_cloudtrail", region, state.name)], alias))
        for step in steps:
            if isinstance(step, TrailStep | Unresolved):
                continue
            key = _key(step)
            if key is None:
                continue
            parts.append(_resource(step, names[key], alias))
    return "\n".join(parts)
