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
from dataclasses import dataclass
from typing import Any, cast

import boto3
import botocore.session
from botocore.config import Config as BotoConfig
from botocore.credentials import (
    CredentialProvider,
    CredentialResolver,
    Credentials,
    ReadOnlyCredentials,
)
from botocore.exceptions import ProfileNotFound

from aiposture import __version__
from aiposture.collect.botocore_data import boto3_session, shared_loader
from aiposture.collect.deadline import Timeouts, install_call_budget
from aiposture.collect.guard import (
    COLLECTOR_OPERATIONS,
    CREDENTIAL_OPERATIONS,
    install_read_only_guard,
)
from aiposture.collect.partitions import DEFAULT_PARTITION, global_region, partition_of_region
from aiposture.collect.recorder import CREDENTIAL_FAILURES, call_error_from, credentials_error
from aiposture.collect.responses import install_response_check
from aiposture.errors import AiPostureError, CollectionCancelled, CollectionError, ConfigError
from aiposture.snapshot.models import CallError

ROLE_SESSION_NAME = "aiposture"
"""The ``RoleSessionName`` of every assumed role: it shows in the target account's CloudTrail."""

ClientObserver = Callable[[Any], None]
"""Called with every client the factory creates (tests use it to record or inject calls)."""

DEFAULT_MAX_ATTEMPTS = 10
"""botocore's standard retry mode gets this many attempts per call (throttling is absorbed).

Why ``standard`` and not ``adaptive``: the AWS SDKs and Tools Reference Guide ("Retry
behavior") recommends ``standard`` and calls ``adaptive`` a mode "appropriate only for
specialized use-cases", not for multi-tenant use; the SDK for Java documents why: adaptive
mode's client-side rate limiter "assumes that the client is working against a single
resource", so "throttling ... associated with one resource will result in increased
latency ... when accessing all other resources via the same client". A scan's client
serves every operation of one service in one account and region (a throttled
``ListMetrics`` would slow ``DescribeAlarms`` down). Both modes retry throttling with
exponential back-off and jitter up to this many attempts; measured on the organization
benchmark (``python -m benchmarks --only org``, 50 accounts x 4 regions, 5% throttled),
standard mode took 53.6 s and 54.9 s where adaptive took 57.7 s and 63.8 s, for the same
7,623 calls.
"""

_CANCEL_ID = "aiposture-cancel"


@dataclass(frozen=True)
class TemporaryCredentials:
    """The temporary credentials ``sts:AssumeRole`` returned for one role."""

    access_key_id: str
    secret_access_key: str
    session_token: str


@dataclass(frozen=True)
class AccountAccess:
    """How the scan reaches one account.

    ``credentials`` None means the scanning identity's own (base) credentials; otherwise
    the temporary credentials of the role assumed in that account. ``identity_arn`` is the
    principal the calls are made as, when known.
    """

    account_id: str
    identity_arn: str | None = None
    credentials: TemporaryCredentials | None = None


class UnitCredentials:
    """The credentials of the unit a worker runs now: every client of the worker signs with them.

    A worker keeps its clients for the whole scan, one per service and region, and lends
    them to each unit it runs (:class:`UnitClients`), because creating a botocore client
    costs more CPU than a scan's calls do (botocore builds a method per operation and
    copies the session's event handlers for each one). botocore reads a client's
    credentials when it signs each request (``RequestSigner.get_auth_instance`` calls
    ``get_frozen_credentials``), so the account a call reaches is the one :meth:`bind`
    set: the assumed role's temporary credentials, or the scanning identity's own
    (refreshing ones included) when the access has none. Outside a unit the object
    refuses to sign, so a call can never go out as another unit's account.
    """

    method = "aiposture-unit"
    """How botocore names the source of these credentials."""

    def __init__(self, base: Callable[[], Credentials | None]) -> None:
        self._base = base
        self._access: AccountAccess | None = None

    @property
    def access(self) -> AccountAccess | None:
        """The account the worker's clients reach now (None between units)."""
        return self._access

    def bind(self, access: AccountAccess | None) -> None:
        """Sign every later request as ``access`` (None: refuse to sign)."""
        self._access = access

    def get_frozen_credentials(self) -> ReadOnlyCredentials | None:
        """The keys to sign the next request with (None when the base identity has none)."""
        access = self._access
        if access is None:
            raise CollectionError("a scan client was used outside the unit it was lent to")
        if access.credentials is None:
            base = self._base()
            return None if base is None else base.get_frozen_credentials()
        creds = access.credentials
        return ReadOnlyCredentials(
            creds.access_key_id, creds.secret_access_key, creds.session_token
        )

    def get_deferred_property(self, property_name: str) -> Callable[[], None]:
        """The ``AccountId`` endpoint parameter (botocore asks; only DynamoDB uses it): not given."""
        return lambda: None


class _UnitCredentialsProvider(CredentialProvider):
    """Hands a worker's botocore session its :class:`UnitCredentials`."""

    METHOD = "aiposture-unit"
    CANONICAL_NAME = "aiposture-unit"

    def __init__(self, credentials: UnitCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> Credentials | None:
        return cast(Credentials, self._credentials)


class UnitClients:
    """The clients of one unit of work (one account, one region), lent by the unit's worker.

    Calling it with ``(service, region)`` returns a read-only-guarded client that reaches
    the unit's account. Use it as a context manager around the unit: entering binds the
    worker's :class:`UnitCredentials` to :attr:`access`, leaving unbinds them, so the
    worker's clients (kept for the next unit) sign nothing after the unit ends.
    """

    def __init__(self, factory: SessionFactory, access: AccountAccess) -> None:
        self._factory = factory
        self.access = access
        """The account these clients reach."""
        self._clients: dict[tuple[str, str], Any] = {}

    def __enter__(self) -> UnitClients:
        self._factory.unit_credentials().bind(self.access)
        return self

    def __exit__(self, *_: object) -> None:
        self._factory.unit_credentials().bind(None)

    def __call__(self, service: str, region: str) -> Any:
        """Return the guarded client for ``service`` in ``region`` (the worker's own).

        The first request for a client must come from the unit's own thread, inside the
        ``with`` block; later requests may come from the threads the unit hands work to
        (the inventory readers), which only send calls on it.
        """
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            if self._factory.unit_credentials().access is not self.access:
                raise CollectionError(
                    f"a client for account {self.access.account_id} was asked for outside "
                    "its unit's thread"
                )
            client = self._factory.worker_client(service, region)
            self._clients[key] = client
        return client


def arn_partition(arn: str) -> str:
    """Return the partition of an ARN (``aws`` when the ARN is malformed)."""
    parts = arn.split(":")
    return parts[1] if len(parts) > 5 and parts[0] == "arn" and parts[1] else "aws"


def arn_account(arn: str) -> str | None:
    """Return the account id field of an ARN, or ``None`` when it has none."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


class AssumeRoleError(CollectionError):
    """``sts:AssumeRole`` failed for one role; the scan records it and goes on."""

    def __init__(self, message: str, call_error: CallError) -> None:
        super().__init__(message)
        self.call_error = call_error


class SessionFactory:
    """Creates boto3 sessions (base and assumed) and cached, read-only-guarded clients.

    ``profile`` selects a named AWS profile; ``endpoint_url`` sends every call to one
    endpoint (a moto server, a proxy); ``session`` injects a ready ``boto3.Session``
    (tests and the demo); ``on_client`` is called with every new client. Every client
    checks its answers (:mod:`aiposture.collect.responses`) and keeps each call within
    ``timeouts`` (:mod:`aiposture.collect.deadline`).
    """

    def __init__(
        self,
        profile: str | None = None,
        endpoint_url: str | None = None,
        session: boto3.Session | None = None,
        *,
        on_client: ClientObserver | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.profile = profile
        self.endpoint_url = endpoint_url
        self._session = session
        self._on_client = on_client
        self._lock = threading.RLock()
        self._clients: dict[tuple[int, str, str], Any] = {}
        self._sessions: dict[int, boto3.Session] = {}
        self._local = threading.local()
        self._cancelled = threading.Event()
        self.timeouts = timeouts or Timeouts()
        """The per-attempt timeouts and the budget of each call."""
        self._config = BotoConfig(
            retries={"mode": "standard", "max_attempts": DEFAULT_MAX_ATTEMPTS},
            user_agent_extra=f"aiposture/{__version__}",
            max_pool_connections=4,
            connect_timeout=self.timeouts.connect_s,
            read_timeout=self.timeouts.read_s,
        )

    def cancel(self) -> None:
        """Stop the scan: every later call on any of this factory's clients raises.

        The call raises :class:`~aiposture.errors.CollectionCancelled` before it is sent,
        so worker threads wind down at their next call instead of finishing their unit.
        """
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled.is_set()

    def _check_cancelled(self, **_: Any) -> None:
        if self._cancelled.is_set():
            raise CollectionCancelled("the scan was interrupted")

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

    @property
    def partition(self) -> str:
        """The partition of the configured region (botocore's data); ``aws`` without one.

        The scanning identity's first call (STS GetCallerIdentity) goes to this
        partition, so GovCloud and China credentials are sent to their own endpoints.
        """
        region = self.base_session().region_name
        return partition_of_region(str(region)) if region else DEFAULT_PARTITION

    def default_region(self, partition: str | None = None) -> str:
        """The region for global calls in ``partition`` (default: :attr:`partition`).

        The configured region when it belongs to ``partition``, else the partition's
        :func:`~aiposture.collect.partitions.global_region`.
        """
        wanted = partition or self.partition
        region = self.base_session().region_name
        if region and partition_of_region(str(region)) == wanted:
            return str(region)
        return global_region(wanted)

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
            client = self._new_client(session, service, region, allowed)
            self._clients[key] = client
            self._sessions[id(session)] = session  # keeps id(session) unique while cached
            return client

    def _new_client(
        self,
        session: boto3.Session,
        service: str,
        region: str,
        allowed: frozenset[tuple[str, str]],
    ) -> Any:
        """Create one client with the guard, the cancel check and the observer installed."""
        client = cast(Any, session).client(
            service, region_name=region, endpoint_url=self.endpoint_url, config=self._config
        )
        install_read_only_guard(client, allowed)
        install_response_check(client)
        install_call_budget(client, self.timeouts)
        client.meta.events.register_first(
            "provide-client-params", self._check_cancelled, unique_id=_CANCEL_ID
        )
        if self._on_client is not None:
            self._on_client(client)
        return client

    def worker_session(self) -> boto3.Session:
        """Return this thread's own boto3 session (boto3 sessions are not thread-safe).

        It shares the base session's model loader (and its cache); its credentials are
        the thread's :class:`UnitCredentials`, which sign as the account of the unit the
        thread runs (the base session's own credentials, refreshing ones included, when
        the unit assumed no role).
        """
        session = getattr(self._local, "session", None)
        if session is None:
            base = self.base_session()
            child = self._child_botocore_session()
            credentials = UnitCredentials(base.get_credentials)
            resolver = CredentialResolver([_UnitCredentialsProvider(credentials)])
            child.register_component("credential_provider", resolver)
            session = boto3_session(child, region_name=base.region_name)
            self._local.session = session
            self._local.credentials = credentials
            self._local.clients = {}
        return session

    def unit_credentials(self) -> UnitCredentials:
        """Return this thread's :class:`UnitCredentials` (what its clients sign as)."""
        self.worker_session()
        return cast(UnitCredentials, self._local.credentials)

    def worker_client(self, service: str, region: str) -> Any:
        """Return this thread's guarded client for ``service`` in ``region``, created once.

        It signs as whatever account :meth:`unit_credentials` is bound to (see
        :class:`UnitClients`); the thread keeps it for every later unit.
        """
        session = self.worker_session()
        clients: dict[tuple[str, str], Any] = self._local.clients
        client = clients.get((service, region))
        if client is None:
            client = self._new_client(session, service, region, COLLECTOR_OPERATIONS)
            clients[(service, region)] = client
        return client

    def unit_clients(self, access: AccountAccess) -> UnitClients:
        """Return the clients of one unit reaching ``access`` (see :class:`UnitClients`)."""
        return UnitClients(self, access)

    def assume(
        self,
        role_arn: str,
        *,
        external_id: str | None = None,
        session_name: str = ROLE_SESSION_NAME,
    ) -> boto3.Session:
        """Return a session with the temporary credentials of ``role_arn`` (sts:AssumeRole).

        See :meth:`assume_access` for the arguments and errors.
        """
        creds = self.assume_access(
            role_arn, external_id=external_id, session_name=session_name
        ).credentials
        assert creds is not None
        return boto3_session(
            self._child_botocore_session(),
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
            aws_session_token=creds.session_token,
            region_name=self.base_session().region_name,
        )

    def assume_access(
        self,
        role_arn: str,
        *,
        external_id: str | None = None,
        session_name: str = ROLE_SESSION_NAME,
    ) -> AccountAccess:
        """Assume ``role_arn`` (sts:AssumeRole) and return how to reach its account.

        ``external_id`` is sent when the role's trust policy requires one; ``session_name``
        names the session in the member account's CloudTrail. The assumed identity comes
        from the response's ``AssumedRoleUser``, so no further call is needed. Raises
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
        assumed = str((resp.get("AssumedRoleUser") or {}).get("Arn") or "") or None
        return AccountAccess(
            account_id=arn_account(assumed or "") or arn_account(role_arn) or role_arn,
            identity_arn=assumed,
            credentials=TemporaryCredentials(
                access_key_id=str(creds["AccessKeyId"]),
                secret_access_key=str(creds["SecretAccessKey"]),
                session_token=str(creds["SessionToken"]),
            ),
        )

    def _child_botocore_session(self) -> Any:
        """Create a botocore session whose model loader is the process's :func:`shared_loader`.

        It is the base session's loader when that one reads other model paths.
        """
        child = botocore.session.Session(profile=self.profile)
        parent = getattr(self.base_session(), "_session", None)
        if parent is not None:
            loader = shared_loader(parent.get_component("data_loader"))
            child.register_component("data_loader", loader)
        return child
