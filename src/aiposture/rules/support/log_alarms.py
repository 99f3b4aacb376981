"""Log alarms: a scheduled Logs Insights query with a threshold, as a guide alarm.

CloudWatch ``PutLogAlarm`` (botocore ``cloudwatch`` model, 1.44) "creates a service-managed
CloudWatch Logs scheduled query that runs the query string you provide on the schedule you
configure"; each run aggregates its rows with ``AggregationExpression`` and compares the
value with ``Threshold``; the alarm goes to ALARM when ``QueryResultsToAlarm`` of the last
``QueryResultsToEvaluate`` results breach. Each run reads the time range from
``StartTimeOffset`` to ``EndTimeOffset`` seconds before the run, on the schedule
``ScheduleExpression`` (a ``rate()`` expression). DescribeAlarms returns these under
``LogAlarms`` when asked for ``AlarmTypes=[..., "LogAlarm"]``.

A log alarm over the CloudTrail log group stands in for the guide's metric filter and alarm
when, on the shared links of :mod:`aiposture.rules.support.chain` (the log class must run Logs
Insights QL queries):

- **query**: its query string (Logs Insights QL, :mod:`aiposture.lang.logs_query`) admits
  every must-match sample of the guide's filter and no must-not-match one;
- **alarm**: it counts them (``count(*)``), with a threshold and time windows no looser than
  the guide's (the windows must leave no gap between runs, and the guide's events spread over
  its period must put enough in one window), one breaching result, and a missing-data setting
  that cannot keep it in ALARM; then the topic and subscriber links of any alarm.

What cannot be judged (another aggregation, a query construct the evaluator does not know,
whether an empty window yields 0 or no result under ``ignore`` or ``breaching``) is unknown:
such a log alarm never makes the check pass.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

from aiposture.errors import PatternSyntaxError
from aiposture.lang.logs_query import parse
from aiposture.lang.logs_query_model import same_log_group
from aiposture.rules.base import RuleContext
from aiposture.rules.support.alarm_routes import ALARM, alarm_links
from aiposture.rules.support.alarm_thresholds import (
    Guide,
    constant,
    events_to_breach,
    num,
    period_text,
)
from aiposture.rules.support.chain import Candidate, Link, Upstream, broken, ok, unknown, upstream
from aiposture.rules.support.detection_scope import DeliveryGroup
from aiposture.rules.support.sample_events import SampleEvents, context_event

QUERY = "query"
"""The log alarm's query link in the chain."""

_RATE = re.compile(r"^\s*rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)\s*$", re.I)
_COUNT = re.compile(r"^\s*count\(\s*\*?\s*\)(\s+as\s+[A-Za-z_][A-Za-z0-9_]*)?\s*$", re.I)
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}


def _reads(alarm: dict[str, Any], group: DeliveryGroup) -> bool:
    config = alarm.get("ScheduledQueryConfiguration") or {}
    return any(
        same_log_group(str(i), group.name, group.arn)
        for i in config.get("LogGroupIdentifiers") or []
    )


def log_alarm_paths(
    guide: Guide, samples: SampleEvents, ctx: RuleContext
) -> list[tuple[Upstream, list[Candidate]]]:
    """Every log alarm over a candidate CloudTrail log group, as a path of the chain."""
    up = upstream(ctx, samples, "Logs Insights QL queries")
    out: list[tuple[Upstream, list[Candidate]]] = []
    for path in up.paths:
        reg = path.group.region_snapshot
        found = [a for a in (reg.log_alarms or []) if _reads(a, path.group)] if reg else []
        judged = [_judge(a, guide, samples, ctx, path.group) for a in found]
        relevant = [c for c in judged if c is not None]
        if relevant:
            out.append((path, relevant))
    return out


def _query_link(
    alarm: dict[str, Any], samples: SampleEvents, ctx: RuleContext, group: DeliveryGroup
) -> Link | None:
    """The query link of ``alarm`` (None when it returns none of the detection's events)."""
    name = alarm.get("AlarmName")
    config = alarm.get("ScheduledQueryConfiguration") or {}
    text = str(config.get("QueryString") or "")
    identifiers = [str(i) for i in config.get("LogGroupIdentifiers") or []]
    try:
        query = parse(text, "CWLI", identifiers)
    except PatternSyntaxError as exc:
        return broken(QUERY, f"the query of log alarm {name} does not parse: {exc}")
    source = next((s for s in query.sources if s.reads_log_group(group.name, group.arn)), None)
    missed: list[str] = []
    undecided = False
    for sample in samples.must_match:
        verdict = query.admits(context_event(sample, ctx), source)
        if verdict is None:
            undecided = True
        elif not verdict:
            missed.append(sample.label)
    if undecided:
        why = query.why_unevaluable() or "it uses constructs the evaluator does not know"
        return unknown(QUERY, f"the query of log alarm {name} cannot be evaluated: {why}")
    if len(missed) == len(samples.must_match):
        return None  # a log alarm about other events altogether: not a path of this detection
    if missed:
        return broken(QUERY, f"the query of log alarm {name} does not return {'; '.join(missed)}")
    broad = [s.label for s in samples.must_not_match if query.admits(context_event(s, ctx), source)]
    if broad:
        return broken(
            QUERY,
            f"the query of log alarm {name} also returns {'; '.join(broad)}, which the detection "
            "is not for: it counts routine activity",
        )
    return ok(QUERY, f"the query of log alarm {name} returns exactly the detection's events")


def _windows_needed(period: int, interval: int, window: int) -> int | None:
    """How many runs' windows it takes, at worst, to cover any ``period`` seconds of events.

    Runs every ``interval`` seconds read the ``window`` seconds before them; None when the
    windows leave gaps (``window < interval``).
    """
    if window < interval:
        return None
    worst = 1
    step = math.gcd(interval, math.gcd(period, window)) or 1
    for start in range(0, interval, step):
        covered, count = start, 0
        while covered < start + period:
            end = ((covered + window) // interval) * interval
            if end <= covered:
                return None
            covered, count = end, count + 1
        worst = max(worst, count)
    return worst


def _alarm_problems(alarm: dict[str, Any], guide: Guide) -> tuple[list[str], list[str]]:
    """(why the log alarm is looser than the guide, why that cannot be told)."""
    problems: list[str] = []
    unknowns: list[str] = []
    config = alarm.get("ScheduledQueryConfiguration") or {}
    aggregation = str(config.get("AggregationExpression") or "")
    if not _COUNT.match(aggregation):
        unknowns.append(
            f"its aggregation {aggregation!r} is not a plain count(*), and aiposture does not "
            "judge what other aggregations compare with the threshold"
        )
    op = str(alarm.get("ComparisonOperator") or "")
    threshold = constant(alarm.get("Threshold"))
    if op not in ("GreaterThanThreshold", "GreaterThanOrEqualToThreshold") or threshold is None:
        problems.append(f"it compares {op or 'nothing'}, so a rising event count never sets it off")
        return problems, unknowns
    needed = events_to_breach(op, threshold)
    schedule = config.get("ScheduleConfiguration") or {}
    rate = _RATE.match(str(schedule.get("ScheduleExpression") or ""))
    start = constant(schedule.get("StartTimeOffset"))
    end = constant(schedule.get("EndTimeOffset")) or Fraction(0)
    if rate is None or start is None:
        unknowns.append(
            f"its schedule {schedule.get('ScheduleExpression')!r} is not a rate() expression "
            "aiposture reads"
        )
        return problems, unknowns
    interval = int(rate.group(1)) * _UNIT[rate.group(2).lower().rstrip("s")]
    window = int(start - end)
    runs = _windows_needed(guide.period_seconds, interval, window)
    if runs is None:
        problems.append(
            f"it reads {window} s every {interval} s, so events between its windows are never "
            "counted"
        )
    else:
        allowed = -(-guide.min_events // runs)
        if needed > allowed:
            problems.append(
                f"it fires at more than {num(needed - 1)} events in a {period_text(window)} window "
                f"run every {period_text(interval)}; the guide's {guide.min_events} events in "
                f"{period_text(guide.period_seconds)} can put as few as {allowed} in each window, "
                f"so it is looser than the guide's {guide.text()}"
            )
    m = int(alarm.get("QueryResultsToAlarm") or 1)
    n = int(alarm.get("QueryResultsToEvaluate") or m)
    if m != 1:
        problems.append(f"it needs {m} breaching results out of {n} (the guide fires on one)")
    treat = str(alarm.get("TreatMissingData") or "missing")
    if treat in ("breaching", "ignore"):
        unknowns.append(
            f"it treats missing data as {treat}, and AWS does not document whether a run that "
            "finds no matching event yields 0 or no result, so it may stay in ALARM"
        )
    return problems, unknowns


def _judge(
    alarm: dict[str, Any],
    guide: Guide,
    samples: SampleEvents,
    ctx: RuleContext,
    group: DeliveryGroup,
) -> Candidate | None:
    """The path of one log alarm; None when its query is about other events altogether."""
    name = str(alarm.get("AlarmName") or "")
    query = _query_link(alarm, samples, ctx, group)
    if query is None:
        return None
    evidence: dict[str, Any] = {"log_alarm": name}
    if query.state != "ok":
        return Candidate((query,), "", alarm.get("AlarmArn"), evidence)
    problems, unknowns = _alarm_problems(alarm, guide)
    subject = f"log group {group.name} (guide: {guide.text()})"
    if unknowns and not problems:
        return Candidate(
            (query, unknown(ALARM, f"log alarm {name}: {'; '.join(unknowns)}")),
            "",
            alarm.get("AlarmArn"),
            evidence,
        )
    links, notify, routes = alarm_links(
        alarm,
        group,
        problems,
        subject,
        f"Make it no looser: count(*) > {num(guide.threshold)} over windows that cover "
        f"{period_text(guide.period_seconds)} without gaps, 1 of 1 results.",
    )
    evidence.update(routes)
    message = (
        f"Log alarm {name} runs a Logs Insights query over log group {group.name} that returns "
        f"exactly the detection's events, counts them no looser than the guide "
        f"({guide.text()}), and {notify}."
    )
    return Candidate((query, *links), message, alarm.get("AlarmArn"), evidence)
