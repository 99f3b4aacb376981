"""The IAM policy aiposture needs, generated from the guard's allow-list.

The policy names exactly the operations in
:data:`~aiposture.collect.guard.COLLECTOR_OPERATIONS`, so it can never drift from what
the collectors send. It does not include ``sts:AssumeRole``: that is a permission of the
scanning identity in its own account (granted towards the target roles), not of the
roles being read. Each target role needs this policy; the scanning identity needs it
too when its own account is scanned.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from aiposture.collect.guard import COLLECTOR_OPERATIONS

POLICY_SID = "AiPostureReadOnly"
"""The ``Sid`` of the single statement."""

IAM_PREFIX_BY_SERVICE = {
    "cloudtrail": "cloudtrail",
    "cloudwatch": "cloudwatch",
    "logs": "logs",
    "bedrock": "bedrock",
    "bedrock-agentcore-control": "bedrock-agentcore",
    "ec2": "ec2",
    "organizations": "organizations",
    "sts": "sts",
    "sns": "sns",
    "s3": "s3",
    "guardduty": "guardduty",
}
"""botocore service name -> IAM action prefix, for every service aiposture may read."""


def iam_action(service: str, operation: str) -> str:
    """Map one botocore (service, operation) to its IAM action, e.g. ``logs:DescribeLogGroups``."""
    try:
        prefix = IAM_PREFIX_BY_SERVICE[service]
    except KeyError:
        raise ValueError(f"no IAM prefix known for botocore service '{service}'") from None
    return f"{prefix}:{operation}"


def iam_actions(operations: Collection[tuple[str, str]] = COLLECTOR_OPERATIONS) -> list[str]:
    """Return the sorted, unique IAM actions for ``operations``."""
    return sorted({iam_action(service, op) for service, op in operations})


def iam_policy(operations: Collection[tuple[str, str]] = COLLECTOR_OPERATIONS) -> dict[str, Any]:
    """Build the identity policy that allows exactly what the collectors call."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": POLICY_SID,
                "Effect": "Allow",
                "Action": iam_actions(operations),
                "Resource": "*",
            }
        ],
    }
