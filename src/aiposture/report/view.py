"""The presentation model of a report: results ranked, counted and formatted for the templates.

Templates stay dumb: every ordering, count and number format is decided here (with the
shared formats of :mod:`.formatting`), in plain Python that tests can call. Nothing here
escapes HTML; the templates autoescape every value. The one exception is the scores chart,
inline SVG built by :mod:`aiposture.report.charts`, which escapes every name itself and is
handed over as ``Markup``.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiposture.engine.scoring import dimension_scores
from aiposture.guide.vocabulary import DIMENSIONS
from aiposture.report.charts import score_chart
from aiposture.report.continuity_models import GapChangeRow
from aiposture.report.continuity_view import (
    CHANGE_LIMIT,
    build_continuity,
    describe_event,
    format_hours,
    period_text,
)
from aiposture.report.formatting import (
    EVIDENCE_LIMIT,
    PASS_EVIDENCE_LIMIT,
    STATUS_LABELS,
    STATUS_ORDER,
    as_utc,
    evidence_excerpt,
    format_duration,
    format_score,
    format_utc,
    https_url,
    inline_excerpt,
    ranked_results,
)
from aiposture.report.inventory_view import build_inventory, grouped_results, is_scoped_out
from aiposture.report.view_models import (
    AccountScoreRow,
    AffectedRow,
    BaselineView,
    CheckGroup,
    DiffRow,
    DimensionCheck,
    DimensionScore,
    DimensionSection,
    PassRow,
    ReportView,
    ResultRow,
    ScoreChange,
    SeverityRow,
    StatusCount,
    TopRisk,
    WaiverRow,
    WeightRow,
)
from aiposture.results import (
    Diff,
    DiffEntry,
    GapEntry,
    Result,
    Results,
    Severity,
    Status,
    content_sha256,
)

__all__ = ["ReportOptions", "build_view", "check_groups"]


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
    interactive: bool = True
    """Add the filterable, sortable table of every result (the HTML; results scoped out by use
    are listed by the AI inventory instead, once per workload); without it the
    appendix lists passing and not-applicable results one line each, the findings section
    having listed every finding one row each (the PDF)."""
    group_evidence_limit: int = 1200
    """Characters of evidence per affected resource in the findings-by-check section."""
    group_message_limit: int = 0
    """Characters of each failure reason in the findings-by-check section (0: no limit)."""

    top_risks: int = 10
    """How many failing checks the executive summary lists as top risks."""
    continuity_change_limit: int = CHANGE_LIMIT
    """Changes the continuity section's table lists per account (``results.json`` has all)."""


_ACTIONABLE = frozenset({Status.FAIL, Status.ERROR, Status.WAIVED})

_STATUS_NOTES: dict[Status, str] = {
    Status.FAIL: "control missing or misconfigured",
    Status.ERROR: "unverified: evidence could not be read",
    Status.WAIVED: "accepted by a waiver",
    Status.PASS: "control in place",
    Status.NOT_APPLICABLE: "outside the declared scope, or scoped out by use",
}


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
        status_rank=STATUS_ORDER.index(result.status),
        severity_rank=result.severity.rank,
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


def _result_key(result: Result) -> tuple[str, str | None, str | None, str | None]:
    return (result.check_id, result.account_id, result.region, result.resource_arn)


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


def _rows(ranked: list[Result], options: ReportOptions) -> tuple[list[ResultRow], list[PassRow]]:
    rows: list[ResultRow] = []
    passes: list[PassRow] = []
    seen: set[tuple[str, str, str | None]] = set()
    for result in ranked:
        if options.compact_passes and result.status not in _ACTIONABLE:
            passes.append(_pass_row(result))
            continue
        key = (result.check_id, result.remediation.text, result.remediation.url)
        rows.append(_row(result, options, options.repeat_remediation or key not in seen))
        seen.add(key)
    return rows, passes


_FAILING = frozenset({Status.FAIL, Status.ERROR})


def _affected(result: Result, options: ReportOptions) -> AffectedRow:
    waiver = result.waiver
    message, limit = result.message, options.group_message_limit
    cut = len(message) if limit and len(message) > limit else 0
    return AffectedRow(
        status=result.status.value,
        status_label=STATUS_LABELS[result.status],
        account_id=result.account_id or "-",
        region=result.region or "-",
        resource_arn=result.resource_arn or "-",
        message=message[:limit] if cut else message,
        message_cut=cut,
        has_evidence=bool(result.evidence),
        evidence=inline_excerpt(result.evidence, options.group_evidence_limit),
        waiver=f"{waiver.id}, {waiver.owner}, expires {waiver.expires.isoformat()}"
        if waiver
        else "",
    )


def check_groups(results: Results, options: ReportOptions | None = None) -> list[CheckGroup]:
    """Group the findings (FAIL, ERROR, WAIVED) by check, most severe first.

    Checks are ordered by severity, then by their worst status (FAIL before ERROR before
    WAIVED), then by id; each group's rows in report order.
    """
    options = options or ReportOptions()
    by_check: dict[str, list[Result]] = {}
    for result in ranked_results(results):
        if result.status in _ACTIONABLE:
            by_check.setdefault(result.check_id, []).append(result)
    groups: list[CheckGroup] = []
    for check_id, members in by_check.items():
        first = members[0]
        statuses = [m.status for m in members]
        url = first.remediation.url
        groups.append(
            CheckGroup(
                check_id=check_id,
                title=first.title,
                severity=first.severity.value,
                worst_status=min(statuses, key=STATUS_ORDER.index).value,
                seed_refs=list(first.seed_refs),
                dimensions=list(first.dimensions),
                remediation_text=first.remediation.text,
                remediation_url=url,
                remediation_href=https_url(url),
                failed=statuses.count(Status.FAIL),
                errors=statuses.count(Status.ERROR),
                waived=statuses.count(Status.WAIVED),
                accounts=len({m.account_id for m in members}),
                rows=[_affected(m, options) for m in members],
            )
        )
    groups.sort(
        key=lambda g: (
            Severity(g.severity).rank,
            STATUS_ORDER.index(Status(g.worst_status)),
            g.check_id,
        )
    )
    return groups


def _top_risks(groups: list[CheckGroup], limit: int) -> list[TopRisk]:
    failing = [g for g in groups if g.failed]
    failing.sort(key=lambda g: (Severity(g.severity).rank, -g.failed, g.check_id))
    return [
        TopRisk(
            check_id=g.check_id,
            title=g.title,
            severity=g.severity,
            failed=g.failed,
            accounts=len({r.account_id for r in g.rows if r.status == Status.FAIL.value}),
        )
        for g in failing[:limit]
    ]


def _dimension_sections(results: Results) -> list[DimensionSection]:
    """One section per Scoping Matrix dimension, every one of them: scored or not assessed."""
    sections = []
    for name, (value, reason) in dimension_scores(results).items():
        members = [r for r in results.results if name in r.dimensions]
        applicable = [r for r in members if r.status is not Status.NOT_APPLICABLE]
        per_check: dict[str, list[Result]] = {}
        for r in applicable:
            if r.status in _FAILING:
                per_check.setdefault(r.check_id, []).append(r)
        failing = [
            DimensionCheck(
                check_id=check_id,
                title=rs[0].title,
                severity=rs[0].severity.value,
                failed=sum(r.status is Status.FAIL for r in rs),
                errors=sum(r.status is Status.ERROR for r in rs),
            )
            for check_id, rs in per_check.items()
        ]
        failing.sort(key=lambda c: (Severity(c.severity).rank, c.check_id))
        sections.append(
            DimensionSection(
                name=name,
                label=DIMENSIONS.get(name, name),
                score=_score(name, value),
                not_assessed=reason,
                applicable=len(applicable),
                passed=sum(r.status is Status.PASS for r in applicable),
                failing=failing,
            )
        )
    return sections


def _account_scores(results: Results) -> tuple[list[str], list[AccountScoreRow]]:
    accounts = results.scores.accounts
    columns = sorted({d for s in accounts.values() for d in s.dimensions})
    rows = [
        AccountScoreRow(
            account_id=account_id,
            overall=_score("Overall", scores.overall),
            dimensions=[_score(d, scores.dimensions.get(d)) for d in columns],
        )
        for account_id, scores in sorted(accounts.items())
    ]
    return columns, rows


def _score_change(name: str, old: float | None, new: float | None) -> ScoreChange:
    if old is None or new is None:
        delta, direction = "n/a", "none"
    else:
        change = round(new - old, 1)
        delta = f"{change:+.1f}" if change else "0.0"
        direction = "up" if change > 0 else "down" if change < 0 else "same"
    return ScoreChange(
        name=name, old=format_score(old), new=format_score(new), delta=delta, direction=direction
    )


def _diff_row(kind: str, entry: DiffEntry) -> DiffRow:
    return DiffRow(
        kind=kind,
        check_id=entry.check_id,
        title=entry.title,
        severity=entry.severity.value,
        account_id=entry.account_id or "-",
        region=entry.region or "-",
        resource_arn=entry.resource_arn or "-",
        old_status=entry.old_status.value if entry.old_status else "absent",
        new_status=entry.new_status.value if entry.new_status else "absent",
    )


def _gap_change(kind: str, gap: GapEntry) -> GapChangeRow:
    return GapChangeRow(
        kind=kind,
        check_id=gap.check_id,
        account_id=gap.account_id or "-",
        region=gap.region or "-",
        control=gap.control,
        interval=f"{format_utc(gap.start)} to {format_utc(gap.end)}",
        length=format_hours(gap.hours),
        state=gap.state,
        events=f"opened by {describe_event(gap.opened_by)}; "
        f"closed by {describe_event(gap.closed_by)}",
    )


def _baseline(diff: Diff | None) -> BaselineView | None:
    if diff is None:
        return None
    gaps = diff.continuity
    changes = sorted(diff.score_changes.items(), key=lambda kv: (kv[0] != "overall", kv[0]))
    rows = [
        *(_diff_row("new failure", e) for e in diff.new_failures),
        *(_diff_row("regressed", e) for e in diff.regressed),
        *(_diff_row("resolved", e) for e in diff.resolved),
    ]
    return BaselineView(
        finished_at=format_utc(diff.baseline_finished_at),
        snapshot_sha256=diff.baseline_snapshot_sha256,
        new_failures=len(diff.new_failures),
        resolved=len(diff.resolved),
        regressed=len(diff.regressed),
        score_changes=[_score_change(name, old, new) for name, (old, new) in changes],
        rows=rows,
        gap_rows=[
            *(_gap_change("opened", g) for g in (gaps.opened if gaps else [])),
            *(_gap_change("closed", g) for g in (gaps.closed if gaps else [])),
            *(_gap_change("unverified", g) for g in (gaps.unverified if gaps else [])),
        ],
        gaps_opened=len(gaps.opened) if gaps else 0,
        gaps_closed=len(gaps.closed) if gaps else 0,
        gaps_note=gaps.note if gaps else None,
        continuity_compared=gaps is not None,
    )


def _waivers(results: Results) -> list[WaiverRow]:
    order = {"expired": 0, "unmatched": 1, "applied": 2}
    return [
        WaiverRow(
            id=w.id,
            owner=w.owner,
            justification=w.justification,
            expires=w.expires.isoformat(),
            status=w.status.value,
            match=", ".join(f"{k}={v}" for k, v in w.match.items() if v is not None) or "-",
            matched=w.matched,
            errors_not_waived=w.errors_not_waived,
        )
        for w in sorted(results.waivers, key=lambda w: (order.get(w.status.value, 3), w.id))
    ]


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
    # Scoped-out results are listed once per account, region and workload by the inventory
    # section, not one row each.
    grouped = grouped_results(results)
    ranked = [
        r for r in ranked_results(results) if not (is_scoped_out(r) and _result_key(r) in grouped)
    ]
    if options.interactive:
        rows, pass_rows = _rows(ranked, options)
    else:
        # The findings section lists every finding one row each; the appendix the rest.
        rows = []
        pass_rows = [_pass_row(r) for r in ranked if r.status not in _ACTIONABLE]
    groups = check_groups(results, options)
    overall = _score("Overall", scores.overall) if has_scores else None
    dimensions = [_score(name, value) for name, value in sorted(scores.dimensions.items())]
    account_dimensions, account_scores = _account_scores(results)
    status_counts = [
        StatusCount(
            status=st.value,
            label=STATUS_LABELS[st],
            note=_STATUS_NOTES[st],
            count=counts[st.value],
        )
        for st in STATUS_ORDER
    ]
    return ReportView(
        title="AI Workload Monitoring Compliance Report",
        tool_name=results.tool.name,
        tool_version=results.tool.version,
        catalog_version=results.tool.catalog_version,
        schema_version=results.schema_version,
        started_at=format_utc(scan.started_at),
        finished_at=format_utc(scan.finished_at),
        created_iso=as_utc(scan.finished_at).isoformat(),
        duration=format_duration(scan.started_at, scan.finished_at),
        identity_arn=scan.identity_arn or "unknown",
        accounts=list(scan.accounts),
        regions=list(scan.regions),
        snapshot_sha256=scan.snapshot_sha256,
        results_sha256=content_sha256(results),
        total=len(results.results),
        status_counts=status_counts,
        severity_rows=severity_rows,
        severity_totals=[
            sum(row.counts[i] for row in severity_rows) for i in range(len(STATUS_ORDER))
        ],
        has_scores=has_scores,
        overall=overall,
        dimensions=dimensions,
        formula=scores.formula,
        rows=rows,
        pass_rows=pass_rows,
        evidence_limit=options.evidence_limit,
        pass_evidence_limit=options.pass_evidence_limit,
        compact_evidence=options.compact_evidence,
        repeat_remediation=options.repeat_remediation,
        interactive=options.interactive,
        groups=groups,
        top_risks=_top_risks(groups, options.top_risks),
        dimension_sections=_dimension_sections(results),
        account_dimensions=account_dimensions,
        account_scores=account_scores,
        baseline=_baseline(results.baseline),
        waivers=_waivers(results),
        unverified=[_pass_row(r) for r in ranked_results(results) if r.status is Status.ERROR],
        weights=[WeightRow(severity=sev.value, weight=f"{sev.weight:g}") for sev in Severity],
        status_notes=status_counts,
        group_evidence_limit=options.group_evidence_limit,
        group_message_limit=options.group_message_limit,
        inventory=build_inventory(results),
        scoped_out_grouped=len(results.results) - len(ranked),
        period=period_text(scan.period),
        period_read=scan.period is not None,
        continuity=build_continuity(results, options.continuity_change_limit),
        chart_svg=score_chart(
            ([("Overall", scores.overall)] if has_scores else [])
            + [(name, value) for name, value in sorted(scores.dimensions.items())]
        ),
    )
