"""The presentation model of a report: results ranked, counted and formatted for the templates.

Templates stay dumb: every ordering, count and number format is decided here, in plain Python
that tests can call. Nothing here escapes HTML; the templates autoescape every value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiposture.engine.results import Result, Results, Severity, Status

__all__ = [
    "EVIDENCE_LIMIT",
    "PASS_EVIDENCE_LIMIT",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "DimensionScore",
    "EvidenceExcerpt",
    "ReportOptions",
    "ReportView",
    "ResultRow",
    "SeverityRow",
    "StatusCount",
    "build_view",
    "evidence_excerpt",
    "format_score",
    "format_utc",
    "https_url",
    "ranked_results",
    "result_sort_key",
]

EVIDENCE_LIMIT = 4000
"""Characters of pretty-printed evidence shown per finding; ``results.json`` has all of it."""

PASS_EVIDENCE_LIMIT = 1200
"""Characters of evidence shown for a passing or not-applicable result."""


@dataclass(frozen=True)
class ReportOptions:
    """How much detail a rendering shows; the HTML default shows everything in full.

    ``compact_passes`` moves passing and not-applicable results to a one-line-each table;
    ``compact_evidence`` prints evidence as JSON indented one level (each top-level key on
    one line) instead of fully indented; ``repeat_remediation=False`` prints a check's
    remediation on its first result only. Both keep the PDF short: weasyprint's time grows
    with every line it lays out.
    """

    evidence_limit: int = EVIDENCE_LIMIT
    pass_evidence_limit: int = PASS_EVIDENCE_LIMIT
    compact_evidence: bool = False
    repeat_remediation: bool = True
    compact_passes: bool = False
    """List PASS and NOT_APPLICABLE results one line each, after the findings, with no
    evidence or remediation (the PDF: an auditor reads findings; results.json has the rest)."""


_ACTIONABLE = frozenset({Status.FAIL, Status.ERROR, Status.WAIVED})

STATUS_ORDER: tuple[Status, ...] = (
    Status.FAIL,
    Status.ERROR,
    Status.WAIVED,
    Status.PASS,
    Status.NOT_APPLICABLE,
)
"""The order in which statuses are reported: what needs action first."""

STATUS_LABELS: dict[Status, str] = {
    Status.FAIL: "Fail",
    Status.ERROR: "Error",
    Status.WAIVED: "Waived",
    Status.PASS: "Pass",
    Status.NOT_APPLICABLE: "N/A",
}
"""Short human labels for statuses (ERROR is described as "unverified" in the summary)."""

_STATUS_NOTES: dict[Status, str] = {
    Status.FAIL: "control missing or misconfigured",
    Status.ERROR: "unverified: evidence could not be read",
    Status.WAIVED: "accepted by a waiver",
    Status.PASS: "control in place",
    Status.NOT_APPLICABLE: "outside the declared scope",
}


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


def result_sort_key(result: Result) -> tuple[int, int, str, str, str, str]:
    """Rank by status (FAIL, ERROR first), then severity, then a stable tie-break."""
    return (
        STATUS_ORDER.index(result.status),
        result.severity.rank,
        result.check_id,
        result.account_id or "",
        result.region or "",
        result.resource_arn or "",
    )


def ranked_results(results: Results) -> list[Result]:
    """Return the results in report order (see :func:`result_sort_key`)."""
    return sorted(results.results, key=result_sort_key)


def _as_utc(moment: datetime) -> datetime:
    # A naive timestamp in a results file is UTC by convention.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    """Format a timestamp as ``YYYY-MM-DD HH:MM:SS UTC`` (naive means UTC)."""
    return _as_utc(moment).strftime("%Y-%m-%d %H:%M:%S UTC")


def _format_duration(started: datetime, finished: datetime) -> str:
    seconds = max(0, round((_as_utc(finished) - _as_utc(started)).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def _compact_json(evidence: dict[str, Any]) -> str:
    if not evidence:
        return "{}"
    members = [
        f"  {json.dumps(key, ensure_ascii=False)}: "
        f"{json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)}"
        for key, value in sorted(evidence.items(), key=lambda item: str(item[0]))
    ]
    return "{\n" + ",\n".join(members) + "\n}"


def evidence_excerpt(
    evidence: dict[str, Any], limit: int = EVIDENCE_LIMIT, *, compact: bool = False
) -> EvidenceExcerpt:
    """Pretty-print ``evidence`` as JSON and cut it to at most ``limit`` characters.

    Fully indented by default; with ``compact``, indented one level only, each top-level
    key on one line (still valid JSON, and far fewer lines to lay out).
    """
    if compact:
        text = _compact_json(evidence)
    else:
        text = json.dumps(evidence, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    if len(text) <= limit:
        return EvidenceExcerpt(text=text, truncated=False, total_chars=len(text))
    return EvidenceExcerpt(text=text[:limit], truncated=True, total_chars=len(text))


def https_url(url: str | None) -> str | None:
    """Return ``url`` if it is a plain ``https://`` URL safe to use as a link, else None.

    Links are never fetched (the PDF renderer refuses every URL); this only keeps
    ``javascript:``, ``data:`` and other schemes out of ``href`` attributes.
    """
    if url is None:
        return None
    if not url.lower().startswith("https://") or len(url) <= len("https://"):
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ch in "\"'<>`\\" for ch in url):
        return None
    return url


def format_score(value: float | None) -> str:
    """Format a 0-100 score; ``None`` (nothing applicable) prints as ``n/a``."""
    return "n/a" if value is None else f"{value:.1f}"


def _score(name: str, value: float | None) -> DimensionScore:
    if value is None:
        return DimensionScore(name=name, text="n/a", percent=0.0, band="none")
    percent = min(100.0, max(0.0, value))
    band = "good" if percent >= 80 else "fair" if percent >= 50 else "poor"
    return DimensionScore(name=name, text=format_score(value), percent=percent, band=band)


def _row(result: Result, options: ReportOptions, remediation_shown: bool) -> ResultRow:
    url = result.remediation.url
    limit = options.evidence_limit if result.status in _ACTIONABLE else options.pass_evidence_limit
    return ResultRow(
        check_id=result.check_id,
        title=result.title,
        status=result.status.value,
        status_label=STATUS_LABELS[result.status],
        severity=result.severity.value,
        account_id=result.account_id or "-",
        region=result.region or "-",
        resource_arn=result.resource_arn or "-",
        message=result.message,
        seed_refs=list(result.seed_refs),
        dimensions=list(result.dimensions),
        has_evidence=bool(result.evidence),
        evidence=evidence_excerpt(result.evidence, limit, compact=options.compact_evidence),
        remediation_shown=remediation_shown,
        remediation_text=result.remediation.text,
        remediation_url=url,
        remediation_href=https_url(url),
    )


def _pass_row(result: Result) -> PassRow:
    return PassRow(
        check_id=result.check_id,
        status=result.status.value,
        status_label=STATUS_LABELS[result.status],
        account_id=result.account_id or "-",
        region=result.region or "-",
        resource_arn=result.resource_arn or "-",
        message=result.message,
    )


def _rows(results: Results, options: ReportOptions) -> tuple[list[ResultRow], list[PassRow]]:
    rows: list[ResultRow] = []
    passes: list[PassRow] = []
    seen: set[tuple[str, str, str | None]] = set()
    for result in ranked_results(results):
        if options.compact_passes and result.status not in _ACTIONABLE:
            passes.append(_pass_row(result))
            continue
        key = (result.check_id, result.remediation.text, result.remediation.url)
        rows.append(_row(result, options, options.repeat_remediation or key not in seen))
        seen.add(key)
    return rows, passes


def build_view(results: Results, options: ReportOptions | None = None) -> ReportView:
    """Build the presentation model of ``results`` for the report templates.

    Findings (FAIL, ERROR, WAIVED) show up to ``options.evidence_limit`` characters of
    evidence; passing and not-applicable results up to ``options.pass_evidence_limit``.
    """
    options = options or ReportOptions()
    counts = results.counts()
    by_severity: dict[Severity, dict[Status, int]] = {
        sev: dict.fromkeys(STATUS_ORDER, 0) for sev in Severity
    }
    for result in results.results:
        by_severity[result.severity][result.status] += 1
    severity_rows = [
        SeverityRow(
            severity=sev.value,
            counts=[by_severity[sev][st] for st in STATUS_ORDER],
            total=sum(by_severity[sev].values()),
        )
        for sev in Severity
    ]
    scores = results.scores
    has_scores = scores.overall is not None or bool(scores.dimensions)
    scan = results.scan
    rows, pass_rows = _rows(results, options)
    return ReportView(
        title="AI Workload Monitoring Compliance Report",
        tool_name=results.tool.name,
        tool_version=results.tool.version,
        catalog_version=results.tool.catalog_version,
        schema_version=results.schema_version,
        started_at=format_utc(scan.started_at),
        finished_at=format_utc(scan.finished_at),
        created_iso=_as_utc(scan.finished_at).isoformat(),
        duration=_format_duration(scan.started_at, scan.finished_at),
        identity_arn=scan.identity_arn or "unknown",
        accounts=list(scan.accounts),
        regions=list(scan.regions),
        snapshot_sha256=scan.snapshot_sha256,
        total=len(results.results),
        status_counts=[
            StatusCount(
                status=st.value,
                label=STATUS_LABELS[st],
                note=_STATUS_NOTES[st],
                count=counts[st.value],
            )
            for st in STATUS_ORDER
        ],
        severity_rows=severity_rows,
        severity_totals=[
            sum(row.counts[i] for row in severity_rows) for i in range(len(STATUS_ORDER))
        ],
        has_scores=has_scores,
        overall=_score("Overall", scores.overall) if has_scores else None,
        dimensions=[_score(name, value) for name, value in sorted(scores.dimensions.items())],
        formula=scores.formula,
        rows=rows,
        pass_rows=pass_rows,
        evidence_limit=options.evidence_limit,
        pass_evidence_limit=options.pass_evidence_limit,
        compact_evidence=options.compact_evidence,
        repeat_remediation=options.repeat_remediation,
    )
