"""Rule kind ``insights_enabled``: CloudTrail Insights of a type, for management and data events."""

from __future__ import annotations

from typing import Any

from aiposture.lang.insights import insight_categories, insight_prerequisite_ok
from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.coverage import coverage, selectors_unknown_reason, unread_reason


class InsightsParams(Params):
    """Parameters of ``insights_enabled``."""

    insight_type: str
    categories: list[str] = ["Management", "Data"]


def insights_enabled(p: InsightsParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether ``p.insight_type`` is on, with prerequisites met, for every required category.

    A trail for which CloudTrail answers GetInsightSelectors with UnsupportedOperationException
    cannot have Insights: it is named as such; when every logging trail is so, the check is
    NOT_APPLICABLE with that reason.
    """
    cov = coverage(ctx)
    covered: dict[str, str] = {}
    notes: list[str] = []
    unverified = list(cov.unverified_reasons())
    rows: list[dict[str, Any]] = []
    unavailable: list[str] = []
    for trail in cov.logging:
        unsupported = trail.insights_unsupported
        if trail.insight_selectors is None and unsupported is not None:
            unavailable.append(
                f"trail {trail.name}: Insights are not available for it (GetInsightSelectors "
                f"in {unsupported.region}: {unsupported.error_code}: {unsupported.message})"
            )
            continue
        if trail.insight_selectors is None:
            why = unread_reason(trail, "GetInsightSelectors", "Insights selectors")
            unverified.append(f"trail {trail.name}: {why}")
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
                unverified.append(f"trail {trail.name}: {selectors_unknown_reason(trail)}")
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
    if unavailable:
        evidence["insights_unavailable"] = unavailable
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
    if unavailable and len(unavailable) == len(cov.logging):
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"{p.insight_type} cannot be enabled on the trails covering {ctx.region}: "
                + "; ".join(unavailable),
                evidence=evidence,
            )
        ]
    if not cov.logging:
        why = f"no logging trail covers account {ctx.account_id} in {ctx.region}"
    else:
        why = f"not enabled for {' and '.join(e.lower() for e in missing)} events on any covering trail"
        if notes:
            why += "; " + "; ".join(notes)
        if unavailable:
            why += "; " + "; ".join(unavailable)
    return [Outcome(Status.FAIL, f"{p.insight_type} is missing: {why}.", evidence=evidence)]


INSIGHTS = RuleKind(
    name="insights_enabled",
    function=insights_enabled,
    params=InsightsParams,
    scope="account_region",
    summary="A covering trail enables an Insights type for management and data events, with prerequisites.",
    results="region",
)
