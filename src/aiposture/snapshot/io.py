"""Snapshot files: canonical JSON with a schema version and a SHA-256 over the canonical form."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aiposture.atomic import write_atomically
from aiposture.errors import SnapshotError, validation_summary
from aiposture.snapshot.models import SCHEMA_VERSION, Snapshot


def canonical_json(data: Any) -> bytes:
    """Serialize ``data`` deterministically (sorted keys, no extra whitespace, UTF-8)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def snapshot_sha256(snapshot: Snapshot) -> str:
    """The SHA-256 of the snapshot's canonical JSON form."""
    return hashlib.sha256(canonical_json(snapshot.model_dump(mode="json"))).hexdigest()


def dump_snapshot(snapshot: Snapshot, path: Path) -> str:
    """Write ``snapshot`` to ``path`` and return its SHA-256.

    The file holds ``{"sha256": ..., "snapshot": {...}}`` so a reader can check integrity.
    The write goes through a temporary file, so an interrupted write never leaves half a file.
    """
    body = snapshot.model_dump(mode="json")
    digest = hashlib.sha256(canonical_json(body)).hexdigest()
    doc = {"schema_version": SCHEMA_VERSION, "sha256": digest, "snapshot": body}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
    return digest


def load_snapshot(path: Path) -> tuple[Snapshot, str]:
    """Read and verify a snapshot file; return it with its SHA-256.

    Raises :class:`SnapshotError` with one readable line for every kind of bad input.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SnapshotError(f"cannot read snapshot {path}: {exc.strerror or exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"snapshot {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}); is the file truncated?"
        ) from exc
    if not isinstance(doc, dict) or "snapshot" not in doc:
        raise SnapshotError(f"{path} is not an aiposture snapshot (no 'snapshot' key)")
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SnapshotError(
            f"snapshot {path} has schema_version {version!r}; this aiposture reads {SCHEMA_VERSION!r}"
        )
    body = doc["snapshot"]
    digest = hashlib.sha256(canonical_json(body)).hexdigest()
    if doc.get("sha256") != digest:
        raise SnapshotError(
            f"snapshot {path} fails its integrity check: recorded sha256 {doc.get('sha256')!r}, "
            f"content hashes to {digest}"
        )
    try:
        snap = Snapshot.model_validate(body)
    except ValidationError as exc:
        where, _, message = validation_summary(exc)
        raise SnapshotError(f"snapshot {path} is invalid at {where}: {message}") from exc
    return snap, digest
