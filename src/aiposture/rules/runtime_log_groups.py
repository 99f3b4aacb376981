"""Rule kind ``runtime_log_groups``: each AgentCore runtime has its runtime log group.

AgentCore names a runtime's log group ``/aws/bedrock-agentcore/runtimes/<agent_id>-<endpoint>``
(AgentCore Developer Guide, observability-view.html). Judged per inventoried runtime. See
:mod:`aiposture.rules.support.agent_telemetry`.
"""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind
from aiposture.rules.support.agent_telemetry import RUNTIME_PREFIX, telemetry, why_unread
from aiposture.rules.support.inventory import type_inventory
from aiposture.snapshot.models import InventoryItem

RUNTIME_TYPE = "AWS::BedrockAgentCore::Runtime"
ENDPOINT_KEY = "bedrock-agentcore-control:runtime-endpoint"
DEFAULT_ENDPOINT = "DEFAULT"
"""The endpoint every runtime has: its log group is ``<prefix><agent_id>-DEFAULT``."""


def _endpoint_names(ctx: RuleContext, runtime: InventoryItem) -> list[str]:
    reg = ctx.region_snapshot
    listed = (reg.inventory or {}).get(ENDPOINT_KEY) if reg else None
    names = [e.name or e.id for e in listed or [] if e.parent_arn == runtime.arn]
    return list(dict.fromkeys([DEFAULT_ENDPOINT, *names]))


def runtime_log_groups(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Each inventoried AgentCore runtime has a log group ``<prefix><runtime id>-<endpoint>``."""
    inventory = type_inventory(ctx, RUNTIME_TYPE)
    reg = ctx.region_snapshot
    offered = reg.services_not_offered if reg else {}
    kind = inventory.kinds[0]
    if kind.service in offered:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"AgentCore runtime log groups do not apply: {offered[kind.service]}.",
            )
        ]
    if inventory.resources is None:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot list the AgentCore agent runtimes in {ctx.region}: "
                f"{inventory.unknown_reason}",
            )
        ]
    if not inventory.resources:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"No AgentCore agent runtime in {ctx.region}.",
                evidence={"kind": kind.key, "label": kind.label, "listed": True, "count": 0},
            )
        ]
    found = telemetry(ctx)
    groups = found.runtime_log_groups if found else None
    if groups is None:
        why = why_unread(ctx, "DescribeLogGroups", RUNTIME_PREFIX)
        return [
            Outcome(
                Status.ERROR,
                f"Cannot list the log groups {RUNTIME_PREFIX}* in {ctx.region}: {why}",
                resource_arn=res.arn,
            )
            for res in inventory.resources
        ]
    outcomes = []
    for res in inventory.resources:
        prefix = f"{RUNTIME_PREFIX}{res.item.id}-"
        mine = sorted(g.name for g in groups if g.name.startswith(prefix))
        expected = [f"{prefix}{e}" for e in _endpoint_names(ctx, res.item)]
        evidence = {"runtime_id": res.item.id, "log_groups": mine, "expected": expected}
        if mine:
            outcomes.append(
                Outcome(
                    Status.PASS,
                    f"AgentCore runtime {res.display_name} has its log group: "
                    + "; ".join(mine)
                    + ".",
                    resource_arn=res.arn,
                    evidence=evidence,
                )
            )
        else:
            outcomes.append(
                Outcome(
                    Status.FAIL,
                    f"AgentCore runtime {res.display_name} has no log group "
                    f"{prefix}<endpoint> in {ctx.region} (expected one of: "
                    + "; ".join(expected)
                    + "): it has never logged, or its execution role may not create log "
                    "groups and write to them.",
                    resource_arn=res.arn,
                    evidence=evidence,
                )
            )
    return outcomes


RUNTIME_LOG_GROUPS = RuleKind(
    "runtime_log_groups",
    runtime_log_groups,
    NoParams,
    "account_region",
    "Each inventoried AgentCore runtime has its /aws/bedrock-agentcore/runtimes/ log group.",
    results="resource",
)
