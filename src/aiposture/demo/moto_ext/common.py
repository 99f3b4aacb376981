"""What every moto patch shares: replacing an attribute and AWS's timestamp forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any


def naive_utc(value: datetime) -> datetime:
    """``value`` as a naive UTC datetime (moto stores naive UTC times)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def epoch(value: datetime) -> float:
    """``value`` as seconds since the epoch (a JSON timestamp of the AWS JSON protocols)."""
    return naive_utc(value).replace(tzinfo=UTC).timestamp()


def iso(value: datetime) -> str:
    """``value`` as an ISO 8601 UTC string to the second, as CloudTrail writes its times."""
    return naive_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def patch(owner: type, name: str, value: Callable[..., Any]) -> None:
    """Replace (or add) ``owner.name``; moto dispatches by attribute lookup."""
    setattr(owner, name, value)


def utcnow() -> datetime:
    """Now, as a naive UTC datetime."""
    return datetime.now(UTC).replace(tzinfo=None)
