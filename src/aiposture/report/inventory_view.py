"""The "AI inventory" of a report: what AI runs where, whether it is logged, what was scoped out.

Built from :attr:`aiposture.results.Results.scoping` (the inventory and use of each account
and region, and the workloads scoped out by use) and from the results themselves: a
resource is "logged" or "not logged" only as the evidence of a data-event check
(``ct-data-*``, ``evidence["resources"]``) says, matched by account, region and exact ARN.
A resource of a kind CloudTrail logs no data events for says so; one no check judged is
"not judged", never "logged". Scoped-out results (NOT_APPLICABLE with
``evidence["scoping"]``) are grouped per account, region and workload here, so the report
shows one line per workload instead of one row per check.

Every name and ARN here comes from AWS: the templates autoescape them and the Markdown
goes through :func:`aiposture.markdown_text.md_text`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiposture.results import InventoryEntry, RegionScope, Result, Results, Scoping, Status
from aiposture.snapshot.inventory import KINDS_BY_KEY, RESOURCE_KINDS

__all__ = [
    "DATA_EVENT_CHECK_PREFIX",
    "LOGGED",
    "NOT_JUDGED",
    "NOT_LOGGED",
    "NO_DATA_EVENTS",
    "AccountInventory",
    "InventoryResourceRow",
    "InventoryView",
    "RegionInventory",
    "ScopedOutRow",
    "build_inventory",
    "grouped_results",
    "is_scoped_out",
    "scoping_headline",
]

DATA_EVENT_CHECK_PREFIX = "ct-data-"
"""The id prefix of the data-event checks whose evidence lists the resources they judged."""

LOGGED = "logged"
"""A data-event check found a trail logging the resource's data events."""
NOT_LOGGED = "not-logged"
"""A data-event check found no trail logging them."""
NO_DATA_EVENTS = "no-data-events"
"""CloudTrail logs no data events for the resource's kind (management events only)."""
NOT_JUDGED = "not-judged"
"""No data-event check judged the resource: neither logged nor not logged is known."""

_IN_USE_WORDS = {True: ("yes", "yes"), False: ("no", "no"), None: ("cannot tell", "unknown")}
_KIND_ORDER = {kind.key: i for i, kind in enumerate(RESOURCE_KINDS)}


@dataclass(frozen=True)
class InventoryResourceRow:
    """One inventoried AI resource and whether its data events are logged."""

    kind: str
    label: str
    name: str
    """The resource's name, or its id when it has none."""
    id: str
    arn: str
    status: str
    """The resource's own status as AWS reports it (``READY``), or ``-``."""
    logging: str
    """``logged``, ``not-logged``, ``no-data-events`` or ``not-judged`` (a CSS class too)."""
    logging_text: str
    """The same in words: "logged by org-trail (selector)", "not logged", ..."""
    checks: list[str]
    """The data-event checks whose evidence judged it."""


@dataclass(frozen=True)
class ScopedOutRow:
    """One workload (a data-event type) whose per-workload checks do not apply in a region."""

    workload: str
    """The CloudTrail data-event resource type (``AWS::BedrockAgentCore::Gateway``)."""
    label: str
    """How people call it ("AgentCore gateway"), or the type itself."""
    checks: list[str]
    """The ids of the checks found NOT_APPLICABLE for it."""
    reason: str


@dataclass(frozen=True)
class RegionInventory:
    """One account and region: AI in use or not, its resources, what was scoped out."""

    account_id: str
    region: str
    in_use: str
    """``yes``, ``no`` or ``cannot tell``."""
    in_use_class: str
    """``yes``, ``no`` or ``unknown`` (a CSS class)."""
    signals: list[str]
    unknown: list[str]
    resources: list[InventoryResourceRow]
    unknown_kinds: list[str]
    """The labels of the kinds whose listing failed."""
    scoped_out: list[ScopedOutRow]
    scoped_out_checks: int
    quiet: bool
    """No resource, no use, every signal read: the report collapses it to one line."""
    logging_counts: dict[str, int]
    """Resources per ``logging`` value."""


@dataclass(frozen=True)
class AccountInventory:
    """One account's regions: a summary row, its busy regions in detail, its quiet ones listed."""

    account_id: str
    regions: list[RegionInventory]
    busy: list[RegionInventory]
    """Regions with a resource, a sign of use or a signal not read: shown in detail."""
    quiet: list[RegionInventory]
    in_use: list[str]
    """The regions where AI is in use."""
    cannot_tell: list[str]
    """The regions where a signal could not be read."""
    resources: int
    logged: int
    not_logged: int
    not_judged: int
    no_data_events: int
    scoped_out_checks: int
    quiet_scoped_out_checks: int
    quiet_workloads: int
    """How many distinct workloads were scoped out across the quiet regions."""


@dataclass(frozen=True)
class InventoryView:
    """The whole section: the scoping mode, the per-account summary and the details."""

    mode: str
    window_days: int | None
    headline: str
    accounts: list[AccountInventory]
    resources: int
    not_logged: int
    not_judged: int
    regions_in_use: int
    regions_cannot_tell: int
    regions_quiet: int
    scoped_out_checks: int


def scoping_headline(scoping: Scoping) -> str:
    """The one line that says how regions were scoped, for the top of the section."""
    window = (
        f"usage window {scoping.window_days} days"
        if scoping.window_days is not None
        else "usage metrics not read"
    )
    if scoping.mode == "all":
        return (
            f"Every region judged in full (scan.regions_in_use = all, {window}): "
            "no check is scoped out by use"
        )
    return f"Regions scoped by use (scan.regions_in_use = auto, {window})"


def is_scoped_out(result: Result) -> bool:
    """True for a NOT_APPLICABLE result that scoping by use decided (``evidence["scoping"]``)."""
    return result.status is Status.NOT_APPLICABLE and isinstance(
        result.evidence.get("scoping"), dict
    )


def _workload_labels() -> dict[str, str]:
    by_type: dict[str, list[str]] = {}
    for kind in RESOURCE_KINDS:
        if kind.data_event_type:
            by_type.setdefault(kind.data_event_type, []).append(kind.label)
    # A type several kinds share (AWS::Bedrock::Model) is named by the type alone.
    return {t: labels[0] for t, labels in by_type.items() if len(labels) == 1}


_WORKLOAD_LABELS = _workload_labels()

_Judgement = tuple[bool, str | None, str]
"""(logged, by, check id) from one data-event check's evidence."""


def _judgements(results: Iterable[Result]) -> dict[tuple[str, str, str], list[_Judgement]]:
    """Every (account, region, ARN) a data-event check judged, with what it found."""
    out: dict[tuple[str, str, str], list[_Judgement]] = {}
    for result in results:
        if not result.check_id.lower().startswith(DATA_EVENT_CHECK_PREFIX):
            continue
        entries = result.evidence.get("resources")
        if not isinstance(entries, list) or not result.account_id or not result.region:
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            arn, logged, by = entry.get("arn"), entry.get("logged"), entry.get("by")
            if not isinstance(arn, str) or not isinstance(logged, bool):
                continue  # malformed: the resource stays "not judged"
            key = (result.account_id, result.region, arn)
            out.setdefault(key, []).append(
                (logged, by if isinstance(by, str) else None, result.check_id)
            )
    return out


def _logging(entry: InventoryEntry, found: list[_Judgement]) -> tuple[str, str, list[str]]:
    checks = sorted({check for _, _, check in found})
    if found:
        unlogged = sorted({check for logged, _, check in found if not logged})
        if unlogged:
            return NOT_LOGGED, "not logged", unlogged
        trails = sorted({by for _, by, _ in found if by})
        text = "logged by " + "; ".join(trails) if trails else "logged"
        return LOGGED, text, checks
    if entry.data_event_type is None:
        return NO_DATA_EVENTS, "no data events (management events only)", []
    return NOT_JUDGED, "not judged", []


def _resource_row(entry: InventoryEntry, found: list[_Judgement]) -> InventoryResourceRow:
    logging, text, checks = _logging(entry, found)
    return InventoryResourceRow(
        kind=entry.kind,
        label=entry.label,
        name=entry.name or entry.id,
        id=entry.id,
        arn=entry.arn,
        status=entry.status or "-",
        logging=logging,
        logging_text=text,
        checks=checks,
    )


def _workloads(info: dict[str, Any]) -> list[str]:
    """The workload types of a scoped-out result: ``types`` or the ``workload`` it names."""
    types = info.get("types")
    if isinstance(types, list) and types and all(isinstance(t, str) for t in types):
        return list(types)
    workload = info.get("workload")
    if isinstance(workload, str) and workload:
        return [t.strip() for t in workload.split(",") if t.strip()]
    return ["-"]


def _scoped_out(scope: RegionScope, scoped: list[Result]) -> list[ScopedOutRow]:
    checks: dict[str, set[str]] = {}
    reasons = dict(scope.not_applicable)
    for result in scoped:
        for workload in _workloads(result.evidence["scoping"]):
            checks.setdefault(workload, set()).add(result.check_id)
            reasons.setdefault(
                workload, str(result.evidence["scoping"].get("reason") or result.message)
            )
    return [
        ScopedOutRow(
            workload=workload,
            label=_WORKLOAD_LABELS.get(workload, workload),
            checks=sorted(checks.get(workload, ())),
            reason=reason,
        )
        for workload, reason in sorted(reasons.items())
    ]


def _region(
    scope: RegionScope,
    judgements: dict[tuple[str, str, str], list[_Judgement]],
    scoped: list[Result],
) -> RegionInventory:
    entries = sorted(
        scope.inventory,
        key=lambda e: (_KIND_ORDER.get(e.kind, len(_KIND_ORDER)), e.kind, e.name or e.id, e.arn),
    )
    rows = [
        _resource_row(e, judgements.get((scope.account_id, scope.region, e.arn), []))
        for e in entries
    ]
    scoped_out = _scoped_out(scope, scoped)
    words, css = _IN_USE_WORDS[scope.ai_in_use]
    quiet = scope.ai_in_use is False and not rows and not scope.unknown and not scope.unknown_kinds
    return RegionInventory(
        account_id=scope.account_id,
        region=scope.region,
        in_use=words,
        in_use_class=css,
        signals=list(scope.signals),
        unknown=list(scope.unknown),
        resources=rows,
        unknown_kinds=[
            KINDS_BY_KEY[k].label if k in KINDS_BY_KEY else k for k in scope.unknown_kinds
        ],
        scoped_out=scoped_out,
        scoped_out_checks=len(scoped),
        quiet=quiet,
        logging_counts=dict(Counter(r.logging for r in rows)),
    )


def _account(account_id: str, regions: list[RegionInventory]) -> AccountInventory:
    counts: Counter[str] = Counter()
    for region in regions:
        counts.update(region.logging_counts)
    quiet = [r for r in regions if r.quiet]
    return AccountInventory(
        account_id=account_id,
        regions=regions,
        busy=[r for r in regions if not r.quiet],
        quiet=quiet,
        in_use=[r.region for r in regions if r.in_use_class == "yes"],
        cannot_tell=[r.region for r in regions if r.in_use_class == "unknown"],
        resources=sum(len(r.resources) for r in regions),
        logged=counts[LOGGED],
        not_logged=counts[NOT_LOGGED],
        not_judged=counts[NOT_JUDGED],
        no_data_events=counts[NO_DATA_EVENTS],
        scoped_out_checks=sum(r.scoped_out_checks for r in regions),
        quiet_scoped_out_checks=sum(r.scoped_out_checks for r in quiet),
        quiet_workloads=len({s.workload for r in quiet for s in r.scoped_out}),
    )


def _scoped_results(results: Results) -> dict[tuple[str, str], list[Result]]:
    out: dict[tuple[str, str], list[Result]] = {}
    for result in results.results:
        if is_scoped_out(result) and result.account_id and result.region:
            out.setdefault((result.account_id, result.region), []).append(result)
    return out


def grouped_results(results: Results) -> set[tuple[str, str | None, str | None, str | None]]:
    """The scoped-out results the inventory section shows, as (check, account, region, ARN).

    Only those of an account and region the scoping lists: any other stays a row of the
    report's list of not-applicable results.
    """
    if results.scoping is None:
        return set()
    regions = {(s.account_id, s.region) for s in results.scoping.regions}
    return {
        (r.check_id, r.account_id, r.region, r.resource_arn)
        for r in results.results
        if is_scoped_out(r) and (r.account_id, r.region) in regions
    }


def build_inventory(results: Results) -> InventoryView | None:
    """The inventory section of ``results``, or None when the results record no scoping."""
    scoping = results.scoping
    if scoping is None:
        return None
    judgements = _judgements(results.results)
    scoped = _scoped_results(results)
    by_account: dict[str, list[RegionInventory]] = {}
    for scope in sorted(scoping.regions, key=lambda s: (s.account_id, s.region)):
        region = _region(scope, judgements, scoped.get((scope.account_id, scope.region), []))
        by_account.setdefault(scope.account_id, []).append(region)
    accounts = [_account(a, regions) for a, regions in by_account.items()]
    every = [r for a in accounts for r in a.regions]
    return InventoryView(
        mode=scoping.mode,
        window_days=scoping.window_days,
        headline=scoping_headline(scoping),
        accounts=accounts,
        resources=sum(a.resources for a in accounts),
        not_logged=sum(a.not_logged for a in accounts),
        not_judged=sum(a.not_judged for a in accounts),
        regions_in_use=sum(r.in_use_class == "yes" for r in every),
        regions_cannot_tell=sum(r.in_use_class == "unknown" for r in every),
        regions_quiet=sum(r.quiet for r in every),
        scoped_out_checks=sum(a.scoped_out_checks for a in accounts),
    )
