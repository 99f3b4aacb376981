"""The embedded demo organization: moto, patched to behave like AWS, seeded with four accounts.

Two ways to run it:

- :func:`demo_environment`: in-process ``moto.mock_aws()``; yields the seeded
  :class:`DemoOrg` and a ready :class:`~aiposture.collect.session.SessionFactory` whose
  identity is the demo's auditor user in the management account.
- :func:`demo_server`: moto's real HTTP server on a free localhost port, seeded through
  its endpoint; yields the endpoint URL and the :class:`DemoOrg`.

Both share moto's in-process backends: use one at a time in a process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3

from aiposture.collect.botocore_data import boto3_session, new_botocore_session
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo import moto_ext
from aiposture.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_REGIONS,
    DEMO_RESOURCE_IDS,
    DemoOrg,
    role_arn,
)
from aiposture.demo.seed import seed_demo
from aiposture.snapshot.models import Snapshot

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_REGIONS",
    "DEMO_RESOURCE_IDS",
    "DemoEnvironment",
    "DemoOrg",
    "DemoServer",
    "demo_environment",
    "demo_server",
    "seed_demo",
]

T = TypeVar("T")

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
"""Credentials that can never reach a real account."""

CLEARED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)
"""Environment variables hidden inside an in-process moto world (none may reach AWS)."""
_SEED_SESSION_NAME = "aiposture-demo-seed"
DEMO_LOOKUP_EVENTS_PER_SECOND = 1000.0
"""The demo's LookupEvents pace: moto answers at once, and the demo has no need to wait
out AWS's two calls per second per account-region."""
MOTO_SETTINGS = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
"""moto settings of a seeded world: no default AMIs (nothing needs them; saves seconds)."""


@dataclass(frozen=True)
class DemoEnvironment:
    """A seeded in-process demo: the organization and a factory for the scan."""

    org: DemoOrg
    factory: SessionFactory

    @property
    def options(self) -> CollectOptions:
        """Collect options that scan the demo's regions and all four accounts.

        The event history of the last 90 days is read too, at
        :data:`DEMO_LOOKUP_EVENTS_PER_SECOND`.
        """
        return CollectOptions(
            regions=self.org.regions,
            assume_roles=self.org.assume_roles,
            history=True,
            lookup_events_per_second=DEMO_LOOKUP_EVENTS_PER_SECOND,
        )

    def collect(self) -> Snapshot:
        """Run the real collectors against the demo."""
        return collect(self.factory, self.options)


@dataclass(frozen=True)
class DemoServer:
    """A seeded moto HTTP server: point ``AWS_ENDPOINT_URL`` at ``endpoint_url``."""

    endpoint_url: str
    org: DemoOrg

    @property
    def credentials(self) -> dict[str, str]:
        """Environment variables for the demo's auditor identity."""
        return {
            "AWS_ACCESS_KEY_ID": self.org.auditor_access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.org.auditor_secret_access_key,
            "AWS_DEFAULT_REGION": self.org.regions[0],
        }


@contextmanager
def scoped_env(values: dict[str, str], cleared: Sequence[str]) -> Iterator[None]:
    """Set ``values`` and remove ``cleared`` from the environment inside the context only."""
    keys = [*values, *cleared]
    saved = {k: os.environ.get(k) for k in keys}
    try:
        for k in cleared:
            os.environ.pop(k, None)
        os.environ.update(values)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def assumer(bootstrap: Any, endpoint_url: str | None) -> Callable[[str], Any]:
    """Return ``account id -> boto3.Session`` of that account's OrganizationAccountAccessRole.

    Seeding writes each account through such a session (moto maps assumed keys to accounts).
    """
    sts = bootstrap.client("sts", endpoint_url=endpoint_url)

    def session_for(account_id: str) -> Any:
        creds = sts.assume_role(RoleArn=role_arn(account_id), RoleSessionName=_SEED_SESSION_NAME)[
            "Credentials"
        ]
        return boto3_session(
            new_botocore_session(),
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=bootstrap.region_name,
        )

    return session_for


@contextmanager
def demo_environment(regions: Sequence[str] = DEMO_REGIONS) -> Iterator[DemoEnvironment]:
    """Start ``mock_aws()``, patch moto, seed the demo and yield it with a scan factory.

    Dummy credentials and ``AWS_DEFAULT_REGION`` are set only inside the context; profiles,
    config files and ``AWS_ENDPOINT_URL`` are hidden so nothing can reach a real account.
    """
    from moto import mock_aws

    env = {**DUMMY_CREDENTIALS, **MOTO_SETTINGS, "AWS_DEFAULT_REGION": regions[0]}
    with (
        scoped_env(env, CLEARED_ENV),
        mock_aws(config={"core": {"mock_credentials": False}}),
    ):
        moto_ext.install()
        bootstrap = boto3.Session(region_name=regions[0])
        org = seed_demo(assumer(bootstrap, None), regions)
        auditor = boto3.Session(
            aws_access_key_id=org.auditor_access_key_id,
            aws_secret_access_key=org.auditor_secret_access_key,
            region_name=regions[0],
        )
        yield DemoEnvironment(org=org, factory=SessionFactory(session=auditor))


Seeder = Callable[[Callable[[str], Any], str], T]
"""Writes a world through ``(account id -> session, endpoint URL)`` and returns what it wrote."""


def seed_through(endpoint: str, region: str, seed: Seeder[T]) -> T:
    """Run ``seed`` against a moto server at ``endpoint``, each account through its role."""
    bootstrap = boto3.Session(
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=region,
    )
    return seed(assumer(bootstrap, endpoint), endpoint)


@contextmanager
def seeded_server(
    seed: Seeder[T], region: str, host: str = "127.0.0.1", port: int = 0
) -> Iterator[tuple[str, T]]:
    """Start moto's HTTP server in this process (``port`` 0: a free port) and run ``seed``.

    Yields ``(endpoint URL, what seed returned)``; moto's state is reset on exit.
    """
    from moto.server import ThreadedMotoServer

    moto_ext.install()
    request_log = logging.getLogger("werkzeug")
    saved_level = request_log.level
    request_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    with ExitStack() as stack:
        stack.enter_context(scoped_env(MOTO_SETTINGS, ()))
        stack.callback(request_log.setLevel, saved_level)
        server.start()
        stack.callback(server.stop)
        stack.callback(_reset_moto)
        bound_host, bound_port = server.get_host_and_port()
        endpoint = f"http://{bound_host}:{bound_port}"
        yield endpoint, seed_through(endpoint, region, seed)


@contextmanager
def demo_server(
    regions: Sequence[str] = DEMO_REGIONS, host: str = "127.0.0.1", port: int = 0
) -> Iterator[DemoServer]:
    """Start moto's HTTP server in this process (``port`` 0: a free port) and seed the demo.

    The server's state is reset when the context exits.
    """

    def seed(session_for: Callable[[str], Any], endpoint: str) -> DemoOrg:
        return seed_demo(session_for, regions, endpoint_url=endpoint)

    with seeded_server(seed, regions[0], host, port) as (endpoint, org):
        yield DemoServer(endpoint_url=endpoint, org=org)


def _reset_moto() -> None:
    from moto.core.base_backend import BackendDict

    BackendDict.reset()
