"""The minimum-call budget, computed from hand-built snapshots."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from aiposture.collect.budget import excess_calls, minimum_calls, pages
from aiposture.snapshot.models import (
    AccountSnapshot,
    CallerIdentity,
    CallError,
    LogGroup,
    RegionSnapshot,
    Snapshot,
    SnsTopic,
    ToolInfo,
    Trail,
)

OWN = "111111111111"
MEMBER = "222222222222"
DENIED = "333333333333"
R1, R2 = "us-east-1", "eu-west-1"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _snapshot(*accounts: AccountSnapshot) -> Snapshot:
    return Snapshot(
        tool=ToolInfo(version="0"),
        started_at=NOW,
        finished_at=NOW,
        identity=CallerIdentity(account=OWN, arn=f"arn:aws:iam::{OWN}:user/a", user_id="A"),
        accounts=list(accounts),
    )


def _error(service: str, operation: str, resource: str | None = None) -> CallError:
    return CallError(
        service=service,
        operation=operation,
        resource=resource,
        error_code="AccessDenied",
        message="",
    )


def _log_group(name: str, region: str = R1, account: str = OWN) -> LogGroup:
    arn = f"arn:aws:logs:{region}:{account}:log-group:{name}"
    return LogGroup(name=name, arn=arn, region=region, account_id=account)


def _items(n: int, key: str = "Name") -> list[dict[str, Any]]:
    return [{key: f"i{i}"} for i in range(n)]


def _empty_region(region: str) -> RegionSnapshot:
    """A region read completely, where nothing was found."""
    return RegionSnapshot(
        region=region,
        trail_arns=[],
        metric_filters={},
        subscription_filters={},
        alarms=[],
        composite_alarms=[],
        sns_topics={},
        insight_rules=[],
        query_definitions=[],
        guardduty_detectors=[],
    )


def _account(account_id: str, regions: list[RegionSnapshot], trails: int = 0) -> AccountSnapshot:
    return AccountSnapshot(
        account_id=account_id,
        enabled_regions=[r.region for r in regions],
        scanned_regions=[r.region for r in regions],
        regions={r.region: r for r in regions},
        dashboards={},
        dashboards_region=regions[0].region if regions else None,
        trails=[
            Trail(
                arn=f"arn:aws:cloudtrail:{R1}:{account_id}:trail/t{i}",
                name=f"t{i}",
                home_region=R1,
                owner_account_id=account_id,
            )
            for i in range(trails)
        ],
    )


PER_EMPTY_REGION = Counter(
    {
        "cloudtrail:DescribeTrails": 1,
        "bedrock:GetModelInvocationLoggingConfiguration": 1,
        "cloudwatch:DescribeAlarms": 1,
        "cloudwatch:DescribeInsightRules": 1,
        "logs:DescribeQueryDefinitions": 3,  # once per query language: CWLI, SQL, PPL
        "guardduty:ListDetectors": 1,
    }
)
PER_ACCOUNT = Counter(
    {
        "ec2:DescribeRegions": 1,
        "organizations:DescribeOrganization": 1,
        "cloudwatch:ListDashboards": 1,  # dashboards are global: read once per account
    }
)


def test_empty_own_account_costs_the_fixed_reads_per_account_and_region() -> None:
    snap = _snapshot(_account(OWN, [_empty_region(R1), _empty_region(R2)]))
    expected = Counter({"sts:GetCallerIdentity": 1}) + PER_ACCOUNT
    for _ in range(2):
        expected += PER_EMPTY_REGION
    assert minimum_calls(snap) == expected


def test_member_accounts_add_assume_role_and_a_failed_assume_role_costs_only_that() -> None:
    denied = AccountSnapshot(account_id=DENIED, errors=[_error("sts", "AssumeRole")])
    snap = _snapshot(
        _account(OWN, [_empty_region(R1)]), _account(MEMBER, [_empty_region(R1)]), denied
    )
    calls = minimum_calls(snap)
    assert calls["sts:AssumeRole"] == 2
    assert calls["sts:GetCallerIdentity"] == 1
    assert calls["ec2:DescribeRegions"] == 2
    assert calls["organizations:DescribeOrganization"] == 2
    assert calls["cloudtrail:DescribeTrails"] == 2


def test_organization_scan_adds_discovery_with_list_accounts_pages() -> None:
    snap = _snapshot(_account(OWN, [_empty_region(R1)]))
    plain = minimum_calls(snap)
    for accounts, list_pages in ((0, 1), (1, 1), (20, 1), (21, 2), (500, 25)):
        calls = minimum_calls(snap, org=True, org_accounts=accounts)
        assert calls["organizations:ListAccounts"] == list_pages
        assert calls["organizations:ListDelegatedAdministrators"] == 1
        assert calls["organizations:DescribeOrganization"] == 2  # discovery + the account
        assert calls - plain == Counter(
            {
                "organizations:ListAccounts": list_pages,
                "organizations:ListDelegatedAdministrators": 1,
                "organizations:DescribeOrganization": 1,
            }
        )


def test_each_trail_costs_five_detail_reads() -> None:
    calls = minimum_calls(_snapshot(_account(OWN, [_empty_region(R1)], trails=3)))
    for operation in (
        "GetTrailStatus",
        "GetEventSelectors",
        "GetInsightSelectors",
        "GetEventConfiguration",
        "ListTags",
    ):
        assert calls[f"cloudtrail:{operation}"] == 3


@pytest.mark.parametrize(
    ("key", "size"),
    [
        ("cloudwatch:DescribeAlarms", 100),
        ("cloudwatch:DescribeInsightRules", 500),
        ("logs:DescribeQueryDefinitions", 1000),
        ("guardduty:ListDetectors", 50),
    ],
)
def test_region_lists_page_at_their_page_size(key: str, size: int) -> None:
    def calls_for(n: int) -> int:
        reg = _empty_region(R1)
        if key == "cloudwatch:DescribeAlarms":
            reg.alarms = _items(n - n // 2)
            reg.composite_alarms = _items(n // 2)  # metric and composite share the pages
        elif key == "cloudwatch:DescribeInsightRules":
            reg.insight_rules = _items(n)
        elif key == "logs:DescribeQueryDefinitions":
            reg.query_definitions = _items(n)
        else:
            reg.guardduty_detectors = _items(n, "DetectorId")
        return minimum_calls(_snapshot(_account(OWN, [reg])))[key]

    # saved queries (all CWLI here): the other two query languages cost one read each
    extra = 2 if key == "logs:DescribeQueryDefinitions" else 0
    counts = [calls_for(n) - extra for n in (0, 1, size, size + 1, 2 * size + 1)]
    assert counts == [1, 1, 1, 2, 3]


def test_log_groups_cost_a_describe_and_paged_filter_reads() -> None:
    reg = _empty_region(R1)
    reg.log_groups = [_log_group("trail"), _log_group("invocations")]
    reg.metric_filters = {"trail": _items(51), "invocations": []}
    reg.subscription_filters = {"trail": _items(50)}  # "invocations" failed: still sent once
    reg.errors = [
        _error("logs", "DescribeSubscriptionFilters", "invocations"),
        _error("logs", "DescribeLogGroups", "gone"),  # tried and failed
    ]
    calls = minimum_calls(_snapshot(_account(OWN, [reg])))
    assert calls["logs:DescribeLogGroups"] == 3
    assert calls["logs:DescribeMetricFilters"] == 2 + 1
    assert calls["logs:DescribeSubscriptionFilters"] == 1 + 1


def test_log_group_in_a_region_that_was_not_scanned() -> None:
    acct = _account(OWN, [_empty_region(R1)])
    acct.regions[R2] = RegionSnapshot(region=R2, log_groups=[_log_group("far", R2)])
    calls = minimum_calls(_snapshot(acct))
    assert calls["logs:DescribeLogGroups"] == 1
    assert calls["cloudtrail:DescribeTrails"] == 1  # R2 was not scanned
    assert calls["cloudwatch:DescribeAlarms"] == 1
    assert calls["logs:DescribeMetricFilters"] == 0  # no detection evidence in R2

    acct.regions[R2].metric_filters = {"far": []}
    acct.regions[R2].subscription_filters = {"far": []}
    acct.regions[R2].alarms, acct.regions[R2].composite_alarms = [], []
    calls = minimum_calls(_snapshot(acct))
    assert calls["logs:DescribeMetricFilters"] == 1
    assert calls["cloudwatch:DescribeAlarms"] == 2


def test_alarm_topics_dashboards_and_detectors_cost_one_read_each() -> None:
    reg = _empty_region(R1)
    reg.sns_topics = {
        "arn:aws:sns:us-east-1:111111111111:a": SnsTopic(attributes={}, subscriptions=_items(101)),
        "arn:aws:sns:us-east-1:111111111111:b": SnsTopic(),  # both reads failed
    }
    reg.guardduty_detectors = [{"DetectorId": "d1"}]
    reg.errors = [_error("guardduty", "GetDetector", "d2")]
    acct = _account(OWN, [reg, _empty_region(R2)])
    acct.dashboards = {"ok": "{}"}
    acct.errors = [_error("cloudwatch", "GetDashboard", "bad")]
    calls = minimum_calls(_snapshot(acct))
    assert calls["sns:GetTopicAttributes"] == 2
    assert calls["sns:ListSubscriptionsByTopic"] == 2 + 1
    assert calls["cloudwatch:ListDashboards"] == 1  # two regions, one account-wide read
    assert calls["cloudwatch:GetDashboard"] == 2
    assert calls["guardduty:ListDetectors"] == 2
    assert calls["guardduty:GetDetector"] == 2


def test_a_snapshot_with_dashboards_read_per_region_still_counts_them_per_region() -> None:
    old = [_empty_region(R1), _empty_region(R2)]
    old[0].dashboards = {"ok": "{}"}
    old[1].dashboards = {"ok": "{}"}
    acct = _account(OWN, old)
    acct.dashboards, acct.dashboards_region = None, None  # written before the account read
    calls = minimum_calls(_snapshot(acct))
    assert calls["cloudwatch:ListDashboards"] == 2
    assert calls["cloudwatch:GetDashboard"] == 2


def test_saved_queries_cost_one_read_per_language_and_its_pages() -> None:
    reg = _empty_region(R1)
    reg.query_definitions = [
        *({"queryDefinitionId": f"s{i}", "queryLanguage": "SQL"} for i in range(1001)),
        {"queryDefinitionId": "c", "queryLanguage": "CWLI"},
        {"queryDefinitionId": "old"},  # no language: CWLI
    ]
    calls = minimum_calls(_snapshot(_account(OWN, [reg])))
    assert calls["logs:DescribeQueryDefinitions"] == 1 + 2 + 1  # CWLI, SQL (2 pages), PPL


def test_failed_list_calls_count_once_and_nothing_behind_them() -> None:
    reg = RegionSnapshot(
        region=R1,
        errors=[
            _error("cloudtrail", "DescribeTrails"),
            _error("bedrock", "GetModelInvocationLoggingConfiguration"),
            _error("cloudwatch", "DescribeAlarms"),
            _error("cloudwatch", "DescribeInsightRules"),
            _error("logs", "DescribeQueryDefinitions", "CWLI"),
            _error("logs", "DescribeQueryDefinitions", "SQL"),
            _error("logs", "DescribeQueryDefinitions", "PPL"),
            _error("guardduty", "ListDetectors"),
        ],
        metric_filters={},
        subscription_filters={},
    )
    acct = _account(OWN, [reg])
    acct.enabled_regions = None
    acct.dashboards = None
    acct.errors = [
        _error("ec2", "DescribeRegions"),
        _error("organizations", "DescribeOrganization"),
        _error("cloudwatch", "ListDashboards"),
    ]
    expected = Counter({"sts:GetCallerIdentity": 1}) + PER_ACCOUNT + PER_EMPTY_REGION
    assert minimum_calls(_snapshot(acct)) == expected


def test_pages_and_excess() -> None:
    assert pages("logs:DescribeMetricFilters", 0) == 1
    assert pages("logs:DescribeMetricFilters", 100) == 2
    actual = Counter({"a:X": 3, "a:Y": 1, "a:Z": 2})
    assert excess_calls(actual, Counter({"a:X": 1, "a:Y": 1, "a:Z": 5})) == Counter({"a:X": 2})


def test_own_account_read_through_a_role_costs_one_assume_role() -> None:
    acct = _account(OWN, [_empty_region(R1)])
    acct.identity_arn = f"arn:aws:iam::{OWN}:user/a"  # the scanning identity itself
    assert minimum_calls(_snapshot(acct))["sts:AssumeRole"] == 0
    acct.identity_arn = f"arn:aws:sts::{OWN}:assumed-role/Audit/aiposture"
    assert minimum_calls(_snapshot(acct))["sts:AssumeRole"] == 1
    acct.identity_arn = None
    acct.errors = [_error("sts", "AssumeRole")]  # tried, failed, read with the base credentials
    calls = minimum_calls(_snapshot(acct))
    assert calls["sts:AssumeRole"] == 1
    assert calls["ec2:DescribeRegions"] == 1
