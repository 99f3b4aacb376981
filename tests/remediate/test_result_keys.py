"""Results are matched before and after a plan resource by resource where a check judges each.

A per-resource check (one result per agent, guardrail, log group...) gives several results
in one account and region. Matched on (check, account, region) alone, an agent that passes
would seem to fail after the plan (a regression that stops every script), and an agent that
fails would seem fixed by the plan when another one passes.
"""

from __future__ import annotations

from aiposture.api import evaluate_snapshot
from aiposture.config import Config
from aiposture.engine.catalog import load_catalog
from aiposture.remediate.planning import result_key
from aiposture.remediate.verify import plan_and_verify
from aiposture.rules import REGISTRY
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.io import snapshot_sha256
from aiposture.snapshot.models import InventoryItem, Snapshot
from tests.builders import ACCOUNT, REGION, guide_trail, snapshot

CHECK = "bedrock-agent-guardrail"
GUARDRAIL = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/gr1234abcd56"


def _agent(agent_id: str, guardrail: bool) -> InventoryItem:
    agent: dict[str, object] = {"agentId": agent_id, "agentName": agent_id.lower()}
    if guardrail:
        agent["guardrailConfiguration"] = {
            "guardrailIdentifier": "gr1234abcd56",
            "guardrailVersion": "1",
        }
    return InventoryItem(
        arn=f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/{agent_id}",
        id=agent_id,
        name=agent_id.lower(),
        details={"agent": agent},
    )


def _two_agents(*, failing_first: bool) -> Snapshot:
    snap = snapshot(guide_trail())
    acct = snap.account(ACCOUNT)
    assert acct is not None
    region = acct.regions[REGION]
    region.inventory = {kind.key: [] for kind in RESOURCE_KINDS}
    region.inventory["bedrock:guardrail"] = [
        InventoryItem(arn=GUARDRAIL, id="gr1234abcd56", name="support", status="READY")
    ]
    agents = [_agent("AGENTFAIL1", False), _agent("AGENTPASS1", True)]
    region.inventory["bedrock-agent:agent"] = agents if failing_first else agents[::-1]
    return snap


def test_the_kinds_that_judge_each_resource_say_so() -> None:
    per_resource = {name for name, kind in REGISTRY.items() if kind.results == "resource"}
    assert {
        "agent_guardrail",
        "runtime_log_groups",
        "log_retention",
        "trail_logging",
    } <= per_resource
    assert not {"metric_filter", "alarm_chain", "dashboard"} & per_resource


def test_a_per_resource_check_is_keyed_by_its_resource() -> None:
    catalog = load_catalog()
    results = evaluate_snapshot(_two_agents(failing_first=True), Config())
    mine = [r for r in results.results if r.check_id == CHECK]
    assert sorted(r.status.value for r in mine) == ["FAIL", "PASS"]
    assert {result_key(r, catalog)[3] for r in mine} == {r.resource_arn for r in mine}


def test_a_passing_and_a_failing_agent_in_one_region_verify_as_they_are() -> None:
    catalog, config = load_catalog(), Config()
    for failing_first in (True, False):
        snap = _two_agents(failing_first=failing_first)
        results = evaluate_snapshot(snap, config)
        plan, verification = plan_and_verify(snap, results, catalog, config, snapshot_sha256(snap))
        assert not [c for c in verification.regressed if c.check_id == CHECK]
        assert not [c for c in verification.fixed if c.check_id == CHECK]
        assert not [c for c in verification.other_changes if c.check_id == CHECK]
        assert all(t.check_id != CHECK for t in plan.targets)
        left = [
            t for a in plan.accounts for u in a.unresolved for t in u.targets if t.check_id == CHECK
        ]
        assert [t.resource_arn for t in left] == [
            f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/AGENTFAIL1"
        ]
