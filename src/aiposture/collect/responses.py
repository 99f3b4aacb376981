"""Answers that are not what they claim: a 200 whose body is empty, cut short or not AWS's.

botocore reads such a body leniently. A JSON body that does not parse becomes
``{"message": <body>}`` and every output member is simply absent; an empty body parses to
``{}``. To the collectors both would read as "nothing configured" (no selectors, no trails,
no alarms), which a rule then judges: a FAIL at best, a PASS at worst. A broken proxy, a
captive portal or an interrupted connection produce exactly these answers.

:func:`install_response_check` registers two handlers on a client that check every
successful (2xx) answer:

1. **The document** (``before-parse``, before botocore reads it). The body is a
   complete document of the operation's protocol: a JSON object (``json``,
   ``rest-json``), a CBOR map (``smithy-rpc-v2-cbor``), an XML document whose root is
   ``<{Operation}Response>`` (``query``, ``ec2``). Every operation the collectors send
   has an output shape, so AWS never answers them with an empty body.
2. **What the operation always returns** (``after-call``, :data:`ALWAYS_RETURNED`): the
   output members the botocore model marks required, and those AWS returns on every
   success though the model leaves them optional (the lists of Describe and List calls,
   which AWS sends empty rather than leaves out).

A response that fails either check raises :class:`MalformedResponse`, which the
collectors record like any failed call (:mod:`aiposture.collect.recorder`): the checks
that need the evidence are ERROR with the reason, never judged on an empty result.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from botocore.exceptions import BotoCoreError

from aiposture.documents import lone_surrogate

ALWAYS_RETURNED: Mapping[tuple[str, str], tuple[str, ...]] = {
    # botocore marks these required in the output shape (guardduty 2017-11-28 model).
    ("guardduty", "ListDetectors"): ("DetectorIds",),
    ("guardduty", "GetDetector"): ("ServiceRole", "Status"),
    # Optional in the models, returned on every success (the API reference's examples
    # show them; AWS sends an empty list rather than leave a list out).
    ("sts", "GetCallerIdentity"): ("UserId", "Account", "Arn"),
    ("ec2", "DescribeRegions"): ("Regions",),
    ("cloudtrail", "DescribeTrails"): ("trailList",),
    ("cloudtrail", "GetTrailStatus"): ("IsLogging",),
    ("cloudtrail", "GetEventSelectors"): ("TrailARN",),
    ("cloudtrail", "GetInsightSelectors"): ("TrailARN",),
    ("cloudtrail", "ListTags"): ("ResourceTagList",),
    ("logs", "DescribeLogGroups"): ("logGroups",),
    ("logs", "DescribeMetricFilters"): ("metricFilters",),
    ("logs", "DescribeSubscriptionFilters"): ("subscriptionFilters",),
    ("logs", "DescribeQueryDefinitions"): ("queryDefinitions",),
    ("cloudwatch", "GetDashboard"): ("DashboardBody",),
    ("sns", "GetTopicAttributes"): ("Attributes",),
    ("organizations", "DescribeOrganization"): ("Organization",),
    ("organizations", "ListAccounts"): ("Accounts",),
    ("organizations", "ListDelegatedAdministrators"): ("DelegatedAdministrators",),
}
"""Output members a successful answer always carries, per (botocore service, operation).

Operations left out (Bedrock ``GetModelInvocationLoggingConfiguration``, whose answer is
``{}`` when logging is off; CloudTrail ``GetEventConfiguration``; the CloudWatch lists,
whose CBOR encoding may leave an empty list out; SNS ``ListSubscriptionsByTopic``) are
still checked for a complete document.
"""

_CHECK_ID = "aiposture-response-check"
_CBOR_MAP_FIRST_BYTES = range(0xA0, 0xC0)
"""CBOR major type 5 (map), any length encoding: the first byte of every CBOR answer."""


class MalformedResponse(BotoCoreError):
    """A 2xx answer whose body is not the document its operation returns.

    Recorded with the error code ``MalformedResponse`` (its class name), like an answer
    botocore itself could not parse.
    """

    fmt = "malformed response to {service}:{operation}: {reason}"


def _preview(body: bytes) -> str:
    text = body[:60].decode("utf-8", "replace")
    return repr(text) + ("..." if len(body) > 60 else "")


def document_problem(protocol: str, operation: str, body: bytes) -> str | None:
    """Why ``body`` is not a complete answer in ``protocol`` (``None`` when it is)."""
    if not body.strip():
        return "empty body (every answer of this operation has content)"
    if protocol in ("json", "rest-json"):
        try:
            value = json.loads(body)
        except ValueError:
            return f"the body is not JSON ({len(body)} bytes, starts {_preview(body)})"
        if not isinstance(value, dict):
            return f"the body is JSON but not an object (starts {_preview(body)})"
        return None
    if protocol == "smithy-rpc-v2-cbor":
        if body[0] not in _CBOR_MAP_FIRST_BYTES:
            return f"the body is not a CBOR map (starts {_preview(body)})"
        return None
    if protocol in ("query", "ec2"):
        return _xml_root_problem(operation, body)
    return None


def _xml_root_problem(operation: str, body: bytes) -> str | None:
    text = body.lstrip()
    if text.startswith(b"<?xml"):
        end = text.find(b"?>")
        text = text[end + 2 :].lstrip() if end >= 0 else b""
    root = f"<{operation}Response".encode()
    if not text.startswith(root) or text[len(root) : len(root) + 1] not in (b" ", b">", b"/"):
        return f"the body is not a {operation}Response document (starts {_preview(body)})"
    return None


def missing_members(service: str, operation: str, parsed: Mapping[str, Any]) -> list[str]:
    """The :data:`ALWAYS_RETURNED` members of the operation that ``parsed`` lacks."""
    return [k for k in ALWAYS_RETURNED.get((service, operation), ()) if k not in parsed]


def check_document(
    operation_model: Any = None, response_dict: Mapping[str, Any] | None = None, **_: Any
) -> None:
    """The ``before-parse`` handler: raise :class:`MalformedResponse` for a bad 2xx body.

    It runs before botocore's parser, which would otherwise read an HTML page as an
    empty result or fail on it with an error that does not say what happened.
    """
    model = operation_model
    if model is None or response_dict is None:
        return
    if not 200 <= int(response_dict.get("status_code") or 0) < 300:
        return
    if model.output_shape is None or model.has_streaming_output:
        return
    service_model = model.service_model
    protocol = getattr(service_model, "resolved_protocol", None) or service_model.protocol
    body = cast(bytes, response_dict.get("body") or b"")
    reason = document_problem(str(protocol), str(model.name), body)
    if reason is not None:
        raise MalformedResponse(
            service=service_model.service_name, operation=model.name, reason=reason
        )


def check_members(
    http_response: Any = None, parsed: Any = None, model: Any = None, **_: Any
) -> None:
    r"""The ``after-call`` handler: raise :class:`MalformedResponse` for a 2xx that lacks members.

    The members are those its operation always returns (:data:`ALWAYS_RETURNED`). An
    answer holding a lone UTF-16 surrogate (a ``\ud800`` escape in a JSON body) is
    malformed too: it is not Unicode text, and no snapshot could be written with it.
    """
    if http_response is None or model is None or not isinstance(parsed, Mapping):
        return
    if not 200 <= http_response.status_code < 300:
        return
    service, operation = str(model.service_model.service_name), str(model.name)
    missing = missing_members(service, operation, parsed)
    if missing:
        reason = f"the answer lacks {', '.join(missing)}, which it always carries"
        raise MalformedResponse(service=service, operation=operation, reason=reason)
    where = lone_surrogate(parsed)
    if where is not None:  # no snapshot could hold it: UTF-8 cannot encode a lone surrogate
        reason = f"the answer holds a lone UTF-16 surrogate at {where}, which is not Unicode text"
        raise MalformedResponse(service=service, operation=operation, reason=reason)


def install_response_check(client: Any) -> Any:
    """Make ``client`` raise :class:`MalformedResponse` for malformed answers; returns it."""
    events = client.meta.events
    for event, handler in (("before-parse", check_document), ("after-call", check_members)):
        events.unregister(event, unique_id=f"{_CHECK_ID}-{event}")
        events.register_first(event, handler, unique_id=f"{_CHECK_ID}-{event}")
    return client
