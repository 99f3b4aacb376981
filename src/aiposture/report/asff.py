"""AWS Security Finding Format (``report.asff.json``), ready for Security Hub.

The file is ``{"Findings": [...]}``, the request shape of ``BatchImportFindings``
(``aws securityhub batch-import-findings --cli-input-json file://report.asff.json``);
the API takes at most 100 findings per call, so larger files are sent in slices.
Findings use the default product ARN of the account that imports them.

Status mapping (``Compliance.Status``):

- PASS: PASSED, ``Workflow.Status`` RESOLVED.
- FAIL: FAILED, Workflow NEW.
- WAIVED: FAILED, Workflow SUPPRESSED (the waiver in ``Note``).
- ERROR: NOT_AVAILABLE, which ASFF defines as "check could not be performed due to ... an
  API error", Workflow NEW and ``RecordState`` ACTIVE: unverified, never hidden.
- NOT_APPLICABLE: NOT_AVAILABLE, ``RecordState`` ARCHIVED.

Strings are cut to the ASFF limits: Title 256, Description 1024, Remediation text 512.
``ProductFields`` carries the status, check id, dimensions and, when the check has any,
``aiposture/peer_refs``: the peer tools' checks it corresponds to (``prowler:<id> (stricter)``).
"""

from __future__ import annotations

import json
from typing import Any

from aiposture.report._machine import (
    PRODUCT_NAME,
    fingerprint,
    first_account,
    iso_utc,
    partition,
    peer_refs_text,
)
from aiposture.report.formatting import https_url, ranked_results
from aiposture.results import Result, Results, Severity, Status

__all__ = ["ASFF_SCHEMA_VERSION", "AsffRenderer", "compliance_status", "resource_type"]

ASFF_SCHEMA_VERSION = "2018-10-08"
FINDING_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards/AI Monitoring"
TITLE_MAX = 256
DESCRIPTION_MAX = 1024
REMEDIATION_MAX = 512
NOTE_MAX = 512
PRODUCT_FIELD_MAX = 2048
"""The longest ``ProductFields`` value Security Hub accepts."""
_FALLBACK_ACCOUNT = "000000000000"
_FALLBACK_REGION = "us-east-1"

_LABEL = {
    Severity.CRITICAL: "CRITICAL",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MEDIUM",
    Severity.LOW: "LOW",
    Severity.INFO: "INFORMATIONAL",
}
_COMPLIANCE = {
    Status.PASS: "PASSED",
    Status.FAIL: "FAILED",
    Status.WAIVED: "FAILED",
    Status.ERROR: "NOT_AVAILABLE",
    Status.NOT_APPLICABLE: "NOT_AVAILABLE",
}
_WORKFLOW = {Status.PASS: "RESOLVED", Status.WAIVED: "SUPPRESSED"}
_TYPES = {
    ("cloudtrail", "trail"): "AwsCloudTrailTrail",
    ("cloudwatch", "alarm"): "AwsCloudWatchAlarm",
    ("sns", ""): "AwsSnsTopic",
    ("s3", ""): "AwsS3Bucket",
    ("iam", "role"): "AwsIamRole",
    ("iam", "user"): "AwsIamUser",
    ("iam", "policy"): "AwsIamPolicy",
    ("kms", "key"): "AwsKmsKey",
    ("lambda", "function"): "AwsLambdaFunction",
    ("guardduty", "detector"): "AwsGuardDutyDetector",
}


def compliance_status(status: Status) -> str:
    """Return the ASFF ``Compliance.Status`` of a result status."""
    return _COMPLIANCE[status]


def resource_type(arn: str) -> str:
    """Return the ASFF resource type of an ARN: a known ``Aws...`` type, else ``Other``."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return "Other"
    service, rest = parts[2], parts[5]
    kind = rest.split("/", 1)[0].split(":", 1)[0] if ("/" in rest or ":" in rest) else ""
    return _TYPES.get((service, kind)) or _TYPES.get((service, "")) or "Other"


def _cut(text: str, limit: int) -> str:
    text = text.strip() or "-"
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _resources(result: Result, account: str, region: str) -> list[dict[str, Any]]:
    part = partition(result.resource_arn, region)
    if result.resource_arn:
        return [
            {
                "Type": resource_type(result.resource_arn),
                "Id": result.resource_arn,
                "Partition": part,
                "Region": region,
            }
        ]
    return [
        {
            "Type": "AwsAccount",
            "Id": f"AWS::::Account:{account}",
            "Partition": part,
            "Region": region,
        }
    ]


def _finding(
    result: Result, results: Results, default_account: str, default_region: str
) -> dict[str, Any]:
    account = result.account_id or default_account
    region = result.region or default_region
    part = partition(result.resource_arn, region)
    label = _LABEL[result.severity]
    description = result.message
    if result.status is Status.ERROR:
        description = f"Unverified: the check could not be evaluated. {description}"
    remediation: dict[str, Any] = {"Text": _cut(result.remediation.text, REMEDIATION_MAX)}
    url = https_url(result.remediation.url)
    if url:
        remediation["Url"] = url
    updated = iso_utc(results.scan.finished_at)
    finding: dict[str, Any] = {
        "SchemaVersion": ASFF_SCHEMA_VERSION,
        "Id": f"{PRODUCT_NAME}/{result.check_id}/{fingerprint(result)}"[:512],
        "ProductArn": f"arn:{part}:securityhub:{region}:{account}:product/{account}/default",
        "ProductName": PRODUCT_NAME,
        "CompanyName": PRODUCT_NAME,
        "GeneratorId": f"{PRODUCT_NAME}/{result.check_id}"[:512],
        "AwsAccountId": account,
        "Types": [FINDING_TYPE],
        "CreatedAt": updated,
        "UpdatedAt": updated,
        "Severity": {"Label": label, "Original": result.severity.value},
        "FindingProviderFields": {"Severity": {"Label": label}, "Types": [FINDING_TYPE]},
        "Title": _cut(result.title or result.check_id, TITLE_MAX),
        "Description": _cut(description, DESCRIPTION_MAX),
        "Remediation": {"Recommendation": remediation},
        "Resources": _resources(result, account, region),
        "Compliance": {
            "Status": compliance_status(result.status),
            "RelatedRequirements": [_cut(s, 128) for s in result.seed_refs][:32],
        },
        "Workflow": {"Status": _WORKFLOW.get(result.status, "NEW")},
        "RecordState": "ARCHIVED" if result.status is Status.NOT_APPLICABLE else "ACTIVE",
        "ProductFields": {
            "aiposture/status": result.status.value,
            "aiposture/check_id": result.check_id,
            "aiposture/dimensions": ",".join(result.dimensions),
        },
    }
    peers = peer_refs_text(results, result.check_id)
    if peers:
        finding["ProductFields"]["aiposture/peer_refs"] = _cut(peers, PRODUCT_FIELD_MAX)
    if result.status is Status.WAIVED and result.waiver is not None:
        waiver = result.waiver
        finding["Note"] = {
            "Text": _cut(
                f"Waived by {waiver.id}, expires {waiver.expires.isoformat()}: "
                f"{waiver.justification}",
                NOTE_MAX,
            ),
            "UpdatedBy": _cut(waiver.owner, 512),
            "UpdatedAt": updated,
        }
    return finding


class AsffRenderer:
    """Render results as ASFF findings for Security Hub ``BatchImportFindings``."""

    name = "asff"
    filename = "report.asff.json"

    def render(self, results: Results) -> bytes:
        """Return ``{"Findings": [...]}`` with one finding per result, in report order."""
        account = first_account(results) or _FALLBACK_ACCOUNT
        region = results.scan.regions[0] if results.scan.regions else _FALLBACK_REGION
        findings = [_finding(r, results, account, region) for r in ranked_results(results)]
        doc = {"Findings": findings}
        return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
