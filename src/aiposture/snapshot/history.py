"""Event history: the writes that switched a monitoring control on, off, or changed it.

Issue 18 asks whether the controls worked *throughout the audit period*, not only on the
morning of the scan. CloudTrail keeps the last 90 days of management events in each account
and region, readable with ``LookupEvents`` (CloudTrail API Reference, LookupEvents: "Looks
up management events ... captured by CloudTrail ... Events that occurred during the last 90
days"; one ``LookupAttribute`` per request; at most 50 results per page; 2 requests per
second per account and region).

This module is the one source of truth for *which* events are read: the control families
(:data:`FAMILIES`), each with the event names that change it and the event source that
emits them. The collector asks for each name, moto's LookupEvents answers them, and the
``continuity_*`` rules rebuild each family's timeline from them.

The models keep what an auditor needs from each event (time, actor, source IP, the request
parameters and any error code) as evidence: a denied call changed nothing, and is shown as
an attempt, never as a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiposture.errors import ConfigError

LOOKUP_EVENTS_RETENTION = timedelta(days=90)
"""How far back LookupEvents reaches: "the last 90 days" of management events."""

LOOKUP_EVENTS_PAGE_SIZE = 50
"""``MaxResults`` of LookupEvents: "The default is 50, with a maximum of 50 possible"."""

LOOKUP_EVENTS_PER_SECOND = 2.0
"""The documented LookupEvents rate: "2 requests per second per account per Region"
(CloudTrail API Reference, LookupEvents); beyond it the call fails with
``ThrottlingException``."""


@dataclass(frozen=True)
class ControlFamily:
    """One monitoring control family and the management events that change it."""

    key: str
    """The family's id, the suffix of its check ``continuity-<key>``."""
    title: str
    """How a message and the report name the control ("CloudTrail logging")."""
    event_source: str
    """The ``eventSource`` of every event in :attr:`event_names`."""
    event_names: tuple[str, ...]
    """The write events that create, delete, switch off or on, or change the control."""


FAMILIES: tuple[ControlFamily, ...] = (
    ControlFamily(
        "trail-logging",
        "CloudTrail logging",
        "cloudtrail.amazonaws.com",
        ("CreateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    ),
    ControlFamily(
        "trail-configuration",
        "CloudTrail event selection and delivery",
        "cloudtrail.amazonaws.com",
        ("UpdateTrail", "PutEventSelectors", "PutInsightSelectors", "PutEventConfiguration"),
    ),
    ControlFamily(
        "invocation-logging",
        "Bedrock model invocation logging",
        "bedrock.amazonaws.com",
        (
            "PutModelInvocationLoggingConfiguration",
            "DeleteModelInvocationLoggingConfiguration",
        ),
    ),
    ControlFamily(
        "log-groups",
        "CloudWatch Logs delivery log groups",
        "logs.amazonaws.com",
        (
            "CreateLogGroup",
            "DeleteLogGroup",
            "PutRetentionPolicy",
            "DeleteRetentionPolicy",
            "AssociateKmsKey",
            "DisassociateKmsKey",
        ),
    ),
    ControlFamily(
        "metric-filters",
        "CloudWatch Logs metric filters",
        "logs.amazonaws.com",
        ("PutMetricFilter", "DeleteMetricFilter"),
    ),
    ControlFamily(
        "subscription-filters",
        "CloudWatch Logs subscription filters",
        "logs.amazonaws.com",
        ("PutSubscriptionFilter", "DeleteSubscriptionFilter"),
    ),
    ControlFamily(
        "alarms",
        "CloudWatch alarms and their actions",
        "monitoring.amazonaws.com",
        (
            "PutMetricAlarm",
            "PutCompositeAlarm",
            "DeleteAlarms",
            "DisableAlarmActions",
            "EnableAlarmActions",
        ),
    ),
    ControlFamily(
        "contributor-insights",
        "Contributor Insights rules",
        "monitoring.amazonaws.com",
        ("PutInsightRule", "DeleteInsightRules", "DisableInsightRules", "EnableInsightRules"),
    ),
    ControlFamily(
        "dashboard",
        "CloudWatch dashboards",
        "monitoring.amazonaws.com",
        ("PutDashboard", "DeleteDashboards"),
    ),
    ControlFamily(
        "notifications",
        "SNS alarm topics and subscriptions",
        "sns.amazonaws.com",
        ("Subscribe", "Unsubscribe", "DeleteTopic", "SetTopicAttributes"),
    ),
    ControlFamily(
        "guardduty",
        "GuardDuty detectors",
        "guardduty.amazonaws.com",
        ("CreateDetector", "DeleteDetector", "UpdateDetector"),
    ),
    ControlFamily(
        "transaction-search",
        "X-Ray Transaction Search",
        "xray.amazonaws.com",
        ("UpdateTraceSegmentDestination", "UpdateIndexingRule"),
    ),
)
"""The control families, in the order the report lists their lanes."""

FAMILY_BY_KEY: dict[str, ControlFamily] = {f.key: f for f in FAMILIES}
EVENT_NAMES: tuple[str, ...] = tuple(name for f in FAMILIES for name in f.event_names)
"""Every event name read, in family order (the collector's call plan)."""
FAMILY_OF_EVENT: dict[str, ControlFamily] = {n: f for f in FAMILIES for n in f.event_names}


def family_of(event_name: str) -> ControlFamily | None:
    """The family an event name belongs to, if any."""
    return FAMILY_OF_EVENT.get(event_name)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive time is UTC by convention."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Period(_Model):
    """The audit period the continuity checks judge: ``[start, end)`` in UTC."""

    start: datetime
    end: datetime
    label: str
    """How the user asked for it: ``2026-07-01..2026-09-30`` or ``last 90 days``."""

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return as_utc(value)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end <= self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def days(self) -> float:
        """The period's length in days."""
        return (self.end - self.start).total_seconds() / 86400


_PERIOD_RE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
_SINCE_RE = re.compile(r"(\d+)d")


def parse_period(text: str, *, now: datetime) -> Period:
    """``--period 2026-07-01..2026-09-30``: both days included, in UTC.

    The end is clamped to ``now`` (nothing after the scan can be read). Raises
    :class:`ConfigError` (exit 2) for anything else.
    """
    match = _PERIOD_RE.fullmatch(text.strip())
    if match is None:
        raise ConfigError(f"--period {text!r} is not FIRST..LAST (e.g. 2026-07-01..2026-09-30)")
    try:
        first, last = (date.fromisoformat(match.group(i)) for i in (1, 2))
    except ValueError as exc:
        raise ConfigError(f"--period {text!r}: {exc}") from None
    if last < first:
        raise ConfigError(f"--period {text!r} ends before it starts")
    start = datetime.combine(first, time(), UTC)
    end = min(datetime.combine(last + timedelta(days=1), time(), UTC), as_utc(now))
    if end <= start:
        raise ConfigError(f"--period {text!r} starts after the scan ({as_utc(now):%Y-%m-%d})")
    return Period(start=start, end=end, label=f"{first}..{last}")


def parse_since(text: str, *, now: datetime) -> Period:
    """``--since 90d`` or ``--since 2026-07-01``: from then until ``now``.

    Raises :class:`ConfigError` (exit 2) for anything else.
    """
    now = as_utc(now)
    value = text.strip()
    days = _SINCE_RE.fullmatch(value)
    if days is not None:
        count = int(days.group(1))
        if count < 1:
            raise ConfigError(f"--since {text!r} must be at least 1d")
        return Period(start=now - timedelta(days=count), end=now, label=f"last {count} days")
    try:
        first = date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--since {text!r} is neither Nd (e.g. 90d) nor a date") from None
    start = datetime.combine(first, time(), UTC)
    if start >= now:
        raise ConfigError(f"--since {text!r} is not before the scan ({now:%Y-%m-%d})")
    return Period(start=start, end=now, label=f"since {first}")


DEFAULT_SINCE = "90d"
"""The default period: the most LookupEvents keeps."""


class HistoryEvent(_Model):
    """One LookupEvents entry, with what its ``CloudTrailEvent`` JSON says."""

    event_id: str
    event_name: str
    event_source: str
    event_time: datetime
    username: str | None = None
    actor_arn: str | None = None
    """``userIdentity.arn`` (for an assumed role, the session's ARN)."""
    actor_type: str | None = None
    """``userIdentity.type`` (``AssumedRole``, ``IAMUser``, ``Root``, ``AWSService``...)."""
    source_ip: str | None = None
    user_agent: str | None = None
    error_code: str | None = None
    """Set when the call failed (``AccessDenied``...): it changed nothing."""
    request_parameters: dict[str, Any] | None = None
    response_elements: dict[str, Any] | None = None
    resources: list[dict[str, Any]] = Field(default_factory=list)
    """LookupEvents' ``Resources`` (``ResourceType``, ``ResourceName``)."""

    @field_validator("event_time")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return as_utc(value)

    @property
    def succeeded(self) -> bool:
        """Whether the call took effect (no error code)."""
        return not self.error_code


class EventHistory(_Model):
    """What LookupEvents returned in one account and region.

    ``start``..``end`` is the window asked for: the period's start (or the oldest time
    LookupEvents keeps, when the period starts earlier) up to the scan's start. The events
    of ``names_read`` are complete over it; a name that could not be read is missing from
    ``names_read`` and its failure is a ``LookupEvents`` :class:`CallError` in the region's
    errors, with the event name as ``resource``.
    """

    start: datetime
    end: datetime
    oldest_available: datetime
    """The oldest instant LookupEvents keeps at the scan: ``end`` minus 90 days."""
    names_read: list[str] = Field(default_factory=list)
    events: list[HistoryEvent] = Field(default_factory=list)
    """Newest first, as LookupEvents returns them, all names merged."""
    calls: int = 0
    """LookupEvents requests made (pages, across names)."""

    @field_validator("start", "end", "oldest_available")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return as_utc(value)

    def of_family(self, family: ControlFamily) -> list[HistoryEvent]:
        """The family's events, oldest first (the order a timeline is walked forwards)."""
        names = set(family.event_names)
        return sorted(
            (e for e in self.events if e.event_name in names),
            key=lambda e: (e.event_time, e.event_id),
        )

    def family_complete(self, family: ControlFamily) -> bool:
        """Whether every event name of the family was read."""
        return set(family.event_names) <= set(self.names_read)
