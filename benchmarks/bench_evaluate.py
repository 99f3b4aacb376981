"""Evaluating and rendering at organization scale, from a synthetic snapshot."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path
from tempfile import TemporaryDirectory

from aiposture.api import evaluate_snapshot, render
from aiposture.config import Config
from aiposture.demo import demo_environment
from aiposture.snapshot.models import AccountSnapshot, Snapshot


def _scaled(template: Snapshot, accounts: int, regions: int, *, rename: bool) -> Snapshot:
    """Copies of the demo's guide account, each scanned in ``regions`` regions.

    With ``rename`` every id inside the copy (ARNs included) becomes the new account's, so
    the copies pass like the original; without it, the ARNs keep the original account id,
    so every data-event check fails and is diagnosed: the worst case.
    """
    base = template.account("111122223333")
    assert base is not None
    names = [f"r{i}" for i in range(regions)]
    text = base.model_dump_json()
    out = []
    for n in range(accounts):
        acct_id = f"{100000000000 + n}"
        copy = AccountSnapshot.model_validate_json(
            text.replace("111122223333", acct_id) if rename else text
        )
        first = copy.regions["us-east-1"]
        copy.account_id = acct_id
        copy.scanned_regions = names
        copy.regions = {r: first.model_copy(update={"region": r}) for r in names}
        for trail in copy.trails:
            trail.owner_account_id = acct_id
        out.append(copy)
    return template.model_copy(update={"accounts": out})


def run(accounts: int, regions: int, *, pdf: bool = True) -> None:
    """Print evaluation time for a synthetic organization and render times for the demo."""
    with demo_environment() as env:
        demo = env.collect()
    for label, rename in (("passing copies", True), ("failing copies, worst case", False)):
        snap = _scaled(demo, accounts, regions, rename=rename)
        start = time.perf_counter()
        results = evaluate_snapshot(snap, Config())
        elapsed = time.perf_counter() - start
        print(
            f"evaluate ({label}): {accounts} accounts x {regions} regions -> "
            f"{len(results.results):,} results in {elapsed:.2f} s ({len(results.results) / elapsed:,.0f} results/s)"
        )
    tracemalloc.start()  # measured on a separate, smaller run: tracing slows Python down
    evaluate_snapshot(_scaled(demo, max(1, accounts // 10), regions, rename=True), Config())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"evaluate memory: peak {peak / 2**20:.0f} MiB for {max(1, accounts // 10)} accounts")
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
