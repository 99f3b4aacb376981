"""CloudWatch Logs: the log groups that receive CloudTrail and invocation logs."""

from __future__ import annotations

from typing import Any

from aiposture.snapshot.models import LogGroup


def log_group_from_description(desc: dict[str, Any], region: str, account_id: str) -> LogGroup:
    """Build a :class:`LogGroup` from one DescribeLogGroups entry (``arn`` without ``:*``)."""
    name = str(desc["logGroupName"])
    arn = desc.get("logGroupArn") or desc.get("arn") or ""
    arn = str(arn)[:-2] if str(arn).endswith(":*") else str(arn)
    parts = arn.split(":")
    owner = parts[4] if len(parts) > 5 and parts[4] else account_id
    retention = desc.get("retentionInDays")
    return LogGroup(
        name=name,
        arn=arn,
        region=region,
        account_id=owner,
        log_group_class=desc.get("logGroupClass"),
        retention_in_days=int(retention) if retention is not None else None,
        kms_key_id=desc.get("kmsKeyId"),
        raw=dict(desc),
    )


def find_log_group(client: Any, name: str, region: str, account_id: str) -> LogGroup | None:
    """Find the log group named exactly ``name``; ``None`` when it does not exist.

    Raises on a failed call.
    """
    paginator = client.get_paginator("describe_log_groups")
    for page in paginator.paginate(logGroupNamePrefix=name, PaginationConfig={"PageSize": 50}):
        for desc in page.get("logGroups", []):
            if desc.get("logGroupName") == name:
                return log_group_from_description(desc, region, account_id)
    return None
