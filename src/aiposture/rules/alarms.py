"""Rule kind ``alarm_chain``: a guide alarm, judged link by link.

The chain is trail -> log group -> filter -> metric -> alarm -> topic -> subscriber. The
first three links come from the metric-filter check the alarm builds on
(:func:`aiposture.rules.metric_filters.find_filters`). Then, in the filter's log-group
account and region: an alarm must watch the metric a satisfying filter publishes (same
namespace, name and dimension names; a metric-math alarm counts when its returned series
passes that metric through), be no looser than the guide (comparison, threshold scaled by
the filter's metric value, statistic, period, datapoints, actions enabled), notify an SNS
topic directly or through a composite alarm that certainly goes to ALARM with it, and that
topic must have a confirmed subscriber.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

from pydantic import Field

from aiposture.engine.results import Status
from aiposture.lang.alarm_expressions import (
    returned_metric_stats,
)
from aiposture.memo import IdentityMemo
from aiposture.rules.alarm_routes import alarm_routes
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.detection_scope import broken_chain_message
from aiposture.rules.metric_filters import (
    FilterMatch,
    FilterSearch,
    MetricFilterParams,
    find_filters,
)


class AlarmParams(Params):
    """Parameters of ``alarm_chain``.

    the guide's alarm row and the metric-filter check whose
    satisfying filters the alarm must watch.
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


LINKS = ("metric", "alarm", "topic", "subscriber")
"""The links this rule judges after the filter, in chain order."""

_NOT_FOUND = {"NotFound", "NotFoundException", "ResourceNotFoundException"}


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


@dataclass(frozen=True)
class _Watch:
    """How an alarm reads a metric: directly, or through a metric-math query."""

    stat: str | None
    period: int | None
    unit: str | None
    via: str | None = None
    """The MetricStat query id for a metric-math alarm."""


@dataclass
class _Verdict:
    """How far one alarm gets along the chain."""

    alarm: dict[str, Any]
    metric: _Metric
    reached: int
    """Index in LINKS of the broken link; len(LINKS) when the whole chain holds."""
    status: Status
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.alarm.get("AlarmName") or "")


def _guide_text(params: AlarmParams) -> str:
    return f"more than {_num(params.threshold)} events in {_period(params.period_seconds)}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _period(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


# --- metric link -------------------------------------------------------------------------


def _watches(alarm: dict[str, Any], metric: _Metric, account: str) -> tuple[_Watch | None, str]:
    """How ``alarm`` watches ``metric`` (or None), and why not when it nearly does."""
    if alarm.get("MetricName"):
        if metric.same(alarm):
            return _Watch(
                alarm.get("Statistic") or alarm.get("ExtendedStatistic"),
                alarm.get("Period"),
                alarm.get("Unit"),
            ), ""
        return None, ""
    queries = alarm.get("Metrics") or []
    on_metric = [
        q
        for q in queries
        if (q.get("MetricStat") or {}).get("Metric")
        and metric.same(q["MetricStat"]["Metric"])
        and str(q.get("AccountId") or account) == account
    ]
    if not on_metric:
        return None, ""
    analysis = returned_metric_stats(queries)
    if analysis.problem:
        return None, (
            f"metric-math alarm {alarm.get('AlarmName')} reads {metric.label}, but its returned "
            f"expression could not be analysed ({analysis.problem}), so it does not count"
        )
    for q in analysis.stats:
        if any(q is o or q == o for o in on_metric):
            stat = q["MetricStat"]
            return _Watch(stat.get("Stat"), stat.get("Period"), stat.get("Unit"), q.get("Id")), ""
    return None, (
        f"metric-math alarm {alarm.get('AlarmName')} reads {metric.label}, but its returned "
        f"expression ({analysis.returned_id}) is not that metric passed through unchanged, so "
        f"it does not count"
    )


def _alarm_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    if alarm.get("MetricName"):
        return [alarm]
    return [
        q["MetricStat"]["Metric"]
        for q in alarm.get("Metrics") or []
        if (q.get("MetricStat") or {}).get("Metric")
    ]


_indexes: IdentityMemo[dict[str, list[dict[str, Any]]]] = IdentityMemo()


def _by_metric_name(alarms: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
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

    return _indexes.get((alarms,), build)


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


# --- alarm link --------------------------------------------------------------------------


def _constant(value: Any) -> Fraction | None:
    return _constant_of(str(value))


@lru_cache(maxsize=1024)
def _constant_of(value: str) -> Fraction | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return Fraction(str(number))


def _min_events(op: str, threshold: Fraction, per_event: Fraction) -> int:
    """The fewest events in a period for which ``count * per_event`` breaches."""
    ratio = threshold / per_event
    if op == "GreaterThanThreshold":
        return max(math.floor(ratio) + 1, 1)
    return max(math.ceil(ratio), 1)


def _allowed_events(guide_min: int, period: int | None, guide_period: int) -> int:
    """The most events per alarm period an alarm may require and still fire on the guide's.

    The guide fires on ``guide_min`` events in one of its periods. An alarm with a shorter
    period splits that window into ``k`` of its own (one more when the periods do not
    divide), and the events can be spread evenly: some alarm period is then sure to hold
    ``ceil(guide_min / k)`` of them, and no more is guaranteed.
    """
    if not isinstance(period, int) or period <= 0 or period >= guide_period:
        return guide_min
    k = -(-guide_period // period) + (0 if guide_period % period == 0 else 1)
    return -(-guide_min // k)


def _looseness(
    alarm: dict[str, Any], watch: _Watch, metric: _Metric, params: AlarmParams
) -> list[str]:
    """Why the alarm is looser than the guide (empty when it is not)."""
    problems: list[str] = []
    op = str(alarm.get("ComparisonOperator") or "")
    t = metric.transformation
    if alarm.get("ThresholdMetricId") or op not in (
        "GreaterThanThreshold",
        "GreaterThanOrEqualToThreshold",
    ):
        if op.startswith("LessThan") and not alarm.get("ThresholdMetricId"):
            problems.append(f"it compares {op}, so a rising event count never sets it off")
        else:
            problems.append(
                f"it uses comparison {op or 'none'} (an anomaly-detection band or no static "
                f"threshold), which cannot be compared with the guide's threshold"
            )
        return problems
    threshold = _constant(alarm.get("Threshold"))
    per_event = _constant(t.get("metricValue"))
    default = t.get("defaultValue")
    guide_min = math.floor(params.threshold) + 1
    stat = watch.stat or ""
    if threshold is None:
        problems.append("it has no threshold")
    elif per_event is None or per_event <= 0:
        problems.append(
            f"filter {metric.match.name} publishes metric value {t.get('metricValue')!r} per "
            f"event, not a positive constant, so the threshold cannot be read as an event count"
        )
    elif default is not None and (_constant(default) or 0) < 0:
        problems.append(f"filter {metric.match.name} publishes a negative default value")
    elif stat == "Sum" or (stat == "SampleCount" and per_event == 1):
        needed = _min_events(op, threshold, per_event)
        allowed = _allowed_events(guide_min, watch.period, params.period_seconds)
        if needed > allowed:
            sign = ">" if op == "GreaterThanThreshold" else ">="
            scale = f" with {per_event} per event" if per_event != 1 else ""
            spread = ""
            if allowed < guide_min:
                spread = (
                    f"; with its shorter {watch.period} s period, the guide's {guide_min} events "
                    f"spread over {params.period_seconds} s can put as few as {allowed} in each "
                    f"of its periods"
                )
            problems.append(
                f"it fires at {stat} {sign} {_num(float(threshold))}{scale}, i.e. only at "
                f"{needed} or more events per period, looser than the guide's more than "
                f"{_num(params.threshold)} in {_period(params.period_seconds)}{spread}"
            )
    elif stat in ("Maximum", "Minimum", "Average") and params.threshold == 0:
        breaches = per_event > threshold if op == "GreaterThanThreshold" else per_event >= threshold
        if not breaches:
            problems.append(
                f"a single event publishes {per_event}, which does not breach {stat} "
                f"{op} {_num(float(threshold))}"
            )
        elif stat != "Maximum" and default is not None:
            problems.append(
                f"{stat} is diluted by the filter's default value {default}, so one event may "
                f"not breach; use Sum"
            )
    else:
        problems.append(
            f"it uses statistic {stat or 'none'}, which does not count events (use Sum)"
        )
    period = watch.period
    if not isinstance(period, int) or period > params.period_seconds:
        problems.append(
            f"its period is {period} s, longer than the guide's {params.period_seconds} s"
        )
    evaluation = int(alarm.get("EvaluationPeriods") or 1)
    datapoints = int(alarm.get("DatapointsToAlarm") or evaluation)
    if datapoints != 1:
        problems.append(
            f"it needs {datapoints} breaching datapoints out of {evaluation} (the guide fires on "
            f"one)"
        )
    filter_unit = str(t.get("unit") or "None")
    if watch.unit and watch.unit != filter_unit:
        problems.append(
            f"it asks for unit {watch.unit} but the filter publishes {filter_unit}, so it stays "
            f"in INSUFFICIENT_DATA"
        )
    return problems


# --- one alarm ---------------------------------------------------------------------------


def _judge(alarm: dict[str, Any], watch: _Watch, metric: _Metric, params: AlarmParams) -> _Verdict:
    name = str(alarm.get("AlarmName") or "")
    group = metric.match.group
    evidence: dict[str, Any] = {
        "alarm": name,
        "metric": metric.label,
        "statistic": watch.stat,
        "period": watch.period,
        "comparison": alarm.get("ComparisonOperator"),
        "threshold": alarm.get("Threshold"),
    }
    if watch.via:
        evidence["metric_math_query"] = watch.via
    problems = _looseness(alarm, watch, metric, params)
    if problems:
        evidence["problems"] = problems
        return _Verdict(
            alarm,
            metric,
            1,
            Status.FAIL,
            f"Broken link: alarm. Alarm {name} watches {metric.label} but is looser than the "
            f"guide ({_guide_text(params)}): {'; '.join(problems)}. Make it no looser: Sum > "
            f"{_num(params.threshold)} (or lower) over at most {_period(params.period_seconds)}, "
            f"1 of 1 datapoints.",
            evidence,
        )
    routes, notes = alarm_routes(alarm, group)
    evidence["notes"] = notes
    evidence["topics"] = [
        {"topic": r.topic, "via": r.via, "status": r.status.value, "confirmed": r.confirmed}
        for r in routes
        if r.topic
    ]
    passing = [r for r in routes if r.status is Status.PASS]
    if passing:
        best = max(passing, key=lambda r: r.confirmed)
        via = f" through composite alarm {best.via}" if best.via else ""
        op = ">" if alarm.get("ComparisonOperator") == "GreaterThanThreshold" else ">="
        return _Verdict(
            alarm,
            metric,
            len(LINKS),
            Status.PASS,
            f"Alarm {name} watches {metric.label}, published by filter {metric.match.name} on "
            f"log group {group.name}, with {watch.stat} {op} "
            f"{_num(float(alarm.get('Threshold') or 0))} over {_period(int(watch.period or 0))} "
            f"(guide: {_guide_text(params)}), and notifies SNS topic {best.topic}{via}, which "
            f"has {best.confirmed} confirmed subscriber(s).{_dimension_note(metric, alarm, watch)}",
            evidence,
        )
    extra = f" ({'; '.join(notes)})" if notes else ""
    if alarm.get("ActionsEnabled") is False:
        evidence["problems"] = ["actions disabled"]
        return _Verdict(
            alarm,
            metric,
            1,
            Status.FAIL,
            f"Broken link: alarm. Alarm {name} watches {metric.label} but its actions are "
            f"disabled (ActionsEnabled is false) and no composite alarm notifies for it{extra}; "
            f'run aws cloudwatch enable-alarm-actions --alarm-names "{name}".',
            evidence,
        )
    unknown = [r for r in routes if r.status is Status.ERROR]
    if unknown:
        return _Verdict(
            alarm,
            metric,
            min(r.reached for r in unknown),
            Status.ERROR,
            f"Cannot verify where alarm {name} on {metric.label} notifies: "
            f"{'; '.join(r.message for r in unknown)}{extra}.",
            evidence,
        )
    if routes:
        furthest = max(r.reached for r in routes)
        link = LINKS[furthest]
        why = "; ".join(r.message for r in routes if r.reached == furthest)
        fix = (
            "confirm a subscription (the endpoint must accept the confirmation message)"
            if link == "subscriber"
            else "point the alarm at an existing SNS topic"
        )
        return _Verdict(
            alarm,
            metric,
            furthest,
            Status.FAIL,
            f"Broken link: {link}. Alarm {name} on {metric.label} is no looser than the guide, "
            f"but {why}{extra}; {fix}.",
            evidence,
        )
    return _Verdict(
        alarm,
        metric,
        2,
        Status.FAIL,
        f"Broken link: topic. Alarm {name} on {metric.label} is no looser than the guide but "
        f"notifies no SNS topic, directly or through a composite alarm{extra}; add an SNS "
        f"topic to its AlarmActions.",
        evidence,
    )


def _dimension_note(metric: _Metric, alarm: dict[str, Any], watch: _Watch) -> str:
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


# --- the rule ----------------------------------------------------------------------------


def _no_filter(params: MetricFilterParams, search: FilterSearch) -> Outcome:
    groups = search.scope.readable
    names = ", ".join(g.name for g in groups)
    return Outcome(
        Status.FAIL,
        f"Broken link: filter. No metric filter on CloudTrail log group {names} matches every "
        f"event the alarm exists to catch: {search.failure}. Create the metric filter first (see "
        f"the metric-filter check), then the alarm on its metric.",
        groups[0].arn,
        {"failure": search.failure, "guide_metric": params.guide_metric},
    )


def alarm_chain(params: AlarmParams, ctx: RuleContext) -> list[Outcome]:
    """Trail -> log group -> filter -> metric -> alarm -> topic -> confirmed subscriber."""
    mf = ctx.params_of(params.metric_filter, MetricFilterParams)
    search = find_filters(mf, ctx)
    unknown = list(search.unknown)
    if not search.matches:
        if unknown:
            return [
                Outcome(
                    Status.ERROR,
                    "Cannot verify the alarm: the metric filters it builds on could not be "
                    f"judged: {'; '.join(unknown)}.",
                    None,
                    {"unknown": unknown},
                )
            ]
        if not search.scope.readable:
            scope = search.scope
            return [
                Outcome(
                    Status.FAIL,
                    broken_chain_message(scope, "Alarms"),
                    None,
                    {"broken": [*scope.broken, *scope.missing()]},
                )
            ]
        return [_no_filter(mf, search)]

    verdicts: list[_Verdict] = []
    near: list[str] = []
    metrics: list[_Metric] = []
    done = False
    for match in search.matches:
        if done:
            break
        group = match.group
        reg = group.region_snapshot
        if reg is None or reg.alarms is None:
            unknown.append(
                f"Cannot verify the alarms of account {group.account_id}, {group.region}: "
                f"{group.unread('DescribeAlarms')}"
            )
            continue
        for t in match.transformations:
            if done:
                break
            metric = _Metric(match, t)
            metrics.append(metric)
            for alarm in _by_metric_name(reg.alarms).get(metric.name, ()):
                watch, why = _watches(alarm, metric, group.account_id)
                if watch is not None:
                    verdict = _judge(alarm, watch, metric, params)
                    verdicts.append(verdict)
                    if verdict.status is Status.PASS:
                        done = True  # one whole chain answers the requirement
                        break
                elif why:
                    near.append(why)
                else:
                    miss = _near_miss(alarm, metric)
                    if miss:
                        near.append(miss)

    evidence: dict[str, Any] = {
        "filters": [{"log_group": m.group.name, "filter": m.name} for m in search.matches],
        "metrics": [m.label for m in metrics],
        "alarms": [
            {"alarm": v.name, "status": v.status.value, "link": _link(v), **v.evidence}
            for v in verdicts
        ],
        "near_misses": near,
    }
    passing = [v for v in verdicts if v.status is Status.PASS]
    if passing:
        best = passing[0]
        return [Outcome(Status.PASS, best.message, best.alarm.get("AlarmArn"), evidence)]
    errors = [v for v in verdicts if v.status is Status.ERROR]
    if errors or unknown:
        evidence["unknown"] = unknown
        parts = [v.message for v in errors] + [f"{u.rstrip('.')}." for u in unknown]
        fails = [v for v in verdicts if v.status is Status.FAIL]
        if fails:
            parts.append("Otherwise: " + max(fails, key=lambda v: v.reached).message)
        arn = errors[0].alarm.get("AlarmArn") if errors else None
        return [Outcome(Status.ERROR, " ".join(parts), arn, evidence)]
    if verdicts:
        best = max(verdicts, key=lambda v: v.reached)
        return [Outcome(Status.FAIL, best.message, best.alarm.get("AlarmArn"), evidence)]
    return [_no_alarm(params, metrics, near, evidence)]


def _link(v: _Verdict) -> str:
    return "none" if v.reached >= len(LINKS) else LINKS[v.reached]


def _no_alarm(
    params: AlarmParams, metrics: list[_Metric], near: list[str], evidence: dict[str, Any]
) -> Outcome:
    first = metrics[0] if metrics else None
    published = "; ".join(
        f"{m.label} from filter {m.match.name} on log group {m.match.group.name} "
        f"(account {m.match.group.account_id}, {m.match.group.region})"
        for m in metrics
    )
    message = (
        f"Broken link: metric. No alarm watches the metric the satisfying filter publishes: "
        f"{published or 'the filter publishes no metric'}."
    )
    if near:
        message += " Near misses: " + "; ".join(near) + "."
    metric = f"{first.namespace}/{first.name}" if first else "the filter's metric"
    message += (
        f" Create alarm {params.alarm_name!r} on {metric} with Sum > {_num(params.threshold)} "
        f"over {_period(params.period_seconds)} and an SNS action."
    )
    arn = first.match.group.arn if first else None
    return Outcome(Status.FAIL, message, arn, evidence)


ALARM_CHAIN = RuleKind(
    "alarm_chain",
    alarm_chain,
    AlarmParams,
    "account_region",
    "An alarm on a satisfying filter's metric, no looser than the guide, reaches a confirmed subscriber.",
)
