"""CloudWatch ListMetrics and GetMetricData the way AWS identifies a metric.

In CloudWatch a metric is its namespace, its name and its exact set of dimensions
(CloudWatch User Guide, "Metrics concepts", cloudwatch_concepts.html: "Because dimensions
are part of the unique identifier for a metric, whenever you add a unique name/value pair
to one of your metrics, you are creating a new variation of that metric"; botocore
``cloudwatch`` model 2010-08-01, shape ``Dimension``). moto 5.2.5 differs where the usage
reader (:mod:`aiposture.collect.usage`) reads:

- ListMetrics lists a metric without dimensions once per data point written, and lists
  metrics that had no data for weeks;
- GetMetricData sums, for a query without dimensions, the data of every dimension set of
  that name, and for a query with dimensions ignores the namespace; it takes any number of
  queries and any query id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aiposture.demo.moto_ext.common import naive_utc, patch, utcnow

__all__ = ["patch_usage_metrics"]

LIST_METRICS_ACTIVE_DAYS = 14
"""ListMetrics "doesn't return information about metrics if those metrics haven't reported
data in the past two weeks" (botocore ``cloudwatch`` model, ListMetrics documentation)."""

MAX_METRIC_DATA_QUERIES = 500
""""A single GetMetricData call can include as many as 500 MetricDataQuery structures"
(botocore ``cloudwatch`` model, ``GetMetricDataInput.MetricDataQueries``)."""

_QUERY_ID = re.compile(r"^[a-z][A-Za-z0-9_]*$")
"""``MetricDataQuery.Id``: "The valid characters are letters, numbers, and underscore. The
first character must be a lowercase letter" (botocore ``cloudwatch`` model)."""

Identity = tuple[str, str, frozenset[tuple[str, str]]]


def _identity(datum: Any) -> Identity:
    dims = frozenset((str(d.name), str(d.value)) for d in datum.dimensions)
    return (datum.namespace, datum.name, dims)


def _query_identity(metric: dict[str, Any]) -> Identity:
    dims = frozenset((str(d["Name"]), str(d["Value"])) for d in metric.get("Dimensions") or [])
    return (metric["Namespace"], metric["MetricName"], dims)


def list_metrics_filtered(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """CloudWatch ListMetrics: each metric once, and only metrics with recent data.

    API reference, API_ListMetrics.html; botocore ``cloudwatch`` model, ListMetricsInput
    and ListMetricsOutput. Metrics come in first-written order; a metric without a data
    point in the past :data:`LIST_METRICS_ACTIVE_DAYS` days is left out.
    """

    def get_filtered_metrics(
        self: Any, metric_name: str, namespace: str, dimensions: list[dict[str, str]]
    ) -> list[Any]:
        matching = original(self, metric_name, namespace, dimensions)
        wanted = {_identity(d) for d in matching}
        active_since = utcnow() - timedelta(days=LIST_METRICS_ACTIVE_DAYS)
        latest: dict[Identity, datetime] = {}
        first: dict[Identity, Any] = {}
        for datum in self.get_all_metrics():
            key = _identity(datum)
            if key not in wanted:
                continue
            first.setdefault(key, datum)
            stamp = naive_utc(datum.timestamp)
            latest[key] = max(stamp, latest.get(key, stamp))
        return [datum for key, datum in first.items() if latest[key] >= active_since]

    return get_filtered_metrics


def metric_data_exact(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """CloudWatch GetMetricData: a ``MetricStat`` query reads exactly the metric it names.

    API reference, API_GetMetricData.html; botocore ``cloudwatch`` model,
    GetMetricDataInput, MetricDataQuery, MetricStat. The metric is its namespace, name and
    dimension set; at most :data:`MAX_METRIC_DATA_QUERIES` queries; query ids as the
    model allows.

    Requests with expressions are left to moto (the usage reader sends none).
    """
    from moto.cloudwatch.exceptions import ValidationError

    def get_metric_data(
        self: Any,
        queries: list[dict[str, Any]],
        start_time: datetime,
        end_time: datetime,
        scan_by: str = "TimestampAscending",
    ) -> list[Any]:
        if len(queries) > MAX_METRIC_DATA_QUERIES:
            raise ValidationError(
                "The collection MetricDataQueries must not have a size greater than "
                f"{MAX_METRIC_DATA_QUERIES}."
            )
        for query in queries:
            if not _QUERY_ID.match(str(query.get("Id", ""))):
                raise ValidationError(
                    f"The value {query.get('Id')} for parameter MetricDataQueries.member.Id "
                    "is invalid: it must start with a lowercase letter and contain only "
                    "letters, numbers and underscores."
                )
        if any("MetricStat" not in q for q in queries):
            return original(self, queries, start_time, end_time, scan_by)
        original(self, [], start_time, end_time, scan_by)  # moto's checks of the times
        return [
            _stat_result(self, q, start_time, end_time, scan_by)
            for q in queries
            if q.get("ReturnData", True)
        ]

    return get_metric_data


def _stat_result(
    backend: Any, query: dict[str, Any], start: datetime, end: datetime, scan_by: str
) -> dict[str, Any]:
    """One ``MetricDataResult``: the statistic per period over exactly the query's metric.

    Periods start at ``start`` (moto's own bucketing); a period without data has no value,
    as in AWS.
    """
    from moto.cloudwatch.models import Statistics

    start, end = naive_utc(start).replace(microsecond=0), naive_utc(end).replace(microsecond=0)
    stat_spec = query["MetricStat"]
    wanted = _query_identity(stat_spec["Metric"])
    unit = stat_spec.get("Unit")
    owned = [
        d
        for d in backend.get_all_metrics()
        if _identity(d) == wanted
        and start <= naive_utc(d.timestamp) < end
        and (not unit or d.unit == unit)
    ]
    delta = timedelta(seconds=int(stat_spec["Period"]))
    stat = stat_spec["Stat"]
    values: list[Any] = []
    stamps: list[datetime] = []
    bucket = start
    while bucket < end:
        inside = [d for d in owned if bucket <= naive_utc(d.timestamp) < bucket + delta]
        if inside:
            stats = Statistics([stat], bucket)
            stats.metric_data = inside
            values.append(stats.get_statistics_for_type(stat))
            stamps.append(bucket)
        bucket += delta
    if scan_by == "TimestampDescending":
        values.reverse()
        stamps.reverse()
    return {
        "id": query["Id"],
        "label": query.get("Label") or f"{wanted[1]} {stat}",
        "values": values,
        "timestamps": stamps,
        "status_code": "Complete",
    }


def patch_usage_metrics() -> None:
    """Patch moto's CloudWatch backend to identify a metric as AWS does.

    The sources are the CloudWatch User Guide ("Metrics concepts") and the botocore
    ``cloudwatch`` model (ListMetrics, GetMetricData), as the module docstring quotes them.
    """
    from moto.cloudwatch.models import CloudWatchBackend

    patch(
        CloudWatchBackend,
        "get_filtered_metrics",
        list_metrics_filtered(CloudWatchBackend.get_filtered_metrics),
    )
    patch(
        CloudWatchBackend,
        "get_metric_data",
        metric_data_exact(CloudWatchBackend.get_metric_data),
    )
