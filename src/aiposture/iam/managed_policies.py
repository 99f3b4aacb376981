"""Which of aiposture's IAM actions SecurityAudit, ReadOnlyAccess and ViewOnlyAccess grant.

Each :class:`ManagedPolicy` records an excerpt of the policy's JSON document: every entry of
its ``Allow`` statements on ``"Resource": "*"`` without a ``Condition`` whose IAM prefix is
one aiposture reads (:attr:`ManagedPolicy.checked_prefixes`), copied as AWS writes them
(wildcards included; sorted, duplicates dropped). :meth:`ManagedPolicy.grants` matches an
action against those entries as IAM does (case-insensitive, ``*`` and ``?`` wildcards).
Which of the scanner's actions a policy lacks is then computed, never listed by hand: see
:func:`aiposture.collect.policy.security_audit_addition`.

Sources, the AWS Managed Policy Reference Guide:

- https://docs.aws.amazon.com/aws-managed-policy/latest/reference/SecurityAudit.html
- https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html
- https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ViewOnlyAccess.html

The documents were read in the versions named by :attr:`ManagedPolicy.version` (the policy
versions IAM returned, as mirrored by the public git history of IAM policy versions
``zoph-io/IAMTrail``, commit of 2026-08-22), and checked against the reference pages' text
where it could be read (the SecurityAudit page of v85, March 2026, lists the same CloudTrail
entries, and the ViewOnlyAccess page names the same v45 of 2026-04-22; the pages could not
be read in full here). What is **not verified**:

- versions published after those: AWS adds permissions to managed policies but does not
  remove them (CloudTrail User Guide, "AWS managed policies for AWS CloudTrail"), so a newer
  SecurityAudit may grant an action recorded here as missing, never the reverse. The
  addition statement then repeats an action the policy already grants, which is harmless.
- the ``aws-cn`` and ``aws-us-gov`` partitions: the policies have the same names there
  (``arn:aws-cn:iam::aws:policy/SecurityAudit``) but their documents were not compared.
- any action whose IAM prefix is not in :attr:`ManagedPolicy.checked_prefixes`:
  :meth:`ManagedPolicy.grants` answers False (conservative), and a test fails when the
  scanner reads a service the excerpts do not cover.

``sts:GetCallerIdentity`` needs no permission at all
(:data:`~aiposture.iam.actions.NO_PERMISSION_REQUIRED`), so every policy "grants" it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from aiposture.iam.actions import NO_PERMISSION_REQUIRED

REFERENCE_GUIDE = "https://docs.aws.amazon.com/aws-managed-policy/latest/reference"
"""The AWS Managed Policy Reference Guide; each policy has the page ``<name>.html`` there."""

CHECKED_PREFIXES = frozenset(
    {
        "bedrock",
        "bedrock-agentcore",
        "cloudtrail",
        "cloudwatch",
        "ec2",
        "guardduty",
        "iam",
        "logs",
        "organizations",
        "s3",
        "sns",
        "sts",
        "xray",
    }
)
"""The IAM prefixes whose entries the excerpts below copy (the services aiposture reads)."""


def _entries(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class ManagedPolicy:
    """One AWS managed policy: the excerpt of its document that matters to aiposture."""

    name: str
    version: str
    """The policy version the excerpt was taken from (IAM's ``VersionId``)."""
    version_date: str
    """The day that version was published (UTC)."""
    allows: tuple[str, ...]
    """The policy's allowed actions with a prefix in :attr:`checked_prefixes`, as AWS writes them."""
    path: str = ""
    """The policy's IAM path after ``policy/`` (``job-function/`` for job-function policies)."""
    checked_prefixes: frozenset[str] = CHECKED_PREFIXES

    @property
    def source(self) -> str:
        """The policy's page in the AWS Managed Policy Reference Guide."""
        return f"{REFERENCE_GUIDE}/{self.name}.html"

    def arn(self, partition: str = "aws") -> str:
        """The policy's ARN in ``partition`` (AWS managed policies live in account ``aws``)."""
        return f"arn:{partition}:iam::aws:policy/{self.path}{self.name}"

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(_pattern(entry) for entry in self.allows)

    def verified(self, action: str) -> bool:
        """Tell whether the excerpt covers ``action``'s service (else :meth:`grants` is False)."""
        return action in NO_PERMISSION_REQUIRED or _prefix(action) in self.checked_prefixes

    def grants(self, action: str) -> bool:
        """Tell whether the policy allows ``action`` (False when not :meth:`verified`)."""
        if action in NO_PERMISSION_REQUIRED:
            return True
        if not self.verified(action):
            return False
        return any(p.fullmatch(action) for p in self._patterns)

    def lacks(self, actions: Iterable[str]) -> list[str]:
        """The sorted, unique ``actions`` the policy does not grant (or that are not verified)."""
        return sorted({a for a in actions if not self.grants(a)})


def _prefix(action: str) -> str:
    return action.split(":", 1)[0].lower()


def _pattern(entry: str) -> re.Pattern[str]:
    """IAM's action matching: case-insensitive, ``*`` any run of characters, ``?`` one."""
    body = re.escape(entry).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(body, re.IGNORECASE)


SECURITY_AUDIT = ManagedPolicy(
    name="SecurityAudit",
    version="v92",
    version_date="2026-08-17",
    allows=_entries(
        """
        bedrock:GetAgent bedrock:GetAgentAlias bedrock:GetAgentKnowledgeBase
        bedrock:GetCustomModel bedrock:GetFlowAlias bedrock:GetFoundationModel
        bedrock:GetFoundationModelAvailability bedrock:GetImportedModel
        bedrock:GetInferenceProfile bedrock:GetIngestionJob bedrock:GetKnowledgeBaseDocuments
        bedrock:GetMarketplaceModelEndpoint bedrock:GetModelCopyJob
        bedrock:GetModelCustomizationJob bedrock:GetModelImportJob
        bedrock:GetModelInvocationLoggingConfiguration bedrock:GetPromptRouter
        bedrock:GetProvisionedModelThroughput bedrock:ListAgentActionGroups
        bedrock:ListAgentAliases bedrock:ListAgentKnowledgeBases bedrock:ListAgentVersions
        bedrock:ListAgents bedrock:ListCustomModels bedrock:ListDataSources
        bedrock:ListEvaluationJobs bedrock:ListFlowAliases bedrock:ListFlowVersions
        bedrock:ListFlows bedrock:ListFoundationModels bedrock:ListGuardrails
        bedrock:ListImportedModels bedrock:ListInferenceProfiles bedrock:ListIngestionJobs
        bedrock:ListKnowledgeBases bedrock:ListMarketplaceModelEndpoints
        bedrock:ListModelCopyJobs bedrock:ListModelCustomizationJobs bedrock:ListModelImportJobs
        bedrock:ListModelInvocationJobs bedrock:ListPromptRouters bedrock:ListPrompts
        bedrock:ListProvisionedModelThroughputs bedrock:ListTagsForResource
        bedrock-agentcore:GetABTest bedrock-agentcore:GetAgentRuntime
        bedrock-agentcore:GetAgentRuntimeEndpoint bedrock-agentcore:GetBatchEvaluation
        bedrock-agentcore:GetBrowser bedrock-agentcore:GetBrowserProfile
        bedrock-agentcore:GetCodeInterpreter bedrock-agentcore:GetConfigurationBundle
        bedrock-agentcore:GetConfigurationBundleVersion bedrock-agentcore:GetEvaluator
        bedrock-agentcore:GetGateway bedrock-agentcore:GetGatewayTarget
        bedrock-agentcore:GetHarness bedrock-agentcore:GetMemory
        bedrock-agentcore:GetOnlineEvaluationConfig bedrock-agentcore:GetPaymentConnector
        bedrock-agentcore:GetPaymentCredentialProvider bedrock-agentcore:GetPaymentInstrument
        bedrock-agentcore:GetPaymentManager bedrock-agentcore:GetPaymentSession
        bedrock-agentcore:GetPolicy bedrock-agentcore:GetPolicyEngine
        bedrock-agentcore:GetPolicyGeneration bedrock-agentcore:GetRecommendation
        bedrock-agentcore:GetRegistry bedrock-agentcore:GetRegistryRecord
        bedrock-agentcore:ListABTests bedrock-agentcore:ListAgentRuntimeEndpoints
        bedrock-agentcore:ListAgentRuntimeVersions bedrock-agentcore:ListAgentRuntimes
        bedrock-agentcore:ListBatchEvaluations bedrock-agentcore:ListBrowserProfiles
        bedrock-agentcore:ListBrowsers bedrock-agentcore:ListCodeInterpreters
        bedrock-agentcore:ListConfigurationBundleVersions
        bedrock-agentcore:ListConfigurationBundles bedrock-agentcore:ListEvaluators
        bedrock-agentcore:ListGatewayTargets bedrock-agentcore:ListGateways
        bedrock-agentcore:ListHarnesses bedrock-agentcore:ListMemories
        bedrock-agentcore:ListOnlineEvaluationConfigs bedrock-agentcore:ListPaymentConnectors
        bedrock-agentcore:ListPaymentCredentialProviders
        bedrock-agentcore:ListPaymentInstruments bedrock-agentcore:ListPaymentManagers
        bedrock-agentcore:ListPaymentSessions bedrock-agentcore:ListPolicies
        bedrock-agentcore:ListPolicyEngines bedrock-agentcore:ListPolicyGenerationAssets
        bedrock-agentcore:ListPolicyGenerations bedrock-agentcore:ListRecommendations
        bedrock-agentcore:ListRegistries bedrock-agentcore:ListRegistryRecords
        cloudtrail:DescribeTrails cloudtrail:GetEventSelectors cloudtrail:GetInsightSelectors
        cloudtrail:GetTrail cloudtrail:GetTrailStatus cloudtrail:ListTags cloudtrail:ListTrails
        cloudtrail:LookupEvents
        cloudwatch:Describe* cloudwatch:GetDashboard cloudwatch:ListDashboards
        cloudwatch:ListTagsForResource
        ec2:Describe* ec2:GetAllowedImagesSettings ec2:GetEbsDefaultKmsKeyId
        ec2:GetEbsEncryptionByDefault ec2:GetImageBlockPublicAccessState
        ec2:GetInstanceMetadataDefaults ec2:GetManagedPrefixListAssociations
        ec2:GetManagedPrefixListEntries ec2:GetNetworkInsightsAccessScopeAnalysisFindings
        ec2:GetNetworkInsightsAccessScopeContent ec2:GetSerialConsoleAccessStatus
        ec2:GetSnapshotBlockPublicAccessState ec2:GetTransitGatewayAttachmentPropagations
        ec2:GetTransitGatewayMulticastDomainAssociations
        ec2:GetTransitGatewayPrefixListReferences ec2:GetTransitGatewayRouteTableAssociations
        ec2:GetTransitGatewayRouteTablePropagations ec2:SearchTransitGatewayRoutes
        guardduty:DescribeMalwareScans guardduty:DescribeOrganizationConfiguration
        guardduty:DescribePublishingDestination guardduty:Get* guardduty:List*
        logs:Describe* logs:GetLogDelivery logs:ListLogDeliveries logs:ListTagsForResource
        logs:ListTagsLogGroup
        iam:GenerateCredentialReport iam:GenerateServiceLastAccessedDetails iam:Get* iam:List*
        iam:SimulateCustomPolicy iam:SimulatePrincipalPolicy
        organizations:Describe* organizations:List*
        s3:DescribeJob s3:GetAccelerateConfiguration s3:GetAccessGrantsInstanceResourcePolicy
        s3:GetAccessPoint s3:GetAccessPointConfigurationForObjectLambda
        s3:GetAccessPointForObjectLambda s3:GetAccessPointPolicy
        s3:GetAccessPointPolicyForObjectLambda s3:GetAccessPointPolicyStatus
        s3:GetAccessPointPolicyStatusForObjectLambda s3:GetAccountPublicAccessBlock
        s3:GetAnalyticsConfiguration s3:GetBucket* s3:GetEncryptionConfiguration
        s3:GetInventoryConfiguration s3:GetLifecycleConfiguration s3:GetMetricsConfiguration
        s3:GetMultiRegionAccessPoint s3:GetMultiRegionAccessPointPolicy
        s3:GetMultiRegionAccessPointPolicyStatus s3:GetObjectAcl s3:GetObjectTagging
        s3:GetObjectVersionAcl s3:GetReplicationConfiguration s3:GetStorageLensConfiguration
        s3:GetStorageLensGroup s3:ListAccessGrants s3:ListAccessGrantsInstances
        s3:ListAccessPoints s3:ListAccessPointsForObjectLambda s3:ListAllMyBuckets
        s3:ListBucket s3:ListCallerAccessGrants s3:ListJobs s3:ListMultiRegionAccessPoints
        s3:ListStorageLensConfigurations s3:ListStorageLensGroups
        sns:GetPlatformApplicationAttributes sns:GetTopicAttributes sns:ListSubscriptions
        sns:ListSubscriptionsByTopic sns:ListTagsForResource sns:ListTopics
        sts:GetAccessKeyInfo
        xray:GetEncryptionConfig xray:GetGroup xray:GetGroups xray:GetSamplingRules
        xray:GetSamplingTargets xray:GetTraceSummaries xray:ListTagsForResource
        """
    ),
)
"""``arn:aws:iam::aws:policy/SecurityAudit``: "grants access to read security configuration
metadata". Its CloudTrail entries name single actions; ``cloudtrail:GetEventConfiguration``
is not among them."""

READ_ONLY_ACCESS = ManagedPolicy(
    name="ReadOnlyAccess",
    version="v188",
    version_date="2026-07-21",
    allows=_entries(
        """
        bedrock:GetAgent bedrock:GetAgentActionGroup bedrock:GetAgentAlias
        bedrock:GetAgentCollaborator bedrock:GetAgentKnowledgeBase bedrock:GetAgentVersion
        bedrock:GetCustomModel bedrock:GetDataSource bedrock:GetEvaluationJob bedrock:GetFlow
        bedrock:GetFlowAlias bedrock:GetFlowVersion bedrock:GetFoundationModel
        bedrock:GetFoundationModelAvailability bedrock:GetGuardrail bedrock:GetInferenceProfile
        bedrock:GetIngestionJob bedrock:GetKnowledgeBase bedrock:GetModelCustomizationJob
        bedrock:GetModelInvocationJob bedrock:GetModelInvocationLoggingConfiguration
        bedrock:GetPrompt bedrock:GetProvisionedModelThroughput bedrock:GetResourcePolicy
        bedrock:GetUseCaseForModelAccess bedrock:ListAgentActionGroups bedrock:ListAgentAliases
        bedrock:ListAgentCollaborators bedrock:ListAgentKnowledgeBases bedrock:ListAgentVersions
        bedrock:ListAgents bedrock:ListCustomModels bedrock:ListDataSources
        bedrock:ListEnforcedGuardrailsConfiguration bedrock:ListEvaluationJobs
        bedrock:ListFlowAliases bedrock:ListFlowVersions bedrock:ListFlows
        bedrock:ListFoundationModelAgreementOffers bedrock:ListFoundationModels
        bedrock:ListGuardrails bedrock:ListInferenceProfiles bedrock:ListIngestionJobs
        bedrock:ListKnowledgeBases bedrock:ListModelCustomizationJobs
        bedrock:ListModelInvocationJobs bedrock:ListPrompts
        bedrock:ListProvisionedModelThroughputs
        bedrock-agentcore:GetABTest bedrock-agentcore:GetAgentRuntime
        bedrock-agentcore:GetAgentRuntimeEndpoint bedrock-agentcore:GetApiKeyCredentialProvider
        bedrock-agentcore:GetBatchEvaluation bedrock-agentcore:GetBrowser
        bedrock-agentcore:GetBrowserProfile bedrock-agentcore:GetBrowserSession
        bedrock-agentcore:GetCodeInterpreter bedrock-agentcore:GetCodeInterpreterSession
        bedrock-agentcore:GetConfigurationBundle bedrock-agentcore:GetConfigurationBundleVersion
        bedrock-agentcore:GetEvaluator bedrock-agentcore:GetEvent bedrock-agentcore:GetGateway
        bedrock-agentcore:GetGatewayTarget bedrock-agentcore:GetHarness
        bedrock-agentcore:GetHarnessEndpoint bedrock-agentcore:GetMemory
        bedrock-agentcore:GetMemoryRecord bedrock-agentcore:GetOauth2CredentialProvider
        bedrock-agentcore:GetOnlineEvaluationConfig bedrock-agentcore:GetPolicy
        bedrock-agentcore:GetPolicyEngine bedrock-agentcore:GetPolicyGeneration
        bedrock-agentcore:GetRecommendation bedrock-agentcore:GetTokenVault
        bedrock-agentcore:GetWorkloadIdentity bedrock-agentcore:ListABTests
        bedrock-agentcore:ListAgentRuntimeEndpoints bedrock-agentcore:ListAgentRuntimeVersions
        bedrock-agentcore:ListAgentRuntimes bedrock-agentcore:ListApiKeyCredentialProviders
        bedrock-agentcore:ListBatchEvaluations bedrock-agentcore:ListBrowserProfiles
        bedrock-agentcore:ListBrowserSessions bedrock-agentcore:ListBrowsers
        bedrock-agentcore:ListCodeInterpreterSessions bedrock-agentcore:ListCodeInterpreters
        bedrock-agentcore:ListConfigurationBundleVersions
        bedrock-agentcore:ListConfigurationBundles bedrock-agentcore:ListEvaluators
        bedrock-agentcore:ListEvents bedrock-agentcore:ListGatewayTargets
        bedrock-agentcore:ListGateways bedrock-agentcore:ListHarnessEndpoints
        bedrock-agentcore:ListHarnesses bedrock-agentcore:ListMemories
        bedrock-agentcore:ListMemoryRecords bedrock-agentcore:ListOauth2CredentialProviders
        bedrock-agentcore:ListOnlineEvaluationConfigs bedrock-agentcore:ListPolicies
        bedrock-agentcore:ListPolicyEngines bedrock-agentcore:ListPolicyGenerationAssets
        bedrock-agentcore:ListPolicyGenerations bedrock-agentcore:ListRecommendations
        bedrock-agentcore:ListTagsForResource bedrock-agentcore:ListWorkloadIdentities
        bedrock-agentcore:RetrieveMemoryRecords
        cloudtrail:Describe* cloudtrail:Get* cloudtrail:List* cloudtrail:LookupEvents
        cloudwatch:Describe* cloudwatch:GenerateQuery cloudwatch:GenerateQueryResultsSummary
        cloudwatch:Get* cloudwatch:List*
        ec2:Describe* ec2:DescribeInstanceImageMetadata ec2:Get* ec2:ListImagesInRecycleBin
        ec2:ListSnapshotsInRecycleBin ec2:SearchLocalGatewayRoutes
        ec2:SearchTransitGatewayRoutes
        guardduty:Describe* guardduty:Get* guardduty:List*
        logs:Describe* logs:FilterLogEvents logs:Get* logs:ListAggregateLogGroupSummaries
        logs:ListAnomalies logs:ListEntitiesForLogGroup logs:ListIntegrations
        logs:ListLogAnomalyDetectors logs:ListLogDeliveries logs:ListLogGroupsForEntity
        logs:ListLogGroupsForQuery logs:ListScheduledQueries
        logs:ListSourcesForS3TableIntegration logs:ListTagsForResource logs:ListTagsLogGroup
        logs:StartLiveTail logs:StartQuery logs:StopLiveTail logs:StopQuery
        logs:TestMetricFilter
        iam:Generate* iam:Get* iam:List* iam:Simulate*
        organizations:Describe* organizations:List*
        s3:DescribeJob s3:Get* s3:List*
        sns:Check* sns:Get* sns:List*
        sts:GetAccessKeyInfo sts:GetCallerIdentity sts:GetSessionToken
        xray:BatchGet* xray:CancelTraceRetrieval xray:Get* xray:ListResourcePolicies
        xray:ListRetrievedTraces xray:ListTagsForResource xray:StartTraceRetrieval
        """
    ),
)
"""``arn:aws:iam::aws:policy/ReadOnlyAccess``: read-only access to all AWS services."""

VIEW_ONLY_ACCESS = ManagedPolicy(
    name="ViewOnlyAccess",
    version="v45",
    version_date="2026-04-22",
    path="job-function/",
    allows=_entries(
        """
        bedrock:ListCustomModels bedrock:ListTagsForResource
        cloudtrail:DescribeTrails cloudtrail:ListTrails cloudtrail:LookupEvents
        cloudwatch:Get* cloudwatch:List*
        ec2:DescribeAccountAttributes ec2:DescribeAddresses ec2:DescribeAvailabilityZones
        ec2:DescribeBundleTasks ec2:DescribeCarrierGateways ec2:DescribeClassicLinkInstances
        ec2:DescribeConversionTasks ec2:DescribeCustomerGateways ec2:DescribeDhcpOptions
        ec2:DescribeExportTasks ec2:DescribeFlowLogs ec2:DescribeHost* ec2:DescribeIdFormat
        ec2:DescribeIdentityIdFormat ec2:DescribeImage* ec2:DescribeImport*
        ec2:DescribeInstance* ec2:DescribeInternetGateways ec2:DescribeKeyPairs
        ec2:DescribeLocalGatewayRouteTableVirtualInterfaceGroupAssociations
        ec2:DescribeLocalGatewayRouteTableVpcAssociations ec2:DescribeLocalGatewayRouteTables
        ec2:DescribeLocalGatewayVirtualInterfaceGroups ec2:DescribeLocalGatewayVirtualInterfaces
        ec2:DescribeLocalGateways ec2:DescribeMovingAddresses ec2:DescribeNatGateways
        ec2:DescribeNetwork* ec2:DescribePlacementGroups ec2:DescribePrefixLists
        ec2:DescribeRegions ec2:DescribeReserved* ec2:DescribeRouteTables
        ec2:DescribeSecurityGroupRules ec2:DescribeSecurityGroups ec2:DescribeSnapshot*
        ec2:DescribeSpot* ec2:DescribeSubnets ec2:DescribeTags ec2:DescribeVolume*
        ec2:DescribeVpc* ec2:DescribeVpnGateways ec2:SearchLocalGatewayRoutes
        logs:Describe* logs:GetTransformer logs:ListEntitiesForLogGroup
        logs:ListLogGroupsForEntity logs:ListLogGroupsForQuery logs:ListTagsForResource
        iam:GetAccountSummary iam:GetLoginProfile iam:List*
        organizations:List*
        s3:ListAllMyBuckets s3:ListBucket s3:ListMultiRegionAccessPoints
        sns:List*
        xray:GetEncryptionConfig xray:GetGroups xray:GetSamplingRules
        xray:GetSamplingStatisticSummaries xray:GetSamplingTargets
        xray:GetTraceSegmentDestination xray:ListResourcePolicies
        """
    ),
)
"""``arn:aws:iam::aws:policy/job-function/ViewOnlyAccess``: lists resources and reads basic
metadata, not their configuration."""

MANAGED_POLICIES: tuple[ManagedPolicy, ...] = (SECURITY_AUDIT, READ_ONLY_ACCESS, VIEW_ONLY_ACCESS)
"""The managed policies recorded here, in the order the README discusses them."""
