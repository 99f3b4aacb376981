"""Rule kind ``metric_filter``, and the filter search that the alarm checks build on.

A metric-filter requirement is stated as sample CloudTrail events (``must_match`` and
``unrelated``, see :mod:`aiposture.rules.sample_events`). A metric filter on a CloudTrail
delivery log group satisfies it when its pattern matches every must-match event, judged by the
exact filter-pattern engine of :mod:`aiposture.lang.filter_pattern`; its name and metric are
never looked at. Verdicts are cached by :mod:`aiposture.lang.filter_pattern_verdicts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiposture.engine.results import Status
from aiposture.lang.filter_pattern_verdicts import assess
from aiposture.memo import IdentityMemo
from aiposture.rules.base import Outcome, RuleContext, RuleKind
from aiposture.rules.detection_scope import (
    DeliveryGroup,
    DetectionScope,
    broken_chain_message,
    clear_scope_cache,
    cloudtrail_log_groups,
)
from aiposture.rules.sample_events import SampleEvents, event_message


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


_searches: IdentityMemo[FilterSearch] = IdentityMemo()
_templates_of: IdentityMemo[tuple[str, ...]] = IdentityMemo()


def clear_search_cache() -> None:
    """Forget memoised searches and scopes (for tests that change a snapshot in place)."""
    _searches.clear()
    clear_scope_cache()


def find_filters(params: MetricFilterParams, ctx: RuleContext) -> FilterSearch:
    """Every metric filter on ``ctx``'s CloudTrail log groups that satisfies ``params``.

    Memoised per (params, snapshot, account, region): the alarm checks call it again for
    the same requirement. The snapshot is treated as immutable while it is judged.
    """
    return _searches.get(
        (params, ctx.snapshot), lambda: _search(params, ctx), ctx.account_id, ctx.region
    )


def _templates(params: MetricFilterParams) -> tuple[str, ...]:
    """The sample events with ``{account}``, ``{region}``, ``{partition}`` left unfilled."""
    samples = [*params.must_match, *params.unrelated]
    return _templates_of.get(
        (params,),
        lambda: tuple(event_message(s, "{account}", "{region}", "{partition}") for s in samples),
    )


@dataclass
class _Closest:
    group: DeliveryGroup
    name: str
    matched: int
    missed: list[int]
    intended: bool = False
    """The filter publishes the guide's metric name: the one meant for this detection."""

    @property
    def rank(self) -> tuple[int, bool]:
        """Most must-match events matched first; on a tie, the filter meant for it."""
        return (self.matched, self.intended)


def _publishes(entry: dict[str, Any], metric_name: str) -> bool:
    return any(t.get("metricName") == metric_name for t in entry.get("metricTransformations") or [])


def _metric_of(entry: dict[str, Any]) -> str:
    for t in entry.get("metricTransformations") or []:
        return f"{t.get('metricNamespace', '?')}/{t.get('metricName', '?')}"
    return "no metric"


def _search(params: MetricFilterParams, ctx: RuleContext) -> FilterSearch:
    scope = cloudtrail_log_groups(ctx)
    matches: list[FilterMatch] = []
    unknown = list(scope.unknowns())
    samples = [*params.must_match, *params.unrelated]
    templates = _templates(params)

    def messages() -> tuple[str, ...]:
        return tuple(event_message(s, ctx.account_id, ctx.region, ctx.partition) for s in samples)

    values = {"account": ctx.account_id, "region": ctx.region, "partition": ctx.partition}
    guide_metric = params.guide_metric.rsplit("/", 1)[-1]
    n_must = len(params.must_match)
    closest: _Closest | None = None
    rejected: list[str] = []
    empty: list[str] = []
    for group in scope.readable:
        entries = group.metric_filters()
        if entries is None:
            unknown.append(
                f"metric filters of log group {group.name}: "
                f"{group.unread('DescribeMetricFilters', group.name)}"
            )
            continue
        if not entries:
            empty.append(group.name)
            continue
        texts = [str(e.get("filterPattern") or "") for e in entries]
        found = assess(texts, messages, templates, values, n_must)
        for i, error in found.rejected:
            rejected.append(
                f"filter {entries[i].get('filterName') or ''} on log group {group.name} has a "
                f"pattern AWS would reject: {error}"
            )
        for i, over in found.satisfying:
            labels = [params.unrelated[j].label for j in over]
            matches.append(FilterMatch(group, dict(entries[i]), labels))
        if found.satisfying:
            continue
        for i, missed in enumerate(found.misses):
            if missed is None:
                continue
            rank = (n_must - len(missed), _publishes(entries[i], guide_metric))
            if closest is None or rank > closest.rank:
                name = str(entries[i].get("filterName") or "")
                closest = _Closest(group, name, n_must - len(missed), list(missed), rank[1])
    failure = "" if matches else _failure(params, closest, rejected, empty, n_must)
    return FilterSearch(scope, matches, unknown, failure)


def _failure(
    params: MetricFilterParams,
    closest: _Closest | None,
    rejected: list[str],
    empty: list[str],
    n_must: int,
) -> str:
    parts: list[str] = []
    if closest is not None:
        misses = "; ".join(
            params.must_match[i].label
            + (f" ({params.must_match[i].why})" if params.must_match[i].why else "")
            for i in closest.missed
        )
        if closest.matched == 0 and closest.intended:
            parts.append(
                f"filter {closest.name} on log group {closest.group.name} publishes the guide's "
                f"metric but its pattern matches none of the events: {misses}"
            )
        elif closest.matched == 0:
            parts.append(f"no filter on the log group matches any of the events: {misses}")
        else:
            parts.append(
                f"the closest, filter {closest.name} on log group {closest.group.name}, matches "
                f"{closest.matched} of {n_must} events and misses: {misses}"
            )
    parts.extend(rejected)
    parts.extend(f"log group {name} has no metric filters" for name in empty)
    return "; ".join(parts) if parts else "no metric filter was found"


def metric_filter(params: MetricFilterParams, ctx: RuleContext) -> list[Outcome]:
    """A metric filter on the CloudTrail log group matches every must-match event."""
    search = find_filters(params, ctx)
    scope = search.scope
    if search.matches:
        best = min(search.matches, key=lambda m: len(m.over_broad))
        caught = ", ".join(s.label for s in params.must_match)
        message = (
            f"Metric filter {best.name} on log group {best.group.name} matches every event "
            f"the detection exists to catch ({caught}) and publishes metric "
            f"{_metric_of(best.filter)}."
        )
        if best.over_broad:
            message += (
                f" Note: it also matches unrelated events ({', '.join(best.over_broad)}), so "
                f"its metric counts more than the detection intends."
            )
        return [
            Outcome(
                Status.PASS,
                message,
                best.group.arn,
                {
                    "log_group": best.group.name,
                    "filter": best.name,
                    "pattern": str(best.filter.get("filterPattern") or ""),
                    "metric": _metric_of(best.filter),
                    "over_broad": list(best.over_broad),
                },
            )
        ]
    if search.unknown:
        return [
            Outcome(
                Status.ERROR,
                "Cannot judge the metric filters on the CloudTrail log groups: "
                + "; ".join(search.unknown)
                + ".",
                None,
                {"unknown": list(search.unknown)},
            )
        ]
    if not scope.readable:
        return [
            Outcome(
                Status.FAIL,
                broken_chain_message(scope, "Metric filters"),
                None,
                {"broken": [*scope.broken, *scope.missing()]},
            )
        ]
    groups = ", ".join(g.name for g in scope.readable)
    return [
        Outcome(
            Status.FAIL,
            f"Broken link: filter. No metric filter on CloudTrail log group {groups} matches "
            f"every event the detection exists to catch: {search.failure}. Create a metric "
            f"filter whose pattern matches them (see the remediation).",
            scope.readable[0].arn,
            {
                "log_groups": [g.name for g in scope.readable],
                "failure": search.failure,
                "guide_metric": params.guide_metric,
            },
        )
    ]


METRIC_FILTER = RuleKind(
    "metric_filter",
    metric_filter,
    MetricFilterParams,
    "account_region",
    "A metric filter on the CloudTrail log group matches every event it exists to catch.",
)
