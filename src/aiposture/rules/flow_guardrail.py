"""Rule kind ``flow_guardrail``: every model call a Bedrock flow makes goes through a guardrail.

Judged per inventoried flow from its GetFlow answer. The flow's ``definition.nodes`` that
invoke a model themselves are the ``Prompt`` nodes (an inline prompt or a Prompt
management resource, both sent to a model) and the ``KnowledgeBase`` nodes that name a
``modelId`` (retrieve and generate; without one the node only retrieves). Each carries its
own ``guardrailConfiguration`` (API reference, PromptFlowNodeConfiguration and
KnowledgeBaseFlowNodeConfiguration), which must name a guardrail of the region's inventory
at a numbered version (:func:`aiposture.rules.support.guardrails.resolve_guardrail`). The
nodes of a ``Loop`` node's own definition are walked too. ``Agent`` nodes call an agent,
whose guardrail the ``agent_guardrail`` check judges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.guardrails import (
    FLOW,
    GUARDRAIL,
    judge_each,
    kind_items,
    model_nodes,
    resolve_guardrail,
)
from aiposture.rules.support.inventory import name_list
from aiposture.snapshot.models import InventoryItem


class FlowGuardrailParams(Params):
    """Parameters of ``flow_guardrail`` (none)."""


def flow_guardrail(_: FlowGuardrailParams, ctx: RuleContext) -> list[Outcome]:
    """Each model-invoking node of each inventoried flow uses a deployed guardrail."""
    guardrails = kind_items(ctx, GUARDRAIL)

    def judge(item: InventoryItem, details: Mapping[str, Any]) -> Outcome:
        name = f"Bedrock flow {item.name or item.id}"
        nodes = model_nodes(details.get("definition"))
        judged = [(node, resolve_guardrail(ctx, config, guardrails)) for node, config in nodes]
        evidence = {
            "nodes": [
                {"node": node, "status": ref.status.value, "detail": ref.detail}
                for node, ref in judged
            ]
        }
        if not judged:
            return Outcome(
                Status.PASS,
                f"{name} has no Prompt node and no KnowledgeBase node that calls a model, so no "
                "model call of its own needs a guardrail.",
                evidence=evidence,
            )
        failing = [f"{node} {ref.detail}" for node, ref in judged if ref.status is Status.FAIL]
        if failing:
            return Outcome(
                Status.FAIL,
                f"{name} calls a model without a deployed guardrail: {name_list(failing)}.",
                evidence=evidence,
            )
        unknown = [f"{node} {ref.detail}" for node, ref in judged if ref.status is Status.ERROR]
        if unknown:
            return Outcome(
                Status.ERROR,
                f"Cannot tell whether every model call of {name} is guarded: {name_list(unknown)}.",
                evidence=evidence,
            )
        return Outcome(
            Status.PASS,
            f"Each of the {len(judged)} model-invoking node(s) of {name} uses a deployed "
            f"guardrail: {name_list([f'{node} {ref.detail}' for node, ref in judged])}.",
            evidence=evidence,
        )

    return judge_each(ctx, FLOW, judge, "the guardrails of the nodes")


FLOW_GUARDRAIL = RuleKind(
    "flow_guardrail",
    flow_guardrail,
    FlowGuardrailParams,
    "account_region",
    "Every Prompt and model-invoking KnowledgeBase node of a Bedrock flow uses a guardrail.",
    results="resource",
)
