"""The read-only guard: a botocore hook that refuses every operation outside an allow-list.

The guard runs on ``provide-client-params``, the first event botocore emits for an API
call: before parameter validation, endpoint resolution, signing and sending. A refused
operation therefore never leaves the process.

:data:`COLLECTOR_OPERATIONS` is the single source of truth for what aiposture reads. The
IAM policy (:func:`aiposture.collect.policy.iam_policy`) is generated from it.

The one exception to "read calls only" is ``sts:AssumeRole`` (:data:`CREDENTIAL_OPERATIONS`),
which the session layer sends on its own dedicated STS client to reach further accounts.
It returns temporary credentials and changes nothing in any account. The collectors'
clients never allow it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar, cast

from aiposture.errors import ReadOnlyViolation

READ_ONLY_PREFIXES = ("Describe", "Get", "List", "Lookup")
"""An operation whose name starts with one of these only reads."""

COLLECTOR_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("sts", "GetCallerIdentity"),
        ("ec2", "DescribeRegions"),
        ("cloudtrail", "DescribeTrails"),
        ("cloudtrail", "GetTrailStatus"),
        ("cloudtrail", "GetEventSelectors"),
        ("cloudtrail", "GetInsightSelectors"),
        ("cloudtrail", "GetEventConfiguration"),
        ("cloudtrail", "ListTags"),
        # the audit period's monitoring changes (aiposture.collect.history)
        ("cloudtrail", "LookupEvents"),
        ("logs", "DescribeLogGroups"),
        ("logs", "DescribeMetricFilters"),
        ("logs", "DescribeSubscriptionFilters"),
        ("logs", "DescribeQueryDefinitions"),
        ("cloudwatch", "DescribeAlarms"),
        ("cloudwatch", "DescribeInsightRules"),
        ("cloudwatch", "ListDashboards"),
        ("cloudwatch", "GetDashboard"),
        ("cloudwatch", "ListMetrics"),
        ("cloudwatch", "GetMetricData"),
        ("sns", "GetTopicAttributes"),
        ("sns", "ListSubscriptionsByTopic"),
        ("guardduty", "ListDetectors"),
        ("guardduty", "GetDetector"),
        ("bedrock", "GetModelInvocationLoggingConfiguration"),
        ("xray", "GetTraceSegmentDestination"),
        ("xray", "GetIndexingRules"),
        ("logs", "DescribeLogStreams"),
        ("bedrock-agentcore-control", "ListGateways"),
        ("bedrock-agentcore-control", "ListGatewayTargets"),
        ("bedrock-agentcore-control", "ListAgentRuntimes"),
        ("bedrock-agentcore-control", "ListAgentRuntimeEndpoints"),
        ("bedrock-agentcore-control", "ListMemories"),
        ("bedrock-agentcore-control", "ListCodeInterpreters"),
        ("bedrock-agentcore-control", "ListBrowsers"),
        ("bedrock-agentcore-control", "ListWorkloadIdentities"),
        ("bedrock-agentcore-control", "ListOauth2CredentialProviders"),
        ("bedrock-agentcore-control", "ListApiKeyCredentialProviders"),
        ("bedrock-agentcore-control", "ListEvaluators"),
        ("bedrock", "ListGuardrails"),
        ("bedrock", "ListCustomModels"),
        ("bedrock", "ListImportedModels"),
        ("bedrock", "ListProvisionedModelThroughputs"),
        ("bedrock", "ListInferenceProfiles"),
        ("bedrock", "ListModelInvocationJobs"),
        ("bedrock", "ListAutomatedReasoningPolicies"),
        ("bedrock-data-automation", "ListDataAutomationProjects"),
        ("bedrock-data-automation", "ListBlueprints"),
        ("bedrock-agent", "ListAgents"),
        ("bedrock-agent", "ListAgentAliases"),
        ("bedrock-agent", "ListKnowledgeBases"),
        ("bedrock-agent", "ListFlows"),
        ("bedrock-agent", "ListFlowAliases"),
        ("bedrock-agent", "ListPrompts"),
        # each inventoried resource's own configuration (collect/inventory_details.py)
        ("bedrock", "GetGuardrail"),
        ("bedrock", "GetCustomModel"),
        ("bedrock", "GetImportedModel"),
        ("bedrock", "GetModelInvocationJob"),
        ("bedrock-agent", "GetAgent"),
        ("bedrock-agent", "GetKnowledgeBase"),
        ("bedrock-agent", "ListDataSources"),
        ("bedrock-agent", "GetDataSource"),
        ("bedrock-agent", "GetFlow"),
        ("bedrock-agent", "GetPrompt"),
        ("bedrock-agentcore-control", "GetAgentRuntime"),
        ("bedrock-agentcore-control", "GetGateway"),
        ("organizations", "DescribeOrganization"),
        ("organizations", "ListAccounts"),
        ("organizations", "ListDelegatedAdministrators"),
        # AI access (aiposture.collect.iam_posture, aiposture.collect.network_access)
        ("iam", "ListServiceSpecificCredentials"),
        ("iam", "ListAttachedUserPolicies"),
        ("iam", "ListUserPolicies"),
        ("iam", "GetUserPolicy"),
        ("iam", "ListGroupsForUser"),
        ("iam", "ListAttachedGroupPolicies"),
        ("iam", "ListGroupPolicies"),
        ("iam", "GetGroupPolicy"),
        ("iam", "GetRole"),
        ("iam", "ListAttachedRolePolicies"),
        ("iam", "ListRolePolicies"),
        ("iam", "GetRolePolicy"),
        ("iam", "GetPolicy"),
        ("iam", "GetPolicyVersion"),
        ("iam", "ListEntitiesForPolicy"),
        ("ec2", "DescribeVpcs"),
        ("ec2", "DescribeVpcEndpoints"),
        ("s3", "GetBucketEncryption"),
    }
)
"""The exact (botocore service name, operation name) pairs the collectors send."""

ORG_DISCOVERY_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("organizations", "ListAccounts"),
        ("organizations", "ListDelegatedAdministrators"),
    }
)
"""The reads only an organization scan sends (account discovery, by the scanning identity)."""

CREDENTIAL_OPERATIONS: frozenset[tuple[str, str]] = frozenset({("sts", "AssumeRole")})
"""The only non-read operation the guard can let through, and only when explicitly allowed."""

_C = TypeVar("_C")
_GUARD_ID = "aiposture-read-only-guard"


def is_read_operation(operation: str) -> bool:
    """Tell whether the operation name starts with a read prefix (Describe, Get, List, Lookup)."""
    return operation.startswith(READ_ONLY_PREFIXES)


def is_allowed(
    service: str, operation: str, allowed: Collection[tuple[str, str]] = COLLECTOR_OPERATIONS
) -> bool:
    """Tell whether the guard lets ``service:operation`` through with this allow-list."""
    key = (service, operation)
    if key not in allowed:
        return False
    return is_read_operation(operation) or key in CREDENTIAL_OPERATIONS


def _check_allow_list(allowed: Collection[tuple[str, str]]) -> None:
    for service, operation in allowed:
        if not (is_read_operation(operation) or (service, operation) in CREDENTIAL_OPERATIONS):
            raise ValueError(f"{service}:{operation} is not a read operation; the guard refuses it")


_check_allow_list(COLLECTOR_OPERATIONS)


class _Guard:
    """The event handler; a class so that each client gets one instance with its allow-list."""

    def __init__(self, allowed: frozenset[tuple[str, str]]) -> None:
        self.allowed = allowed

    def __call__(self, model: Any = None, **_: Any) -> None:
        operation = str(model.name)
        service = str(model.service_model.service_name)
        if not is_allowed(service, operation, self.allowed):
            raise ReadOnlyViolation(
                f"refused {service}:{operation}: aiposture only sends read calls"
            )


def install_read_only_guard(
    client: _C, allowed: Collection[tuple[str, str]] = COLLECTOR_OPERATIONS
) -> _C:
    """Make ``client`` refuse, before anything is sent, every operation outside ``allowed``.

    An operation passes only when it is in ``allowed`` *and* starts with a read prefix
    (or is one of :data:`CREDENTIAL_OPERATIONS`). Installing again replaces the previous guard.
    Returns the same client, for chaining.
    """
    frozen = frozenset(allowed)
    _check_allow_list(frozen)
    events = cast(Any, client).meta.events
    events.unregister("provide-client-params", unique_id=_GUARD_ID)
    events.register_first("provide-client-params", _Guard(frozen), unique_id=_GUARD_ID)
    return client
