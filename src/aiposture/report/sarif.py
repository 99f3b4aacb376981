"""SARIF 2.1.0 (``report.sarif``): failures for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver.rules`` has one entry per check found in the results; a check that
corresponds to a peer tool's check has it in ``properties.peer_refs`` (``ref``, ``relation``,
``why``) and its ``ref`` among the tags. ``results``
has every FAIL, ERROR and WAIVED result; PASS and NOT_APPLICABLE are left out.

- FAIL: ``kind`` ``fail``, ``level`` from the severity (critical and high ``error``,
  medium ``warning``, low and info ``note``).
- ERROR (unverified): also ``kind`` ``fail`` with the same level, its message starting
  with "Unverified:" and ``properties.status`` ``ERROR``. SARIF's ``review`` kind would
  force ``level`` ``none`` (SARIF 2.1.0, 3.27.9), which viewers show as harmless; an
  unverified check is never shown as harmless.
- WAIVED: as FAIL, with one ``external`` suppression carrying the waiver's justification,
  so viewers list it as suppressed.

Locations are logical (the resource ARN, else the account and region). Each result has a
``partialFingerprints`` entry stable across scans for the same check, account, region
and resource.
"""

from __future__ import annotations

import json
from typing import Any

from aiposture.report._machine import (
    PRODUCT_NAME,
    fingerprint,
    iso_utc,
    peer_refs_list,
    remediation_text,
)
from aiposture.report.formatting import https_url, ranked_results
from aiposture.results import Result, Results, Severity, Status

__all__ = ["SARIF_SCHEMA_URI", "SarifRenderer", "sarif_level"]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_FINGERPRINT_KEY = "aiposture/v1"
_REPORTED = frozenset({Status.FAIL, Status.ERROR, Status.WAIVED})


def sarif_level(severity: Severity) -> str:
    """Map a severity to a SARIF level: critical/high error, medium warning, else note."""
    if severity.at_least(Severity.HIGH):
        return "error"
    if severity is Severity.MEDIUM:
        return "warning"
    return "note"


def _rule(result: Result, results: Results) -> dict[str, Any]:
    peers = peer_refs_list(results, result.check_id)
    help_text = remediation_text(result) or "See the check's documentation."
    rule: dict[str, Any] = {
        "id": result.check_id,
        "name": result.check_id,
        "shortDescription": {"text": result.title or result.check_id},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": sarif_level(result.severity)},
        "properties": {
            "severity": result.severity.value,
            "security-severity": f"{result.severity.weight:.1f}",
            "seed_refs": list(result.seed_refs),
            "dimensions": list(result.dimensions),
            "tags": sorted(
                {"security", "compliance", *result.dimensions, *(p["ref"] for p in peers)}
            ),
        },
    }
    if peers:
        # The peer tools' checks this rule corresponds to (a user migrating from Prowler).
        rule["properties"]["peer_refs"] = peers
    url = https_url(result.remediation.url)
    if url:
        rule["helpUri"] = url
    return rule


def _location(result: Result) -> dict[str, Any]:
    if result.resource_arn:
        name = result.resource_arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1] or result.resource_arn
        logical: dict[str, Any] = {
            "name": name,
            "fullyQualifiedName": result.resource_arn,
            "kind": "resource",
        }
    else:
        scope = "/".join(p for p in (result.account_id, result.region) if p) or "organization"
        logical = {"name": scope, "fullyQualifiedName": f"aws/{scope}", "kind": "namespace"}
    logical["properties"] = {"account": result.account_id, "region": result.region}
    return {"logicalLocations": [logical]}


def _message(result: Result) -> str:
    text = result.message or result.title
    if result.status is Status.ERROR:
        return f"Unverified: the check could not be evaluated. {text}"
    return text


def _suppression(result: Result) -> dict[str, Any]:
    waiver = result.waiver
    if waiver is None:
        return {"kind": "external", "state": "accepted", "justification": result.message}
    return {
        "kind": "external",
        "state": "accepted",
        "justification": waiver.justification,
        "properties": {
            "waiver_id": waiver.id,
            "owner": waiver.owner,
            "expires": waiver.expires.isoformat(),
        },
    }


def _result(result: Result, rule_index: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": result.check_id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": sarif_level(result.severity),
        "message": {"text": _message(result)},
        "locations": [_location(result)],
        "partialFingerprints": {_FINGERPRINT_KEY: fingerprint(result)},
        "properties": {
            "status": result.status.value,
            "severity": result.severity.value,
            "account": result.account_id,
            "region": result.region,
            "resource": result.resource_arn,
        },
    }
    if result.status is Status.WAIVED:
        out["suppressions"] = [_suppression(result)]
    return out


def _period(results: Results) -> dict[str, Any]:
    """``audit_period`` (start, end, label) when event history was read, else nothing."""
    period = results.scan.period
    if period is None:
        return {}
    return {
        "audit_period": {
            "start": iso_utc(period.start),
            "end": iso_utc(period.end),
            "label": period.label,
        }
    }


class SarifRenderer:
    """Render results as a SARIF 2.1.0 log."""

    name = "sarif"
    filename = "report.sarif"

    def render(self, results: Results) -> bytes:
        """Return the SARIF log as indented UTF-8 JSON."""
        rules: dict[str, dict[str, Any]] = {}
        for result in sorted(results.results, key=lambda r: r.check_id):
            rules.setdefault(result.check_id, _rule(result, results))
        index = {check_id: i for i, check_id in enumerate(rules)}
        reported = [r for r in ranked_results(results) if r.status in _REPORTED]
        driver: dict[str, Any] = {
            "name": PRODUCT_NAME,
            "version": results.tool.version,
            "rules": list(rules.values()),
        }
        if results.tool.catalog_version:
            driver["properties"] = {"catalog_version": results.tool.catalog_version}
        log = {
            "$schema": SARIF_SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": driver},
                    "invocations": [
                        {
                            "executionSuccessful": True,
                            "startTimeUtc": iso_utc(results.scan.started_at),
                            "endTimeUtc": iso_utc(results.scan.finished_at),
                        }
                    ],
                    "automationDetails": {"id": f"aiposture/{results.scan.snapshot_sha256}"},
                    "results": [_result(r, index[r.check_id]) for r in reported],
                    "properties": {
                        "accounts": list(results.scan.accounts),
                        "regions": list(results.scan.regions),
                        "snapshot_sha256": results.scan.snapshot_sha256,
                        **_period(results),
                        "scores": {
                            "overall": results.scores.overall,
                            "dimensions": dict(results.scores.dimensions),
                            "not_assessed": dict(results.scores.not_assessed or {}),
                        },
                    },
                }
            ],
        }
        return (json.dumps(log, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
