"""Pipeline B (agent telemetry) as the collector reads it from moto, and what a failure leaves."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from aiposture.collect import agent_telemetry as at
from aiposture.collect.budget import minimum_calls
from aiposture.collect.responses import MalformedResponse
from aiposture.demo import moto_ext
from aiposture.snapshot.models import (
    AccountSnapshot,
    CallerIdentity,
    RegionSnapshot,
    Snapshot,
    ToolInfo,
)
from tests.collect.helpers import CallCounter

REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
OPERATIONS = {
    "GetTraceSegmentDestination",
    "GetIndexingRules",
    "DescribeLogGroups",
    "DescribeLogStreams",
}


@pytest.fixture
def aws() -> Iterator[str]:
    """moto with aiposture's patches; yields moto's default account id."""
    moto_ext.install()
    with mock_aws():
        yield str(boto3.client("sts", region_name=REGION, **KEYS).get_caller_identity()["Account"])


class Clients:
    """boto3 clients by (service, region), counting the requests each operation sends."""

    def __init__(self, fail: dict[str, str] | None = None) -> None:
        self.made: dict[tuple[str, str], Any] = {}
        self.counter = CallCounter()
        self.sent = self.counter.sent
        self.fail = fail or {}

    def __call__(self, service: str, region: str) -> Any:
        if (service, region) not in self.made:
            client = boto3.client(service, region_name=region, **KEYS)
            self.counter(client)
            client.meta.events.register("before-call", self._maybe_fail)
            self.made[(service, region)] = client
        return self.made[(service, region)]

    def _maybe_fail(self, model: Any, **_: Any) -> None:
        code = self.fail.get(model.name)
        if code is not None:
            raise ClientError({"Error": {"Code": code, "Message": "denied"}}, model.name)


def _read(
    clients: Callable[[str, str], Any], account_id: str, region: str = REGION
) -> RegionSnapshot:
    reg = RegionSnapshot(region=region)
    at.read_agent_telemetry(clients, reg, account_id)
    return reg


def _segment(end: float) -> str:
    return json.dumps(
        {
            "name": "agent",
            "id": "70de5b6f19ff9a0a",
            "trace_id": f"1-{int(end):08x}-{'e' * 24}",
            "start_time": end - 1,
            "end_time": end,
        }
    )


def _budget(reg: RegionSnapshot, account_id: str) -> Counter[str]:
    """The minimum-call budget of the region's pipeline B reads."""
    acct = AccountSnapshot(account_id=account_id, scanned_regions=[REGION], regions={REGION: reg})
    snap = Snapshot(
        tool=ToolInfo(version="0"),
        started_at=datetime.now(UTC),
        finished_at=datetime.now(UTC),
        identity=CallerIdentity(account=account_id, arn="arn:aws:iam::1:user/a", user_id="A"),
        accounts=[acct],
    )
    calls = minimum_calls(snap)
    return Counter({k: n for k, n in calls.items() if k.split(":")[1] in OPERATIONS})


def test_an_account_that_never_enabled_transaction_search(aws: str) -> None:
    clients = Clients()
    reg = _read(clients, aws)
    found = reg.agent_telemetry
    assert found is not None and reg.errors == []
    assert found.trace_segment_destination == {"Destination": "XRay", "Status": "ACTIVE"}
    assert [r["Name"] for r in found.indexing_rules or []] == ["Default"]
    assert found.spans_log_group_read and found.spans_log_group is None
    assert found.spans_latest_streams is None  # no group: DescribeLogStreams is not sent
    assert found.runtime_log_groups == []
    assert "logs:DescribeLogStreams" not in clients.sent
    assert _budget(reg, aws) == clients.sent


def test_transaction_search_on_with_spans_and_runtime_log_groups(aws: str) -> None:
    xray = boto3.client("xray", region_name=REGION, **KEYS)
    logs = boto3.client("logs", region_name=REGION, **KEYS)
    xray.update_trace_segment_destination(Destination="CloudWatchLogs")
    xray.update_indexing_rule(
        Name="Default", Rule={"Probabilistic": {"DesiredSamplingPercentage": 5}}
    )
    now = time.time()
    xray.put_trace_segments(TraceSegmentDocuments=[_segment(now - 3600)])
    # an older stream, written later: the latest event wins, not the latest stream
    logs.create_log_stream(logGroupName="aws/spans", logStreamName="zz-old")
    logs.put_log_events(
        logGroupName="aws/spans",
        logStreamName="zz-old",
        logEvents=[{"timestamp": int((now - 86400) * 1000), "message": "{}"}],
    )
    logs.create_log_group(logGroupName="aws/spans-archive")  # not aws/spans
    for i in range(55):  # more than one page of 50
        logs.create_log_group(
            logGroupName=f"{at.RUNTIME_LOG_GROUP_PREFIX}agent{i}-Ab{i:08d}-DEFAULT"
        )
    logs.create_log_group(logGroupName="/aws/bedrock-agentcore/memory/m1")

    clients = Clients()
    reg = _read(clients, aws)
    found = reg.agent_telemetry
    assert found is not None and reg.errors == []
    # the first look after the change answers PENDING, as AWS does until it completes
    assert found.trace_segment_destination == {"Destination": "CloudWatchLogs", "Status": "PENDING"}
    assert found.indexing_rules is not None
    assert found.indexing_rules[0]["Rule"]["Probabilistic"]["DesiredSamplingPercentage"] == 5
    assert found.spans_log_group is not None and found.spans_log_group.name == "aws/spans"
    [latest] = found.spans_latest_streams or []
    assert latest["logStreamName"] == "default"
    assert abs(latest["lastEventTimestamp"] / 1000 - (now - 3600)) < 5
    assert len(found.runtime_log_groups or []) == 55
    assert clients.sent["logs:DescribeLogGroups"] == 3  # aws/spans, then two pages
    assert _budget(reg, aws) == clients.sent
    assert _read(Clients(), aws).agent_telemetry.trace_segment_destination == {  # type: ignore[union-attr]
        "Destination": "CloudWatchLogs",
        "Status": "ACTIVE",
    }


@pytest.mark.parametrize(
    ("operation", "member"),
    [
        ("GetTraceSegmentDestination", "trace_segment_destination"),
        ("GetIndexingRules", "indexing_rules"),
        ("DescribeLogStreams", "spans_latest_streams"),
    ],
)
def test_a_failed_read_is_recorded_and_leaves_only_its_member_unknown(
    aws: str, operation: str, member: str
) -> None:
    boto3.client("xray", region_name=REGION, **KEYS).update_trace_segment_destination(
        Destination="CloudWatchLogs"
    )  # creates aws/spans, so DescribeLogStreams is sent
    reg = _read(Clients(fail={operation: "AccessDeniedException"}), aws)
    found = reg.agent_telemetry
    assert found is not None
    assert [(e.operation, e.error_code) for e in reg.errors] == [
        (operation, "AccessDeniedException")
    ]
    assert getattr(found, member) is None
    others = {"trace_segment_destination", "indexing_rules", "spans_latest_streams"} - {member}
    assert all(getattr(found, m) is not None for m in others)
    assert found.runtime_log_groups == []


def test_failed_log_group_reads_name_what_they_read(aws: str) -> None:
    clients = Clients(fail={"DescribeLogGroups": "AccessDeniedException"})
    reg = _read(clients, aws)
    found = reg.agent_telemetry
    assert found is not None
    assert not found.spans_log_group_read and found.runtime_log_groups is None
    assert [e.resource for e in reg.errors] == ["aws/spans", at.RUNTIME_LOG_GROUP_PREFIX]
    assert "logs:DescribeLogStreams" not in clients.sent
    # each failed DescribeLogGroups still cost its request, counted once
    assert _budget(reg, aws)["logs:DescribeLogGroups"] == 2


def test_nothing_is_read_where_bedrock_is_not_offered(aws: str) -> None:
    clients = Clients()
    reg = _read(clients, aws, region="ap-east-1")  # botocore 1.44 offers no Bedrock there
    assert reg.agent_telemetry is None and not clients.sent


def test_moto_refuses_a_stream_prefix_with_last_event_time_ordering_as_aws_does(aws: str) -> None:
    # CloudWatch Logs API Reference, DescribeLogStreams: "If you order the results by event
    # time, you cannot specify the logStreamNamePrefix parameter." The collector sends none.
    logs = boto3.client("logs", region_name=REGION, **KEYS)
    logs.create_log_group(logGroupName="aws/spans")
    with pytest.raises(ClientError, match="InvalidParameterException"):
        logs.describe_log_streams(
            logGroupName="aws/spans", orderBy="LastEventTime", logStreamNamePrefix="d"
        )


def test_update_indexing_rule_is_refused_outside_the_documented_bounds(aws: str) -> None:
    xray = boto3.client("xray", region_name=REGION, **KEYS)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        xray.update_indexing_rule(
            Name="Other", Rule={"Probabilistic": {"DesiredSamplingPercentage": 1}}
        )
    with pytest.raises(ClientError, match="InvalidRequestException"):
        xray.update_indexing_rule(
            Name="Default", Rule={"Probabilistic": {"DesiredSamplingPercentage": 101}}
        )


class _Answers:
    """A client stand-in whose calls answer the given bodies, in turn."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        self.answers = list(answers)

    def _next(self, **_: Any) -> dict[str, Any]:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    get_trace_segment_destination = _next
    get_indexing_rules = _next
    describe_log_streams = _next


@pytest.mark.parametrize(
    ("read", "answer"),
    [
        (at.trace_segment_destination, {"Status": "ACTIVE"}),
        (at.indexing_rules, {"NextToken": "x"}),
        (lambda c: at.latest_streams(c, "aws/spans"), {"nextToken": "x"}),
    ],
    ids=["destination", "indexing-rules", "log-streams"],
)
def test_an_answer_without_what_it_always_carries_is_malformed(
    read: Callable[[Any], Any], answer: dict[str, Any]
) -> None:
    with pytest.raises(MalformedResponse):
        read(_Answers(answer))


def test_indexing_rules_follow_next_token_and_stop_an_endless_one() -> None:
    rule = {"Name": "Default", "Rule": {"Probabilistic": {"DesiredSamplingPercentage": 1.0}}}
    two = _Answers({"IndexingRules": [rule], "NextToken": "t"}, {"IndexingRules": [rule]})
    assert at.indexing_rules(two) == [rule, rule]
    with pytest.raises(MalformedResponse, match="still a NextToken"):
        at.indexing_rules(_Answers({"IndexingRules": [rule], "NextToken": "t"}))
