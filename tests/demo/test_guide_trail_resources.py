"""The demo's guide account logs its own AI resources by their real (random) ids (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.demo.environment import DEMO_RESOURCE_IDS, DemoEnvironment
from aiposture.demo.selectors import (
    PLACEHOLDER_VALUES,
    guide_account_selectors,
    inventory_named_types,
)
from aiposture.results import Results, Status
from aiposture.rules.support.inventory import cloudtrail_arn
from aiposture.snapshot.inventory import KINDS_BY_KEY
from aiposture.snapshot.models import AccountSnapshot, Snapshot

pytestmark = pytest.mark.integration

GUIDE, PLACEHOLDER = "111122223333", "777788889999"
E1, W2 = "us-east-1", "us-west-2"
DEMO_IDS = {v for k, v in PLACEHOLDER_VALUES.items() if v != "default"}
"""The demo's made-up ids (``default`` is AWS's own directory and token vault name)."""


@pytest.fixture(scope="module")
def snapshot(demo_env: DemoEnvironment) -> Snapshot:
    return demo_env.collect()


@pytest.fixture(scope="module")
def results(snapshot: Snapshot, demo_env: DemoEnvironment) -> Results:
    return evaluate_snapshot(snapshot, demo_env.org.config)


def guide(snapshot: Snapshot) -> AccountSnapshot:
    return next(a for a in snapshot.accounts if a.account_id == GUIDE)


def values_by_type(selectors: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for selector in selectors:
        fields = {f["Field"]: f for f in selector["FieldSelectors"]}
        for rtype in fields.get("resources.type", {}).get("Equals", []):
            arn = fields.get("resources.ARN", {})
            out.setdefault(rtype, []).extend([*arn.get("StartsWith", []), *arn.get("Equals", [])])
    return out


def test_the_guide_trail_names_each_inventoried_resource_and_no_made_up_id(
    snapshot: Snapshot,
) -> None:
    acct = guide(snapshot)
    [trail] = acct.trails
    assert trail.event_selectors is not None
    values = values_by_type(trail.event_selectors.advanced or [])
    today = values_by_type(guide_account_selectors(GUIDE, [W2]))
    inventory = acct.regions[E1].inventory or {}
    named = set()
    for key, items in inventory.items():
        rtype = KINDS_BY_KEY[key].data_event_type
        if rtype is None or not items or not values.get(rtype):
            continue  # no data events, or a type-wide selector (Model)
        named.add(rtype)
        east = [v for v in values[rtype] if f":{E1}:" in v]
        for item in items:
            arn = cloudtrail_arn(item.arn)
            assert any(arn.startswith(v) for v in east), (rtype, arn, east)
        assert not [v for v in east if any(i in v for i in DEMO_IDS)], (rtype, east)
        west = [v for v in values[rtype] if f":{W2}:" in v]
        west_items = (acct.regions[W2].inventory or {}).get(key) or []
        if not west_items:  # us-west-2 holds none of them: the demo's ids, as before
            assert west == today[rtype], rtype
            continue
        # the guide's guardrails and prompt are in every region: named by their real ids
        for item in west_items:
            arn = cloudtrail_arn(item.arn)
            assert any(arn.startswith(v) for v in west), (rtype, arn, west)
        assert not [v for v in west if any(i in v for i in DEMO_IDS)], (rtype, west)
    assert len(named) >= 13, named
    assert values["AWS::Bedrock::AgentAlias"][-1] == (
        f"arn:aws:bedrock:{W2}:{GUIDE}:agent-alias/AGENT12345/ALIAS67890"
    )


def test_the_guide_config_drops_the_ids_the_inventory_names(demo_env: DemoEnvironment) -> None:
    config = demo_env.org.config
    ids = config.resources_for(GUIDE).ids
    assert "AWS::Bedrock::AgentAlias" not in ids and "AWS::BedrockAgentCore::Gateway" not in ids
    assert ids["AWS::Bedrock::Session"] == DEMO_RESOURCE_IDS["AWS::Bedrock::Session"]
    assert config.resources_for(PLACEHOLDER).ids == DEMO_RESOURCE_IDS
    assert inventory_named_types({E1: {}, W2: {}}) == set()


def test_every_guide_resource_is_judged_logged(results: Results) -> None:
    judged = [
        r
        for r in results.results
        if (r.account_id, r.region) == (GUIDE, E1) and r.evidence.get("resources")
    ]
    assert len(judged) >= 13
    for r in judged:
        assert r.status == Status.PASS, (r.check_id, r.message)
        assert all(row["logged"] is True for row in r.evidence["resources"]), r.check_id
