"""The rows, tables and sections a report template reads (built by :mod:`.view`)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from aiposture.report.continuity_models import ContinuityView, GapChangeRow
from aiposture.report.inventory_view import InventoryView

__all__ = [
    "AccountScoreRow",
    "AffectedRow",
    "BaselineView",
    "CheckGroup",
    "DiffRow",
    "DimensionCheck",
    "DimensionScore",
    "DimensionSection",
    "EvidenceExcerpt",
    "PassRow",
    "ReportView",
    "ResultRow",
    "ScoreChange",
    "SeverityRow",
    "StatusCount",
    "TopRisk",
    "WaiverRow",
    "WeightRow",
]


@dataclass(frozen=True)
class EvidenceExcerpt:
    """Pretty-printed evidence, cut to a readable length."""

    text: str
    truncated: bool
    total_chars: int


@dataclass(frozen=True)
class ResultRow:
    """One result as the findings table shows it."""

    check_id: str
    title: str
    status: str
    status_label: str
    severity: str
    status_rank: int
    severity_rank: int
    account_id: str
    region: str
    resource_arn: str
    message: str
    seed_refs: list[str]
    dimensions: list[str]
    has_evidence: bool
    evidence: EvidenceExcerpt
    remediation_shown: bool
    remediation_text: str
    remediation_url: str | None
    remediation_href: str | None


@dataclass(frozen=True)
class PassRow:
    """A passing or not-applicable result, as the compact table lists it."""

    check_id: str
    status: str
    status_label: str
    account_id: str
    region: str
    resource_arn: str
    message: str


@dataclass(frozen=True)
class StatusCount:
    """How many results have one status."""

    status: str
    label: str
    note: str
    count: int


@dataclass(frozen=True)
class SeverityRow:
    """One row of the severity-by-status matrix."""

    severity: str
    counts: list[int]
    total: int


@dataclass(frozen=True)
class DimensionScore:
    """One matrix dimension's score, ready to print."""

    name: str
    text: str
    percent: float
    band: str


@dataclass(frozen=True)
class AffectedRow:
    """One resource a check failed (or could not verify, or was waived) on."""

    status: str
    status_label: str
    account_id: str
    region: str
    resource_arn: str
    message: str
    message_cut: int
    """The reason's full length when it was cut to ``group_message_limit``, else 0."""
    has_evidence: bool
    evidence: EvidenceExcerpt
    waiver: str
    """``id, owner, expires`` of the waiver of a WAIVED result, else empty."""


@dataclass(frozen=True)
class CheckGroup:
    """A check with findings: its title, severity and remediation once, then each resource."""

    check_id: str
    title: str
    severity: str
    worst_status: str
    seed_refs: list[str]
    dimensions: list[str]
    remediation_text: str
    remediation_url: str | None
    remediation_href: str | None
    failed: int
    errors: int
    waived: int
    accounts: int
    rows: list[AffectedRow]


@dataclass(frozen=True)
class TopRisk:
    """A failing check, as the executive summary lists it."""

    check_id: str
    title: str
    severity: str
    failed: int
    accounts: int


@dataclass(frozen=True)
class DimensionCheck:
    """A check of a dimension that is not passing everywhere."""

    check_id: str
    title: str
    severity: str
    failed: int
    errors: int


@dataclass(frozen=True)
class DimensionSection:
    """One Scoping Matrix dimension: its score and its failing checks."""

    name: str
    label: str
    """The dimension's official name ("Generative AI: Resilience")."""
    score: DimensionScore
    not_assessed: str | None
    """Why the dimension has no score (None when it is scored)."""
    applicable: int
    passed: int
    failing: list[DimensionCheck]


@dataclass(frozen=True)
class AccountScoreRow:
    """One account's overall and per-dimension scores, in the dimension columns' order."""

    account_id: str
    overall: DimensionScore
    dimensions: list[DimensionScore]


@dataclass(frozen=True)
class ScoreChange:
    """A score in the baseline scan and in this one."""

    name: str
    old: str
    new: str
    delta: str
    direction: str
    """``up``, ``down``, ``same`` or ``none`` (a side is n/a)."""


@dataclass(frozen=True)
class DiffRow:
    """One result whose status changed since the baseline."""

    kind: str
    check_id: str
    title: str
    severity: str
    account_id: str
    region: str
    resource_arn: str
    old_status: str
    new_status: str


@dataclass(frozen=True)
class BaselineView:
    """The change since the baseline scan."""

    finished_at: str
    snapshot_sha256: str
    new_failures: int
    resolved: int
    regressed: int
    score_changes: list[ScoreChange]
    rows: list[DiffRow]
    gap_rows: list[GapChangeRow]
    """Continuity gaps opened, closed or unverified since the baseline's period."""
    gaps_opened: int
    gaps_closed: int
    gaps_note: str | None
    """Why continuity gaps could not be compared, when they could not."""
    continuity_compared: bool
    """Whether either scan judged continuity (the gap comparison is shown)."""


@dataclass(frozen=True)
class WaiverRow:
    """One waiver of the waivers file and what became of it."""

    id: str
    owner: str
    justification: str
    expires: str
    status: str
    match: str
    matched: int
    errors_not_waived: int


@dataclass(frozen=True)
class WeightRow:
    """A severity and its scoring weight."""

    severity: str
    weight: str


@dataclass(frozen=True)
class ReportView:
    """Everything the report templates read."""

    title: str
    tool_name: str
    tool_version: str
    catalog_version: str | None
    schema_version: str
    started_at: str
    finished_at: str
    created_iso: str
    duration: str
    identity_arn: str
    accounts: list[str]
    regions: list[str]
    snapshot_sha256: str
    results_sha256: str
    """The content hash of the results shown (``results.json``'s ``integrity``; MANIFEST.json)."""
    total: int
    status_counts: list[StatusCount]
    severity_rows: list[SeverityRow]
    severity_totals: list[int]
    has_scores: bool
    overall: DimensionScore | None
    dimensions: list[DimensionScore]
    formula: str
    rows: list[ResultRow]
    pass_rows: list[PassRow]
    evidence_limit: int
    pass_evidence_limit: int
    compact_evidence: bool
    repeat_remediation: bool
    interactive: bool
    groups: list[CheckGroup]
    top_risks: list[TopRisk]
    dimension_sections: list[DimensionSection]
    account_dimensions: list[str]
    account_scores: list[AccountScoreRow]
    baseline: BaselineView | None
    waivers: list[WaiverRow]
    unverified: list[PassRow]
    weights: list[WeightRow]
    status_notes: list[StatusCount]
    group_evidence_limit: int
    group_message_limit: int
    chart_svg: Markup
    """The inline SVG of the scores chart (the project's markup; every name escaped inside)."""
    inventory: InventoryView | None
    """The AI inventory and the scoping by use, when the results record them."""
    scoped_out_grouped: int
    """Scoped-out results left out of ``rows`` and ``pass_rows``: the inventory groups them."""
    period: str
    """The audit period in words, or that no event history was read."""
    period_read: bool
    """Whether the results record an audit period (event history was read)."""
    continuity: ContinuityView
    """The "Continuity over the period" section."""
