"""Realistic CloudTrail records for the selector tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/BedrockAgentExecRole/agent-session"


def make_event(
    *,
    category: str | None = "Data",
    source: str = "bedrock.amazonaws.com",
    name: str = "InvokeAgent",
    read_only: bool | None = False,
    resources: Iterable[tuple[str, str | None]] = (),
    user_arn: str | None = ROLE_ARN,
    error_code: str | None = None,
    vpc_endpoint_id: str | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a CloudTrail record; ``category=None`` leaves eventCategory out (old records)."""
    event_type = "AwsVpceEvent" if category == "NetworkActivity" else "AwsApiCall"
    event: dict[str, Any] = {
        "eventVersion": "1.11",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID:agent-session",
            "accountId": account,
        },
        "eventTime": "2026-05-30T14:32:11Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "Boto3/1.35.0",
        "requestID": "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222",
        "eventID": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "eventType": event_type,
        "managementEvent": category == "Management",
        "recipientAccountId": account,
    }
    if category is not None:
        event["eventCategory"] = category
    if user_arn is not None:
        event["userIdentity"]["arn"] = user_arn
    if read_only is not None:
        event["readOnly"] = read_only
    entries = [
        {"accountId": account, "type": kind, **({"ARN": arn} if arn is not None else {})}
        for kind, arn in resources
    ]
    if entries:
        event["resources"] = entries
    if error_code is not None:
        event["errorCode"] = error_code
        event["errorMessage"] = "The request was denied."
    if vpc_endpoint_id is not None:
        event["vpcEndpointId"] = vpc_endpoint_id
    if extra:
        event.update(extra)
    return event


def s3_object_event(
    bucket: str, key: str, name: str = "PutObject", read_only: bool = False
) -> dict[str, Any]:
    """An S3 object-level data event: it carries both an Object and a Bucket resource entry."""
    return make_event(
        source="s3.amazonaws.com",
        name=name,
        read_only=read_only,
        resources=[
            ("AWS::S3::Object", f"arn:aws:s3:::{bucket}/{key}"),
            ("AWS::S3::Bucket", f"arn:aws:s3:::{bucket}"),
        ],
    )


def lambda_invoke_event(function: str, account: str = ACCOUNT) -> dict[str, Any]:
    """A Lambda Invoke data event."""
    return make_event(
        source="lambda.amazonaws.com",
        name="Invoke",
        read_only=False,
        resources=[
            ("AWS::Lambda::Function", f"arn:aws:lambda:{REGION}:{account}:function:{function}")
        ],
        account=account,
    )


def agent_alias_event(
    agent: str = "QWERTY1234", alias: str = "TSTALIASID", account: str = ACCOUNT
) -> dict[str, Any]:
    """An InvokeAgent data event on an agent alias."""
    arn = f"arn:aws:bedrock:{REGION}:{account}:agent-alias/{agent}/{alias}"
    return make_event(
        source="bedrock.amazonaws.com",
        name="InvokeAgent",
        read_only=False,
        resources=[("AWS::Bedrock::AgentAlias", arn)],
        account=account,
    )


def management_event(
    name: str = "InvokeModel", source: str = "bedrock.amazonaws.com", read_only: bool = True
) -> dict[str, Any]:
    """A management event (InvokeModel is one; so are PutModelInvocationLoggingConfiguration...)."""
    return make_event(category="Management", source=source, name=name, read_only=read_only)


def vpce_denied_event(
    source: str = "bedrock.amazonaws.com", error_code: str | None = "VpceAccessDenied"
) -> dict[str, Any]:
    """A network activity event through a VPC endpoint."""
    return make_event(
        category="NetworkActivity",
        source=source,
        name="InvokeModel",
        read_only=None,
        error_code=error_code,
        vpc_endpoint_id="vpce-0a1b2c3d4e5f67890",
    )
