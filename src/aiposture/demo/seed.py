"""The demo organization: four accounts written through plain boto3 calls.

- **guide** (``111122223333``, the management account) follows the guide fully.
- **partial** (``444455556666``) has a single-region trail with a handful of weak
  selectors, a failing CloudWatch Logs delivery into an Infrequent Access log group (so no
  detection there can fire) and a stopped legacy trail.
- **placeholder** (``777788889999``) pasted the guide's 34-selector organization trail
  JSON verbatim, placeholders and all, and built the guide's whole detection layer on it:
  the detections of data events can never fire, because the trail records none.
- **lab** (``555566667777``) is the detection lab: one single-region trail per region,
  both recording everything the guide asks; ``us-east-1`` holds the broken forms of the
  detection layer (over-broad filters and rules, missing data that keeps alarms in ALARM,
  metric math looser than the guide, a filter that sees no event, one that reads
  transformed logs, a log alarm with gaps) and ``us-west-2`` their corrected twins.

:func:`seed_demo` works against ``mock_aws()`` and against a moto HTTP server alike; the
only calls that are not AWS APIs are :func:`~aiposture.demo.moto_ext.set_trail_delivery`
overrides and :func:`~aiposture.demo.moto_ext.confirmation_token` (reading the token AWS
e-mails to a subscriber), which need the moto backend in this process.

The detection layer comes from :mod:`aiposture.guide.detection`: the guide account
has all of it (mantle-aware, a few filters in equivalent forms), the partial account a
mix of verbatim, equivalent, broken and missing items.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

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
from aiposture.guide import detection as dc
from aiposture.guide import guide_selectors

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

GUIDE_AGGREGATION = [
    {"Templates": ["API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS"], "EventCategory": "Data"}
]
"""The guide trail's event aggregation settings (GetEventConfiguration)."""

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

HOSTILE_TAG = "<script>alert('tag')</script><img src=x onerror=alert(3)>"
"""A tag value on the partial account's trail: reports must print it as text."""
"""The namespace of the partial account's mis-wired alarm (its filter publishes elsewhere)."""


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
            LAB_ACCOUNT: AccountConfig(resources=resources_cfg.model_copy(deep=True)),
        },
    )


# --- writing ---------------------------------------------------------------------------


class AccountWriter(Protocol):
    """What the seeding helpers need of an account: its id and a client per service."""

    account_id: str

    def client(self, service: str, region: str | None = None) -> Any:
        """A client of ``service`` in ``region`` (the account's home region when None)."""

    def role(self, name: str, service: str) -> str:
        """Create an IAM role that ``service`` may assume; return its ARN."""


class SeedAccount:
    """Writes one account: clients created on demand, and the resources seeding needs."""

    def __init__(self, session: Any, account_id: str, home: str, endpoint_url: str | None) -> None:
        self.session = session
        self.account_id = account_id
        self.home = home
        self.endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str | None = None) -> Any:
        """A client of ``service`` in ``region`` (the home region when None), cached."""
        key = (service, region or self.home)
        if key not in self._clients:
            self._clients[key] = self.session.client(
                service, region_name=key[1], endpoint_url=self.endpoint_url
            )
        return self._clients[key]

    def bucket(self) -> str:
        """Create the account's trail bucket in its home region; return its name."""
        name = f"aiposture-demo-trail-{self.account_id}"
        if self.home == "us-east-1":
            self.client("s3").create_bucket(Bucket=name)
        else:
            self.client("s3").create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.home}
            )
        return name

    def role(self, name: str, service: str) -> str:
        """Create an IAM role that ``service`` may assume (once); return its ARN."""
        iam = self.client("iam")
        try:
            return str(iam.get_role(RoleName=name)["Role"]["Arn"])
        except iam.exceptions.NoSuchEntityException:
            pass
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
        """Create a log group (class, optional retention); return its ARN."""
        logs = self.client("logs", region)
        logs.create_log_group(logGroupName=name, logGroupClass=log_class)
        if retention:
            logs.put_retention_policy(logGroupName=name, retentionInDays=retention)
        return f"arn:aws:logs:{region}:{self.account_id}:log-group:{name}:*"

    def invocation_logging(self, region: str, config: dict[str, Any]) -> None:
        """Turn on Bedrock model invocation logging in ``region`` with ``config``."""
        self.client("bedrock", region).put_model_invocation_logging_configuration(
            loggingConfig=config
        )


def start_guide_trail(
    ct: Any, name: str, account_id: str, regions: Sequence[str], **settings: Any
) -> dict[str, Any]:
    """Create trail ``name`` (``settings`` as CreateTrail takes them) logging as the guide says.

    The guide's selectors with the account's real ids for ``regions``, both Insights types on
    management and data events, the event aggregation templates, then StartLogging. Returns
    the CreateTrail response.
    """
    trail: dict[str, Any] = ct.create_trail(Name=name, **settings)
    ct.put_event_selectors(
        TrailName=name, AdvancedEventSelectors=guide_account_selectors(account_id, regions)
    )
    ct.put_insight_selectors(TrailName=name, InsightSelectors=BOTH_INSIGHTS)
    ct.put_event_configuration(TrailName=name, AggregationConfigurations=GUIDE_AGGREGATION)
    ct.start_logging(Name=name)
    return trail


def _seed_guide(acct: SeedAccount, regions: Sequence[str]) -> None:
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    key_id = acct.client("kms").create_key(Description="aiposture demo trail key")["KeyMetadata"][
        "Arn"
    ]
    log_arn = acct.log_group(GUIDE_TRAIL_LOG_GROUP, home, retention=365)
    start_guide_trail(
        acct.client("cloudtrail"),
        "ai-audit-trail",
        acct.account_id,
        regions,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key_id,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
        TagsList=[
            {"Key": "owner", "Value": "security-platform"},
            {"Key": "data-classification", "Value": "audit"},
        ],
    )
    seed_guide_detection(acct, home)
    for region in regions:  # GuardDuty is regional
        acct.client("guardduty", region).create_detector(
            Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES"
        )

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


def put_filter(
    logs: Any,
    log_group: str,
    name: str,
    pattern: str,
    metric: str,
    *,
    default: float | None = 0.0,
    **extra: Any,
) -> None:
    """Write one metric filter counting 1 per match into the demo's AI metric namespace.

    ``default`` is the filter's default value (None: none, the metric is sparse); ``extra``
    holds further PutMetricFilter fields (``fieldSelectionCriteria``...).
    """
    transformation: dict[str, Any] = {
        "metricName": metric,
        "metricNamespace": AI_METRIC_NAMESPACE,
        "metricValue": "1",
    }
    if default is not None:
        transformation["defaultValue"] = default
    logs.put_metric_filter(
        logGroupName=log_group,
        filterName=name,
        filterPattern=pattern,
        metricTransformations=[transformation],
        **extra,
    )


def put_alarm(
    cw: Any,
    alarm: dc.Alarm,
    actions: list[str],
    *,
    namespace: str = AI_METRIC_NAMESPACE,
    missing: str = "notBreaching",
) -> None:
    """Write the guide's alarm ``alarm`` (Sum over its period, above its threshold)."""
    cw.put_metric_alarm(
        AlarmName=alarm.alarm_name,
        AlarmDescription=f"{alarm.name} (guide alarm table)",
        Namespace=namespace,
        MetricName=alarm.metric,
        Statistic="Sum",
        Period=alarm.period_seconds,
        EvaluationPeriods=1,
        DatapointsToAlarm=1,
        Threshold=float(alarm.threshold),
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData=missing,
        ActionsEnabled=True,
        AlarmActions=actions,
    )


def put_rules_and_queries(cw: Any, logs: Any, group: str) -> None:
    """Write the guide's Contributor Insights rules and saved queries over log group ``group``."""
    for rule in dc.INSIGHT_RULES:
        cw.put_insight_rule(
            RuleName=rule.name, RuleState="ENABLED", RuleDefinition=rule.definition_text(group)
        )
    for saved in dc.QUERIES:
        logs.put_query_definition(
            name=saved.query_name,
            queryString=saved.sql_for(group),
            logGroupNames=saved.log_groups(group),
            queryLanguage="SQL",
        )


def confirmed_email_topic(acct: AccountWriter, region: str, name: str, email: str) -> str:
    """A topic whose e-mail subscriber clicked the confirmation link."""
    sns = acct.client("sns", region)
    topic = str(sns.create_topic(Name=name)["TopicArn"])
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=email)
    token = moto_ext.confirmation_token(acct.account_id, region, topic, email)
    sns.confirm_subscription(TopicArn=topic, Token=token)
    return topic


def seed_guide_detection(
    acct: AccountWriter, region: str, group: str = GUIDE_TRAIL_LOG_GROUP
) -> None:
    """The guide's whole detection layer on the CloudTrail log group ``group``, in ``region``.

    Everything of the guide, mantle-aware where guide 002 requires; a few filters are
    written in a different but equivalent form.
    """
    logs, cw = acct.client("logs", region), acct.client("cloudwatch", region)
    for mf in dc.METRIC_FILTERS:
        pattern = (
            dc.EQUIVALENT_PATTERNS[mf.number]
            if mf.number in GUIDE_EQUIVALENT_FILTERS
            else mf.complete_pattern
        )
        put_filter(logs, group, mf.filter_name, pattern, mf.metric)

    topics = {
        "security": confirmed_email_topic(acct, region, ALERT_TOPIC, "security-team@example.com"),
        "ai-ops": confirmed_email_topic(acct, region, OPS_TOPIC, "ai-ops-team@example.com"),
    }
    for alarm in dc.ALARMS:
        put_alarm(cw, alarm, [topics[alarm.team]])
    unauthorized = dc.alarm_for_metric("BedrockUnauthorizedAccess").alarm_name
    disruption = dc.alarm_for_metric("CloudTrailLoggingDisruption").alarm_name
    cw.put_composite_alarm(
        AlarmName="AI-Security-Composite",
        AlarmRule=f'ALARM("{unauthorized}") OR ALARM("{disruption}")',
        AlarmActions=[topics["security"]],
    )

    kinesis = acct.client("kinesis", region)
    kinesis.create_stream(StreamName="ai-audit-events", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="ai-audit-events")["StreamDescription"]
    logs.put_subscription_filter(
        logGroupName=group,
        filterName="ai-audit-events-to-kinesis",
        filterPattern=GUIDE_SUBSCRIPTION_PATTERN,
        destinationArn=stream["StreamARN"],
        roleArn=acct.role("CWLtoKinesisRole", "logs.amazonaws.com"),
    )

    put_rules_and_queries(cw, logs, group)
    alarm_names = [a.alarm_name for a in dc.ALARMS] + ["AI-Security-Composite"]
    cw.put_dashboard(
        DashboardName=SECURITY_DASHBOARD,
        DashboardBody=json.dumps(dc.dashboard_body(acct.account_id, region, group, alarm_names)),
    )


def _seed_partial_detection(acct: SeedAccount, region: str, log_group: str) -> None:
    """The partial account's detection layer: a bit of everything that can go wrong.

    - Filters 1, 6 and 14 copied verbatim (1 and 6 miss bedrock-mantle inference); 3 and 13
      in an equivalent form; 2, 4 and 7 broken (``&&`` for ``||``, ``$.eventname``, a
      misspelt event source). The rest are missing.
    - The Logging Disruption alarm notifies a topic whose e-mail subscriber never
      confirmed; the Knowledge Base alarm watches the wrong namespace; the Insights alarm
      has no actions of its own but a composite alarm pages a confirmed SQS subscriber.
    - Rules 1 and 2 (guide verbatim, 1 misses bedrock-mantle) are enabled, Rule 3 disabled;
      all three sit on an Infrequent Access log group, where Contributor Insights analyses
      nothing.
    - Queries 2, 3 and 5 saved; the others missing.
    """
    logs, cw = acct.client("logs", region), acct.client("cloudwatch", region)
    for number in PARTIAL_VERBATIM_FILTERS:
        mf = dc.metric_filter(number)
        put_filter(logs, log_group, mf.filter_name, mf.pattern, mf.metric)
    for number in PARTIAL_EQUIVALENT_FILTERS:
        mf = dc.metric_filter(number)
        put_filter(logs, log_group, mf.filter_name, dc.EQUIVALENT_PATTERNS[number], mf.metric)
    for broken in dc.BROKEN_PATTERNS:
        mf = dc.metric_filter(broken.number)
        put_filter(logs, log_group, mf.filter_name, broken.pattern, mf.metric)

    sns = acct.client("sns", region)
    pending = str(sns.create_topic(Name=PARTIAL_TOPIC)["TopicArn"])
    sns.subscribe(TopicArn=pending, Protocol="email", Endpoint="ops-oncall@example.com")
    pager = str(sns.create_topic(Name=PARTIAL_PAGER_TOPIC)["TopicArn"])
    queue = acct.client("sqs", region).create_queue(QueueName="ops-pager")["QueueUrl"]
    queue_arn = acct.client("sqs", region).get_queue_attributes(
        QueueUrl=queue, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=pager, Protocol="sqs", Endpoint=queue_arn)

    put_alarm(cw, dc.alarm_for_metric("CloudTrailLoggingDisruption"), [pending])
    put_alarm(
        cw,
        dc.alarm_for_metric("BedrockKnowledgeBaseRetrievals"),
        [pager],
        namespace=WRONG_NAMESPACE,
    )
    insights = dc.alarm_for_metric("CloudTrailInsightsAnomalies")
    put_alarm(cw, insights, [])
    cw.put_composite_alarm(
        AlarmName="ops-anomalies",
        AlarmRule=f'ALARM("{insights.alarm_name}")',
        AlarmActions=[pager],
    )

    for number, state in PARTIAL_RULES.items():
        rule = dc.insight_rule(number)
        cw.put_insight_rule(
            RuleName=rule.name,
            RuleState=state,
            RuleDefinition=rule.definition_text(log_group, mantle_aware=False),
        )
    for number in PARTIAL_QUERIES:
        saved = dc.query(number)
        logs.put_query_definition(
            name=saved.query_name,
            queryString=saved.sql_for(log_group, mantle_aware=False),
            logGroupNames=saved.log_groups(log_group),
            queryLanguage="SQL",
        )


def _seed_partial(acct: SeedAccount, regions: Sequence[str]) -> None:
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    log_arn = acct.log_group(PARTIAL_TRAIL_LOG_GROUP, home, log_class="INFREQUENT_ACCESS")
    ct = acct.client("cloudtrail")
    ct.create_trail(
        Name="ops-trail",
        S3BucketName=bucket,
        IsMultiRegionTrail=False,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
        # Tags are free text read from AWS: the reports must show this as text, never run it.
        TagsList=[{"Key": "note", "Value": HOSTILE_TAG}],
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
    _seed_partial_detection(acct, home, PARTIAL_TRAIL_LOG_GROUP)
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


def _seed_placeholder(acct: SeedAccount, regions: Sequence[str]) -> None:
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    log_arn = acct.log_group(PLACEHOLDER_TRAIL_LOG_GROUP, home, retention=365)
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
    seed_guide_detection(acct, home, PLACEHOLDER_TRAIL_LOG_GROUP)

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


def _seed_organization(guide: SeedAccount, members: Sequence[SeedAccount]) -> None:
    org = guide.client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    for member in members:
        handshake = org.invite_account_to_organization(
            Target={"Id": member.account_id, "Type": "ACCOUNT"},
            Notes="aiposture demo organization",
        )["Handshake"]
        member.client("organizations", "us-east-1").accept_handshake(HandshakeId=handshake["Id"])


def seed_auditor(guide: AccountWriter) -> tuple[str, str]:
    """Create the auditor user (read-only policy, may assume the org role); return its keys."""
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
    """Write the four-account demo organization and return what was written.

    ``session_for_account(account_id)`` returns a ``boto3.Session`` with credentials of
    that account (for moto: an assumed ``OrganizationAccountAccessRole``). The first region
    is the home region of every trail. ``endpoint_url`` sends the writes to a moto server.
    """
    if not regions:
        raise ValueError("the demo needs at least one region")
    moto_ext.install()
    home = regions[0]
    # The lab builds on this module's writers, so it is imported here, not at the top.
    from aiposture.demo.lab import seed_lab

    guide, partial, placeholder, lab = (
        SeedAccount(session_for_account(account_id), account_id, home, endpoint_url)
        for account_id in (GUIDE_ACCOUNT, PARTIAL_ACCOUNT, PLACEHOLDER_ACCOUNT, LAB_ACCOUNT)
    )
    _seed_organization(guide, [partial, placeholder, lab])
    _seed_guide(guide, regions)
    _seed_partial(partial, regions)
    _seed_placeholder(placeholder, regions)
    seed_lab(lab, regions)
    key_id, secret = seed_auditor(guide)
    return DemoOrg(
        accounts=dict(DEMO_ACCOUNTS),
        regions=tuple(regions),
        assume_roles=tuple(role_arn(a) for a in DEMO_ACCOUNTS.values()),
        config=demo_config(regions),
        auditor_access_key_id=key_id,
        auditor_secret_access_key=secret,
    )
