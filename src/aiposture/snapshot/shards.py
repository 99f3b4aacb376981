"""Shards of a scan: which accounts shard K of N holds, and the id that names a scan's plan.

A shard is decided by the account id alone (:func:`shard_of`), so every machine that runs
a shard of one plan, at any time, keeps the same accounts, and the shards of a plan
partition its accounts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from aiposture.errors import ConfigError

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")

SCAN_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
"""What a scan id may be: up to 128 letters, digits, ``.``, ``_``, ``:`` and ``-`` (a CI
run id, an AWS Batch job id, a Step Functions execution name, or :func:`plan_scan_id`)."""

_SCAN_ID = re.compile(SCAN_ID_PATTERN)


def parse_shard(text: str) -> tuple[int, int]:
    """Parse ``"K/N"`` (1-based: ``1 <= K <= N``) into ``(K, N)``.

    Raises :class:`ConfigError` with one readable line for anything else.
    """
    match = _SHARD.fullmatch(text)
    if not match:
        raise ConfigError(f"shard {text!r} is not of the form K/N, for example 2/8")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1:
        raise ConfigError(f"shard {text!r}: the number of shards N must be at least 1")
    if not 1 <= k <= n:
        raise ConfigError(f"shard {text!r}: K must be between 1 and N ({n}); shards count from 1")
    return k, n


def format_shard(k: int, n: int) -> str:
    """The ``"K/N"`` text of a shard (the inverse of :func:`parse_shard`)."""
    parse_shard(f"{k}/{n}")
    return f"{k}/{n}"


def shard_of(account_id: str, n: int) -> int:
    """The 1-based shard (of ``n``) that ``account_id`` belongs to.

    It depends only on the account id (its SHA-256), never on its position in a list, so
    accounts joining or leaving the organization never move the others between shards.
    """
    if n < 1:
        raise ConfigError(f"the number of shards must be at least 1, not {n}")
    digest = hashlib.sha256(account_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def shard_accounts(account_ids: Iterable[str], k: int, n: int) -> list[str]:
    """The accounts of ``account_ids`` that belong to shard ``k`` of ``n``, in input order.

    Over ``k = 1..n`` the shards partition the input: each account is in exactly one shard
    (see :func:`shard_of`).
    """
    format_shard(k, n)
    return [a for a in account_ids if shard_of(a, n) == k]


def plan_scan_id(
    partition: str,
    scanner_account: str | None,
    accounts: Sequence[str],
    regions: Sequence[str] | None,
) -> str:
    """The scan id of a plan: a SHA-256 (first 32 hex digits) over what the plan reads.

    The partition, the scanning identity's account, the set of planned accounts and the
    set of requested regions (``None``: every enabled region). Every shard of one plan
    computes the same id on any machine and at any time, without sharing anything but
    the command line; a scan of other accounts or other regions gets another id. The
    shard itself is not part of it, so the shards of one plan share it.
    """
    text = "\n".join(
        [
            "aiposture-scan-plan-1",
            partition,
            scanner_account or "-",
            ",".join(sorted(set(accounts))),
            "*" if regions is None else ",".join(sorted(set(regions))),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def check_scan_id(text: str) -> str:
    """``text`` if it can be a scan id (:data:`SCAN_ID_PATTERN`); else one-line :class:`ConfigError`."""
    if not _SCAN_ID.fullmatch(text):
        raise ConfigError(
            f"scan id {text!r} is not 1 to 128 letters, digits, '.', '_', ':' or '-' "
            "(starting with a letter or digit)"
        )
    return text
