"""moto's CloudTrail LookupEvents (aiposture.demo.moto_ext.cloudtrail_lookup_events).

Exercised through boto3 as the collector calls it: in-process under ``mock_aws()`` and over
HTTP through moto's ThreadedMotoServer (the last section; both share moto's backends, so the
server tests come last and reset moto when done).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from moto import mock_aws

from aiposture.collect.botocore_data import new_botocore_session
from aiposture.demo import moto_ext
from aiposture.demo.environment import DUMMY_CREDENTIALS, seeded_server
from aiposture.demo.moto_ext import cloudtrail_lookup_events as lookup_module
from aiposture.demo.moto_ext.cloudtrail import set_trail_logging_times
from aiposture.demo.moto_ext.cloudtrail_lookup_events import (
    LOOKUP_ATTRIBUTE_KEYS,
    LookupCalls,
    clear_events,
    lookup_events_calls,
    record_event,
    recorded_events,
    set_lookup_events_rate,
)
from aiposture.snapshot.history import LOOKUP_EVENTS_PAGE_SIZE

REGION = "us-east-1"
OTHER_REGION = "us-west-2"
ACCOUNT = "123456789012"
MEMBER = "444455556666"
ADMIN = f"arn:aws:sts::{ACCOUNT}:assumed-role/OpsAdmin/dana.ops"
RESPONDER = f"arn:aws:sts::{ACCOUNT}:assumed-role/SecurityResponder/sam.sec"
USER = f"arn:aws:iam::{ACCOUNT}:user/ci-deployer"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/ops-trail"
NO_RETRY = Config(retries={"total_max_attempts": 1})


def by_name(name: str) -> list[dict[str, str]]:
    return [{"AttributeKey": "EventName", "AttributeValue": name}]


def code_of(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


def ago(**delta: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(**delta)


def all_pages(client: Any, **params: Any) -> list[list[dict[str, Any]]]:
    pages = []
    while True:
        page = client.lookup_events(**params)
        pages.append(page["Events"])
        if "NextToken" not in page:
            return pages
        params["NextToken"] = page["NextToken"]


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    set_lookup_events_rate(None)
    yield
    set_lookup_events_rate(None)
    clear_events()


class Clock:
    """The rate limiter's clock, stepped by hand: throttling tests must not race the machine."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(lookup_module, "_clock", fake)
    return fake


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    moto_ext.install()
    with mock_aws():
        yield boto3.Session(region_name=REGION)


@pytest.fixture
def ct(aws: boto3.Session) -> Any:
    return aws.client("cloudtrail", config=NO_RETRY)


def assumed(session: boto3.Session, account_id: str, **client_kw: Any) -> Any:
    creds = session.client("sts", **client_kw).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="lookup-events-test",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


# --- what is recorded, and only that ---------------------------------------------------


def test_moto_records_no_events_by_itself(aws: boto3.Session, ct: Any) -> None:
    aws.client("s3").create_bucket(Bucket="trail-bucket")
    ct.create_trail(Name="ops-trail", S3BucketName="trail-bucket")
    ct.start_logging(Name="ops-trail")
    ct.stop_logging(Name="ops-trail")
    assert ct.lookup_events()["Events"] == []
    assert "NextToken" not in ct.lookup_events()


def test_an_event_as_lookup_events_answers_it(ct: Any) -> None:
    when = ago(days=40, hours=1) + timedelta(microseconds=654321)
    event_id = record_event(
        ACCOUNT,
        REGION,
        event_name="StopLogging",
        event_time=when,
        actor_arn=ADMIN,
        source_ip="203.0.113.45",
        request_parameters={"name": TRAIL_ARN},
        resources=[{"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": TRAIL_ARN}],
    )
    (event,) = ct.lookup_events()["Events"]
    assert event["EventId"] == event_id
    assert event["EventName"] == "StopLogging"
    assert event["EventSource"] == "cloudtrail.amazonaws.com"  # from the family
    assert event["ReadOnly"] == "false"
    assert event["Username"] == "dana.ops"
    assert event["AccessKeyId"].startswith("ASIA") and len(event["AccessKeyId"]) == 20
    assert event["EventTime"] == when.replace(microsecond=0)  # CloudTrail keeps seconds
    assert event["Resources"] == [
        {"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": TRAIL_ARN}
    ]
    record = json.loads(event["CloudTrailEvent"])
    assert record["eventID"] == event_id
    assert record["eventName"] == "StopLogging"
    assert record["eventSource"] == "cloudtrail.amazonaws.com"
    assert record["eventTime"] == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert record["awsRegion"] == REGION
    assert record["recipientAccountId"] == ACCOUNT
    assert record["sourceIPAddress"] == "203.0.113.45"
    assert record["requestParameters"] == {"name": TRAIL_ARN}
    assert record["responseElements"] is None
    assert record["eventCategory"] == "Management"
    assert record["managementEvent"] is True and record["readOnly"] is False
    assert record["eventType"] == "AwsApiCall"
    assert "errorCode" not in record
    identity = record["userIdentity"]
    assert identity["type"] == "AssumedRole" and identity["arn"] == ADMIN
    assert identity["accessKeyId"] == event["AccessKeyId"]
    issuer = identity["sessionContext"]["sessionIssuer"]
    assert issuer["arn"] == f"arn:aws:iam::{ACCOUNT}:role/OpsAdmin"
    assert issuer["userName"] == "OpsAdmin"


def test_a_denied_call_keeps_its_error_and_no_response(ct: Any) -> None:
    record_event(
        ACCOUNT,
        REGION,
        event_name="StopLogging",
        event_time=ago(days=3),
        actor_arn=USER,
        error_code="AccessDenied",
        response_elements={"ignored": True},
    )
    (event,) = ct.lookup_events()["Events"]
    record = json.loads(event["CloudTrailEvent"])
    assert record["errorCode"] == "AccessDenied"
    assert "not authorized to perform: cloudtrail:StopLogging" in record["errorMessage"]
    assert record["responseElements"] is None
    assert record["userIdentity"]["type"] == "IAMUser"
    assert record["userIdentity"]["userName"] == "ci-deployer"
    assert event["Username"] == "ci-deployer"
    assert event["AccessKeyId"].startswith("AKIA")


def test_root_and_response_elements(ct: Any) -> None:
    record_event(
        ACCOUNT,
        REGION,
        event_name="PutDashboard",
        event_time=ago(days=1),
        actor_arn=f"arn:aws:iam::{ACCOUNT}:root",
        response_elements={"dashboardValidationMessages": []},
    )
    (event,) = ct.lookup_events()["Events"]
    record = json.loads(event["CloudTrailEvent"])
    assert event["Username"] == "root" and record["userIdentity"]["type"] == "Root"
    assert event["EventSource"] == "monitoring.amazonaws.com"
    assert record["responseElements"] == {"dashboardValidationMessages": []}


def test_record_event_refuses_what_aws_would_never_write(aws: boto3.Session) -> None:
    with pytest.raises(ValueError, match="no control family"):
        record_event(
            ACCOUNT, REGION, event_name="RunInstances", event_time=ago(days=1), actor_arn=USER
        )
    record_event(
        ACCOUNT,
        REGION,
        event_name="RunInstances",
        event_time=ago(days=1),
        actor_arn=USER,
        event_source="ec2.amazonaws.com",
        event_id="fixed-id",
    )
    with pytest.raises(ValueError, match="already recorded"):
        record_event(
            ACCOUNT,
            REGION,
            event_name="StopLogging",
            event_time=ago(days=1),
            actor_arn=USER,
            event_id="fixed-id",
        )
    with pytest.raises(ValueError, match="ResourceType and ResourceName"):
        record_event(
            ACCOUNT,
            REGION,
            event_name="StopLogging",
            event_time=ago(days=1),
            actor_arn=USER,
            resources=[{"ARN": TRAIL_ARN}],
        )
    with pytest.raises(ValueError, match="no Region"):
        record_event(
            ACCOUNT,
            "mars-north-1",
            event_name="StopLogging",
            event_time=ago(days=1),
            actor_arn=USER,
        )


def test_clear_events_and_a_moto_reset_forget_the_history(ct: Any) -> None:
    record_event(ACCOUNT, REGION, event_name="StopLogging", event_time=ago(days=1), actor_arn=USER)
    assert len(ct.lookup_events()["Events"]) == 1
    clear_events()
    assert ct.lookup_events()["Events"] == []
    record_event(ACCOUNT, REGION, event_name="StopLogging", event_time=ago(days=1), actor_arn=USER)
    assert len(recorded_events(ACCOUNT, REGION)) == 1
    from moto.core.base_backend import BackendDict

    BackendDict.reset()  # what mock_aws() and /moto-api/reset do
    assert ct.lookup_events()["Events"] == []


def test_events_stay_in_their_account_and_region(aws: boto3.Session, ct: Any) -> None:
    record_event(ACCOUNT, REGION, event_name="StopLogging", event_time=ago(days=1), actor_arn=USER)
    record_event(MEMBER, REGION, event_name="StartLogging", event_time=ago(days=1), actor_arn=USER)
    record_event(
        ACCOUNT, OTHER_REGION, event_name="DeleteTrail", event_time=ago(days=1), actor_arn=USER
    )
    assert [e["EventName"] for e in ct.lookup_events()["Events"]] == ["StopLogging"]
    west = aws.client("cloudtrail", region_name=OTHER_REGION)
    assert [e["EventName"] for e in west.lookup_events()["Events"]] == ["DeleteTrail"]
    member = assumed(aws, MEMBER).client("cloudtrail")
    assert [e["EventName"] for e in member.lookup_events()["Events"]] == ["StartLogging"]


# --- pages -------------------------------------------------------------------------------


def _many(name: str, count: int, *, step_minutes: int = 30, actor: str = ADMIN) -> list[str]:
    return [
        record_event(
            ACCOUNT,
            REGION,
            event_name=name,
            event_time=ago(minutes=step_minutes * (i + 1)),
            actor_arn=actor,
        )
        for i in range(count)
    ]


def test_pages_of_fifty_newest_first_with_a_token_only_when_more_remain(ct: Any) -> None:
    ids = _many("StopLogging", 120)
    _many("StartLogging", 7)
    pages = all_pages(ct, LookupAttributes=by_name("StopLogging"))
    assert [len(p) for p in pages] == [50, 50, 20]
    events = [e for p in pages for e in p]
    assert [e["EventId"] for e in events] == ids  # recorded newest first
    times = [e["EventTime"] for e in events]
    assert times == sorted(times, reverse=True)
    exact = ct.lookup_events(LookupAttributes=by_name("StartLogging"))
    assert len(exact["Events"]) == 7 and "NextToken" not in exact
    assert LOOKUP_EVENTS_PAGE_SIZE == 50


def test_exactly_fifty_events_need_one_page(ct: Any) -> None:
    _many("StopLogging", 50)
    page = ct.lookup_events(LookupAttributes=by_name("StopLogging"))
    assert len(page["Events"]) == 50 and "NextToken" not in page


def test_botocores_paginator_and_smaller_pages(ct: Any) -> None:
    ids = _many("PutMetricAlarm", 23)
    paginator = ct.get_paginator("lookup_events")
    pages = list(
        paginator.paginate(
            LookupAttributes=by_name("PutMetricAlarm"), PaginationConfig={"PageSize": 5}
        )
    )
    assert [len(p["Events"]) for p in pages] == [5, 5, 5, 5, 3]
    assert [e["EventId"] for p in pages for e in p["Events"]] == ids


def test_max_results_may_change_between_pages(ct: Any) -> None:
    ids = _many("StopLogging", 12)
    first = ct.lookup_events(LookupAttributes=by_name("StopLogging"), MaxResults=5)
    second = ct.lookup_events(
        LookupAttributes=by_name("StopLogging"), MaxResults=50, NextToken=first["NextToken"]
    )
    assert [e["EventId"] for e in first["Events"] + second["Events"]] == ids
    assert "NextToken" not in second


def test_a_token_is_a_cursor_new_events_never_shift_a_page(ct: Any) -> None:
    ids = _many("StopLogging", 60)
    first = ct.lookup_events(LookupAttributes=by_name("StopLogging"))
    newest = record_event(
        ACCOUNT, REGION, event_name="StopLogging", event_time=ago(seconds=5), actor_arn=USER
    )
    rest = ct.lookup_events(LookupAttributes=by_name("StopLogging"), NextToken=first["NextToken"])
    seen = [e["EventId"] for e in first["Events"] + rest["Events"]]
    assert seen == ids and newest not in seen
    assert (
        ct.lookup_events(LookupAttributes=by_name("StopLogging"))["Events"][0]["EventId"] == newest
    )


def test_same_instant_events_come_in_one_order_across_pages(ct: Any) -> None:
    when = ago(days=2)
    ids = [
        record_event(
            ACCOUNT,
            REGION,
            event_name="StopLogging",
            event_time=when,
            actor_arn=ADMIN,
            event_id=f"id-{i:02d}",
        )
        for i in range(7)
    ]
    pages = all_pages(ct, LookupAttributes=by_name("StopLogging"), MaxResults=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [e["EventId"] for p in pages for e in p] == sorted(ids, reverse=True)


# --- the attribute filter ------------------------------------------------------------------


def test_each_lookup_attribute_filters(ct: Any) -> None:
    stop = record_event(
        ACCOUNT,
        REGION,
        event_name="StopLogging",
        event_time=ago(days=2),
        actor_arn=ADMIN,
        resources=[{"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": TRAIL_ARN}],
    )
    start = record_event(
        ACCOUNT,
        REGION,
        event_name="StartLogging",
        event_time=ago(days=1),
        actor_arn=RESPONDER,
        resources=[{"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": TRAIL_ARN}],
    )
    alarm = record_event(
        ACCOUNT,
        REGION,
        event_name="DisableAlarmActions",
        event_time=ago(hours=5),
        actor_arn=USER,
        resources=[{"ResourceType": "AWS::CloudWatch::Alarm", "ResourceName": "AI-Disruption"}],
    )
    read = record_event(
        ACCOUNT,
        REGION,
        event_name="DescribeTrails",
        event_time=ago(hours=1),
        actor_arn=USER,
        event_source="cloudtrail.amazonaws.com",
        read_only=True,
    )
    key_of_admin = next(e for e in ct.lookup_events()["Events"] if e["EventId"] == stop)[
        "AccessKeyId"
    ]

    def ids(key: str, value: str) -> list[str]:
        answer = ct.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])
        return [e["EventId"] for e in answer["Events"]]

    assert ids("EventName", "StopLogging") == [stop]
    assert ids("EventName", "stoplogging") == []  # exact, case-sensitive
    assert ids("EventId", alarm) == [alarm]
    assert ids("ReadOnly", "true") == [read]
    assert ids("ReadOnly", "false") == [alarm, start, stop]
    assert ids("Username", "sam.sec") == [start]
    assert ids("Username", "ci-deployer") == [read, alarm]
    assert ids("ResourceType", "AWS::CloudTrail::Trail") == [start, stop]
    assert ids("ResourceName", "AI-Disruption") == [alarm]
    assert ids("EventSource", "monitoring.amazonaws.com") == [alarm]
    assert ids("EventSource", "cloudtrail.amazonaws.com") == [read, start, stop]
    assert ids("AccessKeyId", key_of_admin) == [stop]
    model = new_botocore_session().get_service_model("cloudtrail")
    assert list(LOOKUP_ATTRIBUTE_KEYS) == model.shape_for("LookupAttributeKey").enum


def test_an_empty_attribute_list_filters_nothing(ct: Any) -> None:
    _many("StopLogging", 2)
    assert len(ct.lookup_events(LookupAttributes=[])["Events"]) == 2


# --- time range and retention -----------------------------------------------------------------


def test_start_and_end_are_inclusive(ct: Any) -> None:
    start, end = ago(days=10), ago(days=5)
    at_start = record_event(
        ACCOUNT, REGION, event_name="StopLogging", event_time=start, actor_arn=ADMIN
    )
    at_end = record_event(
        ACCOUNT, REGION, event_name="StopLogging", event_time=end, actor_arn=ADMIN
    )
    record_event(
        ACCOUNT,
        REGION,
        event_name="StopLogging",
        event_time=start - timedelta(seconds=1),
        actor_arn=ADMIN,
    )
    record_event(
        ACCOUNT,
        REGION,
        event_name="StopLogging",
        event_time=end + timedelta(seconds=1),
        actor_arn=ADMIN,
    )
    answer = ct.lookup_events(LookupAttributes=by_name("StopLogging"), StartTime=start, EndTime=end)
    assert [e["EventId"] for e in answer["Events"]] == [at_end, at_start]
    same = ct.lookup_events(StartTime=start, EndTime=start)
    assert [e["EventId"] for e in same["Events"]] == [at_start]


def test_events_older_than_ninety_days_are_gone(ct: Any) -> None:
    kept = record_event(
        ACCOUNT,
        REGION,
        event_name="StopLogging",
        event_time=ago(days=89, hours=23),
        actor_arn=ADMIN,
    )
    record_event(
        ACCOUNT,
        REGION,
        event_name="StopLogging",
        event_time=ago(days=90, minutes=5),
        actor_arn=ADMIN,
    )
    record_event(
        ACCOUNT, REGION, event_name="StopLogging", event_time=ago(days=200), actor_arn=ADMIN
    )
    # asking further back than 90 days is no error: there is just nothing there
    answer = ct.lookup_events(StartTime=ago(days=365), EndTime=ago(seconds=0))
    assert [e["EventId"] for e in answer["Events"]] == [kept]
    assert len(recorded_events(ACCOUNT, REGION)) == 3  # recorded, but out of LookupEvents' reach


def test_an_event_that_has_not_happened_yet_is_not_returned(ct: Any) -> None:
    record_event(
        ACCOUNT,
        REGION,
        event_name="StopLogging",
        event_time=datetime.now(UTC) + timedelta(hours=1),
        actor_arn=ADMIN,
    )
    assert ct.lookup_events()["Events"] == []


def test_insight_category_finds_no_management_event(ct: Any) -> None:
    _many("StopLogging", 3)
    assert ct.lookup_events(EventCategory="insight")["Events"] == []


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (
            {"LookupAttributes": by_name("StopLogging") + by_name("StartLogging")},
            "InvalidLookupAttributesException",
        ),
        (
            {"LookupAttributes": [{"AttributeKey": "ErrorCode", "AttributeValue": "AccessDenied"}]},
            "InvalidLookupAttributesException",
        ),
        (
            {"LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "yes"}]},
            "InvalidLookupAttributesException",
        ),
        (
            {"LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "a" * 2001}]},
            "InvalidLookupAttributesException",
        ),
        (  # "_" counts twice: 1,001 of them are 2,002 characters
            {"LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "_" * 1001}]},
            "InvalidLookupAttributesException",
        ),
        (
            {
                "StartTime": datetime(2026, 1, 2, tzinfo=UTC),
                "EndTime": datetime(2026, 1, 1, tzinfo=UTC),
            },
            "InvalidTimeRangeException",
        ),
        ({"MaxResults": 51}, "InvalidMaxResultsException"),
        ({"EventCategory": "management"}, "InvalidEventCategoryException"),
        ({"NextToken": "not-a-token"}, "InvalidNextTokenException"),
        ({"NextToken": "!!!"}, "InvalidNextTokenException"),
    ],
    ids=[
        "two-attributes",
        "unknown-key",
        "read-only-not-boolean",
        "value-too-long",
        "doubled-characters-too-long",
        "start-after-end",
        "max-results-51",
        "bad-category",
        "foreign-token",
        "undecodable-token",
    ],
)
def test_bad_requests_fail_as_aws_does(ct: Any, params: dict[str, Any], code: str) -> None:
    with pytest.raises(ClientError) as info:
        ct.lookup_events(**params)
    assert code_of(info) == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_attribute_value_of_exactly_2000_characters_is_accepted(ct: Any) -> None:
    value = "_" * 1000  # 2,000 counted characters
    assert (
        ct.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": value}])[
            "Events"
        ]
        == []
    )


def test_max_results_below_one_reaches_the_server_only_without_botocores_check(
    aws: boto3.Session, ct: Any
) -> None:
    with pytest.raises(ParamValidationError):
        ct.lookup_events(MaxResults=0)
    unchecked = aws.client("cloudtrail", config=NO_RETRY.merge(Config(parameter_validation=False)))
    with pytest.raises(ClientError) as info:
        unchecked.lookup_events(MaxResults=0)
    assert code_of(info) == "InvalidMaxResultsException"
    assert len(unchecked.lookup_events(MaxResults=1)["Events"]) == 0


def _token(ct: Any, **params: Any) -> str:
    page = ct.lookup_events(MaxResults=1, **params)
    return str(page["NextToken"])


def test_a_token_works_only_with_the_parameters_it_was_issued_for(
    aws: boto3.Session, ct: Any
) -> None:
    _many("StopLogging", 3)
    _many("StartLogging", 3)
    start = ago(days=1)
    token = _token(ct, LookupAttributes=by_name("StopLogging"), StartTime=start)
    # the same parameters: fine, any MaxResults
    ok = ct.lookup_events(LookupAttributes=by_name("StopLogging"), StartTime=start, NextToken=token)
    assert [e["EventName"] for e in ok["Events"]] == ["StopLogging", "StopLogging"]
    for changed in (
        {"LookupAttributes": by_name("StartLogging"), "StartTime": start},
        {"LookupAttributes": by_name("StopLogging"), "StartTime": start - timedelta(seconds=1)},
        {"LookupAttributes": by_name("StopLogging")},
        {"LookupAttributes": by_name("StopLogging"), "StartTime": start, "EndTime": ago(seconds=0)},
        {
            "LookupAttributes": by_name("StopLogging"),
            "StartTime": start,
            "EventCategory": "insight",
        },
    ):
        with pytest.raises(ClientError) as info:
            ct.lookup_events(NextToken=token, **changed)
        assert code_of(info) == "InvalidNextTokenException", changed
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(ClientError) as info:
        ct.lookup_events(
            LookupAttributes=by_name("StopLogging"), StartTime=start, NextToken=tampered
        )
    assert code_of(info) == "InvalidNextTokenException"


def test_a_token_of_another_region_or_account_is_refused(aws: boto3.Session, ct: Any) -> None:
    _many("StopLogging", 3)
    token = _token(ct)
    west = aws.client("cloudtrail", region_name=OTHER_REGION, config=NO_RETRY)
    with pytest.raises(ClientError) as info:
        west.lookup_events(MaxResults=1, NextToken=token)
    assert code_of(info) == "InvalidNextTokenException"
    member = assumed(aws, MEMBER).client("cloudtrail", config=NO_RETRY)
    with pytest.raises(ClientError) as info:
        member.lookup_events(MaxResults=1, NextToken=token)
    assert code_of(info) == "InvalidNextTokenException"


# --- the rate ------------------------------------------------------------------------------------


def test_unlimited_by_default(ct: Any) -> None:
    for _ in range(25):
        ct.lookup_events()
    assert lookup_events_calls() == {(ACCOUNT, REGION): LookupCalls(answered=25, throttled=0)}


def test_beyond_the_rate_a_request_is_throttled(aws: boto3.Session, ct: Any, clock: Clock) -> None:
    set_lookup_events_rate(2.0)
    ct.lookup_events()
    ct.lookup_events()  # a burst of two: the documented two per second
    with pytest.raises(ClientError) as info:
        ct.lookup_events()
    assert code_of(info) == "ThrottlingException"
    assert info.value.response["Error"]["Message"] == "Rate exceeded"
    # per account and Region: the others still have their own allowance
    aws.client("cloudtrail", region_name=OTHER_REGION, config=NO_RETRY).lookup_events()
    assumed(aws, MEMBER).client("cloudtrail", config=NO_RETRY).lookup_events()
    # a refused request used no capacity: half a second buys exactly one more
    clock.now += 0.5
    ct.lookup_events()
    with pytest.raises(ClientError):
        ct.lookup_events()
    calls = lookup_events_calls()
    assert calls[(ACCOUNT, REGION)] == LookupCalls(answered=3, throttled=2)
    assert calls[(ACCOUNT, OTHER_REGION)] == LookupCalls(answered=1, throttled=0)
    assert calls[(MEMBER, REGION)] == LookupCalls(answered=1, throttled=0)
    clear_events()
    assert lookup_events_calls() == {}


def test_a_caller_pacing_itself_at_the_rate_is_never_throttled(ct: Any) -> None:
    set_lookup_events_rate(2.0)
    _many("StopLogging", 8)
    began = time.monotonic()
    pages = []
    for call in range(6):
        delay = began + call * 0.5 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        pages.append(ct.lookup_events(MaxResults=50))
    assert all(len(p["Events"]) == 8 for p in pages)


def test_botocore_retries_a_throttled_request(aws: boto3.Session) -> None:
    set_lookup_events_rate(2.0)
    retrying = aws.client(
        "cloudtrail", config=Config(retries={"mode": "standard", "max_attempts": 10})
    )
    for _ in range(4):  # two beyond the burst: each waits in botocore's backoff
        assert retrying.lookup_events()["Events"] == []


def test_the_rate_must_be_positive() -> None:
    for bad in (0.0, -1.0):
        with pytest.raises(ValueError, match="positive"):
            set_lookup_events_rate(bad)


# --- GetTrailStatus agrees with the history -----------------------------------------------


def test_trail_logging_times_are_what_the_history_says(aws: boto3.Session, ct: Any) -> None:
    aws.client("s3").create_bucket(Bucket="trail-bucket")
    ct.create_trail(Name="ops-trail", S3BucketName="trail-bucket")
    ct.start_logging(Name="ops-trail")
    stopped, started = ago(days=40), ago(days=31)
    set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=started, stopped=stopped)
    status = ct.get_trail_status(Name="ops-trail")
    assert status["IsLogging"] is True
    assert status["StartLoggingTime"] == started
    assert status["StopLoggingTime"] == stopped  # a restarted trail keeps its last stop
    assert status["TimeLoggingStarted"] == started.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert status["TimeLoggingStopped"] == stopped.strftime("%Y-%m-%dT%H:%M:%SZ")

    set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=ago(days=400), stopped=None)
    status = ct.get_trail_status(Name="ops-trail")
    assert "StopLoggingTime" not in status and "TimeLoggingStopped" not in status

    with pytest.raises(ValueError, match="is logging"):  # stopped after its last start
        set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=stopped, stopped=started)
    with pytest.raises(ValueError, match="is logging"):
        set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=None, stopped=None)
    ct.stop_logging(Name="ops-trail")
    with pytest.raises(ValueError, match="is stopped"):
        set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=started, stopped=stopped)
    set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=stopped, stopped=started)
    status = ct.get_trail_status(Name="ops-trail")
    assert status["IsLogging"] is False and status["StopLoggingTime"] == started


# --- over HTTP: moto's ThreadedMotoServer (last: it shares moto's backends) -----------------


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with seeded_server(lambda _session_for, _endpoint: None, REGION) as (url, _):
        yield url


def http_client(endpoint: str, region: str = REGION, **config: Any) -> Any:
    return boto3.client(
        "cloudtrail",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"total_max_attempts": 1}, **config),
    )


def test_http_pages_filter_and_retention(endpoint: str) -> None:
    ids = _many("StopLogging", 73, step_minutes=60)  # up to ~3 days back
    record_event(
        ACCOUNT, REGION, event_name="StopLogging", event_time=ago(days=95), actor_arn=ADMIN
    )
    _many("StartLogging", 4)
    client = http_client(endpoint)
    pages = all_pages(client, LookupAttributes=by_name("StopLogging"), StartTime=ago(days=120))
    assert [len(p) for p in pages] == [50, 23]
    assert [e["EventId"] for p in pages for e in p] == ids
    record = json.loads(pages[0][0]["CloudTrailEvent"])
    assert record["userIdentity"]["arn"] == ADMIN and record["sourceIPAddress"] == "198.51.100.7"


def test_http_each_account_reads_its_own_history(endpoint: str) -> None:
    mine = record_event(
        MEMBER, REGION, event_name="DeleteTrail", event_time=ago(days=2), actor_arn=USER
    )
    record_event(ACCOUNT, REGION, event_name="StopLogging", event_time=ago(days=1), actor_arn=USER)
    bootstrap = boto3.Session(
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    member = assumed(bootstrap, MEMBER, endpoint_url=endpoint).client(
        "cloudtrail", endpoint_url=endpoint, config=NO_RETRY
    )
    assert [e["EventId"] for e in member.lookup_events()["Events"]] == [mine]


def test_http_errors(endpoint: str) -> None:
    _many("StopLogging", 3)
    client = http_client(endpoint)
    for params, code in (
        (
            {"LookupAttributes": by_name("StopLogging") + by_name("StartLogging")},
            "InvalidLookupAttributesException",
        ),
        ({"StartTime": ago(days=1), "EndTime": ago(days=2)}, "InvalidTimeRangeException"),
        ({"MaxResults": 51}, "InvalidMaxResultsException"),
        ({"NextToken": "forged"}, "InvalidNextTokenException"),
    ):
        with pytest.raises(ClientError) as info:
            client.lookup_events(**params)
        assert code_of(info) == code
    token = client.lookup_events(MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as info:
        http_client(endpoint, OTHER_REGION).lookup_events(MaxResults=1, NextToken=token)
    assert code_of(info) == "InvalidNextTokenException"


def test_http_throttling(endpoint: str, clock: Clock) -> None:
    set_lookup_events_rate(2.0)
    client = http_client(endpoint)
    client.lookup_events()
    client.lookup_events()
    with pytest.raises(ClientError) as info:
        client.lookup_events()
    assert code_of(info) == "ThrottlingException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    http_client(endpoint, OTHER_REGION).lookup_events()
    clock.now += 0.5
    client.lookup_events()
