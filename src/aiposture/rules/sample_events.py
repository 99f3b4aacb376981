"""Sample CloudTrail events: how detection requirements are stated.

A detection check (metric filter, Contributor Insights rule, saved query) is not stated as
text to look for in the configuration. It is stated as CloudTrail records that the detection
must react to (``must_match``) and records it exists to ignore (``unrelated``). A sample is
written in the catalog as the fields that matter; :func:`build_event` lays them over a
realistic CloudTrail record of the account being judged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from pydantic import Field

from aiposture.rules.base import Params

BASE_EVENT: dict[str, Any] = {
    "eventVersion": "1.11",
    "userIdentity": {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLEID:aiposture-sample",
        "arn": "arn:{partition}:sts::{account}:assumed-role/ai-app-role/aiposture-sample",
        "accountId": "{account}",
        "accessKeyId": "ASIAEXAMPLEKEYID",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEID",
                "arn": "arn:{partition}:iam::{account}:role/ai-app-role",
                "accountId": "{account}",
                "userName": "ai-app-role",
            },
            "attributes": {"creationDate": "2026-11-20T11:50:00Z", "mfaAuthenticated": "false"},
        },
    },
    "eventTime": "2026-11-20T12:00:00Z",
    "eventSource": "bedrock.amazonaws.com",
    "eventName": "ListFoundationModels",
    "awsRegion": "{region}",
    "sourceIPAddress": "192.0.2.10",
    "userAgent": "aws-sdk-python/1.35.0",
    "requestParameters": {},
    "responseElements": None,
    "requestID": "0f1e2d3c-4b5a-6978-8a9b-aiposture0001",
    "eventID": "a1b2c3d4-e5f6-4789-8abc-aiposture0001",
    "readOnly": True,
    "eventType": "AwsApiCall",
    "managementEvent": True,
    "recipientAccountId": "{account}",
    "eventCategory": "Management",
}
"""The record every sample starts from: a read-only Bedrock management call by an app role.

Strings may hold ``{account}``, ``{region}`` and ``{partition}``, filled in per account."""


class SampleEvent(Params):
    """One CloudTrail record a detection must (or must not) react to.

    ``event`` holds the fields that differ from :data:`BASE_EVENT`, nested as in CloudTrail:
    a mapping is merged into the base mapping, any other value (lists included) replaces
    it, and ``null`` removes the field. ``why`` is said when a detection misses this event,
    to explain why the event matters (for instance the bedrock-mantle blind spot).
    """

    label: str = Field(min_length=1)
    event: dict[str, Any]
    why: str | None = None


class SampleEvents(Params):
    """The events a detection exists to catch, and unrelated events it should ignore."""

    must_match: list[SampleEvent] = Field(min_length=1)
    unrelated: list[SampleEvent] = Field(default_factory=list)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        out = dict(base)
        for key, value in over.items():
            if value is None and key in out and key != "responseElements":
                del out[key]
            elif value is None:
                out[key] = None
            else:
                out[key] = _merge(out.get(key), value)
        return out
    return over


def _fill(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        for name, text in names.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, Mapping):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


@lru_cache(maxsize=8192)
def _built(event_json: str, account: str, region: str, partition: str) -> str:
    over = json.loads(event_json)
    merged = _merge(BASE_EVENT, over)
    category = merged.get("eventCategory")
    if "managementEvent" not in over:
        merged["managementEvent"] = category == "Management"
    names = {"account": account, "region": region, "partition": partition}
    return json.dumps(_fill(merged, names), separators=(",", ":"))


def build_event(
    sample: SampleEvent, account: str, region: str, partition: str = "aws"
) -> dict[str, Any]:
    """The full CloudTrail record of ``sample`` in ``account`` and ``region``."""
    loaded: dict[str, Any] = json.loads(event_message(sample, account, region, partition))
    return loaded


def event_message(sample: SampleEvent, account: str, region: str, partition: str = "aws") -> str:
    """The record of ``sample`` as CloudTrail writes it to CloudWatch Logs (one JSON line)."""
    key = json.dumps(sample.event, sort_keys=True, separators=(",", ":"))
    return _built(key, account, region, partition)


def event_messages(
    samples: Sequence[SampleEvent], account: str, region: str, partition: str = "aws"
) -> list[str]:
    """:func:`event_message` for each sample, in order."""
    return [event_message(s, account, region, partition) for s in samples]
