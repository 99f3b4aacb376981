"""An organization scan at scale, over HTTP, with latency and throttling.

A moto HTTP server runs in its own process behind
:class:`~aiposture.testing.faults.FaultInjector`, seeded in-process with
:func:`~aiposture.testing.fleet.seed_fleet` (N accounts x 4 regions: an organization trail,
member trails, detection content). This process then runs the real
``collect --org`` through ``--endpoint-url`` and prints:

- wall time of the scan;
- API calls made (every HTTP request the server saw, retries of throttled calls included),
  and calls per account-region;
- the minimum calls the snapshot required (:func:`aiposture.collect.budget.minimum_calls`,
  the AI inventory listings and the CloudWatch usage reads included) and the ratio of the
  two;
- how many of those calls were the inventory's and the usage signals' (made / minimum);
- throttled requests, and the scanning process's peak memory (max RSS).

Each figure with a target is printed beside it (issue 16: under :data:`TARGET_SECONDS`
and within :data:`TARGET_RATIO` of the minimum), with "ok" or "OVER".

The fleet (:mod:`aiposture.testing.fleet`) holds AI resources in some account-regions and
none in others (:mod:`aiposture.testing.fleet_ai`), so the scan reads full and empty
inventories, child listings and usage metrics.

Run alone: ``python -m benchmarks --only org --org-accounts 50 --latency-ms 50 --throttle 0.05``.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1")
TARGET_SECONDS = 60.0
"""The wall time the organization scan must stay under (50 accounts x 4 regions, 50 ms)."""
TARGET_RATIO = 1.2
"""The most calls the scan may make, as a multiple of the minimum its snapshot required."""
AI_SERVICES = (
    "bedrock-agent:",
    "bedrock-agentcore-control:",
    "bedrock-data-automation:",
    "cloudwatch:ListMetrics",
    "cloudwatch:GetMetricData",
)
"""Operation-key prefixes of the inventory and usage reads (with the Bedrock List calls)."""


@dataclass(frozen=True)
class OrgFigures:
    """What one run measured."""

    accounts: int
    regions: int
    workers: int
    latency_ms: float
    throttle: float
    seconds: float
    calls: int
    throttled: int
    minimum: int
    errors: int
    peak_rss_mb: float

    @property
    def per_unit(self) -> float:
        """API calls per account-region."""
        return self.calls / (self.accounts * self.regions)

    @property
    def ratio(self) -> float:
        """Calls made over the minimum the snapshot needed."""
        return self.calls / self.minimum


def _serve(accounts: int, regions: tuple[str, ...], conn: Connection) -> None:
    """The server process: seed the fleet in-process, serve it behind the fault injector."""
    from aiposture.testing.fault_servers import fault_server
    from aiposture.testing.fleet import fleet_environment

    started = time.perf_counter()
    with (
        fleet_environment(accounts=accounts, regions=regions) as env,
        fault_server() as (
            endpoint,
            _,
        ),
    ):
        fleet = env.fleet
        conn.send(
            {
                "endpoint": endpoint,
                "key": fleet.auditor_access_key_id,
                "secret": fleet.auditor_secret_access_key,
                "seed_seconds": time.perf_counter() - started,
            }
        )
        conn.recv()  # block until the benchmark is done


def _control(endpoint: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    method = "POST" if data is not None or path.endswith("reset") else "GET"
    request = urllib.request.Request(f"{endpoint}/__faults/{path}", data=data, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def run(
    accounts: int = 50,
    regions: int = 4,
    latency_ms: float = 50.0,
    throttle: float = 0.05,
    workers: int = 16,
) -> OrgFigures:
    """Seed, scan, print and return the figures of one organization scan."""
    import boto3

    from aiposture.collect.budget import minimum_calls
    from aiposture.collect.scan import CollectOptions, collect
    from aiposture.collect.session import SessionFactory

    chosen = REGIONS[:regions]
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(accounts, chosen, child), daemon=True)
    server.start()
    try:
        info = parent.recv()
        endpoint = info["endpoint"]
        print(
            f"org: seeded {accounts} accounts x {regions} regions in "
            f"{info['seed_seconds']:.1f} s (server process)"
        )
        _control(endpoint, "plan", {"latency_s": latency_ms / 1000, "throttle_rate": throttle})
        _control(endpoint, "reset")
        session = boto3.Session(
            aws_access_key_id=info["key"],
            aws_secret_access_key=info["secret"],
            region_name=chosen[0],
        )
        factory = SessionFactory(session=session, endpoint_url=endpoint)
        started = time.perf_counter()
        snapshot = collect(factory, CollectOptions(org=True, regions=list(chosen), workers=workers))
        seconds = time.perf_counter() - started
        counts = _control(endpoint, "counts")
    finally:
        parent.send("stop")
        server.join(timeout=30)
        if server.is_alive():
            server.kill()

    made = Counter({k: int(v) for k, v in counts["requests"].items()})
    throttled = int(counts["throttled"])
    minimum = minimum_calls(snapshot, org=True, org_accounts=accounts)
    figures = OrgFigures(
        accounts=len(snapshot.accounts),
        regions=regions,
        workers=workers,
        latency_ms=latency_ms,
        throttle=throttle,
        seconds=seconds,
        calls=sum(made.values()),
        throttled=throttled,
        minimum=sum(minimum.values()),
        errors=sum(len(a.all_errors()) for a in snapshot.accounts) + len(snapshot.errors),
        peak_rss_mb=_peak_rss_mb(),
    )
    _print(figures, made, minimum)
    return figures


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _is_ai(key: str) -> bool:
    """Whether ``key`` is an inventory or usage read (Bedrock's List operations included)."""
    return key.startswith(AI_SERVICES) or key.startswith("bedrock:List")


def _verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


def _print(f: OrgFigures, made: Counter[str], minimum: Counter[str]) -> None:
    print(
        f"org: {f.accounts} accounts x {f.regions} regions, {f.workers} workers, "
        f"{f.latency_ms:.0f} ms latency, {f.throttle:.0%} throttling"
    )
    print(
        f"org: wall time {f.seconds:.1f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{_verdict(f.seconds < TARGET_SECONDS)})"
    )
    print(
        f"org: API calls {f.calls} ({f.throttled} throttled), {f.per_unit:.2f} per account-region"
    )
    print(
        f"org: minimum the snapshot required {f.minimum} "
        f"({f.minimum / (f.accounts * f.regions):.2f} per account-region); "
        f"ratio {f.ratio:.3f} (target <= {TARGET_RATIO}x: {_verdict(f.ratio <= TARGET_RATIO)})"
    )
    ai_made = sum(n for k, n in made.items() if _is_ai(k))
    ai_minimum = sum(n for k, n in minimum.items() if _is_ai(k))
    print(
        f"org: of which AI inventory and usage reads: {ai_made} made, {ai_minimum} minimum "
        f"({ai_minimum / (f.accounts * f.regions):.2f} per account-region)"
    )
    print(f"org: call errors in the snapshot {f.errors}; peak memory {f.peak_rss_mb:.0f} MB")
    extra = {k: made[k] - minimum[k] for k in made if made[k] > minimum[k]}
    if extra:
        worst = sorted(extra.items(), key=lambda kv: -kv[1])[:5]
        print("org: calls above the minimum: " + ", ".join(f"{k} +{n}" for k, n in worst))
