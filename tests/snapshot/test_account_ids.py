"""An account id that is not twelve digits is refused when a file is loaded (issue 14).

Output folders are named after account ids (``remediate`` writes one per account), so a
snapshot or results file holding ``../../x`` or ``/abs/path`` must never get that far.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.config import Config
from aiposture.errors import SnapshotError
from aiposture.snapshot.io import canonical_json, dump_snapshot, load_snapshot
from tests.builders import guide_trail, snapshot
from tests.cli.helpers import run_aiposture

BAD_IDS = [
    "../../x",
    "/abs/path",
    "12345678901",
    "1234567890123",
    "111122223333\n",
    "\uff11" * 12,  # full-width digits: str.isdigit() says yes, AWS says no
]


def _rehashed(path: Path, kind: str, edit: object) -> None:
    """Rewrite ``path``'s body with ``edit`` applied and a matching sha256 (a forger's file)."""
    doc = json.loads(path.read_text())
    edit(doc[kind])  # type: ignore[operator]
    doc["sha256"] = hashlib.sha256(canonical_json(doc[kind])).hexdigest()
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_snapshot_with_a_bad_account_id_is_refused_at_load(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "snapshot.json"
    dump_snapshot(snapshot(guide_trail()), path)

    def edit(body: dict[str, object]) -> None:
        body["accounts"][0]["account_id"] = bad  # type: ignore[index]

    _rehashed(path, "snapshot", edit)
    with pytest.raises(SnapshotError, match=r"accounts\.0\.account_id"):
        load_snapshot(path)


def test_results_with_a_traversal_account_id_are_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    snap = snapshot(guide_trail())
    results = evaluate_snapshot(snap, Config())
    path = tmp_path / "results.json"
    path.write_text(results.model_dump_json())
    doc = json.loads(path.read_text())
    doc["results"][0]["account_id"] = "../../escaped"
    path.write_text(json.dumps(doc))
    env = {"HOME": str(tmp_path)}
    for command in ("remediate", "report"):
        out = tmp_path / f"out-{command}"
        done = run_aiposture([command, str(path), "--out", str(out)], env)
        assert done.returncode == 2, done.stderr
        [line] = done.stderr.strip().splitlines()
        assert "results.0.account_id" in line
        assert not out.exists()
    assert not (tmp_path.parent / "escaped").exists()
