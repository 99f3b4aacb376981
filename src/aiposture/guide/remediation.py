"""Remediation text built from the guide's detection data, so the report and fix plan agree.

A check's YAML remediation text writes the placeholder :data:`RECOMMENDED_COMMAND`; the
catalog loader replaces it with the command (``put-metric-filter`` for a Metric Filter,
``put-insight-rule`` for a Contributor Insights Rule, ``put-query-definition`` for a Query,
an SNS topic and ``put-metric-alarm`` for an Alarm) this module builds from
:mod:`aiposture.guide.detection`, the same data the fix planner
(:mod:`aiposture.remediate.detection`) deploys. The recommended filter name, pattern, metric,
namespace and alarm threshold are therefore written once, in ``guide/detection.yaml``.
"""

from __future__ import annotations

import json
import re
import shlex

from aiposture.guide import detection as guide

RECOMMENDED_COMMAND = "{recommended_command}"
"""The placeholder a check's remediation text writes where the recommended command goes."""
LOG_GROUP_PLACEHOLDER = "<cloudtrail-log-group>"
"""How remediation text names the CloudTrail delivery log group."""
_FILTER_REF = "Metric Filter "
_RULE_REF = "Contributor Insights Rule "
_QUERY_REF = "Query "
_ALARM_REF = "Alarm: "
ALARM_TOPICS: dict[str, str] = {"security": "ai-security-alerts", "ai-ops": "ai-ops-alerts"}
"""The SNS topic remediation text recommends for each alarm table (team) of the guide."""


def metric_filter_command(number: int) -> str:
    """The ``aws logs put-metric-filter`` command creating the guide's Metric Filter ``number``.

    Filter name, pattern (mantle-aware where guide 002 requires) and metric are the ones the
    fix plan deploys; the namespace is the guide's.
    """
    mf = guide.metric_filter(number)
    return (
        f"aws logs put-metric-filter --log-group-name {LOG_GROUP_PLACEHOLDER} "
        f"--filter-name {mf.filter_name} --filter-pattern {shlex.quote(mf.complete_pattern)} "
        f"--metric-transformations metricName={mf.metric},"
        f"metricNamespace={guide.METRIC_NAMESPACE},metricValue=1,defaultValue=0"
    )


def insight_rule_command(
    number: int, log_group: str = guide.CLOUDTRAIL_LOG_GROUP_PLACEHOLDER
) -> str:
    """The ``aws cloudwatch put-insight-rule`` command creating Contributor Insights Rule N.

    Rule name and definition (mantle-aware where guide 002 requires) on ``log_group`` are
    the ones the fix plan deploys.
    """
    rule = guide.insight_rule(number)
    body = json.dumps(rule.definition(log_group), separators=(",", ":"))
    return (
        f"aws cloudwatch put-insight-rule --rule-name {rule.name} "
        f"--rule-state ENABLED --rule-definition {shlex.quote(body)}"
    )


def saved_query_command(number: int) -> str:
    """The ``aws logs put-query-definition`` command saving the guide's Query ``number``.

    Name, SQL (mantle-aware where guide 002 requires, on one line) and log groups are the
    ones the fix plan saves; the CloudTrail log group is :data:`LOG_GROUP_PLACEHOLDER`.
    """
    q = guide.query(number)
    sql = " ".join(q.sql_for(LOG_GROUP_PLACEHOLDER).split())
    groups = " ".join(q.log_groups(LOG_GROUP_PLACEHOLDER))
    return (
        f"aws logs put-query-definition --query-language SQL --name {shlex.quote(q.query_name)} "
        f"--query-string {shlex.quote(sql)} --log-group-names {groups}"
    )


def _double_quoted(text: str) -> str:
    """``text`` for a shell: in double quotes when plain (the guide's alarm names), else quoted."""
    return f'"{text}"' if re.fullmatch(r"[\w .-]+", text) else shlex.quote(text)


def alarm_command(name: str) -> str:
    """The commands creating the guide's alarm ``name`` and the topic it notifies.

    The team's SNS topic (:data:`ALARM_TOPICS`) with an e-mail subscription, then ``aws
    cloudwatch put-metric-alarm`` on the guide's metric: the name, namespace, threshold and
    period of the guide's alarm table, Sum over one period, as the fix plan writes it.
    """
    alarm = guide.ALARMS_BY_NAME[name]
    topic = ALARM_TOPICS[alarm.team]
    arn = f"arn:aws:sns:<region>:<account>:{topic}"
    return (
        f"aws sns create-topic --name {topic}; aws sns subscribe --topic-arn {arn} "
        "--protocol email --notification-endpoint <address> (confirm the subscription from "
        "the message it sends); aws cloudwatch put-metric-alarm --alarm-name "
        f"{_double_quoted(alarm.name)} --namespace {guide.METRIC_NAMESPACE} --metric-name "
        f"{alarm.metric} --statistic Sum --period {alarm.period_seconds} --evaluation-periods 1 "
        f"--datapoints-to-alarm 1 --threshold {alarm.threshold:g} --comparison-operator "
        f"GreaterThanThreshold --treat-missing-data notBreaching --alarm-actions {arn}"
    )


def _number(ref: str, prefix: str) -> int | None:
    rest = ref.removeprefix(prefix)
    return int(rest) if rest != ref and rest.isdigit() else None


def recommended_command(seed_refs: list[str]) -> str | None:
    """The command for the guide item ``seed_refs`` name, or None when none is known."""
    for ref in seed_refs:
        if (n := _number(ref, _FILTER_REF)) is not None:
            return metric_filter_command(n)
        if (n := _number(ref, _RULE_REF)) is not None:
            return insight_rule_command(n)
        if (n := _number(ref, _QUERY_REF)) is not None:
            return saved_query_command(n)
        if ref.startswith(_ALARM_REF) and ref.removeprefix(_ALARM_REF) in guide.ALARMS_BY_NAME:
            return alarm_command(ref.removeprefix(_ALARM_REF))
    return None


def fill(text: str, seed_refs: list[str]) -> str:
    """``text`` with :data:`RECOMMENDED_COMMAND` replaced by the guide item's command.

    Raises ``ValueError`` when the text asks for a command and ``seed_refs`` names no guide
    item that has one.
    """
    if RECOMMENDED_COMMAND not in text:
        return text
    command = recommended_command(seed_refs)
    if command is None:
        raise ValueError(
            f"remediation text uses {RECOMMENDED_COMMAND} but seed_refs {seed_refs} name no "
            "guide item with a recommended command"
        )
    return text.replace(RECOMMENDED_COMMAND, command)
