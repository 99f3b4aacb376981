"""Rebuilding one monitoring control's timeline from its present state and its event history.

The snapshot says how a control stands at the scan (a trail logging, an alarm's actions
enabled); LookupEvents says what changed it over the period. The timeline is rebuilt
*backwards*: the interval after the newest change holds the present state, and each
change, walked from the newest to the oldest, says what it left behind it (``after``) and
what it implies was there before it (``before``):

- ``StopLogging`` leaves the trail off and implies it was on; ``StartLogging`` the
  reverse; ``CreateTrail`` implies the trail did not exist (off) before it, so a control
  created mid-period is off before its creation; ``DeleteTrail`` leaves it off, and a
  control deleted and never re-created is off after its deletion (its present state is
  "absent");
- a change that sets the control without saying what was there (``PutMetricFilter``
  creates *or* updates) leaves the state before it to an older change (a
  ``DeleteMetricFilter`` before it makes the interval between them off); when it is the
  oldest, :mod:`aiposture.rules.continuity` decides its ``before`` (``unknown``, or from the
  resource's creation time) so nothing is assumed on; one that opens a
  gap without saying (``DeleteAlarms``) implies the control existed, in a state only an
  older change can tell; a change that says nothing either way (a retention update) is no
  point of the timeline;
- a failed call (an ``errorCode``, e.g. ``AccessDenied``) changed nothing and is never a
  change here (the evidence lists it as an attempt).

Each interval between two changes is judged from both sides: the state the change on its
left leaves, and the state the change on its right implies (or, after the newest change,
the present state). When both sides speak and disagree, something changed the control that
the history does not show: the interval is ``unknown``, never guessed, so an inconsistent
history can never pass. An interval before the history reaches (LookupEvents keeps 90 days)
is ``unknown`` too.

Changes at the same instant are ordered by ``(time, event id)``: of a ``StopLogging`` and a
``StartLogging`` at one instant, the one with the greater event id is the later, and its
``after`` is the state from that instant on (the interval between them is empty and is no
gap).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any, Literal

from aiposture.snapshot.history import HistoryEvent

State = Literal["on", "off", "weakened", "unknown"]
"""A control's state over an interval: ``off`` and ``weakened`` are gaps; ``unknown``
is an interval the evidence cannot decide (never a PASS)."""

GAP_STATES: frozenset[State] = frozenset({"off", "weakened"})
"""The states that make a gap."""

_SEVERITY: dict[State, int] = {"on": 0, "unknown": 1, "weakened": 2, "off": 3}
"""How bad a state is, for merging controls into one lane (the worst wins)."""


def iso(value: datetime) -> str:
    """``value`` as the evidence writes times: ISO 8601 in UTC."""
    return value.isoformat()


def event_ref(event: HistoryEvent) -> dict[str, Any]:
    """The evidence's reference to an event: id, name, time, actor and source IP."""
    return {
        "event_id": event.event_id,
        "event_name": event.event_name,
        "time": iso(event.event_time),
        "actor_arn": event.actor_arn,
        "source_ip": event.source_ip,
    }


@dataclass(frozen=True)
class Change:
    """One point where a control's state may change: an event, or a corroborating read."""

    time: datetime
    order: str
    """The tie-breaker at one instant: the event id (or the corroborating read's name)."""
    before: State | None
    """The state the change implies was there before it; ``None``: it does not say."""
    after: State | None
    """The state the change leaves; ``None``: it does not say (the state carries through)."""
    ref: dict[str, Any]
    """The evidence's reference to it (:func:`event_ref`)."""

    @property
    def key(self) -> tuple[datetime, str]:
        """The order of changes: by time, then by event id."""
        return (self.time, self.order)


@dataclass(frozen=True)
class Interval:
    """A stretch of a control's timeline, with the changes that open and close it."""

    start: datetime | None
    """``None``: from before anything the history shows."""
    end: datetime | None
    """``None``: up to the scan (the present)."""
    state: State
    opened_by: Change | None = None
    closed_by: Change | None = None


@dataclass(frozen=True)
class Segment:
    """An interval clipped to the period, as the evidence writes it."""

    start: datetime
    end: datetime
    state: State
    opened_by: Change | None = None
    closed_by: Change | None = None

    @property
    def hours(self) -> float:
        """The segment's length in hours."""
        return (self.end - self.start).total_seconds() / 3600

    def as_evidence(self) -> dict[str, Any]:
        """``{"start", "end", "state"}``."""
        return {"start": iso(self.start), "end": iso(self.end), "state": self.state}

    def as_gap(self) -> dict[str, Any]:
        """``{"start", "end", "hours", "state", "opened_by", "closed_by"}``."""
        return {
            **self.as_evidence(),
            "hours": round(self.hours, 3),
            "opened_by": self.opened_by.ref if self.opened_by else None,
            "closed_by": self.closed_by.ref if self.closed_by else None,
        }


def _combine(left: State | None, right: State, firm: bool) -> State:
    """The state of an interval told by the change on its left and the one on its right.

    ``firm`` is False when the right side only carried its state through a change that
    sets the control without saying what was there before (a ``PutMetricFilter`` creates or
    updates): the left side then decides.
    """
    if left is None:
        return right
    if right == "unknown" or right == left or not firm:
        return left
    return "unknown"


def rebuild(present: State, changes: Iterable[Change]) -> list[Interval]:
    """The control's intervals from the oldest change to the present, oldest first.

    ``present`` is the state at the scan (``off`` for a control that no longer exists,
    ``unknown`` when it was not read). The result covers all time: the first interval has
    no start, the last no end. Empty intervals (two changes at one instant) are dropped.

    Walking back, the state right of each interval is the state the change closing it
    implies (``before``); a change that sets the control (``after``) without saying what was
    there carries the later interval's state back through it only as a default (the left
    side wins). A change that says nothing on either side (a retention update) is no point
    of the timeline at all.
    """
    ordered = sorted(
        (c for c in changes if c.before is not None or c.after is not None), key=lambda c: c.key
    )
    count = len(ordered)
    states: list[State] = ["unknown"] * (count + 1)
    right: State = present
    firm = True
    for i in range(count, -1, -1):
        left = ordered[i - 1].after if i > 0 else None
        states[i] = _combine(left, right, firm)
        if i > 0:
            closing = ordered[i - 1]
            if closing.before is not None:
                right, firm = closing.before, True
            else:
                right, firm = states[i], False
    out: list[Interval] = []
    for i, state in enumerate(states):
        start = ordered[i - 1] if i > 0 else None
        end = ordered[i] if i < count else None
        if start is not None and end is not None and start.time == end.time:
            continue
        out.append(
            Interval(start.time if start else None, end.time if end else None, state, start, end)
        )
    return _merged(out)


def _merged(intervals: Sequence[Interval]) -> list[Interval]:
    """Adjacent intervals of one state joined (the first opener, the last closer kept)."""
    out: list[Interval] = []
    for interval in intervals:
        if out and out[-1].state == interval.state:
            last = out[-1]
            out[-1] = Interval(
                last.start, interval.end, last.state, last.opened_by, interval.closed_by
            )
        else:
            out.append(interval)
    return out


def clip(
    intervals: Sequence[Interval], start: datetime, end: datetime, known_from: datetime
) -> list[Segment]:
    """The intervals within ``[start, end)``, covering it exactly.

    Before ``known_from`` (where the history starts) nothing is known: that part is
    ``unknown`` whatever the walk back carried into it.
    """
    out: list[Segment] = []
    for interval in intervals:
        lo = max(interval.start or start, start)
        hi = min(interval.end or end, end)
        if lo >= hi:
            continue
        if lo < known_from:
            cut = min(hi, known_from)
            out.append(Segment(lo, cut, "unknown"))
            lo = cut
            if lo >= hi:
                continue
            opened = None
        else:
            opened = interval.opened_by
        out.append(Segment(lo, hi, interval.state, opened, interval.closed_by))
    return _joined(out)


def _joined(segments: Sequence[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        if out and out[-1].state == seg.state and out[-1].end == seg.start:
            last = out[-1]
            out[-1] = Segment(last.start, seg.end, last.state, last.opened_by, seg.closed_by)
        else:
            out.append(seg)
    return out


def gaps(segments: Iterable[Segment]) -> list[Segment]:
    """The segments in which the control was off or weakened."""
    return [s for s in segments if s.state in GAP_STATES]


@dataclass
class Lane:
    """Several controls' segments merged into one: at each instant, the worst state."""

    start: datetime
    end: datetime
    segments: list[list[Segment]] = field(default_factory=list)

    def merged(self) -> list[Segment]:
        """The worst state of any control at each instant, covering ``[start, end)``.

        With no control at all the lane is ``unknown`` throughout.
        """
        cuts = {self.start, self.end}
        for segs in self.segments:
            for seg in segs:
                cuts.update((seg.start, seg.end))
        points = sorted(c for c in cuts if self.start <= c <= self.end)
        out: list[Segment] = []
        for lo, hi in pairwise(points):
            worst: State = "on" if self.segments else "unknown"
            for segs in self.segments:
                state = _state_at(segs, lo)
                if _SEVERITY[state] > _SEVERITY[worst]:
                    worst = state
            out.append(Segment(lo, hi, worst))
        return _joined(out)


def _state_at(segments: Sequence[Segment], instant: datetime) -> State:
    for seg in segments:
        if seg.start <= instant < seg.end:
            return seg.state
    return "unknown"
