"""Pure parts of the collectors: response parsing, error recording, sessions and credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    PartialCredentialsError,
)

from aiposture.collect.cloudtrail import (
    parse_event_selectors,
    parse_time,
    parse_trail_status,
    trail_from_description,
)
from aiposture.collect.logs import log_group_from_description
from aiposture.collect.org import member_role_arn, validate_external_id
from aiposture.collect.partitions import partition_of_region
from aiposture.collect.recorder import record_call
from aiposture.collect.scan import CollectOptions, collect, validate_role_arns
from aiposture.collect.session import SessionFactory, arn_account, arn_partition
from aiposture.errors import ConfigError, CredentialsError, ReadOnlyViolation
from aiposture.snapshot.models import CallError

WHERE = {"service": "cloudtrail", "operation": "GetTrailStatus", "region": "eu-west-1"}


def record(fn: Any, errors: list[CallError]) -> Any:
    return record_call(errors, fn, account_id="123456789012", resource="arn:x", **WHERE)


def raiser(exc: Exception) -> Any:
    def fn() -> Any:
        raise exc

    return fn


# --- CloudTrail parsing ----------------------------------------------------------------


def test_trail_status_treats_empty_strings_as_absent() -> None:
    status = parse_trail_status(
        {
            "IsLogging": True,
            "LatestDeliveryTime": datetime(
                2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))
            ),
            "LatestDeliveryError": "",
            "LatestCloudWatchLogsDeliveryError": "",
            "LatestCloudWatchLogsDeliveryTime": 1735787045.0,
            "TimeLoggingStarted": "2025-01-01T00:00:00Z",
            "TimeLoggingStopped": "",
        }
    )
    assert status.is_logging
    assert status.latest_delivery_time == datetime(2025, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert status.latest_cloudwatch_logs_delivery_time == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert status.latest_delivery_error is None
    assert status.latest_cloudwatch_logs_delivery_error is None
    assert status.time_logging_started == datetime(2025, 1, 1, tzinfo=UTC)
    assert status.time_logging_stopped is None


def test_trail_status_prefers_the_timestamp_fields() -> None:
    started = datetime(2025, 3, 1, tzinfo=UTC)
    status = parse_trail_status(
        {"IsLogging": False, "StartLoggingTime": started, "TimeLoggingStarted": "2000-01-01"}
    )
    assert status.time_logging_started == started
    assert parse_trail_status({}).is_logging is False


def test_parse_time_variants() -> None:
    assert parse_time(None) is None
    assert parse_time("") is None
    assert parse_time(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_time(datetime(2025, 1, 1)) == datetime(2025, 1, 1, tzinfo=UTC)


ADVANCED = [{"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]
CLASSIC = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]


@pytest.mark.parametrize(
    ("response", "mode", "advanced", "classic"),
    [
        ({"TrailARN": "a", "AdvancedEventSelectors": ADVANCED}, "advanced", ADVANCED, None),
        (
            {"TrailARN": "a", "AdvancedEventSelectors": ADVANCED, "EventSelectors": []},
            "advanced",
            ADVANCED,
            None,
        ),
        ({"TrailARN": "a", "EventSelectors": CLASSIC}, "classic", None, CLASSIC),
        (
            {"TrailARN": "a", "AdvancedEventSelectors": [], "EventSelectors": CLASSIC},
            "classic",
            None,
            CLASSIC,
        ),
        ({"TrailARN": "a", "EventSelectors": []}, "classic", None, []),
        ({"TrailARN": "a"}, "none", None, None),
        # advanced selectors, none: the trail logs nothing (not the classic default)
        ({"TrailARN": "a", "AdvancedEventSelectors": []}, "advanced", [], None),
        (
            {"TrailARN": "a", "AdvancedEventSelectors": [], "EventSelectors": []},
            "advanced",
            [],
            None,
        ),
    ],
)
def test_event_selectors_keep_exactly_what_the_api_returned(
    response: dict[str, Any], mode: str, advanced: Any, classic: Any
) -> None:
    selectors = parse_event_selectors(response)
    assert selectors.mode == mode
    assert selectors.advanced == advanced
    assert selectors.classic == classic


def test_trail_from_description() -> None:
    trail = trail_from_description(
        {
            "Name": "t",
            "TrailARN": "arn:aws:cloudtrail:eu-west-1:210987654321:trail/t",
            "HomeRegion": "eu-west-1",
            "IsMultiRegionTrail": True,
            "IsOrganizationTrail": True,
            "S3BucketName": "b",
            "KmsKeyId": "",
            "CloudWatchLogsLogGroupArn": "arn:aws:logs:eu-west-1:210987654321:log-group:g/x:*",
            "HasCustomEventSelectors": True,
        }
    )
    assert (trail.owner_account_id, trail.home_region) == ("210987654321", "eu-west-1")
    assert trail.is_organization_trail and trail.is_multi_region
    assert trail.kms_key_id is None
    assert trail.cloudwatch_logs_log_group_name == "g/x"
    assert trail.has_custom_event_selectors is True and trail.has_insight_selectors is None
    assert trail.status is None and trail.event_selectors is None


def test_log_group_arn_loses_the_star() -> None:
    group = log_group_from_description(
        {
            "logGroupName": "g",
            "arn": "arn:aws:logs:us-east-1:111122223333:log-group:g:*",
            "retentionInDays": 30,
        },
        "us-east-1",
        "999999999999",
    )
    assert group.arn == "arn:aws:logs:us-east-1:111122223333:log-group:g"
    assert group.account_id == "111122223333"
    assert (group.retention_in_days, group.log_group_class, group.kms_key_id) == (30, None, None)


# --- recording failures ----------------------------------------------------------------


def test_client_errors_are_recorded_with_code_and_message() -> None:
    errors: list[CallError] = []
    exc = ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "GetTrailStatus"
    )
    assert record(raiser(exc), errors) is None
    assert errors == [
        CallError(
            account_id="123456789012",
            resource="arn:x",
            error_code="ThrottlingException",
            message="Rate exceeded",
            **WHERE,
        )
    ]


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (EndpointConnectionError(endpoint_url="https://x.invalid"), "EndpointConnectionError"),
        (ParamValidationError(report="bad"), "ParamValidationError"),
        (KeyError("trailList"), "KeyError"),
    ],
)
def test_other_failures_are_recorded_by_type(exc: Exception, code: str) -> None:
    errors: list[CallError] = []
    assert record(raiser(exc), errors) is None
    assert [e.error_code for e in errors] == [code]
    assert errors[0].message


def test_success_records_nothing() -> None:
    errors: list[CallError] = []
    assert record(lambda: [], errors) == []
    assert errors == []


@pytest.mark.parametrize(
    "exc",
    [
        NoCredentialsError(),
        PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
    ],
)
def test_credential_failures_are_raised(exc: Exception) -> None:
    errors: list[CallError] = []
    with pytest.raises(CredentialsError):
        record(raiser(exc), errors)
    assert errors == []


def test_own_errors_propagate() -> None:
    errors: list[CallError] = []
    with pytest.raises(ReadOnlyViolation):
        record(raiser(ReadOnlyViolation("refused")), errors)
    assert errors == []


# --- sessions and credentials ----------------------------------------------------------


def test_arn_helpers() -> None:
    assert arn_partition("arn:aws-cn:iam::123456789012:role/x") == "aws-cn"
    assert arn_partition("nonsense") == "aws"
    assert arn_account("arn:aws:iam::123456789012:role/x") == "123456789012"
    assert arn_account("arn:aws:s3:::bucket") is None
    assert partition_of_region("cn-north-1") == "aws-cn"
    assert partition_of_region("us-gov-west-1") == "aws-us-gov"
    assert partition_of_region("eu-west-1") == "aws"
    assert partition_of_region("eusc-de-east-1") == "aws-eusc"  # botocore's data, no prefix list


def test_unknown_profile_is_a_config_error(no_aws_env: None) -> None:
    factory = SessionFactory(profile="no-such-profile")
    with pytest.raises(ConfigError, match="AWS profile 'no-such-profile' does not exist") as info:
        factory.base_session()
    assert info.value.exit_code == 2


def test_unknown_profile_from_the_environment(
    no_aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "from-env")
    with pytest.raises(ConfigError, match="AWS profile 'from-env' does not exist"):
        SessionFactory().base_session()


def test_no_credentials_at_all(no_aws_env: None) -> None:
    factory = SessionFactory(session=boto3.Session(region_name="us-east-1"))
    with pytest.raises(CredentialsError) as info:
        collect(factory, CollectOptions(regions=["us-east-1"]))
    assert str(info.value).startswith(
        "no AWS credentials found: set AWS_PROFILE, run aws sso login"
    )
    assert info.value.exit_code == 3


def test_explicit_endpoint_and_client_cache(no_aws_env: None) -> None:
    session = boto3.Session(region_name="eu-west-1")
    factory = SessionFactory(endpoint_url="http://127.0.0.1:1", session=session)
    logs = factory.client(session, "logs", "eu-west-1")
    assert logs.meta.endpoint_url == "http://127.0.0.1:1"
    assert factory.client(session, "logs", "eu-west-1") is logs
    assert factory.client(session, "logs", "eu-west-2") is not logs
    assert factory.partition == "aws"
    assert factory.default_region() == "eu-west-1"
    # Organizations' global endpoint in aws-cn signs for cn-northwest-1 (endpoints.json)
    assert factory.default_region("aws-cn") == "cn-northwest-1"
    gov = SessionFactory(session=boto3.Session(region_name="us-gov-east-1"))
    assert (gov.partition, gov.default_region()) == ("aws-us-gov", "us-gov-east-1")


def test_scans_of_one_process_parse_each_service_model_once(
    no_aws_env: None, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def worker_loader(session: boto3.Session) -> Any:
        worker = SessionFactory(session=session).worker_session()
        return worker._session.get_component("data_loader")

    first = worker_loader(boto3.Session(region_name="us-east-1"))
    model = first.load_service_model("ec2", "service-2")
    second = worker_loader(boto3.Session(region_name="eu-west-1"))
    assert second is first and second.load_service_model("ec2", "service-2") is model
    # boto3 adds its data folder each time it wraps a session: never twice on one loader
    paths = list(first.search_paths)
    assert len(paths) == len(set(paths))
    worker_loader(boto3.Session(region_name="us-east-1"))
    assert first.search_paths == paths
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))  # other model files: another loader
    assert worker_loader(boto3.Session(region_name="us-east-1")) is not first


@pytest.mark.parametrize(
    "arn",
    [
        "not-an-arn",
        "arn:aws:iam::12345:role/x",
        "arn:aws:iam::123456789012:user/x",
        "arn:aws:iam::123456789012:role/x\n",
    ],
)
def test_role_arns_are_validated(arn: str) -> None:
    with pytest.raises(ConfigError, match="is not an IAM role ARN"):
        validate_role_arns([arn])
    validate_role_arns(["arn:aws-us-gov:iam::123456789012:role/path/Scan"])


@pytest.mark.parametrize(
    "bad",
    [
        lambda: validate_external_id("external-id\n"),
        lambda: member_role_arn("aws", "111122223333\n"),
        lambda: member_role_arn("aws", "111122223333", "Scanner\n"),
    ],
)
def test_org_values_are_matched_in_full(bad: Any) -> None:
    with pytest.raises(ConfigError):  # `$` alone would accept the trailing newline
        bad()
