"""The Agents for Amazon Bedrock inventory through moto's HTTP server (AWS_ENDPOINT_URL).

A module of its own: the server and ``mock_aws()`` share moto's backends.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import DUMMY_CREDENTIALS, seeded_server
from aiposture.demo.moto_ext.bedrock_agent_inventory import TEST_ALIAS_ID

pytestmark = pytest.mark.integration

ACCOUNT = "123456789012"
"""moto's account for the dummy credentials."""
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/agents"


def _seed(session_for: Callable[[str], Any], endpoint: str) -> dict[str, str]:
    client = session_for(ACCOUNT).client("bedrock-agent", region_name=REGION, endpoint_url=endpoint)
    agent = client.create_agent(agentName="server-agent", agentResourceRoleArn=ROLE)["agent"]
    alias = client.create_agent_alias(agentId=agent["agentId"], agentAliasName="prod")["agentAlias"]
    flow = client.create_flow(name="server-flow", executionRoleArn=ROLE)
    flow_alias = client.create_flow_alias(
        flowIdentifier=flow["arn"], name="live", routingConfiguration=[{"flowVersion": "1"}]
    )
    for n in range(11):  # two pages of GET /prompts/, the token in the query string
        client.create_prompt(name=f"prompt-{n}")
    return {
        "agent": agent["agentArn"],
        "alias": alias["agentAliasArn"],
        "flow": flow["arn"],
        "flow_alias": flow_alias["arn"],
    }


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, dict[str, str]]]:
    with seeded_server(_seed, REGION) as found:
        yield found


def test_the_inventory_through_the_http_server(
    server: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint, arns = server
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    snap = collect(SessionFactory(), CollectOptions(regions=[REGION]))
    acct = snap.account(ACCOUNT)
    assert acct is not None
    region = acct.regions[REGION]
    assert [
        (e.operation, e.error_code) for e in region.errors if "bedrock-agent" in e.service
    ] == []
    inv = region.inventory
    assert inv is not None
    [agent] = inv["bedrock-agent:agent"]
    assert agent.arn == arns["agent"]
    assert sorted(a.arn for a in inv["bedrock-agent:agent-alias"]) == sorted(
        [arns["alias"], f"{arns['alias'].rsplit('/', 1)[0]}/{TEST_ALIAS_ID}"]
    )
    assert [f.arn for f in inv["bedrock-agent:flow"]] == [arns["flow"]]
    assert [(a.arn, a.parent_arn) for a in inv["bedrock-agent:flow-alias"]] == [
        (arns["flow_alias"], arns["flow"])
    ]
    assert sorted(p.name or "" for p in inv["bedrock-agent:prompt"]) == sorted(
        f"prompt-{n}" for n in range(11)
    )
    assert inv["bedrock-agent:knowledge-base"] == []
