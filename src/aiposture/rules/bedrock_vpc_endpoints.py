"""Rule kind ``bedrock_vpc_endpoints``: each VPC reaches Bedrock through interface endpoints.

In a region where Bedrock is in use (model invocation logging on, or any Bedrock, Agents,
Data Automation or AgentCore resource inventoried), every VPC must have an ``available``
interface endpoint for each Bedrock API (:data:`~aiposture.collect.network_access.BEDROCK_ENDPOINT_SUFFIXES`),
and, where AgentCore resources exist, for AgentCore's data plane. Without them, a workload in
the VPC reaches Bedrock over the internet (through a NAT or internet gateway) and endpoint
policies cannot restrict which principals and models are used.
"""

from __future__ import annotations

from aiposture.collect.network_access import (
    AGENTCORE_ENDPOINT_SUFFIXES,
    BEDROCK_ENDPOINT_SUFFIXES,
)
from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind, describe_error
from aiposture.snapshot.inventory import KINDS_BY_KEY
from aiposture.snapshot.models import BEDROCK_SERVICE, RegionSnapshot

AGENTCORE_SERVICE = "bedrock-agentcore-control"


def _agentcore_known(reg: RegionSnapshot) -> bool:
    """Whether every AgentCore kind was listed (or AgentCore is not offered in the region)."""
    inventory = reg.inventory or {}
    return reg.inventory is not None and all(
        k.key in inventory or k.service in reg.services_not_offered
        for k in KINDS_BY_KEY.values()
        if k.service == AGENTCORE_SERVICE
    )


def _in_use(reg: RegionSnapshot) -> tuple[bool, bool, bool]:
    """(Bedrock in use, AgentCore in use, the inventory was complete)."""
    bedrock = bool(reg.invocation_logging and reg.invocation_logging.enabled)
    agentcore = False
    inventory = reg.inventory or {}
    for key, items in inventory.items():
        if not items:
            continue
        kind = KINDS_BY_KEY.get(key)
        if kind is not None and kind.service == AGENTCORE_SERVICE:
            agentcore = True
        bedrock = True
    complete = reg.inventory is not None and all(
        k.key in inventory or k.service in reg.services_not_offered for k in KINDS_BY_KEY.values()
    )
    # an unread logging configuration is unknown, never "off"
    logging_known = (
        reg.invocation_logging is not None or BEDROCK_SERVICE in reg.services_not_offered
    )
    return bedrock, agentcore, complete and logging_known


def _error(reg: RegionSnapshot, operation: str) -> str:
    err = next((e for e in reg.errors if e.operation == operation), None)
    return describe_error(err) if err else "not read"


def _unknown_use(reg: RegionSnapshot) -> str:
    """Why Bedrock's use in the region is unknown (model invocation logging, inventory)."""
    if reg.invocation_logging is None and BEDROCK_SERVICE not in reg.services_not_offered:
        why = _error(reg, "GetModelInvocationLoggingConfiguration")
        return f"model invocation logging could not be read ({why})."
    return "part of the AI inventory could not be listed."


def bedrock_vpc_endpoints(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """One outcome per VPC of a region where Bedrock is in use."""
    reg = ctx.region_snapshot
    if reg is None:
        return [Outcome(Status.ERROR, f"{ctx.region} was not read.")]
    bedrock, agentcore, complete = _in_use(reg)
    if not bedrock:
        if not complete:
            return [
                Outcome(
                    Status.ERROR,
                    f"Cannot tell whether Bedrock is in use in {ctx.region}: " + _unknown_use(reg),
                )
            ]
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"Bedrock is not in use in {ctx.region} (no invocation logging, no AI resource).",
            )
        ]
    found = reg.vpc_endpoints
    if found is None or found.vpcs is None:
        return [Outcome(Status.ERROR, f"Cannot list the VPCs: {_error(reg, 'DescribeVpcs')}")]
    if found.endpoints is None:
        why = _error(reg, "DescribeVpcEndpoints")
        return [Outcome(Status.ERROR, f"Cannot list the VPC endpoints: {why}")]
    wanted = dict(BEDROCK_ENDPOINT_SUFFIXES)
    if agentcore:
        wanted.update(AGENTCORE_ENDPOINT_SUFFIXES)
    vpcs = [v for v in found.vpcs if str(v.get("State", "available")).lower() == "available"]
    if not vpcs:
        return [Outcome(Status.NOT_APPLICABLE, f"No VPC in {ctx.region}.")]
    out = []
    for vpc in vpcs:
        vpc_id = str(vpc.get("VpcId"))
        arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:vpc/{vpc_id}"
        have: set[str] = set()
        for ep in found.endpoints:
            if ep.get("VpcId") != vpc_id or str(ep.get("State", "")).lower() != "available":
                continue
            service = str(ep.get("ServiceName", ""))
            have.update(s for s in wanted if service.endswith(f".{ctx.region}.{s}"))
        missing = [label for suffix, label in wanted.items() if suffix not in have]
        evidence = {"VpcId": vpc_id, "endpoints": sorted(have), "IsDefault": vpc.get("IsDefault")}
        if not missing and not agentcore and not _agentcore_known(reg):
            # AgentCore's endpoints are wanted where it is in use: unknown is no PASS
            out.append(
                Outcome(
                    Status.ERROR,
                    f"VPC {vpc_id} reaches the Bedrock APIs through interface endpoints, but "
                    f"whether AgentCore is in use in {ctx.region} is unknown: part of the AI "
                    "inventory could not be listed.",
                    arn,
                    evidence,
                )
            )
        elif missing:
            out.append(
                Outcome(
                    Status.FAIL,
                    f"VPC {vpc_id} has no available interface endpoint for: "
                    + ", ".join(missing)
                    + ".",
                    arn,
                    evidence,
                )
            )
        else:
            out.append(
                Outcome(
                    Status.PASS,
                    f"VPC {vpc_id} reaches every Bedrock API in use through interface endpoints.",
                    arn,
                    evidence,
                )
            )
    return out


BEDROCK_VPC_ENDPOINTS = RuleKind(
    "bedrock_vpc_endpoints",
    bedrock_vpc_endpoints,
    NoParams,
    "account_region",
    "Every VPC of a region where Bedrock is used has interface endpoints to its APIs.",
    results="resource",
)
