"""OCSF Compliance Finding (``report.ocsf.json``): a JSON array, one finding per result.

Follows OCSF schema version 1.3.0, class Compliance Finding (``class_uid`` 2003, category
Findings ``category_uid`` 2), activity Create (``activity_id`` 1, ``type_uid`` 200301).

Status mapping (``compliance.status_id``: 1 Pass, 2 Warning, 3 Fail, 99 Other):

- PASS: Pass (1); finding ``status_id`` New (1).
- FAIL: Fail (3); finding New (1).
- WAIVED: Fail (3); finding Suppressed (3), the waiver in ``compliance.status_detail``.
- ERROR: Other (99) with ``status`` "Unverified"; finding New (1). Never Pass.
- NOT_APPLICABLE: Other (99) with ``status`` "Not Applicable"; finding New (1).

``compliance.standards`` names the guide's Scoping Matrix dimensions the check maps to,
``requirements`` its seed references, ``control`` the check id. ``unmapped.peer_refs``
lists the peer tools' checks the check corresponds to (``ref``, ``relation``, ``why``).
"""

from __future__ import annotations

import json
from typing import Any

from aiposture.report._machine import (
    PRODUCT_NAME,
    as_utc,
    fingerprint,
    iso_utc,
    partition,
    peer_refs_list,
)
from aiposture.report.formatting import evidence_excerpt, https_url, ranked_results
from aiposture.results import Result, Results, Severity, Status

__all__ = ["OCSF_VERSION", "OcsfRenderer", "compliance_status", "severity_id"]

OCSF_VERSION = "1.3.0"
CLASS_UID = 2003
CATEGORY_UID = 2
ACTIVITY_ID = 1
TYPE_UID = CLASS_UID * 100 + ACTIVITY_ID
STANDARD_PREFIX = "Scoping Matrix"
_EVIDENCE_LIMIT = 4000

_SEVERITY_ID = {
    Severity.INFO: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}
_COMPLIANCE = {
    Status.PASS: (1, "Pass"),
    Status.FAIL: (3, "Fail"),
    Status.WAIVED: (3, "Fail"),
    Status.ERROR: (99, "Unverified"),
    Status.NOT_APPLICABLE: (99, "Not Applicable"),
}


def severity_id(severity: Severity) -> tuple[int, str]:
    """Return the OCSF ``severity_id`` and its caption for a severity."""
    return _SEVERITY_ID[severity]


def compliance_status(status: Status) -> tuple[int, str]:
    """Return the OCSF ``compliance.status_id`` and ``status`` for a result status."""
    return _COMPLIANCE[status]


def _compliance(result: Result) -> dict[str, Any]:
    status_id, status = compliance_status(result.status)
    detail = result.message
    if result.status is Status.WAIVED and result.waiver is not None:
        waiver = result.waiver
        detail = (
            f"Waived by {waiver.id} (owner {waiver.owner}, expires "
            f"{waiver.expires.isoformat()}): {waiver.justification}"
        )
    standards = [f"{STANDARD_PREFIX}: {d}" for d in result.dimensions] or [STANDARD_PREFIX]
    return {
        "control": result.check_id,
        "requirements": list(result.seed_refs),
        "standards": standards,
        "status_id": status_id,
        "status": status,
        "status_detail": detail,
    }


def _resources(result: Result) -> list[dict[str, Any]]:
    if not result.resource_arn:
        return []
    resource: dict[str, Any] = {
        "uid": result.resource_arn,
        "type": result.resource_arn.split(":")[2] if result.resource_arn.count(":") >= 2 else "",
        "cloud_partition": partition(result.resource_arn, result.region),
        "region": result.region,
    }
    if result.account_id:
        resource["owner"] = {"account": {"uid": result.account_id, "type": "AWS Account"}}
    return [resource]


def _finding(result: Result, results: Results) -> dict[str, Any]:
    sev_id, sev = severity_id(result.severity)
    status_id, status = (3, "Suppressed") if result.status is Status.WAIVED else (1, "New")
    finished = as_utc(results.scan.finished_at)
    cloud: dict[str, Any] = {"provider": "AWS"}
    if result.account_id:
        cloud["account"] = {"uid": result.account_id, "type": "AWS Account", "type_id": 10}
    if result.region:
        cloud["region"] = result.region
    remediation: dict[str, Any] = {"desc": result.remediation.text}
    url = https_url(result.remediation.url)
    if url:
        remediation["references"] = [url]
    excerpt = evidence_excerpt(result.evidence, _EVIDENCE_LIMIT)
    return {
        "activity_id": ACTIVITY_ID,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": TYPE_UID,
        "type_name": "Compliance Finding: Create",
        "time": int(finished.timestamp() * 1000),
        "time_dt": iso_utc(finished),
        "severity_id": sev_id,
        "severity": sev,
        "status_id": status_id,
        "status": status,
        "message": result.message,
        "compliance": _compliance(result),
        "finding_info": {
            "uid": fingerprint(result),
            "title": result.title,
            "desc": result.message,
            "types": ["AI workload monitoring"],
        },
        "resources": _resources(result),
        "cloud": cloud,
        "remediation": remediation,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": PRODUCT_NAME,
                "vendor_name": PRODUCT_NAME,
                "version": results.tool.version,
            },
            "profiles": ["cloud"],
        },
        "raw_data": excerpt.text,
        "unmapped": {
            "aiposture_status": result.status.value,
            "dimensions": list(result.dimensions),
            "evidence_truncated": excerpt.truncated,
            "catalog_version": results.tool.catalog_version,
            "snapshot_sha256": results.scan.snapshot_sha256,
            "peer_refs": peer_refs_list(results, result.check_id),
        },
    }


class OcsfRenderer:
    """Render results as OCSF 1.3.0 Compliance Findings."""

    name = "ocsf"
    filename = "report.ocsf.json"

    def render(self, results: Results) -> bytes:
        """Return a JSON array with one Compliance Finding per result, in report order."""
        findings = [_finding(r, results) for r in ranked_results(results)]
        return (json.dumps(findings, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
