"""Hand-built snapshots for pure rule and engine tests (no AWS, no moto)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from aiposture.snapshot.models import (
    AccountSnapshot,
    CallerIdentity,
    CallError,
    EventSelectors,
    InvocationLogging,
    LogGroup,
    OrganizationInfo,
    RegionSnapshot,
    Snapshot,
    ToolInfo,
    Trail,
    TrailStatus,
)

ACCOUNT = "111122223333"
OTHER = "999988887777"
REGION = "us-east-1"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

MANAGEMENT = {
    "Name": "Management",
    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}


def denied(
    service: str,
    operation: str,
    resource: str | None = None,
    *,
    region: str = REGION,
    account: str = ACCOUNT,
    message: str = "not authorized",
) -> CallError:
    """The AccessDeniedException a read-only role without ``operation`` gets."""
    return CallError(
        service=service,
        operation=operation,
        region=region,
        account_id=account,
        resource=resource,
        error_code="AccessDeniedException",
        message=message,
    )


def data_selector(rtype: str, *extra: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """An advanced data-event selector for one resource type."""
    return {
        "Name": name or f"{rtype.split('::')[-1]}-DataEvents",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": [rtype]},
            *extra,
        ],
    }


def trail(
    name: str = "ai-trail",
    *,
    account: str = ACCOUNT,
    home: str = REGION,
    multi_region: bool = True,
    logging: bool | None = True,
    advanced: list[dict[str, Any]] | None = None,
    classic: list[dict[str, Any]] | None = None,
    insights: list[dict[str, Any]] | None = None,
    log_group: str | None = "aws-cloudtrail-logs/ai",
    delivered_ago: timedelta | None = timedelta(minutes=5),
    delivery_error: str | None = None,
    org_trail: bool = False,
    selectors_read: bool = True,
    aggregation: dict[str, Any] | None = None,
    role: bool = True,
) -> Trail:
    """A trail with sensible defaults: management events, delivering to CloudWatch Logs.

    For a trail that records everything the guide asks for (every detection's events), use
    :func:`guide_trail`.
    """
    arn = f"arn:aws:cloudtrail:{home}:{account}:trail/{name}"
    errors = []
    if not selectors_read:
        errors.append(denied("cloudtrail", "GetEventSelectors", arn, region=home, account=account))
    status = None
    if logging is not None:
        status = TrailStatus(
            is_logging=logging,
            latest_cloudwatch_logs_delivery_time=NOW - delivered_ago if delivered_ago else None,
            latest_cloudwatch_logs_delivery_error=delivery_error,
        )
    else:
        errors.append(
            denied(
                "cloudtrail",
                "GetTrailStatus",
                arn,
                region=home,
                account=account,
                message="status denied",
            )
        )
    sel = None
    if selectors_read:
        sel = EventSelectors(advanced=copy.deepcopy(advanced), classic=copy.deepcopy(classic))
        if advanced is None and classic is None:
            sel = EventSelectors(advanced=[MANAGEMENT])
    return Trail(
        arn=arn,
        name=name,
        home_region=home,
        owner_account_id=account,
        is_multi_region=multi_region,
        is_organization_trail=org_trail,
        cloudwatch_logs_log_group_arn=(
            f"arn:aws:logs:{home}:{account}:log-group:{log_group}:*" if log_group else None
        ),
        cloudwatch_logs_role_arn=(
            f"arn:aws:iam::{account}:role/CloudTrail_CloudWatchLogs_Role"
            if log_group and role
            else None
        ),
        aggregation=aggregation,
        status=status,
        event_selectors=sel,
        insight_selectors=insights if insights is not None else [],
        errors=errors,
    )


def guide_selectors(
    account: str = ACCOUNT, regions: tuple[str, ...] = (REGION,)
) -> list[dict[str, Any]]:
    """The guide's complete advanced selectors for ``account`` (the demo guide account's)."""
    from aiposture.demo.selectors import guide_account_selectors

    return guide_account_selectors(account, regions)


def guide_trail(name: str = "ai-trail", **kwargs: Any) -> Trail:
    """A trail that records what the guide asks for: every selector, both Insights, aggregation.

    Its selectors name the demo's resource ids, so a rule run without configured ids judges
    the data events on those resources (the ids the trail's own selectors name).
    """
    from aiposture.demo.selectors import BOTH_INSIGHTS, GUIDE_AGGREGATION

    account = kwargs.get("account", ACCOUNT)
    kwargs.setdefault("advanced", guide_selectors(account, (kwargs.get("home", REGION),)))
    kwargs.setdefault("insights", copy.deepcopy(BOTH_INSIGHTS))
    kwargs.setdefault(
        "aggregation", {"AggregationConfigurations": copy.deepcopy(GUIDE_AGGREGATION)}
    )
    return trail(name, **kwargs)


def snapshot(
    *trails: Trail,
    account: str = ACCOUNT,
    regions: tuple[str, ...] = (REGION,),
    log_groups: list[LogGroup] | None = None,
    invocation: dict[str, Any] | None = None,
    organization: OrganizationInfo | None = None,
    extra_accounts: list[AccountSnapshot] | None = None,
    region_errors: dict[str, list[CallError]] | None = None,
) -> Snapshot:
    """A one-account snapshot holding ``trails``."""
    own = [t for t in trails if t.owner_account_id == account]
    region_snaps = {}
    for r in regions:
        errs = (region_errors or {}).get(r, [])
        describe_failed = any(e.operation == "DescribeTrails" for e in errs)
        region_snaps[r] = RegionSnapshot(
            region=r,
            trail_arns=None
            if describe_failed
            else [t.arn for t in trails if t.is_multi_region or t.home_region == r],
            log_groups=[g for g in (log_groups or []) if g.region == r],
            invocation_logging=None
            if any(e.operation == "GetModelInvocationLoggingConfiguration" for e in errs)
            else InvocationLogging(config=invocation or {}),
            errors=errs,
        )
    acct = AccountSnapshot(
        account_id=account,
        identity_arn=f"arn:aws:sts::{account}:assumed-role/audit/aiposture",
        enabled_regions=list(regions),
        scanned_regions=list(regions),
        organization=organization,
        trails=own,
        regions=region_snaps,
    )
    others = list(extra_accounts or [])
    foreign = [t for t in trails if t.owner_account_id != account]
    for t in foreign:
        holder = next((a for a in others if a.account_id == t.owner_account_id), None)
        if holder is None:
            holder = AccountSnapshot(account_id=t.owner_account_id, scanned_regions=[], trails=[])
            others.append(holder)
        holder.trails.append(t)
    return Snapshot(
        tool=ToolInfo(version="test"),
        started_at=NOW - timedelta(minutes=1),
        finished_at=NOW,
        identity=CallerIdentity(
            account=account, arn=f"arn:aws:iam::{account}:user/auditor", user_id="AIDA"
        ),
        accounts=[acct, *others],
    )


def log_group(
    name: str = "aws-cloudtrail-logs/ai",
    *,
    cls: str | None = "STANDARD",
    region: str = REGION,
    account: str = ACCOUNT,
) -> LogGroup:
    """A log group as DescribeLogGroups reports it."""
    return LogGroup(
        name=name,
        arn=f"arn:aws:logs:{region}:{account}:log-group:{name}",
        region=region,
        account_id=account,
        log_group_class=cls,
        retention_in_days=365,
    )


def with_detection(
    snap: Snapshot, *, account: str = ACCOUNT, region: str = REGION, **fields: Any
) -> Snapshot:
    """Set detection-layer fields of one region and return ``snap``.

    Fields: ``metric_filters``, ``alarms``, ``composite_alarms``, ``sns_topics``,
    ``insight_rules``, ``query_definitions``, ``dashboards``, ``subscription_filters``,
    ``guardduty_detectors`` (raw API payloads, as the collector stores them).
    """
    acct = snap.account(account)
    assert acct is not None, account
    reg = acct.regions.setdefault(region, RegionSnapshot(region=region))
    for name, value in fields.items():
        assert name in RegionSnapshot.model_fields, name
        setattr(reg, name, value)
    return snap
