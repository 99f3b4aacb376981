"""Verifying a plan: play it on the snapshot, judge again, compare result by result."""

from __future__ import annotations

from aiposture.config import Config
from aiposture.engine.catalog import Catalog
from aiposture.engine.runner import evaluate
from aiposture.remediate.apply import applied
from aiposture.remediate.build import attribute_side_effects, build_plan
from aiposture.remediate.plan import Plan, StatusChange, Verification
from aiposture.remediate.planning import judges_past
from aiposture.remediate.planning import result_key as _key
from aiposture.results import Results, Status
from aiposture.snapshot.models import Snapshot

UNVERIFIED_ENV = "AIPOSTURE_APPLY_UNVERIFIED"
"""Set to the account id, lets the ``apply.sh`` of a plan that failed verification run."""


def failure(verification: Verification | None) -> str | None:
    """Why ``verification`` failed, on one line; None when it passed or none was made."""
    if verification is None or verification.ok:
        return None
    parts = []
    if verification.not_fixed:
        parts.append(
            f"{len(verification.not_fixed)} of {verification.targeted} targeted result(s) "
            "would still not pass"
        )
    if verification.regressed:
        parts.append(f"{len(verification.regressed)} passing result(s) would fail")
    return "the plan failed its verification: " + " and ".join(parts)


def judged_after(plan: Plan, snapshot: Snapshot, catalog: Catalog, config: Config) -> Results:
    """The results a scan would report once every change of ``plan`` is made."""
    steps = [s for a in plan.accounts for s in a.changes]
    return evaluate(applied(snapshot, steps), plan.snapshot_sha256, catalog, config)


def compare(plan: Plan, before: Results, after: Results, catalog: Catalog) -> Verification:
    """Classify each result of ``before`` by its status in ``after`` and ``plan``'s targets.

    Results are matched by :func:`~aiposture.remediate.planning.result_key` (``catalog``
    gives each check's kind). The results of a check that judges the past (a continuity
    check: :attr:`~aiposture.rules.base.RuleKind.judges_past`) are left out: a change made
    now neither fixes nor breaks what happened in the audit period, and the changed
    snapshot's history is the same history.
    """
    now_by_key = {_key(r, catalog): r for r in after.results}
    targeted = {t.key for t in plan.targets}
    out = Verification(targeted=len(targeted))
    for result in before.results:
        if judges_past(result, catalog):
            continue
        key = _key(result, catalog)
        now = now_by_key.get(key)
        change = StatusChange(
            check_id=result.check_id,
            account_id=result.account_id,
            region=result.region,
            resource_arn=key[3],
            title=result.title,
            before=result.status,
            after=now.status if now else None,
            targeted=key in targeted,
        )
        if key in targeted:
            (out.fixed if change.after == Status.PASS else out.not_fixed).append(change)
        elif change.after == change.before:
            out.unchanged += 1
        elif result.status == Status.PASS:
            out.regressed.append(change)
        else:
            out.other_changes.append(change)
    return out


def plan_and_verify(
    snapshot: Snapshot, results: Results, catalog: Catalog, config: Config, snapshot_sha256: str
) -> tuple[Plan, Verification]:
    """Build the plan, attribute what it fixes on the side, and verify it.

    The changed snapshot is judged once: attributing side effects moves targets between
    steps and changes no step, so the same judgement verifies the final plan.
    """
    before = evaluate(snapshot, snapshot_sha256, catalog, config)
    plan = build_plan(snapshot, results, catalog, config, snapshot_sha256)
    after = judged_after(plan, snapshot, catalog, config)
    plan = attribute_side_effects(plan, compare(plan, before, after, catalog))
    return plan, compare(plan, before, after, catalog)
