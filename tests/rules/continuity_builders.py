"""Event histories and periods for the continuity rule tests (on top of tests/builders.py)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from aiposture.snapshot.history import (
    EVENT_NAMES,
    LOOKUP_EVENTS_RETENTION,
    EventHistory,
    HistoryEvent,
    Period,
    family_of,
)
from aiposture.snapshot.models import Snapshot
from tests.builders import ACCOUNT, NOW, REGION

MALLORY = f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/mallory"
BOB = f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/bob"
LAST_90 = Period(start=NOW - timedelta(days=90), end=NOW, label="last 90 days")

_ids = itertools.count(1)


def ago(days: float, hours: float = 0) -> datetime:
    """``days`` (and ``hours``) before the scan."""
    return NOW - timedelta(days=days, hours=hours)


def event(
    name: str,
    when: datetime,
    /,
    *,
    actor: str = MALLORY,
    ip: str = "198.51.100.7",
    error: str | None = None,
    event_id: str | None = None,
    response: dict[str, Any] | None = None,
    **params: Any,
) -> HistoryEvent:
    """One LookupEvents entry of ``name`` at ``when`` with ``params`` as its request parameters."""
    family = family_of(name)
    assert family is not None, name
    return HistoryEvent(
        event_id=event_id or f"ev-{next(_ids):06d}",
        event_name=name,
        event_source=family.event_source,
        event_time=when,
        actor_arn=actor,
        source_ip=ip,
        error_code=error,
        request_parameters=params,
        response_elements=response,
    )


def history(
    *events: HistoryEvent,
    start: datetime | None = None,
    names: tuple[str, ...] | list[str] = EVENT_NAMES,
) -> EventHistory:
    """A history read up to the scan, from ``start`` (the last 90 days by default)."""
    oldest = NOW - LOOKUP_EVENTS_RETENTION
    return EventHistory(
        start=start or oldest,
        end=NOW,
        oldest_available=oldest if start is None else max(oldest, start),
        names_read=list(names),
        events=sorted(events, key=lambda e: (e.event_time, e.event_id), reverse=True),
    )


def with_history(
    snap: Snapshot,
    hist: EventHistory,
    *,
    period: Period | None = LAST_90,
    account: str = ACCOUNT,
    region: str = REGION,
) -> Snapshot:
    """Give ``snap`` the period and one region's history; return it."""
    snap.period = period
    acct = snap.account(account)
    assert acct is not None, account
    acct.regions[region].event_history = hist
    return snap
