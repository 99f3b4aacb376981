"""CloudTrail ``LookupEvents`` the way AWS answers it, over events a test or the demo records.

moto (5.2) has no ``LookupEvents``. This module adds it, and keeps the event history it
answers from: moto records **no** events by itself (the calls that seed a demo or a test are
not history); only the events given to :func:`record_event` exist. What follows is the
CloudTrail API Reference (LookupEvents) and the botocore ``cloudtrail`` model 2013-11-01
(operation ``LookupEvents``, shapes ``LookupEventsRequest``/``LookupEventsResponse``/
``Event``/``Resource``), as installed:

- **Lookup attributes**: ``LookupAttributes`` "can contain only one item"; more than one is
  ``InvalidLookupAttributesException``, as is an ``AttributeKey`` outside the model's
  ``LookupAttributeKey`` enum (EventId, EventName, ReadOnly, Username, ResourceType,
  ResourceName, EventSource, AccessKeyId), an ``AttributeValue`` shorter than 1 or longer
  than 2,000 characters (where ``_``, space, ``,`` and newline "count as two characters
  towards the 2000 character limit") and a ``ReadOnly`` value other than ``true``/``false``.
  A value matches exactly (``ResourceType``/``ResourceName`` match any of the event's
  resources).
- **Time range**: ``StartTime`` "only events that occur after or at", ``EndTime`` "before or
  at" (both inclusive); a start after the end is ``InvalidTimeRangeException``. Without them
  the range is everything LookupEvents keeps.
- **Retention**: "You can look up events that occurred in a Region within the last 90 days";
  an event older than 90 days at the time of the request is gone (no error: a range reaching
  further back simply finds nothing there). An event recorded with a time after the request
  has not happened yet and is not returned.
- **Pages**: ``MaxResults`` "Possible values are 1 through 50. The default is 50"; outside
  that ``InvalidMaxResultsException`` (botocore itself refuses values below 1 before sending).
  "The events list is sorted by time. The most recent event is listed first"; events of the
  same instant come in descending event id order, so every page boundary is well defined.
  ``NextToken`` is present only when more events remain, and "must be passed in with the same
  parameters"; a token that is not one of ours, belongs to another account or Region or to a
  request with different parameters is ``InvalidNextTokenException`` ("a token that was
  previously used in a request with different parameters"). ``MaxResults`` may change between
  pages. A token is a cursor (the last event returned), so events recorded between two pages
  never shift or repeat a page.
- **Event category**: ``EventCategory`` has the single enum value ``insight``; recorded
  events are management events, so ``insight`` finds none, and any other value is
  ``InvalidEventCategoryException``.
- **Each event**: ``EventId``, ``EventName``, ``ReadOnly`` (the string ``"true"``/``"false"``),
  ``AccessKeyId``, ``EventTime``, ``EventSource``, ``Username``, ``Resources`` and
  ``CloudTrailEvent``, "a JSON string that contains a representation of the event": the
  CloudTrail record (CloudTrail User Guide, "CloudTrail record contents for management, data,
  and network activity events"): ``eventVersion``, ``userIdentity`` (``type``, ``arn``,
  ``accountId``, ``accessKeyId``, and ``sessionContext.sessionIssuer`` for an assumed role),
  ``eventTime``, ``eventSource``, ``eventName``, ``awsRegion``, ``sourceIPAddress``,
  ``userAgent``, ``requestParameters``, ``responseElements``, ``errorCode``/``errorMessage``
  when the call failed, ``requestID``, ``eventID``, ``readOnly``, ``resources``,
  ``eventType`` ``AwsApiCall``, ``managementEvent`` true, ``recipientAccountId`` and
  ``eventCategory`` ``Management``.
- **Rate**: "The rate of lookup requests is limited to two per second, per account, per
  Region. If this limit is exceeded, a throttling error occurs." By default this emulation
  does not limit (tests and the demo would only wait); :func:`set_lookup_events_rate` turns
  the limit on: a token bucket per account and Region, refilled at ``per_second`` and holding
  at most ``max(1, per_second)`` requests, so a caller pacing itself at the documented rate is
  never refused, and one that bursts beyond it gets ``ThrottlingException`` "Rate exceeded"
  (HTTP 400, the code botocore's retry handlers treat as throttling). A refused request uses
  no capacity.

The test API: :func:`record_event`, :func:`clear_events`, :func:`set_lookup_events_rate`,
and for checks of what happened :func:`recorded_events` and :func:`lookup_events_calls`.
Events live on moto's CloudTrail backend of their account and Region, so a moto reset
(``mock_aws()`` starting or stopping, ``/moto-api/reset``) forgets them as it forgets every
other resource; the backend must be in this process (``mock_aws()`` or
``ThreadedMotoServer``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiposture.demo.moto_ext.common import epoch, iso, patch
from aiposture.snapshot.history import (
    LOOKUP_EVENTS_PAGE_SIZE,
    LOOKUP_EVENTS_RETENTION,
    family_of,
)

__all__ = [
    "LOOKUP_ATTRIBUTE_KEYS",
    "LookupCalls",
    "clear_events",
    "lookup_events",
    "lookup_events_calls",
    "patch_lookup_events",
    "record_event",
    "recorded_events",
    "set_lookup_events_rate",
]

LOOKUP_ATTRIBUTE_KEYS: tuple[str, ...] = (
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
)
"""The botocore model's ``LookupAttributeKey`` enum, in its order."""

_ATTRIBUTE_VALUE_MAX = 2000
"""``LookupAttributeValue`` max length; ``_``, space, ``,`` and newline count twice."""
_DOUBLE_COUNTED = frozenset("_ ,\n")
_EVENT_CATEGORIES = ("insight",)
"""The model's ``EventCategory`` enum for LookupEvents."""
_EVENT_VERSION = "1.11"
_USER_AGENT = "aws-cli/2.17.0 md/Botocore#1.35.0"
_STORE_ATTR = "_aiposture_lookup_events"

_LOCK = threading.RLock()
_clock = time.monotonic
"""The rate limiter's clock (seconds); a test may replace it to step time by hand."""
_TOKEN_SECRET = secrets.token_bytes(32)
"""Signs NextTokens: a token this process did not issue is refused."""


@dataclass(frozen=True)
class _Recorded:
    """One recorded management event, as LookupEvents answers it."""

    event_id: str
    event_name: str
    event_source: str
    event_time: datetime
    """Aware, UTC."""
    username: str | None
    access_key_id: str | None
    read_only: bool
    resources: tuple[tuple[str | None, str | None], ...]
    """(ResourceType, ResourceName) pairs."""
    cloudtrail_event: str
    """The CloudTrail record as JSON, serialised once when recorded (``CloudTrailEvent``)."""

    @property
    def order(self) -> tuple[float, str]:
        """The sort key: LookupEvents lists the greatest first."""
        return (self.event_time.timestamp(), self.event_id)

    def lookup_entry(self) -> dict[str, Any]:
        """The ``Event`` shape of LookupEventsResponse."""
        entry: dict[str, Any] = {
            "EventId": self.event_id,
            "EventName": self.event_name,
            "ReadOnly": "true" if self.read_only else "false",
            "EventTime": epoch(self.event_time),
            "EventSource": self.event_source,
            "Resources": [
                {
                    k: v
                    for k, v in (("ResourceType", rtype), ("ResourceName", rname))
                    if v is not None
                }
                for rtype, rname in self.resources
            ],
            "CloudTrailEvent": self.cloudtrail_event,
        }
        if self.access_key_id:
            entry["AccessKeyId"] = self.access_key_id
        if self.username:
            entry["Username"] = self.username
        return entry


@dataclass
class _Bucket:
    """A token bucket: ``tokens`` requests may be made now; refilled since ``stamp``."""

    tokens: float
    stamp: float


@dataclass
class _Limiter:
    """The optional LookupEvents rate limit, one bucket per (account, Region)."""

    per_second: float | None = None
    buckets: dict[tuple[str, str], _Bucket] = field(default_factory=dict)

    def admit(self, account_id: str, region: str) -> bool:
        """Take one request from the bucket of ``account_id``/``region``; False when empty."""
        rate = self.per_second
        if rate is None:
            return True
        capacity = max(1.0, rate)
        now = _clock()
        bucket = self.buckets.setdefault((account_id, region), _Bucket(capacity, now))
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True
        return False


_LIMITER = _Limiter()


@dataclass(frozen=True)
class LookupCalls:
    """The LookupEvents requests one account and Region made (see :func:`lookup_events_calls`)."""

    answered: int = 0
    """Requests admitted by the rate limit (answered, or refused as malformed)."""
    throttled: int = 0
    """Requests refused with ``ThrottlingException``."""


_CALLS: dict[tuple[str, str], LookupCalls] = {}


# --- the test API ------------------------------------------------------------------------


def _backend(account_id: str, region: str) -> Any:
    """The moto CloudTrail backend of one account and Region (created on first use)."""
    from moto.cloudtrail.models import cloudtrail_backends

    try:
        return cloudtrail_backends[account_id][region]
    except KeyError:
        raise ValueError(f"CloudTrail has no Region {region!r} in moto") from None


@dataclass
class _Store:
    """The events recorded in one account and Region, in recording order, and their ids."""

    events: list[_Recorded] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


def _store(backend: Any) -> _Store:
    """The events recorded in one backend (one account and Region); call with the lock held."""
    store: _Store | None = getattr(backend, _STORE_ATTR, None)
    if store is None:
        store = _Store()
        setattr(backend, _STORE_ATTR, store)
    return store


def _aware(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (a naive one is taken as UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _identity(account_id: str, actor_arn: str, access_key_id: str) -> tuple[dict[str, Any], str]:
    """The record's ``userIdentity`` for ``actor_arn``, and LookupEvents' ``Username``.

    CloudTrail User Guide, "CloudTrail userIdentity element": ``Root`` (``arn:...:root``),
    ``IAMUser`` (``:user/``, with ``userName``), ``AssumedRole`` (``:assumed-role/ROLE/SESSION``,
    with ``sessionContext.sessionIssuer`` the role); LookupEvents' ``Username`` is "a user name
    or role name of the requester": for an assumed role the session name, as the AWS CLI
    Command Reference's ``lookup-events`` example answers (``"Username": "my-session-name"``
    for ``assumed-role/my-role/my-session-name``), and ``root`` for the root user.
    """
    resource = actor_arn.split(":", 5)[5] if actor_arn.count(":") >= 5 else actor_arn
    owner = actor_arn.split(":")[4] if actor_arn.count(":") >= 5 else account_id
    owner = owner or account_id
    identity: dict[str, Any] = {"arn": actor_arn, "accountId": owner}
    if resource == "root":
        identity.update(type="Root", principalId=owner, accessKeyId=access_key_id)
        return identity, "root"
    if resource.startswith("user/"):
        name = resource.rsplit("/", 1)[-1]
        identity.update(
            type="IAMUser",
            userName=name,
            principalId="AIDA" + _digits(actor_arn, 17),
            accessKeyId=access_key_id,
        )
        return identity, name
    if resource.startswith("assumed-role/") and resource.count("/") >= 2:
        _, role, session = resource.split("/", 2)
        partition = actor_arn.split(":")[1] or "aws"
        role_id = "AROA" + _digits(f"{owner}/{role}", 17)
        identity.update(
            type="AssumedRole",
            principalId=f"{role_id}:{session}",
            accessKeyId=access_key_id,
            sessionContext={
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": role_id,
                    "arn": f"arn:{partition}:iam::{owner}:role/{role}",
                    "accountId": owner,
                    "userName": role,
                },
                "attributes": {"mfaAuthenticated": "false"},
            },
        )
        return identity, session
    identity.update(type="Unknown", principalId=actor_arn, accessKeyId=access_key_id)
    return identity, actor_arn


def _digits(seed: str, length: int) -> str:
    """``length`` upper-case letters and digits derived from ``seed`` (stable ids)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    raw = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in raw[:length])


def _access_key(actor_arn: str) -> str:
    """A stable access key id for the actor: ``ASIA`` (temporary) for a role session."""
    prefix = "ASIA" if ":assumed-role/" in actor_arn else "AKIA"
    return prefix + _digits("key:" + actor_arn, 16)


def record_event(
    account_id: str,
    region: str,
    *,
    event_name: str,
    event_time: datetime,
    actor_arn: str,
    source_ip: str = "198.51.100.7",
    request_parameters: dict[str, Any] | None = None,
    response_elements: dict[str, Any] | None = None,
    error_code: str | None = None,
    resources: list[dict[str, Any]] | None = None,
    event_source: str | None = None,
    read_only: bool = False,
    event_id: str | None = None,
    username: str | None = None,
) -> str:
    """Record one management event in ``account_id``/``region``; return its event id.

    ``event_source`` defaults to the source of the event's control family
    (:func:`aiposture.snapshot.history.family_of`); an event outside every family needs it.
    ``resources`` are LookupEvents ``Resource`` items (``ResourceType``, ``ResourceName``).
    ``error_code`` marks a failed call (``AccessDenied``): it is still history, with an
    ``errorMessage``, and ``responseElements`` is null as CloudTrail writes it.
    ``username`` overrides the ``Username`` derived from the actor (see :func:`_identity`).
    ``event_time`` is kept to the second, as CloudTrail writes ``eventTime``.
    Recording the same ``event_id`` twice in one account and Region is refused.
    """
    if not event_name:
        raise ValueError("record_event needs an event_name")
    if event_source is None:
        family = family_of(event_name)
        if family is None:
            raise ValueError(f"{event_name!r} belongs to no control family: pass its event_source")
        event_source = family.event_source
    when = _aware(event_time).replace(microsecond=0)  # CloudTrail's eventTime is to the second
    key = _access_key(actor_arn)
    identity, derived_username = _identity(account_id, actor_arn, key)
    ident = event_id or str(uuid.uuid4())
    items = []
    for resource in resources or []:
        unknown = set(resource) - {"ResourceType", "ResourceName"}
        if unknown:
            raise ValueError(f"a Resource has only ResourceType and ResourceName, not {unknown}")
        items.append((resource.get("ResourceType"), resource.get("ResourceName")))
    record: dict[str, Any] = {
        "eventVersion": _EVENT_VERSION,
        "userIdentity": identity,
        "eventTime": iso(when),
        "eventSource": event_source,
        "eventName": event_name,
        "awsRegion": region,
        "sourceIPAddress": source_ip,
        "userAgent": _USER_AGENT,
        "requestParameters": request_parameters,
        "responseElements": None if error_code else response_elements,
        "requestID": str(
            uuid.UUID(bytes=hashlib.md5(ident.encode(), usedforsecurity=False).digest())
        ),
        "eventID": ident,
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account_id,
        "eventCategory": "Management",
    }
    if error_code:
        record["errorCode"] = error_code
        record["errorMessage"] = (
            f"User: {actor_arn} is not authorized to perform: "
            f"{event_source.split('.', 1)[0]}:{event_name}"
            if error_code in ("AccessDenied", "AccessDeniedException")
            else f"{event_name} failed: {error_code}"
        )
    arns = [
        {"accountId": account_id, "type": rtype, "ARN": rname}
        for rtype, rname in items
        if rname and rname.startswith("arn:")
    ]
    if arns:  # the record's ``resources`` name resources by ARN
        record["resources"] = arns
    try:
        serialised = json.dumps(record, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the event of {event_name} is not JSON: {exc}") from None
    event = _Recorded(
        event_id=ident,
        event_name=event_name,
        event_source=event_source,
        event_time=when,
        username=username or derived_username,
        access_key_id=key,
        read_only=read_only,
        resources=tuple(items),
        cloudtrail_event=serialised,
    )
    with _LOCK:
        store = _store(_backend(account_id, region))
        if ident in store.ids:
            raise ValueError(f"event {ident} is already recorded in {account_id}/{region}")
        store.events.append(event)
        store.ids.add(ident)
    return ident


def recorded_events(account_id: str, region: str) -> list[dict[str, Any]]:
    """The events recorded in ``account_id``/``region``, newest first, as LookupEvents lists them.

    Ignores the 90-day retention: this is what was recorded, for a test's own checks.
    """
    with _LOCK:
        events = list(_store(_backend(account_id, region)).events)
    return [e.lookup_entry() for e in sorted(events, key=lambda e: e.order, reverse=True)]


def clear_events() -> None:
    """Forget every recorded event, in every account and Region, and every request made.

    The rate limiter starts afresh and :func:`lookup_events_calls` counts from zero; the rate
    set by :func:`set_lookup_events_rate` stays.
    """
    from moto.cloudtrail.models import cloudtrail_backends

    with _LOCK:
        for regions in list(cloudtrail_backends.values()):
            for backend in list(regions.values()):
                if hasattr(backend, _STORE_ATTR):
                    delattr(backend, _STORE_ATTR)
        _LIMITER.buckets.clear()
        _CALLS.clear()


def lookup_events_calls() -> dict[tuple[str, str], LookupCalls]:
    """The LookupEvents requests received since the last :func:`clear_events`, by (account, Region).

    For tests and benchmarks that must know whether the rate limit refused any request.
    """
    with _LOCK:
        return dict(_CALLS)


def set_lookup_events_rate(per_second: float | None) -> None:
    """Limit LookupEvents to ``per_second`` requests per account and Region; None lifts it.

    ``2.0`` is AWS's documented limit. Beyond it a request fails with ``ThrottlingException``
    "Rate exceeded". Every change starts the buckets afresh (full).
    """
    if per_second is not None and not per_second > 0:
        raise ValueError(f"the LookupEvents rate must be positive, not {per_second!r}")
    with _LOCK:
        _LIMITER.per_second = per_second
        _LIMITER.buckets.clear()


# --- LookupEvents ------------------------------------------------------------------------


def _error(code: str, message: str) -> Exception:
    """A CloudTrail JSON error (HTTP 400) botocore maps to the modelled exception."""
    from moto.core.exceptions import JsonRESTError

    found = JsonRESTError(code, message)
    found.code = 400
    return found


def _time_param(value: Any, name: str) -> datetime | None:
    """A request timestamp (botocore sends epoch seconds for the JSON protocol)."""
    if value is None:
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value), UTC)
        return _aware(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except (ValueError, OverflowError, OSError):
        raise _error("InvalidTimeRangeException", f"{name} is not a valid timestamp.") from None


def _attribute(params: dict[str, Any]) -> tuple[str, str] | None:
    """The one lookup attribute of the request, validated; None when there is none."""
    attributes = params.get("LookupAttributes")
    if attributes is None or attributes == []:
        return None
    if not isinstance(attributes, list):
        raise _error("InvalidLookupAttributesException", "LookupAttributes must be a list.")
    if len(attributes) > 1:
        raise _error(
            "InvalidLookupAttributesException",
            f"You can only specify one lookup attribute; the request has {len(attributes)}.",
        )
    only = attributes[0] if isinstance(attributes[0], dict) else {}
    key, value = only.get("AttributeKey"), only.get("AttributeValue")
    if key not in LOOKUP_ATTRIBUTE_KEYS:
        raise _error(
            "InvalidLookupAttributesException",
            f"AttributeKey {key!r} is not one of {', '.join(LOOKUP_ATTRIBUTE_KEYS)}.",
        )
    if not isinstance(value, str) or not value:
        raise _error("InvalidLookupAttributesException", "AttributeValue must not be empty.")
    length = sum(2 if ch in _DOUBLE_COUNTED else 1 for ch in value)
    if length > _ATTRIBUTE_VALUE_MAX:
        raise _error(
            "InvalidLookupAttributesException",
            f"AttributeValue is longer than {_ATTRIBUTE_VALUE_MAX} characters.",
        )
    if key == "ReadOnly" and value not in ("true", "false"):
        raise _error("InvalidLookupAttributesException", "ReadOnly must be true or false.")
    return key, value


def _matches(event: _Recorded, attribute: tuple[str, str] | None) -> bool:
    """Whether ``event`` has the attribute's value."""
    if attribute is None:
        return True
    key, value = attribute
    if key == "ResourceType":
        return any(rtype == value for rtype, _ in event.resources)
    if key == "ResourceName":
        return any(rname == value for _, rname in event.resources)
    field_of: dict[str, str | None] = {
        "EventId": event.event_id,
        "EventName": event.event_name,
        "ReadOnly": "true" if event.read_only else "false",
        "Username": event.username,
        "EventSource": event.event_source,
        "AccessKeyId": event.access_key_id,
    }
    return field_of[key] == value


def _fingerprint(
    account_id: str,
    region: str,
    attribute: tuple[str, str] | None,
    start: datetime | None,
    end: datetime | None,
    category: str | None,
) -> str:
    """What a NextToken is bound to: the caller's account, Region and request parameters."""
    return json.dumps(
        [
            account_id,
            region,
            list(attribute) if attribute else None,
            start.timestamp() if start else None,
            end.timestamp() if end else None,
            category,
        ]
    )


def _token(fingerprint: str, cursor: tuple[float, str]) -> str:
    """An opaque NextToken: the cursor (last event returned), signed with the parameters."""
    body = json.dumps({"t": cursor[0], "i": cursor[1]}, separators=(",", ":")).encode()
    mac = hmac.new(_TOKEN_SECRET, fingerprint.encode() + b"\0" + body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16] + body).decode().rstrip("=")


def _cursor(fingerprint: str, token: str) -> tuple[float, str]:
    """The cursor of a NextToken issued for this fingerprint, else InvalidNextTokenException."""
    invalid = _error(
        "InvalidNextTokenException",
        "Invalid NextToken: it is not valid or was issued for a request with different parameters.",
    )
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise invalid from None
    mac, body = raw[:16], raw[16:]
    expected = hmac.new(_TOKEN_SECRET, fingerprint.encode() + b"\0" + body, hashlib.sha256)
    if len(mac) != 16 or not hmac.compare_digest(mac, expected.digest()[:16]):
        raise invalid
    try:
        decoded = json.loads(body)
        return float(decoded["t"]), str(decoded["i"])
    except (ValueError, KeyError, TypeError):
        raise invalid from None


def lookup_events(account_id: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    """Answer one LookupEvents request of ``account_id`` in ``region`` (see the module doc)."""
    with _LOCK:
        admitted = _LIMITER.admit(account_id, region)
        seen = _CALLS.get((account_id, region), LookupCalls())
        _CALLS[(account_id, region)] = LookupCalls(
            seen.answered + admitted, seen.throttled + (not admitted)
        )
    if not admitted:
        raise _error("ThrottlingException", "Rate exceeded")
    attribute = _attribute(params)
    start = _time_param(params.get("StartTime"), "StartTime")
    end = _time_param(params.get("EndTime"), "EndTime")
    if start is not None and end is not None and start > end:
        raise _error(
            "InvalidTimeRangeException",
            "Start time must be before or the same as the end time.",
        )
    category = params.get("EventCategory")
    if category is not None and category not in _EVENT_CATEGORIES:
        raise _error(
            "InvalidEventCategoryException",
            f"EventCategory {category!r} is not valid; the valid value is insight.",
        )
    limit = params.get("MaxResults")
    if limit is None:
        limit = LOOKUP_EVENTS_PAGE_SIZE
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= LOOKUP_EVENTS_PAGE_SIZE
    ):
        raise _error(
            "InvalidMaxResultsException",
            f"MaxResults must be between 1 and {LOOKUP_EVENTS_PAGE_SIZE}, not {limit!r}.",
        )
    fingerprint = _fingerprint(account_id, region, attribute, start, end, category)
    token = params.get("NextToken")
    cursor = _cursor(fingerprint, str(token)) if token is not None else None

    now = datetime.now(UTC)
    oldest = now - LOOKUP_EVENTS_RETENTION
    with _LOCK:
        events = list(_store(_backend(account_id, region)).events)
    if category == "insight":
        events = []  # every recorded event is a management event
    chosen = sorted(
        (
            e
            for e in events
            if oldest <= e.event_time <= now
            and (start is None or e.event_time >= start)
            and (end is None or e.event_time <= end)
            and (cursor is None or e.order < cursor)
            and _matches(e, attribute)
        ),
        key=lambda e: e.order,
        reverse=True,
    )
    page = chosen[:limit]
    answer: dict[str, Any] = {"Events": [e.lookup_entry() for e in page]}
    if len(chosen) > limit:
        answer["NextToken"] = _token(fingerprint, page[-1].order)
    return answer


def patch_lookup_events() -> None:
    """Add ``LookupEvents`` to moto's CloudTrail (CloudTrail API Reference, LookupEvents).

    Answers from the events :func:`record_event` recorded, as the module docstring details
    (botocore ``cloudtrail`` model 2013-11-01, ``LookupEventsRequest``/``Response``).
    """
    from moto.cloudtrail.responses import CloudTrailResponse

    def r_lookup_events(self: Any) -> str:
        params = json.loads(self.body or "{}")
        return json.dumps(lookup_events(self.current_account, self.region, params))

    patch(CloudTrailResponse, "lookup_events", r_lookup_events)
