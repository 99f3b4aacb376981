"""CloudTrail: trails, their status, event selectors, Insights selectors and event configuration.

Trails are listed per region (``DescribeTrails`` with shadow trails, so a multi-region
trail shows in every region it covers) and read once each, in their home region.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from aiposture.collect.recorder import client_error_code, record_call
from aiposture.snapshot.models import EventSelectors, Trail, TrailStatus

T = TypeVar("T")

INSIGHTS_NOT_ENABLED = "InsightNotEnabledException"
"""The error code of GetInsightSelectors for a trail without Insights: not a failure."""


def describe_trails(client: Any) -> list[dict[str, Any]]:
    """List the trails (with shadow trails) in the client's region (raises on failure)."""
    resp = client.describe_trails(includeShadowTrails=True)
    return [dict(t) for t in resp.get("trailList", [])]


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _arn_field(arn: str, index: int) -> str:
    parts = arn.split(":")
    return parts[index] if len(parts) > index else ""


def trail_from_description(desc: Mapping[str, Any]) -> Trail:
    """Build a :class:`Trail` from one DescribeTrails entry (details not read yet)."""
    arn = str(desc["TrailARN"])
    return Trail(
        arn=arn,
        name=str(desc.get("Name") or arn.rsplit("/", 1)[-1]),
        home_region=str(desc.get("HomeRegion") or _arn_field(arn, 3)),
        owner_account_id=_arn_field(arn, 4),
        is_multi_region=bool(desc.get("IsMultiRegionTrail", False)),
        is_organization_trail=bool(desc.get("IsOrganizationTrail", False)),
        include_global_service_events=bool(desc.get("IncludeGlobalServiceEvents", True)),
        s3_bucket_name=_text(desc.get("S3BucketName")),
        cloudwatch_logs_log_group_arn=_text(desc.get("CloudWatchLogsLogGroupArn")),
        cloudwatch_logs_role_arn=_text(desc.get("CloudWatchLogsRoleArn")),
        kms_key_id=_text(desc.get("KmsKeyId")),
        log_file_validation_enabled=bool(desc.get("LogFileValidationEnabled", False)),
        has_custom_event_selectors=desc.get("HasCustomEventSelectors"),
        has_insight_selectors=desc.get("HasInsightSelectors"),
        raw=dict(desc),
    )


def parse_time(value: Any) -> datetime | None:
    """Parse a botocore timestamp, epoch number or ISO string to UTC; ``None`` if empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_trail_status(resp: Mapping[str, Any]) -> TrailStatus:
    """Build a :class:`TrailStatus` from GetTrailStatus (empty strings become ``None``)."""
    return TrailStatus(
        is_logging=bool(resp.get("IsLogging", False)),
        latest_delivery_time=parse_time(resp.get("LatestDeliveryTime")),
        latest_delivery_error=_text(resp.get("LatestDeliveryError")),
        latest_cloudwatch_logs_delivery_time=parse_time(
            resp.get("LatestCloudWatchLogsDeliveryTime")
        ),
        latest_cloudwatch_logs_delivery_error=_text(resp.get("LatestCloudWatchLogsDeliveryError")),
        time_logging_started=parse_time(resp.get("StartLoggingTime"))
        or parse_time(resp.get("TimeLoggingStarted")),
        time_logging_stopped=parse_time(resp.get("StopLoggingTime"))
        or parse_time(resp.get("TimeLoggingStopped")),
    )


def parse_event_selectors(resp: Mapping[str, Any]) -> EventSelectors:
    """Keep exactly the selector list GetEventSelectors returned (B.7 of the spec).

    Advanced selectors when the response has a non-empty ``AdvancedEventSelectors``. An
    empty ``AdvancedEventSelectors`` with no non-empty classic ``EventSelectors`` is
    "advanced selectors, none" (``advanced=[]``): the trail logs no events, which is not
    the classic default of a trail that never had selectors. Otherwise the classic
    ``EventSelectors`` when the key is present; otherwise neither.
    """
    advanced = resp.get("AdvancedEventSelectors")
    if advanced:
        return EventSelectors(advanced=[dict(s) for s in advanced], classic=None)
    if advanced is not None and not resp.get("EventSelectors"):
        return EventSelectors(advanced=[], classic=None)
    if "EventSelectors" in resp:
        return EventSelectors(
            advanced=None, classic=[dict(s) for s in resp.get("EventSelectors") or []]
        )
    return EventSelectors()


def get_trail_status(client: Any, trail_arn: str) -> TrailStatus:
    """Read GetTrailStatus for one trail (raises on failure)."""
    return parse_trail_status(client.get_trail_status(Name=trail_arn))


def get_event_selectors(client: Any, trail_arn: str) -> EventSelectors:
    """Read GetEventSelectors for one trail (raises on failure)."""
    return parse_event_selectors(client.get_event_selectors(TrailName=trail_arn))


def get_insight_selectors(client: Any, trail_arn: str) -> list[dict[str, Any]]:
    """Read GetInsightSelectors for one trail; ``[]`` when Insights are off (raises otherwise).

    The botocore ``cloudtrail`` model lists two answers that are not failures of the
    read: ``InsightNotEnabledException`` ("does not have Insights events enabled": no
    selectors, ``[]``) and ``UnsupportedOperationException`` (the operation is not
    supported: Insights are not available for this trail in its region). The latter is
    raised with its code so the caller records it: the trail then has no Insights
    selectors, and the Insights checks name it as unavailable
    (:attr:`~aiposture.snapshot.models.Trail.insights_unsupported`), not as a read error.
    """
    try:
        resp = client.get_insight_selectors(TrailName=trail_arn)
    except ClientError as exc:
        if client_error_code(exc) == INSIGHTS_NOT_ENABLED:
            return []
        raise  # UnsupportedOperationException included: recorded with its code
    return [dict(s) for s in resp.get("InsightSelectors") or []]


def get_event_configuration(client: Any, trail_arn: str) -> dict[str, Any]:
    """Read GetEventConfiguration for one trail, verbatim (raises on failure).

    Its ``AggregationConfigurations`` are the trail's event aggregation settings.
    """
    resp = client.get_event_configuration(TrailName=trail_arn)
    return {k: v for k, v in dict(resp).items() if k != "ResponseMetadata"}


def list_tags(client: Any, trail_arn: str) -> dict[str, str]:
    """Read the trail's tags with ListTags (raises on failure)."""
    resp = client.list_tags(ResourceIdList=[trail_arn])
    tags: dict[str, str] = {}
    for entry in resp.get("ResourceTagList") or []:
        if entry.get("ResourceId") in (None, trail_arn):
            for tag in entry.get("TagsList") or []:
                tags[str(tag.get("Key"))] = str(tag.get("Value") or "")
    return tags


OWNER_ONLY_OPERATIONS = (
    "GetEventSelectors",
    "GetInsightSelectors",
    "GetEventConfiguration",
    "ListTags",
)
"""The reads CloudTrail allows only the account that owns the trail: another account (a
member reading its organization's trail) gets CloudTrailARNInvalidException."""


def read_trail_details(client: Any, trail: Trail, account_id: str) -> None:
    """Fill ``trail``'s status and selectors; each failed call lands in ``trail.errors``.

    ``client`` must be a CloudTrail client in the trail's home region; ``account_id`` is
    the account whose credentials make the calls. A trail that another account owns (the
    account in its ARN: an organization trail seen from a member) gets only its status
    read: the :data:`OWNER_ONLY_OPERATIONS` are not called and ``owner_reads_skipped`` is
    set, so the rules take them from the owner account's copy or say where to read them.
    """

    def read(fn: Callable[[Any, str], T], operation: str) -> T | None:
        return record_call(
            trail.errors,
            partial(fn, client, trail.arn),
            service="cloudtrail",
            operation=operation,
            region=trail.home_region,
            account_id=account_id,
            resource=trail.arn,
        )

    trail.status = read(get_trail_status, "GetTrailStatus")
    if trail.owner_account_id and trail.owner_account_id != account_id:
        trail.owner_reads_skipped = True
        return
    trail.event_selectors = read(get_event_selectors, "GetEventSelectors")
    trail.insight_selectors = read(get_insight_selectors, "GetInsightSelectors")
    trail.aggregation = read(get_event_configuration, "GetEventConfiguration")
    trail.tags = read(list_tags, "ListTags")
