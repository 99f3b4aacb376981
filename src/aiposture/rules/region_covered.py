"""Rule kind ``region_covered``: some logging trail covers the account and region."""

from __future__ import annotations

from typing import Any

from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind
from aiposture.rules.support.coverage import coverage
from aiposture.rules.support.trails import trail_summary


def region_covered(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Some logging trail (multi-region, homed here, or an organization trail) covers the region."""
    cov = coverage(ctx)
    evidence: dict[str, Any] = {"trails": [trail_summary(t) for t in cov.all_trails]}
    if cov.logging:
        names = ", ".join(
            f"{t.name}" + (" (organization trail)" if t.owner_account_id != ctx.account_id else "")
            for t in cov.logging
        )
        return [Outcome(Status.PASS, f"{ctx.region} is covered by {names}.", evidence=evidence)]
    reasons = cov.unverified_reasons()
    if reasons:
        return [
            Outcome(
                Status.ERROR,
                "Cannot verify region coverage: " + "; ".join(reasons),
                evidence=evidence,
            )
        ]
    stopped = (
        f"; {', '.join(t.name for t in cov.stopped)} covers it but is not logging"
        if cov.stopped
        else ""
    )
    return [
        Outcome(
            Status.FAIL,
            f"No logging trail covers account {ctx.account_id} in {ctx.region}: there is no multi-region "
            f"trail, organization trail or trail homed in {ctx.region}{stopped}.",
            evidence=evidence,
        )
    ]


REGION_COVERED = RuleKind(
    "region_covered",
    region_covered,
    NoParams,
    "account_region",
    "A logging trail covers the region.",
    results="region",
)
