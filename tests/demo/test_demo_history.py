"""The demo organization's event history (aiposture.demo.history), read as the scan reads it.

Each account is read through the auditor's assumed role with LookupEvents, one event name at a
time as the collector asks, and GetTrailStatus must tell the same story.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from aiposture.demo.accounts import (
    GUIDE_ACCOUNT,
    GUIDE_TRAIL_LOG_GROUP,
    LAB_ACCOUNT,
    PARTIAL_ACCOUNT,
    PLACEHOLDER_ACCOUNT,
    role_arn,
)
from aiposture.demo.environment import DemoEnvironment
from aiposture.demo.history import (
    DISRUPTION_ALARM,
    LONG_AGO_DAYS,
    PARTIAL_TRAIL,
    PLACEHOLDER_TRAIL,
    TRAIL_GAP,
    TRAIL_STOPPED_DAYS_AGO,
)
from aiposture.snapshot.history import EVENT_NAMES, LOOKUP_EVENTS_RETENTION

HOME, WEST = "us-east-1", "us-west-2"


def session_in(demo_env: DemoEnvironment, account_id: str) -> boto3.Session:
    auditor = demo_env.factory.base_session()
    creds = auditor.client("sts").assume_role(
        RoleArn=role_arn(account_id), RoleSessionName="history-test"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=HOME,
    )


def history(demo_env: DemoEnvironment, account_id: str, region: str) -> list[dict[str, Any]]:
    """Every monitoring event of the account and region, asked name by name, newest first."""
    client = session_in(demo_env, account_id).client("cloudtrail", region_name=region)
    found: list[dict[str, Any]] = []
    for name in EVENT_NAMES:
        paginator = client.get_paginator("lookup_events")
        for page in paginator.paginate(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}]
        ):
            found.extend(page["Events"])
    return sorted(found, key=lambda e: e["EventTime"], reverse=True)


def record(event: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(event["CloudTrailEvent"]))


@pytest.fixture(scope="module")
def now() -> datetime:
    return datetime.now(UTC)


def test_partial_trail_was_stopped_nine_days_by_one_actor_and_restarted_by_another(
    demo_env: DemoEnvironment, now: datetime
) -> None:
    events = history(demo_env, PARTIAL_ACCOUNT, HOME)
    trail_events = [e for e in events if e["EventSource"] == "cloudtrail.amazonaws.com"]
    assert [e["EventName"] for e in trail_events] == ["StartLogging", "StopLogging"]
    start, stop = trail_events
    assert start["EventTime"] - stop["EventTime"] == TRAIL_GAP == timedelta(days=9)
    assert abs(now - stop["EventTime"] - timedelta(days=TRAIL_STOPPED_DAYS_AGO)) < timedelta(
        minutes=10
    )
    stopper, starter = record(stop), record(start)
    assert stopper["userIdentity"]["arn"] != starter["userIdentity"]["arn"]
    assert stopper["sourceIPAddress"] != starter["sourceIPAddress"]
    trail_arn = f"arn:aws:cloudtrail:{HOME}:{PARTIAL_ACCOUNT}:trail/{PARTIAL_TRAIL}"
    for event in (start, stop):
        assert record(event)["requestParameters"] == {"name": trail_arn}
        assert "errorCode" not in record(event)
        assert {"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": trail_arn} in event[
            "Resources"
        ]

    status = (
        session_in(demo_env, PARTIAL_ACCOUNT)
        .client("cloudtrail", region_name=HOME)
        .get_trail_status(Name=PARTIAL_TRAIL)
    )
    assert status["IsLogging"] is True
    assert status["StartLoggingTime"] == start["EventTime"]
    assert status["StopLoggingTime"] == stop["EventTime"]


def test_partial_disruption_alarm_was_silenced_three_days(demo_env: DemoEnvironment) -> None:
    events = history(demo_env, PARTIAL_ACCOUNT, HOME)
    alarm_events = [e for e in events if e["EventSource"] == "monitoring.amazonaws.com"]
    assert [e["EventName"] for e in alarm_events] == ["EnableAlarmActions", "DisableAlarmActions"]
    enable, disable = alarm_events
    assert enable["EventTime"] - disable["EventTime"] == timedelta(days=3)
    for event in alarm_events:
        assert record(event)["requestParameters"] == {"alarmNames": [DISRUPTION_ALARM]}
    cloudwatch = session_in(demo_env, PARTIAL_ACCOUNT).client("cloudwatch", region_name=HOME)
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=[DISRUPTION_ALARM])["MetricAlarms"]
    assert alarm["ActionsEnabled"] is True  # re-enabled: the present state agrees


def test_guide_account_changed_nothing_that_matters(demo_env: DemoEnvironment) -> None:
    events = history(demo_env, GUIDE_ACCOUNT, HOME)
    assert sorted(e["EventName"] for e in events) == ["PutMetricFilter", "PutRetentionPolicy"]
    assert history(demo_env, GUIDE_ACCOUNT, WEST) == []
    session = session_in(demo_env, GUIDE_ACCOUNT)

    (put_filter,) = (e for e in events if e["EventName"] == "PutMetricFilter")
    params = record(put_filter)["requestParameters"]
    present = session.client("logs", region_name=HOME).describe_metric_filters(
        logGroupName=GUIDE_TRAIL_LOG_GROUP, filterNamePrefix=params["filterName"]
    )["metricFilters"]
    (current,) = (f for f in present if f["filterName"] == params["filterName"])
    assert params["filterPattern"] == current["filterPattern"]  # re-written as it was
    assert params["metricTransformations"] == current["metricTransformations"]
    assert params["logGroupName"] == GUIDE_TRAIL_LOG_GROUP

    # an update, not a creation: the filter is older than the history, so the Put is no doubt
    assert current["creationTime"] < int(put_filter["EventTime"].timestamp() * 1000) - 60_000

    (put_retention,) = (e for e in events if e["EventName"] == "PutRetentionPolicy")
    params = record(put_retention)["requestParameters"]
    (group,) = (
        g
        for g in session.client("logs", region_name=HOME).describe_log_groups(
            logGroupNamePrefix=GUIDE_TRAIL_LOG_GROUP
        )["logGroups"]
        if g["logGroupName"] == GUIDE_TRAIL_LOG_GROUP
    )
    assert params == {"logGroupName": GUIDE_TRAIL_LOG_GROUP, "retentionInDays": 365}
    assert group["retentionInDays"] == params["retentionInDays"]  # set to what it was


def test_placeholder_account_was_denied_stopping_its_trail(demo_env: DemoEnvironment) -> None:
    (denied,) = history(demo_env, PLACEHOLDER_ACCOUNT, HOME)
    assert denied["EventName"] == "StopLogging"
    assert record(denied)["errorCode"] == "AccessDenied"
    assert record(denied)["responseElements"] is None
    status = (
        session_in(demo_env, PLACEHOLDER_ACCOUNT)
        .client("cloudtrail", region_name=HOME)
        .get_trail_status(Name=PLACEHOLDER_TRAIL)
    )
    assert status["IsLogging"] is True and "StopLoggingTime" not in status


def test_trails_without_history_date_from_before_it(
    demo_env: DemoEnvironment, now: datetime
) -> None:
    long_ago = now - timedelta(days=LONG_AGO_DAYS)
    oldest_kept = now - LOOKUP_EVENTS_RETENTION
    seen = 0
    for account_id in (GUIDE_ACCOUNT, PARTIAL_ACCOUNT, PLACEHOLDER_ACCOUNT, LAB_ACCOUNT):
        session = session_in(demo_env, account_id)
        for region in (HOME, WEST):
            client = session.client("cloudtrail", region_name=region)
            for trail in client.describe_trails(includeShadowTrails=False)["trailList"]:
                if trail["HomeRegion"] != region or trail["Name"] == PARTIAL_TRAIL:
                    continue
                status = client.get_trail_status(Name=trail["Name"])
                seen += 1
                assert abs(status["StartLoggingTime"] - long_ago) < timedelta(minutes=10)
                if status["IsLogging"]:
                    assert "StopLoggingTime" not in status, trail["Name"]
                else:  # the partial account's legacy trail: stopped before the history
                    assert status["StopLoggingTime"] < oldest_kept, trail["Name"]
    assert seen == 5  # guide, placeholder, legacy and the lab's two


def test_log_groups_and_filters_date_from_before_the_history(
    demo_env: DemoEnvironment, now: datetime
) -> None:
    oldest_kept = int((now - LOOKUP_EVENTS_RETENTION).timestamp() * 1000)
    seen = 0
    for account_id in (GUIDE_ACCOUNT, PARTIAL_ACCOUNT, PLACEHOLDER_ACCOUNT, LAB_ACCOUNT):
        logs = session_in(demo_env, account_id).client("logs", region_name=HOME)
        for group in logs.describe_log_groups()["logGroups"]:
            assert group["creationTime"] < oldest_kept, group["logGroupName"]
            name = group["logGroupName"]
            found = [
                *logs.describe_metric_filters(logGroupName=name)["metricFilters"],
                *logs.describe_subscription_filters(logGroupName=name)["subscriptionFilters"],
            ]
            for item in found:
                seen += 1
                assert item["creationTime"] < oldest_kept, (name, item["filterName"])
    assert seen > 0


def test_the_whole_story_is_inside_the_default_period(
    demo_env: DemoEnvironment, now: datetime
) -> None:
    for account_id in (GUIDE_ACCOUNT, PARTIAL_ACCOUNT, PLACEHOLDER_ACCOUNT, LAB_ACCOUNT):
        for region in (HOME, WEST):
            for event in history(demo_env, account_id, region):
                assert now - LOOKUP_EVENTS_RETENTION < event["EventTime"] < now
    assert history(demo_env, LAB_ACCOUNT, HOME) == []
