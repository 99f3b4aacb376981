"""Rule kind ``bedrock_api_key_privileges``: Bedrock API key holders lack broad permissions.

A Bedrock long-term API key authenticates as its IAM user with that user's permissions
(Amazon Bedrock User Guide, "How Amazon Bedrock API keys work"): a leaked bearer token is
worth what the user may do. Each key's user is judged through its attached and inline
policies and its groups' (:mod:`aiposture.rules.support.access`).
"""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind, describe_error
from aiposture.rules.bedrock_api_key_long_term import judge_each_key, key_arn
from aiposture.rules.support.access import PolicyFindings, failed_call, judge_principal
from aiposture.snapshot.access import ServiceCredential


def _judge(ctx: RuleContext, key: ServiceCredential) -> Outcome:
    iam = ctx.account.iam
    assert iam is not None
    who = f"Bedrock API key {key.id} of IAM user {key.user_name}"
    arn = key_arn(ctx, key)
    user = iam.users.get(key.user_name)
    if user is None:
        return Outcome(Status.ERROR, f"Cannot judge {who}: its user's policies were not read.", arn)
    found = PolicyFindings()
    judge_principal(ctx.account, iam, user, "bedrock", found)
    if user.groups is None:
        err = failed_call(ctx.account, "ListGroupsForUser", user.name)
        found.unread.append(
            f"the groups of user {user.name} ({describe_error(err) if err else 'not read'})"
        )
    for name in user.groups or []:
        group = iam.groups.get(name)
        if group is None:
            found.unread.append(f"group {name}")
        else:
            judge_principal(ctx.account, iam, group, "bedrock", found)
    evidence = {"grants": found.grants, "unread": found.unread}
    if found.grants:
        return Outcome(
            Status.FAIL,
            f"{who} carries broad permissions: " + "; ".join(found.grants) + ".",
            arn,
            evidence,
        )
    if found.unread:
        return Outcome(
            Status.ERROR,
            f"Cannot judge {who}: not read: " + "; ".join(found.unread) + ".",
            arn,
            evidence,
        )
    return Outcome(
        Status.PASS,
        f"{who}: no policy of the user or its groups grants administrative access, full "
        "Bedrock access or a privilege escalation.",
        arn,
        evidence,
    )


def bedrock_api_key_privileges(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """One outcome per Bedrock API key; NOT_APPLICABLE when the account has none."""
    none = Outcome(
        Status.NOT_APPLICABLE,
        "No IAM user holds a Bedrock API key in this account.",
        evidence={"kind": "bedrock-api-key", "listed": True, "count": 0},
    )
    return judge_each_key(ctx, lambda key: _judge(ctx, key), none)


BEDROCK_API_KEY_PRIVILEGES = RuleKind(
    "bedrock_api_key_privileges",
    bedrock_api_key_privileges,
    NoParams,
    "account",
    "The users of Bedrock API keys have no administrative, full-Bedrock or escalation grants.",
    results="resource",
)
