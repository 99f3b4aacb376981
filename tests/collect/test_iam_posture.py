"""The AI access reads against moto: IAM once per account, VPC endpoints and the log bucket per region."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import PaginationError
from botocore.stub import Stubber
from moto import mock_aws

from aiposture.collect import iam_posture, network_access
from aiposture.collect.guard import COLLECTOR_OPERATIONS, install_read_only_guard
from aiposture.collect.iam_posture import read_account_iam
from aiposture.collect.network_access import read_region_network
from aiposture.collect.responses import MalformedResponse
from aiposture.demo import moto_ext
from aiposture.snapshot.models import (
    AccountSnapshot,
    InventoryItem,
    InvocationLogging,
    RegionSnapshot,
)
from tests.conftest import error_response

REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
FULL = "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"


@pytest.fixture
def aws() -> Iterator[str]:
    """moto with aiposture's patches; yields moto's default account id."""
    moto_ext.install()
    with mock_aws():
        yield str(boto3.client("sts", region_name=REGION, **KEYS).get_caller_identity()["Account"])


def _client(service: str, region: str = REGION) -> Any:
    return boto3.client(service, region_name=region, **KEYS)


def _guarded(observe: Any = None) -> Any:
    cache: dict[tuple[str, str], Any] = {}

    def clients(service: str, region: str) -> Any:
        if (service, region) not in cache:
            client = install_read_only_guard(_client(service, region), COLLECTOR_OPERATIONS)
            if observe is not None:
                observe(client)
            cache[(service, region)] = client
        return cache[(service, region)]

    return clients


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _agent_account(account_id: str, role_arn: str) -> AccountSnapshot:
    agent = InventoryItem(
        arn=f"arn:aws:bedrock:{REGION}:{account_id}:agent/AGENT00001",
        id="AGENT00001",
        details={"agent": {"agentResourceRoleArn": role_arn}},
    )
    reg = RegionSnapshot(region=REGION, inventory={"bedrock-agent:agent": [agent]})
    return AccountSnapshot(account_id=account_id, scanned_regions=[REGION], regions={REGION: reg})


def _seed(account_id: str) -> str:
    iam = _client("iam")
    iam.create_user(UserName="dev")
    iam.attach_user_policy(UserName="dev", PolicyArn=FULL)
    iam.create_group(GroupName="ops")
    iam.add_user_to_group(UserName="dev", GroupName="ops")
    iam.put_group_policy(
        GroupName="ops",
        PolicyName="all",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )
    iam.create_service_specific_credential(UserName="dev", ServiceName="bedrock.amazonaws.com")
    iam.create_service_specific_credential(
        UserName="dev", ServiceName="bedrock.amazonaws.com", CredentialAgeDays=7
    )
    iam.create_policy(
        PolicyName="Boundary",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "bedrock:Invoke*", "Resource": "*"}),
    )
    role = iam.create_role(
        RoleName="AgentRole",
        AssumeRolePolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Principal": {"Service": "bedrock.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ),
        PermissionsBoundary=f"arn:aws:iam::{account_id}:policy/Boundary",
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="AgentRole",
        PolicyName="invoke",
        PolicyDocument=_doc(
            {"Sid": "Invoke", "Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}
        ),
    )
    return str(role)


def test_keys_holders_roles_and_attachments_are_read(aws: str) -> None:
    role = _seed(aws)
    acct = _agent_account(aws, role)
    read_account_iam(_guarded(), acct)
    iam = acct.iam
    assert iam is not None and acct.errors == []
    keys = iam.bedrock_api_keys or []
    assert [(k.user_name, k.status, k.expiration_date is None) for k in keys] == [
        ("dev", "Active", True),  # never expires: no ExpirationDate
        ("dev", "Active", False),
    ]
    user = iam.users["dev"]
    assert [a.arn for a in user.attached or []] == [FULL] and user.groups == ["ops"]
    assert iam.groups["ops"].inline == {
        "all": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
    }
    document = iam.policies[FULL].document or {}
    assert any("bedrock:*" in str(s.get("Action")) for s in document.get("Statement", []))
    agent_role = iam.roles[role]
    assert agent_role.role_read
    assert (
        (agent_role.permissions_boundary or {})
        .get("PermissionsBoundaryArn", "")
        .endswith(":policy/Boundary")
    )
    assert list(agent_role.inline or {}) == ["invoke"]
    assert iam.policy_entities[FULL].users == ["dev"]
    assert iam.policy_entities["arn:aws:iam::aws:policy/BedrockAgentCoreFullAccess"].users == []


def test_the_key_listing_pages(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(aws)
    monkeypatch.setattr(iam_posture, "PAGE", 1)
    acct = AccountSnapshot(account_id=aws, scanned_regions=[REGION])
    read_account_iam(_guarded(), acct)
    assert acct.iam is not None and len(acct.iam.bedrock_api_keys or []) == 2


def test_a_denied_key_listing_is_unknown_not_none(aws: str) -> None:
    _seed(aws)

    def observe(client: Any) -> None:
        client.meta.events.register(
            "before-call.iam.ListServiceSpecificCredentials",
            error_response("AccessDenied", "no keys for you", 403),
        )

    acct = AccountSnapshot(account_id=aws, scanned_regions=[REGION])
    read_account_iam(_guarded(observe), acct)
    assert acct.iam is not None and acct.iam.bedrock_api_keys is None
    [error] = acct.errors
    assert (error.service, error.operation, error.error_code) == (
        "iam",
        "ListServiceSpecificCredentials",
        "AccessDenied",
    )


def test_a_missing_role_is_recorded_against_it(aws: str) -> None:
    arn = f"arn:aws:iam::{aws}:role/Gone"
    acct = _agent_account(aws, arn)
    read_account_iam(_guarded(), acct)
    assert acct.iam is not None and not acct.iam.roles[arn].role_read
    assert ("GetRole", arn, "NoSuchEntity") in [
        (e.operation, e.resource, e.error_code) for e in acct.errors
    ]


def test_a_role_of_another_account_is_not_read(aws: str) -> None:
    acct = _agent_account(aws, "arn:aws:iam::999988887777:role/Elsewhere")
    read_account_iam(_guarded(), acct)
    assert acct.iam is not None and acct.iam.roles == {}


def test_vpc_endpoints_and_the_invocation_bucket(aws: str) -> None:
    ec2 = _client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for suffix in ("bedrock-runtime", "s3"):
        ec2.create_vpc_endpoint(
            VpcId=vpc, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{REGION}.{suffix}"
        )
    _client("s3").create_bucket(Bucket="invocation-logs-demo")
    reg = RegionSnapshot(
        region=REGION,
        invocation_logging=InvocationLogging(
            config={"s3Config": {"bucketName": "invocation-logs-demo"}}
        ),
    )
    read_region_network(_guarded(), reg, aws)
    assert reg.errors == []
    found = reg.vpc_endpoints
    assert found is not None and [v["VpcId"] for v in found.vpcs or []] == [vpc]
    # only the Bedrock and AgentCore service names are asked for
    assert [e["ServiceName"] for e in found.endpoints or []] == [
        f"com.amazonaws.{REGION}.bedrock-runtime"
    ]
    enc = reg.invocation_bucket_encryption
    assert enc is not None and enc.rules == [] and not enc.kms  # no default encryption
    _client("s3").put_bucket_encryption(
        Bucket="invocation-logs-demo",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    read_region_network(_guarded(), reg, aws)
    assert reg.invocation_bucket_encryption is not None and reg.invocation_bucket_encryption.kms


def test_a_bucket_of_another_account_is_an_error(aws: str) -> None:
    _client("s3").create_bucket(Bucket="central-invocation-logs")

    def observe(client: Any) -> None:
        client.meta.events.register(
            "before-call.s3.GetBucketEncryption",
            error_response("AccessDenied", "Access Denied", 403),
        )

    reg = RegionSnapshot(
        region=REGION,
        invocation_logging=InvocationLogging(
            config={"s3Config": {"bucketName": "central-invocation-logs"}}
        ),
    )
    read_region_network(_guarded(observe), reg, aws)
    assert reg.invocation_bucket_encryption is None
    [error] = reg.errors
    assert (error.operation, error.resource, error.error_code) == (
        "GetBucketEncryption",
        "central-invocation-logs",
        "AccessDenied",
    )


def _stubbed(service: str) -> Any:
    client = boto3.client(
        service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    return client, Stubber(client)


def test_a_listing_whose_marker_comes_back_is_refused_not_walked_forever() -> None:
    iam, stub = _stubbed("iam")
    page = {"ServiceSpecificCredentials": [], "IsTruncated": True, "Marker": "m1"}
    stub.add_response("list_service_specific_credentials", page)
    stub.add_response("list_service_specific_credentials", page)
    acct = AccountSnapshot(account_id="111122223333")
    reader = iam_posture._Reader(lambda service, region: iam, acct, "aws")  # type: ignore[arg-type]
    with stub, pytest.raises(MalformedResponse, match="the same Marker came back twice"):
        reader.pages("list_service_specific_credentials", "ServiceSpecificCredentials")


def test_a_vpc_listing_whose_token_comes_back_is_refused() -> None:
    ec2, stub = _stubbed("ec2")
    stub.add_response("describe_vpcs", {"Vpcs": [], "NextToken": "t1"})
    stub.add_response("describe_vpcs", {"Vpcs": [], "NextToken": "t1"})
    with stub, pytest.raises(PaginationError, match="same next token"):
        network_access._pages(ec2, "describe_vpcs", "Vpcs")
