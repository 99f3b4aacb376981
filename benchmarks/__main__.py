"""Run every benchmark and print its figures."""

from __future__ import annotations

import argparse

from benchmarks import bench_detection, bench_evaluate, bench_selectors


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
    args = parser.parse_args()
    bench_selectors.run()
    bench_detection.run(args.detection_accounts, args.filters)
    bench_evaluate.run(args.accounts, args.regions, pdf=not args.no_pdf)


if __name__ == "__main__":
    main()
