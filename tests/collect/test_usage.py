"""Usage signals: the Bedrock and AgentCore CloudWatch metrics summed over the window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aiposture.collect.session import SessionFactory
from aiposture.collect.usage import (
    AGENTCORE_NAMESPACE,
    BEDROCK_NAMESPACE,
    MAX_QUERIES,
    USAGE_WINDOW_DAYS,
    read_usage,
    window,
)
from aiposture.demo import moto_ext
from aiposture.demo.environment import DemoServer, demo_environment
from aiposture.demo.resources_usage import GUIDE_USE, QUIET_MODEL, QUIET_USE
from aiposture.snapshot.models import RegionSnapshot, Snapshot
from aiposture.snapshot.usage import ai_in_use
from tests.collect.helpers import E1, GUIDE, LAB, PARTIAL, PLACEHOLDER, W2, account

ACCOUNT = "123456789012"
NOW = datetime.now(UTC)


@pytest.fixture
def cloudwatch() -> Iterator[Any]:
    moto_ext.install()
    with mock_aws():
        yield boto3.client("cloudwatch", region_name=E1)


def put(cw: Any, namespace: str, name: str, value: float, days_ago: float, **dims: str) -> None:
    cw.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                "Timestamp": NOW - timedelta(days=days_ago),
                "Value": value,
            }
        ],
    )


def counting(cw: Any, operation: str) -> list[int]:
    calls: list[int] = []
    cw.meta.events.register(
        f"before-call.cloudwatch.{operation}", lambda **_: calls.append(1) and None
    )
    return calls


def read(cw: Any) -> tuple[Any, RegionSnapshot]:
    reg = RegionSnapshot(region=E1)
    return read_usage(cw, reg, ACCOUNT), reg


# --- the reader against moto ----------------------------------------------------------


def test_each_metric_is_summed_exactly_over_the_window(cloudwatch: Any) -> None:
    for day in (1, 2, 3, 20):  # day 20: listed (recent data), summed (inside 30 days)
        put(cloudwatch, BEDROCK_NAMESPACE, "Invocations", 10, day, ModelId="m-a")
        put(cloudwatch, BEDROCK_NAMESPACE, "Invocations", 1, day)  # another dimension set
    put(cloudwatch, BEDROCK_NAMESPACE, "Invocations", 500, 40, ModelId="m-a")  # before window
    put(cloudwatch, BEDROCK_NAMESPACE, "InvocationLatency", 900, 1, ModelId="m-a")  # not a count
    put(cloudwatch, "Custom/App", "Invocations", 7, 1, ModelId="m-a")  # another namespace
    put(cloudwatch, AGENTCORE_NAMESPACE, "Invocations", 3, 2, Resource="arn:rt", Name="DEFAULT")
    usage, reg = read(cloudwatch)
    assert reg.errors == []
    assert usage is not None
    assert usage.window_days == USAGE_WINDOW_DAYS
    assert usage.end - usage.start == timedelta(days=USAGE_WINDOW_DAYS)
    totals = {
        (m.namespace, m.metric, tuple(sorted(m.dimensions.items()))): m.total for m in usage.metrics
    }
    assert totals == {
        (BEDROCK_NAMESPACE, "Invocations", (("ModelId", "m-a"),)): 40.0,
        (BEDROCK_NAMESPACE, "Invocations", ()): 4.0,
        (AGENTCORE_NAMESPACE, "Invocations", (("Name", "DEFAULT"), ("Resource", "arn:rt"))): 3.0,
    }


def test_a_metric_silent_for_two_weeks_is_not_listed(cloudwatch: Any) -> None:
    put(cloudwatch, BEDROCK_NAMESPACE, "Invocations", 10, 20, ModelId="m-old")
    assert cloudwatch.list_metrics(Namespace=BEDROCK_NAMESPACE)["Metrics"] == []
    get_calls = counting(cloudwatch, "GetMetricData")
    usage, reg = read(cloudwatch)
    assert usage is not None and usage.metrics == [] and reg.errors == []
    assert get_calls == []  # no metric, no GetMetricData (it requires a query)


def test_no_metrics_is_read_and_empty(cloudwatch: Any) -> None:
    usage, reg = read(cloudwatch)
    assert usage is not None and usage.metrics == []
    assert ai_in_use(reg.model_copy(update={"usage": usage, "inventory": None})) is None


def test_more_than_one_page_and_more_than_one_batch(cloudwatch: Any) -> None:
    count = MAX_QUERIES + 3  # ListMetrics pages at 500; GetMetricData takes 500 queries
    data = [
        {
            "MetricName": "Invocations",
            "Dimensions": [{"Name": "ModelId", "Value": f"m{i}"}],
            "Timestamp": NOW - timedelta(days=1),
            "Value": 2.0,
        }
        for i in range(count)
    ]
    cloudwatch.put_metric_data(Namespace=BEDROCK_NAMESPACE, MetricData=data)
    lists = counting(cloudwatch, "ListMetrics")
    gets = counting(cloudwatch, "GetMetricData")
    usage, reg = read(cloudwatch)
    assert reg.errors == []
    assert usage is not None and len(usage.metrics) == count
    assert {m.total for m in usage.metrics} == {2.0}
    assert len(gets) == 2
    assert len(lists) == 2 + 2  # AWS/Bedrock in two pages, one page per other namespace


@pytest.mark.parametrize("operation", ["ListMetrics", "GetMetricData"])
def test_a_failed_call_is_an_error_and_usage_stays_unread(
    cloudwatch: Any, deny: Callable[..., Any], operation: str
) -> None:
    put(cloudwatch, BEDROCK_NAMESPACE, "Invocations", 10, 1, ModelId="m-a")
    cloudwatch.meta.events.register(f"before-call.cloudwatch.{operation}", deny())
    usage, reg = read(cloudwatch)
    assert usage is None
    [error] = reg.errors
    assert (error.service, error.operation, error.error_code) == (
        "cloudwatch",
        operation,
        "AccessDenied",
    )
    assert (error.region, error.account_id) == (E1, ACCOUNT)


def _answer(parsed: dict[str, Any]) -> Callable[..., Any]:
    from botocore.awsrequest import AWSResponse

    def handler(**_: Any) -> Any:
        http = AWSResponse(url="https://aiposture.invalid/", status_code=200, headers={}, raw=None)
        return http, {**parsed, "ResponseMetadata": {"HTTPStatusCode": 200}}

    return handler


def test_a_metric_whose_data_was_not_returned_fails_the_read(cloudwatch: Any) -> None:
    put(cloudwatch, BEDROCK_NAMESPACE, "Invocations", 10, 1, ModelId="m-a")
    result = {
        "Id": "m0",
        "Values": [],
        "Timestamps": [],
        "StatusCode": "Forbidden",
        "Messages": [{"Code": "Forbidden", "Value": "no access"}],
    }
    cloudwatch.meta.events.register(
        "before-call.cloudwatch.GetMetricData", _answer({"MetricDataResults": [result]})
    )
    usage, reg = read(cloudwatch)
    assert usage is None
    [error] = reg.errors
    assert (error.operation, error.error_code) == ("GetMetricData", "MetricDataNotReturned")
    assert "Forbidden" in error.message and "no access" in error.message


def test_partial_data_over_pages_is_added_up(cloudwatch: Any) -> None:
    put(cloudwatch, BEDROCK_NAMESPACE, "Invocations", 10, 1, ModelId="m-a")
    pages = iter(
        [
            {
                "MetricDataResults": [{"Id": "m0", "Values": [5.0], "StatusCode": "PartialData"}],
                "NextToken": "t",
            },
            {"MetricDataResults": [{"Id": "m0", "Values": [1.0, 2.0], "StatusCode": "Complete"}]},
        ]
    )
    cloudwatch.meta.events.register(
        "before-call.cloudwatch.GetMetricData", lambda **kw: _answer(next(pages))(**kw)
    )
    usage, _ = read(cloudwatch)
    assert usage is not None and [m.total for m in usage.metrics] == [8.0]


def test_an_answer_without_the_metrics_list_is_malformed(cloudwatch: Any) -> None:
    cloudwatch.meta.events.register("before-call.cloudwatch.ListMetrics", _answer({}))
    usage, reg = read(cloudwatch)
    assert usage is None
    assert [e.error_code for e in reg.errors] == ["MalformedResponse"]


def test_the_window_ends_after_the_current_hour() -> None:
    start, end = window(datetime(2026, 12, 4, 15, 42, 7, tzinfo=UTC))
    assert end == datetime(2026, 12, 4, 16, tzinfo=UTC)
    assert start == datetime(2026, 11, 4, 16, tzinfo=UTC)


# --- moto answers the way AWS does -----------------------------------------------------


def test_moto_refuses_more_than_500_queries_and_bad_ids(cloudwatch: Any) -> None:
    from botocore.exceptions import ClientError

    query = {
        "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "M"}, "Period": 60, "Stat": "Sum"}
    }
    too_many = [{"Id": f"q{i}", **query} for i in range(501)]
    for queries in (too_many, [{"Id": "Q1", **query}]):
        with pytest.raises(ClientError) as err:
            cloudwatch.get_metric_data(
                MetricDataQueries=queries, StartTime=NOW - timedelta(days=1), EndTime=NOW
            )
        assert err.value.response["Error"]["Code"] == "ValidationError"


# --- the demo -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    """Collected under mock_aws(), closed before the HTTP server test seeds moto again."""
    with demo_environment() as env:
        return env.collect()


def _totals(snapshot: Snapshot, account_id: str, region: str) -> dict[str, float]:
    reg = account(snapshot, account_id).regions.get(region)
    assert reg is not None and reg.usage is not None, (account_id, region)
    totals: dict[str, float] = {}
    for m in reg.usage.metrics:
        totals[m.metric] = totals.get(m.metric, 0.0) + m.total
    return totals


def _expected(uses: Any) -> dict[str, float]:
    totals: dict[str, float] = {}
    for use in uses:
        if use.metric != "InvocationLatency":
            totals[use.metric] = totals.get(use.metric, 0.0) + use.per_day * len(use.days)
    return totals


@pytest.mark.integration
def test_demo_usage_where_seeded_and_none_elsewhere(snapshot: Snapshot) -> None:
    assert _totals(snapshot, GUIDE, E1) == _expected(GUIDE_USE)
    assert _totals(snapshot, LAB, W2) == _expected(QUIET_USE)
    for account_id, region in [
        (GUIDE, W2),
        (PARTIAL, E1),
        (PARTIAL, W2),
        (PLACEHOLDER, E1),
        (PLACEHOLDER, W2),
        (LAB, E1),
    ]:
        assert _totals(snapshot, account_id, region) == {}


@pytest.mark.integration
def test_demo_quiet_use_is_ai_in_use(snapshot: Snapshot) -> None:
    reg = account(snapshot, LAB).regions.get(W2)
    assert reg is not None and reg.usage is not None
    assert {m.dimensions["ModelId"] for m in reg.usage.metrics} == {QUIET_MODEL}
    assert not any((reg.inventory or {}).values())
    assert ai_in_use(reg) is True


@pytest.mark.integration
def test_usage_through_the_http_server(server_env: DemoServer) -> None:
    factory = SessionFactory()
    client = factory.client(factory.base_session(), "cloudwatch", E1)
    usage, reg = read(client)
    assert reg.errors == []
    assert usage is not None
    totals: dict[str, float] = {}
    for m in usage.metrics:
        totals[m.metric] = totals.get(m.metric, 0.0) + m.total
    assert totals == _expected(GUIDE_USE)
