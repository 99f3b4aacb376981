"""Cached verdicts of filter patterns over log messages, for judging many filters fast.

A scan judges the same few patterns (copies of the guide's filters) in every account, against
sample events that differ only by account id and region. Three exact caches make that cheap:

* each distinct pattern text is parsed once;
* a JSON-flavour pattern's verdict on an event depends only on the nodes its selectors reach
  (:func:`~aiposture.lang.filter_pattern_json.evaluate` reads nothing else), so verdicts are
  cached by (pattern text, projection of the events onto those selectors): identical filters
  in many accounts are evaluated once;
* better still, when the selectors reach no ``{account}`` / ``{region}`` / ``{partition}``
  placeholder of the un-filled sample events, the verdict is the same in every account and is
  cached by (pattern text, sample events) without building the account's messages at all;
* other flavours read the whole message, so their verdicts are cached by (pattern text,
  messages).

The caches are bounded (cleared when full), so a long-lived process does not grow without end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiposture.errors import PatternSyntaxError
from aiposture.lang.filter_pattern import DEFAULT_SEMANTICS, Pattern, classify, parse
from aiposture.lang.filter_pattern_common import WHITESPACE
from aiposture.lang.filter_pattern_json import (
    Expr,
    JsonNumber,
    Selector,
    evaluate,
    iter_conditions,
    load_event,
    parse_json_body,
    resolve,
)

_MAX_ENTRIES = 200_000


@dataclass(frozen=True)
class Verdict:
    """Whether one pattern matches each of a sequence of messages."""

    hits: tuple[bool, ...]
    """One boolean per message, in order (all False for a rejected pattern)."""
    error: str | None = None
    """For a pattern AWS would reject: the problem and its 1-based character position."""


@dataclass(frozen=True)
class _Compiled:
    pattern: Pattern | None
    expr: Expr | None
    is_json: bool
    selectors: tuple[Selector, ...]
    error: str | None


def syntax_error_text(text: str, error: PatternSyntaxError) -> str:
    """``"<problem> at character N"`` (1-based) for a pattern AWS would reject."""
    message = str(error)
    if error.position is None:
        return message
    message = message.removesuffix(f" at position {error.position}")
    return f"{message} at character {error.position + 1}"


_compiled: dict[str, _Compiled] = {}


def _compile(text: str) -> _Compiled:
    found = _compiled.get(text)
    if found is not None:
        return found
    try:
        pattern = parse(text)
    except PatternSyntaxError as exc:
        found = _Compiled(None, None, False, (), syntax_error_text(text, exc))
    else:
        if classify(text) == "json":
            start = len(text) - len(text.lstrip(WHITESPACE))
            expr = parse_json_body(text, start, DEFAULT_SEMANTICS)
            selectors: list[Selector] = []
            for cond in iter_conditions(expr) if expr is not None else ():
                if cond.selector not in selectors:
                    selectors.append(cond.selector)
            found = _Compiled(pattern, expr, True, tuple(selectors), None)
        else:
            found = _Compiled(pattern, None, False, (), None)
    if len(_compiled) >= _MAX_ENTRIES:
        _compiled.clear()
    _compiled[text] = found
    return found


@lru_cache(maxsize=8192)
def _event(message: str) -> dict[str, Any] | None:
    return load_event(message, DEFAULT_SEMANTICS)


def _freeze(node: Any) -> Any:
    if isinstance(node, JsonNumber):
        return ("#", node.text)
    if isinstance(node, dict):
        return ("{", tuple((k, _freeze(v)) for k, v in node.items()))
    if isinstance(node, list):
        return ("[", tuple(_freeze(v) for v in node))
    if isinstance(node, bool) or node is None:
        return ("b", node)
    return node


_interned: dict[tuple[Any, ...], int] = {}
_json_verdicts: dict[tuple[str, int], tuple[bool, ...]] = {}
_text_verdicts: dict[tuple[str, tuple[str, ...]], tuple[bool, ...]] = {}


def clear_caches() -> None:
    """Forget every cached parse, projection and verdict."""
    _compiled.clear()
    _interned.clear()
    _json_verdicts.clear()
    _text_verdicts.clear()
    _template_ids.clear()
    _portable.clear()
    _event.cache_clear()


def _projection_id(selectors: tuple[Selector, ...], messages: tuple[str, ...]) -> int:
    projection: list[Any] = [selectors]
    for message in messages:
        event = _event(message)
        if event is None:
            projection.append(None)
        else:
            projection.append(tuple(_freeze(resolve(event, sel)) for sel in selectors))
    key = tuple(projection)
    found = _interned.get(key)
    if found is None:
        if len(_interned) >= _MAX_ENTRIES:
            _interned.clear()
            _json_verdicts.clear()
        found = len(_interned)
        _interned[key] = found
    return found


def _json_hits(compiled: _Compiled, messages: tuple[str, ...]) -> tuple[bool, ...]:
    expr = compiled.expr
    hits: list[bool] = []
    for message in messages:
        event = _event(message)
        if event is None:
            hits.append(False)
        else:
            hits.append(expr is None or evaluate(expr, event, DEFAULT_SEMANTICS))
    return tuple(hits)


def _has_placeholder(frozen: Any) -> bool:
    if isinstance(frozen, str):
        return "{" in frozen
    if isinstance(frozen, tuple):
        return any(_has_placeholder(item) for item in frozen)
    return False


_template_ids: dict[tuple[str, ...], int] = {}
_portable: dict[tuple[str, int], tuple[bool, ...] | None] = {}


def _portable_hits(compiled: _Compiled, templates: tuple[str, ...]) -> tuple[bool, ...] | None:
    """Hits on the template events, when they hold for every account; else None."""
    for message in templates:
        event = _event(message)
        if event is None:
            continue
        for sel in compiled.selectors:
            if _has_placeholder(_freeze(resolve(event, sel))):
                return None
    return _json_hits(compiled, templates)


def verdicts(
    patterns: Sequence[str],
    messages: Callable[[], tuple[str, ...]],
    templates: tuple[str, ...] | None = None,
) -> list[Verdict]:
    """The verdict of each pattern over ``messages()``; never raises for a bad pattern.

    ``templates``, when given, are the same events before the account, region and partition
    were filled in (``{account}``, ``{region}``, ``{partition}`` left as written). A JSON
    pattern whose selectors reach no placeholder in them has the same verdict in every
    account: it is computed once on the templates and reused, and ``messages`` is not called.
    """
    out: list[Verdict] = []
    projections: dict[tuple[Selector, ...], int] = {}
    filled: tuple[str, ...] | None = None
    tid: int | None = None
    if templates is not None:
        tid = _template_ids.get(templates)
        if tid is None:
            if len(_template_ids) >= _MAX_ENTRIES:
                _template_ids.clear()
                _portable.clear()
            tid = len(_template_ids)
            _template_ids[templates] = tid
    for text in patterns:
        if templates is not None and tid is not None:
            pkey = (text, tid)
            if pkey in _portable:
                portable = _portable[pkey]
            else:
                compiled = _compile(text)
                portable = None
                if compiled.error is None and compiled.is_json:
                    portable = _portable_hits(compiled, templates)
                if len(_portable) >= _MAX_ENTRIES:
                    _portable.clear()
                _portable[pkey] = portable
            if portable is not None:
                out.append(Verdict(portable))
                continue
        compiled = _compile(text)
        if compiled.error is not None:
            size = len(templates) if templates is not None else len(filled or messages())
            out.append(Verdict((False,) * size, compiled.error))
            continue
        if filled is None:
            filled = messages()
        if compiled.is_json:
            pid = projections.get(compiled.selectors)
            if pid is None:
                pid = _projection_id(compiled.selectors, filled)
                projections[compiled.selectors] = pid
            key = (text, pid)
            hits = _json_verdicts.get(key)
            if hits is None:
                hits = _json_hits(compiled, filled)
                if len(_json_verdicts) >= _MAX_ENTRIES:
                    _json_verdicts.clear()
                _json_verdicts[key] = hits
        else:
            text_key = (text, filled)
            hits = _text_verdicts.get(text_key)
            if hits is None:
                assert compiled.pattern is not None
                hits = tuple(compiled.pattern.matches(m) for m in filled)
                if len(_text_verdicts) >= _MAX_ENTRIES:
                    _text_verdicts.clear()
                _text_verdicts[text_key] = hits
        out.append(Verdict(hits))
    return out
