"""What changed between two scans: new failures, resolved, regressed, and score changes.

Results are matched on (check id, account, region, resource ARN). "Failing" means FAIL or
ERROR: an unverified control is not a passing one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from aiposture.engine.results import Diff, DiffEntry, Result, Results, Status, load_results
from aiposture.engine.scoring import rescored
from aiposture.errors import BaselineError, SnapshotError
from aiposture.markdown_text import md_text

__all__ = ["diff_results", "load_baseline", "render_diff"]

_FAILING = {Status.FAIL, Status.ERROR}
Key = tuple[str, str | None, str | None, str | None, int]


def _keyed(results: Iterable[Result]) -> dict[Key, Result]:
    """Results by key; a repeated key (same check and resource twice) gets an occurrence number."""
    seen: Counter[tuple[str, str | None, str | None, str | None]] = Counter()
    out: dict[Key, Result] = {}
    for r in results:
        base = (r.check_id, r.account_id, r.region, r.resource_arn)
        out[(*base, seen[base])] = r
        seen[base] += 1
    return out


def _entry(result: Result, old: Status | None, new: Status | None) -> DiffEntry:
    return DiffEntry(
        check_id=result.check_id,
        title=result.title,
        severity=result.severity,
        account_id=result.account_id,
        region=result.region,
        resource_arn=result.resource_arn,
        old_status=old,
        new_status=new,
    )


def _order(entry: DiffEntry) -> tuple[int, str, str, str, str]:
    return (
        entry.severity.rank,
        entry.check_id,
        entry.account_id or "",
        entry.region or "",
        entry.resource_arn or "",
    )


def diff_results(old: Results, new: Results) -> Diff:
    """Compare a baseline scan (``old``) with this one (``new``). Pure.

    - new_failures: failing now, and absent from the baseline;
    - regressed: in the baseline and not failing there, failing now;
    - resolved: failing in the baseline, and passing, waived, not applicable or gone now;
    - score_changes: ``overall`` and every dimension either scan scored: (old, new).
    """
    before = _keyed(old.results)
    after = _keyed(new.results)
    new_failures: list[DiffEntry] = []
    regressed: list[DiffEntry] = []
    resolved: list[DiffEntry] = []
    for key, result in after.items():
        if result.status not in _FAILING:
            continue
        previous = before.get(key)
        if previous is None:
            new_failures.append(_entry(result, None, result.status))
        elif previous.status not in _FAILING:
            regressed.append(_entry(result, previous.status, result.status))
    for key, previous in before.items():
        if previous.status not in _FAILING:
            continue
        current = after.get(key)
        if current is None:
            resolved.append(_entry(previous, previous.status, None))
        elif current.status not in _FAILING:
            resolved.append(_entry(current, previous.status, current.status))
    changes: dict[str, tuple[float | None, float | None]] = {
        "overall": (old.scores.overall, new.scores.overall)
    }
    for dim in sorted(set(old.scores.dimensions) | set(new.scores.dimensions)):
        changes[dim] = (old.scores.dimensions.get(dim), new.scores.dimensions.get(dim))
    return Diff(
        baseline_finished_at=old.scan.finished_at,
        baseline_snapshot_sha256=old.scan.snapshot_sha256,
        new_failures=sorted(new_failures, key=_order),
        resolved=sorted(resolved, key=_order),
        regressed=sorted(regressed, key=_order),
        score_changes=changes,
    )


def load_baseline(path: Path) -> Results:
    """Read a baseline results file; any problem raises one-line :class:`BaselineError`."""
    try:
        return rescored(load_results(path))
    except SnapshotError as exc:
        raise BaselineError(f"baseline: {exc}") from exc


# --- rendering (for `aiposture diff`) -------------------------------------------------------

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


def has_regression(diff: Diff) -> bool:
    """True when the diff has a new failure or a regression."""
    return bool(diff.new_failures or diff.regressed)
