"""Issue 16 acceptance on the demo: a fix plan with no blanks, and it verifies.

``aiposture remediate`` on the demo: no step whose planned state holds a guide placeholder,
no Unresolved step about resource ids (only human decisions are left), and the plan's
verification replays it and every targeted data-event check passes. Both with the demo's
own configuration (resource ids listed for some accounts) and with none at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.config import Config
from aiposture.demo.environment import DemoEnvironment
from aiposture.engine.catalog import load_catalog
from aiposture.lang.guide_placeholders import find_placeholders
from aiposture.remediate.plan import Plan, PutEventSelectors, Step, Verification
from aiposture.remediate.verify import plan_and_verify
from aiposture.snapshot.io import snapshot_sha256
from aiposture.snapshot.models import Snapshot

pytestmark = pytest.mark.integration

IDS_QUESTION = ("not known", "does not guess", "are configured for account")


@pytest.fixture(scope="module")
def demo_snapshot(demo_env: DemoEnvironment) -> Snapshot:
    return demo_env.collect()


@pytest.fixture(scope="module", params=["demo config", "no config"])
def planned(
    request: pytest.FixtureRequest, demo_env: DemoEnvironment, demo_snapshot: Snapshot
) -> tuple[Plan, Verification]:
    config = demo_env.org.config if request.param == "demo config" else Config()
    results = evaluate_snapshot(demo_snapshot, config)
    return plan_and_verify(
        demo_snapshot, results, load_catalog(), config, snapshot_sha256(demo_snapshot)
    )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _planned_state(step: Step) -> Iterator[str]:
    """Every string of what ``step`` writes: not the state as read (``trail``, ``before``)."""
    data = step.model_dump()
    if isinstance(step, PutEventSelectors):
        yield from _strings(data["after"])
        for change in data["changes"]:
            yield from _strings(change["after"])
        return
    for key, value in data.items():
        if key not in ("trail", "targets", "notes", "reason") and not key.startswith("before"):
            yield from _strings(value)


def test_no_planned_state_holds_a_guide_placeholder(planned: tuple[Plan, Verification]) -> None:
    plan, _ = planned
    steps = [s for a in plan.accounts for s in a.changes]
    assert any(isinstance(s, PutEventSelectors) for s in steps)
    for step in steps:
        for text in _planned_state(step):
            assert not find_placeholders(text), (step.kind, step.subject, text)


def test_no_unresolved_step_asks_for_resource_ids(planned: tuple[Plan, Verification]) -> None:
    plan, _ = planned
    asking = [
        (u.region, u.reason)
        for a in plan.accounts
        for u in a.unresolved
        if any(q in u.reason for q in IDS_QUESTION) or ".resources." in (u.config_key or "")
    ]
    assert not asking, asking[:5]


def test_the_replay_passes_every_targeted_data_event_check(
    planned: tuple[Plan, Verification],
) -> None:
    plan, verification = planned
    assert verification.ok, (verification.not_fixed[:5], verification.regressed[:5])
    data = [c for c in verification.fixed if c.check_id.startswith("ct-data-")]
    # Both demo accounts with their own trails (partial, hr) get data events for every type
    # they miss, in both regions.
    assert len(data) > 40
    assert {c.account_id for c in data} >= {"444455556666", "777788889999"}
    targeted = {t.check_id for t in plan.targets if t.check_id.startswith("ct-data-")}
    assert targeted == {c.check_id for c in data}


def test_every_inventoried_alias_of_the_hr_account_is_named(
    planned: tuple[Plan, Verification], demo_snapshot: Snapshot
) -> None:
    """The org trail's guide selector for agent aliases gets the real aliases' ARNs."""
    plan, _ = planned
    acct = demo_snapshot.account("777788889999")
    assert acct is not None
    inventory = acct.regions["us-east-1"].inventory or {}
    aliases = {i.arn for i in inventory.get("bedrock-agent:agent-alias", [])}
    assert aliases
    values = {
        v
        for a in plan.accounts
        for s in a.steps
        if isinstance(s, PutEventSelectors) and s.trail_name == "org-ai-trail"
        for selector in s.after
        if any(
            f["Field"] == "resources.type" and "AWS::Bedrock::AgentAlias" in f.get("Equals", [])
            for f in selector["FieldSelectors"]
        )
        for f in selector["FieldSelectors"]
        if f["Field"] == "resources.ARN"
        for op, vs in f.items()
        if op != "Field"
        for v in vs
    }
    assert aliases <= values
