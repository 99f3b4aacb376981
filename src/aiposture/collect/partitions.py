"""AWS partitions and the regions and services in each, from the installed botocore's data.

botocore ships ``endpoints.json``: per partition (``aws``, ``aws-cn``, ``aws-us-gov``,
...) its regions and, per service, the regions that service has an endpoint in. It is the
only source used here, so a region or service AWS launched after the installed botocore
is unknown until botocore is upgraded (the messages name the botocore version).

- :func:`partition_of_region`: the partition a region belongs to, as botocore resolves
  it (``botocore.session.Session.get_partition_for_region``).
- :func:`partition_regions`: the regions of a partition (``--regions`` is checked
  against them, :func:`check_regions`).
- :func:`global_region`: the region aiposture uses for calls that are not regional in
  a partition when no configured region of that partition applies: the signing region
  of Organizations' global endpoint in that partition.
- :func:`service_offered`: whether a service is offered in a region.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, cast

import botocore
from botocore.exceptions import UnknownRegionError

from aiposture.collect.botocore_data import data_session
from aiposture.errors import ConfigError

DEFAULT_PARTITION = "aws"
"""The partition assumed when no region is configured (botocore does the same)."""

_LOCK = threading.Lock()


@cache
def _endpoints() -> Mapping[str, Any]:
    with _LOCK:
        loader = data_session().get_component("data_loader")
        return cast(Mapping[str, Any], loader.load_data("endpoints"))


def _partition_data(partition: str) -> Mapping[str, Any] | None:
    for data in _endpoints()["partitions"]:
        if data["partition"] == partition:
            return cast(Mapping[str, Any], data)
    return None


def botocore_version() -> str:
    """The version of the installed botocore, whose endpoint data is used."""
    return str(botocore.__version__)


def partition_of_region(region: str) -> str:
    """Return the partition of ``region`` as botocore resolves it.

    botocore matches the region against each partition's region list, then against each
    partition's ``regionRegex``, and answers ``aws`` for a name no partition claims.
    """
    try:
        with _LOCK:
            return str(data_session().get_partition_for_region(region))
    except UnknownRegionError:
        return DEFAULT_PARTITION


def partition_regions(partition: str) -> list[str]:
    """The regions of ``partition`` in botocore's endpoint data, sorted (``[]`` if unknown)."""
    data = _partition_data(partition)
    return sorted(str(r) for r in data["regions"]) if data is not None else []


def global_region(partition: str) -> str:
    """The region for calls that have no regional endpoint in ``partition``.

    That is the signing region of Organizations' global endpoint in the partition's data
    (``us-east-1`` in ``aws``, ``cn-northwest-1`` in ``aws-cn``, ``us-gov-west-1`` in
    ``aws-us-gov``); for a partition without one, its first region.
    """
    data = _partition_data(partition)
    if data is None:
        data = _partition_data(DEFAULT_PARTITION)
        assert data is not None
    service = data["services"].get("organizations") or {}
    endpoint = (service.get("endpoints") or {}).get(service.get("partitionEndpoint") or "")
    region = ((endpoint or {}).get("credentialScope") or {}).get("region")
    if region:
        return str(region)
    return sorted(str(r) for r in data["regions"])[0]


def _service_is_described(service: str) -> bool:
    """Whether botocore's endpoint data lists ``service`` in any partition."""
    return any(service in p["services"] for p in _endpoints()["partitions"])


def service_offered(service: str, region: str) -> bool:
    """Whether ``service`` (its endpoint prefix, e.g. ``bedrock``) is offered in ``region``.

    False only when botocore's endpoint data describes the service and names no endpoint
    for it in ``region``: not listed in the region's partition at all (Bedrock in
    ``aws-cn``), or listed there without that region (Bedrock in ``ap-east-1`` in
    botocore 1.44). A service the data does not describe anywhere (its endpoints come
    from endpoint rules only), or one with a single global endpoint in the partition, is
    taken to be offered: the data says nothing against calling it.
    """
    if not _service_is_described(service):
        return True
    data = _partition_data(partition_of_region(region))
    if data is None:
        return True
    entry = data["services"].get(service)
    if entry is None:
        return False
    if entry.get("isRegionalized") is False and entry.get("partitionEndpoint"):
        return True
    return region in (entry.get("endpoints") or {})


def not_offered_reason(service: str, region: str) -> str:
    """One sentence saying that ``service`` is not offered in ``region``, and by what data."""
    return (
        f"{service} is not offered in {region}: the endpoint data of botocore "
        f"{botocore_version()} lists no {service} endpoint there"
    )


def check_regions(regions: Iterable[str], partition: str) -> list[str]:
    """Return ``regions`` if each is a region of ``partition``; else :class:`ConfigError`.

    The message is one line naming the first bad value and the partition (with the
    region it was probably meant to be, when there is one). An empty list is an error
    too: a scan of no region reads nothing.
    """
    wanted = list(regions)
    if not wanted:
        raise ConfigError("--regions names no region (give e.g. --regions us-east-1,eu-west-1)")
    known = partition_regions(partition)
    for region in wanted:
        if region in known:
            continue
        hint = ""
        close = difflib.get_close_matches(region.strip().lower(), known, n=1, cutoff=0.8)
        if close:
            hint = f" (did you mean {close[0]}?)"
        raise ConfigError(
            f"{region!r} is not a region of the {partition} partition{hint}; "
            f"botocore {botocore_version()} knows {len(known)} regions there"
        )
    return wanted
