"""The AgentCore inventory: what AWS lists, page by page, and what a failure leaves unknown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from aiposture.collect import inventory_agentcore as ac
from aiposture.collect.guard import COLLECTOR_OPERATIONS
from aiposture.collect.inventory import read_region_inventory
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo import moto_ext
from aiposture.demo.environment import DemoServer, demo_environment
from aiposture.demo.moto_ext.agentcore_identity import add_evaluator
from aiposture.guide import guide_selectors
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import RegionSnapshot, Snapshot
from tests.collect.helpers import (
    E1,
    GUIDE,
    LAB,
    PARTIAL,
    PLACEHOLDER,
    W2,
    OperationRecorder,
    account,
    factory_for,
    on_calls,
)

REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/agentcore"
KINDS = [k for k in RESOURCE_KINDS if k.service == ac.SERVICE]
KEYS_OF_KINDS = {k.key for k in KINDS}


@pytest.fixture
def aws() -> Iterator[str]:
    """moto with aiposture's patches; yields moto's default account id."""
    moto_ext.install()
    with mock_aws():
        yield str(boto3.client("sts", region_name=REGION, **KEYS).get_caller_identity()["Account"])


def _client(region: str = REGION) -> Any:
    return boto3.client("bedrock-agentcore-control", region_name=region, **KEYS)


def _clients(observe: Callable[[Any], None] | None = None) -> Callable[[str, str], Any]:
    made: dict[tuple[str, str], Any] = {}

    def clients(service: str, region: str) -> Any:
        if (service, region) not in made:
            made[(service, region)] = boto3.client(service, region_name=region, **KEYS)
            if observe is not None:
                observe(made[(service, region)])
        return made[(service, region)]

    return clients


def _gateway(client: Any, name: str, targets: int) -> str:
    gateway_id = str(
        client.create_gateway(
            name=name, roleArn=ROLE, protocolType="MCP", authorizerType="AWS_IAM"
        )["gatewayId"]
    )
    for i in range(targets):
        client.create_gateway_target(
            gatewayIdentifier=gateway_id,
            name=f"{name}-t{i}",
            targetConfiguration={
                "mcp": {
                    "lambda": {
                        "lambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                        "toolSchema": {"inlinePayload": []},
                    }
                }
            },
        )
    return gateway_id


def _read(aws: str, clients: Callable[[str, str], Any] | None = None) -> RegionSnapshot:
    reg = RegionSnapshot(region=REGION)
    ac.read_agentcore_inventory(clients or _clients(), reg, aws)
    return reg


def test_every_kind_is_listed_with_the_arns_aws_gives(aws: str) -> None:
    client = _client()
    gateway_id = _gateway(client, "tools", 1)
    runtime = client.create_agent_runtime(
        agentRuntimeName="helper",
        agentRuntimeArtifact={"containerConfiguration": {"containerUri": "x.dkr.ecr/a:1"}},
        roleArn=ROLE,
        networkConfiguration={"networkMode": "PUBLIC"},
    )
    client.create_agent_runtime_endpoint(agentRuntimeId=runtime["agentRuntimeId"], name="prod")
    client.create_memory(name="notes", eventExpiryDuration=30)
    client.create_code_interpreter(name="ci", networkConfiguration={"networkMode": "SANDBOX"})
    client.create_browser(name="web", networkConfiguration={"networkMode": "PUBLIC"})
    client.create_workload_identity(name="helper-identity")
    client.create_oauth2_credential_provider(
        name="github",
        credentialProviderVendor="GithubOauth2",
        oauth2ProviderConfigInput={
            "githubOauth2ProviderConfig": {"clientId": "a", "clientSecret": "b"}
        },
    )
    client.create_api_key_credential_provider(name="search", apiKey="k")
    reg = _read(aws)
    inv = reg.inventory or {}
    assert not reg.errors and set(inv) == KEYS_OF_KINDS
    prefix = f"arn:aws:bedrock-agentcore:{REGION}:{aws}"
    [gateway] = inv["bedrock-agentcore-control:gateway"]
    assert (gateway.arn, gateway.name, gateway.status) == (
        f"{prefix}:gateway/{gateway_id}",
        "tools",
        "READY",
    )
    [target] = inv["bedrock-agentcore-control:gateway-target"]
    assert target.parent_arn == gateway.arn and target.arn == f"{gateway.arn}/target/{target.id}"
    [rt] = inv["bedrock-agentcore-control:runtime"]
    assert rt.arn == runtime["agentRuntimeArn"] == f"{prefix}:runtime/{rt.id}"
    assert rt.id.startswith("helper-") and rt.name == "helper"
    [endpoint] = inv["bedrock-agentcore-control:runtime-endpoint"]
    assert (endpoint.arn, endpoint.name, endpoint.parent_arn) == (
        f"{rt.arn}/runtime-endpoint/prod",
        "prod",
        rt.arn,
    )
    [memory] = inv["bedrock-agentcore-control:memory"]
    assert memory.arn == f"{prefix}:memory/{memory.id}" and memory.id.startswith("notes-")
    [ci] = inv["bedrock-agentcore-control:code-interpreter"]
    assert ci.arn == f"{prefix}:code-interpreter-custom/{ci.id}" and ci.name == "ci"
    [browser] = inv["bedrock-agentcore-control:browser"]
    assert browser.arn == f"{prefix}:browser-custom/{browser.id}"
    [identity] = inv["bedrock-agentcore-control:workload-identity"]
    assert identity.arn == (
        f"{prefix}:workload-identity-directory/default/workload-identity/helper-identity"
    )
    [oauth] = inv["bedrock-agentcore-control:oauth2-credential-provider"]
    assert oauth.arn == (
        f"arn:aws:acps:{REGION}:{aws}:token-vault/default/oauth2credentialprovider/github"
    )
    [key] = inv["bedrock-agentcore-control:api-key-credential-provider"]
    assert key.arn.endswith(":token-vault/default/apikeycredentialprovider/search")
    assert inv["bedrock-agentcore-control:evaluator"] == []


def test_built_in_tools_and_evaluators_are_not_the_accounts(aws: str) -> None:
    from moto.bedrockagentcorecontrol.models import bedrockagentcorecontrol_backends

    client = _client()
    listed = client.list_code_interpreters()["codeInterpreterSummaries"]
    assert [s["codeInterpreterId"] for s in listed] == ["aws.codeinterpreter.v1"]
    assert listed[0]["codeInterpreterArn"] == (
        f"arn:aws:bedrock-agentcore:{REGION}:aws:code-interpreter/aws.codeinterpreter.v1"
    )
    assert [s["browserId"] for s in client.list_browsers(type="SYSTEM")["browserSummaries"]] == [
        "aws.browser.v1"
    ]
    assert client.list_browsers(type="CUSTOM")["browserSummaries"] == []
    custom = add_evaluator(bedrockagentcorecontrol_backends[aws][REGION], "tone")
    listed_evaluators = client.list_evaluators()["evaluators"]
    assert {e["evaluatorType"] for e in listed_evaluators} == {"Builtin", "Custom"}
    inv = _read(aws).inventory or {}
    assert inv["bedrock-agentcore-control:code-interpreter"] == []
    assert inv["bedrock-agentcore-control:browser"] == []
    assert [e.arn for e in inv["bedrock-agentcore-control:evaluator"]] == [custom["evaluatorArn"]]


def test_every_listing_follows_next_token(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client()
    for i in range(3):
        _gateway(client, f"gw{i}", 5 if i == 0 else 0)
        client.create_workload_identity(name=f"identity-{i}")
        client.create_code_interpreter(
            name=f"ci{i}", networkConfiguration={"networkMode": "SANDBOX"}
        )
    for operation in ac.PAGE_SIZES:
        monkeypatch.setitem(ac.PAGE_SIZES, operation, 2)
    sent: Counter[str] = Counter()

    def observe(c: Any) -> None:
        c.meta.events.register(
            "before-call.bedrock-agentcore-control.*",
            lambda model, params, **_: sent.update([model.name]) or None,
        )
        c.meta.events.register(
            "before-call.bedrock-agentcore-control.*",
            lambda model, params, **_: (
                sizes.append(params["query_string"].get("maxResults"))
                if model.name == "ListGateways"
                else None
            ),
        )

    sizes: list[Any] = []
    inv = _read(aws, _clients(observe)).inventory or {}
    assert len(inv["bedrock-agentcore-control:gateway"]) == 3
    assert len(inv["bedrock-agentcore-control:gateway-target"]) == 5
    assert len(inv["bedrock-agentcore-control:workload-identity"]) == 3
    assert len(inv["bedrock-agentcore-control:code-interpreter"]) == 3
    assert sent["ListGateways"] == 2 and sent["ListWorkloadIdentities"] == 2
    assert sent["ListCodeInterpreters"] == 2
    assert sent["ListGatewayTargets"] == 3 + 2  # three pages of gw0, one each for gw1, gw2
    assert set(sizes) == {2}


def test_page_sizes_are_the_model_maximums() -> None:
    model = botocore.session.get_session().get_service_model(ac.SERVICE)
    paginators = botocore.session.get_session().get_paginator_model(ac.SERVICE)
    for kind in KINDS:
        request = model.operation_model(kind.operation).input_shape
        assert request.members["maxResults"].metadata["max"] == ac.PAGE_SIZES[kind.operation]
        config = paginators.get_paginator(kind.operation)
        assert (config["input_token"], config["limit_key"]) == ("nextToken", "maxResults")
        assert config["result_key"] == ac.RESULT_KEYS[kind.operation]
        assert (ac.SERVICE, kind.operation) in COLLECTOR_OPERATIONS


def test_emulated_lists_check_max_results_and_tokens_as_aws_does(aws: str) -> None:
    client = _client()
    with pytest.raises(ClientError) as too_many:
        client.list_workload_identities(maxResults=21)
    assert too_many.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as bad_token:
        client.list_memories(nextToken="not-a-token")
    assert bad_token.value.response["Error"]["Code"] == "ValidationException"
    client.create_workload_identity(name="once")
    with pytest.raises(ClientError):
        client.create_workload_identity(name="once")


def test_a_failed_listing_leaves_its_kind_unknown(aws: str, deny: Any) -> None:
    _gateway(_client(), "tools", 1)
    clients = _clients(
        on_calls(ac.SERVICE, "ListMemories", deny("AccessDeniedException", "no memories"))
    )
    reg = RegionSnapshot(region=REGION)
    read_region_inventory(clients, reg, aws)
    inv = reg.inventory or {}
    assert "bedrock-agentcore-control:memory" not in inv
    assert len(inv["bedrock-agentcore-control:gateway-target"]) == 1
    [error] = [e for e in reg.errors if e.service == ac.SERVICE]
    assert (error.operation, error.error_code, error.region) == (
        "ListMemories",
        "AccessDeniedException",
        REGION,
    )


def test_targets_of_one_gateway_failing_leave_every_target_unknown(aws: str, deny: Any) -> None:
    client = _client()
    denied_id = _gateway(client, "secret", 1)
    _gateway(client, "open", 2)
    refuse = deny("AccessDeniedException", "not this gateway")

    def handler(params: dict[str, Any], **kwargs: Any) -> Any:
        return refuse(**kwargs) if denied_id in params["url_path"] else None

    reg = RegionSnapshot(region=REGION)
    read_region_inventory(_clients(on_calls(ac.SERVICE, "ListGatewayTargets", handler)), reg, aws)
    inv = reg.inventory or {}
    assert len(inv["bedrock-agentcore-control:gateway"]) == 2
    assert "bedrock-agentcore-control:gateway-target" not in inv
    [error] = reg.errors
    assert error.operation == "ListGatewayTargets"
    assert error.resource == f"arn:aws:bedrock-agentcore:{REGION}:{aws}:gateway/{denied_id}"


def test_a_region_without_bedrock_is_not_called(aws: str) -> None:
    recorder = OperationRecorder()
    for region in ("ap-east-1", "cn-north-1"):
        reg = RegionSnapshot(region=region)
        ac.read_agentcore_inventory(_clients(recorder), reg, aws)
        assert reg.inventory is None and not reg.errors
        assert reg.services_not_offered[ac.SERVICE].startswith(
            f"{ac.SERVICE} is not offered in {region}"
        )
    assert recorder.sent == set()


def test_data_event_types_are_the_guides() -> None:
    guide_types = {
        value
        for selector in guide_selectors("agentcore")
        for field in selector["FieldSelectors"]
        if field["Field"] == "resources.type"
        for value in field["Equals"]
    }
    assert {k.data_event_type for k in KINDS} - {None} <= guide_types
    assert {k.key: k.data_event_type for k in KINDS if k.data_event_type is None} == {
        "bedrock-agentcore-control:gateway-target": None
    }


def _agentcore(snapshot: Snapshot, account_id: str, region: str) -> dict[str, list[str]]:
    inv = account(snapshot, account_id).regions[region].inventory or {}
    return {k: sorted(i.name or i.id for i in v) for k, v in inv.items() if k in KEYS_OF_KINDS}


def _expect_demo(snapshot: Snapshot) -> None:
    guide = _agentcore(snapshot, GUIDE, E1)
    assert guide["bedrock-agentcore-control:gateway"] == ["demo-gateway"]
    assert guide["bedrock-agentcore-control:gateway-target"] == ["inventory-api", "orders-api"]
    assert guide["bedrock-agentcore-control:runtime"] == ["demo_agent"]
    assert guide["bedrock-agentcore-control:runtime-endpoint"] == ["prod"]
    assert len(guide["bedrock-agentcore-control:memory"]) == 1
    assert guide["bedrock-agentcore-control:code-interpreter"] == ["demo_ci"]
    assert guide["bedrock-agentcore-control:workload-identity"] == ["demo-agent"]
    assert guide["bedrock-agentcore-control:oauth2-credential-provider"] == ["demo-github"]
    assert guide["bedrock-agentcore-control:api-key-credential-provider"] == ["demo-search-key"]
    assert guide["bedrock-agentcore-control:browser"] == []
    assert guide["bedrock-agentcore-control:evaluator"] == []
    placeholder = _agentcore(snapshot, PLACEHOLDER, E1)
    assert placeholder["bedrock-agentcore-control:gateway-target"] == ["hr-api"]
    assert placeholder["bedrock-agentcore-control:runtime-endpoint"] == ["prod"]
    assert placeholder["bedrock-agentcore-control:code-interpreter"] == []
    partial = _agentcore(snapshot, PARTIAL, E1)
    assert partial["bedrock-agentcore-control:gateway-target"] == ["ops-api"]
    assert partial["bedrock-agentcore-control:runtime-endpoint"] == ["beta"]
    assert partial["bedrock-agentcore-control:memory"] == []
    for account_id, region in [(GUIDE, W2), (PLACEHOLDER, W2), (PARTIAL, W2), (LAB, E1), (LAB, W2)]:
        empty = _agentcore(snapshot, account_id, region)
        assert set(empty) == KEYS_OF_KINDS and not any(empty.values()), (account_id, region)


def test_the_demo_has_agentcore_resources_in_some_places() -> None:
    recorder = OperationRecorder()
    with demo_environment() as demo_env:
        snapshot = collect(factory_for(demo_env, recorder), demo_env.options)
    _expect_demo(snapshot)
    sent = {op for op in recorder.sent if op[0] == ac.SERVICE}
    details = {(ac.SERVICE, "GetGateway"), (ac.SERVICE, "GetAgentRuntime")}
    assert sent == {(ac.SERVICE, k.operation) for k in KINDS} | details
    assert not [e for a in snapshot.accounts for e in a.all_errors() if e.service == ac.SERVICE]


@pytest.mark.integration
def test_the_demo_inventory_through_moto_server(server_env: DemoServer) -> None:
    org = server_env.org
    snapshot = collect(
        SessionFactory(), CollectOptions(regions=org.regions, assume_roles=org.assume_roles)
    )
    _expect_demo(snapshot)


def test_govcloud_west_is_an_agentcore_region(aws: str) -> None:
    """AgentCore's "Supported AWS Regions" table lists GovCloud (US-West); moto 5.2.5 did not."""
    reg = RegionSnapshot(region="us-gov-west-1")
    ac.read_agentcore_inventory(_clients(), reg, aws)
    assert not reg.errors and not reg.services_not_offered
    assert set(reg.inventory or {}) == KEYS_OF_KINDS
