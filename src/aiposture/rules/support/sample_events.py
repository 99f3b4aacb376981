"""Sample CloudTrail events: how detection requirements are stated.

A detection check (metric filter, alarm, Contributor Insights rule, saved query, subscription
filter) is not stated as text to look for in the configuration. It is stated as CloudTrail
records that the detection must react to (``must_match``) and close records it is *not* for
(``must_not_match``): the successful call for a detection of failures, the read for a
detection of changes, the ordinary call for a detection of one kind of call. Reacting to a
must-not-match record is a failure (the metric no longer measures what the guide says, and
an alarm on it pages on routine traffic), so a broader detection passes only while it counts
more events *of the same kind*. A sample is written in the catalog as the fields that matter;
:func:`build_event` lays them over a realistic CloudTrail record of the account being judged.

The must-match samples are also what the trail must *record* for the detection to work
(:mod:`aiposture.rules.support.recording`): each is written as CloudTrail really logs it (category,
``readOnly``, ``managementEvent``, resources), so that a trail without the matching selectors
breaks the chain before the filter is even looked at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field

from aiposture.memo import Fact
from aiposture.rules.base import Params, RuleContext

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
    insight_category: Literal["Management", "Data"] = "Management"
    """For a CloudTrail Insights event (``eventCategory: Insight``): the category of the events
    whose anomaly it reports, which Insights must be enabled for to produce it."""

    @property
    def described(self) -> str:
        """The label, with ``why`` in parentheses when there is one: for "misses ..." texts."""
        return f"{self.label} ({self.why})" if self.why else self.label


class SampleEvents(Params):
    """The events a detection exists to catch, and close events it must not count."""

    must_match: list[SampleEvent] = Field(min_length=1)
    must_not_match: list[SampleEvent] = Field(default_factory=list)


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


def fill_names(value: Any, names: Mapping[str, str]) -> Any:
    """A copy of ``value`` with ``{account}``, ``{region}``, ``{partition}`` filled in.

    ``value`` is read-only shared data (a sample's template); its containers are copied.
    """
    if isinstance(value, str):
        for name, text in names.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, Mapping):
        return {k: fill_names(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_names(v, names) for v in value]
    return value


_templates: dict[int, tuple[SampleEvent, dict[str, Any], str]] = {}


def sample_template(sample: SampleEvent) -> tuple[dict[str, Any], str]:
    """The sample laid over :data:`BASE_EVENT`, placeholders unfilled, and a key for it.

    Shared and read-only; computed once per sample object (samples live as long as the
    catalog that holds them).
    """
    hit = _templates.get(id(sample))
    if hit is not None and hit[0] is sample:
        return hit[1], hit[2]
    merged = _merge(BASE_EVENT, sample.event)
    if "managementEvent" not in sample.event:
        merged["managementEvent"] = merged.get("eventCategory") == "Management"
    key = json.dumps(sample.event, sort_keys=True, separators=(",", ":"))
    if len(_templates) >= 8192:
        _templates.clear()
        _by_key.clear()
    _templates[id(sample)] = (sample, merged, key)
    _by_key[key] = merged
    return merged, key


_by_key: dict[str, dict[str, Any]] = {}


@lru_cache(maxsize=16384)
def _message(key: str, account: str, region: str, partition: str) -> str:
    names = {"account": account, "region": region, "partition": partition}
    return json.dumps(fill_names(_by_key[key], names), separators=(",", ":"))


def build_event(
    sample: SampleEvent, account: str, region: str, partition: str = "aws"
) -> dict[str, Any]:
    """The full CloudTrail record of ``sample`` in ``account`` and ``region`` (a new dict)."""
    names = {"account": account, "region": region, "partition": partition}
    filled: dict[str, Any] = fill_names(sample_template(sample)[0], names)
    return filled


_EVENTS: Fact[dict[str, Any]] = Fact("sample event in an account and region", size=16384)


def context_event(sample: SampleEvent, ctx: RuleContext) -> dict[str, Any]:
    """:func:`build_event` in the judged account and region, built once per evaluation.

    Shared by every check that tests the sample there: read it, never change it.
    """
    return ctx.memo.get(
        _EVENTS,
        (sample,),
        lambda: build_event(sample, ctx.account_id, ctx.region, ctx.partition),
        ctx.account_id,
        ctx.region,
        ctx.partition,
    )


def event_message(sample: SampleEvent, account: str, region: str, partition: str = "aws") -> str:
    """The record of ``sample`` as CloudTrail writes it to CloudWatch Logs (one JSON line)."""
    key = sample_template(sample)[1]
    return _message(key, account, region, partition)


def event_messages(
    samples: Sequence[SampleEvent], account: str, region: str, partition: str = "aws"
) -> list[str]:
    """:func:`event_message` for each sample, in order."""
    return [event_message(s, account, region, partition) for s in samples]
