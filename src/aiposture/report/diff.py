"""How ``aiposture diff`` shows a :class:`~aiposture.results.Diff`: text, JSON or Markdown.

Between two audit periods it adds the continuity gaps opened (in NEW, not OLD), closed (in
OLD, not NEW) and not judged now (the baseline's gaps where NEW could not read the history),
each with its interval, length and the events that opened and closed it.

Text is terminal-safe (control characters shown as hex escapes); Markdown goes through the
project's one GitHub-safe escaper.
"""

from __future__ import annotations

import json
import re

from aiposture.markdown_text import md_text
from aiposture.report.continuity_view import describe_event, format_hours, period_text
from aiposture.results import ContinuityDiff, Diff, DiffEntry, GapEntry, Status

__all__ = ["DIFF_FORMATS", "render_diff"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _inert(text: str | None) -> str:
    """Terminal-safe text: control characters (escape sequences) shown as hex escapes."""
    if text is None:
        return "-"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _md(text: str | None) -> str:
    """GitHub-safe Markdown text (the project's one escaper); ``-`` for nothing."""
    return "-" if text is None else md_text(text)


def _fmt_score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _delta(old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return ""
    d = round(new - old, 1)
    return f"{d:+g}" if d else "0"


def _status(value: Status | None) -> str:
    return "absent" if value is None else value.value


_SECTIONS = (
    ("new_failures", "New failures"),
    ("regressed", "Regressed"),
    ("resolved", "Resolved"),
)


_GAP_SECTIONS = (
    ("opened", "Continuity gaps opened"),
    ("closed", "Continuity gaps closed"),
    ("unverified", "Continuity gaps not judged now"),
)


def _gap_text(gap: GapEntry) -> str:
    return (
        f"  [{gap.severity.value}] {_inert(gap.check_id)} account {_inert(gap.account_id)} "
        f"region {_inert(gap.region)} {_inert(gap.control)}: {_inert(gap.state)} from "
        f"{gap.start.isoformat()} to {gap.end.isoformat()} ({format_hours(gap.hours)}); "
        f"opened by {_inert(describe_event(gap.opened_by))}; "
        f"closed by {_inert(describe_event(gap.closed_by))}"
    )


def _gaps_text(gaps: ContinuityDiff | None) -> list[str]:
    if gaps is None:
        return []
    lines = [
        "",
        f"Audit periods: baseline {_inert(period_text(gaps.baseline_period))}; "
        f"now {_inert(period_text(gaps.period))}",
    ]
    if gaps.note:
        return [*lines, f"Continuity gaps: {_inert(gaps.note)}"]
    for attr, title in _GAP_SECTIONS:
        entries: list[GapEntry] = getattr(gaps, attr)
        if attr == "unverified" and not entries:
            continue
        lines += ["", f"{title} ({len(entries)}):"]
        lines += [_gap_text(g) for g in entries]
    return lines


def _gaps_markdown(gaps: ContinuityDiff | None) -> list[str]:
    if gaps is None:
        return []
    lines = [
        "",
        "### Continuity gaps",
        "",
        f"Audit periods: baseline {_md(period_text(gaps.baseline_period))}; "
        f"now {_md(period_text(gaps.period))}.",
    ]
    if gaps.note:
        return [*lines, "", f"{_md(gaps.note)}."]
    for attr, title in _GAP_SECTIONS:
        entries: list[GapEntry] = getattr(gaps, attr)
        if attr == "unverified" and not entries:
            continue
        lines += ["", f"#### {title} ({len(entries)})", ""]
        if not entries:
            lines.append("None.")
            continue
        lines += [
            "| Check | Account | Region | Control | Interval | Length | Opened by | Closed by |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for g in entries:
            lines.append(
                f"| {_md(g.check_id)} | {_md(g.account_id)} | {_md(g.region)} | "
                f"{_md(g.control)} | {_md(g.state)} {_md(g.start.isoformat())} to "
                f"{_md(g.end.isoformat())} | {format_hours(g.hours)} | "
                f"{_md(describe_event(g.opened_by))} | {_md(describe_event(g.closed_by))} |"
            )
    return lines


def _text(diff: Diff) -> str:
    lines = [
        f"Baseline: scan finished {diff.baseline_finished_at.isoformat()}, "
        f"snapshot sha256 {diff.baseline_snapshot_sha256}",
        "",
        "Scores (baseline -> now):",
    ]
    for name, (old, new) in diff.score_changes.items():
        delta = _delta(old, new)
        lines.append(f"  {name:<24} {_fmt_score(old):>6} -> {_fmt_score(new):<6} {delta}".rstrip())
    for attr, title in _SECTIONS:
        entries: list[DiffEntry] = getattr(diff, attr)
        lines += ["", f"{title} ({len(entries)}):"]
        for e in entries:
            lines.append(
                f"  [{e.severity.value}] {_inert(e.check_id)} "
                f"{_status(e.old_status)} -> {_status(e.new_status)}  "
                f"account {_inert(e.account_id)} region {_inert(e.region)} "
                f"resource {_inert(e.resource_arn)}"
            )
    lines += _gaps_text(diff.continuity)
    return "\n".join(lines) + "\n"


def _markdown(diff: Diff) -> str:
    lines = [
        "## aiposture: changes since the baseline",
        "",
        f"Baseline scan finished {_md(diff.baseline_finished_at.isoformat())}, "
        f"snapshot `{_inert(diff.baseline_snapshot_sha256).replace('`', '')}`.",
        "",
        "| Score | Baseline | Now | Change |",
        "|---|---:|---:|---:|",
    ]
    for name, (old, new) in diff.score_changes.items():
        lines.append(
            f"| {_md(name)} | {_fmt_score(old)} | {_fmt_score(new)} | {_delta(old, new)} |"
        )
    for attr, title in _SECTIONS:
        entries: list[DiffEntry] = getattr(diff, attr)
        lines += ["", f"### {title} ({len(entries)})", ""]
        if not entries:
            lines.append("None.")
            continue
        lines += [
            "| Severity | Check | Account | Region | Resource | Before | Now |",
            "|---|---|---|---|---|---|---|",
        ]
        for e in entries:
            lines.append(
                f"| {e.severity.value} | {_md(e.check_id)} | {_md(e.account_id)} | "
                f"{_md(e.region)} | {_md(e.resource_arn)} | {_status(e.old_status)} | "
                f"{_status(e.new_status)} |"
            )
    lines += _gaps_markdown(diff.continuity)
    return "\n".join(lines) + "\n"


DIFF_FORMATS = ("text", "json", "markdown")
"""The output formats of :func:`render_diff`."""


def render_diff(diff: Diff, fmt: str = "text") -> str:
    """The diff as ``text`` (for a terminal), ``json`` (the Diff model) or ``markdown``."""
    if fmt == "json":
        return json.dumps(diff.model_dump(mode="json"), indent=2) + "\n"
    if fmt == "markdown":
        return _markdown(diff)
    if fmt == "text":
        return _text(diff)
    raise ValueError(f"unknown diff format {fmt!r}; choose from {', '.join(DIFF_FORMATS)}")
