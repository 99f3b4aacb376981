"""AWS Organizations: invitations and handshakes, and CloudTrail as a delegated service."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from unittest import mock

from aiposture.demo.moto_ext.common import patch

__all__ = ["patch_organizations"]

_HANDSHAKES_ATTR = "_aiposture_handshakes"


def patch_organizations() -> None:
    """Organizations invitations, as AWS has them.

    Organizations invitations, so an account with a fixed id can join (botocore
    ``organizations`` model: InviteAccountToOrganization, AcceptHandshake; AWS Organizations
    User Guide, "Inviting an AWS account to join your organization"). moto has only
    CreateAccount, which picks a random id; after the handshake DescribeOrganization works
    from the member account as in AWS.
    """
    from moto.core.utils import unix_time
    from moto.organizations import utils as org_utils
    from moto.organizations.exceptions import OrganizationsClientError
    from moto.organizations.models import (
        FakeAccount,
        FakeDelegatedAdministrator,
        FakeServiceAccess,
        OrganizationsBackend,
        organizations_backends,
    )
    from moto.organizations.responses import OrganizationsResponse

    # CloudTrail takes a delegated administrator in AWS; moto's service lists lack it, so
    # ListDelegatedAdministrators(ServicePrincipal=cloudtrail...) is refused without this.
    cloudtrail = "cloudtrail.amazonaws.com"
    if cloudtrail not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
        FakeDelegatedAdministrator.SUPPORTED_SERVICES = [
            *FakeDelegatedAdministrator.SUPPORTED_SERVICES,
            cloudtrail,
        ]
    if cloudtrail not in FakeServiceAccess.TRUSTED_SERVICES:
        FakeServiceAccess.TRUSTED_SERVICES = [*FakeServiceAccess.TRUSTED_SERVICES, cloudtrail]

    original_reset: Callable[[Any], None] = OrganizationsBackend.reset

    def reset(self: Any) -> None:
        # moto keeps member -> master mappings across resets; drop this master's members.
        members = organizations_backends.master_accounts
        for member, (master, _) in list(members.items()):
            if master == self.account_id:
                members.pop(member, None)
        original_reset(self)

    def is_member(account_id: str) -> bool:
        entry = organizations_backends.master_accounts.get(account_id)
        if entry is None:
            return False
        master = organizations_backends[entry[0]][entry[1]]
        return master.org is not None and any(a.id == account_id for a in master.accounts)

    def handshakes(backend: Any) -> dict[str, dict[str, Any]]:
        store: dict[str, dict[str, Any]] | None = getattr(backend, _HANDSHAKES_ATTR, None)
        if store is None:
            store = {}
            setattr(backend, _HANDSHAKES_ATTR, store)
        return store

    def invite_account_to_organization(self: Any) -> str:
        backend = self.organizations_backend
        org = backend.org
        if org is None:
            raise OrganizationsClientError(
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            )
        target = self._get_param("Target") or {}
        account_id = str(target.get("Id", ""))
        if target.get("Type") != "ACCOUNT" or not (account_id.isdigit() and len(account_id) == 12):
            raise OrganizationsClientError(
                "InvalidInputException", "Target must be an ACCOUNT with a 12-digit id."
            )
        now = unix_time()
        handshake_id = "h-" + org_utils.make_random_create_account_status_id()[4:].lower()
        handshake = {
            "Id": handshake_id,
            "Arn": f"arn:{backend.partition}:organizations::{org.master_account_id}:"
            f"handshake/{org.id}/invite/{handshake_id}",
            "Parties": [
                {"Id": org.id, "Type": "ORGANIZATION"},
                {"Id": account_id, "Type": "ACCOUNT"},
            ],
            "State": "OPEN",
            "RequestedTimestamp": now,
            "ExpirationTimestamp": now + 15 * 86400,
            "Action": "INVITE",
            "Resources": [{"Value": org.id, "Type": "ORGANIZATION"}],
        }
        handshakes(backend)[handshake_id] = handshake
        return json.dumps({"Handshake": handshake})

    def accept_handshake(self: Any) -> str:
        handshake_id = self._get_param("HandshakeId")
        member = self.current_account
        for master_id, by_partition in list(organizations_backends.items()):
            for backend in by_partition.values():
                handshake = handshakes(backend).get(handshake_id)
                org = backend.org
                if handshake is None or org is None:
                    continue
                if handshake["Parties"][1]["Id"] != member or handshake["State"] != "OPEN":
                    raise OrganizationsClientError(
                        "HandshakeConstraintViolationException",
                        "This handshake is not open for your account.",
                    )
                if is_member(member):
                    raise OrganizationsClientError(
                        "HandshakeConstraintViolationException",
                        "The account is already a member of an organization.",
                    )
                with mock.patch.object(org_utils, "make_random_account_id", return_value=member):
                    account = FakeAccount(
                        org, AccountName=f"account-{member}", Email=f"{member}@example.com"
                    )
                account.joined_method = "INVITED"
                backend.accounts.append(account)
                for policy_id in (org_utils.DEFAULT_SCP_POLICY_ID, org_utils.DEFAULT_RCP_POLICY_ID):
                    backend.attach_policy(PolicyId=policy_id, TargetId=member)
                organizations_backends.master_accounts[member] = (master_id, backend.partition)
                handshake["State"] = "ACCEPTED"
                return json.dumps({"Handshake": handshake})
        raise OrganizationsClientError(
            "HandshakeNotFoundException", f"Handshake {handshake_id} does not exist."
        )

    patch(OrganizationsBackend, "reset", reset)
    patch(OrganizationsResponse, "invite_account_to_organization", invite_account_to_organization)
    patch(OrganizationsResponse, "accept_handshake", accept_handshake)
