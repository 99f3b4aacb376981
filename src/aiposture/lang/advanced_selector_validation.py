"""Validation of advanced event selectors: AWS's rules per category (B.3) plus the guide's traps.

Which fields each event category accepts on a trail or an event data store, which operators and
values each field takes, the 500-value limit, resources.ARN values that cannot belong to the
selected resource types, and busy data-event types logged with no narrowing condition.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

from aiposture.lang.data_event_types import HIGH_VOLUME_TYPES, KNOWN_RESOURCE_TYPES, arn_service
from aiposture.lang.selector_fields import EVENT_FIELDS, OPERATORS, operator_holds
from aiposture.lang.selector_issues import (
    TRAIL_MANAGEMENT_EXCLUSIONS,
    IssueCollector,
    IssueKind,
    IssueLocation,
    check_value,
)

__all__ = [
    "ADVANCED_VALUE_LIMIT",
    "EVENT_DATA_STORE_ONLY_CATEGORIES",
    "TRAIL_CATEGORIES",
    "count_advanced_values",
    "validate_advanced",
]

ADVANCED_VALUE_LIMIT: Final = 500
_VALUE_MAX_LENGTH: Final = 2048
_NAME_MAX_LENGTH: Final = 1000

TRAIL_CATEGORIES: Final = frozenset({"Management", "Data", "NetworkActivity"})
EVENT_DATA_STORE_ONLY_CATEGORIES: Final = frozenset(
    {"Insight", "ConfigurationItem", "Evidence", "ActivityAuditLog"}
)
_DATA_FIELDS: Final = frozenset(
    {
        "eventCategory",
        "readOnly",
        "eventSource",
        "eventName",
        "resources.type",
        "resources.ARN",
        "eventType",
        "sessionCredentialFromConsole",
        "userIdentity.arn",
    }
)
_TRAIL_FIELDS: Final = {
    "Management": frozenset({"eventCategory", "readOnly", "eventSource"}),
    "Data": _DATA_FIELDS,
    "NetworkActivity": frozenset(
        {
            "eventCategory",
            "eventSource",
            "eventName",
            "errorCode",
            "vpcEndpointId",
            "userIdentity.arn",
        }
    ),
}
_STORE_FIELDS: Final = {
    "Management": frozenset(
        {
            "eventCategory",
            "readOnly",
            "eventSource",
            "eventName",
            "eventType",
            "sessionCredentialFromConsole",
            "userIdentity.arn",
        }
    ),
    "Data": _DATA_FIELDS,
    "NetworkActivity": frozenset(
        {"eventCategory", "eventSource", "eventName", "errorCode", "vpcEndpointId"}
    ),
}
_EQUALS_ONLY: Final = frozenset({"eventCategory", "readOnly", "resources.type", "errorCode"})
_FIXED_VALUES: Final = {
    "readOnly": frozenset({"true", "false"}),
    "errorCode": frozenset({"VpceAccessDenied"}),
}
_NARROWING_FIELDS: Final = frozenset({"resources.ARN", "eventName", "userIdentity.arn"})
_ARN_FIELDS: Final = frozenset({"resources.ARN", "userIdentity.arn"})
_FIELD_NAME: Final = re.compile(r"[\w|.]+")


def count_advanced_values(items: Sequence[Any]) -> int:
    """Count the values across all operators of all advanced selectors (the 500 limit)."""
    total = 0
    for selector in items:
        raw = selector.get("FieldSelectors") if isinstance(selector, Mapping) else None
        if not isinstance(raw, list | tuple):
            continue
        for item in raw:
            if not isinstance(item, Mapping):
                continue
            for key, values in item.items():
                if key in OPERATORS and isinstance(values, list | tuple):
                    total += len(values)
    return total


def validate_advanced(issues: IssueCollector, items: Sequence[Any]) -> None:
    """Check the trail-wide value limit, then each advanced selector in turn."""
    total = count_advanced_values(items)
    if total > ADVANCED_VALUE_LIMIT:
        issues.add(
            IssueKind.VALUE_LIMIT,
            IssueLocation(None, None),
            f"{total} values across all advanced selectors; a trail accepts at most "
            f"{ADVANCED_VALUE_LIMIT}",
        )
    for index, selector in enumerate(items):
        _validate_advanced_selector(issues, index, selector)


def _advanced_where(index: int, selector: object) -> IssueLocation:
    name = selector.get("Name") if isinstance(selector, Mapping) else None
    return IssueLocation(
        index, name if isinstance(name, str) and name else f"AdvancedEventSelectors[{index}]"
    )


def _read_field_selectors(
    issues: IssueCollector, where: IssueLocation, raw: Sequence[Any]
) -> list[tuple[str, dict[str, list[str]]]]:
    """Return the well-named field selectors with their well-formed operator lists."""
    fields: list[tuple[str, dict[str, list[str]]]] = []
    for item in raw:
        if not isinstance(item, Mapping):
            issues.add(IssueKind.INVALID_FIELD, where, "a field selector is not an object")
            continue
        field = item.get("Field")
        if not isinstance(field, str) or not _FIELD_NAME.fullmatch(field):
            issues.add(IssueKind.INVALID_FIELD, where, f"Field {field!r} is not a valid field name")
            continue
        if field not in EVENT_FIELDS:
            issues.add(IssueKind.INVALID_FIELD, where, f"unknown field {field}", field)
        operators: dict[str, list[str]] = {}
        keys = [key for key in item if key != "Field"]
        if not keys:
            issues.add(IssueKind.INVALID_OPERATOR, where, f"field {field} has no operator", field)
        for key in keys:
            values = item[key]
            if key not in OPERATORS:
                issues.add(
                    IssueKind.INVALID_OPERATOR, where, f"unknown operator {key} on {field}", field
                )
                continue
            if not isinstance(values, list | tuple) or not values:
                issues.add(
                    IssueKind.INVALID_VALUE,
                    where,
                    f"{field} {key} needs a non-empty list of values",
                    field,
                )
                continue
            operators[key] = []
            for value in values:
                if not isinstance(value, str) or not 1 <= len(value) <= _VALUE_MAX_LENGTH:
                    issues.add(
                        IssueKind.INVALID_VALUE,
                        where,
                        f"{field} {key} value {value!r} is not a string of 1 to "
                        f"{_VALUE_MAX_LENGTH} characters",
                        field,
                        value if isinstance(value, str) else None,
                    )
                    continue
                operators[key].append(value)
        fields.append((field, operators))
    return fields


def _validate_advanced_selector(issues: IssueCollector, index: int, selector: object) -> None:
    where = _advanced_where(index, selector)
    if not isinstance(selector, Mapping):
        issues.add(IssueKind.INVALID_VALUE, where, "the selector is not an object")
        return
    name = selector.get("Name")
    if name is not None and (not isinstance(name, str) or len(name) > _NAME_MAX_LENGTH):
        issues.add(
            IssueKind.INVALID_VALUE, where, "Name must be a string of at most 1000 characters"
        )
    raw = selector.get("FieldSelectors")
    if not isinstance(raw, list | tuple) or not raw:
        issues.add(
            IssueKind.MISSING_REQUIRED_FIELD,
            where,
            "FieldSelectors must be a non-empty list",
            "FieldSelectors",
        )
        return
    fields = _read_field_selectors(issues, where, raw)
    for field, count in Counter(field for field, _ in fields).items():
        if count > 1:
            issues.add(
                IssueKind.DUPLICATE_FIELD,
                where,
                f"field {field} appears {count} times; each field may appear once per selector",
                field,
            )
    category = _category(issues, where, fields)
    types = frozenset(
        value
        for field, operators in fields
        if field == "resources.type"
        for value in operators.get("Equals", [])
    )
    if category is not None:
        _check_category_rules(issues, where, fields, category)
    for field, operators in fields:
        for operator, values in operators.items():
            for value in values:
                check_value(issues, where, field, operator, value, field in _ARN_FIELDS)
            if field == "resources.ARN":
                _check_arn_shape(issues, where, operator, values, types)
    if category == "Data":
        _check_high_volume(issues, where, fields, types)


def _category(
    issues: IssueCollector, where: IssueLocation, fields: Sequence[tuple[str, dict[str, list[str]]]]
) -> str | None:
    """Return the selector's single ``eventCategory`` value, reporting what is wrong."""
    found = [operators for field, operators in fields if field == "eventCategory"]
    if not found:
        issues.add(
            IssueKind.MISSING_REQUIRED_FIELD,
            where,
            "eventCategory is required",
            "eventCategory",
        )
        return None
    for operator in found[0]:
        if operator != "Equals":
            issues.add(
                IssueKind.INVALID_OPERATOR,
                where,
                f"eventCategory accepts only Equals, not {operator}",
                "eventCategory",
            )
    values = found[0].get("Equals", [])
    if len(values) != 1:
        if values:
            issues.add(
                IssueKind.INVALID_VALUE,
                where,
                "eventCategory Equals must name exactly one category",
                "eventCategory",
            )
        return None
    permitted = TRAIL_CATEGORIES
    if issues.context.event_data_store:
        permitted = TRAIL_CATEGORIES | EVENT_DATA_STORE_ONLY_CATEGORIES
    if values[0] not in permitted:
        store = "an event data store" if issues.context.event_data_store else "a trail"
        issues.add(
            IssueKind.INVALID_VALUE,
            where,
            f"eventCategory {values[0]!r} is not a category {store} accepts "
            f"({', '.join(sorted(permitted))})",
            "eventCategory",
            values[0],
        )
        return None
    return values[0]


def _check_category_rules(
    issues: IssueCollector,
    where: IssueLocation,
    fields: Sequence[tuple[str, dict[str, list[str]]]],
    category: str,
) -> None:
    """Fields allowed for the category, required fields, and per-field operator rules (B.3)."""
    store = issues.context.event_data_store
    allowed = (_STORE_FIELDS if store else _TRAIL_FIELDS).get(
        category, frozenset({"eventCategory"})
    )
    kind = "event data store" if store else "trail"
    present = {field for field, _ in fields}
    for field in sorted(present & EVENT_FIELDS - allowed):
        issues.add(
            IssueKind.INVALID_FIELD,
            where,
            f"field {field} is not allowed in {category} selectors on a {kind}",
            field,
        )
    required = {"Data": "resources.type", "NetworkActivity": "eventSource"}.get(category)
    if required is not None and required not in present:
        issues.add(
            IssueKind.MISSING_REQUIRED_FIELD,
            where,
            f"{category} selectors need a {required} field",
            required,
        )
    for field, operators in fields:
        if field not in allowed or field == "eventCategory":
            continue
        permitted_ops = _permitted_operators(field, category, store)
        for operator in operators:
            if operator not in permitted_ops:
                issues.add(
                    IssueKind.INVALID_OPERATOR,
                    where,
                    f"{field} in {category} selectors accepts only {', '.join(permitted_ops)}, "
                    f"not {operator}",
                    field,
                )
        _check_field_values(issues, where, field, operators, category, store)


def _permitted_operators(field: str, category: str, store: bool) -> tuple[str, ...]:
    if field in _EQUALS_ONLY:
        return ("Equals",)
    if field == "sessionCredentialFromConsole":
        return ("Equals", "NotEquals")
    if field == "eventSource" and category == "NetworkActivity":
        return ("Equals",)
    if field == "eventSource" and category == "Management" and not store:
        return ("NotEquals",)
    return OPERATORS


def _check_field_values(
    issues: IssueCollector,
    where: IssueLocation,
    field: str,
    operators: Mapping[str, list[str]],
    category: str,
    store: bool,
) -> None:
    fixed = _FIXED_VALUES.get(field)
    if field == "eventSource" and category == "Management" and not store:
        fixed = TRAIL_MANAGEMENT_EXCLUSIONS
    for operator, values in operators.items():
        for value in values:
            if fixed is not None and value not in fixed:
                issues.add(
                    IssueKind.INVALID_VALUE,
                    where,
                    f"{field} accepts only {', '.join(sorted(fixed))} here, not {value!r}",
                    field,
                    value,
                )
            if (
                field == "resources.type"
                and operator == "Equals"
                and value not in KNOWN_RESOURCE_TYPES
            ):
                issues.add(
                    IssueKind.UNKNOWN_RESOURCE_TYPE,
                    where,
                    f"resources.type {value!r} is not a data-event type this tool knows; "
                    "check the spelling against the CloudTrail data-events table",
                    field,
                    value,
                )
    if field == "eventSource" and category == "NetworkActivity":
        values = operators.get("Equals", [])
        if len(values) > 1:
            issues.add(
                IssueKind.INVALID_VALUE,
                where,
                "a NetworkActivity selector takes exactly one eventSource",
                field,
            )


def _check_arn_shape(
    issues: IssueCollector,
    where: IssueLocation,
    operator: str,
    values: Sequence[str],
    types: frozenset[str],
) -> None:
    """Warn when a resources.ARN value cannot be an ARN of the selected types' services (B.8)."""
    if operator in ("EndsWith", "NotEndsWith"):
        return
    services = sorted({s for s in (arn_service(t) for t in types) if s is not None})
    if not services:
        return
    expected = [f"arn:{issues.context.partition}:{service}:" for service in services]
    exact = operator in ("Equals", "NotEquals")
    for value in values:
        if exact:
            fits = any(value.startswith(prefix) for prefix in expected)
        else:
            fits = any(value.startswith(p) or p.startswith(value) for p in expected)
        if not fits:
            issues.add(
                IssueKind.ARN_SHAPE,
                where,
                f'resources.ARN {operator} value "{value}" does not look like an ARN of '
                f"{', '.join(sorted(types))} (expected it to start with {' or '.join(expected)})",
                "resources.ARN",
                value,
            )


def _narrows_read_only(operators: Mapping[str, list[str]]) -> bool:
    admitted = [
        flag
        for flag in ("true", "false")
        if all(operator_holds(op, values, [flag]) for op, values in operators.items())
    ]
    return len(admitted) < 2


def _check_high_volume(
    issues: IssueCollector,
    where: IssueLocation,
    fields: Sequence[tuple[str, dict[str, list[str]]]],
    types: frozenset[str],
) -> None:
    busy = sorted(types & HIGH_VOLUME_TYPES)
    if not busy:
        return
    for field, operators in fields:
        if field in _NARROWING_FIELDS and operators:
            return
        if field == "readOnly" and operators and _narrows_read_only(operators):
            return
    issues.add(
        IssueKind.UNFILTERED_HIGH_VOLUME,
        where,
        f"logs every data event of {', '.join(busy)}; narrow it with resources.ARN, "
        "eventName, readOnly or userIdentity.arn to control volume and cost",
        "resources.type",
        busy[0],
    )
