"""A plan that fails its own verification writes no runnable apply.sh.

Without ``--force`` no account gets an ``apply.sh`` (a stale one is removed), the command
says so per account and exits 1, and the README says so at the top. With ``--force`` the
scripts are written, but each refuses to run, with one line on stderr and before any AWS
call, unless ``AIPOSTURE_APPLY_UNVERIFIED`` holds its account id.

The planner is built to verify (a failure is a planning defect), so the failing
verification is made here by spoiling a real one: one fixed result moved to not fixed.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

import aiposture.remediate.verify as build
from aiposture.remediate.outputs import write_plan
from aiposture.remediate.plan import Plan, StatusChange, Verification
from aiposture.remediate.script import EXIT_UNVERIFIED, EXIT_WRONG_ACCOUNT
from aiposture.remediate.verify import UNVERIFIED_ENV
from aiposture.results import Status
from aiposture.snapshot.io import dump_snapshot
from tests.builders import snapshot, trail
from tests.cli.helpers import run_main
from tests.remediate.sample_plan import ACCOUNT, REGION, sample_plan


def _failed(targeted: int = 3) -> Verification:
    change = StatusChange(
        check_id="ct-trail-logging",
        account_id=ACCOUNT,
        region=REGION,
        resource_arn=None,
        title="A trail is logging",
        before=Status.FAIL,
        after=Status.FAIL,
        targeted=True,
    )
    return Verification(targeted=targeted, not_fixed=[change])


def _spoiled(verification: Verification) -> Verification:
    first, *rest = verification.fixed
    return verification.model_copy(
        update={"fixed": rest, "not_fixed": [first.model_copy(update={"after": Status.FAIL})]}
    )


def _fake_aws(folder: Path, account: str) -> tuple[dict[str, str], Path]:
    """A PATH whose ``aws`` logs each call and answers get-caller-identity with ``account``."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    calls = folder / "aws-calls.log"
    aws = bin_dir / "aws"
    aws.write_text(f'#!/bin/sh\necho "$*" >> {calls}\necho {account}\n')
    aws.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(folder)}
    return env, calls


def _run(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, check=False, timeout=60
    )


def test_no_script_is_written_and_a_stale_one_is_removed(tmp_path: Path) -> None:
    plan = sample_plan()
    stale = tmp_path / ACCOUNT / "apply.sh"
    stale.parent.mkdir(parents=True)
    stale.write_text("#!/bin/sh\necho stale plan\n")
    written = write_plan(plan, tmp_path, _failed())
    assert written.withheld == [stale]
    assert not stale.exists()
    assert (tmp_path / ACCOUNT / "main.tf").exists()
    index = (tmp_path / "README.md").read_text()
    top = index.split("\n## ", 1)[0]
    assert "The plan failed its verification" in top and "No apply.sh was written" in top
    page = (tmp_path / ACCOUNT / "README.md").read_text()
    assert "apply.sh was not written" in page.split("\n## ", 1)[0]
    assert "bash apply.sh" not in page


def test_a_forced_script_refuses_to_run_before_any_aws_call(tmp_path: Path) -> None:
    written = write_plan(sample_plan(), tmp_path / "plan", _failed(), force=True)
    (script,) = written.guarded
    assert script.stat().st_mode & stat.S_IXUSR
    env, calls = _fake_aws(tmp_path, "000000000000")
    for value in (None, "", "1", "yes", "000000000000"):
        run_env = env if value is None else {**env, UNVERIFIED_ENV: value}
        done = _run(script, run_env)
        assert done.returncode == EXIT_UNVERIFIED, (value, done.stderr)
        (line,) = done.stderr.splitlines()
        assert "failed its verification" in line
        assert f"{UNVERIFIED_ENV}={ACCOUNT}" in line
        assert not calls.exists(), "the guard must stop the script before any AWS call"
    # The override named in the message lets it run: it reaches the account guard.
    done = _run(script, {**env, UNVERIFIED_ENV: ACCOUNT})
    assert done.returncode == EXIT_WRONG_ACCOUNT, done.stderr
    assert "sts get-caller-identity" in calls.read_text()


def test_a_verified_plan_has_no_guard(tmp_path: Path) -> None:
    written = write_plan(sample_plan(), tmp_path, Verification(targeted=0))
    assert not written.withheld and not written.guarded
    assert UNVERIFIED_ENV not in (tmp_path / ACCOUNT / "apply.sh").read_text()


# --- the command ---------------------------------------------------------------------


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code, _, err = run_main(capsys, *args)
    return code, err


@pytest.fixture
def scanned(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """Results with a stopped trail (the plan starts it) and their snapshot, side by side."""
    folder = tmp_path / "scan"
    dump_snapshot(snapshot(trail(logging=False)), folder / "snapshot.json")
    results = folder / "results.json"
    code, err = _main(capsys, "evaluate", str(folder / "snapshot.json"), "--out", str(results))
    assert code in (0, 1), err
    return results


def test_remediate_writes_apply_sh_only_for_a_verified_plan(
    scanned: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _main(capsys, "remediate", str(scanned), "--out", str(tmp_path / "ok"))
    assert code == 0, err
    (script,) = (tmp_path / "ok").glob("*/apply.sh")
    assert UNVERIFIED_ENV not in script.read_text()


def test_remediate_holds_back_apply_sh_unless_forced(
    scanned: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = build.plan_and_verify

    def spoiled(*args: Any) -> tuple[Plan, Verification]:
        plan, verification = real(*args)
        return plan, _spoiled(verification)

    monkeypatch.setattr(build, "plan_and_verify", spoiled)
    out = tmp_path / "held"
    code, err = _main(capsys, "remediate", str(scanned), "--out", str(out))
    assert code == 1
    accounts = [p.parent.name for p in out.glob("*/main.tf")]
    assert accounts
    assert not list(out.glob("*/apply.sh"))
    held = [line for line in err.splitlines() if "not written" in line]
    assert sorted(held) == sorted(
        f"aiposture: {out / a / 'apply.sh'} not written: the plan does not verify" for a in accounts
    )

    out = tmp_path / "forced"
    code, err = _main(capsys, "remediate", str(scanned), "--out", str(out), "--force")
    assert code == 1
    scripts = sorted(out.glob("*/apply.sh"))
    assert [p.parent.name for p in scripts] == sorted(accounts)
    for script in scripts:
        assert f"{UNVERIFIED_ENV}={script.parent.name}" in err
        assert f'"${{{UNVERIFIED_ENV}:-}}"' in script.read_text()
