"""Static validation of CloudTrail event selectors: AWS's rules (B.3, B.4) plus the guide's traps.

The validator never evaluates events. It reports what AWS would reject (structure, limits), what
cannot log anything useful (placeholders left from the guide, ARNs of another account or Region),
what probably does not mean what it says (``*`` as a wildcard, ARNs of the wrong service) and what
costs a lot (data events of busy types with no narrowing condition).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from aiposture.lang.classic_selectors import CLASSIC_DATA_TYPES, is_all_prefix
from aiposture.lang.data_event_types import HIGH_VOLUME_TYPES, KNOWN_RESOURCE_TYPES, arn_service
from aiposture.lang.guide_placeholders import find_placeholders
from aiposture.lang.selector_fields import (
    EVENT_FIELDS,
    NEGATIVE_OPERATORS,
    OPERATORS,
    operator_holds,
)
from aiposture.lang.selectors import selector_mode

__all__ = [
    "ADVANCED_VALUE_LIMIT",
    "CLASSIC_DATA_RESOURCE_LIMIT",
    "CLASSIC_SELECTOR_LIMIT",
    "DEFAULT_CONTEXT",
    "HIGH_VOLUME_TYPES",
    "KNOWN_RESOURCE_TYPES",
    "SEVERITY",
    "IssueKind",
    "IssueSeverity",
    "SelectorIssue",
    "ValidationContext",
    "count_advanced_values",
    "find_placeholders",
    "validate_selectors",
]

ADVANCED_VALUE_LIMIT: Final = 500
CLASSIC_SELECTOR_LIMIT: Final = 5
CLASSIC_DATA_RESOURCE_LIMIT: Final = 250
_VALUE_MAX_LENGTH: Final = 2048
_NAME_MAX_LENGTH: Final = 1000


class IssueKind(StrEnum):
    """What is wrong with a selector."""

    PLACEHOLDER = "placeholder"
    FOREIGN_ACCOUNT = "foreign_account"
    FOREIGN_REGION = "foreign_region"
    UNKNOWN_RESOURCE_TYPE = "unknown_resource_type"
    VALUE_LIMIT = "value_limit"
    UNFILTERED_HIGH_VOLUME = "unfiltered_high_volume"
    INVALID_FIELD = "invalid_field"
    INVALID_OPERATOR = "invalid_operator"
    DUPLICATE_FIELD = "duplicate_field"
    MISSING_REQUIRED_FIELD = "missing_required_field"
    INVALID_VALUE = "invalid_value"
    WILDCARD_LITERAL = "wildcard_literal"
    ARN_SHAPE = "arn_shape"


class IssueSeverity(StrEnum):
    """How much an issue matters: wrong, suspicious, or expensive."""

    ERROR = "error"
    WARNING = "warning"
    COST = "cost"


SEVERITY: Final[Mapping[IssueKind, IssueSeverity]] = {
    IssueKind.PLACEHOLDER: IssueSeverity.ERROR,
    IssueKind.FOREIGN_ACCOUNT: IssueSeverity.ERROR,
    IssueKind.FOREIGN_REGION: IssueSeverity.ERROR,
    IssueKind.UNKNOWN_RESOURCE_TYPE: IssueSeverity.WARNING,
    IssueKind.VALUE_LIMIT: IssueSeverity.ERROR,
    IssueKind.UNFILTERED_HIGH_VOLUME: IssueSeverity.COST,
    IssueKind.INVALID_FIELD: IssueSeverity.ERROR,
    IssueKind.INVALID_OPERATOR: IssueSeverity.ERROR,
    IssueKind.DUPLICATE_FIELD: IssueSeverity.ERROR,
    IssueKind.MISSING_REQUIRED_FIELD: IssueSeverity.ERROR,
    IssueKind.INVALID_VALUE: IssueSeverity.ERROR,
    IssueKind.WILDCARD_LITERAL: IssueSeverity.WARNING,
    IssueKind.ARN_SHAPE: IssueSeverity.WARNING,
}
"""The severity every issue of a kind carries."""


@dataclass(frozen=True)
class SelectorIssue:
    """One problem found in a trail's selectors, located as precisely as possible."""

    kind: IssueKind
    severity: IssueSeverity
    message: str
    selector_index: int | None
    selector_name: str | None
    field: str | None
    value: str | None
    placeholder: str | None = None


@dataclass(frozen=True)
class ValidationContext:
    """What the trail is for: whose resources it should log, and where."""

    account_id: str | None = None
    home_region: str | None = None
    multi_region: bool = True
    allowed_accounts: frozenset[str] = frozenset()
    partition: str = "aws"
    event_data_store: bool = False


DEFAULT_CONTEXT: Final = ValidationContext()
"""No account, Region or store knowledge: only structure, placeholders and cost are checked."""

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
_TRAIL_MANAGEMENT_EXCLUSIONS: Final = frozenset({"kms.amazonaws.com", "rdsdata.amazonaws.com"})
_NARROWING_FIELDS: Final = frozenset({"resources.ARN", "eventName", "userIdentity.arn"})
_ARN_FIELDS: Final = frozenset({"resources.ARN", "userIdentity.arn"})
_FIELD_NAME: Final = re.compile(r"[\w|.]+")
_ACCOUNT: Final = re.compile(r"\d{12}")
_REGION: Final = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}")


@dataclass(frozen=True)
class _Where:
    index: int | None
    name: str | None

    @property
    def label(self) -> str:
        return f'selector "{self.name}"' if self.name else "the trail's selectors"


class _Issues:
    def __init__(self, context: ValidationContext) -> None:
        self.context = context
        self.found: list[SelectorIssue] = []

    def add(
        self,
        kind: IssueKind,
        where: _Where,
        message: str,
        field: str | None = None,
        value: str | None = None,
        placeholder: str | None = None,
    ) -> None:
        self.found.append(
            SelectorIssue(
                kind=kind,
                severity=SEVERITY[kind],
                message=f"{where.label}: {message}",
                selector_index=where.index,
                selector_name=where.name,
                field=field,
                value=value,
                placeholder=placeholder,
            )
        )


def validate_selectors(
    selectors: Mapping[str, Any], context: ValidationContext = DEFAULT_CONTEXT
) -> list[SelectorIssue]:
    """Return every issue found in a ``GetEventSelectors``-shaped mapping, in selector order.

    Trail-wide limits come first. The API default (``{}``) has no issue.
    """
    mode, items = selector_mode(selectors)
    issues = _Issues(context)
    if mode == "advanced":
        _validate_advanced(issues, items)
    elif mode == "classic":
        _validate_classic(issues, items)
    return issues.found


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


# --- checks shared by both selector kinds -------------------------------------------------


def _arn_region_account(value: str) -> tuple[str | None, str | None]:
    """Return the Region and account of an ARN or ARN prefix, when those fields are complete."""
    if not value.startswith("arn:"):
        return None, None
    parts = value.split(":", 5)
    region = parts[3] if len(parts) >= 5 else None
    account: str | None = None
    if len(parts) == 6 or (len(parts) == 5 and _ACCOUNT.fullmatch(parts[4])):
        account = parts[4]
    return region, account


def _check_value(
    issues: _Issues, where: _Where, field: str, operator: str, value: str, arn_field: bool
) -> None:
    """Placeholders, ``*``, and for ARNs the account and Region of one value."""
    shown = f'{field} value "{value}"'
    if "*" in value:
        issues.add(
            IssueKind.WILDCARD_LITERAL,
            where,
            f"{shown} contains '*', which selectors compare literally (no wildcards); "
            "use StartsWith or EndsWith instead",
            field,
            value,
        )
    placeholders = find_placeholders(value)
    if placeholders:
        noun = "placeholder" if len(placeholders) == 1 else "placeholders"
        issues.add(
            IssueKind.PLACEHOLDER,
            where,
            f"{shown} still contains the guide {noun} {', '.join(placeholders)}",
            field,
            value,
            placeholders[0],
        )
    if not arn_field or operator in NEGATIVE_OPERATORS or operator == "EndsWith":
        return
    context = issues.context
    region, account = _arn_region_account(value)
    if (
        context.account_id is not None
        and account is not None
        and _ACCOUNT.fullmatch(account)
        and account != context.account_id
        and account not in context.allowed_accounts
    ):
        issues.add(
            IssueKind.FOREIGN_ACCOUNT,
            where,
            f"{shown} names account {account}, not {context.account_id}: it can only match "
            "another account's activity",
            field,
            value,
        )
    if (
        not context.multi_region
        and context.home_region is not None
        and region is not None
        and _REGION.fullmatch(region)
        and region != context.home_region
    ):
        issues.add(
            IssueKind.FOREIGN_REGION,
            where,
            f"{shown} names Region {region}, but this single-Region trail only logs "
            f"{context.home_region}",
            field,
            value,
        )


# --- advanced selectors -------------------------------------------------------------------


def _validate_advanced(issues: _Issues, items: Sequence[Any]) -> None:
    total = count_advanced_values(items)
    if total > ADVANCED_VALUE_LIMIT:
        issues.add(
            IssueKind.VALUE_LIMIT,
            _Where(None, None),
            f"{total} values across all advanced selectors; a trail accepts at most "
            f"{ADVANCED_VALUE_LIMIT}",
        )
    for index, selector in enumerate(items):
        _validate_advanced_selector(issues, index, selector)


def _advanced_where(index: int, selector: object) -> _Where:
    name = selector.get("Name") if isinstance(selector, Mapping) else None
    return _Where(
        index, name if isinstance(name, str) and name else f"AdvancedEventSelectors[{index}]"
    )


def _read_field_selectors(
    issues: _Issues, where: _Where, raw: Sequence[Any]
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


def _validate_advanced_selector(issues: _Issues, index: int, selector: object) -> None:
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
                _check_value(issues, where, field, operator, value, field in _ARN_FIELDS)
            if field == "resources.ARN":
                _check_arn_shape(issues, where, operator, values, types)
    if category == "Data":
        _check_high_volume(issues, where, fields, types)


def _category(
    issues: _Issues, where: _Where, fields: Sequence[tuple[str, dict[str, list[str]]]]
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
    issues: _Issues,
    where: _Where,
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
    issues: _Issues,
    where: _Where,
    field: str,
    operators: Mapping[str, list[str]],
    category: str,
    store: bool,
) -> None:
    fixed = _FIXED_VALUES.get(field)
    if field == "eventSource" and category == "Management" and not store:
        fixed = _TRAIL_MANAGEMENT_EXCLUSIONS
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
    issues: _Issues,
    where: _Where,
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
    issues: _Issues,
    where: _Where,
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


# --- classic selectors --------------------------------------------------------------------


def _validate_classic(issues: _Issues, items: Sequence[Any]) -> None:
    partition = issues.context.partition
    trail = _Where(None, None)
    if len(items) > CLASSIC_SELECTOR_LIMIT:
        issues.add(
            IssueKind.VALUE_LIMIT,
            trail,
            f"{len(items)} classic event selectors; a trail accepts at most "
            f"{CLASSIC_SELECTOR_LIMIT}",
        )
    counted = 0
    for selector in items:
        for resource in _data_resources(selector):
            kind = resource.get("Type")
            values = resource.get("Values")
            if isinstance(values, list | tuple):
                counted += sum(
                    1
                    for v in values
                    if isinstance(v, str)
                    and not (isinstance(kind, str) and is_all_prefix(v, kind, partition))
                )
    if counted > CLASSIC_DATA_RESOURCE_LIMIT:
        issues.add(
            IssueKind.VALUE_LIMIT,
            trail,
            f"{counted} classic data resource values; a trail accepts at most "
            f"{CLASSIC_DATA_RESOURCE_LIMIT}",
        )
    for index, selector in enumerate(items):
        _validate_classic_selector(issues, _Where(index, f"EventSelectors[{index}]"), selector)


def _data_resources(selector: object) -> list[Mapping[str, Any]]:
    raw = selector.get("DataResources") if isinstance(selector, Mapping) else None
    if not isinstance(raw, list | tuple):
        return []
    return [entry for entry in raw if isinstance(entry, Mapping)]


def _validate_classic_selector(issues: _Issues, where: _Where, selector: object) -> None:
    if not isinstance(selector, Mapping):
        issues.add(IssueKind.INVALID_VALUE, where, "the selector is not an object")
        return
    read_write = selector.get("ReadWriteType")
    if read_write is not None and read_write not in ("ReadOnly", "WriteOnly", "All"):
        issues.add(
            IssueKind.INVALID_VALUE,
            where,
            f"ReadWriteType {read_write!r} is not ReadOnly, WriteOnly or All",
            "ReadWriteType",
            str(read_write),
        )
    include = selector.get("IncludeManagementEvents")
    if include is not None and not isinstance(include, bool):
        issues.add(
            IssueKind.INVALID_VALUE,
            where,
            "IncludeManagementEvents must be true or false",
            "IncludeManagementEvents",
            str(include),
        )
    excludes = selector.get("ExcludeManagementEventSources")
    if excludes is not None and not isinstance(excludes, list | tuple):
        issues.add(
            IssueKind.INVALID_VALUE,
            where,
            "ExcludeManagementEventSources must be a list",
            "ExcludeManagementEventSources",
        )
    elif excludes is not None:
        for value in excludes:
            if not isinstance(value, str) or value not in _TRAIL_MANAGEMENT_EXCLUSIONS:
                issues.add(
                    IssueKind.INVALID_VALUE,
                    where,
                    f"ExcludeManagementEventSources accepts only kms.amazonaws.com and "
                    f"rdsdata.amazonaws.com, not {value!r}",
                    "ExcludeManagementEventSources",
                    value if isinstance(value, str) else None,
                )
    raw = selector.get("DataResources")
    if raw is not None and not isinstance(raw, list | tuple):
        issues.add(IssueKind.INVALID_VALUE, where, "DataResources must be a list", "DataResources")
        return
    for position, resource in enumerate(raw or []):
        _validate_data_resource(issues, where, f"DataResources[{position}]", resource)


def _validate_data_resource(issues: _Issues, where: _Where, path: str, resource: object) -> None:
    if not isinstance(resource, Mapping):
        issues.add(IssueKind.INVALID_VALUE, where, f"{path} is not an object", path)
        return
    kind = resource.get("Type")
    if not isinstance(kind, str):
        issues.add(IssueKind.MISSING_REQUIRED_FIELD, where, f"{path} has no Type", f"{path}.Type")
        return
    if kind not in CLASSIC_DATA_TYPES:
        issues.add(
            IssueKind.INVALID_VALUE,
            where,
            f"{path}.Type {kind!r} is not available to classic selectors "
            f"({', '.join(sorted(CLASSIC_DATA_TYPES))}); use advanced selectors",
            f"{path}.Type",
            kind,
        )
    values = resource.get("Values")
    field = f"{path}.Values"
    if not isinstance(values, list | tuple) or not values:
        issues.add(
            IssueKind.MISSING_REQUIRED_FIELD, where, f"{field} must list at least one ARN", field
        )
        return
    partition = issues.context.partition
    service = arn_service(kind)
    operator = "StartsWith" if kind == "AWS::S3::Object" else "Equals"
    for value in values:
        if not isinstance(value, str) or not value:
            issues.add(
                IssueKind.INVALID_VALUE, where, f"{field} value {value!r} is not an ARN", field
            )
            continue
        if is_all_prefix(value, kind, partition):
            if kind in HIGH_VOLUME_TYPES:
                issues.add(
                    IssueKind.UNFILTERED_HIGH_VOLUME,
                    where,
                    f'{field} value "{value}" logs the data events of every {kind} resource; '
                    "list the buckets, functions or tables that matter",
                    field,
                    value,
                )
            continue
        _check_value(issues, where, field, operator, value, arn_field=True)
        if service is not None and not value.startswith(f"arn:{partition}:{service}:"):
            issues.add(
                IssueKind.ARN_SHAPE,
                where,
                f'{field} value "{value}" does not look like an ARN of {kind} '
                f"(expected it to start with arn:{partition}:{service}:)",
                field,
                value,
            )
