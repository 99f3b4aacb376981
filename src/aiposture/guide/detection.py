"""The guide's detection layer as data: filters, alarms, rules, queries and the dashboard.

Guide 001, from "Security Analytics" to "Unified Audit & Monitoring Dashboard".

Everything here is the guide's text, with ``YOUR_CLOUDTRAIL_LOG_GROUP`` left in place; the
``*_for`` helpers fill in a log group. The guide's Metric Filters 1 and 6, Contributor
Insights Rules 1 and 5 and Queries 1 and 6 filter on ``bedrock.amazonaws.com`` only, so
they miss bedrock-mantle inference (guide 002: ``CreateInference``, a data event with
eventSource ``bedrock-mantle.amazonaws.com``); each has a mantle-aware version here, which
is what an account that follows both guides deploys. The demo seeds from this module
(:mod:`aiposture.demo.seed`); nothing here talks to AWS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

CLOUDTRAIL_LOG_GROUP_PLACEHOLDER = "YOUR_CLOUDTRAIL_LOG_GROUP"
"""The guide's placeholder for the CloudTrail delivery log group."""
INVOCATION_LOG_GROUP_NAME = "bedrock-model-invocation-logging"
"""The model invocation logging log group the cross-pipeline queries read."""
SPANS_LOG_GROUP_NAME = "aws/spans"
"""The ADOT spans log group the cross-pipeline queries read."""
METRIC_NAMESPACE = "AIWorkloadMetrics"
"""The guide's namespace for every metric filter."""
MANTLE_SOURCE = "bedrock-mantle.amazonaws.com"
"""The eventSource of bedrock-mantle events (guide 002)."""
MANTLE_INFERENCE = "CreateInference"
"""bedrock-mantle's inference operation, a CloudTrail data event (guide 002)."""
DASHBOARD_NAME = "AI-Workload-Security-Dashboard"
"""The guide's dashboard name."""


@dataclass(frozen=True)
class MetricFilter:
    """One of the guide's metric filters: its number, title, metric and verbatim pattern."""

    number: int
    title: str
    metric: str
    """The metric name, in :data:`METRIC_NAMESPACE`."""
    pattern: str
    """The guide's filter pattern, verbatim."""

    @property
    def seed_ref(self) -> str:
        """The guide item, as checks name it."""
        return f"Metric Filter {self.number}"

    @property
    def filter_name(self) -> str:
        """The demo's filter name."""
        return f"AI-{self.metric}"

    @property
    def complete_pattern(self) -> str:
        """The pattern an account following both guides deploys (mantle-aware where needed)."""
        return MANTLE_AWARE_PATTERNS.get(self.number, self.pattern)


@dataclass(frozen=True)
class Alarm:
    """One row of the guide's alarm tables (Sum, ``>`` threshold, one evaluation period)."""

    name: str
    """The guide's alarm name."""
    metric: str
    threshold: float
    period_seconds: int
    team: Literal["security", "ai-ops"]
    """Which of the guide's two tables (and SNS routes) the alarm belongs to."""

    @property
    def seed_ref(self) -> str:
        """The guide item, as checks name it."""
        return f"Alarm: {self.name}"

    @property
    def alarm_name(self) -> str:
        """The demo's CloudWatch alarm name."""
        return f"AI-{self.metric}"


RuleFilter = tuple[str, str, tuple[str | int, ...]]
"""A Contributor Insights filter: (Match selector, list operator, values as the guide writes
them: strings, or numbers such as Rule 14's HTTP status codes)."""


@dataclass(frozen=True)
class InsightRule:
    """One of the guide's Contributor Insights rules (JSON, Count, on the CloudTrail group)."""

    number: int
    title: str
    name: str
    """The guide's rule name."""
    filters: tuple[RuleFilter, ...]
    keys: tuple[str, ...]

    @property
    def seed_ref(self) -> str:
        """The guide item, as checks name it."""
        return f"Contributor Insights Rule {self.number}"

    def definition(self, log_group: str, *, mantle_aware: bool = True) -> dict[str, Any]:
        """The rule definition on ``log_group``; mantle-aware for Rules 1 and 5 by default."""
        filters = MANTLE_AWARE_RULE_FILTERS.get(self.number) if mantle_aware else None
        return {
            "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
            "AggregateOn": "Count",
            "Contribution": {
                "Filters": [
                    {"Match": match, operator: list(values)}
                    for match, operator, values in (filters or self.filters)
                ],
                "Keys": list(self.keys),
            },
            "LogFormat": "JSON",
            "LogGroupNames": [log_group],
        }

    def definition_text(self, log_group: str, *, mantle_aware: bool = True) -> str:
        """:meth:`definition` as the JSON text PutInsightRule takes."""
        return json.dumps(self.definition(log_group, mantle_aware=mantle_aware))


@dataclass(frozen=True)
class Query:
    """One of the guide's saved Logs Insights queries (OpenSearch SQL)."""

    number: int
    title: str
    sql: str
    """The guide's SQL with ``YOUR_CLOUDTRAIL_LOG_GROUP`` (Query 1: reconstructed)."""

    @property
    def seed_ref(self) -> str:
        """The guide item, as checks name it."""
        return f"Query {self.number}"

    @property
    def query_name(self) -> str:
        """The demo's saved-query name (folders by ``/``)."""
        return f"AI-Security/Query {self.number:02d} - {self.title}"

    def sql_for(self, log_group: str, *, mantle_aware: bool = True) -> str:
        """The SQL reading ``log_group``; mantle-aware for Queries 1 and 6 by default."""
        text = MANTLE_AWARE_QUERIES.get(self.number, self.sql) if mantle_aware else self.sql
        return text.replace(CLOUDTRAIL_LOG_GROUP_PLACEHOLDER, log_group)

    def log_groups(self, log_group: str) -> list[str]:
        """Every log group the query reads, the CloudTrail one first."""
        groups = [log_group]
        for other in (INVOCATION_LOG_GROUP_NAME, SPANS_LOG_GROUP_NAME):
            if f"`{other}`" in self.sql:
                groups.append(other)
        return groups


QUERY_1_SQL = (
    "SELECT `userIdentity.arn` AS iam_identity,\n"
    "eventName,\n"
    "errorCode,\n"
    "errorMessage,\n"
    "sourceIPAddress,\n"
    "COUNT(*) AS attempt_count\n"
    "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
    "WHERE eventSource = 'bedrock.amazonaws.com'\n"
    "AND errorCode IN ('AccessDenied', 'UnauthorizedOperation')\n"
    "GROUP BY `userIdentity.arn`, eventName, errorCode, errorMessage, sourceIPAddress\n"
    "ORDER BY attempt_count DESC"
)
"""Query 1, reconstructed: the guide prints only its GROUP BY and ORDER BY lines; the SELECT,
FROM and WHERE follow its description (AccessDenied or UnauthorizedOperation on Bedrock
APIs, by identity, ranked by frequency) and the shape of Queries 2-4."""


METRIC_FILTERS: tuple[MetricFilter, ...] = (
    MetricFilter(
        1,
        "Unauthorized Access to Bedrock Services",
        "BedrockUnauthorizedAccess",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && (($.errorCode = '
            '"AccessDenied") || ($.errorCode = "UnauthorizedOperation")) }'
        ),
    ),
    MetricFilter(
        2,
        "Bedrock Agent Invocations",
        "BedrockAgentInvocations",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.eventName = "InvokeAgent" '
            '|| $.eventName = "InvokeInlineAgent") }'
        ),
    ),
    MetricFilter(
        3,
        "Bedrock Knowledge Base Retrieval Activity",
        "BedrockKnowledgeBaseRetrievals",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.eventName = "Retrieve" || '
            '$.eventName = "RetrieveAndGenerate") }'
        ),
    ),
    MetricFilter(
        4,
        "Bedrock Guardrail Modifications",
        "BedrockGuardrailChanges",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.eventName = '
            '"CreateGuardrail" || $.eventName = "UpdateGuardrail" || $.eventName = '
            '"DeleteGuardrail" || $.eventName = "DeleteGuardrailVersion") }'
        ),
    ),
    MetricFilter(
        5,
        "Bedrock Model Invocation Logging Configuration Changes",
        "BedrockLoggingConfigChanges",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.eventName = '
            '"PutModelInvocationLoggingConfiguration" || $.eventName = '
            '"DeleteModelInvocationLoggingConfiguration") }'
        ),
    ),
    MetricFilter(
        6,
        "Bedrock Model Invocation Volume",
        "BedrockModelInvocations",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.eventName = "InvokeModel" '
            '|| $.eventName = "InvokeModelWithResponseStream" || $.eventName = "Converse" '
            '|| $.eventName = "ConverseStream" || $.eventName = '
            '"InvokeModelWithBidirectionalStream" || $.eventName = "GetAsyncInvoke" || '
            '$.eventName = "StartAsyncInvoke") }'
        ),
    ),
    MetricFilter(
        7,
        "IAM Permission Changes on AI Service Roles",
        "AIRolePermissionChanges",
        (
            '{ ($.eventSource = "iam.amazonaws.com") && ($.eventName = "AttachRolePolicy" '
            '|| $.eventName = "DetachRolePolicy" || $.eventName = "PutRolePolicy" || '
            '$.eventName = "DeleteRolePolicy") }'
        ),
    ),
    MetricFilter(
        8,
        "Bedrock Flow Invocations",
        "BedrockFlowInvocations",
        '{ ($.eventSource = "bedrock.amazonaws.com") && ($.eventName = "InvokeFlow") }',
    ),
    MetricFilter(
        9,
        "VPC Endpoint Access Denied Across AI Services",
        "AIServicesVpceAccessDenied",
        (
            '{ ($.errorCode = "VpceAccessDenied") && ($.eventSource = '
            '"bedrock.amazonaws.com" || $.eventSource = "s3.amazonaws.com" || '
            '$.eventSource = "lambda.amazonaws.com") }'
        ),
    ),
    MetricFilter(
        10,
        "Agent Cross-Service Access Denied",
        "AgentCrossServiceAccessDenied",
        (
            '{ ($.errorCode = "AccessDenied") && ($.userIdentity.type = "AssumedRole") && '
            '($.eventSource = "s3.amazonaws.com" || $.eventSource = "lambda.amazonaws.com" '
            '|| $.eventSource = "kms.amazonaws.com" || $.eventSource = '
            '"sagemaker.amazonaws.com" || $.eventSource = "secretsmanager.amazonaws.com") }'
        ),
    ),
    MetricFilter(
        11,
        "Amazon S3 AI Training Data Write Operations",
        "S3AIDataWriteOperations",
        (
            '{ ($.eventSource = "s3.amazonaws.com") && ($.eventName = "PutObject" || '
            '$.eventName = "DeleteObject" || $.eventName = "CopyObject") && ($.readOnly IS '
            "FALSE) }"
        ),
    ),
    MetricFilter(
        12,
        "Lambda AI Pipeline Invocation Volume",
        "LambdaAIPipelineInvocations",
        (
            '{ ($.eventSource = "lambda.amazonaws.com") && ($.eventName = "Invoke" || '
            '$.eventName = "Invoke20150331") }'
        ),
    ),
    MetricFilter(
        13,
        "CloudTrail Insights Anomaly Events",
        "CloudTrailInsightsAnomalies",
        '{ ($.eventCategory = "Insight") }',
    ),
    MetricFilter(
        14,
        "CloudTrail Logging Disruption",
        "CloudTrailLoggingDisruption",
        (
            '{ ($.eventName = "StopLogging") || ($.eventName = "DeleteTrail") || '
            '($.eventName = "UpdateTrail") }'
        ),
    ),
    MetricFilter(
        15,
        "AgentCore Gateway Invocations",
        "AgentCoreGatewayInvocations",
        (
            '{ ($.eventSource = "bedrock-agentcore.amazonaws.com") && ($.eventName = '
            '"InvokeGateway") }'
        ),
    ),
    MetricFilter(
        16,
        "AgentCore Gateway Authentication Failures",
        "AgentCoreGatewayAuthFailures",
        (
            '{ ($.eventSource = "bedrock-agentcore.amazonaws.com") && ($.eventName = '
            '"InvokeGateway") && ($.responseElements.statusCode = 401 || '
            "$.responseElements.statusCode = 403) }"
        ),
    ),
    MetricFilter(
        17,
        "AgentCore Built-in Tool Invocations (CodeInterpreter and Browser)",
        "AgentCoreToolInvocations",
        (
            '{ ($.eventSource = "bedrock-agentcore.amazonaws.com") && ($.resources[0].type '
            '= "AWS::BedrockAgentCore::CodeInterpreter" || $.resources[0].type = '
            '"AWS::BedrockAgentCore::CodeInterpreterCustom" || $.resources[0].type = '
            '"AWS::BedrockAgentCore::Browser" || $.resources[0].type = '
            '"AWS::BedrockAgentCore::BrowserCustom") }'
        ),
    ),
    MetricFilter(
        18,
        "AgentCore Credential Access (TokenVault, OAuth2, APIKey)",
        "AgentCoreCredentialAccess",
        (
            '{ ($.eventSource = "bedrock-agentcore.amazonaws.com") && ($.resources[0].type '
            '= "AWS::BedrockAgentCore::TokenVault" || $.resources[0].type = '
            '"AWS::BedrockAgentCore::OAuth2CredentialProvider" || $.resources[0].type = '
            '"AWS::BedrockAgentCore::APIKeyCredentialProvider") }'
        ),
    ),
    MetricFilter(
        19,
        "AgentCore Memory Operations",
        "AgentCoreMemoryOperations",
        (
            '{ ($.eventSource = "bedrock-agentcore.amazonaws.com") && ($.resources[0].type '
            '= "AWS::BedrockAgentCore::Memory") }'
        ),
    ),
    MetricFilter(
        20,
        "AgentCore Gateway Configuration Changes",
        "AgentCoreGatewayConfigChanges",
        (
            '{ ($.eventSource = "bedrock-agentcore.amazonaws.com") && ($.eventName = '
            '"CreateGateway" || $.eventName = "UpdateGateway" || $.eventName = '
            '"DeleteGateway" || $.eventName = "CreateGatewayTarget" || $.eventName = '
            '"UpdateGatewayTarget" || $.eventName = "DeleteGatewayTarget") }'
        ),
    ),
    MetricFilter(
        21,
        "Bedrock Session Activity",
        "BedrockSessionOperations",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.resources[0].type = '
            '"AWS::Bedrock::Session") }'
        ),
    ),
    MetricFilter(
        22,
        "Bedrock Flow Execution Activity",
        "BedrockFlowExecutions",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.resources[0].type = '
            '"AWS::Bedrock::FlowExecution") }'
        ),
    ),
    MetricFilter(
        23,
        "Bedrock Data Automation Invocations",
        "BedrockDataAutomationInvocations",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.resources[0].type = '
            '"AWS::Bedrock::DataAutomationInvocation" || $.resources[0].type = '
            '"AWS::Bedrock::DataAutomationProject") }'
        ),
    ),
    MetricFilter(
        24,
        "Bedrock Tool Invocations",
        "BedrockToolInvocations",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.resources[0].type = '
            '"AWS::Bedrock::Tool") }'
        ),
    ),
    MetricFilter(
        25,
        "Automated Reasoning Policy Changes",
        "BedrockAutomatedReasoningChanges",
        (
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.resources[0].type = '
            '"AWS::Bedrock::AutomatedReasoningPolicy" || $.resources[0].type = '
            '"AWS::Bedrock::AutomatedReasoningPolicyVersion") }'
        ),
    ),
)
INSIGHT_RULES: tuple[InsightRule, ...] = (
    InsightRule(
        1,
        "Top IAM Identities Invoking Bedrock Models",
        "AI-TopBedrockModelCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            (
                "$.eventName",
                "In",
                (
                    "InvokeModel",
                    "InvokeModelWithResponseStream",
                    "Converse",
                    "ConverseStream",
                    "InvokeModelWithBidirectionalStream",
                    "GetAsyncInvoke",
                    "StartAsyncInvoke",
                    "ListAsyncInvokes",
                ),
            ),
        ),
        keys=("$.userIdentity.arn", "$.eventName"),
    ),
    InsightRule(
        2,
        "Top IAM Identities Invoking Bedrock Agents",
        "AI-TopBedrockAgentCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            ("$.eventName", "In", ("InvokeAgent", "InvokeInlineAgent")),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        3,
        "Top IAM Identities Retrieving from Knowledge Bases",
        "AI-TopKnowledgeBaseCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            ("$.eventName", "In", ("Retrieve", "RetrieveAndGenerate")),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        4,
        "Top IAM Identities Invoking Bedrock Flows",
        "AI-TopBedrockFlowCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            ("$.eventName", "In", ("InvokeFlow",)),
        ),
        keys=("$.userIdentity.arn", "$.sourceIPAddress"),
    ),
    InsightRule(
        5,
        "Top IAM Identities with AccessDenied on Bedrock",
        "AI-BedrockAccessDenied-TopIdentities",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            ("$.errorCode", "In", ("AccessDenied", "UnauthorizedOperation")),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        6,
        "Top Agent Roles Denied Access to Downstream Services",
        "AI-AgentCrossServiceAccessDenied",
        filters=(
            (
                "$.eventSource",
                "In",
                (
                    "s3.amazonaws.com",
                    "lambda.amazonaws.com",
                    "kms.amazonaws.com",
                    "secretsmanager.amazonaws.com",
                    "sagemaker.amazonaws.com",
                ),
            ),
            ("$.errorCode", "In", ("AccessDenied", "UnauthorizedOperation")),
            ("$.userIdentity.type", "In", ("AssumedRole",)),
        ),
        keys=("$.userIdentity.arn", "$.eventSource", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        7,
        "Top VPC Endpoint Access Denials Across AI Services",
        "AI-VpceAccessDenied-AllAIServices",
        filters=(
            (
                "$.eventSource",
                "In",
                ("bedrock.amazonaws.com", "s3.amazonaws.com", "lambda.amazonaws.com"),
            ),
            ("$.errorCode", "In", ("VpceAccessDenied",)),
        ),
        keys=("$.userIdentity.arn", "$.eventSource", "$.vpcEndpointId", "$.eventName"),
    ),
    InsightRule(
        8,
        "Top Amazon S3 Buckets Accessed for AI Training Data",
        "AI-TopS3TrainingDataAccess",
        filters=(
            ("$.eventSource", "In", ("s3.amazonaws.com",)),
            ("$.eventName", "In", ("GetObject", "PutObject", "DeleteObject", "CopyObject")),
        ),
        keys=("$.userIdentity.arn", "$.requestParameters.bucketName"),
    ),
    InsightRule(
        9,
        "Top Lambda AI Pipeline Functions by Invocation Volume",
        "AI-TopLambdaAIPipelineInvocations",
        filters=(
            ("$.eventSource", "In", ("lambda.amazonaws.com",)),
            ("$.eventName", "In", ("Invoke", "Invoke20150331")),
        ),
        keys=("$.userIdentity.arn", "$.requestParameters.functionName"),
    ),
    InsightRule(
        10,
        "Top Bedrock Guardrail Modifications by Identity",
        "AI-BedrockGuardrailChanges-TopIdentities",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            (
                "$.eventName",
                "In",
                (
                    "CreateGuardrail",
                    "UpdateGuardrail",
                    "DeleteGuardrail",
                    "CreateGuardrailVersion",
                    "DeleteGuardrailVersion",
                ),
            ),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        11,
        "Logging and Security Configuration Changes",
        "AI-SecurityConfigurationChanges",
        filters=(
            (
                "$.eventName",
                "In",
                (
                    "StopLogging",
                    "DeleteTrail",
                    "UpdateTrail",
                    "PutModelInvocationLoggingConfiguration",
                    "DeleteModelInvocationLoggingConfiguration",
                    "PutBucketPolicy",
                    "DeleteBucketPolicy",
                    "PutBucketAcl",
                ),
            ),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        12,
        "Top API Calls Across All AI Services",
        "AI-TopAPICalls-AllAIServices",
        filters=(
            (
                "$.eventSource",
                "In",
                (
                    "bedrock.amazonaws.com",
                    "bedrock-agentcore.amazonaws.com",
                    "s3.amazonaws.com",
                    "lambda.amazonaws.com",
                    "sagemaker.amazonaws.com",
                ),
            ),
            ("$.eventName", "NotIn", ("AssumeRole",)),
        ),
        keys=("$.eventSource", "$.eventName"),
    ),
    InsightRule(
        13,
        "Top AgentCore Gateway Callers by JWT Subject",
        "AI-TopGatewayCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock-agentcore.amazonaws.com",)),
            ("$.eventName", "In", ("InvokeGateway",)),
        ),
        keys=("$.additionalEventData.jwt.claims.sub", "$.sourceIPAddress", "$.resources[0].ARN"),
    ),
    InsightRule(
        14,
        "Top AgentCore Gateway Authentication Failures",
        "AI-GatewayAuthFailures-TopSources",
        filters=(
            ("$.eventSource", "In", ("bedrock-agentcore.amazonaws.com",)),
            ("$.eventName", "In", ("InvokeGateway",)),
            ("$.responseElements.statusCode", "In", (401, 403)),
        ),
        keys=("$.sourceIPAddress", "$.additionalEventData.jwt.claims.sub", "$.resources[0].ARN"),
    ),
    InsightRule(
        15,
        "Top AgentCore Built-in Tool Users",
        "AI-TopAgentCoreToolUsers",
        filters=(
            ("$.eventSource", "In", ("bedrock-agentcore.amazonaws.com",)),
            (
                "$.resources[0].type",
                "In",
                (
                    "AWS::BedrockAgentCore::CodeInterpreter",
                    "AWS::BedrockAgentCore::CodeInterpreterCustom",
                    "AWS::BedrockAgentCore::Browser",
                    "AWS::BedrockAgentCore::BrowserCustom",
                ),
            ),
        ),
        keys=("$.userIdentity.arn", "$.resources[0].type", "$.eventName"),
    ),
    InsightRule(
        16,
        "Top AgentCore Credential Accessors",
        "AI-TopAgentCoreCredentialAccessors",
        filters=(
            ("$.eventSource", "In", ("bedrock-agentcore.amazonaws.com",)),
            (
                "$.resources[0].type",
                "In",
                (
                    "AWS::BedrockAgentCore::TokenVault",
                    "AWS::BedrockAgentCore::OAuth2CredentialProvider",
                    "AWS::BedrockAgentCore::APIKeyCredentialProvider",
                ),
            ),
        ),
        keys=("$.userIdentity.arn", "$.resources[0].type", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        17,
        "Top AgentCore Memory Accessors",
        "AI-TopAgentCoreMemoryAccessors",
        filters=(
            ("$.eventSource", "In", ("bedrock-agentcore.amazonaws.com",)),
            ("$.resources[0].type", "In", ("AWS::BedrockAgentCore::Memory",)),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.resources[0].ARN"),
    ),
    InsightRule(
        18,
        "AgentCore Gateway Configuration Changes",
        "AI-AgentCoreGatewayConfigChanges",
        filters=(
            ("$.eventSource", "In", ("bedrock-agentcore.amazonaws.com",)),
            (
                "$.eventName",
                "In",
                (
                    "CreateGateway",
                    "UpdateGateway",
                    "DeleteGateway",
                    "CreateGatewayTarget",
                    "UpdateGatewayTarget",
                    "DeleteGatewayTarget",
                ),
            ),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        19,
        "Top IAM Identities by Bedrock Session Activity",
        "AI-TopBedrockSessionCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            ("$.resources[0].type", "In", ("AWS::Bedrock::Session",)),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        20,
        "Top IAM Identities by Bedrock Flow Execution Activity",
        "AI-TopBedrockFlowExecutionCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            ("$.resources[0].type", "In", ("AWS::Bedrock::FlowExecution",)),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        21,
        "Top IAM Identities by Bedrock Data Automation Activity",
        "AI-TopBedrockDataAutomationCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            (
                "$.resources[0].type",
                "In",
                (
                    "AWS::Bedrock::DataAutomationProject",
                    "AWS::Bedrock::DataAutomationInvocation",
                    "AWS::Bedrock::DataAutomationProfile",
                ),
            ),
        ),
        keys=("$.userIdentity.arn", "$.resources[0].type", "$.eventName"),
    ),
    InsightRule(
        22,
        "Top IAM Identities by Bedrock Tool Invocations",
        "AI-TopBedrockToolCallers",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            ("$.resources[0].type", "In", ("AWS::Bedrock::Tool",)),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
    InsightRule(
        23,
        "Top Automated Reasoning Policy Changes by Identity",
        "AI-AutomatedReasoningChanges-TopIdentities",
        filters=(
            ("$.eventSource", "In", ("bedrock.amazonaws.com",)),
            (
                "$.resources[0].type",
                "In",
                (
                    "AWS::Bedrock::AutomatedReasoningPolicy",
                    "AWS::Bedrock::AutomatedReasoningPolicyVersion",
                ),
            ),
        ),
        keys=("$.userIdentity.arn", "$.eventName", "$.sourceIPAddress"),
    ),
)
QUERIES: tuple[Query, ...] = (
    Query(
        1,
        "Detect Unauthorized Bedrock Access (Management and Data Events)",
        QUERY_1_SQL,
    ),
    Query(
        2,
        "Monitor Bedrock Agent Invocations by IAM Identity",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "sourceIPAddress,\n"
            "awsRegion,\n"
            "COUNT(*) AS agent_invocation_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock.amazonaws.com'\n"
            "AND eventName IN ('InvokeAgent', 'InvokeInlineAgent')\n"
            "GROUP BY `userIdentity.arn`, eventName, sourceIPAddress, awsRegion\n"
            "ORDER BY agent_invocation_count DESC"
        ),
    ),
    Query(
        3,
        "Monitor Knowledge Base Retrieval Activity by IAM Identity",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "sourceIPAddress,\n"
            "COUNT(*) AS retrieval_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock.amazonaws.com'\n"
            "AND eventName IN ('Retrieve', 'RetrieveAndGenerate')\n"
            "GROUP BY `userIdentity.arn`, eventName, sourceIPAddress\n"
            "ORDER BY retrieval_count DESC"
        ),
    ),
    Query(
        4,
        "Detect Agent Cross-Service Access Denied",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventSource,\n"
            "eventName,\n"
            "errorCode,\n"
            "errorMessage,\n"
            "sourceIPAddress,\n"
            "COUNT(*) AS denied_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE errorCode IN ('AccessDenied', 'UnauthorizedOperation')\n"
            "AND `userIdentity.type` = 'AssumedRole'\n"
            "AND eventSource IN (\n"
            "'s3.amazonaws.com',\n"
            "'lambda.amazonaws.com',\n"
            "'kms.amazonaws.com',\n"
            "'secretsmanager.amazonaws.com',\n"
            "'sagemaker.amazonaws.com'\n"
            ")\n"
            "GROUP BY `userIdentity.arn`, eventSource, eventName, errorCode, errorMessage, "
            "sourceIPAddress\n"
            "ORDER BY denied_count DESC"
        ),
    ),
    Query(
        5,
        "Detect Logging Configuration Changes",
        (
            "SELECT eventTime,\n"
            "`userIdentity.arn` AS user,\n"
            "eventName,\n"
            "awsRegion,\n"
            "sourceIPAddress,\n"
            "errorCode\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventName IN (\n"
            "'StopLogging', 'DeleteTrail', 'UpdateTrail',\n"
            "'PutModelInvocationLoggingConfiguration',\n"
            "'DeleteModelInvocationLoggingConfiguration',\n"
            "'PutBucketPolicy', 'DeleteBucketPolicy'\n"
            ")\n"
            "ORDER BY eventTime DESC"
        ),
    ),
    Query(
        6,
        "Detect Bedrock Calls from Unexpected Source IPs",
        (
            "SELECT sourceIPAddress,\n"
            "`userIdentity.arn` AS iam_identity,\n"
            "eventSource,\n"
            "eventName,\n"
            "COUNT(*) AS call_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource IN ('bedrock.amazonaws.com', 'bedrock-agentcore.amazonaws.com')\n"
            "AND eventName IN ('InvokeModel', 'InvokeModelWithResponseStream',\n"
            "'Converse', 'ConverseStream',\n"
            "'InvokeAgent', 'InvokeInlineAgent',\n"
            "'Retrieve', 'RetrieveAndGenerate',\n"
            "'InvokeFlow', 'ApplyGuardrail',\n"
            "'InvokeModelWithBidirectionalStream',\n"
            "'GetAsyncInvoke', 'StartAsyncInvoke',\n"
            "'RenderPrompt', 'InvokeGateway')\n"
            "GROUP BY sourceIPAddress, `userIdentity.arn`, eventSource, eventName\n"
            "ORDER BY call_count DESC"
        ),
    ),
    Query(
        7,
        "Track All Security-Relevant Configuration Changes to AI Infrastructure",
        (
            "SELECT eventTime,\n"
            "`userIdentity.arn` AS user,\n"
            "eventName,\n"
            "eventSource,\n"
            "awsRegion,\n"
            "sourceIPAddress,\n"
            "errorCode\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventName IN (\n"
            "'StopLogging', 'DeleteTrail', 'UpdateTrail',\n"
            "'PutModelInvocationLoggingConfiguration',\n"
            "'DeleteModelInvocationLoggingConfiguration',\n"
            "'CreateGuardrail', 'UpdateGuardrail', 'DeleteGuardrail',\n"
            "'CreateGuardrailVersion', 'DeleteGuardrailVersion',\n"
            "'PutBucketPolicy', 'DeleteBucketPolicy',\n"
            "'CreateRole', 'DeleteRole', 'AttachRolePolicy',\n"
            "'DetachRolePolicy', 'PutRolePolicy', 'DeleteRolePolicy',\n"
            "'CreateGateway', 'UpdateGateway', 'DeleteGateway',\n"
            "'CreateGatewayTarget', 'UpdateGatewayTarget', 'DeleteGatewayTarget'\n"
            ")\n"
            "ORDER BY eventTime DESC"
        ),
    ),
    Query(
        8,
        "Monitor Bedrock Guardrail Changes",
        (
            "SELECT eventTime,\n"
            "`userIdentity.arn` AS user,\n"
            "eventName,\n"
            "`requestParameters.name` AS guardrail_name,\n"
            "sourceIPAddress,\n"
            "awsRegion\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock.amazonaws.com'\n"
            "AND eventName IN ('CreateGuardrail', 'UpdateGuardrail', 'DeleteGuardrail',\n"
            "'CreateGuardrailVersion', 'DeleteGuardrailVersion')\n"
            "ORDER BY eventTime DESC"
        ),
    ),
    Query(
        9,
        "VPC Endpoint Access Denied Across AI Services",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventSource,\n"
            "eventName,\n"
            "errorMessage,\n"
            "vpcEndpointId,\n"
            "sourceIPAddress,\n"
            "COUNT(*) AS denied_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventCategory = 'NetworkActivity'\n"
            "AND errorCode = 'VpceAccessDenied'\n"
            "AND eventSource IN (\n"
            "'bedrock.amazonaws.com',\n"
            "'s3.amazonaws.com',\n"
            "'lambda.amazonaws.com'\n"
            ")\n"
            "GROUP BY `userIdentity.arn`, eventSource, eventName, errorMessage, vpcEndpointId, "
            "sourceIPAddress\n"
            "ORDER BY denied_count DESC"
        ),
    ),
    Query(
        10,
        "Root Account Activity Detection",
        (
            "SELECT eventTime,\n"
            "eventName,\n"
            "eventSource,\n"
            "sourceIPAddress,\n"
            "awsRegion,\n"
            "errorCode\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE `userIdentity.type` = 'Root'\n"
            "AND eventName != 'ConsoleLogin'\n"
            "ORDER BY eventTime DESC"
        ),
    ),
    Query(
        11,
        "Detect AgentCore Gateway Authentication Failures",
        (
            "SELECT eventTime,\n"
            "sourceIPAddress,\n"
            "`responseElements.statusCode` AS httpStatus,\n"
            "`responseElements.body.error.message` AS errorMessage,\n"
            "`requestParameters.body.method` AS mcpMethod,\n"
            "`additionalEventData.jwt.claims.sub` AS jwtSubject,\n"
            "`additionalEventData.jwt.claims.iss` AS jwtIssuer,\n"
            "`resources.0.ARN` AS gatewayArn\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock-agentcore.amazonaws.com'\n"
            "AND eventName = 'InvokeGateway'\n"
            "AND `responseElements.statusCode` >= 400\n"
            "ORDER BY eventTime DESC"
        ),
    ),
    Query(
        12,
        "Monitor AgentCore Gateway Traffic by JWT Subject",
        (
            "SELECT `additionalEventData.jwt.claims.sub` AS jwtSubject,\n"
            "`additionalEventData.jwt.claims.iss` AS jwtIssuer,\n"
            "`additionalEventData.jwt.claims.scope` AS jwtScope,\n"
            "`resources.0.ARN` AS gatewayArn,\n"
            "sourceIPAddress,\n"
            "COUNT(*) AS request_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock-agentcore.amazonaws.com'\n"
            "AND eventName = 'InvokeGateway'\n"
            "GROUP BY `additionalEventData.jwt.claims.sub`,\n"
            "`additionalEventData.jwt.claims.iss`,\n"
            "`additionalEventData.jwt.claims.scope`,\n"
            "`resources.0.ARN`,\n"
            "sourceIPAddress\n"
            "ORDER BY request_count DESC"
        ),
    ),
    Query(
        13,
        "Monitor AgentCore Built-in Tool Usage (CodeInterpreter and Browser)",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.type` AS resourceType,\n"
            "`resources.0.ARN` AS resourceArn,\n"
            "sourceIPAddress,\n"
            "COUNT(*) AS tool_invocation_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock-agentcore.amazonaws.com'\n"
            "AND `resources.0.type` IN (\n"
            "'AWS::BedrockAgentCore::CodeInterpreter',\n"
            "'AWS::BedrockAgentCore::CodeInterpreterCustom',\n"
            "'AWS::BedrockAgentCore::Browser',\n"
            "'AWS::BedrockAgentCore::BrowserCustom'\n"
            ")\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.type`, `resources.0.ARN`, "
            "sourceIPAddress\n"
            "ORDER BY tool_invocation_count DESC"
        ),
    ),
    Query(
        14,
        "Detect Unauthorized Credential Access (TokenVault, OAuth2, APIKey)",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.type` AS credentialType,\n"
            "`resources.0.ARN` AS credentialArn,\n"
            "sourceIPAddress,\n"
            "errorCode,\n"
            "COUNT(*) AS access_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock-agentcore.amazonaws.com'\n"
            "AND `resources.0.type` IN (\n"
            "'AWS::BedrockAgentCore::TokenVault',\n"
            "'AWS::BedrockAgentCore::OAuth2CredentialProvider',\n"
            "'AWS::BedrockAgentCore::APIKeyCredentialProvider',\n"
            "'AWS::BedrockAgentCore::WorkloadIdentity',\n"
            "'AWS::BedrockAgentCore::WorkloadIdentityDirectory'\n"
            ")\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.type`, `resources.0.ARN`, "
            "sourceIPAddress, errorCode\n"
            "ORDER BY access_count DESC"
        ),
    ),
    Query(
        15,
        "Monitor AgentCore Runtime and Endpoint Activity",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.type` AS resourceType,\n"
            "`resources.0.ARN` AS resourceArn,\n"
            "sourceIPAddress,\n"
            "awsRegion,\n"
            "COUNT(*) AS operation_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock-agentcore.amazonaws.com'\n"
            "AND `resources.0.type` IN (\n"
            "'AWS::BedrockAgentCore::Runtime',\n"
            "'AWS::BedrockAgentCore::RuntimeEndpoint'\n"
            ")\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.type`, `resources.0.ARN`, "
            "sourceIPAddress, awsRegion\n"
            "ORDER BY operation_count DESC"
        ),
    ),
    Query(
        16,
        "Monitor AgentCore Memory Operations",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.ARN` AS memoryArn,\n"
            "sourceIPAddress,\n"
            "readOnly,\n"
            "COUNT(*) AS memory_operation_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock-agentcore.amazonaws.com'\n"
            "AND `resources.0.type` = 'AWS::BedrockAgentCore::Memory'\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.ARN`, sourceIPAddress, "
            "readOnly\n"
            "ORDER BY memory_operation_count DESC"
        ),
    ),
    Query(
        17,
        "AgentCore Gateway Traffic Joined with Runtime Sessions",
        (
            "SELECT gw.eventTime AS gatewayTime,\n"
            "gw.sourceIPAddress AS externalIP,\n"
            "gw.`additionalEventData.jwt.claims.sub` AS externalCaller,\n"
            "gw.`requestParameters.body.method` AS mcpMethod,\n"
            "gw.`responseElements.statusCode` AS httpStatus,\n"
            "gw.`resources.0.ARN` AS gatewayArn,\n"
            "rt.eventName AS runtimeAction,\n"
            "rt.`userIdentity.arn` AS runtimeRole,\n"
            "rt.`resources.0.ARN` AS runtimeArn\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP` AS gw\n"
            "LEFT OUTER JOIN `YOUR_CLOUDTRAIL_LOG_GROUP` AS rt\n"
            "ON rt.eventSource = 'bedrock-agentcore.amazonaws.com'\n"
            "AND rt.`resources.0.type` IN ('AWS::BedrockAgentCore::Runtime', "
            "'AWS::BedrockAgentCore::RuntimeEndpoint')\n"
            "AND rt.eventTime >= gw.eventTime\n"
            "WHERE gw.eventSource = 'bedrock-agentcore.amazonaws.com'\n"
            "AND gw.eventName = 'InvokeGateway'\n"
            "ORDER BY gw.eventTime DESC\n"
            "LIMIT 50"
        ),
    ),
    Query(
        18,
        "Who Asked What, and What Did the Model Say?",
        (
            "SELECT\n"
            "ct.eventTime AS timestamp,\n"
            "ct.`userIdentity.arn` AS caller,\n"
            "ct.sourceIPAddress AS sourceIP,\n"
            "ct.eventName AS api,\n"
            "ct.`userIdentity.inScopeOf.credentialsIssuedTo` AS lambdaFunction,\n"
            "ct.requestID AS requestId,\n"
            "ct.`additionalEventData.inputTokens` AS inputTokens,\n"
            "ct.`additionalEventData.outputTokens` AS outputTokens,\n"
            "inv.`input.inputBodyJson.messages.0.content.0.text` AS prompt,\n"
            "inv.`input.inputBodyJson.inferenceConfig.temperature` AS temperature,\n"
            "inv.`input.inputBodyJson.inferenceConfig.maxTokens` AS maxTokens,\n"
            "inv.`output.outputBodyJson.stopReason` AS stopReason,\n"
            "inv.`output.outputBodyJson.output.message.content.0.text` AS response,\n"
            "inv.`output.outputBodyJson.usage.cacheReadInputTokens` AS cacheReadTokens,\n"
            "inv.`output.outputBodyJson.usage.cacheCreationInputTokens` AS cacheWriteTokens,\n"
            "inv.inferenceRegion\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP` AS ct\n"
            "LEFT OUTER JOIN `bedrock-model-invocation-logging` AS inv\n"
            "ON ct.requestID = inv.requestId\n"
            "WHERE ct.eventSource = 'bedrock.amazonaws.com'\n"
            "AND ct.eventName IN ('InvokeModel', 'InvokeModelWithResponseStream',\n"
            "'Converse', 'ConverseStream')\n"
            "ORDER BY ct.eventTime DESC\n"
            "LIMIT 20"
        ),
    ),
    Query(
        19,
        "Agent Session Performance with Caller Identity",
        (
            "SELECT\n"
            "spans.`attributes.session.id` AS sessionId,\n"
            "spans.traceId,\n"
            "spans.`attributes.gen_ai.request.model` AS model,\n"
            "spans.durationNano / 1000000 AS latencyMs,\n"
            "spans.`attributes.gen_ai.usage.input_tokens` AS inputTokens,\n"
            "spans.`attributes.gen_ai.usage.output_tokens` AS outputTokens,\n"
            "ct.`userIdentity.arn` AS caller,\n"
            "ct.sourceIPAddress AS sourceIP,\n"
            "ct.`userIdentity.inScopeOf.issuerType` AS callerType,\n"
            "ct.`userIdentity.inScopeOf.credentialsIssuedTo` AS callerResource\n"
            "FROM `aws/spans` AS spans\n"
            "LEFT OUTER JOIN `YOUR_CLOUDTRAIL_LOG_GROUP` AS ct\n"
            "ON spans.`attributes.aws.request_id` = ct.requestID\n"
            "WHERE spans.`resource.attributes.aws.service.type` = 'gen_ai_agent'\n"
            "AND spans.`attributes.gen_ai.system` = 'aws.bedrock'\n"
            "ORDER BY spans.`attributes.session.id`, spans.startTimeUnixNano DESC\n"
            "LIMIT 50"
        ),
    ),
    Query(
        20,
        "Full Three-Pipeline Join — Session, Content, and Performance",
        (
            "SELECT\n"
            "ct.eventTime AS timestamp,\n"
            "ct.`userIdentity.arn` AS caller,\n"
            "ct.sourceIPAddress AS sourceIP,\n"
            "spans.`attributes.session.id` AS sessionId,\n"
            "spans.traceId,\n"
            "spans.durationNano / 1000000 AS latencyMs,\n"
            "inv.modelId,\n"
            "inv.`input.inputBodyJson.inferenceConfig.temperature` AS temperature,\n"
            "inv.`input.inputBodyJson.messages.0.content.0.text` AS prompt,\n"
            "inv.`output.outputBodyJson.output.message.content.0.text` AS response,\n"
            "inv.`output.outputBodyJson.stopReason` AS stopReason,\n"
            "inv.`input.inputTokenCount` AS inputTokens,\n"
            "inv.`output.outputTokenCount` AS outputTokens\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP` AS ct\n"
            "LEFT OUTER JOIN `bedrock-model-invocation-logging` AS inv\n"
            "ON ct.requestID = inv.requestId\n"
            "LEFT OUTER JOIN `aws/spans` AS spans\n"
            "ON ct.requestID = spans.`attributes.aws.request_id`\n"
            "WHERE ct.eventSource = 'bedrock.amazonaws.com'\n"
            "AND ct.eventName IN ('InvokeModel', 'Converse', 'ConverseStream')\n"
            "ORDER BY ct.eventTime DESC\n"
            "LIMIT 20"
        ),
    ),
    Query(
        21,
        "Guardrail Modification Correlated with Downstream Model Content",
        (
            "SELECT\n"
            "ct.eventTime AS guardrailChangeTime,\n"
            "ct.`userIdentity.arn` AS whoChangedGuardrail,\n"
            "ct.eventName AS changeType,\n"
            "inv.timestamp AS modelCallTime,\n"
            "inv.`identity.arn` AS modelCaller,\n"
            "inv.modelId,\n"
            "inv.`output.outputBodyJson.stopReason` AS stopReason,\n"
            "inv.`output.outputBodyJson.output.message.content.0.text` AS response\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP` AS ct\n"
            "LEFT OUTER JOIN `bedrock-model-invocation-logging` AS inv\n"
            "ON inv.timestamp >= ct.eventTime\n"
            "WHERE ct.eventSource = 'bedrock.amazonaws.com'\n"
            "AND ct.eventName IN ('UpdateGuardrail', 'DeleteGuardrail', "
            "'DeleteGuardrailVersion')\n"
            "ORDER BY ct.eventTime DESC\n"
            "LIMIT 50"
        ),
    ),
    Query(
        22,
        "Agent Session with Cross-Service Access Denied",
        (
            "SELECT\n"
            "spans.`attributes.session.id` AS sessionId,\n"
            "spans.`resource.attributes.service.name` AS agentService,\n"
            "ct.eventTime AS denialTime,\n"
            "ct.`userIdentity.arn` AS agentRole,\n"
            "ct.eventSource AS blockedService,\n"
            "ct.eventName AS blockedAction,\n"
            "ct.errorCode,\n"
            "ct.errorMessage\n"
            "FROM `aws/spans` AS spans\n"
            "LEFT OUTER JOIN `YOUR_CLOUDTRAIL_LOG_GROUP` AS ct\n"
            "ON ct.`userIdentity.arn` = spans.`attributes.aws.local.service`\n"
            "WHERE spans.`resource.attributes.aws.service.type` = 'gen_ai_agent'\n"
            "AND ct.errorCode IN ('AccessDenied', 'UnauthorizedOperation')\n"
            "AND ct.`userIdentity.type` = 'AssumedRole'\n"
            "AND ct.eventSource IN (\n"
            "'s3.amazonaws.com', 'lambda.amazonaws.com',\n"
            "'kms.amazonaws.com', 'secretsmanager.amazonaws.com',\n"
            "'sagemaker.amazonaws.com'\n"
            ")\n"
            "ORDER BY ct.eventTime DESC\n"
            "LIMIT 50"
        ),
    ),
    Query(
        23,
        "Monitor Bedrock Session Activity",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.ARN` AS sessionArn,\n"
            "sourceIPAddress,\n"
            "awsRegion,\n"
            "COUNT(*) AS session_operation_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock.amazonaws.com'\n"
            "AND `resources.0.type` = 'AWS::Bedrock::Session'\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.ARN`, sourceIPAddress, "
            "awsRegion\n"
            "ORDER BY session_operation_count DESC"
        ),
    ),
    Query(
        24,
        "Monitor Bedrock Flow Execution Activity",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.ARN` AS flowExecutionArn,\n"
            "sourceIPAddress,\n"
            "awsRegion,\n"
            "errorCode,\n"
            "COUNT(*) AS execution_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock.amazonaws.com'\n"
            "AND `resources.0.type` = 'AWS::Bedrock::FlowExecution'\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.ARN`, sourceIPAddress, "
            "awsRegion, errorCode\n"
            "ORDER BY execution_count DESC"
        ),
    ),
    Query(
        25,
        "Monitor Bedrock Data Automation Activity",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.type` AS resourceType,\n"
            "`resources.0.ARN` AS resourceArn,\n"
            "sourceIPAddress,\n"
            "errorCode,\n"
            "COUNT(*) AS automation_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock.amazonaws.com'\n"
            "AND `resources.0.type` IN (\n"
            "'AWS::Bedrock::DataAutomationProject',\n"
            "'AWS::Bedrock::DataAutomationInvocation',\n"
            "'AWS::Bedrock::DataAutomationProfile'\n"
            ")\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.type`, `resources.0.ARN`, "
            "sourceIPAddress, errorCode\n"
            "ORDER BY automation_count DESC"
        ),
    ),
    Query(
        26,
        "Monitor Bedrock Tool Invocations",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.ARN` AS toolArn,\n"
            "sourceIPAddress,\n"
            "COUNT(*) AS tool_invocation_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock.amazonaws.com'\n"
            "AND `resources.0.type` = 'AWS::Bedrock::Tool'\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.ARN`, sourceIPAddress\n"
            "ORDER BY tool_invocation_count DESC"
        ),
    ),
    Query(
        27,
        "Monitor Automated Reasoning Policy Changes",
        (
            "SELECT `userIdentity.arn` AS iam_identity,\n"
            "eventName,\n"
            "`resources.0.type` AS resourceType,\n"
            "`resources.0.ARN` AS policyArn,\n"
            "sourceIPAddress,\n"
            "awsRegion,\n"
            "errorCode,\n"
            "COUNT(*) AS policy_operation_count\n"
            "FROM `YOUR_CLOUDTRAIL_LOG_GROUP`\n"
            "WHERE eventSource = 'bedrock.amazonaws.com'\n"
            "AND `resources.0.type` IN (\n"
            "'AWS::Bedrock::AutomatedReasoningPolicy',\n"
            "'AWS::Bedrock::AutomatedReasoningPolicyVersion'\n"
            ")\n"
            "GROUP BY `userIdentity.arn`, eventName, `resources.0.type`, `resources.0.ARN`, "
            "sourceIPAddress, awsRegion, errorCode\n"
            "ORDER BY policy_operation_count DESC"
        ),
    ),
)

FILTERS_BY_NUMBER: dict[int, MetricFilter] = {f.number: f for f in METRIC_FILTERS}
QUERIES_BY_NUMBER: dict[int, Query] = {q.number: q for q in QUERIES}

MANTLE_AWARE_PATTERNS: dict[int, str] = {
    1: (
        '{ ($.eventSource = "bedrock.amazonaws.com" || '
        '$.eventSource = "bedrock-mantle.amazonaws.com") && '
        '($.errorCode = "AccessDenied" || $.errorCode = "AccessDeniedException" || '
        '$.errorCode = "UnauthorizedOperation") }'
    ),
    6: (
        '{ (($.eventSource = "bedrock.amazonaws.com") && ($.eventName = "InvokeModel" || '
        '$.eventName = "InvokeModelWithResponseStream" || $.eventName = "Converse" || '
        '$.eventName = "ConverseStream" || $.eventName = "InvokeModelWithBidirectionalStream" '
        '|| $.eventName = "GetAsyncInvoke" || $.eventName = "StartAsyncInvoke")) || '
        '(($.eventSource = "bedrock-mantle.amazonaws.com") && '
        '($.eventName = "CreateInference")) }'
    ),
}
"""Metric Filters 1 and 6 as an account following guides 001 and 002 writes them."""

MANTLE_AWARE_RULE_FILTERS: dict[int, tuple[RuleFilter, ...]] = {
    1: (
        ("$.eventSource", "In", ("bedrock.amazonaws.com", MANTLE_SOURCE)),
        (
            "$.eventName",
            "In",
            (
                "InvokeModel",
                "InvokeModelWithResponseStream",
                "Converse",
                "ConverseStream",
                "InvokeModelWithBidirectionalStream",
                "GetAsyncInvoke",
                "StartAsyncInvoke",
                "ListAsyncInvokes",
                MANTLE_INFERENCE,
            ),
        ),
    ),
    5: (
        ("$.eventSource", "In", ("bedrock.amazonaws.com", MANTLE_SOURCE)),
        ("$.errorCode", "In", ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")),
    ),
}
"""Contributor Insights Rules 1 and 5 with bedrock-mantle added (In lists stay within 10)."""

MANTLE_AWARE_QUERIES: dict[int, str] = {
    1: QUERY_1_SQL.replace(
        "WHERE eventSource = 'bedrock.amazonaws.com'",
        "WHERE eventSource IN ('bedrock.amazonaws.com', 'bedrock-mantle.amazonaws.com')",
    ).replace(
        "('AccessDenied', 'UnauthorizedOperation')",
        "('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation')",
    ),
    6: QUERIES_BY_NUMBER[6]
    .sql.replace(
        "'bedrock-agentcore.amazonaws.com')",
        "'bedrock-agentcore.amazonaws.com',\n'bedrock-mantle.amazonaws.com')",
    )
    .replace(
        "'RenderPrompt', 'InvokeGateway')", "'RenderPrompt', 'InvokeGateway',\n'CreateInference')"
    ),
}
"""Queries 1 and 6 with bedrock-mantle inference added (a superset of the guide's WHERE)."""

EQUIVALENT_PATTERNS: dict[int, str] = {
    2: (
        '{ ($.eventSource = "bedrock.amazonaws.com" && $.eventName = "InvokeAgent") || '
        '($.eventSource = "bedrock.amazonaws.com" && $.eventName = "InvokeInlineAgent") }'
    ),
    3: (
        '{ ($.eventName = "RetrieveAndGenerate" || $.eventName = "Retrieve") && '
        '$.eventSource = "bedrock.amazonaws.com" }'
    ),
    9: (
        '{ ($.eventSource = "lambda.amazonaws.com" || $.eventSource = "s3.amazonaws.com" || '
        '$.eventSource = "bedrock.amazonaws.com") && $.errorCode = "VpceAccessDenied" }'
    ),
    13: '{ $.eventCategory = "Insight" }',
    14: (
        '{ $.eventName = "UpdateTrail" || ($.eventName = "StopLogging" || '
        '$.eventName = "DeleteTrail") }'
    ),
    15: (
        '{ $.eventName = "InvokeGateway" && ($.eventSource = "bedrock-agentcore.amazonaws.com") }'
    ),
}
"""Filters written differently from the guide but meaning the same (clauses reordered,
parentheses regrouped or distributed): they match exactly the events the guide's match."""


@dataclass(frozen=True)
class BrokenPattern:
    """A filter that looks like the guide's but cannot match what it exists to catch."""

    number: int
    """The guide filter it imitates."""
    flaw: str
    pattern: str


BROKEN_PATTERNS: tuple[BrokenPattern, ...] = (
    BrokenPattern(
        2,
        "&& in place of ||: one event cannot have two event names",
        '{ ($.eventSource = "bedrock.amazonaws.com") && '
        '($.eventName = "InvokeAgent" && $.eventName = "InvokeInlineAgent") }',
    ),
    BrokenPattern(
        4,
        "$.eventname: selectors are case-sensitive, CloudTrail writes eventName",
        '{ ($.eventSource = "bedrock.amazonaws.com") && ($.eventname = "CreateGuardrail" || '
        '$.eventname = "UpdateGuardrail" || $.eventname = "DeleteGuardrail" || '
        '$.eventname = "DeleteGuardrailVersion") }',
    ),
    BrokenPattern(
        7,
        "misspelt event source: iam.amazonaw.com",
        '{ ($.eventSource = "iam.amazonaw.com") && ($.eventName = "AttachRolePolicy" || '
        '$.eventName = "DetachRolePolicy" || $.eventName = "PutRolePolicy" || '
        '$.eventName = "DeleteRolePolicy") }',
    ),
)
"""Filters for the partial account that parse but can never match their events."""

ALARMS: tuple[Alarm, ...] = (
    Alarm("Bedrock Unauthorized Access", "BedrockUnauthorizedAccess", 5, 300, "security"),
    Alarm("Bedrock Guardrail Modification", "BedrockGuardrailChanges", 0, 60, "security"),
    Alarm("Bedrock Logging Config Change", "BedrockLoggingConfigChanges", 0, 60, "security"),
    Alarm("AI Role Permission Escalation", "AIRolePermissionChanges", 0, 60, "security"),
    Alarm(
        "AI Services VPC Endpoint Access Denied", "AIServicesVpceAccessDenied", 0, 300, "security"
    ),
    Alarm(
        "Agent Cross-Service Access Denied", "AgentCrossServiceAccessDenied", 10, 300, "security"
    ),
    Alarm("CloudTrail Insights Anomaly", "CloudTrailInsightsAnomalies", 0, 300, "security"),
    Alarm("CloudTrail Logging Disruption", "CloudTrailLoggingDisruption", 0, 60, "security"),
    Alarm("AgentCore Gateway Auth Failures", "AgentCoreGatewayAuthFailures", 5, 300, "security"),
    Alarm("AgentCore Credential Access Anomaly", "AgentCoreCredentialAccess", 50, 300, "security"),
    Alarm("AgentCore Gateway Config Change", "AgentCoreGatewayConfigChanges", 0, 60, "security"),
    Alarm(
        "Automated Reasoning Policy Change", "BedrockAutomatedReasoningChanges", 0, 60, "security"
    ),
    Alarm("Bedrock Agent Invocation Spike", "BedrockAgentInvocations", 500, 300, "ai-ops"),
    Alarm(
        "Bedrock Knowledge Base Retrieval Spike",
        "BedrockKnowledgeBaseRetrievals",
        500,
        300,
        "ai-ops",
    ),
    Alarm("Bedrock Model Invocation Spike", "BedrockModelInvocations", 1000, 300, "ai-ops"),
    Alarm("Bedrock Flow Invocation Spike", "BedrockFlowInvocations", 200, 300, "ai-ops"),
    Alarm("Amazon S3 AI Data Write Operations", "S3AIDataWriteOperations", 50, 300, "ai-ops"),
    Alarm(
        "Lambda AI Pipeline Invocation Spike", "LambdaAIPipelineInvocations", 1000, 300, "ai-ops"
    ),
    Alarm("AgentCore Gateway Invocation Spike", "AgentCoreGatewayInvocations", 1000, 300, "ai-ops"),
    Alarm("AgentCore Tool Invocation Spike", "AgentCoreToolInvocations", 500, 300, "ai-ops"),
    Alarm("AgentCore Memory Operations Spike", "AgentCoreMemoryOperations", 200, 300, "ai-ops"),
    Alarm("Bedrock Session Activity Spike", "BedrockSessionOperations", 500, 300, "ai-ops"),
    Alarm("Bedrock Flow Execution Spike", "BedrockFlowExecutions", 200, 300, "ai-ops"),
    Alarm(
        "Bedrock Data Automation Invocation Spike",
        "BedrockDataAutomationInvocations",
        100,
        300,
        "ai-ops",
    ),
    Alarm("Bedrock Tool Invocation Spike", "BedrockToolInvocations", 500, 300, "ai-ops"),
)
"""The guide's two alarm tables: security team, then AI operations team."""


def metric_filter(number: int) -> MetricFilter:
    """The guide's Metric Filter ``number``."""
    return FILTERS_BY_NUMBER[number]


def alarm_for_metric(metric: str) -> Alarm:
    """The guide's alarm on ``metric``."""
    return next(a for a in ALARMS if a.metric == metric)


def insight_rule(number: int) -> InsightRule:
    """The guide's Contributor Insights Rule ``number``."""
    return next(r for r in INSIGHT_RULES if r.number == number)


def query(number: int) -> Query:
    """The guide's Query ``number``."""
    return QUERIES_BY_NUMBER[number]


# --- the dashboard ---------------------------------------------------------------------

_METRIC_COUNTERS = (
    ("Bedrock Model Invocations Count", "BedrockModelInvocations"),
    ("Agent Cross-Service Denied Count", "AgentCrossServiceAccessDenied"),
)
_CI_ROWS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("Top Bedrock Model Callers", 1), ("Top Bedrock Agent Callers", 2)),
    (
        ("Top Knowledge Base Callers", 3),
        ("Bedrock AccessDenied Identities", 5),
        ("Agent Cross-Service Access Denied", 6),
    ),
    (
        ("Guardrail Modification Events", 10),
        ("Logging & Security Config Changes", 11),
        ("VPC Endpoint Denials", 7),
    ),
    (
        ("Session Activity", 19),
        ("Flow Execution Activity", 20),
        ("Data Automation Activity", 21),
        ("Bedrock Tool Invocations", 22),
        ("Automated Reasoning Changes", 23),
    ),
    (
        ("Gateway Traffic by JWT Subject", 13),
        ("Gateway Auth Failures", 14),
        ("AgentCore Tool Usage", 15),
        ("Credential Access Patterns", 16),
        ("Memory Access Patterns", 17),
        ("Gateway Config Changes", 18),
    ),
)
_QUERY_ROWS: tuple[tuple[tuple[str, int], ...], ...] = (
    (
        ("Config Change Log Table", 7),
        ("Bedrock Calls by Source IP", 6),
        ("AgentCore Credential Access", 14),
        ("AgentCore Gateway Auth Failures", 11),
    ),
    (
        ("Bedrock Session & Flow Execution Activity", 23),
        ("Data Automation & Tool Activity", 25),
        ("Automated Reasoning Policy Changes", 27),
    ),
    (
        ("Who Asked What, Model Response", 18),
        ("Agent Session with Identity", 19),
        ("Full Three-Pipeline View", 20),
    ),
)
"""Dashboard rows 8 and 9 (the guide's Logs Insights widgets)."""


def dashboard_body(
    account_id: str,
    region: str,
    log_group: str,
    alarm_names: list[str],
    *,
    rule_names: Mapping[int, str] | None = None,
    namespace: str = METRIC_NAMESPACE,
    queries: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """The guide's dashboard on ``log_group``: status row, Contributor Insights, queries.

    ``rule_names`` and ``queries`` give the deployed rule names and query texts by guide
    number where they differ from the guide's; ``namespace`` the metrics' namespace.

    Rows 5-7 (model performance, agent workflow, cost) come from a companion guide whose
    queries this guide does not print; they are left out.
    """
    widgets: list[dict[str, Any]] = []
    y = 0

    def place(row: list[dict[str, Any]], height: int) -> None:
        nonlocal y
        width = 24 // len(row)
        for i, widget in enumerate(row):
            widgets.append({**widget, "x": i * width, "y": y, "width": width, "height": height})
        y += height

    alarm_arns = [f"arn:aws:cloudwatch:{region}:{account_id}:alarm:{n}" for n in alarm_names]
    status: list[dict[str, Any]] = [
        {
            "type": "alarm",
            "properties": {"title": "Alarm Status Grid", "alarms": alarm_arns},
        }
    ]
    status.extend(
        {
            "type": "metric",
            "properties": {
                "title": title,
                "view": "singleValue",
                "region": region,
                "stat": "Sum",
                "period": 300,
                "metrics": [[namespace, metric]],
            },
        }
        for title, metric in _METRIC_COUNTERS
    )
    place(status, 4)
    for ci_row in _CI_ROWS:
        place(
            [
                {
                    "type": "metric",
                    "properties": {
                        "title": title,
                        "view": "timeSeries",
                        "stacked": False,
                        "region": region,
                        "insightRule": {
                            "maxContributorCount": 10,
                            "orderBy": "Sum",
                            "ruleName": (rule_names or {}).get(number, insight_rule(number).name),
                        },
                        "legend": {"position": "bottom"},
                    },
                }
                for title, number in ci_row
            ],
            6,
        )
    for query_row in _QUERY_ROWS:
        place(
            [
                {
                    "type": "log",
                    "properties": {
                        "title": f"{title} (Query {number})",
                        "view": "table",
                        "region": region,
                        "queryLanguage": "SQL",
                        "query": (queries or {}).get(number, query(number).sql_for(log_group)),
                    },
                }
                for title, number in query_row
            ],
            6,
        )
    return {"widgets": widgets}
