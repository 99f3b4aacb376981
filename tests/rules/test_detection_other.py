"""Rule kinds subscription_filter, event_aggregation, guardduty_enabled and dashboard."""

from __future__ import annotations

import json
from typing import Any

from aiposture.config import Config
from aiposture.engine.runner import evaluate
from aiposture.results import Status
from aiposture.snapshot.models import CallError, Snapshot, Trail
from tests.builders import (
    ACCOUNT,
    REGION,
    denied,
    guide_trail,
    log_group,
    snapshot,
    trail,
    with_detection,
)
from tests.rules.helpers import CATALOG, only, run_check

GROUP = "aws-cloudtrail-logs/ai"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
GUIDE_PATTERN = '{ ($.eventCategory = "Management") || ($.eventCategory = "Aggregated") }'


def _error(service: str, operation: str, resource: str | None = None) -> CallError:
    return denied(service, operation, resource)


def _base(*trails: Trail) -> Snapshot:
    return snapshot(*(trails or (guide_trail(),)), log_groups=[log_group()])


# --- subscription_filter -----------------------------------------------------------------


def _sub(pattern: str, name: str = "siem") -> dict[str, Any]:
    return {
        "filterName": name,
        "logGroupName": GROUP,
        "filterPattern": pattern,
        "destinationArn": f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/siem",
    }


def _sub_check(*filters: dict[str, Any]) -> Any:
    snap = with_detection(_base(), subscription_filters={GROUP: list(filters)})
    return only(run_check("det-subscription-filter-siem", snap))


def test_subscription_filter_guide_pattern_passes() -> None:
    out = _sub_check(_sub(GUIDE_PATTERN))
    assert out.status is Status.PASS, out.message
    assert out.resource_arn == GROUP_ARN
    assert "siem" in out.message


def test_subscription_filter_equivalent_pattern_passes() -> None:
    out = _sub_check(
        _sub('{ $.eventCategory = "Management" || $.eventType = "AwsAggregatedEvent" }')
    )
    assert out.status is Status.PASS, out.message


def test_subscription_filters_combine_across_two_filters() -> None:
    out = _sub_check(
        _sub('{ $.eventCategory = "Management" }', "mgmt"),
        _sub('{ $.eventCategory = "Aggregated" }', "agg"),
    )
    assert out.status is Status.PASS, out.message


def test_subscription_filter_forwarding_everything_fails() -> None:
    out = _sub_check(_sub(""))
    assert out.status is Status.FAIL
    assert "forwards raw data events" in out.message
    assert "InvokeAgent" in out.message
    assert "which the aggregation is meant to replace" in out.message


def test_subscription_filter_forwarding_data_events_fails() -> None:
    out = _sub_check(_sub('{ $.eventCategory = "Management" || $.eventCategory = "Data" }'))
    assert out.status is Status.FAIL
    assert "forwards raw data events" in out.message
    assert "aggregated" in out.message


def test_subscription_filter_missing_aggregated_events_fails() -> None:
    out = _sub_check(_sub('{ $.eventCategory = "Management" }'))
    assert out.status is Status.FAIL
    assert "does not forward an aggregated 5-minute summary" in out.message
    assert "forwards raw data events" not in out.message


def test_subscription_filter_syntax_error_named_with_position() -> None:
    out = _sub_check(_sub('{ ($.eventCategory = "Management") '))
    assert out.status is Status.FAIL
    assert "cannot be evaluated" in out.message
    assert "position" in out.message


def test_no_subscription_filter_fails() -> None:
    out = _sub_check()
    assert out.status is Status.FAIL
    assert f"Log group {GROUP} has no subscription filter" in out.message


def test_subscription_filters_unread_is_error() -> None:
    snap = _base()
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.regions[REGION].errors.append(_error("logs", "DescribeSubscriptionFilters", GROUP))
    with_detection(snap, subscription_filters={})
    out = only(run_check("det-subscription-filter-siem", snap))
    assert out.status is Status.ERROR
    assert "DescribeSubscriptionFilters" in out.message
    assert "AccessDeniedException" in out.message


def test_subscription_filter_without_delivery_fails_on_the_trail_link() -> None:
    snap = with_detection(snapshot(trail(log_group=None)), subscription_filters={})
    out = only(run_check("det-subscription-filter-siem", snap))
    assert out.status is Status.FAIL
    assert "Broken link: trail -> log group" in out.message


# --- event_aggregation -------------------------------------------------------------------


def _aggregating(*templates: str, name: str = "ai-trail", logging: bool = True) -> Trail:
    t = trail(name, logging=logging)
    configs = [{"EventCategory": "Data", "Templates": list(templates)}] if templates else []
    t.aggregation = {"TrailARN": t.arn, "AggregationConfigurations": configs}
    return t


def test_aggregation_template_present_passes() -> None:
    t = _aggregating("API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS")
    for check in ("api-activity", "resource-access", "user-actions"):
        out = only(run_check(f"det-event-aggregation-{check}", _base(t)))
        assert out.status is Status.PASS, out.message
        assert out.resource_arn == t.arn
        assert "ai-trail" in out.message


def test_aggregation_other_template_only_fails_naming_what_the_trail_has() -> None:
    out = only(run_check("det-event-aggregation-user-actions", _base(_aggregating("API_ACTIVITY"))))
    assert out.status is Status.FAIL
    assert "USER_ACTIONS" in out.message
    assert "trail ai-trail has API_ACTIVITY" in out.message


def test_aggregation_none_configured_fails() -> None:
    out = only(run_check("det-event-aggregation-api-activity", _base(_aggregating())))
    assert out.status is Status.FAIL
    assert "trail ai-trail has no data event aggregation" in out.message


def test_aggregation_on_stopped_trail_fails() -> None:
    t = _aggregating("API_ACTIVITY", logging=False)
    out = only(run_check("det-event-aggregation-api-activity", _base(t)))
    assert out.status is Status.FAIL
    assert "not logging" in out.message


def test_aggregation_second_trail_satisfies() -> None:
    snap = _base(_aggregating(name="a-trail"), _aggregating("RESOURCE_ACCESS", name="b-trail"))
    out = only(run_check("det-event-aggregation-resource-access", snap))
    assert out.status is Status.PASS
    assert "b-trail" in out.message


def test_aggregation_unread_is_error() -> None:
    t = trail()
    t.errors.append(_error("cloudtrail", "GetEventConfiguration", t.arn))
    out = only(run_check("det-event-aggregation-api-activity", _base(t)))
    assert out.status is Status.ERROR
    assert "GetEventConfiguration" in out.message
    assert "AccessDeniedException" in out.message


def test_aggregation_unknown_to_botocore_is_error_saying_so() -> None:
    t = trail()
    t.errors.append(
        CallError(
            service="cloudtrail",
            operation="GetEventConfiguration",
            region=REGION,
            account_id=ACCOUNT,
            resource=t.arn,
            error_code="AttributeError",
            message="'CloudTrail' object has no attribute 'get_event_configuration'",
        )
    )
    out = only(run_check("det-event-aggregation-api-activity", _base(t)))
    assert out.status is Status.ERROR
    assert "botocore" in out.message


# --- guardduty_enabled -------------------------------------------------------------------


def _gd(snap: Snapshot, detectors: list[dict[str, Any]] | None) -> Any:
    return only(
        run_check("det-guardduty-enabled", with_detection(snap, guardduty_detectors=detectors))
    )


def test_guardduty_enabled_passes() -> None:
    out = _gd(_base(), [{"DetectorId": "abc123", "Status": "ENABLED"}])
    assert out.status is Status.PASS
    assert "abc123" in out.message
    assert out.resource_arn == f"arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/abc123"


def test_guardduty_no_detector_fails() -> None:
    out = _gd(_base(), [])
    assert out.status is Status.FAIL
    assert "no detector" in out.message


def test_guardduty_disabled_detector_fails() -> None:
    out = _gd(_base(), [{"DetectorId": "abc123", "Status": "DISABLED"}])
    assert out.status is Status.FAIL
    assert "abc123 (DISABLED)" in out.message


def test_guardduty_unread_is_error() -> None:
    snap = _base()
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.regions[REGION].errors.append(_error("guardduty", "ListDetectors"))
    out = _gd(snap, None)
    assert out.status is Status.ERROR
    assert "ListDetectors" in out.message


def test_guardduty_disabled_with_unreadable_detector_is_error() -> None:
    snap = _base()
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.regions[REGION].errors.append(_error("guardduty", "GetDetector", "def456"))
    out = _gd(snap, [{"DetectorId": "abc123", "Status": "DISABLED"}])
    assert out.status is Status.ERROR
    assert "GetDetector" in out.message


# --- dashboard ---------------------------------------------------------------------------

ALARM = "Bedrock Unauthorized Access"
ALARM_ARN = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{ALARM}"
RULE = "AI-TopBedrockModelCallers"
RULE_DEFINITION = {
    "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
    "AggregateOn": "Count",
    "Contribution": {
        "Filters": [{"Match": "$.eventSource", "In": ["bedrock.amazonaws.com"]}],
        "Keys": ["$.userIdentity.arn"],
    },
    "LogFormat": "JSON",
    "LogGroupNames": [GROUP],
}


def _widgets(
    *, alarms: bool = True, rule: str | None = RULE, source: str = GROUP
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"type": "text", "properties": {"markdown": "# AI"}}]
    if alarms:
        out.append({"type": "alarm", "properties": {"title": "Grid", "alarms": [ALARM_ARN]}})
    out.append(
        {
            "type": "metric",
            "properties": {
                "region": REGION,
                "metrics": [["AIWorkloadMetrics", "BedrockModelInvocations"]],
            },
        }
    )
    if rule:
        out.append(
            {
                "type": "metric",
                "properties": {
                    "region": REGION,
                    "insightRule": {"ruleName": rule, "maxContributorCount": 10},
                },
            }
        )
    out.append(
        {
            "type": "log",
            "properties": {
                "region": REGION,
                "title": "Config Change Log Table",
                "query": f"SOURCE '{source}' | fields eventName | limit 20",
            },
        }
    )
    return out


def _dash_snap(
    dashboards: dict[str, str] | None,
    *,
    rule_state: str = "ENABLED",
    rule_groups: list[str] | None = None,
) -> Snapshot:
    definition = dict(RULE_DEFINITION, LogGroupNames=rule_groups or [GROUP])
    return with_detection(
        _base(),
        dashboards=dashboards,
        alarms=[{"AlarmName": ALARM, "AlarmArn": ALARM_ARN}],
        composite_alarms=[],
        insight_rules=[{"Name": RULE, "State": rule_state, "Definition": json.dumps(definition)}],
    )


def _body(widgets: list[dict[str, Any]]) -> str:
    return json.dumps({"widgets": widgets})


def _dash(snap: Snapshot) -> Any:
    return only(run_check("det-dashboard", snap))


def test_dashboard_with_guide_content_passes() -> None:
    out = _dash(_dash_snap({"AI-Workload-Security-Dashboard": _body(_widgets())}))
    assert out.status is Status.PASS, out.message
    assert (
        out.resource_arn
        == f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/AI-Workload-Security-Dashboard"
    )
    rows = out.evidence["dashboards"][0]["rows"]
    assert rows["status_overview"]["metrics_present"] == [
        "AIWorkloadMetrics/BedrockModelInvocations"
    ]
    assert rows["status_overview"]["metrics_missing"] == [
        "AIWorkloadMetrics/AgentCrossServiceAccessDenied"
    ]
    assert RULE in rows["contributor_insights"]["working"]
    assert "AI-TopBedrockAgentCallers" in rows["contributor_insights"]["guide_rules_missing"]


def test_dashboard_other_name_with_content_passes_with_note() -> None:
    out = _dash(_dash_snap({"SecOps": _body(_widgets())}))
    assert out.status is Status.PASS
    assert "named SecOps, not the guide's AI-Workload-Security-Dashboard" in out.message


def test_dashboard_sql_log_widget_passes() -> None:
    widgets = _widgets(source="elsewhere")
    widgets[-1]["properties"]["queryLanguage"] = "SQL"
    widgets[-1]["properties"]["query"] = f"SELECT eventName FROM `{GROUP}` LIMIT 10"
    out = _dash(_dash_snap({"d": _body(widgets)}))
    assert out.status is Status.PASS, out.message


def test_dashboard_named_as_guide_but_empty_fails() -> None:
    out = _dash(_dash_snap({"AI-Workload-Security-Dashboard": _body([])}))
    assert out.status is Status.FAIL
    assert "AI-Workload-Security-Dashboard lacks an alarm status widget" in out.message
    assert "Logs Insights widget querying the CloudTrail log group" in out.message


def test_dashboard_without_alarm_widget_fails() -> None:
    out = _dash(_dash_snap({"d": _body(_widgets(alarms=False))}))
    assert out.status is Status.FAIL
    assert "lacks an alarm status widget" in out.message
    assert "Contributor Insights" not in out.message


def test_dashboard_log_widget_on_other_log_group_fails() -> None:
    out = _dash(_dash_snap({"d": _body(_widgets(source="/aws/lambda/app"))}))
    assert out.status is Status.FAIL
    assert "Logs Insights widget querying the CloudTrail log group" in out.message


def test_dashboard_rule_missing_disabled_or_elsewhere_fails() -> None:
    cases = [
        (_dash_snap({"d": _body(_widgets(rule="AI-Nope"))}), "AI-Nope (no such rule)"),
        (_dash_snap({"d": _body(_widgets())}, rule_state="DISABLED"), "state DISABLED"),
        (
            _dash_snap({"d": _body(_widgets())}, rule_groups=["/aws/lambda/app"]),
            "does not read a CloudTrail delivery log group",
        ),
    ]
    for snap, phrase in cases:
        out = _dash(snap)
        assert out.status is Status.FAIL, phrase
        assert "Contributor Insights widget" in out.message
        assert phrase in json.dumps(out.evidence)


def test_dashboard_invalid_json_fails_naming_it() -> None:
    out = _dash(_dash_snap({"Broken": "{not json"}))
    assert out.status is Status.FAIL
    assert "dashboard Broken is unusable: its body is not valid JSON" in out.message


def test_dashboard_invalid_json_does_not_hide_a_good_one() -> None:
    out = _dash(_dash_snap({"Broken": "{not json", "Good": _body(_widgets())}))
    assert out.status is Status.PASS
    assert "Good" in out.message


def test_no_dashboard_fails() -> None:
    out = _dash(_dash_snap({}))
    assert out.status is Status.FAIL
    assert "has no CloudWatch dashboard" in out.message


def test_dashboards_unread_is_error() -> None:
    snap = _dash_snap(None)
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.regions[REGION].errors.append(_error("cloudwatch", "ListDashboards"))
    out = _dash(snap)
    assert out.status is Status.ERROR
    assert "ListDashboards" in out.message


def test_dashboard_alarms_unread_is_error_not_fail() -> None:
    snap = _dash_snap({"d": _body(_widgets())})
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.regions[REGION].alarms = None
    acct.regions[REGION].errors.append(_error("cloudwatch", "DescribeAlarms"))
    out = _dash(snap)
    assert out.status is Status.ERROR
    assert "DescribeAlarms" in out.message


def test_dashboards_deduplicated_across_regions() -> None:
    snap = snapshot(trail(), regions=(REGION, "eu-west-1"), log_groups=[log_group()])
    body = _body(_widgets())
    for region in (REGION, "eu-west-1"):
        with_detection(snap, region=region, dashboards={"AI-Workload-Security-Dashboard": body})
    with_detection(
        snap,
        alarms=[{"AlarmName": ALARM, "AlarmArn": ALARM_ARN}],
        composite_alarms=[],
        insight_rules=[
            {"Name": RULE, "State": "ENABLED", "Definition": json.dumps(RULE_DEFINITION)}
        ],
    )
    out = _dash(snap)
    assert out.status is Status.PASS, out.message
    assert len(out.evidence["dashboards"]) == 1


def test_dashboard_is_one_result_per_account_without_region() -> None:
    snap = snapshot(trail(), regions=(REGION, "eu-west-1"), log_groups=[log_group()])
    body = _body(_widgets())
    for region in (REGION, "eu-west-1"):
        with_detection(snap, region=region, dashboards={"AI-Workload-Security-Dashboard": body})
    with_detection(
        snap,
        alarms=[{"AlarmName": ALARM, "AlarmArn": ALARM_ARN}],
        composite_alarms=[],
        insight_rules=[
            {"Name": RULE, "State": "ENABLED", "Definition": json.dumps(RULE_DEFINITION)}
        ],
    )
    results = evaluate(snap, "0" * 64, CATALOG, Config()).results
    mine = [r for r in results if r.check_id == "det-dashboard"]
    assert len(mine) == 1
    assert mine[0].region is None
    assert mine[0].account_id == ACCOUNT
    assert mine[0].status is Status.PASS
