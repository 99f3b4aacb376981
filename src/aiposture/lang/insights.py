"""CloudTrail Insights selectors and the event logging each Insights type needs (Part C)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from aiposture.lang.classic_selectors import read_classic
from aiposture.lang.selector_fields import FieldCondition, condition_holds
from aiposture.lang.selectors import advanced_conditions, selector_mode

INSIGHT_TYPES: Final = frozenset({"ApiCallRateInsight", "ApiErrorRateInsight"})
_BOOLEANS: Final = ("true", "false")


def insight_categories(
    insight_selectors: Sequence[Mapping[str, Any]], insight_type: str
) -> frozenset[str]:
    """Return the event categories that Insights of ``insight_type`` are enabled for.

    An omitted (or null) ``EventCategories`` means ``["Management"]``; an explicit empty list
    enables nothing. Several selectors of the same type add up.
    """
    categories: set[str] = set()
    for selector in insight_selectors:
        if not isinstance(selector, Mapping) or selector.get("InsightType") != insight_type:
            continue
        listed = selector.get("EventCategories")
        if listed is None:
            categories.add("Management")
        elif isinstance(listed, list | tuple):
            categories.update(c for c in listed if isinstance(c, str))
    return frozenset(categories)


def _admits(conditions: Sequence[FieldCondition], field: str, value: str) -> bool:
    return all(condition_holds(c, [value]) for c in conditions if c.field == field)


def _advanced_categories(
    conditions: list[FieldCondition] | None,
) -> tuple[list[FieldCondition], set[str]] | None:
    if conditions is None or not any(c.field == "eventCategory" for c in conditions):
        return None
    admitted = {
        category
        for category in ("Management", "Data")
        if _admits(conditions, "eventCategory", category)
    }
    return conditions, admitted


def management_read_only_values(selectors: Mapping[str, Any]) -> frozenset[str]:
    """Return the ``readOnly`` values (``"true"``, ``"false"``) of logged management events.

    Selectors are unioned: a ``readOnly=true`` selector plus a ``readOnly=false`` selector cover
    both. Fields other than ``eventCategory`` and ``readOnly`` (the ``eventSource`` exclusions of
    KMS and RDS Data API events) are ignored, as in C.3. A selector that cannot be evaluated
    safely counts for nothing.
    """
    mode, items = selector_mode(selectors)
    values: set[str] = set()
    if mode == "advanced":
        for conditions in advanced_conditions(items):
            read = _advanced_categories(conditions)
            if read is None or "Management" not in read[1]:
                continue
            values.update(v for v in _BOOLEANS if _admits(read[0], "readOnly", v))
        return frozenset(values)
    for classic in read_classic(items):
        if not classic.include_management:
            continue
        if classic.read_write in ("All", "ReadOnly"):
            values.add("true")
        if classic.read_write in ("All", "WriteOnly"):
            values.add("false")
    return frozenset(values)


def logs_management(selectors: Mapping[str, Any], need_write: bool) -> bool:
    """Tell whether the trail logs management events, write ones if ``need_write`` (C.3).

    With ``need_write`` False any management events (read or write) count.
    """
    values = management_read_only_values(selectors)
    return "false" in values if need_write else bool(values)


def logs_all_management(selectors: Mapping[str, Any]) -> bool:
    """Tell whether the trail logs read and write management events (B.7 union reading)."""
    return management_read_only_values(selectors) == frozenset(_BOOLEANS)


def logs_any_data(selectors: Mapping[str, Any]) -> bool:
    """Tell whether the trail logs any data events (C.3 logs_any_data).

    Classic: a selector with a data resource that lists at least one value. Advanced: a
    selector, evaluable safely, whose ``eventCategory`` admits ``Data``. The default logs none.
    """
    mode, items = selector_mode(selectors)
    if mode == "advanced":
        for conditions in advanced_conditions(items):
            read = _advanced_categories(conditions)
            if read is not None and "Data" in read[1]:
                return True
        return False
    return any(r.values for classic in read_classic(items) for r in classic.data_resources)


def insight_prerequisite_ok(insight_type: str, category: str, selectors: Mapping[str, Any]) -> bool:
    """Tell whether the trail logs what ``insight_type`` Insights on ``category`` need (C.3).

    Management: ApiCallRateInsight needs write management events, ApiErrorRateInsight read or
    write ones. Data: any data events. Unknown types or categories are never satisfied.
    """
    if insight_type not in INSIGHT_TYPES:
        return False
    if category == "Management":
        return logs_management(selectors, need_write=insight_type == "ApiCallRateInsight")
    if category == "Data":
        return logs_any_data(selectors)
    return False
