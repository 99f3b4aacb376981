"""Detection reads as AWS answers them: saved queries per query language, dashboards per account."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aiposture.collect.detection import read_account_dashboards, read_region_detection
from aiposture.collect.scan import CollectOptions, collect
from aiposture.demo import moto_ext
from aiposture.demo.environment import DemoEnvironment
from aiposture.snapshot.models import AccountSnapshot, RegionSnapshot
from tests.collect.helpers import E1, W2, factory_for

REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def aws() -> Iterator[str]:
    """moto with aiposture's patches; yields moto's default account id."""
    moto_ext.install()
    with mock_aws():
        yield str(boto3.client("sts", region_name=REGION, **KEYS).get_caller_identity()["Account"])


def _client(service: str, region: str = REGION) -> Any:
    return boto3.client(service, region_name=region, **KEYS)


def _unqualified_means_cwli(params: dict[str, Any], **_: Any) -> None:
    """What AWS may do: answer a request without ``queryLanguage`` with CWLI definitions only."""
    params.setdefault("queryLanguage", "CWLI")


def _emulating_logs_client() -> Any:
    logs = _client("logs")
    logs.meta.events.register(
        "before-parameter-build.cloudwatch-logs.DescribeQueryDefinitions", _unqualified_means_cwli
    )
    return logs


def test_sql_saved_queries_are_found_when_an_unqualified_request_returns_only_cwli(
    aws: str,
) -> None:
    writer = _client("logs")
    ids = {
        language: writer.put_query_definition(
            name=f"q-{language}",
            queryString="SELECT eventName FROM `trail`"
            if language != "CWLI"
            else "fields @message",
            logGroupNames=["trail"],
            queryLanguage=language,
        )["queryDefinitionId"]
        for language in ("SQL", "PPL", "CWLI")
    }
    logs = _emulating_logs_client()
    # the emulated answer: a request without a language sees the Logs Insights QL one only
    unqualified = logs.describe_query_definitions()["queryDefinitions"]
    assert [d["queryLanguage"] for d in unqualified] == ["CWLI"]

    sent: list[dict[str, Any]] = []
    logs.meta.events.register_first(
        "before-parameter-build.cloudwatch-logs.DescribeQueryDefinitions",
        lambda params, **_: sent.append(dict(params)),
    )

    def client_for(service: str, region: str) -> Any:
        return logs if service == "logs" else _client(service, region)

    reg = RegionSnapshot(region=REGION)
    read_region_detection(client_for, reg, aws)

    found = {d["queryDefinitionId"]: d["queryLanguage"] for d in reg.query_definitions or []}
    assert found == {ids["SQL"]: "SQL", ids["PPL"]: "PPL", ids["CWLI"]: "CWLI"}
    assert len(reg.query_definitions or []) == 3  # merged by id: each definition once
    assert sorted(p.get("queryLanguage") for p in sent) == ["CWLI", "PPL", "SQL"]
    assert not [e for e in reg.errors if e.operation == "DescribeQueryDefinitions"]


def test_a_language_that_cannot_be_read_is_recorded_and_the_others_are_kept(
    aws: str, deny: Any
) -> None:
    writer = _client("logs")
    writer.put_query_definition(name="q", queryString="fields @message", queryLanguage="CWLI")
    logs = _client("logs")
    denied = deny("AccessDeniedException", "no SQL", 400)

    def deny_sql(params: dict[str, Any], **kwargs: Any) -> Any:
        body = json.loads(params.get("body") or b"{}")
        return denied(**kwargs) if body.get("queryLanguage") == "SQL" else None

    logs.meta.events.register("before-call.cloudwatch-logs.DescribeQueryDefinitions", deny_sql)
    reg = RegionSnapshot(region=REGION)
    read_region_detection(lambda s, r: logs if s == "logs" else _client(s, r), reg, aws)
    assert [d["name"] for d in reg.query_definitions or []] == ["q"]
    [error] = [e for e in reg.errors if e.operation == "DescribeQueryDefinitions"]
    assert (error.resource, error.error_code) == ("SQL", "AccessDeniedException")


def test_dashboards_are_read_once_for_the_account_from_any_region(aws: str) -> None:
    _client("cloudwatch", "eu-west-1").put_dashboard(
        DashboardName="ops", DashboardBody='{"widgets": []}'
    )
    acct = AccountSnapshot(account_id=aws, scanned_regions=[REGION, "eu-west-1"])
    read_account_dashboards(_client_for_any, acct, REGION)
    assert acct.dashboards == {"ops": '{"widgets": []}'}
    assert acct.dashboards_region == REGION
    assert acct.errors == []


def _client_for_any(service: str, region: str) -> Any:
    return _client(service, region)


def test_a_scan_of_two_regions_lists_dashboards_once_per_account(
    demo_env: DemoEnvironment,
) -> None:
    sent: Counter[tuple[str, str]] = Counter()

    def observe(client: Any) -> None:
        if client.meta.service_model.service_name != "cloudwatch":
            return

        def count(**_: Any) -> None:
            sent[(client.meta.region_name, "ListDashboards")] += 1

        client.meta.events.register("before-send.cloudwatch.ListDashboards", count)

    options = CollectOptions(regions=[E1, W2], assume_roles=demo_env.org.assume_roles)
    snap = collect(factory_for(demo_env, observe), options)
    assert sum(sent.values()) == len(snap.accounts)
    assert set(sent) == {(E1, "ListDashboards")}  # the first scanned region
    for acct in snap.accounts:
        assert acct.dashboards is not None and acct.dashboards_region == E1
        assert all(reg.dashboards is None for reg in acct.regions.values())
    assert any("AI-Workload-Security-Dashboard" in (a.dashboards or {}) for a in snap.accounts)
