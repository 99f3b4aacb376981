"""Waivers: matching, expiry, unmatched, ERROR never waived, scores after waivers, bad files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from aiposture.engine.scoring import score
from aiposture.engine.waivers import Waiver, apply_waivers, load_waivers, parse_waivers
from aiposture.errors import ConfigError, WaiverError
from aiposture.results import (
    Remediation,
    Result,
    Results,
    ScanInfo,
    Severity,
    Status,
    ToolRef,
    WaiverStatus,
)

TODAY = date(2026, 11, 21)
A1, A2 = "111122223333", "444455556666"


def res(
    check_id: str = "ct-trail-logging",
    status: Status = Status.FAIL,
    account: str | None = A1,
    region: str | None = "us-east-1",
    resource: str | None = "arn:aws:cloudtrail:us-east-1:111122223333:trail/ai",
    seed_refs: list[str] | None = None,
    severity: Severity = Severity.HIGH,
) -> Result:
    return Result(
        check_id=check_id,
        title=check_id,
        severity=severity,
        status=status,
        account_id=account,
        region=region,
        resource_arn=resource,
        seed_refs=seed_refs if seed_refs is not None else ["Management events"],
        dimensions=["agentic.audit"],
        message="m",
        remediation=Remediation(text="fix it"),
    )


def results_of(*items: Result) -> Results:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    return Results(
        tool=ToolRef(version="0"),
        scan=ScanInfo(
            started_at=now,
            finished_at=now,
            identity_arn=None,
            accounts=[A1, A2],
            regions=["us-east-1"],
            snapshot_sha256="x",
        ),
        results=list(items),
        scores=score(list(items)),
    )


def waiver(**kw: Any) -> Waiver:
    data = {
        "id": "W1",
        "check": "ct-trail-logging",
        "owner": "sec@example.com",
        "justification": "accepted",
        "expires": "2027-01-01",
        **kw,
    }
    return Waiver.model_validate(data)


def test_fail_matched_by_check_id_becomes_waived_with_ref():
    out = apply_waivers(results_of(res()), [waiver()], TODAY)
    r = out.results[0]
    assert r.status == Status.WAIVED
    assert r.waiver is not None and r.waiver.id == "W1" and r.waiver.owner == "sec@example.com"
    assert r.waiver.expires == date(2027, 1, 1)
    (record,) = out.waivers
    assert record.status == WaiverStatus.APPLIED and record.matched == 1
    assert record.match["check"] == "ct-trail-logging"


def test_match_by_seed_ref():
    items = [
        res("a", seed_refs=["Query 3"]),
        res("b", seed_refs=["Query 4"]),
    ]
    out = apply_waivers(results_of(*items), [waiver(check="Query 3")], TODAY)
    assert [r.status for r in out.results] == [Status.WAIVED, Status.FAIL]


@pytest.mark.parametrize(
    ("fields", "waived"),
    [
        ({"account": A1}, [True, False, True, True]),
        ({"account": "4444*"}, [False, True, False, False]),
        ({"region": "us-east-1"}, [True, True, False, True]),
        ({"region": "us-*"}, [True, True, True, True]),
        ({"resource": "arn:aws:cloudtrail:*:trail/ai"}, [True, True, True, False]),
        ({"resource": "*trail/other"}, [False, False, False, True]),
        ({"account": A1, "region": "us-west-2"}, [False, False, True, False]),
    ],
)
def test_account_region_resource_globs(fields, waived):
    items = [
        res(account=A1),
        res(account=A2, resource="arn:aws:cloudtrail:us-east-1:444455556666:trail/ai"),
        res(region="us-west-2", resource="arn:aws:cloudtrail:us-west-2:111122223333:trail/ai"),
        res(resource="arn:aws:cloudtrail:us-east-1:111122223333:trail/other"),
    ]
    out = apply_waivers(results_of(*items), [waiver(**fields)], TODAY)
    assert [r.status == Status.WAIVED for r in out.results] == waived


def test_resource_pattern_does_not_match_a_result_without_resource():
    items = [res(resource=None), res(region=None)]
    out = apply_waivers(results_of(*items), [waiver(resource="*", region="*")], TODAY)
    assert [r.status for r in out.results] == [Status.FAIL, Status.FAIL]
    out = apply_waivers(results_of(*items), [waiver()], TODAY)
    assert [r.status for r in out.results] == [Status.WAIVED, Status.WAIVED]


def test_expired_waiver_does_not_waive_and_is_listed():
    out = apply_waivers(results_of(res()), [waiver(expires="2026-11-20")], TODAY)
    assert out.results[0].status == Status.FAIL and out.results[0].waiver is None
    assert out.waivers[0].status == WaiverStatus.EXPIRED and out.waivers[0].matched == 0


def test_waiver_is_in_force_on_its_expiry_day():
    out = apply_waivers(results_of(res()), [waiver(expires=TODAY.isoformat())], TODAY)
    assert out.results[0].status == Status.WAIVED


def test_unmatched_waiver_is_listed():
    out = apply_waivers(results_of(res()), [waiver(), waiver(id="W2", check="nothing")], TODAY)
    assert [(w.id, w.status) for w in out.waivers] == [
        ("W1", WaiverStatus.APPLIED),
        ("W2", WaiverStatus.UNMATCHED),
    ]


def test_error_is_never_waived_and_counted():
    items = [res(status=Status.ERROR), res(status=Status.PASS), res(status=Status.NOT_APPLICABLE)]
    out = apply_waivers(results_of(*items), [waiver()], TODAY)
    assert [r.status for r in out.results] == [Status.ERROR, Status.PASS, Status.NOT_APPLICABLE]
    assert all(r.waiver is None for r in out.results)
    (record,) = out.waivers
    assert record.status == WaiverStatus.UNMATCHED
    assert record.errors_not_waived == 1 and record.matched == 0


def test_first_waiver_in_file_order_wins():
    out = apply_waivers(results_of(res()), [waiver(id="A"), waiver(id="B")], TODAY)
    assert out.results[0].waiver is not None and out.results[0].waiver.id == "A"
    assert [w.status for w in out.waivers] == [WaiverStatus.APPLIED, WaiverStatus.UNMATCHED]


def test_scores_are_recomputed_without_waived_results():
    items = [res("a", seed_refs=["Query 1"]), res("b", status=Status.PASS)]
    before = results_of(*items)
    assert before.scores.overall == 50.0
    out = apply_waivers(before, [waiver(check="a")], TODAY)
    assert out.scores.overall == 100.0
    assert out.scores.dimensions["agentic.audit"] == 100.0


def test_reapplying_replaces_earlier_waivers():
    once = apply_waivers(results_of(res()), [waiver()], TODAY)
    again = apply_waivers(once, [waiver(id="W9", expires="2020-01-01")], TODAY)
    assert again.results[0].status == Status.FAIL and again.results[0].waiver is None
    assert [w.id for w in again.waivers] == ["W9"]
    assert again.scores.overall == 0.0


def test_input_results_are_not_modified():
    before = results_of(res())
    apply_waivers(before, [waiver()], TODAY)
    assert before.results[0].status == Status.FAIL and before.waivers == []


# --- the file -----------------------------------------------------------------------------

KNOWN = {"ct-trail-logging", "Management events"}
GOOD = """\
waivers:
  - id: W1
    check: ct-trail-logging
    account: 111122223333
    owner: sec@example.com
    justification: accepted
    expires: 2027-01-01
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_good_file_unquoted_account_and_date(tmp_path):
    (w,) = load_waivers(write(tmp_path, GOOD), KNOWN)
    assert w.account == "111122223333" and w.expires == date(2027, 1, 1)


@pytest.mark.parametrize("text", ["", "\n", "# nothing yet\n"])
def test_empty_file_is_refused(tmp_path, text):
    with pytest.raises(WaiverError, match=r"is empty; for no waivers write 'waivers: \[\]'"):
        load_waivers(write(tmp_path, text), KNOWN)


def test_explicit_empty_list_has_no_waivers(tmp_path):
    assert load_waivers(write(tmp_path, "waivers: []\n"), KNOWN) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("waivers: [\n", "not valid YAML (line"),
        (
            GOOD.replace("    owner: sec@example.com\n", ""),
            "waiver #1 (id 'W1'): missing required field 'owner'",
        ),
        (GOOD.replace("    expires: 2027-01-01\n", ""), "missing required field 'expires'"),
        (GOOD + "    colour: red\n", "waiver #1 (id 'W1'): unknown key 'colour'"),
        (GOOD + GOOD.replace("waivers:\n", ""), "waiver #2 (id 'W1'): duplicate id"),
        (
            GOOD.replace("check: ct-trail-logging", "check: no-such-check"),
            "'no-such-check' is neither",
        ),
        (GOOD.replace("2027-01-01", "2027-13-01"), "invalid 'expires': must be a date YYYY-MM-DD"),
        (GOOD.replace("justification: accepted", "justification: ''"), "must not be empty"),
        ("waivers:\n  - just a string\n", "waiver #1: must be a mapping"),
        ("waiver: []\n", "unknown key 'waiver'"),
        ("- a\n", "top level must be a mapping"),
    ],
)
def test_bad_files_raise_one_line(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(WaiverError) as info:
        load_waivers(path, KNOWN)
    message = str(info.value)
    assert fragment in message, message
    assert "\n" not in message
    assert str(path) in message
    assert isinstance(info.value, ConfigError) and info.value.exit_code == 2


def test_missing_file(tmp_path):
    with pytest.raises(WaiverError, match="cannot read waivers"):
        load_waivers(tmp_path / "nope.yaml", KNOWN)


def test_without_known_checks_any_check_is_accepted():
    data = {"waivers": [{**waiver().model_dump(), "check": "anything"}]}
    assert parse_waivers(data)[0].check == "anything"


def test_demo_waivers_file_is_valid_and_shows_each_status():
    from aiposture.api import demo_waivers_path, known_checks
    from aiposture.engine.catalog import load_catalog

    demo = load_waivers(demo_waivers_path(), known_checks(load_catalog()))
    assert [w.id for w in demo] == ["DEMO-001", "DEMO-002", "DEMO-003"]
    partial = res(
        "bedrock-invocation-logging",
        account=A2,
        region="us-west-2",
        resource=None,
        seed_refs=["Model invocation logging"],
    )
    out = apply_waivers(results_of(partial, res(account=A2)), demo, TODAY)
    assert [r.status for r in out.results] == [Status.WAIVED, Status.FAIL]
    assert [w.status for w in out.waivers] == [
        WaiverStatus.APPLIED,
        WaiverStatus.EXPIRED,
        WaiverStatus.UNMATCHED,
    ]
