"""The event history of an organization at scale: LookupEvents paced at AWS's 2 per second.

A moto HTTP server runs in its own process behind
:class:`~aiposture.testing.faults.FaultInjector` (``--latency-ms`` on every request), seeded
in-process with :func:`~aiposture.testing.fleet.seed_fleet` (N accounts x R regions) and a
*busy* 90-day history in every account-region (:func:`busy_history`: about
:data:`EVENTS_PER_FAMILY` events per control family, and a few event names with more than a
page of 50, so pagination matters). moto enforces LookupEvents' documented limit, 2 requests
per second per account and region (:func:`~aiposture.demo.moto_ext.cloudtrail_lookup_events.
set_lookup_events_rate`): a request beyond it is refused with ``ThrottlingException``.

This process then runs the real ``collect --org`` with the history (``--since 90d``) at the
collector's default pace and prints:

- wall time of the scan;
- LookupEvents calls made (every request sent, retries of refused ones included) and the
  pages they read;
- the minimum calls the history needed (sum over every account-region and event name of
  ``max(1, ceil(n / 50))``, :func:`aiposture.collect.history.minimum_lookup_calls`) and the
  ratio of the two;
- the pacing floor: the longest any one account-region must take at 2 calls per second
  (its calls / rate), beside the wall time.

Run alone: ``python -m benchmarks --only history --history-accounts 50 --latency-ms 50``.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1")
EVENTS_PER_FAMILY = 30
"""Events of each control family in each account-region over the 90 days."""
PAGED_NAMES = {"PutMetricFilter": 120, "PutMetricAlarm": 75, "UpdateTrail": 55}
"""Event names with more than a page of events (50) in every account-region."""
RATE = 2.0
"""LookupEvents requests per second per account and region: AWS's limit, moto's, ours."""


def busy_history(account_id: str, region: str, now: datetime) -> int:
    """Record a busy 90 days of monitoring changes in one account-region; return the count."""
    from aiposture.demo.moto_ext.cloudtrail_lookup_events import record_event
    from aiposture.snapshot.history import FAMILIES

    actor = f"arn:aws:sts::{account_id}:assumed-role/Deployer/pipeline"
    counts: Counter[str] = Counter()
    for family in FAMILIES:
        for i in range(EVENTS_PER_FAMILY):
            counts[family.event_names[i % len(family.event_names)]] += 1
    for name, n in PAGED_NAMES.items():
        counts[name] = max(counts[name], n)
    recorded = 0
    for name, n in sorted(counts.items()):
        for i in range(n):
            # spread over the 90 days, never older than what LookupEvents keeps
            when = now - timedelta(minutes=10 + (i * 129_000) // max(n, 1) % 129_000)
            record_event(
                account_id,
                region,
                event_name=name,
                event_time=when,
                actor_arn=actor,
                source_ip="203.0.113.20",
                request_parameters={"n": i},
                event_id=f"{account_id}-{region}-{name}-{i}",
            )
            recorded += 1
    return recorded


@dataclass(frozen=True)
class HistoryFigures:
    """What one run measured."""

    accounts: int
    regions: int
    workers: int
    latency_ms: float
    seconds: float
    calls: int
    """LookupEvents requests sent (retries included)."""
    pages: int
    """LookupEvents pages the snapshot records (the calls that answered)."""
    minimum: int
    floor_seconds: float
    """The slowest account-region's calls at :data:`RATE` per second."""
    events: int
    errors: int

    @property
    def ratio(self) -> float:
        """Calls made over the minimum the history needed."""
        return self.calls / self.minimum


def _serve(accounts: int, regions: tuple[str, ...], conn: Connection) -> None:
    """The server process: seed the fleet and its history, serve it behind the injector."""
    from aiposture.demo.moto_ext.cloudtrail_lookup_events import set_lookup_events_rate
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
        now = datetime.now(UTC)
        events = sum(busy_history(a, r, now) for a in fleet.account_ids for r in regions)
        set_lookup_events_rate(RATE)
        conn.send(
            {
                "endpoint": endpoint,
                "key": fleet.auditor_access_key_id,
                "secret": fleet.auditor_secret_access_key,
                "seed_seconds": time.perf_counter() - started,
                "events": events,
            }
        )
        conn.recv()  # block until the benchmark is done


def _control(endpoint: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    method = "POST" if data is not None or path.endswith("reset") else "GET"
    request = urllib.request.Request(f"{endpoint}/__faults/{path}", data=data, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


class _SentCounter:
    """Counts the LookupEvents requests sent (an ``on_client`` observer; retries included)."""

    def __init__(self) -> None:
        self.sent = 0
        self._lock = threading.Lock()

    def __call__(self, client: Any) -> None:
        if client.meta.service_model.service_name != "cloudtrail":
            return

        def on_send(**_: Any) -> None:
            with self._lock:
                self.sent += 1

        client.meta.events.register("before-send.cloudtrail.LookupEvents", on_send)


def run(
    accounts: int = 50, regions: int = 4, latency_ms: float = 50.0, workers: int = 16
) -> HistoryFigures:
    """Seed, scan with history, print and return the figures."""
    import boto3

    from aiposture.collect.history import minimum_lookup_calls
    from aiposture.collect.progress import Silent
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
            f"history: seeded {accounts} accounts x {regions} regions and {info['events']} "
            f"events in {info['seed_seconds']:.1f} s (server process)"
        )
        _control(endpoint, "plan", {"latency_s": latency_ms / 1000, "throttle_rate": 0.0})
        _control(endpoint, "reset")
        session = boto3.Session(
            aws_access_key_id=info["key"],
            aws_secret_access_key=info["secret"],
            region_name=chosen[0],
        )
        sent = _SentCounter()
        factory = SessionFactory(session=session, endpoint_url=endpoint, on_client=sent)
        options = CollectOptions(
            org=True,
            regions=list(chosen),
            workers=workers,
            history=True,
            lookup_events_per_second=RATE,
            observer=Silent(),
        )
        started = time.perf_counter()
        snapshot = collect(factory, options)
        seconds = time.perf_counter() - started
    finally:
        parent.send("stop")
        server.join(timeout=30)
        if server.is_alive():
            server.kill()

    pages = minimum = events = errors = 0
    floor = 0.0
    for acct in snapshot.accounts:
        for reg in acct.regions.values():
            history = reg.event_history
            if history is None:
                continue
            pages += history.calls
            minimum += minimum_lookup_calls(history, reg.errors)
            events += len(history.events)
            errors += sum(e.operation == "LookupEvents" for e in reg.errors)
            floor = max(floor, history.calls / RATE)
    figures = HistoryFigures(
        accounts=len(snapshot.accounts),
        regions=regions,
        workers=workers,
        latency_ms=latency_ms,
        seconds=seconds,
        calls=sent.sent,
        pages=pages,
        minimum=minimum,
        floor_seconds=floor,
        events=events,
        errors=errors,
    )
    _print(figures)
    return figures


def _print(f: HistoryFigures) -> None:
    units = f.accounts * f.regions
    print(
        f"history: {f.accounts} accounts x {f.regions} regions, {f.workers} workers, "
        f"{f.latency_ms:.0f} ms latency, LookupEvents limited to {RATE:g}/s per account-region"
    )
    print(
        f"history: wall time {f.seconds:.1f} s; pacing floor {f.floor_seconds:.1f} s (the "
        f"busiest account-region's calls at {RATE:g}/s); wall / floor "
        f"{f.seconds / f.floor_seconds if f.floor_seconds else math.nan:.2f}"
    )
    print(
        f"history: LookupEvents calls {f.calls} ({f.calls - f.pages} retried after "
        f"throttling), {f.pages} pages, {f.pages / units:.1f} per account-region"
    )
    print(
        f"history: minimum the history needed {f.minimum} ({f.minimum / units:.1f} per "
        f"account-region); ratio {f.ratio:.3f}"
    )
    print(f"history: {f.events} events kept; names not read {f.errors}")
