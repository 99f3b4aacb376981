"""Rule kind ``agentcore_runtime_in_vpc``: each AgentCore runtime runs in the account's VPC.

Judged per inventoried runtime on its GetAgentRuntime answer
(:attr:`~aiposture.snapshot.models.InventoryItem.details`), with the evidence discipline of
:func:`aiposture.rules.support.details.judge_each`: ``networkConfiguration.networkMode``
must be ``VPC`` with at least one subnet and one security group (API reference,
NetworkConfiguration and VpcConfig). ``PUBLIC``, no network configuration, or VPC mode
naming no subnet or security group fails.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind
from aiposture.rules.support.details import Detailed, dig, judge_each, nonempty_strings

RUNTIME = "bedrock-agentcore-control:runtime"
"""The inventory kind judged."""


def _judge(item: Detailed) -> Outcome:
    network = dig(item.details, "networkConfiguration")
    mode = dig(network, "networkMode") if isinstance(network, Mapping) else None
    subnets = nonempty_strings(dig(network, "networkModeConfig.subnets"))
    groups = nonempty_strings(dig(network, "networkModeConfig.securityGroups"))
    evidence = {"arn": item.arn, "networkMode": mode, "subnets": subnets, "securityGroups": groups}
    if mode == "VPC" and subnets and groups:
        message = (
            f"{item.describe()} runs in your VPC: subnets {', '.join(subnets)}, security "
            f"groups {', '.join(groups)}."
        )
        return Outcome(Status.PASS, message, item.arn, evidence)
    if mode == "VPC":
        missing = "subnet" if not subnets else "security group"
        message = (
            f"{item.describe()} is in VPC mode but its configuration names no {missing}: its "
            "network path cannot be verified."
        )
        return Outcome(Status.FAIL, message, item.arn, evidence)
    shown = mode if isinstance(mode, str) else "not stated in its configuration"
    message = (
        f"{item.describe()} does not run in your VPC (network mode {shown}): its traffic "
        "bypasses your security groups, network ACLs, VPC endpoint policies and flow logs."
    )
    return Outcome(Status.FAIL, message, item.arn, evidence)


def agentcore_runtime_in_vpc(p: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether each AgentCore runtime of the region runs in a VPC."""
    return judge_each(ctx, RUNTIME, _judge, "the network mode")


RUNTIME_IN_VPC = RuleKind(
    name="agentcore_runtime_in_vpc",
    function=agentcore_runtime_in_vpc,
    params=NoParams,
    scope="account_region",
    summary="Each AgentCore runtime runs in VPC network mode, with subnets and security groups.",
    results="resource",
)
