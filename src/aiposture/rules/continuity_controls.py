"""What the continuity rules know of each control family: its controls and how events move them.

A :class:`FamilyModel` says, for one family of :data:`aiposture.snapshot.history.FAMILIES`:

- which controls the (account, region) has at the scan, and in which state
  (:meth:`FamilyModel.present`), and where each control's history is recorded (the
  account's own history in the region, or, for a trail, its owner's history in its home
  region: LookupEvents covers its own account and region only);
- which controls an event concerns (:meth:`FamilyModel.targets`): the resource names in its
  ``requestParameters`` (and ``responseElements`` where AWS gives the id only there);
- what a successful event does to a control (:meth:`FamilyModel.effect`): the state it
  implies before it and the state it leaves (:class:`~aiposture.rules.support.timeline.Change`);
- which control a name seen only in the history stands for (:meth:`FamilyModel.from_history`):
  a deleted control, or ``None`` for a resource that is no monitoring control (an
  application's log group).

The request parameter names are those CloudTrail records for each API: the API's members
in lower camel case (CloudTrail User Guide, "CloudTrail record contents":
``requestParameters`` "the parameters, if any, that were sent with the request"), e.g.
``StopLogging`` ``{"name": ...}``, ``DisableAlarmActions`` ``{"alarmNames": [...]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiposture.rules.base import RuleContext
from aiposture.rules.support.timeline import GAP_STATES, Change, State, event_ref
from aiposture.snapshot.history import ControlFamily, HistoryEvent

CORROBORATION_WINDOW = timedelta(minutes=5)
"""How close an event must be to a status read's time (GetTrailStatus ``StartLoggingTime``)
to be the same change."""

CREATION_SKEW = timedelta(minutes=1)
"""How much earlier than an event a resource's creation time may be and still be that
event's doing: a creation time earlier than a ``Put`` by more than this shows the resource
existed before the ``Put`` (the service's clock and CloudTrail's ``eventTime``, kept to the
second, need not agree to the millisecond)."""


@dataclass(frozen=True)
class Source:
    """Where a control's events are recorded: an account's history in one region."""

    account_id: str
    region: str

    def __str__(self) -> str:
        return f"{self.account_id}/{self.region}"


@dataclass
class Control:
    """One monitoring control judged over the period."""

    key: str
    """How events name it (a trail's name, an alarm's name, ``log-group|filter``...)."""
    display: str
    """How messages and the report name it (``trail ops-trail``)."""
    resource: str
    """Its ARN where known, else its name."""
    present: State
    """Its state at the scan: ``off`` when it no longer exists, ``unknown`` when not read."""
    source: Source
    exists: bool = True
    """Whether it exists at the scan (False: seen only in the history)."""
    extra: list[Change] = field(default_factory=list)
    """Changes known from the present state's own reads (GetTrailStatus start/stop times).
    One that an event of the history already marks (the same state set within
    :data:`CORROBORATION_WINDOW`) is dropped by the rule."""
    created_at: datetime | None = None
    """When the present resource was created, as its own read says (DescribeMetricFilters,
    DescribeSubscriptionFilters and DescribeLogGroups ``creationTime``): it did not exist
    before. ``None``: not known."""
    created_by: str = ""
    """The read that told :attr:`created_at` (``DescribeMetricFilters``)."""


@dataclass
class Present:
    """A family's controls at the scan in one (account, region)."""

    controls: list[Control] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    """Why some present state is unknown (a failed read): never a PASS."""


class FamilyModel:
    """How one control family is read from the snapshot and moved by events.

    Subclasses override :meth:`present`, :meth:`targets` and :meth:`effect`; the defaults
    judge one control per region keyed ``""``.
    """

    family: ControlFamily
    reads: tuple[str, ...] = ()
    """The collector operations the present state rests on. A failure of any of them in
    the account (in this region, or in no region) leaves controls possibly unseen: the
    result can then never PASS nor be "nothing to judge" (a lost DescribeTrails hides the
    delivery log groups, a lost GetDetector the detector)."""
    creates: bool = True
    """Whether the family's ``Put`` events create *or* update a resource (a filter, an
    alarm); False when they set a configuration that always exists (invocation logging,
    a detector's state, a trail's selectors), whatever it was before."""

    def present(self, ctx: RuleContext) -> Present:
        """The family's controls in ``ctx``'s account and region at the scan."""
        raise NotImplementedError

    def targets(self, event: HistoryEvent) -> list[str]:
        """The keys of the controls ``event`` concerns."""
        return [""]

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """``(before, after)``: what a successful ``event`` implies and leaves for ``key``.

        ``None`` on a side: the event does not say (see :func:`~aiposture.rules.support.timeline.rebuild`).
        """
        raise NotImplementedError

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """The control a key seen only in the history stands for: absent at the scan (off).

        ``None`` when the key names no monitoring control of this family.
        """
        return Control(key, key, key, "off", source, exists=False)

    def not_applicable(self, ctx: RuleContext) -> str | None:
        """Why the family does not apply in ``ctx``'s region (its service is not offered)."""
        return not_offered(ctx, self.family)

    def sources(self, ctx: RuleContext) -> list[Source]:
        """Where to look for controls seen only in the history: the account's own region."""
        return [Source(ctx.account_id, ctx.region)]

    def change(self, ctx: RuleContext, event: HistoryEvent, key: str) -> Change:
        """The :class:`Change` a successful ``event`` makes to control ``key``.

        An event that opens a gap (leaves the control off or weakened) without saying what
        was there before changed *something*: what was there is ``unknown`` unless an
        earlier change says. One that leaves the control on without saying (a ``Put`` that
        creates or updates: CloudTrail's record does not tell which) leaves the state before
        it to an earlier change; when it is the control's oldest, the rule looks for the
        resource's creation time, else the state before it is ``unknown`` (never assumed on).
        """
        before, after = self.effect(ctx, event, key)
        if before is None and after in GAP_STATES:
            before = "unknown"
        return Change(event.event_time, event.event_id, before, after, event_ref(event))


def millis_time(value: Any) -> datetime | None:
    """A CloudWatch Logs ``creationTime`` (milliseconds after the epoch) as a UTC datetime."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def params(event: HistoryEvent) -> Mapping[str, Any]:
    """The event's ``requestParameters`` (empty when CloudTrail recorded none)."""
    return event.request_parameters or {}


def response(event: HistoryEvent) -> Mapping[str, Any]:
    """The event's ``responseElements`` (empty when CloudTrail recorded none)."""
    return event.response_elements or {}


def text_param(event: HistoryEvent, *names: str) -> str | None:
    """The first of ``names`` in the request parameters that holds a non-empty string."""
    found = params(event)
    for name in names:
        value = found.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def list_param(event: HistoryEvent, name: str) -> list[str]:
    """A request parameter holding a list of names (``alarmNames``), as strings."""
    value = params(event).get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int) and str(v)]
    return []


def bool_param(event: HistoryEvent, name: str) -> bool | None:
    """A boolean request parameter (CloudTrail may record it as a string)."""
    value = params(event).get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


def not_offered(ctx: RuleContext, family: ControlFamily) -> str | None:
    """Why the family's service is not offered in ``ctx``'s region (botocore endpoint data)."""
    reg = ctx.region_snapshot
    if reg is None:
        return None
    service = family.event_source.split(".", 1)[0]
    return reg.services_not_offered.get(service)
