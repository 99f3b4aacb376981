"""The "Continuity over the period" section: whether each monitoring control was on all period.

Built from the ``continuity-<family>`` results (one per check and account and region; their
evidence is read by :mod:`aiposture.engine.continuity_evidence`) and from the period the
results record (:attr:`aiposture.results.ScanInfo.period`). Per account, one timeline
(:mod:`.timeline_svg`) with one lane per control family, in the order of
:data:`~aiposture.snapshot.history.FAMILIES`: the family's lanes of every region merged (at
each instant the worst state: off, then weakened, then unknown, then on), each gap drawn
with its hover text, each change a tick naming the time, event, actor and source IP. Then,
for print (where nothing hovers), a table of every gap and a table of the changes (the ones
that opened or closed a gap and the denied calls first, at most ``change_limit`` per
account; ``results.json`` holds every one).

Nothing here judges: the statuses are the rules'. A result whose evidence is not of the
contract's shape is drawn as unknown (PASS as on), never as a gap it does not name.
Every string from AWS is autoescaped by the templates and escaped by the SVG builder.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from aiposture.engine.continuity_evidence import (
    EvidenceChange,
    EvidenceGap,
    EvidenceRef,
    family_of_check,
    is_continuity,
    read_evidence,
)
from aiposture.report.continuity_models import (
    AccountContinuity,
    ContinuityChangeRow,
    ContinuityGapRow,
    ContinuityView,
    LaneSummary,
)
from aiposture.report.formatting import STATUS_ORDER, as_utc, format_utc
from aiposture.report.timeline_svg import TimelineGap, TimelineLane, TimelineTick, timeline_svg
from aiposture.results import GapEntry, GapEvent, Result, Results, Status
from aiposture.snapshot.history import FAMILIES, LOOKUP_EVENTS_RETENTION, Period

__all__ = [
    "CHANGE_LIMIT",
    "build_continuity",
    "continuity_results",
    "describe_event",
    "describe_gap",
    "format_hours",
    "merge_lanes",
    "period_text",
]

CHANGE_LIMIT = 200
"""Changes the table lists per account by default (the PDF lists fewer)."""

NOT_READ = "not read (--no-history): the controls were judged at the scan only"
"""How the cover and the section say that no event history was read."""

_WORST = {"off": 0, "weakened": 1, "unknown": 2, "on": 3}


def period_text(period: Period | None) -> str:
    """``2026-07-01..2026-09-30: 2026-07-01 00:00:00 UTC to 2026-10-01 00:00:00 UTC (92 days)``."""
    if period is None:
        return NOT_READ
    days = period.days
    length = f"{days:.0f} days" if abs(days - round(days)) < 0.01 else f"{days:.1f} days"
    return (
        f"{period.label}: {format_utc(period.start)} to {format_utc(period.end)} "
        f"({length}, end excluded)"
    )


def format_hours(hours: float) -> str:
    """``216.0 h (9.0 days)``; under a day, hours only."""
    if hours >= 24:
        return f"{hours:.1f} h ({hours / 24:.1f} days)"
    return f"{hours:.1f} h"


def describe_event(ref: EvidenceRef | GapEvent | None) -> str:
    """``StopLogging at <time> by <actor> from <ip>`` (``-`` when no event is known)."""
    if ref is None:
        return "-"
    parts = [ref.event_name or "an event"]
    if ref.time is not None:
        parts.append(f"at {format_utc(ref.time)}")
    parts.append(f"by {ref.actor_arn or 'an unknown actor'}")
    if ref.source_ip:
        parts.append(f"from {ref.source_ip}")
    return " ".join(parts)


def describe_gap(gap: GapEntry) -> str:
    """One line: where, which control, the interval, its length, and the events around it."""
    return (
        f"{gap.account_id or '-'} {gap.region or '-'} {gap.check_id} {gap.control}: "
        f"{gap.state} from {format_utc(gap.start)} to {format_utc(gap.end)} "
        f"({format_hours(gap.hours)}); opened by {describe_event(gap.opened_by)}; "
        f"closed by {describe_event(gap.closed_by)}"
    )


def merge_lanes(
    lanes: Iterable[Sequence[tuple[datetime, datetime, str]]],
) -> list[tuple[datetime, datetime, str]]:
    """Several lanes as one: at each instant the worst state any of them is in.

    Off is worse than weakened, weakened than unknown, unknown than on. Adjacent stretches of
    one state are joined; an instant no lane covers is left out.
    """
    pieces = [(as_utc(s), as_utc(e), st) for lane in lanes for s, e, st in lane if e > s]
    cuts = sorted({t for s, e, _ in pieces for t in (s, e)})
    out: list[tuple[datetime, datetime, str]] = []
    for left, right in pairwise(cuts):
        states = [st for s, e, st in pieces if s <= left and right <= e]
        if not states:
            continue
        state = min(states, key=lambda st: _WORST.get(st, _WORST["unknown"]))
        if out and out[-1][2] == state and out[-1][1] == left:
            out[-1] = (out[-1][0], right, state)
        else:
            out.append((left, right, state))
    return out


def _status_word(status: Status) -> str:
    return "N/A" if status is Status.NOT_APPLICABLE else status.value


def _worst(statuses: Iterable[Status]) -> Status:
    return min(statuses, key=STATUS_ORDER.index)


def _gap_title(region: str, control: str, gap: EvidenceGap) -> str:
    return (
        f"{region} {control}: {gap.state} from {format_utc(gap.start)} to "
        f"{format_utc(gap.end)} ({format_hours(gap.hours)}); opened by "
        f"{describe_event(gap.opened_by)}; closed by {describe_event(gap.closed_by)}"
    )


def _tick_title(region: str, change: EvidenceChange) -> str:
    where = f" on {change.resource}" if change.resource else ""
    denied = f" [denied: {change.error_code}, changed nothing]" if change.error_code else ""
    return f"{region}: {describe_event(change)}{where}{denied}"


@dataclass
class _Family:
    """What one account's results say about one control family, over its regions."""

    check_id: str
    statuses: dict[str, Status] = field(default_factory=dict)
    lanes: list[list[tuple[datetime, datetime, str]]] = field(default_factory=list)
    gaps: list[TimelineGap] = field(default_factory=list)
    ticks: list[TimelineTick] = field(default_factory=list)


@dataclass
class _Account:
    """One account's families, gap rows, changes and notes while they are gathered."""

    families: dict[str, _Family] = field(default_factory=dict)
    gap_rows: list[ContinuityGapRow] = field(default_factory=list)
    changes: list[tuple[str, str, EvidenceChange]] = field(default_factory=list)
    key_events: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _change_rows(account: _Account, limit: int) -> list[ContinuityChangeRow]:
    """At most ``limit`` changes, in time order.

    The ones that opened or closed a gap are kept first, then denied calls, then the rest
    (newest first).
    """

    def rank(item: tuple[str, str, EvidenceChange]) -> tuple[int, float]:
        change = item[2]
        first = 0 if change.event_id in account.key_events else 1 if change.error_code else 2
        when = as_utc(change.time).timestamp() if change.time else 0.0
        return first, -when

    chosen = sorted(account.changes, key=rank)[:limit]

    def order(item: tuple[str, str, EvidenceChange]) -> tuple[float, str, str]:
        change = item[2]
        when = as_utc(change.time).timestamp() if change.time else 0.0
        return when, item[0], change.event_id or ""

    return [
        ContinuityChangeRow(
            time=format_utc(change.time) if change.time else "-",
            region=region,
            family=family,
            event_name=change.event_name or "-",
            actor_arn=change.actor_arn or "-",
            source_ip=change.source_ip or "-",
            resource=change.resource or "-",
            outcome=(
                f"denied ({change.error_code}): changed nothing" if change.error_code else "changed"
            ),
            denied=bool(change.error_code),
        )
        for region, family, change in sorted(chosen, key=order)
    ]


def _reach_note(region: str, period: Period, history_start: datetime | None) -> str:
    reach = format_utc(history_start) if history_start else "an unknown time"
    return (
        f"{region}: the event history reaches back to {reach} only (LookupEvents keeps "
        f"{LOOKUP_EVENTS_RETENTION.days} days); the period starts "
        f"{format_utc(period.start)}, so the time before is unknown"
    )


def _gather(account: _Account, result: Result, period: Period) -> None:
    family = family_of_check(result.check_id)
    title = family.title if family else result.title
    region = result.region or "-"
    entry = account.families.setdefault(
        family.key if family else result.check_id, _Family(check_id=result.check_id)
    )
    entry.statuses[region] = result.status
    if result.status is Status.NOT_APPLICABLE:
        return
    evidence = read_evidence(result.evidence)
    if evidence is None or not evidence.lane:
        entry.lanes.append(
            [(period.start, period.end, "on" if result.status is Status.PASS else "unknown")]
        )
    else:
        entry.lanes.append([(s.start, s.end, s.state) for s in evidence.lane])
    if evidence is None:
        return
    tolerance = evidence.tolerance_hours or 0.0
    for control in evidence.controls:
        for gap in control.gaps:
            entry.gaps.append(
                TimelineGap(gap.start, gap.end, gap.state, _gap_title(region, control.control, gap))
            )
            account.key_events.update(
                ref.event_id for ref in (gap.opened_by, gap.closed_by) if ref and ref.event_id
            )
            account.gap_rows.append(
                ContinuityGapRow(
                    account_id=result.account_id or "-",
                    region=region,
                    check_id=result.check_id,
                    family=title,
                    control=control.control,
                    resource=control.resource or "-",
                    start=format_utc(gap.start),
                    end=format_utc(gap.end),
                    length=format_hours(gap.hours),
                    state=gap.state,
                    over_tolerance=gap.hours > tolerance,
                    opened_by=describe_event(gap.opened_by),
                    closed_by=describe_event(gap.closed_by),
                )
            )
    for change in evidence.changes:
        if change.time is not None:
            entry.ticks.append(
                TimelineTick(change.time, _tick_title(region, change), bool(change.error_code))
            )
        account.changes.append((region, title, change))
    history = evidence.history
    if history is not None and not history.reaches_period_start:
        account.notes.append(_reach_note(region, period, history.oldest_available or history.start))
    if (
        history is not None
        and history.read_in_text
        and not history.read_in_text.startswith(f"{result.account_id}/")
    ):
        account.notes.append(
            f"{region} {title}: judged from the event history of {history.read_in_text} "
            "(the organization trail's owner)"
        )


def _lanes(account: _Account) -> tuple[list[TimelineLane], list[LaneSummary]]:
    known = {f.key for f in FAMILIES}
    keys = [f.key for f in FAMILIES if f.key in account.families]
    keys += sorted(k for k in account.families if k not in known)
    lanes: list[TimelineLane] = []
    summaries: list[LaneSummary] = []
    for key in keys:
        entry = account.families[key]
        family = family_of_check(entry.check_id)
        title = family.title if family else entry.check_id
        worst = _worst(entry.statuses.values())
        regions = ", ".join(f"{r} {_status_word(s)}" for r, s in sorted(entry.statuses.items()))
        lanes.append(
            TimelineLane(
                label=title,
                segments=merge_lanes(entry.lanes),
                status=worst.value,
                note=f"{title} ({entry.check_id}): {regions}",
                gaps=tuple(entry.gaps),
                ticks=tuple(entry.ticks),
            )
        )
        summaries.append(
            LaneSummary(family=title, check_id=entry.check_id, status=worst.value, regions=regions)
        )
    return lanes, summaries


def _tolerance(hours: float) -> str:
    return "none: any gap fails" if hours <= 0 else format_hours(hours)


def continuity_results(results: Results) -> list[Result]:
    """The results of the continuity checks."""
    return [r for r in results.results if is_continuity(r)]


def build_continuity(results: Results, change_limit: int = CHANGE_LIMIT) -> ContinuityView:
    """The section's view of ``results``: one timeline and tables per account."""
    period = results.scan.period
    members = continuity_results(results)
    counts = {s.value: sum(r.status is s for r in members) for s in STATUS_ORDER}
    if period is None:
        return ContinuityView(
            read=False,
            period=NOT_READ,
            tolerance="",
            accounts=[],
            gaps=0,
            failing_accounts=0,
            counts=counts,
            change_limit=change_limit,
        )
    accounts: dict[str, _Account] = defaultdict(_Account)
    tolerances: set[float] = set()
    for result in sorted(members, key=lambda r: (r.account_id or "", r.region or "", r.check_id)):
        evidence = read_evidence(result.evidence)
        if evidence is not None and evidence.tolerance_hours is not None:
            tolerances.add(evidence.tolerance_hours)
        _gather(accounts[result.account_id or "-"], result, period)
    views = []
    for account_id, account in sorted(accounts.items()):
        lanes, summaries = _lanes(account)
        views.append(
            AccountContinuity(
                account_id=account_id,
                svg=timeline_svg(
                    period.start,
                    period.end,
                    lanes,
                    label=f"Continuity of monitoring in account {account_id} over {period.label}",
                ),
                lanes=summaries,
                gaps=sorted(account.gap_rows, key=lambda g: (g.start, g.region, g.control)),
                changes=_change_rows(account, change_limit),
                changes_total=len(account.changes),
                notes=list(dict.fromkeys(account.notes)),
            )
        )
    tolerance = (
        "; ".join(_tolerance(t) for t in sorted(tolerances)) if tolerances else "not recorded"
    )
    failing = [a for a in views if any(g.over_tolerance for g in a.gaps)]
    return ContinuityView(
        read=True,
        period=period_text(period),
        tolerance=tolerance,
        accounts=views,
        gaps=sum(g.over_tolerance for a in views for g in a.gaps),
        failing_accounts=len(failing),
        counts=counts,
        change_limit=change_limit,
    )
