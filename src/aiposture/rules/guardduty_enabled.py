"""Rule kind ``guardduty_enabled``: GuardDuty analyses the region's CloudTrail events.

The guide's last step ("Integrate with GuardDuty") adds managed threat detection next to the
custom metric filters and alarms. A region passes when GuardDuty GetDetector reports a
detector with ``Status`` ``ENABLED``.
"""

from __future__ import annotations

from typing import Any

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error, errors_for


class GuardDutyParams(Params):
    """Parameters of ``guardduty_enabled`` (none: any enabled detector satisfies it)."""


def _detector_arn(ctx: RuleContext, detector_id: str) -> str:
    return f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"


def _summary(detector: dict[str, Any]) -> dict[str, Any]:
    return {
        "detector_id": detector.get("DetectorId"),
        "status": detector.get("Status"),
        "finding_publishing_frequency": detector.get("FindingPublishingFrequency"),
    }


def guardduty_enabled(_: GuardDutyParams, ctx: RuleContext) -> list[Outcome]:
    """A GuardDuty detector is enabled in the region."""
    reg = ctx.region_snapshot
    where = f"account {ctx.account_id}, {ctx.region}"
    if reg is None or reg.guardduty_detectors is None:
        errs = errors_for(reg.errors if reg else [], "ListDetectors")
        why = describe_error(errs[0]) if errs else "GuardDuty ListDetectors was not read"
        return [
            Outcome(Status.ERROR, f"Cannot tell whether GuardDuty is enabled in {where}: {why}.")
        ]
    detectors = reg.guardduty_detectors
    evidence = {"detectors": [_summary(d) for d in detectors]}
    enabled = [d for d in detectors if str(d.get("Status", "")).upper() == "ENABLED"]
    if enabled:
        detector_id = str(enabled[0].get("DetectorId") or "")
        return [
            Outcome(
                Status.PASS,
                f"GuardDuty detector {detector_id} is enabled in {where}.",
                _detector_arn(ctx, detector_id),
                evidence,
            )
        ]
    unread = errors_for(reg.errors, "GetDetector")
    if unread:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot tell whether GuardDuty is enabled in {where}: "
                f"{describe_error(unread[0])}.",
                evidence=evidence,
            )
        ]
    if not detectors:
        return [
            Outcome(
                Status.FAIL,
                f"GuardDuty has no detector in {where}, so no managed threat detection analyses "
                "the region's CloudTrail events. Enable it with "
                "`aws guardduty create-detector --enable`.",
                evidence=evidence,
            )
        ]
    ids = ", ".join(f"{d.get('DetectorId')} ({d.get('Status')})" for d in detectors)
    return [
        Outcome(
            Status.FAIL,
            f"GuardDuty detectors in {where} are not enabled: {ids}. Enable one with "
            "`aws guardduty update-detector --detector-id <id> --enable`.",
            evidence=evidence,
        )
    ]


GUARDDUTY = RuleKind(
    "guardduty_enabled",
    guardduty_enabled,
    GuardDutyParams,
    "account_region",
    "A GuardDuty detector is enabled in the region.",
    results="region",
)
