"""The inventoried AI resources of a CloudTrail data-event type, as the data-event checks judge them.

The inventory (:attr:`aiposture.snapshot.models.RegionSnapshot.inventory`) is keyed by
:class:`~aiposture.snapshot.inventory.ResourceKind`; a data-event type is logged for the
kinds whose :attr:`~aiposture.snapshot.inventory.ResourceKind.data_event_type` it is (one
kind for most types, four for ``AWS::Bedrock::Model``). A kind whose listing failed has no
key: its resources are unknown, never "none". A kind whose service the region does not
offer (``services_not_offered``) has none.

Resource names and ARNs come from AWS and are untrusted: the sentences built here hold them
as plain text, for the renderers to escape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiposture.memo import Fact
from aiposture.rules.base import RuleContext, describe_error, errors_for
from aiposture.snapshot.inventory import KINDS_BY_KEY, KINDS_BY_TYPE, RESOURCE_KINDS, ResourceKind
from aiposture.snapshot.models import InventoryItem, RegionSnapshot

BEYOND_INVENTORY: dict[str, str] = {
    "AWS::Bedrock::Model": (
        "foundation models belong to AWS and are not listed as the account's resources"
    ),
}
"""Types with resources no inventory kind lists, and why: for these the representative
judgement is made as well as the judgement of every inventoried resource."""


ARN_NAMESPACES: dict[str, str] = {"acps": "bedrock-agentcore"}
"""ARN service namespaces a listing answers with -> the one CloudTrail and IAM name.

The AgentCore Control API lists OAuth2 and API-key credential providers as
``arn:aws:acps:<region>:<account>:token-vault/<vault>/...`` (API reference,
ApiKeyCredentialProviderItem and Oauth2CredentialProviderItem, ``credentialProviderArn``
pattern), while the Service Authorization Reference (list_amazonbedrockagentcore.html),
the catalog's data-event checks and the guide name the same provider
``arn:aws:bedrock-agentcore:<region>:<account>:token-vault/<vault>/...``."""


def cloudtrail_arn(arn: str) -> str:
    """``arn`` in the namespace CloudTrail records (:data:`ARN_NAMESPACES`), else unchanged."""
    parts = arn.split(":", 3)
    if len(parts) == 4 and parts[0] == "arn" and parts[2] in ARN_NAMESPACES:
        return ":".join((parts[0], parts[1], ARN_NAMESPACES[parts[2]], parts[3]))
    return arn


@dataclass(frozen=True)
class InventoriedResource:
    """One inventoried resource of a data-event type, with its kind and its parent."""

    kind: ResourceKind
    item: InventoryItem
    parent: InventoryItem | None = None
    """The item it belongs to (an alias's agent), when the parent's listing holds it."""

    @property
    def arn(self) -> str:
        """Its ARN as CloudTrail records it (:func:`cloudtrail_arn` of the listed one)."""
        return cloudtrail_arn(self.item.arn)

    @property
    def display_name(self) -> str:
        """How people call it: its name, else its id."""
        return self.item.name or self.item.id

    @property
    def parent_name(self) -> str | None:
        """The parent's name (else its id, else the last part of its ARN); None for no parent."""
        if self.parent is not None:
            return self.parent.name or self.parent.id
        arn = self.item.parent_arn
        return arn.rsplit("/", 1)[-1] if arn else None

    def describe(self) -> str:
        """A plain-text name for messages: ``<label> <name> of <parent> (<ARN>)``.

        E.g. ``Bedrock agent alias prod of agent support-assistant (arn:aws:bedrock:...)``.
        """
        text = f"{self.kind.label} {self.display_name}"
        parent = self.parent_name
        if parent is not None and self.kind.parent is not None:
            text += f" of {parent_word(KINDS_BY_KEY[self.kind.parent])} {parent}"
        return f"{text} ({self.arn})"

    def evidence_row(self, logged: bool | None, by: str | None) -> dict[str, Any]:
        """Its row in a data-event result's ``evidence["resources"]``.

        ``logged`` is None when no trail that was read logs it but a covering trail could
        not be read (cannot tell).
        """
        row: dict[str, Any] = {
            "arn": self.arn,
            "id": self.item.id,
            "name": self.item.name,
            "kind": self.kind.key,
            "label": self.kind.label,
            "parent": self.parent_name,
            "logged": logged,
            "by": by,
        }
        if self.arn != self.item.arn:
            row["listed_arn"] = self.item.arn
        return row


@dataclass(slots=True)
class TypeInventory:
    """What the inventory says about one data-event type in one account and region."""

    data_event_type: str
    kinds: tuple[ResourceKind, ...]
    resources: tuple[InventoriedResource, ...] | None
    """Every inventoried resource of the type; ``None`` when any of its kinds is unknown."""
    unknown_reason: str | None = None
    """Why the resources are unknown (set when ``resources`` is None)."""

    @property
    def known(self) -> bool:
        """Whether every kind of the type was listed (or the type has no kind)."""
        return self.resources is not None

    def noun(self, count: int | None = None) -> str:
        """What its resources are called, plural unless ``count`` is 1."""
        return kinds_noun(self.kinds, self.data_event_type, count)

    def evidence(self) -> dict[str, Any]:
        """What a result's evidence says of the inventory: its kinds, whether it was listed."""
        out: dict[str, Any] = {
            "kinds": [k.key for k in self.kinds],
            "listed": self.known,
            "count": None if self.resources is None else len(self.resources),
        }
        if self.unknown_reason:
            out["reason"] = self.unknown_reason
        return out


def parent_word(kind: ResourceKind) -> str:
    """The short name of a parent kind in "alias X of agent Y" (its label's last word)."""
    return kind.label.rsplit(" ", 1)[-1]


def plural(label: str) -> str:
    """The English plural of a kind's label ("Bedrock agent alias" -> "...aliases")."""
    if label.endswith(("s", "x", "sh", "ch")):
        return label + "es"
    if label.endswith("y") and label[-2:-1] not in ("a", "e", "i", "o", "u"):
        return label[:-1] + "ies"
    return label + "s"


def kinds_noun(kinds: Sequence[ResourceKind], data_event_type: str, count: int | None) -> str:
    """What resources of ``kinds`` are called together ("Bedrock agent aliases")."""
    if len(kinds) == 1:
        return kinds[0].label if count == 1 else plural(kinds[0].label)
    return f"{data_event_type} resource" + ("" if count == 1 else "s")


_PARENTS: Fact[dict[str, InventoryItem]] = Fact("inventoried parents by ARN", size=8192)


def _parents_by_arn(ctx: RuleContext, region: RegionSnapshot) -> dict[str, InventoryItem]:
    """The region's items of every parent kind by ARN (once per region and evaluation)."""

    def build() -> dict[str, InventoryItem]:
        parent_keys = {k.parent for k in RESOURCE_KINDS if k.parent is not None}
        inventory = region.inventory or {}
        return {item.arn: item for key in parent_keys for item in inventory.get(key, [])}

    return ctx.memo.get(_PARENTS, (region,), build)


def _failure(region: RegionSnapshot, kind: ResourceKind) -> str:
    """Why ``kind`` is unknown in ``region``: its failed call (or its parent's), or "not read"."""
    chain: list[ResourceKind] = [kind]
    while chain[-1].parent is not None:
        chain.append(KINDS_BY_KEY[chain[-1].parent or ""])
    for member in chain:
        errors = [
            e for e in errors_for(region.errors, member.operation) if e.service == member.service
        ]
        if errors:
            return describe_error(errors[0])
    return f"{kind.service}:{kind.operation} was not read"


def listing_failure(region: RegionSnapshot, kind: ResourceKind) -> str:
    """Why ``kind`` is unknown in ``region``: its failed listing (or its parent's), or "not read"."""
    return _failure(region, kind)


def type_inventory(ctx: RuleContext, data_event_type: str) -> TypeInventory:
    """The inventoried resources of ``data_event_type`` in ``ctx``'s account and region.

    ``resources`` is empty when the type has no inventory kind or every kind is listed and
    empty; ``None`` (with the reason) when any kind is unknown: its listing failed, or the
    inventory was not read at all (a snapshot written before it existed).
    """
    kinds = KINDS_BY_TYPE.get(data_event_type, ())
    if not kinds:
        return TypeInventory(data_event_type, kinds, ())
    region = ctx.region_snapshot
    if region is None:
        return TypeInventory(data_event_type, kinds, None, f"nothing was read in {ctx.region}")
    if region.inventory is None:
        return TypeInventory(
            data_event_type, kinds, None, "the snapshot holds no inventory of AI resources"
        )
    listed, offered = region.inventory, region.services_not_offered
    unknown = [k for k in kinds if k.key not in listed and k.service not in offered]
    if unknown:
        reasons = list(dict.fromkeys(_failure(region, k) for k in unknown))
        return TypeInventory(data_event_type, kinds, None, "; ".join(reasons))
    out: list[InventoriedResource] = []
    parents: dict[str, InventoryItem] | None = None
    for kind in kinds:
        items = listed.get(kind.key, [])
        if items and kind.parent is not None and parents is None:
            parents = _parents_by_arn(ctx, region)
        for item in items:
            parent = (parents or {}).get(item.parent_arn or "") if kind.parent else None
            out.append(InventoriedResource(kind, item, parent))
    return TypeInventory(data_event_type, kinds, tuple(out))


def inventoried(ctx: RuleContext, data_event_type: str) -> list[InventoriedResource] | None:
    """The inventoried resources of ``data_event_type`` in ``ctx``'s account and region.

    ``[]`` when every kind of the type was listed and none exists; ``None`` when any kind
    is unknown (its listing failed, or the inventory was not read) and when no kind lists
    the type at all (bedrock-mantle, sessions, tools...): nobody can say none exists.
    """
    inventory = type_inventory(ctx, data_event_type)
    if inventory.resources is None or not inventory.kinds:
        return None
    return list(inventory.resources)


def count_phrase(resources: Sequence[InventoriedResource]) -> str:
    """How many of each kind, e.g. "3 Bedrock agent aliases" or "1 X and 2 Ys"."""
    counts: dict[str, tuple[ResourceKind, int]] = {}
    for res in resources:
        kind, n = counts.get(res.kind.key, (res.kind, 0))
        counts[res.kind.key] = (kind, n + 1)
    parts = [f"{n} {kind.label if n == 1 else plural(kind.label)}" for kind, n in counts.values()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


NAMES_SHOWN = 5
"""How many resources a message names before "and N more" (the evidence lists them all)."""


def name_list(names: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    """``names`` joined for a message, the first ``shown`` then "and N more"."""
    text = "; ".join(names[:shown])
    rest = len(names) - shown
    return f"{text}; and {rest} more (the evidence lists them all)" if rest > 0 else text


def none_logged(listed: Sequence[InventoriedResource], region: str) -> str:
    """The sentence naming the inventoried resources when no trail logs anything."""
    names = name_list([res.describe() for res in listed])
    if len(listed) == 1:
        return f" The {listed[0].kind.label} in {region} is not logged: {names}."
    return f" None of the {count_phrase(listed)} in {region} is logged: {names}."


def template_id(template: str, ctx: RuleContext, arn: str) -> str | None:
    """The ``{id}`` that fills a catalog ARN ``template`` to exactly ``arn`` in ``ctx``.

    The template is filled as the data-event checks fill it (partition, region, account,
    id). None when ``arn`` is not of the template's form (another account, region or
    resource path, e.g. a custom model's ARN against the foundation-model template).
    """
    names = {"partition": ctx.partition, "region": ctx.region, "account": ctx.account_id}
    head, found, tail = template.partition("{id}")
    if not found:
        return None
    prefix, suffix = head.format(**names, id=""), tail.format(**names, id="")
    if len(arn) <= len(prefix) + len(suffix) or not (
        arn.startswith(prefix) and arn.endswith(suffix)
    ):
        return None
    resource_id = arn[len(prefix) : len(arn) - len(suffix)]
    return resource_id if template.format(**names, id=resource_id) == arn else None


def unknown_caveat(inventory: TypeInventory, region: str) -> str:
    """The sentence a data-event result carries when the type's inventory is unknown."""
    return (
        f" Not every resource was checked: the {inventory.noun()} in {region} could not be "
        f"listed: {inventory.unknown_reason}."
    )
