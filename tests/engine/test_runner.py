"""The runner never turns a failure into a pass."""

from __future__ import annotations

from aiposture.config import Config
from aiposture.engine.catalog import Catalog, load_catalog
from aiposture.engine.exit_codes import ExitCode, exit_code
from aiposture.engine.results import Severity, Status
from aiposture.engine.runner import evaluate
from aiposture.engine.scoring import score
from aiposture.rules.base import RuleKind
from aiposture.snapshot.models import AccountSnapshot, CallError
from tests.builders import snapshot, trail

CATALOG = load_catalog()


def test_a_rule_that_raises_becomes_error():
    item = CATALOG.get("ct-trail-logging")
    assert item is not None

    def boom(params, ctx):
        raise RuntimeError("kaboom")

    broken = type(item)(
        item.check,
        RuleKind(item.kind.name, boom, item.kind.params, "account_region", "x"),
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


def test_scoring_weights_and_error_counts_as_not_passing():
    results = evaluate(snapshot(trail()), "abc", CATALOG, Config()).results
    base = results[0]
    crit_pass = base.model_copy(
        update={
            "severity": Severity.CRITICAL,
            "status": Status.PASS,
            "dimensions": ["agentic.audit"],
        }
    )
    low_err = base.model_copy(
        update={"severity": Severity.LOW, "status": Status.ERROR, "dimensions": ["agentic.audit"]}
    )
    na = base.model_copy(
        update={
            "severity": Severity.HIGH,
            "status": Status.NOT_APPLICABLE,
            "dimensions": ["agentic.audit"],
        }
    )
    s = score([crit_pass, low_err, na])
    assert s.dimensions["agentic.audit"] == 80.0  # 10 / (10 + 2.5)
    assert s.overall == 80.0
    assert "ERROR counts as not passing" in s.formula
