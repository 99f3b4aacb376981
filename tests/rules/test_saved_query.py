"""Rule kind ``saved_query``: the guide's 27 saved Logs Insights queries."""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.results import Status
from aiposture.rules.saved_query import SavedQueryParams
from aiposture.snapshot.models import CallError, Snapshot
from tests.builders import ACCOUNT, REGION, guide_trail, log_group, snapshot, trail, with_detection
from tests.rules.helpers import CATALOG, only, run_check

GROUP = "aws-cloudtrail-logs/ai"
INVOCATION = {"cloudWatchConfig": {"logGroupName": "bedrock-model-invocation-logging"}}
IDS = sorted(c for c, p in CATALOG.params_by_id.items() if isinstance(p, SavedQueryParams))


def guide_sql(cid: str, group: str = GROUP) -> str:
    params = CATALOG.params_by_id[cid]
    assert isinstance(params, SavedQueryParams)
    return params.guide_query.replace("YOUR_CLOUDTRAIL_LOG_GROUP", group)


def defn(text: str, language: str = "SQL", name: str = "saved", **extra: Any) -> dict[str, Any]:
    return {"name": name, "queryString": text, "queryLanguage": language, **extra}


def snap_with(
    *definitions: dict[str, Any] | None, invocation: dict | None = INVOCATION
) -> Snapshot:
    snap = snapshot(guide_trail(), log_groups=[log_group()], invocation=invocation)
    value = None if definitions == (None,) else list(definitions)
    return with_detection(snap, query_definitions=value)


def test_one_check_per_guide_query() -> None:
    assert len(IDS) == 27
    refs = []
    for cid in IDS:
        item = CATALOG.get(cid)
        assert item is not None and item.check.severity == "low"
        refs.append(int(item.check.seed_refs[0].split()[1]))
    assert sorted(refs) == list(range(1, 28))


@pytest.mark.parametrize("cid", IDS)
def test_guide_query_with_log_group_filled_in_passes(cid: str) -> None:
    out = only(run_check(cid, snap_with(defn(guide_sql(cid), name="anything"))))
    assert out.status is Status.PASS, out.message
    assert "anything" in out.message and out.resource_arn and GROUP in out.resource_arn


def test_log_group_arn_in_from_passes() -> None:
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
    cid = "query-02-agent-invocations-by-identity"
    assert only(run_check(cid, snap_with(defn(guide_sql(cid, arn))))).status is Status.PASS


def test_cwli_equivalent_passes() -> None:
    text = (
        "filter eventSource = 'bedrock.amazonaws.com' and eventName in "
        "['InvokeAgent', 'InvokeInlineAgent']\n"
        "| stats count(*) as n by userIdentity.arn, eventName, sourceIPAddress"
    )
    out = only(
        run_check(
            "query-02-agent-invocations-by-identity",
            snap_with(defn(text, "CWLI", logGroupNames=[GROUP])),
        )
    )
    assert out.status is Status.PASS, out.message


def test_cwli_on_another_log_group_fails() -> None:
    text = "filter eventName in ['InvokeAgent', 'InvokeInlineAgent']"
    out = only(
        run_check(
            "query-02-agent-invocations-by-identity",
            snap_with(defn(text, "CWLI", logGroupNames=["app-logs"])),
        )
    )
    assert out.status is Status.FAIL and "app-logs" in out.message


def test_narrower_in_list_fails_naming_the_missed_event() -> None:
    cid = "query-03-knowledge-base-retrievals"
    text = guide_sql(cid).replace("IN ('Retrieve', 'RetrieveAndGenerate')", "IN ('Retrieve')")
    out = only(run_check(cid, snap_with(defn(text, name="kb"))))
    assert out.status is Status.FAIL
    assert "'kb'" in out.message and "does not return RetrieveAndGenerate" in out.message


def test_placeholder_left_in_the_query_fails() -> None:
    cid = "query-01-unauthorized-bedrock-access"
    params = CATALOG.params_by_id[cid]
    assert isinstance(params, SavedQueryParams)
    out = only(run_check(cid, snap_with(defn(params.guide_query))))
    assert out.status is Status.FAIL
    assert "YOUR_CLOUDTRAIL_LOG_GROUP" in out.message and GROUP in out.message


def test_wrong_log_group_fails() -> None:
    cid = "query-08-guardrail-changes"
    out = only(run_check(cid, snap_with(defn(guide_sql(cid, "some-other-group")))))
    assert out.status is Status.FAIL
    assert (
        "some-other-group" in out.message and f"not the CloudTrail log group {GROUP}" in out.message
    )


def test_missing_join_fails() -> None:
    cid = "query-18-who-asked-what"
    text = guide_sql(cid).replace(
        "ON ct.requestID = inv.requestId", "ON ct.eventTime = inv.timestamp"
    )
    out = only(run_check(cid, snap_with(defn(text))))
    assert out.status is Status.FAIL and "requestID = requestId" in out.message
    no_join = (
        "SELECT ct.`userIdentity.arn`, ct.sourceIPAddress, ct.eventName, ct.requestID "
        f"FROM `{GROUP}` AS ct WHERE ct.eventSource = 'bedrock.amazonaws.com' AND ct.eventName "
        "IN ('InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream')"
    )
    out = only(run_check(cid, snap_with(defn(no_join))))
    assert out.status is Status.FAIL
    assert "no JOIN with log group bedrock-model-invocation-logging" in out.message


def test_join_with_invocation_logging_needs_that_pipeline_in_cloudwatch() -> None:
    cid = "query-18-who-asked-what"
    out = only(run_check(cid, snap_with(defn(guide_sql(cid)), invocation={})))
    assert out.status is Status.FAIL and "does not deliver to CloudWatch Logs" in out.message


def test_missing_identity_field_fails() -> None:
    cid = "query-03-knowledge-base-retrievals"
    text = (
        f"SELECT eventName, COUNT(*) AS n FROM `{GROUP}` WHERE eventSource = "
        "'bedrock.amazonaws.com' AND eventName IN ('Retrieve', 'RetrieveAndGenerate') "
        "GROUP BY eventName"
    )
    out = only(run_check(cid, snap_with(defn(text))))
    assert out.status is Status.FAIL
    assert "userIdentity.arn" in out.message and "sourceIPAddress" in out.message


def test_named_like_the_guide_but_reading_other_events_fails() -> None:
    cid = "query-08-guardrail-changes"
    text = f"SELECT * FROM `{GROUP}` WHERE eventName = 'ListFoundationModels'"
    out = only(
        run_check(cid, snap_with(defn(text, name="Query 8: Monitor Bedrock Guardrail Changes")))
    )
    assert out.status is Status.FAIL and "does not return CreateGuardrail" in out.message


def test_query_returning_everything_fails_as_over_broad() -> None:
    cid = "query-08-guardrail-changes"
    out = only(run_check(cid, snap_with(defn(f"SELECT * FROM `{GROUP}`"))))
    assert out.status is Status.FAIL and "events it is not for" in out.message


def test_unevaluable_filter_never_passes() -> None:
    cid = "query-02-agent-invocations-by-identity"
    text = guide_sql(cid).replace("eventSource = ", "lower(eventSource) = ")
    out = only(run_check(cid, snap_with(defn(text))))
    assert out.status is Status.FAIL and "cannot be evaluated" in out.message


def test_ppl_is_not_evaluated() -> None:
    cid = "query-02-agent-invocations-by-identity"
    text = "source = `x` | where eventName = 'InvokeAgent'"
    out = only(run_check(cid, snap_with(defn(text, "PPL", logGroupNames=[GROUP]))))
    assert out.status is Status.FAIL and "PPL" in out.message


def test_malformed_query_fails_saying_where() -> None:
    cid = "query-02-agent-invocations-by-identity"
    out = only(run_check(cid, snap_with(defn(f"SELECT * FROM `{GROUP}` WHERE eventName = 'x"))))
    assert (
        out.status is Status.FAIL and "does not parse" in out.message and "position" in out.message
    )


def test_no_saved_queries_fails() -> None:
    out = only(run_check("query-10-root-account-activity", snap_with()))
    assert out.status is Status.FAIL and "No saved Logs Insights query" in out.message


def test_query_definitions_unread_is_error() -> None:
    snap = snapshot(
        guide_trail(),
        log_groups=[log_group()],
        region_errors={
            REGION: [
                CallError(
                    service="logs",
                    operation="DescribeQueryDefinitions",
                    region=REGION,
                    account_id=ACCOUNT,
                    error_code="AccessDeniedException",
                    message="denied",
                )
            ]
        },
    )
    out = only(run_check("query-10-root-account-activity", snap))
    assert out.status is Status.ERROR
    assert "DescribeQueryDefinitions" in out.message and "AccessDeniedException" in out.message


def test_no_delivery_to_cloudwatch_fails_on_the_trail_link() -> None:
    snap = with_detection(snapshot(trail(log_group=None)), query_definitions=[])
    out = only(run_check("query-10-root-account-activity", snap))
    assert out.status is Status.FAIL and "trail -> log group" in out.message


def test_unread_invocation_logging_config_is_error_for_a_join_on_it() -> None:
    error = CallError(
        service="bedrock",
        operation="GetModelInvocationLoggingConfiguration",
        region=REGION,
        account_id=ACCOUNT,
        error_code="AccessDeniedException",
        message="denied",
    )
    snap = snapshot(guide_trail(), log_groups=[log_group()], region_errors={REGION: [error]})
    cid = "query-18-who-asked-what"
    snap = with_detection(snap, query_definitions=[defn(guide_sql(cid))])
    out = only(run_check(cid, snap))
    assert out.status is Status.ERROR and "model invocation logging" in out.message
