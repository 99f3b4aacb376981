"""The Agents for Amazon Bedrock inventory: the real collector against the in-process demo."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest

from aiposture.collect.guard import COLLECTOR_OPERATIONS
from aiposture.collect.inventory_agents import read_agents_inventory
from aiposture.collect.scan import CollectOptions, collect
from aiposture.demo.environment import DemoEnvironment, assumer
from aiposture.demo.moto_ext.bedrock_agent_inventory import TEST_ALIAS_ID
from aiposture.snapshot.inventory import KINDS_BY_KEY
from aiposture.snapshot.models import CallError, RegionSnapshot, Snapshot
from tests.collect.helpers import (
    E1,
    GUIDE,
    LAB,
    PARTIAL,
    PLACEHOLDER,
    W2,
    OperationRecorder,
    account,
    all_observers,
    factory_for,
    on_calls,
)

pytestmark = pytest.mark.integration

KEYS = (
    "bedrock-agent:agent",
    "bedrock-agent:agent-alias",
    "bedrock-agent:knowledge-base",
    "bedrock-agent:flow",
    "bedrock-agent:flow-alias",
    "bedrock-agent:prompt",
)
ID = re.compile(r"[0-9A-Z]{10}")
PAGING_REGION = "eu-west-1"
"""A region the demo leaves empty: the paging test writes there only."""


@pytest.fixture(scope="module")
def snapshot(demo_env: DemoEnvironment) -> Snapshot:
    return demo_env.collect()


def _region(snapshot: Snapshot, account_id: str, region: str) -> RegionSnapshot:
    return account(snapshot, account_id).regions[region]


def _inventory(snapshot: Snapshot, account_id: str, region: str) -> dict[str, Any]:
    found = _region(snapshot, account_id, region).inventory
    assert found is not None
    return found


def _names(items: list[Any]) -> list[str | None]:
    return sorted(i.name for i in items)


def test_the_operations_are_read_only_and_allowed() -> None:
    for key in KEYS:
        kind = KINDS_BY_KEY[key]
        assert (kind.service, kind.operation) in COLLECTOR_OPERATIONS
        assert kind.operation.startswith("List")


def test_guide_account_home_region(snapshot: Snapshot) -> None:
    inv = _inventory(snapshot, GUIDE, E1)
    base = f"arn:aws:bedrock:{E1}:{GUIDE}"
    agents = {a.name: a for a in inv["bedrock-agent:agent"]}
    assert sorted(agents) == ["claims-triage", "support-assistant"]
    for agent in agents.values():
        assert ID.fullmatch(agent.id)
        assert agent.arn == f"{base}:agent/{agent.id}"
        assert agent.status == "PREPARED"
        assert agent.updated_at is not None
    aliases = inv["bedrock-agent:agent-alias"]
    by_agent = {
        name: sorted((a.id == TEST_ALIAS_ID, a.name) for a in aliases if a.parent_arn == agent.arn)
        for name, agent in agents.items()
    }
    assert by_agent == {
        "support-assistant": [(False, "prod"), (True, "AgentTestAlias")],
        "claims-triage": [(True, "AgentTestAlias")],
    }
    for alias in aliases:
        agent_id = alias.parent_arn.rsplit("/", 1)[1] if alias.parent_arn else ""
        assert alias.arn == f"{base}:agent-alias/{agent_id}/{alias.id}"
        assert alias.status == "PREPARED"
    [kb] = inv["bedrock-agent:knowledge-base"]
    assert (kb.name, kb.status, kb.arn) == (
        "policy-docs",
        "ACTIVE",
        f"{base}:knowledge-base/{kb.id}",
    )
    [flow] = inv["bedrock-agent:flow"]
    assert (flow.name, flow.status, flow.arn) == (
        "ticket-router",
        "NotPrepared",
        f"{base}:flow/{flow.id}",
    )
    [flow_alias] = inv["bedrock-agent:flow-alias"]
    assert flow_alias.name == "live"
    assert flow_alias.parent_arn == flow.arn
    assert flow_alias.arn == f"{flow.arn}/alias/{flow_alias.id}"
    [prompt] = inv["bedrock-agent:prompt"]
    assert (prompt.name, prompt.arn) == ("summarize-ticket", f"{base}:prompt/{prompt.id}")
    assert _region(snapshot, GUIDE, E1).errors == []


def test_placeholder_account_home_region(snapshot: Snapshot) -> None:
    inv = _inventory(snapshot, PLACEHOLDER, E1)
    assert _names(inv["bedrock-agent:agent"]) == ["hr-helper"]
    assert _names(inv["bedrock-agent:agent-alias"]) == ["AgentTestAlias", "v1"]
    assert _names(inv["bedrock-agent:knowledge-base"]) == ["hr-handbook"]
    for key in ("bedrock-agent:flow", "bedrock-agent:flow-alias", "bedrock-agent:prompt"):
        assert inv[key] == []


def test_partial_account_home_region(snapshot: Snapshot) -> None:
    inv = _inventory(snapshot, PARTIAL, E1)
    assert _names(inv["bedrock-agent:agent"]) == ["ops-copilot", "ops-reporter"]
    assert _names(inv["bedrock-agent:agent-alias"]) == [
        "AgentTestAlias",
        "AgentTestAlias",
        "beta",
    ]
    assert _names(inv["bedrock-agent:flow"]) == ["ops-runbook"]
    assert _names(inv["bedrock-agent:flow-alias"]) == ["beta"]
    assert _names(inv["bedrock-agent:knowledge-base"]) == ["ops-runbooks"]
    assert _names(inv["bedrock-agent:prompt"]) == ["triage-alert"]


@pytest.mark.parametrize(
    ("account_id", "region"),
    [(GUIDE, W2), (PLACEHOLDER, W2), (PARTIAL, W2), (LAB, E1), (LAB, W2)],
)
def test_no_resources_is_known_to_be_none(snapshot: Snapshot, account_id: str, region: str) -> None:
    inv = _inventory(snapshot, account_id, region)
    for key in KEYS:
        if (account_id, region, key) == (GUIDE, W2, "bedrock-agent:prompt"):
            # the guide keeps its prompt in every region it logs invocations in
            assert _names(inv[key]) == ["summarize-ticket"]
            continue
        assert inv[key] == [], key  # listed and empty: "none", not "unknown"


def test_a_failed_listing_leaves_its_kind_unknown(demo_env: DemoEnvironment, deny: Any) -> None:
    observer = on_calls(
        "bedrock-agent", "ListFlows", deny("AccessDeniedException", "no flows for you", 403), E1
    )
    snap = collect(factory_for(demo_env, observer), CollectOptions(regions=[E1]))
    region = _region(snap, GUIDE, E1)
    inv = _inventory(snap, GUIDE, E1)
    assert "bedrock-agent:flow" not in inv
    assert "bedrock-agent:flow-alias" not in inv  # its parent kind is unknown
    assert len(inv["bedrock-agent:agent"]) == 2
    assert len(inv["bedrock-agent:prompt"]) == 1
    assert region.errors == [
        CallError(
            service="bedrock-agent",
            operation="ListFlows",
            region=E1,
            account_id=GUIDE,
            resource=None,
            error_code="AccessDeniedException",
            message="no flows for you",
        )
    ]


def test_one_agents_aliases_failing_leaves_the_alias_kind_unknown(
    demo_env: DemoEnvironment, snapshot: Snapshot, deny: Any
) -> None:
    refuse = deny("AccessDeniedException", "not this agent", 403)
    agents = _inventory(snapshot, GUIDE, E1)["bedrock-agent:agent"]
    [target] = [a for a in agents if a.name == "support-assistant"]

    def handler(params: Any = None, **kwargs: Any) -> Any:
        path = str((params or {}).get("url_path", ""))
        if path.startswith(f"/agents/{target.id}/"):
            return refuse(**kwargs)
        return None

    observer = on_calls("bedrock-agent", "ListAgentAliases", handler, E1)
    options = CollectOptions(regions=[E1], assume_roles=demo_env.org.assume_roles)
    snap = collect(factory_for(demo_env, observer), options)
    inv = _inventory(snap, GUIDE, E1)
    assert "bedrock-agent:agent-alias" not in inv
    assert len(inv["bedrock-agent:agent"]) == 2
    [error] = _region(snap, GUIDE, E1).errors
    assert (error.operation, error.error_code) == ("ListAgentAliases", "AccessDeniedException")
    assert error.resource == target.arn
    # the other accounts' aliases are still known
    assert _names(_inventory(snap, PLACEHOLDER, E1)["bedrock-agent:agent-alias"]) == [
        "AgentTestAlias",
        "v1",
    ]
    assert _inventory(snap, LAB, E1)["bedrock-agent:agent-alias"] == []


def test_malformed_page_is_an_error(demo_env: DemoEnvironment) -> None:
    def handler(**_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        http = AWSResponse(url="https://x.invalid/", status_code=200, headers={}, raw=None)
        return http, {"ResponseMetadata": {"HTTPStatusCode": 200}}

    observer = on_calls("bedrock-agent", "ListPrompts", handler, E1)
    snap = collect(factory_for(demo_env, observer), CollectOptions(regions=[E1]))
    assert "bedrock-agent:prompt" not in _inventory(snap, GUIDE, E1)
    [error] = _region(snap, GUIDE, E1).errors
    assert (error.operation, error.error_code) == ("ListPrompts", "MalformedResponse")


def test_every_listing_pages(demo_env: DemoEnvironment) -> None:
    """More than one page of every kind (AWS answers at most 10 summaries a page)."""
    client = assumer(boto3.Session(region_name=E1), None)(LAB).client(
        "bedrock-agent", region_name=PAGING_REGION
    )
    role = f"arn:aws:iam::{LAB}:role/paging"
    agent_ids = [
        client.create_agent(agentName=f"agent-{n}", agentResourceRoleArn=role)["agent"]["agentId"]
        for n in range(12)
    ]
    for n in range(11):
        client.create_agent_alias(agentId=agent_ids[0], agentAliasName=f"alias-{n}")
    flow_ids = [
        client.create_flow(name=f"flow-{n}", executionRoleArn=role)["id"] for n in range(11)
    ]
    for n in range(12):
        client.create_flow_alias(
            flowIdentifier=flow_ids[0],
            name=f"alias-{n}",
            routingConfiguration=[{"flowVersion": "1"}],
        )
    for n in range(13):
        client.create_prompt(name=f"prompt-{n}")
    storage = {
        "type": "RDS",
        "rdsConfiguration": {
            "resourceArn": "arn:aws:rds:eu-west-1:555566667777:cluster:kb",
            "credentialsSecretArn": "arn:aws:secretsmanager:eu-west-1:555566667777:secret:kb",
            "databaseName": "kb",
            "tableName": "kb",
            "fieldMapping": {
                "primaryKeyField": "id",
                "vectorField": "v",
                "textField": "t",
                "metadataField": "m",
            },
        },
    }
    for n in range(11):
        client.create_knowledge_base(
            name=f"kb-{n}",
            roleArn=role,
            knowledgeBaseConfiguration={"type": "VECTOR"},
            storageConfiguration=storage,
        )
    pages: dict[str, int] = {}

    def count(model: Any = None, **_: Any) -> None:
        pages[model.name] = pages.get(model.name, 0) + 1

    def observe(c: Any) -> None:
        if c.meta.service_model.service_name == "bedrock-agent":
            c.meta.events.register("before-call.bedrock-agent", count)

    recorder = OperationRecorder()
    snap = collect(
        factory_for(demo_env, all_observers(observe, recorder)),
        CollectOptions(regions=[PAGING_REGION], assume_roles=[demo_env.org.assume_roles[3]]),
    )
    inv = _inventory(snap, LAB, PAGING_REGION)
    assert len(inv["bedrock-agent:agent"]) == 12
    assert len(inv["bedrock-agent:agent-alias"]) == 12 + 11  # a test alias each, 11 more
    assert len(inv["bedrock-agent:knowledge-base"]) == 11
    assert len(inv["bedrock-agent:flow"]) == 11
    assert len(inv["bedrock-agent:flow-alias"]) == 12
    assert len(inv["bedrock-agent:prompt"]) == 13
    assert len({i.arn for items in inv.values() for i in items}) == sum(map(len, inv.values()))
    # the auditor's own (guide) account is scanned too: one empty page of each top kind
    assert pages["ListAgents"] == 2 + 1
    assert pages["ListAgentAliases"] == 11 + 2  # one page per agent, two for the first
    assert pages["ListKnowledgeBases"] == 1 + 1  # moto's own listing pages at 100
    assert pages["ListFlows"] == 2 + 1
    assert pages["ListFlowAliases"] == 10 + 2
    assert pages["ListPrompts"] == 2 + 1
    sent = {op for service, op in recorder.sent if service == "bedrock-agent"}
    details = {"GetAgent", "GetKnowledgeBase", "ListDataSources", "GetFlow", "GetPrompt"}
    assert sent == {KINDS_BY_KEY[k].operation for k in KEYS} | details


def test_a_region_without_bedrock_is_not_called() -> None:
    region = RegionSnapshot(region="ap-east-1")

    def no_clients(service: str, region_name: str) -> Any:
        raise AssertionError(f"{service} called in {region_name}")

    read_agents_inventory(no_clients, region, GUIDE)  # type: ignore[arg-type]
    assert region.inventory is None
    assert "lists no bedrock endpoint there" in region.services_not_offered["bedrock-agent"]
