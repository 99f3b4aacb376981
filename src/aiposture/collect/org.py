"""Organization discovery for ``aiposture scan --org``: which accounts to scan, and how.

:func:`discover_organization` reads, with the scanning identity's own credentials,
Organizations ``DescribeOrganization``, ``ListAccounts`` (every page) and
``ListDelegatedAdministrators`` for CloudTrail, and returns an :class:`OrgPlan`: the
management account, the delegated administrators, the accounts to scan (management first,
then by id) and the accounts skipped with the reason.

The account list is the one thing ``--org`` cannot do without: when it cannot be read,
:class:`OrganizationListError` says which permission and which account are needed. Every
other failed call is kept as a :class:`~aiposture.snapshot.models.CallError` in the plan,
and what it would have read is ``None`` ("not read"), never an empty list.

:func:`assume_member` assumes ``--role-name`` in a member account with an optional
``--external-id`` and a role session name that identifies aiposture and its version. It
sends ``sts:AssumeRole`` on the factory's dedicated, guarded credentials client, exactly
like :meth:`~aiposture.collect.session.SessionFactory.assume` (which takes neither an
external id nor a session name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import boto3

from aiposture import __version__, ids
from aiposture.collect.account import Progress
from aiposture.collect.organizations import describe_organization
from aiposture.collect.recorder import (
    record_call,
)
from aiposture.collect.session import SessionFactory, arn_account
from aiposture.errors import CollectionError, ConfigError
from aiposture.snapshot.models import CallError, OrganizationInfo

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
"""The ``--role-name`` default: the role Organizations creates in the accounts it creates."""

CLOUDTRAIL_PRINCIPAL = "cloudtrail.amazonaws.com"
"""The service principal whose delegated administrators may own organization trails."""

DELEGATED_SERVICES = (CLOUDTRAIL_PRINCIPAL,)
"""The service principals whose delegated administrators :func:`discover_organization` reads."""

ACTIVE = "ACTIVE"
"""The only account state that is scanned."""

ORG_PERMISSIONS = (
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListDelegatedAdministrators",
)
"""The permissions the scanning identity needs for ``--org``."""

ACCOUNT_ID_RE = ids.ACCOUNT_ID_RE  # one shape for every account id
"""A 12-digit AWS account id."""

ROLE_NAME_RE = re.compile(r"^(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")
"""An IAM role name, optionally with a path (``path/to/RoleName``)."""

EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
"""The characters and length STS accepts for ``ExternalId``."""

_SESSION_NAME_BAD_CHARS = re.compile(r"[^\w+=,.@-]")


def role_session_name(version: str = __version__) -> str:
    """Return the ``RoleSessionName`` of ``--org`` scans: ``aiposture-<version>``.

    Characters STS refuses are replaced by ``-`` and the name is cut to 64 characters,
    so it always shows in the member account's CloudTrail as aiposture.
    """
    return _SESSION_NAME_BAD_CHARS.sub("-", f"aiposture-{version}")[:64]


ORG_ROLE_SESSION_NAME = role_session_name()
"""The session name of every role :func:`assume_member` assumes."""


@dataclass(frozen=True)
class OrgAccount:
    """One account of the organization, as ``ListAccounts`` returned it."""

    account_id: str
    name: str | None = None
    email: str | None = None
    state: str = ACTIVE
    arn: str | None = None


@dataclass(frozen=True)
class SkippedAccount:
    """An account of the organization that the plan does not scan, and why."""

    account: OrgAccount
    reason: str


@dataclass(frozen=True)
class DelegatedAdministrator:
    """An account registered as delegated administrator for one service principal."""

    account_id: str
    service_principal: str
    name: str | None = None
    state: str | None = None


@dataclass
class OrgPlan:
    """What an organization scan covers.

    ``accounts`` are scanned in order (the management account first, then by id).
    ``delegated_administrators`` is ``None`` when it could not be read (see ``errors``),
    ``organization`` likewise. ``errors`` holds every failed Organizations call.
    """

    management_account_id: str
    organization: OrganizationInfo | None
    delegated_administrators: list[DelegatedAdministrator] | None
    accounts: list[OrgAccount]
    skipped: list[SkippedAccount] = field(default_factory=list)
    errors: list[CallError] = field(default_factory=list)

    @property
    def account_ids(self) -> list[str]:
        """Return the ids of the accounts to scan, in scan order."""
        return [a.account_id for a in self.accounts]

    def delegated_administrator_ids(
        self, service_principal: str = CLOUDTRAIL_PRINCIPAL
    ) -> list[str]:
        """Return the accounts delegated for ``service_principal`` (empty when not read)."""
        return sorted(
            {
                d.account_id
                for d in self.delegated_administrators or ()
                if d.service_principal == service_principal
            }
        )


class OrganizationListError(CollectionError):
    """``--org`` cannot run: the organization's accounts could not be listed."""

    def __init__(self, message: str, errors: Sequence[CallError]) -> None:
        super().__init__(message)
        self.errors = list(errors)


def member_role_arn(partition: str, account_id: str, role_name: str = DEFAULT_ROLE_NAME) -> str:
    """Return the ARN of ``role_name`` in ``account_id`` in ``partition``.

    ``role_name`` may carry a path (``path/Name``). Raises :class:`ConfigError` for an
    account id that is not 12 digits or a role name IAM would refuse.
    """
    if not ACCOUNT_ID_RE.fullmatch(account_id):
        raise ConfigError(f"'{account_id}' is not a 12-digit AWS account id")
    name = role_name.strip("/")
    if not ROLE_NAME_RE.fullmatch(name):
        raise ConfigError(f"'{role_name}' is not a valid IAM role name for --role-name")
    return f"arn:{partition}:iam::{account_id}:role/{name}"


def validate_external_id(external_id: str) -> None:
    """Raise :class:`ConfigError` when STS would refuse ``external_id`` (2-1224 chars)."""
    if not EXTERNAL_ID_RE.fullmatch(external_id):
        raise ConfigError(
            "--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/-"
        )


def assume_member(
    factory: SessionFactory,
    role_arn: str,
    *,
    external_id: str | None = None,
    session_name: str = ORG_ROLE_SESSION_NAME,
) -> boto3.Session:
    """Assume ``role_arn`` with ``external_id`` and ``session_name``; return its session.

    :meth:`SessionFactory.assume` sends it on its dedicated STS client, guarded with
    exactly :data:`~aiposture.collect.guard.CREDENTIAL_OPERATIONS`; the session it returns
    gets read-only clients from ``factory.client`` like any other. Raises
    :class:`AssumeRoleError` (carrying the :class:`CallError`) when the role cannot be
    assumed and :class:`CredentialsError` when the base credentials are unusable.
    """
    if external_id is not None:
        validate_external_id(external_id)
    return factory.assume(role_arn, external_id=external_id, session_name=session_name)


def _list_accounts(client: Any) -> list[OrgAccount]:
    """Read every page of ListAccounts (raises on any failure: a partial list is no list)."""
    found: list[OrgAccount] = []
    pages = client.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 20})
    for page in pages:
        for item in page["Accounts"]:  # checked present (aiposture.collect.responses)
            found.append(
                OrgAccount(
                    account_id=str(item["Id"]),
                    name=item.get("Name"),
                    email=item.get("Email"),
                    # ``State`` replaces the deprecated ``Status`` (and adds CLOSED).
                    state=str(item.get("State") or item.get("Status") or "UNKNOWN"),
                    arn=item.get("Arn"),
                )
            )
    return found


def _list_delegated(client: Any, principal: str) -> list[DelegatedAdministrator]:
    found: list[DelegatedAdministrator] = []
    paginator = client.get_paginator("list_delegated_administrators")
    for page in paginator.paginate(ServicePrincipal=principal):
        for item in page.get("DelegatedAdministrators", []):
            found.append(
                DelegatedAdministrator(
                    account_id=str(item["Id"]),
                    service_principal=principal,
                    name=item.get("Name"),
                    state=item.get("State") or item.get("Status"),
                )
            )
    return found


def _list_failure_message(error: CallError, management: str | None) -> str:
    if error.error_code == "AWSOrganizationsNotInUseException":
        return (
            "--org needs an AWS Organization, but the scanning account is not in one "
            f"({error.error_code}); scan accounts with --assume-role instead"
        )
    where = f"the management account {management}" if management else "the management account"
    return (
        f"--org cannot list the organization's accounts: organizations:{error.operation} "
        f"failed ({error.error_code}: {error.message}). Run the scan with credentials in "
        f"{where} or in a delegated administrator account for AWS Organizations, allowed "
        f"{', '.join(ORG_PERMISSIONS)}"
    )


def _management_from_arns(found: Iterable[OrgAccount]) -> str | None:
    """An account ARN is ``arn:aws:organizations::<management>:account/o-.../<id>``."""
    for account in found:
        owner = arn_account(account.arn or "")
        if owner:
            return owner
    return None


def _check_ids(ids: Iterable[str], option: str) -> list[str]:
    cleaned = [i.strip() for i in ids if i.strip()]
    bad = [i for i in cleaned if not ACCOUNT_ID_RE.fullmatch(i)]
    if bad:
        raise ConfigError(f"{option}: not 12-digit account ids: {', '.join(bad)}")
    return cleaned


def discover_organization(
    factory: SessionFactory,
    session: boto3.Session,
    partition: str,
    *,
    accounts: Sequence[str] | None = None,
    exclude_accounts: Sequence[str] = (),
    say: Progress | None = None,
) -> OrgPlan:
    """Read the organization with ``session`` (the scanning identity) and plan the scan.

    Only ACTIVE accounts are scanned; the others are skipped with their state. ``accounts``
    keeps only those ids (an id not in the organization is a :class:`ConfigError` naming
    it); ``exclude_accounts`` removes ids. Raises :class:`OrganizationListError` when the
    accounts cannot be listed (for example AccessDenied outside the management account).
    """
    wanted = _check_ids(accounts, "--accounts") if accounts is not None else None
    excluded = set(_check_ids(exclude_accounts, "--exclude-accounts"))
    region = factory.default_region(partition)
    client = factory.client(session, "organizations", region)
    errors: list[CallError] = []

    def read(fn: Any, operation: str, resource: str | None = None) -> Any:
        return record_call(
            errors,
            fn,
            service="organizations",
            operation=operation,
            region=region,
            account_id=None,
            resource=resource,
        )

    if say:
        say("organization: DescribeOrganization, ListAccounts")
    organization = read(lambda: describe_organization(client), "DescribeOrganization")
    if organization is None and not errors:
        raise OrganizationListError(
            "--org needs an AWS Organization, but the scanning account is not in one; "
            "scan accounts with --assume-role instead",
            errors,
        )
    listed: list[OrgAccount] | None = read(lambda: _list_accounts(client), "ListAccounts")
    management = organization.master_account_id if organization else None
    if listed is None:
        raise OrganizationListError(_list_failure_message(errors[-1], management), errors)
    management = management or _management_from_arns(listed)
    if management is None:
        raise OrganizationListError(
            "--org cannot tell the management account: DescribeOrganization failed and "
            "ListAccounts returned no account ARN",
            errors,
        )

    if all(a.account_id != management for a in listed):
        raise OrganizationListError(
            f"--org got an incomplete account list: ListAccounts returned {len(listed)} "
            f"accounts but not the management account {management}, which every "
            "organization lists; run the scan again",
            errors,
        )

    delegated: list[DelegatedAdministrator] | None = []
    for principal in DELEGATED_SERVICES:
        got = read(
            partial(_list_delegated, client, principal),
            "ListDelegatedAdministrators",
            resource=principal,
        )
        if got is None:
            delegated = None
        elif delegated is not None:
            delegated.extend(got)

    by_id = {a.account_id: a for a in listed}
    if wanted is not None:
        unknown = [i for i in wanted if i not in by_id]
        if unknown:
            raise ConfigError(
                f"--accounts: not in the organization (management account {management}): "
                f"{', '.join(unknown)}"
            )
    unknown_excluded = sorted(excluded - by_id.keys())
    if unknown_excluded and say:
        say(f"--exclude-accounts: not in the organization, ignored: {', '.join(unknown_excluded)}")

    scan: list[OrgAccount] = []
    skipped: list[SkippedAccount] = []
    for account in sorted(listed, key=lambda a: (a.account_id != management, a.account_id)):
        if account.account_id in excluded:
            skipped.append(SkippedAccount(account, "excluded by --exclude-accounts"))
        elif wanted is not None and account.account_id not in wanted:
            skipped.append(SkippedAccount(account, "not listed in --accounts"))
        elif account.state != ACTIVE:
            skipped.append(SkippedAccount(account, f"account state is {account.state}"))
        else:
            scan.append(account)
    if say:
        say(
            f"organization: {len(scan)} accounts to scan, {len(skipped)} skipped, "
            f"management account {management}"
        )
    return OrgPlan(
        management_account_id=management,
        organization=organization,
        delegated_administrators=delegated,
        accounts=scan,
        skipped=skipped,
        errors=errors,
    )
