"""Management events, Insights, coverage, delivery, log class and invocation logging."""

from __future__ import annotations

from datetime import timedelta

from aiposture.results import Status
from aiposture.snapshot.models import CallError
from tests.builders import MANAGEMENT, REGION, data_selector, log_group, snapshot, trail
from tests.rules.helpers import only, run_check

WRITE_ONLY_MGMT = {
    "Name": "mgmt-write",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "Equals": ["false"]},
    ],
}
READ_ONLY_MGMT = {
    "Name": "mgmt-read",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "Equals": ["true"]},
    ],
}
BOTH_INSIGHTS = [
    {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management", "Data"]},
    {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management", "Data"]},
]


def test_management_events_all_pass():
    assert only(run_check("ct-management-events", snapshot(trail()))).status == Status.PASS


def test_management_events_write_only_fails_naming_reads():
    outcome = only(run_check("ct-management-events", snapshot(trail(advanced=[WRITE_ONLY_MGMT]))))
    assert outcome.status == Status.FAIL and "read" in outcome.message


def test_management_events_read_plus_write_selectors_together_pass():
    snap = snapshot(trail(advanced=[WRITE_ONLY_MGMT, READ_ONLY_MGMT]))
    assert only(run_check("ct-management-events", snap)).status == Status.PASS


def test_management_events_default_selectors_pass():
    snap = snapshot(
        trail(
            classic=[{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]
        )
    )
    assert only(run_check("ct-management-events", snap)).status == Status.PASS


def test_management_events_excluding_bedrock_source_fails():
    sel = {
        "Name": "m",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventSource", "NotEquals": ["bedrock.amazonaws.com"]},
        ],
    }
    assert (
        only(run_check("ct-management-events", snapshot(trail(advanced=[sel])))).status
        == Status.FAIL
    )


def test_no_trail_at_all_fails_coverage_and_management():
    snap = snapshot()
    cov = only(run_check("ct-region-coverage", snap))
    assert cov.status == Status.FAIL and "No logging trail" in cov.message
    assert only(run_check("ct-management-events", snap)).status == Status.FAIL


def test_describe_trails_failure_is_error_not_fail_or_pass():
    err = CallError(
        service="cloudtrail",
        operation="DescribeTrails",
        region=REGION,
        error_code="AccessDenied",
        message="denied",
    )
    snap = snapshot(region_errors={REGION: [err]})
    for check in (
        "ct-region-coverage",
        "ct-management-events",
        "ct-data-bedrock-guardrail",
        "ct-cloudwatch-delivery",
    ):
        outcome = only(run_check(check, snap))
        assert outcome.status == Status.ERROR, check
        assert "AccessDenied" in outcome.message


def test_trail_logging_per_trail():
    snap = snapshot(trail("on"), trail("off", logging=False))
    by_name = {o.resource_arn.rsplit("/", 1)[1]: o for o in run_check("ct-trail-logging", snap)}
    assert by_name["on"].status == Status.PASS
    assert by_name["off"].status == Status.FAIL


def test_insights_both_categories_pass():
    snap = snapshot(
        trail(
            advanced=[MANAGEMENT, data_selector("AWS::Bedrock::AgentAlias")], insights=BOTH_INSIGHTS
        )
    )
    assert only(run_check("ct-insights-api-call-rate", snap)).status == Status.PASS
    assert only(run_check("ct-insights-api-error-rate", snap)).status == Status.PASS


def test_insights_management_only_fails_naming_data():
    insights = [{"InsightType": "ApiCallRateInsight"}]  # EventCategories omitted means Management
    snap = snapshot(
        trail(advanced=[MANAGEMENT, data_selector("AWS::Bedrock::AgentAlias")], insights=insights)
    )
    outcome = only(run_check("ct-insights-api-call-rate", snap))
    assert outcome.status == Status.FAIL and "data" in outcome.message
    assert only(run_check("ct-insights-api-error-rate", snap)).status == Status.FAIL


def test_api_call_rate_needs_write_management_events():
    snap = snapshot(
        trail(
            advanced=[READ_ONLY_MGMT, data_selector("AWS::Bedrock::AgentAlias")],
            insights=BOTH_INSIGHTS,
        )
    )
    call_rate = only(run_check("ct-insights-api-call-rate", snap))
    assert call_rate.status == Status.FAIL and "does not log" in call_rate.message
    assert only(run_check("ct-insights-api-error-rate", snap)).status == Status.PASS


def test_cloudwatch_delivery_recent_passes_old_or_erroring_fails():
    assert only(run_check("ct-cloudwatch-delivery", snapshot(trail()))).status == Status.PASS
    old = only(
        run_check("ct-cloudwatch-delivery", snapshot(trail(delivered_ago=timedelta(days=3))))
    )
    assert old.status == Status.FAIL and "72 hours" in old.message
    err = only(run_check("ct-cloudwatch-delivery", snapshot(trail(delivery_error="AccessDenied"))))
    assert err.status == Status.FAIL and "AccessDenied" in err.message
    none = only(run_check("ct-cloudwatch-delivery", snapshot(trail(log_group=None))))
    assert none.status == Status.FAIL and "no CloudWatch Logs log group" in none.message


def test_log_group_class():
    ok = run_check("ct-delivery-log-group-class", snapshot(trail(), log_groups=[log_group()]))
    assert [o.status for o in ok] == [Status.PASS]
    ia = run_check(
        "ct-delivery-log-group-class",
        snapshot(trail(), log_groups=[log_group(cls="INFREQUENT_ACCESS")]),
    )
    assert ia[0].status == Status.FAIL and "Contributor Insights" in ia[0].message
    missing = run_check("ct-delivery-log-group-class", snapshot(trail(), log_groups=[]))
    assert missing[0].status == Status.FAIL and "does not exist" in missing[0].message
    unknown = run_check(
        "ct-delivery-log-group-class", snapshot(trail(), log_groups=[log_group(cls=None)])
    )
    assert unknown[0].status == Status.ERROR
    essentials = run_check(
        "ct-delivery-log-group-class", snapshot(trail(), log_groups=[log_group(cls="ESSENTIALS")])
    )
    assert essentials[0].status == Status.ERROR
    assert "does not document whether that class supports" in essentials[0].message
    delivery = run_check(
        "ct-delivery-log-group-class", snapshot(trail(), log_groups=[log_group(cls="DELIVERY")])
    )
    assert delivery[0].status == Status.FAIL and "metric filters" in delivery[0].message


def test_invocation_logging():
    good = {
        "cloudWatchConfig": {
            "logGroupName": "bedrock-model-invocation-logging",
            "roleArn": "arn:aws:iam::1:role/r",
        },
        "textDataDeliveryEnabled": True,
    }
    groups = [log_group("bedrock-model-invocation-logging")]
    assert (
        only(
            run_check("bedrock-invocation-logging", snapshot(invocation=good, log_groups=groups))
        ).status
        == Status.PASS
    )
    off = only(run_check("bedrock-invocation-logging", snapshot(invocation={})))
    assert off.status == Status.FAIL and "off" in off.message
    s3_only = {"s3Config": {"bucketName": "logs"}, "textDataDeliveryEnabled": True}
    s3 = only(run_check("bedrock-invocation-logging", snapshot(invocation=s3_only)))
    assert s3.status == Status.FAIL and "S3 only" in s3.message
    no_group = only(run_check("bedrock-invocation-logging", snapshot(invocation=good)))
    assert no_group.status == Status.FAIL and "does not exist" in no_group.message
    err = CallError(
        service="bedrock",
        operation="GetModelInvocationLoggingConfiguration",
        region=REGION,
        error_code="AccessDeniedException",
        message="nope",
    )
    denied = only(run_check("bedrock-invocation-logging", snapshot(region_errors={REGION: [err]})))
    assert denied.status == Status.ERROR and "AccessDeniedException" in denied.message


def test_selector_validity_flags_placeholders():
    sel = data_selector(
        "AWS::Bedrock::KnowledgeBase",
        {
            "Field": "resources.ARN",
            "StartsWith": ["arn:aws:bedrock:REGION:ACCOUNT_ID:knowledge-base/KB_ID"],
        },
    )
    outcomes = run_check("ct-selector-validity", snapshot(trail(advanced=[MANAGEMENT, sel])))
    assert outcomes[0].status == Status.FAIL and "ACCOUNT_ID" in outcomes[0].message
    clean = run_check("ct-selector-validity", snapshot(trail()))
    assert clean[0].status == Status.PASS
