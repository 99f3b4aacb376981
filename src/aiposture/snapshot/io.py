"""Snapshot files: canonical JSON with a schema version and a SHA-256 over the canonical form."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aiposture.atomic import write_atomically
from aiposture.documents import parse_json, read_utf8
from aiposture.errors import SnapshotError, validation_summary
from aiposture.outputs_guard import note_input
from aiposture.snapshot.models import SCHEMA_VERSION, Snapshot


def canonical_json(data: Any) -> bytes:
    """Serialize ``data`` deterministically (sorted keys, no extra whitespace, UTF-8)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def snapshot_sha256(snapshot: Snapshot) -> str:
    """The SHA-256 of the snapshot's canonical JSON form."""
    return hashlib.sha256(canonical_json(snapshot.model_dump(mode="json"))).hexdigest()


def envelope(kind: str, body: dict[str, Any]) -> bytes:
    """The on-disk form of ``body``: ``{"schema_version", "sha256", kind: body}``, pretty-printed.

    The SHA-256 is over the canonical JSON of ``body``, so a reader can check integrity.
    """
    doc = {
        "schema_version": SCHEMA_VERSION,
        "sha256": hashlib.sha256(canonical_json(body)).hexdigest(),
        kind: body,
    }
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def read_envelope(path: Path, kind: str, what: str) -> tuple[dict[str, Any], str]:
    """Read and integrity-check one file written by :func:`envelope`; return body and sha256.

    ``what`` names the file in the one-line :class:`SnapshotError` raised for every kind of
    bad input (unreadable, not UTF-8, not JSON, nested too deep, a lone surrogate, not this
    kind, another schema version, a digest that does not match; see
    :mod:`aiposture.documents`).
    """
    text = read_utf8(path, what, SnapshotError)
    doc = parse_json(text, path, what, SnapshotError, hint="; is the file truncated?")
    if not isinstance(doc, dict) or not isinstance(doc.get(kind), dict):
        raise SnapshotError(f"{path} is not an aiposture {what} (no '{kind}' object)")
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SnapshotError(
            f"{what} {path} has schema_version {version!r}; this aiposture reads {SCHEMA_VERSION!r}"
        )
    body: dict[str, Any] = doc[kind]
    digest = hashlib.sha256(canonical_json(body)).hexdigest()
    if doc.get("sha256") != digest:
        raise SnapshotError(
            f"{what} {path} fails its integrity check: recorded sha256 {doc.get('sha256')!r}, "
            f"content hashes to {digest}"
        )
    return body, digest


def dump_snapshot(snapshot: Snapshot, path: Path) -> str:
    """Write ``snapshot`` to ``path`` (see :func:`envelope`) and return its SHA-256.

    The write goes through a temporary file, so an interrupted write never leaves half a file.
    """
    body = snapshot.model_dump(mode="json")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, envelope("snapshot", body))
    return hashlib.sha256(canonical_json(body)).hexdigest()


def load_snapshot(path: Path) -> tuple[Snapshot, str]:
    """Read and verify a snapshot file; return it with its SHA-256.

    Raises :class:`SnapshotError` with one readable line for every kind of bad input.
    """
    note_input("snapshot", path)
    body, digest = read_envelope(path, "snapshot", "snapshot")
    try:
        snap = Snapshot.model_validate(body)
    except ValidationError as exc:
        where, _, message = validation_summary(exc)
        raise SnapshotError(f"snapshot {path} is invalid at {where}: {message}") from exc
    return snap, digest
