"""Rule kind ``continuity``: a monitoring control family stayed on throughout the audit period.

A quarterly audit asks whether the controls worked *throughout the period*, not whether
they are on the morning of the scan. For one family of
:data:`aiposture.snapshot.history.FAMILIES` (its model in :data:`MODELS`), in one account and
region, the rule rebuilds each control's timeline from its present state and the family's
events in the event history (:mod:`aiposture.rules.support.timeline`) and judges the period
(:attr:`Snapshot.period <aiposture.snapshot.models.Snapshot.period>`):

- FAIL when a control was off or weakened for longer than ``continuity.tolerance_hours``
  (default 0) inside the period; the message names the interval in UTC, its length, and the
  events (with actor and source IP) that opened and closed it;
- PASS when every control was on all period, the history reaches the period's start, every
  event name of the family was read and every present state was read;
- ERROR when the history could not be read, does not reach the period's start (the message
  says how far it reaches), a name of the family could not be read, or a control's state
  cannot be decided, and no gap was found;
- NOT_APPLICABLE when the history was not read at all (``--no-history``: the snapshot has no
  period), the family's service is not offered in the region, or the region had no such
  control at any time in the period (the present-state checks judge its absence).

LookupEvents covers the account and region it is called in only: a control's history is
read where its changes are recorded (a trail's: its owner account, in its home region; for
an organization trail, the management account). When that account or region was not read
with history, the result is ERROR naming it.

The evidence (one result per check and account-region) is the contract the report and
``diff`` read (:mod:`aiposture.engine.continuity_evidence`)::

    {"period": {"start", "end", "label"},
     "history": {"start", "end", "oldest_available", "reaches_period_start", "read_in"},
     "tolerance_hours": float,
     "lane": [{"start", "end", "state"}],          # the family, merged: the worst state
     "controls": [{"control", "resource", "state_at_scan", "segments": [...],
                   "gaps": [...]}],                 # state_at_scan: on/off/weakened/unknown/absent
     "changes": [{"event_id", "event_name", "time", "actor_arn", "source_ip",
                  "resource", "error_code"}]}     # every event of the family in the period

An event that sets a control without saying what was there before (``PutMetricFilter``,
``PutDashboard``, ``PutMetricAlarm``... create *or* update; CloudTrail's record does not say
which) is never taken for an update on trust. An earlier change of the control in the
history decides the state before it. When it is the control's oldest change, the
resource's own creation time decides (DescribeMetricFilters, DescribeSubscriptionFilters
and DescribeLogGroups ``creationTime``; CloudWatch Logs API Reference, ``MetricFilter``:
"The creation time of the metric filter"): created more than
:data:`~aiposture.rules.continuity_controls.CREATION_SKEW` before the event, it existed
(on); created at the event or after, the event created it (off before it: a gap). Otherwise
the state before it is ``unknown`` and the result is ERROR, naming each such event in the
message and in the evidence (``ambiguous_puts``: the event's reference and the control). A
creation time that no event explains is a change of its own (off before it).

A past gap cannot be fixed: the fix plan never targets nor credits a continuity result
(:attr:`RuleKind.judges_past <aiposture.rules.base.RuleKind.judges_past>`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import field_validator

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error
from aiposture.rules.continuity_cloudwatch import Alarms, Dashboards, InsightRules
from aiposture.rules.continuity_controls import (
    CORROBORATION_WINDOW,
    CREATION_SKEW,
    Control,
    FamilyModel,
    Source,
    params,
)
from aiposture.rules.continuity_logs import (
    InvocationLogging,
    LogGroups,
    MetricFilters,
    SubscriptionFilters,
)
from aiposture.rules.continuity_services import GuardDuty, Notifications, TransactionSearch
from aiposture.rules.continuity_trails import TrailConfiguration, TrailLogging
from aiposture.rules.support.timeline import (
    Change,
    Lane,
    Segment,
    clip,
    event_ref,
    gaps,
    iso,
    rebuild,
)
from aiposture.snapshot.history import (
    FAMILIES,
    FAMILY_BY_KEY,
    LOOKUP_EVENTS_RETENTION,
    ControlFamily,
    EventHistory,
    HistoryEvent,
    Period,
)

MODELS: dict[str, FamilyModel] = {
    model.family.key: model
    for model in (
        TrailLogging(),
        TrailConfiguration(),
        InvocationLogging(),
        LogGroups(),
        MetricFilters(),
        SubscriptionFilters(),
        Alarms(),
        InsightRules(),
        Dashboards(),
        Notifications(),
        GuardDuty(),
        TransactionSearch(),
    )
}
"""The model of each control family, by family key (every family of ``FAMILIES``)."""

if set(MODELS) != {f.key for f in FAMILIES}:  # pragma: no cover - a programming error
    raise RuntimeError("every control family of aiposture.snapshot.history needs a model")


class ContinuityParams(Params):
    """Parameters of ``continuity``: the control family judged."""

    family: str
    """A key of :data:`aiposture.snapshot.history.FAMILIES` (``trail-logging``...)."""

    @field_validator("family")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in FAMILY_BY_KEY:
            raise ValueError(
                f"unknown control family '{value}' (known: {', '.join(FAMILY_BY_KEY)})"
            )
        return value


@dataclass
class _Read:
    """The history of one source, or why it is missing."""

    source: Source
    history: EventHistory | None
    why: str | None = None
    missing_names: list[str] = field(default_factory=list)


def _read_history(ctx: RuleContext, source: Source, family: ControlFamily, needs: str) -> _Read:
    """The event history of ``source`` in the snapshot, or the reason it cannot be judged.

    ``needs`` names what is recorded there when it is not the judged region's own history
    (an organization trail's owner account, a trail's home region).
    """
    acct = ctx.snapshot.account(source.account_id)
    if acct is None:
        return _Read(
            source,
            None,
            f"{needs}the history is in account {source.account_id}, which this scan did not "
            "read (LookupEvents covers its own account only): include that account (--org "
            "from the management account, --assume-role, or aiposture merge)",
        )
    reg = acct.regions.get(source.region)
    if reg is None:
        return _Read(
            source,
            None,
            f"{needs}the history is in {source.region} of account {source.account_id}, "
            "which this scan did not read",
        )
    hist = reg.event_history
    if hist is None:
        failed = [e for e in reg.errors if e.operation == "LookupEvents"]
        why = describe_error(failed[0]) if failed else "the event history was not read"
        return _Read(source, None, f"{needs}LookupEvents in {source}: {why}")
    missing = [n for n in family.event_names if n not in hist.names_read]
    out = _Read(source, hist, missing_names=missing)
    if missing:
        failed = [e for e in reg.errors if e.operation == "LookupEvents" and e.resource in missing]
        why = describe_error(failed[0]) if failed else "not read"
        out.why = f"{needs}LookupEvents in {source} did not read {', '.join(missing)}: {why}"
    return out


def _needs(ctx: RuleContext, source: Source, controls: list[Control]) -> str:
    """What ``source``'s history is needed for, when it is not the judged region's own."""
    if source == Source(ctx.account_id, ctx.region):
        return ""
    names = ", ".join(c.display for c in controls if c.source == source) or "its controls"
    return f"the changes of {names} are recorded in {source}; "


def _reaches(read: _Read, period: Period) -> bool:
    return read.history is not None and read.history.start <= period.start


def _history_evidence(reads: list[_Read], period: Period) -> dict[str, Any]:
    found = [r.history for r in reads if r.history is not None]
    where = [str(r.source) for r in reads]
    return {
        "start": iso(max(h.start for h in found)) if found else None,
        "end": iso(min(h.end for h in found)) if found else None,
        "oldest_available": iso(max(h.oldest_available for h in found)) if found else None,
        "reaches_period_start": bool(reads) and all(_reaches(r, period) for r in reads),
        "read_in": where[0] if len(where) == 1 else where,
    }


def _changes_of(
    ctx: RuleContext, model: FamilyModel, control: Control, events: list[HistoryEvent]
) -> list[Change]:
    """The control's changes: its successful events, and the status times no event marks."""
    out = [
        model.change(ctx, e, control.key)
        for e in events
        if e.succeeded and control.key in model.targets(e)
    ]
    for extra in control.extra:
        if not any(
            c.after == extra.after and abs(c.time - extra.time) <= CORROBORATION_WINDOW for c in out
        ):
            out.append(extra)
    if control.created_at is not None:
        out = _with_creation(out, control.created_at, control.created_by)
    return out


def _with_creation(changes: list[Change], created: datetime, read: str) -> list[Change]:
    """The changes told by the present resource's creation time: it did not exist before.

    The event that created it is the newest one leaving it on whose time is at most
    :data:`CREATION_SKEW` after the creation time and at most :data:`CORROBORATION_WINDOW`
    before it: the state before that event is off. Without such an event the creation is a
    change of its own (off before, on after), so a ``Put`` later than it has an on state
    before it, and the time before the creation is off.
    """
    made = [
        c
        for c in changes
        if c.after == "on"
        and c.time - CREATION_SKEW <= created <= c.time + CORROBORATION_WINDOW
        and c.before in (None, "off")
    ]
    if made:
        maker = max(made, key=lambda c: c.key)
        return [replace(c, before="off") if c is maker else c for c in changes]
    ref: dict[str, Any] = {
        "event_id": f"{read}:creationTime",
        "event_name": f"creation ({read} creationTime)",
        "time": iso(created),
        "actor_arn": None,
        "source_ip": None,
    }
    return [*changes, Change(created, ref["event_id"], "off", "on", ref)]


def _hours(value: float) -> str:
    if value >= 48:
        return f"{value / 24:.1f} days"
    if value >= 1:
        return f"{value:.1f} hours"
    return f"{value * 60:.0f} minutes"


def _when(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC"


def _by(ref: dict[str, Any], boundary: datetime) -> str:
    """``StopLogging by <actor> from <ip>``, with its time when it is not the gap's bound."""
    name = ref.get("event_name")
    when = "" if ref.get("time") == iso(boundary) else f" at {ref.get('time')}"
    if ref.get("actor_arn") is None and ":" in str(ref.get("event_id", "")):
        return f"{name}{when}"  # a read (GetTrailStatus times, a creation time), no event
    actor = ref.get("actor_arn") or "an unknown actor"
    ip = ref.get("source_ip")
    who = f"{actor} from {ip}" if ip else actor
    return f"{name} by {who}{when}"


def _describe_gap(control: Control, gap: Segment, period: Period) -> str:
    state = "off" if gap.state == "off" else "weakened"
    line = (
        f"{control.display} was {state} from {_when(gap.start)} to {_when(gap.end)} "
        f"({_hours(gap.hours)})"
    )
    if gap.opened_by is not None:
        line += f", opened by {_by(gap.opened_by.ref, gap.start)}"
    elif gap.start == period.start:
        line += ", already at the period's start"
    if gap.closed_by is not None:
        line += f", closed by {_by(gap.closed_by.ref, gap.end)}"
    elif gap.end == period.end:
        line += ", still at the period's end"
    return line


def _change_row(model: FamilyModel, event: HistoryEvent) -> dict[str, Any]:
    targets = model.targets(event)
    resource = targets[0] if targets and targets[0] else None
    if resource is None:
        found = params(event)
        for name in ("name", "trailName", "logGroupName", "alarmName", "topicArn", "detectorId"):
            if isinstance(found.get(name), str):
                resource = str(found[name])
                break
    return {**event_ref(event), "resource": resource, "error_code": event.error_code}


@dataclass
class _Judged:
    """One family in one account and region: its controls' timelines over the period."""

    family: ControlFamily
    period: Period
    where: str
    own: Source
    reads: dict[Source, _Read]
    events: dict[Source, list[HistoryEvent]]
    controls: dict[tuple[Source, str], Control]
    reasons: list[str]
    """Why the evidence is incomplete (each makes a PASS impossible)."""
    timelines: list[tuple[Control, list[Segment]]] = field(default_factory=list)
    ambiguous: list[tuple[Control, Change]] = field(default_factory=list)
    """The oldest changes that create *or* update, with nothing read to say which (see the
    module doc): the state before each is unknown."""


def _read_all(ctx: RuleContext, model: FamilyModel, period: Period) -> _Judged:
    """The family's controls at the scan, their histories, and the controls only history shows."""
    family = model.family
    present = model.present(ctx)
    controls = {(c.source, c.key): c for c in present.controls}
    sources = list(dict.fromkeys([*(c.source for c in present.controls), *model.sources(ctx)]))
    reads = {s: _read_history(ctx, s, family, _needs(ctx, s, present.controls)) for s in sources}
    events = {s: (r.history.of_family(family) if r.history else []) for s, r in reads.items()}
    for source in model.sources(ctx):
        for event in events[source]:
            if not event.succeeded:
                continue
            for key in model.targets(event):
                if (source, key) not in controls:
                    made = model.from_history(ctx, key, source)
                    if made is not None:
                        controls[(source, key)] = made
    reasons = list(present.unread)
    reasons.extend(_failed_reads(ctx, model, reasons))
    reasons.extend(r.why for r in reads.values() if r.why)
    for read in reads.values():
        if read.history is not None and not _reaches(read, period):
            reasons.append(
                f"the event history of {read.source} reaches back only to "
                f"{_when(read.history.start)} (LookupEvents keeps "
                f"{LOOKUP_EVENTS_RETENTION.days} days: the oldest available at the scan was "
                f"{_when(read.history.oldest_available)}), after the period's start "
                f"{_when(period.start)}"
            )
    where = f"account {ctx.account_id}, {ctx.region}"
    own = Source(ctx.account_id, ctx.region)
    return _Judged(family, period, where, own, reads, events, controls, reasons)


def _failed_reads(ctx: RuleContext, model: FamilyModel, told: list[str]) -> list[str]:
    """The failed reads the family's present state rests on that ``told`` does not name yet.

    A read lost anywhere in the account may hide a control (a DescribeTrails in another
    region hides the log groups its trails deliver to here), so the family can neither
    PASS nor be "nothing to judge"; the first three are named.
    """
    failed = [
        e
        for e in ctx.account.all_errors()
        if e.operation in model.reads
        and (e.region in (ctx.region, None) or e.operation == "DescribeTrails")
    ]
    out: list[str] = []
    for error in failed:
        why = describe_error(error)
        if why not in out and not any(why in reason for reason in told):
            out.append(why)
    if not out:
        return []
    more = f" and {len(out) - 3} more" if len(out) > 3 else ""
    return [f"a read the present state rests on failed: {'; '.join(out[:3])}{more}"]


def _rebuild_all(ctx: RuleContext, model: FamilyModel, judged: _Judged) -> None:
    """Each control's segments over the period (controls absent throughout are left out)."""
    period = judged.period
    for control in sorted(judged.controls.values(), key=lambda c: (c.display, str(c.source))):
        read = judged.reads[control.source]
        changes = _changes_of(ctx, model, control, judged.events[control.source])
        if control.present not in ("on", "unknown") and not any(
            c.time >= period.start for c in changes
        ):
            continue  # no such control during the period: the present-state check judges it
        moving = [c for c in changes if c.before is not None or c.after is not None]
        oldest = min(moving, key=lambda c: c.key, default=None)
        if oldest is not None and oldest.before is None and oldest.time > period.start:
            # sets the control without saying what was there, and nothing older tells
            changes = [replace(c, before="unknown") if c is oldest else c for c in changes]
            judged.ambiguous.append((control, oldest))
        known_from = read.history.start if read.history is not None else period.end
        segments = clip(rebuild(control.present, changes), period.start, period.end, known_from)
        if read.missing_names:
            # an unread name could have switched it: only a gap the read events show stands
            segments = [
                s if s.state != "on" else Segment(s.start, s.end, "unknown") for s in segments
            ]
        judged.timelines.append((control, segments))


def _evidence(model: FamilyModel, judged: _Judged, tolerance: float) -> dict[str, Any]:
    """The result's evidence, in the shape the report and ``diff`` read (module doc)."""
    period = judged.period
    lane = Lane(period.start, period.end, [segs for _, segs in judged.timelines]).merged()
    changes = [
        _change_row(model, e)
        for source, found in judged.events.items()
        for e in found
        if period.start <= e.event_time < period.end
        and (source == judged.own or _concerns(model, e, judged.controls, source))
    ]
    changes.sort(key=lambda row: (row["time"], row["event_id"]))
    evidence: dict[str, Any] = {
        "period": _period_evidence(period),
        "history": _history_evidence(list(judged.reads.values()), period),
        "tolerance_hours": tolerance,
        "lane": [s.as_evidence() for s in lane],
        "controls": [
            {
                "control": c.display,
                "resource": c.resource,
                "state_at_scan": c.present if c.exists else "absent",
                "segments": [s.as_evidence() for s in segs],
                "gaps": [g.as_gap() for g in gaps(segs)],
            }
            for c, segs in judged.timelines
        ],
        "changes": changes,
    }
    if judged.ambiguous:
        evidence["ambiguous_puts"] = [
            {**change.ref, "control": control.display} for control, change in judged.ambiguous
        ]
    return evidence


def _period_evidence(period: Period) -> dict[str, Any]:
    return {"start": iso(period.start), "end": iso(period.end), "label": period.label}


def _ambiguity(model: FamilyModel, found: list[tuple[Control, Change]]) -> str:
    """Why the state before each ambiguous ``Put`` is unknown: the first 3, then how many more."""
    lines = []
    for control, change in found[:3]:
        name = change.ref.get("event_name")
        actor = change.ref.get("actor_arn") or "an unknown actor"
        ip = change.ref.get("source_ip")
        at = f"{name} at {_when(change.time)} by {actor}" + (f" from {ip}" if ip else "")
        if model.creates:
            lines.append(
                f"cannot tell whether {control.display} existed before {at}: {name} creates "
                f"or updates, and nothing read shows {control.display} before it"
            )
        else:
            lines.append(
                f"cannot tell how {control.display} stood before {at}: {name} sets it "
                "whatever it was, and nothing read shows it before"
            )
    if len(found) > 3:
        lines.append(f"and {len(found) - 3} more (see ambiguous_puts in the evidence)")
    return (
        "; ".join(lines)
        + " (older CloudTrail log files, e.g. the trail's S3 bucket, may show what was there)"
    )


def _verdict(
    model: FamilyModel, judged: _Judged, tolerance: float, evidence: dict[str, Any]
) -> Outcome:
    """The status and message of one result.

    FAIL on a gap longer than the tolerance; else ERROR on incomplete evidence; else
    NOT_APPLICABLE without any control in the period; else PASS.
    """
    family, period, where = judged.family, judged.period, judged.where
    over = f" over {period.label}"
    too_long = [(c, g) for c, segs in judged.timelines for g in gaps(segs) if g.hours > tolerance]
    if too_long:
        too_long.sort(key=lambda cg: (cg[1].start, cg[0].display))
        first = _describe_gap(too_long[0][0], too_long[0][1], period)
        more = (
            f"; and {len(too_long) - 1} more gap(s) (see the evidence)" if len(too_long) > 1 else ""
        )
        allowed = f" (tolerance {tolerance:g} hours)" if tolerance else ""
        message = f"{family.title} in {where} had a gap{over}{allowed}: {first}{more}."
        return Outcome(Status.FAIL, message, evidence=evidence)
    reasons = list(judged.reasons)
    if judged.ambiguous:
        reasons.append(_ambiguity(model, judged.ambiguous))
    told = {id(c) for c, _ in judged.ambiguous}
    unknown = [
        c.display
        for c, segs in judged.timelines
        if id(c) not in told and any(s.state == "unknown" for s in segs)
    ]
    if unknown and not reasons:
        reasons.append(
            f"the history does not decide the state of {', '.join(unknown)} over part of the "
            "period (a change it shows does not explain the state after it, or says nothing "
            "of the state before it)"
        )
    if reasons:
        message = (
            f"Cannot verify the continuity of {family.title}{over} in {where}: "
            + "; ".join(reasons)
            + ". No gap was found in what was read."
        )
        return Outcome(Status.ERROR, message, evidence=evidence)
    if not judged.timelines:
        # read, and nothing to judge: the inventory's convention for an empty kind
        evidence.update(listed=True, count=0)
        message = (
            f"No {family.title} existed in {where} during {period.label}: there is no "
            "continuity to judge (the present-state checks judge its absence)."
        )
        return Outcome(Status.NOT_APPLICABLE, message, evidence=evidence)
    tolerated = sum(len(gaps(segs)) for _, segs in judged.timelines)
    notes = f"; {tolerated} gap(s) within the tolerance of {tolerance:g} hours" if tolerated else ""
    shown = judged.timelines[:3]
    names = ", ".join(c.display for c, _ in shown)
    if len(judged.timelines) > len(shown):
        names += f" and {len(judged.timelines) - len(shown)} more"
    message = f"{family.title} in {where} stayed on throughout {period.label} ({names}){notes}."
    return Outcome(Status.PASS, message, evidence=evidence)


def continuity(p: ContinuityParams, ctx: RuleContext) -> list[Outcome]:
    """Judge one control family's continuity over the period in one account and region."""
    family = FAMILY_BY_KEY[p.family]
    model = MODELS[p.family]
    period = ctx.snapshot.period
    if period is None:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"Continuity of {family.title} in account {ctx.account_id}, {ctx.region} is "
                "not judged: the event history was not read (--no-history).",
            )
        ]
    not_offered = model.not_applicable(ctx)
    if not_offered is not None:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"Continuity of {family.title} does not apply in {ctx.region}: {not_offered}.",
                evidence={"period": _period_evidence(period)},
            )
        ]
    tolerance = ctx.config.continuity.tolerance_hours
    judged = _read_all(ctx, model, period)
    _rebuild_all(ctx, model, judged)
    return [_verdict(model, judged, tolerance, _evidence(model, judged, tolerance))]


def _concerns(
    model: FamilyModel,
    event: HistoryEvent,
    controls: dict[tuple[Source, str], Control],
    source: Source,
) -> bool:
    """Whether ``event`` (recorded in ``source``) moves one of the judged controls."""
    return any((source, key) in controls for key in model.targets(event))


CONTINUITY = RuleKind(
    "continuity",
    continuity,
    ContinuityParams,
    "account_region",
    "A monitoring control family stayed on throughout the audit period (from the event history).",
    results="region",
    judges_past=True,
)
