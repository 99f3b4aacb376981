"""The demo organization on paper: its accounts, regions and names, and the scan's config.

What :func:`~aiposture.demo.seed.seed_demo` writes is named here, so the tests, the reports'
checks and the seeding agree on one set of values.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from aiposture.config import (
    GUIDE_LAMBDA_FUNCTION_PREFIXES,
    GUIDE_S3_BUCKET_PREFIXES,
    AccountConfig,
    Config,
    ResourcesConfig,
    ScanConfig,
)
from aiposture.guide import detection as dc

GUIDE_ACCOUNT = "111122223333"
"""The management account; it follows the guide fully."""
PARTIAL_ACCOUNT = "444455556666"
"""An account with a partial, partly broken configuration."""
PLACEHOLDER_ACCOUNT = "777788889999"
"""An account that applied the guide's organization JSON without replacing placeholders."""
LAB_ACCOUNT = "555566667777"
"""The detection lab: broken detection forms in us-east-1, their corrected twins in us-west-2."""

DEMO_ACCOUNTS = {
    "guide": GUIDE_ACCOUNT,
    "partial": PARTIAL_ACCOUNT,
    "placeholder": PLACEHOLDER_ACCOUNT,
    "lab": LAB_ACCOUNT,
}
"""Role in the story -> account id."""

DEMO_REGIONS = ("us-east-1", "us-west-2")
"""The regions the demo writes to and scans."""

ORG_ROLE_NAME = "OrganizationAccountAccessRole"
"""The role the demo (and the scan) assumes in each account."""

AUDITOR_USER = "aiposture-auditor"
"""The IAM user in the management account whose keys run the demo scan."""

BEDROCK_EXECUTION_ROLE = "BedrockAgentExecRole"
"""The demo's Bedrock execution role name (the InlineAgent selector's identity)."""

GUIDE_TRAIL_LOG_GROUP = "aws-cloudtrail-logs/ai-workloads"
"""The guide account's CloudTrail delivery log group."""
PARTIAL_TRAIL_LOG_GROUP = "ops-cloudtrail"
"""The partial account's CloudTrail delivery log group (Infrequent Access class)."""
PLACEHOLDER_TRAIL_LOG_GROUP = "org-ai-trail-logs"
"""The placeholder account's CloudTrail delivery log group."""
LAB_TRAIL_LOG_GROUP = "lab/cloudtrail"
"""The lab's CloudTrail delivery log group (one per region, each trail's own)."""
INVOCATION_LOG_GROUP = dc.INVOCATION_LOG_GROUP_NAME
"""The model invocation logging log group (guide and placeholder accounts)."""

AI_METRIC_NAMESPACE = dc.METRIC_NAMESPACE
"""The guide's metric namespace for its CloudTrail metric filters."""

GUIDE_SUBSCRIPTION_PATTERN = (
    '{ ($.eventCategory = "Management") || ($.eventCategory = "Aggregated") }'
)
"""The guide account's subscription filter: management and aggregated events."""

SECURITY_DASHBOARD = dc.DASHBOARD_NAME
"""The guide's unified audit and monitoring dashboard."""

ALERT_TOPIC = "ai-security-alerts"
"""The SNS topic the guide account's security alarms notify."""
OPS_TOPIC = "ai-ops-alerts"
"""The SNS topic the guide account's AI operations alarms notify."""

GUIDE_EQUIVALENT_FILTERS = (2, 9, 14, 15)
"""Guide filters the guide account writes in a different but equivalent form."""
PARTIAL_VERBATIM_FILTERS = (1, 6, 14)
"""Guide filters the partial account copied verbatim (1 and 6 miss bedrock-mantle)."""
PARTIAL_EQUIVALENT_FILTERS = (3, 13)
"""Guide filters the partial account writes in a different but equivalent form."""
PARTIAL_TOPIC = "ops-alerts"
"""The partial account's topic whose only subscriber never confirmed."""
PARTIAL_PAGER_TOPIC = "ops-pager"
"""The partial account's topic with a confirmed (SQS) subscriber."""
PARTIAL_RULES = {2: "ENABLED", 1: "ENABLED", 3: "DISABLED"}
"""The partial account's Contributor Insights rules (guide verbatim) and their states."""
PARTIAL_QUERIES = (2, 3, 5)
"""The guide queries the partial account saved; the others are missing."""
WRONG_NAMESPACE = "CloudTrailMetrics"
"""The namespace of the partial account's mis-wired alarm (its filter publishes elsewhere)."""


HOSTILE_TAG = "<script>alert('tag')</script><img src=x onerror=alert(3)>"
"""A tag value on the partial account's trail: reports must print it as text."""


DEMO_RESOURCE_IDS: dict[str, list[str]] = {
    "AWS::Bedrock::AgentAlias": ["AGENT12345/ALIAS67890"],
    "AWS::Bedrock::KnowledgeBase": ["KB12345678"],
    "AWS::Bedrock::FlowAlias": ["FLOW123456/alias/FLOWALIAS1"],
    "AWS::Bedrock::FlowExecution": ["FLOW123456/alias/FLOWALIAS1/execution/EXEC123456"],
    "AWS::Bedrock::Guardrail": ["gr1234abcd56"],
    "AWS::Bedrock::Model": ["anthropic.claude-3-5-sonnet-20240620-v1:0"],
    "AWS::Bedrock::AsyncInvoke": ["a1b2c3d4e5f6"],
    "AWS::Bedrock::PromptVersion": ["PROMPT1234:1"],
    "AWS::Bedrock::Session": ["5f7c9e2a-1b3d-4e6f-8a9b-0c1d2e3f4a5b"],
    "AWS::Bedrock::AutomatedReasoningPolicy": ["arpolicy1234"],
    "AWS::Bedrock::AutomatedReasoningPolicyVersion": ["arpolicy1234:1"],
    "AWS::Bedrock::DataAutomationProject": ["dap123456789"],
    "AWS::Bedrock::DataAutomationInvocation": ["dai123456789"],
    "AWS::Bedrock::DataAutomationProfile": ["dapf12345678"],
    "AWS::Bedrock::Blueprint": ["bp1234567890"],
    "AWS::Bedrock::AdvancedOptimizePromptJob": ["aopj12345678"],
    "AWS::Bedrock::Tool": ["TOOL123456"],
    "AWS::BedrockAgentCore::Gateway": ["demo-gateway-a1b2c3d4e5"],
    "AWS::BedrockAgentCore::Runtime": ["demo_agent-a1b2c3d4e5"],
    "AWS::BedrockAgentCore::RuntimeEndpoint": ["demo_agent-a1b2c3d4e5/runtime-endpoint/DEFAULT"],
    "AWS::BedrockAgentCore::CodeInterpreter": ["aws.codeinterpreter.v1"],
    "AWS::BedrockAgentCore::Browser": ["aws.browser.v1"],
    "AWS::BedrockAgentCore::CodeInterpreterCustom": ["demo_ci-a1b2c3d4e5"],
    "AWS::BedrockAgentCore::BrowserCustom": ["demo_browser-a1b2c3d4e5"],
    "AWS::BedrockAgentCore::WorkloadIdentity": ["default/workload-identity/demo-agent"],
    "AWS::BedrockAgentCore::WorkloadIdentityDirectory": ["default"],
    "AWS::BedrockAgentCore::TokenVault": ["default"],
    "AWS::BedrockAgentCore::OAuth2CredentialProvider": [
        "default/oauth2credentialprovider/demo-provider"
    ],
    "AWS::BedrockAgentCore::APIKeyCredentialProvider": [
        "default/apikeycredentialprovider/demo-provider"
    ],
    "AWS::BedrockAgentCore::Memory": ["demo_memory-a1b2c3d4e5"],
    "AWS::BedrockAgentCore::Evaluator": ["demo_evaluator-a1b2c3d4e5"],
    "AWS::BedrockMantle::Project": ["proj_abc123"],
    "AWS::BedrockMantle::CustomizedModel": ["cm_demo123"],
    "AWS::BedrockMantle::Reservation": ["rsv_demo123"],
}
"""``resources.ids`` of the placeholder and lab accounts (the guide selectors' ids), and of
the guide account for the types it holds no resource of."""


@dataclass(frozen=True)
class DemoOrg:
    """What :func:`seed_demo` wrote: accounts, regions, roles to assume and a matching config."""

    accounts: dict[str, str]
    regions: tuple[str, ...]
    assume_roles: tuple[str, ...]
    config: Config
    auditor_access_key_id: str = field(repr=False)
    auditor_secret_access_key: str = field(repr=False)

    @property
    def management_account(self) -> str:
        """The organization's management account (the guide account)."""
        return self.accounts["guide"]


def role_arn(account_id: str, partition: str = "aws") -> str:
    """Return the ARN of the demo's assumable role in ``account_id``."""
    return f"arn:{partition}:iam::{account_id}:role/{ORG_ROLE_NAME}"


def demo_config(regions: Sequence[str], guide_inventoried: Collection[str] = ()) -> Config:
    """Build the demo's configuration: regions, roles and per-account resources.

    ``guide_inventoried`` are the types whose ids the guide account's trail takes from its
    real resources (:func:`aiposture.demo.selectors.inventory_named_types`): its
    ``resources.ids`` leave them out, since the inventory names them and the demo's made-up
    ids name nothing it holds.
    """
    resources_cfg = ResourcesConfig(
        s3_bucket_prefixes=list(GUIDE_S3_BUCKET_PREFIXES),
        lambda_function_prefixes=list(GUIDE_LAMBDA_FUNCTION_PREFIXES),
        bedrock_execution_role_names=[BEDROCK_EXECUTION_ROLE],
        ids={k: list(v) for k, v in DEMO_RESOURCE_IDS.items()},
    )
    guide_ids = {k: v for k, v in resources_cfg.ids.items() if k not in guide_inventoried}
    return Config(
        scan=ScanConfig(
            regions=list(regions),
            assume_roles=[role_arn(a) for a in DEMO_ACCOUNTS.values()],
        ),
        accounts={
            GUIDE_ACCOUNT: AccountConfig(
                resources=resources_cfg.model_copy(update={"ids": guide_ids}, deep=True)
            ),
            PLACEHOLDER_ACCOUNT: AccountConfig(resources=resources_cfg.model_copy(deep=True)),
            LAB_ACCOUNT: AccountConfig(resources=resources_cfg.model_copy(deep=True)),
        },
    )
