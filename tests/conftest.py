"""Shared fixtures: the moto-backed demo organization, in-process and over HTTP.

Both kinds share moto's in-process backends, so a module uses one kind at a time; the
fixtures are module-scoped so that each module seeds once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from aiposture.demo.environment import DemoEnvironment, DemoServer, demo_environment
from aiposture.demo.environment import demo_server as start_demo_server

# moto answers LookupEvents at once: the command line's default pace (AWS's 2 calls per second
# per account-region) would only make every CLI scan of a test wait ~20 s. A test of the pace
# sets it itself (tests/collect/test_history_collect.py, tests/cli/test_cli_history.py).
os.environ.setdefault("AIPOSTURE_LOOKUP_EVENTS_PER_SECOND", "1000")

_AWS_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)


@pytest.fixture(scope="module")
def demo_env() -> Iterator[DemoEnvironment]:
    """The seeded demo organization under ``mock_aws()``, with a scan factory."""
    with demo_environment() as env:
        yield env


@pytest.fixture(scope="module")
def demo_server() -> Iterator[DemoServer]:
    """moto's HTTP server on a free localhost port, seeded through its endpoint."""
    with start_demo_server() as server:
        yield server


@pytest.fixture
def server_env(demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> DemoServer:
    """The environment a user would set: AWS_ENDPOINT_URL and the auditor's keys, no profile."""
    for name in _AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for name, value in demo_server.credentials.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", demo_server.endpoint_url)
    return demo_server


@pytest.fixture
def no_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials, profiles or config files at all."""
    for name in _AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def error_response(
    code: str = "AccessDenied",
    message: str = "User is not authorized to perform this operation",
    status: int = 403,
) -> Callable[..., tuple[AWSResponse, dict[str, Any]]]:
    """A botocore ``before-call`` handler that answers with an AWS error instead of sending."""

    def handler(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        http = AWSResponse(
            url="https://aiposture.invalid/", status_code=status, headers={}, raw=None
        )
        parsed = {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        return http, parsed

    return handler


@pytest.fixture
def deny() -> Callable[..., Callable[..., tuple[AWSResponse, dict[str, Any]]]]:
    """Factory of ``before-call`` handlers that fail a call with an AWS error code."""
    return error_response
