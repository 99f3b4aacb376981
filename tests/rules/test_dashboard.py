"""The dashboard check on dashboards read once per account (``AccountSnapshot.dashboards``).

Snapshots that hold dashboards per region (written before) are covered by the dashboard
tests in ``test_detection_other.py``; here the same content is judged in the new form.
"""

from __future__ import annotations

from typing import Any

from aiposture.results import Status
from aiposture.snapshot.models import CallError, Snapshot
from tests.builders import ACCOUNT, REGION
from tests.rules.helpers import only, run_check
from tests.rules.test_detection_other import _body, _dash_snap, _widgets

GUIDE = "AI-Workload-Security-Dashboard"


def _error(operation: str, resource: str | None = None) -> CallError:
    return CallError(
        service="cloudwatch",
        operation=operation,
        region=REGION,
        account_id=ACCOUNT,
        resource=resource,
        error_code="AccessDenied",
        message="not allowed",
    )


def _account_snap(dashboards: dict[str, str] | None, *errors: CallError) -> Snapshot:
    snap = _dash_snap(None)  # the regions hold no dashboards: they are the account's
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.dashboards, acct.dashboards_region = dashboards, REGION
    acct.errors.extend(errors)
    return snap


def _dash(snap: Snapshot) -> Any:
    return only(run_check("det-dashboard", snap))


def test_account_dashboards_pass_as_the_per_region_ones_did() -> None:
    body = _body(_widgets())
    new = _dash(_account_snap({GUIDE: body}))
    old = _dash(_dash_snap({GUIDE: body}))
    assert new.status is old.status is Status.PASS, new.message
    assert new.message == old.message


def test_account_without_dashboards_fails() -> None:
    out = _dash(_account_snap({}))
    assert out.status is Status.FAIL
    assert "has no CloudWatch dashboard" in out.message


def test_account_list_that_failed_is_error_naming_it() -> None:
    out = _dash(_account_snap(None, _error("ListDashboards")))
    assert out.status is Status.ERROR
    assert "Cannot read the CloudWatch dashboards" in out.message
    assert "ListDashboards" in out.message


def test_account_body_that_failed_is_error_not_fail() -> None:
    out = _dash(_account_snap({}, _error("GetDashboard", GUIDE)))
    assert out.status is Status.ERROR, out.message
    assert f"dashboard {GUIDE}" in out.message and "GetDashboard" in out.message


def test_account_read_wins_over_stale_region_copies() -> None:
    snap = _account_snap({})
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.regions[REGION].dashboards = {GUIDE: _body(_widgets())}  # not how a scan writes it
    assert _dash(snap).status is Status.FAIL


def test_dashboards_read_but_no_region_scanned_is_error_not_fail() -> None:
    snap = _account_snap({GUIDE: _body(_widgets())})
    acct = snap.account(ACCOUNT)
    assert acct is not None
    acct.scanned_regions = []
    out = _dash(snap)
    assert out.status is Status.ERROR, out.message
    assert "no region of account" in out.message
