"""A member's copy of its organization's trail: only the management account reads its settings.

Hand-built snapshots: which copy of the trail the rules judge, and what they say when only
the member's copy (status only) is in the snapshot.
"""

from __future__ import annotations

from aiposture.results import Status
from aiposture.snapshot.models import CallError, OrganizationInfo, Trail
from tests.builders import ACCOUNT, REGION, denied, guide_trail, snapshot
from tests.rules.helpers import only, run_check

MANAGEMENT_ACCOUNT = "123456789012"
ORG = OrganizationInfo(
    id="o-abc",
    arn=f"arn:aws:organizations::{MANAGEMENT_ACCOUNT}:organization/o-abc",
    master_account_id=MANAGEMENT_ACCOUNT,
)
CHECKS = (
    "ct-management-events",
    "ct-data-s3-ai-buckets",
    "ct-insights-api-call-rate",
    "det-event-aggregation-api-activity",
)
"""One check per owner-only setting: event selectors (management and data events), Insights
selectors, event configuration (aggregation)."""


def _owner_copy() -> Trail:
    return guide_trail("org-trail", account=MANAGEMENT_ACCOUNT, org_trail=True)


def _member_copy(owner: Trail) -> Trail:
    """What the collector reads from the member: the status, nothing the owner alone reads."""
    return owner.model_copy(
        update={
            "event_selectors": None,
            "insight_selectors": None,
            "aggregation": None,
            "tags": None,
            "errors": [],
            "owner_reads_skipped": True,
        }
    )


def _member_alone(member_copy: Trail):
    snap = snapshot(account=ACCOUNT, organization=ORG)
    snap.accounts[0].trails.append(member_copy)
    snap.accounts[0].regions[REGION].trail_arns = [member_copy.arn]
    return snap


def test_alone_a_member_gets_an_error_naming_the_management_account_and_how_to_include_it():
    snap = _member_alone(_member_copy(_owner_copy()))
    for check_id in CHECKS:
        outcome = only(run_check(check_id, snap))
        assert outcome.status == Status.ERROR, (check_id, outcome.message)
        assert f"management account {MANAGEMENT_ACCOUNT}" in outcome.message
        assert "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail" in outcome.message
        assert "--org" in outcome.message and "--assume-role" in outcome.message
    assert only(run_check("ct-region-coverage", snap)).status == Status.PASS


def test_with_the_management_account_in_the_snapshot_its_read_is_judged():
    owner = _owner_copy()
    snap = snapshot(owner, organization=ORG)
    snap.accounts[0].trails.append(_member_copy(owner))
    for check_id in CHECKS:
        outcome = only(run_check(check_id, snap))
        assert outcome.status == Status.PASS, (check_id, outcome.message)


def test_an_owner_copy_as_incomplete_as_the_members_is_still_the_one_judged():
    """Both copies hold only the status: the owner's failure is the reason, not "include it"."""
    owner = _owner_copy()
    failed = [
        denied("cloudtrail", op, owner.arn, account=MANAGEMENT_ACCOUNT)
        for op in ("GetEventSelectors", "GetInsightSelectors", "GetEventConfiguration")
    ]
    owner = owner.model_copy(
        update={
            "event_selectors": None,
            "insight_selectors": None,
            "aggregation": None,
            "errors": failed,
        }
    )
    member_copy = _member_copy(_owner_copy())
    assert owner.completeness == member_copy.completeness == 1
    snap = snapshot(owner, organization=ORG)
    snap.accounts[0].trails.append(member_copy)
    for check_id in CHECKS:
        outcome = only(run_check(check_id, snap))
        assert outcome.status == Status.ERROR, check_id
        assert "AccessDeniedException" in outcome.message, outcome.message
        assert "--org" not in outcome.message


def test_a_snapshot_written_before_the_member_skipped_those_reads():
    """Then the member sent them and CloudTrail refused: the same explanation."""
    owner = _owner_copy()
    refused = [
        CallError(
            service="cloudtrail",
            operation=op,
            region=REGION,
            account_id=ACCOUNT,
            resource=owner.arn,
            error_code="CloudTrailARNInvalidException",
            message=f"AccountID in ARN is wrong, you can only access resources with AccountID {ACCOUNT}.",
        )
        for op in ("GetEventSelectors", "GetInsightSelectors", "GetEventConfiguration", "ListTags")
    ]
    old = _member_copy(owner).model_copy(update={"owner_reads_skipped": False, "errors": refused})
    snap = _member_alone(old)
    for check_id in CHECKS:
        outcome = only(run_check(check_id, snap))
        assert outcome.status == Status.ERROR, check_id
        assert f"management account {MANAGEMENT_ACCOUNT}" in outcome.message, outcome.message
