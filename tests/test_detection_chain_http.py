"""The detection chain's classes on the demo, collected through moto's HTTP server."""

from __future__ import annotations

import os

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import DemoServer
from tests.test_detection_chain_demo import CASES, assert_case, everywhere

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_same_verdicts_through_motos_http_server(
    demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        **demo_server.credentials,
        "AWS_ENDPOINT_URL": demo_server.endpoint_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    org = demo_server.org
    options = CollectOptions(regions=org.regions, assume_roles=org.assume_roles)
    results = evaluate_snapshot(collect(SessionFactory(), options), everywhere(org.config))
    for case in CASES:
        assert_case(results, case)
