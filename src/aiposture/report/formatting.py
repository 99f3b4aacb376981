"""How every report format writes results: their order, status labels, times and evidence.

Shared by the presentation model (:mod:`.view`) and the machine formats (CSV, JUnit, SARIF,
ASFF, OCSF, Markdown): one ranking of results, one timestamp format, one cut of evidence,
one check that a link is a plain ``https://`` URL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiposture.report.view_models import EvidenceExcerpt
from aiposture.results import Result, Results, Status

__all__ = [
    "EVIDENCE_LIMIT",
    "PASS_EVIDENCE_LIMIT",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "as_utc",
    "evidence_excerpt",
    "format_duration",
    "format_score",
    "format_utc",
    "https_url",
    "inline_excerpt",
    "ranked_results",
    "result_sort_key",
]

EVIDENCE_LIMIT = 4000
"""Characters of pretty-printed evidence shown per finding; ``results.json`` has all of it."""

PASS_EVIDENCE_LIMIT = 1200
"""Characters of evidence shown for a passing or not-applicable result."""

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


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive timestamp in a results file is UTC by convention."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    """Format a timestamp as ``YYYY-MM-DD HH:MM:SS UTC`` (naive means UTC)."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_duration(started: datetime, finished: datetime) -> str:
    """The time from ``started`` to ``finished``, as ``1 h 02 min 03 s`` (whole seconds)."""
    seconds = max(0, round((as_utc(finished) - as_utc(started)).total_seconds()))
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


def inline_excerpt(evidence: dict[str, Any], limit: int) -> EvidenceExcerpt:
    """Evidence as one line of JSON (keys sorted), cut to at most ``limit`` characters.

    The findings section uses it: a short excerpt per affected resource lays out in a few
    lines, where indented JSON would take one line per key.
    """
    text = json.dumps(evidence, sort_keys=True, ensure_ascii=False, default=str)
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
