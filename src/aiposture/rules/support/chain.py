"""The detection chain: one model of how an event becomes a signal that reaches a person.

A detection (metric filter, alarm, Contributor Insights rule, saved query, subscription
filter) earns a PASS in an (account, region) only if an event of its kind, happening there,
would travel the whole way::

    trail -> log group      a logging trail covers the account and region and delivers
                            to a CloudWatch Logs log group that exists
    recorded                that trail records each must-match sample
                            (:mod:`aiposture.rules.support.recording`)
    delivered               its delivery to CloudWatch Logs is configured, healthy and recent
                            (:func:`aiposture.rules.support.detection_scope.delivery_problem`)
    log class               the log group's class supports the feature
                            (:mod:`aiposture.rules.support.log_classes`)
    filter | rule | query   the detection reacts to every must-match sample and to no
                            must-not-match one
    metric -> alarm         (alarms) the metric is watched, no looser than the guide, and the
    -> topic -> subscriber  alarm notifies a confirmed subscriber

Every detection kind builds its path the same way: :func:`upstream` judges the shared links
for every candidate log group (memoised per detection, account and region), the kind adds
its own links (:class:`Candidate`), and :func:`decide` turns the paths into one outcome:
PASS when some path holds end to end; otherwise ERROR when some path (or a log group or
trail that could not be read) might still hold; otherwise FAIL naming the first broken link
of the path that got furthest, with the other broken links after it. The evidence carries the
chosen path link by link (``chain``) and its ``broken_link``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from aiposture.memo import Fact
from aiposture.results import Status
from aiposture.rules.base import Outcome, RuleContext
from aiposture.rules.support.coverage import Coverage, coverage
from aiposture.rules.support.detection_scope import (
    DeliveryGroup,
    DetectionScope,
    cloudtrail_log_groups,
    delivery_problem,
)
from aiposture.rules.support.log_classes import Feature, supports, why_unsupported
from aiposture.rules.support.recording import (
    ProbeSet,
    not_recorded_reason,
    probes,
    records,
    unread_reason,
)
from aiposture.rules.support.sample_events import SampleEvent, SampleEvents
from aiposture.snapshot.models import Trail

LinkState = Literal["ok", "broken", "unknown"]

TRAIL = "trail -> log group"
RECORDED = "recorded"
DELIVERED = "delivered"
LOG_CLASS = "log class"

LINK_ORDER: dict[str, int] = {
    TRAIL: 0,
    RECORDED: 1,
    DELIVERED: 2,
    LOG_CLASS: 3,
    "filter": 4,
    "rule": 4,
    "query": 4,
    "subscription filter": 4,
    "metric": 5,
    "alarm": 6,
    "topic": 7,
    "subscriber": 8,
}
"""The chain position of every link, so paths of different kinds compare by how far they got
(a log alarm's query stands where a metric alarm's filter does; its broken ``alarm`` link is
further than a metric alarm's broken ``metric``)."""


@dataclass(frozen=True)
class Link:
    """One link of a detection's path, as judged."""

    name: str
    state: LinkState
    detail: str
    """What holds (ok), what is wrong (broken) or why it could not be told (unknown)."""

    def evidence(self) -> dict[str, str]:
        """The link as a JSON-able record."""
        return {"link": self.name, "state": self.state, "detail": self.detail}


def ok(name: str, detail: str) -> Link:
    """A link that holds."""
    return Link(name, "ok", detail)


def broken(name: str, detail: str) -> Link:
    """A link that is broken."""
    return Link(name, "broken", detail)


def unknown(name: str, detail: str) -> Link:
    """A link that could not be judged from the snapshot."""
    return Link(name, "unknown", detail)


@dataclass(frozen=True)
class Chain:
    """A whole path: the links in chain order."""

    links: tuple[Link, ...]

    @property
    def first_broken(self) -> Link | None:
        """The first broken link, if any."""
        return next((link for link in self.links if link.state == "broken"), None)

    @property
    def status(self) -> Status:
        """FAIL past a broken link, ERROR when a link is unknown, else PASS."""
        if any(link.state == "broken" for link in self.links):
            return Status.FAIL
        if any(link.state == "unknown" for link in self.links):
            return Status.ERROR
        return Status.PASS

    @property
    def reached(self) -> int:
        """How far the path gets: the chain position of its first broken or unknown link."""
        end = max(LINK_ORDER.values()) + 1
        for link in self.links:
            if link.state != "ok":
                return LINK_ORDER.get(link.name, end)
        return end + 1

    def fail_message(self) -> str:
        """``Broken link: <name>. <detail>`` and whatever else is wrong further down."""
        first = self.first_broken
        assert first is not None
        index = self.links.index(first)
        text = f"Broken link: {first.name}. {_sentence(first.detail)}"
        upstream = [link for link in self.links[:index] if link.state == "unknown"]
        if upstream:
            text += " Not verified before it: " + "; ".join(
                f"{link.name}: {_clause(link.detail)}" for link in upstream
            )
            text += "."
        later = [link for link in self.links[index + 1 :] if link.state != "ok"]
        if later:
            text += " Further down the chain: " + "; ".join(
                f"{link.name}{' (not verified)' if link.state == 'unknown' else ''}: "
                f"{_clause(link.detail)}"
                for link in later
            )
            text += "."
        return text

    def evidence(self) -> list[dict[str, str]]:
        """The path as JSON-able records, in chain order."""
        return [link.evidence() for link in self.links]


def _clause(text: str) -> str:
    return text.strip().rstrip(".")


def _sentence(text: str) -> str:
    text = _clause(text)
    return text[:1].upper() + text[1:] + "." if text else ""


# --- the shared links ----------------------------------------------------------------------


@dataclass(frozen=True)
class Upstream:
    """One candidate log group with the shared links judged for one detection."""

    group: DeliveryGroup
    links: tuple[Link, ...]
    """trail -> log group, recorded, delivered, log class."""

    def for_feature(self, feature: Feature) -> Upstream:
        """The same path with its log-class link judged for ``feature`` instead."""
        return Upstream(self.group, (*self.links[:-1], _class_link(self.group, feature)))


@dataclass(frozen=True)
class UpstreamScope:
    """Every candidate log group of an (account, region) for one detection."""

    scope: DetectionScope
    paths: list[Upstream] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    """Why some trail or log group could not be read (another path might exist)."""

    def trail_link(self) -> Link:
        """The first link when no delivery log group exists: broken, or unknown."""
        reasons = [*self.scope.broken, *self.scope.missing()]
        if reasons or not self.unknown:
            return broken(
                TRAIL,
                "the detection needs CloudTrail events in a CloudWatch Logs log group, but "
                + ("; ".join(reasons) or "no covering trail delivers to CloudWatch Logs"),
            )
        return unknown(TRAIL, "; ".join(self.unknown))


@dataclass(frozen=True)
class _Routes:
    """The feature-independent part of :class:`UpstreamScope`: trail, recorded, delivered."""

    scope: DetectionScope
    unknown: list[str]
    groups: list[tuple[DeliveryGroup, tuple[Link, Link, Link]]]


_ROUTES: Fact[_Routes] = Fact("detection routes")
_UPSTREAMS: Fact[UpstreamScope] = Fact("detection upstream links")
_COVERAGE: Fact[Coverage] = Fact("coverage for detections", size=256)


def upstream(ctx: RuleContext, samples: SampleEvents, feature: Feature) -> UpstreamScope:
    """The shared links for ``samples``' detection on each candidate log group.

    Memoised per (samples, snapshot, account, region, feature): an alarm asks again for the
    links of the metric filter it builds on; the trail, recorded and delivered links are
    computed once for every feature.
    """
    return ctx.memo.get(
        _UPSTREAMS,
        (samples, ctx.snapshot),
        lambda: _upstream(ctx, samples, feature),
        ctx.account_id,
        ctx.region,
        feature,
    )


def _upstream(ctx: RuleContext, samples: SampleEvents, feature: Feature) -> UpstreamScope:
    routes = ctx.memo.get(
        _ROUTES,
        (samples, ctx.snapshot),
        lambda: _judge_routes(ctx, samples),
        ctx.account_id,
        ctx.region,
    )
    result = UpstreamScope(routes.scope, unknown=list(routes.unknown))
    for group, links in routes.groups:
        result.paths.append(Upstream(group, (*links, _class_link(group, feature))))
    return result


def _judge_routes(ctx: RuleContext, samples: SampleEvents) -> _Routes:
    scope = cloudtrail_log_groups(ctx)
    judgeable = ctx.memo.get(
        _COVERAGE, (ctx.snapshot, ctx.account), lambda: coverage(ctx), ctx.region
    ).judgeable
    sets = [(s, probes(s, ctx, judgeable)) for s in samples.must_match]
    groups: list[tuple[DeliveryGroup, tuple[Link, Link, Link]]] = []
    for group in scope.readable:
        trail_ok = ok(
            TRAIL,
            f"trail {group.trail_names} delivers {ctx.account_id} {ctx.region} events to log "
            f"group {group.name} (account {group.account_id}, {group.region})",
        )
        recorded, delivered = _recorded_and_delivered(ctx, group, sets)
        groups.append((group, (trail_ok, recorded, delivered)))
    return _Routes(scope, list(scope.unknowns()), groups)


def _class_link(group: DeliveryGroup, feature: Feature) -> Link:
    cls = group.log_class
    answer = supports(cls, feature)
    if answer is True:
        return ok(LOG_CLASS, f"log group {group.name} is in the {cls or 'STANDARD'} class")
    text = why_unsupported(group.name, cls, feature)
    return broken(LOG_CLASS, text) if answer is False else unknown(LOG_CLASS, text)


@dataclass
class _SampleRoute:
    """How one must-match sample reaches (or fails to reach) a log group."""

    sample: SampleEvent
    probes: ProbeSet
    state: Literal["reached", "missing", "unread", "undelivered"] = "reached"
    reasons: list[str] = field(default_factory=list)


def _route(
    ctx: RuleContext,
    group: DeliveryGroup,
    health: Mapping[str, str | None],
    sample: SampleEvent,
    probe_set: ProbeSet,
) -> _SampleRoute:
    states: list[tuple[str, list[str]]] = []
    for probe in probe_set.probes:
        if not probe_set.need_all and states and states[-1][0] == "reached":
            break  # one record of the sample reaching the log group is enough
        recorders: list[Trail] = []
        unread: list[Trail] = []
        for trail in group.trails:
            verdict = records(trail, probe, ctx)
            if verdict is None:
                unread.append(trail)
            elif verdict:
                recorders.append(trail)
        if any(health[t.arn] is None for t in recorders):
            states.append(("reached", []))
        elif recorders:
            states.append(("undelivered", [str(health[t.arn]) for t in recorders]))
        elif unread:
            states.append(("unread", [unread_reason(t, probe) for t in unread]))
        else:
            states.append(("missing", [not_recorded_reason(t, probe, ctx) for t in group.trails]))
    kinds = [k for k, _ in states]
    if all(k == "reached" for k in kinds) if probe_set.need_all else "reached" in kinds:
        return _SampleRoute(sample, probe_set)
    # Report the blocker in chain order: a record that must be kept and is not comes first;
    # with one record enough, a recorded but undelivered one shows recording works.
    order = (
        ("missing", "unread", "undelivered")
        if probe_set.need_all
        else (
            "undelivered",
            "unread",
            "missing",
        )
    )
    for kind in order:
        found = [r for k, rs in states if k == kind for r in rs]
        if found:
            return _SampleRoute(sample, probe_set, kind, list(dict.fromkeys(found)))  # type: ignore[arg-type]
    return _SampleRoute(sample, probe_set, "missing", ["nothing stands for the sample"])


def _recorded_and_delivered(
    ctx: RuleContext, group: DeliveryGroup, sets: Sequence[tuple[SampleEvent, ProbeSet]]
) -> tuple[Link, Link]:
    health: dict[str, str | None] = {t.arn: delivery_problem(t, ctx) for t in group.trails}
    routes = [_route(ctx, group, health, sample, probe_set) for sample, probe_set in sets]
    return _recorded_link(group, routes), _delivered_link(group, routes, health)


def _labels(routes: Sequence[_SampleRoute]) -> str:
    return "; ".join(r.sample.described for r in routes)


def _recorded_link(group: DeliveryGroup, routes: Sequence[_SampleRoute]) -> Link:
    missing = [r for r in routes if r.state == "missing"]
    if missing:
        reasons = list(dict.fromkeys(m for r in missing for m in r.reasons))
        return broken(
            RECORDED,
            f"CloudTrail sends to log group {group.name} only the events trail "
            f"{group.trail_names} records, and it does not record {_labels(missing)}: "
            + "; ".join(reasons),
        )
    unread = [r for r in routes if r.state == "unread"]
    if unread:
        reasons = list(dict.fromkeys(m for r in unread for m in r.reasons))
        return unknown(
            RECORDED,
            f"whether trail {group.trail_names} records {_labels(unread)} is unknown: "
            + "; ".join(reasons),
        )
    origins = sorted({r.probes.origin for r in routes if r.probes.origin})
    where = f" (resources from {', '.join(origins)})" if origins else ""
    return ok(RECORDED, f"trail {group.trail_names} records every sample event{where}")


def _delivered_link(
    group: DeliveryGroup, routes: Sequence[_SampleRoute], health: Mapping[str, str | None]
) -> Link:
    reasons = list(dict.fromkeys(m for r in routes if r.state == "undelivered" for m in r.reasons))
    if not reasons and all(problem is not None for problem in health.values()):
        reasons = [str(p) for p in health.values()]
    if reasons:
        return broken(
            DELIVERED,
            f"the events do not reach log group {group.name}: " + "; ".join(reasons),
        )
    return ok(DELIVERED, f"trail {group.trail_names} delivers to log group {group.name}")


# --- deciding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A detection's own links on one log group (a filter, a rule, an alarm...)."""

    links: tuple[Link, ...]
    message: str
    """The PASS message, used when the whole path holds."""
    resource_arn: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)


def decide(
    up: UpstreamScope,
    candidates: Sequence[tuple[Upstream, Sequence[Candidate]]],
    what: str,
    *,
    fix: tuple[str, str] | None = None,
    unknown_extra: Sequence[str] = (),
    evidence: Mapping[str, Any] | None = None,
) -> Outcome:
    """One outcome for a detection from every path its candidates make.

    ``what`` names the detection for ERROR messages ("the metric filter"); ``fix`` is
    ``(link name, advice)``: the advice ends a FAIL message whose first broken link is that
    link; ``unknown_extra`` adds reasons the detection could not be
    judged that are not links (a join target that could not be read).
    """
    chains: list[tuple[Chain, Upstream, Candidate]] = []
    for path, cands in candidates:
        for cand in cands:
            chains.append((Chain((*path.links, *cand.links)), path, cand))
    base = dict(evidence or {})
    for chain, path, cand in chains:
        if chain.status is Status.PASS:
            return Outcome(
                Status.PASS,
                cand.message,
                cand.resource_arn or path.group.arn,
                {**base, **cand.evidence, "chain": chain.evidence()},
            )
    unverified = [c for c in chains if c[0].status is Status.ERROR]
    unknowns = [*up.unknown, *unknown_extra]
    if unverified or unknowns:
        reasons = [
            f"{link.name}: {_clause(link.detail)}"
            for chain, _, _ in unverified
            for link in chain.links
            if link.state == "unknown"
        ]
        reasons += unknowns
        text = f"Cannot verify {what}: " + "; ".join(dict.fromkeys(reasons)) + "."
        failing = [c for c in chains if c[0].status is Status.FAIL]
        furthest = max(failing, key=lambda c: c[0].reached) if failing else None
        if furthest is not None:
            text += " Otherwise: " + furthest[0].fail_message()
        pick = unverified[0] if unverified else furthest
        extra: dict[str, Any] = {"unknown": list(dict.fromkeys(reasons))}
        if pick is not None:
            extra.update({**pick[2].evidence, "chain": pick[0].evidence()})
        arn = pick[2].resource_arn or pick[1].group.arn if pick is not None else None
        return Outcome(Status.ERROR, text, arn, {**base, **extra})
    if not chains:
        link = up.trail_link()
        chain = Chain((link,))
        return Outcome(
            Status.FAIL,
            chain.fail_message(),
            None,
            {**base, "chain": chain.evidence(), "broken_link": link.name},
        )
    chain, path, cand = max(chains, key=lambda c: c[0].reached)
    text = chain.fail_message()
    elsewhere = [*up.scope.broken, *up.scope.missing()]
    if elsewhere:
        text += " Other trails: " + "; ".join(elsewhere) + "."
    first = chain.first_broken
    if fix and first is not None and first.name == fix[0]:
        text += " " + fix[1]
    return Outcome(
        Status.FAIL,
        text,
        cand.resource_arn or path.group.arn,
        {
            **base,
            **cand.evidence,
            "chain": chain.evidence(),
            "broken_link": first.name if first else None,
        },
    )
