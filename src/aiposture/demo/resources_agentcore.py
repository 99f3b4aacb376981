"""The demo's Amazon Bedrock AgentCore resources.

Gateways and targets, runtimes and endpoints, memories, a custom code interpreter, a
workload identity and credential providers.

The guide account's runtime runs in its VPC (network mode ``VPC``), accepts only callers
with a JWT its identity provider issued (``customJWTAuthorizer``) and passes their
``Authorization`` header on to the agent (``requestHeaderConfiguration``: the AgentCore
Developer Guide, "Pass custom headers to Amazon Bedrock AgentCore Runtime", allows it
"when your agent is configured with a custom JWT authorizer"); its gateway authorizes
callers with a JWT too (``CUSTOM_JWT``) and is encrypted with the account's customer managed
key. The partial and placeholder accounts' runtimes are in ``PUBLIC`` network mode with IAM
(SigV4) callers only, their gateways ``AWS_IAM``.

Written through plain boto3 calls (moto's own CreateGateway, CreateGatewayTarget,
CreateAgentRuntime, CreateAgentRuntimeEndpoint and CreateMemory, and the Create operations
:mod:`aiposture.demo.moto_ext.agentcore_inventory` adds). Only the home region of three
accounts holds any: the **guide** account (a gateway with two Lambda targets, a runtime
with a ``prod`` endpoint, a memory, a custom code interpreter, a workload identity, an
OAuth2 and an API-key credential provider) and the **placeholder** account (a gateway with
one target, a runtime with a ``prod`` endpoint and a memory) and the **partial** account (a
gateway with one target and a runtime with a ``beta`` endpoint: a scan of the partial and
lab accounts alone then sends every child listing). The lab account, and every other
region, have none. AWS gives each resource an id made of its name and 10
random characters, so the ids differ from one demo to the next.
"""

from __future__ import annotations

from typing import Any

from aiposture.demo.resources_bedrock import ai_key, ai_vpc
from aiposture.demo.writers import SeedAccount

AGENTCORE_ROLE = "AgentCoreExecutionRole"
"""The role the demo's gateways, runtimes and code interpreter run as."""
GUIDE_GATEWAY = ("demo-gateway", ("orders-api", "inventory-api"))
"""The guide account's gateway and its targets (home region)."""
PLACEHOLDER_GATEWAY = ("hr-gateway", ("hr-api",))
"""The placeholder account's gateway and its target (home region)."""
PARTIAL_GATEWAY, PARTIAL_ENDPOINT = ("ops-gateway", ("ops-api",)), "beta"
"""The partial account's gateway and its target, and its runtime's endpoint (home region)."""
RUNTIME_NAME, ENDPOINT_NAME, MEMORY_NAME = "demo_agent", "prod", "demo_memory"
"""The runtime, its endpoint and the memory both accounts have (home region)."""
CODE_INTERPRETER_NAME = "demo_ci"
"""The guide account's custom code interpreter (home region)."""
WORKLOAD_IDENTITY_NAME = "demo-agent"
"""The guide account's workload identity (home region)."""
OAUTH2_PROVIDER_NAME, API_KEY_PROVIDER_NAME = "demo-github", "demo-search-key"
"""The guide account's OAuth2 and API-key credential providers (home region)."""
GUIDE_USER_POOL = "us-east-1_AiPstDemo"
"""The (made-up) Amazon Cognito user pool that issues the guide's callers' JWTs."""
GUIDE_AUDIENCE, GUIDE_CLIENT = "demo-agent-api", "4f1ab2c3d4e5f6a7b8c9d0e1f2"
"""The audience the guide runtime accepts and the app client its gateway accepts."""


def _jwt_authorizer(region: str, **allowed: list[str]) -> dict[str, Any]:
    """A ``customJWTAuthorizer`` trusting the guide's Cognito user pool."""
    pool = GUIDE_USER_POOL.replace("us-east-1", region)
    url = f"https://cognito-idp.{region}.amazonaws.com/{pool}/.well-known/openid-configuration"
    return {"customJWTAuthorizer": {"discoveryUrl": url, **allowed}}


def _gateway(
    acct: SeedAccount,
    region: str,
    role: str,
    name: str,
    targets: tuple[str, ...],
    *,
    guide: bool = False,
) -> None:
    client = acct.client("bedrock-agentcore-control", region)
    auth: dict[str, Any] = {"authorizerType": "AWS_IAM"}
    if guide:
        auth = {
            "authorizerType": "CUSTOM_JWT",
            "authorizerConfiguration": _jwt_authorizer(region, allowedClients=[GUIDE_CLIENT]),
            "kmsKeyArn": ai_key(acct, region),
        }
    gateway_id = client.create_gateway(name=name, roleArn=role, protocolType="MCP", **auth)[
        "gatewayId"
    ]
    for target in targets:
        function = f"arn:aws:lambda:{region}:{acct.account_id}:function:{target}"
        client.create_gateway_target(
            gatewayIdentifier=gateway_id,
            name=target,
            targetConfiguration={
                "mcp": {"lambda": {"lambdaArn": function, "toolSchema": {"inlinePayload": []}}}
            },
            credentialProviderConfigurations=[{"credentialProviderType": "GATEWAY_IAM_ROLE"}],
        )


def _runtime(
    acct: SeedAccount, region: str, role: str, endpoint: str, *, guide: bool = False
) -> None:
    client = acct.client("bedrock-agentcore-control", region)
    image = f"{acct.account_id}.dkr.ecr.{region}.amazonaws.com/{RUNTIME_NAME}:latest"
    settings: dict[str, Any] = {"networkConfiguration": {"networkMode": "PUBLIC"}}
    if guide:
        vpc = ai_vpc(acct, region)
        settings = {
            "networkConfiguration": {
                "networkMode": "VPC",
                "networkModeConfig": {
                    "subnets": vpc["subnetIds"],
                    "securityGroups": vpc["securityGroupIds"],
                },
            },
            "authorizerConfiguration": _jwt_authorizer(region, allowedAudience=[GUIDE_AUDIENCE]),
            "requestHeaderConfiguration": {"requestHeaderAllowlist": ["Authorization"]},
        }
    runtime_id = client.create_agent_runtime(
        agentRuntimeName=RUNTIME_NAME,
        agentRuntimeArtifact={"containerConfiguration": {"containerUri": image}},
        roleArn=role,
        **settings,
    )["agentRuntimeId"]
    client.create_agent_runtime_endpoint(agentRuntimeId=runtime_id, name=endpoint)


def _guide_tools_and_identities(acct: SeedAccount, region: str, role: str) -> None:
    client = acct.client("bedrock-agentcore-control", region)
    client.create_code_interpreter(
        name=CODE_INTERPRETER_NAME,
        executionRoleArn=role,
        networkConfiguration={"networkMode": "SANDBOX"},
    )
    client.create_workload_identity(name=WORKLOAD_IDENTITY_NAME)
    client.create_oauth2_credential_provider(
        name=OAUTH2_PROVIDER_NAME,
        credentialProviderVendor="GithubOauth2",
        oauth2ProviderConfigInput={
            "githubOauth2ProviderConfig": {"clientId": "demo-client", "clientSecret": "demo"}
        },
    )
    client.create_api_key_credential_provider(name=API_KEY_PROVIDER_NAME, apiKey="demo-key")


def seed_agentcore_resources(
    guide: SeedAccount, partial: SeedAccount, placeholder: SeedAccount, region: str
) -> None:
    """Write the AgentCore resources of the guide, partial and placeholder accounts."""
    roles = {}
    for acct in (guide, placeholder):
        roles[acct.account_id] = acct.role(AGENTCORE_ROLE, "bedrock-agentcore.amazonaws.com")
        name, targets = GUIDE_GATEWAY if acct is guide else PLACEHOLDER_GATEWAY
        _gateway(acct, region, roles[acct.account_id], name, targets, guide=acct is guide)
        _runtime(acct, region, roles[acct.account_id], ENDPOINT_NAME, guide=acct is guide)
        acct.client("bedrock-agentcore-control", region).create_memory(
            name=MEMORY_NAME, eventExpiryDuration=30
        )
    _guide_tools_and_identities(guide, region, roles[guide.account_id])
    role = partial.role(AGENTCORE_ROLE, "bedrock-agentcore.amazonaws.com")
    _gateway(partial, region, role, *PARTIAL_GATEWAY)
    _runtime(partial, region, role, PARTIAL_ENDPOINT)
