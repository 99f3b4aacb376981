"""The results contract: every report format derives from these models."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiposture.atomic import write_atomically
from aiposture.documents import parse_json, read_utf8
from aiposture.errors import IntegrityError, SnapshotError, validation_summary
from aiposture.ids import AccountId
from aiposture.outputs_guard import note_input
from aiposture.snapshot.history import Period

RESULTS_SCHEMA_VERSION = "1"


class Status(StrEnum):
    """The status of one result."""

    PASS = "PASS"  # noqa: S105 - a status, not a password
    FAIL = "FAIL"
    ERROR = "ERROR"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    WAIVED = "WAIVED"


class Severity(StrEnum):
    """How much a failure matters; the order is from most to least severe."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical, up to 4 for info."""
        return _RANKS[self.value]

    @property
    def weight(self) -> float:
        """The scoring weight (the OpenSSF Scorecard scheme)."""
        return _WEIGHTS[self.value]

    def at_least(self, other: Severity) -> bool:
        """True when this severity is ``other`` or more severe."""
        return self.rank <= other.rank


_RANKS = {s.value: i for i, s in enumerate(Severity)}
_WEIGHTS = {"critical": 10.0, "high": 7.5, "medium": 5.0, "low": 2.5, "info": 0.0}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Remediation(_Model):
    """How to fix a failing check."""

    text: str
    url: str | None = None


class WaiverRef(_Model):
    """The waiver that turned a FAIL into WAIVED."""

    id: str
    owner: str
    justification: str
    expires: date


class Result(_Model):
    """One check judged on one account, region and resource."""

    check_id: str
    title: str
    severity: Severity
    status: Status
    account_id: AccountId | None
    region: str | None
    resource_arn: str | None
    seed_refs: list[str]
    dimensions: list[str]
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    remediation: Remediation
    waiver: WaiverRef | None = None
    """Set when the status is WAIVED."""
    applies_to: dict[str, list[int]] = Field(default_factory=dict)
    """The check's Scoping Matrix scopes (``genai``, ``agentic``)."""


class ToolRef(_Model):
    """Tool name and version."""

    name: str = "aiposture"
    version: str
    catalog_version: str | None = None


class ScanInfo(_Model):
    """What was scanned, when, and by whom."""

    started_at: datetime
    finished_at: datetime
    identity_arn: str | None
    accounts: list[str]
    regions: list[str]
    snapshot_sha256: str
    period: Period | None = None
    """The audit period whose event history the continuity checks judged; None when history
    was not read (``--no-history``), or in results written before periods were recorded."""


class ScoreSet(_Model):
    """An overall score and one per matrix dimension (0-100, None when nothing applies)."""

    overall: float | None = None
    dimensions: dict[str, float | None] = Field(default_factory=dict)


class Scores(_Model):
    """Weighted pass shares for the whole scan, and per account."""

    overall: float | None = None
    dimensions: dict[str, float | None] = Field(default_factory=dict)
    formula: str = ""
    accounts: dict[str, ScoreSet] = Field(default_factory=dict)
    """The same scores, per account id."""
    not_assessed: dict[str, str] | None = None
    """Each dimension of ``dimensions`` whose score is None, with why it was not assessed
    (no check maps to it, every check mapped to it was not applicable here, ...). None in a
    results file written before every dimension was reported (:data:`ADDED_MEMBERS`)."""


class WaiverStatus(StrEnum):
    """What became of one waiver in this evaluation."""

    APPLIED = "applied"
    """It matched failing results and waived them."""
    UNMATCHED = "unmatched"
    """It is in force but matched no failing result."""
    EXPIRED = "expired"
    """Its expiry has passed: it waives nothing."""


class WaiverRecord(_Model):
    """One waiver of the waivers file, as this evaluation used it."""

    id: str
    owner: str
    justification: str
    expires: date
    match: dict[str, str | None] = Field(default_factory=dict)
    """What it matches: check (id or seed_ref), account, region, resource pattern."""
    status: WaiverStatus
    matched: int = 0
    """How many results it waived."""
    errors_not_waived: int = 0
    """How many ERROR results it matched and left alone (a waiver never hides an ERROR)."""


class DiffEntry(_Model):
    """One result whose status changed between the baseline and this scan."""

    check_id: str
    title: str
    severity: Severity
    account_id: str | None
    region: str | None
    resource_arn: str | None
    old_status: Status | None
    """None when the result is new in this scan."""
    new_status: Status | None
    """None when the result is gone from this scan."""


class GapEvent(_Model):
    """The event that opened or closed a continuity gap, as its result's evidence names it."""

    event_id: str | None = None
    event_name: str | None = None
    time: datetime | None = None
    actor_arn: str | None = None
    source_ip: str | None = None


class GapEntry(_Model):
    """One gap of a continuity result (a control off or weakened inside the period)."""

    check_id: str
    title: str
    severity: Severity
    account_id: str | None
    region: str | None
    control: str
    """The control's display name (``Trail ops-trail``)."""
    resource: str | None = None
    start: datetime
    end: datetime
    hours: float
    state: str
    """``off`` or ``weakened``."""
    opened_by: GapEvent | None = None
    closed_by: GapEvent | None = None


class ContinuityDiff(_Model):
    """The continuity gaps that opened or closed from one audit period to another.

    A gap is keyed by (account, region, check, control, start); see
    :func:`aiposture.engine.continuity_diff.diff_gaps` for how a gap cut by either period's
    boundary still matches itself.
    """

    baseline_period: Period | None = None
    period: Period | None = None
    opened: list[GapEntry] = Field(default_factory=list)
    """Gaps in this scan and not in the baseline."""
    closed: list[GapEntry] = Field(default_factory=list)
    """Gaps in the baseline and not in this scan, which judged the same check there."""
    unverified: list[GapEntry] = Field(default_factory=list)
    """Gaps in the baseline whose check this scan could not judge there (ERROR, or no
    result): neither still open nor closed is known."""
    note: str | None = None
    """Why the gaps could not be compared (a side read no event history), else None."""


class Diff(_Model):
    """What changed since a baseline scan."""

    baseline_finished_at: datetime
    baseline_snapshot_sha256: str
    new_failures: list[DiffEntry] = Field(default_factory=list)
    """Failing now (FAIL or ERROR) and absent from the baseline (a new check or resource)."""
    resolved: list[DiffEntry] = Field(default_factory=list)
    """Failing in the baseline, passing (or waived, or gone) now."""
    regressed: list[DiffEntry] = Field(default_factory=list)
    """In the baseline and not failing there (PASS, WAIVED, NOT_APPLICABLE), failing now."""
    score_changes: dict[str, tuple[float | None, float | None]] = Field(default_factory=dict)
    """``overall`` and each dimension: (baseline score, this scan's score)."""
    continuity: ContinuityDiff | None = None
    """The continuity gaps opened and closed, when either scan judged continuity."""


class Integrity(_Model):
    """The results file's hash of its own content, checked whenever it is read back.

    ``content_sha256`` is the SHA-256 of the canonical JSON of every other member of the
    file (keys sorted, no spaces, ASCII escapes), so an edit anywhere, a flipped status or
    a changed score, no longer matches. It proves the file is whole and unchanged since an
    aiposture wrote it, not who wrote it: anyone can recompute it. Signing the report
    folder's manifest (``aiposture report --sign-key``) adds the who.
    """

    algorithm: Literal["sha256"] = "sha256"
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class InventoryEntry(_Model):
    """One AI resource of an account and region, as the report lists it (issue 16)."""

    kind: str
    """The :attr:`~aiposture.snapshot.inventory.ResourceKind.key` (``bedrock-agent:agent-alias``)."""
    label: str
    """How people call the kind ("Bedrock agent alias")."""
    arn: str
    id: str
    name: str | None = None
    status: str | None = None
    parent_arn: str | None = None
    data_event_type: str | None = None
    """The CloudTrail data-event ``resources.type`` that logs it, when it has one."""


class RegionScope(_Model):
    """Whether an account and region runs AI, what it holds, and what was judged there.

    ``ai_in_use`` is True when any signal says so (a resource, a usage metric, invocation
    logging configured), False only when every signal was read and none does, and None
    when a signal could not be read (then nothing is scoped out).
    """

    account_id: AccountId
    region: str
    ai_in_use: bool | None
    signals: list[str] = Field(default_factory=list)
    """Each sign of use, in words ("3 resources inventoried", "Invocations: 1,204 in 30 days")."""
    unknown: list[str] = Field(default_factory=list)
    """Each signal that could not be read, in words (why nothing was scoped out)."""
    inventory: list[InventoryEntry] = Field(default_factory=list)
    """The inventoried resources (kinds whose listing failed are in ``unknown``)."""
    unknown_kinds: list[str] = Field(default_factory=list)
    """The kind keys whose listing failed or whose parent is unknown."""
    not_applicable: dict[str, str] = Field(default_factory=dict)
    """Workload (a data-event resource type) -> why its checks are NOT_APPLICABLE here."""


class Scoping(_Model):
    """How regions were scoped by use (``scan.regions_in_use``) and what each one holds."""

    mode: Literal["auto", "all"] = "auto"
    window_days: int | None = None
    """The usage window of the metrics (days), when they were read."""
    regions: list[RegionScope] = Field(default_factory=list)


class PeerRefRecord(_Model):
    """A peer tool's check that a check corresponds to (the check's ``peer_refs``)."""

    ref: str
    """``<tool>:<check id>``, e.g. ``prowler:bedrock_guardrails_configured``."""
    relation: Literal["covered", "stricter", "partial"]
    """``covered``: the check fails whenever the peer's does; ``stricter``: also where it passes;
    ``partial``: the two overlap, each failing cases the other passes (``why`` says which)."""
    why: str
    """What the two judge alike and where they differ."""


class Results(_Model):
    """The results file (``results.json``)."""

    schema_version: str = RESULTS_SCHEMA_VERSION
    tool: ToolRef
    scan: ScanInfo
    results: list[Result]
    scores: Scores = Field(default_factory=Scores)
    waivers: list[WaiverRecord] = Field(default_factory=list)
    """Every waiver of the waivers file, applied or not."""
    baseline: Diff | None = None
    """The change since the baseline scan, when one was given."""
    scoping: Scoping | None = None
    """The AI inventory and use of each account and region, and what was scoped out."""
    peer_refs: dict[str, list[PeerRefRecord]] | None = None
    """Check id -> the peer tools' checks it corresponds to, for each check of the results
    that has any, so that findings map onto a peer tool's (a user migrating from Prowler)."""
    integrity: Integrity | None = None
    """Set when the file is written (:func:`results_json`); required when it is read."""

    def peers_of(self, check_id: str) -> list[PeerRefRecord]:
        """The peer tools' checks ``check_id`` corresponds to (empty when none is recorded)."""
        return list((self.peer_refs or {}).get(check_id, ()))

    def counts(self) -> dict[str, int]:
        """Number of results per status."""
        out = {s.value: 0 for s in Status}
        for r in self.results:
            out[r.status.value] += 1
        return out


ADDED_MEMBERS = (
    "scoping",
    "scores.not_assessed",
    "peer_refs",
    "scan.period",
    "baseline.continuity",
)
"""Members of the results file added after schema version 1 was first written (a dotted
path names a member of a member). Left out of the content hash when unset, so a results
file an earlier aiposture wrote (a past quarter's baseline) still matches its recorded hash."""


def _unset_members(results: Results) -> dict[str, Any]:
    """The pydantic ``exclude`` of :data:`ADDED_MEMBERS` that are None in ``results``."""
    out: dict[str, Any] = {}
    for path in ADDED_MEMBERS:
        *parents, name = path.split(".")
        owner: Any = results
        for parent in parents:
            owner = getattr(owner, parent) if owner is not None else None
        if owner is not None and getattr(owner, name) is None:
            where = out
            for parent in parents:
                where = where.setdefault(parent, {})
            where[name] = True
    return out


def content_sha256(results: Results) -> str:
    """The SHA-256 of ``results``' canonical JSON, without its ``integrity`` member.

    Each of :data:`ADDED_MEMBERS` that is unset is left out too.
    """
    doc = results.model_dump(mode="json", exclude={"integrity": True, **_unset_members(results)})
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def sealed(results: Results) -> Results:
    """``results`` with its ``integrity`` member set to the hash of its current content."""
    integrity = Integrity(content_sha256=content_sha256(results))
    return results.model_copy(update={"integrity": integrity})


def results_json(results: Results) -> bytes:
    """The bytes of ``results.json``: indented JSON in UTF-8 with its content hash set."""
    return (sealed(results).model_dump_json(indent=2) + "\n").encode("utf-8")


def dump_results(results: Results, path: Path) -> None:
    """Write ``results`` (sealed, see :func:`results_json`) to ``path``, all or nothing."""
    data = results_json(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)


def check_integrity(results: Results, path: Path) -> None:
    """Raise :class:`IntegrityError` unless ``results`` carry their own, matching hash."""
    if results.integrity is None:
        raise IntegrityError(
            f"results {path} carry no content hash, so an edit cannot be told apart: "
            "evaluate the snapshot again to get a results file this aiposture can trust"
        )
    actual = content_sha256(results)
    if actual != results.integrity.content_sha256:
        raise IntegrityError(
            f"results {path} were changed after aiposture wrote them (content sha256 "
            f"{actual[:12]}, recorded {results.integrity.content_sha256[:12]}): evaluate "
            "the snapshot again instead of editing results"
        )


def load_results(path: Path) -> Results:
    """Read a results file and check its content hash (:func:`check_integrity`).

    Any bad input is one readable :class:`SnapshotError`; a file changed since aiposture
    wrote it is an :class:`IntegrityError`.
    """
    note_input("results", path)
    doc = parse_json(read_utf8(path, "results", SnapshotError), path, "results", SnapshotError)
    if not isinstance(doc, dict) or doc.get("schema_version") != RESULTS_SCHEMA_VERSION:
        raise SnapshotError(f"{path} is not an aiposture results file (schema_version mismatch)")
    try:
        results = Results.model_validate(doc)
    except ValidationError as exc:
        where, _, message = validation_summary(exc)
        raise SnapshotError(f"results {path} are invalid at {where}: {message}") from exc
    check_integrity(results, path)
    return results
