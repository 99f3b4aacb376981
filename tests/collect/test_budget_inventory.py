"""The minimum-call budget of the AI inventory and the usage signals (hand-built snapshots)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from aiposture.collect.budget import inventory_page_size, minimum_calls
from aiposture.collect.usage import MAX_QUERIES, USAGE_METRICS
from aiposture.snapshot.inventory import KINDS_BY_KEY, RESOURCE_KINDS
from aiposture.snapshot.models import CallError, InventoryItem, MetricUse, RegionSnapshot, Usage
from tests.collect.test_budget import OWN, R1, _account, _empty_region, _snapshot

NOW = datetime(2026, 1, 1, tzinfo=UTC)
AGENT = KINDS_BY_KEY["bedrock-agent:agent"]
ALIAS = KINDS_BY_KEY["bedrock-agent:agent-alias"]
GATEWAY = KINDS_BY_KEY["bedrock-agentcore-control:gateway"]
TARGET = KINDS_BY_KEY["bedrock-agentcore-control:gateway-target"]
IDENTITY = KINDS_BY_KEY["bedrock-agentcore-control:workload-identity"]
AGENTCORE = "bedrock-agentcore-control"


def _item(i: int, kind: str = "agent", parent: str | None = None) -> InventoryItem:
    return InventoryItem(arn=f"arn:aws:bedrock:{R1}:{OWN}:{kind}/{i}", id=str(i), parent_arn=parent)


def _region(
    inventory: dict[str, list[InventoryItem]] | None = None,
    metrics: list[MetricUse] | None = None,
) -> RegionSnapshot:
    """A region read completely: every kind listed (empty unless given), usage read."""
    reg = _empty_region(R1)
    reg.inventory = {k.key: [] for k in RESOURCE_KINDS} | (inventory or {})
    reg.usage = Usage(window_days=30, start=NOW, end=NOW, metrics=metrics or [])
    return reg


def _calls(reg: RegionSnapshot) -> Counter[str]:
    return minimum_calls(_snapshot(_account(OWN, [reg])))


def _kind_calls(calls: Counter[str], key: str) -> int:
    kind = KINDS_BY_KEY[key]
    return calls[f"{kind.service}:{kind.operation}"]


def _metric(namespace: str, i: int) -> MetricUse:
    return MetricUse(namespace=namespace, metric="Invocations", dimensions={"M": str(i)}, total=1)


def test_an_empty_region_costs_one_listing_per_top_level_kind_and_one_list_metrics_per_namespace() -> (
    None
):
    calls = _calls(_region())
    for kind in RESOURCE_KINDS:
        expected = 0 if kind.parent else 1  # no agent, gateway...: no child listing
        assert _kind_calls(calls, kind.key) == expected, kind.key
    assert calls["cloudwatch:ListMetrics"] == len(USAGE_METRICS) == 3
    assert calls["cloudwatch:GetMetricData"] == 0  # no metric found: nothing to sum
    before_inventory = _calls(_empty_region(R1))  # a snapshot written before issue 16
    assert sum(calls.values()) - sum(before_inventory.values()) == 22 + 3


def test_child_kinds_are_listed_once_per_parent_with_their_own_pages() -> None:
    agents = [_item(i) for i in range(3)]
    aliases = [_item(j, "agent-alias", agents[0].arn) for j in range(11)]  # 2 pages of 10
    aliases += [_item(99, "agent-alias", agents[1].arn)]  # agents[2] has none: still listed
    calls = _calls(_region({AGENT.key: agents, ALIAS.key: aliases}))
    assert inventory_page_size(ALIAS) == 10  # bedrock-agent caps agentAliasSummaries at 10
    assert _kind_calls(calls, ALIAS.key) == 2 + 1 + 1
    assert _kind_calls(calls, AGENT.key) == 1


def test_top_level_listings_page_at_the_smaller_of_max_results_and_the_models_cap() -> None:
    assert inventory_page_size(IDENTITY) == 20
    assert inventory_page_size(GATEWAY) == 1000
    assert inventory_page_size(AGENT) == 10
    for n, expected in ((0, 1), (20, 1), (21, 2), (41, 3)):
        items = [_item(i, "workload-identity") for i in range(n)]
        calls = _calls(_region({IDENTITY.key: items}))
        assert _kind_calls(calls, IDENTITY.key) == expected
    calls = _calls(_region({AGENT.key: [_item(i) for i in range(11)]}))
    assert _kind_calls(calls, AGENT.key) == 2
    assert _kind_calls(calls, ALIAS.key) == 11  # every agent's aliases listed


def test_failed_listings_count_once_and_an_unknown_parent_costs_no_child_listing() -> None:
    reg = _region()
    assert reg.inventory is not None
    del reg.inventory[GATEWAY.key], reg.inventory[TARGET.key]  # ListGateways failed
    reg.inventory[AGENT.key] = [_item(i) for i in range(4)]
    del reg.inventory[ALIAS.key]  # one agent's ListAgentAliases failed: kind unknown
    reg.errors = [
        CallError(service=AGENTCORE, operation="ListGateways", error_code="X", message=""),
        CallError(
            service="bedrock-agent",
            operation="ListAgentAliases",
            resource=_item(2).arn,
            error_code="X",
            message="",
        ),
    ]
    calls = _calls(reg)
    assert _kind_calls(calls, GATEWAY.key) == 1
    assert _kind_calls(calls, TARGET.key) == 0
    assert _kind_calls(calls, ALIAS.key) == 4  # each agent's listing was still sent


def test_a_service_the_region_does_not_offer_costs_nothing() -> None:
    reg = _region()
    assert reg.inventory is not None
    for kind in RESOURCE_KINDS:
        if kind.service == AGENTCORE:
            del reg.inventory[kind.key]
    reg.services_not_offered[AGENTCORE] = "not offered"
    calls = _calls(reg)
    assert not [k for k, n in calls.items() if k.startswith(AGENTCORE) and n]
    assert _kind_calls(calls, AGENT.key) == 1


def test_usage_costs_list_metrics_pages_per_namespace_and_one_get_metric_data_per_batch() -> None:
    bedrock = [_metric("AWS/Bedrock", i) for i in range(501)]  # 2 pages of 500
    agentcore = [_metric("Bedrock-AgentCore", i) for i in range(MAX_QUERIES)]
    calls = _calls(_region(metrics=bedrock + agentcore))
    assert calls["cloudwatch:ListMetrics"] == 2 + 1 + 1
    assert calls["cloudwatch:GetMetricData"] == 3  # 1,001 metrics: batches of 500

    failed_list = _region()
    failed_list.usage = None
    failed_list.errors = [
        CallError(service="cloudwatch", operation="ListMetrics", error_code="X", message="")
    ]
    calls = _calls(failed_list)
    assert (calls["cloudwatch:ListMetrics"], calls["cloudwatch:GetMetricData"]) == (1, 0)

    failed_sum = _region()
    failed_sum.usage = None
    failed_sum.errors = [
        CallError(service="cloudwatch", operation="GetMetricData", error_code="X", message="")
    ]
    calls = _calls(failed_sum)
    assert (calls["cloudwatch:ListMetrics"], calls["cloudwatch:GetMetricData"]) == (3, 1)
