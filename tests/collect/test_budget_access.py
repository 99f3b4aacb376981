"""The AI access reads cost exactly what the budget counts (IAM, VPC endpoints, log bucket)."""

from __future__ import annotations

import pytest

from aiposture.collect.budget import minimum_calls
from aiposture.collect.scan import collect
from aiposture.demo.environment import DemoEnvironment
from tests.collect.helpers import CallCounter, factory_for

pytestmark = pytest.mark.integration

ACCESS = {
    f"iam:{op}"
    for op in (
        "ListServiceSpecificCredentials",
        "ListAttachedUserPolicies",
        "ListUserPolicies",
        "GetUserPolicy",
        "ListGroupsForUser",
        "ListAttachedGroupPolicies",
        "ListGroupPolicies",
        "GetGroupPolicy",
        "GetRole",
        "ListAttachedRolePolicies",
        "ListRolePolicies",
        "GetRolePolicy",
        "GetPolicy",
        "GetPolicyVersion",
        "ListEntitiesForPolicy",
    )
} | {"ec2:DescribeVpcs", "ec2:DescribeVpcEndpoints", "s3:GetBucketEncryption"}


def test_the_demo_scan_sends_exactly_the_access_reads_its_snapshot_needs(
    demo_env: DemoEnvironment,
) -> None:
    count = CallCounter()
    snapshot = collect(factory_for(demo_env, count), demo_env.options)
    sent = count.sent
    budget = minimum_calls(snapshot)
    assert {k: sent[k] for k in ACCESS} == {k: budget[k] for k in ACCESS}
    assert all(sent[k] > 0 for k in ACCESS)  # the demo exercises every one of them
