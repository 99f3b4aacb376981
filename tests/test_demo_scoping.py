"""Scoping by use on the demo organization: the empty region, the quiet one, and ``all``."""

from __future__ import annotations

from collections import defaultdict

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.demo.environment import DemoEnvironment
from aiposture.engine.catalog import load_catalog
from aiposture.results import Results, Status
from aiposture.snapshot.models import Snapshot

pytestmark = pytest.mark.integration

PARTIAL, LAB, GUIDE = "444455556666", "555566667777", "111122223333"
CATALOG = load_catalog()
PER_WORKLOAD = {item.check.id for item in CATALOG.checks if item.workload}
BASELINE = [
    "ct-management-events",
    "ct-insights-api-call-rate",
    "bedrock-invocation-logging",
    "alarm-cloudtrail-logging-disruption",
    "alarm-bedrock-unauthorized-access",
]


@pytest.fixture(scope="module")
def snapshot(demo_env: DemoEnvironment) -> Snapshot:
    return demo_env.collect()


@pytest.fixture(scope="module")
def auto(snapshot: Snapshot, demo_env: DemoEnvironment) -> Results:
    return evaluate_snapshot(snapshot, demo_env.org.config, CATALOG)


@pytest.fixture(scope="module")
def every(snapshot: Snapshot, demo_env: DemoEnvironment) -> Results:
    config = demo_env.org.config
    scan = config.scan.model_copy(update={"regions_in_use": "all"})
    return evaluate_snapshot(snapshot, config.model_copy(update={"scan": scan}), CATALOG)


def at(results: Results, account: str, region: str) -> dict[str, set[Status]]:
    """Each check's statuses in one account and region.

    A check gives one result there, or one per resource for the per-resource checks (one
    per agent, per guardrail...): never two for the same resource.
    """
    found: dict[str, set[Status]] = defaultdict(set)
    seen: set[tuple[str, str | None]] = set()
    for r in results.results:
        if (r.account_id, r.region) == (account, region):
            key = (r.check_id, r.resource_arn)
            assert key not in seen, key
            seen.add(key)
            found[r.check_id].add(r.status)
    return dict(found)


def test_the_partial_accounts_empty_region_keeps_only_the_baseline(auto: Results) -> None:
    here = at(auto, PARTIAL, "us-west-2")
    assert {c for c in PER_WORKLOAD if Status.FAIL in here[c]} == set()
    assert set().union(*(here[c] for c in PER_WORKLOAD)) == {Status.NOT_APPLICABLE}
    assert all(Status.NOT_APPLICABLE not in here[c] for c in BASELINE)
    assert here["bedrock-invocation-logging"] == {Status.FAIL}  # logging off there: still judged
    assert auto.scoping is not None and auto.scoping.mode == "auto"
    (scope,) = [
        s for s in auto.scoping.regions if (s.account_id, s.region) == (PARTIAL, "us-west-2")
    ]
    assert scope.ai_in_use is False and scope.inventory == [] and scope.unknown == []
    assert scope.not_applicable["AWS::BedrockAgentCore::Gateway"] == (
        "no AgentCore gateway exists in us-west-2 and no AgentCore use was seen in 30 days"
    )


def test_quiet_model_use_in_the_lab_keeps_model_data_events(auto: Results) -> None:
    here = at(auto, LAB, "us-west-2")
    assert Status.NOT_APPLICABLE not in here["ct-data-bedrock-model"]
    assert Status.NOT_APPLICABLE not in here["ct-data-mantle-project"]
    assert here["ct-data-agentcore-gateway"] == {Status.NOT_APPLICABLE}
    assert auto.scoping is not None
    (scope,) = [s for s in auto.scoping.regions if (s.account_id, s.region) == (LAB, "us-west-2")]
    assert scope.ai_in_use is True and scope.inventory == []
    assert "AWS/Bedrock Invocations: 7,200 in 30 days" in scope.signals


def test_inventoried_workloads_are_judged_where_they_exist(auto: Results) -> None:
    here = at(auto, GUIDE, "us-east-1")
    for check in (
        "ct-data-agentcore-gateway",
        "ct-data-bedrock-agent-alias",
        "mf-20-gateway-config-changes",
    ):
        assert Status.NOT_APPLICABLE not in here[check], check


def test_all_judges_every_check_everywhere(auto: Results, every: Results) -> None:
    assert not any("scoping" in r.evidence for r in every.results)
    assert len(every.results) == len(auto.results)
    scoped = {(r.check_id, r.account_id, r.region) for r in auto.results if "scoping" in r.evidence}
    assert scoped
    for r in every.results:
        if (r.check_id, r.account_id, r.region) in scoped:
            assert r.status != Status.NOT_APPLICABLE
    assert every.scoping is not None and every.scoping.mode == "all"
    assert all(not s.not_applicable for s in every.scoping.regions)
