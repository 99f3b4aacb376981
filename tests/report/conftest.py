"""A hand-built ``Results`` for the report tests: every status, every severity, hostile strings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aiposture.results import (
    Diff,
    DiffEntry,
    Remediation,
    Result,
    Results,
    ScanInfo,
    Scores,
    ScoreSet,
    Severity,
    Status,
    ToolRef,
    WaiverRecord,
    WaiverRef,
    WaiverStatus,
)

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
HOSTILE_CHECK_ID = "CT-HOSTILE-001"


def _result(
    check_id: str,
    status: Status,
    severity: Severity,
    *,
    account: str | None = ACCOUNT_A,
    region: str | None = "us-east-1",
    resource: str | None = None,
    message: str = "",
    title: str = "",
    seed_refs: list[str] | None = None,
    dimensions: list[str] | None = None,
    evidence: dict[str, object] | None = None,
    remediation: str = "Apply the configuration from the guide.",
    url: str | None = None,
    waiver: WaiverRef | None = None,
) -> Result:
    return Result(
        check_id=check_id,
        title=title or f"Title of {check_id}",
        severity=severity,
        status=status,
        account_id=account,
        region=region,
        resource_arn=resource,
        seed_refs=seed_refs or [],
        dimensions=dimensions or [],
        message=message or f"Message for {check_id} in {account}/{region}",
        evidence=evidence or {},
        remediation=Remediation(text=remediation, url=url),
        waiver=waiver,
    )


def build_results() -> Results:
    """Nine results across statuses, severities, two accounts and two regions.

    ``CW-MF-01`` appears twice (two accounts) with the same remediation.
    """
    trail = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_A}:trail/org-trail"
    results = [
        _result(
            "CT-SEL-BEDROCK-AGENTALIAS",
            Status.PASS,
            Severity.HIGH,
            resource=trail,
            title="Trail logs Bedrock agent alias data events",
            message="Trail org-trail logs data events of AWS::Bedrock::AgentAlias.",
            seed_refs=["Data events: AWS::Bedrock::AgentAlias"],
            dimensions=["agentic.audit_logging", "genai.controls"],
            evidence={"trail": "org-trail", "selectors": [{"resources.type": ["x"]}]},
        ),
        _result(
            "CW-MF-01",
            Status.FAIL,
            Severity.CRITICAL,
            account=ACCOUNT_B,
            region="eu-west-1",
            resource=f"arn:aws:logs:eu-west-1:{ACCOUNT_B}:log-group:aws-cloudtrail-logs",
            title="Metric filter for unauthorized Bedrock calls",
            message="No metric filter on the trail's log group matches the sample events.",
            seed_refs=["Metric Filter 1"],
            dimensions=["genai.controls"],
            evidence={"log_group": "aws-cloudtrail-logs", "filters": []},
            url="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringPolicyExamples.html",
        ),
        _result(
            "CW-MF-01",
            Status.FAIL,
            Severity.CRITICAL,
            account=ACCOUNT_A,
            region="us-east-1",
            resource=f"arn:aws:logs:us-east-1:{ACCOUNT_A}:log-group:aws-cloudtrail-logs",
            title="Metric filter for unauthorized Bedrock calls",
            message="No metric filter on the trail's log group matches the sample events.",
            seed_refs=["Metric Filter 1"],
            dimensions=["genai.controls"],
            evidence={"log_group": "aws-cloudtrail-logs", "filters": [{"name": "all"}]},
            url="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringPolicyExamples.html",
        ),
        _result(
            "CW-ALARM-UNAUTH",
            Status.ERROR,
            Severity.HIGH,
            account=ACCOUNT_B,
            region="us-east-1",
            title="Alarm on unauthorized Bedrock access",
            message="cloudwatch:DescribeAlarms failed: AccessDenied",
            seed_refs=["Alarm: Bedrock Unauthorized Access"],
            evidence={"error_code": "AccessDenied", "operation": "DescribeAlarms"},
        ),
        _result(
            "BR-INVOCATION-LOGGING",
            Status.WAIVED,
            Severity.MEDIUM,
            region="eu-west-1",
            title="Model invocation logging is enabled",
            message="Waived by W-12 (owner: secops@example.com, expires 2026-03-31).",
            seed_refs=["Model invocation logging"],
            evidence={"waiver": {"id": "W-12", "owner": "secops@example.com"}},
            waiver=WaiverRef(
                id="W-12",
                owner="secops@example.com",
                justification="Invocation logging is replaced by the gateway's logs.",
                expires=date(2026, 3, 31),
            ),
        ),
        _result(
            "CT-INSIGHTS",
            Status.NOT_APPLICABLE,
            Severity.LOW,
            account=ACCOUNT_B,
            region="eu-west-1",
            title="CloudTrail Insights enabled",
            message="Not applicable: the declared Generative AI scope excludes this check.",
            seed_refs=["Insights: ApiCallRateInsight"],
        ),
        _result(
            "CT-LOG-VALIDATION",
            Status.FAIL,
            Severity.LOW,
            resource=trail,
            title="Log file validation is enabled",
            message="Trail org-trail has log file validation disabled.",
            evidence={"LogFileValidationEnabled": False},
        ),
        _result(
            "GD-ENABLED",
            Status.PASS,
            Severity.INFO,
            account=None,
            region=None,
            title="GuardDuty is enabled",
            message="GuardDuty detector is enabled in every scanned region.",
            seed_refs=["GuardDuty"],
            evidence={  # long enough to be cut in both the HTML and the PDF
                "detectors": [
                    {"account": acct, "region": reg, "detector_id": f"d-{i:04d}", "enabled": True}
                    for i, (acct, reg) in enumerate(
                        (a, g)
                        for a in (ACCOUNT_A, ACCOUNT_B)
                        for g in ("us-east-1", "eu-west-1")
                        for _ in range(10)
                    )
                ]
            },
        ),
        _result(
            HOSTILE_CHECK_ID,
            Status.FAIL,
            Severity.HIGH,
            account=ACCOUNT_B,
            region="us-east-1",
            resource=f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_B}:trail/{SCRIPT}{IMG}",
            title=f"Trail named {SCRIPT}",
            message=f"Trail {SCRIPT} {IMG} does not log Bedrock data events.",
            seed_refs=["Data events: AWS::Bedrock::Model"],
            evidence={
                "trail_name": SCRIPT,
                "tags": {"Owner": IMG, "Link": "http://169.254.169.254/latest/meta-data/"},
                "style": "</pre><style>body{background:url(http://127.0.0.1:9/x)}</style>",
            },
            remediation=f"Rename the trail {SCRIPT}.",
            url="javascript:alert(3)",
        ),
    ]
    return Results(
        tool=ToolRef(version="0.1.0", catalog_version="2025.11"),
        scan=ScanInfo(
            started_at=datetime(2025, 11, 20, 9, 0, 0, tzinfo=UTC),
            finished_at=datetime(2025, 11, 20, 9, 4, 37, tzinfo=UTC),
            identity_arn=f"arn:aws:sts::{ACCOUNT_A}:assumed-role/AiPostureAudit/auditor",
            accounts=[ACCOUNT_A, ACCOUNT_B],
            regions=["us-east-1", "eu-west-1"],
            snapshot_sha256="9f2c4e1a" * 8,
        ),
        results=results,
        scores=Scores(
            overall=42.9,
            dimensions={
                "genai.controls": 50.0,
                "agentic.audit_logging": 100.0,
                "genai.resilience": None,
                "agentic.identity": 12.5,
            },
            formula="score = 100 * sum(weight of passing checks) / sum(weight of applicable "
            "checks); weights critical 10, high 7.5, medium 5, low 2.5, info 0; ERROR counts "
            "as not passing.",
            accounts={
                ACCOUNT_A: ScoreSet(
                    overall=61.5, dimensions={"genai.controls": 50.0, "agentic.identity": None}
                ),
                ACCOUNT_B: ScoreSet(
                    overall=20.0, dimensions={"genai.controls": 0.0, "agentic.identity": 12.5}
                ),
            },
        ),
        waivers=[
            WaiverRecord(
                id="W-12",
                owner="secops@example.com",
                justification="Invocation logging is replaced by the gateway's logs.",
                expires=date(2026, 3, 31),
                match={"check": "BR-INVOCATION-LOGGING", "account": ACCOUNT_A, "region": None},
                status=WaiverStatus.APPLIED,
                matched=1,
            ),
            WaiverRecord(
                id="W-OLD",
                owner=f"owner {IMG}",
                justification=f"Expired long ago {SCRIPT}",
                expires=date(2024, 1, 31),
                match={"check": "CT-LOG-VALIDATION", "resource": f"*{SCRIPT}*"},
                status=WaiverStatus.EXPIRED,
            ),
            WaiverRecord(
                id="W-NOTHING",
                owner="platform@example.com",
                justification="Matches a retired account.",
                expires=date(2027, 1, 1),
                match={"check": "CW-MF-01", "account": "999999999999"},
                status=WaiverStatus.UNMATCHED,
                errors_not_waived=0,
            ),
        ],
        baseline=Diff(
            baseline_finished_at=datetime(2025, 8, 20, 9, 0, 0, tzinfo=UTC),
            baseline_snapshot_sha256="ab" * 32,
            new_failures=[_entry(HOSTILE_CHECK_ID, Severity.HIGH, None, Status.FAIL)],
            resolved=[
                _entry("CT-OLD-CHECK", Severity.MEDIUM, Status.FAIL, Status.PASS),
                _entry("CT-GONE", Severity.LOW, Status.ERROR, None),
            ],
            regressed=[_entry("CW-MF-01", Severity.CRITICAL, Status.PASS, Status.FAIL)],
            score_changes={
                "overall": (50.0, 42.9),
                "genai.controls": (40.0, 50.0),
                "agentic.audit_logging": (100.0, 100.0),
                "genai.resilience": (None, None),
            },
        ),
    )


def _entry(check_id: str, severity: Severity, old: Status | None, new: Status | None) -> DiffEntry:
    return DiffEntry(
        check_id=check_id,
        title=f"Title of {check_id}",
        severity=severity,
        account_id=ACCOUNT_B,
        region="us-east-1",
        resource_arn=f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_B}:trail/{SCRIPT}",
        old_status=old,
        new_status=new,
    )


@pytest.fixture
def results() -> Results:
    """The report fixture."""
    return build_results()
