"""What the AWS managed policies grant of aiposture's reads, from the recorded documents."""

from __future__ import annotations

import pytest

from aiposture.collect.guard import COLLECTOR_OPERATIONS
from aiposture.collect.policy import iam_actions
from aiposture.iam.actions import IAM_PREFIX_BY_SERVICE, is_access_denied
from aiposture.iam.managed_policies import (
    MANAGED_POLICIES,
    READ_ONLY_ACCESS,
    SECURITY_AUDIT,
    VIEW_ONLY_ACCESS,
    ManagedPolicy,
)

SCANNER_ACTIONS = iam_actions(COLLECTOR_OPERATIONS)


@pytest.mark.parametrize("policy", MANAGED_POLICIES, ids=lambda p: p.name)
def test_the_recorded_excerpts_cover_every_service_the_scanner_reads(policy: ManagedPolicy) -> None:
    # A new service in the guard must come with the managed policies' entries for it;
    # until then it would count as "not granted" for every policy.
    unverified = [a for a in SCANNER_ACTIONS if not policy.verified(a)]
    assert unverified == []
    assert {a.split(":")[0] for a in policy.allows} <= policy.checked_prefixes


def test_read_only_access_lacks_only_the_newest_bedrock_listings() -> None:
    # v188 (2026-07-21) predates Data Automation and Automated Reasoning listings in it,
    # and has no bedrock:ListImportedModels (SecurityAudit v92 has).
    assert READ_ONLY_ACCESS.lacks(SCANNER_ACTIONS) == [
        "bedrock:GetImportedModel",
        "bedrock:ListAutomatedReasoningPolicies",
        "bedrock:ListBlueprints",
        "bedrock:ListDataAutomationProjects",
        "bedrock:ListImportedModels",
    ]


def test_security_audit_lacks_the_event_configuration_metrics_and_newest_listings() -> None:
    assert SECURITY_AUDIT.lacks(SCANNER_ACTIONS) == [
        "bedrock-agentcore:ListApiKeyCredentialProviders",
        "bedrock-agentcore:ListOauth2CredentialProviders",
        "bedrock-agentcore:ListWorkloadIdentities",
        "bedrock:GetDataSource",
        "bedrock:GetFlow",
        "bedrock:GetGuardrail",
        "bedrock:GetKnowledgeBase",
        "bedrock:GetModelInvocationJob",
        "bedrock:GetPrompt",
        "bedrock:ListAutomatedReasoningPolicies",
        "bedrock:ListBlueprints",
        "bedrock:ListDataAutomationProjects",
        "cloudtrail:GetEventConfiguration",
        "cloudwatch:GetMetricData",
        "cloudwatch:ListMetrics",
        "xray:GetIndexingRules",  # v92 grants GetTraceSummaries, not Transaction Search's reads
        "xray:GetTraceSegmentDestination",
    ]
    # but it does list AgentCore's gateways, runtimes and memories
    assert SECURITY_AUDIT.grants("bedrock-agentcore:ListGateways")


def test_view_only_access_misses_the_configuration_reads() -> None:
    agentcore = [a for a in SCANNER_ACTIONS if a.startswith("bedrock-agentcore:")]
    assert len(agentcore) == 13  # 11 listings, GetAgentRuntime and GetGateway
    assert VIEW_ONLY_ACCESS.lacks(SCANNER_ACTIONS) == [
        *sorted(agentcore),
        "bedrock:GetAgent",
        "bedrock:GetCustomModel",
        "bedrock:GetDataSource",
        "bedrock:GetFlow",
        "bedrock:GetGuardrail",
        "bedrock:GetImportedModel",
        "bedrock:GetKnowledgeBase",
        "bedrock:GetModelInvocationJob",
        "bedrock:GetModelInvocationLoggingConfiguration",
        "bedrock:GetPrompt",
        "bedrock:ListAgentAliases",
        "bedrock:ListAgents",
        "bedrock:ListAutomatedReasoningPolicies",
        "bedrock:ListBlueprints",
        "bedrock:ListDataAutomationProjects",
        "bedrock:ListDataSources",
        "bedrock:ListFlowAliases",
        "bedrock:ListFlows",
        "bedrock:ListGuardrails",
        "bedrock:ListImportedModels",
        "bedrock:ListInferenceProfiles",
        "bedrock:ListKnowledgeBases",
        "bedrock:ListModelInvocationJobs",
        "bedrock:ListPrompts",
        "bedrock:ListProvisionedModelThroughputs",
        "cloudtrail:GetEventConfiguration",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:ListTags",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:DescribeInsightRules",
        "guardduty:GetDetector",
        "guardduty:ListDetectors",
        # iam:List* is granted, the Get reads of policies and roles are not (v45)
        "iam:GetGroupPolicy",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:GetUserPolicy",
        "organizations:DescribeOrganization",
        "s3:GetEncryptionConfiguration",
        "sns:GetTopicAttributes",
        "xray:GetIndexingRules",  # v45 grants GetTraceSegmentDestination only
    ]


def test_entries_match_as_iam_matches_actions() -> None:
    # cloudwatch:Describe* (a wildcard), matched case-insensitively as IAM does
    assert SECURITY_AUDIT.grants("cloudwatch:DescribeAlarms")
    assert SECURITY_AUDIT.grants("CloudWatch:describealarms")
    assert not SECURITY_AUDIT.grants("cloudwatch:GetMetricData")
    # a literal entry is not a prefix: cloudtrail:GetTrail does not grant GetTrailStatus
    assert ManagedPolicy("t", "v1", "2026-01-01", ("cloudtrail:GetTrail",)).lacks(
        ["cloudtrail:GetTrail", "cloudtrail:GetTrailStatus"]
    ) == ["cloudtrail:GetTrailStatus"]
    assert ManagedPolicy("t", "v1", "2026-01-01", ("sns:Get?opicAttributes",)).grants(
        "sns:GetTopicAttributes"
    )


def test_an_unchecked_service_is_never_assumed_granted() -> None:
    assert IAM_PREFIX_BY_SERVICE["bedrock-agentcore-control"] == "bedrock-agentcore"
    assert READ_ONLY_ACCESS.grants("bedrock-agentcore:GetGateway")
    action = "kms:ListKeys"  # granted by ReadOnlyAccess, but kms is not in the excerpt
    assert not READ_ONLY_ACCESS.verified(action)
    assert not READ_ONLY_ACCESS.grants(action)
    assert READ_ONLY_ACCESS.lacks([action]) == [action]


def test_get_caller_identity_needs_no_permission() -> None:
    assert "sts:GetCallerIdentity" not in " ".join(VIEW_ONLY_ACCESS.allows)
    assert VIEW_ONLY_ACCESS.grants("sts:GetCallerIdentity")


def test_policy_arns_and_pages() -> None:
    assert SECURITY_AUDIT.arn() == "arn:aws:iam::aws:policy/SecurityAudit"
    assert VIEW_ONLY_ACCESS.arn("aws-us-gov") == (
        "arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess"
    )
    assert READ_ONLY_ACCESS.source == (
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html"
    )


@pytest.mark.parametrize(
    ("code", "denied"),
    [
        ("AccessDenied", True),
        ("AccessDeniedException", True),
        ("UnauthorizedOperation", True),
        ("AuthorizationError", True),
        ("ThrottlingException", False),
        ("KMSAccessDenied", False),
        ("AccessDeniedForDependencyException", False),
    ],
)
def test_access_denied_codes(code: str, denied: bool) -> None:
    assert is_access_denied(code) is denied
