"""Event history: the monitoring changes of the audit period, read with CloudTrail LookupEvents.

For each account and region the collector asks LookupEvents once per event name of
:data:`~aiposture.snapshot.history.EVENT_NAMES` (``LookupAttributes=[{"AttributeKey":
"EventName", ...}]``: the API takes one attribute per request), over one window
(``StartTime`` = the period's start, or the oldest instant LookupEvents keeps;
``EndTime`` = the scan's clock), ``MaxResults=50``, following ``NextToken`` to the last
page. The answers become an :class:`~aiposture.snapshot.history.EventHistory` on the
region's snapshot; a name whose pages could not all be read is left out of
``names_read``, its partial events are dropped, and its failure is a ``LookupEvents``
:class:`~aiposture.snapshot.models.CallError` with the event name as ``resource``.

What the API promises, and this module relies on (CloudTrail API Reference, LookupEvents,
and the botocore ``cloudtrail`` 2013-11-01 model):

- "You can look up events that occurred in a Region within the last 90 days"
  (:data:`~aiposture.snapshot.history.LOOKUP_EVENTS_RETENTION`);
- ``StartTime``: "only events that occur after or at the specified time"; ``EndTime``:
  "before or at" (both ends are inclusive);
- ``MaxResults``: "Possible values are 1 through 50"; ``NextToken``: "If the token does not
  appear, there are no more results to return";
- "The events list is sorted by time. The most recent event is listed first";
- "The rate of lookup requests is limited to two per second, per account, per Region. If
  this limit is exceeded, a throttling error occurs."

So each account-region has its own :class:`Pacer`, and a :class:`RegionHistoryReader` is
read in *steps* (:meth:`RegionHistoryReader.step`): a step makes the calls the pacer allows
now and returns, saying when the next one is allowed; the scheduler
(:mod:`aiposture.collect.scheduler`) queues it again for then, so no worker ever sleeps to
respect the rate. A throttling answer that still happens (another client of the same
account) is retried by botocore's standard retry mode like any throttled read.

IAM allows or denies ``cloudtrail:LookupEvents`` as a whole, so the first name it refuses
ends the account-region's reading: every name left is recorded as refused too (not asked).

An answer that is not what LookupEvents returns (no ``Events`` list, more events than
asked for, an event of another name or outside the window, an event without its id,
time or ``CloudTrailEvent`` JSON, or a ``NextToken`` the collector was already given,
which would loop for ever) is :class:`~aiposture.collect.responses.MalformedResponse`:
that name is not read, never read as "no change".
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from aiposture.collect.cloudtrail import parse_time
from aiposture.collect.recorder import record_call
from aiposture.collect.responses import MalformedResponse
from aiposture.documents import lone_surrogate
from aiposture.errors import ConfigError
from aiposture.iam.actions import is_access_denied
from aiposture.snapshot.history import (
    DEFAULT_SINCE,
    EVENT_NAMES,
    LOOKUP_EVENTS_PAGE_SIZE,
    LOOKUP_EVENTS_PER_SECOND,
    LOOKUP_EVENTS_RETENTION,
    EventHistory,
    HistoryEvent,
    Period,
    as_utc,
    family_of,
    parse_period,
    parse_since,
)
from aiposture.snapshot.models import CallError

SERVICE = "cloudtrail"
"""The botocore service LookupEvents belongs to."""
OPERATION = "LookupEvents"
"""The one operation this module sends."""

MAX_LOOKUP_EVENTS_PER_SECOND = 10_000.0
"""The highest pace ``--lookup-events-per-second`` accepts (a test endpoint's; AWS allows 2)."""

MAX_CALLS_PER_STEP = 8
"""The most calls one step makes before it gives its worker back, even when the pace
allows more (a fast endpoint): the account-regions then take turns on the workers."""

Clock = Callable[[], float]
"""A monotonic clock in seconds (:func:`time.monotonic`; tests pass their own)."""


# --------------------------------------------------------------------------- the period


@dataclass(frozen=True)
class PeriodRequest:
    """A period as the user asked for it, resolved against the scan's clock when it starts.

    ``flag`` is ``since`` (``90d`` or a date: until the scan) or ``period`` (``FIRST..LAST``,
    both days included). :meth:`resolve` is called once with the scan's start, so the period
    of a ``--since 90d`` scan ends exactly where its event history does.
    """

    flag: Literal["since", "period"]
    text: str

    def resolve(self, now: datetime) -> Period:
        """The period at ``now`` (raises :class:`~aiposture.errors.ConfigError`, one line)."""
        if self.flag == "since":
            return parse_since(self.text, now=now)
        return parse_period(self.text, now=now)


DEFAULT_PERIOD = PeriodRequest("since", DEFAULT_SINCE)
"""The period a scan with history reads unless told otherwise: the last 90 days."""


def period_request(since: str | None, period: str | None, *, now: datetime) -> PeriodRequest:
    """The request of ``--since`` / ``--period`` (at most one), checked against ``now``.

    Both given, or a value that does not parse, raise
    :class:`~aiposture.errors.ConfigError` with one line (exit 2), before anything is read.
    """
    if since is not None and period is not None:
        raise ConfigError("give --since or --period, not both")
    request = (
        PeriodRequest("period", period)
        if period is not None
        else PeriodRequest("since", since)
        if since is not None
        else DEFAULT_PERIOD
    )
    request.resolve(now)  # a bad value fails now, with its one-line message
    return request


def check_rate(per_second: float) -> float:
    """``per_second`` if it is a usable LookupEvents pace, else a one-line ConfigError."""
    if not (isinstance(per_second, int | float) and math.isfinite(per_second)):
        raise ConfigError(f"--lookup-events-per-second {per_second!r} is not a number")
    if not 0 < per_second <= MAX_LOOKUP_EVENTS_PER_SECOND:
        raise ConfigError(
            f"--lookup-events-per-second {per_second:g} must be above 0 and at most "
            f"{MAX_LOOKUP_EVENTS_PER_SECOND:g} (AWS allows {LOOKUP_EVENTS_PER_SECOND:g})"
        )
    return float(per_second)


@dataclass(frozen=True)
class HistoryWindow:
    """The ``StartTime``..``EndTime`` every LookupEvents call of a scan asks for."""

    start: datetime
    end: datetime
    oldest_available: datetime
    """``end`` minus the 90 days LookupEvents keeps."""


@dataclass(frozen=True)
class HistoryPlan:
    """What a scan reads of each account-region's history, and how fast.

    ``end`` is the scan's clock: a new scan's start (the instant its ``--since`` period
    ends at), or, for a resumed one, the resumed run's start, since the accounts it reads
    are read then and their present state must be reached from the events that lead to it.
    ``per_second`` is the pace of LookupEvents per account-region.
    """

    period: Period
    end: datetime
    per_second: float = LOOKUP_EVENTS_PER_SECOND

    def __post_init__(self) -> None:
        check_rate(self.per_second)

    @property
    def window(self) -> HistoryWindow:
        """The window asked for: from the period's start (or the oldest instant kept)."""
        end = as_utc(self.end)
        oldest = end - LOOKUP_EVENTS_RETENTION
        start = min(max(self.period.start, oldest), end)
        return HistoryWindow(start=start, end=end, oldest_available=oldest)


# --------------------------------------------------------------------------- pacing


class Pacer:
    """Spaces one account-region's LookupEvents calls ``1 / per_second`` apart.

    A call may start at :meth:`ready_at` or later; :meth:`spend` records one started now.
    The first call may start at once. Spacing by the start of each call keeps the calls the
    service sees at the documented rate whatever their latency.
    """

    def __init__(self, per_second: float, clock: Clock = time.monotonic) -> None:
        self.interval = 1.0 / check_rate(per_second)
        """Seconds between the starts of two calls."""
        self._clock = clock
        self._next = -math.inf

    def ready_at(self) -> float:
        """The clock time from which the next call is allowed."""
        return self._next

    def ready(self) -> bool:
        """Whether a call is allowed now."""
        return self._clock() >= self._next

    def spend(self) -> None:
        """Record one call started now: the next one waits ``interval``."""
        self._next = max(self._next, self._clock()) + self.interval


# --------------------------------------------------------------------------- one page


def _malformed(reason: str) -> MalformedResponse:
    return MalformedResponse(service=SERVICE, operation=OPERATION, reason=reason)


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def _mapping(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def parse_event(entry: Any, name: str, window: HistoryWindow) -> HistoryEvent:
    """One LookupEvents entry of a call for ``name`` (raises MalformedResponse if it is not one).

    The actor, source IP, user agent, error code and request/response come from the
    ``CloudTrailEvent`` JSON string (the CloudTrail record: ``userIdentity.arn``,
    ``userIdentity.type``, ``sourceIPAddress``, ``userAgent``, ``errorCode``,
    ``requestParameters``, ``responseElements``).
    """
    if not isinstance(entry, Mapping):
        raise _malformed(f"an event of {name} is not an object")
    event_id = _text(entry.get("EventId"))
    if event_id is None:
        raise _malformed(f"an event of {name} has no EventId")
    if entry.get("EventName") != name:
        raise _malformed(
            f"asked for {name}, the answer holds event {event_id} of {entry.get('EventName')!r}"
        )
    try:
        when = parse_time(entry.get("EventTime"))
    except (TypeError, ValueError):
        when = None
    if when is None:
        raise _malformed(f"event {event_id} of {name} has no EventTime")
    if not window.start <= when <= window.end:
        raise _malformed(
            f"event {event_id} of {name} at {when.isoformat()} is outside the window asked "
            f"for ({window.start.isoformat()}..{window.end.isoformat()})"
        )
    record = _record(entry.get("CloudTrailEvent"), event_id, name)
    identity = _mapping(record.get("userIdentity")) or {}
    family = family_of(name)
    source = (
        _text(entry.get("EventSource"))
        or _text(record.get("eventSource"))
        or (family.event_source if family is not None else "")
    )
    resources = [dict(r) for r in entry.get("Resources") or [] if isinstance(r, Mapping)]
    return HistoryEvent(
        event_id=event_id,
        event_name=name,
        event_source=source,
        event_time=when,
        username=_text(entry.get("Username")),
        actor_arn=_text(identity.get("arn")),
        actor_type=_text(identity.get("type")),
        source_ip=_text(record.get("sourceIPAddress")),
        user_agent=_text(record.get("userAgent")),
        error_code=_text(record.get("errorCode")),
        request_parameters=_mapping(record.get("requestParameters")),
        response_elements=_mapping(record.get("responseElements")),
        resources=resources,
    )


def _record(raw: Any, event_id: str, name: str) -> dict[str, Any]:
    """The ``CloudTrailEvent`` JSON of one event, parsed (MalformedResponse if it is not)."""
    if not isinstance(raw, str) or not raw:
        raise _malformed(f"event {event_id} of {name} has no CloudTrailEvent")
    try:
        record = json.loads(raw)
    except ValueError:
        raise _malformed(f"the CloudTrailEvent of event {event_id} ({name}) is not JSON") from None
    if not isinstance(record, dict):
        raise _malformed(f"the CloudTrailEvent of event {event_id} ({name}) is not an object")
    where = lone_surrogate(record)
    if where is not None:
        raise _malformed(
            f"the CloudTrailEvent of event {event_id} ({name}) holds a lone UTF-16 surrogate "
            f"at {where}, which is not Unicode text"
        )
    return record


@dataclass(frozen=True)
class Page:
    """One LookupEvents answer: its events (newest first) and the next page's token."""

    events: list[HistoryEvent]
    next_token: str | None


def lookup_page(client: Any, name: str, window: HistoryWindow, token: str | None) -> Page:
    """Ask LookupEvents for one page of ``name``'s events in ``window`` (raises on failure)."""
    params: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}],
        "StartTime": window.start,
        "EndTime": window.end,
        "MaxResults": LOOKUP_EVENTS_PAGE_SIZE,
    }
    if token is not None:
        params["NextToken"] = token
    resp = client.lookup_events(**params)
    entries = resp.get("Events")
    if not isinstance(entries, list):
        raise _malformed("the answer lacks Events, which it always carries")
    if len(entries) > LOOKUP_EVENTS_PAGE_SIZE:
        raise _malformed(
            f"{len(entries)} events in one page of {name}; MaxResults was {LOOKUP_EVENTS_PAGE_SIZE}"
        )
    next_token = resp.get("NextToken")
    if next_token is not None and not isinstance(next_token, str):
        raise _malformed(f"the NextToken of {name} is not a string")
    return Page([parse_event(e, name, window) for e in entries], next_token or None)


# --------------------------------------------------------------------------- one account-region


@dataclass
class _Cursor:
    """Where the reading of one event name stands."""

    name: str
    token: str | None = None
    seen: set[str] = field(default_factory=set)
    """Every NextToken followed so far (the current one included)."""
    events: dict[str, HistoryEvent] = field(default_factory=dict)


def _follow(cursor: _Cursor, page: Page) -> Page:
    """``page`` of ``cursor``'s name, refused when its NextToken was already followed."""
    if page.next_token is not None and page.next_token in cursor.seen:
        raise _malformed(
            f"page {len(cursor.seen) + 1} of {cursor.name} returned a NextToken already "
            "followed (the pages would loop for ever)"
        )
    return page


class RegionHistoryReader:
    """Reads one account-region's event history, a few calls at a time.

    :meth:`step` makes the calls the :class:`Pacer` allows now (at most
    :data:`MAX_CALLS_PER_STEP`); :attr:`done` says when every name is read or failed;
    :meth:`result` and :attr:`errors` are then the region's evidence. Each name is read to
    its last page before the next one starts.
    """

    def __init__(
        self,
        account_id: str,
        region: str,
        window: HistoryWindow,
        *,
        per_second: float = LOOKUP_EVENTS_PER_SECOND,
        names: Sequence[str] = EVENT_NAMES,
        clock: Clock = time.monotonic,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.window = window
        self.pacer = Pacer(per_second, clock)
        self.errors: list[CallError] = []
        """One ``LookupEvents`` CallError per name that could not be read."""
        self.calls = 0
        """LookupEvents requests made so far (one per page asked for, failed ones included)."""
        self._pending = [_Cursor(n) for n in reversed(dict.fromkeys(names))]
        self._read: dict[str, list[HistoryEvent]] = {}

    @property
    def done(self) -> bool:
        """Whether every name has been read to its last page, or has failed."""
        return not self._pending

    def ready_at(self) -> float:
        """When (on the reader's clock) the next call is allowed."""
        return self.pacer.ready_at()

    def step(self, client: Any) -> int:
        """Make the calls allowed now with ``client`` (CloudTrail, this account and region).

        Returns how many were made (0 when the pace allows none yet). A failed call is
        recorded and its name given up; aiposture's own errors (an interrupted scan, a
        read-only violation, unusable credentials) propagate.
        """
        made = 0
        while self._pending and made < MAX_CALLS_PER_STEP and self.pacer.ready():
            self.pacer.spend()
            self._call(client)
            made += 1
        return made

    def _call(self, client: Any) -> None:
        cursor = self._pending[-1]
        self.calls += 1
        page: Page | None = record_call(
            self.errors,
            lambda: _follow(cursor, lookup_page(client, cursor.name, self.window, cursor.token)),
            service=SERVICE,
            operation=OPERATION,
            region=self.region,
            account_id=self.account_id,
            resource=cursor.name,
        )
        if page is None:  # failed: the name is not read, its partial pages are dropped
            self._pending.pop()
            if is_access_denied(self.errors[-1].error_code):
                self._denied(self.errors[-1])
            return
        for event in page.events:
            cursor.events.setdefault(event.event_id, event)
        if page.next_token is None:
            self._read[cursor.name] = list(cursor.events.values())
            self._pending.pop()
            return
        cursor.token = page.next_token
        cursor.seen.add(page.next_token)

    def _denied(self, refused: CallError) -> None:
        """Give up the names left after IAM refused one: it would refuse them all.

        ``cloudtrail:LookupEvents`` is granted or denied as a whole (its only resource is
        ``*``, and no condition key names a lookup attribute), so asking for the other
        names would cost a call each (at two a second) to learn the same. Each name left
        gets its own CallError, saying it was not asked and why.
        """
        while self._pending:
            name = self._pending.pop().name
            self.errors.append(
                refused.model_copy(
                    update={
                        "resource": name,
                        "message": (
                            f"not asked: LookupEvents of {refused.resource} in this account "
                            f"and region was refused ({refused.error_code}), and IAM allows "
                            f"or denies LookupEvents as a whole: {refused.message}"
                        ),
                    }
                )
            )

    def result(self) -> EventHistory:
        """The region's :class:`EventHistory` (call once :attr:`done`)."""
        if not self.done:
            raise RuntimeError(f"the history of {self.account_id}/{self.region} is not read yet")
        events = [e for name in sorted(self._read) for e in self._read[name]]
        events.sort(key=lambda e: (e.event_time, e.event_id), reverse=True)
        window = self.window
        return EventHistory(
            start=window.start,
            end=window.end,
            oldest_available=window.oldest_available,
            names_read=[n for n in EVENT_NAMES if n in self._read]
            + sorted(n for n in self._read if n not in EVENT_NAMES),
            events=events,
            calls=self.calls,
        )


def read_region_history(
    client: Any,
    account_id: str,
    region: str,
    window: HistoryWindow,
    *,
    per_second: float = LOOKUP_EVENTS_PER_SECOND,
    names: Sequence[str] = EVENT_NAMES,
    sleep: Callable[[float], None] = time.sleep,
    clock: Clock = time.monotonic,
) -> tuple[EventHistory, list[CallError]]:
    """Read one account-region's history in this thread, waiting out the pace between calls.

    For callers with one region to read (and tests); a scan reads its regions in steps on
    the scheduler's history workers instead, without sleeping.
    """
    reader = RegionHistoryReader(
        account_id, region, window, per_second=per_second, names=names, clock=clock
    )
    while not reader.done:
        if not reader.step(client):
            sleep(max(0.0, reader.ready_at() - clock()))
    return reader.result(), reader.errors


# --------------------------------------------------------------------------- the budget


def minimum_lookup_calls(history: EventHistory, errors: Iterable[CallError] = ()) -> int:
    """The fewest LookupEvents calls that could have produced ``history`` and its ``errors``.

    A name read costs one call per page of its events (one for none); a name that failed
    costs one (it had to be asked to learn that it fails), except that IAM refusing one
    name proves it refuses them all: the refused names cost one call together. Retries are
    not counted.
    """
    per_name: dict[str, int] = {n: 0 for n in history.names_read}
    for event in history.events:
        if event.event_name in per_name:
            per_name[event.event_name] += 1
    failed = [
        e
        for e in errors
        if e.service == SERVICE and e.operation == OPERATION and e.resource not in per_name
    ]
    refused = {e.resource for e in failed if is_access_denied(e.error_code)}
    other = {e.resource for e in failed if e.resource not in refused}
    pages = sum(max(1, math.ceil(n / LOOKUP_EVENTS_PAGE_SIZE)) for n in per_name.values())
    return pages + len(other) + (1 if refused else 0)
