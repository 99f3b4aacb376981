"""Markdown summary (``report.md``) for a pull-request comment.

The audit period (when event history was read) in the header; scores (overall and per
dimension), counts by status and by severity, the top failures
(at most :data:`TOP_LIMIT`, then "and N more"), the AI inventory when the results record
one (how regions were scoped, the regions with AI, the resources not logged; each list
bounded), the continuity gaps over the period (bounded), waivers, and the change since the
baseline when one was given (with the continuity gaps opened and closed). Every string
from the results goes through the project's one escaper,
:func:`aiposture.markdown_text.md_text`: GitHub makes no HTML, link, autolink, mention,
issue reference, math, code span or table break of it.
"""

from __future__ import annotations

from collections import Counter

from aiposture.engine.continuity_evidence import is_continuity
from aiposture.engine.scoring import dimension_scores
from aiposture.markdown_text import md_text
from aiposture.report.continuity_view import build_continuity, period_text
from aiposture.report.formatting import format_score, format_utc, ranked_results
from aiposture.report.inventory_view import (
    NOT_JUDGED,
    NOT_LOGGED,
    RegionInventory,
    build_inventory,
)
from aiposture.results import DiffEntry, Result, Results, Severity, Status

__all__ = ["TOP_LIMIT", "MarkdownRenderer"]

TOP_LIMIT = 20
DIFF_LIMIT = 10
MESSAGE_LIMIT = 300
REGION_LIMIT = 20
"""Regions the AI inventory table lists (those with resources, use or an unread signal)."""
UNLOGGED_LIMIT = 20
"""Resources the AI inventory lists as not logged, then "and N more"."""


def _where(result: Result | DiffEntry) -> str:
    parts = [result.account_id or "-", result.region or "-"]
    if result.resource_arn:
        parts.append(result.resource_arn)
    return md_text(" / ".join(parts), 160)


def _header(results: Results) -> list[str]:
    scan = results.scan
    tool = results.tool
    catalog = f", catalog {md_text(tool.catalog_version)}" if tool.catalog_version else ""
    return [
        "## aiposture readiness summary",
        "",
        f"Scan finished {format_utc(scan.finished_at)}: {len(scan.accounts)} account(s), "
        f"{len(scan.regions)} region(s); aiposture {md_text(tool.version)}{catalog}.",
        "",
        *_period(results),
        f"**Overall score: {format_score(results.scores.overall)} / 100**",
        "",
    ]


def _period(results: Results) -> list[str]:
    """The audit period line: when history was read, or when continuity was judged without."""
    period = results.scan.period
    if period is None and not any(is_continuity(r) for r in results.results):
        return []
    return [f"Audit period: {md_text(period_text(period))}.", ""]


def _continuity(results: Results) -> list[str]:
    """The gaps longer than the tolerance, at most :data:`DIFF_LIMIT`, then "and N more"."""
    view = build_continuity(results, change_limit=0)
    if not view.read or not view.accounts:
        return []
    gaps = [g for a in view.accounts for g in a.gaps if g.over_tolerance]
    lines = [
        "### Continuity over the period",
        "",
        f"{view.gaps} gap(s) longer than the tolerance ({md_text(view.tolerance)}) in "
        f"{view.failing_accounts} of {len(view.accounts)} account(s).",
        "",
    ]
    if not gaps:
        return lines
    lines += [
        "| Account | Region | Control | Off or weakened | Length | Opened by | Closed by |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in gaps[:DIFF_LIMIT]:
        lines.append(
            f"| {md_text(g.account_id)} | {md_text(g.region)} | {md_text(g.control, 120)} | "
            f"{g.state} {md_text(g.start)} to {md_text(g.end)} | {md_text(g.length)} | "
            f"{md_text(g.opened_by, 200)} | {md_text(g.closed_by, 200)} |"
        )
    if len(gaps) > DIFF_LIMIT:
        lines += ["", f"… and {len(gaps) - DIFF_LIMIT} more."]
    return [*lines, ""]


def _scores(results: Results) -> list[str]:
    dims = dimension_scores(results)
    changes = results.baseline.score_changes if results.baseline else {}
    lines = ["### Scores by dimension", ""]
    if changes:
        lines += ["| Dimension | Score | Baseline |", "|---|---:|---:|"]
    else:
        lines += ["| Dimension | Score |", "|---|---:|"]
    reasons = []
    for name, (value, reason) in dims.items():
        shown = format_score(value) if reason is None else "not assessed"
        row = f"| {md_text(name)} | {shown} |"
        if changes:
            old = changes.get(name, (None, None))[0]
            row += f" {format_score(old)} |"
        lines.append(row)
        if reason is not None:
            reasons.append(f"- {md_text(name)}: {md_text(reason, MESSAGE_LIMIT)}")
    if reasons:
        lines += ["", "Not assessed, and why:", "", *reasons]
    return [*lines, ""]


def _counts(results: Results) -> list[str]:
    counts = results.counts()
    lines = ["### Results", "", "| Status | Count |", "|---|---:|"]
    labels = {Status.ERROR: "ERROR (unverified)"}
    for status in Status:
        lines.append(f"| {labels.get(status, status.value)} | {counts[status.value]} |")
    shown = (Status.FAIL, Status.ERROR, Status.WAIVED)
    by = Counter((r.severity, r.status) for r in results.results if r.status in shown)
    lines += ["", "| Severity | FAIL | ERROR | WAIVED |", "|---|---:|---:|---:|"]
    for severity in Severity:
        cells = " | ".join(str(by[(severity, s)]) for s in shown)
        lines.append(f"| {severity.value} | {cells} |")
    return [*lines, ""]


def _top(results: Results) -> list[str]:
    failing = [r for r in ranked_results(results) if r.status in (Status.FAIL, Status.ERROR)]
    if not failing:
        return ["### Top failures", "", "No failing or unverified results.", ""]
    lines = [
        f"### Top failures ({len(failing)})",
        "",
        "| Severity | Status | Check | Where | Message |",
        "|---|---|---|---|---|",
    ]
    for r in failing[:TOP_LIMIT]:
        status = "ERROR (unverified)" if r.status is Status.ERROR else r.status.value
        lines.append(
            f"| {r.severity.value} | {status} | {md_text(r.check_id)}: "
            f"{md_text(r.title, 120)} | {_where(r)} | {md_text(r.message, MESSAGE_LIMIT)} |"
        )
    if len(failing) > TOP_LIMIT:
        lines += ["", f"… and {len(failing) - TOP_LIMIT} more."]
    return [*lines, ""]


def _bounded(items: list[str], limit: int, more: str = "more") -> list[str]:
    """``items`` as list lines, at most ``limit`` of them, then "… and N more"."""
    lines = [f"- {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"- … and {len(items) - limit} {more}.")
    return [*lines, ""] if lines else []


def _region_table(busy: list[RegionInventory]) -> list[str]:
    if not busy:
        return []
    lines = [
        "| Account | Region | AI in use | Resources | Not logged | Not judged | Scoped-out results |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in busy[:REGION_LIMIT]:
        counts = r.logging_counts
        lines.append(
            f"| {md_text(r.account_id)} | {md_text(r.region)} | {r.in_use} | "
            f"{len(r.resources)} | {counts.get(NOT_LOGGED, 0)} | "
            f"{counts.get(NOT_JUDGED, 0)} | {r.scoped_out_checks} |"
        )
    if len(busy) > REGION_LIMIT:
        lines += ["", f"… and {len(busy) - REGION_LIMIT} more region(s)."]
    return [*lines, ""]


def _unread(busy: list[RegionInventory]) -> list[str]:
    items = []
    for r in busy:
        what = [*r.unknown, *(f"listing of {k} failed" for k in r.unknown_kinds)]
        if not what:
            continue
        n = r.scoped_out_checks
        scoped = f"{n} result(s) scoped out" if n else "nothing scoped out"
        items.append(
            f"{md_text(r.account_id)} / {md_text(r.region)}: AI in use {r.in_use}, "
            f"{scoped}; not read: {md_text('; '.join(what), MESSAGE_LIMIT)}"
        )
    return _bounded(items, DIFF_LIMIT)


def _unlogged(busy: list[RegionInventory]) -> list[str]:
    items = [
        f"{md_text(e.label)} {md_text(e.name, 120)} "
        f"({md_text(r.account_id)} / {md_text(r.region)}): {md_text(e.arn, 200)}"
        for r in busy
        for e in r.resources
        if e.logging == NOT_LOGGED
    ]
    if not items:
        return []
    return [f"**Resources not logged: {len(items)}**", "", *_bounded(items, UNLOGGED_LIMIT)]


def _inventory(results: Results) -> list[str]:
    view = build_inventory(results)
    if view is None or not view.accounts:
        return []
    busy = [r for a in view.accounts for r in a.busy]
    return [
        "### AI inventory",
        "",
        f"{md_text(view.headline)}.",
        "",
        f"{view.resources} AI resource(s) inventoried: {view.not_logged} not logged, "
        f"{view.not_judged} not judged. Regions: {view.regions_in_use} with AI in use, "
        f"{view.regions_cannot_tell} cannot tell, {view.regions_quiet} with no AI resource "
        f"and no use. {view.scoped_out_checks} per-workload result(s) scoped out by use.",
        "",
        *_region_table(busy),
        *_unread(busy),
        *_unlogged(busy),
    ]


def _waivers(results: Results) -> list[str]:
    if not results.waivers:
        return []
    lines = [
        "### Waivers",
        "",
        "| Waiver | Owner | Expires | Status | Waived | Errors not waived |",
        "|---|---|---|---|---:|---:|",
    ]
    for w in results.waivers:
        lines.append(
            f"| {md_text(w.id)} | {md_text(w.owner)} | {w.expires.isoformat()} | "
            f"{w.status.value} | {w.matched} | {w.errors_not_waived} |"
        )
    return [*lines, ""]


def _entries(title: str, entries: list[DiffEntry]) -> list[str]:
    lines = [f"**{title}: {len(entries)}**", ""]
    for e in entries[:DIFF_LIMIT]:
        old = e.old_status.value if e.old_status else "absent"
        new = e.new_status.value if e.new_status else "absent"
        lines.append(f"- {e.severity.value} {md_text(e.check_id)} at {_where(e)}: {old} → {new}")
    if len(entries) > DIFF_LIMIT:
        lines.append(f"- … and {len(entries) - DIFF_LIMIT} more.")
    return [*lines, ""] if entries else lines


def _baseline(results: Results) -> list[str]:
    diff = results.baseline
    if diff is None:
        return []
    lines = [
        "### Change since baseline",
        "",
        f"Baseline scan finished {format_utc(diff.baseline_finished_at)}.",
        "",
    ]
    overall = diff.score_changes.get("overall")
    if overall is not None:
        lines += [
            f"Overall score: {format_score(overall[0])} → {format_score(overall[1])}.",
            "",
        ]
    lines += _entries("New failures", diff.new_failures)
    lines += _entries("Regressed", diff.regressed)
    lines += _entries("Resolved", diff.resolved)
    gaps = diff.continuity
    if gaps is not None:
        if gaps.note:
            lines += [f"Continuity gaps: {md_text(gaps.note)}.", ""]
        else:
            lines += [
                f"Continuity gaps since the baseline's period: {len(gaps.opened)} opened, "
                f"{len(gaps.closed)} closed, {len(gaps.unverified)} not judged now.",
                "",
            ]
    return lines


class MarkdownRenderer:
    """Render a pull-request comment summary in GitHub-flavoured Markdown."""

    name = "markdown"
    filename = "report.md"

    def render(self, results: Results) -> bytes:
        """Return the summary as UTF-8 Markdown."""
        lines = [
            *_header(results),
            *_scores(results),
            *_counts(results),
            *_top(results),
            *_inventory(results),
            *_continuity(results),
            *_waivers(results),
            *_baseline(results),
        ]
        if results.scores.formula:
            lines += [f"Score formula: {md_text(results.scores.formula)}", ""]
        return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
