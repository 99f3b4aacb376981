"""The demo's Agents for Amazon Bedrock resources: agents, aliases, knowledge bases, flows, prompts.

Written through plain boto3 calls (moto's own CreateAgent and CreateKnowledgeBase, and the
Create operations :mod:`aiposture.demo.moto_ext.bedrock_agent_inventory` adds). Only the
home region of three accounts holds any: the **guide** account (two agents, one with a
``prod`` alias, a knowledge base, a flow with a ``live`` alias and a prompt), the
**partial** account (an agent with a ``beta`` alias and a flow with a ``beta`` alias: its
weak trail logs none of their data events, and a scan of the partial and lab accounts
alone sends every listing) and the **placeholder** account (one agent with a ``v1`` alias
and a knowledge base). The lab account, and every other region, have none. Every agent
also has its test alias ``TSTALIASID``, which AWS creates with the agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiposture.demo.accounts import BEDROCK_EXECUTION_ROLE
from aiposture.demo.writers import SeedAccount

FOUNDATION_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
"""The model the demo's agents run on."""
EMBEDDING_MODEL = "amazon.titan-embed-text-v2:0"
"""The embedding model of the demo's knowledge bases."""


@dataclass(frozen=True)
class DemoAgent:
    """An agent the demo creates and the aliases it adds (besides ``TSTALIASID``)."""

    name: str
    aliases: tuple[str, ...] = ()


GUIDE_AGENTS = (DemoAgent("support-assistant", ("prod",)), DemoAgent("claims-triage"))
"""The guide account's agents (home region)."""
GUIDE_KNOWLEDGE_BASES = ("policy-docs",)
"""The guide account's knowledge bases (home region)."""
GUIDE_FLOWS = {"ticket-router": ("live",)}
"""The guide account's flows and their aliases (home region)."""
GUIDE_PROMPTS = ("summarize-ticket",)
"""The guide account's prompts (home region)."""
PARTIAL_AGENTS = (DemoAgent("ops-copilot", ("beta",)),)
"""The partial account's agents (home region)."""
PARTIAL_FLOWS = {"ops-runbook": ("beta",)}
"""The partial account's flows and their aliases (home region)."""
PLACEHOLDER_AGENTS = (DemoAgent("hr-helper", ("v1",)),)
"""The placeholder account's agents (home region)."""
PLACEHOLDER_KNOWLEDGE_BASES = ("hr-handbook",)
"""The placeholder account's knowledge bases (home region)."""


def _agents(acct: SeedAccount, region: str, role: str, agents: tuple[DemoAgent, ...]) -> None:
    client = acct.client("bedrock-agent", region)
    for agent in agents:
        agent_id = client.create_agent(
            agentName=agent.name,
            agentResourceRoleArn=role,
            foundationModel=FOUNDATION_MODEL,
            instruction=f"You are the {agent.name} agent of the aiposture demo organization.",
            idleSessionTTLInSeconds=600,
        )["agent"]["agentId"]
        for alias in agent.aliases:
            client.create_agent_alias(agentId=agent_id, agentAliasName=alias)


def _knowledge_bases(acct: SeedAccount, region: str, role: str, names: tuple[str, ...]) -> None:
    client = acct.client("bedrock-agent", region)
    aoss_prefix = f"arn:aws:aoss:{region}:{acct.account_id}"
    for name in names:
        client.create_knowledge_base(
            name=name,
            roleArn=role,
            knowledgeBaseConfiguration={
                "type": "VECTOR",
                "vectorKnowledgeBaseConfiguration": {
                    "embeddingModelArn": f"arn:aws:bedrock:{region}::foundation-model/"
                    f"{EMBEDDING_MODEL}"
                },
            },
            storageConfiguration={
                "type": "OPENSEARCH_SERVERLESS",
                "opensearchServerlessConfiguration": {
                    "collectionArn": f"{aoss_prefix}:collection/{name}",
                    "vectorIndexName": f"{name}-index",
                    "fieldMapping": {
                        "vectorField": "embedding",
                        "textField": "text",
                        "metadataField": "metadata",
                    },
                },
            },
        )


def _flows(acct: SeedAccount, region: str, role: str, flows: Mapping[str, tuple[str, ...]]) -> None:
    client = acct.client("bedrock-agent", region)
    for name, aliases in flows.items():
        flow_id = client.create_flow(name=name, executionRoleArn=role)["id"]
        for alias in aliases:
            client.create_flow_alias(
                flowIdentifier=flow_id, name=alias, routingConfiguration=[{"flowVersion": "1"}]
            )


def _prompts(acct: SeedAccount, region: str) -> None:
    client = acct.client("bedrock-agent", region)
    for name in GUIDE_PROMPTS:
        client.create_prompt(
            name=name,
            defaultVariant="default",
            variants=[
                {
                    "name": "default",
                    "templateType": "TEXT",
                    "templateConfiguration": {"text": {"text": "Summarize: {{ticket}}"}},
                    "modelId": FOUNDATION_MODEL,
                }
            ],
        )


def seed_agent_resources(
    guide: SeedAccount, partial: SeedAccount, placeholder: SeedAccount, region: str
) -> None:
    """Create the demo's agents, aliases, knowledge bases, flows and prompts in ``region``."""
    role = guide.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    _agents(guide, region, role, GUIDE_AGENTS)
    _knowledge_bases(guide, region, role, GUIDE_KNOWLEDGE_BASES)
    _flows(guide, region, role, GUIDE_FLOWS)
    _prompts(guide, region)
    role = partial.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    _agents(partial, region, role, PARTIAL_AGENTS)
    _flows(partial, region, role, PARTIAL_FLOWS)
    role = placeholder.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    _agents(placeholder, region, role, PLACEHOLDER_AGENTS)
    _knowledge_bases(placeholder, region, role, PLACEHOLDER_KNOWLEDGE_BASES)
