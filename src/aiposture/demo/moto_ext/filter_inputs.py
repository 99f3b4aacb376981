"""What a metric filter, subscription filter or Contributor Insights rule sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiposture.demo.moto_ext.common import patch

__all__ = ["patch_filter_inputs"]

_FILTER_EXTRAS = ("applyOnTransformedLogs", "fieldSelectionCriteria", "emitSystemFieldDimensions")
_SUBSCRIPTION_EXTRAS = ("applyOnTransformedLogs", "fieldSelectionCriteria", "emitSystemFields")
_CRITERIA_MAX = 2000
_SYSTEM_FIELDS = {
    "emitSystemFieldDimensions": frozenset({"@aws.account", "@aws.region"}),
    "emitSystemFields": frozenset({"@aws.account", "@aws.region", "@source.log"}),
}


def patch_filter_inputs() -> None:
    """Keep what a metric filter, subscription filter or Contributor Insights rule reads.

    Follows the botocore 1.44 models (``logs``: PutMetricFilterRequest, MetricFilter,
    PutSubscriptionFilterRequest, SubscriptionFilter; ``cloudwatch``: PutInsightRuleInput,
    InsightRule), where moto drops the fields:

    - ``fieldSelectionCriteria``: "Maximum length: 2000 characters" (model ``max: 2000``;
      botocore validates only minimums, so the service check is emulated here):
      InvalidParameterException beyond it.
    - ``emitSystemFieldDimensions``: "Valid values are @aws.account and @aws.region";
      ``emitSystemFields``: "@aws.account, @aws.region, and @source.log". Any other value
      is an InvalidParameterException.
    - ``applyOnTransformedLogs`` / ``ApplyOnTransformedLogs`` are stored and returned as
      given. The documentation says the filter flag "is valid only for log groups that have
      an active log transformer" without naming an error for other groups, and moto has no
      transformers, so no rejection is invented; aiposture never reads transformers and
      judges any filter with the flag set as unknown (ERROR), so this cannot flatter it.
    """
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.models import SubscriptionFilter
    from moto.logs.responses import LogsResponse

    original_put_filter: Callable[[Any], str] = LogsResponse.put_metric_filter
    original_put_subscription: Callable[[Any], str] = LogsResponse.put_subscription_filter
    original_subscription_json: Callable[[Any], dict[str, Any]] = SubscriptionFilter.to_json
    original_put_rule: Callable[[Any], Any] = CloudWatchResponse.put_insight_rule

    def extras(response: Any, names: tuple[str, ...]) -> dict[str, Any]:
        found = {n: response._get_param(n) for n in names}
        criteria = found.get("fieldSelectionCriteria")
        if isinstance(criteria, str) and len(criteria) > _CRITERIA_MAX:
            raise InvalidParameterException(
                constraint=f"Maximum length of {_CRITERIA_MAX}.",
                parameter="fieldSelectionCriteria",
                value=criteria,
            )
        for name, allowed in _SYSTEM_FIELDS.items():
            bad = [v for v in found.get(name) or [] if v not in allowed]
            if bad:
                raise InvalidParameterException(
                    constraint=f"Valid values are {', '.join(sorted(allowed))}.",
                    parameter=name,
                    value=str(bad[0]),
                )
        return {k: v for k, v in found.items() if v is not None}

    def put_metric_filter(self: Any) -> str:
        more = extras(self, _FILTER_EXTRAS)
        result = original_put_filter(self)
        name, group = self._get_param("filterName"), self._get_param("logGroupName")
        for entry in self.logs_backend.filters.metric_filters:
            if (entry["logGroupName"], entry["filterName"]) == (group, name):
                entry.update(more)
        return result

    def put_subscription_filter(self: Any) -> str:
        more = extras(self, _SUBSCRIPTION_EXTRAS)
        result = original_put_subscription(self)
        group = self.logs_backend.groups[self._get_param("logGroupName")]
        for item in group.describe_subscription_filters():
            if item.name == self._get_param("filterName"):
                item.aiposture_extras = more
        return result

    def subscription_json(self: Any) -> dict[str, Any]:
        return {**original_subscription_json(self), **getattr(self, "aiposture_extras", {})}

    def put_insight_rule(self: Any) -> Any:
        result = original_put_rule(self)
        rule = self.cloudwatch_backend.insight_rules[self._get_param("RuleName")]
        rule.aiposture_transformed = self._get_param("ApplyOnTransformedLogs")
        return result

    def describe_insight_rules(self: Any) -> Any:
        from moto.core.responses import ActionResult

        rules = [
            {
                "Name": r.name,
                "State": r.state,
                "Schema": r.schema,
                "Definition": r.definition,
                "ManagedRule": r.managed_rule,
                **(
                    {"ApplyOnTransformedLogs": r.aiposture_transformed}
                    if getattr(r, "aiposture_transformed", None) is not None
                    else {}
                ),
            }
            for r in self.cloudwatch_backend.describe_insight_rules()
        ]
        return ActionResult({"InsightRules": rules})

    patch(LogsResponse, "put_metric_filter", put_metric_filter)
    patch(LogsResponse, "put_subscription_filter", put_subscription_filter)
    patch(SubscriptionFilter, "to_json", subscription_json)
    patch(CloudWatchResponse, "put_insight_rule", put_insight_rule)
    patch(CloudWatchResponse, "describe_insight_rules", describe_insight_rules)
