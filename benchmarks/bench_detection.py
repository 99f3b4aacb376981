"""The detection layer at scale: filter-pattern throughput and metric-filter/alarm evaluation."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from aiposture.config import Config
from aiposture.demo.selectors import BOTH_INSIGHTS, GUIDE_AGGREGATION, guide_account_selectors
from aiposture.engine.catalog import Catalog, load_catalog
from aiposture.engine.runner import evaluate
from aiposture.lang.filter_pattern import Pattern, parse
from aiposture.rules.alarm_chain import AlarmParams
from aiposture.rules.metric_filter import MetricFilterParams
from aiposture.rules.support.sample_events import event_messages
from aiposture.snapshot.models import (
    AccountSnapshot,
    CallerIdentity,
    EventSelectors,
    LogGroup,
    RegionSnapshot,
    Snapshot,
    SnsTopic,
    ToolInfo,
    Trail,
    TrailStatus,
)

REGION = "us-east-1"
LOG_GROUP = "aws-cloudtrail-logs/ai-workloads"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _filter_checks(catalog: Catalog) -> list[MetricFilterParams]:
    return [c.params for c in catalog.checks if isinstance(c.params, MetricFilterParams)]


def _variants(base: list[str], count: int) -> list[str]:
    """``count`` distinct realistic patterns: the guide's, then each narrowed to one region."""
    out: list[str] = []
    i = 0
    while len(out) < count:
        pattern = base[i % len(base)]
        n = i // len(base)
        if n == 0:
            out.append(pattern)
        else:
            inner = pattern.strip()[1:-1].strip()
            out.append(f'{{ ({inner}) && ($.awsRegion != "zz-{n}-1") }}')
        i += 1
    return out


def run_throughput(filters: int = 10_000) -> None:
    """Parse ``filters`` patterns and evaluate each against every catalog sample event."""
    catalog = load_catalog()
    checks = _filter_checks(catalog)
    patterns = _variants([c.guide_pattern for c in checks], filters)
    messages: list[str] = []
    for c in checks:
        messages += event_messages([*c.must_match, *c.must_not_match], "111122223333", REGION)
    start = time.perf_counter()
    parsed: list[Pattern] = [parse(p) for p in patterns]
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    hits = sum(p.matches(m) for p in parsed for m in messages)
    eval_s = time.perf_counter() - start
    pairs = len(parsed) * len(messages)
    print(
        f"filter patterns: parsed {len(parsed):,} in {parse_s:.2f} s "
        f"({len(parsed) / parse_s:,.0f} patterns/s)"
    )
    print(
        f"filter evaluation: {len(parsed):,} patterns x {len(messages)} catalog sample events = "
        f"{pairs:,} evaluations in {eval_s:.2f} s ({pairs / eval_s:,.0f} per second, {hits:,} matches)"
    )


def _account(n: int, catalog: Catalog) -> AccountSnapshot:
    """One account: a logging trail into a log group with 100 filters and 100 alarms."""
    acct = f"{200000000000 + n}"
    checks = _filter_checks(catalog)
    alarms_p = [c.params for c in catalog.checks if isinstance(c.params, AlarmParams)]
    patterns = _variants([c.guide_pattern for c in checks], 100)
    filters = []
    for i, pattern in enumerate(patterns):
        metric = checks[i].guide_metric.name if i < len(checks) else f"Other{i}"
        filters.append(
            {
                "filterName": f"filter-{i}",
                "filterPattern": pattern,
                "logGroupName": LOG_GROUP,
                "metricTransformations": [
                    {
                        "metricName": metric,
                        "metricNamespace": "AIWorkloadMetrics",
                        "metricValue": "1",
                    }
                ],
            }
        )
    topic = f"arn:aws:sns:{REGION}:{acct}:security-alerts"
    guide_metric = {
        p.metric_filter: catalog.get(p.metric_filter).params.guide_metric  # type: ignore[union-attr]
        for p in alarms_p
    }
    alarms: list[dict[str, Any]] = []
    for i in range(100):
        if i < len(alarms_p):
            p = alarms_p[i]
            metric = guide_metric[p.metric_filter].name
            threshold, period = p.threshold, p.period_seconds
        else:
            metric, threshold, period = f"Other{i}", 10.0, 300
        alarms.append(
            {
                "AlarmName": f"alarm-{i}",
                "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{acct}:alarm:alarm-{i}",
                "Namespace": "AIWorkloadMetrics",
                "MetricName": metric,
                "Dimensions": [],
                "Statistic": "Sum",
                "Period": period,
                "EvaluationPeriods": 1,
                "Threshold": threshold,
                "ComparisonOperator": "GreaterThanThreshold",
                "ActionsEnabled": True,
                "AlarmActions": [topic],
            }
        )
    trail_arn = f"arn:aws:cloudtrail:{REGION}:{acct}:trail/ai"
    trail = Trail(
        arn=trail_arn,
        name="ai",
        home_region=REGION,
        owner_account_id=acct,
        is_multi_region=True,
        cloudwatch_logs_log_group_arn=f"arn:aws:logs:{REGION}:{acct}:log-group:{LOG_GROUP}:*",
        cloudwatch_logs_role_arn=f"arn:aws:iam::{acct}:role/CloudTrail_CloudWatchLogs_Role",
        status=TrailStatus(is_logging=True, latest_cloudwatch_logs_delivery_time=NOW),
        # The guide's selectors with real ids: every detection's events are recorded, so the
        # whole chain is judged (a trail that records nothing would fail fast and flatter).
        event_selectors=EventSelectors(advanced=guide_account_selectors(acct, [REGION])),
        insight_selectors=list(BOTH_INSIGHTS),
        aggregation={"AggregationConfigurations": list(GUIDE_AGGREGATION)},
    )
    reg = RegionSnapshot(
        region=REGION,
        trail_arns=[trail_arn],
        log_groups=[
            LogGroup(
                name=LOG_GROUP,
                arn=f"arn:aws:logs:{REGION}:{acct}:log-group:{LOG_GROUP}",
                region=REGION,
                account_id=acct,
                log_group_class="STANDARD",
            )
        ],
        metric_filters={LOG_GROUP: filters},
        subscription_filters={LOG_GROUP: []},
        alarms=alarms,
        composite_alarms=[],
        sns_topics={
            topic: SnsTopic(
                attributes={"SubscriptionsConfirmed": "1"},
                subscriptions=[
                    {
                        "SubscriptionArn": f"{topic}:0f6c",
                        "Protocol": "email",
                        "Endpoint": "soc@example.com",
                        "TopicArn": topic,
                    }
                ],
            )
        },
        insight_rules=[],
        query_definitions=[],
        dashboards={},
        guardduty_detectors=[],
    )
    return AccountSnapshot(
        account_id=acct,
        enabled_regions=[REGION],
        scanned_regions=[REGION],
        trails=[trail],
        regions={REGION: reg},
    )


def synthetic_snapshot(accounts: int, catalog: Catalog) -> Snapshot:
    """``accounts`` accounts, each with a log group of 100 filters and 100 alarms."""
    return Snapshot(
        tool=ToolInfo(version="bench"),
        started_at=NOW - timedelta(minutes=5),
        finished_at=NOW,
        identity=CallerIdentity(
            account="200000000000", arn="arn:aws:iam::200000000000:root", user_id="200000000000"
        ),
        accounts=[_account(n, catalog) for n in range(accounts)],
    )


def run_evaluation(accounts: int = 1_000) -> None:
    """Time the detection checks (and the whole catalog) over a synthetic organization."""
    catalog = load_catalog()
    snap = synthetic_snapshot(accounts, catalog)
    detection = catalog.selected(lambda c: c.kind.name in ("metric_filter", "alarm_chain"))
    runs = (
        ("metric-filter and alarm checks", detection, " (target: under 10 s at 1,000 accounts)"),
        ("whole catalog", catalog, ""),
    )
    for label, cat, target in runs:
        start = time.perf_counter()
        results = evaluate(snap, "0" * 64, cat, Config())
        elapsed = time.perf_counter() - start
        counts = results.counts()
        print(
            f"evaluate {label}: {accounts:,} accounts x 100 filters x 100 alarms -> "
            f"{len(results.results):,} results in {elapsed:.2f} s{target} "
            f"(PASS {counts['PASS']:,}, FAIL {counts['FAIL']:,}, ERROR {counts['ERROR']:,})"
        )


def run(accounts: int = 1_000, filters: int = 10_000) -> None:
    """Print every detection figure."""
    run_throughput(filters)
    run_evaluation(accounts)
