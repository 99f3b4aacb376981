"""Classic CloudTrail ``EventSelectors``: reading, matching, and converting to advanced form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from aiposture.lang.selector_fields import event_category, field_values, read_only, resource_entries

ReadWriteType = Literal["ReadOnly", "WriteOnly", "All"]

CLASSIC_DATA_TYPES: Final = frozenset(
    {"AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"}
)
_ALL_PREFIX_SERVICE: Final = {
    "AWS::S3::Object": "s3",
    "AWS::Lambda::Function": "lambda",
    "AWS::DynamoDB::Table": "dynamodb",
}
_PREFIX_TYPES: Final = frozenset({"AWS::S3::Object"})
_READ_WRITE_TYPES: Final[dict[str, ReadWriteType]] = {
    "ReadOnly": "ReadOnly",
    "WriteOnly": "WriteOnly",
    "All": "All",
}


@dataclass(frozen=True)
class ClassicDataResource:
    """One ``DataResource``: a resource type and the ARN rules listed for it."""

    type: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ClassicSelector:
    """One ``EventSelector`` with the API defaults filled in."""

    index: int
    read_write: ReadWriteType
    include_management: bool
    exclude_sources: tuple[str, ...]
    data_resources: tuple[ClassicDataResource, ...]


def is_all_prefix(value: str, resource_type: str, partition: str = "aws") -> bool:
    """Tell whether ``value`` selects every resource of ``resource_type`` (``arn:aws:s3``...).

    The bare service prefix may end in colons: ``arn:aws:s3``, ``arn:aws:s3:::`` and
    ``arn:aws:lambda:`` all mean "all".
    """
    service = _ALL_PREFIX_SERVICE.get(resource_type)
    if service is None:
        return False
    base = f"arn:{partition}:{service}"
    return value.startswith(base) and set(value[len(base) :]) <= {":"}


def read_classic(raw: object) -> list[ClassicSelector]:
    """Read a classic ``EventSelectors`` list, dropping what cannot be evaluated safely.

    An entry that is not an object, or whose ``ReadWriteType`` or ``IncludeManagementEvents`` has
    an unknown value, is dropped: it is treated as logging nothing. A malformed
    ``ExcludeManagementEventSources`` turns the management part off for the same reason, and
    data resources without a string ``Type`` or string values are ignored.
    """
    if not isinstance(raw, list | tuple):
        return []
    selectors: list[ClassicSelector] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            continue
        raw_read_write = entry.get("ReadWriteType")
        read_write = _READ_WRITE_TYPES.get(
            raw_read_write if isinstance(raw_read_write, str) else ""
        )
        if raw_read_write is None:
            read_write = "All"
        include = entry.get("IncludeManagementEvents")
        if include is None:
            include = True
        if read_write is None or not isinstance(include, bool):
            continue
        excludes = entry.get("ExcludeManagementEventSources")
        exclude_sources: tuple[str, ...] = ()
        if isinstance(excludes, list | tuple) and all(isinstance(s, str) for s in excludes):
            exclude_sources = tuple(excludes)
        elif excludes is not None:
            include = False
        selectors.append(
            ClassicSelector(
                index=index,
                read_write=read_write,
                include_management=include,
                exclude_sources=exclude_sources,
                data_resources=_read_data_resources(entry.get("DataResources")),
            )
        )
    return selectors


def _read_data_resources(raw: object) -> tuple[ClassicDataResource, ...]:
    if not isinstance(raw, list | tuple):
        return ()
    resources: list[ClassicDataResource] = []
    for entry in raw:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("Type"), str):
            continue
        values = entry.get("Values")
        listed = values if isinstance(values, list | tuple) else ()
        resources.append(
            ClassicDataResource(entry["Type"], tuple(v for v in listed if isinstance(v, str)))
        )
    return tuple(resources)


def _read_write_allows(read_write: ReadWriteType, event: Mapping[str, Any]) -> bool:
    if read_write == "All":
        return True
    return read_only(event) is (read_write == "ReadOnly")


def _covers(value: str, resource_type: str, arn: str | None, partition: str) -> bool:
    if is_all_prefix(value, resource_type, partition):
        return True
    if arn is None:
        return False
    return arn.startswith(value) if resource_type in _PREFIX_TYPES else arn == value


def classic_matches(
    selector: ClassicSelector, event: Mapping[str, Any], partition: str = "aws"
) -> bool:
    """Tell whether one classic selector logs ``event`` (B.6); it never logs network activity."""
    if not _read_write_allows(selector.read_write, event):
        return False
    category = event_category(event)
    if category == "Management":
        sources = field_values(event, "eventSource")
        return selector.include_management and not any(
            source in selector.exclude_sources for source in sources
        )
    if category != "Data":
        return False
    entries = resource_entries(event)
    for resource in selector.data_resources:
        arns = [arn for kind, arn in entries if kind == resource.type]
        if any(
            _covers(value, resource.type, arn, partition)
            for value in resource.values
            for arn in arns
        ):
            return True
    return False


def to_advanced(
    classic: Sequence[Mapping[str, Any]], partition: str = "aws"
) -> list[dict[str, Any]]:
    """Convert classic ``EventSelectors`` to advanced selectors that log the same events (B.6).

    Entries that log nothing (no management events and no data resource with a value) produce no
    advanced selector, and a data resource with an "all" prefix gets no ``resources.ARN`` field.
    S3 object values become ``StartsWith`` conditions; every other type uses ``Equals``.
    """
    out: list[dict[str, Any]] = []
    for selector in read_classic(classic):
        read_write: list[dict[str, Any]] = []
        if selector.read_write == "ReadOnly":
            read_write = [{"Field": "readOnly", "Equals": ["true"]}]
        elif selector.read_write == "WriteOnly":
            read_write = [{"Field": "readOnly", "Equals": ["false"]}]
        if selector.include_management:
            fields: list[dict[str, Any]] = [{"Field": "eventCategory", "Equals": ["Management"]}]
            fields += read_write
            if selector.exclude_sources:
                fields.append({"Field": "eventSource", "NotEquals": list(selector.exclude_sources)})
            out.append({"Name": "Management events", "FieldSelectors": fields})
        for resource in selector.data_resources:
            if not resource.values:
                continue
            fields = [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": [resource.type]},
                *read_write,
            ]
            if not any(is_all_prefix(v, resource.type, partition) for v in resource.values):
                operator = "StartsWith" if resource.type in _PREFIX_TYPES else "Equals"
                fields.append({"Field": "resources.ARN", operator: list(resource.values)})
            out.append({"Name": f"{resource.type} data events", "FieldSelectors": fields})
    return out
