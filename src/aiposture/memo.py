"""Values derived from objects, computed once while those very objects are alive.

Evaluation derives the same facts again and again from one snapshot (the organization
trails, an account's delivery log groups, a filter search, an alarm index). An
:class:`EvaluationMemo` keys them by the identity of the objects they come from, plus any
plain key parts, and keeps those objects referenced so an id can never be reused by
another object while its entry exists.

The caches belong to one evaluation, never to a module: the engine makes one
:class:`EvaluationMemo` per ``evaluate()`` (a rule context made elsewhere gets a fresh
one), and each module names what it caches with a :class:`Fact`. The snapshot is treated
as immutable while it is judged; a snapshot changed in place is judged afresh by the next
evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

V = TypeVar("V")

_Entries = dict[tuple[Hashable, ...], tuple[tuple[object, ...], Any]]
"""One fact's cache: key (owner ids, parts) -> (the owners, kept alive; the value)."""


@dataclass(frozen=True, eq=False)
class Fact(Generic[V]):
    """A kind of derived value that an :class:`EvaluationMemo` caches, and its cache's bound.

    Facts are compared by identity, so two modules' facts never share entries whatever
    their names; the name is for reading only.
    """

    name: str
    size: int = 4096


class EvaluationMemo:
    """The caches of one evaluation: a bounded cache per :class:`Fact`.

    Values are keyed by the identity of the objects they come from (the owners) plus any
    plain key parts; an entry keeps its owners referenced, so an id can never be reused by
    another object while the entry exists. A cache that reaches its fact's bound starts
    over.
    """

    def __init__(self) -> None:
        self._caches: dict[Fact[Any], _Entries] = {}

    def get(
        self,
        fact: Fact[V],
        owners: tuple[object, ...],
        compute: Callable[[], V],
        *parts: Hashable,
    ) -> V:
        """The ``fact`` for ``owners`` (by identity) and ``parts``, computed on first use."""
        entries = self._caches.get(fact)
        if entries is None:
            entries = self._caches[fact] = {}
        key = (*map(id, owners), *parts)
        hit = entries.get(key)
        if hit is not None:
            held = hit[0]
            if len(held) == 1 and held[0] is owners[0]:
                value: V = hit[1]
                return value
            if all(a is b for a, b in zip(held, owners, strict=True)):
                value = hit[1]
                return value
        value = compute()
        if len(entries) >= fact.size:
            entries.clear()
        entries[key] = (owners, value)
        return value
