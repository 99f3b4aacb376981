"""Signs of AI use in one region: the Bedrock and AgentCore CloudWatch metrics over a window.

A region can use AI without holding a single AI resource: foundation models are invoked
on demand, and stolen credentials used for model inference ("LLMjacking") leave no
resource behind. AWS publishes every invocation as CloudWatch metrics, so the metrics are
the second signal next to the inventory.

The reader lists the metrics of the namespaces in :data:`USAGE_METRICS` (CloudWatch
ListMetrics, one paginated listing per namespace), keeps the count metrics named there and
sums each over the last :data:`USAGE_WINDOW_DAYS` days with GetMetricData (``Sum`` per
day, at most :data:`MAX_QUERIES` queries per request). The result is
:attr:`RegionSnapshot.usage`; a call that fails is a :class:`CallError` and ``usage``
stays ``None`` (not read, never "no use").

ListMetrics does not return a metric that had no data point in the past two weeks (botocore
``cloudwatch`` model 2010-08-01, ListMetrics documentation), so a metric whose last use is
older than that is not summed even though the window is longer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiposture.collect.recorder import record_call
from aiposture.collect.responses import MalformedResponse
from aiposture.collect.session import UnitClients
from aiposture.snapshot.models import MetricUse, RegionSnapshot, Usage

SERVICE = "cloudwatch"
"""The botocore service name of CloudWatch (metrics)."""

USAGE_WINDOW_DAYS = 30
"""How many days back the metrics are summed (a configuration option is a later step)."""

PERIOD_SECONDS = 86_400
"""One day: a multiple of 300 and of 3,600, so valid for start times 15 to 63 days and
more than 63 days ago (botocore ``cloudwatch`` model, ``MetricStat.Period``)."""

MAX_QUERIES = 500
"""The most ``MetricDataQuery`` structures one GetMetricData request may hold (botocore
``cloudwatch`` model, ``GetMetricDataInput.MetricDataQueries``; 500 days x 30 data points
stays under the 100,800 data points of one request)."""

BEDROCK_NAMESPACE = "AWS/Bedrock"
AGENTS_NAMESPACE = "AWS/Bedrock/Agents"
AGENTCORE_NAMESPACE = "Bedrock-AgentCore"

USAGE_METRICS: Mapping[str, frozenset[str]] = {
    # Bedrock User Guide, "Monitor bedrock-runtime inference using CloudWatch metrics"
    # (monitoring-runtime-metrics): the runtime publishes under AWS/Bedrock.
    BEDROCK_NAMESPACE: frozenset(
        {
            "Invocations",
            "InvocationClientErrors",
            "InvocationServerErrors",
            "InvocationThrottles",
            "InputTokenCount",
            "OutputTokenCount",
            "OutputImageCount",
            "LegacyModelInvocations",
        }
    ),
    # Bedrock User Guide, "Monitor Amazon Bedrock Agents using CloudWatch Metrics"
    # (monitoring-agents-cw-metrics): runtime metrics of InvokeAgent/InvokeInlineAgent.
    AGENTS_NAMESPACE: frozenset(
        {
            "InvocationCount",
            "InvocationClientErrors",
            "InvocationServerErrors",
            "InvocationThrottles",
            "ModelInvocationCount",
            "InputTokenCount",
            "OutputTokenCount",
        }
    ),
    # AgentCore Developer Guide: memory "emits metrics to CloudWatch under the
    # Bedrock-AgentCore namespace" (memory-observability); runtime, gateway and built-in
    # tool metrics name Invocations, Throttles, SystemErrors, UserErrors and, for the
    # runtime, SessionCount (observability-runtime-metrics, gateway-advanced-observability-
    # metrics, observability-tool-metrics).
    AGENTCORE_NAMESPACE: frozenset(
        {"Invocations", "Throttles", "SystemErrors", "UserErrors", "SessionCount"}
    ),
}
"""The count metrics that show use, per namespace (latencies and durations are left out:
their sum means nothing)."""

FAILED_STATUS = frozenset({"InternalError", "Forbidden"})
"""``MetricDataResult.StatusCode`` values that mean a metric's data was not returned
(botocore ``cloudwatch`` model, enum ``StatusCode``: Complete, InternalError, PartialData,
Forbidden)."""

Metric = dict[str, Any]
"""One ListMetrics ``Metric``: ``Namespace``, ``MetricName``, ``Dimensions``."""


def _require(page: Mapping[str, Any], key: str, operation: str) -> list[Any]:
    """The list ``key`` of an answer; a 2xx answer without it is malformed (never "none")."""
    value = page.get(key)
    if not isinstance(value, list):
        raise MalformedResponse(
            service=SERVICE, operation=operation, reason=f"the answer has no {key} list"
        )
    return value


def list_usage_metrics(client: Any, namespaces: Mapping[str, frozenset[str]]) -> list[Metric]:
    """ListMetrics in each namespace (all pages); keep the count metrics named for it.

    Each metric once, in the order AWS lists them (raises on failure).
    """
    found: dict[tuple[str, str, tuple[tuple[str, str], ...]], Metric] = {}
    paginator = client.get_paginator("list_metrics")
    for namespace, names in namespaces.items():
        for page in paginator.paginate(Namespace=namespace):
            for metric in _require(page, "Metrics", "ListMetrics"):
                name = str(metric.get("MetricName") or "")
                if metric.get("Namespace") != namespace or name not in names:
                    continue
                dims = tuple(sorted(_dimensions(metric).items()))
                found.setdefault((namespace, name, dims), metric)
    return list(found.values())


def _dimensions(metric: Mapping[str, Any]) -> dict[str, str]:
    return {str(d["Name"]): str(d["Value"]) for d in metric.get("Dimensions") or []}


def _batches(items: Sequence[Metric], size: int) -> Iterator[Sequence[Metric]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _query(index: int, metric: Metric) -> dict[str, Any]:
    return {
        "Id": f"m{index}",  # a lowercase letter first, then letters, digits, underscores
        "MetricStat": {
            "Metric": {
                "Namespace": metric["Namespace"],
                "MetricName": metric["MetricName"],
                "Dimensions": [
                    {"Name": k, "Value": v} for k, v in sorted(_dimensions(metric).items())
                ],
            },
            "Period": PERIOD_SECONDS,
            "Stat": "Sum",
        },
        "ReturnData": True,
    }


def sum_metrics(
    client: Any, metrics: Sequence[Metric], start: datetime, end: datetime
) -> list[MetricUse]:
    """GetMetricData in batches of :data:`MAX_QUERIES`: each metric's ``Sum`` over the window.

    Results of one query that span pages (``PartialData`` with a ``NextToken``) are added
    up; a result whose status says its data was not returned fails the whole read.
    """
    uses: list[MetricUse] = []
    paginator = client.get_paginator("get_metric_data")
    for batch in _batches(metrics, MAX_QUERIES):
        totals = {f"m{i}": 0.0 for i in range(len(batch))}
        queries = [_query(i, metric) for i, metric in enumerate(batch)]
        for page in paginator.paginate(MetricDataQueries=queries, StartTime=start, EndTime=end):
            for result in _require(page, "MetricDataResults", "GetMetricData"):
                _add_result(totals, result)
        uses.extend(
            MetricUse(
                namespace=str(metric["Namespace"]),
                metric=str(metric["MetricName"]),
                dimensions=_dimensions(metric),
                total=totals[f"m{i}"],
            )
            for i, metric in enumerate(batch)
        )
    return uses


def _add_result(totals: dict[str, float], result: Mapping[str, Any]) -> None:
    query_id = str(result.get("Id"))
    if query_id not in totals:
        raise MalformedResponse(
            service=SERVICE, operation="GetMetricData", reason=f"unknown query id {query_id!r}"
        )
    status = result.get("StatusCode")
    if status in FAILED_STATUS:
        messages = "; ".join(str(m.get("Value")) for m in result.get("Messages") or [])
        raise MetricDataNotReturned(query_id=query_id, status=status, messages=messages)
    totals[query_id] += sum(float(v) for v in result.get("Values") or [])


class MetricDataNotReturned(MalformedResponse):
    """GetMetricData answered, but a metric's status says its data is missing."""

    fmt = "GetMetricData returned {status} for query {query_id}: {messages}"


def window(now: datetime | None = None, days: int = USAGE_WINDOW_DAYS) -> tuple[datetime, datetime]:
    """The usage window: ``days`` whole days ending at the end of the current hour (UTC).

    Aligned to the hour, as the API reference advises for faster answers (``EndTime`` is
    exclusive, so the end of the hour keeps the latest data points).
    """
    hour = (now or datetime.now(UTC)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    end = hour + timedelta(hours=1)
    return end - timedelta(days=days), end


def read_usage(
    client: Any,
    region: RegionSnapshot,
    account_id: str,
    *,
    now: datetime | None = None,
    namespaces: Mapping[str, frozenset[str]] = USAGE_METRICS,
) -> Usage | None:
    """List and sum the usage metrics of one region; ``None`` when a call failed."""
    start, end = window(now)
    metrics = record_call(
        region.errors,
        lambda: list_usage_metrics(client, namespaces),
        service=SERVICE,
        operation="ListMetrics",
        region=region.region,
        account_id=account_id,
    )
    if metrics is None:
        return None
    totals: Iterable[MetricUse] | None = []
    if metrics:  # GetMetricData requires at least one query
        totals = record_call(
            region.errors,
            lambda: sum_metrics(client, metrics, start, end),
            service=SERVICE,
            operation="GetMetricData",
            region=region.region,
            account_id=account_id,
        )
    if totals is None:
        return None
    return Usage(window_days=USAGE_WINDOW_DAYS, start=start, end=end, metrics=list(totals))


def read_region_usage(clients: UnitClients, region: RegionSnapshot, account_id: str) -> None:
    """The inventory reader of usage signals: fills ``region.usage`` (see module doc)."""
    region.usage = read_usage(clients(SERVICE, region.region), region, account_id)
