"""How one inventory listing is recorded: the service check and :func:`list_kind`.

Every reader (:mod:`aiposture.collect.inventory_bedrock`,
:mod:`aiposture.collect.inventory_agents`, :mod:`aiposture.collect.inventory_agentcore`)
lists its kinds with :func:`list_kind`, so a failed listing is a
:class:`~aiposture.snapshot.models.CallError` and its kind is left out of
:attr:`~aiposture.snapshot.models.RegionSnapshot.inventory` (unknown, never "none").
:mod:`aiposture.collect.inventory` runs the readers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aiposture.collect.partitions import not_offered_reason, service_offered
from aiposture.collect.recorder import record_call
from aiposture.collect.session import UnitClients
from aiposture.snapshot.inventory import ResourceKind
from aiposture.snapshot.models import InventoryItem, RegionSnapshot

Reader = Callable[[UnitClients, RegionSnapshot, str], None]
"""A service's inventory reader: fills ``region.inventory`` (and ``region.errors``)."""


def offered(region: RegionSnapshot, service: str) -> bool:
    """Whether ``service`` is offered in the region; if not, say so in the snapshot."""
    if service_offered(service, region.region):
        return True
    region.services_not_offered[service] = not_offered_reason(service, region.region)
    return False


def list_kind(
    clients: UnitClients,
    region: RegionSnapshot,
    account_id: str,
    kind: ResourceKind,
    listing: Callable[[Any], Iterable[InventoryItem]],
    *,
    resource: str | None = None,
) -> list[InventoryItem] | None:
    """Run ``listing`` on the kind's client; add what it found under ``kind.key``.

    ``resource`` names the parent of a child kind's listing (recorded with a failure).
    Returns the items, or ``None`` when the call failed (the kind then has no key, so its
    resources are unknown, never "none").
    """
    client = clients(kind.service, region.region)
    found = record_call(
        region.errors,
        lambda: list(listing(client)),
        service=kind.service,
        operation=kind.operation,
        region=region.region,
        account_id=account_id,
        resource=resource,
    )
    if found is None:
        return None
    if region.inventory is None:
        region.inventory = {}
    region.inventory.setdefault(kind.key, []).extend(found)
    return found
