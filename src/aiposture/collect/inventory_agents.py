"""Agents for Amazon Bedrock (botocore ``bedrock-agent``): agents, knowledge bases, flows, prompts.

Agents and flows are listed with their aliases.

Every listing uses botocore's paginator (``nextToken``/``maxResults``, at most 1000 a page;
the botocore ``bedrock-agent`` model 2023-06-05 caps each summary list at 10 items, so
AWS pages often). Where a summary carries no ARN, the collector builds it from the ids in
the form the API reference and the model's ARN patterns give:

- ``ListAgents`` (``AgentSummary``: ``agentId``, no ARN):
  ``arn:PARTITION:bedrock:REGION:ACCOUNT:agent/AGENT_ID``;
- ``ListAgentAliases`` (``AgentAliasSummary``: ``agentAliasId``, no ARN):
  ``arn:PARTITION:bedrock:REGION:ACCOUNT:agent-alias/AGENT_ID/ALIAS_ID`` (the model's
  ``AgentAliasArn`` pattern); the test alias ``TSTALIASID`` every agent has is listed too;
- ``ListKnowledgeBases`` (``KnowledgeBaseSummary``: ``knowledgeBaseId``, no ARN):
  ``arn:PARTITION:bedrock:REGION:ACCOUNT:knowledge-base/KB_ID``.

``ListFlows``, ``ListFlowAliases`` and ``ListPrompts`` return each item's ``arn``. Prompts
are listed without ``promptIdentifier``: one summary per prompt, its draft.

Agents for Amazon Bedrock is part of Bedrock, and botocore's endpoint data describes no
``bedrock-agent`` endpoints at all (its endpoints come from rules), so a region where the
data lists no ``bedrock`` endpoint is not called either.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from aiposture.collect.inventory_details import read_details
from aiposture.collect.inventory_listing import (
    list_kind,
    no_children_is_none,
    offered_with_bedrock,
    required,
    summaries,
)
from aiposture.collect.partitions import partition_of_region
from aiposture.collect.session import UnitClients
from aiposture.snapshot.inventory import KINDS_BY_KEY
from aiposture.snapshot.models import InventoryItem, RegionSnapshot

SERVICE = "bedrock-agent"
"""The botocore service name (and endpoint prefix) of Agents for Amazon Bedrock."""

AGENT = KINDS_BY_KEY["bedrock-agent:agent"]
"""Agents (ListAgents)."""
AGENT_ALIAS = KINDS_BY_KEY["bedrock-agent:agent-alias"]
"""Agent aliases (ListAgentAliases, per agent)."""
KNOWLEDGE_BASE = KINDS_BY_KEY["bedrock-agent:knowledge-base"]
"""Knowledge bases (ListKnowledgeBases)."""
FLOW = KINDS_BY_KEY["bedrock-agent:flow"]
"""Flows (ListFlows)."""
FLOW_ALIAS = KINDS_BY_KEY["bedrock-agent:flow-alias"]
"""Flow aliases (ListFlowAliases, per flow)."""
PROMPT = KINDS_BY_KEY["bedrock-agent:prompt"]
"""Prompts (ListPrompts, without ``promptIdentifier``)."""

PAGE_SIZE = 1000
"""``maxResults`` of every listing: the model's maximum."""


def _base_arn(region: str, account_id: str) -> str:
    return f"arn:{partition_of_region(region)}:bedrock:{region}:{account_id}"


def _agents(client: Any, region: str, account_id: str) -> Iterator[InventoryItem]:
    for item in summaries(client, AGENT, "agentSummaries", PAGE_SIZE):
        agent_id = required(AGENT, item, "agentId")
        yield InventoryItem(
            arn=f"{_base_arn(region, account_id)}:agent/{agent_id}",
            id=agent_id,
            name=item.get("agentName"),
            status=item.get("agentStatus"),
            updated_at=item.get("updatedAt"),
        )


def _agent_aliases(client: Any, agent: InventoryItem) -> Iterator[InventoryItem]:
    prefix = agent.arn.rsplit(":agent/", 1)[0]
    for item in summaries(client, AGENT_ALIAS, "agentAliasSummaries", PAGE_SIZE, agentId=agent.id):
        alias_id = required(AGENT_ALIAS, item, "agentAliasId")
        yield InventoryItem(
            arn=f"{prefix}:agent-alias/{agent.id}/{alias_id}",
            id=alias_id,
            name=item.get("agentAliasName"),
            status=item.get("agentAliasStatus"),
            parent_arn=agent.arn,
            updated_at=item.get("updatedAt"),
        )


def _knowledge_bases(client: Any, region: str, account_id: str) -> Iterator[InventoryItem]:
    for item in summaries(client, KNOWLEDGE_BASE, "knowledgeBaseSummaries", PAGE_SIZE):
        kb_id = required(KNOWLEDGE_BASE, item, "knowledgeBaseId")
        yield InventoryItem(
            arn=f"{_base_arn(region, account_id)}:knowledge-base/{kb_id}",
            id=kb_id,
            name=item.get("name"),
            status=item.get("status"),
            updated_at=item.get("updatedAt"),
        )


def _flows(client: Any) -> Iterator[InventoryItem]:
    for item in summaries(client, FLOW, "flowSummaries", PAGE_SIZE):
        yield InventoryItem(
            arn=required(FLOW, item, "arn"),
            id=required(FLOW, item, "id"),
            name=item.get("name"),
            status=item.get("status"),
            updated_at=item.get("updatedAt"),
        )


def _flow_aliases(client: Any, flow: InventoryItem) -> Iterator[InventoryItem]:
    for item in summaries(
        client, FLOW_ALIAS, "flowAliasSummaries", PAGE_SIZE, flowIdentifier=flow.id
    ):
        yield InventoryItem(
            arn=required(FLOW_ALIAS, item, "arn"),
            id=required(FLOW_ALIAS, item, "id"),
            name=item.get("name"),
            parent_arn=flow.arn,
            updated_at=item.get("updatedAt"),
        )


def _prompts(client: Any) -> Iterator[InventoryItem]:
    for item in summaries(client, PROMPT, "promptSummaries", PAGE_SIZE):
        yield InventoryItem(
            arn=required(PROMPT, item, "arn"),
            id=required(PROMPT, item, "id"),
            name=item.get("name"),
            updated_at=item.get("updatedAt"),
        )


def read_agents_inventory(clients: UnitClients, region: RegionSnapshot, account_id: str) -> None:
    """List the region's agents (and aliases), knowledge bases, flows (and aliases), prompts.

    Then read the details of its agents, knowledge bases (with their data sources), flows
    and prompts (:func:`aiposture.collect.inventory_details.read_details`).

    A failed listing is a :class:`~aiposture.snapshot.models.CallError` and leaves its kind
    out; an agent or flow whose aliases could not be listed is named in the error's
    ``resource`` and leaves its alias kind out (see
    :func:`aiposture.collect.inventory.read_region_inventory`).
    """
    if not offered_with_bedrock(region, SERVICE, "Agents for Amazon Bedrock"):
        return
    name = region.region
    agents = list_kind(
        clients, region, account_id, AGENT, partial(_agents, region=name, account_id=account_id)
    )
    for agent in agents or []:
        list_kind(
            clients,
            region,
            account_id,
            AGENT_ALIAS,
            partial(_agent_aliases, agent=agent),
            resource=agent.arn,
        )
    list_kind(
        clients,
        region,
        account_id,
        KNOWLEDGE_BASE,
        partial(_knowledge_bases, region=name, account_id=account_id),
    )
    flows = list_kind(clients, region, account_id, FLOW, _flows)
    for flow in flows or []:
        list_kind(
            clients,
            region,
            account_id,
            FLOW_ALIAS,
            partial(_flow_aliases, flow=flow),
            resource=flow.arn,
        )
    list_kind(clients, region, account_id, PROMPT, _prompts)
    no_children_is_none(region, agents, AGENT_ALIAS)
    no_children_is_none(region, flows, FLOW_ALIAS)
    read_details(clients, region, account_id, SERVICE)
