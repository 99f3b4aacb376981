"""Rule kind ``agentcore_runtime_jwt_identity``: each AgentCore runtime authorizes callers by a restricted JWT.

Judged per inventoried runtime on its GetAgentRuntime answer
(:attr:`~aiposture.snapshot.models.InventoryItem.details`), with the evidence discipline of
:func:`aiposture.rules.support.details.judge_each`. A runtime without
``authorizerConfiguration`` accepts SigV4-signed calls only (IAM): the agent then sees the
calling AWS principal, never the end user the request is for. With a custom JWT authorizer
(:mod:`aiposture.rules.support.jwt_authorizer`) the user's token, and so their identity,
reaches the agent; it must name a discovery URL and restrict ``allowedAudience`` or
``allowedClients``, else it accepts any token the identity provider issues.
"""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind
from aiposture.rules.support.details import Detailed, judge_each
from aiposture.rules.support.jwt_authorizer import jwt_facts, restriction

RUNTIME = "bedrock-agentcore-control:runtime"
"""The inventory kind judged."""


def _judge(item: Detailed) -> Outcome:
    facts, lacks = jwt_facts(item.details.get("authorizerConfiguration"))
    evidence = {"arn": item.arn, **facts}
    if not lacks:
        message = (
            f"{item.describe()} authorizes callers with a JWT from {facts['discoveryUrl']}, "
            f"restricted to {restriction(facts)}: the end user's identity reaches the agent."
        )
        return Outcome(Status.PASS, message, item.arn, evidence)
    if "customJWTAuthorizer" in facts:
        message = (
            f"{item.describe()} has no JWT inbound authorizer: it accepts SigV4 (IAM) calls "
            "only, so the agent sees the calling AWS principal, never the end user it acts for."
        )
    else:
        message = f"The JWT inbound authorizer of {item.describe()} has {'; '.join(lacks)}."
    return Outcome(Status.FAIL, message, item.arn, evidence)


def agentcore_runtime_jwt_identity(p: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether each AgentCore runtime of the region authorizes callers by a scoped JWT."""
    return judge_each(ctx, RUNTIME, _judge, "the inbound authorizer")


RUNTIME_JWT_IDENTITY = RuleKind(
    name="agentcore_runtime_jwt_identity",
    function=agentcore_runtime_jwt_identity,
    params=NoParams,
    scope="account_region",
    summary=(
        "Each AgentCore runtime authorizes callers with a JWT restricted to an audience or "
        "client, so the end user's identity reaches the agent."
    ),
    results="resource",
)
