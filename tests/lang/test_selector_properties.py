"""Properties of the selector evaluator over generated inputs (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from aiposture.lang.insights import (  # noqa: E402
    insight_categories,
    insight_prerequisite_ok,
    logs_all_management,
)
from aiposture.lang.selector_validation import validate_selectors  # noqa: E402
from aiposture.lang.selectors import SelectorMatch, to_advanced, trail_logs  # noqa: E402

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
CONVERSION = settings(FAST, max_examples=150)

SELECTOR_WORDS = [
    "Field",
    "Name",
    "FieldSelectors",
    "Equals",
    "StartsWith",
    "EndsWith",
    "NotEquals",
    "NotStartsWith",
    "NotEndsWith",
    "eventCategory",
    "readOnly",
    "eventSource",
    "eventName",
    "resources.type",
    "resources.ARN",
    "userIdentity.arn",
    "errorCode",
    "Data",
    "Management",
    "NetworkActivity",
    "true",
    "false",
    "AWS::S3::Object",
    "AWS::Lambda::Function",
    "arn:aws:s3",
    "arn:aws:s3:::b/",
    "ReadWriteType",
    "IncludeManagementEvents",
    "DataResources",
    "ExcludeManagementEventSources",
    "Type",
    "Values",
    "All",
    "ReadOnly",
    "WriteOnly",
    "InsightType",
    "EventCategories",
    "ApiCallRateInsight",
]
EVENT_WORDS = [
    "eventCategory",
    "eventSource",
    "eventName",
    "readOnly",
    "managementEvent",
    "eventType",
    "errorCode",
    "vpcEndpointId",
    "userIdentity",
    "arn",
    "resources",
    "type",
    "ARN",
    "sessionCredentialFromConsole",
]

text = st.one_of(st.sampled_from(SELECTOR_WORDS), st.text(max_size=12))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(text, children, max_size=4),
    ),
    max_leaves=10,
)

field_selector = st.dictionaries(
    st.sampled_from(SELECTOR_WORDS[:9]) | text,
    st.one_of(json_values, st.lists(text, max_size=3)),
    max_size=4,
)
advanced_selector = st.fixed_dictionaries(
    {"FieldSelectors": st.one_of(st.lists(field_selector, max_size=4), json_values)},
    optional={"Name": json_values},
)
selectors_mapping = st.one_of(
    st.dictionaries(
        st.sampled_from(["AdvancedEventSelectors", "EventSelectors"]) | text, json_values
    ),
    st.fixed_dictionaries({"AdvancedEventSelectors": st.lists(advanced_selector, max_size=4)}),
    st.fixed_dictionaries({"EventSelectors": st.lists(json_values, max_size=4)}),
)
events = st.one_of(
    st.dictionaries(st.sampled_from(EVENT_WORDS) | text, json_values, max_size=8),
    st.fixed_dictionaries(
        {},
        optional={
            "eventCategory": st.sampled_from(["Data", "Management", "NetworkActivity"])
            | json_values,
            "readOnly": json_values,
            "userIdentity": st.dictionaries(st.just("arn") | text, json_values, max_size=2),
            "resources": st.lists(
                st.dictionaries(st.sampled_from(["type", "ARN"]) | text, json_values, max_size=3),
                max_size=3,
            )
            | json_values,
        },
    ),
)


@FAST
@given(selectors=selectors_mapping, event=events)
def test_never_raises(selectors: dict[str, Any], event: dict[str, Any]) -> None:
    match = trail_logs(selectors, event)
    assert isinstance(match, SelectorMatch)
    assert match.logged is (match.selector_index is not None)
    validate_selectors(selectors)
    logs_all_management(selectors)
    for category in ("Management", "Data"):
        insight_prerequisite_ok("ApiCallRateInsight", category, selectors)


@FAST
@given(insight_selectors=st.lists(json_values, max_size=4))
def test_insight_categories_never_raise(insight_selectors: list[Any]) -> None:
    assert insight_categories(insight_selectors, "ApiCallRateInsight") <= frozenset(
        str(x) for x in _flatten(insight_selectors)
    ) | {"Management"}


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _flatten(v)]
    if isinstance(value, list):
        return [x for v in value for x in _flatten(v)]
    return [value]


# ---------------------------------------------------------------- classic -> advanced agrees

ACCOUNT = "111122223333"
TYPES = ["AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::S3::Bucket"]
ARNS = [
    "arn:aws:s3:::ai-training-data-prod/a.csv",
    "arn:aws:s3:::ai-training-data-prod",
    "arn:aws:s3:::model-artifacts/w.bin",
    f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:prod-inference",
    f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:dev",
    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/memory",
]
VALUES = [
    *ARNS,
    "arn:aws:s3",
    "arn:aws:s3:::",
    "arn:aws:s3:::ai-",
    "arn:aws:s3:::ai-training-data-prod/",
    "arn:aws:lambda",
    "arn:aws:lambda:",
    "arn:aws:dynamodb",
    f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:prod-",
    "arn:aws:s3:::*",
    "",
]
SOURCES = [
    "kms.amazonaws.com",
    "rdsdata.amazonaws.com",
    "bedrock.amazonaws.com",
    "s3.amazonaws.com",
]

classic_selector = st.fixed_dictionaries(
    {},
    optional={
        "ReadWriteType": st.sampled_from(["ReadOnly", "WriteOnly", "All", None, "Bogus", 3]),
        "IncludeManagementEvents": st.sampled_from([True, False, None, "yes"]),
        "ExcludeManagementEventSources": st.one_of(
            st.none(), st.lists(st.sampled_from(SOURCES), max_size=2), st.just("kms"), st.just([1])
        ),
        "DataResources": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "Type": st.sampled_from([*TYPES, 7]),
                        "Values": st.lists(st.sampled_from(VALUES) | st.integers(), max_size=3)
                        | st.none(),
                    },
                ),
                max_size=3,
            ),
            st.none(),
            st.just("x"),
        ),
    },
)
classic_lists = st.lists(st.one_of(classic_selector, json_values), max_size=4)
classic_events = st.fixed_dictionaries(
    {
        "eventSource": st.sampled_from(SOURCES) | st.none(),
        "readOnly": st.sampled_from([True, False, None, "true", "FALSE", 0]),
    },
    optional={
        "eventCategory": st.sampled_from(
            ["Management", "Data", "NetworkActivity", "Insight", None]
        ),
        "managementEvent": st.booleans(),
        "eventType": st.sampled_from(["AwsApiCall", "AwsVpceEvent"]),
        "resources": st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(TYPES)}, optional={"ARN": st.sampled_from(ARNS)}
            ),
            max_size=3,
        ),
    },
)


@CONVERSION
@given(classic=classic_lists, event=classic_events)
def test_classic_and_converted_agree(classic: list[Any], event: dict[str, Any]) -> None:
    original = trail_logs({"EventSelectors": classic}, event)
    converted = to_advanced(classic)
    assert trail_logs({"AdvancedEventSelectors": converted}, event).logged == original.logged
    # The conversion itself is valid advanced syntax apart from the values it copies.
    for selector in converted:
        assert selector["FieldSelectors"][0]["Field"] == "eventCategory"
