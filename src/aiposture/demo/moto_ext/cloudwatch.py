"""CloudWatch: composite alarms, global dashboards and Contributor Insights rule states."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiposture.demo.moto_ext.common import patch

__all__ = ["patch_cloudwatch", "patch_global_dashboards", "patch_insight_rules"]

_INSIGHT_RULE_STATES = ("ENABLED", "DISABLED")


def patch_cloudwatch() -> None:
    """CloudWatch composite alarms.

    CloudWatch PutCompositeAlarm (botocore ``cloudwatch`` model, PutCompositeAlarmInput;
    DescribeAlarms then returns the alarm under ``CompositeAlarms`` with its ``AlarmRule``,
    DescribeAlarmsOutput). moto has no composite alarms.
    """
    from moto.cloudwatch.responses import CloudWatchResponse

    def put_composite_alarm(self: Any) -> Any:
        # moto's PutMetricAlarm already reads AlarmRule; it marks a composite alarm.
        result = self.put_metric_alarm()
        name = self._get_param("AlarmName")
        alarm = self.cloudwatch_backend.alarms[name]
        alarm.alarm_rule = alarm.rule
        alarm.alarm_description = self._get_param("AlarmDescription")
        return result

    patch(CloudWatchResponse, "put_composite_alarm", put_composite_alarm)


_DASHBOARDS_ATTR = "_aiposture_dashboards"
_DASHBOARD_HOME = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
"""The region whose moto backend holds an account's dashboards, per partition."""


def patch_global_dashboards() -> None:
    """CloudWatch dashboards are global: every region endpoint lists the same ones.

    AWS: a dashboard's ARN has no region (``arn:${Partition}:cloudwatch::${Account}:
    dashboard/${DashboardName}``, Service Authorization Reference for CloudWatch; moto
    builds the same ARN), one dashboard shows widgets of many regions (CloudWatch User
    Guide, cloudwatch_xaxr_dashboard.html), and ListDashboards/GetDashboard answer the
    same from any region endpoint of the partition. moto keeps dashboards per region
    backend; here every region backend of an account shares the dashboards of one region
    of its partition (:data:`_DASHBOARD_HOME`).
    """
    from moto.cloudwatch.models import CloudWatchBackend, cloudwatch_backends
    from moto.utilities.utils import get_partition

    def get(self: Any) -> dict[str, Any]:
        home = _DASHBOARD_HOME.get(get_partition(self.region_name), self.region_name)
        owner = self if home == self.region_name else cloudwatch_backends[self.account_id][home]
        found: dict[str, Any] = owner.__dict__.setdefault(_DASHBOARDS_ATTR, {})
        return found

    def put(self: Any, value: dict[str, Any]) -> None:
        if value:  # moto's __init__ assigns {}: the account's dashboards stay as they are
            get(self).update(value)

    patch(CloudWatchBackend, "dashboards", property(get, put))  # type: ignore[arg-type]


# --- CloudWatch Contributor Insights ---------------------------------------------------


def patch_insight_rules() -> None:
    """CloudWatch Contributor Insights rule states.

    CloudWatch PutInsightRule's ``RuleState`` (botocore ``cloudwatch`` model,
    PutInsightRuleInput: "the state of the rule. Valid values are ENABLED and DISABLED",
    ENABLED when omitted). moto stores no state, so DescribeInsightRules omitted ``State``.
    """
    from moto.cloudwatch.exceptions import InvalidParameterValue
    from moto.cloudwatch.models import CloudWatchBackend

    original: Callable[..., Any] = CloudWatchBackend.put_insight_rule

    def put_insight_rule(self: Any, name: str, state: str | None, **kwargs: Any) -> Any:
        state = state or "ENABLED"
        if state not in _INSIGHT_RULE_STATES:
            raise InvalidParameterValue(f"RuleState must be one of {list(_INSIGHT_RULE_STATES)}.")
        return original(self, name=name, state=state, **kwargs)

    patch(CloudWatchBackend, "put_insight_rule", put_insight_rule)
