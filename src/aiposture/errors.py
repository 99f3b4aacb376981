"""The exception family of aiposture; the CLI turns each into one message and an exit code."""

from __future__ import annotations

from pydantic import ValidationError


class AiPostureError(Exception):
    """Base class of every error aiposture raises on purpose."""

    exit_code = 2


class ConfigError(AiPostureError):
    """The configuration file or a command-line option is invalid."""

    exit_code = 2


class WaiverError(ConfigError):
    """The waivers file is unreadable, not YAML, or a waiver in it is invalid."""

    exit_code = 2


class BaselineError(ConfigError):
    """The baseline results file cannot be read or is not an aiposture results file."""

    exit_code = 2


class SnapshotError(AiPostureError):
    """A snapshot or results file cannot be read or does not validate."""

    exit_code = 2


class IntegrityError(SnapshotError):
    """A results file, snapshot or report folder is not what aiposture wrote (or signed)."""

    exit_code = 2


class CatalogError(AiPostureError):
    """A check in the catalog is malformed or names an unknown rule kind."""

    exit_code = 2


class PatternSyntaxError(AiPostureError, ValueError):
    """A filter pattern or selector that AWS would reject; carries the character position."""

    exit_code = 2

    def __init__(self, message: str, position: int | None = None) -> None:
        self.position = position
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"{message}{where}")


class CollectionError(AiPostureError):
    """The scan could not run at all: no credentials, an unknown profile, no reachable endpoint."""

    exit_code = 3


class CredentialsError(CollectionError):
    """No usable AWS credentials were found."""

    exit_code = 3


class CollectionCancelled(CollectionError):
    """The scan was interrupted (Ctrl-C, SIGTERM); what was collected is kept.

    ``saved`` names where the finished accounts are, when they were checkpointed.
    """

    exit_code = 130

    def __init__(self, message: str, saved: str | None = None) -> None:
        super().__init__(message)
        self.saved = saved


class MalformedAnswerError(CollectionError):
    """The answer the scan starts from (STS GetCallerIdentity) is not AWS's.

    Empty, cut short, an HTML page, or without a valid caller account: a bad input (a
    wrong ``--endpoint-url``, a broken proxy), so exit 2 with one line, like a bad file.
    """

    exit_code = 2


class OutputError(AiPostureError):
    """An output cannot be written, or would overwrite one of the command's inputs.

    A read-only or full folder, a parent that is a file: nothing partial is left behind.
    """

    exit_code = 2


class ReadOnlyViolation(AiPostureError):
    """A collector tried to send an operation outside the read-only allow-list."""

    exit_code = 3


class RenderError(AiPostureError):
    """A report format could not be written."""

    exit_code = 2


def validation_summary(exc: ValidationError) -> tuple[str, str, str]:
    """The first problem of a pydantic error as (dotted location, error type, message)."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return where, str(first["type"]), str(first["msg"])
