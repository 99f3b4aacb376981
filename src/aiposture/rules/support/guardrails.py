"""What the guardrail checks share: a kind's resources, their Get answers, guardrail references.

The guardrails that agents and flows name are resolved against the inventory here too.

The per-resource checks judge every inventoried resource of a kind, one outcome each, from
its own Get answer (:attr:`~aiposture.snapshot.models.InventoryItem.details`). How a kind's
resources are read (listing failed -> ERROR naming the failed call, never "none"; listed
empty or service not offered -> NOT_APPLICABLE; details unread -> ERROR naming the failed
Get call, or saying it was not read; never PASS) is decided in one place,
:mod:`aiposture.rules.support.details`: :func:`kind_items` and :func:`judge_each` here are
thin adapters over :func:`~aiposture.rules.support.details.kind_details` and
:func:`~aiposture.rules.support.details.judge_each` for the guardrail rules, which judge
an :class:`~aiposture.snapshot.models.InventoryItem` and its answer.

Names, ids and ARNs come from AWS and are untrusted: the sentences built here hold them as
plain text, for the renderers to escape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, RuleContext
from aiposture.rules.support import details as per_resource
from aiposture.rules.support.details import Detailed, KindDetails, key_evidence, kind_plural
from aiposture.snapshot.inventory import ResourceKind
from aiposture.snapshot.models import InventoryItem

GUARDRAIL = "bedrock:guardrail"
"""The inventory kind of Bedrock guardrails (details: the GetGuardrail answer)."""
AGENT = "bedrock-agent:agent"
"""The inventory kind of Bedrock agents (details: the GetAgent answer, ``{"agent": {...}}``)."""
FLOW = "bedrock-agent:flow"
"""The inventory kind of Bedrock flows (details: the GetFlow answer)."""

NUMBERED_VERSION = re.compile(r"[1-9][0-9]{0,7}")
"""A guardrail version other than the working draft (API reference, GuardrailConfiguration:
``guardrailVersion`` pattern ``(([1-9][0-9]{0,7})|(DRAFT))``)."""


@dataclass(frozen=True)
class KindItems:
    """The inventoried resources of one kind in one account and region, read or not."""

    found: KindDetails
    """What :func:`~aiposture.rules.support.details.kind_details` says of the kind."""

    @property
    def kind(self) -> ResourceKind:
        """The resource kind."""
        return self.found.kind

    @property
    def items(self) -> list[InventoryItem] | None:
        """Every listed resource (details read first, then unread); None when unknown."""
        if self.found.unknown_reason is not None:
            return None
        return [d.resource.item for d in self.found.read] + [r.item for r, _ in self.found.unread]

    @property
    def reason(self) -> str:
        """Why ``items`` is unknown, or why the kind has none (service not offered), else ""."""
        return self.found.unknown_reason or self.found.not_offered or ""

    @property
    def noun(self) -> str:
        """The kind's label in the plural ("Bedrock guardrails")."""
        return kind_plural(self.kind)

    @property
    def evidence(self) -> dict[str, Any]:
        """What a result's evidence says of the listing (``listed``, ``count``...)."""
        return key_evidence(self.found)


def kind_items(ctx: RuleContext, key: str) -> KindItems:
    """The region's inventoried resources of kind ``key`` (``items`` None when unknown)."""
    return KindItems(per_resource.kind_details(ctx, key))


Judge = Callable[[InventoryItem, Mapping[str, Any]], Outcome]
"""Judges one resource from its Get answer (the outcome's resource is set by the caller)."""


def judge_each(ctx: RuleContext, key: str, judge: Judge, what: str) -> list[Outcome]:
    """One outcome per inventoried resource of kind ``key``, judged by ``judge``.

    :func:`aiposture.rules.support.details.judge_each` with a judge of the item and its
    answer; ``what`` names what is judged, for the ERROR messages ("the prompt-attack
    filter"). The outcome's resource is the item's ARN and its evidence names the kind.
    """

    def one(found: Detailed) -> Outcome:
        outcome = judge(found.resource.item, found.details)
        evidence = {"kind": key, **outcome.evidence}
        return Outcome(outcome.status, outcome.message, found.resource.item.arn, evidence)

    return per_resource.judge_each(ctx, key, one, what)


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
