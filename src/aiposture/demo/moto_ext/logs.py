"""CloudWatch Logs: log group classes, metric filters in place, saved queries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiposture.demo.moto_ext.common import epoch, naive_utc, patch, utcnow

__all__ = ["patch_logs", "patch_query_definitions", "set_logs_creation_time"]

_LOG_GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS")
_QUERY_DEFINITIONS_ATTR = "_aiposture_query_definitions"
_QUERY_LANGUAGES = ("CWLI", "SQL", "PPL")


def patch_logs() -> None:
    """CloudWatch Logs groups and metric filters as AWS keeps them (botocore ``logs`` model).

    - CreateLogGroup/DescribeLogGroups: ``logGroupClass`` (LogGroupClass enum STANDARD,
      INFREQUENT_ACCESS, DELIVERY, ESSENTIALS; STANDARD when none is given, "If you omit
      this parameter, the default of STANDARD is used").
    - PutMetricFilter "Creates or updates a metric filter" (API Reference): a filter of the
      same name on the same log group is replaced in place, not appended.
    - DescribeMetricFilters ``creationTime`` (``MetricFilter.creationTime``, "The creation
      time of the metric filter, expressed as the number of milliseconds after Jan 1, 1970
      00:00:00 UTC"; moto keeps none): stamped when PutMetricFilter creates the filter and
      kept when it updates it, since an update does not create the filter again.
    """
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.metric_filters import MetricFilters
    from moto.logs.models import LogGroup
    from moto.logs.responses import LogsResponse

    original_create: Callable[[Any], str] = LogsResponse.create_log_group
    original_describe: Callable[[Any], dict[str, Any]] = LogGroup.to_describe_dict

    def create_log_group(self: Any) -> str:
        log_class = self._get_param("logGroupClass") or "STANDARD"
        if log_class not in _LOG_GROUP_CLASSES:
            raise InvalidParameterException(
                constraint=f"Member must satisfy enum value set: {list(_LOG_GROUP_CLASSES)}",
                parameter="logGroupClass",
                value=log_class,
            )
        result = original_create(self)
        group = self.logs_backend.groups[self._get_param("logGroupName")]
        group.log_group_class = log_class
        return result

    def to_describe_dict(self: Any) -> dict[str, Any]:
        desc = original_describe(self)
        desc["logGroupClass"] = getattr(self, "log_group_class", "STANDARD")
        return desc

    def add_filter(
        self: Any,
        filter_name: str,
        filter_pattern: str,
        log_group_name: str,
        metric_transformations: Any,
        **extra: Any,
    ) -> None:
        new: dict[str, Any] = {
            "filterName": filter_name,
            "filterPattern": filter_pattern,
            "logGroupName": log_group_name,
            "metricTransformations": metric_transformations,
            **{k: v for k, v in extra.items() if v is not None},
            "creationTime": int(epoch(utcnow()) * 1000),
        }
        for i, existing in enumerate(self.metric_filters):
            if (existing["logGroupName"], existing["filterName"]) == (log_group_name, filter_name):
                new["creationTime"] = existing.get("creationTime", new["creationTime"])
                self.metric_filters[i] = new
                return
        self.metric_filters.append(new)

    patch(LogsResponse, "create_log_group", create_log_group)
    patch(LogGroup, "to_describe_dict", to_describe_dict)
    patch(MetricFilters, "add_filter", add_filter)


def set_logs_creation_time(account_id: str, region: str, created: datetime) -> None:
    """Date every log group, metric filter and subscription filter of a region to ``created``.

    DescribeLogGroups ``LogGroup.creationTime`` "The creation time of the log group",
    DescribeMetricFilters ``MetricFilter.creationTime`` "The creation time of the metric
    filter" and DescribeSubscriptionFilters ``SubscriptionFilter.creationTime`` "The creation
    time of the subscription filter" (botocore ``logs`` model 2014-03-28, each in
    milliseconds after the epoch). moto stamps them with the moment the seeding created
    them; a demo or test that tells an event history
    (:mod:`.cloudtrail_lookup_events`) dates the resources its history does not create
    before that history, so the two sources agree. A resource created before ``created`` is
    left as it is. The backend must run in this process.
    """
    from moto.logs.models import logs_backends

    backend = logs_backends[account_id][region]
    when = naive_utc(created)
    millis = int(epoch(when) * 1000)
    for group in backend.groups.values():
        group.creation_time = min(group.creation_time, when)
        for sub in group.subscription_filters.values():
            sub.creation_time = min(sub.creation_time, when)
    for found in backend.filters.metric_filters:
        found["creationTime"] = min(int(found.get("creationTime", millis)), millis)


# --- CloudWatch Logs query definitions -------------------------------------------------


def patch_query_definitions() -> None:
    """CloudWatch Logs saved queries (query definitions).

    CloudWatch Logs saved queries: PutQueryDefinition, DescribeQueryDefinitions and
    DeleteQueryDefinition (botocore ``logs`` model: PutQueryDefinitionRequest with
    ``queryLanguage`` CWLI, SQL or PPL; DescribeQueryDefinitionsRequest filters on
    ``queryLanguage`` and ``queryDefinitionNamePrefix``, ``maxResults`` 1-1000). moto has none.
    """
    import uuid

    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
    from moto.logs.responses import LogsResponse

    def store(response: Any) -> dict[str, dict[str, Any]]:
        backend = response.logs_backend
        found: dict[str, dict[str, Any]] | None = getattr(backend, _QUERY_DEFINITIONS_ATTR, None)
        if found is None:
            found = {}
            setattr(backend, _QUERY_DEFINITIONS_ATTR, found)
        return found

    def put_query_definition(self: Any) -> str:
        definitions = store(self)
        definition_id = self._get_param("queryDefinitionId") or str(uuid.uuid4())
        if self._get_param("queryDefinitionId") and definition_id not in definitions:
            raise ResourceNotFoundException("The specified query definition does not exist.")
        definition: dict[str, Any] = {
            "queryDefinitionId": definition_id,
            "name": self._get_param("name"),
            "queryString": self._get_param("queryString"),
            "lastModified": int(epoch(utcnow()) * 1000),
        }
        language = self._get_param("queryLanguage") or "CWLI"
        if language not in _QUERY_LANGUAGES:
            raise InvalidParameterException(
                constraint=f"Member must satisfy enum value set: {list(_QUERY_LANGUAGES)}",
                parameter="queryLanguage",
                value=language,
            )
        definition["queryLanguage"] = language
        if self._get_param("logGroupNames"):
            definition["logGroupNames"] = list(self._get_param("logGroupNames"))
        definitions[definition_id] = definition
        return json.dumps({"queryDefinitionId": definition_id})

    def describe_query_definitions(self: Any) -> str:
        prefix = self._get_param("queryDefinitionNamePrefix") or ""
        limit = int(self._get_param("maxResults") or 1000)
        start = int(self._get_param("nextToken") or 0)
        language = self._get_param("queryLanguage")
        matching = sorted(
            (
                d
                for d in store(self).values()
                if str(d["name"]).startswith(prefix)
                and (not language or d["queryLanguage"] == language)
            ),
            key=lambda d: (str(d["name"]), str(d["queryDefinitionId"])),
        )
        page = matching[start : start + limit]
        out: dict[str, Any] = {"queryDefinitions": page}
        if start + limit < len(matching):
            out["nextToken"] = str(start + limit)
        return json.dumps(out)

    def delete_query_definition(self: Any) -> str:
        removed = store(self).pop(self._get_param("queryDefinitionId"), None)
        return json.dumps({"success": removed is not None})

    patch(LogsResponse, "put_query_definition", put_query_definition)
    patch(LogsResponse, "describe_query_definitions", describe_query_definitions)
    patch(LogsResponse, "delete_query_definition", delete_query_definition)
