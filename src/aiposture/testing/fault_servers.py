"""moto's HTTP server behind a :class:`~aiposture.testing.faults.FaultInjector`, in this process.

:func:`fault_server` runs it empty; :func:`fault_seeded_server` seeds it first (without
faults); :func:`fault_demo_server` and :func:`fault_fleet_server` seed the demo
organization or a test fleet.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, cast

from aiposture.testing.faults import FaultInjector, FaultPlan

__all__ = ["fault_demo_server", "fault_fleet_server", "fault_seeded_server", "fault_server"]


@contextmanager
def fault_server(
    plan: FaultPlan | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[tuple[str, FaultInjector]]:
    """Run moto's HTTP server behind a :class:`FaultInjector` in this process.

    Yields ``(endpoint URL, injector)``. moto is patched to behave like AWS
    (:mod:`aiposture.demo.moto_ext`), and its state is reset when the context exits.
    """
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from aiposture.demo import moto_ext

    moto_ext.install()
    injector = FaultInjector(DomainDispatcherApplication(create_backend_app), plan, sleep=sleep)
    request_log = logging.getLogger("werkzeug")
    saved_level = request_log.level
    request_log.setLevel(logging.WARNING)
    with ExitStack() as stack:
        stack.callback(request_log.setLevel, saved_level)
        server = make_server(
            host, port, cast(Any, injector), threaded=True, request_handler=MotoRequestHandler
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True, name="fault-server")
        thread.start()
        stack.callback(_reset_moto)
        stack.callback(thread.join)
        stack.callback(server.shutdown)
        bound_host, bound_port = server.server_address[:2]
        yield f"http://{bound_host!s}:{bound_port}", injector


@contextmanager
def fault_seeded_server(
    seed: Any,
    plan: FaultPlan | None = None,
    region: str = "us-east-1",
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[tuple[str, Any, FaultInjector]]:
    """:func:`fault_server` seeded by ``seed``, then ``plan``.

    ``seed`` is an :data:`aiposture.demo.environment.Seeder`.

    Seeding runs without faults; the counters are zeroed before the plan applies. Yields
    ``(endpoint URL, what seed returned, injector)``.
    """
    from aiposture.demo.environment import scoped_env, seed_through

    with (
        scoped_env({"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}, ()),
        fault_server(FaultPlan(), host, port) as (endpoint, injector),
    ):
        seeded = seed_through(endpoint, region, seed)
        injector.reset()
        injector.set_plan(plan or FaultPlan())
        yield endpoint, seeded, injector


@contextmanager
def fault_demo_server(
    plan: FaultPlan | None = None,
    regions: Sequence[str] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[tuple[Any, FaultInjector]]:
    """The demo organization behind the injector (see :func:`fault_seeded_server`).

    Yields ``(DemoServer, injector)``.
    """
    from aiposture.demo.accounts import DEMO_REGIONS
    from aiposture.demo.environment import DemoServer
    from aiposture.demo.seed import seed_demo

    chosen = list(regions or DEMO_REGIONS)

    def seed(session_for: Any, endpoint: str) -> Any:
        return seed_demo(session_for, chosen, endpoint_url=endpoint)

    with fault_seeded_server(seed, plan, chosen[0], host, port) as (endpoint, org, injector):
        yield DemoServer(endpoint_url=endpoint, org=org), injector


@contextmanager
def fault_fleet_server(
    plan: FaultPlan | None = None,
    accounts: int = 5,
    regions: Sequence[str] = ("us-east-1", "us-west-2"),
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[tuple[str, Any, FaultInjector]]:
    """An ``accounts``-account fleet behind the injector (see :func:`fault_seeded_server`).

    Yields ``(endpoint URL, Fleet, injector)``.
    """
    from aiposture.testing.fleet import fleet_seeder

    seed = fleet_seeder(accounts, regions)
    with fault_seeded_server(seed, plan, regions[0], host, port) as served:
        yield served


def _reset_moto() -> None:
    from moto.core.base_backend import BackendDict

    BackendDict.reset()
