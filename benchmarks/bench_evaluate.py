"""Evaluating and rendering at organization scale, from a synthetic snapshot."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from aiposture.api import evaluate_snapshot, render
from aiposture.config import Config
from aiposture.demo.environment import demo_environment
from aiposture.report import get_renderer
from aiposture.results import (
    Remediation,
    Result,
    Results,
    ScanInfo,
    Scores,
    Severity,
    Status,
    ToolRef,
)
from aiposture.snapshot.models import AccountSnapshot, Snapshot


def _scaled(template: Snapshot, accounts: int, regions: int, *, rename: bool) -> Snapshot:
    """Copies of the demo's guide account, each scanned in ``regions`` regions.

    With ``rename`` every id inside the copy (ARNs included) becomes the new account's, so
    the copies pass like the original; without it, the ARNs keep the original account id,
    so every data-event check fails and is diagnosed: the worst case.
    """
    base = template.account("111122223333")
    assert base is not None
    names = [f"r{i}" for i in range(regions)]
    text = base.model_dump_json()
    out = []
    for n in range(accounts):
        acct_id = f"{100000000000 + n}"
        copy = AccountSnapshot.model_validate_json(
            text.replace("111122223333", acct_id) if rename else text
        )
        first = copy.regions["us-east-1"]
        copy.account_id = acct_id
        copy.scanned_regions = names
        copy.regions = {r: first.model_copy(update={"region": r}) for r in names}
        for trail in copy.trails:
            trail.owner_account_id = acct_id
        out.append(copy)
    return template.model_copy(update={"accounts": out})


def run(accounts: int, regions: int, *, pdf: bool = True) -> None:
    """Print evaluation time for a synthetic organization and render times for the demo."""
    with demo_environment() as env:
        demo = env.collect()
    for label, rename in (("passing copies", True), ("failing copies, worst case", False)):
        snap = _scaled(demo, accounts, regions, rename=rename)
        start = time.perf_counter()
        results = evaluate_snapshot(snap, Config())
        elapsed = time.perf_counter() - start
        print(
            f"evaluate ({label}): {accounts} accounts x {regions} regions -> "
            f"{len(results.results):,} results in {elapsed:.2f} s ({len(results.results) / elapsed:,.0f} results/s)"
        )
    tracemalloc.start()  # measured on a separate, smaller run: tracing slows Python down
    evaluate_snapshot(_scaled(demo, max(1, accounts // 10), regions, rename=True), Config())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"evaluate memory: peak {peak / 2**20:.0f} MiB for {max(1, accounts // 10)} accounts")
    demo_results = evaluate_snapshot(demo, env.org.config)
    formats = ["json", "html", *(["pdf"] if pdf else [])]
    with TemporaryDirectory() as tmp:
        for fmt in formats:
            start = time.perf_counter()
            path = render(demo_results, [fmt], Path(tmp))[0]  # the manifest comes last
            print(
                f"render {fmt}: {len(demo_results.results)} results in {time.perf_counter() - start:.2f} s "
                f"({path.stat().st_size / 1024:,.0f} KiB)"
            )
    render_findings(2_000, pdf=pdf)


_CHECKS = [
    ("CT-SEL-BEDROCK-MODEL", "Trail logs Bedrock model data events", "high"),
    ("CT-SEL-BEDROCK-AGENTALIAS", "Trail logs Bedrock agent alias data events", "high"),
    ("CW-MF-01", "Metric filter for unauthorized Bedrock calls", "critical"),
    ("CW-MF-02", "Metric filter for Bedrock guardrail changes", "high"),
    ("CW-ALARM-UNAUTH", "Alarm on unauthorized Bedrock access", "high"),
    ("BR-INVOCATION-LOGGING", "Model invocation logging is enabled", "medium"),
    ("CT-LOG-VALIDATION", "Log file validation is enabled", "low"),
    ("GD-ENABLED", "GuardDuty is enabled", "medium"),
    ("AC-OBSERVABILITY", "AgentCore runtime observability is enabled", "medium"),
    ("CT-INSIGHTS", "CloudTrail Insights enabled", "low"),
]


def synthetic_findings(count: int = 2_000) -> Results:
    """A results file of ``count`` findings (FAIL, one in ten ERROR) over 10 checks.

    Messages and evidence look like the real ones: trail selectors, metric filter patterns,
    ARNs, a few hundred characters of JSON each.
    """
    regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]
    accounts = [f"{100000000000 + n}" for n in range(max(1, count // 40))]
    results = []
    for i in range(count):
        check_id, title, severity = _CHECKS[i % len(_CHECKS)]
        account = accounts[(i // len(_CHECKS)) % len(accounts)]
        region = regions[i % len(regions)]
        error = i % 10 == 9
        arn = f"arn:aws:cloudtrail:{region}:{account}:trail/org-trail-{i:05d}"
        message = (
            f"cloudtrail:GetEventSelectors failed on {arn}: AccessDenied (User is not "
            "authorized to perform this operation)"
            if error
            else f"Trail org-trail-{i:05d} has no advanced event selector that logs data "
            f"events of AWS::Bedrock::Model in {region}; the metric filter pattern "
            '{ ($.eventSource = "bedrock.amazonaws.com") && ($.errorCode = "AccessDenied") } '
            "matches none of the sample events."
        )
        evidence = {
            "trail_arn": arn,
            "home_region": region,
            "is_multi_region": i % 3 == 0,
            "advanced_event_selectors": [
                {
                    "Name": "Log management events",
                    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
                },
                {
                    "Name": f"S3 data events {i}",
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    ],
                },
            ],
            "metric_filters": [
                {"filterName": f"bedrock-{n}", "filterPattern": '{ $.eventName = "Invoke*" }'}
                for n in range(i % 4)
            ],
            "tags": {"Owner": "platform-team", "CostCenter": f"cc-{i % 97}"},
        }
        results.append(
            Result(
                check_id=check_id,
                title=title,
                severity=Severity(severity),
                status=Status.ERROR if error else Status.FAIL,
                account_id=account,
                region=region,
                resource_arn=arn,
                seed_refs=[f"Guide section {i % len(_CHECKS) + 1}"],
                dimensions=["genai.controls", "agentic.audit_logging"][: 1 + i % 2],
                message=message,
                evidence=evidence,
                remediation=Remediation(
                    text="Add an advanced event selector for AWS::Bedrock::Model data events "
                    "to the organization trail, then create the metric filter and alarm.",
                    url="https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html",
                ),
            )
        )
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return Results(
        tool=ToolRef(version="bench", catalog_version="bench"),
        scan=ScanInfo(
            started_at=now,
            finished_at=now,
            identity_arn="arn:aws:sts::100000000000:assumed-role/Audit/bench",
            accounts=accounts,
            regions=regions,
            snapshot_sha256="0" * 64,
        ),
        results=results,
        scores=Scores(
            overall=0.0, dimensions={"genai.controls": 0.0, "agentic.audit_logging": 0.0}
        ),
    )


def render_findings(count: int = 2_000, *, pdf: bool = True) -> None:
    """Print the time to render ``count`` synthetic findings to HTML and to PDF."""
    results = synthetic_findings(count)
    for fmt in ["html", *(["pdf"] if pdf else [])]:
        start = time.perf_counter()
        data = get_renderer(fmt).render(results)
        elapsed = time.perf_counter() - start
        target = " (target: under 60 s)" if fmt == "pdf" else ""
        print(
            f"render {fmt}: {count:,} findings in {elapsed:.2f} s{target} "
            f"({len(data) / 1024:,.0f} KiB)"
        )
