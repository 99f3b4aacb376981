"""Fault injection for moto's HTTP server: latency, throttling and AccessDenied, per request.

:class:`FaultInjector` is a WSGI middleware around moto's server app. For every signed AWS
request it identifies the botocore service and operation, counts it, sleeps
``latency_s``, and may answer instead of moto:

- with the throttling error of the request's protocol (``throttle_rate``, drawn from a
  seeded ``random.Random``), shaped so that botocore classifies it as throttling and
  retries it;
- with AccessDenied in the request's protocol when a deny rule matches;
- with a corrupted success when a corrupt rule matches (:data:`CORRUPTIONS`): an empty
  200, moto's 200 cut in half, an HTML page with status 200 (what a broken proxy or a
  captive portal sends), or no answer for ``hang_s`` seconds (a client times out).

Requests are read, and errors written in each protocol, by
:mod:`aiposture.testing.aws_requests`.

Control endpoints on the same server: ``GET /__faults/counts`` (JSON counters),
``POST /__faults/reset`` (zero them) and ``POST /__faults/plan`` (a JSON
:class:`FaultPlan`, which also reseeds the random draws).

:mod:`aiposture.testing.fault_servers` runs moto's server behind the injector.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from aiposture.testing.aws_requests import (
    RequestInfo,
    StartResponse,
    WsgiApp,
    error_response,
    identify_request,
    read_body,
    respond,
)

__all__ = [
    "CORRUPTIONS",
    "CorruptRule",
    "DenyRule",
    "FaultCounts",
    "FaultInjector",
    "FaultPlan",
]

CONTROL_PREFIX = "/__faults/"
"""The path prefix of the injector's own endpoints (never forwarded to moto)."""

DenyRule = tuple[str | None, str, str]
"""``(account id or None for any, botocore service name, operation or "*")``."""

CorruptRule = tuple[str | None, str, str, str]
"""``(account id or None, botocore service name, operation or "*", corruption)``."""

CORRUPTIONS = ("empty", "truncated", "html", "hang")
"""What a corrupt rule does to a matching request's answer."""

_HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><p>The proxy received an invalid response.</p></body></html>"
)

_THROTTLE: dict[str, tuple[int, str]] = {
    "json": (400, "ThrottlingException"),
    "smithy-rpc-v2-cbor": (400, "ThrottlingException"),
    "rest-json": (429, "ThrottlingException"),
    "query": (400, "Throttling"),
    "ec2": (503, "RequestLimitExceeded"),
    "rest-xml": (503, "SlowDown"),
}
"""Status and error code of a throttled answer, per protocol (what AWS sends)."""

_DENY: dict[str, tuple[int, str]] = {
    "json": (400, "AccessDeniedException"),
    "smithy-rpc-v2-cbor": (400, "AccessDeniedException"),
    "rest-json": (403, "AccessDeniedException"),
    "query": (403, "AccessDenied"),
    "ec2": (403, "UnauthorizedOperation"),
    "rest-xml": (403, "AccessDenied"),
}
"""Status and error code of a denied call, per protocol."""

_DENY_BY_SERVICE = {"sns": (403, "AuthorizationError")}
"""Services whose AccessDenied code differs from their protocol's."""


@dataclass(frozen=True)
class FaultPlan:
    """What to inject: latency on every request, a throttling rate and deny rules.

    ``deny`` rules match the account a request reaches: the caller's account (from its
    access key), except for ``sts:AssumeRole``, which reaches the role's account.
    """

    latency_s: float = 0.0
    throttle_rate: float = 0.0
    seed: int = 0
    deny: tuple[DenyRule, ...] = ()
    corrupt: tuple[CorruptRule, ...] = ()
    hang_s: float = 5.0
    """How long a ``hang`` corruption keeps the request without an answer."""

    def __post_init__(self) -> None:
        if self.latency_s < 0 or self.hang_s < 0:
            raise ValueError("latency_s and hang_s must be >= 0")
        if not 0.0 <= self.throttle_rate <= 1.0:
            raise ValueError("throttle_rate must be between 0 and 1")
        object.__setattr__(self, "deny", tuple(_deny_rule(r) for r in self.deny))
        object.__setattr__(self, "corrupt", tuple(_corrupt_rule(r) for r in self.corrupt))

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON-plain data (the body of ``POST /__faults/plan``)."""
        return {
            "latency_s": self.latency_s,
            "throttle_rate": self.throttle_rate,
            "seed": self.seed,
            "deny": [list(r) for r in self.deny],
            "corrupt": [list(r) for r in self.corrupt],
            "hang_s": self.hang_s,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultPlan:
        """Read a plan written by :meth:`to_json` (missing keys take their defaults)."""
        return cls(
            latency_s=float(data.get("latency_s", 0.0)),
            throttle_rate=float(data.get("throttle_rate", 0.0)),
            seed=int(data.get("seed", 0)),
            deny=tuple(_deny_rule(r) for r in data.get("deny") or ()),
            corrupt=tuple(_corrupt_rule(r) for r in data.get("corrupt") or ()),
            hang_s=float(data.get("hang_s", 5.0)),
        )

    def denies(self, account_id: str | None, service: str, operation: str) -> bool:
        """True when a deny rule matches this account, service and operation."""
        return any(
            (acct is None or acct == account_id) and svc == service and op in ("*", operation)
            for acct, svc, op in self.deny
        )

    def corruption(self, account_id: str | None, service: str, operation: str) -> str | None:
        """The corruption of the first corrupt rule matching the request, if any."""
        for acct, svc, op, kind in self.corrupt:
            if (acct is None or acct == account_id) and svc == service and op in ("*", operation):
                return kind
        return None


def _corrupt_rule(rule: Sequence[Any]) -> CorruptRule:
    if len(rule) != 4:
        raise ValueError(
            f"a corrupt rule is (account id or None, service, operation, kind): {rule!r}"
        )
    acct, service, operation, kind = rule
    if kind not in CORRUPTIONS:
        raise ValueError(f"unknown corruption {kind!r}: one of {', '.join(CORRUPTIONS)}")
    return (str(acct) if acct is not None else None, str(service), str(operation), str(kind))


def _deny_rule(rule: Sequence[Any]) -> DenyRule:
    if len(rule) != 3:
        raise ValueError(f"a deny rule is (account id or None, service, operation): {rule!r}")
    acct, service, operation = rule
    return (str(acct) if acct is not None else None, str(service), str(operation))


@dataclass(frozen=True)
class FaultCounts:
    """A copy of the injector's counters."""

    requests: Counter[str]
    """Every AWS request seen, per ``"service:Operation"`` (throttled and denied included)."""
    throttled: Counter[str]
    denied: Counter[str]
    corrupted: Counter[str]
    """Requests answered with a corruption, per ``"service:Operation"``."""
    delayed: int
    """Requests that were delayed by ``latency_s``."""
    delay_s: float
    """The total sleep the injector asked for."""

    @property
    def total(self) -> int:
        """All AWS requests seen."""
        return sum(self.requests.values())

    def to_json(self) -> dict[str, Any]:
        """The counters as JSON-plain data (the body of ``GET /__faults/counts``)."""
        return {
            "requests": dict(sorted(self.requests.items())),
            "throttled": sum(self.throttled.values()),
            "denied": sum(self.denied.values()),
            "throttled_requests": dict(sorted(self.throttled.items())),
            "denied_requests": dict(sorted(self.denied.items())),
            "corrupted_requests": dict(sorted(self.corrupted.items())),
            "delayed": self.delayed,
            "delay_s": round(self.delay_s, 6),
            "total": self.total,
        }


def _account_of(access_key: str | None) -> str | None:
    """The account moto maps an access key to (an assumed role's key: the role's account)."""
    if not access_key:
        return None
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


class FaultInjector:
    """WSGI middleware that injects a :class:`FaultPlan` into the requests to ``app``.

    Thread-safe: the server answers requests on many threads. ``sleep`` is the function
    used for latency (tests may record instead of sleeping).
    """

    def __init__(
        self,
        app: WsgiApp,
        plan: FaultPlan | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.app = app
        self._sleep = sleep
        self._lock = threading.Lock()
        self._plan = plan or FaultPlan()
        self._random = random.Random(self._plan.seed)  # noqa: S311 - reproducible faults
        self._requests: Counter[str] = Counter()
        self._throttled: Counter[str] = Counter()
        self._denied: Counter[str] = Counter()
        self._corrupted: Counter[str] = Counter()
        self._delayed = 0
        self._delay_s = 0.0

    @property
    def plan(self) -> FaultPlan:
        """The plan in force."""
        with self._lock:
            return self._plan

    def set_plan(self, plan: FaultPlan) -> None:
        """Replace the plan and reseed the random draws with its seed."""
        with self._lock:
            self._plan = plan
            self._random = random.Random(plan.seed)  # noqa: S311 - reproducible faults

    def counts(self) -> FaultCounts:
        """A copy of the counters."""
        with self._lock:
            return FaultCounts(
                requests=Counter(self._requests),
                throttled=Counter(self._throttled),
                denied=Counter(self._denied),
                corrupted=Counter(self._corrupted),
                delayed=self._delayed,
                delay_s=self._delay_s,
            )

    def reset(self) -> None:
        """Zero the counters (the plan and its random sequence are kept)."""
        with self._lock:
            self._requests.clear()
            self._throttled.clear()
            self._denied.clear()
            self._corrupted.clear()
            self._delayed = 0
            self._delay_s = 0.0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request: control endpoint, injected fault, or moto."""
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, path[len(CONTROL_PREFIX) :])
        body = read_body(environ)
        info = identify_request(environ, body)
        if info is None:  # unsigned: moto's own API, seeding helpers
            return self.app(environ, start_response)

        with self._lock:
            plan = self._plan
            self._requests[info.key] += 1
            throttle = plan.throttle_rate > 0 and self._random.random() < plan.throttle_rate
        if plan.latency_s > 0:
            self._sleep(plan.latency_s)
            with self._lock:
                self._delayed += 1
                self._delay_s += plan.latency_s

        if plan.deny and plan.denies(self._reached_account(info), info.service, info.operation):
            with self._lock:
                self._denied[info.key] += 1
            status, code = _DENY_BY_SERVICE.get(info.service, _DENY[info.protocol])
            message = f"injected: not authorized to perform {info.service}:{info.operation}"
            return respond(start_response, *error_response(info.protocol, status, code, message))
        if throttle:
            with self._lock:
                self._throttled[info.key] += 1
            status, code = _THROTTLE[info.protocol]
            return respond(
                start_response, *error_response(info.protocol, status, code, "Rate exceeded")
            )
        kind = plan.corruption(self._reached_account(info), info.service, info.operation)
        if kind is not None:
            with self._lock:
                self._corrupted[info.key] += 1
            return self._corrupted_answer(kind, plan, environ, start_response)
        return self.app(environ, start_response)

    def _corrupted_answer(
        self, kind: str, plan: FaultPlan, environ: dict[str, Any], start_response: StartResponse
    ) -> list[bytes]:
        """Answer with the corruption ``kind`` (see :data:`CORRUPTIONS`)."""
        if kind == "hang":
            self._sleep(plan.hang_s)
            return cast(list[bytes], list(self.app(environ, start_response)))
        if kind == "html":
            headers = [("Content-Type", "text/html"), ("Content-Length", str(len(_HTML_PAGE)))]
            return respond(start_response, 200, headers, _HTML_PAGE)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.app(environ, capture))
        status = int(str(captured.get("status", "500")).split()[0])
        if not 200 <= status < 300:
            return respond(start_response, status, captured.get("headers", []), body)
        body = b"" if kind == "empty" else body[: len(body) // 2]
        headers = [(k, v) for k, v in captured.get("headers", []) if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        return respond(start_response, 200, headers, body)

    @staticmethod
    def _reached_account(info: RequestInfo) -> str | None:
        if info.key == "sts:AssumeRole":
            parts = info.params.get("RoleArn", "").split(":")
            if len(parts) > 5 and parts[4]:
                return parts[4]
        return _account_of(info.access_key)

    def _control(
        self, environ: dict[str, Any], start_response: StartResponse, action: str
    ) -> list[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        answer: dict[str, Any]
        if action == "counts" and method == "GET":
            answer = self.counts().to_json()
        elif action == "reset" and method == "POST":
            self.reset()
            answer = {"reset": True}
        elif action == "plan" and method == "POST":
            try:
                plan = FaultPlan.from_json(json.loads(read_body(environ) or b"{}"))
            except (ValueError, TypeError, AttributeError) as exc:
                return _json(start_response, 400, {"error": str(exc)})
            self.set_plan(plan)
            answer = plan.to_json()
        elif action == "plan" and method == "GET":
            answer = self.plan.to_json()
        else:
            return _json(start_response, 404, {"error": f"no such endpoint: {method} {action}"})
        return _json(start_response, 200, answer)


def _json(start_response: StartResponse, status: int, data: dict[str, Any]) -> list[bytes]:
    body = json.dumps(data).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    return respond(start_response, status, headers, body)
