"""Who can use the models, over which network: the demo's IAM, VPC endpoints and log buckets.

- **guide**: no Bedrock long-term API key, nothing holds AmazonBedrockFullAccess or
  BedrockAgentCoreFullAccess; the execution roles of its agents and AgentCore runtimes (read
  back with GetAgent and GetAgentRuntime, :func:`agent_roles`) hold one inline policy
  scoped to the models and log groups they use and a permissions boundary;
  every VPC of every demo region has interface endpoints for the Bedrock APIs and AgentCore's
  data plane. (Its invocation log groups are created with a KMS key in
  :func:`aiposture.demo.seed._seed_guide`.)
- **partial**: a developer made a Bedrock API key in the console for a quick test and kept
  it: user ``BedrockAPIKey-dev-sandbox`` with a key that never expires and
  AmazonBedrockFullAccess attached (what the console's long-term key flow offers); no VPC
  endpoint; the invocation-log bucket has only the default SSE-S3 encryption; its agent role
  has no permissions boundary and an inline ``bedrock:*`` on every resource.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aiposture.demo.writers import SeedAccount
from aiposture.snapshot.access import BEDROCK_API_KEY_SERVICE

__all__ = ["PARTIAL_KEY_USER", "agent_roles", "seed_access"]

PARTIAL_KEY_USER = "BedrockAPIKey-dev-sandbox"
"""The partial account's IAM user holding a never-expiring Bedrock API key."""

BOUNDARY = "AiAgentPermissionsBoundary"
"""The guide's permissions boundary for agent execution roles."""

ENDPOINT_SUFFIXES = (
    "bedrock",
    "bedrock-runtime",
    "bedrock-mantle",
    "bedrock-agent",
    "bedrock-agent-runtime",
    "bedrock-agentcore",
)
"""Interface endpoints the guide creates in each VPC (Bedrock User Guide, AgentCore
Developer Guide: "Use interface VPC endpoints")."""

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _boundary(acct: SeedAccount) -> str:
    """A boundary capping agent roles at Bedrock use and logging (created once)."""
    iam = acct.client("iam")
    arn = f"arn:aws:iam::{acct.account_id}:policy/{BOUNDARY}"
    try:
        iam.get_policy(PolicyArn=arn)
    except iam.exceptions.NoSuchEntityException:
        iam.create_policy(
            PolicyName=BOUNDARY,
            PolicyDocument=_doc(
                {
                    "Sid": "AgentCeiling",
                    "Effect": "Allow",
                    "Action": [
                        "bedrock:InvokeModel",
                        "bedrock:InvokeModelWithResponseStream",
                        "bedrock:ApplyGuardrail",
                        "bedrock:Retrieve",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                    ],
                    "Resource": "*",
                }
            ),
        )
    return arn


def _scoped_role(acct: SeedAccount, name: str, regions: Sequence[str]) -> None:
    """Give the role ``name`` a permissions boundary and one inline policy on named resources."""
    iam = acct.client("iam")
    models = [f"arn:aws:bedrock:{r}::foundation-model/{MODEL}" for r in regions]
    groups = [
        f"arn:aws:logs:{r}:{acct.account_id}:log-group:/aws/bedrock-agentcore/*" for r in regions
    ]
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=_boundary(acct))
    iam.put_role_policy(
        RoleName=name,
        PolicyName="invoke-approved-models",
        PolicyDocument=_doc(
            {
                "Sid": "InvokeApprovedModel",
                "Effect": "Allow",
                "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                "Resource": models,
            },
            {
                "Sid": "WriteOwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": groups,
            },
        ),
    )


def _endpoints(acct: SeedAccount, region: str) -> None:
    """Interface endpoints to every Bedrock API in every VPC of ``region``."""
    ec2 = acct.client("ec2", region)
    for vpc in ec2.describe_vpcs()["Vpcs"]:
        for suffix in ENDPOINT_SUFFIXES:
            ec2.create_vpc_endpoint(
                VpcId=vpc["VpcId"],
                VpcEndpointType="Interface",
                ServiceName=f"com.amazonaws.{region}.{suffix}",
                PrivateDnsEnabled=True,
            )


def agent_roles(acct: SeedAccount, regions: Sequence[str]) -> list[str]:
    """The names of the roles the account's agents and AgentCore runtimes run as.

    Read back as the scan reads them: GetAgent ``agentResourceRoleArn`` and GetAgentRuntime
    ``roleArn``, in every region.
    """
    found: dict[str, None] = {}
    for region in regions:
        agents = acct.client("bedrock-agent", region)
        for summary in agents.list_agents().get("agentSummaries", []):
            agent = agents.get_agent(agentId=summary["agentId"])["agent"]
            found[str(agent["agentResourceRoleArn"]).rsplit("/", 1)[-1]] = None
        control = acct.client("bedrock-agentcore-control", region)
        for runtime in control.list_agent_runtimes().get("agentRuntimes", []):
            answer = control.get_agent_runtime(agentRuntimeId=runtime["agentRuntimeId"])
            found[str(answer["roleArn"]).rsplit("/", 1)[-1]] = None
    return list(found)


def _seed_guide(acct: SeedAccount, regions: Sequence[str]) -> None:
    for role in agent_roles(acct, regions):
        _scoped_role(acct, role, regions)
    for region in regions:
        _endpoints(acct, region)


def _seed_partial(acct: SeedAccount, regions: Sequence[str]) -> None:
    iam = acct.client("iam")
    # the agents' role got a copy-pasted "make it work" policy and no boundary
    for role in agent_roles(acct, regions)[:1]:
        iam.put_role_policy(
            RoleName=role,
            PolicyName="agent-permissions",
            PolicyDocument=_doc(
                {"Sid": "MakeItWork", "Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}
            ),
        )
    iam.create_user(UserName=PARTIAL_KEY_USER)
    iam.attach_user_policy(
        UserName=PARTIAL_KEY_USER, PolicyArn="arn:aws:iam::aws:policy/AmazonBedrockFullAccess"
    )
    iam.put_user_policy(
        UserName=PARTIAL_KEY_USER,
        PolicyName="read-prompts-bucket",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": f"arn:aws:s3:::prompts-{acct.account_id}/*",
            }
        ),
    )
    iam.create_group(GroupName="developers")
    iam.add_user_to_group(GroupName="developers", UserName=PARTIAL_KEY_USER)
    iam.attach_group_policy(
        GroupName="developers", PolicyArn="arn:aws:iam::aws:policy/AmazonBedrockReadOnly"
    )
    iam.put_group_policy(
        GroupName="developers",
        PolicyName="sandbox-logs",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
                "Resource": f"arn:aws:logs:*:{acct.account_id}:log-group:/sandbox/*",
            }
        ),
    )
    # no CredentialAgeDays: the key never expires
    iam.create_service_specific_credential(
        UserName=PARTIAL_KEY_USER, ServiceName=BEDROCK_API_KEY_SERVICE
    )
    bucket = f"aiposture-demo-trail-{acct.account_id}"  # its invocation logs go here too
    acct.client("s3").put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )


def seed_access(guide: SeedAccount, partial: SeedAccount, regions: Sequence[str]) -> None:
    """Seed the guide's least-privilege access and private endpoints, and the partial's gaps.

    Called after every other seeding, so that the guide's VPCs (and agent roles) all exist.
    """
    _seed_guide(guide, regions)
    _seed_partial(partial, regions)
