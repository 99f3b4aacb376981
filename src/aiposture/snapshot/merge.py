"""Merging the snapshots of one scan: its shards, or partial runs of it, into one snapshot.

:func:`merge_snapshots` joins snapshots already loaded; :func:`merge_paths` loads snapshot
files and folders first (:func:`~aiposture.snapshot.store.load_any`). Inputs of different
scans, a shard given twice, or a set missing planned accounts are refused with one
:class:`~aiposture.errors.SnapshotError` line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aiposture.errors import SnapshotError
from aiposture.snapshot.history import Period
from aiposture.snapshot.models import AccountSnapshot, CallError, ScanPlan, Snapshot
from aiposture.snapshot.shards import format_shard, shard_accounts
from aiposture.snapshot.store import listed_ids, load_any

__all__ = ["merge_paths", "merge_snapshots"]


def merge_snapshots(
    snapshots: Sequence[Snapshot],
    labels: Sequence[str] | None = None,
    *,
    allow_partial: bool = False,
) -> Snapshot:
    """Join the snapshots of one scan (its shards, or partial runs of it) into one.

    All inputs must share the partition, the scanning identity's account, the requested
    regions and the scan plan (:class:`~aiposture.snapshot.models.ScanPlan`: the scan id
    and the planned accounts); shards must be of one split (the same N), each shard given
    once, and each input may hold only accounts of its own shard. A mixed set raises one
    :class:`SnapshotError` line whatever ``allow_partial`` says.

    The result must hold every planned account. Unless ``allow_partial``, a set that does
    not (a shard left out, an incomplete folder) raises, and so does a set whose inputs
    record no plan (written before plans were recorded: nothing proves it complete). With
    ``allow_partial`` the merge goes on: the result's plan still lists every account, so
    :meth:`~aiposture.snapshot.models.Snapshot.missing_accounts` names the missing ones and
    the evaluation judges them ERROR (inputs without a plan give a result without one).

    Accounts are sorted by account id, so the result does not depend on the input order;
    an account present in two inputs must be identical in both. ``started_at`` is the
    earliest, ``finished_at`` the latest, scan-wide errors are joined without duplicates;
    ``tool`` and ``identity`` come from the first input, and the result's plan is the
    whole plan (no shard). ``labels`` name the inputs in errors.

    The audit period must be the same in every input: all without one (no history read),
    or all with the same period. Shards of a ``--since 90d`` scan started apart resolve it
    against their own start, so their instants may differ while the request (the period's
    label) is the same: the merged period is then the span every shard's history covers,
    from the latest start to the earliest end.
    """
    if not snapshots:
        raise SnapshotError("nothing to merge: no snapshots given")
    names = (
        list(labels) if labels is not None else [f"input {i + 1}" for i in range(len(snapshots))]
    )
    if len(names) != len(snapshots):
        raise ValueError("labels must name every snapshot")
    inputs = list(zip(snapshots, names, strict=True))
    _check_same_scan(inputs, allow_partial=allow_partial)

    accounts: dict[str, tuple[AccountSnapshot, str]] = {}
    errors: list[CallError] = []
    for snap, name in inputs:
        for acct in snap.accounts:
            seen = accounts.get(acct.account_id)
            if seen is None:
                accounts[acct.account_id] = (acct, name)
            elif seen[0].model_dump(mode="json") != acct.model_dump(mode="json"):
                raise SnapshotError(
                    f"cannot merge: account {acct.account_id} is in both {seen[1]} and {name}, "
                    "with different evidence"
                )
        for err in snap.errors:
            if err not in errors:
                errors.append(err)

    first = snapshots[0]
    plan = None
    if first.plan is not None:
        plan = ScanPlan(scan_id=first.plan.scan_id, accounts=list(first.plan.accounts))
        missing = [a for a in plan.accounts if a not in accounts]
        if missing and not allow_partial:
            raise SnapshotError(_incomplete(inputs, plan, missing))

    return Snapshot(
        schema_version=first.schema_version,
        tool=first.tool.model_copy(deep=True),
        started_at=min(s.started_at for s in snapshots),
        finished_at=max(s.finished_at for s in snapshots),
        identity=first.identity.model_copy(deep=True) if first.identity else None,
        partition=first.partition,
        regions_requested=(
            list(first.regions_requested) if first.regions_requested is not None else None
        ),
        plan=plan,
        period=_common_period(snapshots),
        accounts=[accounts[a][0].model_copy(deep=True) for a in sorted(accounts)],
        errors=[e.model_copy(deep=True) for e in errors],
    )


def _common_period(snapshots: Sequence[Snapshot]) -> Period | None:
    """The period every input read (they were checked to be of one request)."""
    periods = [s.period for s in snapshots if s.period is not None]
    if not periods:
        return None
    start = max(p.start for p in periods)
    end = min(p.end for p in periods)
    if end <= start:
        raise SnapshotError(
            f"cannot merge: the inputs read the period {periods[0].label} at times so far "
            "apart that no instant is in all of them; merge only the shards of one scan"
        )
    return Period(start=start, end=end, label=periods[0].label)


def _period_text(period: Period | None) -> str:
    if period is None:
        return "no period (its history was not read)"
    return f"the period {period.label} ({period.start.isoformat()}..{period.end.isoformat()})"


def _same_period(a: Period | None, b: Period | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.label != b.label:
        return False
    if (a.start, a.end) == (b.start, b.end):
        return True
    # the same request resolved at two shards' starts: they must overlap
    return max(a.start, b.start) < min(a.end, b.end)


def _regions(snap: Snapshot) -> str:
    regions = snap.regions_requested
    return "every enabled region" if regions is None else ", ".join(regions) or "no region"


def _check_same_scan(inputs: Sequence[tuple[Snapshot, str]], *, allow_partial: bool) -> None:
    """Raise one :class:`SnapshotError` line unless ``inputs`` are parts of one scan."""
    first, first_name = inputs[0]

    def scanner(snap: Snapshot) -> str | None:
        return snap.identity.account if snap.identity else None

    def region_set(snap: Snapshot) -> frozenset[str] | None:
        return frozenset(snap.regions_requested) if snap.regions_requested is not None else None

    for snap, name in inputs[1:]:
        if snap.schema_version != first.schema_version:
            raise SnapshotError(
                f"cannot merge: {first_name} has schema_version {first.schema_version!r}, "
                f"{name} has {snap.schema_version!r}"
            )
        if snap.partition != first.partition:
            raise SnapshotError(
                f"cannot merge: {first_name} is in partition {first.partition!r}, "
                f"{name} in {snap.partition!r}"
            )
        if scanner(snap) != scanner(first):
            raise SnapshotError(
                f"cannot merge: {first_name} was scanned from account {scanner(first)}, "
                f"{name} from account {scanner(snap)}"
            )
        if (snap.plan is None) != (first.plan is None):
            with_plan, without = (first_name, name) if first.plan else (name, first_name)
            raise SnapshotError(
                f"cannot merge: {with_plan} records a scan plan and {without} does not; "
                "merge only the shards of one scan"
            )
        if snap.plan is not None and first.plan is not None:
            if snap.plan.scan_id != first.plan.scan_id:
                raise SnapshotError(
                    f"cannot merge: {first_name} is of scan {first.plan.scan_id}, {name} of "
                    f"scan {snap.plan.scan_id} (another run, or another plan of accounts or "
                    "regions); merge only the shards of one scan"
                )
            if sorted(snap.plan.accounts) != sorted(first.plan.accounts):
                raise SnapshotError(
                    f"cannot merge: {first_name} and {name} are of scan {first.plan.scan_id} "
                    "but plan different accounts"
                )
        if region_set(snap) != region_set(first):
            raise SnapshotError(
                f"cannot merge: {first_name} requested {_regions(first)}, {name} requested "
                f"{_regions(snap)}; merge only the shards of one scan"
            )
        if not _same_period(snap.period, first.period):
            raise SnapshotError(
                f"cannot merge: {first_name} read {_period_text(first.period)}, {name} read "
                f"{_period_text(snap.period)}; merge only the shards of one scan"
            )

    if first.plan is None:
        if not allow_partial:
            raise SnapshotError(
                f"cannot merge: {first_name} records no scan plan (written before aiposture "
                "recorded one), so nothing proves the set complete; merge with "
                "--allow-partial to accept it as it is"
            )
        return

    shards: dict[int, str] = {}
    split: tuple[int, str] | None = None
    for snap, name in inputs:
        plan = snap.plan
        assert plan is not None
        k_n = plan.shard_k_n
        if k_n is not None:
            k, n = k_n
            if split is not None and split[0] != n:
                raise SnapshotError(
                    f"cannot merge: {split[1]} is a shard of {split[0]}, {name} a shard of {n}; "
                    "merge the shards of one split"
                )
            split = (n, name)
            if k in shards:
                raise SnapshotError(
                    f"cannot merge: shard {plan.shard} is given twice ({shards[k]} and {name})"
                )
            shards[k] = name
        mine = set(plan.shard_accounts())
        stray = [a.account_id for a in snap.accounts if a.account_id not in mine]
        if stray:
            where = f"shard {plan.shard} of scan {plan.scan_id}" if k_n else f"scan {plan.scan_id}"
            raise SnapshotError(
                f"cannot merge: {name} holds accounts outside {where}: {listed_ids(stray)}"
            )


def _incomplete(inputs: Sequence[tuple[Snapshot, str]], plan: ScanPlan, missing: list[str]) -> str:
    """The one-line refusal of a set of one scan that misses planned accounts."""
    given = {s.plan.shard for s, _ in inputs if s.plan is not None and s.plan.shard is not None}
    splits = {s.plan.shard_k_n[1] for s, _ in inputs if s.plan is not None and s.plan.shard_k_n}
    absent = [
        format_shard(k, n)
        for n in sorted(splits)
        for k in range(1, n + 1)
        if format_shard(k, n) not in given and shard_accounts(missing, k, n)
    ]
    why = f" (shard {', '.join(absent)} not given)" if absent else ""
    return (
        f"cannot merge: the set is incomplete: {len(missing)} of {len(plan.accounts)} accounts of "
        f"scan {plan.scan_id} missing{why}: {listed_ids(missing)}; give every shard, or merge with "
        "--allow-partial to judge the missing accounts ERROR"
    )


def merge_paths(paths: Sequence[Path], *, allow_partial: bool = False) -> Snapshot:
    """Load every snapshot file or folder in ``paths`` and merge them (errors name the path).

    ``allow_partial`` accepts incomplete folders and an incomplete set (see
    :func:`merge_snapshots`).
    """
    snapshots = [load_any(Path(p), allow_partial=allow_partial) for p in paths]
    return merge_snapshots(snapshots, labels=[str(p) for p in paths], allow_partial=allow_partial)
