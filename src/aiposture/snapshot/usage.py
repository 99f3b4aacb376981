"""Whether a region uses AI: the inventory and the usage metrics, read together.

Issue 16: a region is "AI in use" when any signal says so: an inventoried AI resource, or
a usage metric (:attr:`RegionSnapshot.usage`) with a positive total over the window. It is
"not in use" only when every signal was read and none says so; otherwise nobody can tell,
and a rule must not read "cannot tell" as "not in use" (that would be a false PASS).
"""

from __future__ import annotations

from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import RegionSnapshot


def inventory_has_resources(region: RegionSnapshot) -> bool:
    """Whether any kind of the region's inventory holds at least one resource."""
    return any(items for items in (region.inventory or {}).values())


def inventory_complete(region: RegionSnapshot) -> bool:
    """Whether every kind was listed (or its service is not offered in the region).

    A kind whose listing failed, or whose parent is unknown, has no key: the inventory is
    then incomplete. A service named in ``services_not_offered`` under its botocore
    service name counts as listed (it has none of these resources).
    """
    if region.inventory is None:
        return False
    return all(
        kind.key in region.inventory or kind.service in region.services_not_offered
        for kind in RESOURCE_KINDS
    )


def metrics_show_use(region: RegionSnapshot) -> bool:
    """Whether any usage metric of the region has a total above zero over the window."""
    return region.usage is not None and any(m.total > 0 for m in region.usage.metrics)


def ai_in_use(region: RegionSnapshot) -> bool | None:
    """Whether the region uses AI: ``True``, ``False``, or ``None`` when nobody can tell.

    ``True`` when any resource was inventoried or any usage metric total is above zero
    (a region with invocations but no resources is in use: quiet use, e.g. stolen keys
    invoking models). ``False`` only when the usage metrics were read and the inventory is
    complete, and neither shows anything. ``None`` otherwise: a signal that was not read
    (usage or part of the inventory failed, or an old snapshot without them) cannot say no.
    """
    if inventory_has_resources(region) or metrics_show_use(region):
        return True
    if region.usage is not None and inventory_complete(region):
        return False
    return None
