"""Issue 6 acceptance: the demo's generated scripts, run against moto, fix what the plan says.

The demo organization is scanned through moto's HTTP server; the plan is built and
verified; each account's ``apply.sh`` runs with the real AWS CLI and that account's
credentials; a second scan must then report exactly what the verification predicted:
every targeted failure PASS, every other result unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import DemoServer, scoped_env
from aiposture.engine.catalog import load_catalog
from aiposture.engine.runner import evaluate
from aiposture.lang.guide_placeholders import find_placeholders
from aiposture.remediate.outputs import write_plan
from aiposture.remediate.plan import Plan, PutEventSelectors, Verification
from aiposture.remediate.planning import result_key
from aiposture.remediate.verify import judged_after, plan_and_verify
from aiposture.results import Results, Status
from aiposture.snapshot.io import snapshot_sha256
from aiposture.snapshot.models import Snapshot

from .script_support import run_script

pytestmark = [pytest.mark.integration, pytest.mark.slow]

_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


@dataclass
class World:
    """Everything the acceptance tests look at."""

    before_snapshot: Snapshot
    before: Results
    plan: Plan
    verification: Verification
    predicted: Results
    runs: dict[str, subprocess.CompletedProcess[str]]
    after_snapshot: Snapshot
    after: Results
    reruns: dict[str, subprocess.CompletedProcess[str]]
    after_rerun: Results
    out: Path


def _scan(server: DemoServer) -> Snapshot:
    env = {
        **server.credentials,
        "AWS_ENDPOINT_URL": server.endpoint_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    org = server.org
    with scoped_env(env, _CLEARED):
        return collect(
            SessionFactory(), CollectOptions(regions=org.regions, assume_roles=org.assume_roles)
        )


def _judge(snapshot: Snapshot, server: DemoServer) -> Results:
    return evaluate(snapshot, snapshot_sha256(snapshot), load_catalog(), server.org.config)


@pytest.fixture(scope="module")
def world(demo_server: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    out = tmp_path_factory.mktemp("remediate")
    snapshot = _scan(demo_server)
    before = _judge(snapshot, demo_server)
    catalog, config = load_catalog(), demo_server.org.config
    plan, verification = plan_and_verify(
        snapshot, before, catalog, config, snapshot_sha256(snapshot)
    )
    predicted = judged_after(plan, snapshot, catalog, config)
    write_plan(plan, out, verification)
    scripts = {a.account_id: out / a.account_id / "apply.sh" for a in plan.accounts if a.changes}
    runs = {
        acct: run_script(demo_server.endpoint_url, acct, path) for acct, path in scripts.items()
    }
    after_snapshot = _scan(demo_server)
    after = _judge(after_snapshot, demo_server)
    reruns = {
        acct: run_script(demo_server.endpoint_url, acct, path) for acct, path in scripts.items()
    }
    after_rerun = _judge(_scan(demo_server), demo_server)
    yield World(
        snapshot,
        before,
        plan,
        verification,
        predicted,
        runs,
        after_snapshot,
        after,
        reruns,
        after_rerun,
        out,
    )


def _statuses(results: Results) -> dict[Any, Status]:
    catalog = load_catalog()
    return {result_key(r, catalog): r.status for r in results.results}


def test_every_script_runs_to_the_end(world: World) -> None:
    # The guide account gets a script too when the data-event checks find inventoried
    # resources its trail's selectors (written with the configured ids) do not log.
    assert {"444455556666", "555566667777", "777788889999"} <= set(world.runs)
    assert set(world.runs) == {a.account_id for a in world.plan.accounts if a.changes}
    for account, run in world.runs.items():
        assert run.returncode == 0, f"{account}: {run.stderr[-3000:]}"


def test_the_plan_verifies_and_fixes_most_of_the_demo(world: World) -> None:
    v = world.verification
    assert v.ok, (v.not_fixed[:5], v.regressed[:5])
    assert not v.other_changes
    # 273 on the day of issue 12 (331 before it): the partial account's detections behind its
    # broken CloudWatch Logs delivery are no longer claimed as fixed by new filters and alarms.
    # 242 on the day of issue 16: scoping by use makes the per-workload checks of regions with
    # no resource and no use NOT_APPLICABLE (nothing to fix there), while the data-event
    # checks left are all fixed now that selectors name the inventoried resources.
    assert len(v.fixed) > 200
    fixed_checks = {c.check_id.split("-")[0] for c in v.fixed}
    assert {"ct", "mf", "alarm", "ci", "query", "det"} <= fixed_checks


def test_no_detection_behind_broken_delivery_is_claimed_or_turns_pass(world: World) -> None:
    """Issue 12: new filters and alarms on a log group that receives nothing fix nothing."""
    detection = ("mf-", "alarm-", "ci-", "query-")
    behind = [
        r
        for r in world.after.results
        if r.account_id == "444455556666"
        and r.region == "us-east-1"
        and r.check_id.startswith(detection)
    ]
    assert behind
    for r in behind:
        assert r.status != Status.PASS, (r.check_id, r.message)
    claimed = [
        c.check_id
        for c in world.verification.fixed
        if c.account_id == "444455556666"
        and c.region == "us-east-1"
        and c.check_id.startswith(detection)
    ]
    assert not claimed


def test_rescan_after_the_scripts_is_exactly_what_the_verification_predicted(
    world: World,
) -> None:
    before, after, predicted = (
        _statuses(world.before),
        _statuses(world.after),
        _statuses(world.predicted),
    )
    assert after.keys() == before.keys()
    targeted = {t.key for t in world.plan.targets}
    for key, status in before.items():
        if key in targeted:
            assert status == Status.FAIL and after[key] == Status.PASS, key
        else:
            assert after[key] == status, (key, status, after[key])
        assert after[key] == predicted[key], key


def test_a_second_run_changes_nothing(world: World) -> None:
    for account, run in world.reruns.items():
        assert run.returncode == 0, f"{account}: {run.stderr[-3000:]}"
    assert _statuses(world.after_rerun) == _statuses(world.after)


def _placeholders(selector: dict[str, Any]) -> list[str]:
    return [
        p
        for field in selector.get("FieldSelectors", [])
        for op, values in field.items()
        if op != "Field"
        for value in values
        for p in find_placeholders(value)
    ]


def _selectors(snapshot: Snapshot, account: str, trail_name: str) -> list[dict[str, Any]]:
    acct = snapshot.account(account)
    assert acct is not None
    trail = next(t for t in acct.trails if t.name == trail_name)
    assert trail.event_selectors is not None and trail.event_selectors.advanced is not None
    return trail.event_selectors.advanced


@pytest.mark.parametrize(
    ("account", "trail"), [("444455556666", "ops-trail"), ("777788889999", "org-ai-trail")]
)
def test_every_existing_selector_survives_one_by_one(
    world: World, account: str, trail: str
) -> None:
    """Each selector the trail had is still there, identical, unless the plan repaired it."""
    step = next(
        s
        for a in world.plan.accounts
        for s in a.steps
        if isinstance(s, PutEventSelectors) and s.trail_name == trail
    )
    replaced = {c.name: c.after for c in step.changes if c.change == "replaced"}
    before = _selectors(world.before_snapshot, account, trail)
    after = _selectors(world.after_snapshot, account, trail)
    # Only selectors with wrong values are touched, and after the repair they hold none.
    for selector in before:
        if selector["Name"] in replaced:
            assert _placeholders(selector), selector["Name"]
            assert not _placeholders(replaced[selector["Name"]] or {}), selector["Name"]
    assert len(after) == len(step.after) > len(before)
    for selector in before:
        expected = replaced.get(selector["Name"], selector)
        assert expected in after, selector["Name"]
    assert after == step.after


def test_the_plan_never_contains_a_guide_placeholder(world: World) -> None:
    """Every value a change sends is real; what the plan lacks names a config key."""

    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    sent_fields = {"after", "pattern", "definition", "query_string", "body", "config"}
    for account in world.plan.accounts:
        for step in account.changes:
            data = step.model_dump()
            for name in sent_fields & data.keys():
                for text in strings(data[name]):
                    assert not find_placeholders(text), (step.kind, text)
        for step in account.unresolved:
            if "not known" in step.reason or "no SNS topic" in step.reason:
                assert step.config_key, step.reason
    # The script's drift guards quote the trail's current selectors, placeholders and all;
    # the Terraform file and the update templates hold only what is sent.
    sent = [p.read_text() for p in world.out.glob("*/main.tf")] + [
        p.read_text()
        for p in world.out.glob("*/cloudformation-*.yaml")
        if not p.name.endswith("-import.yaml")
    ]
    assert sent
    for token in ("ACCOUNT_ID", "YOUR_CLOUDTRAIL_LOG_GROUP", "<region>", "<account", "KB_ID"):
        assert not any(token in s for s in sent), token


def test_the_demo_plan_passes_cfn_lint_and_parses_as_hcl(world: World) -> None:
    import hcl2
    from cfnlint.api import lint_all

    templates = sorted(world.out.glob("*/cloudformation-*.yaml"))
    assert len(templates) >= 3
    for path in templates:
        matches = lint_all(path.read_text())
        assert not [m for m in matches if m.rule.id[0] in "EW"], (path.name, matches[:3])
    for path in world.out.glob("*/main.tf"):
        parsed = hcl2.loads(path.read_text())
        assert parsed["resource"], path


def test_no_unresolved_step_asks_for_resource_ids(world: World) -> None:
    """Issue 16: the inventory, or the type's account-and-region prefix, names what to log.

    Before it, the partial account was asked for ``resources.ids."AWS::Bedrock::Guardrail"``.
    Since issue 17 it has guardrails (a LOW prompt-attack filter, a detect-only one), so its
    new selector names the inventoried guardrails; the prefix for a type with nothing listed
    is tested in test_fix_plan_values.py.
    """
    partial = world.plan.account("444455556666")
    assert partial is not None
    for account in world.plan.accounts:
        for s in account.unresolved:
            assert ".resources." not in (s.config_key or ""), s.reason
    guardrail = [
        c.after
        for s in partial.steps
        if isinstance(s, PutEventSelectors) and s.trail_name == "ops-trail"
        for c in s.changes
        if c.change == "added" and "Guardrail" in c.name
    ]
    assert guardrail and guardrail[0] is not None
    acct = world.before_snapshot.account("444455556666")
    assert acct is not None
    listed = (acct.regions["us-east-1"].inventory or {}).get("bedrock:guardrail", [])
    assert len(listed) == 2
    arns = [f for f in guardrail[0]["FieldSelectors"] if f["Field"] == "resources.ARN"]
    # The guide's operator is kept: StartsWith, so a guardrail version's ARN matches too.
    assert len(arns) == 1 and set(arns[0]) == {"Field", "StartsWith"}, arns
    assert sorted(arns[0]["StartsWith"]) == sorted(i.arn for i in listed)
    # remediation.alarm_topic_arns: every demo region has a confirmed topic now, see
    # test_alarm_topics.py


def test_plan_json_round_trips(world: World) -> None:
    text = (world.out / "plan.json").read_text()
    assert Plan.model_validate(json.loads(text)) == world.plan
