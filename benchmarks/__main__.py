"""Run every benchmark and print its figures."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

BENCHMARKS = ("selectors", "detection", "evaluate", "org", "history")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "--accounts", type=int, default=200, help="accounts in the synthetic snapshot"
    )
    parser.add_argument("--regions", type=int, default=4, help="regions per account")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF rendering figure")
    parser.add_argument(
        "--detection-accounts",
        type=int,
        default=1_000,
        help="accounts (each 100 filters, 100 alarms) in the detection benchmark",
    )
    parser.add_argument(
        "--filters", type=int, default=10_000, help="filter patterns in the throughput benchmark"
    )
    parser.add_argument(
        "--org-accounts",
        type=int,
        default=50,
        help="accounts of the organization benchmark (moto HTTP server; up to 500)",
    )
    parser.add_argument(
        "--org-regions", type=int, default=4, choices=range(1, 5), help="regions per account"
    )
    parser.add_argument(
        "--latency-ms", type=float, default=50.0, help="latency added to every request (ms)"
    )
    parser.add_argument(
        "--throttle", type=float, default=0.05, help="share of requests throttled (0-1)"
    )
    parser.add_argument(
        "--history-accounts",
        type=int,
        default=50,
        help="accounts of the event history benchmark (LookupEvents at 2/s; up to 500)",
    )
    parser.add_argument(
        "--history-regions", type=int, default=4, choices=range(1, 5), help="regions per account"
    )
    parser.add_argument("--workers", type=int, default=16, help="scan workers")
    parser.add_argument(
        "--only", choices=BENCHMARKS, action="append", help="run only these (repeatable)"
    )
    args = parser.parse_args()
    if not 1 <= args.org_accounts <= 500:
        parser.error("--org-accounts must be between 1 and 500")
    if not 1 <= args.history_accounts <= 500:
        parser.error("--history-accounts must be between 1 and 500")
    chosen = set(args.only or BENCHMARKS)
    # each benchmark is imported only when chosen: the organization scan needs neither the
    # engine nor the report
    if "selectors" in chosen:
        _bench("selectors").run()
    if "detection" in chosen:
        _bench("detection").run(args.detection_accounts, args.filters)
    if "evaluate" in chosen:
        _bench("evaluate").run(args.accounts, args.regions, pdf=not args.no_pdf)
    if "org" in chosen:
        _bench("org").run(
            args.org_accounts, args.org_regions, args.latency_ms, args.throttle, args.workers
        )
    if "history" in chosen:
        _bench("history").run(
            args.history_accounts, args.history_regions, args.latency_ms, args.workers
        )


def _bench(name: str) -> Any:
    """The module of one benchmark, ``benchmarks.bench_<name>``."""
    return importlib.import_module(f"benchmarks.bench_{name}")


if __name__ == "__main__":
    main()
