"""Cached verdicts of filter patterns over log messages, for judging many filters fast.

A scan judges the same few patterns (copies of the guide's filters) in every account, against
sample events that differ only by account id and region. Three exact caches make that cheap:

* each distinct pattern text is parsed once;
* a JSON-flavour pattern's verdict on an event depends only on the nodes its selectors reach
  (:func:`~aiposture.lang.filter_pattern_json_eval.evaluate` reads nothing else), so verdicts are
  cached by (pattern text, projection of the events onto those selectors): identical filters
  in many accounts are evaluated once;
* better still, when the selectors reach no ``{account}`` / ``{region}`` / ``{partition}``
  placeholder of the un-filled sample events, the verdict is the same in every account and is
  cached by (pattern text, sample events) without building the account's messages at all;
* when the selectors do reach placeholders, the verdict depends only on the values of the
  placeholders reached (typically ``{region}`` alone), so it is cached by (pattern text,
  sample events, those values): shared by every account scanned in the same region;
* other flavours read the whole message, so their verdicts are cached by (pattern text,
  messages).

The caches are bounded (cleared when full), so a long-lived process does not grow without end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiposture.errors import PatternSyntaxError
from aiposture.lang.filter_pattern import DEFAULT_SEMANTICS, Pattern, classify, parse
from aiposture.lang.filter_pattern_common import WHITESPACE
from aiposture.lang.filter_pattern_json import Expr, Selector, iter_conditions, parse_json_body
from aiposture.lang.filter_pattern_json_eval import JsonNumber, evaluate, load_event, resolve

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
    _scoped.clear()
    _needs.clear()
    _assessments.clear()
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


_PLACEHOLDER = re.compile(r"\{(account|region|partition)\}")


def _placeholders(frozen: Any, found: set[str]) -> bool:
    """Collect the placeholder names in ``frozen``; False when a ``{`` is not one of ours."""
    if isinstance(frozen, str):
        if "{" not in frozen:
            return True
        names = _PLACEHOLDER.findall(frozen)
        found.update(names)
        return frozen.count("{") == len(names)
    if isinstance(frozen, tuple):
        return all(_placeholders(item, found) for item in frozen)
    return True


_template_ids: dict[tuple[str, ...], int] = {}
_portable: dict[tuple[str, int], tuple[bool, ...] | frozenset[str] | None] = {}
_scoped: dict[tuple[str, int, tuple[str, ...]], tuple[bool, ...]] = {}


def _portable_hits(
    compiled: _Compiled, templates: tuple[str, ...]
) -> tuple[bool, ...] | frozenset[str] | None:
    """Hits on the template events when they hold for every account.

    Otherwise the placeholder names the selectors reach (the verdict depends on their values
    only), or None when a reached value holds a ``{`` that is not a placeholder (no shortcut
    is safe).
    """
    touched: set[str] = set()
    for message in templates:
        event = _event(message)
        if event is None:
            continue
        for sel in compiled.selectors:
            if not _placeholders(_freeze(resolve(event, sel)), touched):
                return None
    if touched:
        return frozenset(touched)
    return _json_hits(compiled, templates)


def _template_id(templates: tuple[str, ...]) -> int:
    tid = _template_ids.get(templates)
    if tid is None:
        if len(_template_ids) >= _MAX_ENTRIES:
            _template_ids.clear()
            _portable.clear()
            _needs.clear()
            _assessments.clear()
        tid = len(_template_ids)
        _template_ids[templates] = tid
    return tid


def _portable_for(
    text: str, tid: int, templates: tuple[str, ...]
) -> tuple[bool, ...] | frozenset[str] | None:
    """Cached :func:`_portable_hits` of ``text`` (None for rejected and non-JSON patterns)."""
    pkey = (text, tid)
    if pkey in _portable:
        return _portable[pkey]
    compiled = _compile(text)
    portable = None
    if compiled.error is None and compiled.is_json:
        portable = _portable_hits(compiled, templates)
    if len(_portable) >= _MAX_ENTRIES:
        _portable.clear()
    _portable[pkey] = portable
    return portable


ALL_PLACEHOLDERS = ("account", "partition", "region")


@dataclass(frozen=True)
class Assessment:
    """What a set of filters does with a requirement's events (indices into the filters)."""

    satisfying: tuple[tuple[int, tuple[int, ...]], ...]
    """Filters matching every must-match event, each with the unrelated events (indices
    counted from the first unrelated one) it also matches."""
    closest: tuple[int, int, tuple[int, ...]] | None
    """The first filter matching the most must-match events, when none matches them all:
    (filter, how many it matches, the must-match events it misses)."""
    rejected: tuple[tuple[int, str], ...]
    """Filters whose pattern AWS would reject, with the syntax error."""
    misses: tuple[tuple[int, ...] | None, ...] = ()
    """For every filter, the must-match events it misses (None for a rejected pattern)."""


_needs: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}
_assessments: dict[tuple[tuple[str, ...], int, tuple[str, ...]], Assessment] = {}


def _dependencies(
    patterns: tuple[str, ...], tid: int, templates: tuple[str, ...]
) -> tuple[str, ...]:
    """The placeholders whose values the patterns' verdicts on the templates depend on."""
    needed: set[str] = set()
    for text in patterns:
        if _compile(text).error is not None:
            continue
        portable = _portable_for(text, tid, templates)
        if portable is None:
            return ALL_PLACEHOLDERS
        if isinstance(portable, frozenset):
            needed |= portable
    return tuple(sorted(needed))


def assess(
    patterns: Sequence[str],
    messages: Callable[[], tuple[str, ...]],
    templates: tuple[str, ...],
    values: Mapping[str, str],
    n_must: int,
) -> Assessment:
    """Judge a log group's filters against a requirement's events.

    The first ``n_must`` messages must match, the rest are unrelated. Cached exactly: by the
    pattern texts, the sample events and the values of the placeholders the verdicts depend
    on, so a log group with the same filters in another account of the same region costs a
    lookup.
    """
    pats = tuple(patterns)
    tid = _template_id(templates)
    needs = _needs.get((pats, tid))
    if needs is None:
        needs = _dependencies(pats, tid, templates)
        if len(_needs) >= _MAX_ENTRIES:
            _needs.clear()
        _needs[(pats, tid)] = needs
    key = (pats, tid, tuple(values.get(n, "") for n in needs))
    found = _assessments.get(key)
    if found is not None:
        return found
    satisfying: list[tuple[int, tuple[int, ...]]] = []
    rejected: list[tuple[int, str]] = []
    closest: tuple[int, int, tuple[int, ...]] | None = None
    misses: list[tuple[int, ...] | None] = []
    for i, verdict in enumerate(verdicts(pats, messages, templates, values)):
        if verdict.error is not None:
            rejected.append((i, verdict.error))
            misses.append(None)
            continue
        hits = verdict.hits
        missed = tuple(j for j in range(n_must) if not hits[j])
        misses.append(missed)
        if not missed:
            over = tuple(j - n_must for j in range(n_must, len(hits)) if hits[j])
            satisfying.append((i, over))
            continue
        matched = n_must - len(missed)
        if closest is None or matched > closest[1]:
            closest = (i, matched, missed)
    found = Assessment(tuple(satisfying), closest, tuple(rejected), tuple(misses))
    if len(_assessments) >= _MAX_ENTRIES:
        _assessments.clear()
    _assessments[key] = found
    return found


def verdicts(
    patterns: Sequence[str],
    messages: Callable[[], tuple[str, ...]],
    templates: tuple[str, ...] | None = None,
    values: Mapping[str, str] | None = None,
) -> list[Verdict]:
    """The verdict of each pattern over ``messages()``; never raises for a bad pattern.

    ``templates``, when given, are the same events before the account, region and partition
    were filled in (``{account}``, ``{region}``, ``{partition}`` left as written). A JSON
    pattern whose selectors reach no placeholder in them has the same verdict in every
    account: it is computed once on the templates and reused, and ``messages`` is not called.
    ``values`` (``account``, ``region``, ``partition``: what fills the templates) lets a
    pattern that reaches placeholders share its verdict with every account that has the
    same values for the placeholders it reaches.
    """
    out: list[Verdict] = []
    projections: dict[tuple[Selector, ...], int] = {}
    filled: tuple[str, ...] | None = None
    tid = _template_id(templates) if templates is not None else None
    for text in patterns:
        if templates is not None and tid is not None:
            portable = _portable_for(text, tid, templates)
            if isinstance(portable, tuple):
                out.append(Verdict(portable))
                continue
            if portable is not None and values is not None:
                skey = (text, tid, tuple(values.get(n, "") for n in sorted(portable)))
                hits = _scoped.get(skey)
                if hits is None:
                    if filled is None:
                        filled = messages()
                    hits = _json_hits(_compile(text), filled)
                    if len(_scoped) >= _MAX_ENTRIES:
                        _scoped.clear()
                    _scoped[skey] = hits
                out.append(Verdict(hits))
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
