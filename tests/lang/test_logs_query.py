"""The saved-query evaluator: parsing OpenSearch SQL and CWLI, and admitting CloudTrail rows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiposture.lang.logs_query import QuerySyntaxError, parse
from aiposture.rules.saved_query import SavedQueryParams
from aiposture.rules.support.sample_events import build_event
from tests.builders import ACCOUNT, REGION
from tests.rules.helpers import CATALOG

GROUP = "aws-cloudtrail-logs/ai"
GUIDE = {
    cid: params
    for cid, params in CATALOG.params_by_id.items()
    if isinstance(params, SavedQueryParams)
}


def _events(samples: list) -> list[dict]:
    return [build_event(s, ACCOUNT, REGION) for s in samples]


def test_all_27_guide_queries_are_in_the_catalog() -> None:
    assert len(GUIDE) == 27


@pytest.mark.parametrize("cid", sorted(GUIDE))
def test_guide_query_admits_its_events_and_rejects_unrelated(cid: str) -> None:
    params = GUIDE[cid]
    query = parse(params.guide_query.replace("YOUR_CLOUDTRAIL_LOG_GROUP", GROUP), "SQL")
    ct = [s for s in query.sources if s.reads_log_group(GROUP)]
    assert ct, query.sources
    src = next(s for s in ct if all(query.admits(e, s) for e in _events(params.must_match)))
    assert all(query.admits(e, src) is False for e in _events(params.must_not_match))
    assert all(query.reads(f, src) for f in params.fields)


CWLI = {
    "query-01-unauthorized-bedrock-access": (
        'filter eventSource = "bedrock.amazonaws.com" and errorCode in '
        '["AccessDenied", "UnauthorizedOperation"]\n'
        "| stats count(*) as attempts by userIdentity.arn, eventName, errorCode, sourceIPAddress"
    ),
    "query-04-agent-cross-service-access-denied": (
        "fields userIdentity.arn, eventSource, eventName, errorCode, sourceIPAddress\n"
        "| filter (errorCode = 'AccessDenied' or errorCode = 'UnauthorizedOperation')\n"
        "| filter userIdentity.type = 'AssumedRole'\n"
        "| filter eventSource like /^(s3|lambda|kms|secretsmanager|sagemaker)\\.amazonaws/"
    ),
    "query-10-root-account-activity": (
        "filter userIdentity.type = 'Root' and eventName != 'ConsoleLogin'\n| sort @timestamp desc"
    ),
    "query-11-agentcore-gateway-auth-failures": (
        "fields sourceIPAddress, responseElements.statusCode, additionalEventData.jwt.claims.sub\n"
        "| filter eventSource = 'bedrock-agentcore.amazonaws.com' and eventName = 'InvokeGateway'"
        " and responseElements.statusCode >= 400"
    ),
    "query-13-agentcore-built-in-tool-usage": (
        "filter eventSource = 'bedrock-agentcore.amazonaws.com' and "
        "`resources.0.type` =~ /CodeInterpreter|Browser/\n"
        "| stats count(*) by userIdentity.arn, eventName, resources.0.type, resources.0.ARN,"
        " sourceIPAddress"
    ),
}


@pytest.mark.parametrize("cid", sorted(CWLI))
def test_cwli_equivalent_behaves_like_the_guide_query(cid: str) -> None:
    params = GUIDE[cid]
    query = parse(CWLI[cid], "CWLI", [GROUP])
    assert query.sources[0].reads_log_group(GROUP)
    assert all(query.admits(e) for e in _events(params.must_match))
    assert not any(query.admits(e) for e in _events(params.must_not_match))
    assert all(query.reads(f) for f in params.fields)


def test_cwli_without_fields_returns_the_whole_message() -> None:
    query = parse("filter eventName = 'InvokeModel'", "CWLI", [GROUP])
    assert query.reads_all() and query.reads("userIdentity.arn")


def test_cwli_like_text_is_a_substring_match() -> None:
    query = parse('filter eventName like "Guardrail"', "CWLI", [GROUP])
    assert query.admits({"eventName": "UpdateGuardrail"}) is True
    assert query.admits({"eventName": "InvokeModel"}) is False


def test_parse_created_fields_make_the_filter_unevaluable() -> None:
    query = parse(
        "parse @message '\"eventName\":\"*\"' as name | filter name = 'InvokeModel'",
        "CWLI",
        [GROUP],
    )
    assert query.admits({"eventName": "InvokeModel"}) is None


def test_sql_semantics_null_not_in_like_numbers() -> None:
    q = parse(
        "SELECT * FROM `g` WHERE errorCode IS NULL AND eventName NOT IN ('A', 'B') "
        "AND eventSource LIKE 'bedrock%' AND `responseElements.statusCode` < 500",
        "SQL",
    )
    ok = {
        "eventName": "C",
        "eventSource": "bedrock.amazonaws.com",
        "responseElements": {"statusCode": "404"},
    }
    assert q.admits(ok) is True
    assert q.admits({**ok, "errorCode": "AccessDenied"}) is False
    assert q.admits({**ok, "eventName": "A"}) is False
    assert q.admits({**ok, "eventSource": "s3.amazonaws.com"}) is False
    assert q.admits({**ok, "responseElements": {"statusCode": 503}}) is False
    assert q.reads_all()


def test_not_over_a_missing_field_does_not_admit() -> None:
    q = parse("SELECT * FROM `g` WHERE NOT (errorCode = 'AccessDenied')", "SQL")
    assert q.admits({"eventName": "X"}) is False


def test_functions_in_the_filter_are_not_evaluated() -> None:
    q = parse("SELECT * FROM `g` WHERE lower(eventName) = 'invokemodel'", "SQL")
    assert q.admits({"eventName": "InvokeModel"}) is None


def test_loggroups_from_form_and_arns() -> None:
    q = parse(
        "SELECT `userIdentity.arn` FROM `logGroups(logGroupIdentifier: ['other', "
        f"'arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}:*'])`",
        "SQL",
    )
    assert q.sources[0].reads_log_group(GROUP)
    assert q.fields_read() == frozenset({"userIdentity.arn"})


def test_joins_record_sides_and_keys() -> None:
    q = parse(
        "SELECT ct.eventName FROM `a` AS ct INNER JOIN `b` inv ON inv.requestId = ct.requestID "
        "WHERE ct.eventName = 'InvokeModel' AND inv.modelId = 'm'",
        "SQL",
    )
    (join,) = q.joins
    ct, inv = q.sources
    assert join.kind == "INNER" and join.keys_between(ct, inv) == [("requestID", "requestId")]
    assert q.admits({"eventName": "InvokeModel"}, ct) is True
    assert q.admits({"eventName": "Converse"}, ct) is False


def test_ppl_is_recognised_but_not_evaluated() -> None:
    q = parse("source = `g` | where eventName = 'InvokeModel'", "PPL", [GROUP])
    assert not q.evaluated and q.admits({"eventName": "InvokeModel"}) is None


@pytest.mark.parametrize(
    ("text", "language", "position"),
    [
        ("SELECT * FROM `g` WHERE eventName = 'x", "SQL", 36),
        ("SELECT * FROM", "SQL", 13),
        ("SELECT * FROM `g` WHERE eventName IN ('a' 'b')", "SQL", 42),
        ("SELECT * FROM `g` LIMIT 5 extra", "SQL", 26),
        ("filter eventName = 'x' | frobnicate", "CWLI", 25),
        ("filter eventName like /abc", "CWLI", 22),
    ],
)
def test_malformed_queries_raise_with_position(text: str, language: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(text, language, [GROUP])
    assert info.value.position == position
    assert f"at position {position}" in str(info.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["SQL", "CWLI", "PPL"]))
def test_parse_never_raises_anything_else(text: str, language: str) -> None:
    try:
        q = parse(text, language, [GROUP])
    except QuerySyntaxError:
        return
    q.admits({"eventName": "InvokeModel"})


SQL_WORDS = st.sampled_from(
    [
        "SELECT",
        "*",
        "FROM",
        "`g`",
        "WHERE",
        "a",
        "=",
        "'x'",
        "AND",
        "OR",
        "NOT",
        "(",
        ")",
        "IN",
        ",",
        "LIKE",
        "IS",
        "NULL",
        "JOIN",
        "ON",
        "AS",
        "b.c",
        "1",
        "GROUP",
        "BY",
        "LIMIT",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(SQL_WORDS, max_size=20))
def test_sql_token_soup_never_raises_anything_else(words: list[str]) -> None:
    try:
        q = parse(" ".join(words), "SQL")
    except QuerySyntaxError:
        return
    q.admits({"a": "x"})
