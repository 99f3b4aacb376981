"""Each call's limits: malformed answers are errors, and no call outlasts its budget."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config as BotoConfig
from botocore.stub import Stubber
from moto import mock_aws

from aiposture.collect.deadline import CallTimedOut, Timeouts, install_call_budget
from aiposture.collect.recorder import record_call
from aiposture.collect.responses import (
    ALWAYS_RETURNED,
    document_problem,
    install_response_check,
)
from aiposture.collect.session import SessionFactory
from aiposture.config import ScanConfig
from aiposture.snapshot.models import CallError
from tests.cli.helpers import run_aiposture


@pytest.mark.parametrize(
    ("protocol", "body", "problem"),
    [
        ("json", b"", "empty body"),
        ("json", b'{"trailList": [{"Name": "a"', "not JSON"),
        ("json", b"<html><body>Bad Gateway</body></html>", "not JSON"),
        ("json", b"[]", "not an object"),
        ("rest-json", b"   ", "empty body"),
        ("smithy-rpc-v2-cbor", b"<html>", "not a CBOR map"),
        ("query", b"<html><body>x</body></html>", "not a GetCallerIdentityResponse"),
        ("query", b"<?xml version='1.0'?><GetCallerIdentityResponseX/>", "not a"),
    ],
)
def test_a_body_that_is_not_the_operations_document_is_named(
    protocol: str, body: bytes, problem: str
) -> None:
    reason = document_problem(protocol, "GetCallerIdentity", body)
    assert reason is not None and problem in reason


@pytest.mark.parametrize(
    ("protocol", "body"),
    [
        ("json", b'{"trailList": []}'),
        ("rest-json", b"{}"),
        ("smithy-rpc-v2-cbor", bytes([0xA1, 0x61, 0x61, 0x01])),
        (
            "query",
            b'<?xml version="1.0"?>\n<GetCallerIdentityResponse xmlns="x"></GetCallerIdentityResponse>',
        ),
    ],
)
def test_a_complete_document_passes(protocol: str, body: bytes) -> None:
    assert document_problem(protocol, "GetCallerIdentity", body) is None


def test_every_operation_with_always_returned_members_is_one_the_collectors_send() -> None:
    from aiposture.collect.guard import COLLECTOR_OPERATIONS

    assert set(ALWAYS_RETURNED) <= COLLECTOR_OPERATIONS


def test_an_answer_without_what_it_always_carries_is_a_recorded_malformed_response() -> None:
    with mock_aws():
        client = install_response_check(boto3.client("cloudtrail", region_name="us-east-1"))
        with Stubber(client) as stub:
            stub.add_response("describe_trails", {})
            errors: list[CallError] = []
            got = record_call(
                errors,
                client.describe_trails,
                service="cloudtrail",
                operation="DescribeTrails",
                region="us-east-1",
                account_id="123456789012",
            )
    assert got is None
    assert [e.error_code for e in errors] == ["MalformedResponse"]
    assert "lacks trailList" in errors[0].message


def test_a_real_answer_passes_the_check() -> None:
    with mock_aws():
        client = install_response_check(boto3.client("cloudtrail", region_name="us-east-1"))
        assert client.describe_trails()["trailList"] == []


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_retry_that_cannot_end_within_the_budget_is_not_sent() -> None:
    clock = _Clock()
    timeouts = Timeouts(connect_s=1, read_s=2, call_budget_s=10)
    with mock_aws():
        retries = BotoConfig(retries={"mode": "standard", "max_attempts": 10})
        client = boto3.client("cloudtrail", region_name="us-east-1", config=retries)
        install_call_budget(client, timeouts, clock)
        sent: list[float] = []

        def attempt(**_: object) -> None:
            sent.append(clock.now)
            clock.now += 3.5  # each attempt fails after 3.5 s
            raise_timeout()

        def raise_timeout() -> None:
            from botocore.exceptions import ReadTimeoutError

            raise ReadTimeoutError(endpoint_url="https://cloudtrail.us-east-1.amazonaws.com")

        client.meta.events.register("before-send", attempt)
        with pytest.raises(CallTimedOut) as timed_out:
            client.describe_trails()
    # attempts start at 0, 3.5 (3.5 + 3 <= 10); a third at 7.0 could end at 10.0... no:
    # 7.0 + 3 = 10.0 fits, a fourth at 10.5 would not.
    assert sent == [0.0, 3.5, 7.0]
    message = str(timed_out.value)
    assert "call budget of 10 s" in message and "3 attempt(s)" in message
    assert "ReadTimeoutError" in message


def test_the_scan_configuration_refuses_a_budget_without_room_for_one_attempt() -> None:
    with pytest.raises(ValueError, match="must leave room for one attempt"):
        ScanConfig(connect_timeout_s=5, read_timeout_s=30, call_budget_s=20)
    assert ScanConfig(read_timeout_s=5).timeout_settings() == {"read_s": 5.0}


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """An endpoint that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_factorys_clients_give_up_on_a_silent_endpoint_within_the_budget(
    silent_endpoint: str,
) -> None:
    timeouts = Timeouts(connect_s=0.5, read_s=0.5, call_budget_s=2.0)
    session = boto3.Session(
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
    )
    factory = SessionFactory(session=session, endpoint_url=silent_endpoint, timeouts=timeouts)
    client = factory.client(session, "cloudtrail", "us-east-1")
    errors: list[CallError] = []
    started = time.monotonic()
    record_call(
        errors,
        client.describe_trails,
        service="cloudtrail",
        operation="DescribeTrails",
        region="us-east-1",
        account_id=None,
    )
    elapsed = time.monotonic() - started
    assert [e.error_code for e in errors] == ["CallTimedOut"]
    assert "ReadTimeoutError" in errors[0].message
    assert elapsed < timeouts.call_budget_s + 1.0  # not botocore's ~11 minutes


def test_the_scan_command_gives_up_on_a_silent_endpoint_with_one_line(
    silent_endpoint: str, tmp_path: Path
) -> None:
    config = tmp_path / "aiposture.toml"
    config.write_text("[scan]\nconnect_timeout_s = 0.5\nread_timeout_s = 0.5\ncall_budget_s = 2\n")
    out = tmp_path / "out"
    result = run_aiposture(
        ["scan", "--config", str(config), "--endpoint-url", silent_endpoint, "--out", str(out)],
        env={
            "HOME": str(tmp_path),
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "x",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        },
        timeout=60,
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0 and len(lines) == 1, result.stderr
    assert "call budget of 2 s" in lines[0]
    assert not (out / "results.json").exists()


def test_an_html_page_with_status_200_is_a_malformed_response_not_a_parser_crash() -> None:
    from botocore.awsrequest import AWSResponse

    class _Raw:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self, **_: object) -> Iterator[bytes]:
            yield self.body

    page = b"<!DOCTYPE html><html><body>Bad Gateway</body></html>"
    with mock_aws():
        client = install_response_check(boto3.client("sns", region_name="us-east-1"))

        def answer(**_: object) -> AWSResponse:
            return AWSResponse("https://sns", 200, {"Content-Type": "text/html"}, _Raw(page))

        client.meta.events.register_first("before-send", answer)
        errors: list[CallError] = []
        record_call(
            errors,
            lambda: client.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:1:t"),
            service="sns",
            operation="GetTopicAttributes",
            region="us-east-1",
            account_id=None,
        )
    assert [e.error_code for e in errors] == ["MalformedResponse"]
    assert "not a GetTopicAttributesResponse document" in errors[0].message
