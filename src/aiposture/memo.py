"""Values derived from objects, computed once while those very objects are alive.

Evaluation derives the same facts again and again from one snapshot (the organization
trails, an account's delivery log groups, a filter search, an alarm index). An
:class:`IdentityMemo` keys them by the identity of the objects they come from, plus any
plain key parts, and keeps those objects referenced so an id can never be reused by
another object while its entry exists. The snapshot is treated as immutable while it is
judged; tests that change one in place call :meth:`IdentityMemo.clear`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """A bounded cache of values keyed by object identity (and plain key parts)."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._entries: dict[tuple[Hashable, ...], tuple[tuple[object, ...], V]] = {}

    def get(
        self,
        owners: tuple[object, ...],
        compute: Callable[[], V],
        *parts: Hashable,
    ) -> V:
        """The value for ``owners`` (by identity) and ``parts``, computed on first use."""
        key = (*map(id, owners), *parts)
        hit = self._entries.get(key)
        if hit is not None:
            held = hit[0]
            if len(held) == 1 and held[0] is owners[0]:
                return hit[1]
            if all(a is b for a, b in zip(held, owners, strict=True)):
                return hit[1]
        value = compute()
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[key] = (owners, value)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()
