"""The readers of a region run side by side, yet the region is what a sequential read writes."""

from __future__ import annotations

import time
from typing import Any

from aiposture.collect.inventory import READERS, read_region_inventory
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import RegionSnapshot
from tests.collect.test_inventory_bedrock import ACCOUNT, E1, Clients, _guardrails, aws

__all__ = ["aws"]  # the fixture, imported for these tests


def _sequential(clients: Clients) -> RegionSnapshot:
    """The region as the readers wrote it one after the other (before they ran side by side)."""
    reg = RegionSnapshot(region=E1, inventory={})
    for reader in READERS:
        reader(clients, reg, ACCOUNT)  # type: ignore[arg-type]
    failed = {(e.service, e.operation) for e in reg.errors}
    assert reg.inventory is not None
    for kind in RESOURCE_KINDS:
        if (kind.service, kind.operation) in failed or (
            kind.parent is not None and kind.parent not in reg.inventory
        ):
            reg.inventory.pop(kind.key, None)
    return reg


def _failing_clients(deny: Any) -> Clients:
    """Failures in four readers; the first reader is slow, so it finishes last."""
    clients = Clients()
    refuse = deny("AccessDeniedException", "no agents")

    def slow_refusal(**kwargs: Any) -> Any:
        time.sleep(0.3)
        return refuse(**kwargs)

    clients.handlers["ListAgents"] = slow_refusal
    clients.handlers["ListBlueprints"] = deny("AccessDeniedException", "no blueprints")
    clients.handlers["ListMemories"] = deny("AccessDeniedException", "no memories")
    clients.handlers["ListMetrics"] = deny("AccessDenied", "no metrics")
    return clients


def test_the_region_keeps_errors_and_kinds_in_reader_order_whatever_finishes_first(
    aws: None, deny: Any
) -> None:
    _guardrails(2)
    concurrent = RegionSnapshot(region=E1)
    read_region_inventory(_failing_clients(deny), concurrent, ACCOUNT)  # type: ignore[arg-type]
    sequential = _sequential(_failing_clients(deny))

    assert [(e.service, e.operation) for e in concurrent.errors] == [
        ("bedrock-agent", "ListAgents"),
        ("bedrock-data-automation", "ListBlueprints"),
        ("bedrock-agentcore-control", "ListMemories"),
        ("cloudwatch", "ListMetrics"),
    ]
    assert concurrent.usage is None  # not read: never "no use"
    inventory = concurrent.inventory or {}
    assert len(inventory["bedrock:guardrail"]) == 2
    assert "bedrock-agent:agent" not in inventory and "bedrock-agent:agent-alias" not in inventory
    assert concurrent.model_dump_json() == sequential.model_dump_json()  # same order too
