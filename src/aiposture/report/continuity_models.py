"""The rows and sections of the "Continuity over the period" report section.

Built by :mod:`.continuity_view`, read by the templates; plain values, every string from AWS
autoescaped by the templates (the timeline's SVG escapes its own).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

__all__ = [
    "AccountContinuity",
    "ContinuityChangeRow",
    "ContinuityGapRow",
    "ContinuityView",
    "GapChangeRow",
    "LaneSummary",
]


@dataclass(frozen=True)
class ContinuityGapRow:
    """One gap, as the table of gaps lists it."""

    account_id: str
    region: str
    check_id: str
    family: str
    control: str
    resource: str
    start: str
    end: str
    length: str
    state: str
    over_tolerance: bool
    """Longer than the tolerance (the rule failed on it); False: tolerated."""
    opened_by: str
    closed_by: str


@dataclass(frozen=True)
class ContinuityChangeRow:
    """One change of a monitoring control in the period."""

    time: str
    region: str
    family: str
    event_name: str
    actor_arn: str
    source_ip: str
    resource: str
    outcome: str
    """``changed``, or ``denied (AccessDenied): changed nothing``."""
    denied: bool


@dataclass(frozen=True)
class LaneSummary:
    """One family's status in an account: the worst of its regions, and each region's."""

    family: str
    check_id: str
    status: str
    regions: str
    """``us-east-1 FAIL, us-west-2 PASS``."""


@dataclass(frozen=True)
class AccountContinuity:
    """One account's timeline, lanes, gaps and changes."""

    account_id: str
    svg: Markup
    lanes: list[LaneSummary]
    gaps: list[ContinuityGapRow]
    changes: list[ContinuityChangeRow]
    changes_total: int
    """Every change of the account in the period (``changes`` may list fewer)."""
    notes: list[str]
    """How far each region's history reaches where it misses the period's start, and
    where an organization trail's history was read."""


@dataclass(frozen=True)
class ContinuityView:
    """The section: the period, the tolerance, and each account."""

    read: bool
    """Whether event history was read (the results record a period)."""
    period: str
    """The period in words (or :data:`NOT_READ`)."""
    tolerance: str
    accounts: list[AccountContinuity]
    gaps: int
    """Gaps longer than the tolerance, in every account."""
    failing_accounts: int
    counts: dict[str, int]
    """Continuity results per status."""
    change_limit: int


@dataclass(frozen=True)
class GapChangeRow:
    """A continuity gap opened, closed or unverified since the baseline."""

    kind: str
    """``opened``, ``closed`` or ``unverified``."""
    check_id: str
    account_id: str
    region: str
    control: str
    interval: str
    length: str
    state: str
    events: str
    """The events that opened and closed it, in words."""
