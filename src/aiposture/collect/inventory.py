"""The inventory of AI resources in one region: every reader, and how a listing is recorded.

Each service's reader (:mod:`aiposture.collect.inventory_bedrock`,
:mod:`aiposture.collect.inventory_agents`, :mod:`aiposture.collect.inventory_agentcore`)
lists its kinds (:data:`aiposture.snapshot.inventory.RESOURCE_KINDS`) with
:func:`list_kind`; :mod:`aiposture.collect.usage` reads the signs of use. A listing that
fails leaves its kind out of :attr:`RegionSnapshot.inventory` and records the
:class:`~aiposture.snapshot.models.CallError`; a service the region does not offer is not
called and is named in :attr:`RegionSnapshot.services_not_offered`.
"""

from __future__ import annotations

from aiposture.collect.inventory_agentcore import read_agentcore_inventory
from aiposture.collect.inventory_agents import read_agents_inventory
from aiposture.collect.inventory_bedrock import (
    read_bedrock_inventory,
    read_data_automation_inventory,
)
from aiposture.collect.inventory_listing import Reader
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
"""Every service's inventory reader, in the order they run."""


def read_region_inventory(clients: UnitClients, region: RegionSnapshot, account_id: str) -> None:
    """Read the region's AI resources and signs of use with every reader.

    A kind is listed only when all of it was read: one failed page, or one parent whose
    children could not be listed (an agent whose aliases failed), or a parent kind that is
    itself unknown, leaves the kind out, so that "no key" always means "not known".
    """
    region.inventory = {}
    for reader in READERS:
        reader(clients, region, account_id)
    failed = {(e.service, e.operation) for e in region.errors}
    for kind in RESOURCE_KINDS:
        unknown_parent = kind.parent is not None and kind.parent not in region.inventory
        if (kind.service, kind.operation) in failed or unknown_parent:
            region.inventory.pop(kind.key, None)
