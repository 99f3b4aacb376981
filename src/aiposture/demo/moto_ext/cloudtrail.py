"""CloudTrail trails as AWS answers for them: status, selectors, event configuration.

:func:`set_trail_delivery` overrides what ``GetTrailStatus`` reports for one trail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiposture.demo.moto_ext.common import epoch, iso, naive_utc, patch, utcnow
from aiposture.demo.moto_ext.org_trails import owner_read_trail

__all__ = [
    "patch_cloudtrail",
    "patch_event_configuration",
    "set_trail_delivery",
    "set_trail_logging_times",
]

_DELIVERY_ATTR = "_aiposture_delivery"
_EVENT_CONFIG_ATTR = "_aiposture_event_configuration"
_AGGREGATION_TEMPLATES = ("API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS")


def set_trail_delivery(
    account_id: str,
    region: str,
    trail_name: str,
    *,
    cloudwatch_delivery_time: datetime | None = None,
    cloudwatch_delivery_error: str | None = None,
    delivery_time: datetime | None = None,
    delivery_error: str | None = None,
) -> None:
    """Override what ``GetTrailStatus`` reports for one trail (only the arguments given).

    Without overrides a logging trail reports S3 delivery now and, when it has a
    CloudWatch Logs log group, CloudWatch Logs delivery now, with no errors. The moto
    backend must run in this process (``mock_aws()`` or ``ThreadedMotoServer``).
    """
    from moto.cloudtrail.models import cloudtrail_backends

    trail = cloudtrail_backends[account_id][region].get_trail(trail_name)
    overrides: dict[str, Any] = getattr(trail, _DELIVERY_ATTR, {})
    given = {
        "cloudwatch_delivery_time": cloudwatch_delivery_time,
        "cloudwatch_delivery_error": cloudwatch_delivery_error,
        "delivery_time": delivery_time,
        "delivery_error": delivery_error,
    }
    overrides.update({k: v for k, v in given.items() if v is not None})
    setattr(trail, _DELIVERY_ATTR, overrides)


def set_trail_logging_times(
    account_id: str,
    region: str,
    trail_name: str,
    *,
    started: datetime | None,
    stopped: datetime | None,
) -> None:
    """Set when the trail last started and last stopped logging, as ``GetTrailStatus`` tells.

    GetTrailStatusResponse (botocore ``cloudtrail`` model 2013-11-01): ``StartLoggingTime``
    "Specifies the most recent date and time when CloudTrail started recording API calls",
    ``StopLoggingTime`` "... stopped recording API calls". moto stamps both with the moment of
    the StartLogging/StopLogging call; a demo or test that records an event history
    (:mod:`.cloudtrail_lookup_events`) sets them to the times of its last ``StartLogging`` and
    ``StopLogging`` events so the two sources agree. ``None`` means the trail never did so.
    Whether the trail logs now is not changed, and the times must agree with it: a logging
    trail has a start time not before its stop time, a stopped one a stop time not before its
    start time. The backend must run in this process.
    """
    from moto.cloudtrail.models import cloudtrail_backends

    status = cloudtrail_backends[account_id][region].get_trail(trail_name).status
    start = naive_utc(started) if started is not None else None
    stop = naive_utc(stopped) if stopped is not None else None
    if status.is_logging and (start is None or (stop is not None and stop > start)):
        raise ValueError(
            f"trail {trail_name} is logging: it needs a start time after its last stop"
        )
    if not status.is_logging and stop is not None and start is not None and start > stop:
        raise ValueError(f"trail {trail_name} is stopped: its last stop must follow its start")
    status.started, status.stopped = start, stop


def _trail_status(trail: Any) -> dict[str, Any]:
    """GetTrailStatus as AWS writes it: fields are present only when they have a value.

    botocore ``cloudtrail`` model, GetTrailStatusResponse: every member is optional, and the
    CloudTrail API Reference (GetTrailStatus) documents the ``*Time`` and ``Latest*`` members
    as describing the most recent start, stop and delivery, so a trail that never started
    has only ``IsLogging``; moto writes the attempt members as empty strings and a delivery
    time on every call of a logging trail. A trail that was stopped and started again keeps
    its ``StopLoggingTime``: the AWS CLI Command Reference's ``get-trail-status`` example
    answers ``"IsLogging": true`` with both ``StartLoggingTime`` and ``StopLoggingTime``.
    """
    status = trail.status
    overrides: dict[str, Any] = getattr(trail, _DELIVERY_ATTR, {})
    out: dict[str, Any] = {"IsLogging": bool(status.is_logging)}
    if status.started:
        out["StartLoggingTime"] = epoch(status.started)
        out["TimeLoggingStarted"] = iso(status.started)
    if status.stopped:
        out["StopLoggingTime"] = epoch(status.stopped)
        out["TimeLoggingStopped"] = iso(status.stopped)
    if not status.started:
        return out
    last = utcnow() if status.is_logging else (status.stopped or status.started)
    delivered: datetime = overrides.get("delivery_time", last)
    out["LatestDeliveryTime"] = epoch(delivered)
    out["LatestDeliveryAttemptTime"] = iso(delivered)
    if overrides.get("delivery_error"):
        out["LatestDeliveryError"] = overrides["delivery_error"]
    else:
        out["LatestDeliveryAttemptSucceeded"] = iso(delivered)
    if trail.log_validation:
        out["LatestDigestDeliveryTime"] = epoch(delivered)
    if trail.cw_log_group_arn:
        cw_time: datetime = overrides.get("cloudwatch_delivery_time", last)
        out["LatestCloudWatchLogsDeliveryTime"] = epoch(cw_time)
        if overrides.get("cloudwatch_delivery_error"):
            out["LatestCloudWatchLogsDeliveryError"] = overrides["cloudwatch_delivery_error"]
    return out


_DEFAULT_CLASSIC_SELECTORS = [
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [],
        "ExcludeManagementEventSources": [],
    }
]


def patch_cloudtrail() -> None:
    """CloudTrail trails as AWS answers for them (botocore ``cloudtrail`` model 2013-11-01).

    - GetTrailStatus: ``LatestDeliveryTime``, ``LatestCloudWatchLogsDeliveryTime`` and
      ``LatestCloudWatchLogsDeliveryError`` are timestamps and strings of
      GetTrailStatusResponse, absent when unknown (never empty strings, as moto wrote).
    - DescribeTrails/GetTrail: ``HasCustomEventSelectors`` and ``HasInsightSelectors`` are
      the Trail shape's booleans "Specifies if the trail has custom event selectors" / "has
      insight types specified" (moto hard-codes False).
    - PutEventSelectors: "You can use either AdvancedEventSelectors or EventSelectors, but
      not both. If you apply AdvancedEventSelectors to a trail, any existing EventSelectors
      are overwritten" (PutEventSelectorsRequest docs); GetEventSelectors returns the kind
      in use, and a new trail has the default selector (CloudTrail User Guide, "Logging
      management events": trails log all management events by default).
    - PutInsightSelectors replaces the trail's selectors; GetInsightSelectors raises
      InsightNotEnabledException (in the operation's error list) when Insights are off.
    """
    from moto.cloudtrail.exceptions import InvalidParameterCombinationException
    from moto.cloudtrail.models import Trail
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError

    original_description: Callable[..., dict[str, Any]] = Trail.description

    def description(self: Any, include_region: bool = False) -> dict[str, Any]:
        desc = original_description(self, include_region=include_region)
        desc["HasCustomEventSelectors"] = bool(
            self.event_selectors or self.advanced_event_selectors
        )
        desc["HasInsightSelectors"] = bool(self.insight_selectors)
        return {k: v for k, v in desc.items() if v is not None}

    def put_event_selectors(
        self: Any,
        event_selectors: list[dict[str, Any]] | None,
        advanced_event_selectors: list[dict[str, Any]] | None,
    ) -> None:
        if advanced_event_selectors is not None:
            self.advanced_event_selectors = list(advanced_event_selectors)
            self.event_selectors = []
        else:
            self.event_selectors = list(event_selectors or [])
            self.advanced_event_selectors = []

    def put_insight_selectors(self: Any, insight_selectors: list[dict[str, Any]]) -> None:
        self.insight_selectors = list(insight_selectors)

    def find_trail(response: Any, name: str) -> Any:
        backend = response.cloudtrail_backend
        backend.get_trail_status(name)  # raises TrailNotFoundException like moto does
        trails = backend.describe_trails(include_shadow_trails=True)
        return next(t for t in trails if name in (t.trail_name, t.arn))

    def r_get_trail_status(self: Any) -> str:
        trail = find_trail(self, self._get_param("Name"))
        return json.dumps(_trail_status(trail))

    def r_put_event_selectors(self: Any) -> str:
        params = json.loads(self.body)
        classic = params.get("EventSelectors")
        advanced = params.get("AdvancedEventSelectors")
        if classic is not None and advanced is not None:
            raise InvalidParameterCombinationException(
                "You cannot use EventSelectors and AdvancedEventSelectors in the same request."
            )
        trail = self.cloudtrail_backend.get_trail(params.get("TrailName"))
        trail.put_event_selectors(classic, advanced)
        key = "AdvancedEventSelectors" if advanced is not None else "EventSelectors"
        return json.dumps(
            {"TrailARN": trail.arn, key: advanced if advanced is not None else classic}
        )

    def r_get_event_selectors(self: Any) -> str:
        params = json.loads(self.body)
        trail = owner_read_trail(self.cloudtrail_backend, params.get("TrailName"))
        if trail.advanced_event_selectors:
            return json.dumps(
                {"TrailARN": trail.arn, "AdvancedEventSelectors": trail.advanced_event_selectors}
            )
        classic = trail.event_selectors or _DEFAULT_CLASSIC_SELECTORS
        return json.dumps({"TrailARN": trail.arn, "EventSelectors": classic})

    def r_get_insight_selectors(self: Any) -> str:
        trail = owner_read_trail(self.cloudtrail_backend, self._get_param("TrailName"))
        if not trail.insight_selectors:
            raise JsonRESTError(
                "InsightNotEnabledException",
                f"Trail {trail.arn} does not have Insights enabled. Edit the trail settings "
                "to enable Insights, and then try the operation again.",
            )
        return json.dumps({"TrailARN": trail.arn, "InsightSelectors": trail.insight_selectors})

    patch(Trail, "description", description)
    patch(Trail, "put_event_selectors", put_event_selectors)
    patch(Trail, "put_insight_selectors", put_insight_selectors)
    patch(CloudTrailResponse, "get_trail_status", r_get_trail_status)
    patch(CloudTrailResponse, "put_event_selectors", r_put_event_selectors)
    patch(CloudTrailResponse, "get_event_selectors", r_get_event_selectors)
    patch(CloudTrailResponse, "get_insight_selectors", r_get_insight_selectors)


# --- CloudTrail event configuration (aggregation) --------------------------------------


def patch_event_configuration() -> None:
    """CloudTrail event configuration (aggregation) for trails.

    CloudTrail PutEventConfiguration/GetEventConfiguration for trails (event
    aggregation): botocore ``cloudtrail`` model 2013-11-01, PutEventConfigurationRequest
    (``AggregationConfigurations`` with templates API_ACTIVITY, RESOURCE_ACCESS,
    USER_ACTIONS) and GetEventConfigurationResponse. moto has neither operation.
    """
    from moto.cloudtrail.exceptions import InvalidParameterCombinationException
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError

    def trail_of(response: Any, params: dict[str, Any], *, read: bool) -> Any:
        if params.get("EventDataStore"):
            raise InvalidParameterCombinationException(
                "aiposture's moto extension supports trails only, not event data stores."
            )
        backend = response.cloudtrail_backend
        name = str(params.get("TrailName") or "")
        return owner_read_trail(backend, name) if read else backend.get_trail(name)

    def r_put_event_configuration(self: Any) -> str:
        params = json.loads(self.body)
        trail = trail_of(self, params, read=False)
        configs = params.get("AggregationConfigurations") or []
        for config in configs:
            templates = config.get("Templates") or []
            if (
                config.get("EventCategory") != "Data"
                or not templates
                or any(t not in _AGGREGATION_TEMPLATES for t in templates)
            ):
                raise JsonRESTError(
                    "InvalidParameterException",
                    "AggregationConfigurations: EventCategory must be Data and Templates "
                    f"one or more of {list(_AGGREGATION_TEMPLATES)}.",
                )
        setattr(trail, _EVENT_CONFIG_ATTR, [dict(c) for c in configs])
        return json.dumps({"TrailARN": trail.arn, "AggregationConfigurations": configs})

    def r_get_event_configuration(self: Any) -> str:
        trail = trail_of(self, json.loads(self.body), read=True)
        configs = getattr(trail, _EVENT_CONFIG_ATTR, [])
        return json.dumps({"TrailARN": trail.arn, "AggregationConfigurations": configs})

    patch(CloudTrailResponse, "put_event_configuration", r_put_event_configuration)
    patch(CloudTrailResponse, "get_event_configuration", r_get_event_configuration)
