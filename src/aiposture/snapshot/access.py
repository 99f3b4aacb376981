"""Evidence of who can use the models, over which network, and how their logs are kept.

Read by :mod:`aiposture.collect.iam_posture` (once per account: IAM is global) and
:mod:`aiposture.collect.network_access` (per region: VPC endpoints, the invocation-log
bucket's default encryption). As everywhere in the snapshot, ``None`` means "not read"
(the failed call is a :class:`~aiposture.snapshot.models.CallError` in the owning
account's or region's ``errors``, whose ``resource`` names the user, role, group, policy or
bucket); an empty list or map means "read, and there was nothing".

Policy documents are kept as IAM returned them through its read APIs (GetUserPolicy,
GetGroupPolicy, GetRolePolicy, GetPolicyVersion), URL-decoded and parsed as JSON by
botocore; they are data, judged inertly by :mod:`aiposture.rules.support.iam_policy`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

BEDROCK_API_KEY_SERVICE = "bedrock.amazonaws.com"
"""The ``ServiceName`` of Amazon Bedrock long-term API keys (IAM service-specific
credentials; IAM API Reference, CreateServiceSpecificCredential)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class ServiceCredential(_Model):
    """One IAM service-specific credential (ListServiceSpecificCredentials metadata)."""

    user_name: str
    id: str
    service_name: str
    status: str
    """``Active``, ``Inactive`` (or ``Expired``, which the botocore ``statusType`` enum lists)."""
    create_date: datetime | None = None
    expiration_date: datetime | None = None
    """When the key expires; AWS returns it only for keys created with an expiration
    (botocore ``ServiceSpecificCredentialMetadata.ExpirationDate``): absent = never expires."""
    raw: dict[str, Any] = Field(default_factory=dict)


class AttachedPolicy(_Model):
    """A managed policy attached to a principal (ListAttached*Policies)."""

    arn: str
    name: str


class Principal(_Model):
    """An IAM user, group or role, with the policies it holds."""

    kind: str
    """``user``, ``group`` or ``role``."""
    name: str
    arn: str | None = None
    attached: list[AttachedPolicy] | None = None
    """ListAttached{User,Group,Role}Policies; ``None`` when not read."""
    inline: dict[str, dict[str, Any] | None] | None = None
    """Inline policy name -> its document (Get{User,Group,Role}Policy); a document whose
    read failed is ``None``. The map is ``None`` when List{User,Group,Role}Policies failed."""
    groups: list[str] | None = None
    """For a user: its groups' names (ListGroupsForUser); ``None`` when not read."""
    permissions_boundary: dict[str, Any] | None = None
    """For a role: GetRole's ``PermissionsBoundary`` (absent = none)."""
    role_read: bool = False
    """For a role: GetRole succeeded (so ``permissions_boundary`` None means "none")."""


class ManagedPolicyDocument(_Model):
    """A managed policy's default version (GetPolicy, then GetPolicyVersion)."""

    arn: str
    name: str | None = None
    default_version: str | None = None
    document: dict[str, Any] | None = None
    """``None`` when a read failed or the document could not be parsed."""


class PolicyEntities(_Model):
    """ListEntitiesForPolicy: the principals a managed policy is attached to."""

    roles: list[str] = Field(default_factory=list)
    users: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)


class IamPosture(_Model):
    """The account's IAM evidence for the AI access checks (IAM is global: read once)."""

    bedrock_api_keys: list[ServiceCredential] | None = None
    """Every IAM user's Bedrock long-term API keys (ServiceName ``bedrock.amazonaws.com``)."""
    users: dict[str, Principal] = Field(default_factory=dict)
    """The users holding a Bedrock API key, by user name."""
    groups: dict[str, Principal] = Field(default_factory=dict)
    """Those users' groups, by group name."""
    roles: dict[str, Principal] = Field(default_factory=dict)
    """The agent execution roles (Bedrock agents, AgentCore runtimes), by role ARN."""
    policies: dict[str, ManagedPolicyDocument] = Field(default_factory=dict)
    """The managed policies those principals hold, by ARN."""
    policy_entities: dict[str, PolicyEntities] = Field(default_factory=dict)
    """Who holds the watched AWS managed policies (AmazonBedrockFullAccess,
    BedrockAgentCoreFullAccess), by policy ARN; a failed read has no key."""


class VpcEndpoints(_Model):
    """A region's VPCs and its interface endpoints to Bedrock and AgentCore."""

    vpcs: list[dict[str, Any]] | None = None
    """EC2 DescribeVpcs ``Vpcs``; ``None`` when not read."""
    endpoints: list[dict[str, Any]] | None = None
    """EC2 DescribeVpcEndpoints ``VpcEndpoints`` for the Bedrock and AgentCore service names
    (:data:`aiposture.collect.network_access.ENDPOINT_SUFFIXES`); ``None`` when not read."""


class BucketEncryption(_Model):
    """S3 GetBucketEncryption of the bucket model invocation logging writes to."""

    bucket: str
    rules: list[dict[str, Any]] = Field(default_factory=list)
    """``ServerSideEncryptionConfiguration.Rules``; empty when the bucket has no default
    encryption (``ServerSideEncryptionConfigurationNotFoundError``)."""

    @property
    def kms(self) -> bool:
        """True when the default encryption is SSE-KMS (``aws:kms`` or ``aws:kms:dsse``)."""
        for rule in self.rules:
            default = rule.get("ApplyServerSideEncryptionByDefault") or {}
            if str(default.get("SSEAlgorithm", "")).startswith("aws:kms"):
                return True
        return False

    @property
    def algorithm(self) -> str | None:
        """The default algorithm (``AES256``, ``aws:kms``...), or None without one."""
        for rule in self.rules:
            default = rule.get("ApplyServerSideEncryptionByDefault") or {}
            if default.get("SSEAlgorithm"):
                return str(default["SSEAlgorithm"])
        return None
