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
