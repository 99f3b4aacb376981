"""Snapshot files: canonical hash, integrity, and readable errors for bad input."""

from __future__ import annotations

import json

import pytest

from aiposture.errors import SnapshotError
from aiposture.snapshot.io import dump_snapshot, load_snapshot, snapshot_sha256
from tests.builders import snapshot, trail


def test_round_trip_keeps_hash(tmp_path):
    snap = snapshot(trail())
    path = tmp_path / "s.json"
    digest = dump_snapshot(snap, path)
    loaded, digest2 = load_snapshot(path)
    assert digest == digest2 == snapshot_sha256(snap) == snapshot_sha256(loaded)
    assert loaded == snap


def test_truncated_snapshot(tmp_path):
    path = tmp_path / "s.json"
    dump_snapshot(snapshot(trail()), path)
    path.write_text(path.read_text()[:200])
    with pytest.raises(SnapshotError, match=r"not valid JSON.*truncated"):
        load_snapshot(path)


def test_tampered_snapshot(tmp_path):
    path = tmp_path / "s.json"
    dump_snapshot(snapshot(trail()), path)
    doc = json.loads(path.read_text())
    doc["snapshot"]["accounts"][0]["trails"][0]["status"]["is_logging"] = False
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError, match="integrity"):
        load_snapshot(path)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"foo": 1}, "not an aiposture snapshot"),
        ({"schema_version": "99", "snapshot": {}, "sha256": ""}, "schema_version"),
    ],
)
def test_other_bad_files(tmp_path, doc, message):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(path)
