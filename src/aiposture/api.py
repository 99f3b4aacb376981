"""The library API: collect, evaluate, render, and scan (all three in one go).

The CLI is a thin layer over these functions; so can any other caller be.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aiposture.config import Config
from aiposture.engine.catalog import Catalog, load_catalog
from aiposture.engine.runner import evaluate
from aiposture.engine.waivers import Waiver
from aiposture.errors import RenderError
from aiposture.results import Results
from aiposture.snapshot.history import LOOKUP_EVENTS_PER_SECOND, Period
from aiposture.snapshot.io import dump_snapshot, snapshot_sha256
from aiposture.snapshot.models import Snapshot

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from aiposture.collect.history import PeriodRequest
    from aiposture.collect.progress import ScanObserver


@dataclass(frozen=True)
class ScanOutput:
    """What a scan produced: the results, and the files written."""

    results: Results
    snapshot_path: Path
    report_paths: list[Path]


@dataclass(frozen=True)
class RunOptions:
    """How one collection runs (not what it reads: that is ``config.scan``).

    ``checkpoint`` is the snapshot folder each finished account is written to (None: keep
    everything in memory); ``resume`` continues that folder; ``shard`` ``(K, N)`` collects
    shard K of N; ``observer`` receives progress events; ``scan_id`` is the scan id to
    record (the same for every shard of one run; None: a hash of the plan). With
    ``history`` the event history of ``period`` (None: the last 90 days) is read at
    ``lookup_events_per_second`` LookupEvents calls per account-region (the command line
    reads it unless ``--no-history``; the library only when asked).
    """

    checkpoint: Path | None = None
    resume: bool = False
    shard: tuple[int, int] | None = None
    observer: ScanObserver | None = None
    scan_id: str | None = None
    history: bool = False
    period: Period | PeriodRequest | None = None
    lookup_events_per_second: float = LOOKUP_EVENTS_PER_SECOND


def checkpoint_for(snapshot_path: Path) -> Path:
    """The default snapshot folder of a scan that writes ``snapshot_path``: ``<path>.partial``."""
    return snapshot_path.with_name(snapshot_path.name + ".partial")


def collect_snapshot(
    config: Config, factory: object | None = None, run: RunOptions | None = None
) -> Snapshot:
    """Read the accounts and regions ``config`` names. The only function that talks to AWS."""
    from aiposture.collect.deadline import scan_timeouts
    from aiposture.collect.scan import CollectOptions, collect
    from aiposture.collect.session import SessionFactory

    if factory is None:
        factory = SessionFactory(
            profile=config.scan.profile,
            endpoint_url=config.scan.endpoint_url,
            timeouts=scan_timeouts(config.scan.timeout_settings()),
        )
    assert isinstance(factory, SessionFactory)
    scan = config.scan
    run = run or RunOptions()
    options = CollectOptions(
        regions=scan.regions,
        assume_roles=tuple(scan.assume_roles),
        org=scan.org,
        role_name=scan.role_name,
        external_id=scan.external_id,
        accounts=scan.accounts,
        exclude_accounts=tuple(scan.exclude_accounts),
        workers=scan.workers,
        shard=run.shard,
        observer=run.observer,
        checkpoint=run.checkpoint,
        resume=run.resume,
        scan_id=run.scan_id,
        history=run.history,
        period=run.period,
        lookup_events_per_second=run.lookup_events_per_second,
    )
    return collect(factory, options)


def collect_to_file(
    config: Config, path: Path, factory: object | None = None, run: RunOptions | None = None
) -> tuple[Snapshot, str]:
    """Collect through a checkpoint folder, write the snapshot file, then drop the folder.

    The folder is ``run.checkpoint`` or :func:`checkpoint_for` ``(path)``. It is removed
    only once the snapshot file is safely written, so an interrupted scan (or a failure to
    write) leaves every finished account in it for ``--resume``. Returns the snapshot and
    the file's sha256.
    """
    run = run or RunOptions()
    folder = run.checkpoint or checkpoint_for(path)
    snapshot = collect_snapshot(config, factory, replace(run, checkpoint=folder))
    digest = dump_snapshot(snapshot, path)
    shutil.rmtree(folder, ignore_errors=True)
    return snapshot, digest


def evaluate_snapshot(
    snapshot: Snapshot, config: Config, catalog: Catalog | None = None, sha256: str | None = None
) -> Results:
    """Judge a snapshot with the catalog. Pure and offline."""
    return evaluate(
        snapshot, sha256 or snapshot_sha256(snapshot), catalog or load_catalog(), config
    )


def read_snapshot(path: Path) -> tuple[Snapshot, str]:
    """A snapshot file, or a complete snapshot folder, and its sha256."""
    from aiposture.snapshot.io import load_snapshot
    from aiposture.snapshot.store import load_any

    if path.is_dir():
        snapshot = load_any(path)
        return snapshot, snapshot_sha256(snapshot)
    return load_snapshot(path)


def evaluate_file(
    snapshot_path: Path, config: Config, out_path: Path, *, today: date | None = None
) -> Results:
    """Judge a snapshot file or folder offline, finish the results, and write them.

    The snapshot is read with :func:`read_snapshot`; the waivers and baseline of
    ``config.report`` are applied (:func:`finish_results`); the results go to ``out_path``.
    """
    from aiposture.results import dump_results

    snapshot, digest = read_snapshot(snapshot_path)
    catalog = load_catalog()
    results = evaluate_snapshot(snapshot, config, catalog=catalog, sha256=digest)
    results = finish_results(results, config, today=today, catalog=catalog)
    dump_results(results, out_path)
    return results


def read_results(path: Path) -> Results:
    """A results file, its content hash checked and its scores computed again from it.

    A file edited since aiposture wrote it raises :class:`~aiposture.errors.IntegrityError`
    (one line, exit 2); the stored scores are never trusted (:func:`rescored`).
    """
    from aiposture.engine.scoring import rescored
    from aiposture.results import load_results

    return rescored(load_results(path))


def include_snapshot(results: Results, source: Path, out_dir: Path) -> Path:
    """Put the snapshot ``results`` were judged on into ``out_dir`` as ``snapshot.json``.

    ``source`` must be that very snapshot (its SHA-256 is the one the results record), or
    :class:`~aiposture.errors.IntegrityError` is raised before anything is written. Its
    bytes are copied unchanged (all or nothing); a ``source`` that already is the folder's
    ``snapshot.json`` is left as it is. Returns the path in ``out_dir``.
    """
    from aiposture.atomic import write_atomically
    from aiposture.errors import IntegrityError
    from aiposture.outputs_guard import same_path
    from aiposture.snapshot.io import load_snapshot

    _, digest = load_snapshot(source)
    if digest != results.scan.snapshot_sha256:
        raise IntegrityError(
            f"{source} is not the snapshot the results were judged on (snapshot sha256 "
            f"{digest[:12]}, the results name {results.scan.snapshot_sha256[:12]})"
        )
    target = out_dir / "snapshot.json"
    if same_path(target, source):
        return target
    data = source.read_bytes()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(target, data)
    return target


def known_checks(catalog: Catalog) -> set[str]:
    """What a waiver's ``check`` may name: every check id and every seed_ref of the catalog."""
    names = {item.check.id for item in catalog.checks}
    names.update(ref for item in catalog.checks for ref in item.check.seed_refs)
    return names


def demo_waivers_path() -> Path:
    """The waivers file the demo applies (package data)."""
    import aiposture.demo.environment

    return Path(aiposture.demo.__file__).parent / "waivers.yaml"


@dataclass(frozen=True)
class ResultInputs:
    """The files that finish a results set: waivers and a baseline (each optional)."""

    waivers: list[Waiver] | None
    baseline: Results | None


def load_result_inputs(config: Config, catalog: Catalog | None = None) -> ResultInputs:
    """Read and check ``config.report``'s waivers and baseline files (one-line errors)."""
    from aiposture.engine.diff import load_baseline
    from aiposture.engine.waivers import load_waivers

    waivers = None
    if config.report.waivers is not None:
        waivers = load_waivers(
            config.report.waivers, known_checks=known_checks(catalog or load_catalog())
        )
    baseline = load_baseline(config.report.baseline) if config.report.baseline else None
    return ResultInputs(waivers, baseline)


def finish_results(
    results: Results,
    config: Config,
    *,
    today: date | None = None,
    catalog: Catalog | None = None,
    inputs: ResultInputs | None = None,
) -> Results:
    """Apply the waivers file, then compare with the baseline (both from ``config.report``).

    The waivers come first, so the scores (recomputed without the waived results) and the
    diff both see the waived statuses. ``today`` decides which waivers have expired
    (default: the current UTC date). ``inputs``, when given, are the files already read.
    """
    from aiposture.engine.diff import diff_results
    from aiposture.engine.waivers import apply_waivers

    inputs = inputs or load_result_inputs(config, catalog)
    if inputs.waivers is not None:
        results = apply_waivers(results, inputs.waivers, today or datetime.now(UTC).date())
    if inputs.baseline is not None:
        results = results.model_copy(update={"baseline": diff_results(inputs.baseline, results)})
    return results


def report_files(out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Every file :func:`render` writes into ``out_dir`` for ``formats``, manifest included."""
    from aiposture.report import get_renderer
    from aiposture.report.manifest import MANIFEST_NAME, SIGNATURE_NAME

    names = [get_renderer(name).filename for name in formats]
    return [out_dir / name for name in [*names, MANIFEST_NAME, SIGNATURE_NAME]]


def render(
    results: Results,
    formats: Sequence[str],
    out_dir: Path,
    *,
    snapshot_path: Path | None = None,
    sign_key: Ed25519PrivateKey | None = None,
) -> list[Path]:
    """Write ``results`` in each of ``formats`` into ``out_dir``, then the folder's manifest.

    The manifest (:mod:`aiposture.report.manifest`) lists every report written, the
    ``snapshot_path`` when given (a file in ``out_dir``), and the results and snapshot the
    folder already holds when they are this scan's (:func:`companions`); ``sign_key``
    signs it. Returns the paths written, the manifest (and signature) last.
    """
    from aiposture.report import write_reports
    from aiposture.report.manifest import companions, write_manifest
    from aiposture.results import content_sha256

    hashes = {
        "snapshot_sha256": results.scan.snapshot_sha256,
        "results_sha256": content_sha256(results),
    }
    paths = write_reports(results, formats, out_dir)
    listed = [*([snapshot_path] if snapshot_path is not None else []), *paths]
    listed += [p for p in companions(out_dir, **hashes) if p not in listed]
    try:
        paths += write_manifest(out_dir, listed, **hashes, key=sign_key)
    except OSError as exc:
        where = exc.filename or out_dir
        raise RenderError(f"cannot write the manifest to {where}: {exc.strerror or exc}") from exc
    return paths


def scan(
    config: Config,
    out_dir: Path,
    formats: Sequence[str],
    factory: object | None = None,
    *,
    today: date | None = None,
    run: RunOptions | None = None,
    sign_key: Ed25519PrivateKey | None = None,
) -> ScanOutput:
    """Collect, keep the evidence, evaluate, apply waivers and baseline, and render.

    The waivers and baseline files are read before anything else, so a bad one fails
    fast. Collection checkpoints into ``out_dir/snapshot.json.partial`` (see
    :func:`collect_to_file`); the snapshot is written first of the outputs, so the
    evidence survives a failure further on.
    """
    catalog = load_catalog()
    inputs = load_result_inputs(config, catalog)  # before collecting: a bad file fails fast
    snapshot_path = out_dir / "snapshot.json"
    snapshot, digest = collect_to_file(config, snapshot_path, factory, run)
    results = evaluate_snapshot(snapshot, config, catalog=catalog, sha256=digest)
    results = finish_results(results, config, today=today, catalog=catalog, inputs=inputs)
    paths = render(
        results,
        list(dict.fromkeys(["json", *formats])),
        out_dir,
        snapshot_path=snapshot_path,
        sign_key=sign_key,
    )
    return ScanOutput(results, snapshot_path, paths)


def iam_policy_json(*, security_audit_addition: bool = False) -> str | None:
    """The least-privilege read-only IAM policy aiposture needs, as indented JSON.

    With ``security_audit_addition``, only the statement the AWS managed policy
    SecurityAudit lacks; ``None`` when SecurityAudit grants every action aiposture reads.
    """
    import json

    from aiposture.collect import policy as iam

    if not security_audit_addition:
        return json.dumps(iam.iam_policy(), indent=2)
    addition = iam.security_audit_addition()
    return None if addition is None else json.dumps(addition, indent=2)
