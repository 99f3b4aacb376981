"""Rule kinds about trails themselves: logging, region coverage, and trail attributes."""

from __future__ import annotations

from typing import Any, Literal

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error, errors_for
from aiposture.rules.coverage import coverage
from aiposture.snapshot.models import Trail


def trails_homed_here(ctx: RuleContext) -> list[Trail]:
    """The trails the account owns whose home region is the region being judged."""
    return [
        t
        for t in ctx.account.trails
        if t.owner_account_id == ctx.account_id and t.home_region == ctx.region
    ]


def trail_summary(trail: Trail) -> dict[str, Any]:
    """A trail's main attributes, for evidence."""
    return {
        "name": trail.name,
        "arn": trail.arn,
        "home_region": trail.home_region,
        "multi_region": trail.is_multi_region,
        "organization_trail": trail.is_organization_trail,
        "status": trail.status.model_dump(mode="json") if trail.status else None,
        "tags": trail.tags,
    }


class NoParams(Params):
    """A rule kind without parameters."""


def trail_logging(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Each trail homed here is logging."""
    out = []
    for trail in trails_homed_here(ctx):
        evidence = trail_summary(trail)
        if trail.status is None:
            errs = errors_for(trail.errors, "GetTrailStatus")
            why = describe_error(errs[0]) if errs else "GetTrailStatus was not read"
            out.append(
                Outcome(
                    Status.ERROR,
                    f"Cannot read the status of trail {trail.name}: {why}",
                    trail.arn,
                    evidence,
                )
            )
        elif trail.status.is_logging:
            out.append(Outcome(Status.PASS, f"Trail {trail.name} is logging.", trail.arn, evidence))
        else:
            stopped = trail.status.time_logging_stopped
            since = f" since {stopped.isoformat()}" if stopped else ""
            out.append(
                Outcome(
                    Status.FAIL,
                    f"Trail {trail.name} is not logging{since}: it records nothing.",
                    trail.arn,
                    evidence,
                )
            )
    return out


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


class AttributeParams(Params):
    """Parameters of ``trail_attribute``."""

    attribute: Literal["log_file_validation_enabled", "kms_key_id"]
    description: str


def trail_attribute(p: AttributeParams, ctx: RuleContext) -> list[Outcome]:
    """Each trail homed here has the attribute set."""
    out = []
    for trail in trails_homed_here(ctx):
        value = getattr(trail, p.attribute)
        evidence = {**trail_summary(trail), p.attribute: value}
        if value:
            out.append(
                Outcome(
                    Status.PASS, f"Trail {trail.name} has {p.description}.", trail.arn, evidence
                )
            )
        else:
            out.append(
                Outcome(
                    Status.FAIL,
                    f"Trail {trail.name} does not have {p.description}.",
                    trail.arn,
                    evidence,
                )
            )
    return out


TRAIL_LOGGING = RuleKind("trail_logging", trail_logging, NoParams, "trail", "The trail is logging.")
REGION_COVERED = RuleKind(
    "region_covered",
    region_covered,
    NoParams,
    "account_region",
    "A logging trail covers the region.",
)
TRAIL_ATTRIBUTE = RuleKind(
    "trail_attribute", trail_attribute, AttributeParams, "trail", "The trail has an attribute set."
)
