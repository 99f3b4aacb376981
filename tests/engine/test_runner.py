"""The runner never turns a failure into a pass."""

from __future__ import annotations

import gc

from aiposture.config import Config
from aiposture.engine.catalog import Catalog, load_catalog
from aiposture.engine.exit_codes import ExitCode, exit_code
from aiposture.engine.runner import evaluate
from aiposture.results import Severity, Status
from aiposture.rules.base import RuleKind
from aiposture.snapshot.models import AccountSnapshot, CallError, ScanPlan
from aiposture.snapshot.shards import shard_of
from tests.builders import REGION, snapshot, trail
from tests.rules.test_metric_filter import AGENTS, GROUP, entry, guide, snap_with

CATALOG = load_catalog()


def test_a_rule_that_raises_becomes_error():
    item = CATALOG.get("ct-trail-logging")
    assert item is not None

    def boom(params, ctx):
        raise RuntimeError("kaboom")

    broken = type(item)(
        item.check,
        RuleKind(item.kind.name, boom, item.kind.params, "account_region", "x", results="region"),
        item.params,
        item.path,
    )
    results = evaluate(snapshot(trail()), "sha", Catalog((broken,), "v"), Config())
    assert [r.status for r in results.results] == [Status.ERROR]
    assert "kaboom" in results.results[0].message


def test_an_account_that_could_not_be_reached_gets_error_for_every_check():
    snap = snapshot(trail())
    snap.accounts.append(
        AccountSnapshot(
            account_id="444455556666",
            errors=[
                CallError(
                    service="sts",
                    operation="AssumeRole",
                    error_code="AccessDenied",
                    message="not authorized to assume",
                )
            ],
        )
    )
    results = evaluate(snap, "sha", CATALOG, Config())
    theirs = [r for r in results.results if r.account_id == "444455556666"]
    assert len(theirs) == len(CATALOG.checks)
    assert {r.status for r in theirs} == {Status.ERROR}
    assert all("AssumeRole" in r.message for r in theirs)
    assert exit_code(results, Severity.CRITICAL) == ExitCode.FINDINGS


def test_results_carry_check_metadata_and_scan_info():
    results = evaluate(snapshot(trail()), "abc", CATALOG, Config())
    assert results.scan.snapshot_sha256 == "abc"
    assert results.scan.accounts == ["111122223333"]
    r = next(r for r in results.results if r.check_id == "ct-management-events")
    assert r.seed_refs == ["Management events"] and r.status == Status.PASS and r.remediation.text


def test_exit_code_policy():
    results = evaluate(snapshot(trail()), "abc", CATALOG, Config())
    worst = min(
        (r.severity for r in results.results if r.status != Status.PASS), key=lambda s: s.rank
    )
    assert exit_code(results, worst) == ExitCode.FINDINGS
    only_pass = results.model_copy(
        update={"results": [r for r in results.results if r.status == Status.PASS]}
    )
    assert exit_code(only_pass, Severity.INFO) == ExitCode.OK


def _scoped(genai=None, agentic=None):
    return Config.model_validate({"scopes": {"genai": genai, "agentic": agentic}})


def test_checks_outside_the_declared_agentic_scope_are_not_applicable_with_the_reason():
    results = evaluate(snapshot(trail()), "abc", CATALOG, _scoped(agentic=1)).results
    gateway = [r for r in results if r.check_id == "ct-data-agentcore-gateway"]
    assert [r.status for r in gateway] == [Status.NOT_APPLICABLE]
    assert gateway[0].message == (
        "check ct-data-agentcore-gateway applies to Agentic AI scopes 2-4; "
        "account 111122223333 declares scope 1"
    )
    assert gateway[0].applies_to == {"genai": [3, 4, 5], "agentic": [2, 3, 4]}
    trail_logging = [r for r in results if r.check_id == "ct-trail-logging"]
    assert trail_logging and all(r.status == Status.PASS for r in trail_logging)


def test_undeclared_scopes_rule_nothing_out():
    results = evaluate(snapshot(trail()), "abc", CATALOG, Config()).results
    assert not [r for r in results if r.status == Status.NOT_APPLICABLE and "scope" in r.message]
    assert all(r.applies_to for r in results)


def test_per_account_scopes_override_the_default():
    config = Config.model_validate(
        {"scopes": {"agentic": 1}, "accounts": {"111122223333": {"scopes": {"agentic": 3}}}}
    )
    results = evaluate(snapshot(trail()), "abc", CATALOG, config).results
    gateway = [r for r in results if r.check_id == "ct-data-agentcore-gateway"]
    assert gateway and Status.NOT_APPLICABLE not in {r.status for r in gateway}


def test_scope_wins_over_an_unreachable_account_and_scores_leave_it_out():
    snap = snapshot(trail())
    snap.accounts.append(
        AccountSnapshot(
            account_id="444455556666",
            errors=[
                CallError(
                    service="sts", operation="AssumeRole", error_code="AccessDenied", message="no"
                )
            ],
        )
    )
    results = evaluate(snap, "sha", CATALOG, _scoped(genai=1))
    theirs = {r.check_id: r for r in results.results if r.account_id == "444455556666"}
    assert theirs["ct-data-bedrock-model"].status == Status.NOT_APPLICABLE
    assert "Generative AI scopes 3-5" in theirs["ct-data-bedrock-model"].message
    assert theirs["ct-trail-logging"].status == Status.ERROR
    assert results.scores.accounts["444455556666"].overall == 0.0
    assert set(results.scores.accounts) == {"111122223333", "444455556666"}


def test_a_planned_account_without_evidence_is_error_on_every_check_in_scope():
    snap = snapshot(trail())
    missing = "444455556666"
    snap.plan = ScanPlan(scan_id="0" * 32, accounts=["111122223333", missing])
    assert snap.missing_accounts() == [missing]
    results = evaluate(snap, "sha", CATALOG, _scoped(genai=1))
    theirs = {r.check_id: r for r in results.results if r.account_id == missing}
    assert len(theirs) == len(CATALOG.checks)
    assert theirs["ct-data-bedrock-model"].status == Status.NOT_APPLICABLE  # scope still wins
    trail_logging = theirs["ct-trail-logging"]
    assert trail_logging.status == Status.ERROR
    assert f"Account {missing} could not be scanned: it is in the plan of scan {'0' * 32}" in (
        trail_logging.message
    )
    assert {r.status for r in theirs.values()} == {Status.ERROR, Status.NOT_APPLICABLE}
    assert results.scan.accounts == ["111122223333", missing]
    assert results.scores.accounts[missing].overall == 0.0
    assert exit_code(results, Severity.CRITICAL) == ExitCode.FINDINGS

    # A shard is judged on its own accounts only: the other shards' are not missing from it.
    assert [shard_of(a, 2) for a in ("111122223333", missing)] == [1, 2]
    snap.plan = ScanPlan(scan_id="0" * 32, accounts=["111122223333", missing], shard="1/2")
    assert snap.missing_accounts() == []
    shard_results = evaluate(snap, "sha", CATALOG, Config())
    assert {r.account_id for r in shard_results.results} == {"111122223333"}


def test_evaluation_gives_the_garbage_collector_back_as_it_found_it():
    """Judging pauses cycle collection for speed; the caller's setting survives it."""
    assert gc.isenabled()
    evaluate(snapshot(trail()), "sha", CATALOG, Config())
    assert gc.isenabled()
    gc.disable()
    try:
        evaluate(snapshot(trail()), "sha", CATALOG, Config())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_each_evaluation_judges_the_snapshot_as_it_is_then() -> None:
    """The rules' caches belong to one evaluation: a snapshot changed in place between two
    evaluations is judged afresh, never with a verdict left over from the first."""
    catalog = CATALOG.selected(lambda item: item.check.id == AGENTS)
    snap = snap_with(entry(guide(AGENTS)))
    first = evaluate(snap, "sha", catalog, Config())
    assert [r.status for r in first.results] == [Status.PASS]
    region = snap.accounts[0].regions[REGION]
    assert region.metric_filters is not None
    region.metric_filters[GROUP][0]["filterPattern"] = '{ $.eventName = "StopLogging" }'
    second = evaluate(snap, "sha", catalog, Config())
    assert [r.status for r in second.results] == [Status.FAIL]
    assert "filter" in second.results[0].message
