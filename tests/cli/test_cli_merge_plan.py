"""`aiposture merge` proves a shard set is one whole scan, as a user runs it (moto's HTTP server).

Every snapshot records its scan id and plan (the accounts the scan intended, the regions,
shard K of N). A set with a shard left out, a shard given twice, or shards of two scans is
refused with one line (exit 2); ``--allow-partial`` merges an incomplete set and the
evaluation judges the missing accounts ERROR.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from aiposture.demo.environment import DemoServer
from aiposture.snapshot.io import envelope, load_snapshot
from aiposture.snapshot.shards import shard_of
from tests.cli.helpers import run_aiposture
from tests.collect.helpers import normalized

pytestmark = pytest.mark.integration
GUIDE, PARTIAL, PLACEHOLDER, LAB = "111122223333", "444455556666", "777788889999", "555566667777"
E1, W2 = "us-east-1", "us-west-2"


def _collect(env: dict[str, str], out: Path, *extra: str, regions: str = E1) -> Path:
    proc = run_aiposture(["collect", "--org", "--regions", regions, *extra, "--out", str(out)], env)
    assert proc.returncode == 0, proc.stderr
    return out


def _evaluate(env: dict[str, str], snapshot: Path) -> list[dict[str, Any]]:
    out = snapshot.with_suffix(".results.json")
    proc = run_aiposture(["evaluate", str(snapshot), "--out", str(out), "--fail-on", "none"], env)
    assert proc.returncode == 0, proc.stderr
    results: list[dict[str, Any]] = json.loads(out.read_text())["results"]
    return results


def _refused(proc: Any) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aiposture: error: cannot merge: "), lines
    line: str = lines[0]
    return line


def test_merge_proves_a_three_shard_scan_whole(server_env: DemoServer, tmp_path: Path) -> None:
    env = dict(os.environ)
    # The demo organization's four accounts fall into three non-empty shards of 3.
    assert [shard_of(a, 3) for a in (GUIDE, LAB, PLACEHOLDER, PARTIAL)] == [1, 1, 2, 3]
    whole = _collect(env, tmp_path / "whole.json")
    shards = [_collect(env, tmp_path / f"shard-{k}.json", "--shard", f"{k}/3") for k in (1, 2, 3)]

    # Every shard records the plan of the whole scan, and which shard it is.
    plans = [load_snapshot(p)[0].plan for p in (whole, *shards)]
    assert all(plan is not None for plan in plans)
    assert {plan.scan_id for plan in plans if plan} == {plans[0].scan_id if plans[0] else ""}
    assert [plan.shard for plan in plans if plan] == [None, "1/3", "2/3", "3/3"]
    assert plans[0] is not None and sorted(plans[0].accounts) == sorted(
        [GUIDE, PARTIAL, PLACEHOLDER, LAB]
    )

    # Shard 2 left out: refused, naming the shard and its account.
    line = _refused(
        run_aiposture(
            ["merge", str(shards[0]), str(shards[2]), "--out", str(tmp_path / "m.json")], env
        )
    )
    assert "1 of 4 accounts" in line and "(shard 2/3 not given)" in line and PLACEHOLDER in line
    assert "--allow-partial" in line
    assert not (tmp_path / "m.json").exists()

    # Shard 1 given twice: refused, even with --allow-partial.
    twice = ["merge", *map(str, [shards[0], shards[1], shards[2], shards[0]])]
    for flags in ([], ["--allow-partial"]):
        line = _refused(run_aiposture([*twice, *flags, "--out", str(tmp_path / "m.json")], env))
        assert "shard 1/3 is given twice" in line

    # Shard 2 of another scan (another region list): refused, even with --allow-partial.
    other = _collect(env, tmp_path / "other-2.json", "--shard", "2/3", regions=f"{E1},{W2}")
    mixed = ["merge", str(shards[0]), str(other), str(shards[2])]
    for flags in ([], ["--allow-partial"]):
        line = _refused(run_aiposture([*mixed, *flags, "--out", str(tmp_path / "m.json")], env))
        assert "of scan" in line and "merge only the shards of one scan" in line

    # --allow-partial: merged, and the missing account is ERROR on every check.
    partial = tmp_path / "partial.json"
    proc = run_aiposture(
        ["merge", str(shards[0]), str(shards[2]), "--allow-partial", "--out", str(partial)], env
    )
    assert proc.returncode == 0, proc.stderr
    assert "accounts=3 missing=1" in proc.stdout
    assert PLACEHOLDER in proc.stderr and "ERROR" in proc.stderr
    judged = _evaluate(env, partial)
    lost = [r for r in judged if r["account_id"] == PLACEHOLDER]
    assert lost and {r["status"] for r in lost} <= {"ERROR", "NOT_APPLICABLE"}
    assert any(r["status"] == "ERROR" for r in lost)
    assert all("no evidence" in r["message"] for r in lost if r["status"] == "ERROR")
    doc = json.loads(partial.with_suffix(".results.json").read_text())
    assert PLACEHOLDER in doc["scan"]["accounts"]

    # The complete set equals the whole scan: the same plan, evidence and verdicts.
    merged = tmp_path / "merged.json"
    proc = run_aiposture(["merge", *map(str, shards), "--out", str(merged)], env)
    assert proc.returncode == 0, proc.stderr
    assert "accounts=4" in proc.stdout and "missing" not in proc.stdout
    merged_snap, whole_snap = load_snapshot(merged)[0], load_snapshot(whole)[0]
    assert merged_snap.plan == whole_snap.plan

    def by_id(path: Path) -> list[Any]:
        accounts: list[Any] = normalized(load_snapshot(path)[0])["accounts"]
        return sorted(accounts, key=lambda a: a["account_id"])

    assert by_id(merged) == by_id(whole)

    def verdicts(path: Path) -> list[tuple[str, str, str, str]]:
        return sorted(
            (r["check_id"], r["account_id"], r["region"] or "", r["status"])
            for r in _evaluate(env, path)
        )

    whole_verdicts = verdicts(whole)
    assert verdicts(merged) == whole_verdicts
    # Apart from the missing account, the partial merge judges as the whole scan does.
    assert [v for v in verdicts(partial) if v[1] != PLACEHOLDER] == [
        v for v in whole_verdicts if v[1] != PLACEHOLDER
    ]


def test_shards_of_two_runs_with_scan_ids_are_refused(
    server_env: DemoServer, tmp_path: Path
) -> None:
    env = dict(os.environ)
    run1 = [
        _collect(env, tmp_path / f"run1-{k}.json", "--shard", f"{k}/2", "--scan-id", "run-1")
        for k in (1, 2)
    ]
    stale = _collect(env, tmp_path / "run0-2.json", "--shard", "2/2", "--scan-id", "run-0")
    line = _refused(
        run_aiposture(["merge", str(run1[0]), str(stale), "--out", str(tmp_path / "m.json")], env)
    )
    assert "is of scan run-1" in line and "of scan run-0" in line
    proc = run_aiposture(["merge", *map(str, run1), "--out", str(tmp_path / "m.json")], env)
    assert proc.returncode == 0, proc.stderr
    merged = load_snapshot(tmp_path / "m.json")[0]
    assert merged.plan is not None and merged.plan.scan_id == "run-1"

    proc = run_aiposture(
        ["collect", "--org", "--scan-id", "a b", "--out", str(tmp_path / "x.json")], env
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "aiposture: error: scan id 'a b' is not 1 to 128 letters, digits, '.', '_', ':' or '-' "
        "(starting with a letter or digit)"
    ]


def test_merge_of_snapshots_without_a_plan_needs_allow_partial(
    server_env: DemoServer, tmp_path: Path
) -> None:
    env = dict(os.environ)
    legacy = []
    for k in (1, 2):
        path = _collect(env, tmp_path / f"shard-{k}.json", "--shard", f"{k}/2")
        doc = json.loads(path.read_text())
        del doc["snapshot"]["plan"]  # as aiposture wrote snapshots before plans were recorded
        path.write_bytes(envelope("snapshot", doc["snapshot"]))
        legacy.append(str(path))
    line = _refused(run_aiposture(["merge", *legacy, "--out", str(tmp_path / "m.json")], env))
    assert "records no scan plan" in line and "--allow-partial" in line
    proc = run_aiposture(
        ["merge", *legacy, "--allow-partial", "--out", str(tmp_path / "m.json")], env
    )
    assert proc.returncode == 0, proc.stderr
    assert "accounts=4" in proc.stdout
    assert "nothing proves the merged snapshot complete" in proc.stderr


def test_a_shard_the_plan_leaves_empty_is_collected_and_merged(
    server_env: DemoServer, tmp_path: Path
) -> None:
    """Shard 2 of 4 holds none of the four accounts: its job succeeds with an empty
    snapshot that records the plan, and the four shards merge into the whole scan."""
    env = dict(os.environ)
    assert [shard_of(a, 4) for a in (GUIDE, LAB, PLACEHOLDER, PARTIAL)] == [1, 4, 1, 4]
    shards = [
        _collect(env, tmp_path / f"shard-{k}.json", "--shard", f"{k}/4") for k in (1, 2, 3, 4)
    ]
    empty = load_snapshot(shards[1])[0]
    assert empty.accounts == [] and empty.plan is not None and empty.plan.shard == "2/4"
    assert sorted(empty.plan.accounts) == sorted([GUIDE, LAB, PLACEHOLDER, PARTIAL])
    merged = tmp_path / "merged.json"
    proc = run_aiposture(["merge", *map(str, shards), "--out", str(merged)], env)
    assert proc.returncode == 0, proc.stderr
    assert "accounts=4" in proc.stdout and "missing" not in proc.stdout
