"""Issue 16, fix plans with no blanks: selectors name the inventoried resources, or a real prefix.

One account, one region, a trail that logs management events only, and an inventory with
two Bedrock agent aliases. The plan must write the aliases' exact ARNs (or, with
``remediation.selector_scope = "type"``, the account-and-region prefix), log a type nobody
can list through its prefix instead of asking for ids, say what each new selector costs,
and pass its own verification (every targeted data-event result PASS after the replay).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.config import Config, RemediationConfig, ResourcesConfig
from aiposture.engine.catalog import load_catalog
from aiposture.remediate.build import build_plan
from aiposture.remediate.outputs import write_plan
from aiposture.remediate.plan import Plan, PutEventSelectors, SelectorChange, Verification
from aiposture.remediate.planning import result_key
from aiposture.remediate.verify import plan_and_verify
from aiposture.results import Results, Status
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.io import snapshot_sha256
from aiposture.snapshot.models import InventoryItem, MetricUse, Snapshot, Usage
from tests.builders import ACCOUNT, NOW, REGION, snapshot, trail

ALIAS = "AWS::Bedrock::AgentAlias"
TOOL = "AWS::Bedrock::Tool"
"""No API lists Bedrock tools: the plan can only log them through the type's prefix."""
ALIAS_ARNS = [
    f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent-alias/AGENT00001/TSTALIASID",
    f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent-alias/AGENT00001/PRODALIAS1",
]
ALIAS_PREFIX = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent-alias/"
TOOL_PREFIX = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:tool/"
HOSTILE_NAME = "<img src=x onerror=alert(1)>|=cmd|' $(touch /tmp/aiposture-pwned)"
HOSTILE_ARN = (
    f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent-alias/AGENT00001/"
    "x' $(touch /tmp/aiposture-pwned) {{resolve:ssm:/team/token}} ${var.x}"
)


def _alias(arn: str, name: str) -> InventoryItem:
    return InventoryItem(
        arn=arn,
        id=arn.rsplit("/", 1)[1],
        name=name,
        parent_arn=f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/AGENT00001",
    )


def _snapshot(
    aliases: list[InventoryItem] | None,
    *,
    inventory: bool = True,
    metrics: list[MetricUse] | None = None,
) -> Snapshot:
    snap = snapshot(trail())
    acct = snap.account(ACCOUNT)
    assert acct is not None
    region = acct.regions[REGION]
    if inventory:
        region.inventory = {kind.key: [] for kind in RESOURCE_KINDS}
        region.inventory["bedrock-agent:agent"] = [
            InventoryItem(
                arn=f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/AGENT00001",
                id="AGENT00001",
                name="support",
            )
        ]
        region.inventory["bedrock-agent:agent-alias"] = list(aliases or [])
    region.usage = Usage(
        window_days=30, start=NOW - timedelta(days=30), end=NOW, metrics=list(metrics or [])
    )
    return snap


def _config(**remediation: Any) -> Config:
    return Config(remediation=RemediationConfig(**remediation))


def _plan(snap: Snapshot, config: Config) -> tuple[Plan, Verification, Results]:
    results = evaluate_snapshot(snap, config)
    plan, verification = plan_and_verify(
        snap, results, load_catalog(), config, snapshot_sha256(snap)
    )
    return plan, verification, results


def _change(plan: Plan, rtype: str) -> SelectorChange:
    for account in plan.accounts:
        for step in account.steps:
            if not isinstance(step, PutEventSelectors):
                continue
            for change in step.changes:
                fields = (change.after or {}).get("FieldSelectors", [])
                if change.change == "added" and any(
                    f["Field"] == "resources.type" and f.get("Equals") == [rtype] for f in fields
                ):
                    return change
    raise AssertionError(f"no selector added for {rtype}")


def _arn_values(change: SelectorChange) -> list[str]:
    return [
        v
        for f in (change.after or {}).get("FieldSelectors", [])
        if f["Field"] == "resources.ARN"
        for op, values in f.items()
        if op != "Field"
        for v in values
    ]


def _fixed(verification: Verification) -> set[str]:
    return {c.check_id for c in verification.fixed}


def _asks_for_ids(plan: Plan) -> list[str]:
    return [
        u.reason
        for a in plan.accounts
        for u in a.unresolved
        if "not known" in u.reason or "does not guess" in u.reason
    ]


@pytest.fixture(scope="module")
def two_aliases() -> Snapshot:
    return _snapshot(
        [_alias(ALIAS_ARNS[0], "AgentTestAlias"), _alias(ALIAS_ARNS[1], "prod")],
        metrics=[
            # The same 3,000 invocations, published per account and per operation.
            MetricUse(namespace="AWS/Bedrock/Agents", metric="InvocationCount", total=3000),
            MetricUse(
                namespace="AWS/Bedrock/Agents",
                metric="InvocationCount",
                dimensions={"Operation": "InvokeAgent"},
                total=3000,
            ),
        ],
    )


def test_selectors_name_exactly_the_inventoried_resources(two_aliases: Snapshot) -> None:
    plan, verification, _ = _plan(two_aliases, _config())
    assert sorted(_arn_values(_change(plan, ALIAS))) == sorted(ALIAS_ARNS)
    # Nothing lists tools: the account-and-region prefix, never a question about ids.
    assert _arn_values(_change(plan, TOOL)) == [TOOL_PREFIX]
    assert not _asks_for_ids(plan)
    assert verification.ok, verification.not_fixed[:3]
    assert {"ct-data-bedrock-agent-alias", "ct-data-bedrock-tool"} <= _fixed(verification)


def test_type_scope_writes_the_account_and_region_prefix(two_aliases: Snapshot) -> None:
    plan, verification, _ = _plan(two_aliases, _config(selector_scope="type"))
    assert _arn_values(_change(plan, ALIAS)) == [ALIAS_PREFIX]
    assert verification.ok, verification.not_fixed[:3]
    assert "ct-data-bedrock-agent-alias" in _fixed(verification)


def test_configured_ids_are_logged_with_the_inventoried_ones(two_aliases: Snapshot) -> None:
    config = Config(
        resources=ResourcesConfig(ids={ALIAS: ["AGENT00002/LIVEALIAS1"]}),
        remediation=RemediationConfig(),
    )
    plan, verification, _ = _plan(two_aliases, config)
    configured = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent-alias/AGENT00002/LIVEALIAS1"
    assert sorted(_arn_values(_change(plan, ALIAS))) == sorted([configured, *ALIAS_ARNS])
    assert verification.ok, verification.not_fixed[:3]


def test_a_snapshot_without_inventory_still_asks_unless_account_wide() -> None:
    """Backward compatible: ``unknown_resource_ids`` decides for snapshots with no inventory."""
    old = _snapshot(None, inventory=False)
    plan, _, _ = _plan(old, _config())
    keys = {u.config_key for a in plan.accounts for u in a.unresolved}
    assert f'accounts."{ACCOUNT}".resources.ids."{ALIAS}"' in keys
    plan, verification, _ = _plan(old, _config(unknown_resource_ids="account-wide"))
    assert _arn_values(_change(plan, ALIAS)) == [ALIAS_PREFIX]
    assert not _asks_for_ids(plan)
    assert "ct-data-bedrock-agent-alias" in _fixed(verification)


def test_each_new_data_event_selector_says_what_it_is_expected_to_cost(
    two_aliases: Snapshot, tmp_path: Path
) -> None:
    plan, verification, _ = _plan(two_aliases, _config(data_event_price_usd_per_100k=0.2))
    cost = _change(plan, ALIAS).cost
    assert cost is not None
    # 3,000 invocations in 30 days (counted once, not once per dimension set) = 100 a day;
    # 100 x 30 days x 0.20 USD / 100,000 = 0.006 USD a month.
    assert cost.events_per_day == 100.0
    assert cost.usd_per_month == pytest.approx(0.006)
    assert cost.price_usd_per_100k == 0.2
    assert "estimate" in cost.basis
    unknown = _change(plan, TOOL).cost
    assert unknown is not None and unknown.events_per_day is None
    assert unknown.basis == "volume unknown (no usage metric for this type)"
    write_plan(plan, tmp_path, verification)
    readme = (tmp_path / ACCOUNT / "README.md").read_text()
    assert "Expected cost of the new data events (estimate)" in readme
    assert "\\~100.0" in readme and "volume unknown (no usage metric for this type)" in readme
    saved = json.loads((tmp_path / "plan.json").read_text())
    assert Plan.model_validate(saved) == plan


def test_a_result_that_is_not_a_failure_gets_no_step(two_aliases: Snapshot) -> None:
    """A NOT_APPLICABLE data-event check (scoping) is neither planned nor left unresolved."""
    config = _config()
    results = evaluate_snapshot(two_aliases, config)
    alias = next(
        r
        for r in results.results
        if r.check_id == "ct-data-bedrock-agent-alias" and r.status == Status.FAIL
    )
    alias.status = Status.NOT_APPLICABLE
    plan = build_plan(two_aliases, results, load_catalog(), config, snapshot_sha256(two_aliases))
    keys = {t.key for t in plan.targets} | {
        t.key for a in plan.accounts for u in a.unresolved for t in u.targets
    }
    assert result_key(alias, load_catalog()) not in keys
    assert not any(
        f.get("Equals") == [ALIAS]
        for a in plan.accounts
        for s in a.steps
        if isinstance(s, PutEventSelectors)
        for c in s.changes
        if c.change == "added"
        for f in (c.after or {}).get("FieldSelectors", [])
    )


def test_an_inventoried_arn_that_is_not_plain_never_reaches_the_plan(tmp_path: Path) -> None:
    """Names are user-chosen and ARNs come from AWS: neither is written as code or markup."""
    snap = _snapshot([_alias(ALIAS_ARNS[0], HOSTILE_NAME), _alias(HOSTILE_ARN, HOSTILE_NAME)])
    plan, verification, _ = _plan(snap, _config())
    # The odd ARN is logged through the type's prefix, which matches it (and the other).
    assert _arn_values(_change(plan, ALIAS)) == [ALIAS_PREFIX]
    assert verification.ok, verification.not_fixed[:3]
    assert "ct-data-bedrock-agent-alias" in _fixed(verification)
    write_plan(plan, tmp_path, verification)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "apply.sh" for p in written)
    for path in written:
        text = path.read_text()
        for token in ("touch /tmp/aiposture-pwned", "resolve:ssm", "onerror", HOSTILE_NAME):
            assert token not in text, (path.name, token)


def test_a_credential_provider_is_logged_under_the_arn_cloudtrail_records() -> None:
    """AgentCore lists credential providers as ``acps`` ARNs; CloudTrail records them under
    ``bedrock-agentcore``, which is what the selector must name for the check to pass."""
    snap = _snapshot([_alias(ALIAS_ARNS[0], "AgentTestAlias")])
    acct = snap.account(ACCOUNT)
    assert acct is not None and acct.regions[REGION].inventory is not None
    path = "token-vault/default/apikeycredentialprovider/search-key"
    acct.regions[REGION].inventory["bedrock-agentcore-control:api-key-credential-provider"] = [
        InventoryItem(arn=f"arn:aws:acps:{REGION}:{ACCOUNT}:{path}", id="search-key")
    ]
    plan, verification, _ = _plan(snap, _config())
    values = _arn_values(_change(plan, "AWS::BedrockAgentCore::APIKeyCredentialProvider"))
    assert values == [f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:{path}"]
    assert verification.ok, verification.not_fixed[:3]
    assert "ct-data-agentcore-api-key-credential-provider" in _fixed(verification)
