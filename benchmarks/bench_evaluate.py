"""Evaluating and rendering at organization scale, from a synthetic snapshot."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path
from tempfile import TemporaryDirectory

from aiposture.api import evaluate_snapshot, render
from aiposture.config import Config
from aiposture.demo import demo_environment
from aiposture.snapshot.models import Snapshot


def _scaled(template: Snapshot, accounts: int, regions: int) -> Snapshot:
    """Copies of the demo's guide account, under new ids, each with ``regions`` regions."""
    base = template.account("111122223333")
    assert base is not None
    names = [f"r{i}" for i in range(regions)]
    out = []
    for n in range(accounts):
        acct_id = f"{100000000000 + n}"
        acct = base.model_copy(deep=True, update={"account_id": acct_id, "scanned_regions": names})
        first = next(iter(acct.regions.values()))
        acct.regions = {r: first.model_copy(update={"region": r}) for r in names}
        for trail in acct.trails:
            trail.owner_account_id = acct_id
            trail.is_multi_region = True
        out.append(acct)
    return template.model_copy(update={"accounts": out})


def run(accounts: int, regions: int, *, pdf: bool = True) -> None:
    """Print evaluation time for a synthetic organization and render times for the demo."""
    with demo_environment() as env:
        demo = env.collect()
    snap = _scaled(demo, accounts, regions)
    start = time.perf_counter()
    results = evaluate_snapshot(snap, Config())
    elapsed = time.perf_counter() - start
    tracemalloc.start()  # measured on a second run: tracing slows Python down several times
    evaluate_snapshot(_scaled(demo, max(1, accounts // 10), regions), Config())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"evaluate: {accounts} accounts x {regions} regions -> {len(results.results):,} results "
        f"in {elapsed:.2f} s ({len(results.results) / elapsed:,.0f} results/s; "
        f"peak {peak / 2**20:.0f} MiB for a tenth of the accounts)"
    )
    demo_results = evaluate_snapshot(demo, env.org.config)
    formats = ["json", "html", *(["pdf"] if pdf else [])]
    with TemporaryDirectory() as tmp:
        for fmt in formats:
            start = time.perf_counter()
            (path,) = render(demo_results, [fmt], Path(tmp))
            print(
                f"render {fmt}: {len(demo_results.results)} results in {time.perf_counter() - start:.2f} s "
                f"({path.stat().st_size / 1024:,.0f} KiB)"
            )
