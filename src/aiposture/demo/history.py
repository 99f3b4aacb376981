"""The demo organization's last 90 days: the monitoring changes CloudTrail's event history holds.

moto records no events of its own (:mod:`aiposture.demo.moto_ext.cloudtrail_lookup_events`),
so the demo tells its history here, at times relative to the moment it is seeded, and makes
``GetTrailStatus`` agree with it (:func:`~aiposture.demo.moto_ext.cloudtrail.set_trail_logging_times`):

- **partial** (``444455556666``): an operator stopped ``ops-trail`` (``StopLogging``,
  :data:`TRAIL_STOPPED_DAYS_AGO` days before seeding) and a security responder started it
  again :data:`TRAIL_GAP` later (``StartLogging``): nine days in which the account's API
  activity went unrecorded. A deployment pipeline later disabled the actions of the
  CloudTrail logging disruption alarm (``DisableAlarmActions``) and enabled them three days
  after (``EnableAlarmActions``).
- **guide** (``111122223333``): harmless changes only, and no gap: a ``PutMetricFilter`` that
  re-wrote the logging disruption filter with the pattern it already had (an update: the
  filter's ``creationTime`` lies before the history), and a ``PutRetentionPolicy`` that set
  the CloudTrail log group's retention to the 365 days it already had. Neither leaves the
  continuity checks in doubt: a ``Put`` that may have created its control counts as an
  update only when the control's creation time is older than it.
- **placeholder** (``777788889999``): an analyst tried to stop ``org-ai-trail`` and was denied
  (``StopLogging`` with ``errorCode`` ``AccessDenied``): an attempt that changed nothing.
- Every other trail (the lab's, the guide's, the placeholder's, the partial account's legacy
  trail) has been in its present state since before the 90 days LookupEvents keeps
  (:data:`LONG_AGO_DAYS`), so its start and stop times lie before the history; and every
  log group, metric filter and subscription filter was created then too
  (:func:`~aiposture.demo.moto_ext.logs.set_logs_creation_time`): the history creates none.

The actors are made up, their source IPs come from the documentation ranges of RFC 5737.
:func:`seed_history` needs the moto backend in this process, as the seeding does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiposture.demo.accounts import (
    GUIDE_ACCOUNT,
    GUIDE_TRAIL_LOG_GROUP,
    PARTIAL_ACCOUNT,
    PLACEHOLDER_ACCOUNT,
)
from aiposture.demo.moto_ext.cloudtrail import set_trail_logging_times
from aiposture.demo.moto_ext.cloudtrail_lookup_events import record_event
from aiposture.demo.moto_ext.logs import set_logs_creation_time
from aiposture.guide import detection as dc

__all__ = [
    "DISRUPTION_ALARM",
    "LONG_AGO_DAYS",
    "PARTIAL_TRAIL",
    "PLACEHOLDER_TRAIL",
    "TRAIL_GAP",
    "TRAIL_STOPPED_DAYS_AGO",
    "seed_history",
]

PARTIAL_TRAIL = "ops-trail"
"""The partial account's trail, stopped for :data:`TRAIL_GAP`."""
PLACEHOLDER_TRAIL = "org-ai-trail"
"""The placeholder account's trail, which an analyst was denied stopping."""
DISRUPTION_ALARM = dc.alarm_for_metric("CloudTrailLoggingDisruption").alarm_name
"""The alarm whose actions the partial account disabled for :data:`ALARM_GAP`."""
_DISRUPTION_FILTER = next(
    mf.filter_name for mf in dc.METRIC_FILTERS if mf.metric == "CloudTrailLoggingDisruption"
)

TRAIL_STOPPED_DAYS_AGO = 40
"""How many days before seeding ``ops-trail`` was stopped."""
TRAIL_GAP = timedelta(days=9)
"""How long ``ops-trail`` stayed stopped (restarted 31 days before seeding)."""
ALARM_DISABLED_DAYS_AGO = 20
"""How many days before seeding the disruption alarm's actions were disabled."""
ALARM_GAP = timedelta(days=3)
"""How long the disruption alarm's actions stayed disabled."""
DENIED_STOP_DAYS_AGO = 25
"""How many days before seeding the placeholder account's analyst was denied StopLogging."""
LONG_AGO_DAYS = 400
"""When the trails without history last started: long before the 90 days LookupEvents keeps."""
LEGACY_STOPPED_DAYS_AGO = 200
"""When a trail that is stopped now was stopped, for the trails the history does not tell."""

OPS_ADMIN = f"arn:aws:sts::{PARTIAL_ACCOUNT}:assumed-role/OpsAdmin/dana.ops"
SECURITY_RESPONDER = f"arn:aws:sts::{PARTIAL_ACCOUNT}:assumed-role/SecurityResponder/sam.sec"
DEPLOYER = f"arn:aws:iam::{PARTIAL_ACCOUNT}:user/ci-deployer"
PLATFORM_ENGINEER = f"arn:aws:sts::{GUIDE_ACCOUNT}:assumed-role/PlatformEngineer/kim.platform"
ANALYST = f"arn:aws:sts::{PLACEHOLDER_ACCOUNT}:assumed-role/ReadOnlyAnalyst/lee.analyst"


def _trail_arn(account_id: str, region: str, name: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{account_id}:trail/{name}"


def _partial(home: str, now: datetime) -> None:
    """The partial account: the nine-day trail stop and the three-day alarm silence."""
    trail = _trail_arn(PARTIAL_ACCOUNT, home, PARTIAL_TRAIL)
    trail_resource = [{"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": trail}]
    stopped_at = now - timedelta(days=TRAIL_STOPPED_DAYS_AGO)
    started_at = stopped_at + TRAIL_GAP
    record_event(
        PARTIAL_ACCOUNT,
        home,
        event_name="StopLogging",
        event_time=stopped_at,
        actor_arn=OPS_ADMIN,
        source_ip="203.0.113.45",
        request_parameters={"name": trail},
        resources=trail_resource,
    )
    record_event(
        PARTIAL_ACCOUNT,
        home,
        event_name="StartLogging",
        event_time=started_at,
        actor_arn=SECURITY_RESPONDER,
        source_ip="198.51.100.23",
        request_parameters={"name": trail},
        resources=trail_resource,
    )
    set_trail_logging_times(
        PARTIAL_ACCOUNT, home, PARTIAL_TRAIL, started=started_at, stopped=stopped_at
    )

    alarm = [{"ResourceType": "AWS::CloudWatch::Alarm", "ResourceName": DISRUPTION_ALARM}]
    disabled_at = now - timedelta(days=ALARM_DISABLED_DAYS_AGO)
    record_event(
        PARTIAL_ACCOUNT,
        home,
        event_name="DisableAlarmActions",
        event_time=disabled_at,
        actor_arn=DEPLOYER,
        source_ip="192.0.2.10",
        request_parameters={"alarmNames": [DISRUPTION_ALARM]},
        resources=alarm,
    )
    record_event(
        PARTIAL_ACCOUNT,
        home,
        event_name="EnableAlarmActions",
        event_time=disabled_at + ALARM_GAP,
        actor_arn=DEPLOYER,
        source_ip="192.0.2.10",
        request_parameters={"alarmNames": [DISRUPTION_ALARM]},
        resources=alarm,
    )


def _guide(logs: Any, home: str, now: datetime) -> None:
    """The guide account: two writes that leave every control as it was.

    The filter's pattern and the log group's retention are read back from what the seeding
    wrote, so the recorded requests are exactly the present configuration.
    """
    found = logs.describe_metric_filters(
        logGroupName=GUIDE_TRAIL_LOG_GROUP, filterNamePrefix=_DISRUPTION_FILTER
    )["metricFilters"]
    current = next(f for f in found if f["filterName"] == _DISRUPTION_FILTER)
    record_event(
        GUIDE_ACCOUNT,
        home,
        event_name="PutMetricFilter",
        event_time=now - timedelta(days=57, hours=4),
        actor_arn=PLATFORM_ENGINEER,
        source_ip="198.51.100.77",
        request_parameters={
            "logGroupName": GUIDE_TRAIL_LOG_GROUP,
            "filterName": current["filterName"],
            "filterPattern": current["filterPattern"],
            "metricTransformations": current["metricTransformations"],
        },
        resources=[{"ResourceType": "AWS::Logs::LogGroup", "ResourceName": GUIDE_TRAIL_LOG_GROUP}],
    )
    (group,) = (
        g
        for g in logs.describe_log_groups(logGroupNamePrefix=GUIDE_TRAIL_LOG_GROUP)["logGroups"]
        if g["logGroupName"] == GUIDE_TRAIL_LOG_GROUP
    )
    record_event(
        GUIDE_ACCOUNT,
        home,
        event_name="PutRetentionPolicy",
        event_time=now - timedelta(days=12, hours=6),
        actor_arn=PLATFORM_ENGINEER,
        source_ip="198.51.100.77",
        request_parameters={
            "logGroupName": GUIDE_TRAIL_LOG_GROUP,
            "retentionInDays": group["retentionInDays"],
        },
        resources=[{"ResourceType": "AWS::Logs::LogGroup", "ResourceName": GUIDE_TRAIL_LOG_GROUP}],
    )


def _placeholder(home: str, now: datetime) -> None:
    """The placeholder account: a StopLogging that IAM denied."""
    trail = _trail_arn(PLACEHOLDER_ACCOUNT, home, PLACEHOLDER_TRAIL)
    record_event(
        PLACEHOLDER_ACCOUNT,
        home,
        event_name="StopLogging",
        event_time=now - timedelta(days=DENIED_STOP_DAYS_AGO, hours=2),
        actor_arn=ANALYST,
        source_ip="203.0.113.99",
        request_parameters={"name": trail},
        error_code="AccessDenied",
        resources=[{"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": trail}],
    )


def _settle_trails(accounts: Sequence[str], regions: Sequence[str], now: datetime) -> None:
    """Date every trail's last start (and stop) before the history, but ``ops-trail``'s.

    moto stamps StartLogging/StopLogging with the moment of seeding; a trail logging since
    then would have been off for the whole period before it, with no event to say so. Log
    groups and filters are dated the same way: created before the history.
    """
    from moto.cloudtrail.models import cloudtrail_backends

    long_ago = now - timedelta(days=LONG_AGO_DAYS)
    for account_id in accounts:
        for region in regions:
            set_logs_creation_time(account_id, region, long_ago)
            backend = cloudtrail_backends[account_id][region]
            for trail in list(backend.trails.values()):
                if (account_id, trail.trail_name) == (PARTIAL_ACCOUNT, PARTIAL_TRAIL):
                    continue
                status = trail.status
                if status.is_logging:
                    set_trail_logging_times(
                        account_id, region, trail.trail_name, started=long_ago, stopped=None
                    )
                elif status.started is not None:
                    set_trail_logging_times(
                        account_id,
                        region,
                        trail.trail_name,
                        started=long_ago,
                        stopped=now - timedelta(days=LEGACY_STOPPED_DAYS_AGO),
                    )


def seed_history(
    accounts: Sequence[str],
    regions: Sequence[str],
    *,
    guide_logs: Any,
    now: datetime | None = None,
) -> None:
    """Record the demo's event history and make the trails' logging times agree with it.

    ``accounts`` are the demo's account ids (every trail of theirs is dated), ``regions[0]``
    the home region where every story event happens; ``guide_logs`` is the guide account's
    CloudWatch Logs client in the home region (the history re-writes what it reads). ``now``
    is the seeding time (default: the clock).
    """
    if not regions:
        raise ValueError("the demo history needs a home region")
    home = regions[0]
    seeded_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    _settle_trails(accounts, regions, seeded_at)
    _partial(home, seeded_at)
    _guide(guide_logs, home, seeded_at)
    _placeholder(home, seeded_at)
