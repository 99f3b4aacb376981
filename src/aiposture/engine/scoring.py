"""Dimension scores: the severity-weighted share of applicable results that pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from aiposture.engine.results import Result, Scores, Status

FORMULA = (
    "score(d) = 100 x sum(weight(r) for r in R_d if r.status = PASS) / sum(weight(r) for r in R_d), "
    "where R_d is the results of checks mapped to dimension d whose status is PASS, FAIL or ERROR "
    "(ERROR counts as not passing: unverified), NOT_APPLICABLE and WAIVED are left out, and "
    "weight is critical 10, high 7.5, medium 5, low 2.5, info 0."
)

_COUNTED = {Status.PASS, Status.FAIL, Status.ERROR}


def _share(results: Iterable[Result]) -> float | None:
    total = passed = 0.0
    for r in results:
        if r.status not in _COUNTED:
            continue
        total += r.severity.weight
        if r.status == Status.PASS:
            passed += r.severity.weight
    return round(100.0 * passed / total, 1) if total else None


def score(results: list[Result]) -> Scores:
    """Overall and per-dimension scores for ``results``."""
    by_dim: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        for d in r.dimensions:
            by_dim[d].append(r)
    return Scores(
        overall=_share(results),
        dimensions={d: _share(rs) for d, rs in sorted(by_dim.items())},
        formula=FORMULA,
    )
