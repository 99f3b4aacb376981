"""Rule kind ``bedrock_api_key_long_term``: no IAM user holds a live Bedrock long-term API key.

Amazon Bedrock User Guide, "How Amazon Bedrock API keys work": a long-term key is
"Recommended only for exploration of Amazon Bedrock"; short-term keys (valid up to 12
hours, the generating session's permissions) are preferred for anything else. Every key
``ListServiceSpecificCredentials`` returns for ``bedrock.amazonaws.com`` is a long-term one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind
from aiposture.rules.support.access import iam_error
from aiposture.snapshot.access import ServiceCredential

NEVER_EXPIRES_DAYS = 10000
"""An expiry further away than this counts as "never" (Prowler's threshold)."""


def key_arn(ctx: RuleContext, key: ServiceCredential) -> str:
    """The key's ARN as Prowler names it (IAM has none for service-specific credentials)."""
    return f"arn:{ctx.partition}:iam::{ctx.account_id}:user/{key.user_name}/credential/{key.id}"


def judge_each_key(
    ctx: RuleContext, judge: Callable[[ServiceCredential], Outcome], none: Outcome
) -> list[Outcome]:
    """One outcome per Bedrock API key of the account, by ``judge``.

    ERROR when ``ListServiceSpecificCredentials`` could not be read (never "no key"),
    ``none`` when the account has no key.
    """
    iam = ctx.account.iam
    keys = iam.bedrock_api_keys if iam else None
    if keys is None:
        why = iam_error(ctx.account, "ListServiceSpecificCredentials")
        return [Outcome(Status.ERROR, f"Cannot list the Bedrock API keys: {why}")]
    return [judge(key) for key in keys] if keys else [none]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _judge(ctx: RuleContext, key: ServiceCredential, now: datetime) -> Outcome:
    who = f"Bedrock long-term API key {key.id} of IAM user {key.user_name}"
    arn = key_arn(ctx, key)
    evidence = {"ServiceSpecificCredential": key.raw}
    expires = _aware(key.expiration_date) if key.expiration_date else None
    if key.status == "Expired" or (expires is not None and expires <= now):
        return Outcome(
            Status.PASS, f"{who} has expired and can no longer authenticate.", arn, evidence
        )
    state = "active" if key.status == "Active" else f"{key.status.lower()} (it can be re-activated)"
    if expires is None or (expires - now).days > NEVER_EXPIRES_DAYS:
        life = "never expires"
    else:
        life = f"expires in {(expires - now).days} days"
    return Outcome(
        Status.FAIL,
        f"{who} is {state} and {life}: use short-term Bedrock API keys (at most 12 hours) "
        "and delete the long-term key.",
        arn,
        evidence,
    )


def bedrock_api_key_long_term(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """One outcome per Bedrock long-term API key; PASS when the account has none."""
    now = _aware(ctx.snapshot.finished_at)
    none = Outcome(Status.PASS, "No IAM user holds a Bedrock long-term API key in this account.")
    return judge_each_key(ctx, lambda key: _judge(ctx, key, now), none)


BEDROCK_API_KEY_LONG_TERM = RuleKind(
    "bedrock_api_key_long_term",
    bedrock_api_key_long_term,
    NoParams,
    "account",
    "No IAM user holds a Bedrock long-term API key that has not expired.",
    results="resource",
)
