"""A signed AWS request as a WSGI app sees it, and AWS's answers in each protocol.

:func:`identify_request` reads the botocore service, operation and protocol of a request
(from its SigV4 credential scope, ``X-Amz-Target``, ``Smithy-Protocol``, the ``Action`` form
field or the REST routes of the botocore model); :func:`error_response` writes an AWS error
in a protocol, as botocore parses it. Protocols, as botocore speaks them: ``json``
(``X-Amz-Target``: Organizations, CloudTrail, Logs), ``smithy-rpc-v2-cbor`` (CloudWatch),
``query`` (STS, SNS), ``ec2`` and ``rest-json`` (Bedrock, GuardDuty); ``rest-xml`` is
answered too.
"""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

__all__ = [
    "RequestInfo",
    "StartResponse",
    "WsgiApp",
    "error_response",
    "identify_request",
    "read_body",
    "respond",
]

StartResponse = Callable[..., Any]
"""The ``start_response`` callable a WSGI server passes to an app."""
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
"""A WSGI application."""

_SIGNING_ALIASES: dict[str, tuple[str, ...]] = {
    "monitoring": ("cloudwatch",),
    "bedrock": (
        "bedrock",
        "bedrock-runtime",
        "bedrock-agent",
        "bedrock-agent-runtime",
        "bedrock-data-automation",
    ),
    # AgentCore's control plane signs as its data plane does
    "bedrock-agentcore": ("bedrock-agentcore", "bedrock-agentcore-control"),
    "email": ("ses", "sesv2"),
    "states": ("stepfunctions",),
    "execute-api": ("apigateway",),
}
"""Signing names that are not (only) the botocore service name."""

_CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")


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


class _Models:
    """botocore service models, loaded once each (thread-safe)."""

    def __init__(self) -> None:
        from aiposture.collect.botocore_data import data_session

        self._session = data_session()
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

    # The routes match the path as sent: a label such as GetCustomModel's ARN is
    # percent-encoded there (its "/" is %2F), while PATH_INFO has it decoded.
    raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or path).partition("?")[0]
    query = str(environ.get("QUERY_STRING", ""))
    found = _rest_operation(models, known, method, raw, query) or _rest_operation(
        models, known, method, path, query
    )
    if found is None:
        return RequestInfo(services[0], f"{method} {path}", "rest-json", access_key)
    service, operation = found
    protocol = str(models.model(service).protocol)
    return RequestInfo(service, operation, protocol, access_key)


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


def respond(
    start_response: StartResponse, status: int, headers: list[tuple[str, str]], body: bytes
) -> list[bytes]:
    """Start a WSGI response with ``status`` and ``headers``; return ``body`` as the app's."""
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]


def read_body(environ: dict[str, Any]) -> bytes:
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
