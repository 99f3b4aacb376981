"""Rule kind ``managed_policy_attached``: an AWS managed full-access policy is attached to no one.

IAM ListEntitiesForPolicy on the policy's ARN in the scan's partition lists every role, user
and group it is attached to (IAM API Reference, ListEntitiesForPolicy).
"""

from __future__ import annotations

from pydantic import Field

from aiposture.collect.iam_posture import WATCHED_MANAGED_POLICIES, managed_policy_arn
from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error
from aiposture.rules.support.access import failed_call, iam_error


class ManagedPolicyParams(Params):
    """Which AWS managed policy must not be attached."""

    policy: str = Field(pattern=r"^(AmazonBedrockFullAccess|BedrockAgentCoreFullAccess)$")
    """One of :data:`aiposture.collect.iam_posture.WATCHED_MANAGED_POLICIES`."""


def managed_policy_attached(params: ManagedPolicyParams, ctx: RuleContext) -> list[Outcome]:
    """FAIL naming every role, user and group holding the policy; PASS when none does."""
    assert params.policy in WATCHED_MANAGED_POLICIES
    arn = managed_policy_arn(params.policy, ctx.partition)
    iam = ctx.account.iam
    entities = iam.policy_entities.get(arn) if iam else None
    if entities is None:
        err = failed_call(ctx.account, "ListEntitiesForPolicy", arn)
        why = describe_error(err) if err else iam_error(ctx.account)
        return [Outcome(Status.ERROR, f"Cannot list who holds {params.policy}: {why}", arn)]
    holders = (
        [f"role {n}" for n in entities.roles]
        + [f"user {n}" for n in entities.users]
        + [f"group {n}" for n in entities.groups]
    )
    evidence = entities.model_dump()
    if holders:
        return [
            Outcome(
                Status.FAIL,
                f"{params.policy} is attached to " + ", ".join(holders) + ": grant the "
                "actions and resources each needs instead.",
                arn,
                evidence,
            )
        ]
    return [
        Outcome(
            Status.PASS, f"{params.policy} is attached to no role, user or group.", arn, evidence
        )
    ]


MANAGED_POLICY_ATTACHED = RuleKind(
    "managed_policy_attached",
    managed_policy_attached,
    ManagedPolicyParams,
    "account",
    "An AWS managed full-access policy is attached to no role, user or group.",
    results="resource",
)
