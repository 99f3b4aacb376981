"""Rule kind ``alarm_chain``: a guide alarm, judged link by link.

The path is the detection chain of :mod:`aiposture.rules.support.chain` (trail -> log group ->
recorded -> delivered -> log class -> filter) continued by the alarm's own links, in the
filter's log-group account and region:

- **metric**: an alarm watches the metric a satisfying filter publishes (same namespace,
  name and dimension names), directly or through metric math whose returned expression is a
  linear form of it (:mod:`aiposture.lang.metric_math`);
- **alarm**: no looser than the guide and able to change state when the event comes
  (:mod:`aiposture.rules.support.alarm_thresholds`: statistic, threshold read through the filter's
  value and the math, period, datapoints, unit, ``TreatMissingData``), actions enabled;
- **topic** and **subscriber**: it notifies an SNS topic, directly or through a composite
  alarm that certainly goes to ALARM with it, and the topic has a confirmed subscriber
  (:mod:`aiposture.rules.support.alarm_routes`).

A log alarm (a scheduled Logs Insights query with a threshold, DescribeAlarms ``LogAlarms``)
over the CloudTrail log group is another way to the same alarm
(:mod:`aiposture.rules.support.log_alarms`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import Field

from aiposture.lang.metric_math import LinearForm, returned_forms
from aiposture.memo import EvaluationMemo, Fact
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.metric_filter import (
    FilterMatch,
    GroupSearch,
    MetricFilterParams,
    filter_candidate,
    find_filters,
)
from aiposture.rules.support.alarm_routes import alarm_links
from aiposture.rules.support.alarm_thresholds import (
    Guide,
    Watch,
    looseness,
    missing_data_problem,
    num,
    period_text,
)
from aiposture.rules.support.chain import Candidate, Link, broken, decide, ok, unknown
from aiposture.rules.support.log_alarms import log_alarm_paths

METRIC = "metric"


class AlarmParams(Params):
    """Parameters of ``alarm_chain``.

    The guide's alarm row and the metric-filter check whose satisfying filters the alarm
    must watch.
    """

    alarm_name: str
    metric_filter: str
    """The id of the ``metric_filter`` check the alarm builds on."""
    threshold: float = Field(ge=0)
    """The guide fires when the count is greater than this."""
    period_seconds: int = Field(gt=0)

    def references(self) -> dict[str, str]:
        """The metric-filter check this alarm builds on."""
        return {self.metric_filter: "metric_filter"}

    @property
    def guide(self) -> Guide:
        """The guide's alarm row."""
        return Guide(self.threshold, self.period_seconds)


@dataclass(frozen=True)
class _Metric:
    """A metric a satisfying filter publishes."""

    match: FilterMatch
    transformation: dict[str, Any]

    @property
    def namespace(self) -> str:
        return str(self.transformation.get("metricNamespace") or "")

    @property
    def name(self) -> str:
        return str(self.transformation.get("metricName") or "")

    @cached_property
    def dimensions(self) -> frozenset[str]:
        keys = set((self.transformation.get("dimensions") or {}).keys())
        keys |= {str(k) for k in self.match.filter.get("emitSystemFieldDimensions") or []}
        return frozenset(keys)

    @property
    def label(self) -> str:
        dims = f" (dimensions {', '.join(sorted(self.dimensions))})" if self.dimensions else ""
        return f"{self.namespace}/{self.name}{dims}"

    def same(self, metric: dict[str, Any]) -> bool:
        names = {str(d.get("Name")) for d in metric.get("Dimensions") or [] if d.get("Value")}
        return (
            metric.get("Namespace") == self.namespace
            and metric.get("MetricName") == self.name
            and frozenset(names) == self.dimensions
            and len(names) == len(metric.get("Dimensions") or [])
        )


# --- the metric link -------------------------------------------------------------------


def _watches(alarm: dict[str, Any], metric: _Metric, account: str) -> tuple[Watch | None, str]:
    """How ``alarm`` watches ``metric`` (or None), and why not when it nearly does."""
    if alarm.get("MetricName"):
        if metric.same(alarm):
            stat = alarm.get("Statistic") or alarm.get("ExtendedStatistic")
            return Watch(stat, alarm.get("Period"), alarm.get("Unit")), ""
        return None, ""
    queries = alarm.get("Metrics") or []
    on_metric = {
        str(q.get("Id"))
        for q in queries
        if (q.get("MetricStat") or {}).get("Metric")
        and metric.same(q["MetricStat"]["Metric"])
        and str(q.get("AccountId") or account) == account
    }
    if not on_metric:
        return None, ""
    analysis = returned_forms(queries)
    name = alarm.get("AlarmName")
    if analysis.problem:
        return None, (
            f"metric-math alarm {name} reads {metric.label}, but the effect of its returned "
            f"expression on it cannot be bounded ({analysis.problem}), so it does not count"
        )
    by_id = {str(q.get("Id")): q for q in queries}
    forms: list[LinearForm] = [f for f in analysis.forms if f.stat_id in on_metric]
    if not forms:
        return None, (
            f"metric-math alarm {name} reads {metric.label}, but its returned expression "
            f"({analysis.returned_id}) does not depend on it"
        )
    form = forms[0]
    stat = by_id[form.stat_id]["MetricStat"]
    return Watch(stat.get("Stat"), stat.get("Period"), stat.get("Unit"), form, form.stat_id), ""


def _alarm_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    if alarm.get("MetricName"):
        return [alarm]
    return [
        q["MetricStat"]["Metric"]
        for q in alarm.get("Metrics") or []
        if (q.get("MetricStat") or {}).get("Metric")
    ]


_ALARMS_BY_METRIC: Fact[dict[str, list[dict[str, Any]]]] = Fact("alarms by metric name")


def _by_metric_name(
    alarms: list[dict[str, Any]], memo: EvaluationMemo
) -> dict[str, list[dict[str, Any]]]:
    """The alarms that read each metric name, directly or through metric math.

    Only an alarm reading a metric of the same name can watch a filter's metric or be a near
    miss, so each check looks at those alone. Built once per alarm list (by identity).
    """

    def build() -> dict[str, list[dict[str, Any]]]:
        index: dict[str, list[dict[str, Any]]] = {}
        for alarm in alarms:
            for name in {str(m.get("MetricName") or "") for m in _alarm_metrics(alarm)}:
                index.setdefault(name, []).append(alarm)
        return index

    return memo.get(_ALARMS_BY_METRIC, (alarms,), build)


def _near_miss(alarm: dict[str, Any], metric: _Metric) -> str | None:
    for m in _alarm_metrics(alarm):
        if m.get("MetricName") != metric.name:
            continue
        dims = sorted(str(d.get("Name")) for d in m.get("Dimensions") or [])
        shown = f" (dimensions {', '.join(dims)})" if dims else " (no dimensions)"
        return (
            f"alarm {alarm.get('AlarmName')} watches {m.get('Namespace')}/{m.get('MetricName')}"
            f"{shown} but the filter {metric.match.name} publishes {metric.label}"
            + ("" if metric.dimensions else " (no dimensions)")
        )
    return None


Publishers = dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]]
"""Metric name -> every (log group, filter, transformation) publishing a metric of that name."""

_PUBLISHERS: Fact[Publishers] = Fact("metric publishers")


def metric_publishers(filters: dict[str, list[dict[str, Any]]]) -> Publishers:
    """Metric name -> every (log group, filter, transformation) publishing a metric of that name.

    ``filters`` is a region's DescribeMetricFilters by log group.
    """
    index: Publishers = {}
    for group, entries in filters.items():
        for entry in entries or ():
            for t in entry.get("metricTransformations") or ():
                index.setdefault(str(t.get("metricName")), []).append((group, entry, t))
    return index


def _sharers(
    metric: _Metric, reg: Any, exact: set[tuple[str, str]], memo: EvaluationMemo
) -> list[str]:
    """Other filters of the region that publish the same metric (they count other events).

    A metric is the sum of every filter that publishes it, on any log group of the account
    and region. Only filters that count exactly the detection's events (``exact``: log group
    and filter name) may share it; any other one mixes its events into the alarm's metric.
    """
    if not reg.metric_filters:
        return []
    out: list[str] = []
    filters = reg.metric_filters
    publishers = memo.get(_PUBLISHERS, (filters,), lambda: metric_publishers(filters))
    for group, entry, t in publishers.get(metric.name, ()):
        name = str(entry.get("filterName") or "")
        if (group, name) in exact or t.get("metricNamespace") != metric.namespace:
            continue
        dims = set((t.get("dimensions") or {}).keys())
        dims |= {str(d) for d in entry.get("emitSystemFieldDimensions") or ()}
        if dims == metric.dimensions:
            out.append(f"filter {name} on log group {group}")
    return out


def _dimension_note(metric: _Metric, alarm: dict[str, Any], watch: Watch) -> str:
    if not metric.dimensions:
        return ""
    dims: list[dict[str, Any]] = alarm.get("Dimensions") or []
    if watch.via:
        for q in alarm.get("Metrics") or []:
            if q.get("Id") == watch.via:
                dims = q["MetricStat"]["Metric"].get("Dimensions") or []
    values = ", ".join(f"{d.get('Name')}={d.get('Value')}" for d in dims)
    return (
        f" Note: the filter publishes one series per dimension value and the alarm watches only "
        f"{values}; events with other values do not reach it."
    )


# --- one alarm -------------------------------------------------------------------------


def _judge(
    alarm: dict[str, Any],
    watch: Watch,
    metric: _Metric,
    params: AlarmParams,
    filter_link: Link,
    sharers: list[str],
) -> Candidate:
    name = str(alarm.get("AlarmName") or "")
    group = metric.match.group
    guide = params.guide
    problems = looseness(alarm, watch, metric.transformation, metric.match.name, guide)
    stuck = missing_data_problem(alarm, watch, metric.transformation, metric.match.name)
    if stuck:
        problems.append(stuck)
    via = f" through metric math ({watch.form.describe()})" if watch.form else ""
    evidence: dict[str, Any] = {
        "alarm": name,
        "metric": metric.label,
        "statistic": watch.stat,
        "period": watch.period,
        "comparison": alarm.get("ComparisonOperator"),
        "threshold": alarm.get("Threshold"),
        "treat_missing_data": alarm.get("TreatMissingData") or "missing",
    }
    if watch.via:
        evidence["metric_math_query"] = watch.via
    fix = (
        f"Make it no looser: Sum > {num(params.threshold)} (or lower) over at most "
        f"{period_text(params.period_seconds)}, 1 of 1 datapoints, missing data not breaching."
    )
    links, notify, routes = alarm_links(
        alarm, group, problems, f"{metric.label} (guide: {guide.text()})", fix
    )
    evidence.update(routes)
    metric_link = ok(METRIC, f"alarm {name} watches {metric.label}{via}")
    if sharers:
        evidence["shared_with"] = sharers
        metric_link = broken(
            METRIC,
            f"alarm {name} watches {metric.label}, but {'; '.join(sharers)} publishes that "
            f"metric too and does not count exactly the detection's events, so the alarm "
            f"counts them as well; give the detection's filter a metric of its own",
        )
    op = ">" if alarm.get("ComparisonOperator") == "GreaterThanThreshold" else ">="
    message = (
        f"Alarm {name} watches {metric.label}{via}, published by filter {metric.match.name} on "
        f"log group {group.name}, with {watch.stat} {op} {num(float(alarm.get('Threshold') or 0))}"
        f" over {period_text(int(watch.period or 0))} (guide: {guide.text()}), and {notify}."
        f"{_dimension_note(metric, alarm, watch)}"
    )
    return Candidate((filter_link, metric_link, *links), message, alarm.get("AlarmArn"), evidence)


# --- the rule ----------------------------------------------------------------------------


def _group_candidates(
    params: AlarmParams, mf: MetricFilterParams, g: GroupSearch, memo: EvaluationMemo
) -> list[Candidate]:
    """Every alarm path through one log group's satisfying filters (stops at a whole chain)."""
    base = filter_candidate(mf, g)
    if not g.matches:
        return [base]
    group = g.group
    reg = group.region_snapshot
    if reg is None or reg.alarms is None:
        why = group.unread("DescribeAlarms")
        return [
            Candidate(
                (
                    g.link,
                    unknown(
                        METRIC, f"the alarms of account {group.account_id}, {group.region}: {why}"
                    ),
                ),
                "",
                group.arn,
            )
        ]
    out: list[Candidate] = []
    near: list[str] = []
    metrics: list[_Metric] = []
    exact = {(m.group.name, m.name) for m in g.matches}
    for match in g.matches:
        for t in match.transformations:
            metric = _Metric(match, t)
            metrics.append(metric)
            for alarm in _by_metric_name(reg.alarms, memo).get(metric.name, ()):
                watch, why = _watches(alarm, metric, group.account_id)
                if watch is not None:
                    sharers = _sharers(metric, reg, exact, memo)
                    cand = _judge(alarm, watch, metric, params, g.link, sharers)
                    out.append(cand)
                    if all(link.state == "ok" for link in cand.links):
                        return [cand]
                elif why:
                    near.append(why)
                else:
                    miss = _near_miss(alarm, metric)
                    if miss:
                        near.append(miss)
    if out:
        return out
    published = (
        "; ".join(
            f"{m.label} from filter {m.match.name} on log group {m.match.group.name} "
            f"(account {m.match.group.account_id}, {m.match.group.region})"
            for m in metrics
        )
        or "the filter publishes no metric"
    )
    detail = f"no alarm watches the metric the satisfying filter publishes: {published}"
    if near:
        detail += ". Near misses: " + "; ".join(near)
    first = metrics[0] if metrics else None
    target = f"{first.namespace}/{first.name}" if first else "the filter's metric"
    detail += (
        f". Create alarm {params.alarm_name!r} on {target} with Sum > {num(params.threshold)} "
        f"over {period_text(params.period_seconds)} and an SNS action"
    )
    return [
        Candidate(
            (g.link, broken(METRIC, detail)),
            "",
            group.arn,
            {"metrics": [m.label for m in metrics], "near_misses": near},
        )
    ]


def alarm_chain(params: AlarmParams, ctx: RuleContext) -> list[Outcome]:
    """Trail -> ... -> filter -> metric -> alarm -> topic -> confirmed subscriber."""
    mf = ctx.params_of(params.metric_filter, MetricFilterParams)
    search = find_filters(mf, ctx)
    paths = [(g.path, _group_candidates(params, mf, g, ctx.memo)) for g in search.groups]
    paths.extend(log_alarm_paths(params.guide, mf, ctx))
    judged = [
        {
            "alarm": c.evidence.get("alarm") or c.evidence.get("log_alarm"),
            "link": next((link.name for link in c.links if link.state != "ok"), "none"),
        }
        for _, cands in paths
        for c in cands
        if c.evidence.get("alarm") or c.evidence.get("log_alarm")
    ]
    outcome = decide(
        search.up,
        paths,
        f"the alarm {params.alarm_name!r}",
        fix=(
            "filter",
            "Create the metric filter first (see the metric-filter check), then the alarm on "
            "its metric.",
        ),
        evidence={
            "filters": [{"log_group": m.group.name, "filter": m.name} for m in search.matches],
            "alarms": judged,
        },
    )
    return [outcome]


ALARM_CHAIN = RuleKind(
    "alarm_chain",
    alarm_chain,
    AlarmParams,
    "account_region",
    "An alarm on a satisfying filter's metric, no looser than the guide, reaches a confirmed "
    "subscriber.",
    results="region",
)
