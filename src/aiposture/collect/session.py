"""Sessions and guarded clients: the only place that creates boto3 clients.

Credentials come from the standard chain (profiles, SSO, environment, instance roles).
The endpoint comes from ``endpoint_url`` when given, else from botocore's own
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>`` support.

Every client this module hands out has the read-only guard installed with
:data:`~aiposture.collect.guard.COLLECTOR_OPERATIONS`. The single exception is the
dedicated STS client that :meth:`SessionFactory.assume` uses for ``sts:AssumeRole``: it
is guarded with an allow-list of exactly that operation, which returns temporary
credentials and changes nothing in any account. The collectors never get that client.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

import boto3
import botocore.session
from botocore.config import Config as BotoConfig
from botocore.exceptions import ProfileNotFound

from aiposture import __version__
from aiposture.collect.guard import (
    COLLECTOR_OPERATIONS,
    CREDENTIAL_OPERATIONS,
    install_read_only_guard,
)
from aiposture.collect.recorder import CREDENTIAL_FAILURES, call_error_from, credentials_error
from aiposture.errors import AiPostureError, CollectionError, ConfigError
from aiposture.snapshot.models import CallError

ROLE_SESSION_NAME = "aiposture"
"""The ``RoleSessionName`` of every assumed role: it shows in the target account's CloudTrail."""

PARTITION_DEFAULT_REGION = {
    "aws": "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-iso": "us-iso-east-1",
    "aws-iso-b": "us-isob-east-1",
}
"""The region used for global calls (STS, Organizations, EC2 DescribeRegions) per partition."""

ClientObserver = Callable[[Any], None]
"""Called with every client the factory creates (tests use it to record or inject calls)."""


def arn_partition(arn: str) -> str:
    """Return the partition of an ARN (``aws`` when the ARN is malformed)."""
    parts = arn.split(":")
    return parts[1] if len(parts) > 5 and parts[0] == "arn" and parts[1] else "aws"


def arn_account(arn: str) -> str | None:
    """Return the account id field of an ARN, or ``None`` when it has none."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


def partition_default_region(partition: str) -> str:
    """Return the region aiposture uses for global services in ``partition``."""
    return PARTITION_DEFAULT_REGION.get(partition, "us-east-1")


class AssumeRoleError(CollectionError):
    """``sts:AssumeRole`` failed for one role; the scan records it and goes on."""

    def __init__(self, message: str, call_error: CallError) -> None:
        super().__init__(message)
        self.call_error = call_error


class SessionFactory:
    """Creates boto3 sessions (base and assumed) and cached, read-only-guarded clients.

    ``profile`` selects a named AWS profile; ``endpoint_url`` sends every call to one
    endpoint (a moto server, a proxy); ``session`` injects a ready ``boto3.Session``
    (tests and the demo); ``on_client`` is called with every new client.
    """

    def __init__(
        self,
        profile: str | None = None,
        endpoint_url: str | None = None,
        session: boto3.Session | None = None,
        *,
        on_client: ClientObserver | None = None,
    ) -> None:
        self.profile = profile
        self.endpoint_url = endpoint_url
        self._session = session
        self._on_client = on_client
        self._lock = threading.RLock()
        self._clients: dict[tuple[int, str, str], Any] = {}
        self._sessions: dict[int, boto3.Session] = {}
        self._config = BotoConfig(
            retries={"mode": "adaptive", "max_attempts": 10},
            user_agent_extra=f"aiposture/{__version__}",
        )

    def base_session(self) -> boto3.Session:
        """Return the scanning identity's session (ConfigError for an unknown profile)."""
        with self._lock:
            if self._session is None:
                try:
                    self._session = boto3.Session(profile_name=self.profile)
                except ProfileNotFound as exc:
                    name = self.profile or exc.kwargs.get("profile")
                    raise ConfigError(f"AWS profile '{name}' does not exist") from exc
            return self._session

    def default_region(self, partition: str = "aws") -> str:
        """Return the base session's region if it is in ``partition``, else the default."""
        region = self.base_session().region_name
        fallback = partition_default_region(partition)
        if region and partition_of_region(region) == partition:
            return str(region)
        return fallback

    def client(self, session: boto3.Session, service: str, region: str) -> Any:
        """Return a read-only-guarded client for ``service`` in ``region`` (cached)."""
        return self._client(session, service, region, COLLECTOR_OPERATIONS)

    def _client(
        self,
        session: boto3.Session,
        service: str,
        region: str,
        allowed: frozenset[tuple[str, str]],
    ) -> Any:
        key = (id(session), service if allowed is COLLECTOR_OPERATIONS else f"{service}!", region)
        with self._lock:
            cached = self._clients.get(key)
            if cached is not None:
                return cached
            client = cast(Any, session).client(
                service,
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=self._config,
            )
            install_read_only_guard(client, allowed)
            if self._on_client is not None:
                self._on_client(client)
            self._clients[key] = client
            self._sessions[id(session)] = session  # keeps id(session) unique while cached
            return client

    def assume(
        self,
        role_arn: str,
        *,
        external_id: str | None = None,
        session_name: str = ROLE_SESSION_NAME,
    ) -> boto3.Session:
        """Return a session with the temporary credentials of ``role_arn`` (sts:AssumeRole).

        ``external_id`` is sent when the role's trust policy requires one; ``session_name``
        names the session in the member account's CloudTrail. Raises
        :class:`AssumeRoleError` (carrying the :class:`CallError`) when the role cannot be
        assumed, and :class:`CredentialsError` when the base credentials are missing or
        unusable.
        """
        partition = arn_partition(role_arn)
        region = self.default_region(partition)
        sts = self._client(self.base_session(), "sts", region, CREDENTIAL_OPERATIONS)
        params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name}
        if external_id is not None:
            params["ExternalId"] = external_id
        try:
            resp = sts.assume_role(**params)
        except AiPostureError:
            raise
        except CREDENTIAL_FAILURES as exc:
            raise credentials_error(exc) from exc
        except Exception as exc:  # the caller records exc.call_error
            error = call_error_from(
                exc,
                service="sts",
                operation="AssumeRole",
                region=region,
                account_id=arn_account(role_arn),
                resource=role_arn,
            )
            raise AssumeRoleError(
                f"cannot assume {role_arn}: {error.error_code}: {error.message}", error
            ) from exc
        creds = resp["Credentials"]
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=self.base_session().region_name,
            botocore_session=self._child_botocore_session(),
        )

    def _child_botocore_session(self) -> Any:
        """Create a botocore session that shares the base session's model loader (and cache)."""
        child = botocore.session.Session()
        parent = getattr(self.base_session(), "_session", None)
        if parent is not None:
            child.register_component("data_loader", parent.get_component("data_loader"))
        return child


def partition_of_region(region: str) -> str:
    """Return the partition a region name belongs to (by its prefix)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-iso-"):
        return "aws-iso"
    return "aws"
