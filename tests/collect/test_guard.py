"""The read-only guard refuses writes before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aiposture.collect.guard import (
    COLLECTOR_OPERATIONS,
    CREDENTIAL_OPERATIONS,
    READ_ONLY_PREFIXES,
    install_read_only_guard,
    is_allowed,
)
from aiposture.collect.recorder import record_call
from aiposture.collect.session import SessionFactory
from aiposture.errors import ReadOnlyViolation
from aiposture.snapshot.models import CallError

REGION = "us-east-1"
TRAIL = "guarded-trail"


class SendRecorder:
    """Records every request that reaches botocore's send step."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def attach(self, client: Any) -> Any:
        client.meta.events.register("before-send", self._on_send)
        return client

    def _on_send(self, event_name: str, **_: Any) -> None:
        self.sent.append(event_name.split(".", 1)[1])


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        session.client("s3").create_bucket(Bucket="guard-test-bucket")
        trail = session.client("cloudtrail")
        trail.create_trail(Name=TRAIL, S3BucketName="guard-test-bucket")
        trail.start_logging(Name=TRAIL)
        yield session


def test_every_collector_operation_is_a_read() -> None:
    assert COLLECTOR_OPERATIONS
    for service, operation in COLLECTOR_OPERATIONS:
        assert operation.startswith(READ_ONLY_PREFIXES), (service, operation)


def test_every_collector_operation_exists_in_botocore() -> None:
    session = boto3.Session(region_name=REGION)
    for service, operation in COLLECTOR_OPERATIONS | CREDENTIAL_OPERATIONS:
        model = session._session.get_service_model(service)
        assert operation in model.operation_names, (service, operation)


def test_assume_role_is_the_only_credential_operation() -> None:
    assert {("sts", "AssumeRole")} == CREDENTIAL_OPERATIONS
    assert not CREDENTIAL_OPERATIONS & COLLECTOR_OPERATIONS
    assert not is_allowed("sts", "AssumeRole")
    assert is_allowed("sts", "AssumeRole", CREDENTIAL_OPERATIONS)


@pytest.mark.parametrize(
    ("call", "operation"),
    [
        (lambda c: c.stop_logging(Name=TRAIL), "StopLogging"),
        (lambda c: c.delete_trail(Name=TRAIL), "DeleteTrail"),
        (
            lambda c: c.put_event_selectors(
                TrailName=TRAIL,
                AdvancedEventSelectors=[
                    {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
                ],
            ),
            "PutEventSelectors",
        ),
        (lambda c: c.list_trails(), "ListTrails"),  # a read, but not on the allow-list
    ],
)
def test_guard_refuses_before_sending(aws: boto3.Session, call: Any, operation: str) -> None:
    recorder = SendRecorder()
    client = recorder.attach(install_read_only_guard(aws.client("cloudtrail")))
    with pytest.raises(ReadOnlyViolation) as info:
        call(client)
    assert str(info.value) == (f"refused cloudtrail:{operation}: aiposture only sends read calls")
    assert recorder.sent == []
    plain = aws.client("cloudtrail")
    assert plain.get_trail_status(Name=TRAIL)["IsLogging"] is True
    assert [t["Name"] for t in plain.describe_trails()["trailList"]] == [TRAIL]


@pytest.mark.parametrize(
    ("service", "call", "operation"),
    [
        (
            "cloudwatch",
            lambda c: c.put_metric_alarm(
                AlarmName="a",
                MetricName="m",
                Namespace="n",
                Statistic="Sum",
                Period=60,
                EvaluationPeriods=1,
                Threshold=0.0,
                ComparisonOperator="GreaterThanThreshold",
            ),
            "PutMetricAlarm",
        ),
        ("cloudwatch", lambda c: c.delete_alarms(AlarmNames=["a"]), "DeleteAlarms"),
        (
            "logs",
            lambda c: c.put_metric_filter(
                logGroupName="g",
                filterName="f",
                filterPattern="",
                metricTransformations=[
                    {"metricName": "m", "metricNamespace": "n", "metricValue": "1"}
                ],
            ),
            "PutMetricFilter",
        ),
        (
            "logs",
            lambda c: c.delete_subscription_filter(logGroupName="g", filterName="f"),
            "DeleteSubscriptionFilter",
        ),
        (
            "sns",
            lambda c: c.unsubscribe(SubscriptionArn="arn:aws:sns:us-east-1:1:t:x"),
            "Unsubscribe",
        ),
        ("guardduty", lambda c: c.delete_detector(DetectorId="d"), "DeleteDetector"),
        (
            "cloudtrail",
            lambda c: c.put_event_configuration(TrailName=TRAIL, AggregationConfigurations=[]),
            "PutEventConfiguration",
        ),
    ],
)
def test_guard_refuses_detection_layer_writes(
    aws: boto3.Session, service: str, call: Any, operation: str
) -> None:
    recorder = SendRecorder()
    client = recorder.attach(install_read_only_guard(aws.client(service)))
    with pytest.raises(ReadOnlyViolation, match=f"refused {service}:{operation}:"):
        call(client)
    assert recorder.sent == []


def test_guard_refuses_s3_put_object(aws: boto3.Session) -> None:
    recorder = SendRecorder()
    client = recorder.attach(install_read_only_guard(aws.client("s3")))
    with pytest.raises(ReadOnlyViolation, match=r"refused s3:PutObject"):
        client.put_object(Bucket="guard-test-bucket", Key="x", Body=b"x")
    assert recorder.sent == []
    assert aws.client("s3").list_objects_v2(Bucket="guard-test-bucket").get("KeyCount") == 0


def test_guard_lets_allowed_reads_through(aws: boto3.Session) -> None:
    recorder = SendRecorder()
    client = recorder.attach(install_read_only_guard(aws.client("cloudtrail")))
    trails = client.describe_trails(includeShadowTrails=True)["trailList"]
    assert [t["Name"] for t in trails] == [TRAIL]
    assert client.get_trail_status(Name=TRAIL)["IsLogging"] is True
    assert recorder.sent == ["cloudtrail.DescribeTrails", "cloudtrail.GetTrailStatus"]


def test_guard_covers_paginators(aws: boto3.Session) -> None:
    client = install_read_only_guard(aws.client("logs"))
    pages = list(client.get_paginator("describe_log_groups").paginate())
    assert pages[0]["logGroups"] == []
    with pytest.raises(ReadOnlyViolation):
        # a read the collectors never send (DescribeLogStreams is allow-listed: aws/spans)
        list(client.get_paginator("describe_destinations").paginate())


def test_a_write_cannot_be_allow_listed(aws: boto3.Session) -> None:
    with pytest.raises(ValueError, match="not a read operation"):
        install_read_only_guard(aws.client("cloudtrail"), {("cloudtrail", "StopLogging")})


def test_reinstalling_replaces_the_allow_list(aws: boto3.Session) -> None:
    client = install_read_only_guard(aws.client("cloudtrail"))
    install_read_only_guard(client, {("cloudtrail", "ListTrails")})
    assert client.list_trails()["Trails"]
    with pytest.raises(ReadOnlyViolation):
        client.describe_trails()


def test_assume_role_client_allows_only_assume_role(aws: boto3.Session) -> None:
    sts = install_read_only_guard(aws.client("sts"), CREDENTIAL_OPERATIONS)
    creds = sts.assume_role(
        RoleArn="arn:aws:iam::444455556666:role/Scan", RoleSessionName="aiposture"
    )["Credentials"]
    assert creds["AccessKeyId"]
    with pytest.raises(ReadOnlyViolation, match=r"refused sts:GetCallerIdentity"):
        sts.get_caller_identity()


def test_factory_clients_are_guarded_and_never_assume(aws: boto3.Session) -> None:
    factory = SessionFactory(session=aws)
    trail = factory.client(aws, "cloudtrail", REGION)
    assert factory.client(aws, "cloudtrail", REGION) is trail
    with pytest.raises(ReadOnlyViolation):
        trail.stop_logging(Name=TRAIL)
    sts = factory.client(aws, "sts", REGION)
    with pytest.raises(ReadOnlyViolation, match=r"refused sts:AssumeRole"):
        sts.assume_role(RoleArn="arn:aws:iam::444455556666:role/Scan", RoleSessionName="x1")
    assert aws.client("cloudtrail").get_trail_status(Name=TRAIL)["IsLogging"] is True


def test_read_only_violation_is_never_recorded_as_evidence(aws: boto3.Session) -> None:
    client = install_read_only_guard(aws.client("cloudtrail"))
    errors: list[CallError] = []
    with pytest.raises(ReadOnlyViolation):
        record_call(
            errors,
            lambda: client.stop_logging(Name=TRAIL),
            service="cloudtrail",
            operation="StopLogging",
            region=REGION,
            account_id="123456789012",
        )
    assert errors == []
