"""The per-run flags laid over the configuration file, typed.

:class:`ConfigOverrides` holds the values of the command-line flags that override the
configuration's ``[scan]`` and ``[report]`` tables (``None``: the flag was not given, so the
file's value stays); :class:`RunFlags` holds the flags of how one collection runs, which
become the library's :class:`~aiposture.api.RunOptions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from aiposture.config import Config
from aiposture.errors import ConfigError

if TYPE_CHECKING:
    from aiposture.api import RunOptions

SCAN_FIELDS = (
    "profile",
    "regions",
    "endpoint_url",
    "assume_roles",
    "org",
    "role_name",
    "external_id",
    "accounts",
    "exclude_accounts",
    "workers",
    "regions_in_use",
)
"""The :class:`ConfigOverrides` fields that override ``config.scan``."""

REPORT_FIELDS = ("waivers", "baseline")
"""The :class:`ConfigOverrides` fields that override ``config.report``."""


def split_commas(values: Iterable[str]) -> list[str]:
    """Every comma-separated name in ``values`` (a repeatable flag), blanks left out."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@dataclass(frozen=True)
class ConfigOverrides:
    """Flags that beat the configuration file; a field left ``None`` keeps the file's value.

    ``regions`` given but empty (``--regions ,``) is an error, never "every region".
    """

    profile: str | None = None
    regions: tuple[str, ...] | None = None
    endpoint_url: str | None = None
    assume_roles: tuple[str, ...] | None = None
    org: bool | None = None
    role_name: str | None = None
    external_id: str | None = None
    accounts: tuple[str, ...] | None = None
    exclude_accounts: tuple[str, ...] | None = None
    workers: int | None = None
    regions_in_use: Literal["auto", "all"] | None = None
    waivers: Path | None = None
    baseline: Path | None = None

    def _given(self, names: tuple[str, ...]) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in names}
        return {
            k: list(v) if isinstance(v, tuple) else v for k, v in values.items() if v is not None
        }

    def apply(self, config: Config) -> Config:
        """``config`` with every given flag laid over its ``[scan]`` and ``[report]`` tables."""
        if self.regions == ():
            raise ConfigError("--regions names no region (give e.g. --regions us-east-1,eu-west-1)")
        scan = config.scan.model_copy(update=self._given(SCAN_FIELDS))
        report = config.report.model_copy(update=self._given(REPORT_FIELDS))
        return config.model_copy(update={"scan": scan, "report": report})


@dataclass(frozen=True)
class RunFlags:
    """How one collection runs: log format, checkpoint or resumed folder, shard, scan id.

    And the event history: ``--since`` / ``--period``, ``--no-history`` and
    ``--lookup-events-per-second``.
    """

    log_format: str = "text"
    checkpoint_dir: Path | None = None
    resume_dir: Path | None = None
    shard: str | None = None
    scan_id: str | None = None
    since: str | None = None
    period: str | None = None
    no_history: bool = False
    lookup_events_per_second: float | None = None

    def run_options(self) -> RunOptions:
        """The library's run options of these flags (one-line errors for a bad combination)."""
        from datetime import UTC, datetime

        from aiposture.api import RunOptions
        from aiposture.collect.history import check_rate, period_request
        from aiposture.collect.progress import choose_observer
        from aiposture.snapshot.history import LOOKUP_EVENTS_PER_SECOND
        from aiposture.snapshot.shards import check_scan_id, parse_shard

        resume, checkpoint = self.resume_dir, self.checkpoint_dir
        if resume is not None and checkpoint is not None and resume != checkpoint:
            raise ConfigError("--resume names the folder to continue; leave out --checkpoint-dir")
        shard = parse_shard(self.shard) if self.shard else None
        scan_id = check_scan_id(self.scan_id) if self.scan_id is not None else None
        if self.no_history and (self.since is not None or self.period is not None):
            given = "--since" if self.since is not None else "--period"
            raise ConfigError(f"--no-history reads no period: leave out {given}")
        period = (
            None
            if self.no_history
            else period_request(self.since, self.period, now=datetime.now(UTC))
        )
        rate = self.lookup_events_per_second
        return RunOptions(
            checkpoint=resume or checkpoint,
            resume=resume is not None,
            shard=shard,
            observer=choose_observer(self.log_format),
            scan_id=scan_id,
            history=not self.no_history,
            period=period,
            lookup_events_per_second=(
                check_rate(rate) if rate is not None else LOOKUP_EVENTS_PER_SECOND
            ),
        )
