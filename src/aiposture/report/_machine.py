"""Helpers shared by the machine formats (SARIF, JUnit, OCSF, ASFF, CSV, Markdown)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from aiposture.report.formatting import https_url
from aiposture.results import Result, Results

__all__ = [
    "PRODUCT_NAME",
    "as_utc",
    "fingerprint",
    "first_account",
    "iso_utc",
    "partition",
    "peer_refs_list",
    "peer_refs_text",
    "remediation_text",
    "result_key",
    "where",
]

PRODUCT_NAME = "aiposture"
"""The tool's name in every machine format (no project URL is published, so none is given)."""

_ACCOUNT_IN_ARN = re.compile(r"^arn:[^:]*:[^:]*:[^:]*:(\d{12}):")


def result_key(result: Result) -> tuple[str, str, str, str]:
    """Return what identifies a result across scans: check, account, region, resource."""
    return (
        result.check_id,
        result.account_id or "",
        result.region or "",
        result.resource_arn or "",
    )


def fingerprint(result: Result) -> str:
    """Return a stable SHA-256 hex digest of :func:`result_key` (same result, same digest)."""
    joined = "\x1f".join(result_key(result))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def where(result: Result) -> str:
    """Return ``account/region/resource`` with ``-`` for a missing part."""
    return "/".join((result.account_id or "-", result.region or "-", result.resource_arn or "-"))


def partition(arn: str | None, region: str | None) -> str:
    """Return the AWS partition of a resource: from its ARN, else from its region."""
    if arn and arn.startswith("arn:"):
        parts = arn.split(":", 2)
        if len(parts) > 1 and parts[1] in {"aws", "aws-cn", "aws-us-gov"}:
            return parts[1]
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def first_account(results: Results) -> str | None:
    """Return the scanning identity's account, else the first scanned account, else None."""
    identity = results.scan.identity_arn or ""
    match = _ACCOUNT_IN_ARN.match(identity)
    if match:
        return match.group(1)
    return results.scan.accounts[0] if results.scan.accounts else None


def remediation_text(result: Result) -> str:
    """Return the remediation text, followed by its URL when it is a plain https URL."""
    url = https_url(result.remediation.url)
    text = result.remediation.text.strip()
    return f"{text}\n{url}" if url else text


def as_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC (a naive timestamp is UTC by convention)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """Format ``moment`` as ISO 8601 in UTC with a ``Z`` suffix, to the millisecond."""
    return (
        as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.") + f"{as_utc(moment).microsecond // 1000:03d}Z"
    )


def peer_refs_list(results: Results, check_id: str) -> list[dict[str, str]]:
    """The peer tools' checks ``check_id`` corresponds to: ``ref``, ``relation``, ``why`` each."""
    return [p.model_dump() for p in results.peers_of(check_id)]


def peer_refs_text(results: Results, check_id: str) -> str:
    """The peer tools' checks of ``check_id`` on one line: ``prowler:x (stricter); ...``."""
    return "; ".join(f"{p.ref} ({p.relation})" for p in results.peers_of(check_id))
