"""The fleet: an organization scan of 5 accounts x 2 regions, in-process and over HTTP.

The in-process tests share one seeded fleet (class scope); the HTTP test seeds its own
after the in-process one is gone, since both use moto's in-process backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from aiposture.api import evaluate_snapshot
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import assumer
from aiposture.results import Result, Results
from aiposture.snapshot.models import Snapshot
from aiposture.testing.fleet import (
    MEMBER_TRAIL_NAME,
    ORG_TRAIL_NAME,
    Fleet,
    FleetEnvironment,
    fleet_account_ids,
    fleet_environment,
    fleet_server,
)

pytestmark = pytest.mark.integration

REGIONS = ("us-east-1", "us-west-2")
ACCOUNTS = 5
COVERAGE = "ct-region-coverage"


def coverage_result(results: Results, account_id: str, region: str) -> Result:
    found = [
        r
        for r in results.results
        if r.check_id == COVERAGE and r.account_id == account_id and r.region == region
    ]
    assert len(found) == 1, found
    return found[0]


def session_of(env: FleetEnvironment, account_id: str) -> Any:
    """A session in ``account_id`` (the assumed organization role), inside ``env``."""
    return assumer(boto3.Session(region_name=env.fleet.regions[0]), None)(account_id)


def code_of(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


@pytest.fixture(scope="class")
def env() -> Iterator[FleetEnvironment]:
    """The in-process fleet, gone when its class is done."""
    with fleet_environment(accounts=ACCOUNTS, regions=REGIONS) as env:
        yield env


@pytest.fixture(scope="class")
def scanned(env: FleetEnvironment) -> tuple[Snapshot, Results]:
    """An organization scan of the in-process fleet, judged."""
    snapshot = collect(env.factory, CollectOptions(org=True, regions=list(REGIONS)))
    return snapshot, evaluate_snapshot(snapshot, env.fleet.config)


@pytest.fixture(scope="class")
def server() -> Iterator[tuple[str, Fleet]]:
    """The fleet behind moto's HTTP server (after the in-process one is gone)."""
    with fleet_server(accounts=ACCOUNTS, regions=REGIONS) as srv:
        yield srv.endpoint_url, srv.fleet


class TestInProcess:
    def test_the_fleet_is_what_the_brief_describes(self, env: FleetEnvironment) -> None:
        fleet = env.fleet
        assert fleet.account_ids == fleet_account_ids(ACCOUNTS)
        assert fleet.management_account_id == fleet.account_ids[0] == "100000000000"
        assert fleet.regions == REGIONS
        assert fleet.member_trail_accounts == ("100000000001", "100000000003")
        assert fleet.org_trail_only_accounts == ("100000000002", "100000000004")
        assert fleet.org_trail_arn == (
            f"arn:aws:cloudtrail:us-east-1:100000000000:trail/{ORG_TRAIL_NAME}"
        )
        assert "auditor" not in repr(fleet) and fleet.auditor_secret_access_key not in repr(fleet)

    def test_every_account_is_scanned_without_a_call_error(
        self, env: FleetEnvironment, scanned: tuple[Snapshot, Results]
    ) -> None:
        snapshot, _ = scanned
        assert sorted(a.account_id for a in snapshot.accounts) == list(env.fleet.account_ids)
        assert snapshot.errors == []
        for account in snapshot.accounts:
            assert account.all_errors() == [], account.account_id
            assert sorted(account.regions) == sorted(REGIONS)
            assert account.organization is not None
            assert account.organization.master_account_id == env.fleet.management_account_id

    def test_members_see_the_organization_trail_in_every_region(
        self, env: FleetEnvironment, scanned: tuple[Snapshot, Results]
    ) -> None:
        snapshot, _ = scanned
        for account_id in env.fleet.member_account_ids:
            account = snapshot.account(account_id)
            assert account is not None
            for region in REGIONS:
                assert env.fleet.org_trail_arn in (account.regions[region].trail_arns or [])

    def test_a_member_with_only_the_org_trail_is_covered_by_it(
        self, env: FleetEnvironment, scanned: tuple[Snapshot, Results]
    ) -> None:
        _, results = scanned
        for account_id in env.fleet.org_trail_only_accounts:
            for region in REGIONS:
                result = coverage_result(results, account_id, region)
                assert result.status.value == "PASS", result.message
                assert f"{ORG_TRAIL_NAME} (organization trail)" in result.message
                arns = [t["arn"] for t in result.evidence["trails"]]
                assert arns == [env.fleet.org_trail_arn]

    def test_a_members_own_trail_is_counted(
        self, env: FleetEnvironment, scanned: tuple[Snapshot, Results]
    ) -> None:
        _, results = scanned
        multi = "100000000001"  # a logging multi-region trail of its own
        own = f"arn:aws:cloudtrail:us-east-1:{multi}:trail/{MEMBER_TRAIL_NAME}"
        for region in REGIONS:
            result = coverage_result(results, multi, region)
            assert result.status.value == "PASS"
            assert MEMBER_TRAIL_NAME in result.message
            assert {t["arn"] for t in result.evidence["trails"]} == {own, env.fleet.org_trail_arn}
        stopped = "100000000003"  # a stopped single-region trail in us-west-2
        result = coverage_result(results, stopped, "us-west-2")
        evidence = {t["name"]: t for t in result.evidence["trails"]}
        assert evidence[MEMBER_TRAIL_NAME]["status"]["is_logging"] is False
        assert f"{ORG_TRAIL_NAME} (organization trail)" in result.message
        east = coverage_result(results, stopped, "us-east-1")
        assert [t["name"] for t in east.evidence["trails"]] == [ORG_TRAIL_NAME]

    def test_the_org_trail_is_read_once_fully(
        self, env: FleetEnvironment, scanned: tuple[Snapshot, Results]
    ) -> None:
        snapshot, _ = scanned
        org_trails = [t for t in snapshot.all_trails() if t.arn == env.fleet.org_trail_arn]
        assert len(org_trails) == 1
        trail = org_trails[0]
        assert trail.is_organization_trail and trail.is_multi_region
        assert trail.status is not None and trail.status.is_logging
        assert trail.event_selectors is not None and trail.event_selectors.advanced
        assert trail.insight_selectors

    def test_a_member_reads_the_org_trail_status_by_arn_but_not_its_settings(
        self, env: FleetEnvironment
    ) -> None:
        arn = env.fleet.org_trail_arn
        member = env.fleet.org_trail_only_accounts[0]
        ct: Any = session_of(env, member).client("cloudtrail", region_name="us-east-1")
        assert ct.get_trail(Name=arn)["Trail"]["IsOrganizationTrail"] is True
        assert ct.get_trail_status(Name=arn)["IsLogging"] is True
        for owner_only in (
            lambda: ct.get_event_selectors(TrailName=arn),
            lambda: ct.get_insight_selectors(TrailName=arn),
            lambda: ct.get_event_configuration(TrailName=arn),
            lambda: ct.list_tags(ResourceIdList=[arn]),
        ):
            with pytest.raises(ClientError) as info:
                owner_only()
            assert code_of(info) == "CloudTrailARNInvalidException"
        with pytest.raises(ClientError) as info:
            ct.stop_logging(Name=arn)
        assert code_of(info) == "TrailNotFoundException"
        with pytest.raises(ClientError) as info:
            ct.put_event_selectors(TrailName=arn, AdvancedEventSelectors=[])
        assert code_of(info) == "TrailNotFoundException"
        assert ct.get_trail_status(Name=arn)["IsLogging"] is True

    def test_an_account_outside_the_organization_sees_no_org_trail(
        self, env: FleetEnvironment
    ) -> None:
        stranger = "999999999999"
        ct: Any = session_of(env, stranger).client("cloudtrail", region_name="us-east-1")
        assert ct.describe_trails(includeShadowTrails=True)["trailList"] == []
        with pytest.raises(ClientError) as info:
            ct.get_trail(Name=env.fleet.org_trail_arn)
        assert code_of(info) == "TrailNotFoundException"

    def test_a_single_region_org_trail_shows_only_in_its_home_region(
        self, env: FleetEnvironment
    ) -> None:
        management = session_of(env, env.fleet.management_account_id)
        west: Any = management.client("cloudtrail", region_name="us-west-2")
        west.create_trail(
            Name="org-west-only",
            S3BucketName=f"aiposture-demo-trail-{env.fleet.management_account_id}",
            IsOrganizationTrail=True,
        )
        try:
            member = session_of(env, env.fleet.org_trail_only_accounts[0])
            seen = {
                region: {
                    t["Name"]
                    for t in member.client("cloudtrail", region_name=region).describe_trails()[
                        "trailList"
                    ]
                }
                for region in REGIONS
            }
            assert seen == {
                "us-east-1": {ORG_TRAIL_NAME},
                "us-west-2": {ORG_TRAIL_NAME, "org-west-only"},
            }
            hidden: Any = member.client("cloudtrail", region_name="us-west-2")
            assert hidden.describe_trails(includeShadowTrails=False)["trailList"] == []
        finally:
            west.delete_trail(Name="org-west-only")


class TestOverHttp:
    def test_an_org_scan_through_the_http_server(self, server: tuple[str, Fleet]) -> None:
        endpoint, fleet = server
        auditor = boto3.Session(
            aws_access_key_id=fleet.auditor_access_key_id,
            aws_secret_access_key=fleet.auditor_secret_access_key,
            region_name=REGIONS[0],
        )
        factory = SessionFactory(endpoint_url=endpoint, session=auditor)
        snapshot = collect(factory, CollectOptions(org=True, regions=list(REGIONS)))
        assert sorted(a.account_id for a in snapshot.accounts) == list(fleet.account_ids)
        assert [e for a in snapshot.accounts for e in a.all_errors()] == []
        results = evaluate_snapshot(snapshot, fleet.config)
        for account_id in fleet.org_trail_only_accounts:
            for region in REGIONS:
                result = coverage_result(results, account_id, region)
                assert result.status.value == "PASS"
                assert f"{ORG_TRAIL_NAME} (organization trail)" in result.message
