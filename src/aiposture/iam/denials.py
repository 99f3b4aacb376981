"""What to tell the user when IAM denied one of aiposture's reads.

An ERROR caused by an AccessDenied names the IAM action that was denied and, from the
managed-policy data (:mod:`aiposture.iam.managed_policies`), what grants it: SecurityAudit
lacks ``cloudtrail:GetEventConfiguration``, so a user who attached SecurityAudit is told to
attach ReadOnlyAccess or the statement :data:`SECURITY_AUDIT_ADDITION_COMMAND` prints.
"""

from __future__ import annotations

from aiposture.iam.actions import iam_action, is_access_denied
from aiposture.iam.managed_policies import READ_ONLY_ACCESS, SECURITY_AUDIT

POLICY_COMMAND = "aiposture policy"
"""The command that prints the least-privilege policy aiposture needs."""

SECURITY_AUDIT_ADDITION_COMMAND = "aiposture policy --security-audit-addition"
"""The command that prints the statement SecurityAudit lacks."""


def denied_action_hint(
    service: str, operation: str, error_code: str, account_id: str | None = None
) -> str | None:
    """The sentence naming the IAM action a denied call needed, or None when not a denial.

    ``account_id`` is the account the call was sent to (the identity reading it lacks the
    action). None for a failure that is not IAM's refusal, a service with no known prefix, or
    ``sts:AssumeRole`` (no managed policy grants it; its denial is usually the target role's
    trust policy): the failed call's line says enough. An action of a service the recorded
    excerpts cover that neither policy grants (the newest Bedrock listings) is pointed at
    the policy :data:`POLICY_COMMAND` prints, or SecurityAudit with the addition.
    """
    if not is_access_denied(error_code):
        return None
    try:
        action = iam_action(service, operation)
    except ValueError:  # a service with no known IAM prefix
        return None
    who = f"the identity reading account {account_id}" if account_id else "the scanning identity"
    by_security_audit = SECURITY_AUDIT.grants(action)
    by_read_only = READ_ONLY_ACCESS.grants(action)
    if by_read_only and not by_security_audit:
        return (
            f"{who} lacks {action} ({SECURITY_AUDIT.name} does not grant it: attach "
            f"{READ_ONLY_ACCESS.name} or the statement `{SECURITY_AUDIT_ADDITION_COMMAND}` prints)"
        )
    if by_security_audit and not by_read_only:
        return (
            f"{who} lacks {action} ({READ_ONLY_ACCESS.name} does not grant it: attach "
            f"{SECURITY_AUDIT.name} or the policy `{POLICY_COMMAND}` prints)"
        )
    if not by_read_only and action != "sts:AssumeRole" and SECURITY_AUDIT.verified(action):
        return (
            f"{who} lacks {action} (neither {READ_ONLY_ACCESS.name} nor {SECURITY_AUDIT.name} "
            f"grants it: attach the policy `{POLICY_COMMAND}` prints, or {SECURITY_AUDIT.name} "
            f"with the statement `{SECURITY_AUDIT_ADDITION_COMMAND}` prints)"
        )
    if by_read_only:
        return (
            f"{who} lacks {action} (granted by {READ_ONLY_ACCESS.name}, {SECURITY_AUDIT.name} "
            f"and the policy `{POLICY_COMMAND}` prints; if one is attached, a service control "
            "policy, permissions boundary or session policy denies it)"
        )
    return None
