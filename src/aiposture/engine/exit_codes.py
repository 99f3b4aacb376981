"""The exit-code policy and the readiness gate, as pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from aiposture.errors import ConfigError
from aiposture.guide.vocabulary import DIMENSIONS
from aiposture.results import Results, Severity, Status

OVERALL = "overall"
"""The ``--min-score`` key of the overall score."""


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
    return gate(results, fail_on, {}).code


@dataclass(frozen=True)
class GateDecision:
    """The readiness gate's verdict: the exit code, and every rule that tripped."""

    code: ExitCode
    reasons: list[str] = field(default_factory=list)


def gate(
    results: Results, fail_on: Severity | None, min_scores: Mapping[str, float]
) -> GateDecision:
    """The readiness gate. Pure.

    Exit 1 (FINDINGS) when either rule trips, 0 (OK) otherwise:

    - ``fail_on``: a result of that severity or above is FAIL or ERROR (``None``: never);
      WAIVED, PASS and NOT_APPLICABLE never trip it;
    - ``min_scores``: ``overall`` or a dimension id -> the lowest acceptable score (0-100).
      A score of ``None`` (no applicable check was scored) or a dimension the scan did not
      score at all trips the gate: a score that was not measured cannot show it is high enough.

    Every tripped rule is named in ``reasons`` (failures counted per severity).
    """
    reasons: list[str] = []
    if fail_on is not None:
        tripped: dict[Severity, dict[Status, int]] = {}
        for r in results.results:
            if r.status in (Status.FAIL, Status.ERROR) and r.severity.at_least(fail_on):
                by_status = tripped.setdefault(r.severity, {})
                by_status[r.status] = by_status.get(r.status, 0) + 1
        for severity in sorted(tripped, key=lambda s: s.rank):
            parts = []
            for status, label in ((Status.FAIL, "failed"), (Status.ERROR, "unverified (ERROR)")):
                n = tripped[severity].get(status, 0)
                if n:
                    parts.append(f"{n} {label}")
            reasons.append(
                f"--fail-on {fail_on.value}: {' and '.join(parts)} at severity {severity.value}"
            )
    for key, minimum in min_scores.items():
        if key == OVERALL:
            actual = results.scores.overall
            name = "overall score"
        else:
            actual = results.scores.dimensions.get(key)
            name = f"score of {key}"
        if actual is None:
            reasons.append(
                f"--min-score {key}={minimum:g}: the {name} is not measured "
                "(no applicable check was scored), so it cannot be shown to meet the minimum"
            )
        elif actual < minimum:
            reasons.append(f"--min-score {key}={minimum:g}: the {name} is {actual:g}")
    return GateDecision(ExitCode.FINDINGS if reasons else ExitCode.OK, reasons)


def parse_min_scores(
    values: Iterable[str], base: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Parse ``--min-score`` values (``N`` for overall, ``DIMENSION=N``) over ``base``.

    ``base`` (the config's ``report.min_score``) is validated too; a flag overrides the
    config entry of the same key. An unknown dimension or a number outside 0-100 raises
    :class:`ConfigError` (exit 2).
    """
    out: dict[str, float] = {}
    items: list[tuple[str, str, str]] = [
        (k, str(v), f"config report.min_score.{k}") for k, v in (base or {}).items()
    ]
    for value in values:
        key, sep, number = value.partition("=")
        if not sep:
            key, number = OVERALL, value
        items.append((key.strip(), number.strip(), f"--min-score {value!r}"))
    for key, number, where in items:
        if key != OVERALL and key not in DIMENSIONS:
            choices = ", ".join([OVERALL, *DIMENSIONS])
            raise ConfigError(f"{where}: unknown dimension {key!r}; choose from {choices}")
        try:
            minimum = float(number)
        except ValueError:
            raise ConfigError(f"{where}: {number!r} is not a number") from None
        if not 0 <= minimum <= 100:
            raise ConfigError(f"{where}: the minimum must be between 0 and 100")
        out[key] = minimum
    return out
