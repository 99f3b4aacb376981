"""The minimum-call budget of each AI resource's own configuration (inventory details)."""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.collect.budget import minimum_calls
from aiposture.collect.scan import collect
from aiposture.demo.environment import DemoEnvironment
from aiposture.snapshot.inventory import DETAIL_OPERATIONS, KINDS_BY_KEY
from aiposture.snapshot.models import CallError, InventoryItem
from tests.collect.helpers import CallCounter, factory_for
from tests.collect.test_budget import OWN, R1, _account, _snapshot
from tests.collect.test_budget_inventory import _region

KB = "bedrock-agent:knowledge-base"


def _item(i: int, details: dict[str, Any] | None) -> InventoryItem:
    return InventoryItem(
        arn=f"arn:aws:bedrock:{R1}:{OWN}:knowledge-base/{i}", id=str(i), details=details
    )


def _failed(operation: str, item: InventoryItem) -> CallError:
    return CallError(
        service="bedrock-agent",
        operation=operation,
        region=R1,
        account_id=OWN,
        resource=item.arn,
        error_code="ThrottlingException",
        message="slow down",
    )


def test_each_listed_item_costs_its_get_and_a_knowledge_base_its_data_sources() -> None:
    sources = {"knowledgeBase": {}, "dataSources": [{"dataSourceId": "a"}, {"dataSourceId": "b"}]}
    guardrails = [InventoryItem(arn=f"arn:g/{i}", id=str(i), details={}) for i in range(3)]
    reg = _region(
        {KB: [_item(1, sources), _item(2, {"dataSources": []})], "bedrock:guardrail": guardrails}
    )
    calls = minimum_calls(_snapshot(_account(OWN, [reg])))
    assert calls["bedrock:GetGuardrail"] == 3
    assert calls["bedrock-agent:GetKnowledgeBase"] == 2
    assert calls["bedrock-agent:ListDataSources"] == 2  # one page each
    assert calls["bedrock-agent:GetDataSource"] == 2
    assert calls["bedrock-agent:GetAgent"] == 0  # no agent listed


def test_an_unread_knowledge_base_costs_the_calls_up_to_the_one_that_failed() -> None:
    kb_failed, list_failed, source_failed = _item(1, None), _item(2, None), _item(3, None)
    reg = _region({KB: [kb_failed, list_failed, source_failed]})
    reg.errors = [
        _failed("GetKnowledgeBase", kb_failed),
        _failed("ListDataSources", list_failed),
        _failed("GetDataSource", source_failed),
    ]
    calls = minimum_calls(_snapshot(_account(OWN, [reg])))
    assert calls["bedrock-agent:GetKnowledgeBase"] == 3
    assert calls["bedrock-agent:ListDataSources"] == 2
    assert calls["bedrock-agent:GetDataSource"] == 1


@pytest.mark.integration
def test_a_demo_scan_sends_exactly_the_detail_budget(demo_env: DemoEnvironment) -> None:
    count = CallCounter()
    snapshot = collect(factory_for(demo_env, count), demo_env.options)
    sent = count.sent
    budget = minimum_calls(snapshot)
    detailed = {f"{KINDS_BY_KEY[k].service}:{op}" for k, op in DETAIL_OPERATIONS.items()}
    detailed |= {"bedrock-agent:ListDataSources", "bedrock-agent:GetDataSource"}
    assert {k: sent[k] for k in detailed} == {k: budget[k] for k in detailed}
    assert all(sent[k] > 0 for k in detailed)
