"""Rule kind ``guardrails_configured``: the region has a Bedrock guardrail ready for use.

One outcome per account and region (it is about existence, so an empty listing is a FAIL,
not "nothing to judge"): PASS when ListGuardrails lists a guardrail whose status is
``READY``; FAIL when it lists none, or only guardrails that are not ready (``CREATING``,
``UPDATING``, ``VERSIONING``, ``FAILED``, ``DELETING``); ERROR when the listing failed. The
catalog entry scopes it by use (``workload``), so a region where Bedrock is not used is
NOT_APPLICABLE under ``scan.regions_in_use: auto``.
"""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.guardrails import GUARDRAIL, kind_items
from aiposture.rules.support.inventory import name_list


class GuardrailsConfiguredParams(Params):
    """Parameters of ``guardrails_configured`` (none)."""


def _status(item_status: str | None, details_status: object) -> str:
    return str(details_status or item_status or "unknown")


def guardrails_configured(_: GuardrailsConfiguredParams, ctx: RuleContext) -> list[Outcome]:
    """At least one Bedrock guardrail of the region is READY."""
    found = kind_items(ctx, GUARDRAIL)
    where = f"account {ctx.account_id}, {ctx.region}"
    if found.items is None:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot tell whether Bedrock has a guardrail in {where}: {found.reason}.",
                evidence={**found.evidence, "reason": found.reason},
            )
        ]
    if not found.items and found.reason:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"Bedrock is not offered in {ctx.region}: {found.reason}.",
                evidence=found.evidence,
            )
        ]
    rows = [
        {
            "arn": g.arn,
            "name": g.name,
            "status": _status(g.status, (g.details or {}).get("status")),
        }
        for g in found.items
    ]
    evidence = {"listed": True, "guardrails": rows}
    if not rows:
        return [
            Outcome(
                Status.FAIL,
                f"Bedrock has no guardrail in {where}, so nothing filters harmful content, "
                "prompt attacks or sensitive information in the model traffic of the region.",
                evidence=evidence,
            )
        ]
    ready = [r for r in rows if r["status"] == "READY"]
    if ready:
        names = name_list([str(r["name"] or r["arn"]) for r in ready])
        return [
            Outcome(
                Status.PASS,
                f"{len(ready)} Bedrock guardrail(s) ready in {where}: {names}. Whether agents, "
                "flows and applications use them is judged by the other guardrail checks.",
                str(ready[0]["arn"]),
                evidence,
            )
        ]
    shown = name_list([f"{r['name'] or r['arn']} ({r['status']})" for r in rows])
    return [
        Outcome(
            Status.FAIL,
            f"No Bedrock guardrail in {where} is READY: {shown}.",
            evidence=evidence,
        )
    ]


GUARDRAILS_CONFIGURED = RuleKind(
    "guardrails_configured",
    guardrails_configured,
    GuardrailsConfiguredParams,
    "account_region",
    "At least one Bedrock guardrail is ready in each region where Bedrock is used.",
    results="region",
)
