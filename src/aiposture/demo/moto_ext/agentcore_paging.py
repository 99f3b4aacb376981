"""What the AgentCore Control emulation shares: stored records, AWS-style ids, paging.

Records of the kinds moto lacks live on moto's backend (one per account and region), so
``mock_aws()`` and moto's HTTP server see the same ones and moto's reset clears them. Every
List answer is paged as the botocore ``bedrock-agentcore-control`` model (2023-06-05,
botocore 1.44) and ``paginators-1.json`` describe it: ``maxResults`` in, ``nextToken`` in
and out; a ``maxResults`` above the operation's bound or an unknown token is a
``ValidationException``; without ``maxResults`` a page holds 10 items ("The default value
is 10", ListMemories/ListBrowsers request documentation).
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

__all__ = ["BUILT_IN_AT", "paged", "store", "stored", "suffix", "validation"]

_STORE_ATTR = "_aiposture_agentcore"
_DEFAULT_PAGE = 10
BUILT_IN_AT = datetime(2025, 7, 16)
"""When the emulated built-in tools and evaluators were created (naive UTC, as moto stores)."""
_MAX_RESULTS = {
    "ListGateways": 1000,
    "ListGatewayTargets": 1000,
    "ListWorkloadIdentities": 20,
    "ListOauth2CredentialProviders": 20,
}


def suffix(*parts: str) -> str:
    """Ten letters and digits, as AWS appends to a resource's name to make its id.

    AWS's are random; these are a hash of ``parts`` (account, region, kind, name), so that
    the demo's ids are the same from one run (and transport) to the next.
    """
    digest = int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest(), "big")
    alphabet = string.ascii_letters + string.digits
    chars = []
    for _ in range(10):
        digest, index = divmod(digest, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def validation(message: str) -> Exception:
    """A ``ValidationException`` with ``message``, as AgentCore Control answers bad input."""
    from moto.core.exceptions import ServiceException

    class ValidationException(ServiceException):
        code = "ValidationException"

    return ValidationException(message)


def store(backend: Any, kind: str) -> dict[str, dict[str, Any]]:
    """The backend's records of one emulated kind, by id (created on first use)."""
    stores: dict[str, dict[str, dict[str, Any]]] | None = getattr(backend, _STORE_ATTR, None)
    if stores is None:
        stores = {}
        setattr(backend, _STORE_ATTR, stores)
    return stores.setdefault(kind, {})


def _page(response: Any, operation: str, items: Sequence[Any]) -> tuple[list[Any], str | None]:
    """One page of ``items`` for the request's ``maxResults``/``nextToken``, and the next token."""
    params = response._get_params()
    bound = _MAX_RESULTS.get(operation, 100)
    raw_max = params.get("maxResults")
    size = _DEFAULT_PAGE if raw_max is None else int(raw_max)
    if not 1 <= size <= bound:
        raise validation(f"1 validation error detected: maxResults must be between 1 and {bound}")
    token = params.get("nextToken")
    start = 0
    if token is not None:
        if not (str(token).startswith("page-") and str(token)[5:].isdigit()):
            raise validation("Invalid nextToken")
        start = int(str(token)[5:])
    end = start + size
    return list(items[start:end]), (f"page-{end}" if end < len(items) else None)


def paged(key: str, operation: str, found: Callable[[Any], Sequence[Any]]) -> Callable[..., Any]:
    """A response method that answers ``found(self)`` under ``key``, one page at a time."""
    from moto.core.responses import ActionResult

    def respond(self: Any) -> Any:
        items, token = _page(self, operation, found(self))
        out: dict[str, Any] = {key: items}
        if token is not None:
            out["nextToken"] = token
        return ActionResult(out)

    return respond


def stored(kind: str) -> Callable[[Any], list[dict[str, Any]]]:
    """What a response's backend holds of ``kind``, in creation order."""
    return lambda response: list(store(response.backend, kind).values())
