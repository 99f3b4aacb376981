"""Selector issues: their kinds and severities, where they are, and the checks both kinds share.

A :class:`SelectorIssue` is what :func:`~aiposture.lang.selector_validation.validate_selectors`
reports; :class:`IssueCollector` gathers them while the advanced
(:mod:`~aiposture.lang.advanced_selector_validation`) and classic
(:mod:`~aiposture.lang.classic_selector_validation`) validators walk a trail's selectors, and
:func:`check_value` is the per-value check both run: guide placeholders, ``*`` taken as a wildcard,
and ARNs of another account or Region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from aiposture.lang.guide_placeholders import find_placeholders
from aiposture.lang.selector_fields import NEGATIVE_OPERATORS

__all__ = [
    "DEFAULT_CONTEXT",
    "SEVERITY",
    "TRAIL_MANAGEMENT_EXCLUSIONS",
    "IssueCollector",
    "IssueKind",
    "IssueLocation",
    "IssueSeverity",
    "SelectorIssue",
    "ValidationContext",
    "check_value",
]


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

TRAIL_MANAGEMENT_EXCLUSIONS: Final = frozenset({"kms.amazonaws.com", "rdsdata.amazonaws.com"})
"""The only event sources a trail's management events can exclude."""
_ACCOUNT: Final = re.compile(r"\d{12}")
_REGION: Final = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}")


@dataclass(frozen=True)
class IssueLocation:
    """Which selector an issue is about: its index and name, or neither for the whole trail."""

    index: int | None
    name: str | None

    @property
    def label(self) -> str:
        """How a message names the selector (or the trail's selectors as a whole)."""
        return f'selector "{self.name}"' if self.name else "the trail's selectors"


class IssueCollector:
    """The issues found so far in one trail's selectors, and the context they are judged in."""

    def __init__(self, context: ValidationContext) -> None:
        """Start with no issues, judging against ``context``."""
        self.context = context
        self.found: list[SelectorIssue] = []

    def add(
        self,
        kind: IssueKind,
        where: IssueLocation,
        message: str,
        field: str | None = None,
        value: str | None = None,
        placeholder: str | None = None,
    ) -> None:
        """Record one issue of ``kind``; its severity follows from the kind (:data:`SEVERITY`)."""
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


def check_value(
    issues: IssueCollector,
    where: IssueLocation,
    field: str,
    operator: str,
    value: str,
    arn_field: bool,
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
