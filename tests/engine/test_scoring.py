"""Scores: a check in an account weighs its severity once; per account and for the organization."""

from __future__ import annotations

from datetime import UTC, datetime

from aiposture.engine.catalog import Catalog, load_catalog
from aiposture.engine.scoring import catalog_reasons, rescored, score
from aiposture.guide.vocabulary import DIMENSIONS
from aiposture.results import (
    Remediation,
    Result,
    Results,
    ScanInfo,
    Severity,
    Status,
    ToolRef,
)


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
    assert s.overall is None and s.dimensions["agentic.audit"] is None
    assert s.not_assessed is not None
    assert s.not_assessed["agentic.audit"].startswith("every result of the 2 checks (a, b)")


def test_every_dimension_is_scored_or_not_assessed_with_the_reason_from_the_results():
    results = [
        _r("pass", Status.PASS, dims=("genai.controls",)),
        _r("err", Status.ERROR, dims=("agentic.identity",)),
        _r("na", Status.NOT_APPLICABLE, dims=("agentic.scope",), region="us-east-1"),
        _r("na", Status.NOT_APPLICABLE, dims=("agentic.scope",), region="eu-west-1"),
        _r("info", Status.PASS, Severity.INFO, dims=("genai.legal",)),
        _r("waived", Status.WAIVED, dims=("genai.risk",)),
    ]
    results[2] = results[2].model_copy(update={"message": "no AI resource in us-east-1"})
    results[3] = results[3].model_copy(update={"message": "no AI resource in eu-west-1"})
    s = score(results, {"genai.resilience": "no check in the catalog maps to it"})
    assert set(s.dimensions) == set(DIMENSIONS)
    assert s.not_assessed is not None
    assert set(s.not_assessed) == {d for d, v in s.dimensions.items() if v is None}
    assert s.dimensions["genai.controls"] == 100.0
    assert s.dimensions["agentic.identity"] == 0.0  # only errors: scored, ERROR does not pass
    assert s.not_assessed["genai.resilience"] == "no check in the catalog maps to it"
    assert s.not_assessed["agentic.orchestration"] == "no result of this scan maps to it"
    scope = s.not_assessed["agentic.scope"]
    assert scope.startswith("every check mapped to it was not applicable here (1 check (na), 2")
    assert "'no AI resource in us-east-1'" in scope and "'no AI resource in eu-west-1'" in scope
    assert "info-severity" in s.not_assessed["genai.legal"]
    assert "waived (1)" in s.not_assessed["genai.risk"]
    # Accounts list only the dimensions their results map to.
    assert "genai.resilience" not in s.accounts["111111111111"].dimensions


def test_catalog_reasons_tell_unmapped_from_left_out_by_the_selection():
    catalog = load_catalog()
    reasons = catalog_reasons(
        catalog.selected(lambda c: "genai.controls" not in c.check.dimensions)
    )
    assert reasons["genai.controls"].startswith("excluded by the check selection: the ")
    assert "were not run" in reasons["genai.controls"]
    assert "gave no result in this scan" in reasons["agentic.audit"]
    whole = catalog_reasons(catalog)
    assert not any(r.startswith("no check in the catalog") for r in whole.values())
    alone = Catalog(tuple(c for c in catalog.checks if c.check.id == "ct-trail-logging"), "v")
    reasons = catalog_reasons(alone)
    assert reasons["genai.risk"] == "no check in the catalog maps to it"
    assert "gave no result" in reasons["genai.resilience"]


def test_rescoring_keeps_the_reasons_only_the_catalog_knew():
    results = [_r("a", Status.PASS, dims=("genai.controls",))]
    first = score(results, {"genai.resilience": "no check in the catalog maps to it"})
    stored = Results(
        tool=ToolRef(version="1"),
        scan=ScanInfo(
            started_at=datetime(2026, 1, 1, tzinfo=UTC),
            finished_at=datetime(2026, 1, 1, tzinfo=UTC),
            identity_arn=None,
            accounts=["111111111111"],
            regions=["us-east-1"],
            snapshot_sha256="0" * 64,
        ),
        results=results,
        scores=first,
    )
    again = rescored(stored).scores
    assert again.not_assessed is not None
    assert again.not_assessed["genai.resilience"] == "no check in the catalog maps to it"
    assert again == first
