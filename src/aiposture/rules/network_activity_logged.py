"""Rule kind ``network_activity_logged``: the covering trails log VPC endpoint denials.

It passes when a covering trail's network activity selectors log a representative denied
event of the service, as judged by the exact selector evaluator.
"""

from __future__ import annotations

from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.coverage import coverage, coverage_failure, logged_by, trail_rows
from aiposture.rules.support.events import cloudtrail_event, describe_event


class NetworkActivityParams(Params):
    """Parameters of ``network_activity_logged``."""

    event_source: str
    event_name: str
    error_code: str = "VpceAccessDenied"


def network_activity_logged(p: NetworkActivityParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether the covering trails log VPC-endpoint denials of ``p.event_source``."""
    cov = coverage(ctx)
    known = cov.judgeable
    unverified = cov.selector_gaps()
    event = cloudtrail_event(
        category="NetworkActivity",
        source=p.event_source,
        name=p.event_name,
        read_only=None,
        account=ctx.account_id,
        region=ctx.region,
        error_code=p.error_code,
        vpc_endpoint_id="vpce-0aiposture0probe",
    )
    hit = logged_by(known, event, ctx.partition)
    evidence: dict[str, Any] = {
        "event": describe_event(event),
        "event_source": p.event_source,
        "trails": trail_rows(cov),
        "selectors": [
            {"trail": t.name, "selector": s}
            for t in known
            for s in (t.event_selectors.advanced or [] if t.event_selectors else [])
            if any(
                f.get("Field") == "eventCategory" and "NetworkActivity" in f.get("Equals", [])
                for f in s.get("FieldSelectors", [])
            )
        ][:10],
    }
    if unverified:
        evidence["unverified"] = unverified
    if hit:
        return [
            Outcome(
                Status.PASS,
                f"Network activity events from {p.event_source} with {p.error_code} are logged "
                f"by {hit[0]} ({hit[1]}).",
                evidence=evidence,
            )
        ]
    if unverified:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot verify network activity logging for {p.event_source}: "
                + "; ".join(unverified),
                evidence=evidence,
            )
        ]
    why = (
        coverage_failure(cov, ctx)
        if not cov.logging
        else f"no network activity selector of the covering trails ({', '.join(t.name for t in known)}) "
        f"logs {p.error_code} events from {p.event_source}"
    )
    return [
        Outcome(
            Status.FAIL,
            f"VPC endpoint denials ({p.error_code}) for {p.event_source} are not logged: {why}.",
            evidence=evidence,
        )
    ]


NETWORK_ACTIVITY = RuleKind(
    name="network_activity_logged",
    function=network_activity_logged,
    params=NetworkActivityParams,
    scope="account_region",
    summary="The trails covering the account and region log VPC endpoint denials of a service.",
    results="region",
)
