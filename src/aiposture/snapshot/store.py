"""Snapshot folders (checkpointed collection) and shards of an organization.

A snapshot folder is what an organization scan writes as it goes, so that an interrupted
scan keeps every account it finished::

    DIR/manifest.json             the scan header and the planned account ids, in order
    DIR/accounts/<account>.json   one AccountSnapshot per finished account, with its sha256

Every file is written atomically (a temporary file in the same folder, fsync, rename), so a
crash or Ctrl-C leaves either the previous file or the new one, never half a file. Temporary
files start with ``.`` and end with ``.tmp``; :meth:`SnapshotStore.open` ignores them.

A corrupt account file (truncated, edited, not an account) cannot come from an interrupted
write. By default :meth:`SnapshotStore.open` therefore refuses the folder with one readable
:class:`SnapshotError` naming the file. ``open(..., recollect_corrupt=True)`` instead treats
such accounts as missing, so a resume collects them again and overwrites the bad file; each
one is logged as a warning and listed in :attr:`SnapshotStore.warnings`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiposture.atomic import write_atomically
from aiposture.errors import ConfigError, SnapshotError, validation_summary
from aiposture.ids import ACCOUNT_ID_RE
from aiposture.snapshot.history import Period
from aiposture.snapshot.io import envelope, load_snapshot, read_envelope
from aiposture.snapshot.models import (
    SCHEMA_VERSION,
    AccountSnapshot,
    CallerIdentity,
    CallError,
    ScanPlan,
    Snapshot,
    ToolInfo,
)
from aiposture.snapshot.shards import format_shard, parse_shard, shard_of

__all__ = [
    "ACCOUNTS_DIR",
    "FOLDER_FORMAT",
    "FOLDER_FORMAT_VERSION",
    "MANIFEST_NAME",
    "ScanRecord",
    "SnapshotHeader",
    "SnapshotStore",
    "listed_ids",
    "load_any",
]

_LOG = logging.getLogger(__name__)

FOLDER_FORMAT = "aiposture-snapshot-folder"
"""The ``format`` marker of a snapshot folder's manifest."""

FOLDER_FORMAT_VERSION = "1"
"""The layout version of snapshot folders this aiposture reads and writes."""

MANIFEST_NAME = "manifest.json"
"""The manifest's file name inside a snapshot folder."""

ACCOUNTS_DIR = "accounts"
"""The sub-folder holding one ``<account_id>.json`` per finished account."""

_MAX_LISTED = 10


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ScanRecord(BaseModel):
    """How the accounts of a snapshot folder are reached, so that a resume can reach the rest.

    The external id itself is never written; ``external_id_required`` says that the
    resume must be given it again.
    """

    model_config = ConfigDict(extra="forbid")

    org: bool = False
    role_name: str | None = None
    assume_roles: list[str] = Field(default_factory=list)
    external_id_required: bool = False


class SnapshotHeader(BaseModel):
    """What a scan knows before its first account: the fields of :class:`Snapshot` minus accounts.

    ``errors`` holds scan-wide failed calls (for example Organizations ListAccounts);
    ``scan`` how the accounts are reached (for a resume).
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    tool: ToolInfo
    started_at: datetime
    identity: CallerIdentity | None = None
    partition: str = "aws"
    regions_requested: list[str] | None = None
    errors: list[CallError] = Field(default_factory=list)
    scan: ScanRecord | None = None
    plan: ScanPlan | None = None
    """The scan id and plan (:class:`ScanPlan`); ``None`` in folders written before plans
    were recorded. A resume keeps it, and with it the scan id."""
    period: Period | None = None
    """The audit period whose event history the scan reads (``None``: none is read). A
    resume keeps it."""


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str
    format_version: str
    header: SnapshotHeader
    planned_accounts: list[str]
    shard: str | None = None


class _AccountDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    written_at: datetime
    account: AccountSnapshot


# --------------------------------------------------------------------------- file helpers


def listed_ids(ids: Sequence[str]) -> str:
    """``ids`` joined for a message, the first ten and a count of the rest."""
    shown = ", ".join(ids[:_MAX_LISTED])
    rest = len(ids) - _MAX_LISTED
    return f"{shown} and {rest} more" if rest > 0 else shown


def _check_account_id(account_id: str) -> None:
    if not ACCOUNT_ID_RE.fullmatch(account_id):
        raise SnapshotError(
            f"account id {account_id!r} cannot name a file in a snapshot folder "
            "(an account id is twelve digits)"
        )


# --------------------------------------------------------------------------- the store


class SnapshotStore:
    """A snapshot folder: the checkpoint that collection writes one account at a time.

    Build one with :meth:`create` (a new scan) or :meth:`open` (resume, or evaluate).
    :meth:`write_account` is safe to call from several worker threads.
    """

    def __init__(
        self,
        directory: Path,
        manifest: _Manifest,
        written: dict[str, datetime],
        *,
        clock: Callable[[], datetime] = _utcnow,
        warnings: list[str] | None = None,
    ) -> None:
        """Use :meth:`create` or :meth:`open`; this wires up an already validated folder."""
        self.directory = directory
        """The snapshot folder."""
        self._manifest = manifest
        self._written = written
        self._clock = clock
        self._lock = threading.Lock()
        self.warnings: list[str] = list(warnings or [])
        """Problems :meth:`open` tolerated (corrupt accounts to collect again)."""

    # ----------------------------------------------------------------- construction

    @classmethod
    def create(
        cls,
        directory: Path,
        header: SnapshotHeader,
        planned_accounts: Sequence[str],
        shard: tuple[int, int] | None = None,
        *,
        clock: Callable[[], datetime] = _utcnow,
    ) -> SnapshotStore:
        """Start a new snapshot folder in ``directory`` (absent or empty) and write its manifest.

        ``planned_accounts`` are the accounts to collect, in the order :meth:`load` returns
        them. With ``shard=(K, N)`` every planned account must belong to that shard.
        """
        directory = Path(directory)
        if directory.exists():
            if not directory.is_dir():
                raise SnapshotError(f"cannot create snapshot folder {directory}: it is a file")
            if (directory / MANIFEST_NAME).exists():
                raise SnapshotError(
                    f"{directory} already holds a snapshot folder of an unfinished scan; resume "
                    f"it with --resume {directory}, or delete it to start over"
                )
            if any(directory.iterdir()):
                raise SnapshotError(f"cannot create snapshot folder {directory}: it is not empty")
        shard_text = format_shard(*shard) if shard is not None else None
        manifest = cls._build_manifest(header, planned_accounts, shard_text)
        try:
            (directory / ACCOUNTS_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SnapshotError(
                f"cannot create snapshot folder {directory}: {exc.strerror or exc}"
            ) from exc
        store = cls(directory, manifest, {}, clock=clock)
        store._write_manifest()
        return store

    @classmethod
    def open(
        cls,
        directory: Path,
        *,
        recollect_corrupt: bool = False,
        clock: Callable[[], datetime] = _utcnow,
    ) -> SnapshotStore:
        """Open an existing snapshot folder, validating the manifest and every account file.

        A bad account file raises one :class:`SnapshotError` naming it; with
        ``recollect_corrupt=True`` it is instead counted as missing (and logged as a warning),
        so a resume collects that account again. An account file for an account outside the
        plan, or whose content names another account, is always an error.
        """
        directory = Path(directory)
        if not directory.is_dir():
            raise SnapshotError(f"snapshot folder {directory} does not exist or is not a folder")
        manifest_path = directory / MANIFEST_NAME
        if not manifest_path.is_file():
            raise SnapshotError(f"{directory} has no {MANIFEST_NAME}; is it a snapshot folder?")
        body, _ = read_envelope(manifest_path, "manifest", "snapshot manifest")
        if body.get("format") != FOLDER_FORMAT:
            raise SnapshotError(f"{manifest_path} is not an aiposture snapshot folder manifest")
        if body.get("format_version") != FOLDER_FORMAT_VERSION:
            raise SnapshotError(
                f"{manifest_path} has format_version {body.get('format_version')!r}; "
                f"this aiposture reads {FOLDER_FORMAT_VERSION!r}"
            )
        try:
            manifest = _Manifest.model_validate(body)
        except ValidationError as exc:
            where, _, message = validation_summary(exc)
            raise SnapshotError(f"{manifest_path} is invalid at {where}: {message}") from exc
        try:
            cls._check_plan(manifest.planned_accounts, manifest.shard)
            cls._check_scan_plan(manifest.header, manifest.planned_accounts, manifest.shard)
        except (SnapshotError, ConfigError) as exc:
            raise SnapshotError(f"{manifest_path}: {exc}") from exc

        planned = set(manifest.planned_accounts)
        written: dict[str, datetime] = {}
        warnings: list[str] = []
        accounts_dir = directory / ACCOUNTS_DIR
        files = sorted(accounts_dir.glob("*.json")) if accounts_dir.is_dir() else []
        for path in files:
            if path.name.startswith("."):
                continue
            account_id = path.stem
            if account_id not in planned:
                raise SnapshotError(
                    f"account file {path} is for account {account_id}, which is not in the "
                    f"plan of {manifest_path}"
                )
            try:
                doc = _read_account(path)
            except SnapshotError as exc:
                if not recollect_corrupt:
                    raise SnapshotError(
                        f"{exc} (delete the file to collect account {account_id} again)"
                    ) from exc
                message = (
                    f"{exc} (account {account_id} counts as missing: it will be collected again)"
                )
                _LOG.warning("%s", message)
                warnings.append(message)
                continue
            if doc.account.account_id != account_id:
                raise SnapshotError(
                    f"account file {path} holds account {doc.account.account_id}, not {account_id}"
                )
            written[account_id] = doc.written_at
        return cls(directory, manifest, written, clock=clock, warnings=warnings)

    # ----------------------------------------------------------------- properties

    @property
    def header(self) -> SnapshotHeader:
        """The scan header recorded in the manifest (a copy)."""
        return self._manifest.header.model_copy(deep=True)

    @property
    def planned(self) -> list[str]:
        """The planned account ids, in plan order."""
        return list(self._manifest.planned_accounts)

    @property
    def shard(self) -> tuple[int, int] | None:
        """The shard ``(K, N)`` this folder collects, or ``None`` for a whole scan."""
        return parse_shard(self._manifest.shard) if self._manifest.shard else None

    def done(self) -> list[str]:
        """The planned accounts already written, in plan order."""
        with self._lock:
            return [a for a in self._manifest.planned_accounts if a in self._written]

    def missing(self) -> list[str]:
        """The planned accounts not written yet, in plan order (what a resume collects)."""
        with self._lock:
            return [a for a in self._manifest.planned_accounts if a not in self._written]

    # ----------------------------------------------------------------- writing

    def write_account(self, acct: AccountSnapshot) -> None:
        """Write one finished account atomically; writing it again replaces the earlier copy."""
        account_id = acct.account_id
        _check_account_id(account_id)
        if account_id not in set(self._manifest.planned_accounts):
            raise SnapshotError(
                f"account {account_id} is not in the plan of snapshot folder {self.directory}"
            )
        written_at = self._clock()
        doc = _AccountDoc(written_at=written_at, account=acct)
        data = envelope("account", doc.model_dump(mode="json"))
        path = self._account_path(account_id)
        try:
            write_atomically(path, data)
        except OSError as exc:
            raise SnapshotError(f"cannot write {path}: {exc.strerror or exc}") from exc
        with self._lock:
            self._written[account_id] = written_at

    def set_plan(self, planned_accounts: Sequence[str]) -> None:
        """Replace the plan (for example: the organization gained accounts before a resume).

        The manifest is rewritten only if the plan changed. Every account already written
        must stay in the plan.
        """
        with self._lock:
            if list(planned_accounts) == self._manifest.planned_accounts:
                return
            manifest = self._build_manifest(
                self._manifest.header, planned_accounts, self._manifest.shard
            )
            dropped = [a for a in self._written if a not in set(manifest.planned_accounts)]
            if dropped:
                raise SnapshotError(
                    f"the new plan leaves out accounts already collected in {self.directory}: "
                    f"{listed_ids(dropped)}"
                )
            self._manifest = manifest
            self._write_manifest()

    # ----------------------------------------------------------------- reading

    def load(self, *, allow_partial: bool = False) -> Snapshot:
        """Assemble the :class:`Snapshot`: the written accounts in plan order, re-verified.

        ``finished_at`` is the time the last account was written (``started_at`` if none).
        An incomplete folder raises a :class:`SnapshotError` listing the missing accounts,
        unless ``allow_partial`` asks to evaluate the partial scan (then the missing
        accounts are left out; :meth:`missing` lists them, and so does the snapshot's
        :meth:`~aiposture.snapshot.models.Snapshot.missing_accounts` when the folder records
        its plan: the evaluation judges them ERROR).
        """
        missing = self.missing()
        if missing and not allow_partial:
            planned = len(self._manifest.planned_accounts)
            raise SnapshotError(
                f"snapshot folder {self.directory} is incomplete: {len(missing)} of {planned} "
                f"planned accounts missing ({listed_ids(missing)}); resume the scan, or allow a "
                "partial evaluation"
            )
        header = self._manifest.header
        accounts: list[AccountSnapshot] = []
        finished = header.started_at
        for account_id in self.done():
            path = self._account_path(account_id)
            doc = _read_account(path)
            if doc.account.account_id != account_id:
                raise SnapshotError(
                    f"account file {path} holds account {doc.account.account_id}, not {account_id}"
                )
            accounts.append(doc.account)
            finished = max(finished, doc.written_at)
        return Snapshot(
            schema_version=header.schema_version,
            tool=header.tool.model_copy(deep=True),
            started_at=header.started_at,
            finished_at=finished,
            identity=header.identity.model_copy(deep=True) if header.identity else None,
            partition=header.partition,
            regions_requested=(
                list(header.regions_requested) if header.regions_requested is not None else None
            ),
            plan=header.plan.model_copy(deep=True) if header.plan else None,
            period=header.period.model_copy(deep=True) if header.period else None,
            accounts=accounts,
            errors=[e.model_copy(deep=True) for e in header.errors],
        )

    # ----------------------------------------------------------------- internals

    def _account_path(self, account_id: str) -> Path:
        return self.directory / ACCOUNTS_DIR / f"{account_id}.json"

    def _write_manifest(self) -> None:
        path = self.directory / MANIFEST_NAME
        try:
            write_atomically(path, envelope("manifest", self._manifest.model_dump(mode="json")))
        except OSError as exc:
            raise SnapshotError(f"cannot write {path}: {exc.strerror or exc}") from exc

    @staticmethod
    def _check_plan(planned: Sequence[str], shard: str | None) -> None:
        seen: set[str] = set()
        for account_id in planned:
            _check_account_id(account_id)
            if account_id in seen:
                raise SnapshotError(f"account {account_id} is planned twice")
            seen.add(account_id)
        if shard is not None:
            k, n = parse_shard(shard)
            outside = [a for a in planned if shard_of(a, n) != k]
            if outside:
                raise SnapshotError(
                    f"planned accounts outside shard {shard}: {listed_ids(outside)}"
                )

    @staticmethod
    def _check_scan_plan(header: SnapshotHeader, planned: Sequence[str], shard: str | None) -> None:
        """The folder's planned accounts and shard must be those of the header's scan plan."""
        plan = header.plan
        if plan is None:
            return
        if plan.shard != shard:
            raise SnapshotError(
                f"the scan plan is for shard {plan.shard or 'none'}, the folder for shard "
                f"{shard or 'none'}"
            )
        if list(planned) != plan.shard_accounts():
            raise SnapshotError(
                f"the planned accounts are not those of scan {plan.scan_id}"
                + (f" for shard {shard}" if shard else "")
            )

    @classmethod
    def _build_manifest(
        cls, header: SnapshotHeader, planned: Sequence[str], shard: str | None
    ) -> _Manifest:
        cls._check_plan(planned, shard)
        cls._check_scan_plan(header, planned, shard)
        if header.schema_version != SCHEMA_VERSION:
            raise SnapshotError(
                f"header has schema_version {header.schema_version!r}; "
                f"this aiposture writes {SCHEMA_VERSION!r}"
            )
        return _Manifest(
            format=FOLDER_FORMAT,
            format_version=FOLDER_FORMAT_VERSION,
            header=header.model_copy(deep=True),
            planned_accounts=list(planned),
            shard=shard,
        )


def _read_account(path: Path) -> _AccountDoc:
    """Read, integrity-check and validate one account file."""
    body, _ = read_envelope(path, "account", "account file")
    try:
        return _AccountDoc.model_validate(body)
    except ValidationError as exc:
        where, _, message = validation_summary(exc)
        raise SnapshotError(f"account file {path} is invalid at {where}: {message}") from exc


def load_any(path: Path, *, allow_partial: bool = False) -> Snapshot:
    """Load a snapshot file (:func:`load_snapshot`) or a snapshot folder (:class:`SnapshotStore`).

    An incomplete folder raises unless ``allow_partial``.
    """
    path = Path(path)
    if path.is_dir():
        return SnapshotStore.open(path).load(allow_partial=allow_partial)
    return load_snapshot(path)[0]
