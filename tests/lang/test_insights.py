"""CloudTrail Insights selectors and their logging prerequisites (Part C)."""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.lang.insights import (
    insight_categories,
    insight_prerequisite_ok,
    logs_all_management,
    logs_any_data,
    logs_management,
    management_read_only_values,
)

from .guide import guide_trail

MGMT = {"Field": "eventCategory", "Equals": ["Management"]}
DATA = {"Field": "eventCategory", "Equals": ["Data"]}
READS = {"Field": "readOnly", "Equals": ["true"]}
WRITES = {"Field": "readOnly", "Equals": ["false"]}
NO_KMS = {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}


def advanced(*selectors: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "AdvancedEventSelectors": [
            {"Name": f"s{i}", "FieldSelectors": fields} for i, fields in enumerate(selectors)
        ]
    }


def classic(*selectors: dict[str, Any]) -> dict[str, Any]:
    return {"EventSelectors": list(selectors)}


S3_ALL = {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}
S3_TYPE = {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}


@pytest.mark.parametrize(
    ("selectors", "insight_type", "expected"),
    [
        ([{"InsightType": "ApiCallRateInsight"}], "ApiCallRateInsight", {"Management"}),
        (
            [{"InsightType": "ApiCallRateInsight", "EventCategories": None}],
            "ApiCallRateInsight",
            {"Management"},
        ),
        ([{"InsightType": "ApiCallRateInsight"}], "ApiErrorRateInsight", set()),
        (
            [{"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management", "Data"]}],
            "ApiErrorRateInsight",
            {"Management", "Data"},
        ),
        (
            [{"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}],
            "ApiCallRateInsight",
            {"Data"},
        ),
        (
            [{"InsightType": "ApiCallRateInsight", "EventCategories": []}],
            "ApiCallRateInsight",
            set(),
        ),
        (
            [
                {"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]},
                {"InsightType": "ApiCallRateInsight"},
                {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Data"]},
            ],
            "ApiCallRateInsight",
            {"Management", "Data"},
        ),
        ([], "ApiCallRateInsight", set()),
        ([{"EventCategories": ["Data"]}, "junk"], "ApiCallRateInsight", set()),
    ],
)
def test_insight_categories(selectors: list[Any], insight_type: str, expected: set[str]) -> None:
    assert insight_categories(selectors, insight_type) == frozenset(expected)


# (selectors, read-only values of logged management events, logs any data)
TRAILS: list[tuple[str, dict[str, Any], set[str], bool]] = [
    ("default", {}, {"true", "false"}, False),
    ("advanced-all-management", advanced([MGMT]), {"true", "false"}, False),
    ("advanced-management-no-kms", advanced([MGMT, NO_KMS]), {"true", "false"}, False),
    ("advanced-reads-only", advanced([MGMT, READS]), {"true"}, False),
    ("advanced-writes-only", advanced([MGMT, WRITES]), {"false"}, False),
    (
        "advanced-reads-plus-writes",
        advanced([MGMT, READS], [MGMT, WRITES]),
        {"true", "false"},
        False,
    ),
    (
        "advanced-both-values-in-one-list",
        advanced([MGMT, {"Field": "readOnly", "Equals": ["true", "false"]}]),
        {"true", "false"},
        False,
    ),
    (
        "advanced-not-equals-true",
        advanced([MGMT, {"Field": "readOnly", "NotEquals": ["true"]}]),
        {"false"},
        False,
    ),
    ("advanced-data-only", advanced([DATA, S3_TYPE]), set(), True),
    ("advanced-data-and-reads", advanced([DATA, S3_TYPE], [MGMT, READS]), {"true"}, True),
    (
        "advanced-unknown-field",
        advanced([MGMT, {"Field": "eventNames", "Equals": ["x"]}]),
        set(),
        False,
    ),
    ("advanced-no-category", advanced([READS]), set(), False),
    (
        "advanced-network-only",
        advanced(
            [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
            ]
        ),
        set(),
        False,
    ),
    ("advanced-empty-list", {"AdvancedEventSelectors": []}, set(), False),
    ("classic-default-object", classic({}), {"true", "false"}, False),
    ("classic-write-only", classic({"ReadWriteType": "WriteOnly"}), {"false"}, False),
    (
        "classic-read-only",
        classic({"ReadWriteType": "ReadOnly", "DataResources": [S3_ALL]}),
        {"true"},
        True,
    ),
    (
        "classic-read-plus-write",
        classic({"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}),
        {"true", "false"},
        False,
    ),
    (
        "classic-no-management",
        classic({"IncludeManagementEvents": False, "DataResources": [S3_ALL]}),
        set(),
        True,
    ),
    (
        "classic-empty-data-values",
        classic(
            {
                "IncludeManagementEvents": False,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": []}],
            }
        ),
        set(),
        False,
    ),
    ("classic-empty", classic(), set(), False),
]


@pytest.mark.parametrize(
    ("name", "selectors", "values", "data"), TRAILS, ids=[t[0] for t in TRAILS]
)
def test_prerequisites(name: str, selectors: dict[str, Any], values: set[str], data: bool) -> None:
    assert management_read_only_values(selectors) == frozenset(values), name
    assert logs_management(selectors, need_write=True) is ("false" in values)
    assert logs_management(selectors, need_write=False) is bool(values)
    assert logs_all_management(selectors) is (values == {"true", "false"})
    assert logs_any_data(selectors) is data
    assert insight_prerequisite_ok("ApiCallRateInsight", "Management", selectors) is (
        "false" in values
    )
    assert insight_prerequisite_ok("ApiErrorRateInsight", "Management", selectors) is bool(values)
    assert insight_prerequisite_ok("ApiCallRateInsight", "Data", selectors) is data
    assert insight_prerequisite_ok("ApiErrorRateInsight", "Data", selectors) is data


def test_read_only_management_fails_call_rate_but_not_error_rate() -> None:
    reads = advanced([MGMT, READS])
    assert not insight_prerequisite_ok("ApiCallRateInsight", "Management", reads)
    assert insight_prerequisite_ok("ApiErrorRateInsight", "Management", reads)


def test_unknown_type_or_category_is_never_satisfied() -> None:
    assert not insight_prerequisite_ok("ApiLatencyInsight", "Management", {})
    assert not insight_prerequisite_ok("ApiCallRateInsight", "NetworkActivity", {})
    assert not insight_prerequisite_ok("ApiCallRateInsight", "management", {})


def test_guide_trail_without_management_selector() -> None:
    # The guide's organization trail JSON has data and network selectors only: applied alone it
    # would switch management events off, and with them management Insights.
    trail = guide_trail("org_trail", filled=True)
    assert logs_any_data(trail)
    assert not logs_management(trail, need_write=False)
    assert not insight_prerequisite_ok("ApiErrorRateInsight", "Management", trail)
    assert insight_prerequisite_ok("ApiCallRateInsight", "Data", trail)
