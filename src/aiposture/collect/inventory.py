"""The inventory of AI resources in one region: every reader, and how a listing is recorded.

Each service's reader (:mod:`aiposture.collect.inventory_bedrock`,
:mod:`aiposture.collect.inventory_agents`, :mod:`aiposture.collect.inventory_agentcore`)
lists its kinds (:data:`aiposture.snapshot.inventory.RESOURCE_KINDS`) with
:func:`list_kind`; :mod:`aiposture.collect.usage` reads the signs of use. A listing that
fails leaves its kind out of :attr:`RegionSnapshot.inventory` and records the
:class:`~aiposture.snapshot.models.CallError`; a service the region does not offer is not
called and is named in :attr:`RegionSnapshot.services_not_offered`.

The readers of one region run side by side (:func:`start_region_inventory`), next to the
rest of the region's unit (:func:`aiposture.collect.account.read_region`): each reader
calls its own service, one listing after the other, so no API of the account sees more
than one request of the unit at a time. Each reader writes into a region of its own, and
:func:`finish_region_inventory` keeps their findings in :data:`READERS` order after the
unit's other reads: the snapshot is the one a sequential scan writes, to the order of its
errors. Only the time a scan takes changes (a throttled listing's back-off, or a slow
service, no longer holds up the others).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from aiposture.collect import inventory_agentcore, inventory_agents, inventory_bedrock, usage
from aiposture.collect.inventory_agentcore import read_agentcore_inventory
from aiposture.collect.inventory_agents import read_agents_inventory
from aiposture.collect.inventory_bedrock import (
    read_bedrock_inventory,
    read_data_automation_inventory,
)
from aiposture.collect.inventory_listing import Reader
from aiposture.collect.partitions import service_offered
from aiposture.collect.session import UnitClients
from aiposture.collect.usage import read_region_usage
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import RegionSnapshot

READERS: tuple[Reader, ...] = (
    read_agents_inventory,
    read_bedrock_inventory,
    read_data_automation_inventory,
    read_agentcore_inventory,
    read_region_usage,
)
"""Every service's inventory reader, in the order their findings are kept."""

BEDROCK = inventory_bedrock.SERVICE
BEDROCK_FAMILY = (
    inventory_agents.SERVICE,
    inventory_bedrock.SERVICE,
    inventory_bedrock.DATA_AUTOMATION,
    inventory_agentcore.SERVICE,
)
"""The services of the readers other than usage (CloudWatch)."""

MAX_CONCURRENT_READERS = 48
"""The most readers running at once in this process, across every unit of every scan."""

_POOL = ThreadPoolExecutor(MAX_CONCURRENT_READERS, thread_name_prefix="aiposture-inventory")


@dataclass(frozen=True)
class PendingInventory:
    """The readers of one region, started by :func:`start_region_inventory`."""

    parts: tuple[RegionSnapshot, ...]
    """What each reader found, in :data:`READERS` order (its own region, not yet kept)."""
    futures: tuple[Future[None], ...]


def start_region_inventory(clients: UnitClients, region: str, account_id: str) -> PendingInventory:
    """Start every reader of ``region``; :func:`finish_region_inventory` keeps what they read.

    The readers' clients are created here, in the unit's thread (a boto3 session is not
    thread-safe, and the unit reads Bedrock and CloudWatch with the same clients); the
    readers only send calls on them, which botocore clients allow from any thread.
    """
    clients(usage.SERVICE, region)
    if service_offered(BEDROCK, region):  # every other reader needs Bedrock in the region
        for service in BEDROCK_FAMILY:
            clients(service, region)
    parts = tuple(RegionSnapshot(region=region, inventory={}) for _ in READERS)
    futures = tuple(
        _POOL.submit(reader, clients, part, account_id)
        for reader, part in zip(READERS, parts, strict=True)
    )
    return PendingInventory(parts=parts, futures=futures)


def finish_region_inventory(region: RegionSnapshot, pending: PendingInventory) -> None:
    """Wait for the readers; add their findings, errors and services not offered to ``region``.

    A kind is listed only when all of it was read: one failed page, or one parent whose
    children could not be listed (an agent whose aliases failed), or a parent kind that is
    itself unknown, leaves the kind out, so that "no key" always means "not known". An
    exception a reader did not record (a bug, or the scan being cancelled) is raised here,
    once every reader has stopped.
    """
    wait(pending.futures)
    region.inventory = {}
    for future, part in zip(pending.futures, pending.parts, strict=True):
        future.result()
        region.errors.extend(part.errors)
        region.inventory.update(part.inventory or {})
        region.services_not_offered.update(part.services_not_offered)
        if part.usage is not None:
            region.usage = part.usage
    failed = {(e.service, e.operation) for e in region.errors}
    for kind in RESOURCE_KINDS:
        unknown_parent = kind.parent is not None and kind.parent not in region.inventory
        if (kind.service, kind.operation) in failed or unknown_parent:
            region.inventory.pop(kind.key, None)


def read_region_inventory(clients: UnitClients, region: RegionSnapshot, account_id: str) -> None:
    """Read the region's AI resources and signs of use with every reader, and keep them."""
    finish_region_inventory(region, start_region_inventory(clients, region.region, account_id))
