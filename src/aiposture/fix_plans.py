"""A fix plan from a results file, as ``aiposture remediate`` makes it.

The results are checked against their snapshot, the plan is built and verified, its folder
written and signed; and the lines that describe it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiposture.config import Config
from aiposture.remediate.outputs import WrittenPlan
from aiposture.remediate.plan import Plan, Verification
from aiposture.results import Results

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@dataclass(frozen=True)
class FixPlan:
    """A verified plan, with the results and the snapshot (file and sha256) it was built on."""

    results: Results
    snapshot_file: Path
    snapshot_sha256: str
    plan: Plan
    verification: Verification

    def files(self, out_dir: Path) -> list[Path]:
        """The files of ``out_dir`` the plan's folder writes besides the account folders."""
        from aiposture.report.manifest import MANIFEST_NAME, SIGNATURE_NAME

        return [out_dir / n for n in ("plan.json", "README.md", MANIFEST_NAME, SIGNATURE_NAME)]

    def folders(self, out_dir: Path) -> list[Path]:
        """The account folders the plan's folder writes."""
        return [out_dir / a.account_id for a in self.plan.accounts]

    def summary(self) -> str:
        """One line: how many changes fix how many failing results, and what is left."""
        changes = sum(len(a.changes) for a in self.plan.accounts)
        unresolved = sum(len(a.unresolved) for a in self.plan.accounts)
        return (
            f"{changes} change(s) in {len(self.plan.accounts)} account(s) fix "
            f"{len(self.verification.fixed)} failing result(s); {unresolved} failure(s) need "
            "a value or a manual change (see README.md)"
        )


def plan_fixes(results_path: Path, snapshot_path: Path | None, config: Config) -> FixPlan:
    """Build and verify the fix plan of the results file at ``results_path``.

    The snapshot is ``snapshot_path`` or ``snapshot.json`` beside the results; one the
    results were not judged on raises :class:`~aiposture.errors.SnapshotError`.
    """
    from aiposture.api import read_results
    from aiposture.engine.catalog import load_catalog
    from aiposture.errors import SnapshotError
    from aiposture.remediate.verify import plan_and_verify
    from aiposture.snapshot.io import load_snapshot

    results = read_results(results_path)
    snapshot_file = snapshot_path or results_path.parent / "snapshot.json"
    snapshot, digest = load_snapshot(snapshot_file)
    if results.scan.snapshot_sha256 != digest:
        raise SnapshotError(
            f"{results_path} was not judged on {snapshot_file} (snapshot sha256 "
            f"{results.scan.snapshot_sha256[:12]}, file {digest[:12]}); give the right --snapshot"
        )
    plan, verification = plan_and_verify(snapshot, results, load_catalog(), config, digest)
    return FixPlan(results, snapshot_file, digest, plan, verification)


def write_fixes(
    fixes: FixPlan, out_dir: Path, *, force: bool = False, key: Ed25519PrivateKey | None = None
) -> WrittenPlan:
    """Write the plan's folder and its manifest (signed with ``key`` when given).

    The folder is what :func:`~aiposture.remediate.outputs.write_plan` writes.
    """
    from aiposture.remediate.outputs import write_plan
    from aiposture.report.manifest import write_manifest
    from aiposture.results import content_sha256

    written = write_plan(fixes.plan, out_dir, fixes.verification, force=force)
    write_manifest(
        out_dir,
        written.files,
        snapshot_sha256=fixes.snapshot_sha256,
        results_sha256=content_sha256(fixes.results),
        key=key,
    )
    return written


def verification_lines(verification: Verification) -> list[str]:
    """Each targeted result before and after the plan, each regression, then the tally."""
    lines = []
    for c in [*verification.fixed, *verification.not_fixed]:
        where = "/".join(x for x in (c.account_id, c.region) if x)
        after = c.after.value if c.after else "gone"
        lines.append(f"{c.before.value:>5} -> {after:<5} {c.check_id} {where}")
    for c in verification.regressed:
        where = "/".join(x for x in (c.account_id, c.region) if x)
        lines.append(f"REGRESSED {c.before.value} -> {c.after} {c.check_id} {where}")
    lines.append(
        f"verification: {len(verification.fixed)} of {verification.targeted} targeted "
        f"result(s) pass after the plan; {len(verification.regressed)} regression(s); "
        f"{verification.unchanged} result(s) unchanged"
    )
    return lines


def script_notes(written: WrittenPlan) -> list[str]:
    """A line for each script held back, or written with --force but guarded."""
    from aiposture.remediate.verify import UNVERIFIED_ENV

    lines = [f"aiposture: {s} not written: the plan does not verify" for s in written.withheld]
    lines += [
        f"aiposture: {s} written (--force); it runs only with {UNVERIFIED_ENV}={s.parent.name}"
        for s in written.guarded
    ]
    return lines
