"""Rule kind ``agent_role_least_privilege``: each agent's execution role is least-privilege.

For every inventoried Bedrock agent (GetAgent ``agent.agentResourceRoleArn``) and AgentCore
runtime (GetAgentRuntime ``roleArn``), the role (read once per account,
:mod:`aiposture.collect.iam_posture`) must have a permissions boundary, no AWS managed
``*FullAccess``/administrator policy, no policy granting administrative access or a
privilege escalation, and no customer policy statement with a wildcard action on every
resource (Amazon Bedrock User Guide, "Create a service role for Amazon Bedrock Agents",
scopes each permission to the agent's own models and resources).
"""

from __future__ import annotations

from typing import Any

from aiposture.collect.iam_posture import AGENT_ROLE_SOURCES
from aiposture.collect.session import arn_account
from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind, describe_error
from aiposture.rules.support.access import (
    KNOWN_BROAD_MANAGED,
    PolicyFindings,
    failed_call,
    iam_error,
    is_aws_managed,
    judge_principal,
)
from aiposture.rules.support.details import dig
from aiposture.rules.support.iam_policy import wildcard_resource_statements
from aiposture.snapshot.access import Principal
from aiposture.snapshot.inventory import KINDS_BY_KEY
from aiposture.snapshot.models import InventoryItem


def _role_arn(details: dict[str, Any], path: tuple[str, ...]) -> str | None:
    node = dig(details, ".".join(path))
    return node if isinstance(node, str) and node else None


def _violations(ctx: RuleContext, role: Principal) -> PolicyFindings:
    iam = ctx.account.iam
    assert iam is not None
    found = PolicyFindings()
    for policy in role.attached or []:
        full = is_aws_managed(policy.arn) and policy.name.endswith("FullAccess")
        if full and policy.name not in KNOWN_BROAD_MANAGED:
            found.grants.append(f"AWS managed policy {policy.name} grants full access")
    judge_principal(ctx.account, iam, role, "bedrock", found)
    for policy in role.attached or []:
        doc = iam.policies.get(policy.arn)
        if not is_aws_managed(policy.arn) and doc is not None and doc.document is not None:
            for sid in wildcard_resource_statements(doc.document):
                found.grants.append(
                    f"statement {sid} of policy {policy.name} allows a wildcard action on every "
                    "resource"
                )
    for name, document in (role.inline or {}).items():
        for sid in wildcard_resource_statements(document):
            found.grants.append(
                f"statement {sid} of inline policy {name} allows a wildcard action on every "
                "resource"
            )
    if role.role_read and not role.permissions_boundary:
        found.grants.append("it has no permissions boundary")
    return found


def _judge(ctx: RuleContext, label: str, item: InventoryItem, path: tuple[str, ...]) -> Outcome:
    who = f"{label} {item.name or item.id}"
    if item.details is None:
        err = (
            next((e for e in ctx.region_snapshot.errors if e.resource == item.arn), None)
            if ctx.region_snapshot
            else None
        )
        why = describe_error(err) if err else "its configuration was not read"
        return Outcome(Status.ERROR, f"Cannot find the execution role of {who}: {why}", item.arn)
    arn = _role_arn(item.details, path)
    if arn is None:
        return Outcome(Status.FAIL, f"{who} names no execution role.", item.arn)
    if arn_account(arn) != ctx.account_id:
        return Outcome(
            Status.ERROR,
            f"Cannot judge role {arn} of {who}: it belongs to another account, whose IAM this "
            "scan of the account does not read.",
            item.arn,
        )
    iam = ctx.account.iam
    role = iam.roles.get(arn) if iam else None
    if iam is None or role is None:
        return Outcome(
            Status.ERROR, f"Cannot judge role {arn} of {who}: {iam_error(ctx.account)}", item.arn
        )
    if not role.role_read:
        err = failed_call(ctx.account, "GetRole", arn)
        if err is not None and err.error_code == "NoSuchEntity":
            return Outcome(
                Status.FAIL, f"The execution role {arn} of {who} does not exist.", item.arn
            )
        why = describe_error(err) if err else "GetRole was not read"
        return Outcome(Status.ERROR, f"Cannot read role {arn} of {who}: {why}", item.arn)
    found = _violations(ctx, role)
    evidence = {
        "roleArn": arn,
        "PermissionsBoundary": role.permissions_boundary,
        "attached": [a.arn for a in role.attached or []],
        "inline": sorted(role.inline or {}),
    }
    if found.grants:
        return Outcome(
            Status.FAIL,
            f"The execution role {role.name} of {who} is not least-privilege: "
            + "; ".join(found.grants)
            + ".",
            item.arn,
            evidence,
        )
    if found.unread:
        return Outcome(
            Status.ERROR,
            f"Cannot judge the execution role {role.name} of {who}: not read: "
            + "; ".join(found.unread)
            + ".",
            item.arn,
            evidence,
        )
    return Outcome(
        Status.PASS,
        f"The execution role {role.name} of {who} has a permissions boundary and no broad grant.",
        item.arn,
        evidence,
    )


def agent_role_least_privilege(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """One outcome per inventoried agent and runtime of the region."""
    reg = ctx.region_snapshot
    if reg is None or reg.inventory is None:
        return [Outcome(Status.ERROR, f"The AI inventory of {ctx.region} was not read.")]
    out: list[Outcome] = []
    for key, path in AGENT_ROLE_SOURCES.items():
        kind = KINDS_BY_KEY[key]
        if kind.service in reg.services_not_offered:
            continue
        items = reg.inventory.get(key)
        if items is None:
            err = next((e for e in reg.errors if e.operation == kind.operation), None)
            why = describe_error(err) if err else "the listing was not read"
            out.append(Outcome(Status.ERROR, f"Cannot list the {kind.label}s: {why}"))
            continue
        out += [_judge(ctx, kind.label, item, path) for item in items]
    if not out:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"No Bedrock agent or AgentCore runtime in {ctx.region}.",
                evidence={"kinds": list(AGENT_ROLE_SOURCES), "listed": True, "count": 0},
            )
        ]
    return out


AGENT_ROLE_LEAST_PRIVILEGE = RuleKind(
    "agent_role_least_privilege",
    agent_role_least_privilege,
    NoParams,
    "account_region",
    "Each agent's execution role has a permissions boundary and no broad grant.",
    results="resource",
)
