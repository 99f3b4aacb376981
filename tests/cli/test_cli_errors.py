"""Bad input gives one readable line and a distinct exit code, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from aiposture.snapshot.io import dump_snapshot
from tests.builders import snapshot, trail
from tests.cli.helpers import run_aiposture


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return run_aiposture(args, {**base, **(env or {})}, cwd=cwd, timeout=120)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert fragment in lines[0], lines[0]


def test_truncated_snapshot_exit_2(tmp_path):
    path = tmp_path / "snap.json"
    dump_snapshot(snapshot(trail()), path)
    path.write_text(path.read_text()[:300])
    assert_one_line_error(
        run("evaluate", str(path), "--out", str(tmp_path / "r.json")), 2, "truncated"
    )


def test_unknown_config_key_exit_2(tmp_path):
    cfg = tmp_path / "aiposture.toml"
    cfg.write_text("[scan]\nregoins = ['us-east-1']\n")
    path = tmp_path / "snap.json"
    dump_snapshot(snapshot(trail()), path)
    proc = run("evaluate", str(path), "--config", str(cfg), "--out", str(tmp_path / "r.json"))
    assert_one_line_error(proc, 2, "unknown key 'scan.regoins'")


def test_unknown_profile_exit_2(tmp_path):
    cfg = tmp_path / "aws-config"
    cfg.write_text("[default]\nregion = us-east-1\n")
    env = {"AWS_CONFIG_FILE": str(cfg), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    proc = run("collect", "--profile", "does-not-exist", "--out", str(tmp_path / "s.json"), env=env)
    assert_one_line_error(proc, 2, "does-not-exist")


def test_no_credentials_exit_3(tmp_path):
    env = {
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    proc = run("collect", "--regions", "us-east-1", "--out", str(tmp_path / "s.json"), env=env)
    assert_one_line_error(proc, 3, "credentials")
    assert not (tmp_path / "s.json").exists()


def test_unknown_option_is_usage_error():
    proc = run("scan", "--frobnicate")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "frobnicate" in proc.stderr


def test_unknown_check_exit_2():
    assert_one_line_error(run("checks", "show", "no-such-check"), 2, "no-such-check")


def test_bad_results_file_exit_2(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"schema_version": "1", "results": [')
    assert_one_line_error(
        run("report", str(path), "--out", str(tmp_path / "o")), 2, "not valid JSON"
    )


def test_checks_list_and_show():
    listing = run("checks", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert any(r["id"] == "ct-data-mantle-project" for r in rows)
    shown = run("checks", "show", "ct-management-events")
    assert shown.returncode == 0 and "management_events_logged" in shown.stdout


@pytest.mark.parametrize("fail_on, code", [("none", 0), ("critical", 1)])
def test_evaluate_exit_codes_follow_fail_on(tmp_path, fail_on, code):
    path = tmp_path / "snap.json"
    dump_snapshot(snapshot(trail(logging=False)), path)  # a stopped trail is a critical failure
    proc = run("evaluate", str(path), "--out", str(tmp_path / "r.json"), "--fail-on", fail_on)
    assert proc.returncode == code, proc.stderr
    results = json.loads((tmp_path / "r.json").read_text())
    assert any(
        r["check_id"] == "ct-trail-logging" and r["status"] == "FAIL" for r in results["results"]
    )
