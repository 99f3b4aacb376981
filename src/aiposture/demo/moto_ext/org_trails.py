"""CloudTrail organization trails as member accounts see them, and who may read a trail."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiposture.demo.moto_ext.common import patch

__all__ = [
    "arn_account_error",
    "management_account_of",
    "owner_read_trail",
    "patch_organization_trails",
    "readable_trail",
]


def management_account_of(account_id: str) -> str | None:
    """The management account of the organization ``account_id`` is a member of, if any."""
    from moto.organizations.models import organizations_backends

    entry = organizations_backends.master_accounts.get(account_id)
    if entry is None or entry[0] == account_id:
        return None
    master = organizations_backends[entry[0]][entry[1]]
    if master.org is None or not any(a.id == account_id for a in master.accounts):
        return None
    return str(entry[0])


def readable_trail(backend: Any, name_or_arn: str) -> Any:
    """Resolve a trail for a read call: the backend's own, else one it sees by ARN.

    By ARN a caller reads a trail that its ``DescribeTrails`` (with shadow trails) lists:
    its own multi-region trails from another region, and its organization's trails
    (botocore ``cloudtrail`` model, DescribeTrailsRequest.includeShadowTrails: "a shadow
    trail is the replication in a region of a trail that was created in a different region,
    or in the case of an organization trail, the replication of an organization trail in
    member accounts"). moto resolves only the caller's own trails by name.
    """
    from moto.cloudtrail.exceptions import TrailNotFoundException

    try:
        return backend.get_trail(name_or_arn)
    except TrailNotFoundException:
        if not str(name_or_arn).startswith("arn:"):
            raise
        for trail in backend.describe_trails(include_shadow_trails=True):
            if trail.arn == name_or_arn:
                return trail
        raise


def arn_account_error(caller: str, name_or_arn: str) -> Exception | None:
    """CloudTrail's answer to a caller naming a trail ARN of another account, if it does.

    The ``CloudTrailARNInvalidException`` of the botocore ``cloudtrail`` model's error lists
    (GetEventSelectors, GetInsightSelectors, GetEventConfiguration, ListTags), with the
    message AWS sends; see :func:`owner_read_trail`. moto answers such a read as the owner.
    """
    from moto.core.exceptions import JsonRESTError

    parts = str(name_or_arn).split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[4] == caller:
        return None
    return JsonRESTError(
        "CloudTrailARNInvalidException",
        f"AccountID in ARN is wrong, you can only access resources with AccountID {caller}.",
    )


def owner_read_trail(backend: Any, name_or_arn: str) -> Any:
    """Resolve a trail for a read that only the trail's owner account may make.

    AWS lets a member account see its organization's trail (``DescribeTrails``) and read its
    status (``GetTrailStatus`` with the full ARN: botocore ``cloudtrail`` model 1.44,
    GetTrailStatusRequest.Name, "If the trail is an organization trail and you are a member
    account ... you must provide the full ARN"), but GetEventSelectors, GetInsightSelectors,
    GetEventConfiguration and ListTags on a trail ARN of another account fail with
    ``CloudTrailARNInvalidException`` (in each of those operations' error list in the
    model), "AccountID in ARN is wrong, you can only access resources with AccountID
    <caller>." (CloudTrail User Guide, "Creating a trail for an organization": member
    accounts see the organization trail but cannot change it; the exact message from a
    member account in cloudquery cq-provider-aws issue 405 (ListTags), turbot
    steampipe-plugin-aws issues 577 and 578, and prowler-cloud/prowler pull request 2025
    "list tags only in owned trails"). The caller's own trails, also by ARN from another
    region, are read as before.
    """
    error = arn_account_error(backend.account_id, name_or_arn)
    if error is not None:
        raise error
    return readable_trail(backend, name_or_arn)


def patch_organization_trails() -> None:
    """CloudTrail organization trails as member accounts see them.

    Organization trails seen from member accounts (CloudTrail User Guide, "Creating a
    trail for an organization": member accounts can see the organization trail but cannot
    modify it; reads of its configuration by ARN fail with CloudTrailARNInvalidException,
    in the error lists of GetEventSelectors, GetInsightSelectors, GetEventConfiguration and
    ListTags in the botocore ``cloudtrail`` model; reported by cloudquery cq-provider-aws
    issue 405 and steampipe-plugin-aws issues 577 and 578). DescribeTrails with shadow
    trails lists them; GetTrail and GetTrailStatus work by ARN.
    """
    from moto.cloudtrail.models import CloudTrailBackend, cloudtrail_backends
    from moto.cloudtrail.responses import CloudTrailResponse

    original: Callable[..., Any] = CloudTrailBackend.describe_trails

    def describe_trails(self: Any, include_shadow_trails: bool) -> list[Any]:
        trails = list(original(self, include_shadow_trails))
        management = management_account_of(self.account_id) if include_shadow_trails else None
        if management is None or management not in cloudtrail_backends:
            return trails
        seen = {t.arn for t in trails}
        for backend in list(cloudtrail_backends[management].values()):
            for trail in list(backend.trails.values()):
                if (
                    trail.is_org_trail
                    and (trail.is_multi_region or trail.region_name == self.region_name)
                    and trail.arn not in seen
                ):
                    trails.append(trail)
        return trails

    def r_get_trail(self: Any) -> str:
        trail = readable_trail(self.cloudtrail_backend, self._get_param("Name"))
        return json.dumps({"Trail": trail.description(include_region=True)})

    original_list_tags: Callable[[Any], str] = CloudTrailResponse.list_tags

    def r_list_tags(self: Any) -> str:
        # ListTags on another account's trail: see owner_read_trail.
        for resource_id in json.loads(self.body).get("ResourceIdList") or []:
            error = arn_account_error(self.cloudtrail_backend.account_id, resource_id)
            if error is not None:
                raise error
        return original_list_tags(self)

    patch(CloudTrailBackend, "describe_trails", describe_trails)
    patch(CloudTrailResponse, "get_trail", r_get_trail)
    patch(CloudTrailResponse, "list_tags", r_list_tags)
