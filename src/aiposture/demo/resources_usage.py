"""The demo's signs of AI use: Bedrock runtime metrics in two account-regions, none elsewhere.

- **guide**, home region (``us-east-1``): steady model use over the last ten days, by two
  models (``Invocations``, token counts, latency), next to its AI resources.
- **lab**, last region (``us-west-2``): quiet use. A few days of invocations of an
  expensive model in a region with no AI resources at all: what stolen keys used for
  model inference ("LLMjacking") look like.

Every other account and region has no Bedrock metric, so its usage is read and empty.

AWS itself publishes the ``AWS/Bedrock`` metrics (Bedrock User Guide,
monitoring-runtime-metrics); a customer's PutMetricData cannot write an ``AWS/``
namespace. The demo stands in for the service with PutMetricData against moto (the
seeding writes; the scanner only reads). The data points lie within the last two weeks:
the oldest a PutMetricData timestamp may be, and the span ListMetrics looks back over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiposture.demo.writers import SeedAccount

BEDROCK_NAMESPACE = "AWS/Bedrock"
GUIDE_MODELS = ("anthropic.claude-3-5-sonnet-20240620-v1:0", "amazon.titan-embed-text-v2:0")
"""The models the guide account's applications invoke."""
QUIET_MODEL = "anthropic.claude-3-opus-20240229-v1:0"
"""The model invoked in the lab account's quiet region."""


@dataclass(frozen=True)
class DailyUse:
    """One metric of one model: its value on each of ``days`` (1 = yesterday)."""

    metric: str
    model_id: str
    per_day: float
    days: Sequence[int]
    unit: str = "Count"


GUIDE_USE: tuple[DailyUse, ...] = tuple(
    use
    for model, scale in zip(GUIDE_MODELS, (1.0, 4.0), strict=True)
    for use in (
        DailyUse("Invocations", model, 120 * scale, range(1, 11)),
        DailyUse("InputTokenCount", model, 90_000 * scale, range(1, 11)),
        DailyUse("OutputTokenCount", model, 30_000 * scale, range(1, 11)),
        DailyUse("InvocationLatency", model, 850.0, range(1, 11), "Milliseconds"),
    )
)
"""The guide account's steady use (home region)."""

QUIET_USE: tuple[DailyUse, ...] = (
    DailyUse("Invocations", QUIET_MODEL, 2_400, (2, 3, 5)),
    DailyUse("InputTokenCount", QUIET_MODEL, 3_100_000, (2, 3, 5)),
    DailyUse("OutputTokenCount", QUIET_MODEL, 1_900_000, (2, 3, 5)),
    DailyUse("InvocationThrottles", QUIET_MODEL, 310, (3,)),
)
"""The lab account's quiet use (second region): no resources, heavy invocations."""


def put_daily_use(cloudwatch: Any, uses: Sequence[DailyUse], now: datetime | None = None) -> None:
    """PutMetricData in ``AWS/Bedrock``: each use's value on each of its days, per model."""
    now = now or datetime.now(UTC)
    data = [
        {
            "MetricName": use.metric,
            "Dimensions": [{"Name": "ModelId", "Value": use.model_id}],
            "Timestamp": now - timedelta(days=day),
            "Value": use.per_day,
            "Unit": use.unit,
        }
        for use in uses
        for day in use.days
    ]
    for start in range(0, len(data), 1000):  # at most 1,000 metrics per request
        cloudwatch.put_metric_data(
            Namespace=BEDROCK_NAMESPACE, MetricData=data[start : start + 1000]
        )


def seed_usage_metrics(guide: SeedAccount, lab: SeedAccount, regions: Sequence[str]) -> None:
    """Write the guide account's use in the first region, the lab's quiet use in the last.

    With the two demo regions the lab's use is in ``us-west-2``; a one-region demo puts it
    in that region (the lab account holds no AI resources anywhere).
    """
    put_daily_use(guide.client("cloudwatch", regions[0]), GUIDE_USE)
    put_daily_use(lab.client("cloudwatch", regions[-1]), QUIET_USE)
