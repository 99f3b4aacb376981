"""An ERROR caused by an AccessDenied names the IAM action the reading identity lacks."""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import describe_error
from aiposture.snapshot.models import CallError
from tests.builders import ACCOUNT, REGION, denied, guide_trail, log_group, snapshot, trail
from tests.rules.helpers import only, run_check

ADDITION = "aiposture policy --security-audit-addition"


def test_denied_event_configuration_says_security_audit_does_not_grant_it() -> None:
    t = guide_trail(aggregation=None)
    t.errors.append(denied("cloudtrail", "GetEventConfiguration", t.arn))
    snap = snapshot(t, log_groups=[log_group()])
    for check in ("api-activity", "resource-access", "user-actions"):
        out = only(run_check(f"det-event-aggregation-{check}", snap))
        assert out.status is Status.ERROR, out.message
        assert (
            f"the identity reading account {ACCOUNT} lacks cloudtrail:GetEventConfiguration "
            f"(SecurityAudit does not grant it: attach ReadOnlyAccess or the statement "
            f"`{ADDITION}` prints)"
        ) in out.message


def test_a_denied_read_security_audit_grants_points_at_an_explicit_deny() -> None:
    t = trail(logging=None)  # GetTrailStatus denied
    out = only(run_check("ct-trail-logging", snapshot(t)))
    assert out.status is Status.ERROR, out.message
    assert "lacks cloudtrail:GetTrailStatus (granted by ReadOnlyAccess, SecurityAudit" in (
        out.message
    )
    assert "permissions boundary" in out.message
    assert ADDITION not in out.message


def test_a_listing_neither_managed_policy_grants_points_at_the_policy_and_the_addition() -> None:
    blueprints = denied("bedrock-data-automation", "ListBlueprints")
    assert (
        "lacks bedrock:ListBlueprints (neither ReadOnlyAccess nor SecurityAudit grants it: "
        f"attach the policy `aiposture policy` prints, or SecurityAudit with the statement "
        f"`{ADDITION}` prints)"
    ) in describe_error(blueprints)
    imported = denied("bedrock", "ListImportedModels")
    assert (
        "lacks bedrock:ListImportedModels (ReadOnlyAccess does not grant it: attach "
        "SecurityAudit or the policy `aiposture policy` prints)"
    ) in describe_error(imported)


def test_iam_prefix_and_denial_codes_of_each_protocol() -> None:
    ec2 = denied("ec2", "DescribeRegions").model_copy(
        update={"error_code": "UnauthorizedOperation"}
    )
    assert "lacks ec2:DescribeRegions" in describe_error(ec2)
    sns = denied("sns", "GetTopicAttributes").model_copy(
        update={"error_code": "AuthorizationError"}
    )
    assert "lacks sns:GetTopicAttributes" in describe_error(sns)
    alarms = denied("cloudwatch", "DescribeAlarms").model_copy(
        update={"error_code": "AccessDenied"}
    )
    assert "lacks cloudwatch:DescribeAlarms" in describe_error(alarms)


def test_other_failures_get_no_permission_hint() -> None:
    throttled = CallError(
        service="cloudtrail",
        operation="GetEventConfiguration",
        region=REGION,
        account_id=ACCOUNT,
        error_code="ThrottlingException",
        message="Rate exceeded",
    )
    assert describe_error(throttled) == (
        f"cloudtrail:GetEventConfiguration in {REGION} failed with ThrottlingException: "
        "Rate exceeded"
    )
    # sts:AssumeRole: no managed policy grants it; a denial is usually the role's trust policy
    refused = denied("sts", "AssumeRole").model_copy(update={"error_code": "AccessDenied"})
    assert describe_error(refused).endswith("failed with AccessDenied: not authorized")
