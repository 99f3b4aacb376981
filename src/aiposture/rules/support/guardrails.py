"""What the guardrail checks share: a kind's resources, their Get answers, guardrail references.

The guardrails that agents and flows name are resolved against the inventory here too.

The per-resource checks judge every inventoried resource of a kind, one outcome each, from
its own Get answer (:attr:`~aiposture.snapshot.models.InventoryItem.details`):

- a kind whose listing failed has no key in the region's inventory: its resources are
  unknown, so the check is ERROR naming the failed call (never "none");
- a kind listed empty (or whose service the region does not offer) leaves nothing to judge:
  NOT_APPLICABLE, with the reason;
- a resource whose Get answer is missing is ERROR: naming the failed Get call (a
  :class:`~aiposture.snapshot.models.CallError` whose ``resource`` is its ARN) or saying it
  was not read. Never PASS.

Names, ids and ARNs come from AWS and are untrusted: the sentences built here hold them as
plain text, for the renderers to escape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, RuleContext, describe_error, errors_for
from aiposture.rules.support.inventory import listing_failure, plural
from aiposture.snapshot.inventory import DETAIL_OPERATIONS, KINDS_BY_KEY, ResourceKind
from aiposture.snapshot.models import InventoryItem

GUARDRAIL = "bedrock:guardrail"
"""The inventory kind of Bedrock guardrails (details: the GetGuardrail answer)."""
AGENT = "bedrock-agent:agent"
"""The inventory kind of Bedrock agents (details: the GetAgent answer, ``{"agent": {...}}``)."""
FLOW = "bedrock-agent:flow"
"""The inventory kind of Bedrock flows (details: the GetFlow answer)."""

GET_OPERATION: Mapping[str, str] = DETAIL_OPERATIONS
"""The Get call whose answer is each kind's ``details``."""

NUMBERED_VERSION = re.compile(r"[1-9][0-9]{0,7}")
"""A guardrail version other than the working draft (API reference, GuardrailConfiguration:
``guardrailVersion`` pattern ``(([1-9][0-9]{0,7})|(DRAFT))``)."""


@dataclass(frozen=True)
class KindItems:
    """The inventoried resources of one kind in one account and region."""

    kind: ResourceKind
    items: list[InventoryItem] | None
    """Every listed resource; ``None`` when unknown (``reason`` says why)."""
    reason: str = ""
    """Why ``items`` is unknown, or why the kind has none (service not offered)."""

    @property
    def noun(self) -> str:
        """The kind's label in the plural ("Bedrock guardrails")."""
        return plural(self.kind.label)


def kind_items(ctx: RuleContext, key: str) -> KindItems:
    """The region's inventoried resources of kind ``key`` (None when they are unknown)."""
    kind = KINDS_BY_KEY[key]
    region = ctx.region_snapshot
    if region is None:
        return KindItems(kind, None, f"nothing was read in {ctx.region}")
    if kind.service in region.services_not_offered:
        return KindItems(kind, [], region.services_not_offered[kind.service])
    if region.inventory is None:
        return KindItems(kind, None, "the snapshot holds no inventory of AI resources")
    if key not in region.inventory:
        return KindItems(kind, None, listing_failure(region, kind))
    return KindItems(kind, list(region.inventory[key]))


def describe_item(kind: ResourceKind, item: InventoryItem) -> str:
    """``<label> <name> (<ARN>)``, for messages."""
    return f"{kind.label} {item.name or item.id} ({item.arn})"


def details_of(
    ctx: RuleContext, key: str, item: InventoryItem
) -> tuple[dict[str, Any] | None, str]:
    """The item's Get answer, or None and why it is missing (its failed call, or "not read")."""
    if item.details is not None:
        return item.details, ""
    kind = KINDS_BY_KEY[key]
    operation = GET_OPERATION[key]
    region = ctx.region_snapshot
    errors = [
        e
        for e in errors_for(region.errors if region else [], operation, item.arn)
        if e.service == kind.service
    ]
    if errors:
        return None, describe_error(errors[0])
    return None, f"{kind.service}:{operation} was not read for it"


Judge = Callable[[InventoryItem, dict[str, Any]], Outcome]
"""Judges one resource from its Get answer (the outcome's resource is set by the caller)."""


def judge_each(ctx: RuleContext, key: str, judge: Judge, what: str) -> list[Outcome]:
    """One outcome per inventoried resource of kind ``key``, judged by ``judge``.

    ``what`` names what is judged, for the ERROR messages ("its prompt-attack filter").
    """
    found = kind_items(ctx, key)
    if found.items is None:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot list the {found.noun} in {ctx.region}, so none of them can be "
                f"judged: {found.reason}.",
                evidence={"kind": key, "listed": False, "reason": found.reason},
            )
        ]
    if not found.items:
        why = f" ({found.reason})" if found.reason else ""
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"There are no {found.noun} in {ctx.region}{why}.",
                evidence={"kind": key, "listed": True, "count": 0},
            )
        ]
    out: list[Outcome] = []
    for item in found.items:
        details, why = details_of(ctx, key, item)
        if details is None:
            out.append(
                Outcome(
                    Status.ERROR,
                    f"Cannot judge {what} of {describe_item(found.kind, item)}: its "
                    f"{GET_OPERATION[key]} answer is missing: {why}.",
                    item.arn,
                    {"kind": key, "details_read": False, "reason": why},
                )
            )
            continue
        outcome = judge(item, details)
        out.append(
            Outcome(outcome.status, outcome.message, item.arn, {"kind": key, **outcome.evidence})
        )
    return out


@dataclass(frozen=True)
class GuardrailRef:
    """How a guardrail reference (an agent's, a flow node's) resolves against the inventory."""

    status: Status
    """PASS: a numbered version of an inventoried guardrail; FAIL or ERROR otherwise."""
    detail: str
    """What holds or what is wrong, as a clause ("names guardrail X version 2")."""


def resolve_guardrail(ctx: RuleContext, config: Any, guardrails: KindItems) -> GuardrailRef:
    """Judge one ``guardrailConfiguration`` (GuardrailConfiguration: identifier and version).

    It holds when it names a guardrail of the region's inventory (by id or ARN) and a
    numbered version: the working draft (``DRAFT``) changes with every edit, and AWS deploys
    guardrails to production as versions ("Deploy your guardrail", Amazon Bedrock User
    Guide). A guardrail of another account or region cannot be checked (ERROR); one the
    inventory does not hold does not exist (FAIL), unless the listing failed (ERROR).
    """
    if not isinstance(config, Mapping) or not str(config.get("guardrailIdentifier") or ""):
        return GuardrailRef(Status.FAIL, "has no guardrailConfiguration")
    ident = str(config.get("guardrailIdentifier"))
    version = str(config.get("guardrailVersion") or "")
    shown = f"guardrail {ident} version {version or '(none)'}"
    if ident.startswith("arn:"):
        parts = ident.split(":")
        if len(parts) >= 6 and (parts[3] != ctx.region or parts[4] != ctx.account_id):
            return GuardrailRef(
                Status.ERROR,
                f"names {shown}, which is outside account {ctx.account_id}, {ctx.region}, so "
                "whether it exists was not checked",
            )
    if guardrails.items is None:
        return GuardrailRef(
            Status.ERROR,
            f"names {shown}, but the {guardrails.noun} could not be listed: {guardrails.reason}",
        )
    found = next((g for g in guardrails.items if ident in (g.id, g.arn)), None)
    if found is None:
        return GuardrailRef(
            Status.FAIL, f"names {shown}, which no guardrail of {ctx.region} matches"
        )
    name = found.name or found.id
    if not NUMBERED_VERSION.fullmatch(version):
        return GuardrailRef(
            Status.FAIL,
            f"uses guardrail {name} at version {version or '(none)'}, not a numbered version "
            "(the working draft changes with every edit; deploy a version)",
        )
    return GuardrailRef(Status.PASS, f"uses guardrail {name} version {version}")


_MAX_DEPTH = 8
"""How deep Loop definitions are walked (AWS allows no loop inside a loop; this only bounds
a malformed answer)."""


def _nodes(definition: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    if not isinstance(definition, Mapping) or depth > _MAX_DEPTH:
        return
    for node in definition.get("nodes") or []:
        if not isinstance(node, Mapping):
            continue
        yield node
        config = node.get("configuration")
        loop = config.get("loop") if isinstance(config, Mapping) else None
        if isinstance(loop, Mapping):
            yield from _nodes(loop.get("definition"), depth + 1)


def model_nodes(definition: Any) -> list[tuple[str, Any]]:
    """The nodes of ``definition`` that invoke a model: (node name, its guardrailConfiguration)."""
    out: list[tuple[str, Any]] = []
    for node in _nodes(definition):
        config = node.get("configuration") or {}
        config = config if isinstance(config, Mapping) else {}
        kind = node.get("type")
        if kind == "Prompt":
            prompt = config.get("prompt") or {}
            out.append(
                (
                    f"Prompt node {node.get('name')}",
                    (prompt if isinstance(prompt, Mapping) else {}).get("guardrailConfiguration"),
                )
            )
        elif kind == "KnowledgeBase":
            kb = config.get("knowledgeBase") or {}
            kb = kb if isinstance(kb, Mapping) else {}
            if kb.get("modelId"):
                out.append(
                    (f"KnowledgeBase node {node.get('name')}", kb.get("guardrailConfiguration"))
                )
    return out
