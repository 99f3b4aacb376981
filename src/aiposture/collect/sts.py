"""STS: who is scanning (GetCallerIdentity)."""

from __future__ import annotations

import re
from typing import Any

from aiposture.errors import MalformedAnswerError
from aiposture.ids import ACCOUNT_ID_RE
from aiposture.snapshot.models import CallerIdentity

_ARN = re.compile(r"arn:[a-z0-9-]+:(?:iam|sts)::[0-9]{12}:\S+")
"""The shape of an IAM or STS principal ARN (the caller's identity)."""


def caller_identity(client: Any) -> CallerIdentity:
    """STS GetCallerIdentity as a :class:`CallerIdentity` (raises on failure).

    An answer that parsed but lacks ``Account``, ``Arn`` or ``UserId``, or gives an account
    id that is not twelve digits or an ARN that is not a principal's, is refused with one
    :class:`MalformedAnswerError`: the account id names output folders, and a scan must not
    start from an identity it cannot trust.
    """
    resp = client.get_caller_identity()
    fields = resp if isinstance(resp, dict) else {}
    account, arn, user_id = (fields.get(k) for k in ("Account", "Arn", "UserId"))
    problem = None
    if not all(isinstance(v, str) and v for v in (account, arn, user_id)):
        missing = [k for k in ("Account", "Arn", "UserId") if not fields.get(k)]
        problem = f"no {', '.join(missing)}" if missing else "a field that is not text"
    elif not ACCOUNT_ID_RE.fullmatch(str(account)):
        problem = f"Account {str(account)[:40]!r} is not a 12-digit account id"
    elif not _ARN.fullmatch(str(arn)) or f"::{account}:" not in str(arn):
        problem = f"Arn {str(arn)[:120]!r} is not a principal ARN of account {account}"
    if problem is not None:
        raise MalformedAnswerError(
            f"malformed response to sts:GetCallerIdentity: {problem}; is --endpoint-url (or a "
            "proxy) answering for AWS?"
        )
    return CallerIdentity(account=str(account), arn=str(arn), user_id=str(user_id))
