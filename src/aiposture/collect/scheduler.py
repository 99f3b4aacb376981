"""A bounded worker pool over account x region units.

Each planned account goes through three kinds of unit (see :mod:`aiposture.collect.account`):
*open* (assume the role, read the enabled regions), one *region* unit per scanned region,
and *finish*. Up to ``workers`` units run at once, each in a worker thread with its own
boto3 session (:meth:`~aiposture.collect.session.SessionFactory.worker_session`) and
botocore's standard retry mode (back-off with jitter, ten attempts: see
:data:`~aiposture.collect.session.DEFAULT_MAX_ATTEMPTS`), so throttling slows the scan down
instead of failing it.

Units are dispatched depth first: a free worker takes a finish unit, else a region unit
of an account already open, else opens the next account. So accounts complete one after
the other, and each is handed to ``on_account`` (the checkpoint) as soon as it is done,
in the scan's main thread.

An account whose role cannot be assumed becomes an account with only that ``AssumeRole``
error, and the scan goes on. A bug in a unit (any exception that is not recorded as
evidence) stops the scan: the accounts already handed over are kept, nothing is invented
for the rest. Ctrl-C stops the workers at their next call
(:meth:`~aiposture.collect.session.SessionFactory.cancel`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from aiposture.collect.account import RegionPart, finish_account, open_account, read_region
from aiposture.collect.progress import ScanObserver, Silent
from aiposture.collect.session import AccountAccess, AssumeRoleError, SessionFactory
from aiposture.snapshot.models import AccountSnapshot, CallError

DEFAULT_WORKERS = 16
"""Units run at once unless ``--workers`` says otherwise."""

MAX_WORKERS = 64
"""The most workers a scan may use (AWS throttles per account and per API anyway)."""


@dataclass(frozen=True)
class AccountTarget:
    """One planned account and how to reach it.

    ``role_arn`` None reads it with the scanning identity's own credentials. With
    ``fallback_to_base`` a role that cannot be assumed is recorded and the base
    credentials are used instead (a role in the scanning identity's own account).
    """

    account_id: str
    role_arn: str | None = None
    identity_arn: str | None = None
    external_id: str | None = None
    session_name: str = "aiposture"
    fallback_to_base: bool = False


@dataclass
class _Job:
    target: AccountTarget
    access: AccountAccess | None = None
    acct: AccountSnapshot | None = None
    pre_errors: list[CallError] = field(default_factory=list)
    parts: dict[str, RegionPart] = field(default_factory=dict)
    waiting: int = 0
    """Region units not yet seen done by the main thread (``parts`` fills from workers)."""


@dataclass(frozen=True)
class _Unit:
    kind: str  # "open", "region", "finish"
    job: _Job
    region: str = ""


class Scheduler:
    """Runs the units of ``targets`` on ``workers`` threads; see the module docstring."""

    def __init__(
        self,
        factory: SessionFactory,
        targets: Sequence[AccountTarget],
        *,
        partition: str,
        regions: Sequence[str] | None,
        workers: int = DEFAULT_WORKERS,
        on_account: Callable[[AccountSnapshot], None] | None = None,
        observer: ScanObserver | None = None,
    ) -> None:
        if not 1 <= workers <= MAX_WORKERS:
            raise ValueError(f"workers must be between 1 and {MAX_WORKERS}, not {workers}")
        self._factory = factory
        self._targets = list(targets)
        self._partition = partition
        self._regions = list(regions) if regions is not None else None
        self._workers = workers
        self._on_account = on_account
        self._observer = observer or Silent()

    def run(self) -> dict[str, AccountSnapshot]:
        """Collect every target; return the accounts by id (also handed to ``on_account``)."""
        done: dict[str, AccountSnapshot] = {}
        opens: deque[_Unit] = deque(_Unit("open", _Job(t)) for t in self._targets)
        regions: deque[_Unit] = deque()
        finishes: deque[_Unit] = deque()
        inflight: dict[Future[Any], _Unit] = {}
        pool = ThreadPoolExecutor(self._workers, thread_name_prefix="aiposture-scan")
        finished = False
        try:
            while opens or regions or finishes or inflight:
                while len(inflight) < self._workers and (finishes or regions or opens):
                    unit = (finishes or regions or opens).popleft()
                    inflight[pool.submit(self._run_unit, unit)] = unit
                ready, _ = wait(list(inflight), timeout=0.25, return_when=FIRST_COMPLETED)
                for future in ready:
                    unit = inflight.pop(future)
                    future.result()  # a bug in a unit stops the scan here, and propagates
                    self._after(unit, regions, finishes, done)
            finished = True
        finally:
            # Nothing is caught: an interrupted or failed scan raises to the caller, which
            # reports it (no result is produced for the accounts not handed over). Here the
            # workers are only told to stop at their next call instead of finishing.
            if not finished:
                self._factory.cancel()
            pool.shutdown(wait=True, cancel_futures=not finished)
        return done

    # ----------------------------------------------------------------- units (workers)

    def _run_unit(self, unit: _Unit) -> None:
        job = unit.job
        if unit.kind == "open":
            self._open(job)
        elif unit.kind == "region":
            assert job.access is not None
            with self._factory.unit_clients(job.access) as clients:
                job.parts[unit.region] = read_region(clients, unit.region)
        else:
            assert job.access is not None and job.acct is not None
            with self._factory.unit_clients(job.access) as clients:
                finish_account(clients, job.acct, job.parts)
            job.acct.errors[:0] = job.pre_errors

    def _open(self, job: _Job) -> None:
        target = job.target
        if target.role_arn is None:
            job.access = AccountAccess(target.account_id, target.identity_arn)
        else:
            try:
                job.access = self._factory.assume_access(
                    target.role_arn,
                    external_id=target.external_id,
                    session_name=target.session_name,
                )
            except AssumeRoleError as exc:
                if not target.fallback_to_base:
                    job.acct = AccountSnapshot(
                        account_id=target.account_id, errors=[exc.call_error]
                    )
                    return
                job.pre_errors.append(exc.call_error)
                job.access = AccountAccess(target.account_id, target.identity_arn)
        with self._factory.unit_clients(job.access) as clients:
            job.acct = open_account(clients, partition=self._partition, regions=self._regions)

    # ----------------------------------------------------------------- bookkeeping (main)

    def _after(
        self,
        unit: _Unit,
        regions: deque[_Unit],
        finishes: deque[_Unit],
        done: dict[str, AccountSnapshot],
    ) -> None:
        job = unit.job
        acct = job.acct
        assert acct is not None
        if unit.kind == "open":
            if job.access is None:  # the role could not be assumed
                self._observer.account_started(acct.account_id, 0)
                self._complete(acct, done)
                return
            self._observer.account_started(acct.account_id, len(acct.scanned_regions))
            job.waiting = len(acct.scanned_regions)
            regions.extend(_Unit("region", job, r) for r in acct.scanned_regions)
            if not job.waiting:
                finishes.append(_Unit("finish", job))
        elif unit.kind == "region":
            part = job.parts[unit.region]
            self._observer.region_done(acct.account_id, unit.region, len(part.region.errors))
            job.waiting -= 1
            if not job.waiting:
                finishes.append(_Unit("finish", job))
        else:
            self._complete(acct, done)

    def _complete(self, acct: AccountSnapshot, done: dict[str, AccountSnapshot]) -> None:
        done[acct.account_id] = acct
        if self._on_account is not None:
            self._on_account(acct)
        self._observer.account_done(acct.account_id, len(acct.all_errors()))
