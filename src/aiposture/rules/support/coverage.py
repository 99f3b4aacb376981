"""Which trails cover an (account, region), and what is known about each of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiposture.lang.selectors import trail_logs
from aiposture.memo import Fact
from aiposture.rules.base import RuleContext, describe_error, errors_for
from aiposture.snapshot.models import AccountSnapshot, Trail


def trail_covers(trail: Trail, account: AccountSnapshot, region: str) -> bool:
    """True when events of ``account`` in ``region`` reach ``trail``.

    A trail of the account's own covers its home region, or every region when it is
    multi-region. An organization trail covers the member accounts of its organization.
    """
    if not (trail.is_multi_region or trail.home_region == region):
        return False
    if trail.owner_account_id == account.account_id:
        return True
    org = account.organization
    return bool(
        trail.is_organization_trail
        and org is not None
        and trail.owner_account_id == org.master_account_id
    )


@dataclass(frozen=True)
class Coverage:
    """The trails covering one (account, region), sorted by what is known of them."""

    logging: list[Trail] = field(default_factory=list)
    stopped: list[Trail] = field(default_factory=list)
    unknown: list[tuple[Trail, str]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    @property
    def all_trails(self) -> list[Trail]:
        """Every covering trail, whatever its state."""
        return [*self.logging, *self.stopped, *(t for t, _ in self.unknown)]

    def unverified_reasons(self) -> list[str]:
        """Why coverage could not be fully verified (empty when everything was read)."""
        return [*self.gaps, *(f"trail {t.name}: {why}" for t, why in self.unknown)]

    @property
    def judgeable(self) -> list[Trail]:
        """The logging trails whose event selectors were read."""
        return [t for t in self.logging if t.event_selectors is not None]

    def selector_gaps(self) -> list[str]:
        """Every reason selector-based coverage is unverified, unreadable selectors included."""
        return [
            *self.unverified_reasons(),
            *(
                f"trail {t.name}: {selectors_unknown_reason(t)}"
                for t in self.logging
                if t.event_selectors is None
            ),
        ]


_ORG_TRAILS: Fact[list[Trail]] = Fact("organization trails", size=1)


def organization_trails(ctx: RuleContext) -> list[Trail]:
    """The organization trails read anywhere in ``ctx``'s snapshot (once per evaluation).

    Only an organization trail can cover an account other than its owner, so coverage
    needs these and the account's own trails, never every trail of every account.
    """
    snapshot = ctx.snapshot
    return ctx.memo.get(
        _ORG_TRAILS,
        (snapshot,),
        lambda: [t for t in snapshot.all_trails() if t.is_organization_trail],
    )


def _rank(trail: Trail) -> tuple[int, bool]:
    """Which copy of a trail to judge: the most complete, and on a tie the owner's read."""
    return trail.completeness, not trail.owner_reads_skipped


def _candidate_trails(ctx: RuleContext) -> list[Trail]:
    """The account's trails, each organization trail as the best copy the scan read.

    A member's copy of its organization's trail holds only the status (the rest is the
    management account's to read), so when the management account is in the scan (``--org``
    or a merged shard) its copy is judged.
    """
    seen: dict[str, Trail] = {t.arn: t for t in ctx.account.trails}
    for trail in organization_trails(ctx):
        mine = seen.get(trail.arn)
        if mine is None or _rank(trail) > _rank(mine):
            seen[trail.arn] = trail
    return list(seen.values())


def coverage(ctx: RuleContext) -> Coverage:
    """The trails that cover ``ctx``'s account and region, split by logging state."""
    cov = Coverage()
    reg = ctx.region_snapshot
    if reg is None or reg.trail_arns is None:
        errs = errors_for(reg.errors if reg else [], "DescribeTrails")
        why = describe_error(errs[0]) if errs else "CloudTrail DescribeTrails was not read"
        cov.gaps.append(f"the trails of {ctx.account_id} in {ctx.region} are unknown: {why}")
    for trail in sorted(_candidate_trails(ctx), key=lambda t: t.arn):
        if not trail_covers(trail, ctx.account, ctx.region):
            continue
        if trail.status is None:
            errs = errors_for(trail.errors, "GetTrailStatus")
            cov.unknown.append((trail, describe_error(errs[0]) if errs else "status not read"))
        elif trail.status.is_logging:
            cov.logging.append(trail)
        else:
            cov.stopped.append(trail)
    return cov


ARN_INVALID = "CloudTrailARNInvalidException"
"""CloudTrail's error for a read that only the trail's owner account may make."""


def owner_only(trail: Trail, operation: str) -> bool:
    """True when ``operation`` on ``trail`` is the owner account's alone and was not its read.

    That is a copy read from another account (``owner_reads_skipped``), or, in a snapshot
    written before it was set, a read another account made that CloudTrail refused with
    CloudTrailARNInvalidException.
    """
    if trail.owner_reads_skipped:
        return True
    return any(
        e.error_code == ARN_INVALID and e.account_id not in (None, trail.owner_account_id)
        for e in errors_for(trail.errors, operation)
    )


def owner_only_reason(trail: Trail, what: str) -> str:
    """Why ``what`` of a trail read from another account is unknown, and how to read it."""
    owner = trail.owner_account_id
    if trail.is_organization_trail:
        return (
            f"it is the organization trail {trail.arn} of the management account {owner}, and "
            f"only that account can read its {what} (CloudTrail answers other accounts with "
            f"{ARN_INVALID}); include the management account {owner} in the scan: scan with "
            "--org from the management account, add its role with --assume-role, or merge "
            "its shard with aiposture merge"
        )
    return (
        f"trail {trail.arn} belongs to account {owner}, and only that account can read its "
        f"{what} (CloudTrail answers other accounts with {ARN_INVALID}); include account "
        f"{owner} in the scan: add its role with --assume-role or merge its shard with "
        "aiposture merge"
    )


def unread_reason(trail: Trail, operation: str, what: str) -> str:
    """Why ``trail``'s ``what`` (read with CloudTrail ``operation``) is missing from the snapshot.

    The recorded failure of the call, or, for a trail only its owner account may read, that
    account and how to include it in the scan.
    """
    if owner_only(trail, operation):
        return owner_only_reason(trail, what)
    errs = errors_for(trail.errors, operation)
    return describe_error(errs[0]) if errs else f"{what} not read"


def selectors_unknown_reason(trail: Trail) -> str:
    """Why a trail's event selectors are missing from the snapshot."""
    return unread_reason(trail, "GetEventSelectors", "event selectors")


def logged_by(
    trails: list[Trail], event: Mapping[str, Any], partition: str
) -> tuple[str, str] | None:
    """The first of ``trails`` (selectors read) that logs ``event``: (trail, selector name)."""
    for trail in trails:
        assert trail.event_selectors is not None
        match = trail_logs(trail.event_selectors.as_api(), event, partition)
        if match.logged:
            return trail.name, match.selector_name or ""
    return None


def coverage_failure(cov: Coverage, ctx: RuleContext) -> str:
    """Why no logging trail covers ``ctx``'s account and region (naming stopped trails)."""
    stopped = ", ".join(t.name for t in cov.stopped)
    tail = f" (trail {stopped} covers it but is not logging)" if stopped else ""
    return f"no logging trail covers account {ctx.account_id} in {ctx.region}{tail}"


def trail_rows(cov: Coverage) -> list[dict[str, Any]]:
    """Each trail of ``cov`` with its logging state and selector mode, for evidence."""
    rows = []
    for trail in cov.all_trails:
        state = (
            "logging" if trail in cov.logging else "stopped" if trail in cov.stopped else "unknown"
        )
        rows.append(
            {
                "name": trail.name,
                "arn": trail.arn,
                "state": state,
                "selectors": trail.event_selectors.mode if trail.event_selectors else "not read",
            }
        )
    return rows
