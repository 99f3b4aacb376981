"""The collectors: the only code that talks to AWS, and only with read calls.

:func:`collect` reads the scanning identity's own account and every account reached
through ``assume_roles`` into one :class:`~aiposture.snapshot.models.Snapshot`. A call
that fails is recorded as a :class:`~aiposture.snapshot.models.CallError` next to the
evidence it would have produced; one account that denies access never stops the scan.
Only a scan that cannot start at all (no credentials, STS unreachable) raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aiposture import __version__
from aiposture.collect import sts
from aiposture.collect.account import Progress, collect_account
from aiposture.collect.guard import COLLECTOR_OPERATIONS, install_read_only_guard
from aiposture.collect.org import (
    DEFAULT_ROLE_NAME,
    OrgPlan,
    discover_organization,
    member_role_arn,
    role_session_name,
    validate_external_id,
)
from aiposture.collect.recorder import (
    CREDENTIAL_FAILURES,
    client_error_code,
    client_error_message,
    credentials_error,
    record_call,
)
from aiposture.collect.session import (
    AssumeRoleError,
    SessionFactory,
    arn_account,
    arn_partition,
)
from aiposture.errors import AiPostureError, CollectionError, ConfigError, CredentialsError
from aiposture.snapshot.models import (
    AccountSnapshot,
    CallerIdentity,
    CallError,
    Snapshot,
    ToolInfo,
)

__all__ = [
    "COLLECTOR_OPERATIONS",
    "CollectOptions",
    "SessionFactory",
    "collect",
    "install_read_only_guard",
]

ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
"""The shape of an IAM role ARN accepted by ``assume_roles``."""

REJECTED_CREDENTIALS_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
    }
)
"""STS error codes meaning that AWS rejected the credentials themselves."""


@dataclass(frozen=True)
class CollectOptions:
    """What to scan.

    ``regions`` None scans every enabled region of each account (order kept when given).
    ``assume_roles`` are role ARNs of further accounts; the caller's own account is always
    scanned. ``progress`` receives one line per step.
    """

    regions: Sequence[str] | None = None
    assume_roles: Sequence[str] = ()
    progress: Progress | None = None
    org: bool = False
    """Scan every active account of the organization instead of ``assume_roles``."""
    role_name: str = DEFAULT_ROLE_NAME
    external_id: str | None = None
    accounts: Sequence[str] | None = None
    exclude_accounts: Sequence[str] = ()


@dataclass
class _Target:
    """One account to scan: its session (None when unreachable) and the errors so far."""

    account_id: str
    session: Any = None
    identity_arn: str | None = None
    errors: list[CallError] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def validate_role_arns(role_arns: Sequence[str]) -> None:
    """Raise :class:`ConfigError` for the first value that is not an IAM role ARN."""
    for arn in role_arns:
        if not ROLE_ARN_RE.match(arn):
            raise ConfigError(
                f"'{arn}' is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)"
            )


def scanning_identity(factory: SessionFactory) -> CallerIdentity:
    """STS GetCallerIdentity with the base credentials; the scan cannot run without it.

    Raises :class:`CredentialsError` when credentials are missing or rejected and
    :class:`CollectionError` when STS cannot be reached.
    """
    session = factory.base_session()
    region = factory.default_region()
    try:
        return sts.caller_identity(factory.client(session, "sts", region))
    except AiPostureError:
        raise
    except CREDENTIAL_FAILURES as exc:
        raise credentials_error(exc) from exc
    except ClientError as exc:
        code, message = client_error_code(exc), client_error_message(exc)
        if code in REJECTED_CREDENTIALS_CODES:
            raise CredentialsError(f"AWS rejected the credentials ({code}): {message}") from exc
        raise CollectionError(f"sts:GetCallerIdentity failed ({code}): {message}") from exc
    except BotoCoreError as exc:
        raise CollectionError(f"cannot reach AWS STS in {region}: {exc}") from exc


def _assumed_target(
    factory: SessionFactory,
    role_arn: str,
    account_id: str,
    partition: str,
    external_id: str | None = None,
) -> _Target:
    try:
        session = factory.assume(
            role_arn, external_id=external_id, session_name=role_session_name()
        )
    except AssumeRoleError as exc:
        return _Target(account_id=account_id, errors=[exc.call_error])
    errors: list[CallError] = []
    region = factory.default_region(partition)
    ident = record_call(
        errors,
        lambda: sts.caller_identity(factory.client(session, "sts", region)),
        service="sts",
        operation="GetCallerIdentity",
        region=region,
        account_id=account_id,
        resource=role_arn,
    )
    return _Target(
        account_id=ident.account if ident else account_id,
        session=session,
        identity_arn=ident.arn if ident else None,
        errors=errors,
    )


def _plan_targets(
    factory: SessionFactory,
    identity: CallerIdentity,
    role_arns: Sequence[str],
    partition: str,
    say: Progress | None,
) -> list[_Target]:
    """List the caller's account first, then one target per further account, in order."""
    own = _Target(
        account_id=identity.account, session=factory.base_session(), identity_arn=identity.arn
    )
    targets: dict[str, _Target] = {identity.account: own}
    own_role_tried = False
    for role_arn in role_arns:
        account_id = arn_account(role_arn) or role_arn
        is_own = account_id == identity.account
        if own_role_tried if is_own else account_id in targets:
            continue
        if say:
            say(f"{account_id}: assuming {role_arn}")
        target = _assumed_target(factory, role_arn, account_id, partition)
        if is_own:
            own_role_tried = True
            if target.session is None:  # keep scanning the own account with the base credentials
                own.errors.extend(target.errors)
                continue
        targets[account_id] = target
    return list(targets.values())


def _org_targets(
    factory: SessionFactory,
    identity: CallerIdentity,
    plan: OrgPlan,
    options: CollectOptions,
    partition: str,
    say: Progress | None,
) -> list[_Target]:
    """One target per account of the plan, in its order.

    The scanning identity's own account is read with the base credentials, every other
    account through ``options.role_name``.
    """
    targets: list[_Target] = []
    for account_id in plan.account_ids:
        if account_id == identity.account:
            targets.append(
                _Target(
                    account_id=account_id,
                    session=factory.base_session(),
                    identity_arn=identity.arn,
                )
            )
            continue
        role_arn = member_role_arn(partition, account_id, options.role_name)
        if say:
            say(f"{account_id}: assuming {role_arn}")
        targets.append(
            _assumed_target(factory, role_arn, account_id, partition, options.external_id)
        )
    return targets


def collect(factory: SessionFactory, options: CollectOptions) -> Snapshot:
    """Read every account and region in scope into a :class:`Snapshot`.

    The caller's account is scanned first, then each account of ``options.assume_roles``
    in order, each once. A role in the caller's own account replaces the base credentials
    for that account. A role that cannot be assumed gives an account with only that
    ``sts:AssumeRole`` :class:`CallError`.
    """
    validate_role_arns(options.assume_roles)
    say = options.progress
    started = _now()
    identity = scanning_identity(factory)
    partition = arn_partition(identity.arn)

    scan_errors: list[CallError] = []
    if options.org:
        if options.external_id is not None:
            validate_external_id(options.external_id)
        plan = discover_organization(
            factory,
            factory.base_session(),
            partition,
            accounts=options.accounts,
            exclude_accounts=options.exclude_accounts,
            say=say,
        )
        scan_errors = list(plan.errors)
        targets = _org_targets(factory, identity, plan, options, partition, say)
    else:
        targets = _plan_targets(factory, identity, options.assume_roles, partition, say)

    accounts: list[AccountSnapshot] = []
    for target in targets:
        if target.session is None:
            accounts.append(AccountSnapshot(account_id=target.account_id, errors=target.errors))
            continue
        acct = collect_account(
            factory,
            target.session,
            account_id=target.account_id,
            identity_arn=target.identity_arn,
            partition=partition,
            regions=list(options.regions) if options.regions is not None else None,
            progress=say,
        )
        acct.errors[:0] = target.errors
        accounts.append(acct)

    return Snapshot(
        tool=ToolInfo(version=__version__),
        started_at=started,
        finished_at=_now(),
        identity=identity,
        partition=partition,
        regions_requested=list(options.regions) if options.regions is not None else None,
        accounts=accounts,
        errors=scan_errors,
    )
