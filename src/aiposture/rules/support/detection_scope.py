"""Where an (account, region)'s CloudTrail events land: the delivery log groups of its trails.

Every detection of the guide (metric filters, Contributor Insights rules, saved queries,
subscription filters) reads the CloudTrail log group. The events of account A in region R
reach the log groups of the *logging* trails that cover (A, R); a log group lives in the
account and region named by its ARN, which for an organization trail is the management
account's. This module follows that first part of the chain (trail -> log group) and says,
for each log group, where its detection layer was read, or why it could not be.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from aiposture.memo import Fact
from aiposture.rules.base import RuleContext, describe_error, errors_for
from aiposture.rules.support.coverage import coverage
from aiposture.snapshot.models import LogGroup, RegionSnapshot, Trail


def delivery_problem(trail: Trail, ctx: RuleContext) -> str | None:
    """Why ``trail`` does not deliver to CloudWatch Logs properly, or None when it does.

    Delivery works when the trail names a log group and the role CloudTrail assumes to write
    there (CreateTrail: "You must specify both"), GetTrailStatus reports no CloudWatch Logs
    delivery error, and the last delivery is within ``thresholds.cloudwatch_delivery_max_age_hours``
    of the scan. The trail's status must have been read (callers judge logging trails only).
    """
    if not trail.cloudwatch_logs_log_group_arn:
        return f"trail {trail.name} has no CloudWatch Logs log group"
    if not trail.cloudwatch_logs_role_arn:
        return (
            f"trail {trail.name} has no CloudWatch Logs role (CloudWatchLogsRoleArn), so "
            "CloudTrail cannot write to the log group"
        )
    status = trail.status
    assert status is not None
    if status.latest_cloudwatch_logs_delivery_error:
        return (
            f"trail {trail.name} reports CloudWatch Logs delivery error "
            f"{status.latest_cloudwatch_logs_delivery_error}"
        )
    last = status.latest_cloudwatch_logs_delivery_time
    if last is None:
        return f"trail {trail.name} has never delivered to CloudWatch Logs"
    max_age = timedelta(hours=ctx.config.thresholds.cloudwatch_delivery_max_age_hours)
    age = ctx.snapshot.finished_at - last
    if age > max_age:
        hours = age.total_seconds() / 3600
        return (
            f"trail {trail.name} last delivered to CloudWatch Logs {hours:.0f} hours before the scan "
            f"(limit {max_age.total_seconds() / 3600:.0f} hours)"
        )
    return None


@dataclass(frozen=True)
class DeliveryGroup:
    """A log group that receives the judged account's CloudTrail events in the judged region."""

    trails: tuple[Trail, ...]
    """The logging trails covering the account and region that deliver there."""
    account_id: str
    region: str
    name: str
    arn: str
    region_snapshot: RegionSnapshot | None
    """What was read in the log group's own account and region (None when not scanned)."""
    log_group: LogGroup | None
    """The log group as DescribeLogGroups reported it (None when not found or not read)."""
    unknown: str | None = None
    """Why the log group itself could not be read; None when it was read or is missing."""

    @property
    def trail(self) -> Trail:
        """The first trail that delivers there (the one messages name)."""
        return self.trails[0]

    @property
    def trail_names(self) -> str:
        """The names of the trails that deliver there, for messages."""
        return ", ".join(t.name for t in self.trails)

    @property
    def exists(self) -> bool:
        """True when DescribeLogGroups found the log group."""
        return self.log_group is not None

    @property
    def log_class(self) -> str | None:
        """The log group's class as DescribeLogGroups reported it (None: not reported)."""
        return self.log_group.log_group_class if self.log_group else None

    def unread(self, operation: str, resource: str | None = None) -> str:
        """Why ``operation``'s result for this log group's region is missing from the snapshot."""
        if self.unknown:
            return self.unknown
        reg = self.region_snapshot
        if reg is None:
            return f"region {self.region} of account {self.account_id} was not scanned"
        errs = errors_for(reg.errors, operation, resource)
        if errs:
            return describe_error(errs[0])
        return f"{operation} was not read in account {self.account_id}, {self.region}"

    def metric_filters(self) -> list[dict[str, object]] | None:
        """The log group's metric filters, or None when they were not read."""
        reg = self.region_snapshot
        if reg is None or reg.metric_filters is None:
            return None
        return reg.metric_filters.get(self.name)

    def subscription_filters(self) -> list[dict[str, object]] | None:
        """The log group's subscription filters, or None when they were not read."""
        reg = self.region_snapshot
        if reg is None or reg.subscription_filters is None:
            return None
        return reg.subscription_filters.get(self.name)


@dataclass(frozen=True)
class DetectionScope:
    """The log groups holding one (account, region)'s CloudTrail events, and the broken links."""

    groups: list[DeliveryGroup] = field(default_factory=list)
    """Delivery log groups of logging covering trails (existing or not, read or not)."""
    broken: list[str] = field(default_factory=list)
    """Broken ``trail -> log group`` links, as sentences (no trail, stopped, no delivery)."""
    gaps: list[str] = field(default_factory=list)
    """Why the covering trails themselves are unknown (the trails could not be read)."""

    @property
    def readable(self) -> list[DeliveryGroup]:
        """The delivery log groups that exist and were read."""
        return [g for g in self.groups if g.exists]

    def unknowns(self) -> list[str]:
        """Every reason the scope is incomplete: unread trails and unread log groups."""
        return [*self.gaps, *(f"log group {g.name}: {g.unknown}" for g in self.groups if g.unknown)]

    def read_each(
        self, field: str, operation: str, what: str
    ) -> tuple[list[tuple[DeliveryGroup, list[dict[str, Any]]]], list[str]]:
        """Each readable log group with a region-wide detection field of its own region.

        ``field`` is read where the log group lives (``insight_rules``,
        ``query_definitions``...); the second list says why it is unknown for the others.
        """
        found: list[tuple[DeliveryGroup, list[dict[str, Any]]]] = []
        unread: list[str] = []
        for group in self.readable:
            reg = group.region_snapshot
            entries = getattr(reg, field) if reg is not None else None
            if entries is None:
                unread.append(f"{what} of log group {group.name}: {group.unread(operation)}")
            else:
                found.append((group, entries))
        return found, unread

    def missing(self) -> list[str]:
        """Sentences for the delivery log groups that do not exist."""
        return [
            f"trail {g.trail.name} delivers to log group {g.name} in account {g.account_id}, "
            f"{g.region}, which does not exist"
            for g in self.groups
            if not g.exists and not g.unknown
        ]


def _group_of(ctx: RuleContext, trail: Trail) -> DeliveryGroup | None:
    """The delivery log group of one trail (its ``trails`` holds that trail alone)."""
    arn = (trail.cloudwatch_logs_log_group_arn or "").removesuffix(":*")
    name = trail.cloudwatch_logs_log_group_name
    parts = arn.split(":")
    if not name or len(parts) < 7:
        return None
    region, account_id = parts[3] or trail.home_region, parts[4] or trail.owner_account_id
    owner = ctx.snapshot.account(account_id)
    reg = owner.regions.get(region) if owner else None
    found = next((g for g in reg.log_groups if g.name == name), None) if reg else None
    unknown: str | None = None
    if owner is None:
        unknown = f"account {account_id}, which owns the log group, was not scanned"
    elif found is None:
        errs = errors_for(reg.errors if reg else [], "DescribeLogGroups", name)
        if errs:
            unknown = describe_error(errs[0])
        elif reg is None:
            unknown = f"region {region} of account {account_id} was not scanned"
    return DeliveryGroup(
        trails=(trail,),
        account_id=account_id,
        region=region,
        name=name,
        arn=arn,
        region_snapshot=reg,
        log_group=found,
        unknown=unknown,
    )


_SCOPES: Fact[DetectionScope] = Fact("CloudTrail log groups")


def cloudtrail_log_groups(ctx: RuleContext) -> DetectionScope:
    """The log groups receiving ``ctx``'s CloudTrail events, with the broken links.

    Computed once per (snapshot, account, region): every detection check asks for it.
    """
    return ctx.memo.get(_SCOPES, (ctx.snapshot,), lambda: _scope(ctx), ctx.account_id, ctx.region)


def _scope(ctx: RuleContext) -> DetectionScope:
    cov = coverage(ctx)
    scope = DetectionScope(gaps=cov.unverified_reasons())
    for trail in cov.stopped:
        scope.broken.append(f"trail {trail.name} is not logging")
    by_arn: dict[str, DeliveryGroup] = {}
    for trail in cov.logging:
        group = _group_of(ctx, trail)
        if group is None:
            scope.broken.append(f"trail {trail.name} does not deliver to CloudWatch Logs")
            continue
        known = by_arn.get(group.arn)
        by_arn[group.arn] = (
            group if known is None else replace(known, trails=(*known.trails, trail))
        )
    scope.groups.extend(by_arn.values())
    if not cov.all_trails and not cov.gaps:
        scope.broken.append(f"no trail covers account {ctx.account_id} in {ctx.region}")
    return scope
