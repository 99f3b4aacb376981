"""Each AI resource's own configuration (``InventoryItem.details``): the real collector
against the in-process demo, read, refused and malformed."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse

from aiposture.collect.guard import COLLECTOR_OPERATIONS
from aiposture.collect.inventory_details import detail_request
from aiposture.collect.scan import CollectOptions, collect
from aiposture.demo.environment import DemoEnvironment
from aiposture.demo.resources_agents import AGENT_ROLES
from aiposture.snapshot.inventory import DETAIL_OPERATIONS, KINDS_BY_KEY
from aiposture.snapshot.models import InventoryItem, RegionSnapshot, Snapshot
from tests.collect.helpers import E1, GUIDE, PARTIAL, account, factory_for, on_calls

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def snapshot(demo_env: DemoEnvironment) -> Snapshot:
    return demo_env.collect()


def _region(snapshot: Snapshot, account_id: str) -> RegionSnapshot:
    return account(snapshot, account_id).regions[E1]


def _items(region: RegionSnapshot, key: str) -> dict[str | None, InventoryItem]:
    assert region.inventory is not None
    return {item.name: item for item in region.inventory[key]}


def _details(item: InventoryItem) -> dict[str, Any]:
    assert item.details is not None, item.arn
    assert "ResponseMetadata" not in item.details
    return item.details


def test_every_get_is_an_allowed_read_whose_required_members_are_sent() -> None:
    session = botocore.session.get_session()
    item = InventoryItem(arn="arn:aws:bedrock:us-east-1:111122223333:x/abc", id="abc")
    for key, operation in DETAIL_OPERATIONS.items():
        kind = KINDS_BY_KEY[key]
        assert (kind.service, operation) in COLLECTOR_OPERATIONS
        model = session.get_service_model(kind.service).operation_model(operation)
        sent = detail_request(kind, item)
        assert set(model.input_shape.required_members) <= set(sent), operation
        assert set(sent) <= set(model.input_shape.members), operation
    for operation in ("ListDataSources", "GetDataSource"):
        assert ("bedrock-agent", operation) in COLLECTOR_OPERATIONS


def test_the_guide_accounts_resources_carry_their_configuration(snapshot: Snapshot) -> None:
    region = _region(snapshot, GUIDE)
    assert region.errors == []
    guardrails = _items(region, "bedrock:guardrail")
    for guardrail in guardrails.values():
        got = _details(guardrail)
        assert got["version"] == "DRAFT"
        [attack] = [f for f in got["contentPolicy"]["filters"] if f["type"] == "PROMPT_ATTACK"]
        assert (attack["inputStrength"], attack["inputAction"]) == ("HIGH", "BLOCK")
        assert {f["type"] for f in got["contextualGroundingPolicy"]["filters"]} == {
            "GROUNDING",
            "RELEVANCE",
        }
        assert got["kmsKeyArn"].startswith(f"arn:aws:kms:{E1}:{GUIDE}:key/")
    ids = {g.id for g in guardrails.values()}
    roles = set()
    for name, agent in _items(region, "bedrock-agent:agent").items():
        got = _details(agent)["agent"]
        assert got["guardrailConfiguration"]["guardrailIdentifier"] in ids
        assert got["guardrailConfiguration"]["guardrailVersion"] == "1"
        assert got["agentResourceRoleArn"].endswith(f":role/{AGENT_ROLES[str(name)]}")
        assert got["customerEncryptionKeyArn"]
        roles.add(got["agentResourceRoleArn"])
    assert len(roles) == 2  # one role per agent
    [kb] = _items(region, "bedrock-agent:knowledge-base").values()
    [source] = _details(kb)["dataSources"]
    assert source["serverSideEncryptionConfiguration"]["kmsKeyArn"]
    assert _details(kb)["knowledgeBase"]["knowledgeBaseArn"] == kb.arn
    [flow] = _items(region, "bedrock-agent:flow").values()
    nodes = {n["type"]: n for n in _details(flow)["definition"]["nodes"]}
    assert nodes["Prompt"]["configuration"]["prompt"]["guardrailConfiguration"]
    assert nodes["KnowledgeBase"]["configuration"]["knowledgeBase"]["guardrailConfiguration"]
    [runtime] = _items(region, "bedrock-agentcore-control:runtime").values()
    got = _details(runtime)
    assert got["networkConfiguration"]["networkMode"] == "VPC"
    assert got["authorizerConfiguration"]["customJWTAuthorizer"]["allowedAudience"]
    assert got["requestHeaderConfiguration"]["requestHeaderAllowlist"] == ["Authorization"]
    [gateway] = _items(region, "bedrock-agentcore-control:gateway").values()
    assert _details(gateway)["authorizerType"] == "CUSTOM_JWT"
    for key in ("bedrock:custom-model", "bedrock:imported-model"):
        for model in _items(region, key).values():
            assert _details(model)["modelKmsKeyArn"].startswith(f"arn:aws:kms:{E1}:{GUIDE}:")
    [job] = _items(region, "bedrock:model-invocation-job").values()
    assert _details(job)["vpcConfig"]["subnetIds"]


def test_the_partial_accounts_gaps_are_what_aws_would_answer(snapshot: Snapshot) -> None:
    region = _region(snapshot, PARTIAL)
    guardrails = {n: _details(g) for n, g in _items(region, "bedrock:guardrail").items()}
    attack = {
        name: next(f for f in got["contentPolicy"]["filters"] if f["type"] == "PROMPT_ATTACK")
        for name, got in guardrails.items()
    }
    assert attack["ops-guardrail"]["inputStrength"] == "LOW"
    assert attack["ops-detect-only"]["inputAction"] == "NONE"
    assert not any("contextualGroundingPolicy" in g for g in guardrails.values())
    agents = {n: _details(a)["agent"] for n, a in _items(region, "bedrock-agent:agent").items()}
    assert "guardrailConfiguration" not in agents["ops-reporter"]
    assert len({a["agentResourceRoleArn"] for a in agents.values()}) == 1  # shared
    [prompt] = _items(region, "bedrock-agent:prompt").values()
    assert "customerEncryptionKeyArn" not in _details(prompt)
    [kb] = _items(region, "bedrock-agent:knowledge-base").values()
    assert "serverSideEncryptionConfiguration" not in _details(kb)["dataSources"][0]
    [runtime] = _items(region, "bedrock-agentcore-control:runtime").values()
    assert _details(runtime)["networkConfiguration"]["networkMode"] == "PUBLIC"


def test_a_refused_get_is_an_error_naming_the_resource(
    demo_env: DemoEnvironment, deny: Any
) -> None:
    refuse = deny("AccessDeniedException", "not this one", 403)
    first: list[str] = []

    def handler(params: dict[str, Any], **kwargs: Any) -> Any:
        wanted = str(params["url_path"]).rstrip("/").rsplit("/", 1)[-1]  # /guardrails/{id}
        if not first:
            first.append(wanted)
        return refuse() if wanted == first[0] else None

    observer = on_calls("bedrock", "GetGuardrail", handler, E1)
    snap = collect(factory_for(demo_env, observer), CollectOptions(regions=[E1]))
    region = _region(snap, GUIDE)
    assert region.inventory is not None
    refused = [g for g in region.inventory["bedrock:guardrail"] if g.id == first[0]]
    read = [g for g in region.inventory["bedrock:guardrail"] if g.id != first[0]]
    assert [g.details for g in refused] == [None]
    assert all(g.details is not None for g in read) and read
    [error] = region.errors
    assert (error.service, error.operation, error.resource) == (
        "bedrock",
        "GetGuardrail",
        refused[0].arn,
    )
    assert error.error_code == "AccessDeniedException"


def test_a_refused_data_source_leaves_its_knowledge_base_unread(
    demo_env: DemoEnvironment, deny: Any
) -> None:
    observer = on_calls(
        "bedrock-agent", "GetDataSource", deny("ThrottlingException", "slow down", 429), E1
    )
    snap = collect(factory_for(demo_env, observer), CollectOptions(regions=[E1]))
    region = _region(snap, GUIDE)
    [kb] = _items(region, "bedrock-agent:knowledge-base").values()
    assert kb.details is None
    [error] = region.errors
    assert (error.operation, error.resource, error.error_code) == (
        "GetDataSource",
        kb.arn,
        "ThrottlingException",
    )
    assert all(a.details is not None for a in _items(region, "bedrock-agent:agent").values())


def test_an_answer_without_its_wrapped_object_is_malformed(demo_env: DemoEnvironment) -> None:
    def empty(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        response = AWSResponse("https://bedrock-agent", 200, {}, None)
        return response, {"ResponseMetadata": {"HTTPStatusCode": 200}, "agent": {"agentId": "x"}}

    observer = on_calls("bedrock-agent", "GetAgent", empty, E1)
    snap = collect(factory_for(demo_env, observer), CollectOptions(regions=[E1]))
    region = _region(snap, GUIDE)
    agents = _items(region, "bedrock-agent:agent")
    assert all(a.details is None for a in agents.values())
    assert {e.resource for e in region.errors} == {a.arn for a in agents.values()}
    assert {(e.operation, e.error_code) for e in region.errors} == {
        ("GetAgent", "MalformedResponse")
    }
    assert "agent.agentArn" in region.errors[0].message
