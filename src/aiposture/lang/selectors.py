"""Exact evaluation of CloudTrail event selectors: whether a trail logs a given event record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from aiposture.lang.classic_selectors import classic_matches, read_classic, to_advanced
from aiposture.lang.selector_fields import (
    EVENT_FIELDS,
    FieldCondition,
    condition_holds,
    field_values,
    parse_field_condition,
)

__all__ = [
    "DEFAULT_EVENT_SELECTORS",
    "SelectorMatch",
    "SelectorMode",
    "advanced_conditions",
    "advanced_selector_matches",
    "read_advanced_selector",
    "selector_mode",
    "to_advanced",
    "trail_logs",
]

SelectorMode = Literal["advanced", "classic", "default"]

DEFAULT_EVENT_SELECTORS: Final[tuple[Mapping[str, Any], ...]] = (
    {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []},
)
"""What a trail created through the API without any selectors behaves like (B.5)."""


@dataclass(frozen=True)
class SelectorMatch:
    """Whether a trail logs an event, and which selector made it do so."""

    logged: bool
    selector_index: int | None
    selector_name: str | None
    mode: SelectorMode


def selector_mode(selectors: Mapping[str, Any]) -> tuple[SelectorMode, Sequence[Any]]:
    """Return the kind of selectors a ``GetEventSelectors`` mapping holds, and the list (B.7).

    A non-empty ``AdvancedEventSelectors`` list wins. Otherwise ``EventSelectors``, when present,
    makes the trail classic (an empty or malformed list logs nothing). An ``AdvancedEventSelectors``
    key alone that is empty or malformed is read as advanced selectors that log nothing. A mapping
    with neither key is the API default, classic ``[{ReadWriteType: All, ...}]``.
    """
    advanced = selectors.get("AdvancedEventSelectors")
    if isinstance(advanced, list | tuple) and advanced:
        return "advanced", advanced
    classic = selectors.get("EventSelectors")
    if classic is not None:
        return "classic", classic if isinstance(classic, list | tuple) else ()
    if advanced is not None:
        return "advanced", ()
    return "default", DEFAULT_EVENT_SELECTORS


def read_advanced_selector(selector: object) -> list[FieldCondition] | None:
    """Return one advanced selector's field conditions, or None if it cannot be evaluated safely.

    None is returned for a selector without field selectors, with a malformed field selector, or
    with a ``Field`` this evaluator does not know: such a selector is treated as matching nothing,
    so logging is never over-reported.
    """
    if not isinstance(selector, Mapping):
        return None
    raw = selector.get("FieldSelectors")
    if not isinstance(raw, list | tuple) or not raw:
        return None
    conditions: list[FieldCondition] = []
    for item in raw:
        condition = parse_field_condition(item)
        if condition is None or condition.field not in EVENT_FIELDS:
            return None
        conditions.append(condition)
    return conditions


def _selected_types(conditions: Sequence[FieldCondition]) -> frozenset[str] | None:
    types: set[str] = set()
    found = False
    for condition in conditions:
        if condition.field == "resources.type" and condition.values_of("Equals"):
            found = True
            types.update(condition.values_of("Equals"))
    return frozenset(types) if found else None


_Compiled = tuple[list[FieldCondition], frozenset[str] | None] | None
_CACHE_SIZE = 2048


@dataclass(frozen=True)
class _CompiledList:
    """A selector list parsed once, with an exact index by ``resources.type``.

    A selector whose ``resources.type`` has Equals values can only match an event that
    carries a resource of one of those types, so only those selectors, plus the ones
    without such a condition, need testing. Candidates stay in list order, so the first
    matching selector is the same one a full scan would report.
    """

    selectors: list[_Compiled]
    by_type: dict[str, tuple[int, ...]]
    untyped: tuple[int, ...]
    untyped_key: str = ""
    """The untyped selectors' names and conditions, as text: equal texts judge alike."""
    untyped_fields: tuple[str, ...] = ()
    """The fields the untyped selectors read, sorted."""
    _by_types: dict[frozenset[str], tuple[int, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Candidates already worked out, by the event's set of resource types."""

    def candidates(self, event: Mapping[str, Any]) -> list[int]:
        """Indexes of the selectors that could match ``event``, in list order."""
        return list(self.candidates_for(frozenset(_event_resource_types(event))))

    def candidates_for(self, types: frozenset[str]) -> tuple[int, ...]:
        """Indexes of the selectors that could match an event with resources of ``types``."""
        hit = self._by_types.get(types)
        if hit is None:
            found = set(self.untyped)
            for rtype in types:
                found.update(self.by_type.get(rtype, ()))
            hit = self._by_types[types] = tuple(sorted(found))
        return hit


def _event_resource_types(event: Mapping[str, Any]) -> set[str]:
    resources = event.get("resources")
    if not isinstance(resources, list | tuple):
        return set()
    return {
        r["type"] for r in resources if isinstance(r, Mapping) and isinstance(r.get("type"), str)
    }


_compiled_lists: dict[int, tuple[Sequence[Any], _CompiledList]] = {}


def _compile(selector: object) -> _Compiled:
    conditions = read_advanced_selector(selector)
    return None if conditions is None else (conditions, _selected_types(conditions))


def _build(items: Sequence[Any]) -> _CompiledList:
    compiled = [_compile(selector) for selector in items]
    by_type: dict[str, list[int]] = {}
    untyped: list[int] = []
    for index, entry in enumerate(compiled):
        if entry is None:
            continue  # matches nothing
        types = _selected_types(entry[0])
        if types is None:
            untyped.append(index)
        else:
            for rtype in types:
                by_type.setdefault(rtype, []).append(index)
    conditions = {i: entry[0] for i in untyped if (entry := compiled[i]) is not None}
    fields = sorted({c.field for i in untyped for c in conditions[i]})
    key = repr(
        tuple(
            (
                items[i].get("Name") if isinstance(items[i], Mapping) else None,
                tuple((c.field, c.operators) for c in conditions[i]),
            )
            for i in untyped
        )
    )
    return _CompiledList(
        compiled, {k: tuple(v) for k, v in by_type.items()}, tuple(untyped), key, tuple(fields)
    )


def _compiled_list(items: Sequence[Any]) -> _CompiledList:
    """The parsed form of a selector list, cached by identity while the list is alive.

    A snapshot's selector lists are judged against many representative events; parsing
    them once per list keeps evaluation fast. The cache holds a reference to each list, so
    an id is never reused while its entry exists, and it is bounded in size.
    """
    key = id(items)
    hit = _compiled_lists.get(key)
    if hit is not None and hit[0] is items and len(hit[1].selectors) == len(items):
        return hit[1]
    built = _build(items)
    if len(_compiled_lists) >= _CACHE_SIZE:
        _compiled_lists.clear()
    _compiled_lists[key] = (items, built)
    return built


def advanced_conditions(items: Sequence[Any]) -> list[list[FieldCondition] | None]:
    """The field conditions of each advanced selector of ``items`` (None: matches nothing).

    The same reading as :func:`read_advanced_selector`, parsed once per list and shared with
    the evaluator's cache.
    """
    return [None if c is None else c[0] for c in _compiled_list(items).selectors]


def _matches(compiled: _Compiled, event: Mapping[str, Any]) -> bool:
    if compiled is None:
        return False
    conditions, types = compiled
    return all(
        condition_holds(condition, field_values(event, condition.field, types))
        for condition in conditions
    )


def advanced_selector_matches(selector: object, event: Mapping[str, Any]) -> bool:
    """Tell whether one ``AdvancedEventSelector`` matches ``event`` (AND across field selectors).

    ``resources.ARN`` is tested only against the resources whose type is one of the selector's
    ``resources.type`` Equals values (Q13).
    """
    return _matches(_compile(selector), event)


_untyped_verdicts: dict[tuple[str, tuple[tuple[str, ...], ...]], int | None] = {}


def _untyped_only(
    compiled: _CompiledList, items: Sequence[Any], event: Mapping[str, Any]
) -> SelectorMatch:
    """The verdict when only the selectors without a ``resources.type`` can match ``event``.

    It depends only on those selectors (names and conditions) and on the values of the fields
    they read, so it is shared by every list with the same untyped selectors: the management
    and network-activity selectors of a whole organization are judged once per event shape.
    """
    projection = tuple(tuple(field_values(event, f)) for f in compiled.untyped_fields)
    key = (compiled.untyped_key, projection)
    if key in _untyped_verdicts:
        position = _untyped_verdicts[key]
    else:
        position = next(
            (
                n
                for n, index in enumerate(compiled.untyped)
                if _matches(compiled.selectors[index], event)
            ),
            None,
        )
        if len(_untyped_verdicts) >= _CACHE_SIZE * 16:
            _untyped_verdicts.clear()
        _untyped_verdicts[key] = position
    if position is None:
        return SelectorMatch(False, None, None, "advanced")
    index = compiled.untyped[position]
    return SelectorMatch(True, index, _advanced_name(items[index], index), "advanced")


def _advanced_name(selector: object, index: int) -> str:
    name = selector.get("Name") if isinstance(selector, Mapping) else None
    return name if isinstance(name, str) and name else f"AdvancedEventSelectors[{index}]"


def trail_logs(
    selectors: Mapping[str, Any], event: Mapping[str, Any], partition: str = "aws"
) -> SelectorMatch:
    """Tell whether a trail with ``selectors`` (a ``GetEventSelectors`` response) logs ``event``.

    Selectors are ORed; the first one that matches is reported. Advanced selectors with no
    ``Name`` are reported as ``AdvancedEventSelectors[i]``, classic ones as ``EventSelectors[i]``,
    and the API default as ``default``. ``partition`` is used to recognise classic "all"
    prefixes such as ``arn:aws:s3``.
    """
    mode, items = selector_mode(selectors)
    if mode == "advanced":
        compiled = _compiled_list(items)
        types = frozenset(_event_resource_types(event))
        if not any(t in compiled.by_type for t in types):
            return _untyped_only(compiled, items, event)
        for index in compiled.candidates_for(types):
            if _matches(compiled.selectors[index], event):
                return SelectorMatch(True, index, _advanced_name(items[index], index), mode)
        return SelectorMatch(False, None, None, mode)
    for selector in read_classic(items):
        if classic_matches(selector, event, partition):
            name = "default" if mode == "default" else f"EventSelectors[{selector.index}]"
            return SelectorMatch(True, selector.index, name, mode)
    return SelectorMatch(False, None, None, mode)
