"""Which trails cover an (account, region), and what is known about each of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiposture.memo import IdentityMemo
from aiposture.rules.base import RuleContext, describe_error, errors_for
from aiposture.snapshot.models import AccountSnapshot, Snapshot, Trail


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


_org_trails: IdentityMemo[list[Trail]] = IdentityMemo(size=1)


def organization_trails(snapshot: Snapshot) -> list[Trail]:
    """The organization trails read anywhere in ``snapshot`` (computed once per snapshot).

    Only an organization trail can cover an account other than its owner, so coverage
    needs these and the account's own trails, never every trail of every account.
    """
    return _org_trails.get(
        (snapshot,), lambda: [t for t in snapshot.all_trails() if t.is_organization_trail]
    )


def _candidate_trails(ctx: RuleContext) -> list[Trail]:
    seen: dict[str, Trail] = {t.arn: t for t in ctx.account.trails}
    for trail in organization_trails(ctx.snapshot):
        mine = seen.get(trail.arn)
        if mine is None or trail.completeness > mine.completeness:
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


def selectors_unknown_reason(trail: Trail) -> str:
    """Why a trail's event selectors are missing from the snapshot."""
    errs = errors_for(trail.errors, "GetEventSelectors")
    return describe_error(errs[0]) if errs else "event selectors not read"
