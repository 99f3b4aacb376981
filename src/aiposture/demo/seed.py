"""The demo organization: three accounts written through plain boto3 calls.

- **guide** (``111122223333``, the management account) follows the guide fully.
- **partial** (``444455556666``) has a single-region trail with a handful of weak
  selectors, a failing CloudWatch Logs delivery and a stopped legacy trail.
- **placeholder** (``777788889999``) pasted the guide's 34-selector organization trail
  JSON verbatim, placeholders and all.

:func:`seed_demo` works against ``mock_aws()`` and against a moto HTTP server alike; the
only calls that are not AWS APIs are :func:`~aiposture.demo.moto_ext.set_trail_delivery`
overrides, which need the moto backend in this process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from aiposture.collect.policy import iam_policy
from aiposture.config import (
    GUIDE_LAMBDA_FUNCTION_PREFIXES,
    GUIDE_S3_BUCKET_PREFIXES,
    AccountConfig,
    Config,
    ResourcesConfig,
    ScanConfig,
)
from aiposture.demo import moto_ext

GUIDE_ACCOUNT = "111122223333"
"""The management account; it follows the guide fully."""
PARTIAL_ACCOUNT = "444455556666"
"""An account with a partial, partly broken configuration."""
PLACEHOLDER_ACCOUNT = "777788889999"
"""An account that applied the guide's organization JSON without replacing placeholders."""

DEMO_ACCOUNTS = {
    "guide": GUIDE_ACCOUNT,
    "partial": PARTIAL_ACCOUNT,
    "placeholder": PLACEHOLDER_ACCOUNT,
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
INVOCATION_LOG_GROUP = "bedrock-model-invocation-logging"
"""The model invocation logging log group (guide and placeholder accounts)."""

AI_METRIC_NAMESPACE = "AIWorkloadMetrics"
"""The guide's metric namespace for its CloudTrail metric filters."""

GUIDE_METRIC_FILTERS: dict[str, str] = {
    "BedrockUnauthorizedAccess": (
        '{ ($.eventSource = "bedrock.amazonaws.com") && (($.errorCode = "AccessDenied") '
        '|| ($.errorCode = "UnauthorizedOperation")) }'
    ),
    "CloudTrailLoggingDisruption": (
        '{ ($.eventName = "StopLogging") || ($.eventName = "DeleteTrail") '
        '|| ($.eventName = "UpdateTrail") }'
    ),
}
"""The guide's Metric Filters 1 and 14: metric name -> filter pattern."""

GUIDE_SUBSCRIPTION_PATTERN = (
    '{ ($.eventCategory = "Management") || ($.eventCategory = "Aggregated") }'
)
"""The guide account's subscription filter: management and aggregated events."""

SECURITY_DASHBOARD = "AI-Workload-Security-Dashboard"
"""The guide's unified audit and monitoring dashboard."""

ALERT_TOPIC = "ai-security-alerts"
"""The SNS topic the guide account's alarms notify."""

GUIDE_AGGREGATION = [
    {"Templates": ["API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS"], "EventCategory": "Data"}
]
"""The guide trail's event aggregation settings (GetEventConfiguration)."""


def top_bedrock_callers_rule(log_group: str) -> dict[str, Any]:
    """The guide's Contributor Insights Rule 1 (AI-TopBedrockModelCallers) on ``log_group``."""
    return {
        "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
        "AggregateOn": "Count",
        "Contribution": {
            "Filters": [
                {"Match": "$.eventSource", "In": ["bedrock.amazonaws.com"]},
                {
                    "Match": "$.eventName",
                    "In": [
                        "InvokeModel",
                        "InvokeModelWithResponseStream",
                        "Converse",
                        "ConverseStream",
                        "InvokeModelWithBidirectionalStream",
                        "GetAsyncInvoke",
                        "StartAsyncInvoke",
                        "ListAsyncInvokes",
                    ],
                },
            ],
            "Keys": ["$.userIdentity.arn", "$.eventName"],
        },
        "LogFormat": "JSON",
        "LogGroupNames": [log_group],
    }


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
"""``resources.ids`` of the guide and placeholder accounts (the guide selectors' ids)."""

PLACEHOLDER_VALUES = {
    "AGENT_ID": "AGENT12345",
    "ALIAS_ID": "ALIAS67890",
    "KB_ID": "KB12345678",
    "FLOW_ID": "FLOW123456",
    "GUARDRAIL_ID": "gr1234abcd56",
    "PROMPT_ID": "PROMPT1234",
    "POLICY_ID": "arpolicy1234",
    "PROJECT_ID": "dap123456789",
    "TOOL_ID": "TOOL123456",
    "BEDROCK_EXECUTION_ROLE_NAME": BEDROCK_EXECUTION_ROLE,
    "GATEWAY_ID": "demo-gateway-a1b2c3d4e5",
    "RUNTIME_ID": "demo_agent-a1b2c3d4e5",
    "DIRECTORY_ID": "default",
    "PROVIDER_NAME": "demo-provider",
    "MEMORY_ID": "demo_memory-a1b2c3d4e5",
    "EVALUATOR_ID": "demo_evaluator-a1b2c3d4e5",
    "CUSTOM_TOOL_ID": "demo_ci-a1b2c3d4e5",
    "CUSTOM_BROWSER_ID": "demo_browser-a1b2c3d4e5",
}
"""The guide's placeholders (other than ACCOUNT_ID and REGION) -> the demo's values."""

MANAGEMENT_SELECTOR: dict[str, Any] = {
    "Name": "Management events selector",
    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}
"""All management events, read and write (B.5)."""


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


@cache
def _guide_selectors() -> dict[str, Any]:
    text = resources.files("aiposture.demo").joinpath("guide_selectors.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def guide_selectors(group: str) -> list[dict[str, Any]]:
    """Return a fresh copy of one selector group from the guides, placeholders as written.

    Groups: ``bedrock`` (18), ``agentcore`` (14), ``s3``, ``lambda``, ``network`` (3),
    ``org_trail`` (34, the organization trail JSON) and ``mantle`` (guide 002).
    """
    selectors: list[dict[str, Any]] = json.loads(json.dumps(_guide_selectors()[group]))
    return selectors


_PLACEHOLDER_RE = re.compile(
    r"\b(" + "|".join(sorted([*PLACEHOLDER_VALUES, "ACCOUNT_ID"], key=len, reverse=True)) + r")\b"
)


def fill_placeholders(
    selectors: Iterable[Mapping[str, Any]], account_id: str, regions: Sequence[str]
) -> list[dict[str, Any]]:
    """Replace every placeholder; a value with ``REGION`` becomes one value per region."""
    out: list[dict[str, Any]] = []
    for selector in selectors:
        fields = []
        for field_selector in selector["FieldSelectors"]:
            filled: dict[str, Any] = {"Field": field_selector["Field"]}
            for operator, values in field_selector.items():
                if operator == "Field":
                    continue
                expanded: list[str] = []
                for value in values:
                    value = _PLACEHOLDER_RE.sub(
                        lambda m: (
                            account_id
                            if m.group(1) == "ACCOUNT_ID"
                            else PLACEHOLDER_VALUES[m.group(1)]
                        ),
                        value,
                    )
                    per_region = (
                        [re.sub(r"\bREGION\b", r, value) for r in regions]
                        if re.search(r"\bREGION\b", value)
                        else [value]
                    )
                    expanded.extend(v for v in per_region if v not in expanded)
                filled[operator] = expanded
            fields.append(filled)
        out.append({"Name": selector["Name"], "FieldSelectors": fields})
    return out


def guide_account_selectors(account_id: str, regions: Sequence[str]) -> list[dict[str, Any]]:
    """Return the guide-complete advanced selectors for ``account_id`` in ``regions``."""
    groups = ["bedrock", "agentcore", "mantle", "s3", "lambda", "network"]
    selectors = [MANAGEMENT_SELECTOR]
    for group in groups:
        selectors.extend(guide_selectors(group))
    return fill_placeholders(selectors, account_id, regions)


def partial_account_selectors(account_id: str, region: str) -> list[dict[str, Any]]:
    """Return the partial account's selectors: write-only management, a few weak data ones."""
    bedrock = f"arn:aws:bedrock:{region}:{account_id}:"

    def data(name: str, rtype: str, *extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "Name": name,
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": [rtype]},
                *extra,
            ],
        }

    return [
        {
            "Name": "Management write events",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        },
        data(
            "Agent aliases (account-wide)",
            "AWS::Bedrock::AgentAlias",
            {"Field": "resources.ARN", "StartsWith": [bedrock]},
        ),
        data(
            "Knowledge bases (account-wide)",
            "AWS::Bedrock::KnowledgeBase",
            {"Field": "resources.ARN", "StartsWith": [bedrock]},
        ),
        data(
            "Sessions (reads only)",
            "AWS::Bedrock::Session",
            {"Field": "readOnly", "Equals": ["true"]},
        ),
        data(
            "Guardrails (excludes own account)",
            "AWS::Bedrock::Guardrail",
            {"Field": "resources.ARN", "NotStartsWith": [bedrock]},
        ),
        data(
            "AgentCore gateways",
            "AWS::BedrockAgentCore::Gateway",
            {
                "Field": "resources.ARN",
                "StartsWith": [f"arn:aws:bedrock-agentcore:{region}:{account_id}:gateway/"],
            },
        ),
    ]


LEGACY_CLASSIC_SELECTORS: list[dict[str, Any]] = [
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [
            {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::ai-training-data-"]},
            {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]},
        ],
    }
]
"""The partial account's stopped legacy trail: classic selectors."""

BOTH_INSIGHTS = [
    {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management", "Data"]},
    {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management", "Data"]},
]
"""Both Insights types on management and data events."""


def demo_config(regions: Sequence[str]) -> Config:
    """Build the demo's configuration: regions, roles and per-account resources."""
    resources_cfg = ResourcesConfig(
        s3_bucket_prefixes=list(GUIDE_S3_BUCKET_PREFIXES),
        lambda_function_prefixes=list(GUIDE_LAMBDA_FUNCTION_PREFIXES),
        bedrock_execution_role_names=[BEDROCK_EXECUTION_ROLE],
        ids={k: list(v) for k, v in DEMO_RESOURCE_IDS.items()},
    )
    return Config(
        scan=ScanConfig(
            regions=list(regions),
            assume_roles=[role_arn(a) for a in DEMO_ACCOUNTS.values()],
        ),
        accounts={
            GUIDE_ACCOUNT: AccountConfig(resources=resources_cfg),
            PLACEHOLDER_ACCOUNT: AccountConfig(resources=resources_cfg.model_copy(deep=True)),
        },
    )


# --- writing ---------------------------------------------------------------------------


class _Account:
    """Clients of one account, created on demand."""

    def __init__(self, session: Any, account_id: str, home: str, endpoint_url: str | None) -> None:
        self.session = session
        self.account_id = account_id
        self.home = home
        self.endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.home)
        if key not in self._clients:
            self._clients[key] = self.session.client(
                service, region_name=key[1], endpoint_url=self.endpoint_url
            )
        return self._clients[key]

    def bucket(self) -> str:
        name = f"aiposture-demo-trail-{self.account_id}"
        if self.home == "us-east-1":
            self.client("s3").create_bucket(Bucket=name)
        else:
            self.client("s3").create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.home}
            )
        return name

    def role(self, name: str, service: str) -> str:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        resp = self.client("iam").create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
        )
        return str(resp["Role"]["Arn"])

    def log_group(
        self, name: str, region: str, log_class: str = "STANDARD", retention: int | None = None
    ) -> str:
        logs = self.client("logs", region)
        logs.create_log_group(logGroupName=name, logGroupClass=log_class)
        if retention:
            logs.put_retention_policy(logGroupName=name, retentionInDays=retention)
        return f"arn:aws:logs:{region}:{self.account_id}:log-group:{name}:*"

    def invocation_logging(self, region: str, config: dict[str, Any]) -> None:
        self.client("bedrock", region).put_model_invocation_logging_configuration(
            loggingConfig=config
        )


def _seed_guide(acct: _Account, regions: Sequence[str]) -> None:
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    key_id = acct.client("kms").create_key(Description="aiposture demo trail key")["KeyMetadata"][
        "Arn"
    ]
    log_arn = acct.log_group(GUIDE_TRAIL_LOG_GROUP, home, retention=365)
    ct = acct.client("cloudtrail")
    ct.create_trail(
        Name="ai-audit-trail",
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key_id,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
    )
    ct.put_event_selectors(
        TrailName="ai-audit-trail",
        AdvancedEventSelectors=guide_account_selectors(acct.account_id, regions),
    )
    ct.put_insight_selectors(TrailName="ai-audit-trail", InsightSelectors=BOTH_INSIGHTS)
    ct.put_event_configuration(
        TrailName="ai-audit-trail", AggregationConfigurations=GUIDE_AGGREGATION
    )
    ct.start_logging(Name="ai-audit-trail")
    _seed_guide_detection(acct, home)

    inv_role = acct.role("BedrockInvocationLoggingRole", "bedrock.amazonaws.com")
    acct.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    for region in regions:
        acct.log_group(INVOCATION_LOG_GROUP, region, retention=365)
        acct.invocation_logging(
            region,
            {
                "cloudWatchConfig": {"logGroupName": INVOCATION_LOG_GROUP, "roleArn": inv_role},
                "textDataDeliveryEnabled": True,
                "imageDataDeliveryEnabled": True,
                "embeddingDataDeliveryEnabled": True,
            },
        )


def _seed_guide_detection(acct: _Account, region: str) -> None:
    """The guide account's detection layer on its CloudTrail log group, in ``region``."""
    logs, cw = acct.client("logs", region), acct.client("cloudwatch", region)
    for metric, pattern in GUIDE_METRIC_FILTERS.items():
        logs.put_metric_filter(
            logGroupName=GUIDE_TRAIL_LOG_GROUP,
            filterName=metric,
            filterPattern=pattern,
            metricTransformations=[
                {
                    "metricName": metric,
                    "metricNamespace": AI_METRIC_NAMESPACE,
                    "metricValue": "1",
                    "defaultValue": 0.0,
                }
            ],
        )

    sns = acct.client("sns", region)
    topic = str(sns.create_topic(Name=ALERT_TOPIC)["TopicArn"])
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security-team@example.com")
    for metric, period, threshold in (
        ("BedrockUnauthorizedAccess", 300, 5.0),
        ("CloudTrailLoggingDisruption", 60, 0.0),
    ):
        cw.put_metric_alarm(
            AlarmName=f"AI-{metric}",
            Namespace=AI_METRIC_NAMESPACE,
            MetricName=metric,
            Statistic="Sum",
            Period=period,
            EvaluationPeriods=1,
            Threshold=threshold,
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
            AlarmActions=[topic],
        )
    cw.put_composite_alarm(
        AlarmName="AI-Security-Composite",
        AlarmRule='ALARM("AI-BedrockUnauthorizedAccess") OR ALARM("AI-CloudTrailLoggingDisruption")',
        AlarmActions=[topic],
    )

    kinesis = acct.client("kinesis", region)
    kinesis.create_stream(StreamName="ai-audit-events", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="ai-audit-events")["StreamDescription"]
    logs.put_subscription_filter(
        logGroupName=GUIDE_TRAIL_LOG_GROUP,
        filterName="ai-audit-events-to-kinesis",
        filterPattern=GUIDE_SUBSCRIPTION_PATTERN,
        destinationArn=stream["StreamARN"],
        roleArn=acct.role("CWLtoKinesisRole", "logs.amazonaws.com"),
    )

    cw.put_insight_rule(
        RuleName="AI-TopBedrockModelCallers",
        RuleState="ENABLED",
        RuleDefinition=json.dumps(top_bedrock_callers_rule(GUIDE_TRAIL_LOG_GROUP)),
    )
    logs.put_query_definition(
        name="AI/Bedrock access denied by principal",
        queryString=(
            "fields @timestamp, userIdentity.arn, eventName, errorCode\n"
            '| filter eventSource = "bedrock.amazonaws.com" and errorCode like /AccessDenied/\n'
            "| stats count(*) as denied by userIdentity.arn\n"
            "| sort denied desc"
        ),
        logGroupNames=[GUIDE_TRAIL_LOG_GROUP],
    )
    cw.put_dashboard(
        DashboardName=SECURITY_DASHBOARD,
        DashboardBody=json.dumps(
            {
                "widgets": [
                    {
                        "type": "alarm",
                        "x": 0,
                        "y": 0,
                        "width": 24,
                        "height": 4,
                        "properties": {
                            "title": "AI security alarms",
                            "alarms": [
                                f"arn:aws:cloudwatch:{region}:{acct.account_id}:alarm:AI-{m}"
                                for m in GUIDE_METRIC_FILTERS
                            ],
                        },
                    }
                ]
            }
        ),
    )
    acct.client("guardduty", region).create_detector(
        Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES"
    )


def _seed_partial(acct: _Account, regions: Sequence[str]) -> None:
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    log_arn = acct.log_group("ops-cloudtrail", home, log_class="INFREQUENT_ACCESS")
    ct = acct.client("cloudtrail")
    ct.create_trail(
        Name="ops-trail",
        S3BucketName=bucket,
        IsMultiRegionTrail=False,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
    )
    ct.put_event_selectors(
        TrailName="ops-trail",
        AdvancedEventSelectors=partial_account_selectors(acct.account_id, home),
    )
    ct.put_insight_selectors(
        TrailName="ops-trail",
        InsightSelectors=[{"InsightType": "ApiCallRateInsight", "EventCategories": ["Management"]}],
    )
    ct.start_logging(Name="ops-trail")
    moto_ext.set_trail_delivery(
        acct.account_id,
        home,
        "ops-trail",
        cloudwatch_delivery_time=datetime.now(UTC) - timedelta(days=3),
        cloudwatch_delivery_error="AccessDenied",
    )
    acct.invocation_logging(
        home,
        {
            "s3Config": {"bucketName": bucket, "keyPrefix": "bedrock-invocations/"},
            "textDataDeliveryEnabled": True,
        },
    )

    if len(regions) > 1:
        legacy = acct.client("cloudtrail", regions[1])
        legacy.create_trail(Name="legacy-trail", S3BucketName=bucket, IsMultiRegionTrail=False)
        legacy.put_event_selectors(
            TrailName="legacy-trail", EventSelectors=LEGACY_CLASSIC_SELECTORS
        )
        legacy.start_logging(Name="legacy-trail")
        legacy.stop_logging(Name="legacy-trail")


def _seed_placeholder(acct: _Account, regions: Sequence[str]) -> None:
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    log_arn = acct.log_group("org-ai-trail-logs", home, retention=365)
    ct = acct.client("cloudtrail")
    ct.create_trail(
        Name="org-ai-trail",
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
    )
    ct.put_event_selectors(
        TrailName="org-ai-trail",
        AdvancedEventSelectors=[MANAGEMENT_SELECTOR, *guide_selectors("org_trail")],
    )
    ct.put_insight_selectors(TrailName="org-ai-trail", InsightSelectors=BOTH_INSIGHTS)
    ct.start_logging(Name="org-ai-trail")

    inv_role = acct.role("BedrockInvocationLoggingRole", "bedrock.amazonaws.com")
    for region in regions:
        acct.log_group(INVOCATION_LOG_GROUP, region, retention=90)
        acct.invocation_logging(
            region,
            {
                "cloudWatchConfig": {"logGroupName": INVOCATION_LOG_GROUP, "roleArn": inv_role},
                "textDataDeliveryEnabled": True,
            },
        )


def _seed_organization(guide: _Account, members: Sequence[_Account]) -> None:
    org = guide.client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    for member in members:
        handshake = org.invite_account_to_organization(
            Target={"Id": member.account_id, "Type": "ACCOUNT"},
            Notes="aiposture demo organization",
        )["Handshake"]
        member.client("organizations", "us-east-1").accept_handshake(HandshakeId=handshake["Id"])


def _seed_auditor(guide: _Account) -> tuple[str, str]:
    iam = guide.client("iam")
    policy = iam_policy()
    policy["Statement"].append(
        {
            "Sid": "AiPostureAssumeScanRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::*:role/{ORG_ROLE_NAME}",
        }
    )
    arn = iam.create_policy(PolicyName="AiPostureReadOnly", PolicyDocument=json.dumps(policy))[
        "Policy"
    ]["Arn"]
    iam.create_user(UserName=AUDITOR_USER)
    iam.attach_user_policy(UserName=AUDITOR_USER, PolicyArn=arn)
    key = iam.create_access_key(UserName=AUDITOR_USER)["AccessKey"]
    return str(key["AccessKeyId"]), str(key["SecretAccessKey"])


def seed_demo(
    session_for_account: Callable[[str], Any],
    regions: Sequence[str] = DEMO_REGIONS,
    *,
    endpoint_url: str | None = None,
) -> DemoOrg:
    """Write the three-account demo organization and return what was written.

    ``session_for_account(account_id)`` returns a ``boto3.Session`` with credentials of
    that account (for moto: an assumed ``OrganizationAccountAccessRole``). The first region
    is the home region of every trail. ``endpoint_url`` sends the writes to a moto server.
    """
    if not regions:
        raise ValueError("the demo needs at least one region")
    moto_ext.install()
    home = regions[0]
    guide, partial, placeholder = (
        _Account(session_for_account(account_id), account_id, home, endpoint_url)
        for account_id in (GUIDE_ACCOUNT, PARTIAL_ACCOUNT, PLACEHOLDER_ACCOUNT)
    )
    _seed_organization(guide, [partial, placeholder])
    _seed_guide(guide, regions)
    _seed_partial(partial, regions)
    _seed_placeholder(placeholder, regions)
    key_id, secret = _seed_auditor(guide)
    return DemoOrg(
        accounts=dict(DEMO_ACCOUNTS),
        regions=tuple(regions),
        assume_roles=tuple(role_arn(a) for a in DEMO_ACCOUNTS.values()),
        config=demo_config(regions),
        auditor_access_key_id=key_id,
        auditor_secret_access_key=secret,
    )
