"""The report folder's manifest: a SHA-256 of every file, bound to one scan, optionally signed.

``MANIFEST.json`` lists each file aiposture wrote into the folder with its SHA-256, and
the two hashes that name the scan: the snapshot's SHA-256 (the evidence) and the results'
content hash. ``MANIFEST.json.sig``, when a signing key is given, is the Ed25519 signature
of the manifest's exact bytes (:mod:`aiposture.signing`).

What the hashes prove, and what they do not: unsigned, a manifest that verifies shows
that no listed file was changed, removed or added since the manifest was written, and
that the reports, the results and the snapshot in the folder belong to one scan. It does
not show who wrote them: anyone able to edit the folder can write a new manifest. Only a
signature checked against a public key obtained from its holder by another channel shows
that the folder is the one that key's holder produced.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import aiposture
from aiposture.atomic import write_atomically
from aiposture.errors import AiPostureError, IntegrityError, validation_summary
from aiposture.results import load_results
from aiposture.signing import key_id, sign, signature_valid
from aiposture.snapshot.io import read_envelope

MANIFEST_NAME = "MANIFEST.json"
SIGNATURE_NAME = "MANIFEST.json.sig"
RESULTS_NAME = "results.json"
SNAPSHOT_NAME = "snapshot.json"
_SHA256 = r"^[0-9a-f]{64}$"
_CHUNK = 1 << 20


class Manifest(BaseModel):
    """The content of ``MANIFEST.json``."""

    model_config = ConfigDict(extra="forbid")

    manifest_version: Literal["1"] = "1"
    tool: str = Field(default_factory=lambda: f"aiposture {aiposture.__version__}")
    created_at: datetime
    snapshot_sha256: str = Field(pattern=_SHA256)
    """The SHA-256 of the snapshot the results were judged on."""
    results_sha256: str = Field(pattern=_SHA256)
    """The content hash of the results the reports were rendered from."""
    signing_key: str | None = None
    """The fingerprint of the key that signed the manifest (``SHA256:...``), if any."""
    files: dict[str, str]
    """Each file's path relative to the folder (``/``-separated) and its SHA-256."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _relative(folder: Path, path: Path) -> str:
    return path.resolve().relative_to(folder.resolve()).as_posix()


def write_manifest(
    folder: Path,
    files: Iterable[Path],
    *,
    snapshot_sha256: str,
    results_sha256: str,
    key: Ed25519PrivateKey | None = None,
) -> list[Path]:
    """Write ``MANIFEST.json`` (and ``MANIFEST.json.sig`` with ``key``) into ``folder``.

    A signature left from an earlier run is removed when this run does not sign, so a
    folder never shows a signature of another manifest. Returns the paths written.
    """
    listed = {_relative(folder, p): file_sha256(p) for p in files}
    manifest = Manifest(
        created_at=datetime.now(UTC),
        snapshot_sha256=snapshot_sha256,
        results_sha256=results_sha256,
        signing_key=key_id(key.public_key()) if key is not None else None,
        files=dict(sorted(listed.items())),
    )
    data = (manifest.model_dump_json(indent=2) + "\n").encode()
    signature_path = folder / SIGNATURE_NAME
    if key is None:
        signature_path.unlink(missing_ok=True)
    write_atomically(folder / MANIFEST_NAME, data)
    if key is None:
        return [folder / MANIFEST_NAME]
    write_atomically(signature_path, sign(key, data))
    return [folder / MANIFEST_NAME, signature_path]


@dataclass
class FolderCheck:
    """What :func:`verify_folder` found."""

    manifest: Manifest
    problems: list[str] = field(default_factory=list)
    """Each way the folder differs from its manifest (empty when it verifies)."""
    signature: Literal["verified", "unchecked", "absent"] = "absent"
    """``verified`` with a public key that matched; ``unchecked`` when signed but no key
    was given; ``absent`` when the manifest is not signed."""

    @property
    def ok(self) -> bool:
        """True when every file matches and no signature check failed."""
        return not self.problems


def _read_manifest(folder: Path) -> tuple[Manifest, bytes]:
    path = folder / MANIFEST_NAME
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IntegrityError(
            f"{folder} has no readable {MANIFEST_NAME} ({exc.strerror or exc}): it was not "
            "written by `aiposture report`, `scan` or `demo`"
        ) from exc
    try:
        return Manifest.model_validate(json.loads(data)), data
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        reason = exc if not isinstance(exc, ValidationError) else " ".join(validation_summary(exc))
        raise IntegrityError(f"{path} is not an aiposture manifest: {reason}") from exc


def _present(folder: Path) -> set[str]:
    names = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()
    }
    return names - {MANIFEST_NAME, SIGNATURE_NAME}


def _results_hashes(path: Path) -> tuple[str, str]:
    """The content hash of the results file at ``path`` and the snapshot it names."""
    results = load_results(path)  # which checks the recorded content hash is the content's
    assert results.integrity is not None
    return results.integrity.content_sha256, results.scan.snapshot_sha256


def _snapshot_hash(path: Path) -> str:
    return read_envelope(path, "snapshot", "snapshot")[1]


def _bound(folder: Path, manifest: Manifest) -> list[str]:
    """The results and snapshot in the folder must be the scan the manifest names."""
    problems: list[str] = []
    if RESULTS_NAME in manifest.files:
        try:
            results_sha, snapshot_sha = _results_hashes(folder / RESULTS_NAME)
        except AiPostureError as exc:
            return [str(exc)]
        if results_sha != manifest.results_sha256:
            problems.append(f"{RESULTS_NAME} is not the results the manifest names")
        if snapshot_sha != manifest.snapshot_sha256:
            problems.append(
                f"{RESULTS_NAME} was judged on another snapshot than the manifest names"
            )
    if SNAPSHOT_NAME in manifest.files:
        try:
            digest = _snapshot_hash(folder / SNAPSHOT_NAME)
        except AiPostureError as exc:
            return [*problems, str(exc)]
        if digest != manifest.snapshot_sha256:
            problems.append(f"{SNAPSHOT_NAME} is not the snapshot the manifest names")
    return problems


def _still_listed(folder: Path, snapshot_sha256: str, results_sha256: str) -> list[Path]:
    """The files the folder's current manifest lists for this same scan, still unchanged."""
    try:
        manifest, _ = _read_manifest(folder)
    except IntegrityError:
        return []
    if (manifest.snapshot_sha256, manifest.results_sha256) != (snapshot_sha256, results_sha256):
        return []
    kept: list[Path] = []
    for name, expected in manifest.files.items():
        path = folder / name
        unsafe = name.startswith("/") or ".." in PurePosixPath(name).parts
        if unsafe or path.is_symlink() or name in (RESULTS_NAME, SNAPSHOT_NAME):
            continue  # the results and snapshot are checked by their content (companions)
        if path.is_file() and file_sha256(path) == expected:
            kept.append(path)
    return kept


def companions(folder: Path, *, snapshot_sha256: str, results_sha256: str) -> list[Path]:
    """The files already in ``folder`` that belong to this very scan, unchanged.

    Re-rendering a scan folder in another format (``report out/results.json --out out
    --format pdf``) keeps the folder whole: its ``results.json`` and ``snapshot.json`` are
    listed in the new manifest when they are the results rendered and the snapshot they
    were judged on, and so are the reports the previous manifest listed for the same
    results, while unchanged. A file of another scan, or a report of other results (other
    waivers), is left out, and ``verify`` names it.
    """
    found = _still_listed(folder, snapshot_sha256, results_sha256)
    results_path, snapshot_path = folder / RESULTS_NAME, folder / SNAPSHOT_NAME
    try:
        if results_path.is_file() and _results_hashes(results_path) == (
            results_sha256,
            snapshot_sha256,
        ):
            found.append(results_path)
    except AiPostureError:
        pass
    try:
        if snapshot_path.is_file() and _snapshot_hash(snapshot_path) == snapshot_sha256:
            found.append(snapshot_path)
    except AiPostureError:
        pass
    return found


def verify_folder(folder: Path, public_key: Ed25519PublicKey | None = None) -> FolderCheck:
    """Check every file of ``folder`` against its manifest, and the signature with a key.

    A problem is a listed file that is missing or whose SHA-256 differs, a file that is
    not listed, results or a snapshot that are not the scan the manifest names, and, with
    ``public_key``, a signature that is missing or is not that key's signature of the
    manifest. A manifest that cannot be read raises :class:`IntegrityError`.
    """
    manifest, data = _read_manifest(folder)
    check = FolderCheck(manifest)
    for name, expected in manifest.files.items():
        path = folder / name
        if name.startswith("/") or ".." in PurePosixPath(name).parts:
            check.problems.append(f"{name}: not a path inside the folder")
        elif path.is_symlink():
            check.problems.append(f"{name}: a symbolic link, not a file aiposture wrote")
        elif not path.is_file():
            check.problems.append(f"{name}: listed in the manifest, missing from the folder")
        elif file_sha256(path) != expected:
            check.problems.append(f"{name}: changed since the manifest was written")
    check.problems.extend(
        f"{name}: in the folder, not in the manifest"
        for name in sorted(_present(folder) - set(manifest.files))
    )
    if not check.problems:
        check.problems.extend(_bound(folder, manifest))
    check.signature, problem = _check_signature(folder, data, manifest, public_key)
    if problem:
        check.problems.append(problem)
    return check


def _check_signature(
    folder: Path, data: bytes, manifest: Manifest, public_key: Ed25519PublicKey | None
) -> tuple[Literal["verified", "unchecked", "absent"], str | None]:
    path = folder / SIGNATURE_NAME
    if not path.exists():
        if public_key is not None:
            return "absent", f"{SIGNATURE_NAME}: missing, and a public key was given"
        return "absent", None
    if public_key is None:
        return "unchecked", None
    try:
        signature = path.read_bytes()
    except OSError as exc:
        return "unchecked", f"{SIGNATURE_NAME}: cannot be read ({exc.strerror or exc})"
    if not signature_valid(public_key, data, signature):
        return "unchecked", (
            f"{SIGNATURE_NAME}: not a signature of this manifest by key {key_id(public_key)}"
        )
    return "verified", None
