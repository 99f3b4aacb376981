"""Validation of classic event selectors: AWS's limits and value rules (B.4) plus the guide's traps.

At most five selectors and 250 data resource values per trail, the ReadWriteType and management
event settings, the data resource types classic selectors accept, and ARNs that cannot log
anything useful (placeholders, another account or Region, another service, every resource of a
busy type).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from aiposture.lang.classic_selectors import CLASSIC_DATA_TYPES, is_all_prefix
from aiposture.lang.data_event_types import HIGH_VOLUME_TYPES, arn_service
from aiposture.lang.selector_issues import (
    TRAIL_MANAGEMENT_EXCLUSIONS,
    IssueCollector,
    IssueKind,
    IssueLocation,
    check_value,
)

__all__ = ["CLASSIC_DATA_RESOURCE_LIMIT", "CLASSIC_SELECTOR_LIMIT", "validate_classic"]

CLASSIC_SELECTOR_LIMIT: Final = 5
CLASSIC_DATA_RESOURCE_LIMIT: Final = 250


def validate_classic(issues: IssueCollector, items: Sequence[Any]) -> None:
    """Check the trail-wide limits, then each classic selector and its data resources."""
    partition = issues.context.partition
    trail = IssueLocation(None, None)
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
        _validate_classic_selector(
            issues, IssueLocation(index, f"EventSelectors[{index}]"), selector
        )


def _data_resources(selector: object) -> list[Mapping[str, Any]]:
    raw = selector.get("DataResources") if isinstance(selector, Mapping) else None
    if not isinstance(raw, list | tuple):
        return []
    return [entry for entry in raw if isinstance(entry, Mapping)]


def _validate_classic_selector(
    issues: IssueCollector, where: IssueLocation, selector: object
) -> None:
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
            if not isinstance(value, str) or value not in TRAIL_MANAGEMENT_EXCLUSIONS:
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


def _validate_data_resource(
    issues: IssueCollector, where: IssueLocation, path: str, resource: object
) -> None:
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
        check_value(issues, where, field, operator, value, arn_field=True)
        if service is not None and not value.startswith(f"arn:{partition}:{service}:"):
            issues.add(
                IssueKind.ARN_SHAPE,
                where,
                f'{field} value "{value}" does not look like an ARN of {kind} '
                f"(expected it to start with arn:{partition}:{service}:)",
                field,
                value,
            )
