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
in the scan's main thread. (With history, accounts are opened a little ahead, see
:meth:`Scheduler._next_unit`.)

With a :class:`~aiposture.collect.history.HistoryPlan`, each account-region's event history
(CloudTrail LookupEvents, :mod:`aiposture.collect.history`) is read beside its region units,
on a second pool of ``workers`` threads, in *steps*: a step makes the calls the
account-region's pace allows now, and is queued again for the time its next call is
allowed, so no worker sleeps to respect LookupEvents' two requests per second. An account
is finished (and handed to ``on_account``) when its finish unit and every region's history
are done; the history lands on each region (``event_history``, failures in its errors).

An account whose role cannot be assumed becomes an account with only that ``AssumeRole``
error, and the scan goes on. A bug in a unit (any exception that is not recorded as
evidence) stops the scan: the accounts already handed over are kept, nothing is invented
for the rest. Ctrl-C stops the workers at their next call
(:meth:`~aiposture.collect.session.SessionFactory.cancel`).
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from aiposture.collect.account import RegionPart, finish_account, open_account, read_region
from aiposture.collect.history import SERVICE as HISTORY_SERVICE
from aiposture.collect.history import HistoryPlan, RegionHistoryReader
from aiposture.collect.progress import ScanObserver, Silent
from aiposture.collect.session import AccountAccess, AssumeRoleError, SessionFactory
from aiposture.snapshot.history import EventHistory
from aiposture.snapshot.models import AccountSnapshot, CallError, RegionSnapshot

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
    histories: dict[str, tuple[EventHistory, list[CallError]]] = field(default_factory=dict)
    """Each region's event history and its failed calls, once read."""
    history_waiting: int = 0
    """Regions whose history is still being read."""
    finished: bool = False
    """The finish unit is done (the account completes once its history is too)."""


@dataclass(frozen=True)
class _Unit:
    kind: str  # "open", "region", "finish"
    job: _Job
    region: str = ""


@dataclass(frozen=True)
class _Step:
    """One account-region's history reader, queued for the time its next call is allowed."""

    job: _Job
    reader: RegionHistoryReader


HISTORY_REGIONS_PER_WORKER = 8
"""Account-regions whose history is read at once, per history worker: at two calls per
second each, about what one worker serves when a call takes 60 ms."""

_IDLE_WAIT_S = 0.25
"""The longest the main thread waits for a unit before looking at the queues again."""


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
        history: HistoryPlan | None = None,
        clock: Callable[[], float] = time.monotonic,
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
        self._history = history
        self._clock = clock
        self._steps: list[tuple[float, int, _Step]] = []
        self._order = itertools.count()
        self._history_regions = 0
        """Account-regions whose history is being read now."""

    def run(self) -> dict[str, AccountSnapshot]:
        """Collect every target; return the accounts by id (also handed to ``on_account``)."""
        done: dict[str, AccountSnapshot] = {}
        opens: deque[_Unit] = deque(_Unit("open", _Job(t)) for t in self._targets)
        regions: deque[_Unit] = deque()
        finishes: deque[_Unit] = deque()
        inflight: dict[Future[Any], _Unit] = {}
        stepping: dict[Future[Any], _Step] = {}
        self._steps = []  # the history steps waiting for their pace, by ready time
        pool = ThreadPoolExecutor(self._workers, thread_name_prefix="aiposture-scan")
        history_pool = ThreadPoolExecutor(self._workers, thread_name_prefix="aiposture-history")
        finished = False
        try:
            while opens or regions or finishes or inflight or stepping or self._steps:
                while len(inflight) < self._workers and (finishes or regions or opens):
                    unit = self._next_unit(finishes, regions, opens, inflight).popleft()
                    inflight[pool.submit(self._run_unit, unit)] = unit
                now = self._clock()
                while len(stepping) < self._workers and self._steps and self._steps[0][0] <= now:
                    step = heapq.heappop(self._steps)[2]
                    stepping[history_pool.submit(self._run_step, step)] = step
                futures = [*inflight, *stepping]
                timeout = self._idle_wait(now, room=len(stepping) < self._workers)
                if not futures:
                    time.sleep(timeout)  # only history steps wait for their pace: no worker
                    continue
                ready, _ = wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)
                for future in ready:
                    if future in stepping:
                        step = stepping.pop(future)
                        future.result()  # a bug in a step stops the scan, like one in a unit
                        self._after_step(step, done)
                        continue
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
            history_pool.shutdown(wait=True, cancel_futures=not finished)
        return done

    def _next_unit(
        self,
        finishes: deque[_Unit],
        regions: deque[_Unit],
        opens: deque[_Unit],
        inflight: dict[Future[Any], _Unit],
    ) -> deque[_Unit]:
        """The queue the next unit comes from: depth first, unless the history runs dry.

        A finish unit first, then a region unit of an open account, then the next account.
        With history, an account is opened ahead of the region units while fewer than
        :data:`HISTORY_REGIONS_PER_WORKER` account-regions per history worker are being
        read: the history of each account-region is paced at a few calls per second, so
        only many of them side by side keep the history workers busy.
        """
        if finishes:
            return finishes
        if opens and self._history is not None:
            opening = sum(u.kind == "open" for u in inflight.values())
            per_account = len(self._regions) if self._regions else 1
            reading = self._history_regions + opening * per_account
            if reading < HISTORY_REGIONS_PER_WORKER * self._workers:
                return opens
        return regions or opens

    def _idle_wait(self, now: float, *, room: bool) -> float:
        """How long the main thread may wait before the next queued step is due."""
        if not room or not self._steps:
            return _IDLE_WAIT_S
        return min(_IDLE_WAIT_S, max(0.0, self._steps[0][0] - now))

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

    def _run_step(self, step: _Step) -> None:
        job, reader = step.job, step.reader
        assert job.access is not None
        with self._factory.unit_clients(job.access) as clients:
            reader.step(clients(HISTORY_SERVICE, reader.region))

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
            self._start_history(job, acct)
            if not job.waiting:
                finishes.append(_Unit("finish", job))
        elif unit.kind == "region":
            part = job.parts[unit.region]
            self._observer.region_done(acct.account_id, unit.region, len(part.region.errors))
            job.waiting -= 1
            if not job.waiting:
                finishes.append(_Unit("finish", job))
        else:
            job.finished = True
            self._complete_when_read(job, done)

    def _start_history(self, job: _Job, acct: AccountSnapshot) -> None:
        """Queue one history reader per scanned region of a newly opened account."""
        if self._history is None or not acct.scanned_regions:
            return
        window = self._history.window
        self._observer.history_planned(acct.account_id, len(acct.scanned_regions))
        job.history_waiting = len(acct.scanned_regions)
        self._history_regions += len(acct.scanned_regions)
        for region in acct.scanned_regions:
            reader = RegionHistoryReader(
                acct.account_id,
                region,
                window,
                per_second=self._history.per_second,
                clock=self._clock,
            )
            self._queue(_Step(job, reader))

    def _queue(self, step: _Step) -> None:
        heapq.heappush(self._steps, (step.reader.ready_at(), next(self._order), step))

    def _after_step(self, step: _Step, done: dict[str, AccountSnapshot]) -> None:
        job, reader = step.job, step.reader
        account_id = job.target.account_id
        self._observer.history_calls(account_id, reader.region, reader.calls)
        if not reader.done:
            self._queue(step)
            return
        history = reader.result()
        job.histories[reader.region] = (history, list(reader.errors))
        self._observer.history_done(
            account_id, reader.region, history.calls, len(history.events), len(reader.errors)
        )
        job.history_waiting -= 1
        self._history_regions -= 1
        self._complete_when_read(job, done)

    def _complete_when_read(self, job: _Job, done: dict[str, AccountSnapshot]) -> None:
        """Hand the account over once its finish unit and all its history are done."""
        if not job.finished or job.history_waiting:
            return
        acct = job.acct
        assert acct is not None
        for region, (history, errors) in job.histories.items():
            reg = acct.regions.setdefault(region, RegionSnapshot(region=region))
            reg.event_history = history
            reg.errors.extend(errors)
        self._complete(acct, done)

    def _complete(self, acct: AccountSnapshot, done: dict[str, AccountSnapshot]) -> None:
        done[acct.account_id] = acct
        if self._on_account is not None:
            self._on_account(acct)
        self._observer.account_done(acct.account_id, len(acct.all_errors()))
