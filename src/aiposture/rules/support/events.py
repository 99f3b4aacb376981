"""Representative CloudTrail events: the events a requirement says must be logged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

PROBE_ID = "aiposture-probe"


def cloudtrail_event(
    *,
    category: str,
    source: str,
    name: str,
    read_only: bool | None,
    account: str,
    region: str,
    resources: Sequence[Mapping[str, str]] = (),
    user_arn: str | None = None,
    error_code: str | None = None,
    vpc_endpoint_id: str | None = None,
) -> dict[str, Any]:
    """A CloudTrail record with the fields selectors and filters read."""
    event: dict[str, Any] = {
        "eventVersion": "1.11",
        "eventCategory": category,
        "eventSource": source,
        "eventName": name,
        "eventType": "AwsApiCall" if category != "NetworkActivity" else "AwsVpceEvent",
        "awsRegion": region,
        "recipientAccountId": account,
        "managementEvent": category == "Management",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": user_arn or f"arn:aws:sts::{account}:assumed-role/{PROBE_ID}/session",
            "accountId": account,
        },
        "sourceIPAddress": "192.0.2.10",
    }
    if read_only is not None:
        event["readOnly"] = read_only
    if resources:
        event["resources"] = [
            {"accountId": account, **{k: v for k, v in r.items() if v}} for r in resources
        ]
    if error_code:
        event["errorCode"] = error_code
    if vpc_endpoint_id:
        event["vpcEndpointId"] = vpc_endpoint_id
    return event


def describe_event(event: Mapping[str, Any]) -> str:
    """A short human name for a representative event, for messages."""
    parts = [str(event.get("eventName"))]
    ro = event.get("readOnly")
    if ro is not None:
        parts.append("(read)" if ro else "(write)")
    arns = [r.get("ARN") for r in event.get("resources", []) if r.get("ARN")]
    if arns:
        parts.append(f"on {arns[0]}")
    elif event.get("eventCategory") == "NetworkActivity":
        parts.append(f"through a VPC endpoint with {event.get('errorCode')}")
    elif event.get("eventCategory") == "Data":
        user = (event.get("userIdentity") or {}).get("arn")
        if user:
            parts.append(f"by {user}")
    return " ".join(parts)
