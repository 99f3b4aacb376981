"""Time limits of one AWS call: connect and read timeouts, and a total budget per call.

botocore's defaults (60 s read timeout, retried by the retry mode) let one call to an
endpoint that accepts connections and never answers stall a worker for about eleven
minutes. :class:`Timeouts` bounds each attempt (``connect_s``, ``read_s``, handed to
botocore's ``Config``) and the whole call, retries and their back-off included
(``call_budget_s``).

:func:`install_call_budget` enforces the budget with botocore events: ``before-call``
stamps the call's start in its request context; ``needs-retry`` notes why an attempt
failed; ``request-created``, which botocore emits before every attempt, refuses a retry
that could not end within the budget (time spent, plus one connect and one read timeout)
and raises :class:`CallTimedOut`. A call therefore never outlasts its budget by more than
botocore's own scheduling slack, and the collectors record the timed-out call like any
failed one (ERROR for the checks that need it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError

from aiposture.errors import ConfigError

DEFAULT_CONNECT_TIMEOUT_S = 10.0
"""Seconds to open a connection (botocore's default is 60)."""
DEFAULT_READ_TIMEOUT_S = 30.0
"""Seconds to wait for the next bytes of an answer (botocore's default is 60)."""
DEFAULT_CALL_BUDGET_S = 120.0
"""Seconds one call may take in all, retries and back-off included."""

_STARTED = "aiposture_call_started"
_LAST = "aiposture_last_failure"
_ID = "aiposture-call-budget"


@dataclass(frozen=True)
class Timeouts:
    """Connect and read timeouts of each attempt, and the total budget of one call."""

    connect_s: float = DEFAULT_CONNECT_TIMEOUT_S
    read_s: float = DEFAULT_READ_TIMEOUT_S
    call_budget_s: float = DEFAULT_CALL_BUDGET_S

    def __post_init__(self) -> None:
        for name in ("connect_s", "read_s", "call_budget_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0")
        if self.connect_s + self.read_s > self.call_budget_s:
            raise ValueError(
                "the call budget must leave room for one attempt "
                f"(connect {self.connect_s:g} s + read {self.read_s:g} s > "
                f"budget {self.call_budget_s:g} s)"
            )

    @property
    def attempt_s(self) -> float:
        """The longest one attempt can take: one connect and one read timeout."""
        return self.connect_s + self.read_s


class CallTimedOut(BotoCoreError):
    """A call gave up: another attempt could not finish within its budget."""

    fmt = (
        "no answer within the call budget of {budget:g} s: {attempts} attempt(s) in "
        "{elapsed:.1f} s (connect timeout {connect:g} s, read timeout {read:g} s); "
        "last failure: {last}"
    )


class _Budget:
    """The three event handlers of one client, sharing its :class:`Timeouts`."""

    def __init__(self, timeouts: Timeouts, clock: Any = time.monotonic) -> None:
        self.timeouts = timeouts
        self.clock = clock

    def started(self, context: dict[str, Any] | None = None, **_: Any) -> None:
        if context is not None:
            context[_STARTED] = self.clock()

    def failed(
        self,
        request_dict: dict[str, Any] | None = None,
        response: Any = None,
        caught_exception: Exception | None = None,
        **_: Any,
    ) -> None:
        if request_dict is None:
            return
        if caught_exception is not None:
            last = f"{type(caught_exception).__name__}: {caught_exception}"
        elif response is not None:
            status = response[0].status_code
            code = (response[1].get("Error") or {}).get("Code") or "no error code"
            last = f"HTTP {status} {code}"
        else:
            return
        request_dict["context"][_LAST] = last

    def attempt(self, request: Any = None, **_: Any) -> None:
        context = getattr(request, "context", None) or {}
        started = context.get(_STARTED)
        attempt = int((context.get("retries") or {}).get("attempt") or 1)
        if started is None or attempt <= 1:
            return
        elapsed = self.clock() - started
        t = self.timeouts
        if elapsed + t.attempt_s > t.call_budget_s:
            raise CallTimedOut(
                budget=t.call_budget_s,
                attempts=attempt - 1,
                elapsed=elapsed,
                connect=t.connect_s,
                read=t.read_s,
                last=context.get(_LAST, "unknown"),
            )


def install_call_budget(client: Any, timeouts: Timeouts, clock: Any = time.monotonic) -> Any:
    """Enforce ``timeouts.call_budget_s`` on every call of ``client``; returns it.

    The per-attempt timeouts belong in the client's botocore ``Config``
    (``connect_timeout``, ``read_timeout``).
    """
    budget = _Budget(timeouts, clock)
    events = client.meta.events
    for event, handler in (
        ("before-call", budget.started),
        ("needs-retry", budget.failed),
        ("request-created", budget.attempt),
    ):
        events.unregister(event, unique_id=f"{_ID}-{event}")
        events.register_first(event, handler, unique_id=f"{_ID}-{event}")
    return client


def scan_timeouts(settings: dict[str, float]) -> Timeouts:
    """:class:`Timeouts` with the defaults replaced by ``settings`` (ConfigError if inconsistent)."""
    try:
        return Timeouts(**settings)
    except ValueError as exc:
        raise ConfigError(f"scan timeouts: {exc}") from exc
