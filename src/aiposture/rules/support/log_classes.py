"""What each CloudWatch Logs log class supports, as AWS documents it.

A detection on the CloudTrail log group works only if the group's class supports the
feature the detection uses. ``LogGroupClass`` (botocore ``logs`` model, 1.44) is one of
STANDARD, INFREQUENT_ACCESS, DELIVERY and ESSENTIALS:

- **STANDARD** "supports all CloudWatch Logs features" (botocore ``LogGroup.logGroupClass``).
- **INFREQUENT_ACCESS** "supports a subset": it is offered to customers who do not need
  "Live Tail, metric extraction, alarming, or data protection" (CloudWatch Logs log classes,
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch_Logs_Log_Classes.html),
  so no metric filters; Contributor Insights rules "can only be applied to CloudWatch Logs
  Standard log class log groups" (guide 001, Contributor Insights Rules); Logs Insights QL
  runs on it with every command but ``pattern``, ``diff``, ``filterIndex`` and ``unmask``
  (CWL_AnalyzeLogData_Classes.html); OpenSearch SQL and PPL run "only for queries of log
  groups in the Standard Log Class" (CWL_AnalyzeLogData_SQL.html, ..._PPL.html). Whether
  it takes subscription filters is not stated in the pages above: unknown.
- **DELIVERY** is "only for delivering Lambda logs to store in Amazon S3 or Amazon Data
  Firehose", keeps events one day and "doesn't offer rich CloudWatch Logs capabilities such
  as CloudWatch Logs Insights queries" (botocore ``CreateLogGroupRequest.logGroupClass``):
  none of the detection features; subscription filters unknown.
- **ESSENTIALS** "supports a subset of CloudWatch Logs features and incurs lower costs"
  (botocore 1.44.8 ``CreateLogGroupRequest.logGroupClass`` and ``LogGroup.logGroupClass``,
  which send the reader to the Log classes page). Which subset is not published in the
  pages checked: the Log classes page and "Logs Insights QL commands supported in log
  classes" (CWL_AnalyzeLogData_Classes.html) describe Standard and Infrequent Access only,
  and "CloudWatch Logs concepts" (CloudWatchLogsConcepts.html) names those two classes.
  Every feature is therefore unknown.

An unknown answer (``None``) makes a detection ERROR with that reason, never PASS and
never FAIL; so does a class that is not in the installed botocore's ``LogGroupClass``
enum (:data:`KNOWN_CLASSES`).
"""

from __future__ import annotations

from typing import Literal, get_args

Feature = Literal[
    "metric filters",
    "subscription filters",
    "Contributor Insights rules",
    "Logs Insights QL queries",
    "OpenSearch SQL queries",
    "OpenSearch PPL queries",
]

FEATURES: tuple[Feature, ...] = get_args(Feature)

KNOWN_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS")
"""The ``LogGroupClass`` enum of the botocore ``logs`` model (1.44)."""

_SUPPORT: dict[str, dict[Feature, bool | None]] = {
    "STANDARD": dict.fromkeys(FEATURES, True),
    "INFREQUENT_ACCESS": {
        "metric filters": False,
        "subscription filters": None,
        "Contributor Insights rules": False,
        "Logs Insights QL queries": True,
        "OpenSearch SQL queries": False,
        "OpenSearch PPL queries": False,
    },
    "DELIVERY": {
        "metric filters": False,
        "subscription filters": None,
        "Contributor Insights rules": False,
        "Logs Insights QL queries": False,
        "OpenSearch SQL queries": False,
        "OpenSearch PPL queries": False,
    },
    "ESSENTIALS": dict.fromkeys(FEATURES, None),  # "a subset", not published: unknown
}

QUERY_FEATURE: dict[str, Feature] = {
    "CWLI": "Logs Insights QL queries",
    "SQL": "OpenSearch SQL queries",
    "PPL": "OpenSearch PPL queries",
}
"""The feature a saved query of each ``queryLanguage`` needs."""


def supports(log_class: str | None, feature: Feature) -> bool | None:
    """Whether log groups of ``log_class`` support ``feature``; None when AWS does not say.

    A log group that reports no class is STANDARD (the default of CreateLogGroup).
    """
    table = _SUPPORT.get(log_class or "STANDARD")
    return None if table is None else table[feature]


def why_unsupported(name: str, log_class: str | None, feature: Feature) -> str:
    """A sentence saying why ``feature`` does not work (or is unknown) on log group ``name``."""
    cls = log_class or "STANDARD"
    answer = supports(log_class, feature)
    if cls not in KNOWN_CLASSES:
        return (
            f"log group {name} is in the {cls} log class, which is not in the installed "
            f"botocore's LogGroupClass enum, so whether it supports {feature} is unknown"
        )
    if answer is None:
        return (
            f"log group {name} is in the {cls} log class, and AWS does not document whether "
            f"that class supports {feature}"
        )
    return f"log group {name} is in the {cls} log class, which does not support {feature}"
