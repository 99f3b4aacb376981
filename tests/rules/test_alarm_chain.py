"""Rule kind ``alarm_chain``: each link of trail -> ... -> subscriber, and the broken one named."""

from __future__ import annotations

from typing import Any

from aiposture.config import Config
from aiposture.guide.vocabulary import ALARM_NAMES
from aiposture.results import Status
from aiposture.rules.alarm_chain import AlarmParams, alarm_chain
from aiposture.rules.base import Outcome, RuleContext
from aiposture.rules.metric_filter import MetricFilterParams
from aiposture.rules.support.sample_events import SampleEvent
from aiposture.snapshot.models import CallError, Snapshot, SnsTopic
from tests.builders import (
    ACCOUNT,
    OTHER,
    REGION,
    guide_trail,
    log_group,
    snapshot,
    trail,
    with_detection,
)
from tests.rules.helpers import CATALOG, only, run_check

GROUP = "aws-cloudtrail-logs/ai"
NAME = "Bedrock Unauthorized Access"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:ai-security-alerts"
METRIC = "AIWorkloadMetrics/BedrockUnauthorizedAccess"

MF = MetricFilterParams(
    guide_filter=1,
    must_match=[
        SampleEvent(
            label="InvokeModel denied",
            event={"eventName": "InvokeModel", "errorCode": "AccessDenied"},
        )
    ],
    must_not_match=[SampleEvent(label="InvokeModel", event={"eventName": "InvokeModel"})],
)
PARAMS = AlarmParams(alarm_name=NAME, metric_filter="mf-test", threshold=5, period_seconds=300)


def metric_filter(**transformation: Any) -> dict[str, Any]:
    """The guide's Metric Filter 1 as DescribeMetricFilters returns it."""
    return {
        "filterName": "BedrockUnauthorizedAccess",
        "logGroupName": GROUP,
        "filterPattern": MF.guide_pattern,
        "metricTransformations": [
            {
                "metricName": "BedrockUnauthorizedAccess",
                "metricNamespace": "AIWorkloadMetrics",
                "metricValue": "1",
                **transformation,
            }
        ],
    }


def alarm(name: str = NAME, **over: Any) -> dict[str, Any]:
    """A metric alarm following the guide, as DescribeAlarms returns it."""
    base: dict[str, Any] = {
        "AlarmName": name,
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}",
        "Namespace": "AIWorkloadMetrics",
        "MetricName": "BedrockUnauthorizedAccess",
        "Dimensions": [],
        "Statistic": "Sum",
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 5.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC],
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def topic(*subscription_arns: str, confirmed: str | None = None) -> SnsTopic:
    """An SNS topic with these subscriptions (``PendingConfirmation`` for pending ones)."""
    subs = [
        {"SubscriptionArn": arn, "Protocol": "email", "Endpoint": "soc@example.com"}
        for arn in subscription_arns
    ]
    return SnsTopic(
        attributes={"TopicArn": TOPIC, "SubscriptionsConfirmed": confirmed or "1"},
        subscriptions=subs,
    )


CONFIRMED = f"{TOPIC}:0b6941c7-1b7d-4c3b-8f1c-2f3c9f0e1a11"


def build(
    *,
    alarms: list[dict[str, Any]] | None = None,
    composites: list[dict[str, Any]] | None = None,
    topics: dict[str, SnsTopic] | None = None,
    filters: list[dict[str, Any]] | None = None,
    errors: list[CallError] | None = None,
    unread: tuple[str, ...] = (),
) -> Snapshot:
    """The guide's chain, with any link replaced."""
    snap = snapshot(
        guide_trail(), log_groups=[log_group()], region_errors={REGION: errors} if errors else None
    )
    fields: dict[str, Any] = {
        "metric_filters": {GROUP: [metric_filter()] if filters is None else filters},
        "alarms": [alarm()] if alarms is None else alarms,
        "composite_alarms": composites or [],
        "sns_topics": {TOPIC: topic(CONFIRMED)} if topics is None else topics,
    }
    for name in unread:
        fields[name] = None
    return with_detection(snap, **fields)


def run(snap: Snapshot, params: AlarmParams = PARAMS) -> Outcome:
    """The single outcome of ``alarm_chain`` for ACCOUNT in REGION."""
    acct = snap.account(ACCOUNT)
    assert acct is not None
    ctx = RuleContext(
        snapshot=snap, account=acct, region=REGION, config=Config(), checks={"mf-test": MF}
    )
    return only(alarm_chain(params, ctx))


def error(operation: str, resource: str | None = None, service: str = "cloudwatch") -> CallError:
    """An AccessDenied on ``operation``."""
    return CallError(
        service=service,
        operation=operation,
        region=REGION,
        account_id=ACCOUNT,
        resource=resource,
        error_code="AccessDenied",
        message=f"not authorized to perform {operation}",
    )


# --- the whole chain ------------------------------------------------------------------------


def test_the_guides_chain_passes_and_names_every_link() -> None:
    out = run(build())
    assert out.status is Status.PASS, out.message
    for phrase in (NAME, METRIC, "Sum > 5", "5 min", TOPIC, "1 confirmed subscriber"):
        assert phrase in out.message
    assert out.resource_arn == alarm()["AlarmArn"]


# --- filter --------------------------------------------------------------------------------


def test_no_satisfying_filter_breaks_the_filter_link() -> None:
    wrong = {**metric_filter(), "filterPattern": '{ $.errorCode = "ThrottlingException" }'}
    out = run(build(filters=[wrong]))
    assert out.status is Status.FAIL
    assert "Broken link: filter" in out.message
    assert "InvokeModel denied" in out.message


def test_no_delivery_log_group_breaks_the_trail_link() -> None:
    snap = with_detection(snapshot(trail(log_group=None)), alarms=[alarm()])
    out = run(snap)
    assert out.status is Status.FAIL
    assert "Broken link: trail -> log group" in out.message


# --- metric --------------------------------------------------------------------------------


def test_an_alarm_on_another_namespace_is_a_near_miss() -> None:
    out = run(build(alarms=[alarm(Namespace="Foo")]))
    assert out.status is Status.FAIL
    assert "Broken link: metric" in out.message
    assert "watches Foo/BedrockUnauthorizedAccess" in out.message
    assert f"publishes {METRIC}" in out.message


def test_an_alarm_on_other_dimensions_does_not_watch_the_metric() -> None:
    dims = [{"Name": "User", "Value": "arn:aws:iam::111122223333:role/app"}]
    out = run(build(alarms=[alarm(Dimensions=dims)]))
    assert out.status is Status.FAIL
    assert "Broken link: metric" in out.message
    assert "(dimensions User)" in out.message


def test_an_alarm_without_the_filters_dimensions_watches_a_series_never_published() -> None:
    filters = [metric_filter(dimensions={"User": "$.userIdentity.arn"})]
    out = run(build(filters=filters))
    assert out.status is Status.FAIL
    assert "Broken link: metric" in out.message
    assert "(dimensions User)" in out.message
    dims = [{"Name": "User", "Value": "arn:aws:iam::111122223333:role/app"}]
    assert run(build(filters=filters, alarms=[alarm(Dimensions=dims)])).status is Status.PASS


def test_alarms_unread_is_an_error() -> None:
    out = run(build(unread=("alarms",), errors=[error("DescribeAlarms")]))
    assert out.status is Status.ERROR
    assert "not authorized to perform DescribeAlarms" in out.message


# --- alarm ---------------------------------------------------------------------------------


def test_a_threshold_above_the_guide_breaks_the_alarm_link() -> None:
    out = run(build(alarms=[alarm(Threshold=10.0)]))
    assert out.status is Status.FAIL
    assert "Broken link: alarm" in out.message
    assert "only at 11 or more events" in out.message
    assert "more than 5" in out.message


def test_a_lower_threshold_is_stricter_and_passes() -> None:
    assert run(build(alarms=[alarm(Threshold=0.0)])).status is Status.PASS


def test_greater_or_equal_is_judged_on_whole_event_counts() -> None:
    gte = "GreaterThanOrEqualToThreshold"
    assert run(build(alarms=[alarm(ComparisonOperator=gte, Threshold=6.0)])).status is Status.PASS
    out = run(build(alarms=[alarm(ComparisonOperator=gte, Threshold=7.0)]))
    assert out.status is Status.FAIL
    assert "only at 7 or more events" in out.message


def test_less_than_comparisons_never_fire_on_a_rising_count() -> None:
    out = run(build(alarms=[alarm(ComparisonOperator="LessThanThreshold")]))
    assert out.status is Status.FAIL
    assert "LessThanThreshold" in out.message


def test_the_threshold_is_scaled_by_the_filters_metric_value() -> None:
    filters = [metric_filter(metricValue="10")]
    assert run(build(filters=filters, alarms=[alarm(Threshold=50.0)])).status is Status.PASS
    out = run(build(filters=filters, alarms=[alarm(Threshold=60.0)]))
    assert out.status is Status.FAIL
    assert "with 10 per event" in out.message
    # SampleCount counts events only when each event publishes 1.
    out = run(build(filters=filters, alarms=[alarm(Statistic="SampleCount", Threshold=5.0)]))
    assert out.status is Status.FAIL
    assert "statistic SampleCount" in out.message


def test_a_field_valued_metric_cannot_be_read_as_a_count() -> None:
    out = run(build(filters=[metric_filter(metricValue="$.requestParameters.count")]))
    assert out.status is Status.FAIL
    assert "not a positive constant" in out.message


def test_maximum_counts_only_when_the_guide_fires_on_any_event() -> None:
    zero = AlarmParams(alarm_name=NAME, metric_filter="mf-test", threshold=0, period_seconds=60)
    maximum = alarm(Statistic="Maximum", Threshold=0.0, Period=60)
    assert run(build(alarms=[maximum]), zero).status is Status.PASS
    out = run(build(alarms=[alarm(Statistic="Maximum", Threshold=0.0)]))
    assert out.status is Status.FAIL
    assert "statistic Maximum" in out.message


def test_a_period_longer_than_the_guides_breaks_the_alarm_link() -> None:
    out = run(build(alarms=[alarm(Period=600)]))
    assert out.status is Status.FAIL
    assert "Broken link: alarm" in out.message
    assert "period is 600 s" in out.message


def test_a_shorter_period_must_lower_the_threshold_to_still_fire_on_spread_events() -> None:
    # The guide fires on 6 events in 5 min. Spread one a minute (and a 6th), a 1-min alarm
    # sees at most 2 in a minute: "> 5 per minute" never fires, "> 1 per minute" always does.
    same_threshold = run(build(alarms=[alarm(Period=60)]))
    assert same_threshold.status is Status.FAIL
    assert "Broken link: alarm" in same_threshold.message
    assert "as few as 2 in each of its periods" in same_threshold.message
    assert run(build(alarms=[alarm(Period=60, Threshold=1.0)])).status is Status.PASS
    assert run(build(alarms=[alarm(Period=60, Threshold=2.0)])).status is Status.FAIL
    # Periods that do not divide the guide's add one more window: 300 s over 120 s periods
    # touches up to 4 of them, so 6 events guarantee 2 in one: "> 1" fires, "> 2" may not.
    assert run(build(alarms=[alarm(Period=120, Threshold=1.0)])).status is Status.PASS
    assert run(build(alarms=[alarm(Period=120, Threshold=2.0)])).status is Status.FAIL


def test_m_of_n_needing_more_than_one_datapoint_is_looser() -> None:
    out = run(build(alarms=[alarm(EvaluationPeriods=3, DatapointsToAlarm=3)]))
    assert out.status is Status.FAIL
    assert "3 breaching datapoints out of 3" in out.message
    out = run(build(alarms=[alarm(EvaluationPeriods=3)]))  # DatapointsToAlarm defaults to 3
    assert out.status is Status.FAIL
    assert (
        run(build(alarms=[alarm(EvaluationPeriods=3, DatapointsToAlarm=1)])).status is Status.PASS
    )


def test_disabled_actions_break_the_alarm_link() -> None:
    out = run(build(alarms=[alarm(ActionsEnabled=False)]))
    assert out.status is Status.FAIL
    assert "Broken link: alarm" in out.message
    assert "has its actions disabled" in out.message


def test_a_unit_the_filter_does_not_publish_keeps_the_alarm_silent() -> None:
    out = run(build(alarms=[alarm(Unit="Seconds")]))
    assert out.status is Status.FAIL
    assert "INSUFFICIENT_DATA" in out.message


# --- metric math ----------------------------------------------------------------------------


def math_alarm(expression: str) -> dict[str, Any]:
    """A metric-math alarm whose returned expression is ``expression`` over query m1."""
    stat = {
        "Id": "m1",
        "MetricStat": {
            "Metric": {
                "Namespace": "AIWorkloadMetrics",
                "MetricName": "BedrockUnauthorizedAccess",
                "Dimensions": [],
            },
            "Period": 300,
            "Stat": "Sum",
        },
        "ReturnData": False,
    }
    return alarm(
        Namespace=None,
        MetricName=None,
        Dimensions=None,
        Statistic=None,
        Period=None,
        Metrics=[stat, {"Id": "e1", "Expression": expression, "ReturnData": True}],
    )


def test_a_metric_math_alarm_passing_the_metric_through_counts() -> None:
    out = run(build(alarms=[math_alarm("FILL(m1, 0)")]))
    assert out.status is Status.PASS, out.message
    assert "Sum > 5" in out.message


def test_a_metric_math_alarm_that_is_not_analysed_does_not_count() -> None:
    out = run(build(alarms=[math_alarm("m1 * 0")]))
    assert out.status is Status.FAIL
    assert "Broken link: metric" in out.message
    assert "cannot be bounded" in out.message


# --- topic ------------------------------------------------------------------------------------


def test_only_non_sns_actions_break_the_topic_link() -> None:
    fn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:notify"
    out = run(build(alarms=[alarm(AlarmActions=[fn])], topics={}))
    assert out.status is Status.FAIL
    assert "Broken link: topic" in out.message
    assert f"action {fn} is not an SNS topic" in out.message


def test_a_composite_or_carries_the_notification() -> None:
    composite = {
        "AlarmName": "ai-security",
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:ai-security",
        "AlarmRule": f'ALARM("{NAME}") OR ALARM(AgentCoreGatewayAuthFailures)',
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC],
    }
    out = run(build(alarms=[alarm(AlarmActions=[])], composites=[composite]))
    assert out.status is Status.PASS, out.message
    assert "through composite alarm ai-security" in out.message


def test_a_composite_and_with_another_alarm_does_not_count() -> None:
    composite = {
        "AlarmName": "ai-security",
        "AlarmRule": f'ALARM("{NAME}") AND ALARM(AgentCoreGatewayAuthFailures)',
        "AlarmActions": [TOPIC],
    }
    out = run(build(alarms=[alarm(AlarmActions=[])], composites=[composite]))
    assert out.status is Status.FAIL
    assert "Broken link: topic" in out.message
    assert "does not go to ALARM" in out.message


def test_a_topic_that_was_not_read_is_an_error() -> None:
    unread = {TOPIC: SnsTopic(attributes=None, subscriptions=None)}
    errs = [
        error("GetTopicAttributes", TOPIC, "sns"),
        error("ListSubscriptionsByTopic", TOPIC, "sns"),
    ]
    out = run(build(topics=unread, errors=errs))
    assert out.status is Status.ERROR
    assert "not authorized to perform ListSubscriptionsByTopic" in out.message


def test_a_topic_in_another_account_is_an_error() -> None:
    foreign = f"arn:aws:sns:{REGION}:{OTHER}:central-soc"
    out = run(build(alarms=[alarm(AlarmActions=[foreign])], topics={}))
    assert out.status is Status.ERROR
    assert "outside account" in out.message


def test_a_missing_topic_breaks_the_topic_link() -> None:
    gone = CallError(
        service="sns",
        operation="GetTopicAttributes",
        region=REGION,
        resource=TOPIC,
        error_code="NotFound",
        message="Topic does not exist",
    )
    out = run(build(topics={TOPIC: SnsTopic()}, errors=[gone]))
    assert out.status is Status.FAIL
    assert "Broken link: topic" in out.message
    assert "does not exist" in out.message


# --- subscriber -----------------------------------------------------------------------------


def test_a_topic_with_only_a_pending_subscription_breaks_the_subscriber_link() -> None:
    out = run(build(topics={TOPIC: topic("PendingConfirmation", confirmed="0")}))
    assert out.status is Status.FAIL
    assert "Broken link: subscriber" in out.message
    assert "pending" in out.message


def test_confirmed_count_is_used_when_subscriptions_were_not_read() -> None:
    attrs = {"TopicArn": TOPIC, "SubscriptionsConfirmed": "2"}
    out = run(build(topics={TOPIC: SnsTopic(attributes=attrs, subscriptions=None)}))
    assert out.status is Status.PASS
    assert "2 confirmed subscriber" in out.message


# --- several alarms -------------------------------------------------------------------------


def test_the_alarm_that_got_furthest_is_named() -> None:
    loose = alarm("loose", Threshold=100.0)
    pending_topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:pending"
    close = alarm("close", AlarmActions=[pending_topic])
    topics = {pending_topic: topic("PendingConfirmation", confirmed="0")}
    out = run(build(alarms=[loose, close], topics=topics))
    assert out.status is Status.FAIL
    assert "Broken link: subscriber" in out.message
    assert "Alarm close" in out.message
    links = {a["alarm"]: a["link"] for a in out.evidence["alarms"]}
    assert links == {"loose": "alarm", "close": "subscriber"}


def test_any_alarm_passing_the_whole_chain_passes() -> None:
    out = run(build(alarms=[alarm("loose", Threshold=100.0), alarm()]))
    assert out.status is Status.PASS
    assert f"Alarm {NAME}" in out.message


def test_disabled_actions_are_fine_when_a_composite_notifies() -> None:
    composite = {
        "AlarmName": "ai-security",
        "AlarmRule": f"ALARM({NAME}) OR ALARM(other)",
        "AlarmActions": [TOPIC],
    }
    out = run(build(alarms=[alarm(ActionsEnabled=False)], composites=[composite]))
    assert out.status is Status.PASS, out.message
    assert "through composite alarm ai-security" in out.message


def test_composites_unread_is_an_error_when_nothing_else_notifies() -> None:
    out = run(build(alarms=[alarm(AlarmActions=[])], unread=("composite_alarms",)))
    assert out.status is Status.ERROR
    assert "composite alarms were not read" in out.message


def test_a_dimensioned_pass_says_which_values_it_watches() -> None:
    filters = [metric_filter(dimensions={"User": "$.userIdentity.arn"})]
    dims = [{"Name": "User", "Value": "arn:aws:iam::111122223333:role/app"}]
    out = run(build(filters=filters, alarms=[alarm(Dimensions=dims)]))
    assert out.status is Status.PASS
    assert "watches only User=arn:aws:iam::111122223333:role/app" in out.message


# --- the catalog's checks -----------------------------------------------------------------


def test_every_guide_alarm_has_a_check_on_its_metric_filter() -> None:
    alarms = [c for c in CATALOG.checks if c.check.rule.kind == "alarm_chain"]
    assert sorted(r for c in alarms for r in c.check.seed_refs) == sorted(
        f"Alarm: {n}" for n in ALARM_NAMES
    )
    for c in alarms:
        params = c.params
        assert isinstance(params, AlarmParams)
        mf = CATALOG.params_by_id[params.metric_filter]
        assert isinstance(mf, MetricFilterParams)
        text = c.check.remediation.text
        assert text.count("--metric-name ") == 1 and text.count("--namespace ") == 1, c.check.id
        assert f"--metric-name {mf.guide_metric.name} " in text, c.check.id
        assert f"--namespace {mf.guide_metric.namespace} " in text, c.check.id


def test_the_catalog_check_passes_on_a_corrected_guide_setup() -> None:
    item = CATALOG.get("alarm-bedrock-unauthorized-access")
    assert item is not None
    corrected = (
        '{ ($.eventSource = "bedrock.amazonaws.com" || $.eventSource = '
        '"bedrock-mantle.amazonaws.com") && ($.errorCode = "AccessDenied" || '
        '$.errorCode = "UnauthorizedOperation") }'
    )
    snap = build(filters=[{**metric_filter(), "filterPattern": corrected}])
    out = only(run_check("alarm-bedrock-unauthorized-access", snap))
    assert out.status is Status.PASS, out.message
    # The guide's own pattern misses bedrock-mantle: the chain breaks at the filter.
    out = only(run_check("alarm-bedrock-unauthorized-access", build()))
    assert out.status is Status.FAIL
    assert "Broken link: filter" in out.message
    assert "bedrock-mantle" in out.message
