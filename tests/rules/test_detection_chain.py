"""The detection chain, class by class: each broken form fails at the right link, its twin passes.

Six classes of wrong PASS (issue 12): the trail does not record the events; delivery is broken
or the log class cannot do it; the filter or rule is over-broad; missing data keeps the alarm
in ALARM; linear metric math; what the filter really sees (selection criteria, transformed
logs, log alarms). Every test runs the catalog's real checks over a hand-built snapshot.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aiposture.config import Config
from aiposture.guide import detection as guide
from aiposture.results import Status
from aiposture.rules.base import Outcome
from aiposture.rules.contributor_insights_rule import ContributorInsightsParams
from aiposture.rules.metric_filter import MetricFilterParams
from aiposture.snapshot.models import Snapshot, SnsTopic, Trail
from tests.builders import (
    ACCOUNT,
    REGION,
    denied,
    guide_selectors,
    guide_trail,
    log_group,
    snapshot,
    trail,
    with_detection,
)
from tests.rules.helpers import CATALOG, only, run_check

GROUP = "aws-cloudtrail-logs/ai"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:ai-security-alerts"
CONFIRMED = f"{TOPIC}:0b6941c7-1b7d-4c3b-8f1c-2f3c9f0e1a11"
MANAGEMENT = [
    {"Name": "Management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
]

MF = {
    1: "mf-01-bedrock-unauthorized-access",
    2: "mf-02-bedrock-agent-invocations",
    7: "mf-07-ai-role-permission-changes",
    13: "mf-13-insights-anomalies",
    14: "mf-14-cloudtrail-logging-disruption",
    19: "mf-19-agentcore-memory-operations",
    20: "mf-20-gateway-config-changes",
}
ALARM = {
    1: "alarm-bedrock-unauthorized-access",
    2: "alarm-bedrock-agent-invocation-spike",
    4: "alarm-bedrock-guardrail-modification",
    14: "alarm-cloudtrail-logging-disruption",
}


def link_of(outcome: Outcome) -> str | None:
    """The first broken link the outcome names (None for a pass)."""
    return outcome.evidence.get("broken_link")


def guide_filter(number: int, *, name: str | None = None, **extra: Any) -> dict[str, Any]:
    """The guide's (mantle-aware) filter ``number`` as DescribeMetricFilters returns it."""
    mf = guide.metric_filter(number)
    return filter_entry(mf.complete_pattern, mf.metric, name=name or mf.filter_name, **extra)


def filter_entry(
    pattern: str, metric: str, *, name: str = "f", default: float | None = 0.0, **extra: Any
) -> dict[str, Any]:
    """A DescribeMetricFilters entry publishing AIWorkloadMetrics/``metric``."""
    transformation: dict[str, Any] = {
        "metricName": metric,
        "metricNamespace": "AIWorkloadMetrics",
        "metricValue": "1",
    }
    if default is not None:
        transformation["defaultValue"] = default
    return {
        "filterName": name,
        "filterPattern": pattern,
        "logGroupName": GROUP,
        "metricTransformations": [transformation],
        **extra,
    }


def guide_alarm(number: int, **over: Any) -> dict[str, Any]:
    """The guide's alarm on Metric Filter ``number``'s metric, as DescribeAlarms returns it."""
    alarm = guide.alarm_for_metric(guide.metric_filter(number).metric)
    base: dict[str, Any] = {
        "AlarmName": alarm.alarm_name,
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{alarm.alarm_name}",
        "Namespace": "AIWorkloadMetrics",
        "MetricName": alarm.metric,
        "Dimensions": [],
        "Statistic": "Sum",
        "Period": alarm.period_seconds,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        "Threshold": float(alarm.threshold),
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC],
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def world(
    *,
    the_trail: Trail | None = None,
    filters: list[dict[str, Any]] | None = None,
    alarms: list[dict[str, Any]] | None = None,
    log_alarms: list[dict[str, Any]] | None = None,
    rules: list[dict[str, Any]] | None = None,
    cls: str = "STANDARD",
) -> Snapshot:
    """One account whose trail delivers to GROUP, with the given detection layer."""
    snap = snapshot(the_trail or guide_trail(), log_groups=[log_group(GROUP, cls=cls)])
    return with_detection(
        snap,
        metric_filters={GROUP: list(filters or [])},
        alarms=list(alarms or []),
        composite_alarms=[],
        log_alarms=list(log_alarms or []),
        sns_topics={
            TOPIC: SnsTopic(
                attributes={"TopicArn": TOPIC, "SubscriptionsConfirmed": "1"},
                subscriptions=[{"SubscriptionArn": CONFIRMED, "Protocol": "email"}],
            )
        },
        insight_rules=list(rules or []),
        query_definitions=[],
    )


def check(check_id: str, snap: Snapshot, config: Config | None = None) -> Outcome:
    """The outcome of catalog check ``check_id`` for ACCOUNT in REGION."""
    return only(run_check(check_id, snap, config=config))


def data_only_trail() -> Trail:
    """A trail with every data-event selector of the guide and no management events."""
    selectors = [s for s in guide_selectors() if s["Name"] != "Management events selector"]
    return guide_trail(advanced=selectors)


# --- 1. the trail must record the events ---------------------------------------------------------


@pytest.mark.parametrize("number", [2, 19])
def test_a_management_only_trail_breaks_data_event_detections_at_recorded(number: int) -> None:
    broken = world(the_trail=trail(advanced=MANAGEMENT), filters=[guide_filter(number)])
    out = check(MF[number], broken)
    assert out.status is Status.FAIL
    assert link_of(out) == "recorded"
    assert out.message.startswith("Broken link: recorded.")
    assert "does not log the data event" in out.message
    twin = check(MF[number], world(filters=[guide_filter(number)]))
    assert twin.status is Status.PASS, twin.message


def test_the_alarm_on_an_unrecorded_detection_fails_at_recorded_too() -> None:
    snap = world(
        the_trail=trail(advanced=MANAGEMENT), filters=[guide_filter(2)], alarms=[guide_alarm(2)]
    )
    out = check(ALARM[2], snap)
    assert out.status is Status.FAIL and link_of(out) == "recorded"
    twin = check(ALARM[2], world(filters=[guide_filter(2)], alarms=[guide_alarm(2)]))
    assert twin.status is Status.PASS, twin.message


@pytest.mark.parametrize("number", [7, 14])
def test_a_data_only_trail_breaks_management_event_detections(number: int) -> None:
    out = check(MF[number], world(the_trail=data_only_trail(), filters=[guide_filter(number)]))
    assert out.status is Status.FAIL and link_of(out) == "recorded"
    assert "management events" in out.message


def test_insights_events_are_recorded_only_where_insights_are_on() -> None:
    off = check(MF[13], world(the_trail=guide_trail(insights=[]), filters=[guide_filter(13)]))
    assert off.status is Status.FAIL and link_of(off) == "recorded"
    assert "Insights" in off.message
    management_only = [
        {"InsightType": t, "EventCategories": ["Management"]}
        for t in ("ApiCallRateInsight", "ApiErrorRateInsight")
    ]
    half = check(
        MF[13], world(the_trail=guide_trail(insights=management_only), filters=[guide_filter(13)])
    )
    params = CATALOG.params_by_id[MF[13]]
    assert isinstance(params, MetricFilterParams)
    if any(s.insight_category == "Data" for s in params.must_match):
        assert half.status is Status.FAIL and "on for Management events only" in half.message
    on = check(MF[13], world(filters=[guide_filter(13)]))
    assert on.status is Status.PASS, on.message


def test_configured_resources_must_all_be_recorded() -> None:
    snap = world(filters=[guide_filter(2)])
    ids = {"AWS::Bedrock::AgentAlias": ["AGENT12345/ALIAS67890", "OTHERAGENT/ALIAS1"]}
    out = check(MF[2], snap, Config.model_validate({"resources": {"ids": ids}}))
    assert out.status is Status.FAIL and link_of(out) == "recorded"
    assert "for resource OTHERAGENT/ALIAS1" in out.message or "OTHERAGENT" in out.message
    ok_ids = {"AWS::Bedrock::AgentAlias": ["AGENT12345/ALIAS67890"]}
    assert (
        check(MF[2], snap, Config.model_validate({"resources": {"ids": ok_ids}})).status
        is Status.PASS
    )


def test_unread_selectors_make_recording_unknown_never_a_pass() -> None:
    out = check(
        MF[2], world(the_trail=guide_trail(selectors_read=False), filters=[guide_filter(2)])
    )
    assert out.status is Status.ERROR
    assert "event selectors of trail ai-trail were not read" in out.message


# --- 2. delivery and the log class ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"delivery_error": "AccessDenied"}, "delivery error AccessDenied"),
        ({"delivered_ago": timedelta(days=3)}, "72 hours before the scan"),
        ({"delivered_ago": None}, "never delivered"),
        ({"role": False}, "no CloudWatch Logs role"),
    ],
)
def test_broken_delivery_breaks_filters_and_alarms_at_delivered(
    kwargs: dict[str, Any], phrase: str
) -> None:
    snap = world(
        the_trail=guide_trail(**kwargs), filters=[guide_filter(14)], alarms=[guide_alarm(14)]
    )
    for check_id in (MF[14], ALARM[14]):
        out = check(check_id, snap)
        assert out.status is Status.FAIL, out.message
        assert link_of(out) == "delivered"
        assert phrase in out.message
    healthy = world(filters=[guide_filter(14)], alarms=[guide_alarm(14)])
    assert check(MF[14], healthy).status is Status.PASS
    assert check(ALARM[14], healthy).status is Status.PASS


def test_infrequent_access_cannot_run_metric_filters() -> None:
    out = check(MF[14], world(filters=[guide_filter(14)], cls="INFREQUENT_ACCESS"))
    assert out.status is Status.FAIL and link_of(out) == "log class"
    assert "INFREQUENT_ACCESS log class, which does not support metric filters" in out.message


def test_a_class_aws_does_not_document_is_an_error() -> None:
    out = check(MF[14], world(filters=[guide_filter(14)], cls="ESSENTIALS"))
    assert out.status is Status.ERROR
    assert "does not document whether that class supports metric filters" in out.message


def test_every_broken_link_is_listed_after_the_first() -> None:
    snap = world(
        the_trail=guide_trail(delivery_error="AccessDenied"),
        filters=[filter_entry('{ $.eventName = "StopLogging" }', "CloudTrailLoggingDisruption")],
        cls="INFREQUENT_ACCESS",
    )
    out = check(MF[14], snap)
    assert link_of(out) == "delivered"
    assert "Further down the chain: log class:" in out.message
    assert "filter: no metric filter" in out.message
    states = [link["state"] for link in out.evidence["chain"]]
    assert states == ["ok", "ok", "broken", "broken", "broken"]


# --- 3. precision: over-broad filters and rules fail ---------------------------------------------


@pytest.mark.parametrize(
    ("number", "pattern"),
    [
        (
            1,
            '{ $.eventSource = "bedrock.amazonaws.com" || $.eventSource = "bedrock-mantle.amazonaws.com" }',
        ),
        (14, '{ $.eventSource = "cloudtrail.amazonaws.com" }'),
        (20, '{ $.eventSource = "bedrock-agentcore.amazonaws.com" && $.eventName = "*Gateway*" }'),
    ],
)
def test_an_over_broad_filter_fails_and_so_does_its_alarm(number: int, pattern: str) -> None:
    metric = guide.metric_filter(number).metric
    snap = world(filters=[filter_entry(pattern, metric, name="wide")])
    out = check(MF[number], snap)
    assert out.status is Status.FAIL and link_of(out) == "filter"
    assert "filter wide matches every event the detection is for, but also" in out.message
    if number in ALARM:
        snap = world(
            filters=[filter_entry(pattern, metric, name="wide")], alarms=[guide_alarm(number)]
        )
        alarm = check(ALARM[number], snap)
        assert alarm.status is Status.FAIL and link_of(alarm) == "filter"
    assert check(MF[number], world(filters=[guide_filter(number)])).status is Status.PASS


def test_more_errors_of_the_same_family_still_pass() -> None:
    wider = (
        '{ ($.eventSource = "bedrock.amazonaws.com" || $.eventSource = "bedrock-mantle.amazonaws.com")'
        ' && ($.errorCode = "AccessDenied" || $.errorCode = "AccessDeniedException"'
        ' || $.errorCode = "UnauthorizedOperation") }'
    )
    out = check(MF[1], world(filters=[filter_entry(wider, "BedrockUnauthorizedAccess")]))
    assert out.status is Status.PASS, out.message


def test_a_rule_without_its_event_name_condition_fails() -> None:
    params = CATALOG.params_by_id["ci-10-guardrail-changes"]
    assert isinstance(params, ContributorInsightsParams)
    definition = params.fix_definition(GROUP)
    definition["Contribution"]["Filters"] = [
        f for f in definition["Contribution"]["Filters"] if f["Match"] != "$.eventName"
    ]
    import json

    rule = {"Name": "wide", "State": "ENABLED", "Definition": json.dumps(definition)}
    out = check("ci-10-guardrail-changes", world(rules=[rule]))
    assert out.status is Status.FAIL and link_of(out) == "rule"
    assert "which it is not for" in out.message
    exact = {
        "Name": "exact",
        "State": "ENABLED",
        "Definition": json.dumps(params.fix_definition(GROUP)),
    }
    assert check("ci-10-guardrail-changes", world(rules=[exact])).status is Status.PASS


# --- 4. missing data -----------------------------------------------------------------------------


def test_breaching_on_a_sparse_metric_sits_in_alarm_for_good() -> None:
    sparse = guide_filter(4, default=None)
    snap = world(filters=[sparse], alarms=[guide_alarm(4, TreatMissingData="breaching")])
    out = check(ALARM[4], snap)
    assert out.status is Status.FAIL and link_of(out) == "alarm"
    assert "sits in ALARM for good" in out.message
    twin = world(filters=[sparse], alarms=[guide_alarm(4, TreatMissingData="notBreaching")])
    assert check(ALARM[4], twin).status is Status.PASS
    missing = world(filters=[sparse], alarms=[guide_alarm(4, TreatMissingData="missing")])
    assert check(ALARM[4], missing).status is Status.PASS


def test_breaching_with_a_default_value_pages_on_silence() -> None:
    snap = world(filters=[guide_filter(4)], alarms=[guide_alarm(4, TreatMissingData="breaching")])
    out = check(ALARM[4], snap)
    assert out.status is Status.FAIL and "pages on silence" in out.message


def test_ignore_keeps_a_sparse_alarm_in_alarm_after_the_first_event() -> None:
    sparse = guide_filter(4, default=None)
    out = check(
        ALARM[4], world(filters=[sparse], alarms=[guide_alarm(4, TreatMissingData="ignore")])
    )
    assert out.status is Status.FAIL and "never notifies again" in out.message
    with_default = world(
        filters=[guide_filter(4)], alarms=[guide_alarm(4, TreatMissingData="ignore")]
    )
    assert check(ALARM[4], with_default).status is Status.PASS


# --- 5. linear metric math -----------------------------------------------------------------------


def math_alarm(number: int, expression: str, threshold: float) -> dict[str, Any]:
    """The guide's alarm on filter ``number``, written as metric math."""
    alarm = guide_alarm(number, Threshold=threshold)
    for key in ("Namespace", "MetricName", "Dimensions", "Statistic", "Period"):
        alarm.pop(key)
    alarm["Metrics"] = [
        {
            "Id": "m1",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AIWorkloadMetrics",
                    "MetricName": guide.metric_filter(number).metric,
                },
                "Period": 300,
                "Stat": "Sum",
            },
            "ReturnData": False,
        },
        {"Id": "e1", "Expression": expression, "ReturnData": True},
    ]
    return alarm


@pytest.mark.parametrize(
    ("expression", "threshold", "status", "phrase"),
    [
        ("m1 * 2", 10.0, Status.PASS, "2 * m1"),
        ("m1 * 2", 20.0, Status.FAIL, "means the metric > 10"),
        ("m1 - 5", 0.0, Status.PASS, "through metric math (m1 - 5)"),
        ("-m1", -5.0, Status.FAIL, "never sets it off"),
        ("RATE(m1)", 5.0, Status.FAIL, "cannot be bounded"),
    ],
)
def test_metric_math_is_judged_by_the_threshold_it_implies(
    expression: str, threshold: float, status: Status, phrase: str
) -> None:
    snap = world(filters=[guide_filter(1)], alarms=[math_alarm(1, expression, threshold)])
    out = check(ALARM[1], snap)
    assert out.status is status, out.message
    assert phrase in out.message


# --- 6. what the filter really sees --------------------------------------------------------------


def test_selection_criteria_that_exclude_the_region_leave_the_filter_blind() -> None:
    blind = guide_filter(14, fieldSelectionCriteria='@aws.region = "eu-west-1"')
    out = check(MF[14], world(filters=[blind]))
    assert out.status is Status.FAIL and link_of(out) == "filter"
    assert "let through no event of account" in out.message
    seeing = guide_filter(14, fieldSelectionCriteria=f'@aws.region IN ["{REGION}", "eu-west-1"]')
    assert check(MF[14], world(filters=[seeing])).status is Status.PASS


def test_criteria_that_depend_on_an_undocumented_reading_are_an_error() -> None:
    mgmt = "123456789012"
    org = trail("org", account=mgmt, org_trail=True, advanced=guide_selectors(ACCOUNT))
    from aiposture.snapshot.models import AccountSnapshot, OrganizationInfo, RegionSnapshot

    reg = RegionSnapshot(
        region=REGION,
        log_groups=[log_group(GROUP, account=mgmt)],
        metric_filters={
            GROUP: [guide_filter(14, fieldSelectionCriteria=f'@aws.account = "{ACCOUNT}"')]
        },
    )
    snap = snapshot(
        org,
        organization=OrganizationInfo(
            id="o-1", arn=f"arn:aws:organizations::{mgmt}:organization/o-1", master_account_id=mgmt
        ),
        extra_accounts=[
            AccountSnapshot(account_id=mgmt, scanned_regions=[REGION], regions={REGION: reg})
        ],
    )
    out = check(MF[14], snap)
    assert out.status is Status.ERROR
    assert "AWS does not document for CloudTrail delivery" in out.message


def test_a_filter_on_transformed_logs_cannot_pass() -> None:
    out = check(MF[14], world(filters=[guide_filter(14, applyOnTransformedLogs=True)]))
    assert out.status is Status.ERROR
    assert "transformed log events" in out.message
    assert (
        check(MF[14], world(filters=[guide_filter(14, applyOnTransformedLogs=False)])).status
        is Status.PASS
    )


def log_alarm(query: str, **over: Any) -> dict[str, Any]:
    """A log alarm over GROUP counting ``query``'s rows every 5 minutes, > 5."""
    base: dict[str, Any] = {
        "AlarmName": "denied-bedrock",
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:denied-bedrock",
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC],
        "ScheduledQueryConfiguration": {
            "QueryString": query,
            "LogGroupIdentifiers": [GROUP],
            "ScheduleConfiguration": {
                "ScheduleExpression": "rate(5 minutes)",
                "StartTimeOffset": 600,
            },
            "AggregationExpression": "count(*)",
        },
        "QueryResultsToEvaluate": 1,
        "QueryResultsToAlarm": 1,
        "Threshold": 5.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
    }
    base.update(over)
    return base


DENIED = (
    'filter (eventSource = "bedrock.amazonaws.com" or eventSource = "bedrock-mantle.amazonaws.com")'
    ' and (errorCode = "AccessDenied" or errorCode = "UnauthorizedOperation")'
)


def test_a_log_alarm_can_stand_for_the_guides_alarm() -> None:
    out = check(ALARM[1], world(filters=[guide_filter(1)], log_alarms=[log_alarm(DENIED)]))
    assert out.status is Status.PASS, out.message
    assert "Log alarm denied-bedrock" in out.message


def test_a_log_alarm_about_other_events_is_no_path_of_this_alarm() -> None:
    """The denied-calls log alarm is judged for the denied-calls alarm only."""
    snap = world(filters=[guide_filter(1), guide_filter(4)], log_alarms=[log_alarm(DENIED)])
    judged = {a["alarm"] for a in check(ALARM[4], snap).evidence["alarms"]}
    assert "denied-bedrock" not in judged
    judged = {a["alarm"] for a in check(ALARM[1], snap).evidence["alarms"]}
    assert "denied-bedrock" in judged


def test_a_log_alarm_with_gaps_between_its_windows_fails() -> None:
    gaps = log_alarm(
        DENIED,
        ScheduledQueryConfiguration={
            **log_alarm(DENIED)["ScheduledQueryConfiguration"],
            "ScheduleConfiguration": {
                "ScheduleExpression": "rate(10 minutes)",
                "StartTimeOffset": 300,
            },
        },
    )
    out = check(ALARM[1], world(filters=[guide_filter(1)], log_alarms=[gaps]))
    assert out.status is Status.FAIL
    assert "events between its windows are never counted" in out.message


def test_a_log_alarm_with_another_aggregation_is_an_error() -> None:
    p90 = log_alarm(
        DENIED,
        ScheduledQueryConfiguration={
            **log_alarm(DENIED)["ScheduledQueryConfiguration"],
            "AggregationExpression": "pct(latency, 90)",
        },
    )
    out = check(ALARM[1], world(filters=[guide_filter(1)], log_alarms=[p90]))
    assert out.status is Status.ERROR
    assert "is not a plain count(*)" in out.message


def test_a_rule_on_transformed_logs_cannot_pass() -> None:
    import json

    params = CATALOG.params_by_id["ci-10-guardrail-changes"]
    assert isinstance(params, ContributorInsightsParams)
    rule = {
        "Name": "t",
        "State": "ENABLED",
        "Definition": json.dumps(params.fix_definition(GROUP)),
        "ApplyOnTransformedLogs": True,
    }
    out = check("ci-10-guardrail-changes", world(rules=[rule]))
    assert out.status is Status.ERROR and "ApplyOnTransformedLogs" in out.message


def test_unread_detection_evidence_is_an_error_not_a_fail() -> None:
    snap = world(filters=[guide_filter(14)])
    reg = snap.accounts[0].regions[REGION]
    reg.metric_filters = {}
    reg.errors.append(denied("logs", "DescribeMetricFilters", GROUP))
    assert check(MF[14], snap).status is Status.ERROR


def test_an_alarm_metric_shared_with_an_over_broad_filter_counts_its_events_too() -> None:
    metric = guide.metric_filter(14).metric
    wide = filter_entry('{ $.eventSource = "cloudtrail.amazonaws.com" }', metric, name="wide")
    shared = world(filters=[wide, guide_filter(14)], alarms=[guide_alarm(14)])
    assert check(MF[14], shared).status is Status.PASS  # the exact filter exists
    out = check(ALARM[14], shared)
    assert out.status is Status.FAIL and link_of(out) == "metric"
    assert "filter wide on log group" in out.message and "publishes that metric too" in out.message
    own = filter_entry('{ $.eventSource = "cloudtrail.amazonaws.com" }', "Other", name="wide")
    alone = world(filters=[own, guide_filter(14)], alarms=[guide_alarm(14)])
    assert check(ALARM[14], alone).status is Status.PASS
