"""How one inventory listing is recorded: the service check and :func:`list_kind`.

Every reader (:mod:`aiposture.collect.inventory_bedrock`,
:mod:`aiposture.collect.inventory_agents`, :mod:`aiposture.collect.inventory_agentcore`)
lists its kinds with :func:`list_kind`, so a failed listing is a
:class:`~aiposture.snapshot.models.CallError` and its kind is left out of
:attr:`~aiposture.snapshot.models.RegionSnapshot.inventory` (unknown, never "none").
:mod:`aiposture.collect.inventory` runs the readers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from botocore import xform_name

from aiposture.collect.partitions import botocore_version, not_offered_reason, service_offered
from aiposture.collect.recorder import record_call
from aiposture.collect.responses import MalformedResponse
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


def offered_with_bedrock(region: RegionSnapshot, service: str, product: str) -> bool:
    """Whether to call ``service`` (part of Bedrock) here; if not, say why in the snapshot.

    botocore's endpoint data describes neither Agents, AgentCore nor Data Automation
    everywhere, so each also needs a ``bedrock`` endpoint in the region.
    """
    if not offered(region, service):
        return False
    if service_offered("bedrock", region.region):
        return True
    region.services_not_offered[service] = (
        f"{service} is not offered in {region.region}: {product} is part of Bedrock, and the "
        f"endpoint data of botocore {botocore_version()} lists no bedrock endpoint there"
    )
    return False


def no_children_is_none(
    region: RegionSnapshot, parents: list[InventoryItem] | None, child: ResourceKind
) -> None:
    """A known parent kind with no parents has no children: an empty list, not "unknown"."""
    if parents is not None and region.inventory is not None:
        region.inventory.setdefault(child.key, [])


def summaries(
    client: Any, kind: ResourceKind, result_key: str, page_size: int, **params: Any
) -> Iterator[dict[str, Any]]:
    """Every summary of the kind's listing, page by page; a page without its list is malformed."""
    paginator = client.get_paginator(xform_name(kind.operation))
    for page in paginator.paginate(PaginationConfig={"PageSize": page_size}, **params):
        items = page.get(result_key)
        if not isinstance(items, list):
            raise MalformedResponse(
                service=kind.service,
                operation=kind.operation,
                reason=f"the answer lacks {result_key}, which it always carries",
            )
        yield from items


def required(kind: ResourceKind, item: dict[str, Any], member: str) -> str:
    """The summary's non-empty string ``member``; its absence makes the answer malformed."""
    value = item.get(member)
    if not isinstance(value, str) or not value:
        raise MalformedResponse(
            service=kind.service,
            operation=kind.operation,
            reason=f"a summary lacks {member}, which the model requires",
        )
    return value
