"""`aiposture collect --org` as a user runs it, against moto's HTTP server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aiposture.demo.environment import DemoServer
from tests.cli.helpers import run_aiposture

pytestmark = pytest.mark.integration
GUIDE, PARTIAL, PLACEHOLDER = "111122223333", "444455556666", "777788889999"
LAB = "555566667777"
E1 = "us-east-1"


def test_cli_collect_org_through_the_http_endpoint(server_env: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    proc = run_aiposture(
        ["collect", "--org", "--regions", E1, "--exclude-accounts", PLACEHOLDER, "--out", str(out)],
        dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert [a["account_id"] for a in doc["snapshot"]["accounts"]] == [GUIDE, PARTIAL, LAB]


def test_cli_shards_merge_into_the_snapshot_of_the_whole_scan(
    server_env: DemoServer, tmp_path: Path
) -> None:
    env = dict(os.environ)
    whole = tmp_path / "whole.json"
    assert (
        run_aiposture(["collect", "--org", "--regions", E1, "--out", str(whole)], env).returncode
        == 0
    )
    shards = []
    for k in (1, 2):
        path = tmp_path / f"shard-{k}.json"
        proc = run_aiposture(
            ["collect", "--org", "--regions", E1, "--shard", f"{k}/2", "--out", str(path)], env
        )
        assert proc.returncode == 0, proc.stderr
        assert not (tmp_path / f"shard-{k}.json.partial").exists()  # removed once written
        shards.append(path)
    merged = tmp_path / "merged.json"
    proc = run_aiposture(["merge", *map(str, shards), "--out", str(merged)], env)
    assert proc.returncode == 0, proc.stderr
    assert "accounts=4" in proc.stdout

    def accounts(path: Path) -> list[str]:
        return [a["account_id"] for a in json.loads(path.read_text())["snapshot"]["accounts"]]

    assert sorted(accounts(shards[0]) + accounts(shards[1])) == sorted(accounts(whole))
    assert sorted(accounts(merged)) == sorted(accounts(whole))
    results = {}
    for name, snap in (("whole", whole), ("merged", merged)):
        out = tmp_path / f"{name}-results.json"
        proc = run_aiposture(["evaluate", str(snap), "--out", str(out), "--fail-on", "none"], env)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(out.read_text())
        results[name] = sorted(
            (r["check_id"], r["account_id"], r["region"] or "", r["status"]) for r in doc["results"]
        )
    assert results["merged"] == results["whole"]


def test_cli_bad_shard_and_bad_merge_input_are_one_line(
    server_env: DemoServer, tmp_path: Path
) -> None:
    env = dict(os.environ)
    proc = run_aiposture(
        ["collect", "--org", "--shard", "3/2", "--out", str(tmp_path / "x.json")], env
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "aiposture: error: shard '3/2': K must be between 1 and N (2); shards count from 1"
    ]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    proc = run_aiposture(["merge", str(bad), "--out", str(tmp_path / "m.json")], env)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "bad.json" in proc.stderr


def test_cli_json_logs_are_one_event_per_line(server_env: DemoServer, tmp_path: Path) -> None:
    proc = run_aiposture(
        [
            "collect",
            "--org",
            "--regions",
            E1,
            "--log-format",
            "json",
            "--out",
            str(tmp_path / "s.json"),
        ],
        dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stderr.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds.count("scan_planned") == 1
    assert sorted(e["account"] for e in events if e["event"] == "account_done") == sorted(
        [GUIDE, PARTIAL, PLACEHOLDER, LAB]
    )
    assert all({"time", "level", "event"} <= e.keys() for e in events)
    done = [e for e in events if e["event"] == "account_done"]
    assert done[-1]["accounts_done"] == done[-1]["accounts_total"] == 4


def test_cli_text_logs_stay_quiet_under_ci(server_env: DemoServer, tmp_path: Path) -> None:
    proc = run_aiposture(
        ["collect", "--org", "--regions", E1, "--out", str(tmp_path / "s.json")],
        {**os.environ, "CI": "true"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
