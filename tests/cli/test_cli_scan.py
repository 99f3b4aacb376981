"""The console commands against moto's HTTP server, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from aiposture.collect.policy import iam_policy
from aiposture.demo.environment import DemoServer
from tests.cli.helpers import run_aiposture

pytestmark = pytest.mark.integration


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_aiposture(args, env)


def test_policy_command_prints_the_generated_policy():
    proc = run(["policy"], dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == iam_policy()


def test_scan_collect_evaluate_report_through_aws_endpoint_url(
    server_env: DemoServer, tmp_path: Path
):
    env = dict(os.environ)  # server_env set AWS_ENDPOINT_URL and the auditor's keys
    roles = [arg for role in server_env.org.assume_roles for arg in ("--assume-role", role)]
    out = tmp_path / "scan"
    scan = run(
        [
            "scan",
            "--regions",
            "us-east-1,us-west-2",
            *roles,
            "--out",
            str(out),
            "--format",
            "json,html",
        ],
        env,
    )
    assert scan.returncode == 1, scan.stderr  # the demo organization has high-severity failures
    assert scan.stdout.strip() == str(out.resolve())
    results = json.loads((out / "results.json").read_text())
    assert sorted(results["scan"]["accounts"]) == [
        "111122223333",
        "444455556666",
        "555566667777",
        "777788889999",
    ]
    assert (out / "report.html").exists() and (out / "snapshot.json").exists()

    # The same snapshot, judged again offline, gives the same statuses.
    again = run(
        [
            "evaluate",
            str(out / "snapshot.json"),
            "--out",
            str(tmp_path / "r2.json"),
            "--fail-on",
            "none",
        ],
        {k: v for k, v in env.items() if not k.startswith("AWS_")},
    )
    assert again.returncode == 0, again.stderr
    offline = json.loads((tmp_path / "r2.json").read_text())
    key = lambda r: (r["check_id"], r["account_id"], r["region"], r["resource_arn"])  # noqa: E731
    assert {key(r): r["status"] for r in offline["results"]} == {
        key(r): r["status"] for r in results["results"]
    }

    rendered = run(
        ["report", str(tmp_path / "r2.json"), "--out", str(tmp_path / "rep"), "--format", "html"],
        env,
    )
    assert rendered.returncode == 0, rendered.stderr
    assert (tmp_path / "rep" / "report.html").exists()
