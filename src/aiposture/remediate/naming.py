"""Stable, unique names for the resources a fix plan renders (logical ids, Terraform names).

A renderer gives each resource a readable base name made from the resource's own name
(CamelCase for a CloudFormation logical id, a slug for a Terraform name). A base name too
long, or one that two resources share, gets a short hash of the resource's whole key
appended, so the name stays the same from one plan to the next and never collides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

__all__ = ["short_hash", "unique_names"]

K = TypeVar("K", bound=tuple[str, ...])


def short_hash(*parts: str) -> str:
    """Eight hex digits of the SHA-256 of ``parts`` (joined with NUL): a stable suffix."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:8]


def _one_scope(key: tuple[str, ...]) -> Hashable:
    return None


def unique_names(
    keys: Sequence[K],
    base_name: Callable[[K], str],
    *,
    max_length: int,
    separator: str = "",
    scope: Callable[[K], Hashable] = _one_scope,
) -> dict[K, str]:
    """A name for each of ``keys``: unique within its ``scope``, stable across runs.

    The name is ``base_name(key)``. One longer than ``max_length`` is cut there and gets
    ``separator`` and :func:`short_hash` of the key appended; a name that two keys of the
    same scope share gets the same suffix on each. A suffixed name equal to another key's
    name (never seen in practice) is suffixed again, with the hash of itself.
    """
    base: dict[K, str] = {}
    for key in keys:
        name = base_name(key)
        if len(name) > max_length:
            name = name[:max_length] + separator + short_hash(*key)
        base[key] = name
    counts: dict[tuple[Hashable, str], int] = {}
    for key, name in base.items():
        counts[(scope(key), name)] = counts.get((scope(key), name), 0) + 1
    result: dict[K, str] = {}
    used: set[tuple[Hashable, str]] = set()
    for key, name in base.items():
        where = scope(key)
        final = name if counts[(where, name)] == 1 else name + separator + short_hash(*key)
        while (where, final) in used:
            final = final + separator + short_hash(final)
        used.add((where, final))
        result[key] = final
    return result
