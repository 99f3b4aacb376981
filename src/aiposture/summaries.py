"""The lines the commands print about what they did.

A judged results set and the readiness gate's verdict, a merged snapshot, a folder checked
against its manifest.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from aiposture.engine.exit_codes import ExitCode, gate
from aiposture.results import Results, Severity, WaiverStatus

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from aiposture.report.manifest import FolderCheck
    from aiposture.snapshot.models import Snapshot


def results_summary(results: Results) -> list[str]:
    """The counts by status and the overall score, then each waiver that did not simply apply."""
    counts = results.counts()
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    score = results.scores.overall
    lines = [
        f"{len(results.results)} results: {summary}"
        + (f"; overall score {score}" if score is not None else "")
    ]
    for record in results.waivers:
        if record.status != WaiverStatus.APPLIED or record.errors_not_waived:
            note = f"waiver {record.id!r}: {record.status.value}"
            if record.status == WaiverStatus.EXPIRED:
                note += f" on {record.expires.isoformat()}, waives nothing"
            if record.errors_not_waived:
                note += f"; {record.errors_not_waived} unverified (ERROR) result(s) not waived"
            lines.append(note)
    return lines


def verdict(
    results: Results, fail_on: Severity | None, min_scores: Mapping[str, float]
) -> tuple[list[str], ExitCode]:
    """:func:`results_summary`, then the readiness gate's reasons, and the gate's exit code."""
    decision = gate(results, fail_on, min_scores)
    lines = results_summary(results) + [f"gate: {reason}" for reason in decision.reasons]
    return lines, decision.code


def merge_summary(out_path: Path, digest: str, merged: Snapshot) -> tuple[str, str | None]:
    """The line naming a merged snapshot file, and the warning when it may be incomplete."""
    missing = merged.missing_accounts()
    line = f"{out_path} sha256={digest} accounts={len(merged.accounts)}"
    line += f" missing={len(missing)}" if missing else ""
    if missing:
        return line, (
            f"aiposture: warning: {len(missing)} planned account(s) not in the inputs "
            f"({', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}): "
            "evaluate judges them ERROR"
        )
    if merged.plan is None:
        return line, (
            "aiposture: warning: the inputs record no scan plan: nothing proves the merged "
            "snapshot complete"
        )
    return line, None


def folder_check_line(folder: Path, check: FolderCheck, key: Ed25519PublicKey | None) -> str:
    """The last line ``aiposture verify`` prints: does the folder match its manifest.

    When it does, the line says whether the manifest's signature was checked, and by whom.
    """
    from aiposture.report.manifest import SIGNATURE_NAME
    from aiposture.signing import key_id

    if not check.ok:
        return f"{folder}: does not match its manifest ({len(check.problems)} problem(s))"
    line = f"{folder}: {len(check.manifest.files)} file(s) match MANIFEST.json (snapshot sha256 "
    line += f"{check.manifest.snapshot_sha256[:12]}); "
    if check.signature == "verified" and key is not None:
        line += f"signature by {key_id(key)} verified"
    elif check.signature == "unchecked":
        line += (
            f"signed ({SIGNATURE_NAME}, key {check.manifest.signing_key}) but the signature "
            "was NOT checked: give --public-key"
        )
    else:
        line += (
            "not signed: this shows the files are unchanged since the manifest was written, "
            "not who wrote it"
        )
    return line
