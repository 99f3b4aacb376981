"""Fault injection in front of moto's HTTP server: throttling, AccessDenied, latency, counters."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import (
    ExponentialBackoff,
    RetryEventAdapter,
    ThrottlingErrorDetector,
)

from aiposture.testing.fault_servers import fault_server
from aiposture.testing.faults import FaultInjector, FaultPlan

DEFAULT_ACCOUNT = "123456789012"  # moto's account for keys it does not know
MEMBER = "222222222222"
OTHER = "333333333333"
REGION = "us-east-1"

SLEEPS: list[float] = []


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, FaultInjector]]:
    with (
        pytest.MonkeyPatch.context() as mp,
        fault_server(sleep=SLEEPS.append) as (endpoint, injector),
    ):
        mp.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE"):
            mp.delenv(key, raising=False)
        yield endpoint, injector


@pytest.fixture
def injector(server: tuple[str, FaultInjector]) -> Iterator[FaultInjector]:
    inj = server[1]
    inj.set_plan(FaultPlan())
    inj.reset()
    SLEEPS.clear()
    yield inj
    inj.set_plan(FaultPlan())


def _session(key: str = "testing", secret: str = "testing", token: str | None = None) -> Any:
    return boto3.Session(
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=REGION,
    )


def _client(endpoint: str, service: str, session: Any = None, **retries: Any) -> Any:
    config = Config(retries=retries or {"mode": "standard", "total_max_attempts": 1})
    return (session or _session()).client(service, endpoint_url=endpoint, config=config)


def _assumed(endpoint: str, account: str) -> Any:
    sts = _client(endpoint, "sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Audit", RoleSessionName="tests")[
        "Credentials"
    ]
    return _session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


# One read per service aiposture calls, as "service:Operation" -> call on a client.
READS: dict[str, Callable[[Any], Any]] = {
    "sts:GetCallerIdentity": lambda c: c.get_caller_identity(),
    "organizations:DescribeOrganization": lambda c: c.describe_organization(),
    "ec2:DescribeRegions": lambda c: c.describe_regions(),
    "cloudtrail:DescribeTrails": lambda c: c.describe_trails(),
    "logs:DescribeLogGroups": lambda c: c.describe_log_groups(),
    "cloudwatch:DescribeAlarms": lambda c: c.describe_alarms(),
    "sns:ListSubscriptionsByTopic": lambda c: c.list_subscriptions_by_topic(
        TopicArn=f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:t"
    ),
    "bedrock:GetModelInvocationLoggingConfiguration": (
        lambda c: c.get_model_invocation_logging_configuration()
    ),
    "guardduty:ListDetectors": lambda c: c.list_detectors(),
    "guardduty:GetDetector": lambda c: c.get_detector(DetectorId="abc123"),
}


@pytest.mark.parametrize("key", list(READS))
def test_throttling_is_recognised_by_botocore_for_every_service(
    server: tuple[str, FaultInjector], injector: FaultInjector, key: str
) -> None:
    endpoint = server[0]
    service = key.split(":")[0]
    injector.set_plan(FaultPlan(throttle_rate=1.0))
    client = _client(endpoint, service)
    detector = ThrottlingErrorDetector(RetryEventAdapter())
    verdicts: list[bool] = []

    def judge(**kwargs: Any) -> None:
        verdicts.append(detector.is_throttling_error(**kwargs))

    client.meta.events.register("needs-retry", judge)
    with pytest.raises(ClientError) as caught:
        READS[key](client)

    assert verdicts == [True]  # what the retry mode asks before backing off and retrying
    assert "Rate exceeded" in str(caught.value)
    counts = injector.counts()
    assert counts.requests == {key: 1}
    assert counts.throttled == {key: 1}


def test_throttled_calls_are_retried_and_give_the_clean_answer(
    server: tuple[str, FaultInjector], injector: FaultInjector, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore backs off up to seconds per throttle; the answer, not the wait, is under test
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.001)
    endpoint = server[0]
    logs = _client(endpoint, "logs")
    for i in range(3):
        logs.create_log_group(logGroupName=f"/faults/retried-{i}")
    clean = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]

    injector.set_plan(FaultPlan(throttle_rate=0.25, seed=7))
    injector.reset()
    retrying = _client(endpoint, "logs", mode="standard", max_attempts=30)
    answers = [
        [g["logGroupName"] for g in retrying.describe_log_groups()["logGroups"]] for _ in range(6)
    ]

    assert answers == [clean] * 6
    counts = injector.counts()
    throttled = counts.throttled["logs:DescribeLogGroups"]
    assert throttled > 0
    assert counts.requests["logs:DescribeLogGroups"] == 6 + throttled


def test_the_same_seed_throttles_the_same_requests(
    server: tuple[str, FaultInjector], injector: FaultInjector
) -> None:
    def throttled_pattern() -> list[bool]:
        injector.set_plan(FaultPlan(throttle_rate=0.3, seed=42))
        sts = _client(server[0], "sts")
        out = []
        for _ in range(20):
            try:
                sts.get_caller_identity()
                out.append(False)
            except ClientError:
                out.append(True)
        return out

    first = throttled_pattern()
    assert any(first) and not all(first)
    assert throttled_pattern() == first


def test_latency_is_asked_for_every_aws_request(
    server: tuple[str, FaultInjector], injector: FaultInjector
) -> None:
    injector.set_plan(FaultPlan(latency_s=0.05))
    sts = _client(server[0], "sts")
    for _ in range(3):
        sts.get_caller_identity()
    _client(server[0], "cloudwatch").describe_alarms()

    assert SLEEPS == [0.05] * 4
    counts = injector.counts()
    assert counts.delayed == 4
    assert counts.delay_s == pytest.approx(0.2)
    _get(server[0], "/__faults/counts")  # control endpoints are never delayed
    assert SLEEPS == [0.05] * 4


def test_deny_rules_match_only_their_account_and_operation(
    server: tuple[str, FaultInjector], injector: FaultInjector
) -> None:
    endpoint = server[0]
    member = _assumed(endpoint, MEMBER)
    assert _client(endpoint, "sts", member).get_caller_identity()["Account"] == MEMBER
    injector.set_plan(FaultPlan(deny=((MEMBER, "logs", "DescribeLogGroups"), (None, "ec2", "*"))))
    injector.reset()

    with pytest.raises(ClientError) as denied:
        _client(endpoint, "logs", member).describe_log_groups()
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    _client(endpoint, "logs").describe_log_groups()  # another account: allowed
    _client(endpoint, "logs", member).describe_metric_filters()  # another operation: allowed
    for session in (None, member):  # "*" in every account
        with pytest.raises(ClientError) as ec2_denied:
            _client(endpoint, "ec2", session).describe_regions()
        assert ec2_denied.value.response["Error"]["Code"] == "UnauthorizedOperation"

    counts = injector.counts()
    assert counts.denied == {"logs:DescribeLogGroups": 1, "ec2:DescribeRegions": 2}
    assert counts.requests["logs:DescribeMetricFilters"] == 1


def test_deny_assume_role_into_one_account(
    server: tuple[str, FaultInjector], injector: FaultInjector
) -> None:
    injector.set_plan(FaultPlan(deny=((MEMBER, "sts", "AssumeRole"),)))
    with pytest.raises(ClientError) as denied:
        _assumed(server[0], MEMBER)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    other = _assumed(server[0], OTHER)
    assert _client(server[0], "sts", other).get_caller_identity()["Account"] == OTHER
    assert injector.counts().denied == {"sts:AssumeRole": 1}


def test_denied_in_each_protocol_is_an_access_error(
    server: tuple[str, FaultInjector], injector: FaultInjector
) -> None:
    injector.set_plan(FaultPlan(deny=tuple((None, k.split(":")[0], "*") for k in READS)))
    codes = {}
    for key, read in READS.items():
        with pytest.raises(ClientError) as denied:
            read(_client(server[0], key.split(":")[0]))
        codes[key] = denied.value.response["Error"]["Code"]
    assert codes == {
        "sts:GetCallerIdentity": "AccessDenied",
        "organizations:DescribeOrganization": "AccessDeniedException",
        "ec2:DescribeRegions": "UnauthorizedOperation",
        "cloudtrail:DescribeTrails": "AccessDeniedException",
        "logs:DescribeLogGroups": "AccessDeniedException",
        "cloudwatch:DescribeAlarms": "AccessDeniedException",
        "sns:ListSubscriptionsByTopic": "AuthorizationError",
        "bedrock:GetModelInvocationLoggingConfiguration": "AccessDeniedException",
        "guardduty:ListDetectors": "AccessDeniedException",
        "guardduty:GetDetector": "AccessDeniedException",
    }


def _get(endpoint: str, path: str) -> Any:
    with urllib.request.urlopen(endpoint + path) as resp:
        return json.loads(resp.read())


def _post(endpoint: str, path: str, data: Any = None) -> Any:
    body = json.dumps(data).encode() if data is not None else b""
    req = urllib.request.Request(endpoint + path, data=body, method="POST")
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def test_counts_plan_and_reset_over_http(
    server: tuple[str, FaultInjector], injector: FaultInjector
) -> None:
    endpoint = server[0]
    plan = {
        "latency_s": 0,
        "throttle_rate": 1.0,
        "seed": 3,
        "deny": [[None, "sns", "*"]],
        "corrupt": [],
        "hang_s": 5.0,
    }
    assert _post(endpoint, "/__faults/plan", plan) == plan
    assert injector.plan == FaultPlan(throttle_rate=1.0, seed=3, deny=((None, "sns", "*"),))

    with pytest.raises(ClientError):
        _client(endpoint, "sts").get_caller_identity()
    with pytest.raises(ClientError):
        _client(endpoint, "sns").list_topics()
    counts = _get(endpoint, "/__faults/counts")
    assert counts["requests"] == {"sns:ListTopics": 1, "sts:GetCallerIdentity": 1}
    assert counts["throttled"] == 1
    assert counts["denied"] == 1
    assert counts["total"] == 2
    assert counts == injector.counts().to_json()

    _post(endpoint, "/__faults/reset")
    assert _get(endpoint, "/__faults/counts")["total"] == 0
    with pytest.raises(urllib.error.HTTPError) as bad:
        _post(endpoint, "/__faults/plan", {"throttle_rate": 2})
    assert bad.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as missing:
        _get(endpoint, "/__faults/nothing")
    assert missing.value.code == 404


def test_plan_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="throttle_rate"):
        FaultPlan(throttle_rate=1.5)
    with pytest.raises(ValueError, match="latency_s"):
        FaultPlan(latency_s=-1)
    with pytest.raises(ValueError, match="unknown corruption 'garbled'"):
        FaultPlan(corrupt=((None, "sns", "*", "garbled"),))
    with pytest.raises(ValueError, match="deny rule"):
        FaultPlan(deny=(("1", "sts"),))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["empty", "truncated", "html"])
def test_a_corrupt_rule_answers_200_with_a_body_botocore_cannot_trust(
    server: tuple[str, FaultInjector], injector: FaultInjector, kind: str
) -> None:
    endpoint = server[0]
    injector.set_plan(FaultPlan(corrupt=((None, "sts", "GetCallerIdentity", kind),)))
    from botocore.parsers import ResponseParserError

    from aiposture.collect.responses import MalformedResponse, install_response_check

    # an XML document cut in half passes the root check and botocore's parser refuses it
    with pytest.raises((MalformedResponse, ResponseParserError)):
        install_response_check(_client(endpoint, "sts")).get_caller_identity()
    assert injector.counts().corrupted == {"sts:GetCallerIdentity": 1}
    _client(endpoint, "sns").list_topics()  # other operations are answered as usual
