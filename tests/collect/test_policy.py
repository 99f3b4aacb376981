"""The IAM policy names exactly the operations the collectors send."""

from __future__ import annotations

import json

import boto3
import pytest

from aiposture.collect.guard import (
    COLLECTOR_OPERATIONS,
    CREDENTIAL_OPERATIONS,
    ORG_DISCOVERY_OPERATIONS,
)
from aiposture.collect.policy import (
    IAM_PREFIX_BY_SERVICE,
    iam_action,
    iam_policy,
    security_audit_addition,
)
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import DemoEnvironment
from aiposture.iam.managed_policies import SECURITY_AUDIT
from tests.collect.helpers import OperationRecorder

EXPECTED_ACTIONS = [
    "bedrock-agentcore:GetAgentRuntime",
    "bedrock-agentcore:GetGateway",
    "bedrock-agentcore:ListAgentRuntimeEndpoints",
    "bedrock-agentcore:ListAgentRuntimes",
    "bedrock-agentcore:ListApiKeyCredentialProviders",
    "bedrock-agentcore:ListBrowsers",
    "bedrock-agentcore:ListCodeInterpreters",
    "bedrock-agentcore:ListEvaluators",
    "bedrock-agentcore:ListGatewayTargets",
    "bedrock-agentcore:ListGateways",
    "bedrock-agentcore:ListMemories",
    "bedrock-agentcore:ListOauth2CredentialProviders",
    "bedrock-agentcore:ListWorkloadIdentities",
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
    "bedrock:ListCustomModels",
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
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetEventConfiguration",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:GetInsightSelectors",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:ListTags",
    "cloudtrail:LookupEvents",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:DescribeInsightRules",
    "cloudwatch:GetDashboard",
    "cloudwatch:GetMetricData",
    "cloudwatch:ListDashboards",
    "cloudwatch:ListMetrics",
    "ec2:DescribeRegions",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcs",
    "guardduty:GetDetector",
    "guardduty:ListDetectors",
    "iam:GetGroupPolicy",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:GetUserPolicy",
    "iam:ListAttachedGroupPolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListAttachedUserPolicies",
    "iam:ListEntitiesForPolicy",
    "iam:ListGroupPolicies",
    "iam:ListGroupsForUser",
    "iam:ListRolePolicies",
    "iam:ListServiceSpecificCredentials",
    "iam:ListUserPolicies",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    "logs:DescribeMetricFilters",
    "logs:DescribeQueryDefinitions",
    "logs:DescribeSubscriptionFilters",
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListDelegatedAdministrators",
    "s3:GetEncryptionConfiguration",
    "sns:GetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
    "sts:GetCallerIdentity",
    "xray:GetIndexingRules",
    "xray:GetTraceSegmentDestination",
]


def test_policy_shape() -> None:
    policy = iam_policy()
    assert policy["Version"] == "2012-10-17"
    [statement] = policy["Statement"]
    assert statement == {
        "Sid": "AiPostureReadOnly",
        "Effect": "Allow",
        "Action": EXPECTED_ACTIONS,
        "Resource": "*",
    }
    assert json.loads(json.dumps(policy)) == policy


def test_actions_are_sorted_unique_and_read_only() -> None:
    actions = iam_policy()["Statement"][0]["Action"]
    assert actions == sorted(set(actions))
    assert "sts:AssumeRole" not in actions
    for action in actions:
        _, name = action.split(":")
        assert name.startswith(("Describe", "Get", "List", "Lookup"))


def test_every_service_has_an_iam_prefix() -> None:
    for service, _ in COLLECTOR_OPERATIONS:
        assert service in IAM_PREFIX_BY_SERVICE
    assert iam_action("logs", "DescribeLogGroups") == "logs:DescribeLogGroups"
    with pytest.raises(ValueError, match="no IAM prefix"):
        iam_action("made-up", "GetThing")


def test_security_audit_addition_is_the_one_statement_security_audit_lacks() -> None:
    addition = security_audit_addition()
    assert addition == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AiPostureSecurityAuditAddition",
                "Effect": "Allow",
                "Action": [
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
                    "xray:GetIndexingRules",
                    "xray:GetTraceSegmentDestination",
                ],
                "Resource": "*",
            }
        ],
    }
    # SecurityAudit plus the addition allows every action of the full policy
    [statement] = iam_policy()["Statement"]
    added = set(addition["Statement"][0]["Action"])
    assert [a for a in statement["Action"] if not SECURITY_AUDIT.grants(a) and a not in added] == []


def test_security_audit_addition_follows_the_operations() -> None:
    # computed from the operations, not a list: without the read there is nothing to add ...
    granted = {op for op in COLLECTOR_OPERATIONS if SECURITY_AUDIT.grants(iam_action(*op))}
    assert security_audit_addition(frozenset(granted)) is None
    without = COLLECTOR_OPERATIONS - {("cloudtrail", "GetEventConfiguration")}
    assert "cloudtrail:GetEventConfiguration" not in str(security_audit_addition(without))
    # ... and a read on a service the managed-policy data does not cover is added
    more = frozenset(granted | {("s3", "ListBuckets"), ("cloudtrail", "GetEventConfiguration")})
    addition = security_audit_addition(more)
    assert addition is not None
    assert addition["Statement"][0]["Action"] == [
        "cloudtrail:GetEventConfiguration",
        "s3:ListBuckets",
    ]


@pytest.mark.integration
def test_policy_names_exactly_what_a_demo_collection_sends(demo_env: DemoEnvironment) -> None:
    org = demo_env.org
    recorder = OperationRecorder()
    session = boto3.Session(
        aws_access_key_id=org.auditor_access_key_id,
        aws_secret_access_key=org.auditor_secret_access_key,
        region_name=org.regions[0],
    )
    factory = SessionFactory(session=session, on_client=recorder)
    options = CollectOptions(
        regions=org.regions,
        assume_roles=org.assume_roles,
        history=True,  # the event history's LookupEvents is in the policy too
        lookup_events_per_second=1000.0,
    )
    snapshot = collect(factory, options)
    assert not any(a.all_errors() for a in snapshot.accounts)

    read_calls = recorder.sent - CREDENTIAL_OPERATIONS
    assert recorder.sent & CREDENTIAL_OPERATIONS == CREDENTIAL_OPERATIONS
    # An organization scan adds its discovery reads (tests/collect/test_org.py sends them).
    assert read_calls == COLLECTOR_OPERATIONS - ORG_DISCOVERY_OPERATIONS
    policy_actions = iam_policy()["Statement"][0]["Action"]
    assert policy_actions == sorted(
        iam_action(s, o) for s, o in read_calls | ORG_DISCOVERY_OPERATIONS
    )
