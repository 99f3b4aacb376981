"""EC2: the regions enabled for the account (DescribeRegions)."""

from __future__ import annotations

from typing import Any

ENABLED_OPT_IN_STATUSES = frozenset({"opt-in-not-required", "opted-in"})
"""``OptInStatus`` values of a region the account can use."""


def enabled_regions(client: Any) -> list[str]:
    """Return the sorted names of the regions enabled for the account (raises on failure)."""
    resp = client.describe_regions(AllRegions=True)
    return sorted(
        str(region["RegionName"])
        for region in resp.get("Regions", [])
        if region.get("OptInStatus", "opt-in-not-required") in ENABLED_OPT_IN_STATUSES
    )
