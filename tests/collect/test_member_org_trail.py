"""A member covered only by its organization's trail: scanned alone, under --org, merged.

CloudTrail lets a member account see the management account's organization trail and read
its status, but only the management account may read its event selectors, Insights
selectors, event configuration and tags (others get CloudTrailARNInvalidException). The
real collectors run against the in-process fleet (moto with aiposture's extensions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import boto3
import pytest

from aiposture.api import evaluate_snapshot
from aiposture.collect.budget import minimum_calls
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.config import Config
from aiposture.demo.environment import assumer
from aiposture.results import Result, Results, Status
from aiposture.snapshot.merge import merge_snapshots
from aiposture.snapshot.models import Snapshot
from aiposture.snapshot.shards import shard_of
from aiposture.testing.fleet import ORG_TRAIL_NAME, FleetEnvironment, fleet_environment

pytestmark = pytest.mark.integration

REGION = "us-east-1"
TRAIL_SETTINGS_CHECKS = (
    "ct-management-events",
    "ct-data-s3-ai-buckets",
    "ct-data-bedrock-model",
    "ct-insights-api-call-rate",
    "ct-insights-api-error-rate",
    "det-event-aggregation-api-activity",
    "det-event-aggregation-resource-access",
    "det-event-aggregation-user-actions",
)
"""Checks judged on the organization trail's selectors, Insights or aggregation, which the
organization trail satisfies (PASS in the management account's own results)."""


@pytest.fixture(scope="module")
def env() -> Iterator[FleetEnvironment]:
    """A 3-account fleet: the management account, a member with a trail, one without."""
    with fleet_environment(accounts=3, regions=(REGION,)) as env:
        yield env


@pytest.fixture(scope="module")
def member(env: FleetEnvironment) -> str:
    """The member covered only by the organization trail."""
    return env.fleet.org_trail_only_accounts[0]


@pytest.fixture(scope="module")
def alone(env: FleetEnvironment, member: str) -> tuple[Snapshot, Results]:
    """The member scanned alone, with its own credentials."""
    session = assumer(boto3.Session(region_name=REGION), None)(member)
    snapshot = collect(SessionFactory(session=session), CollectOptions(regions=[REGION]))
    return snapshot, evaluate_snapshot(snapshot, _judged_everywhere(env))


@pytest.fixture(scope="module")
def org_scan(env: FleetEnvironment) -> tuple[Snapshot, Results]:
    """``--org`` from the management account."""
    snapshot = collect(env.factory, CollectOptions(org=True, regions=[REGION]))
    return snapshot, evaluate_snapshot(snapshot, _judged_everywhere(env))


def _judged_everywhere(env: FleetEnvironment) -> Config:
    """The fleet's configuration with every region judged in full (no scoping by use): the
    trail checks are about the trail, whatever the member runs."""
    config = env.fleet.config
    scan = config.scan.model_copy(update={"regions_in_use": "all"})
    return config.model_copy(update={"scan": scan})


def _result(results: Results, check_id: str, account_id: str) -> Result:
    found = [r for r in results.results if r.check_id == check_id and r.account_id == account_id]
    assert len(found) == 1, (check_id, found)
    return found[0]


def test_a_member_reads_only_the_status_of_its_organization_trail(
    env: FleetEnvironment, member: str, alone: tuple[Snapshot, Results]
) -> None:
    snapshot, _ = alone
    assert [a.account_id for a in snapshot.accounts] == [member]
    account = snapshot.accounts[0]
    assert account.all_errors() == []  # the owner-only reads were not sent, so none failed
    (trail,) = account.trails
    assert trail.arn == env.fleet.org_trail_arn
    assert trail.owner_reads_skipped
    assert trail.status is not None and trail.status.is_logging
    assert (trail.event_selectors, trail.insight_selectors, trail.aggregation, trail.tags) == (
        None,
        None,
        None,
        None,
    )
    calls = minimum_calls(snapshot)
    assert calls["cloudtrail:GetTrailStatus"] == 1
    assert calls["cloudtrail:GetEventSelectors"] == calls["cloudtrail:ListTags"] == 0


def test_alone_its_trail_settings_checks_are_errors_naming_the_management_account(
    env: FleetEnvironment, member: str, alone: tuple[Snapshot, Results]
) -> None:
    _, results = alone
    management = env.fleet.management_account_id
    for check_id in TRAIL_SETTINGS_CHECKS:
        result = _result(results, check_id, member)
        assert result.status is Status.ERROR, (check_id, result.message)
        for part in (ORG_TRAIL_NAME, f"management account {management}", "--org"):
            assert part in result.message, (check_id, result.message)
        assert "--assume-role" in result.message and "aiposture merge" in result.message
    coverage = _result(results, "ct-region-coverage", member)
    assert coverage.status is Status.PASS, coverage.message
    assert not [
        r
        for r in results.results
        if r.status is Status.FAIL and "no logging trail" in r.message.lower()
    ]


def test_under_org_the_member_is_judged_from_the_management_accounts_read(
    env: FleetEnvironment, member: str, org_scan: tuple[Snapshot, Results]
) -> None:
    snapshot, results = org_scan
    account = snapshot.account(member)
    assert account is not None and account.all_errors() == []
    (copy,) = account.trails
    assert copy.owner_reads_skipped and copy.event_selectors is None
    for check_id in TRAIL_SETTINGS_CHECKS:
        result = _result(results, check_id, member)
        assert result.status is Status.PASS, (check_id, result.message)
        assert _result(results, check_id, env.fleet.management_account_id).status is Status.PASS


def test_merged_shards_of_the_member_and_the_management_account_pass_too(
    env: FleetEnvironment, member: str
) -> None:
    management = env.fleet.management_account_id
    # Shards of one scan of both accounts, split so that each shard holds one of them.
    n = next(n for n in range(2, 16) if shard_of(member, n) != shard_of(management, n))
    options = CollectOptions(org=True, regions=[REGION], accounts=[member, management])
    shards = [
        collect(env.factory, replace(options, shard=(shard_of(account, n), n)))
        for account in (member, management)
    ]
    assert [[a.account_id for a in s.accounts] for s in shards] == [[member], [management]]
    member_only = evaluate_snapshot(shards[0], _judged_everywhere(env))
    merged = evaluate_snapshot(merge_snapshots(shards), _judged_everywhere(env))
    for check_id in TRAIL_SETTINGS_CHECKS:
        assert _result(member_only, check_id, member).status is Status.ERROR, check_id
        result = _result(merged, check_id, member)
        assert result.status is Status.PASS, (check_id, result.message)
