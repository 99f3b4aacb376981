"""What changed between two scans: new failures, resolved, regressed, and score changes.

Results are matched on (check id, account, region, resource ARN). "Failing" means FAIL or
ERROR: an unverified control is not a passing one. Between two audit periods, the continuity
gaps that opened or closed are compared too (:mod:`aiposture.engine.continuity_diff`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from aiposture.engine.continuity_diff import diff_gaps
from aiposture.engine.scoring import rescored
from aiposture.errors import BaselineError, SnapshotError
from aiposture.results import Diff, DiffEntry, Result, Results, Status, load_results

__all__ = ["diff_results", "has_regression", "load_baseline"]

_FAILING = {Status.FAIL, Status.ERROR}
Key = tuple[str, str | None, str | None, str | None, int]


def _keyed(results: Iterable[Result]) -> dict[Key, Result]:
    """Results by key; a repeated key (same check and resource twice) gets an occurrence number."""
    seen: Counter[tuple[str, str | None, str | None, str | None]] = Counter()
    out: dict[Key, Result] = {}
    for r in results:
        base = (r.check_id, r.account_id, r.region, r.resource_arn)
        out[(*base, seen[base])] = r
        seen[base] += 1
    return out


def _entry(result: Result, old: Status | None, new: Status | None) -> DiffEntry:
    return DiffEntry(
        check_id=result.check_id,
        title=result.title,
        severity=result.severity,
        account_id=result.account_id,
        region=result.region,
        resource_arn=result.resource_arn,
        old_status=old,
        new_status=new,
    )


def _order(entry: DiffEntry) -> tuple[int, str, str, str, str]:
    return (
        entry.severity.rank,
        entry.check_id,
        entry.account_id or "",
        entry.region or "",
        entry.resource_arn or "",
    )


def diff_results(old: Results, new: Results) -> Diff:
    """Compare a baseline scan (``old``) with this one (``new``). Pure.

    - new_failures: failing now, and absent from the baseline;
    - regressed: in the baseline and not failing there, failing now;
    - resolved: failing in the baseline, and passing, waived, not applicable or gone now;
    - score_changes: ``overall`` and every dimension either scan scored: (old, new);
    - continuity: the gaps opened and closed between the two periods (None when neither
      scan judged continuity).
    """
    before = _keyed(old.results)
    after = _keyed(new.results)
    new_failures: list[DiffEntry] = []
    regressed: list[DiffEntry] = []
    resolved: list[DiffEntry] = []
    for key, result in after.items():
        if result.status not in _FAILING:
            continue
        previous = before.get(key)
        if previous is None:
            new_failures.append(_entry(result, None, result.status))
        elif previous.status not in _FAILING:
            regressed.append(_entry(result, previous.status, result.status))
    for key, previous in before.items():
        if previous.status not in _FAILING:
            continue
        current = after.get(key)
        if current is None:
            resolved.append(_entry(previous, previous.status, None))
        elif current.status not in _FAILING:
            resolved.append(_entry(current, previous.status, current.status))
    changes: dict[str, tuple[float | None, float | None]] = {
        "overall": (old.scores.overall, new.scores.overall)
    }
    for dim in sorted(set(old.scores.dimensions) | set(new.scores.dimensions)):
        changes[dim] = (old.scores.dimensions.get(dim), new.scores.dimensions.get(dim))
    return Diff(
        baseline_finished_at=old.scan.finished_at,
        baseline_snapshot_sha256=old.scan.snapshot_sha256,
        new_failures=sorted(new_failures, key=_order),
        resolved=sorted(resolved, key=_order),
        regressed=sorted(regressed, key=_order),
        score_changes=changes,
        continuity=diff_gaps(old, new),
    )


def load_baseline(path: Path) -> Results:
    """Read a baseline results file; any problem raises one-line :class:`BaselineError`."""
    try:
        return rescored(load_results(path))
    except SnapshotError as exc:
        raise BaselineError(f"baseline: {exc}") from exc


def has_regression(diff: Diff) -> bool:
    """True when the diff has a new failure, a regression, or a continuity gap opened."""
    opened = diff.continuity.opened if diff.continuity else []
    return bool(diff.new_failures or diff.regressed or opened)
