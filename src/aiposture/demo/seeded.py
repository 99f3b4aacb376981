"""What the demo seeded, read back: an account's AI resources in a region, by data-event type.

The guide account's trail names its real resources (:func:`aiposture.demo.selectors.
guide_account_selectors`), and AWS (moto) gives most of them random ids. So the seeding
reads back, after it has created them, what the scanner will find: the same inventory
readers the scan runs (:mod:`aiposture.collect.inventory`), through the seeding account's
plain clients, and each ARN in the form CloudTrail records
(:func:`aiposture.rules.support.inventory.cloudtrail_arn`).
"""

from __future__ import annotations

from typing import Any

from aiposture.collect.inventory_agentcore import read_agentcore_inventory
from aiposture.collect.inventory_agents import read_agents_inventory
from aiposture.collect.inventory_bedrock import (
    read_bedrock_inventory,
    read_data_automation_inventory,
)
from aiposture.collect.inventory_listing import Reader
from aiposture.collect.session import UnitClients
from aiposture.demo.writers import AccountWriter
from aiposture.rules.support.inventory import cloudtrail_arn
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import RegionSnapshot

INVENTORY_READERS: tuple[Reader, ...] = (
    read_agents_inventory,
    read_bedrock_inventory,
    read_data_automation_inventory,
    read_agentcore_inventory,
)
"""The scan's inventory readers (:data:`aiposture.collect.inventory.READERS` less usage)."""


class _SeedingClients(UnitClients):
    """The readers' client source, backed by the seeding account's own (unguarded) clients."""

    def __init__(self, acct: AccountWriter) -> None:
        # No SessionFactory (UnitClients.__init__): the seeding's own clients are used.
        self._acct = acct

    def __call__(self, service: str, region: str) -> Any:
        """The seeding account's client of ``service`` in ``region``."""
        return self._acct.client(service, region)


def seeded_arns(acct: AccountWriter, region: str) -> dict[str, list[str]]:
    """The account's inventoried AI resources in ``region``: data-event type -> ARNs.

    The ARNs are the CloudTrail forms of what the scan's readers list, in listing order;
    kinds with no data-event type (agents, flows, gateway targets...) are left out. A
    listing that fails here is a broken demo, not an unknown: it raises.
    """
    snapshot = RegionSnapshot(region=region)
    for reader in INVENTORY_READERS:
        reader(_SeedingClients(acct), snapshot, acct.account_id)
    if snapshot.errors:
        failed = "; ".join(f"{e.service}:{e.operation}: {e.message}" for e in snapshot.errors)
        raise RuntimeError(f"the demo cannot read back {acct.account_id}'s {region}: {failed}")
    found: dict[str, list[str]] = {}
    for kind in RESOURCE_KINDS:
        if kind.data_event_type is None:
            continue
        for item in (snapshot.inventory or {}).get(kind.key, []):
            found.setdefault(kind.data_event_type, []).append(cloudtrail_arn(item.arn))
    return found
