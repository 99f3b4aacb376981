"""The demo's detection lab (account ``555566667777``): each way a detection can fail to fire.

Both regions have a single-region trail of their own that records everything the guide asks
(its selectors with real ids, both Insights types on management and data events, the
aggregation templates) and delivers, healthily, to ``lab/cloudtrail`` in its own region,
which holds the guide's whole detection layer. Then ``us-east-1`` gets the broken forms and
``us-west-2`` their corrected twins:

==============================  ===========================================  ==========================
class                           us-east-1 (fails at the link named)          us-west-2 (passes)
==============================  ===========================================  ==========================
over-broad                      MF 1 on eventSource only, MF 14 on            the guide's patterns and
                                cloudtrail.amazonaws.com, MF 20 on            Rule 10 (filter / rule)
                                ``*Gateway*``, Rule 10 without eventName
missing data                    MF 4 without default value and its alarm      default value 0, missing
                                ``breaching``; MF 5's alarm ``ignore`` with   data not breaching
                                a sparse filter (alarm)
metric math                     the MF 7 alarm as ``m1 * 2 > 2`` (the         ``m1 * 2 > 0``
                                metric > 1: looser than > 0) (alarm)
what the filter sees            MF 9 with fieldSelectionCriteria for          criteria for us-west-2;
                                eu-west-1 (filter); MF 10 on transformed       raw events
                                logs (ERROR)
log alarm                       the MF 8 alarm as a log alarm whose           a log alarm whose windows
                                windows leave gaps (alarm)                    cover the guide's period
==============================  ===========================================  ==========================

The other classes live where they belong: a trail that records nothing the data-event
detections need is the placeholder account's; broken delivery into an Infrequent Access log
group is the partial account's (both against the guide account as their twin).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aiposture.demo.accounts import INVOCATION_LOG_GROUP, LAB_TRAIL_LOG_GROUP
from aiposture.demo.writers import (
    SeedAccount,
    put_alarm,
    put_filter,
    seed_guide_detection,
    start_guide_trail,
)
from aiposture.guide import detection as dc

BROKEN_REGION_INDEX = 0
"""The lab region (of the demo's regions) that holds the broken forms."""

OVER_BROAD = {
    1: '{ ($.eventSource = "bedrock.amazonaws.com") || ($.eventSource = "bedrock-mantle.amazonaws.com") }',
    14: '{ $.eventSource = "cloudtrail.amazonaws.com" }',
    20: '{ ($.eventSource = "bedrock-agentcore.amazonaws.com") && ($.eventName = "*Gateway*") }',
}
"""Filters that count every event of their kind and more (the metric stops meaning anything)."""

FLOW_QUERY = 'filter eventSource = "bedrock.amazonaws.com" and eventName = "InvokeFlow"'
"""The log alarm's Logs Insights query for the guide's Metric Filter 8 (flow invocations)."""


def _trail(acct: SeedAccount, region: str, bucket: str, role: str, key: str) -> None:
    logs_arn = acct.log_group(LAB_TRAIL_LOG_GROUP, region, retention=365)
    start_guide_trail(
        acct.client("cloudtrail", region),
        f"lab-{region}",
        acct.account_id,
        [region],
        S3BucketName=bucket,
        IsMultiRegionTrail=False,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key,
        CloudWatchLogsLogGroupArn=logs_arn,
        CloudWatchLogsRoleArn=role,
    )


def _topic(acct: SeedAccount, region: str) -> str:
    """The security topic :func:`seed_guide_detection` created in ``region``."""
    sns = acct.client("sns", region)
    arns = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    return str(next(a for a in arns if a.endswith(":ai-security-alerts")))


def _broken(acct: SeedAccount, region: str) -> None:
    logs, cw = acct.client("logs", region), acct.client("cloudwatch", region)
    group = LAB_TRAIL_LOG_GROUP
    topic = _topic(acct, region)
    for number, pattern in OVER_BROAD.items():
        mf = dc.metric_filter(number)
        put_filter(logs, group, mf.filter_name, pattern, mf.metric)
    rule = dc.insight_rule(10)
    definition = rule.definition(group)
    definition["Contribution"]["Filters"] = [
        f for f in definition["Contribution"]["Filters"] if f["Match"] != "$.eventName"
    ]
    cw.put_insight_rule(
        RuleName=rule.name, RuleState="ENABLED", RuleDefinition=json.dumps(definition)
    )
    for number, missing in ((4, "breaching"), (5, "ignore")):
        mf = dc.metric_filter(number)
        put_filter(logs, group, mf.filter_name, mf.complete_pattern, mf.metric, default=None)
        put_alarm(cw, dc.alarm_for_metric(mf.metric), [topic], missing=missing)
    _math_alarm(cw, topic, threshold=2.0)
    mf = dc.metric_filter(9)
    put_filter(
        logs,
        group,
        mf.filter_name,
        mf.complete_pattern,
        mf.metric,
        fieldSelectionCriteria='@aws.region = "eu-west-1"',
    )
    mf = dc.metric_filter(10)
    put_filter(
        logs, group, mf.filter_name, mf.complete_pattern, mf.metric, applyOnTransformedLogs=True
    )
    _log_alarm(acct, cw, region, topic, schedule="rate(10 minutes)", window=300)


def _corrected(acct: SeedAccount, region: str) -> None:
    logs, cw = acct.client("logs", region), acct.client("cloudwatch", region)
    topic = _topic(acct, region)
    _math_alarm(cw, topic, threshold=0.0)
    mf = dc.metric_filter(9)
    put_filter(
        logs,
        LAB_TRAIL_LOG_GROUP,
        mf.filter_name,
        mf.complete_pattern,
        mf.metric,
        fieldSelectionCriteria=f'@aws.region = "{region}"',
    )
    _log_alarm(acct, cw, region, topic, schedule="rate(5 minutes)", window=600)


def _math_alarm(cw: Any, topic: str, *, threshold: float) -> None:
    """The guide's AI Role Permission Escalation alarm, written as ``m1 * 2`` metric math."""
    alarm = dc.alarm_for_metric(dc.metric_filter(7).metric)
    cw.put_metric_alarm(
        AlarmName=alarm.alarm_name,
        AlarmDescription=f"{alarm.name} (guide alarm table, as metric math)",
        Metrics=[
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {"Namespace": dc.METRIC_NAMESPACE, "MetricName": alarm.metric},
                    "Period": alarm.period_seconds,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            },
            {"Id": "e1", "Expression": "m1 * 2", "Label": "weighted", "ReturnData": True},
        ],
        EvaluationPeriods=1,
        DatapointsToAlarm=1,
        Threshold=threshold,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        AlarmActions=[topic],
    )


def _log_alarm(
    acct: SeedAccount, cw: Any, region: str, topic: str, *, schedule: str, window: int
) -> None:
    """The guide's Bedrock Flow Invocation Spike alarm as a log alarm (no metric alarm)."""
    alarm = dc.alarm_for_metric(dc.metric_filter(8).metric)
    cw.delete_alarms(AlarmNames=[alarm.alarm_name])
    role = acct.role("CloudWatchScheduledQueryRole", "cloudwatch.amazonaws.com")
    cw.put_log_alarm(
        AlarmName=f"{alarm.alarm_name}-LogAlarm",
        AlarmDescription=f"{alarm.name} (guide alarm table, as a log alarm)",
        ScheduledQueryConfiguration={
            "QueryString": FLOW_QUERY,
            "LogGroupIdentifiers": [LAB_TRAIL_LOG_GROUP],
            "ScheduledQueryRoleARN": role,
            "ScheduleConfiguration": {"ScheduleExpression": schedule, "StartTimeOffset": window},
            "AggregationExpression": "count(*)",
        },
        QueryResultsToEvaluate=1,
        QueryResultsToAlarm=1,
        Threshold=float(alarm.threshold),
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        AlarmActions=[topic],
    )


def seed_lab(acct: SeedAccount, regions: Sequence[str]) -> None:
    """Write the lab account: a complete trail and detection layer per region, then the forms."""
    bucket = acct.bucket()
    role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    inv_role = acct.role("BedrockInvocationLoggingRole", "bedrock.amazonaws.com")
    for index, region in enumerate(regions):
        key = acct.client("kms", region).create_key(Description="lab trail key")["KeyMetadata"][
            "Arn"
        ]
        _trail(acct, region, bucket, role, key)
        seed_guide_detection(acct, region, LAB_TRAIL_LOG_GROUP)
        acct.client("guardduty", region).create_detector(Enable=True)
        acct.log_group(INVOCATION_LOG_GROUP, region, retention=365)
        acct.invocation_logging(
            region,
            {
                "cloudWatchConfig": {"logGroupName": INVOCATION_LOG_GROUP, "roleArn": inv_role},
                "textDataDeliveryEnabled": True,
            },
        )
        if index == BROKEN_REGION_INDEX:
            _broken(acct, region)
        else:
            _corrected(acct, region)
