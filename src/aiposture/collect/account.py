"""Everything read in one account: regions, organization, trails, log groups, invocation logging.

Then, per region, the detection layer (filters, alarms, topics, rules, dashboards, GuardDuty).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from aiposture.collect import bedrock, cloudtrail, detection, ec2, logs, organizations
from aiposture.collect.recorder import record_call
from aiposture.collect.session import SessionFactory, arn_account, partition_default_region
from aiposture.snapshot.models import (
    AccountSnapshot,
    InvocationLogging,
    LogGroup,
    RegionSnapshot,
    Trail,
)

Progress = Callable[[str], None]
"""Receives one human-readable line per step of the scan."""


def _quiet(_: str) -> None:
    """Discard progress lines."""


def collect_account(
    factory: SessionFactory,
    session: Any,
    *,
    account_id: str,
    identity_arn: str | None,
    partition: str,
    regions: Sequence[str] | None,
    progress: Progress | None = None,
) -> AccountSnapshot:
    """Read one account with ``session``; every failed call is kept in the snapshot.

    ``regions`` None scans every enabled region (from EC2 DescribeRegions).
    """
    say = progress or _quiet
    acct = AccountSnapshot(account_id=account_id, identity_arn=identity_arn)
    global_region = partition_default_region(partition)

    ec2_region = regions[0] if regions else factory.default_region(partition)
    say(f"{account_id}: enabled regions")
    acct.enabled_regions = record_call(
        acct.errors,
        lambda: ec2.enabled_regions(factory.client(session, "ec2", ec2_region)),
        service="ec2",
        operation="DescribeRegions",
        region=ec2_region,
        account_id=account_id,
    )
    acct.scanned_regions = (
        list(regions) if regions is not None else list(acct.enabled_regions or [])
    )

    say(f"{account_id}: organization")
    acct.organization = record_call(
        acct.errors,
        lambda: organizations.describe_organization(
            factory.client(session, "organizations", global_region)
        ),
        service="organizations",
        operation="DescribeOrganization",
        region=global_region,
        account_id=account_id,
    )

    descriptions: dict[str, dict[str, Any]] = {}
    for region in acct.scanned_regions:
        say(f"{account_id}: {region}")
        reg = acct.regions.setdefault(region, RegionSnapshot(region=region))
        _read_region(factory, session, reg, account_id, descriptions)

    for arn, desc in descriptions.items():
        say(f"{account_id}: trail {arn}")
        acct.trails.append(_read_trail(factory, session, desc, account_id))

    _read_log_groups(factory, session, acct)

    def client_for(service: str, region: str) -> Any:
        return factory.client(session, service, region)

    for region, reg in acct.regions.items():
        say(f"{account_id}: {region} detection layer")
        detection.read_region_detection(client_for, reg, account_id)
    return acct


def _read_region(
    factory: SessionFactory,
    session: Any,
    reg: RegionSnapshot,
    account_id: str,
    descriptions: dict[str, dict[str, Any]],
) -> None:
    region = reg.region
    trails = record_call(
        reg.errors,
        partial(_describe_trails, factory, session, region),
        service="cloudtrail",
        operation="DescribeTrails",
        region=region,
        account_id=account_id,
    )
    if trails is not None:
        reg.trail_arns = [str(t["TrailARN"]) for t in trails]
        for desc in trails:
            descriptions.setdefault(str(desc["TrailARN"]), desc)
    reg.invocation_logging = record_call(
        reg.errors,
        partial(_invocation_logging, factory, session, region),
        service="bedrock",
        operation="GetModelInvocationLoggingConfiguration",
        region=region,
        account_id=account_id,
    )


def _describe_trails(factory: SessionFactory, session: Any, region: str) -> list[dict[str, Any]]:
    return cloudtrail.describe_trails(factory.client(session, "cloudtrail", region))


def _invocation_logging(factory: SessionFactory, session: Any, region: str) -> InvocationLogging:
    return bedrock.invocation_logging(factory.client(session, "bedrock", region))


def _read_trail(
    factory: SessionFactory, session: Any, desc: dict[str, Any], account_id: str
) -> Trail:
    trail = cloudtrail.trail_from_description(desc)
    client = factory.client(session, "cloudtrail", trail.home_region)
    cloudtrail.read_trail_details(client, trail, account_id)
    return trail


def _read_log_groups(factory: SessionFactory, session: Any, acct: AccountSnapshot) -> None:
    """Read the delivery log groups of the account's own trails and of invocation logging.

    A trail owned by another account (an organization trail) delivers to that account's
    log group; it is read when that account is scanned.
    """
    wanted: dict[tuple[str, str], None] = {}
    for trail in acct.trails:
        name, region = trail.cloudwatch_logs_log_group_name, trail.cloudwatch_logs_region
        arn = trail.cloudwatch_logs_log_group_arn or ""
        if name and region and arn_account(arn) in (None, acct.account_id):
            wanted[(region, name)] = None
    for region in acct.scanned_regions:
        reg = acct.regions.get(region)
        inv = reg.invocation_logging if reg else None
        if inv is not None and inv.cloudwatch_log_group:
            wanted[(region, inv.cloudwatch_log_group)] = None

    for region, name in wanted:
        reg = acct.regions.setdefault(region, RegionSnapshot(region=region))
        found = record_call(
            reg.errors,
            partial(_find_log_group, factory, session, region, name, acct.account_id),
            service="logs",
            operation="DescribeLogGroups",
            region=region,
            account_id=acct.account_id,
            resource=name,
        )
        if found is not None and all(g.arn != found.arn for g in reg.log_groups):
            reg.log_groups.append(found)


def _find_log_group(
    factory: SessionFactory, session: Any, region: str, name: str, account_id: str
) -> LogGroup | None:
    return logs.find_log_group(factory.client(session, "logs", region), name, region, account_id)
