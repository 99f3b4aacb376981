"""The demo's Agents for Amazon Bedrock resources: agents, aliases, knowledge bases, flows, prompts.

Written through plain boto3 calls (moto's own CreateAgent and CreateKnowledgeBase, and the
Create operations :mod:`aiposture.demo.moto_ext.bedrock_agent_inventory` and
:mod:`aiposture.demo.moto_ext.bedrock_agent_details` add). Only the home region of three
accounts holds any:

- the **guide** account (two agents, one with a ``prod`` alias, a knowledge base with an S3
  data source, a flow with a ``live`` alias and a prompt) follows AWS best practice: each
  agent names a numbered version of one of the account's guardrails, runs as a role of its
  own (:data:`AGENT_ROLES`) and is encrypted with the account's customer managed key
  (:func:`aiposture.demo.resources_bedrock.ai_key`), as are the prompt, the flow and the
  data source; the flow's knowledge-base and prompt nodes apply a guardrail; its prompt is
  also in every other demo region (Bedrock counts as in use wherever it logs invocations);
- the **partial** account (two agents, ``ops-copilot`` with a ``beta`` alias, sharing one
  role; a knowledge base with an S3 data source; a flow with a ``beta`` alias; a prompt)
  has realistic gaps: ``ops-reporter`` has no guardrail, ``ops-copilot`` names the
  guardrail whose prompt-attack filter is LOW, nothing has a customer managed key, and the
  flow's prompt node applies no guardrail. Its weak trail logs none of their data events,
  and a scan of the partial and lab accounts alone sends every listing and Get call;
- the **placeholder** account (one agent with a ``v1`` alias and a knowledge base without
  data sources), unchanged by the AI posture checks' needs.

The lab account, and every other region, have none. Every agent also has its test alias
``TSTALIASID``, which AWS creates with the agent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiposture.demo.accounts import BEDROCK_EXECUTION_ROLE
from aiposture.demo.resources_bedrock import (
    GUIDE_GUARDRAIL_VERSION,
    GUIDE_GUARDRAILS,
    PARTIAL_GUARDRAILS,
    ai_key,
    guardrail_id,
)
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
    guardrail: str | None = None
    """The name of the account's guardrail the agent applies (its version 1), if any."""


GUIDE_AGENTS = (
    DemoAgent("support-assistant", ("prod",), GUIDE_GUARDRAILS[0]),
    DemoAgent("claims-triage", (), GUIDE_GUARDRAILS[1]),
)
"""The guide account's agents (home region)."""
GUIDE_AGENT_ROLES = {
    "support-assistant": "AmazonBedrockExecutionRoleForAgents_support",
    "claims-triage": "AmazonBedrockExecutionRoleForAgents_claims",
}
"""The guide account's agents' execution roles: one role per agent."""
GUIDE_KNOWLEDGE_BASES = ("policy-docs",)
"""The guide account's knowledge bases (home region)."""
GUIDE_FLOWS = {"ticket-router": ("live",)}
"""The guide account's flows and their aliases (home region)."""
GUIDE_PROMPTS = ("summarize-ticket",)
"""The guide account's prompts (home region)."""
PARTIAL_AGENTS = (
    DemoAgent("ops-copilot", ("beta",), PARTIAL_GUARDRAILS[0]),
    DemoAgent("ops-reporter"),
)
"""The partial account's agents (home region): ``ops-reporter`` applies no guardrail."""
PARTIAL_AGENT_ROLES = {
    "ops-copilot": "AmazonBedrockExecutionRoleForAgents_ops",
    "ops-reporter": "AmazonBedrockExecutionRoleForAgents_ops",
}
"""The partial account's agents' execution role: one role shared by both agents."""
PARTIAL_KNOWLEDGE_BASES = ("ops-runbooks",)
"""The partial account's knowledge bases (home region)."""
PARTIAL_PROMPTS = ("triage-alert",)
"""The partial account's prompts (home region)."""
PARTIAL_FLOWS = {"ops-runbook": ("beta",)}
"""The partial account's flows and their aliases (home region)."""
PLACEHOLDER_AGENTS = (DemoAgent("hr-helper", ("v1",)),)
"""The placeholder account's agents (home region)."""
PLACEHOLDER_KNOWLEDGE_BASES = ("hr-handbook",)
"""The placeholder account's knowledge bases (home region)."""
AGENT_ROLES: dict[str, str] = {
    **GUIDE_AGENT_ROLES,
    **PARTIAL_AGENT_ROLES,
    "hr-helper": BEDROCK_EXECUTION_ROLE,
}
"""Every demo agent's execution role name, by agent name (agent names are unique across
the demo): distinct in the guide account, shared by the partial account's two agents, the
placeholder account's shared ``BedrockAgentExecRole``. Each is created by the seeding with
a trust policy for ``bedrock.amazonaws.com`` and no permissions policy."""


@dataclass(frozen=True)
class _Seeding:
    """Where and how one account's agent resources are written."""

    acct: SeedAccount
    region: str
    role: str
    """The role of its knowledge bases and flows."""
    key: str | None
    """Its customer managed key, or ``None`` (AWS owned keys only)."""

    @property
    def client(self) -> Any:
        return self.acct.client("bedrock-agent", self.region)

    def encrypted(self, member: str) -> dict[str, Any]:
        """``{member: key}`` when the account uses its customer managed key, else nothing."""
        return {member: self.key} if self.key else {}

    def guardrail(self, name: str) -> dict[str, str]:
        """The ``guardrailConfiguration`` naming version 1 of the account's guardrail."""
        return {
            "guardrailIdentifier": guardrail_id(self.acct, self.region, name),
            "guardrailVersion": GUIDE_GUARDRAIL_VERSION,
        }


def _agents(
    seed: _Seeding, agents: tuple[DemoAgent, ...], roles: Mapping[str, str] | None = None
) -> None:
    """The agents; each runs as ``roles[name]`` (created once), else as ``seed.role``."""
    for agent in agents:
        role = seed.role
        if roles is not None:
            role = seed.acct.role(roles[agent.name], "bedrock.amazonaws.com")
        extra: dict[str, Any] = seed.encrypted("customerEncryptionKeyArn")
        if agent.guardrail:
            extra["guardrailConfiguration"] = seed.guardrail(agent.guardrail)
        agent_id = seed.client.create_agent(
            agentName=agent.name,
            agentResourceRoleArn=role,
            foundationModel=FOUNDATION_MODEL,
            instruction=f"You are the {agent.name} agent of the aiposture demo organization.",
            idleSessionTTLInSeconds=600,
            **extra,
        )["agent"]["agentId"]
        for alias in agent.aliases:
            seed.client.create_agent_alias(agentId=agent_id, agentAliasName=alias)


def _knowledge_bases(seed: _Seeding, names: tuple[str, ...], *, sources: bool = True) -> None:
    """The knowledge bases, each with one S3 data source when ``sources``."""
    aoss_prefix = f"arn:aws:aoss:{seed.region}:{seed.acct.account_id}"
    for name in names:
        kb_id = seed.client.create_knowledge_base(
            name=name,
            roleArn=seed.role,
            knowledgeBaseConfiguration={
                "type": "VECTOR",
                "vectorKnowledgeBaseConfiguration": {
                    "embeddingModelArn": f"arn:aws:bedrock:{seed.region}::foundation-model/"
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
        )["knowledgeBase"]["knowledgeBaseId"]
        if not sources:
            continue
        encryption = seed.encrypted("kmsKeyArn")
        seed.client.create_data_source(
            knowledgeBaseId=kb_id,
            name=f"{name}-s3",
            dataSourceConfiguration={
                "type": "S3",
                "s3Configuration": {"bucketArn": f"arn:aws:s3:::aiposture-demo-{name}"},
            },
            **({"serverSideEncryptionConfiguration": encryption} if encryption else {}),
        )


def _prompts(seed: _Seeding, names: tuple[str, ...]) -> None:
    for name in names:
        seed.client.create_prompt(
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
            **seed.encrypted("customerEncryptionKeyArn"),
        )


def _node(name: str, kind: str, config: dict[str, Any], inputs: str, output: str) -> dict[str, Any]:
    """A flow node with one String input (``inputs``) and one String output (``output``)."""
    node: dict[str, Any] = {"name": name, "type": kind, "configuration": config}
    if inputs:
        node["inputs"] = [{"name": inputs, "type": "String", "expression": "$.data"}]
    if output:
        node["outputs"] = [{"name": output, "type": "String"}]
    return node


def _definition(seed: _Seeding, guardrail: str | None) -> dict[str, Any]:
    """Input -> (knowledge base ->) prompt -> output; the model nodes apply ``guardrail``.

    With a guardrail the flow retrieves from the account's first knowledge base and runs
    its first prompt (by ARN); without, it runs an inline prompt.
    """
    client = seed.client
    applied = {"guardrailConfiguration": seed.guardrail(guardrail)} if guardrail else {}
    nodes = [_node("FlowInput", "Input", {"input": {}}, "", "document")]
    steps: list[tuple[str, str, str]] = []  # (node, its input, its output)
    if guardrail:
        kb_id = client.list_knowledge_bases()["knowledgeBaseSummaries"][0]["knowledgeBaseId"]
        kb = {"knowledgeBaseId": kb_id, "modelId": FOUNDATION_MODEL, **applied}
        nodes.append(
            _node(
                "PolicyLookup",
                "KnowledgeBase",
                {"knowledgeBase": kb},
                "retrievalQuery",
                "outputText",
            )
        )
        steps.append(("PolicyLookup", "retrievalQuery", "outputText"))
        prompt_arn = client.list_prompts()["promptSummaries"][0]["arn"]
        source: dict[str, Any] = {"resource": {"promptArn": prompt_arn}}
    else:
        source = {
            "inline": {
                "templateType": "TEXT",
                "templateConfiguration": {"text": {"text": "Triage: {{ticket}}"}},
                "modelId": FOUNDATION_MODEL,
            }
        }
    prompt = {"prompt": {"sourceConfiguration": source, **applied}}
    nodes.append(_node("Summarize", "Prompt", prompt, "ticket", "modelCompletion"))
    steps.append(("Summarize", "ticket", "modelCompletion"))
    nodes.append(_node("FlowOutput", "Output", {"output": {}}, "document", ""))
    steps.append(("FlowOutput", "document", ""))
    connections, previous, out = [], "FlowInput", "document"
    for target, target_input, target_output in steps:
        connections.append(
            {
                "type": "Data",
                "name": f"{previous}To{target}",
                "source": previous,
                "target": target,
                "configuration": {"data": {"sourceOutput": out, "targetInput": target_input}},
            }
        )
        previous, out = target, target_output
    return {"nodes": nodes, "connections": connections}


def _flows(
    seed: _Seeding, flows: Mapping[str, tuple[str, ...]], guardrail: str | None = None
) -> None:
    for name, aliases in flows.items():
        flow_id = seed.client.create_flow(
            name=name,
            executionRoleArn=seed.role,
            definition=_definition(seed, guardrail),
            **seed.encrypted("customerEncryptionKeyArn"),
        )["id"]
        for alias in aliases:
            seed.client.create_flow_alias(
                flowIdentifier=flow_id, name=alias, routingConfiguration=[{"flowVersion": "1"}]
            )


def seed_agent_resources(
    guide: SeedAccount,
    partial: SeedAccount,
    placeholder: SeedAccount,
    region: str,
    guide_regions: Sequence[str] = (),
) -> None:
    """Create the demo's agents, aliases, knowledge bases, flows and prompts in ``region``.

    The guide account's prompts are also created in each of ``guide_regions`` (a managed
    prompt wherever it may invoke models). Run after
    :func:`aiposture.demo.resources_bedrock.seed_bedrock_resources`: the agents and flows
    name its guardrails.
    """
    role = guide.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    for where in dict.fromkeys(guide_regions):
        if where != region:
            _prompts(_Seeding(guide, where, role, ai_key(guide, where)), GUIDE_PROMPTS)
    seed = _Seeding(guide, region, role, ai_key(guide, region))
    _agents(seed, GUIDE_AGENTS, GUIDE_AGENT_ROLES)
    _knowledge_bases(seed, GUIDE_KNOWLEDGE_BASES)
    _prompts(seed, GUIDE_PROMPTS)
    _flows(seed, GUIDE_FLOWS, GUIDE_GUARDRAILS[0])
    role = partial.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    seed = _Seeding(partial, region, role, None)
    _agents(seed, PARTIAL_AGENTS, PARTIAL_AGENT_ROLES)
    _knowledge_bases(seed, PARTIAL_KNOWLEDGE_BASES)
    _prompts(seed, PARTIAL_PROMPTS)
    _flows(seed, PARTIAL_FLOWS)
    role = placeholder.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    seed = _Seeding(placeholder, region, role, None)
    _agents(seed, PLACEHOLDER_AGENTS)
    _knowledge_bases(seed, PLACEHOLDER_KNOWLEDGE_BASES, sources=False)
