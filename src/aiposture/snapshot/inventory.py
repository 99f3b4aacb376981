"""The AI resources aiposture inventories: one :class:`ResourceKind` per kind of resource.

Each kind names the botocore service and list operation that finds it, and the CloudTrail
data-event resource type (``resources.type`` of an advanced event selector) that logs its
data events, when it has one. The collectors (:mod:`aiposture.collect.inventory`) fill
:attr:`aiposture.snapshot.models.RegionSnapshot.inventory` keyed by :attr:`ResourceKind.key`;
rules and reports read the labels and data-event types from here.

bedrock-mantle (the OpenAI-compatible endpoint, guide 002) has no SDK listing API, so it
has no kind here: its resource ids come from configuration only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceKind:
    """One kind of AI resource: how it is listed and how CloudTrail logs its data events."""

    key: str
    """Stable key in the snapshot, ``<service>:<kind>`` (e.g. ``bedrock-agent:agent-alias``)."""
    label: str
    """How people call it (e.g. "Bedrock agent alias")."""
    service: str
    """The botocore service name that lists it (e.g. ``bedrock-agent``)."""
    operation: str
    """The List operation that finds it (the parent's listing first for child kinds)."""
    data_event_type: str | None = None
    """The CloudTrail data-event ``resources.type`` that logs its data events, if any."""
    parent: str | None = None
    """The key of the kind it belongs to (an alias's agent), listed first."""


RESOURCE_KINDS: tuple[ResourceKind, ...] = (
    ResourceKind(
        "bedrock-agent:agent",
        "Bedrock agent",
        "bedrock-agent",
        "ListAgents",
        None,
        None,
    ),
    ResourceKind(
        "bedrock-agent:agent-alias",
        "Bedrock agent alias",
        "bedrock-agent",
        "ListAgentAliases",
        "AWS::Bedrock::AgentAlias",
        "bedrock-agent:agent",
    ),
    ResourceKind(
        "bedrock-agent:knowledge-base",
        "Bedrock knowledge base",
        "bedrock-agent",
        "ListKnowledgeBases",
        "AWS::Bedrock::KnowledgeBase",
        None,
    ),
    ResourceKind(
        "bedrock-agent:flow",
        "Bedrock flow",
        "bedrock-agent",
        "ListFlows",
        None,
        None,
    ),
    ResourceKind(
        "bedrock-agent:flow-alias",
        "Bedrock flow alias",
        "bedrock-agent",
        "ListFlowAliases",
        "AWS::Bedrock::FlowAlias",
        "bedrock-agent:flow",
    ),
    ResourceKind(
        "bedrock-agent:prompt",
        "Bedrock prompt",
        "bedrock-agent",
        "ListPrompts",
        "AWS::Bedrock::PromptVersion",
        None,
    ),
    ResourceKind(
        "bedrock:guardrail",
        "Bedrock guardrail",
        "bedrock",
        "ListGuardrails",
        "AWS::Bedrock::Guardrail",
        None,
    ),
    ResourceKind(
        "bedrock:custom-model",
        "Bedrock custom model",
        "bedrock",
        "ListCustomModels",
        "AWS::Bedrock::Model",
        None,
    ),
    ResourceKind(
        "bedrock:imported-model",
        "Bedrock imported model",
        "bedrock",
        "ListImportedModels",
        "AWS::Bedrock::Model",
        None,
    ),
    ResourceKind(
        "bedrock:provisioned-throughput",
        "Bedrock provisioned throughput",
        "bedrock",
        "ListProvisionedModelThroughputs",
        "AWS::Bedrock::Model",
        None,
    ),
    ResourceKind(
        "bedrock:inference-profile",
        "Bedrock application inference profile",
        "bedrock",
        "ListInferenceProfiles",
        "AWS::Bedrock::Model",
        None,
    ),
    ResourceKind(
        "bedrock:model-invocation-job",
        "Bedrock batch inference job",
        "bedrock",
        "ListModelInvocationJobs",
        None,
        None,
    ),
    ResourceKind(
        "bedrock:automated-reasoning-policy",
        "Bedrock Automated Reasoning policy",
        "bedrock",
        "ListAutomatedReasoningPolicies",
        "AWS::Bedrock::AutomatedReasoningPolicy",
        None,
    ),
    ResourceKind(
        "bedrock-data-automation:project",
        "Bedrock Data Automation project",
        "bedrock-data-automation",
        "ListDataAutomationProjects",
        "AWS::Bedrock::DataAutomationProject",
        None,
    ),
    ResourceKind(
        "bedrock-data-automation:blueprint",
        "Bedrock Data Automation blueprint",
        "bedrock-data-automation",
        "ListBlueprints",
        "AWS::Bedrock::Blueprint",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:gateway",
        "AgentCore gateway",
        "bedrock-agentcore-control",
        "ListGateways",
        "AWS::BedrockAgentCore::Gateway",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:gateway-target",
        "AgentCore gateway target",
        "bedrock-agentcore-control",
        "ListGatewayTargets",
        None,
        "bedrock-agentcore-control:gateway",
    ),
    ResourceKind(
        "bedrock-agentcore-control:runtime",
        "AgentCore agent runtime",
        "bedrock-agentcore-control",
        "ListAgentRuntimes",
        "AWS::BedrockAgentCore::Runtime",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:runtime-endpoint",
        "AgentCore runtime endpoint",
        "bedrock-agentcore-control",
        "ListAgentRuntimeEndpoints",
        "AWS::BedrockAgentCore::RuntimeEndpoint",
        "bedrock-agentcore-control:runtime",
    ),
    ResourceKind(
        "bedrock-agentcore-control:memory",
        "AgentCore memory",
        "bedrock-agentcore-control",
        "ListMemories",
        "AWS::BedrockAgentCore::Memory",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:code-interpreter",
        "AgentCore code interpreter",
        "bedrock-agentcore-control",
        "ListCodeInterpreters",
        "AWS::BedrockAgentCore::CodeInterpreterCustom",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:browser",
        "AgentCore browser",
        "bedrock-agentcore-control",
        "ListBrowsers",
        "AWS::BedrockAgentCore::BrowserCustom",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:workload-identity",
        "AgentCore workload identity",
        "bedrock-agentcore-control",
        "ListWorkloadIdentities",
        "AWS::BedrockAgentCore::WorkloadIdentity",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:oauth2-credential-provider",
        "AgentCore OAuth2 credential provider",
        "bedrock-agentcore-control",
        "ListOauth2CredentialProviders",
        "AWS::BedrockAgentCore::OAuth2CredentialProvider",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:api-key-credential-provider",
        "AgentCore API key credential provider",
        "bedrock-agentcore-control",
        "ListApiKeyCredentialProviders",
        "AWS::BedrockAgentCore::APIKeyCredentialProvider",
        None,
    ),
    ResourceKind(
        "bedrock-agentcore-control:evaluator",
        "AgentCore evaluator",
        "bedrock-agentcore-control",
        "ListEvaluators",
        "AWS::BedrockAgentCore::Evaluator",
        None,
    ),
)
"""Every inventoried kind, in report order. Each data-event type is checked against the
CloudTrail documentation (data events: resource types) by the collectors' tests."""

KINDS_BY_KEY: dict[str, ResourceKind] = {k.key: k for k in RESOURCE_KINDS}
""":data:`RESOURCE_KINDS` by key."""


def _kinds_by_type() -> dict[str, tuple[ResourceKind, ...]]:
    out: dict[str, list[ResourceKind]] = {}
    for kind in RESOURCE_KINDS:
        if kind.data_event_type:
            out.setdefault(kind.data_event_type, []).append(kind)
    return {rtype: tuple(kinds) for rtype, kinds in out.items()}


KINDS_BY_TYPE: dict[str, tuple[ResourceKind, ...]] = _kinds_by_type()
"""The inventoried kinds whose data events each CloudTrail data-event type logs (several
kinds for ``AWS::Bedrock::Model``: custom and imported models, provisioned throughput,
application inference profiles)."""


def kinds_of(data_event_type: str) -> tuple[ResourceKind, ...]:
    """The inventoried kinds whose data events CloudTrail logs as ``data_event_type``."""
    return KINDS_BY_TYPE.get(data_event_type, ())


DETAIL_OPERATIONS: dict[str, str] = {
    "bedrock:guardrail": "GetGuardrail",
    "bedrock:custom-model": "GetCustomModel",
    "bedrock:imported-model": "GetImportedModel",
    "bedrock:model-invocation-job": "GetModelInvocationJob",
    "bedrock-agent:agent": "GetAgent",
    "bedrock-agent:knowledge-base": "GetKnowledgeBase",
    "bedrock-agent:flow": "GetFlow",
    "bedrock-agent:prompt": "GetPrompt",
    "bedrock-agentcore-control:runtime": "GetAgentRuntime",
    "bedrock-agentcore-control:gateway": "GetGateway",
}
"""The kinds whose own configuration is read, by key: the Get operation (on the kind's
service) whose answer is :attr:`aiposture.snapshot.models.InventoryItem.details`.

``details`` is that answer as botocore parses it, without ``ResponseMetadata``, called as:

- ``GetGuardrail`` (``guardrailIdentifier`` = the item's id, ``guardrailVersion`` =
  ``DRAFT``: ListGuardrails without an identifier lists each guardrail's DRAFT, the
  version the item stands for; Prowler's ``bedrock_service`` reads the same): the answer's
  own members (``contentPolicy.filters``, ``sensitiveInformationPolicy``,
  ``contextualGroundingPolicy``, ``kmsKeyArn``...).
- ``GetAgent`` (``agentId``): the answer wraps the agent, ``{"agent": {...}}``
  (``agent.guardrailConfiguration``, ``agent.agentResourceRoleArn``,
  ``agent.customerEncryptionKeyArn``...).
- ``GetKnowledgeBase`` (``knowledgeBaseId``): the answer wraps the knowledge base,
  ``{"knowledgeBase": {...}}``, and the collector adds the key ``"dataSources"``: the list of
  the ``dataSource`` objects of ``GetDataSource`` for every data source ``ListDataSources``
  (paged) returns, in its order (``[]`` when it has none). Prowler's
  ``bedrock_knowledge_base_encrypted_with_cmk`` judges each data source's
  ``serverSideEncryptionConfiguration.kmsKeyArn``. One of the three calls failing leaves
  ``details`` ``None`` (its CallError names the knowledge base's ARN).
- ``GetFlow`` (``flowIdentifier`` = id; the DRAFT, with ``definition``), ``GetPrompt``
  (``promptIdentifier`` = id; the DRAFT): the answer's own members.
- ``GetCustomModel``, ``GetImportedModel`` (``modelIdentifier`` = the item's ARN) and
  ``GetModelInvocationJob`` (``jobIdentifier`` = the item's ARN): the answer's own members.
- ``GetAgentRuntime`` (``agentRuntimeId``, no version: the latest) and ``GetGateway``
  (``gatewayIdentifier`` = id): the answer's own members (``networkConfiguration``,
  ``authorizerConfiguration``, ``requestHeaderConfiguration``; ``authorizerType``...).

Times are what botocore parses (``datetime``); a snapshot read back holds them as text."""

DETAIL_EXTRA_OPERATIONS: dict[str, tuple[str, ...]] = {
    "bedrock-agent:knowledge-base": ("ListDataSources", "GetDataSource"),
}
"""The further operations the details of a kind take (a knowledge base's data sources)."""
