"""STUB (being written): rule kind ``metric_filter`` and the filter search alarms build on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiposture.rules.base import Outcome, RuleContext, RuleKind
from aiposture.rules.detection_scope import DeliveryGroup, DetectionScope
from aiposture.rules.sample_events import SampleEvents


class MetricFilterParams(SampleEvents):
    """Parameters of ``metric_filter``.

    the events a filter on the CloudTrail log group must
    match (``must_match``), unrelated ones (``unrelated``), and the guide's own filter for
    reference (``guide_pattern``, ``guide_metric`` as ``Namespace/MetricName``). The guide's
    text is never used to judge.
    """

    guide_pattern: str
    guide_metric: str


@dataclass(frozen=True)
class FilterMatch:
    """A metric filter that matches every must-match event of a requirement."""

    group: DeliveryGroup
    filter: dict[str, Any]
    """The DescribeMetricFilters entry, verbatim."""
    over_broad: list[str] = field(default_factory=list)
    """Labels of the unrelated sample events the filter also matches."""

    @property
    def name(self) -> str:
        """The filter's name."""
        return str(self.filter.get("filterName") or "")

    @property
    def transformations(self) -> list[dict[str, Any]]:
        """The filter's metricTransformations (namespace, name, value, dimensions...)."""
        return list(self.filter.get("metricTransformations") or [])


@dataclass(frozen=True)
class FilterSearch:
    """The result of looking for filters that satisfy a requirement in one (account, region)."""

    scope: DetectionScope
    matches: list[FilterMatch] = field(default_factory=list)
    """Every satisfying filter, on every readable delivery log group."""
    unknown: list[str] = field(default_factory=list)
    """Why some log group's filters could not be judged (unread filters, unread groups)."""
    failure: str = ""
    """When nothing matches: why, naming the closest filter and the events it misses."""


def find_filters(params: MetricFilterParams, ctx: RuleContext) -> FilterSearch:
    """Every metric filter on ``ctx``'s CloudTrail log groups that satisfies ``params``."""
    raise NotImplementedError("find_filters")


def metric_filter(params: MetricFilterParams, ctx: RuleContext) -> list[Outcome]:
    """A metric filter on the CloudTrail log group matches every must-match event."""
    raise NotImplementedError("metric_filter")


METRIC_FILTER = RuleKind(
    "metric_filter",
    metric_filter,
    MetricFilterParams,
    "account_region",
    "A metric filter on the CloudTrail log group matches every event it exists to catch.",
)
