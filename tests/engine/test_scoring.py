"""Scores: a check in an account weighs its severity once; per account and for the organization."""

from __future__ import annotations

from aiposture.engine.scoring import score
from aiposture.results import Remediation, Result, Severity, Status


def _r(
    check: str,
    status: Status,
    severity: Severity = Severity.HIGH,
    account: str = "111111111111",
    region: str | None = "us-east-1",
    dims: tuple[str, ...] = ("agentic.audit",),
) -> Result:
    return Result(
        check_id=check,
        title=check,
        severity=severity,
        status=status,
        account_id=account,
        region=region,
        resource_arn=None,
        seed_refs=[],
        dimensions=list(dims),
        message="m",
        remediation=Remediation(text="fix"),
    )


def test_weights_and_error_counts_as_not_passing():
    s = score(
        [
            _r("a", Status.PASS, Severity.CRITICAL),
            _r("b", Status.ERROR, Severity.LOW),
            _r("c", Status.NOT_APPLICABLE, Severity.HIGH),
            _r("d", Status.WAIVED, Severity.HIGH),
            _r("e", Status.FAIL, Severity.INFO),
        ]
    )
    assert s.dimensions["agentic.audit"] == 80.0  # 10 / (10 + 2.5); info weighs 0
    assert s.overall == 80.0
    assert "ERROR counts as not passing" in s.formula and "unit" in s.formula


def test_a_check_weighs_once_per_account_and_fails_if_any_region_fails():
    results = [
        # A medium check judged in three regions, failing in one.
        _r("regional", Status.PASS, Severity.MEDIUM, region="us-east-1"),
        _r("regional", Status.PASS, Severity.MEDIUM, region="eu-west-1"),
        _r("regional", Status.FAIL, Severity.MEDIUM, region="ap-south-1"),
        # A medium check judged once, passing.
        _r("once", Status.PASS, Severity.MEDIUM, region=None),
    ]
    # Per result this would be 3/4 = 75; per check in the account it is 5 / (5 + 5).
    assert score(results).overall == 50.0


def test_waived_results_do_not_count_but_other_failures_of_the_check_do():
    results = [
        _r("x", Status.WAIVED, region="us-east-1"),
        _r("x", Status.PASS, region="eu-west-1"),
        _r("y", Status.WAIVED, region="us-east-1"),
        _r("y", Status.ERROR, region="eu-west-1"),
    ]
    assert score(results).overall == 50.0


def test_scores_per_account_and_for_the_organization():
    results = [
        _r("a", Status.PASS, Severity.HIGH, account="111111111111", dims=("genai.controls",)),
        _r("b", Status.PASS, Severity.LOW, account="111111111111", dims=("agentic.audit",)),
        _r("a", Status.FAIL, Severity.HIGH, account="222222222222", dims=("genai.controls",)),
        _r("b", Status.PASS, Severity.LOW, account="222222222222", dims=("agentic.audit",)),
        _r("c", Status.NOT_APPLICABLE, account="222222222222", dims=("agentic.scope",)),
    ]
    s = score(results)
    assert s.accounts["111111111111"].overall == 100.0
    assert s.accounts["222222222222"].overall == 25.0  # 2.5 / (7.5 + 2.5)
    assert s.accounts["222222222222"].dimensions == {
        "agentic.audit": 100.0,
        "agentic.scope": None,
        "genai.controls": 0.0,
    }
    assert s.dimensions["genai.controls"] == 50.0  # each account's unit counts once
    assert s.overall == 62.5  # (7.5 + 2.5 + 2.5) / 20
    assert "agentic.scope" not in s.accounts["111111111111"].dimensions


def test_nothing_counted_is_empty_not_zero():
    s = score([_r("a", Status.NOT_APPLICABLE), _r("b", Status.WAIVED)])
    assert s.overall is None and s.dimensions == {"agentic.audit": None}
