"""The inventoried resources of one kind with their own configuration, as the AI posture checks judge them.

The collector keeps each resource's own Get answer in
:attr:`~aiposture.snapshot.models.InventoryItem.details` (GetAgent, GetKnowledgeBase and its
data sources, GetCustomModel...), as botocore parses it. A resource whose details are
``None`` was not read: a failed read is a :class:`~aiposture.snapshot.models.CallError`
whose ``resource`` is the item's ARN and whose ``operation`` is one of the kind's
:data:`DETAIL_CALLS`; without one, nobody read it. Either way the check is ERROR for that
resource, never PASS.

A kind with no key in :attr:`~aiposture.snapshot.models.RegionSnapshot.inventory` was not
listed: its resources are unknown (ERROR for the region). A listed kind with no resource,
or a service the region does not offer, leaves nothing to judge (NOT_APPLICABLE).

Names, ids and ARNs come from AWS and are untrusted: the sentences built here hold them
as plain text, for the renderers to escape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, RuleContext, describe_error
from aiposture.rules.support.inventory import InventoriedResource, listing_failure, plural
from aiposture.snapshot.inventory import DETAIL_OPERATIONS, KINDS_BY_KEY, ResourceKind
from aiposture.snapshot.models import CallError, RegionSnapshot

FURTHER_DETAIL_CALLS: Mapping[str, tuple[str, ...]] = {
    "bedrock-agent:knowledge-base": ("ListDataSources", "GetDataSource"),
}
"""Calls besides the kind's Get whose answers its details hold (a knowledge base's data
sources: ListDataSources, then GetDataSource for each)."""

DETAIL_CALLS: Mapping[str, tuple[str, ...]] = {
    key: (operation, *FURTHER_DETAIL_CALLS.get(key, ()))
    for key, operation in DETAIL_OPERATIONS.items()
}
"""Inventory kind -> the calls that read its details
(:data:`~aiposture.snapshot.inventory.DETAIL_OPERATIONS` and :data:`FURTHER_DETAIL_CALLS`):
a failure of any of them on the item's ARN leaves the details unread."""


@dataclass(frozen=True)
class Detailed:
    """One inventoried resource whose details were read."""

    resource: InventoriedResource
    details: Mapping[str, Any]

    @property
    def arn(self) -> str:
        """The resource's ARN."""
        return self.resource.arn

    def describe(self) -> str:
        """``<label> <name> (<ARN>)`` for messages."""
        return self.resource.describe()


@dataclass(frozen=True)
class KindDetails:
    """What one region's snapshot says about the resources of one kind."""

    kind: ResourceKind
    region: str
    read: tuple[Detailed, ...] = ()
    unread: tuple[tuple[InventoriedResource, str], ...] = ()
    """Resources whose details were not read, each with the reason."""
    unknown_reason: str | None = None
    """Why the kind's resources are unknown (its listing failed), else None."""
    not_offered: str | None = None
    """Why the kind's service is not offered in the region, else None."""

    @property
    def listed(self) -> bool:
        """Whether the kind's resources are known (listed, or its service is not offered)."""
        return self.unknown_reason is None

    @property
    def count(self) -> int:
        """How many resources of the kind the region holds (read or not)."""
        return len(self.read) + len(self.unread)


def dig(data: Mapping[str, Any] | None, path: str) -> Any:
    """The value at dotted ``path`` in ``data`` (``"agent.customerEncryptionKeyArn"``), or None."""
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def unread_reason(region: RegionSnapshot, kind: ResourceKind, arn: str) -> str:
    """Why the details of the resource ``arn`` are missing: its failed read, or "not read"."""
    calls = DETAIL_CALLS.get(kind.key, ())
    failed: list[CallError] = [
        e
        for e in region.errors
        if e.resource == arn and e.operation in calls and e.service == kind.service
    ]
    if failed:
        return describe_error(failed[0])
    first = calls[0] if calls else "its Get call"
    return f"its configuration was not read ({kind.service}:{first})"


def kind_details(ctx: RuleContext, kind_key: str, region_name: str | None = None) -> KindDetails:
    """The resources of ``kind_key`` in the context's account and ``region_name`` (else its region)."""
    kind = KINDS_BY_KEY[kind_key]
    name = region_name or ctx.region
    region = ctx.account.regions.get(name)
    if region is None:
        return KindDetails(kind, name, unknown_reason=f"nothing was read in {name}")
    if kind.service in region.services_not_offered:
        return KindDetails(kind, name, not_offered=region.services_not_offered[kind.service])
    if region.inventory is None:
        return KindDetails(
            kind, name, unknown_reason="the snapshot holds no inventory of AI resources"
        )
    if kind.key not in region.inventory:
        return KindDetails(kind, name, unknown_reason=listing_failure(region, kind))
    read: list[Detailed] = []
    unread: list[tuple[InventoriedResource, str]] = []
    for item in region.inventory[kind.key]:
        resource = InventoriedResource(kind, item)
        if item.details is None:
            unread.append((resource, unread_reason(region, kind, item.arn)))
        else:
            read.append(Detailed(resource, item.details))
    return KindDetails(kind, name, tuple(read), tuple(unread))


def kind_plural(kind: ResourceKind) -> str:
    """The kind's label in the plural ("Bedrock knowledge bases")."""
    return plural(kind.label)


def key_evidence(found: KindDetails) -> dict[str, Any]:
    """What a result's evidence says of the kind's listing in the region."""
    return {
        "kind": found.kind.key,
        "label": found.kind.label,
        "listed": found.listed,
        "count": found.count if found.listed else None,
    }


Judge = Callable[[Detailed], Outcome]
"""Judges one resource whose details were read."""


def judge_each(
    ctx: RuleContext, kind_key: str, judge: Judge, subject: str, *, when_none: str | None = None
) -> list[Outcome]:
    """One outcome per resource of ``kind_key`` in the context's region.

    ``subject`` names what the check verifies, for the ERROR sentences ("the KMS key":
    "Cannot verify the KMS key of <resource>"). ERROR for the region when the kind could not be listed;
    NOT_APPLICABLE when its service is not offered or it has no resource (``when_none``
    replaces the sentence); ERROR for each resource whose details were not read; else
    ``judge``'s outcome for each.
    """
    found = kind_details(ctx, kind_key)
    labels = kind_plural(found.kind)
    evidence = key_evidence(found)
    if found.unknown_reason is not None:
        message = (
            f"Cannot verify {subject} in {ctx.region}: the {labels} could not be listed: "
            f"{found.unknown_reason}."
        )
        return [Outcome(Status.ERROR, message, evidence=evidence)]
    if found.not_offered is not None:
        message = f"No {labels} in {ctx.region}: {found.not_offered}."
        return [Outcome(Status.NOT_APPLICABLE, message, evidence=evidence)]
    if not found.count:
        message = when_none or f"No {labels} in {ctx.region}: nothing to judge."
        return [Outcome(Status.NOT_APPLICABLE, message, evidence=evidence)]
    out: list[Outcome] = []
    for resource, reason in found.unread:
        message = f"Cannot verify {subject} of {resource.describe()}: {reason}."
        row = {**evidence, "arn": resource.arn, "reason": reason}
        out.append(Outcome(Status.ERROR, message, resource.arn, evidence=row))
    out.extend(judge(item) for item in found.read)
    return out


def nonempty_strings(value: Any) -> list[str]:
    """The non-empty strings of a list from details (anything else gives none)."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [v for v in value if isinstance(v, str) and v.strip()]
