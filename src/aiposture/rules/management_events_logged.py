"""Rule kind ``management_events_logged``: read and write management events reach a trail."""

from __future__ import annotations

from typing import Any

from aiposture.lang.selectors import trail_logs
from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.coverage import coverage
from aiposture.rules.support.events import cloudtrail_event, describe_event
from aiposture.rules.support.selector_facts import logs_nothing_reason


class ManagementEvent(Params):
    """A management event that must be logged."""

    source: str
    name: str
    read_only: bool


class ManagementParams(Params):
    """Parameters of ``management_events_logged``."""

    events: list[ManagementEvent]


def management_events_logged(p: ManagementParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether the covering, logging trails record every listed management event."""
    cov = coverage(ctx)
    known = cov.judgeable
    unverified = cov.selector_gaps()
    rows: list[dict[str, Any]] = []
    for spec in p.events:
        event = cloudtrail_event(
            category="Management",
            source=spec.source,
            name=spec.name,
            read_only=spec.read_only,
            account=ctx.account_id,
            region=ctx.region,
        )
        hit = None
        for trail in known:
            assert trail.event_selectors is not None
            match = trail_logs(trail.event_selectors.as_api(), event, ctx.partition)
            if match.logged:
                hit = (trail.name, match.selector_name)
                break
        rows.append(
            {
                "event": f"{spec.source} {describe_event(event)}",
                "logged": hit is not None,
                "trail": hit[0] if hit else None,
                "selector": hit[1] if hit else None,
            }
        )
    evidence: dict[str, Any] = {
        "events": rows,
        "trails": [
            {
                "name": t.name,
                "arn": t.arn,
                "selectors": t.event_selectors.as_api() if t.event_selectors else None,
            }
            for t in cov.logging
        ],
        "stopped_trails": [t.name for t in cov.stopped],
    }
    if unverified:
        evidence["unverified"] = unverified
    missing = [r for r in rows if not r["logged"]]
    if not missing:
        trails = sorted({str(r["trail"]) for r in rows})
        return [
            Outcome(
                Status.PASS,
                f"Read and write management events in {ctx.region} are logged by {', '.join(trails)}.",
                evidence=evidence,
            )
        ]
    if unverified:
        return [
            Outcome(
                Status.ERROR,
                "Cannot verify management events: " + "; ".join(unverified),
                evidence=evidence,
            )
        ]
    if not cov.logging:
        stopped = (
            f" ({', '.join(t.name for t in cov.stopped)} is not logging)" if cov.stopped else ""
        )
        why = f"no logging trail covers account {ctx.account_id} in {ctx.region}{stopped}"
    else:
        kinds = sorted({"read" if "(read)" in r["event"] else "write" for r in missing})
        why = (
            f"the covering trails ({', '.join(t.name for t in known)}) do not log {' or '.join(kinds)} "
            f"management events such as {missing[0]['event']}"
        )
        empty = [r for r in map(logs_nothing_reason, known) if r]
        if empty:
            why += " (" + "; ".join(empty) + ")"
    return [
        Outcome(Status.FAIL, f"Management events are not fully logged: {why}.", evidence=evidence)
    ]


MANAGEMENT_EVENTS = RuleKind(
    name="management_events_logged",
    function=management_events_logged,
    params=ManagementParams,
    scope="account_region",
    summary="Read and write management events of the account and region reach a logging trail.",
    results="region",
)
