"""Turning failed AWS calls into :class:`CallError` evidence.

Every collector call goes through :func:`record_call`. A call that fails is appended to the
``errors`` list of the object that owns the evidence (trail, region or account) and the
caller gets ``None``: "not read", never an empty result that would read as PASS.

Two kinds of failure are not evidence and propagate: :class:`ReadOnlyViolation` (a bug)
and missing or unusable credentials, raised as :class:`CredentialsError` (the scan cannot
run at all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
    PartialCredentialsError,
    SSOError,
    TokenRetrievalError,
)
from botocore.parsers import ResponseParserError

from aiposture.collect.responses import MalformedResponse
from aiposture.errors import AiPostureError, CredentialsError
from aiposture.snapshot.models import CallError

T = TypeVar("T")

NO_CREDENTIALS_MESSAGE = (
    "no AWS credentials found: set AWS_PROFILE, run aws sso login, or export "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)
"""The one-line message of :class:`CredentialsError` when no credentials are configured."""

CREDENTIAL_FAILURES: tuple[type[Exception], ...] = (
    NoCredentialsError,
    PartialCredentialsError,
    CredentialRetrievalError,
    SSOError,
    TokenRetrievalError,
)
"""botocore exceptions that mean the credentials are missing or unusable (never evidence)."""


def client_error_code(exc: ClientError) -> str:
    """Return the AWS error code of a botocore ``ClientError`` (``"Unknown"`` when absent)."""
    error = exc.response.get("Error") or {}
    return str(error.get("Code") or "Unknown")


def client_error_message(exc: ClientError) -> str:
    """Return the AWS error message of a botocore ``ClientError``."""
    error = exc.response.get("Error") or {}
    return str(error.get("Message") or exc)


MALFORMED_RESPONSE = MalformedResponse.__name__
"""The error code of a call whose answer was not the document its operation returns."""


def malformed_message(exc: ResponseParserError, service: str, operation: str) -> str:
    """One line for an answer botocore could not parse (its message spans lines)."""
    detail = " ".join(str(exc).split())
    return f"malformed response to {service}:{operation}: {detail[:300]}"


def credentials_error(exc: Exception) -> CredentialsError:
    """Translate a botocore credential failure into a :class:`CredentialsError`."""
    if isinstance(exc, NoCredentialsError):
        return CredentialsError(NO_CREDENTIALS_MESSAGE)
    return CredentialsError(f"AWS credentials are not usable: {exc}")


def call_error_from(
    exc: Exception,
    *,
    service: str,
    operation: str,
    region: str | None,
    account_id: str | None,
    resource: str | None = None,
) -> CallError:
    """Build the :class:`CallError` for an exception raised by one AWS call."""
    if isinstance(exc, ClientError):
        code, message = client_error_code(exc), client_error_message(exc)
    elif isinstance(exc, ResponseParserError):
        code, message = MALFORMED_RESPONSE, malformed_message(exc, service, operation)
    elif isinstance(exc, BotoCoreError):
        code, message = type(exc).__name__, str(exc)
    else:
        code, message = type(exc).__name__, f"unexpected error while reading: {exc}"
    return CallError(
        service=service,
        operation=operation,
        region=region,
        account_id=account_id,
        resource=resource,
        error_code=code,
        message=message,
    )


def record_call(
    errors: list[CallError],
    fn: Callable[[], T],
    *,
    service: str,
    operation: str,
    region: str | None,
    account_id: str | None,
    resource: str | None = None,
) -> T | None:
    """Run ``fn`` (one AWS read); on failure append a :class:`CallError` to ``errors``.

    Returns ``fn()``'s value, or ``None`` when the call failed. aiposture's own errors
    (:class:`ReadOnlyViolation`, :class:`CredentialsError`) and credential failures
    propagate.
    """
    try:
        return fn()
    except AiPostureError:
        raise
    except CREDENTIAL_FAILURES as exc:
        raise credentials_error(exc) from exc
    except Exception as exc:  # noqa: BLE001 - every failure is recorded as evidence
        errors.append(
            call_error_from(
                exc,
                service=service,
                operation=operation,
                region=region,
                account_id=account_id,
                resource=resource,
            )
        )
        return None
