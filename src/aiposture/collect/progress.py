"""What a scan tells the person (or the log pipeline) watching it.

The scheduler reports events to a :class:`ScanObserver`. Three observers ship:

- :class:`Silent`: nothing (under CI, or when output is not a terminal);
- :class:`ProgressBar`: one line on a terminal, redrawn in place: accounts and regions
  done, errors so far, elapsed time;
- :class:`JsonLines`: one JSON object per event, for ``--log-format json``.

:func:`choose_observer` picks one from the log format and the terminal.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any, TextIO


class ScanObserver:
    """Receives the scan's events, from the scan's main thread; every method does nothing here.

    Subclasses override what they show.
    """

    def planned(self, accounts: int) -> None:
        """The scan will collect ``accounts`` accounts."""

    def account_started(self, account_id: str, regions: int) -> None:
        """An account was reached; ``regions`` regions of it will be read."""

    def region_done(self, account_id: str, region: str, errors: int) -> None:
        """One account-region was read, with ``errors`` failed calls."""

    def account_done(self, account_id: str, errors: int) -> None:
        """An account is complete (and checkpointed, when the scan keeps a folder)."""

    def history_planned(self, account_id: str, regions: int) -> None:
        """The event history of ``regions`` regions of the account will be read."""

    def history_calls(self, account_id: str, region: str, calls: int) -> None:
        """``calls`` LookupEvents calls have been made so far in one account-region."""

    def history_done(
        self, account_id: str, region: str, calls: int, events: int, errors: int
    ) -> None:
        """One account-region's history is read.

        ``calls`` calls were made, ``events`` events kept, and ``errors`` event names could
        not be read.
        """

    def message(self, text: str) -> None:
        """A line worth telling (discovery, skipped accounts, a resume)."""

    def close(self) -> None:
        """The scan ended (finished or not): release the terminal."""


class Silent(ScanObserver):
    """Says nothing."""


class _Tally:
    """The counts every observer that shows progress keeps."""

    def __init__(self) -> None:
        self.accounts_total = 0
        self.accounts_done = 0
        self.regions_total = 0
        self.regions_done = 0
        self.errors = 0
        self.started = time.monotonic()
        self.history_total = 0
        self.history_done = 0
        self.history_calls: dict[tuple[str, str], int] = {}

    def calls(self) -> int:
        """LookupEvents calls made so far, every account-region together."""
        return sum(self.history_calls.values())

    def elapsed(self) -> str:
        seconds = int(time.monotonic() - self.started)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"


class ProgressBar(ScanObserver):
    """A one-line progress bar on a terminal (redrawn at most ten times a second)."""

    WIDTH = 24

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tally = _Tally()
        self._last = 0.0
        self._lock = threading.Lock()
        self._shown = False

    def planned(self, accounts: int) -> None:
        """Set the number of accounts."""
        self._tally.accounts_total = accounts
        self._draw(force=True)

    def account_started(self, account_id: str, regions: int) -> None:
        """Count the account's regions."""
        self._tally.regions_total += regions
        self._draw()

    def region_done(self, account_id: str, region: str, errors: int) -> None:
        """Count a region."""
        self._tally.regions_done += 1
        self._tally.errors += errors
        self._draw()

    def account_done(self, account_id: str, errors: int) -> None:
        """Count an account."""
        self._tally.accounts_done += 1
        self._draw(force=True)

    def history_planned(self, account_id: str, regions: int) -> None:
        """Count the account-regions whose history will be read."""
        self._tally.history_total += regions
        self._draw()

    def history_calls(self, account_id: str, region: str, calls: int) -> None:
        """Count the LookupEvents calls."""
        self._tally.history_calls[(account_id, region)] = calls
        self._draw()

    def history_done(
        self, account_id: str, region: str, calls: int, events: int, errors: int
    ) -> None:
        """Count an account-region's history read."""
        self._tally.history_done += 1
        self._tally.history_calls[(account_id, region)] = calls
        self._tally.errors += errors
        self._draw()

    def message(self, text: str) -> None:
        """Print the line above the bar."""
        with self._lock:
            self._clear()
            self._stream.write(text + "\n")
            self._stream.flush()
        self._draw(force=True)

    def close(self) -> None:
        """Leave the last state of the bar on its own line."""
        self._draw(force=True)
        with self._lock:
            if self._shown:
                self._stream.write("\n")
                self._stream.flush()
                self._shown = False

    def line(self) -> str:
        """The bar's text as it would be drawn now."""
        t = self._tally
        total = max(t.accounts_total, 1)
        filled = int(self.WIDTH * t.accounts_done / total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        history = (
            f"history {t.history_done}/{t.history_total} ({t.calls()} calls)  "
            if t.history_total
            else ""
        )
        return (
            f"[{bar}] accounts {t.accounts_done}/{t.accounts_total}  "
            f"regions {t.regions_done}/{t.regions_total}  {history}errors {t.errors}  "
            f"{t.elapsed()}"
        )

    def _clear(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last < 0.1:
                return
            self._last = now
            self._clear()
            self._stream.write(self.line())
            self._stream.flush()
            self._shown = True


class JsonLines(ScanObserver):
    """One JSON object per event and per message, for log pipelines (``--log-format json``)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tally = _Tally()
        self._lock = threading.Lock()

    def emit(self, event: str, level: str = "info", **fields: Any) -> None:
        """Write one event line: ``time``, ``level``, ``event`` and the event's fields."""
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": level,
            "event": event,
            **fields,
        }
        with self._lock:
            self._stream.write(json.dumps(record, sort_keys=False) + "\n")
            self._stream.flush()

    def planned(self, accounts: int) -> None:
        """Log the plan."""
        self._tally.accounts_total = accounts
        self.emit("scan_planned", accounts=accounts)

    def account_started(self, account_id: str, regions: int) -> None:
        """Log an account reached."""
        self._tally.regions_total += regions
        self.emit("account_started", account=account_id, regions=regions)

    def region_done(self, account_id: str, region: str, errors: int) -> None:
        """Log an account-region read."""
        self._tally.regions_done += 1
        self._tally.errors += errors
        self.emit(
            "region_done",
            level="warning" if errors else "info",
            account=account_id,
            region=region,
            errors=errors,
        )

    def account_done(self, account_id: str, errors: int) -> None:
        """Log an account finished, with the running totals."""
        self._tally.accounts_done += 1
        t = self._tally
        self.emit(
            "account_done",
            level="warning" if errors else "info",
            account=account_id,
            errors=errors,
            accounts_done=t.accounts_done,
            accounts_total=t.accounts_total,
        )

    def history_done(
        self, account_id: str, region: str, calls: int, events: int, errors: int
    ) -> None:
        """Log an account-region's history read (its calls, events and failed names)."""
        self._tally.history_done += 1
        self._tally.history_calls[(account_id, region)] = calls
        self._tally.errors += errors
        self.emit(
            "history_done",
            level="warning" if errors else "info",
            account=account_id,
            region=region,
            calls=calls,
            events=events,
            errors=errors,
            lookup_events_calls=self._tally.calls(),
        )

    def message(self, text: str) -> None:
        """Log a free-text line."""
        self.emit("message", message=text)


LOG_FORMATS = ("text", "json")
"""The values of ``--log-format``."""


def under_ci(environ: dict[str, str] | None = None) -> bool:
    """Whether we run in a CI job (the ``CI`` variable every major CI service sets)."""
    env = os.environ if environ is None else environ
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def choose_observer(
    log_format: str = "text",
    stream: TextIO | None = None,
    environ: dict[str, str] | None = None,
) -> ScanObserver:
    """The observer for a run: JSON lines when asked, a bar on a terminal, else silence."""
    out = stream or sys.stderr
    if log_format == "json":
        return JsonLines(out)
    if log_format != "text":
        raise ValueError(f"unknown log format {log_format!r}")
    if under_ci(environ) or not out.isatty():
        return Silent()
    return ProgressBar(out)


class JsonLogFormatter(logging.Formatter):
    """Formats Python log records as the same JSON lines as :class:`JsonLines`."""

    def format(self, record: logging.LogRecord) -> str:
        """One JSON object: ``time``, ``level``, ``event: "log"``, ``logger``, ``message``."""
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": "log",
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data)


def configure_logging(log_format: str) -> None:
    """With ``json``, make every handler of the root logger write JSON lines."""
    if log_format == "json":
        root = logging.getLogger()
        if not root.handlers:
            logging.basicConfig(level=logging.WARNING)
        for handler in root.handlers:
            handler.setFormatter(JsonLogFormatter())
