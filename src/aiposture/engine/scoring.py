"""Dimension scores: the severity-weighted share of applicable checks that pass.

The unit of scoring is a check in an account, not a single result. A check judged in
3 regions or on 5 trails of one account weighs its severity weight once there, and
passes there only when every counted result of it there passes. Weighting per result
would let a check judged in many regions, or on many resources, outweigh a check judged
once per account, and would make the severity weights meaningless. The organization
score counts each (check, account) pair once, so every account weighs the same for the
same check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from aiposture.results import Result, Results, Scores, ScoreSet, Severity, Status

FORMULA = (
    "score(d) = 100 x sum(weight(u) for u in U_d if u passes) / sum(weight(u) for u in U_d). "
    "A unit u is one check in one account; U_d is the units of the checks mapped to dimension d "
    "that have at least one PASS, FAIL or ERROR result (WAIVED and NOT_APPLICABLE results are "
    "left out, so a unit with only those is not counted). A unit passes when every such result "
    "is PASS: one FAIL or ERROR, in any region or on any resource, makes it not pass (ERROR "
    "counts as not passing and is shown as unverified). weight(u) is the check's severity: "
    "critical 10, high 7.5, medium 5, low 2.5, info 0. Each account is scored over its own "
    "units; the organization over every account's units; overall uses every dimension's units "
    "once. A score is empty when its units weigh 0."
)

_COUNTED = {Status.PASS, Status.FAIL, Status.ERROR}


@dataclass(frozen=True)
class Unit:
    """One check in one account, as scoring sees it."""

    check_id: str
    account_id: str | None
    severity: Severity
    dimensions: tuple[str, ...]
    status: Status
    """FAIL when any counted result fails, else ERROR when any is ERROR, else PASS."""


def units(results: Iterable[Result]) -> list[Unit]:
    """The scored units of ``results``: one per (check, account) with a counted result."""
    grouped: dict[tuple[str, str | None], list[Result]] = defaultdict(list)
    for r in results:
        if r.status in _COUNTED:
            grouped[(r.check_id, r.account_id)].append(r)
    out: list[Unit] = []
    for (check_id, account_id), rs in sorted(
        grouped.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
    ):
        statuses = {r.status for r in rs}
        status = (
            Status.FAIL
            if Status.FAIL in statuses
            else Status.ERROR
            if Status.ERROR in statuses
            else Status.PASS
        )
        dims = tuple(dict.fromkeys(d for r in rs for d in r.dimensions))
        severity = min((r.severity for r in rs), key=lambda s: s.rank)
        out.append(Unit(check_id, account_id, severity, dims, status))
    return out


def _share(scored: Iterable[Unit]) -> float | None:
    total = passed = 0.0
    for u in scored:
        total += u.severity.weight
        if u.status == Status.PASS:
            passed += u.severity.weight
    return round(100.0 * passed / total, 1) if total else None


def _score_set(
    scored: list[Unit], dimensions: Iterable[str]
) -> tuple[float | None, dict[str, float | None]]:
    by_dim: dict[str, list[Unit]] = {d: [] for d in dimensions}
    for u in scored:
        for d in u.dimensions:
            by_dim[d].append(u)
    return _share(scored), {d: _share(us) for d, us in sorted(by_dim.items())}


def score(results: list[Result]) -> Scores:
    """Overall and per-dimension scores for ``results``: for the organization and per account.

    A dimension appears when any result maps to it; its score is None when nothing
    counted there (every result WAIVED or NOT_APPLICABLE, or only info checks).
    """
    scored = units(results)
    dims: dict[str | None, dict[str, None]] = defaultdict(dict)
    for r in results:
        dims[None].update(dict.fromkeys(r.dimensions))
        if r.account_id is not None:
            dims[r.account_id].update(dict.fromkeys(r.dimensions))
    overall, dimensions = _score_set(scored, dims[None])
    by_account: dict[str, list[Unit]] = {a: [] for a in dims if a is not None}
    for u in scored:
        if u.account_id is not None:
            by_account[u.account_id].append(u)
    accounts = {}
    for account_id, us in sorted(by_account.items()):
        acct_overall, acct_dims = _score_set(us, dims[account_id])
        accounts[account_id] = ScoreSet(overall=acct_overall, dimensions=acct_dims)
    return Scores(overall=overall, dimensions=dimensions, formula=FORMULA, accounts=accounts)


def rescored(results: Results) -> Results:
    """``results`` with every score computed again from its results.

    Commands that read a results file judge and render these, never the stored scores: a
    score cannot disagree with the statuses it stands for.
    """
    return results.model_copy(update={"scores": score(results.results)})
