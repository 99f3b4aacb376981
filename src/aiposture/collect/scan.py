"""The scan orchestrator: the only code that talks to AWS, and only with read calls.

:func:`collect` reads the scanning identity's own account and every account reached
through ``assume_roles`` (or, with ``org``, every active account of the organization) into
one :class:`~aiposture.snapshot.models.Snapshot`. The accounts are read by a bounded
worker pool (:mod:`aiposture.collect.scheduler`); with a ``checkpoint`` folder each
account is written as soon as it is done, and ``resume`` collects only the accounts the
folder still misses.

A call that fails is recorded as a :class:`~aiposture.snapshot.models.CallError` next to
the evidence it would have produced; one account that denies access never stops the scan.
Only a scan that cannot start at all (no credentials, STS unreachable) raises, and an
interrupted one (:class:`~aiposture.errors.CollectionCancelled`, naming the folder).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from aiposture import __version__
from aiposture.collect import sts
from aiposture.collect.guard import COLLECTOR_OPERATIONS, install_read_only_guard
from aiposture.collect.history import DEFAULT_PERIOD, HistoryPlan, PeriodRequest, check_rate
from aiposture.collect.org import (
    DEFAULT_ROLE_NAME,
    discover_organization,
    member_role_arn,
    role_session_name,
    validate_external_id,
)
from aiposture.collect.partitions import check_regions
from aiposture.collect.progress import ScanObserver, Silent
from aiposture.collect.recorder import (
    CREDENTIAL_FAILURES,
    client_error_code,
    client_error_message,
    credentials_error,
    malformed_message,
)
from aiposture.collect.responses import MalformedResponse
from aiposture.collect.scheduler import DEFAULT_WORKERS, AccountTarget, Scheduler
from aiposture.collect.session import SessionFactory, arn_account, arn_partition
from aiposture.errors import (
    AiPostureError,
    CollectionCancelled,
    CollectionError,
    ConfigError,
    CredentialsError,
    MalformedAnswerError,
    SnapshotError,
)
from aiposture.snapshot.history import LOOKUP_EVENTS_PER_SECOND, Period
from aiposture.snapshot.models import CallerIdentity, CallError, ScanPlan, Snapshot, ToolInfo
from aiposture.snapshot.shards import check_scan_id, format_shard, plan_scan_id, shard_accounts
from aiposture.snapshot.store import ScanRecord, SnapshotHeader, SnapshotStore

__all__ = [
    "COLLECTOR_OPERATIONS",
    "CollectOptions",
    "SessionFactory",
    "collect",
    "install_read_only_guard",
]

ROLE_ARN_RE = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
"""The shape of an IAM role ARN accepted by ``assume_roles`` (matched against the whole
value with ``fullmatch``, so a trailing newline or space is refused)."""

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
    """What to scan, and how.

    ``regions`` None scans every enabled region of each account (order kept when given).
    ``assume_roles`` are role ARNs of further accounts; the caller's own account is always
    scanned. With ``org`` every active account of the organization is scanned through
    ``role_name`` instead. ``workers`` units run at once. ``shard`` ``(K, N)`` keeps the
    accounts of shard K of N. ``checkpoint`` is a snapshot folder that receives each
    account as soon as it is done; with ``resume`` it is an existing folder whose missing
    accounts are collected (the plan, regions, roles and period then come from the folder).
    With ``history`` each account-region's event history over ``period`` (default: the last
    90 days, resolved against the scan's start) is read with LookupEvents at
    ``lookup_events_per_second`` per account-region.
    """

    regions: Sequence[str] | None = None
    assume_roles: Sequence[str] = ()
    org: bool = False
    """Scan every active account of the organization instead of ``assume_roles``."""
    role_name: str = DEFAULT_ROLE_NAME
    external_id: str | None = None
    accounts: Sequence[str] | None = None
    exclude_accounts: Sequence[str] = ()
    workers: int = DEFAULT_WORKERS
    shard: tuple[int, int] | None = None
    observer: ScanObserver | None = None
    checkpoint: Path | None = None
    resume: bool = False
    scan_id: str | None = None
    """The scan id to record (the same for every shard of one run, e.g. the CI run id);
    ``None``: a hash of the plan (:func:`~aiposture.snapshot.shards.plan_scan_id`)."""
    history: bool = False
    """Read the event history of the audit period (LookupEvents) of every account-region."""
    period: Period | PeriodRequest | None = None
    """The audit period: a fixed :class:`Period`, or a request resolved against the scan's
    start (``None``: the last 90 days). Only read with ``history``."""
    lookup_events_per_second: float = LOOKUP_EVENTS_PER_SECOND
    """LookupEvents calls per second per account-region (AWS allows 2)."""


def _now() -> datetime:
    return datetime.now(UTC)


def validate_role_arns(role_arns: Sequence[str]) -> None:
    """Raise :class:`ConfigError` for the first value that is not an IAM role ARN."""
    for arn in role_arns:
        if not ROLE_ARN_RE.fullmatch(arn):
            raise ConfigError(
                f"{arn!r} is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)"
            )


def scanning_identity(factory: SessionFactory) -> CallerIdentity:
    """STS GetCallerIdentity with the base credentials; the scan cannot run without it.

    The call goes to STS in the partition of the configured region (GovCloud and China
    credentials are valid only there). Raises :class:`CredentialsError` when credentials
    are missing or rejected, :class:`MalformedAnswerError` (exit 2) when the answer is not
    AWS's, and :class:`CollectionError` when STS cannot be reached.
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
            raise CredentialsError(
                f"AWS rejected the credentials ({code}): {message} (sent to STS in {region}, "
                f"partition {factory.partition}; GovCloud and China credentials need AWS_REGION "
                "set to one of their regions)"
            ) from exc
        raise CollectionError(f"sts:GetCallerIdentity failed ({code}): {message}") from exc
    except ResponseParserError as exc:
        raise MalformedAnswerError(malformed_message(exc, "sts", "GetCallerIdentity")) from exc
    except MalformedResponse as exc:  # an answer, not an unreachable endpoint: exit 2
        raise MalformedAnswerError(" ".join(str(exc).split())) from exc
    except BotoCoreError as exc:
        raise CollectionError(
            f"cannot reach AWS STS in {region} (sts:GetCallerIdentity): {exc}"
        ) from exc


def _own(identity: CallerIdentity) -> AccountTarget:
    return AccountTarget(account_id=identity.account, identity_arn=identity.arn)


def role_targets(identity: CallerIdentity, role_arns: Sequence[str]) -> list[AccountTarget]:
    """The caller's account first, then one target per further account, in order.

    A role in the caller's own account replaces the base credentials for that account
    (falling back to them, with the error recorded, when it cannot be assumed). A second
    role for an account already planned is ignored.
    """
    targets: dict[str, AccountTarget] = {identity.account: _own(identity)}
    own_role_seen = False
    for role_arn in role_arns:
        account_id = arn_account(role_arn) or role_arn
        if account_id == identity.account:
            if not own_role_seen:
                own_role_seen = True
                targets[account_id] = AccountTarget(
                    account_id=account_id,
                    role_arn=role_arn,
                    identity_arn=identity.arn,
                    session_name=role_session_name(),
                    fallback_to_base=True,
                )
            continue
        targets.setdefault(
            account_id,
            AccountTarget(
                account_id=account_id, role_arn=role_arn, session_name=role_session_name()
            ),
        )
    return list(targets.values())


def org_targets(
    identity: CallerIdentity,
    account_ids: Sequence[str],
    partition: str,
    role_name: str,
    external_id: str | None,
) -> list[AccountTarget]:
    """One target per organization account: the caller's own with its own credentials."""
    return [
        _own(identity)
        if account_id == identity.account
        else AccountTarget(
            account_id=account_id,
            role_arn=member_role_arn(partition, account_id, role_name),
            external_id=external_id,
            session_name=role_session_name(),
        )
        for account_id in account_ids
    ]


@dataclass
class _Plan:
    header: SnapshotHeader
    targets: list[AccountTarget]
    planned: list[str]
    history_end: datetime | None = None
    """The end of every account-region's history window: the clock of this run."""


def _period(options: CollectOptions, now: datetime) -> Period | None:
    """The audit period a new scan reads, resolved against its start (None: no history)."""
    if not options.history:
        return None
    wanted = options.period or DEFAULT_PERIOD
    return wanted if isinstance(wanted, Period) else wanted.resolve(now)


def _history_plan(plan: _Plan, options: CollectOptions) -> HistoryPlan | None:
    period = plan.header.period
    if period is None or plan.history_end is None:
        return None
    return HistoryPlan(period, plan.history_end, options.lookup_events_per_second)


def _new_plan(
    factory: SessionFactory,
    identity: CallerIdentity,
    partition: str,
    options: CollectOptions,
    observer: ScanObserver,
) -> _Plan:
    errors: list[CallError] = []
    if options.org:
        if options.external_id is not None:
            validate_external_id(options.external_id)
        plan = discover_organization(
            factory,
            factory.base_session(),
            partition,
            accounts=options.accounts,
            exclude_accounts=options.exclude_accounts,
            say=observer.message,
        )
        errors = list(plan.errors)
        targets = org_targets(
            identity, plan.account_ids, partition, options.role_name, options.external_id
        )
    else:
        targets = role_targets(identity, options.assume_roles)
    planned = [t.account_id for t in targets]
    if options.shard is not None:
        keep = set(shard_accounts(planned, *options.shard))
        targets = [t for t in targets if t.account_id in keep]
        observer.message(
            f"shard {options.shard[0]}/{options.shard[1]}: {len(targets)} of "
            f"{len(planned)} accounts"
        )
    regions = list(options.regions) if options.regions is not None else None
    started = _now()
    period = _period(options, started)
    header = SnapshotHeader(
        tool=ToolInfo(version=__version__),
        started_at=started,
        period=period,
        identity=identity,
        partition=partition,
        regions_requested=regions,
        errors=errors,
        scan=ScanRecord(
            org=options.org,
            role_name=options.role_name if options.org else None,
            assume_roles=[] if options.org else list(options.assume_roles),
            external_id_required=options.org and options.external_id is not None,
        ),
        plan=ScanPlan(
            scan_id=options.scan_id or plan_scan_id(partition, identity.account, planned, regions),
            accounts=planned,
            shard=format_shard(*options.shard) if options.shard is not None else None,
        ),
    )
    return _Plan(header, targets, [t.account_id for t in targets], started)


def _resumed_plan(store: SnapshotStore, identity: CallerIdentity, options: CollectOptions) -> _Plan:
    header = store.header
    if header.identity is not None and header.identity.account != identity.account:
        raise SnapshotError(
            f"{store.directory} was started by account {header.identity.account}; "
            f"these credentials are of account {identity.account}"
        )
    record = header.scan or ScanRecord()
    recorded = header.plan.scan_id if header.plan else None
    if options.scan_id is not None and options.scan_id != recorded:
        raise ConfigError(
            f"{store.directory} is of scan {recorded or '(no scan id recorded)'}, not "
            f"{options.scan_id}; a resume keeps the folder's scan id"
        )
    if record.external_id_required and options.external_id is None:
        raise ConfigError(
            f"the scan in {store.directory} assumed its roles with an external id; "
            "give --external-id again to resume it"
        )
    if record.org:
        targets = org_targets(
            identity,
            store.planned,
            header.partition,
            record.role_name or DEFAULT_ROLE_NAME,
            options.external_id,
        )
    else:
        targets = role_targets(identity, record.assume_roles)
    by_id = {t.account_id: t for t in targets}
    unknown = [a for a in store.planned if a not in by_id]
    if unknown:
        raise SnapshotError(
            f"{store.directory} plans accounts it records no way to reach: {', '.join(unknown)}"
        )
    missing = store.missing()
    # The accounts left are read now: their history must reach this run's present state.
    return _Plan(header, [by_id[a] for a in missing], store.planned, _now())


def collect(factory: SessionFactory, options: CollectOptions) -> Snapshot:
    """Read every account and region in scope into a :class:`Snapshot`.

    The caller's account comes first, then each further account in plan order, each once.
    A role that cannot be assumed gives an account with only that ``sts:AssumeRole``
    :class:`CallError`. With ``options.checkpoint`` every finished account is written to
    that snapshot folder at once; an interrupted scan (Ctrl-C) raises
    :class:`CollectionCancelled` naming the folder to ``resume``.
    """
    validate_role_arns(options.assume_roles)
    if options.scan_id is not None:
        check_scan_id(options.scan_id)
    if options.resume and options.checkpoint is None:
        raise ConfigError("resume needs the snapshot folder to resume")
    if options.regions is not None and not options.resume:
        check_regions(options.regions, factory.partition)
    check_rate(options.lookup_events_per_second)
    for role_arn in options.assume_roles:
        if arn_partition(role_arn) != factory.partition:
            raise ConfigError(
                f"{role_arn!r} is in partition {arn_partition(role_arn)}, but the configured "
                f"region is in {factory.partition}: set AWS_REGION to a region of the roles' "
                "partition"
            )
    observer = options.observer or Silent()
    identity = scanning_identity(factory)
    partition = arn_partition(identity.arn)

    store: SnapshotStore | None = None
    if options.resume:
        assert options.checkpoint is not None
        store = SnapshotStore.open(options.checkpoint, recollect_corrupt=True)
        for warning in store.warnings:
            observer.message(warning)
        plan = _resumed_plan(store, identity, options)
        observer.message(
            f"resuming {options.checkpoint}: {len(store.done())} of {len(plan.planned)} "
            f"accounts already collected, {len(plan.targets)} to go"
        )
    else:
        plan = _new_plan(factory, identity, partition, options, observer)
        if options.checkpoint is not None:
            store = SnapshotStore.create(
                options.checkpoint, plan.header, plan.planned, options.shard
            )

    observer.planned(len(plan.targets))
    scheduler = Scheduler(
        factory,
        plan.targets,
        partition=plan.header.partition,
        regions=plan.header.regions_requested,
        workers=options.workers,
        on_account=store.write_account if store is not None else None,
        observer=observer,
        history=_history_plan(plan, options),
    )
    try:
        found = scheduler.run()
    except (KeyboardInterrupt, CollectionCancelled) as exc:
        raise _interrupted(store, len(plan.planned)) from exc
    finally:
        observer.close()

    if store is not None:
        return _some_account(store.load(), plan)
    header = plan.header
    snapshot = Snapshot(
        tool=header.tool,
        started_at=header.started_at,
        finished_at=_now(),
        identity=header.identity,
        partition=header.partition,
        regions_requested=header.regions_requested,
        plan=header.plan,
        period=header.period,
        accounts=[found[a] for a in plan.planned if a in found],
        errors=header.errors,
    )
    return _some_account(snapshot, plan)


def _some_account(snapshot: Snapshot, plan: _Plan) -> Snapshot:
    """``snapshot``, unless it holds no account: then the scan failed (one line).

    A shard that the plan leaves no account (shard 8 of 8 of a 5-account organization) is
    not a failure: its empty snapshot records the plan, so ``merge`` counts it as given.
    """
    if snapshot.accounts:
        return snapshot
    scan_plan = snapshot.plan
    if not plan.planned and scan_plan is not None and scan_plan.shard and scan_plan.accounts:
        return snapshot
    if not plan.planned:
        raise CollectionError("the scan plan has no account to read; nothing was scanned")
    raise CollectionError(
        f"the scan read none of its {len(plan.planned)} planned accounts; nothing was scanned"
    )


def _interrupted(store: SnapshotStore | None, planned: int) -> CollectionCancelled:
    if store is None:
        return CollectionCancelled("interrupted before the scan finished; nothing was saved")
    where = str(store.directory)
    return CollectionCancelled(
        f"interrupted: {len(store.done())} of {planned} accounts are saved in {where}; "
        f"collect the rest with --resume {where}",
        saved=where,
    )
