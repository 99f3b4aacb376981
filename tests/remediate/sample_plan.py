"""A hand-built plan with one step of every kind, for the renderers' tests.

The values are real-looking (no guide placeholder): the demo's placeholder account, its
multi-region trail ``org-ai-trail`` and its CloudTrail log group ``org-ai-trail-logs``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiposture.remediate.plan import (
    AccountPlan,
    CreateLogGroup,
    Plan,
    PutDashboard,
    PutEventSelectors,
    PutInsightRule,
    PutInsightSelectors,
    PutInvocationLogging,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    SelectorChange,
    StartLogging,
    Target,
    Unresolved,
    UpdateTrail,
)

ACCOUNT = "777788889999"
REGION = "us-east-1"
TRAIL = "org-ai-trail"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"
LOG_GROUP = "org-ai-trail-logs"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:ai-security-alerts"

TRAIL_RAW: dict[str, Any] = {
    "Name": TRAIL,
    "S3BucketName": f"aiposture-demo-trail-{ACCOUNT}",
    "IncludeGlobalServiceEvents": True,
    "IsMultiRegionTrail": True,
    "HomeRegion": REGION,
    "TrailARN": TRAIL_ARN,
    "LogFileValidationEnabled": True,
    "CloudWatchLogsLogGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}:*",
    "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role",
    "HasCustomEventSelectors": True,
    "HasInsightSelectors": True,
    "IsOrganizationTrail": False,
    "Tags": [{"Key": "owner", "Value": "security-platform"}],
    "IsLogging": True,
}

MANAGEMENT = {
    "Name": "Management events selector",
    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}
CUSTOM = {
    "Name": "Team DynamoDB tables",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]},
    ],
}
PLACEHOLDER_KB = {
    "Name": "OrgTrail-Bedrock-KnowledgeBase",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::Bedrock::KnowledgeBase"]},
        {
            "Field": "resources.ARN",
            "StartsWith": ["arn:aws:bedrock:REGION:ACCOUNT_ID:knowledge-base/KB_ID"],
        },
    ],
}
FIXED_KB = {
    "Name": "OrgTrail-Bedrock-KnowledgeBase",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::Bedrock::KnowledgeBase"]},
        {
            "Field": "resources.ARN",
            "StartsWith": [
                f"arn:aws:bedrock:us-east-1:{ACCOUNT}:knowledge-base/KBPROD0001",
                f"arn:aws:bedrock:us-west-2:{ACCOUNT}:knowledge-base/KBPROD0001",
            ],
        },
    ],
}
MANTLE_PROJECT = {
    "Name": "BedrockMantle-Project-DataEvents",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::BedrockMantle::Project"]},
    ],
}
S3_WRITES = {
    "Name": "S3-AI-Sensitive-WriteOnly",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "readOnly", "Equals": ["false"]},
        {
            "Field": "resources.ARN",
            "StartsWith": ["arn:aws:s3:::ai-training-data-", "arn:aws:s3:::model-artifacts-"],
        },
    ],
}
# A pattern with both quote kinds, a $ and a backslash: renderers must quote it exactly.
PATTERN = (
    '{ ($.eventSource = "bedrock.amazonaws.com" || $.eventSource = "bedrock-mantle.amazonaws.com")'
    ' && ($.errorCode = "AccessDenied" || $.errorCode = "UnauthorizedOperation") }'
)
QUERY = (
    "SELECT `userIdentity.arn`, eventName, COUNT(*) AS calls FROM `org-ai-trail-logs` "
    "WHERE eventSource = 'bedrock.amazonaws.com' AND errorCode = 'AccessDenied' "
    "GROUP BY `userIdentity.arn`, eventName ORDER BY calls DESC LIMIT 25"
)


def _target(check: str, region: str | None = REGION) -> list[Target]:
    return [Target(check_id=check, account_id=ACCOUNT, region=region)]


def sample_plan() -> Plan:
    """A plan for one account with every step kind, in the safe order."""
    trail = {"trail_name": TRAIL, "trail_arn": TRAIL_ARN, "trail": dict(TRAIL_RAW)}
    steps = [
        UpdateTrail(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("ct-log-file-validation"),
            reason="Log file validation is off, so tampering with delivered logs goes unseen.",
            enable_log_file_validation=True,
            **trail,
        ),
        StartLogging(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("ct-trail-logging"),
            reason="The trail exists but is not logging.",
            **trail,
        ),
        PutEventSelectors(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("ct-data-bedrock-knowledge-base")
            + _target("ct-data-mantle-project")
            + _target("ct-data-s3-ai-buckets"),
            reason="Three required data-event types are not logged; one selector holds guide placeholders.",
            notes=[
                "AWS::S3::Object can log many events: it is limited to write events on the AI buckets."
            ],
            before_advanced=[MANAGEMENT, CUSTOM, PLACEHOLDER_KB],
            after=[MANAGEMENT, CUSTOM, FIXED_KB, MANTLE_PROJECT, S3_WRITES],
            changes=[
                SelectorChange(
                    name=MANAGEMENT["Name"], change="kept", before=MANAGEMENT, after=MANAGEMENT
                ),
                SelectorChange(name=CUSTOM["Name"], change="kept", before=CUSTOM, after=CUSTOM),
                SelectorChange(
                    name=PLACEHOLDER_KB["Name"],
                    change="replaced",
                    before=PLACEHOLDER_KB,
                    after=FIXED_KB,
                    why="its resources.ARN holds the guide placeholders REGION, ACCOUNT_ID and KB_ID",
                ),
                SelectorChange(name=MANTLE_PROJECT["Name"], change="added", after=MANTLE_PROJECT),
                SelectorChange(name=S3_WRITES["Name"], change="added", after=S3_WRITES),
            ],
            high_volume_types=["AWS::S3::Object"],
            **trail,
        ),
        PutInsightSelectors(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("ct-insights-api-error-rate"),
            reason="ApiErrorRateInsight is off.",
            before=[{"InsightType": "ApiCallRateInsight", "EventCategories": ["Management"]}],
            after=[
                {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management"]},
                {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management"]},
            ],
            **trail,
        ),
        CreateLogGroup(
            account_id=ACCOUNT,
            region=REGION,
            reason="Bedrock invocation logging needs a Standard-class log group.",
            log_group_name="bedrock-model-invocation-logging",
            retention_in_days=365,
        ),
        PutMetricFilter(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("mf-01-bedrock-unauthorized-access"),
            reason="No filter on the CloudTrail log group counts denied Bedrock calls.",
            log_group_name=LOG_GROUP,
            filter_name="AI-BedrockUnauthorizedAccess",
            pattern=PATTERN,
            metric_name="BedrockUnauthorizedAccess",
            namespace="AIWorkloadMetrics",
        ),
        PutMetricAlarm(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("alarm-bedrock-unauthorized-access"),
            reason="No alarm watches BedrockUnauthorizedAccess.",
            alarm_name="AI-BedrockUnauthorizedAccess",
            description="Bedrock Unauthorized Access (guide alarm table)",
            namespace="AIWorkloadMetrics",
            metric_name="BedrockUnauthorizedAccess",
            period=300,
            threshold=5.0,
            alarm_actions=[TOPIC],
        ),
        PutInsightRule(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("ci-01-top-bedrock-model-callers"),
            reason="No enabled rule ranks Bedrock model callers.",
            rule_name="AI-TopBedrockModelCallers",
            definition={
                "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
                "AggregateOn": "Count",
                "Contribution": {
                    "Filters": [
                        {
                            "Match": "$.eventSource",
                            "In": ["bedrock.amazonaws.com", "bedrock-mantle.amazonaws.com"],
                        }
                    ],
                    "Keys": ["$.userIdentity.arn", "$.eventName"],
                },
                "LogFormat": "JSON",
                "LogGroupNames": [LOG_GROUP],
            },
        ),
        PutQueryDefinition(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("query-01-unauthorized-bedrock-access"),
            reason="No saved query lists denied Bedrock calls.",
            name="AI-Security/01-Unauthorized-Bedrock-Access",
            query_string=QUERY,
            log_group_names=[LOG_GROUP],
        ),
        PutDashboard(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("det-dashboard", None),
            reason="No dashboard shows the AI security alarms.",
            dashboard_name="AI-Workload-Security-Dashboard",
            body={
                "widgets": [
                    {
                        "type": "alarm",
                        "x": 0,
                        "y": 0,
                        "width": 24,
                        "height": 6,
                        "properties": {
                            "title": "AI security alarms",
                            "alarms": [
                                f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:AI-BedrockUnauthorizedAccess"
                            ],
                        },
                    }
                ]
            },
        ),
        PutInvocationLogging(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("bedrock-invocation-logging"),
            reason="Invocation logging writes to S3 only; it cannot be joined with CloudTrail.",
            before={"s3Config": {"bucketName": f"aiposture-demo-trail-{ACCOUNT}"}},
            config={
                "s3Config": {"bucketName": f"aiposture-demo-trail-{ACCOUNT}"},
                "cloudWatchConfig": {
                    "logGroupName": "bedrock-model-invocation-logging",
                    "roleArn": f"arn:aws:iam::{ACCOUNT}:role/BedrockInvocationLoggingRole",
                },
                "textDataDeliveryEnabled": True,
            },
        ),
        Unresolved(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("ct-data-bedrock-agent-alias"),
            reason="The ids of the production agent aliases are not known.",
            config_key=f'accounts."{ACCOUNT}".resources.ids."AWS::Bedrock::AgentAlias"',
        ),
        Unresolved(
            account_id=ACCOUNT,
            region=REGION,
            targets=_target("ct-trail-kms-encryption"),
            reason="Encrypting the trail needs a KMS key whose policy lets CloudTrail use it.",
        ),
    ]
    return Plan(
        tool_version="0.0.0-test",
        generated_at=datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
        snapshot_sha256="0" * 64,
        accounts=[AccountPlan(account_id=ACCOUNT, steps=steps)],
    )


def plan_with(steps: list[Any], account: str = ACCOUNT) -> Plan:
    """The sample plan's header with one account holding just ``steps``."""
    return sample_plan().model_copy(
        update={"accounts": [AccountPlan(account_id=account, steps=steps)]}
    )
