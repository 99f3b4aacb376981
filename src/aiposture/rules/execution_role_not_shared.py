"""Rule kind ``execution_role_not_shared``: no two agents of the account run as the same role.

Judged once per account over every scanned region (an IAM role is global: two agents in
two regions sharing it share its permissions), one outcome per agent, on the execution
role its own configuration names (:attr:`~aiposture.snapshot.models.InventoryItem.details`:
GetAgent's ``agentResourceRoleArn``, GetAgentRuntime's ``roleArn``...). Roles are compared
by account and role name, case-insensitively (IAM role names are unique in an account
without regard to case, and a role's path is not part of its identity).

- FAIL: another agent (of any of the judged kinds, in any region) holds the same role; the
  others are named. A role already seen on two agents is shared whatever else is unknown.
- ERROR: this agent's own role was not read; or no other agent is seen holding it but an
  agent's role, or a region's listing, could not be read (one of them may hold it).
- PASS: no other agent holds it and every listing and every agent's role was read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import field_validator

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.details import DETAIL_CALLS, dig, kind_details, kind_plural
from aiposture.rules.support.inventory import InventoriedResource, name_list
from aiposture.snapshot.inventory import KINDS_BY_KEY


class RoleSource(Params):
    """One kind of agent and where its details name its execution role."""

    kind: str
    role_path: str

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS_BY_KEY or value not in DETAIL_CALLS:
            raise ValueError(f"unknown inventory kind with details {value!r}")
        return value


class RoleNotSharedParams(Params):
    """Parameters of ``execution_role_not_shared``."""

    agents: list[RoleSource]
    """The kinds of agent judged and counted, with the path to each one's role."""


def role_identity(arn: str) -> str:
    """How two role ARNs are compared: ``<partition>:<account>:<lower-case role name>``.

    Anything that is not an IAM role ARN is compared as written, lower-cased.
    """
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/"):
        return f"{parts[1]}:{parts[4]}:{parts[5].rsplit('/', 1)[-1].lower()}"
    return arn.lower()


@dataclass(frozen=True)
class _Agent:
    resource: InventoriedResource
    region: str
    role: str | None
    """Its role ARN, None when its configuration was not read (or names none)."""
    reason: str | None = None
    """Why its role is unknown."""


def _gather(p: RoleNotSharedParams, ctx: RuleContext) -> tuple[list[_Agent], list[str]]:
    """Every agent of the judged kinds in the scanned regions, and what could not be listed."""
    agents: list[_Agent] = []
    unlisted: list[str] = []
    for region in ctx.account.scanned_regions:
        for source in p.agents:
            found = kind_details(ctx, source.kind, region)
            if found.unknown_reason is not None:
                unlisted.append(
                    f"the {kind_plural(found.kind)} in {region} ({found.unknown_reason})"
                )
                continue
            for resource, reason in found.unread:
                agents.append(_Agent(resource, region, None, reason))
            for item in found.read:
                role = dig(item.details, source.role_path)
                if isinstance(role, str) and role.strip():
                    agents.append(_Agent(item.resource, region, role))
                else:
                    why = f"its configuration names no role ({source.role_path})"
                    agents.append(_Agent(item.resource, region, None, why))
    return agents, unlisted


def _row(agent: _Agent) -> dict[str, Any]:
    return {
        "arn": agent.resource.arn,
        "name": agent.resource.display_name,
        "kind": agent.resource.kind.key,
        "region": agent.region,
        "role": agent.role,
    }


def execution_role_not_shared(p: RoleNotSharedParams, ctx: RuleContext) -> list[Outcome]:
    """Judge, for each agent of the account, whether any other agent runs as its role."""
    agents, unlisted = _gather(p, ctx)
    labels = " and ".join(kind_plural(KINDS_BY_KEY[s.kind]) for s in p.agents)
    if not agents:
        if unlisted:
            message = (
                f"Cannot verify that {labels} have their own execution roles: "
                + "; ".join(unlisted)
                + " could not be listed."
            )
            return [Outcome(Status.ERROR, message, evidence={"unlisted": unlisted})]
        where = ", ".join(ctx.account.scanned_regions)
        message = f"No {labels} in the scanned regions ({where}): nothing to judge."
        none = {
            "kinds": [source.kind for source in p.agents],
            "regions": list(ctx.account.scanned_regions),
            "listed": True,
            "count": 0,
        }
        return [Outcome(Status.NOT_APPLICABLE, message, evidence=none)]
    holders: dict[str, list[_Agent]] = defaultdict(list)
    for agent in agents:
        if agent.role is not None:
            holders[role_identity(agent.role)].append(agent)
    unknown = [
        f"the role of {a.resource.describe()} ({a.reason})" for a in agents if a.role is None
    ]
    gaps = unknown + [f"{u} could not be listed" for u in unlisted]
    out: list[Outcome] = []
    for agent in agents:
        me = agent.resource
        if agent.role is None:
            message = f"Cannot verify the execution role of {me.describe()}: {agent.reason}."
            out.append(Outcome(Status.ERROR, message, me.arn, {"agent": _row(agent)}))
            continue
        others = [o for o in holders[role_identity(agent.role)] if o.resource.arn != me.arn]
        evidence: dict[str, Any] = {
            "agent": _row(agent),
            "sharing": [_row(o) for o in others],
        }
        if others:
            names = name_list([f"{o.resource.describe()} in {o.region}" for o in others])
            message = (
                f"{me.describe()} shares its execution role {agent.role} with {names}: each "
                "holds the union of their permissions, and CloudTrail records the role "
                "session, not which agent acted."
            )
            out.append(Outcome(Status.FAIL, message, me.arn, evidence))
        elif gaps:
            evidence["unknown"] = gaps
            message = (
                f"Cannot verify that the execution role {agent.role} of {me.describe()} is "
                f"its own: no other agent read holds it, but {name_list(gaps)}."
            )
            out.append(Outcome(Status.ERROR, message, me.arn, evidence))
        else:
            message = (
                f"{me.describe()} runs as its own execution role {agent.role}: no other of "
                f"the {len(agents)} agents ({labels}) in the scanned regions holds it."
            )
            out.append(Outcome(Status.PASS, message, me.arn, evidence))
    return out


ROLE_NOT_SHARED = RuleKind(
    name="execution_role_not_shared",
    function=execution_role_not_shared,
    params=RoleNotSharedParams,
    scope="account",
    summary=(
        "Every agent of the account runs as an execution role no other agent holds, in any "
        "scanned region."
    ),
    results="resource",
)
