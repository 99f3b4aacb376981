"""Where the detection layer goes: the CloudTrail delivery log group of an (account, region).

:class:`DetectionGroups` finds the log group a failing detection result is fixed on (a
Standard-class one first), remembers what it already holds (so new names never overwrite
an existing filter, alarm, rule or query) and what the plan adds to it, and tells why a
detection written there could not fire (the trail does not deliver, a link of the chain
is broken), so such a result is left to a manual fix rather than claimed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aiposture.remediate.plan import (
    PutInsightRule,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
)
from aiposture.remediate.planning import PlanState
from aiposture.results import Result
from aiposture.rules.alarm_chain import metric_publishers
from aiposture.rules.support.chain import upstream
from aiposture.rules.support.detection_scope import DeliveryGroup, cloudtrail_log_groups
from aiposture.rules.support.log_classes import QUERY_FEATURE, Feature
from aiposture.rules.support.sample_events import SampleEvents
from aiposture.snapshot.models import Snapshot

_NUMBER = re.compile(r"(\d+)$")
FEATURE: dict[str, Feature] = {
    "metric_filter": "metric filters",
    "alarm_chain": "metric filters",
    "contributor_insights_rule": "Contributor Insights rules",
    "saved_query": QUERY_FEATURE["SQL"],
}
"""The log-class feature each planned detection uses (queries are written in SQL)."""


def guide_number(result: Result) -> int | None:
    """The number of the guide item ``result`` names (Metric Filter 3, Query 12), if any."""
    for ref in result.seed_refs:
        match = _NUMBER.search(ref)
        if match and not ref.startswith("Alarm"):
            return int(match.group(1))
    return None


@dataclass
class PlannedGroup:
    """What is planned on one delivery log group so far."""

    group: DeliveryGroup
    filters: set[str] = field(default_factory=set)
    alarms: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)
    queries: set[str] = field(default_factory=set)
    planned_filters: dict[str, PutMetricFilter] = field(default_factory=dict)
    planned_alarms: dict[str, PutMetricAlarm] = field(default_factory=dict)
    planned_rules: dict[int, PutInsightRule] = field(default_factory=dict)
    planned_queries: dict[int, PutQueryDefinition] = field(default_factory=dict)
    metrics: set[str] = field(default_factory=set)
    """Metric names the plan's filters publish (each filter gets a metric of its own)."""


def published_metrics(g: DeliveryGroup, namespace: str) -> dict[str, list[str]]:
    """Metric name -> the filters of the log group's account and region publishing it."""
    reg = g.region_snapshot
    if reg is None or not reg.metric_filters:
        return {}
    out: dict[str, list[str]] = {}
    for name, rows in metric_publishers(reg.metric_filters).items():
        mine = [
            f"{entry.get('filterName')} (log group {group})"
            for group, entry, t in rows
            if t.get("metricNamespace") == namespace
        ]
        if mine:
            out[name] = mine
    return out


class DetectionGroups:
    """The delivery log groups the detection layer is planned on, found once each."""

    def __init__(self, state: PlanState) -> None:
        self.b = state
        self.groups: dict[tuple[str, str, str], PlannedGroup] = {}
        self.work: Snapshot = state.work()

    def group_for(self, account_id: str | None, region: str | None) -> PlannedGroup | str:
        """The log group detections for ``account_id`` in ``region`` go on, or why none can."""
        ctx = self.b.ctx(self.work, account_id or "", region or "")
        if ctx is None:
            return f"account {account_id} was not scanned"
        scope = cloudtrail_log_groups(ctx)
        readable = sorted(
            scope.readable,
            key=lambda g: (
                (g.log_group.log_group_class or "STANDARD") != "STANDARD" if g.log_group else True,
                g.account_id,
                g.name,
            ),
        )
        if not readable:
            why = "; ".join([*scope.broken, *scope.missing(), *scope.unknowns()]) or (
                "no logging trail delivers its events to CloudWatch Logs"
            )
            return (
                f"the detection layer of account {account_id} in {region} needs a "
                f"CloudTrail log group: {why}"
            )
        g = readable[0]
        key = (g.account_id, g.region, g.name)
        if key not in self.groups:
            reg = g.region_snapshot
            state = PlannedGroup(g)
            if reg is not None:
                state.filters = {
                    str(f.get("filterName")) for f in (reg.metric_filters or {}).get(g.name, [])
                }
                state.alarms = {str(a.get("AlarmName")) for a in reg.alarms or []}
                state.alarms |= {str(a.get("AlarmName")) for a in reg.composite_alarms or []}
                state.rules = {str(r.get("Name")) for r in reg.insight_rules or []}
                state.queries = {str(q.get("name")) for q in reg.query_definitions or []}
            self.groups[key] = state
        return self.groups[key]

    def upstream_problem(self, r: Result, state: PlannedGroup) -> str | None:
        """Why a detection on ``state``'s log group could not fire, whatever the plan adds.

        The plan writes filters, alarms, rules and queries; it cannot make the trail deliver
        (a role's permissions, a delivery error) or change a log group's class. Those links of
        the chain (:mod:`aiposture.rules.support.chain`) are judged on the snapshot as the plan's
        earlier phases leave it (selectors repaired): when one is not whole, the result is
        left to be fixed by hand first, never claimed.
        """
        kind = self.b.kind_of(r.check_id) or ""
        params = self.b.params(r.check_id)
        if kind == "alarm_chain":
            params = self.b.params(params.metric_filter)
        if kind not in FEATURE or not isinstance(params, SampleEvents):
            return None
        ctx = self.b.ctx(self.work, r.account_id or "", r.region or "")
        if ctx is None:
            return f"account {r.account_id} was not scanned"
        up = upstream(ctx, params, FEATURE[kind])
        path = next((p for p in up.paths if p.group.arn == state.group.arn), None)
        if path is None:
            return f"log group {state.group.name} does not receive these events"
        for link in path.links:
            if link.state != "ok":
                return (
                    f"the detection could not fire on log group {state.group.name} even once "
                    f"written: {link.name}: {link.detail.rstrip('.')}; fix that first"
                )
        return None

    def placed(self, r: Result, what: str) -> tuple[int, PlannedGroup] | None:
        """The guide item's number and the log group for ``r``; None (and left) without."""
        number = guide_number(r)
        state = self.group_for(r.account_id, r.region)
        if isinstance(state, str):
            self.b.leave(r, state)
            return None
        if number is None:
            self.b.leave(r, f"not a guide {what}")
            return None
        problem = self.upstream_problem(r, state)
        if problem:
            self.b.leave(r, problem)
            return None
        return number, state
