"""The CLI: --waivers, --baseline, --min-score, `aiposture diff`, and their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiposture.snapshot.io import dump_snapshot
from tests.builders import snapshot, trail
from tests.cli.helpers import one_line
from tests.cli.helpers import run_main as run

TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:111122223333:trail/ai-trail"
WAIVER = """\
waivers:
  - id: W-STOPPED
    check: ct-trail-logging
    account: "111122223333"
    resource: "arn:aws:cloudtrail:*:trail/ai-*"
    owner: sec@example.com
    justification: Trail restarts with the migration (SEC-1).
    expires: 2026-12-31
  - id: W-MGMT
    check: Management events
    region: us-east-1
    owner: sec@example.com
    justification: Same migration.
    expires: 2026-12-31
  - id: W-GD
    check: det-guardduty-enabled
    owner: sec@example.com
    justification: Tries to hide an ERROR, which no waiver can.
    expires: 2026-12-31
"""


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    path = tmp_path / "snap.json"
    dump_snapshot(snapshot(trail(logging=False)), path)  # ct-trail-logging FAILs (critical)
    return path


@pytest.fixture
def waivers(tmp_path: Path) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(WAIVER)
    return path


def statuses(path: Path, check_id: str) -> list[str]:
    doc = json.loads(path.read_text())
    return [r["status"] for r in doc["results"] if r["check_id"] == check_id]


def test_waiver_in_force_waives_and_lets_the_gate_pass(capsys, tmp_path, snap, waivers):
    out = tmp_path / "r.json"
    args = ["evaluate", str(snap), "--out", str(out), "--fail-on", "critical"]
    code, _, err = run(capsys, *args)
    assert code == 1 and "gate: --fail-on critical: 2 failed at severity critical" in err
    code, _, err = run(capsys, *args, "--waivers", str(waivers), "--today", "2026-11-21")
    assert code == 0, err
    assert statuses(out, "ct-trail-logging") == ["WAIVED"]
    assert statuses(out, "ct-management-events") == ["WAIVED"]
    assert statuses(out, "det-guardduty-enabled") == ["ERROR"]
    assert "waiver 'W-GD': unmatched; 1 unverified (ERROR) result(s) not waived" in err
    doc = json.loads(out.read_text())
    records = {w["id"]: w for w in doc["waivers"]}
    assert records["W-STOPPED"]["status"] == "applied" and records["W-STOPPED"]["matched"] == 1
    assert records["W-MGMT"]["status"] == "applied"
    assert records["W-GD"]["status"] == "unmatched" and records["W-GD"]["errors_not_waived"] == 1
    waived = next(r for r in doc["results"] if r["check_id"] == "ct-trail-logging")
    assert waived["waiver"]["owner"] == "sec@example.com"
    assert waived["resource_arn"] == TRAIL_ARN


def test_expired_waiver_does_not_waive(capsys, tmp_path, snap, waivers):
    out = tmp_path / "r.json"
    args = ["evaluate", str(snap), "--out", str(out), "--fail-on", "critical"]
    code, _, err = run(capsys, *args, "--waivers", str(waivers), "--today", "2027-01-01")
    assert code == 1
    assert "waiver 'W-STOPPED': expired on 2026-12-31, waives nothing" in err
    assert statuses(out, "ct-trail-logging") == ["FAIL"]
    assert {w["status"] for w in json.loads(out.read_text())["waivers"]} == {"expired"}


def test_waivers_from_the_config_file(capsys, tmp_path, snap, waivers):
    cfg = tmp_path / "aiposture.toml"
    cfg.write_text(f"[report]\nwaivers = '{waivers}'\nfail_on = 'critical'\n")
    out = tmp_path / "r.json"
    code, _, err = run(
        capsys,
        "evaluate",
        str(snap),
        "--config",
        str(cfg),
        "--out",
        str(out),
        "--today",
        "2026-12-31",
    )
    assert code == 0, err
    assert statuses(out, "ct-trail-logging") == ["WAIVED"]


BAD = {
    "yaml": ("waivers:\n  - id: [\n", "is not valid YAML (line"),
    "missing": (
        WAIVER.replace("    owner: sec@example.com\n", ""),
        "missing required field 'owner'",
    ),
    "unknown-key": (WAIVER + "    ticket: SEC-1\n", "waiver #3 (id 'W-GD'): unknown key 'ticket'"),
    "duplicate": (
        WAIVER + WAIVER.replace("waivers:\n", ""),
        "waiver #4 (id 'W-STOPPED'): duplicate id, already used by waiver #1",
    ),
    "unknown-check": (
        WAIVER.replace("ct-trail-logging", "ct-trail-loging"),
        "'ct-trail-loging' is neither",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_waivers_file_is_one_line_exit_2(capsys, tmp_path, snap, case):
    text, fragment = BAD[case]
    path = tmp_path / "w.yaml"
    path.write_text(text)
    out = tmp_path / "r.json"
    code, _, err = run(capsys, "evaluate", str(snap), "--out", str(out), "--waivers", str(path))
    assert code == 2
    line = one_line(err)
    assert line.startswith(f"aiposture: error: waivers {path}") and fragment in line, line
    assert not out.exists()


@pytest.mark.parametrize(
    ("flags", "code", "fragment"),
    [
        (["--min-score", "0"], 0, None),
        (["--min-score", "100"], 1, "gate: --min-score overall=100: the overall score is"),
        (["--min-score", "agentic.audit=100"], 1, "gate: --min-score agentic.audit=100: the score"),
        (["--min-score", "agentic.audit=0", "--min-score", "0"], 0, None),
    ],
)
def test_min_score_gate(capsys, tmp_path, snap, flags, code, fragment):
    args = ["evaluate", str(snap), "--out", str(tmp_path / "r.json"), "--fail-on", "none"]
    got, _, err = run(capsys, *args, *flags)
    assert got == code, err
    if fragment:
        assert fragment in err
    else:
        assert "gate:" not in err


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("agentic.identiy=80", "unknown dimension 'agentic.identiy'"), ("120", "between 0 and 100")],
)
def test_bad_min_score_is_exit_2(capsys, tmp_path, snap, value, fragment):
    out = tmp_path / "r.json"
    code, _, err = run(capsys, "evaluate", str(snap), "--out", str(out), "--min-score", value)
    assert code == 2 and fragment in one_line(err)
    assert not out.exists()


REGRESSED = {"ct-trail-logging", "ct-management-events", "ct-region-coverage"}
"""What stopping the trail breaks."""


@pytest.fixture
def two_scans(capsys, tmp_path: Path) -> tuple[Path, Path]:
    """OLD: the trail logs; NEW: the trail is stopped (ct-trail-logging regressed)."""
    paths = []
    for name, logging in (("old", True), ("new", False)):
        snap = tmp_path / f"{name}-snap.json"
        dump_snapshot(snapshot(trail(logging=logging)), snap)
        out = tmp_path / f"{name}.json"
        code, _, err = run(capsys, "evaluate", str(snap), "--out", str(out), "--fail-on", "none")
        assert code == 0, err
        paths.append(out)
    return paths[0], paths[1]


def test_diff_command_formats_and_exit_codes(capsys, two_scans):
    old, new = map(str, two_scans)
    code, out, _ = run(capsys, "diff", old, new)
    assert code == 0
    assert "Regressed (3):" in out and "[critical] ct-trail-logging PASS -> FAIL" in out
    assert "Scores (baseline -> now):" in out
    code, out, _ = run(capsys, "diff", old, new, "--format", "json")
    doc = json.loads(out)
    assert {e["check_id"] for e in doc["regressed"]} == REGRESSED
    assert doc["score_changes"]["overall"][0] > doc["score_changes"]["overall"][1]
    code, out, _ = run(capsys, "diff", old, new, "--format", "markdown")
    assert code == 0 and "### Regressed (3)" in out
    code, _, err = run(capsys, "diff", old, new, "--fail-on-regression")
    assert code == 1 and "3 regression(s)" in err
    code, out, _ = run(capsys, "diff", new, old, "--fail-on-regression", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert {e["check_id"] for e in doc["resolved"]} >= REGRESSED
    assert not doc["regressed"] and not doc["new_failures"]


def test_bad_diff_input_is_exit_2(capsys, tmp_path, two_scans):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    code, _, err = run(capsys, "diff", str(bad), str(two_scans[1]))
    assert code == 2 and "baseline: results" in one_line(err)
    bad.write_text(json.dumps({"schema_version": "0"}))
    code, _, err = run(capsys, "diff", str(two_scans[0]), str(bad))
    assert code == 2 and "not an aiposture results file" in one_line(err)


def test_baseline_goes_into_results_and_reports(capsys, tmp_path, two_scans):
    old, _ = two_scans
    snap = tmp_path / "new-snap.json"
    out = tmp_path / "with-baseline.json"
    args = ["evaluate", str(snap), "--out", str(out), "--fail-on", "none", "--baseline", str(old)]
    code, _, err = run(capsys, *args)
    assert code == 0, err
    baseline = json.loads(out.read_text())["baseline"]
    assert {e["check_id"] for e in baseline["regressed"]} == REGRESSED
    report_dir = tmp_path / "rep"
    code, _, err = run(
        capsys,
        "report",
        str(out),
        "--out",
        str(report_dir),
        "--format",
        "json",
        "--baseline",
        str(old),
    )
    assert code == 0, err
    assert json.loads((report_dir / "results.json").read_text())["baseline"]["regressed"]


def test_bad_baseline_is_one_line_exit_2(capsys, tmp_path, snap):
    bad = tmp_path / "old.json"
    bad.write_text("not json")
    out = tmp_path / "r.json"
    code, _, err = run(capsys, "evaluate", str(snap), "--out", str(out), "--baseline", str(bad))
    assert code == 2
    assert one_line(err).startswith(f"aiposture: error: baseline: results {bad} is not valid JSON")
    assert not out.exists()


def test_report_reapplies_waivers_and_gates(capsys, tmp_path, snap, waivers):
    results = tmp_path / "r.json"
    run(capsys, "evaluate", str(snap), "--out", str(results), "--fail-on", "none")
    rep = tmp_path / "rep"
    base = ["report", str(results), "--out", str(rep), "--format", "json"]
    code, _, _ = run(capsys, *base, "--fail-on", "critical")
    assert code == 1
    code, _, err = run(
        capsys, *base, "--fail-on", "critical", "--waivers", str(waivers), "--today", "2026-11-21"
    )
    assert code == 0, err
    assert statuses(rep / "results.json", "ct-trail-logging") == ["WAIVED"]
