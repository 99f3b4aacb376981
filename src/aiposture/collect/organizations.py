"""Organizations: the organization an account belongs to (DescribeOrganization)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from aiposture.collect.recorder import client_error_code
from aiposture.snapshot.models import OrganizationInfo

NOT_IN_USE = "AWSOrganizationsNotInUseException"
"""The error code of an account that is not in any organization: not a failure."""


def describe_organization(client: Any) -> OrganizationInfo | None:
    """Read the account's organization; ``None`` when it belongs to none (raises on failure)."""
    try:
        resp = client.describe_organization()
    except ClientError as exc:
        if client_error_code(exc) == NOT_IN_USE:
            return None
        raise
    org = resp["Organization"]
    return OrganizationInfo(
        id=org["Id"],
        arn=org["Arn"],
        master_account_id=org["MasterAccountId"],
        feature_set=org.get("FeatureSet"),
    )
