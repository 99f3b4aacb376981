"""Scoping by use (``scan.regions_in_use``): which workloads each account and region runs.

A per-workload check (:attr:`~aiposture.engine.catalog.LoadedCheck.workload`: the data
events of one resource type, or a detection specific to it) matters only where that
workload exists or is used. With ``auto``, such a check is NOT_APPLICABLE, with the reason,
in a region where none of its workload types is in use
(:func:`aiposture.snapshot.usage.type_in_use`); it is judged as usual wherever a type is in
use or nobody can tell (a listing or a metric read that failed, an old snapshot). Baseline
checks (no workload) and checks judged once per account or per trail are never scoped out.
With ``all``, nothing is scoped out.

Either way each scanned account and region gets a :class:`~aiposture.results.RegionScope`
(its AI inventory, its signs of use, what could not be read), gathered in
:attr:`Results.scoping <aiposture.results.Results.scoping>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from aiposture.config import Config
from aiposture.engine.catalog import LoadedCheck
from aiposture.results import InventoryEntry, RegionScope, Scoping, Status
from aiposture.rules.base import Outcome
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import AccountSnapshot, RegionSnapshot, Snapshot
from aiposture.snapshot.usage import region_facts, type_in_use, unlisted_kinds

CONFIGURED_TYPES: Mapping[str, str] = {
    "AWS::S3::Object": "s3_bucket_prefixes",
    "AWS::Lambda::Function": "lambda_function_prefixes",
}
"""Types the scan does not inventory whose resources the configuration names account-wide
(the ``resources`` key that names them). S3 buckets and Lambda functions are not AI services:
an AI bucket can hold training data where no model runs. When the configuration names them
(that key, or ``resources.ids`` for the type, set for the account or for every account),
their checks stay in force in every region; with the guide's default prefixes only, they
follow the region's signs of AI use."""

Verdict = tuple[bool | None, str]
"""Whether a workload type is in use in a region (None: cannot tell), and why."""


@dataclass(frozen=True)
class RegionDecision:
    """What scoping decided for one account and region: its scope and each workload's verdict."""

    scope: RegionScope
    mode: Literal["auto", "all"]
    """``scan.regions_in_use``."""
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)
    """Each workload type of the catalog -> whether it is in use here, and why (``auto``
    only: with ``all`` nothing is decided per type)."""

    def scoped_out(self, item: LoadedCheck) -> Outcome | None:
        """The NOT_APPLICABLE outcome of ``item`` here, or None when it is to be judged.

        Only with ``auto``, only for a per-workload check judged per account and region,
        and only when every one of its workload types is not in use (False; never None).
        """
        types = item.workload
        if self.mode != "auto" or not types or item.kind.scope != "account_region":
            return None
        verdicts = [self.verdicts.get(t, (None, "")) for t in types]
        if any(in_use is not False for in_use, _ in verdicts):
            return None
        reasons = list(dict.fromkeys(reason for _, reason in verdicts))
        reason = "; ".join(reasons)
        evidence = {
            "scoping": {
                "mode": self.mode,
                "workload": ", ".join(types),
                "types": list(types),
                "reason": reason,
            }
        }
        return Outcome(Status.NOT_APPLICABLE, reason, evidence=evidence)


def workload_types(checks: Iterable[LoadedCheck]) -> list[str]:
    """Every workload type the checks concern, sorted."""
    return sorted({t for item in checks for t in item.workload})


def configured_account_wide(config: Config, account_id: str, data_event_type: str) -> str | None:
    """Why the configuration keeps ``data_event_type`` in force in every region, or None.

    Only for :data:`CONFIGURED_TYPES`, and only when the configuration file sets the key
    (or ``resources.ids`` for the type) itself: the guide's default prefixes say nothing
    about this organization.
    """
    key = CONFIGURED_TYPES.get(data_event_type)
    if key is None:
        return None
    account = config.accounts.get(account_id)
    for where, resources in (
        (f"accounts.{account_id}.resources", account.resources if account else None),
        ("resources", config.resources),
    ):
        if resources is None:
            continue
        if key in resources.model_fields_set and getattr(resources, key):
            return (
                f"the configuration names {data_event_type} resources for every region "
                f"({where}.{key}); they are not inventoried, so their checks stay in force"
            )
        if "ids" in resources.model_fields_set and resources.ids.get(data_event_type):
            return (
                f"the configuration names {data_event_type} resources for every region "
                f"({where}.ids); they are not inventoried, so their checks stay in force"
            )
    return None


def inventory_entries(region: RegionSnapshot) -> list[InventoryEntry]:
    """The region's inventoried resources, kind by kind in report order."""
    entries: list[InventoryEntry] = []
    inventory = region.inventory or {}
    for kind in RESOURCE_KINDS:
        for item in inventory.get(kind.key) or []:
            entries.append(
                InventoryEntry(
                    kind=kind.key,
                    label=kind.label,
                    arn=item.arn,
                    id=item.id,
                    name=item.name,
                    status=item.status,
                    parent_arn=item.parent_arn,
                    data_event_type=kind.data_event_type,
                )
            )
    return entries


def decide_region(
    account_id: str,
    region: RegionSnapshot,
    types: Iterable[str],
    config: Config,
) -> RegionDecision:
    """The scope of one account and region, and the verdict on each workload type."""
    mode = config.scan.regions_in_use
    facts = region_facts(region)
    signs, unknown = facts.signals
    verdicts: dict[str, Verdict] = {}
    for data_event_type in types if mode == "auto" else ():
        configured = configured_account_wide(config, account_id, data_event_type)
        if configured is not None:
            verdicts[data_event_type] = (True, configured)
        else:
            verdicts[data_event_type] = type_in_use(region, data_event_type, facts=facts)
    not_applicable = {t: reason for t, (in_use, reason) in verdicts.items() if in_use is False}
    scope = RegionScope(
        account_id=account_id,
        region=region.region,
        ai_in_use=True if signs else (None if unknown else False),
        signals=signs,
        unknown=unknown,
        inventory=inventory_entries(region),
        unknown_kinds=[kind.key for kind in unlisted_kinds(region)],
        not_applicable=not_applicable,
    )
    return RegionDecision(scope=scope, mode=mode, verdicts=verdicts)


def decide_account(
    account: AccountSnapshot, types: Iterable[str], config: Config
) -> dict[str, RegionDecision]:
    """Each scanned region of ``account`` -> its :class:`RegionDecision`.

    A scanned region the snapshot holds nothing for is left out (nothing to decide on:
    its checks are judged as usual and say what is missing).
    """
    wanted = list(types)
    return {
        name: decide_region(account.account_id, account.regions[name], wanted, config)
        for name in account.scanned_regions
        if name in account.regions
    }


def decide(
    snapshot: Snapshot, checks: Iterable[LoadedCheck], config: Config
) -> tuple[Scoping, dict[str, dict[str, RegionDecision]]]:
    """The scoping of the whole snapshot, and each account's decisions by region.

    ``window_days`` is the usage window of the first region whose metrics were read.
    """
    types = workload_types(checks)
    decisions = {
        account.account_id: decide_account(account, types, config)
        for account in sorted(snapshot.accounts, key=lambda a: a.account_id)
    }
    window = next(
        (
            reg.usage.window_days
            for account in snapshot.accounts
            for reg in account.regions.values()
            if reg.usage is not None
        ),
        None,
    )
    scoping = Scoping(
        mode=config.scan.regions_in_use,
        window_days=window,
        regions=[d.scope for by_region in decisions.values() for d in by_region.values()],
    )
    return scoping, decisions
