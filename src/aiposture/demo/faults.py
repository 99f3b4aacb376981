"""Fault injection for moto's HTTP server: latency, throttling and AccessDenied, per request.

:class:`FaultInjector` is a WSGI middleware around moto's server app. For every signed AWS
request it identifies the botocore service and operation, counts it, sleeps
``latency_s``, and may answer instead of moto:

- with the throttling error of the request's protocol (``throttle_rate``, drawn from a
  seeded ``random.Random``), shaped so that botocore classifies it as throttling and
  retries it (the adaptive retry mode also slows down);
- with AccessDenied in the request's protocol when a deny rule matches;
- with a corrupted success when a corrupt rule matches (:data:`CORRUPTIONS`): an empty
  200, moto's 200 cut in half, an HTML page with status 200 (what a broken proxy or a
  captive portal sends), or no answer for ``hang_s`` seconds (a client times out).

Protocols, as botocore speaks them: ``json`` (``X-Amz-Target``: Organizations,
CloudTrail, Logs), ``smithy-rpc-v2-cbor`` (CloudWatch), ``query`` (STS, SNS), ``ec2``
and ``rest-json`` (Bedrock, GuardDuty); ``rest-xml`` is answered too.

Control endpoints on the same server: ``GET /__faults/counts`` (JSON counters),
``POST /__faults/reset`` (zero them) and ``POST /__faults/plan`` (a JSON
:class:`FaultPlan`, which also reseeds the random draws).

:func:`fault_server` runs moto's server with the middleware in this process;
:func:`fault_demo_server` also seeds the demo organization (without faults) first.
"""

from __future__ import annotations

import io
import json
import logging
import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

__all__ = [
    "CORRUPTIONS",
    "CorruptRule",
    "DenyRule",
    "FaultCounts",
    "FaultInjector",
    "FaultPlan",
    "RequestInfo",
    "fault_demo_server",
    "fault_server",
    "identify_request",
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

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_SIGNING_ALIASES: dict[str, tuple[str, ...]] = {
    "monitoring": ("cloudwatch",),
    "bedrock": ("bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime"),
    "email": ("ses", "sesv2"),
    "states": ("stepfunctions",),
    "execute-api": ("apigateway",),
}
"""Signing names that are not (only) the botocore service name."""

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

_CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")


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
class RequestInfo:
    """One AWS request as the injector sees it."""

    service: str
    """The botocore service name (``cloudwatch``, not the signing name ``monitoring``)."""
    operation: str
    protocol: str
    access_key: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    """Form parameters of a query-protocol request (empty for other protocols)."""

    @property
    def key(self) -> str:
        """``"service:Operation"``, as the call budget counts."""
        return f"{self.service}:{self.operation}"


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


# --- identifying a request ---------------------------------------------------------------


class _Models:
    """botocore service models, loaded once each (thread-safe)."""

    def __init__(self) -> None:
        import botocore.session

        self._session = botocore.session.get_session()
        self._lock = threading.Lock()
        self._available: set[str] | None = None
        self._models: dict[str, Any] = {}
        self._routes: dict[str, list[tuple[str, re.Pattern[str], list[str], int, str]]] = {}

    def candidates(self, signing_name: str) -> list[str]:
        with self._lock:
            if self._available is None:
                self._available = set(self._session.get_available_services())
            available = self._available
        names = [signing_name] if signing_name in available else []
        names += [n for n in _SIGNING_ALIASES.get(signing_name, ()) if n not in names]
        return [n for n in names if n in available]

    def model(self, service: str) -> Any:
        with self._lock:
            if service not in self._models:
                self._models[service] = self._session.get_service_model(service)
            return self._models[service]

    def routes(self, service: str) -> list[tuple[str, re.Pattern[str], list[str], int, str]]:
        """``(method, path regex, required query keys, literal length, operation)``."""
        model = self.model(service)
        with self._lock:
            if service not in self._routes:
                out = []
                for name in model.operation_names:
                    http = model.operation_model(name).http
                    uri = str(http.get("requestUri", "/"))
                    path, _, query = uri.partition("?")
                    pattern = "".join(
                        (".+" if part.endswith("+}") else "[^/]+")
                        if part.startswith("{")
                        else re.escape(part)
                        for part in re.split(r"(\{[^}]+\})", path)
                    )
                    literal = len(re.sub(r"\{[^}]+\}", "", path))
                    keys = [q.split("=", 1)[0] for q in query.split("&") if q]
                    method = str(http.get("method", "POST"))
                    out.append((method, re.compile(f"^{pattern}/?$"), keys, literal, name))
                self._routes[service] = out
            return self._routes[service]


_MODELS: _Models | None = None
_MODELS_LOCK = threading.Lock()


def _models() -> _Models:
    global _MODELS
    with _MODELS_LOCK:
        if _MODELS is None:
            _MODELS = _Models()
        return _MODELS


def _header(environ: dict[str, Any], name: str) -> str:
    return str(environ.get("HTTP_" + name.upper().replace("-", "_"), ""))


def _rest_operation(
    models: _Models, services: list[str], method: str, path: str, query: str
) -> tuple[str, str] | None:
    present = set(parse_qs(query, keep_blank_values=True))
    best: tuple[int, str, str] | None = None
    for service in services:
        for op_method, regex, keys, literal, name in models.routes(service):
            if op_method != method or not regex.match(path) or not present.issuperset(keys):
                continue
            score = literal + 1000 * len(keys)
            if best is None or score > best[0]:
                best = (score, service, name)
    return (best[1], best[2]) if best else None


def identify_request(environ: dict[str, Any], body: bytes) -> RequestInfo | None:
    """The service, operation and protocol of a signed AWS request (None when unsigned)."""
    auth = _header(environ, "Authorization")
    match = _CREDENTIAL_RE.search(auth)
    if not match:
        return None
    access_key, signing_name = match.group(1), match.group(3)
    models = _models()
    known = models.candidates(signing_name)
    services = known or [signing_name]
    path = str(environ.get("PATH_INFO", "/"))
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()

    if _header(environ, "Smithy-Protocol").lower() == "rpc-v2-cbor":
        return RequestInfo(services[0], path.rstrip("/").rsplit("/", 1)[-1], "smithy-rpc-v2-cbor")

    target = _header(environ, "X-Amz-Target")
    if target:
        prefix, _, operation = target.rpartition(".")
        service = next(
            (s for s in known if models.model(s).metadata.get("targetPrefix") == prefix),
            services[0],
        )
        return RequestInfo(service, operation, "json", access_key)

    content_type = str(environ.get("CONTENT_TYPE", ""))
    form = parse_qs(body.decode("utf-8", "replace")) if "form-urlencoded" in content_type else {}
    if "Action" in form:
        params = {k: v[0] for k, v in form.items()}
        protocol = "ec2" if "ec2" in services else "query"
        return RequestInfo(services[0], params["Action"], protocol, access_key, params)

    found = _rest_operation(models, known, method, path, str(environ.get("QUERY_STRING", "")))
    if found is None:
        return RequestInfo(services[0], f"{method} {path}", "rest-json", access_key)
    service, operation = found
    protocol = str(models.model(service).protocol)
    return RequestInfo(service, operation, protocol, access_key)


# --- answering in the request's protocol --------------------------------------------------


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    n = len(data)
    if n < 24:
        head = bytes([0x60 | n])
    elif n < 0x100:
        head = bytes([0x78, n])
    elif n < 0x10000:
        head = bytes([0x79]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x7A]) + n.to_bytes(4, "big")
    return head + data


def _cbor_map(values: dict[str, str]) -> bytes:
    """CBOR for a small map of text to text (all an error body needs)."""
    if len(values) >= 24:
        raise ValueError("too many keys for this tiny CBOR encoder")
    out = bytes([0xA0 | len(values)])
    for key, value in values.items():
        out += _cbor_text(key) + _cbor_text(value)
    return out


def error_response(
    protocol: str, status: int, code: str, message: str
) -> tuple[int, list[tuple[str, str]], bytes]:
    """``(status, headers, body)`` of an AWS error in ``protocol``, as botocore parses it."""
    request_id = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", request_id)]
    if protocol in ("json", "rest-json"):
        content = "application/x-amz-json-1.1" if protocol == "json" else "application/json"
        headers += [("Content-Type", content), ("x-amzn-ErrorType", code)]
        body = json.dumps({"__type": code, "message": message}).encode()
    elif protocol == "smithy-rpc-v2-cbor":
        headers += [("Content-Type", "application/cbor"), ("Smithy-Protocol", "rpc-v2-cbor")]
        body = _cbor_map({"__type": code, "message": message})
    elif protocol == "ec2":
        headers.append(("Content-Type", "text/xml"))
        body = (
            f"<Response><Errors><Error><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        ).encode()
    elif protocol == "rest-xml":
        headers.append(("Content-Type", "application/xml"))
        body = (
            f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
    else:  # query
        headers.append(("Content-Type", "text/xml"))
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
    headers.append(("Content-Length", str(len(body))))
    return status, headers, body


_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


def _respond(
    start_response: StartResponse, status: int, headers: list[tuple[str, str]], body: bytes
) -> list[bytes]:
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]


# --- the middleware ----------------------------------------------------------------------


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back for the wrapped app."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    body = cast(bytes, environ["wsgi.input"].read(length))
    environ["wsgi.input"] = io.BytesIO(body)
    return body


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
        body = _read_body(environ)
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
            return _respond(start_response, *error_response(info.protocol, status, code, message))
        if throttle:
            with self._lock:
                self._throttled[info.key] += 1
            status, code = _THROTTLE[info.protocol]
            return _respond(
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
            return _respond(start_response, 200, headers, _HTML_PAGE)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.app(environ, capture))
        status = int(str(captured.get("status", "500")).split()[0])
        if not 200 <= status < 300:
            return _respond(start_response, status, captured.get("headers", []), body)
        body = b"" if kind == "empty" else body[: len(body) // 2]
        headers = [(k, v) for k, v in captured.get("headers", []) if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        return _respond(start_response, 200, headers, body)

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
                plan = FaultPlan.from_json(json.loads(_read_body(environ) or b"{}"))
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
    return _respond(start_response, status, headers, body)


# --- servers -----------------------------------------------------------------------------


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
    """:func:`fault_server` seeded by ``seed`` (an :data:`aiposture.demo.Seeder`), then ``plan``.

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
    from aiposture.demo.environment import DemoServer
    from aiposture.demo.seed import DEMO_REGIONS, seed_demo

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
    from aiposture.demo.fleet import fleet_seeder

    seed = fleet_seeder(accounts, regions)
    with fault_seeded_server(seed, plan, regions[0], host, port) as served:
        yield served


def _reset_moto() -> None:
    from moto.core.base_backend import BackendDict

    BackendDict.reset()
