"""Partitions and regions: every request stays in the configured region's partition, and a
service botocore's endpoint data does not offer in a region is not called there.

The scans run the real :func:`~aiposture.collect.scan.collect` against moto in-process; each
client created by the scan gets a ``before-send`` handler that records the request's URL
and the signing region of its SigV4 ``Authorization`` header.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest
from moto import mock_aws

from aiposture.api import evaluate_snapshot
from aiposture.collect.budget import minimum_calls
from aiposture.collect.partitions import global_region, partition_regions, service_offered
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.config import Config
from aiposture.demo import moto_ext
from aiposture.engine.catalog import load_catalog
from aiposture.results import Status
from aiposture.snapshot.io import envelope, load_snapshot
from aiposture.snapshot.models import Snapshot
from tests import builders
from tests.collect.helpers import all_observers, on_calls

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
MEMBER = "222233334444"
SCOPE_RE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")

DNS_SUFFIX = {"aws-us-gov": ".amazonaws.com", "aws-cn": ".amazonaws.com.cn"}
"""botocore ``endpoints.json`` ``dnsSuffix`` of the partitions under test."""


@dataclass
class SentRequest:
    """One request as botocore sent it."""

    service: str
    operation: str
    url: str
    signing_region: str | None


@dataclass
class RequestLog:
    """An ``on_client`` observer that records every request any scan client sends."""

    sent: list[SentRequest] = field(default_factory=list)

    def __call__(self, client: Any) -> None:
        service = client.meta.service_model.service_name

        def before_send(request: AWSPreparedRequest, event_name: str, **_: Any) -> None:
            auth = request.headers.get("Authorization") or b""
            text = auth.decode() if isinstance(auth, bytes) else str(auth)
            scope = SCOPE_RE.search(text)
            self.sent.append(
                SentRequest(
                    service=service,
                    operation=event_name.rsplit(".", 1)[1],
                    url=request.url,
                    signing_region=scope.group(1) if scope else None,
                )
            )

        client.meta.events.register("before-send", before_send)

    def operations(self) -> set[tuple[str, str]]:
        """The (service, operation) pairs sent."""
        return {(r.service, r.operation) for r in self.sent}


@pytest.fixture
def aws() -> Iterator[None]:
    """moto in-process with aiposture's patches, and no AWS settings from the environment."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_REGION"):
            mp.delenv(name, raising=False)
        with mock_aws():
            moto_ext.install()
            yield


def _session(region: str) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key="secret", region_name=region
    )


def _seed_trail(region: str, partition: str) -> None:
    """A multi-region trail delivering to a CloudWatch Logs group, homed in ``region``."""
    session = _session(region)
    bucket = "trail-bucket-partition-test"
    where = {} if region == "us-east-1" else {"LocationConstraint": region}
    session.client("s3", region_name=region).create_bucket(
        Bucket=bucket, **({"CreateBucketConfiguration": where} if where else {})
    )
    logs = session.client("logs", region_name=region)
    logs.create_log_group(logGroupName="ct-logs")
    group_arn = logs.describe_log_groups(logGroupNamePrefix="ct-logs")["logGroups"][0]["arn"]
    ct = session.client("cloudtrail", region_name=region)
    ct.create_trail(
        Name="main",
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=f"arn:{partition}:iam::123456789012:role/ct-logs",
    )
    ct.start_logging(Name="main")


def _scan(region: str, partition: str, regions: list[str] | None) -> tuple[Snapshot, RequestLog]:
    log = RequestLog()
    factory = SessionFactory(session=_session(region), on_client=log)
    options = CollectOptions(
        regions=regions,
        assume_roles=[f"arn:{partition}:iam::{MEMBER}:role/audit"],
        workers=2,
    )
    return collect(factory, options), log


@pytest.mark.parametrize(
    ("region", "partition"), [("us-gov-east-1", "aws-us-gov"), ("cn-north-1", "aws-cn")]
)
def test_every_request_stays_in_the_configured_partition(aws, region, partition):
    _seed_trail(region, partition)
    snapshot, log = _scan(region, partition, regions=None)

    assert snapshot.partition == partition
    assert snapshot.identity is not None and snapshot.identity.arn.startswith(f"arn:{partition}:")
    own = snapshot.account("123456789012")
    assert own is not None and own.scanned_regions == partition_regions(partition)
    assert [t.name for t in own.trails] == ["main"]
    assert {a.account_id for a in snapshot.accounts} == {"123456789012", MEMBER}
    # the scan reached every layer: identity, role, organization, regions, trails, logs
    sent = log.operations()
    for needed in [
        ("sts", "GetCallerIdentity"),
        ("sts", "AssumeRole"),
        ("organizations", "DescribeOrganization"),
        ("ec2", "DescribeRegions"),
        ("cloudtrail", "DescribeTrails"),
        ("cloudtrail", "GetTrailStatus"),
        ("cloudtrail", "GetEventSelectors"),
        ("logs", "DescribeLogGroups"),
        ("cloudwatch", "DescribeAlarms"),
    ]:
        assert needed in sent, needed
    assert_in_partition(log, partition)


def partition_global_hosts(partition: str) -> set[str]:
    """The hosts of ``partition``'s own global endpoints (botocore ``endpoints.json``).

    A global service answers at one endpoint per partition, named after the partition, not a
    region: IAM in GovCloud is ``iam.us-gov.amazonaws.com``, signed in ``us-gov-west-1``
    (the commercial ``iam.amazonaws.com`` is another partition's).
    """
    import botocore.loaders

    data = botocore.loaders.create_loader().load_data("endpoints")
    found = next(p for p in data["partitions"] if p["partition"] == partition)
    hosts = set()
    for service in found["services"].values():
        endpoint = service.get("endpoints", {}).get(service.get("partitionEndpoint", ""), {})
        if "hostname" in endpoint:
            hosts.add(endpoint["hostname"])
    return hosts


def assert_in_partition(log: RequestLog, partition: str) -> None:
    """Every request's host and SigV4 signing region belong to ``partition``: the host names
    one of its regions, or is one of its own global endpoints."""
    assert log.sent
    known = set(partition_regions(partition))
    global_hosts = partition_global_hosts(partition)
    for request in log.sent:
        host = request.url.split("/")[2]
        assert host.endswith(DNS_SUFFIX[partition]), request
        assert host in global_hosts or any(f".{r}." in f".{host}" for r in known), request
        assert request.signing_region in known, request


@pytest.mark.parametrize(
    ("region", "partition"), [("us-gov-west-1", "aws-us-gov"), ("cn-northwest-1", "aws-cn")]
)
def test_an_organization_scan_stays_in_the_configured_partition(aws, region, partition):
    org = _session(region).client("organizations", region_name=region)
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="member", Email="member@example.com")
    member_id = member["CreateAccountStatus"]["AccountId"]
    log = RequestLog()
    factory = SessionFactory(session=_session(region), on_client=log)
    snapshot = collect(factory, CollectOptions(org=True, regions=[region], workers=2))

    assert [a.account_id for a in snapshot.accounts] == ["123456789012", member_id]
    assert not snapshot.errors and not any(a.all_errors() for a in snapshot.accounts)
    member_acct = snapshot.account(member_id)
    assert member_acct is not None and member_acct.identity_arn is not None
    assert member_acct.identity_arn.startswith(f"arn:{partition}:sts::{member_id}:")
    sent = log.operations()
    for needed in [
        ("organizations", "ListAccounts"),
        ("organizations", "ListDelegatedAdministrators"),
        ("sts", "AssumeRole"),
    ]:
        assert needed in sent, needed
    assert_in_partition(log, partition)


def test_the_first_call_follows_the_configured_region(aws):
    log = RequestLog()
    factory = SessionFactory(session=_session("us-gov-west-1"), on_client=log)
    with pytest.raises(Exception):  # noqa: B017 - only the request matters here
        collect(factory, CollectOptions(regions=["us-east-1"]))
    assert log.sent == []  # refused before any call: us-east-1 is not in aws-us-gov
    collect(factory, CollectOptions(regions=["us-gov-west-1"]))
    first = log.sent[0]
    assert (first.service, first.operation) == ("sts", "GetCallerIdentity")
    assert first.url == "https://sts.us-gov-west-1.amazonaws.com/"
    assert first.signing_region == "us-gov-west-1"


def test_bedrock_is_not_called_where_botocore_does_not_offer_it(aws):
    assert not service_offered("bedrock", "ap-east-1")
    assert service_offered("bedrock", "ap-east-2")
    snapshot, log = _scan("us-east-1", "aws", regions=["ap-east-1", "ap-east-2"])
    bedrock_sent = [r for r in log.sent if r.service == "bedrock"]
    assert {r.signing_region for r in bedrock_sent} == {"ap-east-2"}
    # the logging settings and the inventory's listings: each once in own account and member
    per_operation = Counter(r.operation for r in bedrock_sent)
    assert "GetModelInvocationLoggingConfiguration" in per_operation
    assert set(per_operation.values()) == {2}, per_operation
    # nor are the Bedrock family's inventories (agents, Data Automation) read in ap-east-1
    family = {r.signing_region for r in log.sent if r.service.startswith("bedrock")}
    assert family == {"ap-east-2"}
    own = snapshot.account("123456789012")
    assert own is not None
    skipped = own.regions["ap-east-1"]
    assert "botocore" in skipped.services_not_offered["bedrock"]
    assert skipped.invocation_logging is None
    assert not [e for e in skipped.errors if e.service == "bedrock"]
    assert own.regions["ap-east-2"].services_not_offered == {}
    assert minimum_calls(snapshot)["bedrock:GetModelInvocationLoggingConfiguration"] == 2

    results = evaluate_snapshot(snapshot, Config()).results
    by_region = {
        r.region: r
        for r in results
        if r.check_id == "bedrock-invocation-logging" and r.account_id == "123456789012"
    }
    assert by_region["ap-east-1"].status == Status.NOT_APPLICABLE
    assert "not offered in ap-east-1" in by_region["ap-east-1"].message
    assert by_region["ap-east-2"].status == Status.FAIL  # read there: logging is off
    joins_invocation_logs = {
        item.check.id
        for item in load_catalog().checks
        if item.kind.name == "saved_query"
        and any(j.log_group == "invocation_logging" for j in item.params.joins)
    }
    assert joins_invocation_logs
    joined = [r for r in results if r.check_id in joins_invocation_logs and r.region == "ap-east-1"]
    assert {r.check_id for r in joined} == joins_invocation_logs
    for result in joined:
        assert result.status == Status.NOT_APPLICABLE, result.message
        # scoped out by use first ("... in ap-east-1 ... and Bedrock is not offered there")
        assert "ap-east-1" in result.message and "not offered" in result.message


def test_china_regions_have_no_bedrock(aws):
    snapshot, log = _scan("cn-north-1", "aws-cn", regions=["cn-north-1"])
    assert "bedrock" not in {r.service for r in log.sent}
    own = snapshot.account("123456789012")
    assert own is not None
    assert "bedrock" in own.regions["cn-north-1"].services_not_offered


def test_insights_unsupported_is_named_not_an_error(aws, deny):
    """GetInsightSelectors' UnsupportedOperationException (botocore ``cloudtrail`` model
    error list): the trail cannot have Insights; the checks say so instead of ERROR."""
    _seed_trail("us-east-1", "aws")
    message = "Insights are not supported in this region"
    log = RequestLog()
    observers = all_observers(
        log,
        on_calls(
            "cloudtrail",
            "GetInsightSelectors",
            deny("UnsupportedOperationException", message, 400),
        ),
    )
    factory = SessionFactory(session=_session("us-east-1"), on_client=observers)
    snapshot = collect(factory, CollectOptions(regions=["us-east-1"]))
    own = snapshot.account("123456789012")
    assert own is not None
    (main,) = own.trails
    assert main.insight_selectors is None
    assert main.insights_unsupported is not None
    assert main.insights_unsupported.message == message

    results = evaluate_snapshot(snapshot, Config()).results
    for check_id in ("ct-insights-api-call-rate", "ct-insights-api-error-rate"):
        (result,) = [r for r in results if r.check_id == check_id]
        assert result.status == Status.NOT_APPLICABLE, result.message
        assert "trail main: Insights are not available" in result.message
        assert message in result.message


def test_snapshots_written_before_services_not_offered_still_load(tmp_path):
    body = builders.snapshot(builders.trail()).model_dump(mode="json")
    for acct in body["accounts"]:
        for reg in acct["regions"].values():
            del reg["services_not_offered"]  # the field did not exist then
    path = tmp_path / "old.json"
    path.write_bytes(envelope("snapshot", body))
    loaded, _ = load_snapshot(path)
    (reg,) = loaded.accounts[0].regions.values()
    assert reg.services_not_offered == {}
    assert reg.invocation_logging is not None  # read there, as every region was


def test_what_botocore_endpoint_data_says():
    # listed for the partition, without the region (botocore 1.44: bedrock lacks ap-east-1)
    assert not service_offered("bedrock", "ap-east-1")
    # not listed in the partition at all
    assert not service_offered("bedrock", "cn-northwest-1")
    assert service_offered("bedrock", "us-gov-west-1")
    # one global endpoint per partition: offered from every region
    assert service_offered("organizations", "eu-west-1")
    # described nowhere in endpoints.json (endpoint rules only): the data says nothing against it
    assert service_offered("bedrock-agentcore-control", "ap-east-1")
    # the signing region of Organizations' global endpoint in each partition
    assert [global_region(p) for p in ("aws", "aws-cn", "aws-us-gov")] == [
        "us-east-1",
        "cn-northwest-1",
        "us-gov-west-1",
    ]
