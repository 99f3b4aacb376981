"""Whether an alarm is no looser than the guide and changes state when the event comes.

The guide's alarm tables say "more than N events in P minutes" (Sum, ``>``, one period).
An alarm on a filter's metric is no looser when it fires on every burst the guide's would:

- the statistic counts events (``Sum``; ``SampleCount`` with one per event; ``Maximum``,
  ``Minimum`` and ``Average`` only for "more than 0", where one event's value breaches);
- the threshold, read back through the filter's ``metricValue`` and the alarm's linear
  metric-math form (:mod:`aiposture.lang.metric_math`), asks for no more events per period
  than the guide's; ``>=`` is ``>`` with one event fewer; a shorter period must lower its
  threshold by the pigeonhole bound (the guide's events can be spread evenly over the
  shorter periods);
- one breaching datapoint is enough (DatapointsToAlarm 1), the period is no longer than the
  guide's, the unit is the one the filter publishes.

And the alarm must be able to *change state* when the event comes, since actions fire on
state transitions only (AWS, "Using Amazon CloudWatch alarms"). A metric filter publishes a
datapoint only when events are ingested, and without a ``defaultValue`` only when one
matches; so in the quiet periods between events the metric is missing. How the alarm then
behaves is ``TreatMissingData`` ("Configuring how CloudWatch alarms treat missing data"):

- ``breaching``: every quiet period breaches, so the alarm sits in ALARM (without a default
  value) or flips to ALARM whenever a period receives no log events at all (with one):
  either way a real event changes nothing or is lost in noise;
- ``ignore``: "the current alarm state is maintained", so once an event has set it off, an
  alarm whose every datapoint breaches (no default value) never returns to OK and never
  notifies again;
- ``missing`` and ``notBreaching`` let it return to INSUFFICIENT_DATA or OK.

``FILL(m, c)`` in metric math fills quiet periods with ``c`` (which must not breach) and
``FILL(m, REPEAT)`` repeats the last value (sticky without a default value).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from aiposture.lang.metric_math import LinearForm


@dataclass(frozen=True)
class Guide:
    """The guide's alarm: fires at more than ``threshold`` events in ``period_seconds``."""

    threshold: float
    period_seconds: int

    @property
    def min_events(self) -> int:
        """The fewest events in one period that set the guide's alarm off."""
        return math.floor(self.threshold) + 1

    def text(self) -> str:
        """The guide's alarm in words."""
        return f"more than {num(self.threshold)} events in {period_text(self.period_seconds)}"


@dataclass(frozen=True)
class Watch:
    """How an alarm reads a filter's metric: directly, or through metric math."""

    stat: str | None
    period: int | None
    unit: str | None
    form: LinearForm | None = None
    """The returned series as a linear form of the metric (metric math only)."""
    via: str | None = None
    """The MetricStat query id for a metric-math alarm."""


def num(value: float | Fraction) -> str:
    """A number as people write it (no ``.0``)."""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def period_text(seconds: int) -> str:
    """A period in minutes when whole, else seconds."""
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


@lru_cache(maxsize=1024)
def _constant_of(value: str) -> Fraction | None:
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return Fraction(str(number))


def constant(value: Any) -> Fraction | None:
    """``value`` as an exact number, or None when it is not a finite number."""
    return None if value is None else _constant_of(str(value))


def events_to_breach(op: str, threshold: Fraction, per_event: Fraction = Fraction(1)) -> int:
    """The fewest events in a period for which ``count * per_event`` breaches (at least 1)."""
    ratio = threshold / per_event
    if op == "GreaterThanThreshold":
        return max(math.floor(ratio) + 1, 1)
    return max(math.ceil(ratio), 1)


def allowed_events(guide_min: int, period: int | None, guide_period: int) -> int:
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


def _effective(alarm: dict[str, Any], watch: Watch) -> tuple[str, Fraction | None, str]:
    """The comparison and threshold on the metric itself, and how they were derived."""
    op = str(alarm.get("ComparisonOperator") or "")
    threshold = constant(alarm.get("Threshold"))
    form = watch.form
    if form is None or threshold is None or (form.scale == 1 and form.offset == 0):
        return op, threshold, ""
    on_metric = form.metric_threshold(threshold)
    if form.scale < 0:
        flipped = {
            "GreaterThanThreshold": "LessThanThreshold",
            "GreaterThanOrEqualToThreshold": "LessThanOrEqualToThreshold",
        }.get(op, op)
        return flipped, on_metric, f" (its expression is {form.describe()})"
    sign = ">" if op == "GreaterThanThreshold" else ">="
    return (
        op,
        on_metric,
        f" (its expression is {form.describe()}, so {op} {num(threshold)} means the metric "
        f"{sign} {num(on_metric)})",
    )


def looseness(
    alarm: dict[str, Any],
    watch: Watch,
    transformation: dict[str, Any],
    filter_name: str,
    guide: Guide,
) -> list[str]:
    """Why the alarm is looser than the guide (empty when it is not)."""
    problems: list[str] = []
    raw_op = str(alarm.get("ComparisonOperator") or "")
    if alarm.get("ThresholdMetricId") or raw_op not in (
        "GreaterThanThreshold",
        "GreaterThanOrEqualToThreshold",
    ):
        if raw_op.startswith("LessThan") and not alarm.get("ThresholdMetricId"):
            problems.append(f"it compares {raw_op}, so a rising event count never sets it off")
        else:
            problems.append(
                f"it uses comparison {raw_op or 'none'} (an anomaly-detection band or no static "
                f"threshold), which cannot be compared with the guide's threshold"
            )
        return problems
    op, threshold, derived = _effective(alarm, watch)
    if op.startswith("LessThan"):
        problems.append(
            f"its expression {watch.form.describe() if watch.form else ''} falls when the "
            "event count rises, so a rising count never sets it off"
        )
        return problems
    per_event = constant(transformation.get("metricValue"))
    default = transformation.get("defaultValue")
    stat = watch.stat or ""
    if threshold is None:
        problems.append("it has no threshold")
    elif per_event is None or per_event <= 0:
        problems.append(
            f"filter {filter_name} publishes metric value {transformation.get('metricValue')!r} "
            f"per event, not a positive constant, so the threshold cannot be read as an event count"
        )
    elif default is not None and (constant(default) or 0) < 0:
        problems.append(f"filter {filter_name} publishes a negative default value")
    elif stat == "Sum" or (stat == "SampleCount" and per_event == 1):
        needed = events_to_breach(op, threshold, per_event)
        allowed = allowed_events(guide.min_events, watch.period, guide.period_seconds)
        if needed > allowed:
            sign = ">" if op == "GreaterThanThreshold" else ">="
            scale = f" with {num(per_event)} per event" if per_event != 1 else ""
            spread = ""
            if allowed < guide.min_events:
                spread = (
                    f"; with its shorter {watch.period} s period, the guide's {guide.min_events} "
                    f"events spread over {guide.period_seconds} s can put as few as {allowed} in "
                    f"each of its periods"
                )
            problems.append(
                f"it fires at {stat} {sign} {num(threshold)}{scale}{derived}, i.e. only at "
                f"{needed} or more events per period, looser than the guide's more than "
                f"{num(guide.threshold)} in {period_text(guide.period_seconds)}{spread}"
            )
    elif stat in ("Maximum", "Minimum", "Average") and guide.threshold == 0:
        if not _breaches(op, per_event, threshold):
            problems.append(
                f"a single event publishes {num(per_event)}, which does not breach {stat} "
                f"{op} {num(threshold)}{derived}"
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
    if not isinstance(period, int) or period > guide.period_seconds:
        problems.append(
            f"its period is {period} s, longer than the guide's {guide.period_seconds} s"
        )
    evaluation = int(alarm.get("EvaluationPeriods") or 1)
    datapoints = int(alarm.get("DatapointsToAlarm") or evaluation)
    if datapoints != 1:
        problems.append(
            f"it needs {datapoints} breaching datapoints out of {evaluation} (the guide fires on "
            f"one)"
        )
    filter_unit = str(transformation.get("unit") or "None")
    if watch.unit and watch.unit != filter_unit:
        problems.append(
            f"it asks for unit {watch.unit} but the filter publishes {filter_unit}, so it stays "
            f"in INSUFFICIENT_DATA"
        )
    return problems


def _breaches(op: str, value: Fraction, threshold: Fraction) -> bool:
    return value > threshold if op == "GreaterThanThreshold" else value >= threshold


def missing_data_problem(
    alarm: dict[str, Any], watch: Watch, transformation: dict[str, Any], filter_name: str
) -> str | None:
    """Why the alarm cannot change state when the event comes (None when it can)."""
    raw_op = str(alarm.get("ComparisonOperator") or "")
    threshold = constant(alarm.get("Threshold"))
    if threshold is None or raw_op not in ("GreaterThanThreshold", "GreaterThanOrEqualToThreshold"):
        return None
    treat = str(alarm.get("TreatMissingData") or "missing")
    per_event = constant(transformation.get("metricValue"))
    default = constant(transformation.get("defaultValue"))
    form = watch.form

    def returned(metric: Fraction) -> Fraction:
        return form.value(metric) if form is not None else metric

    name = alarm.get("AlarmName")
    if form is not None and form.fill == "constant" and form.fill_value is not None:
        quiet = returned(form.fill_value)
        if _breaches(raw_op, quiet, threshold):
            return (
                f"its expression fills periods without events with {num(quiet)}, which breaches "
                f"its threshold, so alarm {name} stays in ALARM and a real event changes nothing"
            )
        return None
    if default is not None:
        quiet = returned(default)
        if _breaches(raw_op, quiet, threshold):
            return (
                f"filter {filter_name}'s default value {num(default)} breaches the threshold in "
                f"every period with log events but no match, so alarm {name} stays in ALARM"
            )
        if treat == "breaching":
            return (
                f"alarm {name} treats missing data as breaching: every period in which the log "
                "group receives no events at all (CloudTrail delivers in batches) sets it off, "
                "so it pages on silence and its state says nothing about the events"
            )
        return None
    one_event = returned(per_event) if per_event is not None and per_event > 0 else None
    every_datapoint_breaches = one_event is not None and _breaches(raw_op, one_event, threshold)
    if treat == "breaching":
        return (
            f"filter {filter_name} has no default value, so the metric is missing in every "
            f"period without a matching event, and alarm {name} treats missing data as "
            "breaching: it sits in ALARM for good and, since actions fire on state changes "
            "only, a real event notifies nobody; set the filter's default value to 0 or "
            "TreatMissingData to notBreaching"
        )
    sticky = treat == "ignore" or (form is not None and form.fill == "repeat")
    if sticky and every_datapoint_breaches:
        how = (
            "treats missing data as ignore (the current state is kept)"
            if treat == "ignore"
            else "fills missing periods by repeating the last value"
        )
        return (
            f"filter {filter_name} has no default value, so every datapoint it publishes "
            f"breaches and alarm {name} {how}: after the first event it stays in ALARM and "
            "never notifies again; set the filter's default value to 0 or TreatMissingData to "
            "notBreaching"
        )
    return None
