"""Evaluation of JSON-flavour filter patterns against log events (A.4).

An event is parsed once (numbers kept as their source text, :class:`JsonNumber`) and cached;
:func:`resolve` follows a selector to the nodes it reaches and :func:`evaluate` applies a parsed
expression (:mod:`~aiposture.lang.filter_pattern_json`) under the given semantics.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from aiposture.lang.filter_pattern_common import (
    NUMERIC_LITERAL,
    Semantics,
    compare_numbers,
    to_number,
)
from aiposture.lang.filter_pattern_json import (
    And,
    Expr,
    IsKw,
    Lit,
    NotExists,
    NumLit,
    Or,
    Selector,
    StrLit,
)

__all__ = ["JsonNumber", "evaluate", "load_event", "resolve"]


class JsonNumber:
    """A JSON number from the event, kept as its source text (A.4.1)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        """Wrap the number's source text."""
        self.text = text

    def __repr__(self) -> str:
        """Show the source text."""
        return f"JsonNumber({self.text!r})"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def load_event(message: str, semantics: Semantics) -> dict[str, Any] | None:
    """Parse a log message as a JSON object, numbers kept as source text; ``None`` if it is not.

    Parsed documents are cached (the same events are tested against many patterns) and
    shared: evaluation only reads them.
    """
    return _load_event_cached(message, semantics)


@lru_cache(maxsize=4096)
def _load_event_cached(message: str, semantics: Semantics) -> dict[str, Any] | None:

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if semantics.duplicate_keys_last_wins:
            return dict(pairs)
        out: dict[str, Any] = {}
        for key, value in pairs:
            out.setdefault(key, value)
        return out

    candidates = [message]
    if semantics.parse_json_after_prefix:
        brace = message.find("{")
        if brace > 0:
            candidates.append(message[brace:])
    for candidate in candidates:
        try:
            value = json.loads(
                candidate,
                parse_int=JsonNumber,
                parse_float=JsonNumber,
                parse_constant=_reject_constant,
                object_pairs_hook=pairs_hook,
            )
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            return value
    return None


def resolve(root: Any, selector: Selector) -> list[Any]:
    """Resolve a selector against an event (A.4.2): the list of nodes it reaches."""
    nodes: list[Any] = [root]
    for step in selector:
        found: list[Any] = []
        for node in nodes:
            if step is None:
                if isinstance(node, dict):
                    found.extend(node.values())
                elif isinstance(node, list):
                    found.extend(node)
            elif isinstance(step, str):
                if isinstance(node, dict) and step in node:
                    found.append(node[step])
            elif isinstance(node, list) and step < len(node):
                found.append(node[step])
        nodes = found
        if not nodes:
            break
    return nodes


def _node_matches(node: Any, op: str, lit: Lit, semantics: Semantics) -> bool:
    """Evaluate one resolved node against ``op lit`` (A.4.4)."""
    if isinstance(lit, NumLit):
        if isinstance(node, JsonNumber):
            value = to_number(node.text, semantics)
        elif isinstance(node, str) and semantics.numeric_literal_matches_numeric_string:
            value = to_number(node, semantics) if NUMERIC_LITERAL.fullmatch(node) else None
        else:
            return False
        return value is not None and compare_numbers(value, op, lit.value)
    if isinstance(node, str):
        text = node
    elif isinstance(node, JsonNumber):
        if isinstance(lit, StrLit) and not semantics.string_literal_compares_number_source_text:
            return False
        text = node.text
    else:
        if isinstance(lit, StrLit) and lit.star.is_any and semantics.star_matches_non_values:
            return op == "="
        return False
    hit = lit.star.matches(text) if isinstance(lit, StrLit) else lit.regex.search(text) is not None
    return hit if op == "=" else not hit


def evaluate(expr: Expr, event: dict[str, Any], semantics: Semantics) -> bool:
    """Evaluate a parsed expression against a parsed event (A.4)."""
    if isinstance(expr, And):
        return all(evaluate(item, event, semantics) for item in expr.items)
    if isinstance(expr, Or):
        return any(evaluate(item, event, semantics) for item in expr.items)
    nodes = resolve(event, expr.selector)
    if isinstance(expr, NotExists):
        return not nodes
    if isinstance(expr, IsKw):
        if expr.keyword == "NULL":
            return any(node is None for node in nodes) or (
                semantics.null_matches_missing and not nodes
            )
        wanted = expr.keyword == "TRUE"
        return any(node is wanted for node in nodes)
    if (
        expr.op == "!="
        and not semantics.wildcard_not_equal_any
        and any(step is None for step in expr.selector)
    ):
        return bool(nodes) and all(_node_matches(n, expr.op, expr.lit, semantics) for n in nodes)
    return any(_node_matches(n, expr.op, expr.lit, semantics) for n in nodes)
