"""Reading CloudTrail records the way event selectors see them, and the six selector operators."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

POSITIVE_OPERATORS: Final = ("Equals", "StartsWith", "EndsWith")
NEGATIVE_OPERATORS: Final = ("NotEquals", "NotStartsWith", "NotEndsWith")
OPERATORS: Final[tuple[str, ...]] = POSITIVE_OPERATORS + NEGATIVE_OPERATORS

SINGLE_VALUE_FIELDS: Final = frozenset(
    {
        "eventCategory",
        "readOnly",
        "eventSource",
        "eventName",
        "eventType",
        "errorCode",
        "vpcEndpointId",
        "userIdentity.arn",
        "sessionCredentialFromConsole",
    }
)
EVENT_FIELDS: Final = SINGLE_VALUE_FIELDS | {"resources.type", "resources.ARN"}


@dataclass(frozen=True)
class FieldCondition:
    """One well-formed ``AdvancedFieldSelector``: a field and its operators with their values."""

    field: str
    operators: tuple[tuple[str, tuple[str, ...]], ...]

    def values_of(self, operator: str) -> tuple[str, ...]:
        """Return the values listed under ``operator``, or an empty tuple when it is absent."""
        for name, values in self.operators:
            if name == operator:
                return values
        return ()


def parse_field_condition(raw: object) -> FieldCondition | None:
    """Read one ``AdvancedFieldSelector``, or None when AWS would reject its shape.

    A selector with no operator, an unknown key, an empty value list or a non-string value cannot
    be evaluated safely, so it is reported as None and the caller treats it as matching nothing.
    """
    if not isinstance(raw, Mapping):
        return None
    field = raw.get("Field")
    if not isinstance(field, str) or not field:
        return None
    operators: list[tuple[str, tuple[str, ...]]] = []
    for key, values in raw.items():
        if key == "Field":
            continue
        if key not in OPERATORS or not isinstance(values, list | tuple) or not values:
            return None
        if not all(isinstance(value, str) for value in values):
            return None
        operators.append((key, tuple(values)))
    if not operators:
        return None
    return FieldCondition(field, tuple(operators))


def operator_holds(operator: str, values: Iterable[str], field_values: Sequence[str]) -> bool:
    """Tell whether ``operator`` with ``values`` accepts a field whose values are ``field_values``.

    Positive operators need one field value to match one listed value; the ``Not`` forms need
    none to match. Comparisons are exact and case-sensitive, and ``*`` is an ordinary character.
    """
    negated = operator.startswith("Not")
    base = operator[3:] if negated else operator
    listed = tuple(values)
    if base == "Equals":
        hit = any(x == v for x in field_values for v in listed)
    elif base == "StartsWith":
        hit = any(x.startswith(v) for x in field_values for v in listed)
    elif base == "EndsWith":
        hit = any(x.endswith(v) for x in field_values for v in listed)
    else:
        return False
    return not hit if negated else hit


def condition_holds(condition: FieldCondition, field_values: Sequence[str]) -> bool:
    """Tell whether every operator of ``condition`` accepts ``field_values`` (an AND)."""
    return all(
        operator_holds(operator, values, field_values) for operator, values in condition.operators
    )


def event_category(event: Mapping[str, Any]) -> str | None:
    """Return the record's ``eventCategory``, inferred for old records that lack the field.

    ``managementEvent: true`` means Management. ``managementEvent: false`` means NetworkActivity
    for ``eventType: AwsVpceEvent`` and Data otherwise.
    """
    category = event.get("eventCategory")
    if isinstance(category, str):
        return category
    if category is not None:
        return None
    management = event.get("managementEvent")
    if management is True:
        return "Management"
    if management is False:
        return "NetworkActivity" if event.get("eventType") == "AwsVpceEvent" else "Data"
    return None


def read_only(event: Mapping[str, Any]) -> bool | None:
    """Return the record's ``readOnly`` flag; the strings ``"true"``/``"false"`` count too."""
    value = event.get("readOnly")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def resource_entries(event: Mapping[str, Any]) -> list[tuple[str | None, str | None]]:
    """Return the ``(type, ARN)`` pair of every entry of the record's ``resources`` list."""
    resources = event.get("resources")
    if not isinstance(resources, list | tuple):
        return []
    entries: list[tuple[str | None, str | None]] = []
    for entry in resources:
        if not isinstance(entry, Mapping):
            continue
        kind = entry.get("type")
        arn = entry.get("ARN", entry.get("arn"))
        entries.append(
            (kind if isinstance(kind, str) else None, arn if isinstance(arn, str) else None)
        )
    return entries


def _scalar(value: object) -> list[str]:
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, str):
        return [value]
    return []


def field_values(
    event: Mapping[str, Any], field: str, resource_types: frozenset[str] | None = None
) -> list[str]:
    """Return the strings a selector on ``field`` compares against (B.2 ``field_values``).

    ``resources.ARN`` yields only the ARNs of entries whose type is in ``resource_types`` (the
    selector's ``resources.type`` Equals values); with ``resource_types`` None every entry counts.
    A missing single-valued field yields an empty list, so positive operators fail on it and
    negative operators pass.
    """
    if field == "eventCategory":
        category = event_category(event)
        return [category] if category is not None else []
    if field == "readOnly":
        flag = read_only(event)
        return [] if flag is None else ["true" if flag else "false"]
    if field == "userIdentity.arn":
        identity = event.get("userIdentity")
        return _scalar(identity.get("arn")) if isinstance(identity, Mapping) else []
    if field == "resources.type":
        return [kind for kind, _ in resource_entries(event) if kind is not None]
    if field == "resources.ARN":
        return [
            arn
            for kind, arn in resource_entries(event)
            if arn is not None and (resource_types is None or kind in resource_types)
        ]
    if field in SINGLE_VALUE_FIELDS:
        return _scalar(event.get(field))
    return []
