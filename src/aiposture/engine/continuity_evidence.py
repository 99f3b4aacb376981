"""Reading the evidence of the ``continuity-<family>`` results (issue 18).

The continuity rules write one result per check and (account, region), whose evidence holds
the period judged, how far the event history reached, the family's merged lane over the
period, each control's segments and gaps, and every change of the family in the period::

    {"period": {"start", "end", "label"},
     "history": {"start", "end", "oldest_available", "reaches_period_start", "read_in"},
     "tolerance_hours": float,
     "lane": [{"start", "end", "state"}],
     "controls": [{"control", "resource", "segments": [...],
                   "gaps": [{"start", "end", "hours", "state", "opened_by", "closed_by"}]}],
     "changes": [{"event_id", "event_name", "time", "actor_arn", "source_ip",
                  "resource", "error_code"}]}

This module turns that evidence into typed values for the report and for ``diff``. It
judges nothing: a result's status is the rule's. Evidence of another shape (a results file
of another version, a check of another kind that happens to share the prefix) reads as
``None`` and the report says it could not draw it; it never invents a lane.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aiposture.results import GapEntry, GapEvent, Result, Status
from aiposture.snapshot.history import FAMILY_BY_KEY, ControlFamily, as_utc

__all__ = [
    "CONTINUITY_PREFIX",
    "STATES",
    "ContinuityEvidence",
    "EvidenceChange",
    "EvidenceControl",
    "EvidenceGap",
    "EvidenceHistory",
    "EvidencePeriod",
    "EvidenceRef",
    "Segment",
    "State",
    "family_of_check",
    "gap_entries",
    "is_continuity",
    "read_evidence",
]

CONTINUITY_PREFIX = "continuity-"
"""The id prefix of the continuity checks: ``continuity-<family key>``."""

State = Literal["on", "off", "weakened", "unknown"]
STATES: tuple[State, ...] = ("on", "off", "weakened", "unknown")
"""The states of a control over time: on, off (a gap), weakened (a gap), unknown (not read)."""


class _Lenient(BaseModel):
    """Evidence members beyond the contract are ignored, never refused."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class EvidencePeriod(_Lenient):
    """The period the result judged: ``[start, end)``."""

    start: datetime
    end: datetime
    label: str = ""

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class EvidenceHistory(_Lenient):
    """How far the event history that was read reaches."""

    start: datetime | None = None
    end: datetime | None = None
    oldest_available: datetime | None = None
    reaches_period_start: bool = False
    read_in: str | list[str] | None = None
    """``<account>/<region>`` whose LookupEvents was read (an org trail's owner), or a list."""

    @field_validator("start", "end", "oldest_available")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)

    @property
    def read_in_text(self) -> str:
        """Where the history was read, as one line (empty when not said)."""
        if self.read_in is None:
            return ""
        if isinstance(self.read_in, str):
            return self.read_in
        return ", ".join(self.read_in)


class Segment(_Lenient):
    """One stretch of a lane: ``[start, end)`` in one state."""

    start: datetime
    end: datetime
    state: State

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class EvidenceRef(_Lenient):
    """An event as the evidence names it (REF)."""

    event_id: str | None = None
    event_name: str | None = None
    time: datetime | None = None
    actor_arn: str | None = None
    source_ip: str | None = None

    @field_validator("time")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)

    def as_gap_event(self) -> GapEvent:
        """The same event as the results' :class:`~aiposture.results.GapEvent`."""
        return GapEvent(**self.model_dump())


class EvidenceChange(EvidenceRef):
    """One event of the family in the period (a denied call has an ``error_code``)."""

    resource: str | None = None
    error_code: str | None = None


class EvidenceGap(_Lenient):
    """A stretch of one control off or weakened."""

    start: datetime
    end: datetime
    hours: float
    state: State
    opened_by: EvidenceRef | None = None
    closed_by: EvidenceRef | None = None

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class EvidenceControl(_Lenient):
    """One control of the family (a trail, an alarm, the logging configuration...)."""

    control: str
    resource: str | None = None
    segments: list[Segment] = Field(default_factory=list)
    gaps: list[EvidenceGap] = Field(default_factory=list)


class ContinuityEvidence(_Lenient):
    """The evidence of one continuity result, typed."""

    period: EvidencePeriod | None = None
    history: EvidenceHistory | None = None
    tolerance_hours: float | None = None
    lane: list[Segment] = Field(default_factory=list)
    controls: list[EvidenceControl] = Field(default_factory=list)
    changes: list[EvidenceChange] = Field(default_factory=list)


def is_continuity(result: Result) -> bool:
    """Whether ``result`` is one of a continuity check's."""
    return result.check_id.startswith(CONTINUITY_PREFIX)


def family_of_check(check_id: str) -> ControlFamily | None:
    """The control family a ``continuity-<key>`` check judges, if its key is known."""
    if not check_id.startswith(CONTINUITY_PREFIX):
        return None
    return FAMILY_BY_KEY.get(check_id[len(CONTINUITY_PREFIX) :])


def read_evidence(evidence: dict[str, Any]) -> ContinuityEvidence | None:
    """``evidence`` as :class:`ContinuityEvidence`; ``None`` when it is not of that shape."""
    try:
        return ContinuityEvidence.model_validate(evidence)
    except ValidationError:
        return None


_GAP_STATUSES = frozenset({Status.FAIL, Status.WAIVED, Status.ERROR, Status.PASS})


def gap_entries(result: Result) -> list[GapEntry]:
    """Every gap the evidence of a continuity ``result`` names, oldest first.

    Not-applicable results and evidence of another shape have none. Gaps within the
    tolerance are listed too: they are gaps, the rule only judged them acceptable.
    """
    if not is_continuity(result) or result.status not in _GAP_STATUSES:
        return []
    evidence = read_evidence(result.evidence)
    if evidence is None:
        return []
    entries = [
        GapEntry(
            check_id=result.check_id,
            title=result.title,
            severity=result.severity,
            account_id=result.account_id,
            region=result.region,
            control=control.control,
            resource=control.resource,
            start=gap.start,
            end=gap.end,
            hours=gap.hours,
            state=gap.state,
            opened_by=gap.opened_by.as_gap_event() if gap.opened_by else None,
            closed_by=gap.closed_by.as_gap_event() if gap.closed_by else None,
        )
        for control in evidence.controls
        for gap in control.gaps
    ]
    return sorted(entries, key=lambda g: (g.start, g.control, g.end))
