"""The library API: collect, evaluate, render, and scan (all three in one go).

The CLI is a thin layer over these functions; so can any other caller be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aiposture.config import Config
from aiposture.engine.catalog import Catalog, load_catalog
from aiposture.engine.results import Results
from aiposture.engine.runner import evaluate
from aiposture.snapshot.io import dump_snapshot, snapshot_sha256
from aiposture.snapshot.models import Snapshot


@dataclass(frozen=True)
class ScanOutput:
    """What a scan produced: the results, and the files written."""

    results: Results
    snapshot_path: Path
    report_paths: list[Path]


def collect_snapshot(config: Config, factory: object | None = None) -> Snapshot:
    """Read the accounts and regions ``config`` names. The only function that talks to AWS."""
    from aiposture.collect import CollectOptions, collect
    from aiposture.collect.session import SessionFactory

    if factory is None:
        factory = SessionFactory(profile=config.scan.profile, endpoint_url=config.scan.endpoint_url)
    assert isinstance(factory, SessionFactory)
    options = CollectOptions(
        regions=config.scan.regions, assume_roles=tuple(config.scan.assume_roles)
    )
    return collect(factory, options)


def evaluate_snapshot(
    snapshot: Snapshot, config: Config, catalog: Catalog | None = None, sha256: str | None = None
) -> Results:
    """Judge a snapshot with the catalog. Pure and offline."""
    return evaluate(
        snapshot, sha256 or snapshot_sha256(snapshot), catalog or load_catalog(), config
    )


def render(results: Results, formats: Sequence[str], out_dir: Path) -> list[Path]:
    """Write ``results`` in each of ``formats`` into ``out_dir``."""
    from aiposture.report import write_reports

    return write_reports(results, formats, out_dir)


def scan(
    config: Config, out_dir: Path, formats: Sequence[str], factory: object | None = None
) -> ScanOutput:
    """Collect, keep the evidence, evaluate and render, in one go.

    The snapshot is written first, so the evidence survives a failure further on.
    """
    snapshot = collect_snapshot(config, factory)
    snapshot_path = out_dir / "snapshot.json"
    digest = dump_snapshot(snapshot, snapshot_path)
    results = evaluate_snapshot(snapshot, config, sha256=digest)
    paths = render(results, list(dict.fromkeys(["json", *formats])), out_dir)
    return ScanOutput(results, snapshot_path, paths)
