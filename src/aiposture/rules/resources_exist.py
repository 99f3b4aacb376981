"""Rule kind ``resources_exist``: the region holds at least one resource of a kind.

An adoption signal, judged once per account and region from the inventory: e.g. at least
one Bedrock Prompt Management prompt. Where it matters is the check's ``workload`` (the
engine's scoping by use, :mod:`aiposture.engine.scoping`: with ``regions_in_use: auto`` the
check is NOT_APPLICABLE where its workload is not in use); the rule itself fails a listed,
empty kind, and is ERROR when the kind could not be listed (unknown, never "none").
"""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.details import kind_plural
from aiposture.rules.support.inventory import listing_failure, name_list
from aiposture.snapshot.inventory import KINDS_BY_KEY


class ResourcesExistParams(Params):
    """Parameters of ``resources_exist``."""

    kind: str
    """The inventory kind that must hold a resource (``bedrock-agent:prompt``)."""
    missing: str
    """What the absence means, for the FAIL message."""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS_BY_KEY:
            raise ValueError(f"unknown inventory kind {value!r}")
        return value


def resources_exist(p: ResourcesExistParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether the region holds at least one resource of ``p.kind``."""
    kind = KINDS_BY_KEY[p.kind]
    labels = kind_plural(kind)
    region = ctx.region_snapshot
    evidence: dict[str, Any] = {"kind": kind.key}
    if region is None:
        message = f"Cannot tell whether any {labels} exist: nothing was read in {ctx.region}."
        return [Outcome(Status.ERROR, message, evidence=evidence)]
    if kind.service in region.services_not_offered:
        message = f"No {labels} in {ctx.region}: {region.services_not_offered[kind.service]}."
        return [Outcome(Status.NOT_APPLICABLE, message, evidence=evidence)]
    if region.inventory is None or kind.key not in region.inventory:
        reason = (
            "the snapshot holds no inventory of AI resources"
            if region.inventory is None
            else listing_failure(region, kind)
        )
        message = f"Cannot tell whether any {labels} exist in {ctx.region}: {reason}."
        return [Outcome(Status.ERROR, message, evidence={**evidence, "reason": reason})]
    items = region.inventory[kind.key]
    evidence["count"] = len(items)
    if items:
        names = name_list([i.name or i.id for i in items])
        message = (
            f"{len(items)} {labels if len(items) != 1 else kind.label} in {ctx.region}: {names}."
        )
        # "arns", not "resources": that key holds the data-event checks' judged rows
        evidence["arns"] = [i.arn for i in items]
        return [Outcome(Status.PASS, message, evidence=evidence)]
    message = f"No {labels} in {ctx.region}: {p.missing}."
    return [Outcome(Status.FAIL, message, evidence=evidence)]


RESOURCES_EXIST = RuleKind(
    name="resources_exist",
    function=resources_exist,
    params=ResourcesExistParams,
    scope="account_region",
    summary="The region holds at least one resource of a kind (where its workload is in use).",
    results="region",
)
