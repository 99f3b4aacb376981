"""diff_results: new failures, resolved, regressed, score changes; the three renderings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiposture.engine.diff import diff_results, has_regression, load_baseline
from aiposture.errors import BaselineError
from aiposture.report.diff import render_diff
from aiposture.results import Results, Scores, Severity, Status, dump_results
from tests.engine.test_waivers import res, results_of

ARN = "arn:aws:cloudtrail:us-east-1:111122223333:trail/"


def scan(*items, overall=None, dims=None) -> Results:
    base = results_of(*items)
    scores = Scores(overall=overall, dimensions=dims or {})
    return base.model_copy(update={"scores": scores})


def test_categories():
    old = scan(
        res("stays-failing"),
        res("gets-fixed"),
        res("gets-waived"),
        res("goes-away"),
        res("breaks", status=Status.PASS),
        res("breaks-na", status=Status.NOT_APPLICABLE),
        res("unverified-now", status=Status.PASS),
        res("stays-passing", status=Status.PASS),
    )
    new = scan(
        res("stays-failing"),
        res("gets-fixed", status=Status.PASS),
        res("gets-waived", status=Status.WAIVED),
        res("breaks"),
        res("breaks-na", severity=Severity.CRITICAL),
        res("unverified-now", status=Status.ERROR),
        res("stays-passing", status=Status.PASS),
        res("brand-new"),
        res("brand-new-error", status=Status.ERROR),
    )
    d = diff_results(old, new)
    assert [(e.check_id, e.old_status, e.new_status) for e in d.new_failures] == [
        ("brand-new", None, Status.FAIL),
        ("brand-new-error", None, Status.ERROR),
    ]
    assert [(e.check_id, e.old_status, e.new_status) for e in d.regressed] == [
        ("breaks-na", Status.NOT_APPLICABLE, Status.FAIL),  # critical first
        ("breaks", Status.PASS, Status.FAIL),
        ("unverified-now", Status.PASS, Status.ERROR),
    ]
    assert [(e.check_id, e.old_status, e.new_status) for e in d.resolved] == [
        ("gets-fixed", Status.FAIL, Status.PASS),
        ("gets-waived", Status.FAIL, Status.WAIVED),
        ("goes-away", Status.FAIL, None),
    ]
    assert has_regression(d)


def test_key_is_check_account_region_resource():
    old = scan(res(resource=ARN + "a"), res(account="444455556666"))
    new = scan(res(resource=ARN + "b"), res(account="444455556666", region="us-west-2"))
    d = diff_results(old, new)
    assert {(e.resource_arn, e.region) for e in d.new_failures} == {
        (ARN + "b", "us-east-1"),
        (ARN + "ai", "us-west-2"),
    }
    assert {(e.resource_arn, e.account_id) for e in d.resolved} == {
        (ARN + "a", "111122223333"),
        (ARN + "ai", "444455556666"),
    }


def test_same_results_no_change():
    items = [res(), res("p", status=Status.PASS)]
    d = diff_results(scan(*items, overall=50.0), scan(*items, overall=50.0))
    assert not d.new_failures and not d.resolved and not d.regressed
    assert not has_regression(d)
    assert d.score_changes == {"overall": (50.0, 50.0)}


def test_score_changes_overall_and_every_dimension():
    old = scan(overall=40.0, dims={"agentic.audit": 50.0, "genai.risk": None})
    new = scan(overall=55.5, dims={"agentic.audit": 60.0, "agentic.identity": 10.0})
    d = diff_results(old, new)
    assert d.score_changes == {
        "overall": (40.0, 55.5),
        "agentic.audit": (50.0, 60.0),
        "agentic.identity": (None, 10.0),
        "genai.risk": (None, None),
    }
    assert d.baseline_snapshot_sha256 == old.scan.snapshot_sha256


def test_render_formats_and_inert_strings():
    evil = ARN + "<script>alert(1)</script>|x\x1b[31m"
    d = diff_results(
        scan(overall=10.0, dims={"agentic.audit": 20.0}),
        scan(res(resource=evil), overall=12.5, dims={"agentic.audit": 15.0}),
    )
    text = render_diff(d, "text")
    assert "New failures (1):" in text and "Regressed (0):" in text
    assert "10 -> 12.5" in text and "+2.5" in text and "-5" in text
    assert "\x1b" not in text and "\\x1b" in text
    md = render_diff(d, "markdown")
    assert "<script>" not in md and "&lt;script\\>" in md
    assert "\\|x" in md and "\x1b" not in md
    assert "| overall | 10 | 12.5 | +2.5 |" in md
    doc = json.loads(render_diff(d, "json"))
    assert doc["new_failures"][0]["resource_arn"] == evil
    assert doc["score_changes"]["overall"] == [10.0, 12.5]
    with pytest.raises(ValueError):
        render_diff(d, "xml")


def test_bad_baseline_is_one_line_baseline_error(tmp_path: Path):
    path = tmp_path / "old.json"
    path.write_text("{not json")
    with pytest.raises(BaselineError, match=r"^baseline: results .* is not valid JSON"):
        load_baseline(path)
    path.write_text(json.dumps({"schema_version": "1", "tool": {}}))
    with pytest.raises(BaselineError, match="invalid at"):
        load_baseline(path)
    dump_results(scan(res()), path)
    assert load_baseline(path).results[0].check_id == "ct-trail-logging"
