"""What the snapshot's inventory says about the resources of one data-event type in one place.

A fix plan writes selectors with the exact ARNs of the inventoried resources (issue 16),
so it must know, per account and region, whether the list it has is the whole list: a
kind whose listing failed has no key in :attr:`RegionSnapshot.inventory`, a type with no
listing API (bedrock-mantle, sessions, tools...) has no kind at all, and a snapshot written
before the inventory has none. In each of those cases the ARNs are not all known and the
plan logs the type's account-and-region prefix instead: a real prefix, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiposture.rules.support.inventory import cloudtrail_arn
from aiposture.snapshot.inventory import KINDS_BY_TYPE
from aiposture.snapshot.models import Snapshot


@dataclass(frozen=True)
class Listed:
    """The inventoried resources of one data-event type in one account and region."""

    read: bool
    """Whether the region's inventory was read at all (``False``: an older snapshot)."""
    arns: tuple[str, ...] | None
    """Every inventoried ARN of the type as CloudTrail records it (``acps`` credential
    providers under ``bedrock-agentcore``, as the data-event checks judge them), or ``None``
    when the list may be incomplete: the type has no listing API, a listing failed, or the
    inventory was not read."""
    why_incomplete: str = ""
    """Why ``arns`` is ``None``, as a clause ("no API lists them")."""


def listed(snapshot: Snapshot, account_id: str, region: str, resource_type: str) -> Listed:
    """The inventoried ARNs of ``resource_type`` in ``account_id``/``region``."""
    acct = snapshot.account(account_id)
    reg = acct.regions.get(region) if acct is not None else None
    if reg is None or reg.inventory is None:
        return Listed(False, None, f"the inventory of {account_id} in {region} was not read")
    kinds = KINDS_BY_TYPE.get(resource_type, ())
    if not kinds:
        return Listed(True, None, f"no API lists {resource_type} resources")
    arns: list[str] = []
    for kind in kinds:
        items = reg.inventory.get(kind.key)
        if items is None:
            if kind.service in reg.services_not_offered:
                continue
            return Listed(
                True, None, f"the listing of {kind.label}s in {account_id}/{region} failed"
            )
        arns.extend(cloudtrail_arn(i.arn) for i in items)
    return Listed(True, tuple(dict.fromkeys(arns)))
