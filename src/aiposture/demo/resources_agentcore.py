"""The demo's Amazon Bedrock AgentCore resources.

Gateways and targets, runtimes and endpoints, memories, a custom code interpreter, a
workload identity and credential providers.

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


def _gateway(
    acct: SeedAccount, region: str, role: str, name: str, targets: tuple[str, ...]
) -> None:
    client = acct.client("bedrock-agentcore-control", region)
    gateway_id = client.create_gateway(
        name=name, roleArn=role, protocolType="MCP", authorizerType="AWS_IAM"
    )["gatewayId"]
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


def _runtime(acct: SeedAccount, region: str, role: str, endpoint: str) -> None:
    client = acct.client("bedrock-agentcore-control", region)
    image = f"{acct.account_id}.dkr.ecr.{region}.amazonaws.com/{RUNTIME_NAME}:latest"
    runtime_id = client.create_agent_runtime(
        agentRuntimeName=RUNTIME_NAME,
        agentRuntimeArtifact={"containerConfiguration": {"containerUri": image}},
        roleArn=role,
        networkConfiguration={"networkMode": "PUBLIC"},
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
        _gateway(acct, region, roles[acct.account_id], name, targets)
        _runtime(acct, region, roles[acct.account_id], ENDPOINT_NAME)
        acct.client("bedrock-agentcore-control", region).create_memory(
            name=MEMORY_NAME, eventExpiryDuration=30
        )
    _guide_tools_and_identities(guide, region, roles[guide.account_id])
    role = partial.role(AGENTCORE_ROLE, "bedrock-agentcore.amazonaws.com")
    _gateway(partial, region, role, *PARTIAL_GATEWAY)
    _runtime(partial, region, role, PARTIAL_ENDPOINT)
