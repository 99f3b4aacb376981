"""Exact evaluation of CloudTrail event selectors: whether a trail logs a given event record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


def advanced_selector_matches(selector: object, event: Mapping[str, Any]) -> bool:
    """Tell whether one ``AdvancedEventSelector`` matches ``event`` (AND across field selectors).

    ``resources.ARN`` is tested only against the resources whose type is one of the selector's
    ``resources.type`` Equals values (Q13).
    """
    conditions = read_advanced_selector(selector)
    if conditions is None:
        return False
    types = _selected_types(conditions)
    return all(
        condition_holds(condition, field_values(event, condition.field, types))
        for condition in conditions
    )


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
        for index, selector in enumerate(items):
            if advanced_selector_matches(selector, event):
                return SelectorMatch(True, index, _advanced_name(selector, index), mode)
        return SelectorMatch(False, None, None, mode)
    for selector in read_classic(items):
        if classic_matches(selector, event, partition):
            name = "default" if mode == "default" else f"EventSelectors[{selector.index}]"
            return SelectorMatch(True, selector.index, name, mode)
    return SelectorMatch(False, None, None, mode)
