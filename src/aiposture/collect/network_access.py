"""Per region: the VPCs and their Bedrock/AgentCore endpoints, and the invocation-log bucket.

- EC2 ``DescribeVpcs`` (paged by ``NextToken``, ``MaxResults`` 5 to 1000) and
  ``DescribeVpcEndpoints`` filtered by ``service-name`` on the interface endpoint names of
  :data:`ENDPOINT_SUFFIXES` in the region (paged; ``MaxResults`` at most 1000), so the
  rule can tell, VPC by VPC, which Bedrock services are reached privately.
- S3 ``GetBucketEncryption`` of the bucket model invocation logging writes to, with
  ``ExpectedBucketOwner`` = the scanned account: a bucket another account owns answers
  403, recorded as a failure (the encryption of a bucket we do not own cannot be vouched
  for). ``ServerSideEncryptionConfigurationNotFoundError`` is an answer: the bucket has no
  default encryption.

Service names: Amazon Bedrock User Guide, "Use interface VPC endpoints (AWS PrivateLink)":
endpoint suffixes ``bedrock``, ``bedrock-runtime``, ``bedrock-mantle``, ``bedrock-agent``,
``bedrock-agent-runtime``; Amazon Bedrock AgentCore Developer Guide, "Use interface VPC
endpoints": data plane ``com.amazonaws.<region>.bedrock-agentcore``.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from aiposture.collect.recorder import record_call
from aiposture.collect.responses import MalformedResponse
from aiposture.collect.session import UnitClients
from aiposture.snapshot.access import BucketEncryption, VpcEndpoints
from aiposture.snapshot.models import RegionSnapshot

__all__ = [
    "AGENTCORE_ENDPOINT_SUFFIXES",
    "BEDROCK_ENDPOINT_SUFFIXES",
    "ENDPOINT_SUFFIXES",
    "NO_DEFAULT_ENCRYPTION",
    "endpoint_service_names",
    "read_region_network",
]

BEDROCK_ENDPOINT_SUFFIXES: dict[str, str] = {
    "bedrock": "Bedrock control plane",
    "bedrock-runtime": "Bedrock runtime",
    "bedrock-mantle": "Bedrock Mantle (OpenAI-compatible API)",
    "bedrock-agent": "Agents for Bedrock build time",
    "bedrock-agent-runtime": "Agents for Bedrock runtime",
}
"""The interface endpoint suffixes of Amazon Bedrock (``com.amazonaws.<region>.<suffix>``)."""

AGENTCORE_ENDPOINT_SUFFIXES: dict[str, str] = {"bedrock-agentcore": "AgentCore data plane"}
"""AgentCore's data-plane interface endpoint (runtime, tools, memory, identity, gateway)."""

ENDPOINT_SUFFIXES: dict[str, str] = {**BEDROCK_ENDPOINT_SUFFIXES, **AGENTCORE_ENDPOINT_SUFFIXES}
"""Every endpoint suffix the collector asks DescribeVpcEndpoints for."""

NO_DEFAULT_ENCRYPTION = "ServerSideEncryptionConfigurationNotFoundError"
"""S3's error code for a bucket without default encryption (an answer, not a failure)."""

PAGE = 1000


def endpoint_service_names(region: str, dns_suffix_prefix: str = "com.amazonaws") -> list[str]:
    """The endpoint service names of :data:`ENDPOINT_SUFFIXES` in ``region``."""
    return [f"{dns_suffix_prefix}.{region}.{suffix}" for suffix in ENDPOINT_SUFFIXES]


def _pages(client: Any, method: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """Every item under ``key``, through botocore's paginator (it refuses a repeated token)."""
    pages = client.get_paginator(method).paginate(**params, PaginationConfig={"PageSize": PAGE})
    return [item for page in pages for item in page.get(key) or []]


def _bucket_encryption(client: Any, bucket: str, account_id: str) -> BucketEncryption:
    try:
        answer = client.get_bucket_encryption(Bucket=bucket, ExpectedBucketOwner=account_id)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == NO_DEFAULT_ENCRYPTION:
            return BucketEncryption(bucket=bucket)
        raise
    config = answer.get("ServerSideEncryptionConfiguration")
    if not isinstance(config, dict) or "Rules" not in config:
        # required in the botocore s3 model (GetBucketEncryptionOutput, its Rules): a 200
        # without them is not S3's answer, never "no default encryption"
        raise MalformedResponse(
            service="s3",
            operation="GetBucketEncryption",
            reason="no ServerSideEncryptionConfiguration",
        )
    return BucketEncryption(bucket=bucket, rules=list(config.get("Rules") or []))


def read_region_network(clients: UnitClients, reg: RegionSnapshot, account_id: str) -> None:
    """Read the region's VPCs, their Bedrock endpoints and the invocation-log bucket."""
    region = reg.region
    ec2 = clients("ec2", region)
    found = VpcEndpoints()
    found.vpcs = record_call(
        reg.errors,
        lambda: _pages(ec2, "describe_vpcs", "Vpcs"),
        service="ec2",
        operation="DescribeVpcs",
        region=region,
        account_id=account_id,
    )
    names = endpoint_service_names(region)
    found.endpoints = record_call(
        reg.errors,
        lambda: _pages(
            ec2,
            "describe_vpc_endpoints",
            "VpcEndpoints",
            Filters=[{"Name": "service-name", "Values": names}],
        ),
        service="ec2",
        operation="DescribeVpcEndpoints",
        region=region,
        account_id=account_id,
    )
    reg.vpc_endpoints = found
    config = reg.invocation_logging.config if reg.invocation_logging else {}
    bucket = (config.get("s3Config") or {}).get("bucketName")
    if bucket:
        reg.invocation_bucket_encryption = record_call(
            reg.errors,
            lambda: _bucket_encryption(clients("s3", region), str(bucket), account_id),
            service="s3",
            operation="GetBucketEncryption",
            region=region,
            account_id=account_id,
            resource=str(bucket),
        )
