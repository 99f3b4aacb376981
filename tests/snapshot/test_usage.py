"""Whether a region uses AI: any signal says yes; no only when every signal was read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import (
    InventoryItem,
    InvocationLogging,
    MetricUse,
    RegionSnapshot,
    Usage,
)
from aiposture.snapshot.usage import (
    ai_in_use,
    inventory_complete,
    inventory_has_resources,
    metrics_show_use,
)

START, END = datetime(2026, 11, 4, tzinfo=UTC), datetime(2026, 12, 4, tzinfo=UTC)
KIND = RESOURCE_KINDS[0].key


def usage(*totals: float) -> Usage:
    metrics = [
        MetricUse(
            namespace="AWS/Bedrock", metric="Invocations", dimensions={"ModelId": str(i)}, total=t
        )
        for i, t in enumerate(totals)
    ]
    return Usage(window_days=30, start=START, end=END, metrics=metrics)


def full_inventory(**items: list[InventoryItem]) -> dict[str, list[InventoryItem]]:
    inventory: dict[str, list[InventoryItem]] = {kind.key: [] for kind in RESOURCE_KINDS}
    inventory.update(items)
    return inventory


def item() -> InventoryItem:
    return InventoryItem(
        arn="arn:aws:bedrock:us-east-1:111122223333:agent/AGENT12345", id="AGENT12345"
    )


def region(**fields: object) -> RegionSnapshot:
    return RegionSnapshot.model_validate({"region": "us-east-1", **fields})


def test_a_resource_means_in_use_even_when_usage_is_unread() -> None:
    reg = region(inventory={KIND: [item()]})
    assert inventory_has_resources(reg)
    assert ai_in_use(reg) is True


def test_quiet_use_invocations_without_resources() -> None:
    reg = region(inventory=full_inventory(), usage=usage(0, 2400))
    assert not inventory_has_resources(reg)
    assert metrics_show_use(reg)
    assert ai_in_use(reg) is True


def test_metrics_alone_say_yes_even_with_the_inventory_unknown() -> None:
    assert ai_in_use(region(usage=usage(1))) is True


OFF = InvocationLogging(config={})
"""Invocation logging read, and not configured."""
ON = InvocationLogging(config={"cloudWatchConfig": {"logGroupName": "bedrock-invocations"}})


def test_not_in_use_only_when_every_signal_was_read() -> None:
    reg = region(inventory=full_inventory(), usage=usage(0, 0), invocation_logging=OFF)
    assert inventory_complete(reg)
    assert ai_in_use(reg) is False
    assert (
        ai_in_use(region(inventory=full_inventory(), usage=usage(), invocation_logging=OFF))
        is False
    )


def test_configured_invocation_logging_is_a_sign_of_use() -> None:
    reg = region(inventory=full_inventory(), usage=usage(0), invocation_logging=ON)
    assert ai_in_use(reg) is True


def test_unread_invocation_logging_cannot_say_no() -> None:
    # Everything else read and empty, GetModelInvocationLoggingConfiguration failed.
    assert ai_in_use(region(inventory=full_inventory(), usage=usage(0))) is None


@pytest.mark.parametrize(
    "fields",
    [
        {},  # an old snapshot: neither signal read
        {"usage": usage(0)},  # the inventory not read
        {"inventory": full_inventory()},  # the usage metrics not read (a failed call)
        {"inventory": {KIND: []}, "usage": usage(0)},  # kinds whose listing failed
    ],
)
def test_cannot_tell_when_a_signal_is_missing_and_none_says_yes(fields: dict[str, object]) -> None:
    assert ai_in_use(region(**fields)) is None


def test_a_service_not_offered_counts_as_listed() -> None:
    service = RESOURCE_KINDS[0].service
    inventory = {k.key: [] for k in RESOURCE_KINDS if k.service != service}
    reg = region(
        inventory=inventory,
        usage=usage(),
        invocation_logging=OFF,
        services_not_offered={service: "not in this region"},
    )
    assert inventory_complete(reg)
    assert ai_in_use(reg) is False


def test_bedrock_not_offered_needs_no_invocation_logging() -> None:
    # Where Bedrock is not offered the collector does not ask for the logging configuration.
    inventory = {k.key: [] for k in RESOURCE_KINDS if k.service != "bedrock"}
    reg = region(inventory=inventory, usage=usage(), services_not_offered={"bedrock": "no"})
    assert ai_in_use(reg) is False
