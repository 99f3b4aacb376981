"""Rule kind ``metric_filter``, and the filter search that the alarm checks build on.

A metric-filter requirement is stated as sample CloudTrail events (``must_match`` and
``must_not_match``, see :mod:`aiposture.rules.support.sample_events`). A metric filter on a CloudTrail
delivery log group satisfies it when its pattern matches every must-match event and no
must-not-match one, judged by the exact filter-pattern engine of
:mod:`aiposture.lang.filter_pattern`, and when the judged account's events reach that pattern
at all (``fieldSelectionCriteria``, ``applyOnTransformedLogs``:
:mod:`aiposture.rules.support.filter_inputs`). Its name and metric are never looked at. The filter is
one link of the detection chain (:mod:`aiposture.rules.support.chain`): the trail must record the
events, deliver them, and the log group's class must support metric filters. Verdicts are
cached by :mod:`aiposture.lang.filter_pattern_verdicts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, field_validator

from aiposture.guide import detection as guide
from aiposture.lang.filter_pattern_verdicts import assess
from aiposture.memo import EvaluationMemo, Fact
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.chain import (
    Candidate,
    Link,
    Upstream,
    UpstreamScope,
    broken,
    decide,
    ok,
    unknown,
    upstream,
)
from aiposture.rules.support.detection_scope import DeliveryGroup
from aiposture.rules.support.filter_inputs import filter_inputs
from aiposture.rules.support.sample_events import SampleEvents, event_message

FILTER = "filter"
"""The metric filter's link in the chain."""


class GuideMetric(Params):
    """A CloudWatch metric: its namespace and its name, apart.

    Either may hold ``/`` (namespace ``AWS/Bedrock``; botocore ``cloudwatch`` ``Namespace``
    ``[^:].*``, ``logs`` ``MetricName`` ``[^:*$]*``), so no joined ``Namespace/Name`` text
    can be split back: the two are always carried separately.
    """

    namespace: str = Field(min_length=1, max_length=255, pattern=r"^[^:][^:*$]*$")
    name: str = Field(min_length=1, max_length=255, pattern=r"^[^:*$]+$")

    @property
    def label(self) -> str:
        """``Namespace/Name``, for people to read (never parsed)."""
        return f"{self.namespace}/{self.name}"


class MetricFilterParams(SampleEvents):
    """Parameters of ``metric_filter``.

    The events a filter on the CloudTrail log group must match (``must_match``) and must not
    (``must_not_match``), and which of the guide's Metric Filters the check is for
    (``guide_filter``); the guide's own pattern and metric are read from
    :mod:`aiposture.guide.detection`, for reference only. The guide's text is never used to
    judge.
    """

    guide_filter: int
    """The guide's Metric Filter number (1-25)."""

    @field_validator("guide_filter")
    @classmethod
    def _known_filter(cls, value: int) -> int:
        if value not in guide.FILTERS_BY_NUMBER:
            raise ValueError(
                f"the guide has Metric Filters {min(guide.FILTERS_BY_NUMBER)}-"
                f"{max(guide.FILTERS_BY_NUMBER)}, not {value}"
            )
        return value

    @property
    def guide_pattern(self) -> str:
        """The guide's own pattern for this filter, verbatim."""
        return guide.metric_filter(self.guide_filter).pattern

    @property
    def guide_metric(self) -> GuideMetric:
        """The guide's metric for this filter: its namespace and name."""
        return GuideMetric(
            namespace=guide.METRIC_NAMESPACE, name=guide.metric_filter(self.guide_filter).metric
        )


@dataclass(frozen=True)
class FilterMatch:
    """A metric filter that reacts to every must-match event and to no must-not-match one."""

    group: DeliveryGroup
    filter: dict[str, Any]
    """The DescribeMetricFilters entry, verbatim."""

    @property
    def name(self) -> str:
        """The filter's name."""
        return str(self.filter.get("filterName") or "")

    @property
    def transformations(self) -> list[dict[str, Any]]:
        """The filter's metricTransformations (namespace, name, value, dimensions...)."""
        return list(self.filter.get("metricTransformations") or [])

    @property
    def metric(self) -> str:
        """``Namespace/MetricName`` of the filter's (first) metric."""
        return metric_of(self.filter)


@dataclass(frozen=True)
class GroupSearch:
    """One candidate log group: its shared links, its satisfying filters and the filter link."""

    path: Upstream
    matches: list[FilterMatch]
    link: Link

    @property
    def group(self) -> DeliveryGroup:
        """The log group."""
        return self.path.group


@dataclass(frozen=True)
class FilterSearch:
    """Every candidate log group of one (account, region) and what its filters do."""

    up: UpstreamScope
    groups: list[GroupSearch] = field(default_factory=list)

    @property
    def matches(self) -> list[FilterMatch]:
        """Every satisfying filter, on every candidate log group."""
        return [m for g in self.groups for m in g.matches]


_SEARCHES: Fact[FilterSearch] = Fact("metric filter searches")
_TEMPLATES: Fact[tuple[str, ...]] = Fact("sample event templates")
_PATTERNS: Fact[tuple[str, ...]] = Fact("filter patterns")


def _patterns(entries: list[dict[str, Any]], memo: EvaluationMemo) -> tuple[str, ...]:
    """The filter patterns of a log group's filters, read once for all requirements."""
    return memo.get(
        _PATTERNS, (entries,), lambda: tuple(str(e.get("filterPattern") or "") for e in entries)
    )


def find_filters(params: MetricFilterParams, ctx: RuleContext) -> FilterSearch:
    """What the metric filters on ``ctx``'s CloudTrail log groups do for ``params``.

    Memoised per (params, snapshot, account, region): the alarm checks call it again for
    the same requirement. The snapshot is treated as immutable while it is judged.
    """
    return ctx.memo.get(
        _SEARCHES, (params, ctx.snapshot), lambda: _search(params, ctx), ctx.account_id, ctx.region
    )


def _templates(params: SampleEvents, memo: EvaluationMemo) -> tuple[str, ...]:
    """The sample events with ``{account}``, ``{region}``, ``{partition}`` left unfilled."""
    samples = [*params.must_match, *params.must_not_match]
    return memo.get(
        _TEMPLATES,
        (params,),
        lambda: tuple(event_message(s, "{account}", "{region}", "{partition}") for s in samples),
    )


def metric_of(entry: dict[str, Any]) -> str:
    """``Namespace/MetricName`` of a DescribeMetricFilters entry's first metric."""
    for t in entry.get("metricTransformations") or []:
        return f"{t.get('metricNamespace', '?')}/{t.get('metricName', '?')}"
    return "no metric"


def _publishes(entry: dict[str, Any], metric: GuideMetric) -> bool:
    return any(
        t.get("metricNamespace") == metric.namespace and t.get("metricName") == metric.name
        for t in entry.get("metricTransformations") or []
    )


def _search(params: MetricFilterParams, ctx: RuleContext) -> FilterSearch:
    up = upstream(ctx, params, "metric filters")
    search = FilterSearch(up)
    samples = [*params.must_match, *params.must_not_match]
    templates = _templates(params, ctx.memo)

    def messages() -> tuple[str, ...]:
        return tuple(event_message(s, ctx.account_id, ctx.region, ctx.partition) for s in samples)

    for path in up.paths:
        search.groups.append(_judge_group(params, ctx, path, messages, templates))
    return search


def _judge_group(
    params: MetricFilterParams,
    ctx: RuleContext,
    path: Upstream,
    messages: Any,
    templates: tuple[str, ...],
) -> GroupSearch:
    group = path.group
    entries = group.metric_filters()
    if entries is None:
        why = group.unread("DescribeMetricFilters", group.name)
        return GroupSearch(
            path, [], unknown(FILTER, f"metric filters of log group {group.name}: {why}")
        )
    if not entries:
        return GroupSearch(
            path, [], broken(FILTER, f"log group {group.name} has no metric filters")
        )
    values = {"account": ctx.account_id, "region": ctx.region, "partition": ctx.partition}
    n_must = len(params.must_match)
    found = assess(_patterns(entries, ctx.memo), messages, templates, values, n_must)
    matches: list[FilterMatch] = []
    excluded: list[str] = []
    undecided: list[str] = []
    over_broad: list[str] = []
    for i, over in found.satisfying:
        name = str(entries[i].get("filterName") or "")
        if over:
            labels = "; ".join(params.must_not_match[j].label for j in over)
            over_broad.append(
                f"filter {name} matches every event the detection is for, but also {labels}, "
                "which it is not for: its metric counts routine activity, so an alarm on it "
                "fires on ordinary traffic"
            )
            continue
        inputs = filter_inputs(entries[i], group, ctx)
        if inputs.state == "ok":
            matches.append(FilterMatch(group, dict(entries[i])))
        elif inputs.state == "excluded":
            excluded.append(f"filter {name} would match, but {inputs.reason}")
        else:
            undecided.append(f"filter {name} would match, but {inputs.reason}")
    if matches:
        best = matches[0]
        return GroupSearch(
            path,
            matches,
            ok(
                FILTER,
                f"metric filter {best.name} on log group {group.name} matches every sample event "
                f"the detection is for and none it is not for",
            ),
        )
    if undecided:
        return GroupSearch(path, [], unknown(FILTER, "; ".join(undecided)))
    parts = [*over_broad, *excluded]
    if not parts:
        parts.append(_closest(params, entries, found.misses, group, n_must))
    parts.extend(
        f"filter {entries[i].get('filterName') or ''} has a pattern AWS would reject: {error}"
        for i, error in found.rejected
    )
    return GroupSearch(
        path,
        [],
        broken(
            FILTER,
            f"no metric filter on log group {group.name} counts exactly the events the "
            f"detection exists for: {'; '.join(p for p in parts if p)}",
        ),
    )


def _closest(
    params: MetricFilterParams,
    entries: list[dict[str, Any]],
    misses: tuple[tuple[int, ...] | None, ...],
    group: DeliveryGroup,
    n_must: int,
) -> str:
    best: tuple[tuple[int, bool], int, tuple[int, ...]] | None = None
    for i, missed in enumerate(misses):
        if missed is None:
            continue
        rank = (n_must - len(missed), _publishes(entries[i], params.guide_metric))
        if best is None or rank > best[0]:
            best = (rank, i, missed)
    if best is None:
        return ""
    (matched, intended), i, missed = best
    name = str(entries[i].get("filterName") or "")
    labels = "; ".join(params.must_match[j].described for j in missed)
    if matched == 0 and intended:
        return (
            f"filter {name} publishes the guide's metric but its pattern matches none of the "
            f"events: {labels}"
        )
    if matched == 0:
        return f"no filter on the log group matches any of the events: {labels}"
    return f"the closest, filter {name}, matches {matched} of {n_must} events and misses: {labels}"


def filter_candidate(params: MetricFilterParams, g: GroupSearch) -> Candidate:
    """The metric filter's own link on one log group, with its PASS message and evidence."""
    group = g.group
    if not g.matches:
        return Candidate(
            (g.link,),
            "",
            group.arn,
            {"log_group": group.name, "guide_metric": params.guide_metric.label},
        )
    best = g.matches[0]
    caught = ", ".join(s.label for s in params.must_match)
    return Candidate(
        (g.link,),
        f"Metric filter {best.name} on log group {group.name} matches every event the "
        f"detection exists to catch ({caught}), none of the events it is not for, and "
        f"publishes metric {best.metric}.",
        group.arn,
        {
            "log_group": group.name,
            "filter": best.name,
            "pattern": str(best.filter.get("filterPattern") or ""),
            "metric": best.metric,
            "metric_namespace": str(best.transformations[0].get("metricNamespace") or ""),
            "metric_name": str(best.transformations[0].get("metricName") or ""),
        },
    )


def metric_filter(params: MetricFilterParams, ctx: RuleContext) -> list[Outcome]:
    """A metric filter on the CloudTrail log group counts exactly the detection's events."""
    search = find_filters(params, ctx)
    outcome = decide(
        search.up,
        [(g.path, [filter_candidate(params, g)]) for g in search.groups],
        "the metric filter",
        fix=(FILTER, "Create a metric filter whose pattern matches them (see the remediation)."),
        evidence={"guide_metric": params.guide_metric.label},
    )
    return [outcome]


METRIC_FILTER = RuleKind(
    "metric_filter",
    metric_filter,
    MetricFilterParams,
    "account_region",
    "A metric filter on the CloudTrail log group counts exactly the events it exists to catch.",
    results="region",
)
