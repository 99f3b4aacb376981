"""Saved queries read once per query language: a language that could not be read."""

from __future__ import annotations

from aiposture.results import Status
from aiposture.snapshot.models import CallError, Snapshot
from tests.builders import ACCOUNT, REGION
from tests.rules.helpers import only, run_check
from tests.rules.test_saved_query import defn, guide_sql, snap_with

CID = "query-10-root-account-activity"


def _sql_unread(snap: Snapshot) -> Snapshot:
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.regions[REGION].errors.append(
        CallError(
            service="logs",
            operation="DescribeQueryDefinitions",
            region=REGION,
            account_id=ACCOUNT,
            resource="SQL",
            error_code="AccessDeniedException",
            message="denied",
        )
    )
    return snap


def test_no_match_among_the_languages_read_is_error_when_one_language_was_not() -> None:
    snap = _sql_unread(snap_with(defn("fields @message | limit 5", language="CWLI")))
    out = only(run_check(CID, snap))
    assert out.status is Status.ERROR, out.message
    assert "in SQL could not be read" in out.message
    assert "AccessDeniedException" in out.message


def test_a_match_among_the_languages_read_passes_though_another_was_not() -> None:
    snap = _sql_unread(snap_with(defn(guide_sql(CID), name="mine")))
    out = only(run_check(CID, snap))
    assert out.status is Status.PASS, out.message


def test_every_language_read_and_no_match_still_fails() -> None:
    out = only(run_check(CID, snap_with(defn("fields @message | limit 5", language="CWLI"))))
    assert out.status is Status.FAIL, out.message
