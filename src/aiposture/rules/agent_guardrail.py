"""Rule kind ``agent_guardrail``: every Bedrock agent is protected by a deployed guardrail.

Judged per inventoried agent from its GetAgent answer (``{"agent": {...}}``): the agent's
``guardrailConfiguration`` must name a guardrail that the region's inventory holds, at a
numbered version (:func:`aiposture.rules.support.guardrails.resolve_guardrail`). Without
one, the agent's sessions run with no content filtering, prompt-attack or sensitive
information protection at all; with the working draft, they run under whatever the draft
last became.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.guardrails import (
    AGENT,
    GUARDRAIL,
    judge_each,
    kind_items,
    resolve_guardrail,
)
from aiposture.snapshot.models import InventoryItem


class AgentGuardrailParams(Params):
    """Parameters of ``agent_guardrail`` (none)."""


def agent_guardrail(_: AgentGuardrailParams, ctx: RuleContext) -> list[Outcome]:
    """Each inventoried Bedrock agent uses a numbered version of an existing guardrail."""
    guardrails = kind_items(ctx, GUARDRAIL)

    def judge(item: InventoryItem, details: Mapping[str, Any]) -> Outcome:
        agent = details.get("agent")
        agent = agent if isinstance(agent, Mapping) else {}
        config = agent.get("guardrailConfiguration")
        ref = resolve_guardrail(ctx, config, guardrails)
        name = f"Bedrock agent {item.name or item.id}"
        evidence = {"guardrail_configuration": config, "guardrail": ref.detail}
        if ref.status is Status.PASS:
            return Outcome(Status.PASS, f"{name} {ref.detail}.", evidence=evidence)
        if ref.status is Status.ERROR:
            return Outcome(
                Status.ERROR,
                f"Cannot tell whether {name} is protected: it {ref.detail}.",
                evidence=evidence,
            )
        return Outcome(
            Status.FAIL,
            f"{name} {ref.detail}, so its sessions are not protected by a deployed guardrail.",
            evidence=evidence,
        )

    return judge_each(ctx, AGENT, judge, "the guardrail")


AGENT_GUARDRAIL = RuleKind(
    "agent_guardrail",
    agent_guardrail,
    AgentGuardrailParams,
    "account_region",
    "Every Bedrock agent uses a numbered version of an existing guardrail.",
    results="resource",
)
