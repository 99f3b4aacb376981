"""Building the fix plan from a snapshot and its results.

The builder works phase by phase on a copy of the snapshot: trails first (start logging
and log file validation here; selectors and Insights in :mod:`.trail_selectors`), then
invocation logging, then the detection layer (:mod:`.detection`) on the log groups those
trails deliver to. Each phase sees the previous phases' changes
(:func:`aiposture.remediate.apply.applied`), so a filter is planned on the log group of a
trail the plan starts. Every failure the plan cannot fix becomes an
:class:`~aiposture.remediate.plan.Unresolved` step that names the config key to set or
says why it is a manual change.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import aiposture
from aiposture.config import Config
from aiposture.engine.catalog import Catalog
from aiposture.remediate.detection import DetectionPlanner
from aiposture.remediate.plan import (
    STEP_ORDER,
    AccountPlan,
    CreateLogGroup,
    Plan,
    PutInvocationLogging,
    StartLogging,
    Step,
    Target,
    Unresolved,
    UpdateTrail,
    Verification,
)
from aiposture.remediate.planning import PlanState, judges_past, result_key, trail_fields
from aiposture.remediate.trail_selectors import TrailSelectorPlanner
from aiposture.results import Result, Results, Status
from aiposture.rules.support.coverage import coverage
from aiposture.rules.trail_attribute import AttributeParams
from aiposture.snapshot.models import AccountSnapshot, Snapshot


class PlanBuilder(PlanState):
    """Builds a :class:`Plan` for the failing results of one evaluation."""

    def build(self) -> Plan:
        """Run every phase and assemble the plan."""
        self._trail_state()
        TrailSelectorPlanner(self).run()
        self._invocation_logging()
        DetectionPlanner(self).run()
        for r in self.failing:
            if result_key(r, self.catalog) not in self.claimed:
                past = judges_past(r, self.catalog)
                self.leave(r, _past_reason(r) if past else _default_reason(r))
        return self._assemble()

    def _trail_state(self) -> None:
        trails = {t.arn: t for t in self.snapshot.all_trails()}
        starts: dict[str, list[Result]] = defaultdict(list)
        validation: dict[str, list[Result]] = defaultdict(list)
        for r in self.failing:
            kind = self.kind_of(r.check_id)
            if kind == "trail_logging" and r.resource_arn in trails:
                starts[r.resource_arn].append(r)
            elif kind == "trail_attribute" and r.resource_arn in trails:
                p = self.params(r.check_id)
                if isinstance(p, AttributeParams) and p.attribute == "log_file_validation_enabled":
                    validation[r.resource_arn].append(r)
            elif kind == "region_covered" and r.account_id and r.region:
                ctx = self.ctx(self.snapshot, r.account_id, r.region)
                cov = coverage(ctx) if ctx else None
                if cov and cov.stopped:
                    starts[cov.stopped[0].arn].append(r)
        for arn, found in sorted(validation.items()):
            trail = trails[arn]
            self.add(
                UpdateTrail(
                    **trail_fields(trail),
                    reason=f"Trail {trail.name} does not validate its log files: a changed or "
                    "deleted log file would go unnoticed.",
                    enable_log_file_validation=True,
                ),
                found,
            )
        for arn, found in sorted(starts.items()):
            trail = trails[arn]
            self.add(
                StartLogging(
                    **trail_fields(trail),
                    reason=f"Trail {trail.name} exists but is not logging, so it records nothing.",
                    notes=[
                        "Starting a trail makes its selectors take effect: review them on this page "
                        "before running the script."
                    ],
                ),
                found,
            )

    def _invocation_logging(self) -> None:
        rem = self.config.remediation
        for r in self.failing:
            if (
                self.kind_of(r.check_id) != "model_invocation_logging"
                or not r.account_id
                or not r.region
            ):
                continue
            acct = self.snapshot.account(r.account_id)
            reg = acct.regions.get(r.region) if acct else None
            if acct is None or reg is None or reg.invocation_logging is None:
                continue
            current = dict(reg.invocation_logging.config)
            cw = dict(current.get("cloudWatchConfig") or {})
            group = cw.get("logGroupName") or rem.invocation_log_group
            role = cw.get("roleArn") or _role_for(acct, rem.invocation_logging_role_arns)
            if not role:
                self.leave(
                    r,
                    f"Bedrock needs a role to write invocation logs to CloudWatch Logs in account "
                    f"{r.account_id}; no role is known (none is used in another region)",
                    "remediation.invocation_logging_role_arns",
                )
                continue
            if not any(g.name == group for g in reg.log_groups):
                self.add(
                    CreateLogGroup(
                        account_id=r.account_id,
                        region=r.region,
                        reason=f"Invocation logs need the log group {group}, which does not exist.",
                        log_group_name=group,
                    )
                )
            cw.update(logGroupName=group, roleArn=role)
            config = {**current, "cloudWatchConfig": cw, "textDataDeliveryEnabled": True}
            self.add(
                PutInvocationLogging(
                    account_id=r.account_id,
                    region=r.region,
                    reason=f"Bedrock model invocation logging in {r.region} "
                    + (
                        "is off."
                        if not current
                        else "is incomplete (no CloudWatch Logs or no text)."
                    ),
                    notes=["The existing destinations and delivery settings are kept."]
                    if current
                    else [],
                    before=current,
                    config=config,
                ),
                [r],
            )

    # --- assembly --------------------------------------------------------------------

    def _assemble(self) -> Plan:
        by_account: dict[str, list[Step]] = defaultdict(list)
        for step in [*self.steps, *self.unresolved.values()]:
            by_account[step.account_id].append(step)
        order = {kind: i for i, kind in enumerate(STEP_ORDER)}
        accounts = [
            AccountPlan(
                account_id=account,
                steps=sorted(steps, key=lambda s: (order[s.kind], s.region, s.subject)),
            )
            for account, steps in sorted(by_account.items())
        ]
        return Plan(
            tool_version=aiposture.__version__,
            generated_at=datetime.now(UTC),
            snapshot_sha256="",
            accounts=accounts,
        )


def _role_for(acct: AccountSnapshot, configured: list[str]) -> str | None:
    for arn in configured:
        if arn.split(":")[4:5] == [acct.account_id]:
            return arn
    for reg in acct.regions.values():
        cw = (
            reg.invocation_logging.config.get("cloudWatchConfig")
            if reg.invocation_logging
            else None
        ) or {}
        if cw.get("roleArn"):
            return str(cw["roleArn"])
    return None


def _past_reason(result: Result) -> str:
    """The note a continuity FAIL gets: investigate the past gap, no change can fix it."""
    return (
        f"{result.message} This gap lies in the past, which no change can fix: investigate it "
        "(who made each change and why, what went unrecorded or unalerted while it lasted), "
        "record the finding for the audit, and prevent a recurrence (see the check's "
        "remediation). The plan neither targets this result nor counts it as fixed."
    )


def _default_reason(result: Result) -> str:
    return f"{result.message} The plan has no safe automatic change for this check; fix it by hand."


def build_plan(
    snapshot: Snapshot,
    results: Results,
    catalog: Catalog,
    config: Config,
    snapshot_sha256: str,
) -> Plan:
    """The fix plan for every failing result of ``results`` (judged on ``snapshot``)."""
    plan = PlanBuilder(snapshot, results, catalog, config).build()
    plan.snapshot_sha256 = snapshot_sha256
    return plan


def attribute_side_effects(plan: Plan, verification: Verification) -> Plan:
    """Move results the plan fixes without targeting them from Unresolved to their step.

    Starting a trail, say, makes its existing selectors count; the results that turn to
    PASS that way are fixed by the plan and are listed with the change of their account
    and region (or of their account) that comes first.
    """
    fixed = {
        (c.check_id, c.account_id, c.region, c.resource_arn)
        for c in verification.other_changes
        if c.before == Status.FAIL and c.after == Status.PASS
    }
    if not fixed:
        return plan
    for account in plan.accounts:
        moved: list[Target] = []
        kept: list[Step] = []
        for step in account.steps:
            if isinstance(step, Unresolved) and all(t.key in fixed for t in step.targets):
                moved.extend(step.targets)
            else:
                kept.append(step)
        for target in moved:
            home = next(
                (s for s in kept if not isinstance(s, Unresolved) and s.region == target.region),
                None,
            ) or next((s for s in kept if not isinstance(s, Unresolved)), None)
            if home is None:
                continue
            home.targets.append(target)
            home.notes.append(f"Also fixes {target.check_id} in {target.region or 'the account'}.")
        account.steps = kept
    return plan
