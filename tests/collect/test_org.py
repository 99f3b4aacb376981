"""Organization discovery and member role assumption against an in-process moto organization."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from aiposture import __version__
from aiposture.collect import org as org_mod
from aiposture.collect.org import (
    CLOUDTRAIL_PRINCIPAL,
    DEFAULT_ROLE_NAME,
    OrganizationListError,
    assume_member,
    discover_organization,
    member_role_arn,
    role_session_name,
)
from aiposture.collect.session import AssumeRoleError, SessionFactory
from aiposture.errors import ConfigError, ReadOnlyViolation
from tests.collect.helpers import OperationRecorder, on_calls

pytestmark = pytest.mark.integration

MANAGEMENT = "123456789012"  # moto's default account: the one that creates the organization
REGION = "us-east-1"
Observer = Callable[[Any], None]


@dataclass(frozen=True)
class MotoOrg:
    """The seeded organization: the member ids (in creation order) and the suspended one."""

    members: list[str]
    suspended: str
    delegated: str


@pytest.fixture(scope="module")
def moto_org() -> Iterator[MotoOrg]:
    from moto import mock_aws
    from moto.organizations import models as org_models

    with pytest.MonkeyPatch.context() as mp:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            mp.delenv(name, raising=False)
        mp.setenv("AWS_CONFIG_FILE", os.devnull)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        # moto does not list CloudTrail among the services that take a delegated administrator.
        delegated_cls = org_models.FakeDelegatedAdministrator
        access_cls = org_models.FakeServiceAccess
        mp.setattr(
            delegated_cls,
            "SUPPORTED_SERVICES",
            [*delegated_cls.SUPPORTED_SERVICES, CLOUDTRAIL_PRINCIPAL],
        )
        if CLOUDTRAIL_PRINCIPAL not in access_cls.TRUSTED_SERVICES:
            mp.setattr(
                access_cls,
                "TRUSTED_SERVICES",
                [*access_cls.TRUSTED_SERVICES, CLOUDTRAIL_PRINCIPAL],
            )
        with mock_aws():
            client = boto3.client("organizations", region_name=REGION)
            client.create_organization(FeatureSet="ALL")
            members = [
                client.create_account(AccountName=f"member-{i}", Email=f"m{i}@example.com")[
                    "CreateAccountStatus"
                ]["AccountId"]
                for i in range(5)
            ]
            client.close_account(AccountId=members[3])
            client.enable_aws_service_access(ServicePrincipal=CLOUDTRAIL_PRINCIPAL)
            client.register_delegated_administrator(
                AccountId=members[1], ServicePrincipal=CLOUDTRAIL_PRINCIPAL
            )
            yield MotoOrg(members=members, suspended=members[3], delegated=members[1])


def factory(on_client: Observer | None = None) -> SessionFactory:
    return SessionFactory(session=boto3.Session(region_name=REGION), on_client=on_client)


def discover(f: SessionFactory | None = None, **kwargs: Any) -> org_mod.OrgPlan:
    f = f or factory()
    return discover_organization(f, f.base_session(), "aws", **kwargs)


# --- discovery -------------------------------------------------------------------------


def test_plan_lists_active_accounts_management_first(moto_org: MotoOrg) -> None:
    lines: list[str] = []
    plan = discover(say=lines.append)
    active = sorted(a for a in moto_org.members if a != moto_org.suspended)
    assert plan.management_account_id == MANAGEMENT
    assert plan.account_ids == [MANAGEMENT, *active]
    assert plan.organization is not None and plan.organization.master_account_id == MANAGEMENT
    assert [(s.account.account_id, s.reason) for s in plan.skipped] == [
        (moto_org.suspended, "account state is SUSPENDED")
    ]
    assert plan.errors == []
    assert plan.accounts[1].name is not None and plan.accounts[1].name.startswith("member-")
    assert any("5 accounts to scan, 1 skipped" in line for line in lines)


def test_delegated_administrator_for_cloudtrail(moto_org: MotoOrg) -> None:
    plan = discover()
    assert plan.delegated_administrator_ids() == [moto_org.delegated]
    assert plan.delegated_administrators is not None
    [admin] = plan.delegated_administrators
    assert admin.service_principal == CLOUDTRAIL_PRINCIPAL
    assert admin.name == "member-1"


def test_list_accounts_is_paginated(moto_org: MotoOrg) -> None:
    pages: list[int] = []

    def small_pages(params: Any, **_: Any) -> None:
        params["MaxResults"] = 2

    def count(**_: Any) -> None:
        pages.append(1)

    def observe(client: Any) -> None:
        if client.meta.service_model.service_name == "organizations":
            client.meta.events.register(
                "provide-client-params.organizations.ListAccounts", small_pages
            )
            client.meta.events.register("before-call.organizations.ListAccounts", count)

    plan = discover(factory(observe))
    assert len(pages) == 3  # 6 accounts, 2 per page
    assert len(plan.accounts) + len(plan.skipped) == 6


def test_accounts_filter_keeps_order_and_skips_the_rest(moto_org: MotoOrg) -> None:
    a, b = sorted(moto_org.members[:3])[:2]
    plan = discover(accounts=[b, a, MANAGEMENT])
    assert plan.account_ids == [MANAGEMENT, a, b]
    reasons = {s.account.account_id: s.reason for s in plan.skipped}
    assert reasons[moto_org.suspended] == "not listed in --accounts"
    assert len(reasons) == 3


def test_accounts_filter_on_a_suspended_account_skips_it(moto_org: MotoOrg) -> None:
    plan = discover(accounts=[moto_org.suspended])
    assert plan.accounts == []
    reasons = {s.account.account_id: s.reason for s in plan.skipped}
    assert reasons[moto_org.suspended] == "account state is SUSPENDED"


def test_exclude_accounts(moto_org: MotoOrg) -> None:
    lines: list[str] = []
    plan = discover(
        exclude_accounts=[MANAGEMENT, moto_org.members[0], "999999999999"], say=lines.append
    )
    assert MANAGEMENT not in plan.account_ids
    assert moto_org.members[0] not in plan.account_ids
    assert plan.account_ids == sorted(plan.account_ids)
    reasons = {s.account.account_id: s.reason for s in plan.skipped}
    assert reasons[MANAGEMENT] == "excluded by --exclude-accounts"
    assert any("999999999999" in line and "ignored" in line for line in lines)


def test_unknown_accounts_are_named(moto_org: MotoOrg) -> None:
    with pytest.raises(ConfigError, match="999999999999, 888888888888") as info:
        discover(accounts=[moto_org.members[0], "999999999999", "888888888888"])
    assert MANAGEMENT in str(info.value)
    with pytest.raises(ConfigError, match="not 12-digit account ids: 12ab"):
        discover(accounts=["12ab"])


# --- failures --------------------------------------------------------------------------


def test_access_denied_on_list_accounts_is_a_readable_collection_error(
    moto_org: MotoOrg, deny: Callable[..., Any]
) -> None:
    f = factory(on_calls("organizations", "ListAccounts", deny("AccessDeniedException")))
    with pytest.raises(OrganizationListError) as info:
        discover(f)
    message = str(info.value)
    assert "organizations:ListAccounts failed (AccessDeniedException" in message
    assert f"management account {MANAGEMENT}" in message
    assert "delegated administrator account for AWS Organizations" in message
    assert info.value.exit_code == 3
    assert [e.operation for e in info.value.errors] == ["ListAccounts"]


def test_not_in_an_organization(moto_org: MotoOrg, deny: Callable[..., Any]) -> None:
    handler = deny("AWSOrganizationsNotInUseException", "not in an organization", 400)
    f = factory(on_calls("organizations", "DescribeOrganization", handler))
    with pytest.raises(OrganizationListError, match="not in one"):
        discover(f)


def test_describe_denied_falls_back_to_the_account_arns(
    moto_org: MotoOrg, deny: Callable[..., Any]
) -> None:
    f = factory(on_calls("organizations", "DescribeOrganization", deny()))
    plan = discover(f)
    assert plan.organization is None
    assert plan.management_account_id == MANAGEMENT
    assert plan.account_ids[0] == MANAGEMENT
    assert [(e.operation, e.error_code) for e in plan.errors] == [
        ("DescribeOrganization", "AccessDenied")
    ]


def test_delegated_administrators_denied_is_not_read_not_empty(
    moto_org: MotoOrg, deny: Callable[..., Any]
) -> None:
    f = factory(on_calls("organizations", "ListDelegatedAdministrators", deny()))
    plan = discover(f)
    assert plan.delegated_administrators is None
    assert plan.delegated_administrator_ids() == []
    [error] = plan.errors
    assert (error.operation, error.resource) == (
        "ListDelegatedAdministrators",
        CLOUDTRAIL_PRINCIPAL,
    )
    assert len(plan.accounts) == 5


def test_discovery_client_is_read_only(moto_org: MotoOrg) -> None:
    f = factory()
    client = f.client(f.base_session(), "organizations", REGION)
    with pytest.raises(ReadOnlyViolation):
        client.create_account(AccountName="x", Email="x@example.com")


# --- roles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partition", "expected"),
    [
        ("aws", "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"),
        ("aws-cn", "arn:aws-cn:iam::111122223333:role/OrganizationAccountAccessRole"),
        ("aws-us-gov", "arn:aws-us-gov:iam::111122223333:role/OrganizationAccountAccessRole"),
    ],
)
def test_member_role_arn_partitions(partition: str, expected: str) -> None:
    assert member_role_arn(partition, "111122223333") == expected


def test_member_role_arn_names_and_paths() -> None:
    assert member_role_arn("aws", "111122223333", "/audit/Scanner") == (
        "arn:aws:iam::111122223333:role/audit/Scanner"
    )
    with pytest.raises(ConfigError, match="account id"):
        member_role_arn("aws", "1111", DEFAULT_ROLE_NAME)
    with pytest.raises(ConfigError, match="role name"):
        member_role_arn("aws", "111122223333", "bad name!")


def test_role_session_name_identifies_aiposture() -> None:
    assert role_session_name("1.2.3") == "aiposture-1.2.3"
    assert role_session_name("1.0 beta/2") == "aiposture-1.0-beta-2"
    assert len(role_session_name("9" * 100)) == 64


def test_assume_member_with_external_id(moto_org: MotoOrg) -> None:
    sent: list[dict[str, Any]] = []

    def record(params: Any, **_: Any) -> None:
        sent.append(dict(params))

    def observe(client: Any) -> None:
        if client.meta.service_model.service_name == "sts":
            client.meta.events.register("provide-client-params.sts.AssumeRole", record)

    f = factory(observe)
    member = moto_org.members[0]
    arn = member_role_arn("aws", member)
    session = assume_member(f, arn, external_id="org-scan-42")
    identity = f.client(session, "sts", REGION).get_caller_identity()
    assert identity["Account"] == member
    assert identity["Arn"].endswith(f"assumed-role/{DEFAULT_ROLE_NAME}/{role_session_name()}")
    assert sent == [
        {
            "RoleArn": arn,
            "RoleSessionName": role_session_name(__version__),
            "ExternalId": "org-scan-42",
        }
    ]
    # the member session's clients are the ordinary read-only ones
    with pytest.raises(ReadOnlyViolation):
        f.client(session, "sts", REGION).assume_role(RoleArn=arn, RoleSessionName="x")


def test_assume_member_denied_carries_the_call_error(
    moto_org: MotoOrg, deny: Callable[..., Any]
) -> None:
    f = factory(on_calls("sts", "AssumeRole", deny()))
    arn = member_role_arn("aws", moto_org.members[2])
    with pytest.raises(AssumeRoleError) as info:
        assume_member(f, arn)
    error = info.value.call_error
    assert (error.service, error.operation, error.error_code) == (
        "sts",
        "AssumeRole",
        "AccessDenied",
    )
    assert (error.account_id, error.resource) == (moto_org.members[2], arn)


def test_external_id_is_validated(moto_org: MotoOrg) -> None:
    with pytest.raises(ConfigError, match="--external-id"):
        assume_member(factory(), member_role_arn("aws", moto_org.members[0]), external_id="x")


def test_discovery_sends_exactly_the_organization_reads(moto_org: MotoOrg) -> None:
    from aiposture.collect.guard import ORG_DISCOVERY_OPERATIONS

    recorder = OperationRecorder()
    discover(factory(on_client=recorder))
    assert recorder.sent == {*ORG_DISCOVERY_OPERATIONS, ("organizations", "DescribeOrganization")}


# --- answers that are not what they claim ------------------------------------------------


class _Raw:
    """The raw body botocore reads from an answer."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def _answer_page(number: int, body: bytes) -> Observer:
    """Answer the ``number``-th ListAccounts request (1-based) with ``body`` (status 200)."""
    from botocore.awsrequest import AWSResponse

    seen: list[int] = []

    def before_send(request: Any, **_: Any) -> AWSResponse | None:
        seen.append(1)
        if len(seen) != number:
            return None
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, 200, headers, _Raw(body))

    def small_pages(params: Any, **_: Any) -> None:
        params["MaxResults"] = 2

    def observe(client: Any) -> None:
        if client.meta.service_model.service_name == "organizations":
            events = client.meta.events
            events.register("provide-client-params.organizations.ListAccounts", small_pages)
            events.register_first("before-send.organizations.ListAccounts", before_send)

    return observe


def test_a_truncated_second_page_of_accounts_stops_the_scan_instead_of_dropping_accounts(
    moto_org: MotoOrg,
) -> None:
    cut = b'{"Accounts": [{"Id": "210987654321", "Arn": "arn:aws:organizations::1'
    with pytest.raises(OrganizationListError) as info:
        discover(factory(_answer_page(2, cut)))
    message = str(info.value)
    assert "malformed response to organizations:ListAccounts" in message
    assert "not JSON" in message and "\n" not in message


def test_a_page_without_its_accounts_list_stops_the_scan(moto_org: MotoOrg) -> None:
    with pytest.raises(OrganizationListError) as info:
        discover(factory(_answer_page(1, b'{"NextToken": null}')))
    assert "lacks Accounts" in str(info.value)


def test_an_account_list_without_the_management_account_is_incomplete(
    moto_org: MotoOrg,
) -> None:
    page = (
        b'{"Accounts": [{"Id": "210987654321", "State": "ACTIVE", "Arn": '
        b'"arn:aws:organizations::123456789012:account/o-exampleorgid/210987654321"}]}'
    )
    with pytest.raises(OrganizationListError) as info:
        discover(factory(_answer_page(1, page)))
    assert f"not the management account {MANAGEMENT}" in str(info.value)


def test_a_scan_with_no_account_left_to_read_stops_with_one_line(moto_org: MotoOrg) -> None:
    from aiposture.collect.scan import CollectOptions, collect
    from aiposture.errors import CollectionError

    everyone = [MANAGEMENT, *moto_org.members]
    options = CollectOptions(org=True, regions=[REGION], exclude_accounts=everyone)
    with pytest.raises(CollectionError) as info:
        collect(factory(), options)
    assert str(info.value) == "the scan plan has no account to read; nothing was scanned"
