"""Which continuity gaps opened or closed from one audit period to the next (``aiposture diff``).

A gap is keyed by (account, region, check, control, start), read from the evidence of the
``continuity-*`` results (:mod:`aiposture.engine.continuity_evidence`). Two quarters cut the
same real gap differently: a trail stopped on 20 June and started on 5 July is
``[06-20, 07-01)`` in Q2 and ``[07-01, 07-05)`` in Q3, its start clipped to each period. So
within one (account, region, check, control) a gap of the new scan is the same as one of the
baseline when, in this order:

1. their starts are equal (the key);
2. the same event opened both (``opened_by.event_id``);
3. their intervals overlap, or one ends where the other starts at a period boundary.

Each gap matches at most one. A baseline gap with no match is *closed* only where this
scan judged the same check in the same account and region (PASS, FAIL or WAIVED with
readable evidence); where it could not (ERROR, no result), it is *unverified*: an unread
history never reads as a closed gap. When either scan read no event history, nothing is
compared and the diff says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from aiposture.engine.continuity_evidence import gap_entries, is_continuity, read_evidence
from aiposture.results import ContinuityDiff, GapEntry, Result, Results, Status

__all__ = ["diff_gaps", "gap_key", "judged_checks"]

GapKey = tuple[str, str, str, str, str]
_Group = tuple[str, str, str, str]

_JUDGED = frozenset({Status.PASS, Status.FAIL, Status.WAIVED})


def gap_key(gap: GapEntry) -> GapKey:
    """(account, region, check, control, start in ISO 8601): a gap's identity."""
    return (
        gap.account_id or "",
        gap.region or "",
        gap.check_id,
        gap.control,
        gap.start.isoformat(),
    )


def _group(gap: GapEntry) -> _Group:
    return gap.account_id or "", gap.region or "", gap.check_id, gap.control


def _gaps(results: Iterable[Result]) -> dict[_Group, list[GapEntry]]:
    out: dict[_Group, list[GapEntry]] = defaultdict(list)
    for result in results:
        for gap in gap_entries(result):
            out[_group(gap)].append(gap)
    return out


def judged_checks(results: Results) -> set[tuple[str, str, str]]:
    """(account, region, check) of each continuity result that judged its history in full.

    PASS, FAIL or WAIVED with evidence of the contract's shape: there, a gap that is not
    listed did not happen inside the period.
    """
    return {
        (r.account_id or "", r.region or "", r.check_id)
        for r in results.results
        if is_continuity(r) and r.status in _JUDGED and read_evidence(r.evidence) is not None
    }


def _same_event(a: GapEntry, b: GapEntry) -> bool:
    return bool(
        a.opened_by
        and b.opened_by
        and a.opened_by.event_id
        and a.opened_by.event_id == b.opened_by.event_id
    )


def _touch(a: GapEntry, b: GapEntry) -> bool:
    """Overlapping, or one ending exactly where the other starts (cut by a period boundary)."""
    return a.start <= b.end and b.start <= a.end


def _match(old: list[GapEntry], new: list[GapEntry]) -> tuple[list[GapEntry], list[GapEntry]]:
    """(new gaps with no match, old gaps with no match), by the three rules in order."""
    left_old = list(old)
    pending = list(new)
    for same in (
        lambda a, b: a.start == b.start,
        _same_event,
        _touch,
    ):
        unmatched: list[GapEntry] = []
        for gap in pending:
            partner = next((o for o in left_old if same(o, gap)), None)
            if partner is None:
                unmatched.append(gap)
            else:
                left_old.remove(partner)
        pending = unmatched
    return pending, left_old


def diff_gaps(old: Results, new: Results) -> ContinuityDiff | None:
    """The gaps opened (in ``new``, not ``old``) and closed (in ``old``, not ``new``).

    ``None`` when neither scan judged continuity (no period and no continuity result).
    """
    has_any = any(is_continuity(r) for r in (*old.results, *new.results))
    if old.scan.period is None and new.scan.period is None and not has_any:
        return None
    base = ContinuityDiff(baseline_period=old.scan.period, period=new.scan.period)
    missing = [
        side
        for side, results in (("the baseline", old), ("this scan", new))
        if results.scan.period is None
    ]
    if missing:
        sides = " and ".join(missing)
        verb = "reads" if len(missing) == 1 else "read"
        base.note = (
            f"{sides} {verb} no event history (--no-history): continuity gaps cannot be compared"
        )
        return base
    before = _gaps(old.results)
    after = _gaps(new.results)
    judged = judged_checks(new)
    opened: list[GapEntry] = []
    closed: list[GapEntry] = []
    unverified: list[GapEntry] = []
    for group in sorted(set(before) | set(after)):
        fresh, gone = _match(before.get(group, []), after.get(group, []))
        opened.extend(fresh)
        account, region, check, _ = group
        if (account, region, check) in judged:
            closed.extend(gone)
        else:
            unverified.extend(gone)
    base.opened = sorted(opened, key=gap_key)
    base.closed = sorted(closed, key=gap_key)
    base.unverified = sorted(unverified, key=gap_key)
    return base
