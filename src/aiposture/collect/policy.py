"""The IAM policy aiposture needs, generated from the guard's allow-list.

The policy names exactly the operations in
:data:`~aiposture.collect.guard.COLLECTOR_OPERATIONS`, so it can never drift from what
the collectors send. It does not include ``sts:AssumeRole``: that is a permission of the
scanning identity in its own account (granted towards the target roles), not of the
roles being read. Each target role needs this policy; the scanning identity needs it
too when its own account is scanned. The policy names actions on ``"Resource": "*"`` and
no ARN, so the same document is valid in every partition (``aws``, ``aws-cn``,
``aws-us-gov``): IAM action prefixes do not change between partitions.

:func:`security_audit_addition` is the one statement the AWS managed policy SecurityAudit
lacks, computed from the same operations and the managed-policy data in
:mod:`aiposture.iam.managed_policies` (``aiposture policy --security-audit-addition``). The
botocore-service-to-IAM-prefix map is :mod:`aiposture.iam.actions`' (re-exported here), so
the rules' AccessDenied messages name actions the same way.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from aiposture.collect.guard import COLLECTOR_OPERATIONS
from aiposture.iam.actions import IAM_PREFIX_BY_SERVICE, iam_action
from aiposture.iam.managed_policies import SECURITY_AUDIT

__all__ = [
    "IAM_PREFIX_BY_SERVICE",
    "POLICY_SID",
    "SECURITY_AUDIT_ADDITION_SID",
    "iam_action",
    "iam_actions",
    "iam_policy",
    "security_audit_addition",
]

POLICY_SID = "AiPostureReadOnly"
"""The ``Sid`` of the single statement."""

SECURITY_AUDIT_ADDITION_SID = "AiPostureSecurityAuditAddition"
"""The ``Sid`` of the statement that completes the AWS managed policy SecurityAudit."""


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


def security_audit_addition(
    operations: Collection[tuple[str, str]] = COLLECTOR_OPERATIONS,
) -> dict[str, Any] | None:
    """The identity policy granting what SecurityAudit lacks of ``operations``, or None.

    Computed from the operations and the managed-policy data
    (:data:`aiposture.iam.managed_policies.SECURITY_AUDIT`); an action that data cannot vouch
    for is included. None when SecurityAudit grants every action (IAM refuses a statement with
    no action).
    """
    lacking = SECURITY_AUDIT.lacks(iam_actions(operations))
    if not lacking:
        return None
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": SECURITY_AUDIT_ADDITION_SID,
                "Effect": "Allow",
                "Action": lacking,
                "Resource": "*",
            }
        ],
    }
