"""STS: who is scanning (GetCallerIdentity)."""

from __future__ import annotations

from typing import Any

from aiposture.snapshot.models import CallerIdentity


def caller_identity(client: Any) -> CallerIdentity:
    """STS GetCallerIdentity as a :class:`CallerIdentity` (raises on failure)."""
    resp = client.get_caller_identity()
    return CallerIdentity(account=resp["Account"], arn=resp["Arn"], user_id=resp["UserId"])
