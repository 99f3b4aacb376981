"""Organization scans under faults, over moto's HTTP server: throttling, denials, SIGINT.

A 6-account fleet (organization trail in the management account, member trails) is
served by moto behind the fault injector; the scans are the real collectors, in-process
and as the ``aiposture`` command a user runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from aiposture.api import evaluate_snapshot
from aiposture.collect.budget import minimum_calls
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.results import Status
from aiposture.snapshot.models import Snapshot
from aiposture.testing.fault_servers import fault_fleet_server
from aiposture.testing.faults import FaultInjector, FaultPlan
from aiposture.testing.fleet import Fleet
from tests.cli.helpers import SRC
from tests.collect.helpers import E1, W2, normalized

pytestmark = pytest.mark.integration

REGIONS = (E1, W2)


@pytest.fixture(scope="module")
def faulty() -> Iterator[tuple[str, Fleet, FaultInjector]]:
    """The fleet behind a fault injector with no faults switched on yet."""
    with fault_fleet_server(accounts=6, regions=REGIONS) as served:
        yield served


@pytest.fixture
def injector(faulty: tuple[str, Fleet, FaultInjector]) -> Iterator[FaultInjector]:
    """The injector, with no faults again after each test."""
    yield faulty[2]
    faulty[2].set_plan(FaultPlan())


def _factory(faulty: tuple[str, Fleet, FaultInjector]) -> SessionFactory:
    endpoint, fleet, _ = faulty
    session = boto3.Session(
        aws_access_key_id=fleet.auditor_access_key_id,
        aws_secret_access_key=fleet.auditor_secret_access_key,
        region_name=E1,
    )
    return SessionFactory(session=session, endpoint_url=endpoint)


def _scan(faulty: tuple[str, Fleet, FaultInjector], workers: int = 8) -> Snapshot:
    return collect(_factory(faulty), CollectOptions(org=True, regions=REGIONS, workers=workers))


@pytest.fixture(scope="module")
def clean_run(faulty: tuple[str, Fleet, FaultInjector]) -> tuple[Snapshot, Counter[str]]:
    """The scan with no faults (the reference), and the requests the server saw for it."""
    faulty[2].reset()
    snap = _scan(faulty)
    assert not any(a.all_errors() for a in snap.accounts)
    return snap, faulty[2].counts().requests


@pytest.fixture
def clean(clean_run: tuple[Snapshot, Counter[str]]) -> Snapshot:
    """The reference snapshot."""
    return clean_run[0]


def test_an_organization_scan_sends_exactly_the_calls_its_snapshot_needs(
    clean_run: tuple[Snapshot, Counter[str]],
) -> None:
    snapshot, sent = clean_run
    minimum = minimum_calls(snapshot, org=True, org_accounts=6)
    assert +sent == +minimum  # every operation, call for call: no repeated or wasted read


def _by_check(snapshot: Snapshot, fleet: Fleet) -> dict[tuple[Any, ...], list[Status]]:
    found: dict[tuple[Any, ...], list[Status]] = {}
    for r in evaluate_snapshot(snapshot, fleet.config).results:
        found.setdefault((r.check_id, r.account_id, r.region), []).append(r.status)
    return {k: sorted(v) for k, v in found.items()}


def test_throttling_is_absorbed_and_changes_nothing(
    faulty: tuple[str, Fleet, FaultInjector], injector: FaultInjector, clean: Snapshot
) -> None:
    injector.set_plan(FaultPlan(throttle_rate=0.08, seed=7))
    injector.reset()
    throttled = _scan(faulty, workers=16)
    counts = injector.counts()
    assert sum(counts.throttled.values()) >= 5, "the plan must really throttle"
    assert not any(a.all_errors() for a in throttled.accounts)
    assert normalized(throttled) == normalized(clean)
    fleet = faulty[1]
    assert _by_check(throttled, fleet) == _by_check(clean, fleet)


def test_denied_role_and_denied_service_are_errors_there_only(
    faulty: tuple[str, Fleet, FaultInjector], injector: FaultInjector, clean: Snapshot
) -> None:
    fleet = faulty[1]
    no_role, no_guardduty = fleet.member_account_ids[0], fleet.member_account_ids[1]
    injector.set_plan(
        FaultPlan(
            deny=((no_role, "sts", "AssumeRole"), (no_guardduty, "guardduty", "ListDetectors"))
        )
    )
    denied = _scan(faulty)
    by_id = {a.account_id: a for a in denied.accounts}
    assert [a.account_id for a in denied.accounts] == [a.account_id for a in clean.accounts]
    assert [(e.operation, e.error_code) for e in by_id[no_role].errors] == [
        ("AssumeRole", "AccessDenied")
    ]
    assert {(e.operation, e.region) for e in by_id[no_guardduty].all_errors()} == {
        ("ListDetectors", E1),
        ("ListDetectors", W2),
    }
    others = [a for a in denied.accounts if a.account_id not in (no_role, no_guardduty)]
    assert others and not any(a.all_errors() for a in others)

    before, after = _by_check(clean, fleet), _by_check(denied, fleet)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert {k[1] for k in changed} == {no_role, no_guardduty}
    assert all(set(after.get(k, [Status.ERROR])) <= {Status.ERROR} for k in changed)
    assert any(k[1] == no_guardduty and "guardduty" in k[0] for k in changed)
    assert all(s == Status.ERROR for k, v in after.items() if k[1] == no_role for s in v)


# --- SIGINT, then --resume, through the command ------------------------------------------


def _env(faulty: tuple[str, Fleet, FaultInjector]) -> dict[str, str]:
    endpoint, fleet, _ = faulty
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k not in ("CI", "PYTHONPATH")
    }
    env.update(
        {
            "AWS_ACCESS_KEY_ID": fleet.auditor_access_key_id,
            "AWS_SECRET_ACCESS_KEY": fleet.auditor_secret_access_key,
            "AWS_DEFAULT_REGION": E1,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "PYTHONPATH": SRC,
        }
    )
    return env


def _scan_args(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "aiposture",
        "scan",
        "--org",
        "--regions",
        ",".join(REGIONS),
        "--format",
        "json",
        "--fail-on",
        "none",
        # a period well inside the 90 days LookupEvents keeps: the accounts a resume reads
        # later still reach its start (with --since 90d they would reach minutes short)
        "--since",
        "30d",
        "--out",
        str(out),
        *extra,
    ]


def _statuses(results_path: Path) -> list[tuple[str, str, str, str, str]]:
    doc = json.loads(results_path.read_text())
    return sorted(
        (r["check_id"], r["account_id"], r["region"] or "", r["resource_arn"] or "", r["status"])
        for r in doc["results"]
    )


def test_sigint_mid_scan_then_resume_equals_an_uninterrupted_scan(
    faulty: tuple[str, Fleet, FaultInjector], injector: FaultInjector, tmp_path: Path
) -> None:
    env = _env(faulty)
    whole = tmp_path / "whole"
    done = subprocess.run(_scan_args(whole), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr

    injector.set_plan(FaultPlan(latency_s=0.05))  # slow enough to be stopped mid-way
    out = tmp_path / "interrupted"
    folder = out / "snapshot.json.partial"
    proc = subprocess.Popen(
        _scan_args(out, "--workers", "2"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list((folder / "accounts").glob("*.json")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no account was checkpointed"
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    saved = len(list((folder / "accounts").glob("*.json")))
    assert 1 <= saved < 6, "interrupted mid-scan: some accounts saved, not all"
    assert f"of 6 accounts are saved in {folder}" in stderr
    assert f"--resume {folder}" in stderr
    assert "Traceback" not in stderr
    assert not (out / "results.json").exists()

    injector.set_plan(FaultPlan())
    resumed = subprocess.run(
        _scan_args(out, "--resume", str(folder)),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert not folder.exists()  # folded into snapshot.json once written
    assert _statuses(out / "results.json") == _statuses(whole / "results.json")
    resumed_snapshot = json.loads((out / "snapshot.json").read_text())["snapshot"]
    whole_snapshot = json.loads((whole / "snapshot.json").read_text())["snapshot"]
    assert [a["account_id"] for a in resumed_snapshot["accounts"]] == [
        a["account_id"] for a in whole_snapshot["accounts"]
    ]
