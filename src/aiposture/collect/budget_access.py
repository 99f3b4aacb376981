"""The minimum-call budget of the AI access reads, for :mod:`aiposture.collect.budget`.

The reads of :mod:`aiposture.collect.iam_posture` and :mod:`aiposture.collect.network_access`:

- per account whose IAM evidence was read (``AccountSnapshot.iam``): IAM
  ``ListServiceSpecificCredentials`` (one per 1,000 keys); for each key holder
  ``ListAttachedUserPolicies``, ``ListUserPolicies``, ``ListGroupsForUser`` and a
  ``GetUserPolicy`` per inline policy, the same for each of their groups (without the
  groups listing) and each agent role (with ``GetRole``); ``GetPolicy`` per managed policy and
  ``GetPolicyVersion`` per default version read; ``ListEntitiesForPolicy`` per watched policy
  (one per 1,000 holders);
- per region whose network evidence was read (``RegionSnapshot.vpc_endpoints``): EC2
  ``DescribeVpcs`` and ``DescribeVpcEndpoints`` (one per 1,000), and S3
  ``GetBucketEncryption`` when invocation logging has an S3 destination.
"""

from __future__ import annotations

from collections import Counter

from aiposture.collect import iam_posture, network_access
from aiposture.snapshot.access import Principal
from aiposture.snapshot.models import AccountSnapshot, RegionSnapshot

__all__ = ["access_account_calls", "access_region_calls"]


def _pages(items: int, size: int) -> int:
    return max(1, -(-items // size))


def _principal(kind: str, p: Principal, calls: Counter[str]) -> None:
    cap = kind.capitalize()
    size = iam_posture.PAGE
    calls[f"iam:ListAttached{cap}Policies"] += _pages(len(p.attached or []), size)
    calls[f"iam:List{cap}Policies"] += _pages(len(p.inline or {}), size)
    calls[f"iam:Get{cap}Policy"] += len(p.inline or {})


def access_account_calls(acct: AccountSnapshot, calls: Counter[str]) -> None:
    """Add the account-wide IAM reads that ``acct.iam`` holds the evidence of."""
    iam = acct.iam
    if iam is None:
        return
    size = iam_posture.PAGE
    calls["iam:ListServiceSpecificCredentials"] += _pages(len(iam.bedrock_api_keys or []), size)
    for user in iam.users.values():
        _principal("user", user, calls)
        calls["iam:ListGroupsForUser"] += _pages(len(user.groups or []), size)
    for group in iam.groups.values():
        _principal("group", group, calls)
    for role in iam.roles.values():
        calls["iam:GetRole"] += 1
        _principal("role", role, calls)
    calls["iam:GetPolicy"] += len(iam.policies)
    calls["iam:GetPolicyVersion"] += sum(
        p.default_version is not None for p in iam.policies.values()
    )
    for name in iam_posture.WATCHED_MANAGED_POLICIES:
        found = iam.policy_entities.get(iam_posture.managed_policy_arn(name, "aws"))
        if found is None:  # the partition is in the key: count what is there
            found = next(
                (v for k, v in iam.policy_entities.items() if k.endswith(f":policy/{name}")),
                None,
            )
        holders = len(found.roles) + len(found.users) + len(found.groups) if found else 0
        calls["iam:ListEntitiesForPolicy"] += _pages(holders, size)


def access_region_calls(reg: RegionSnapshot, calls: Counter[str]) -> None:
    """Add the region's VPC endpoint and invocation-log bucket reads."""
    found = reg.vpc_endpoints
    if found is None:
        return
    size = network_access.PAGE
    calls["ec2:DescribeVpcs"] += _pages(len(found.vpcs or []), size)
    calls["ec2:DescribeVpcEndpoints"] += _pages(len(found.endpoints or []), size)
    config = reg.invocation_logging.config if reg.invocation_logging else {}
    if (config.get("s3Config") or {}).get("bucketName"):
        calls["s3:GetBucketEncryption"] += 1
