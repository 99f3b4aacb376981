"""CloudWatch log alarms (alarms on a scheduled Logs Insights query) and AlarmTypes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiposture.demo.moto_ext.common import patch

__all__ = ["patch_log_alarms"]

_LOG_ALARMS_ATTR = "_aiposture_log_alarms"
_LOG_ALARM_FIELDS = (
    "AlarmDescription",
    "ScheduledQueryConfiguration",
    "ActionLogLineCount",
    "ActionLogLineRoleArn",
    "ActionsEnabled",
    "OKActions",
    "AlarmActions",
    "InsufficientDataActions",
    "QueryResultsToEvaluate",
    "QueryResultsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
)
_LOG_ALARM_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")
_LOG_ALARM_MAX_RESULTS = 100
_ALARM_ACTIONS_MAX = 5


def patch_log_alarms() -> None:
    """CloudWatch log alarms (moto has none), as the botocore 1.44 ``cloudwatch`` model says.

    - ``PutLogAlarm`` creates or replaces ("If you call this operation with the name of an
      existing log alarm, the operation replaces the previous configuration") and checks what
      the service documents and botocore does not validate client-side:
      ``QueryResultsToEvaluate`` "Valid range is 1 through 100"; ``QueryResultsToAlarm``
      "Must be less than or equal to QueryResultsToEvaluate"; ``TreatMissingData`` "Valid
      values are breaching, notBreaching, ignore, and missing"; ``EndTimeOffset`` "Must be
      non-negative and less than StartTimeOffset"; each action list ``max: 5``
      (InvalidParameterValue). The name "must be unique within the Amazon Web Services
      account and Region": a metric or composite alarm of that name is a ResourceConflict,
      the error the operation lists.
    - ``ScheduledQueryConfiguration.QueryARN`` "is populated in DescribeAlarms responses".
    - ``DescribeAlarms``: "If you omit this parameter [AlarmTypes], only metric alarms are
      returned, even if composite alarms or log alarms exist" (moto returns both metric and
      composite alarms always); ``LogAlarm`` adds ``LogAlarms``, filtered by the same
      ``AlarmNames``, ``AlarmNamePrefix``, ``StateValue`` and ``ActionPrefix`` as the others.
    """
    from moto.cloudwatch.exceptions import CloudWatchException, InvalidParameterValue
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import utcnow
    from moto.utilities.utils import get_partition

    original_describe: Callable[[Any], Any] = CloudWatchResponse.describe_alarms

    def log_alarms(backend: Any) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] | None = getattr(backend, _LOG_ALARMS_ATTR, None)
        if found is None:
            found = {}
            setattr(backend, _LOG_ALARMS_ATTR, found)
        return found

    def check(alarm: dict[str, Any]) -> None:
        evaluate = int(alarm.get("QueryResultsToEvaluate") or 0)
        if not 1 <= evaluate <= _LOG_ALARM_MAX_RESULTS:
            raise InvalidParameterValue("QueryResultsToEvaluate must be between 1 and 100.")
        if int(alarm.get("QueryResultsToAlarm") or 0) > evaluate:
            raise InvalidParameterValue(
                "QueryResultsToAlarm must be less than or equal to QueryResultsToEvaluate."
            )
        missing = alarm.get("TreatMissingData")
        if missing is not None and missing not in _LOG_ALARM_MISSING_DATA:
            raise InvalidParameterValue(f"Invalid value {missing!r} for TreatMissingData.")
        schedule = (alarm.get("ScheduledQueryConfiguration") or {}).get(
            "ScheduleConfiguration"
        ) or {}
        end = int(schedule.get("EndTimeOffset") or 0)
        if end >= int(schedule.get("StartTimeOffset") or 0):
            raise InvalidParameterValue("EndTimeOffset must be less than StartTimeOffset.")
        for key in ("OKActions", "AlarmActions", "InsufficientDataActions"):
            if len(alarm.get(key) or []) > _ALARM_ACTIONS_MAX:
                raise InvalidParameterValue(f"{key} can have at most 5 actions.")

    def put_log_alarm(self: Any) -> Any:
        backend = self.cloudwatch_backend
        name = self._get_param("AlarmName")
        if name in backend.alarms:
            raise CloudWatchException("ResourceConflict", f"An alarm named {name} already exists.")
        partition = get_partition(backend.region_name)
        alarm: dict[str, Any] = {
            "AlarmName": name,
            "AlarmArn": f"arn:{partition}:cloudwatch:{backend.region_name}:"
            f"{backend.account_id}:alarm:{name}",
            "StateValue": "INSUFFICIENT_DATA",
            "StateUpdatedTimestamp": utcnow(),
            "AlarmConfigurationUpdatedTimestamp": utcnow(),
            "ActionsEnabled": True,
        }
        for key in _LOG_ALARM_FIELDS:
            value = self._get_param(key)
            if value is not None:
                alarm[key] = value
        check(alarm)
        config = dict(alarm.get("ScheduledQueryConfiguration") or {})
        config["QueryARN"] = (
            f"arn:{partition}:logs:{backend.region_name}:{backend.account_id}:scheduled-query:"
            f"cloudwatch-alarm-{name}"
        )
        alarm["ScheduledQueryConfiguration"] = config
        log_alarms(backend)[name] = alarm
        return EmptyResult()

    def selected(self: Any, alarms: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = self._get_param("AlarmNames") or []
        prefix = self._get_param("AlarmNamePrefix")
        state = self._get_param("StateValue")
        action = self._get_param("ActionPrefix")
        return [
            a
            for a in alarms
            if (not names or a["AlarmName"] in names)
            and (not prefix or a["AlarmName"].startswith(prefix))
            and (not state or a["StateValue"] == state)
            and (
                not action
                or any(
                    str(x).startswith(action)
                    for k in ("OKActions", "AlarmActions", "InsufficientDataActions")
                    for x in a.get(k) or []
                )
            )
        ]

    def describe_alarms(self: Any) -> Any:
        result = original_describe(self)
        types = self._get_param("AlarmTypes") or ["MetricAlarm"]
        out = dict(result.result)
        if "MetricAlarm" not in types:
            out["MetricAlarms"] = []
        if "CompositeAlarm" not in types:
            out["CompositeAlarms"] = []
        if "LogAlarm" in types:
            out["LogAlarms"] = selected(self, list(log_alarms(self.cloudwatch_backend).values()))
        return ActionResult(out)

    patch(CloudWatchResponse, "put_log_alarm", put_log_alarm)
    patch(CloudWatchResponse, "describe_alarms", describe_alarms)
