"""The detection layer, read as evidence: what turns logged events into signals.

Per region: CloudWatch Logs metric and subscription filters on the log groups the scan
read (with ``fieldSelectionCriteria`` and ``applyOnTransformedLogs`` as AWS returns them),
CloudWatch metric, composite and log alarms, the SNS topics those alarms notify,
Contributor Insights rules, saved Logs Insights queries (once per query language) and
GuardDuty detectors. Payloads are kept verbatim (timestamps as ISO strings, no
``ResponseMetadata``). Every failed call is recorded in the region's ``errors``.

Per account: the CloudWatch dashboards (:func:`read_account_dashboards`), which are not
regional resources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from aiposture.collect.recorder import record_call
from aiposture.snapshot.models import AccountSnapshot, RegionSnapshot, SnsTopic

ClientFor = Callable[[str, str], Any]
"""``(botocore service name, region) -> client``."""

ALARM_TYPES = ["MetricAlarm", "CompositeAlarm", "LogAlarm"]
"""DescribeAlarms returns only metric alarms unless other types are asked for (botocore
``cloudwatch`` model: ``AlarmTypes`` enum CompositeAlarm, MetricAlarm, LogAlarm)."""

QUERY_LANGUAGES = ("CWLI", "SQL", "PPL")
"""The ``queryLanguage`` values DescribeQueryDefinitions is asked for, one request each
(botocore ``logs`` model 1.44: ``DescribeQueryDefinitionsRequest.queryLanguage``, enum
``QueryLanguage``). The API reference documents no default for a request without it, so
a request without it may return Logs Insights QL definitions only."""

ALARM_ACTION_KEYS = ("AlarmActions", "OKActions", "InsufficientDataActions")
"""The alarm fields that hold action ARNs."""


def plain(value: Any) -> Any:
    """Make an API payload JSON-plain: datetimes become ISO strings, no ``ResponseMetadata``."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _items(pages: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [plain(item) for page in pages for item in page.get(key) or []]


def _token_pages(
    call: Callable[..., dict[str, Any]], token_key: str, **kwargs: Any
) -> Iterable[dict[str, Any]]:
    """Pages of an operation that botocore has no paginator for (largest page size asked)."""
    token: str | None = None
    while True:
        page = call(**kwargs, **({token_key: token} if token else {}))
        yield page
        token = page.get(token_key)
        if not token:
            return


# --- single reads (each raises on failure) ---------------------------------------------


def metric_filters(client: Any, log_group: str) -> list[dict[str, Any]]:
    """Logs DescribeMetricFilters for one log group."""
    pages = client.get_paginator("describe_metric_filters").paginate(
        logGroupName=log_group, PaginationConfig={"PageSize": 50}
    )
    return _items(pages, "metricFilters")


def subscription_filters(client: Any, log_group: str) -> list[dict[str, Any]]:
    """Logs DescribeSubscriptionFilters for one log group."""
    pages = client.get_paginator("describe_subscription_filters").paginate(
        logGroupName=log_group, PaginationConfig={"PageSize": 50}
    )
    return _items(pages, "subscriptionFilters")


def query_definitions(client: Any, language: str) -> list[dict[str, Any]]:
    """Logs DescribeQueryDefinitions for one ``queryLanguage`` (paginated by ``nextToken``).

    A definition that does not state its language gets the one asked for: it is what
    AWS answered that request with.
    """
    pages = _token_pages(
        client.describe_query_definitions, "nextToken", maxResults=1000, queryLanguage=language
    )
    found = _items(pages, "queryDefinitions")
    for definition in found:
        definition.setdefault("queryLanguage", language)
    return found


def merge_query_definitions(
    per_language: Iterable[list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The definitions of every language, once each by ``queryDefinitionId`` (first wins)."""
    merged: dict[str, dict[str, Any]] = {}
    for found in per_language:
        for definition in found:
            merged.setdefault(str(definition.get("queryDefinitionId")), definition)
    return list(merged.values())


def alarms(
    client: Any,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """CloudWatch DescribeAlarms for every alarm type: (metric, composite, log alarms)."""
    paginator = client.get_paginator("describe_alarms")
    pages = list(paginator.paginate(AlarmTypes=ALARM_TYPES, PaginationConfig={"PageSize": 100}))
    return (
        _items(pages, "MetricAlarms"),
        _items(pages, "CompositeAlarms"),
        _items(pages, "LogAlarms"),
    )


def insight_rules(client: Any) -> list[dict[str, Any]]:
    """CloudWatch DescribeInsightRules (paginated by ``NextToken``)."""
    pages = _token_pages(client.describe_insight_rules, "NextToken", MaxResults=500)
    return _items(pages, "InsightRules")


def dashboard_names(client: Any) -> list[str]:
    """CloudWatch ListDashboards: the dashboard names."""
    pages = client.get_paginator("list_dashboards").paginate()
    return [str(d["DashboardName"]) for d in _items(pages, "DashboardEntries")]


def dashboard_body(client: Any, name: str) -> str:
    """CloudWatch GetDashboard: the dashboard's body (JSON text)."""
    return str(client.get_dashboard(DashboardName=name).get("DashboardBody") or "")


def detector_ids(client: Any) -> list[str]:
    """GuardDuty ListDetectors."""
    pages = client.get_paginator("list_detectors").paginate(PaginationConfig={"PageSize": 50})
    return [str(d) for page in pages for d in page.get("DetectorIds") or []]


def detector(client: Any, detector_id: str) -> dict[str, Any]:
    """GuardDuty GetDetector, with the detector's id added as ``DetectorId``."""
    out: dict[str, Any] = plain(client.get_detector(DetectorId=detector_id))
    out["DetectorId"] = detector_id
    return out


def topic_attributes(client: Any, topic_arn: str) -> dict[str, Any]:
    """SNS GetTopicAttributes."""
    attributes: dict[str, Any] = plain(
        client.get_topic_attributes(TopicArn=topic_arn).get("Attributes") or {}
    )
    return attributes


def topic_subscriptions(client: Any, topic_arn: str) -> list[dict[str, Any]]:
    """SNS ListSubscriptionsByTopic (paginated)."""
    pages = client.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn)
    return _items(pages, "Subscriptions")


def alarm_topic_arns(
    alarm_lists: Iterable[list[dict[str, Any]] | None], account_id: str, region: str
) -> list[str]:
    """The SNS topic ARNs in the alarms' actions that are in this account and region."""
    found: dict[str, None] = {}
    for alarm_list in alarm_lists:
        for alarm in alarm_list or []:
            for key in ALARM_ACTION_KEYS:
                for action in alarm.get(key) or []:
                    parts = str(action).split(":")
                    if (
                        len(parts) == 6
                        and parts[2] == "sns"
                        and parts[3] == region
                        and parts[4] == account_id
                    ):
                        found[str(action)] = None
    return list(found)


# --- one region ------------------------------------------------------------------------


def read_region_detection(client_for: ClientFor, reg: RegionSnapshot, account_id: str) -> None:
    """Fill the detection-layer fields of ``reg``; every failed call lands in ``reg.errors``.

    The log-group maps cover the log groups already in ``reg.log_groups``.
    """
    region = reg.region

    def read(
        service: str,
        operation: str,
        fn: Callable[..., Any],
        *args: str,
        resource: str | None = None,
    ) -> Any:
        """Run ``fn(client, *args)`` as one recorded call (the client is made inside it)."""
        return record_call(
            reg.errors,
            lambda: fn(client_for(service, region), *args),
            service=service,
            operation=operation,
            region=region,
            account_id=account_id,
            resource=resource,
        )

    reg.metric_filters = {}
    reg.subscription_filters = {}
    for group in reg.log_groups:
        name = group.name
        found = read("logs", "DescribeMetricFilters", metric_filters, name, resource=name)
        if found is not None:
            reg.metric_filters[name] = found
        subs = read(
            "logs", "DescribeSubscriptionFilters", subscription_filters, name, resource=name
        )
        if subs is not None:
            reg.subscription_filters[name] = subs

    every = read("cloudwatch", "DescribeAlarms", alarms)
    if every is not None:
        reg.alarms, reg.composite_alarms, reg.log_alarms = every
        reg.sns_topics = {}
        lists = [reg.alarms, reg.composite_alarms, reg.log_alarms]
        for arn in alarm_topic_arns(lists, account_id, region):
            reg.sns_topics[arn] = SnsTopic(
                attributes=read("sns", "GetTopicAttributes", topic_attributes, arn, resource=arn),
                subscriptions=read(
                    "sns", "ListSubscriptionsByTopic", topic_subscriptions, arn, resource=arn
                ),
            )

    reg.insight_rules = read("cloudwatch", "DescribeInsightRules", insight_rules)
    # One read per query language (the resource of a failed one names the language); the
    # definitions of the languages read are kept even when another language failed.
    per_language = [
        read("logs", "DescribeQueryDefinitions", query_definitions, language, resource=language)
        for language in QUERY_LANGUAGES
    ]
    read_ok = [found for found in per_language if found is not None]
    reg.query_definitions = merge_query_definitions(read_ok) if read_ok else None

    ids = read("guardduty", "ListDetectors", detector_ids)
    if ids is not None:
        reg.guardduty_detectors = []
        for detector_id in ids:
            got = read("guardduty", "GetDetector", detector, detector_id, resource=detector_id)
            if got is not None:
                reg.guardduty_detectors.append(got)


# --- one account -----------------------------------------------------------------------


def read_account_dashboards(client_for: ClientFor, acct: AccountSnapshot, region: str) -> None:
    """Fill ``acct.dashboards`` from one region's endpoint; failed calls land in ``acct.errors``.

    CloudWatch dashboards are not regional resources: ListDashboards returns the same
    dashboards from every region endpoint. Their ARN has no region
    (``arn:${Partition}:cloudwatch::${Account}:dashboard/${DashboardName}``, Service
    Authorization Reference, "Actions, resources, and condition keys for Amazon
    CloudWatch"), and one dashboard holds widgets of several regions (CloudWatch User
    Guide, cloudwatch_xaxr_dashboard.html). They are read once per account, in
    ``region`` (kept in ``acct.dashboards_region``).
    """
    acct.dashboards_region = region

    def read(
        operation: str, fn: Callable[..., Any], *args: str, resource: str | None = None
    ) -> Any:
        return record_call(
            acct.errors,
            lambda: fn(client_for("cloudwatch", region), *args),
            service="cloudwatch",
            operation=operation,
            region=region,
            account_id=acct.account_id,
            resource=resource,
        )

    names = read("ListDashboards", dashboard_names)
    if names is not None:
        acct.dashboards = {}
        for name in names:
            body = read("GetDashboard", dashboard_body, name, resource=name)
            if body is not None:
                acct.dashboards[name] = body
