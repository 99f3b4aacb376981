"""The commands of each step of the fix plan's script, and the drift guard before them.

:func:`step_commands` writes the AWS CLI calls of one change. A step that replaces a
whole value (event and insight selectors, a dashboard, model invocation logging) also
has a :class:`Guard`: the script reads that value before any change and compares it with
what the scan saw and with what the plan writes (:func:`guard_lines`). Both dispatch on
the step's type with a ``match`` that names every kind of step, so a new kind is a type
error until it is handled here.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    Unresolved,
    UpdateTrail,
)
from aiposture.remediate.script_text import (
    AwsCall,
    dump_json,
    indent_first,
    jmespath_literal,
    printable,
    quote,
)

_DEFAULT_CLASSIC_SELECTORS: list[dict[str, Any]] = [
    {"ReadWriteType": "All", "IncludeManagementEvents": True}
]
"""What GetEventSelectors returns for a trail that never had selectors (normalised)."""


@dataclass(frozen=True)
class Guard:
    """What the script reads, before any change, of a value a step replaces whole."""

    what: str
    """What the step overwrites, for the drift message."""
    read: str
    """The bash command printing the current value as JSON."""
    after: Any
    """The value once the step is applied."""
    befores: list[Any]
    """The values the scan may have seen (the value is as scanned when it is one of them)."""


def guard(step: Step) -> Guard | None:
    """The drift guard of ``step``; None for a step that replaces no whole value."""
    match step:
        case PutEventSelectors():
            selectors = (
                AwsCall("cloudtrail", "get-event-selectors", step.region)
                .text("--trail-name", "TrailName", step.trail_arn)
                .query("{advanced: AdvancedEventSelectors, classic: EventSelectors}", "json")
            )
            befores: list[Any] = []
            if step.before_advanced is not None:
                befores.append({"advanced": step.before_advanced})
            if step.before_classic is not None:
                befores.append({"classic": step.before_classic})
            if step.before_advanced is None and step.before_classic is None:
                befores += [{}, {"classic": _DEFAULT_CLASSIC_SELECTORS}]
            return Guard(
                f"the event selectors of trail {step.trail_name} ({step.trail_arn})",
                selectors.render(),
                {"advanced": step.after},
                befores,
            )
        case PutInsightSelectors():
            insights = (
                AwsCall("cloudtrail", "get-insight-selectors", step.region)
                .text("--trail-name", "TrailName", step.trail_arn)
                .query("InsightSelectors", "json")
            )
            return Guard(
                f"the insight selectors of trail {step.trail_name} ({step.trail_arn})",
                f"aip_read InsightNotEnabledException '[]' {insights.render()}",
                step.after,
                [step.before],
            )
        case PutDashboard():
            dashboard = (
                AwsCall("cloudwatch", "get-dashboard", step.region)
                .text("--dashboard-name", "DashboardName", step.dashboard_name)
                .query("DashboardBody", "text")
            )
            return Guard(
                f"dashboard {step.dashboard_name} in {step.region}",
                f"aip_read ResourceNotFound null {dashboard.render()}",
                step.body,
                [step.before],
            )
        case PutInvocationLogging():
            config = AwsCall(
                "bedrock", "get-model-invocation-logging-configuration", step.region
            ).query("loggingConfig", "json")
            return Guard(
                f"the Bedrock model invocation logging configuration in {step.region}",
                config.render(),
                step.config,
                [step.before],
            )
        case (
            UpdateTrail()
            | StartLogging()
            | CreateLogGroup()
            | PutMetricFilter()
            | PutMetricAlarm()
            | PutInsightRule()
            | PutQueryDefinition()
            | Unresolved()
        ):
            return None
        case _:
            assert_never(step)


def guard_lines(number: int, found: Guard) -> list[str]:
    """Read the value step ``number`` overwrites and classify it (no change made)."""
    compare = " ".join(["aip_compare", '"$aip_value"', quote(dump_json(found.after))])
    compare += "".join(" " + quote(dump_json(b)) for b in found.befores)
    return [
        f"aip_value=$({found.read})",
        f"aip_state_{number}=$({compare})",
        f'aip_guard "$aip_state_{number}" {quote(printable(found.what))}',
    ]


def step_commands(step: Step) -> list[str]:
    """The commands of one change step.

    Raises :class:`ValueError` for a step that would turn something off, or an
    :class:`~aiposture.remediate.plan.Unresolved` one (neither is a change a plan makes).
    """
    match step:
        case UpdateTrail():
            if step.enable_log_file_validation is False:
                raise ValueError("a plan never turns log file validation off")
            if step.enable_log_file_validation is None:
                return ["echo '    nothing to update'"]
            call = AwsCall("cloudtrail", "update-trail", step.region)
            call.text("--name", "Name", step.trail_arn).raw("--enable-log-file-validation")
            return [call.render()]
        case StartLogging():
            call = AwsCall("cloudtrail", "start-logging", step.region)
            return [call.text("--name", "Name", step.trail_arn).render()]
        case PutEventSelectors():
            call = AwsCall("cloudtrail", "put-event-selectors", step.region)
            call.text("--trail-name", "TrailName", step.trail_arn)
            return [call.json("--advanced-event-selectors", step.after).render()]
        case PutInsightSelectors():
            if not step.after:
                raise ValueError("a plan never turns CloudTrail Insights off")
            call = AwsCall("cloudtrail", "put-insight-selectors", step.region)
            call.text("--trail-name", "TrailName", step.trail_arn)
            return [call.json("--insight-selectors", step.after).render()]
        case CreateLogGroup():
            return _create_log_group(step)
        case PutMetricFilter():
            return _put_metric_filter(step)
        case PutMetricAlarm():
            return _put_metric_alarm(step)
        case PutInsightRule():
            call = AwsCall("cloudwatch", "put-insight-rule", step.region)
            call.text("--rule-name", "RuleName", step.rule_name)
            call.text("--rule-state", "RuleState", step.state)
            return [call.json("--rule-definition", step.definition).render()]
        case PutQueryDefinition():
            return _put_query_definition(step)
        case PutDashboard():
            call = AwsCall("cloudwatch", "put-dashboard", step.region)
            call.text("--dashboard-name", "DashboardName", step.dashboard_name)
            return [call.json("--dashboard-body", step.body).render()]
        case PutInvocationLogging():
            call = AwsCall("bedrock", "put-model-invocation-logging-configuration", step.region)
            return [call.json("--logging-config", step.config).render()]
        case Unresolved():
            raise ValueError("an unresolved step makes no change")
        case _:
            assert_never(step)


def _put_metric_filter(step: PutMetricFilter) -> list[str]:
    transformation = step.metric_transformation()
    call = AwsCall("logs", "put-metric-filter", step.region)
    call.text("--log-group-name", "logGroupName", step.log_group_name)
    call.text("--filter-name", "filterName", step.filter_name)
    call.text("--filter-pattern", "filterPattern", step.pattern)
    return [call.json("--metric-transformations", [transformation]).render()]


def _put_metric_alarm(step: PutMetricAlarm) -> list[str]:
    call = AwsCall("cloudwatch", "put-metric-alarm", step.region)
    call.text("--alarm-name", "AlarmName", step.alarm_name)
    call.text("--alarm-description", "AlarmDescription", step.description)
    call.text("--namespace", "Namespace", step.namespace)
    call.text("--metric-name", "MetricName", step.metric_name)
    call.text("--statistic", "Statistic", step.statistic)
    call.number("--period", step.period)
    call.number("--evaluation-periods", step.evaluation_periods)
    call.number("--datapoints-to-alarm", step.datapoints_to_alarm)
    call.number("--threshold", step.threshold)
    call.text("--comparison-operator", "ComparisonOperator", step.comparison_operator)
    call.text("--treat-missing-data", "TreatMissingData", step.treat_missing_data)
    return [call.json("--alarm-actions", step.alarm_actions).render()]


def _create_log_group(step: CreateLogGroup) -> list[str]:
    exact = f"length(logGroups[?logGroupName=={jmespath_literal(step.log_group_name)}])"
    count = AwsCall("logs", "describe-log-groups", step.region)
    count.text("--log-group-name-prefix", "logGroupNamePrefix", step.log_group_name)
    count.query(exact, "json")  # json: the query sees every page at once
    create = AwsCall("logs", "create-log-group", step.region)
    create.text("--log-group-name", "logGroupName", step.log_group_name)
    create.text("--log-group-class", "logGroupClass", "STANDARD")
    lines = [
        f"aip_found=$({count.render()})",
        'if [ "$aip_found" = 0 ]; then',
        *indent_first(create.render()),
    ]
    if step.retention_in_days is not None:
        retention = AwsCall("logs", "put-retention-policy", step.region)
        retention.text("--log-group-name", "logGroupName", step.log_group_name)
        retention.number("--retention-in-days", step.retention_in_days)
        lines += indent_first(retention.render())
    lines += [
        "else",
        "  echo '    the log group exists; kept as it is (retention included)'",
        "fi",
    ]
    return lines


def _put_query_definition(step: PutQueryDefinition) -> list[str]:
    ids = f"queryDefinitions[?name=={jmespath_literal(step.name)}].queryDefinitionId"
    lookups = []
    for language in (step.query_language, None):
        find = AwsCall("logs", "describe-query-definitions", step.region)
        find.text("--query-definition-name-prefix", "queryDefinitionNamePrefix", step.name)
        if language is not None:
            find.text("--query-language", "queryLanguage", language)
        find.number("--max-results", 1000)
        lookups.append(find.query(ids, "text").render())

    def put(with_id: bool) -> str:
        call = AwsCall("logs", "put-query-definition", step.region)
        call.text("--name", "name", step.name)
        if with_id:
            call.raw('--query-definition-id "$aip_id"')
        call.text("--query-string", "queryString", step.query_string)
        call.json("--log-group-names", step.log_group_names)
        return call.text("--query-language", "queryLanguage", step.query_language).render()

    return [
        "# Looked up by exact name (in its language first), so a second run updates it.",
        f"aip_id=$({lookups[0]})",
        'if [ -z "$aip_id" ] || [ "$aip_id" = None ]; then',
        f"  aip_id=$({lookups[1]})",
        "fi",
        "aip_id=${aip_id%%[[:space:]]*}",
        'if [ -n "$aip_id" ] && [ "$aip_id" != None ]; then',
        '  echo "    updating query definition $aip_id"',
        *indent_first(put(True)),
        "else",
        *indent_first(put(False)),
        "fi",
    ]
