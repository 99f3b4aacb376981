"""Rule kind ``insights_enabled``: CloudTrail Insights of a type, for management and data events."""

from __future__ import annotations

from typing import Any

from aiposture.engine.results import Status
from aiposture.lang.insights import insight_categories, insight_prerequisite_ok
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error, errors_for
from aiposture.rules.coverage import coverage


class InsightsParams(Params):
    """Parameters of ``insights_enabled``."""

    insight_type: str
    categories: list[str] = ["Management", "Data"]


def insights_enabled(p: InsightsParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether ``p.insight_type`` is on, with prerequisites met, for every required category."""
    cov = coverage(ctx)
    covered: dict[str, str] = {}
    notes: list[str] = []
    unverified = list(cov.unverified_reasons())
    rows: list[dict[str, Any]] = []
    for trail in cov.logging:
        if trail.insight_selectors is None:
            errs = errors_for(trail.errors, "GetInsightSelectors")
            unverified.append(
                f"trail {trail.name}: "
                + (describe_error(errs[0]) if errs else "Insights selectors not read")
            )
            continue
        enabled = insight_categories(trail.insight_selectors, p.insight_type)
        selectors = trail.event_selectors.as_api() if trail.event_selectors else None
        rows.append(
            {
                "trail": trail.name,
                "insight_selectors": trail.insight_selectors,
                "enabled_for": sorted(enabled),
            }
        )
        for category in sorted(enabled):
            if selectors is None:
                unverified.append(f"trail {trail.name}: event selectors not read")
            elif insight_prerequisite_ok(p.insight_type, category, selectors):
                covered.setdefault(category, trail.name)
            else:
                notes.append(
                    f"trail {trail.name} enables {p.insight_type} for {category} events but does not "
                    f"log the {category.lower()} events it needs"
                    + (" (write events)" if p.insight_type == "ApiCallRateInsight" else "")
                )
    missing = [c for c in p.categories if c not in covered]
    evidence: dict[str, Any] = {"trails": rows, "covered": covered}
    if notes:
        evidence["notes"] = notes
    if unverified:
        evidence["unverified"] = unverified
    if not missing:
        by = ", ".join(f"{c}: {t}" for c, t in covered.items())
        return [Outcome(Status.PASS, f"{p.insight_type} is enabled ({by}).", evidence=evidence)]
    if unverified:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot verify {p.insight_type}: " + "; ".join(unverified),
                evidence=evidence,
            )
        ]
    if not cov.logging:
        why = f"no logging trail covers account {ctx.account_id} in {ctx.region}"
    else:
        why = f"not enabled for {' and '.join(e.lower() for e in missing)} events on any covering trail"
        if notes:
            why += "; " + "; ".join(notes)
    return [Outcome(Status.FAIL, f"{p.insight_type} is missing: {why}.", evidence=evidence)]


INSIGHTS = RuleKind(
    name="insights_enabled",
    function=insights_enabled,
    params=InsightsParams,
    scope="account_region",
    summary="A covering trail enables an Insights type for management and data events, with prerequisites.",
)
