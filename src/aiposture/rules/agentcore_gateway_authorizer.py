"""Rule kind ``agentcore_gateway_authorizer``: each AgentCore gateway authorizes inbound calls.

Judged per inventoried gateway on its GetGateway answer
(:attr:`~aiposture.snapshot.models.InventoryItem.details`), with the evidence discipline of
:func:`aiposture.rules.support.details.judge_each`. ``authorizerType`` (API reference,
GetGateway: ``CUSTOM_JWT | AWS_IAM | NONE | AUTHENTICATE_ONLY``): ``AWS_IAM`` passes;
``CUSTOM_JWT`` passes with a discovery URL and a restricted audience or client
(:mod:`aiposture.rules.support.jwt_authorizer`); ``AUTHENTICATE_ONLY`` passes only with a
policy engine in ``ENFORCE`` mode; ``NONE`` fails. The AgentCore Developer Guide ("Set up
inbound authorization for your gateway", gateway-inbound-auth.html) calls
``AUTHENTICATE_ONLY`` and ``NONE`` offloaded types, where the gateway makes no
authorization decision of its own, and a No Authorization gateway invocable by anyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind
from aiposture.rules.support.details import Detailed, dig, judge_each
from aiposture.rules.support.jwt_authorizer import jwt_facts, restriction

GATEWAY = "bedrock-agentcore-control:gateway"
"""The inventory kind judged."""


def _judge(item: Detailed) -> Outcome:
    kind = item.details.get("authorizerType")
    engine = item.details.get("policyEngineConfiguration")
    mode = dig(engine, "mode") if isinstance(engine, Mapping) else None
    evidence: dict[str, Any] = {"arn": item.arn, "authorizerType": kind, "policyEngineMode": mode}
    if kind == "AWS_IAM":
        message = f"{item.describe()} authorizes callers by IAM (SigV4, InvokeGateway)."
        return Outcome(Status.PASS, message, item.arn, evidence)
    if kind == "CUSTOM_JWT":
        facts, lacks = jwt_facts(item.details.get("authorizerConfiguration"))
        evidence.update(facts)
        if not lacks:
            message = (
                f"{item.describe()} authorizes callers with a JWT from "
                f"{facts['discoveryUrl']}, restricted to {restriction(facts)}."
            )
            return Outcome(Status.PASS, message, item.arn, evidence)
        message = f"The JWT inbound authorizer of {item.describe()} has {'; '.join(lacks)}."
        return Outcome(Status.FAIL, message, item.arn, evidence)
    if kind == "AUTHENTICATE_ONLY" and mode == "ENFORCE":
        message = (
            f"{item.describe()} authenticates callers and its policy engine enforces who may "
            "call which tool (ENFORCE mode)."
        )
        return Outcome(Status.PASS, message, item.arn, evidence)
    if kind == "AUTHENTICATE_ONLY":
        message = (
            f"{item.describe()} authenticates callers but authorizes none (AUTHENTICATE_ONLY) "
            f"and no policy engine enforces decisions (mode {mode or 'none'}): authorization "
            "is left to its targets or interceptors, which aiposture cannot verify."
        )
        return Outcome(Status.FAIL, message, item.arn, evidence)
    shown = kind if isinstance(kind, str) else "not stated"
    message = (
        f"{item.describe()} has no inbound authorization (authorizerType {shown}): anyone who "
        "reaches its URL can list and call its tools, with the gateway's own credentials."
    )
    return Outcome(Status.FAIL, message, item.arn, evidence)


def agentcore_gateway_authorizer(p: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether each AgentCore gateway of the region authorizes inbound calls."""
    return judge_each(ctx, GATEWAY, _judge, "the inbound authorizer")


GATEWAY_AUTHORIZER = RuleKind(
    name="agentcore_gateway_authorizer",
    function=agentcore_gateway_authorizer,
    params=NoParams,
    scope="account_region",
    summary="Each AgentCore gateway authorizes inbound calls (IAM, or a restricted JWT).",
    results="resource",
)
