"""The vocabulary of the source guides: valid ``seed_refs`` and Scoping Matrix dimensions."""

from __future__ import annotations

# The guide's Bedrock, AgentCore and bedrock-mantle data-event resource types (001 and 002).
BEDROCK_TYPES = (
    "AWS::Bedrock::AgentAlias",
    "AWS::Bedrock::InlineAgent",
    "AWS::Bedrock::KnowledgeBase",
    "AWS::Bedrock::FlowAlias",
    "AWS::Bedrock::Guardrail",
    "AWS::Bedrock::Model",
    "AWS::Bedrock::AsyncInvoke",
    "AWS::Bedrock::PromptVersion",
    "AWS::Bedrock::Session",
    "AWS::Bedrock::FlowExecution",
    "AWS::Bedrock::AutomatedReasoningPolicy",
    "AWS::Bedrock::AutomatedReasoningPolicyVersion",
    "AWS::Bedrock::DataAutomationProject",
    "AWS::Bedrock::DataAutomationInvocation",
    "AWS::Bedrock::DataAutomationProfile",
    "AWS::Bedrock::Blueprint",
    "AWS::Bedrock::AdvancedOptimizePromptJob",
    "AWS::Bedrock::Tool",
)
AGENTCORE_TYPES = (
    "AWS::BedrockAgentCore::CodeInterpreter",
    "AWS::BedrockAgentCore::CodeInterpreterCustom",
    "AWS::BedrockAgentCore::Browser",
    "AWS::BedrockAgentCore::BrowserCustom",
    "AWS::BedrockAgentCore::WorkloadIdentity",
    "AWS::BedrockAgentCore::WorkloadIdentityDirectory",
    "AWS::BedrockAgentCore::TokenVault",
    "AWS::BedrockAgentCore::OAuth2CredentialProvider",
    "AWS::BedrockAgentCore::APIKeyCredentialProvider",
    "AWS::BedrockAgentCore::Runtime",
    "AWS::BedrockAgentCore::RuntimeEndpoint",
    "AWS::BedrockAgentCore::Gateway",
    "AWS::BedrockAgentCore::Memory",
    "AWS::BedrockAgentCore::Evaluator",
)
MANTLE_TYPES = (
    "AWS::BedrockMantle::Project",
    "AWS::BedrockMantle::CustomizedModel",
    "AWS::BedrockMantle::Reservation",
)
OTHER_DATA_TYPES = ("AWS::S3::Object", "AWS::Lambda::Function")
NETWORK_SOURCES = ("bedrock.amazonaws.com", "s3.amazonaws.com", "lambda.amazonaws.com")

ALARM_NAMES = (
    "Bedrock Unauthorized Access",
    "Bedrock Guardrail Modification",
    "Bedrock Logging Config Change",
    "AI Role Permission Escalation",
    "AI Services VPC Endpoint Access Denied",
    "Agent Cross-Service Access Denied",
    "CloudTrail Insights Anomaly",
    "CloudTrail Logging Disruption",
    "AgentCore Gateway Auth Failures",
    "AgentCore Credential Access Anomaly",
    "AgentCore Gateway Config Change",
    "Automated Reasoning Policy Change",
    "Bedrock Agent Invocation Spike",
    "Bedrock Knowledge Base Retrieval Spike",
    "Bedrock Model Invocation Spike",
    "Bedrock Flow Invocation Spike",
    "Amazon S3 AI Data Write Operations",
    "Lambda AI Pipeline Invocation Spike",
    "AgentCore Gateway Invocation Spike",
    "AgentCore Tool Invocation Spike",
    "AgentCore Memory Operations Spike",
    "Bedrock Session Activity Spike",
    "Bedrock Flow Execution Spike",
    "Bedrock Data Automation Invocation Spike",
    "Bedrock Tool Invocation Spike",
)


AGENT_TELEMETRY_REFS: tuple[str, ...] = (
    "Agent telemetry: Transaction Search",
    "Agent telemetry: aws/spans",
    "Agent telemetry: runtime log groups",
)
"""Pipeline B of the guide ("Agent Telemetry (collected by ADOT SDK)"): Transaction Search,
the ``aws/spans`` log group, and ``/aws/bedrock-agentcore/runtimes/<agent>``."""


def _all_seed_refs() -> frozenset[str]:
    refs = {f"Data events: {t}" for t in (*BEDROCK_TYPES, *AGENTCORE_TYPES, *MANTLE_TYPES)}
    refs |= {f"Data events: {t}" for t in OTHER_DATA_TYPES}
    refs |= {f"Network activity: {s}" for s in NETWORK_SOURCES}
    refs |= {"Management events", "CloudWatch Logs delivery", "Model invocation logging"}
    refs |= {"Insights: ApiCallRateInsight", "Insights: ApiErrorRateInsight"}
    refs |= {f"Metric Filter {n}" for n in range(1, 26)}
    refs |= {f"Alarm: {name}" for name in ALARM_NAMES}
    refs |= {f"Contributor Insights Rule {n}" for n in range(1, 24)}
    refs |= {f"Query {n}" for n in range(1, 28)}
    refs |= {f"Event aggregation: {t}" for t in ("API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS")}
    refs |= {"Subscription filter", "Dashboard", "GuardDuty"}
    refs |= set(AGENT_TELEMETRY_REFS) | {"Bedrock Guardrail monitoring"}
    return frozenset(refs)


SEED_REFS: frozenset[str] = _all_seed_refs()
"""Every guide item a check may name in ``seed_refs`` (architecture.md, "seed_refs")."""

DIMENSIONS: dict[str, str] = {
    "genai.governance": "Generative AI: Governance & compliance",
    "genai.legal": "Generative AI: Legal & privacy",
    "genai.risk": "Generative AI: Risk management",
    "genai.controls": "Generative AI: Controls",
    "genai.resilience": "Generative AI: Resilience",
    "agentic.identity": "Agentic AI: Identity context",
    "agentic.data": "Agentic AI: Data, memory and state protection",
    "agentic.audit": "Agentic AI: Audit and logging",
    "agentic.guardrails": "Agentic AI: Agent and FM controls",
    "agentic.scope": "Agentic AI: Agency perimeters and policies",
    "agentic.orchestration": "Agentic AI: Orchestration",
}
"""Scoping Matrix dimensions: short id -> official name."""


def _guide_dimensions() -> dict[str, frozenset[str]]:
    """The guide's own mapping of its items to matrix dimensions (seed 001).

    Sources: the dimension table at the top of the guide (Generative AI tab), the
    "(Implements the ... dimension)" notes after selector groups, queries and metric
    filters, and the "(Agentic Matrix: ...)" bullets of "Why AgentCore Data Events Matter".
    """
    out: dict[str, set[str]] = {}

    def add(refs: tuple[str, ...] | list[str], *dims: str) -> None:
        for ref in refs:
            out.setdefault(ref, set()).update(dims)

    # Dimension table: Governance & Compliance, Risk Management, Controls.
    add(["Model invocation logging", "Query 18", "Query 25"], "genai.governance")
    add(["Metric Filter 5", "Metric Filter 23"], "genai.governance")
    # "Bedrock Guardrail monitoring": the guardrail-change alarm and Contributor Insights rule.
    add(["Alarm: Bedrock Guardrail Modification", "Contributor Insights Rule 10"], "genai.risk")
    add(["Bedrock Guardrail monitoring"], "genai.risk")
    add(["Query 8", "Query 21", "Query 27", "Metric Filter 4", "Metric Filter 25"], "genai.risk")
    add(["Management events", "Query 1", "Query 2", "Query 4"], "genai.controls")
    add(["Metric Filter 1", "Metric Filter 7"], "genai.controls")
    # AgentCore selector groups 1-4 and the bullets that map each capability.
    data = "Data events: AWS::BedrockAgentCore::"
    add([data + t for t in ("CodeInterpreter", "CodeInterpreterCustom")], "agentic.guardrails")
    add([data + t for t in ("Browser", "BrowserCustom")], "agentic.guardrails")
    identity = (
        "WorkloadIdentity",
        "WorkloadIdentityDirectory",
        "TokenVault",
        "OAuth2CredentialProvider",
        "APIKeyCredentialProvider",
    )
    add([data + t for t in identity], "agentic.identity")
    runtime = ("Runtime", "RuntimeEndpoint", "Gateway")
    add([data + t for t in runtime], "agentic.orchestration", "agentic.scope")
    add([data + "Memory", data + "Evaluator"], "agentic.data")
    add([data + "Evaluator"], "agentic.audit")
    # Network activity events, and the notes after queries and metric filters.
    add([f"Network activity: {s}" for s in NETWORK_SOURCES], "agentic.scope")
    add(["Query 4"], "agentic.identity", "agentic.scope")
    add(["Query 8", "Query 21", "Query 27"], "agentic.guardrails")
    add(["Query 17", "Query 23", "Query 24"], "agentic.orchestration")
    add(["Metric Filter 21", "Metric Filter 22"], "agentic.orchestration")
    add(["Query 18"], "agentic.audit")
    add(["Query 26"], "agentic.guardrails", "agentic.scope")
    add(["Metric Filter 24"], "agentic.guardrails")
    return {ref: frozenset(dims) for ref, dims in out.items()}


GUIDE_DIMENSIONS: dict[str, frozenset[str]] = _guide_dimensions()
"""seed_ref -> the matrix dimensions the guide itself says that item implements."""

GENAI_SCOPES: dict[int, str] = {
    1: "Consumer app",
    2: "Enterprise app",
    3: "Pre-trained models",
    4: "Fine-tuned models",
    5: "Self-trained models",
}
"""Generative AI Security Scoping Matrix scopes."""

AGENTIC_SCOPES: dict[int, str] = {
    1: "No agency",
    2: "Prescribed agency",
    3: "Supervised agency",
    4: "Full agency",
}
"""Agentic AI Security Scoping Matrix scopes."""
