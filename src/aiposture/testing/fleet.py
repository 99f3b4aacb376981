"""A realistic N-account moto organization ("fleet") with an organization trail.

:func:`seed_fleet` writes, through plain boto3 calls, an organization of ``accounts``
accounts (ids ``100000000000 + i``, the management account first) in ``regions``:

- the **management account**: an organization trail (multi-region, logging, the guides'
  selectors with real ids, Insights, aggregation, CloudWatch Logs delivery), the guide's
  detection layer at home, GuardDuty and invocation logging everywhere, the auditor user;
- half the **members** (odd ``i``): a trail of their own (single- or multi-region, a few
  selectors, some stopped), invocation logging in some regions, a log group with a few
  metric filters, alarms and a topic with a confirmed subscriber; the others have nothing;
- groups of three members: the demo's AI resources and use in one region each
  (:mod:`aiposture.testing.fleet_ai`); every other account-region has none.

:func:`fleet_environment` (in-process ``mock_aws()``) and :func:`fleet_server` (moto's
HTTP server) seed it and yield what a scan needs; like the demo, one at a time per process.
Seeding needs the moto backend in this process (a subscription's confirmation token).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.credentials import Credentials

from aiposture.collect.botocore_data import boto3_session, new_botocore_session
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.config import (
    GUIDE_LAMBDA_FUNCTION_PREFIXES,
    GUIDE_S3_BUCKET_PREFIXES,
    Config,
    ResourcesConfig,
    ScanConfig,
)
from aiposture.demo import moto_ext
from aiposture.demo.accounts import (
    BEDROCK_EXECUTION_ROLE,
    DEMO_RESOURCE_IDS,
    GUIDE_TRAIL_LOG_GROUP,
    INVOCATION_LOG_GROUP,
    ORG_ROLE_NAME,
)
from aiposture.demo.environment import (
    CLEARED_ENV,
    DUMMY_CREDENTIALS,
    MOTO_SETTINGS,
    Seeder,
    assumer,
    scoped_env,
    seeded_server,
)
from aiposture.demo.selectors import (
    MANAGEMENT_SELECTOR,
    fill_placeholders,
    partial_account_selectors,
)
from aiposture.demo.writers import (
    SeedAccount,
    confirmed_email_topic,
    put_alarm,
    put_filter,
    seed_auditor,
    seed_guide_detection,
    start_guide_trail,
)
from aiposture.guide import detection as dc
from aiposture.guide import guide_selectors
from aiposture.snapshot.models import Snapshot
from aiposture.testing.fleet_ai import seed_fleet_ai

__all__ = [
    "FIRST_ACCOUNT_ID",
    "FLEET_REGIONS",
    "MEMBER_LOG_GROUP",
    "ORG_TRAIL_NAME",
    "Fleet",
    "FleetEnvironment",
    "FleetServer",
    "fleet_account_ids",
    "fleet_environment",
    "fleet_server",
    "seed_fleet",
]

FLEET_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1")
"""The fleet's default regions."""
FIRST_ACCOUNT_ID = 100000000000
"""Account ``i`` of the fleet is ``FIRST_ACCOUNT_ID + i``; ``i = 0`` is the management one."""
ORG_TRAIL_NAME = "org-ai-audit-trail"
"""The management account's organization trail."""
MEMBER_TRAIL_NAME = "member-audit-trail"
"""The trail of a member that has one of its own."""
MEMBER_LOG_GROUP = "member-cloudtrail"
"""The CloudTrail delivery log group of a member with its own trail."""
MEMBER_TOPIC = "member-security-alerts"
"""The SNS topic a member's alarms notify (one confirmed e-mail subscriber)."""
MEMBER_FILTERS_PER_ACCOUNT = 3
"""How many of the guide's metric filters (and alarms) a member with a trail deploys."""


@dataclass(frozen=True)
class Fleet:
    """What :func:`seed_fleet` wrote, and the configuration that scans it."""

    management_account_id: str
    account_ids: tuple[str, ...]
    """Every account: the management account first, then the members sorted."""
    regions: tuple[str, ...]
    org_trail_arn: str
    member_trail_accounts: tuple[str, ...]
    """The members with a trail of their own (sorted)."""
    auditor_access_key_id: str = field(repr=False)
    auditor_secret_access_key: str = field(repr=False)
    config: Config = field(repr=False)
    ai_accounts: dict[str, str] = field(default_factory=dict)
    """The accounts holding AI resources, and the region they are in."""

    @property
    def member_account_ids(self) -> tuple[str, ...]:
        """The members, sorted."""
        return self.account_ids[1:]

    @property
    def org_trail_only_accounts(self) -> tuple[str, ...]:
        """The members covered only by the organization trail (no trail of their own)."""
        own = set(self.member_trail_accounts)
        return tuple(a for a in self.member_account_ids if a not in own)


def fleet_account_ids(accounts: int) -> tuple[str, ...]:
    """The fleet's account ids: the management account first, then the members sorted."""
    return tuple(str(FIRST_ACCOUNT_ID + i) for i in range(accounts))


def fleet_config(regions: Sequence[str]) -> Config:
    """An organization scan of ``regions`` with the guide's resources in every account."""
    return Config(
        scan=ScanConfig(regions=list(regions), org=True, role_name=ORG_ROLE_NAME),
        resources=ResourcesConfig(
            s3_bucket_prefixes=list(GUIDE_S3_BUCKET_PREFIXES),
            lambda_function_prefixes=list(GUIDE_LAMBDA_FUNCTION_PREFIXES),
            bedrock_execution_role_names=[BEDROCK_EXECUTION_ROLE],
            ids={k: list(v) for k, v in DEMO_RESOURCE_IDS.items()},
        ),
    )


class _Clients:
    """Clients shared by every account of the fleet, one per (service, region).

    Creating a client costs far more than a call, so the fleet signs every call with one
    credentials object that each account's calls switch to their own keys first.
    """

    def __init__(self, region: str, endpoint_url: str | None) -> None:
        self._botocore = new_botocore_session()
        self._botocore.set_credentials("fleet-seed", "fleet-seed")
        credentials = self._botocore.get_credentials()
        if credentials is None:  # pragma: no cover - set just above
            raise RuntimeError("botocore dropped the seed credentials")
        self.credentials: Credentials = credentials
        self._base: Any = boto3_session(self._botocore, region_name=region)
        self._endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self._base.client(
                service, region_name=region, endpoint_url=self._endpoint_url
            )
        return self._clients[key]


class _AccountClient:
    """A shared client that signs each call with one account's keys."""

    def __init__(self, writer: _Writer, client: Any) -> None:
        self._writer = writer
        self._client = client

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            self._writer.activate()
            return method(*args, **kwargs)

        return call


class _Writer(SeedAccount):
    """The calls of one account, through the fleet's shared clients."""

    def __init__(
        self, clients: _Clients, account: boto3.Session, account_id: str, home: str
    ) -> None:
        super().__init__(account, account_id, home, None)
        creds = account.get_credentials()
        if creds is None:
            raise ValueError(f"no credentials for account {account_id}")
        frozen = creds.get_frozen_credentials()
        if not (frozen.access_key and frozen.secret_key):
            raise ValueError(f"incomplete credentials for account {account_id}")
        self._access_key: str = frozen.access_key
        self._secret_key: str = frozen.secret_key
        self._token: str | None = frozen.token
        self._shared = clients

    def activate(self) -> None:
        """Make the shared clients sign with this account's keys."""
        shared = self._shared.credentials
        shared.access_key = self._access_key
        shared.secret_key = self._secret_key
        shared.token = self._token

    def client(self, service: str, region: str | None = None) -> Any:
        """The shared client of ``service`` in ``region``, signing as this account."""
        return _AccountClient(self, self._shared.client(service, region or self.home))


def _seed_management(acct: _Writer, regions: Sequence[str]) -> str:
    home = regions[0]
    acct.client("organizations", "us-east-1").enable_aws_service_access(
        ServicePrincipal="cloudtrail.amazonaws.com"
    )
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    kms = acct.client("kms").create_key(Description="aiposture fleet trail key")["KeyMetadata"]
    log_arn = acct.log_group(GUIDE_TRAIL_LOG_GROUP, home, retention=365)
    trail = start_guide_trail(
        acct.client("cloudtrail"),
        ORG_TRAIL_NAME,
        acct.account_id,
        regions,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IsOrganizationTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=kms["Arn"],
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
        TagsList=[{"Key": "owner", "Value": "security-platform"}],
    )
    seed_guide_detection(acct, home, GUIDE_TRAIL_LOG_GROUP)

    inv_role = acct.role("BedrockInvocationLoggingRole", "bedrock.amazonaws.com")
    acct.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    for region in regions:
        acct.client("guardduty", region).create_detector(
            Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES"
        )
        acct.log_group(INVOCATION_LOG_GROUP, region, retention=365)
        acct.invocation_logging(
            region,
            {
                "cloudWatchConfig": {"logGroupName": INVOCATION_LOG_GROUP, "roleArn": inv_role},
                "textDataDeliveryEnabled": True,
                "imageDataDeliveryEnabled": True,
                "embeddingDataDeliveryEnabled": True,
            },
        )
    return str(trail["TrailARN"])


def _member_selectors(acct: _Writer, index: int, region: str) -> list[dict[str, Any]]:
    """A few selectors: the partial demo account's, or management and some Bedrock ones."""
    if index % 4 == 3:
        return partial_account_selectors(acct.account_id, region)
    bedrock = guide_selectors("bedrock")[: 2 + index % 3]
    return fill_placeholders([MANAGEMENT_SELECTOR, *bedrock], acct.account_id, [region])


def _seed_member(acct: _Writer, index: int, regions: Sequence[str]) -> None:
    """A member with its own trail, log group, a few filters and alarms, and a topic.

    ``index % 4 == 1``: a multi-region trail in the first region; otherwise a single-region
    trail in one of the regions. ``index % 8 == 3``: the trail was stopped.
    """
    multi = index % 4 == 1
    home = regions[0] if multi else regions[(index // 2) % len(regions)]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    log_arn = acct.log_group(MEMBER_LOG_GROUP, home, retention=90)
    ct = acct.client("cloudtrail", home)
    ct.create_trail(
        Name=MEMBER_TRAIL_NAME,
        S3BucketName=bucket,
        IsMultiRegionTrail=multi,
        EnableLogFileValidation=multi,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
    )
    ct.put_event_selectors(
        TrailName=MEMBER_TRAIL_NAME, AdvancedEventSelectors=_member_selectors(acct, index, home)
    )
    ct.start_logging(Name=MEMBER_TRAIL_NAME)
    if index % 8 == 3:
        ct.stop_logging(Name=MEMBER_TRAIL_NAME)

    for offset, region in enumerate(regions):
        if (index + offset) % 3 == 0:
            acct.invocation_logging(
                region,
                {
                    "s3Config": {"bucketName": bucket, "keyPrefix": f"bedrock/{region}/"},
                    "textDataDeliveryEnabled": True,
                },
            )

    logs, cw = acct.client("logs", home), acct.client("cloudwatch", home)
    topic = confirmed_email_topic(acct, home, MEMBER_TOPIC, f"secops-{acct.account_id}@example.com")
    count = len(dc.METRIC_FILTERS)
    for k in range(MEMBER_FILTERS_PER_ACCOUNT):
        mf = dc.METRIC_FILTERS[(index + k) % count]
        put_filter(logs, MEMBER_LOG_GROUP, mf.filter_name, mf.pattern, mf.metric)
        put_alarm(cw, dc.alarm_for_metric(mf.metric), [topic])


def seed_fleet(
    session_for_account: Callable[[str], boto3.Session],
    *,
    accounts: int = 5,
    regions: Sequence[str] = FLEET_REGIONS,
    endpoint_url: str | None = None,
) -> Fleet:
    """Write the fleet and return what was written.

    ``session_for_account(account_id)`` returns a ``boto3.Session`` with credentials of
    that account (for moto: an assumed ``OrganizationAccountAccessRole``); it is called
    once per account. The first region is the management account's home region.
    ``endpoint_url`` sends the writes to a moto server.
    """
    if accounts < 1:
        raise ValueError("a fleet needs at least one account")
    if not regions:
        raise ValueError("a fleet needs at least one region")
    moto_ext.install()
    regions = tuple(regions)
    home = regions[0]
    ids = fleet_account_ids(accounts)
    clients = _Clients(home, endpoint_url)
    writers = [_Writer(clients, session_for_account(a), a, home) for a in ids]
    management, members = writers[0], writers[1:]

    org = management.client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    for member in members:
        handshake = org.invite_account_to_organization(
            Target={"Id": member.account_id, "Type": "ACCOUNT"}, Notes="aiposture fleet"
        )["Handshake"]
        member.client("organizations", "us-east-1").accept_handshake(HandshakeId=handshake["Id"])

    org_trail_arn = _seed_management(management, regions)
    with_trail: list[str] = []
    for index, member in enumerate(members, start=1):
        if index % 2 == 1:
            _seed_member(member, index, regions)
            with_trail.append(member.account_id)
    ai_accounts = seed_fleet_ai(members, regions)
    key_id, secret = seed_auditor(management)
    return Fleet(
        management_account_id=management.account_id,
        account_ids=ids,
        regions=regions,
        org_trail_arn=org_trail_arn,
        member_trail_accounts=tuple(sorted(with_trail)),
        auditor_access_key_id=key_id,
        auditor_secret_access_key=secret,
        config=fleet_config(regions),
        ai_accounts=ai_accounts,
    )


@dataclass(frozen=True)
class FleetEnvironment:
    """A seeded in-process fleet: what was written and a factory for the auditor's scan."""

    fleet: Fleet
    factory: SessionFactory

    @property
    def options(self) -> CollectOptions:
        """Collect options for an organization scan of the fleet's regions."""
        return CollectOptions(org=True, regions=self.fleet.regions, role_name=ORG_ROLE_NAME)

    def collect(self) -> Snapshot:
        """Run the real collectors over the whole organization."""
        return collect(self.factory, self.options)


@dataclass(frozen=True)
class FleetServer:
    """A seeded moto HTTP server: point ``AWS_ENDPOINT_URL`` at ``endpoint_url``."""

    endpoint_url: str
    fleet: Fleet

    @property
    def credentials(self) -> dict[str, str]:
        """Environment variables for the fleet's auditor identity."""
        return {
            "AWS_ACCESS_KEY_ID": self.fleet.auditor_access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.fleet.auditor_secret_access_key,
            "AWS_DEFAULT_REGION": self.fleet.regions[0],
        }

    def auditor_session(self) -> boto3.Session:
        """A ``boto3.Session`` with the auditor's keys (pair it with ``endpoint_url``)."""
        return boto3.Session(
            aws_access_key_id=self.fleet.auditor_access_key_id,
            aws_secret_access_key=self.fleet.auditor_secret_access_key,
            region_name=self.fleet.regions[0],
        )


@contextmanager
def fleet_environment(
    accounts: int = 5, regions: Sequence[str] = FLEET_REGIONS
) -> Iterator[FleetEnvironment]:
    """Start ``mock_aws()``, patch moto, seed the fleet and yield it with a scan factory.

    As :func:`~aiposture.demo.environment.demo_environment`: dummy credentials inside the
    context only, profiles, config files and ``AWS_ENDPOINT_URL`` hidden.
    """
    from moto import mock_aws

    env = {**DUMMY_CREDENTIALS, **MOTO_SETTINGS, "AWS_DEFAULT_REGION": regions[0]}
    with (
        scoped_env(env, CLEARED_ENV),
        mock_aws(config={"core": {"mock_credentials": False}}),
    ):
        moto_ext.install()
        bootstrap = boto3.Session(region_name=regions[0])
        fleet = seed_fleet(assumer(bootstrap, None), accounts=accounts, regions=regions)
        auditor = boto3.Session(
            aws_access_key_id=fleet.auditor_access_key_id,
            aws_secret_access_key=fleet.auditor_secret_access_key,
            region_name=regions[0],
        )
        yield FleetEnvironment(fleet=fleet, factory=SessionFactory(session=auditor))


@contextmanager
def fleet_server(
    accounts: int = 5,
    regions: Sequence[str] = FLEET_REGIONS,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[FleetServer]:
    """Start moto's HTTP server in this process (``port`` 0: a free port) and seed the fleet.

    The server's state is reset when the context exits.
    """
    with seeded_server(fleet_seeder(accounts, regions), regions[0], host, port) as (
        endpoint,
        fleet,
    ):
        yield FleetServer(endpoint_url=endpoint, fleet=fleet)


def fleet_seeder(accounts: int, regions: Sequence[str]) -> Seeder[Fleet]:
    """A seeder (see :func:`aiposture.demo.environment.seeded_server`) that writes the fleet."""

    def seed(session_for: Callable[[str], Any], endpoint: str) -> Fleet:
        return seed_fleet(session_for, accounts=accounts, regions=regions, endpoint_url=endpoint)

    return seed


def main(argv: Sequence[str] | None = None) -> int:
    """Time seeding a fleet in-process: ``python -m aiposture.testing.fleet --accounts 50``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="aiposture.testing.fleet", description=main.__doc__)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--regions", type=int, default=len(FLEET_REGIONS), choices=range(1, 5))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with fleet_environment(accounts=args.accounts, regions=FLEET_REGIONS[: args.regions]) as env:
        fleet, seeded = env.fleet, time.perf_counter() - started
        size = f"{len(fleet.account_ids)} accounts x {len(fleet.regions)} regions"
        print(f"seeded {size} in {seeded:.2f} s ({len(fleet.ai_accounts)} with AI resources)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
