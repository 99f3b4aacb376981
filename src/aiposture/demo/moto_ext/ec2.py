"""EC2: DescribeRegions within the caller's partition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiposture.demo.moto_ext.common import patch

__all__ = ["patch_ec2"]


def patch_ec2() -> None:
    """EC2 DescribeRegions within the caller's partition.

    EC2 DescribeRegions lists the regions of the caller's partition only (EC2 API
    Reference, DescribeRegions: "Describes the Regions that are enabled for your account";
    a partition's endpoints know only its own regions). moto mixes in China and GovCloud.
    """
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend
    from moto.utilities.utils import get_partition

    original: Callable[..., list[Any]] = RegionsAndZonesBackend.describe_regions

    def describe_regions(self: Any, region_names: list[str] | None = None) -> list[Any]:
        partition = get_partition(self.region_name)
        regions = original(self, region_names)
        return [r for r in regions if get_partition(r.name) == partition]

    patch(RegionsAndZonesBackend, "describe_regions", describe_regions)
