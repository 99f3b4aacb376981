"""One account's collection, cut into units that run in parallel.

An account is read in three steps, each a unit of work for the scheduler
(:mod:`aiposture.collect.scheduler`):

1. :func:`open_account`: the account's enabled regions, its organization and its
   CloudWatch dashboards (not regional: read once, in the first scanned region);
2. :func:`read_region`, once per scanned region, in any order and in parallel: the trails
   visible there (and the details of those whose home region it is), model invocation
   logging, the delivery log groups in that region, the detection layer, and the AI
   inventory and usage signals (whose readers run beside the rest,
   :mod:`aiposture.collect.inventory`);
3. :func:`finish_account`: the trails in the order a sequential scan finds them, and the
   few reads that belong to no scanned region (a trail homed, or delivering, elsewhere).

Every call goes through :func:`~aiposture.collect.recorder.record_call`: a failure is kept
as evidence next to what it would have read, never turned into an empty result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aiposture.collect import (
    agent_telemetry,
    bedrock,
    cloudtrail,
    detection,
    ec2,
    inventory,
    logs,
    organizations,
)
from aiposture.collect.iam_posture import read_account_iam
from aiposture.collect.network_access import read_region_network
from aiposture.collect.partitions import global_region, not_offered_reason, service_offered
from aiposture.collect.recorder import record_call
from aiposture.collect.session import UnitClients, arn_account
from aiposture.snapshot.models import (
    AccountSnapshot,
    CallError,
    InvocationLogging,
    LogGroup,
    RegionSnapshot,
    Trail,
)

Progress = Callable[[str], None]
"""Receives one human-readable line per step of the scan."""


@dataclass
class RegionPart:
    """What :func:`read_region` read in one region of one account.

    ``descriptions`` are the DescribeTrails entries in the order AWS returned them (empty
    when the call failed); ``trails`` the trails whose home region this is, with details.
    """

    region: RegionSnapshot
    descriptions: list[dict[str, Any]] = field(default_factory=list)
    trails: dict[str, Trail] = field(default_factory=dict)


def _read(
    errors: list[CallError],
    fn: Callable[[], Any],
    service: str,
    operation: str,
    region: str,
    account_id: str,
    resource: str | None = None,
) -> Any:
    return record_call(
        errors,
        fn,
        service=service,
        operation=operation,
        region=region,
        account_id=account_id,
        resource=resource,
    )


def open_account(
    clients: UnitClients, *, partition: str, regions: Sequence[str] | None
) -> AccountSnapshot:
    """Read the account's enabled regions, organization and dashboards; decide the regions.

    ``regions`` None scans every enabled region (EC2 DescribeRegions); when that call
    fails, no region is scanned and the failure is in the account's errors.
    """
    access = clients.access
    account_id = access.account_id
    acct = AccountSnapshot(account_id=account_id, identity_arn=access.identity_arn)
    global_call_region = global_region(partition)
    ec2_region = regions[0] if regions else global_call_region
    acct.enabled_regions = _read(
        acct.errors,
        lambda: ec2.enabled_regions(clients("ec2", ec2_region)),
        "ec2",
        "DescribeRegions",
        ec2_region,
        account_id,
    )
    acct.scanned_regions = (
        list(regions) if regions is not None else list(acct.enabled_regions or [])
    )
    acct.organization = _read(
        acct.errors,
        lambda: organizations.describe_organization(clients("organizations", global_call_region)),
        "organizations",
        "DescribeOrganization",
        global_call_region,
        account_id,
    )
    # Dashboards are account-wide: one region's endpoint lists them all.
    dashboards_region = acct.scanned_regions[0] if acct.scanned_regions else global_call_region
    detection.read_account_dashboards(clients, acct, dashboards_region)
    return acct


def read_region(clients: UnitClients, region: str) -> RegionPart:
    """Read everything of one scanned region of the account ``clients`` reaches.

    A service that botocore's endpoint data says is not offered in the region is not
    called; it is listed in the region's ``services_not_offered`` instead.
    """
    account_id = clients.access.account_id
    reg = RegionSnapshot(region=region)
    part = RegionPart(region=reg)
    # the inventory readers run beside this thread's reads (aiposture.collect.inventory)
    pending = inventory.start_region_inventory(clients, region, account_id)
    found = _read(
        reg.errors,
        lambda: cloudtrail.describe_trails(clients("cloudtrail", region)),
        "cloudtrail",
        "DescribeTrails",
        region,
        account_id,
    )
    if found is not None:
        part.descriptions = found
        reg.trail_arns = [str(t["TrailARN"]) for t in found]
    inv: InvocationLogging | None = None
    if service_offered(bedrock.SERVICE, region):
        inv = _read(
            reg.errors,
            lambda: bedrock.invocation_logging(clients(bedrock.SERVICE, region)),
            bedrock.SERVICE,
            "GetModelInvocationLoggingConfiguration",
            region,
            account_id,
        )
    else:
        reg.services_not_offered[bedrock.SERVICE] = not_offered_reason(bedrock.SERVICE, region)
    reg.invocation_logging = inv
    read_region_network(clients, reg, account_id)  # VPC endpoints, invocation-log bucket

    visible = [cloudtrail.trail_from_description(d) for d in part.descriptions]
    for trail in visible:
        if trail.home_region == region and trail.arn not in part.trails:
            cloudtrail.read_trail_details(clients("cloudtrail", region), trail, account_id)
            part.trails[trail.arn] = trail

    wanted = delivery_log_groups(visible, account_id).get(region, [])
    if inv is not None and inv.cloudwatch_log_group:
        wanted.append(inv.cloudwatch_log_group)
    _read_log_groups(clients, reg, account_id, wanted)
    detection.read_region_detection(clients, reg, account_id)
    agent_telemetry.read_agent_telemetry(clients, reg, account_id)  # where Bedrock is offered
    inventory.finish_region_inventory(reg, pending)  # kept after the reads above, in order
    return part


def finish_account(
    clients: UnitClients, acct: AccountSnapshot, parts: Mapping[str, RegionPart]
) -> None:
    """Put the regions and trails together; read what no region unit could.

    Trails are listed once each, in the order a sequential scan of ``scanned_regions``
    finds them. A trail homed in a region that was not scanned is read here, and so are
    log groups (with their detection layer) in a region that was not scanned.
    """
    account_id = acct.account_id
    descriptions: dict[str, dict[str, Any]] = {}
    for region in acct.scanned_regions:
        part = parts.get(region)
        if part is None:
            continue
        acct.regions[region] = part.region
        for desc in part.descriptions:
            descriptions.setdefault(str(desc["TrailARN"]), desc)

    for arn, desc in descriptions.items():
        trail = cloudtrail.trail_from_description(desc)
        home = parts.get(trail.home_region)
        if home is not None and arn in home.trails:
            trail = home.trails[arn]  # read by its home region's unit
        else:
            client = clients("cloudtrail", trail.home_region)
            cloudtrail.read_trail_details(client, trail, account_id)
        acct.trails.append(trail)

    for region, names in delivery_log_groups(acct.trails, account_id).items():
        if region in parts:
            continue
        reg = acct.regions.setdefault(region, RegionSnapshot(region=region))
        _read_log_groups(clients, reg, account_id, names)
        detection.read_region_detection(clients, reg, account_id)
    read_account_iam(clients, acct)  # IAM is global: once, after the regions


def delivery_log_groups(trails: Iterable[Trail], account_id: str) -> dict[str, list[str]]:
    """The CloudWatch Logs groups the account's own trails deliver to, by region.

    A trail owned by another account (an organization trail) delivers to that account's
    log group; it is read when that account is scanned.
    """
    wanted: dict[str, dict[str, None]] = {}
    for trail in trails:
        name, region = trail.cloudwatch_logs_log_group_name, trail.cloudwatch_logs_region
        arn = trail.cloudwatch_logs_log_group_arn or ""
        if name and region and arn_account(arn) in (None, account_id):
            wanted.setdefault(region, {})[name] = None
    return {region: list(names) for region, names in wanted.items()}


def _read_log_groups(
    clients: UnitClients, reg: RegionSnapshot, account_id: str, names: Iterable[str]
) -> None:
    region = reg.region
    for name in dict.fromkeys(names):
        found: LogGroup | None = _read(
            reg.errors,
            partial(_find_log_group, clients, region, name, account_id),
            "logs",
            "DescribeLogGroups",
            region,
            account_id,
            resource=name,
        )
        if found is not None and all(g.arn != found.arn for g in reg.log_groups):
            reg.log_groups.append(found)


def _find_log_group(
    clients: UnitClients, region: str, name: str, account_id: str
) -> LogGroup | None:
    return logs.find_log_group(clients("logs", region), name, region, account_id)
