"""The exit-code policy, as a pure function."""

from __future__ import annotations

from enum import IntEnum

from aiposture.engine.results import Results, Severity, Status


class ExitCode(IntEnum):
    """aiposture's exit codes (documented in the README)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    CANNOT_RUN = 3


def exit_code(results: Results, fail_on: Severity) -> ExitCode:
    """1 when a result at or above ``fail_on`` failed or could not be verified, else 0.

    ERROR counts like FAIL: an unverified control is not a passing one.
    """
    for r in results.results:
        if r.status in (Status.FAIL, Status.ERROR) and r.severity.at_least(fail_on):
            return ExitCode.FINDINGS
    return ExitCode.OK
