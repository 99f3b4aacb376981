"""The read-only guard covers the inventory and usage operations (issue 16)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from aiposture.collect.guard import COLLECTOR_OPERATIONS, install_read_only_guard
from aiposture.collect.usage import SERVICE as CLOUDWATCH
from aiposture.errors import ReadOnlyViolation
from aiposture.snapshot.inventory import RESOURCE_KINDS
from tests.collect.test_guard import SendRecorder


def test_every_inventory_listing_and_usage_read_is_allow_listed() -> None:
    for kind in RESOURCE_KINDS:
        assert (kind.service, kind.operation) in COLLECTOR_OPERATIONS, kind.key
    assert {(CLOUDWATCH, "ListMetrics"), (CLOUDWATCH, "GetMetricData")} <= COLLECTOR_OPERATIONS


@pytest.mark.parametrize(
    ("service", "call", "operation"),
    [
        ("bedrock-agent", lambda c: c.delete_agent(agentId="A"), "DeleteAgent"),
        ("bedrock-agent", lambda c: c.prepare_agent(agentId="A"), "PrepareAgent"),
        ("bedrock", lambda c: c.delete_guardrail(guardrailIdentifier="g"), "DeleteGuardrail"),
        (
            "bedrock-agentcore-control",
            lambda c: c.delete_gateway(gatewayIdentifier="g"),
            "DeleteGateway",
        ),
        (
            "bedrock-data-automation",
            lambda c: c.delete_data_automation_project(projectArn="arn"),
            "DeleteDataAutomationProject",
        ),
        (
            "cloudwatch",
            lambda c: c.put_metric_data(Namespace="AWS/Bedrock", MetricData=[]),
            "PutMetricData",
        ),
    ],
)
def test_guard_refuses_writes_to_the_inventoried_services_before_sending(
    service: str, call: Any, operation: str
) -> None:
    session = boto3.Session(aws_access_key_id="a", aws_secret_access_key="b")
    client = session.client(service, region_name="us-east-1", endpoint_url="http://127.0.0.1:9")
    recorder = SendRecorder()
    guarded = recorder.attach(install_read_only_guard(client, COLLECTOR_OPERATIONS))
    with pytest.raises(ReadOnlyViolation) as info:
        call(guarded)
    assert str(info.value) == f"refused {service}:{operation}: aiposture only sends read calls"
    assert recorder.sent == []
