"""Rule kind ``resource_customer_key``: each resource of a kind is encrypted with a customer key.

Judged per inventoried resource, on its own configuration (its Get answer,
:attr:`~aiposture.snapshot.models.InventoryItem.details`): the KMS key the parameter
``key_path`` names there (e.g. ``modelKmsKeyArn`` of GetCustomModel). With ``parts`` the
key is read on each element of a list of the details instead (a knowledge base's data
sources, each with ``serverSideEncryptionConfiguration.kmsKeyArn``), and every element must
have one.

"Customer key": a key id, key ARN or alias is named and it is not an AWS managed alias
(``alias/aws/<service>``). A key ARN does not say who manages the key; only
``kms:DescribeKey`` (``KeyManager``) does, and aiposture does not call it. A named key ARN
is therefore taken as the customer's (these APIs encrypt with an AWS owned key when none is
named, and a caller who names one names their own in practice); the evidence says it was
not verified. No key named: FAIL, the default (an AWS owned key, or for a batch job the
bucket's default encryption) applies.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import field_validator

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.details import DETAIL_CALLS, Detailed, dig, judge_each
from aiposture.rules.support.inventory import name_list
from aiposture.snapshot.inventory import KINDS_BY_KEY

AWS_MANAGED_ALIAS = re.compile(r"(^|:)alias/aws/")
"""An AWS managed key's alias (``alias/aws/s3``, or its alias ARN)."""

UNVERIFIED = "named by ARN or id; customer managed assumed, not verified with kms:DescribeKey"
"""How the evidence classes a key ARN or id (see the module docstring)."""


class CustomerKeyParams(Params):
    """Parameters of ``resource_customer_key``."""

    kind: str
    """The inventory kind judged (:data:`aiposture.snapshot.inventory.KINDS_BY_KEY`)."""
    key_path: str
    """Dotted path to the key in the details (or in each part)."""
    protects: str
    """What the key encrypts, for messages ("its fine-tuned weights")."""
    default_encryption: str = "an AWS owned key"
    """What encrypts it when no key is named."""
    parts: str | None = None
    """Dotted path to a list in the details whose every element must name a key."""
    part_label: str = "part"
    """What an element of ``parts`` is called ("data source")."""
    part_name: str = "name"
    """The element's field that names it."""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS_BY_KEY:
            raise ValueError(f"unknown inventory kind {value!r}")
        if value not in DETAIL_CALLS:
            raise ValueError(f"the collector reads no details of {value!r}")
        return value


def key_class(key: Any) -> str | None:
    """``"aws-managed"``, ``"customer"`` (unverified, see module) or None when no key is named."""
    if not isinstance(key, str) or not key.strip():
        return None
    return "aws-managed" if AWS_MANAGED_ALIAS.search(key) else "customer"


def _field(p: CustomerKeyParams) -> str:
    return f"{p.parts}[].{p.key_path}" if p.parts else p.key_path


def _key_row(key: Any) -> dict[str, Any]:
    kind = key_class(key)
    row: dict[str, Any] = {"key": key if kind else None, "key_class": kind}
    if kind == "customer":
        row["verified"] = UNVERIFIED
    return row


def _judge_whole(p: CustomerKeyParams, item: Detailed) -> Outcome:
    key = dig(item.details, p.key_path)
    kind = key_class(key)
    evidence = {"arn": item.arn, "field": p.key_path, **_key_row(key)}
    if kind == "customer":
        message = f"{item.describe()} encrypts {p.protects} with the customer KMS key {key}."
        return Outcome(Status.PASS, message, item.arn, evidence)
    if kind == "aws-managed":
        message = (
            f"{item.describe()} encrypts {p.protects} with the AWS managed key {key} "
            f"({p.key_path}): its key policy and rotation are AWS's, so you cannot restrict "
            "or revoke who decrypts it."
        )
        return Outcome(Status.FAIL, message, item.arn, evidence)
    message = (
        f"{item.describe()} names no customer KMS key ({p.key_path} is not set), so "
        f"{p.default_encryption} protects {p.protects}: you cannot audit, restrict or revoke "
        "its use."
    )
    return Outcome(Status.FAIL, message, item.arn, evidence)


def _judge_parts(p: CustomerKeyParams, item: Detailed) -> Outcome:
    assert p.parts is not None
    parts = dig(item.details, p.parts)
    field = _field(p)
    if not isinstance(parts, list):
        message = (
            f"Cannot verify the customer key of {item.describe()}: its {p.part_label}s were "
            f"not read ({p.parts} missing from its configuration)."
        )
        return Outcome(Status.ERROR, message, item.arn, {"arn": item.arn, "field": field})
    rows = []
    for index, part in enumerate(parts):
        name = dig(part, p.part_name) if isinstance(part, dict) else None
        key = dig(part, p.key_path) if isinstance(part, dict) else None
        rows.append({"name": name or f"#{index + 1}", **_key_row(key)})
    evidence = {"arn": item.arn, "field": field, p.parts: rows}
    if not rows:
        message = (
            f"{item.describe()} has no {p.part_label}: nothing is ingested, so no "
            f"{p.part_label} key applies."
        )
        return Outcome(Status.NOT_APPLICABLE, message, item.arn, evidence)
    bad = [r for r in rows if r["key_class"] != "customer"]
    if not bad:
        keys = sorted({str(r["key"]) for r in rows})
        message = (
            f"{item.describe()} encrypts {p.protects} with a customer KMS key on every "
            f"{p.part_label} ({len(rows)}; {', '.join(keys)})."
        )
        return Outcome(Status.PASS, message, item.arn, evidence)
    names = name_list(
        [
            f"{r['name']} (AWS managed key {r['key']})"
            if r["key_class"] == "aws-managed"
            else f"{r['name']} (no key: {p.default_encryption})"
            for r in bad
        ]
    )
    message = (
        f"{len(bad)} of {len(rows)} {p.part_label}s of {item.describe()} do not name a "
        f"customer KMS key ({p.key_path}): {names}. For them, {p.protects} are encrypted "
        "with a key whose use you cannot audit, restrict or revoke."
    )
    return Outcome(Status.FAIL, message, item.arn, evidence)


def resource_customer_key(p: CustomerKeyParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether each resource of ``p.kind`` in the region names a customer KMS key."""

    def judge(item: Detailed) -> Outcome:
        return _judge_parts(p, item) if p.parts else _judge_whole(p, item)

    return judge_each(ctx, p.kind, judge, "the KMS key")


CUSTOMER_KEY = RuleKind(
    name="resource_customer_key",
    function=resource_customer_key,
    params=CustomerKeyParams,
    scope="account_region",
    summary=(
        "Each inventoried resource of a kind names a customer KMS key (not an AWS owned or "
        "AWS managed one) in its own configuration."
    ),
    results="resource",
)
