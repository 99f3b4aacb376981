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

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiposture.guide.vocabulary import DIMENSIONS
from aiposture.results import Result, Results, Scores, ScoreSet, Severity, Status

if TYPE_CHECKING:
    from aiposture.engine.catalog import Catalog

FORMULA = (
    "score(d) = 100 x sum(weight(u) for u in U_d if u passes) / sum(weight(u) for u in U_d). "
    "A unit u is one check in one account; U_d is the units of the checks mapped to dimension d "
    "that have at least one PASS, FAIL or ERROR result (WAIVED and NOT_APPLICABLE results are "
    "left out, so a unit with only those is not counted). A unit passes when every such result "
    "is PASS: one FAIL or ERROR, in any region or on any resource, makes it not pass (ERROR "
    "counts as not passing and is shown as unverified). weight(u) is the check's severity: "
    "critical 10, high 7.5, medium 5, low 2.5, info 0. Each account is scored over its own "
    "units; the organization over every account's units; overall uses every dimension's units "
    "once. A score is empty when its units weigh 0. Every Scoping Matrix dimension is listed: "
    "one without a score is marked not assessed, with the reason (no check maps to it, every "
    "check mapped to it was not applicable or waived, or only info checks)."
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


def score(results: list[Result], without_results: Mapping[str, str] | None = None) -> Scores:
    """Overall and per-dimension scores for ``results``: for the organization and per account.

    Every dimension of :data:`~aiposture.guide.vocabulary.DIMENSIONS` is in the organization's
    scores; one whose score is None is in ``not_assessed`` with the reason, read from the
    results (:func:`not_assessed_reason`). ``without_results`` gives the reason for a
    dimension no result maps to, when the caller knows it (:func:`catalog_reasons`: no check
    of the catalog maps to it, or the check selection left its checks out). An account's
    scores list the dimensions its results map to.
    """
    scored = units(results)
    dims: dict[str | None, dict[str, None]] = defaultdict(dict)
    dims[None].update(dict.fromkeys(DIMENSIONS))
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
    missing = without_results or {}
    not_assessed = {
        d: not_assessed_reason([r for r in results if d in r.dimensions], missing.get(d))
        for d, value in dimensions.items()
        if value is None
    }
    return Scores(
        overall=overall,
        dimensions=dimensions,
        formula=FORMULA,
        accounts=accounts,
        not_assessed=not_assessed,
    )


def _examples(messages: Iterable[str], limit: int = 2) -> str:
    """The most frequent of ``messages``, quoted, with how many others there are."""
    counted = Counter(messages).most_common()
    shown = "; ".join(f"'{m}'" for m, _ in counted[:limit])
    more = len(counted) - limit
    return shown + (f" (and {more} other reason{'s' if more > 1 else ''})" if more > 0 else "")


def _checks(results: Iterable[Result]) -> str:
    ids = sorted({r.check_id for r in results})
    shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
    return f"{len(ids)} check{'s' if len(ids) != 1 else ''} ({shown})"


def not_assessed_reason(mapped: list[Result], without_results: str | None = None) -> str:
    """Why a dimension has no score, from the results ``mapped`` to it.

    No result: ``without_results`` (from the catalog, :func:`catalog_reasons`) or "no result
    of this scan maps to it". Otherwise, in turn: every result not applicable (their
    reasons quoted), waived, or both; else only info-severity checks (weight 0) counted. A
    dimension whose checks could not be read (ERROR) is scored: ERROR counts as not passing.
    """
    if not mapped:
        return without_results or "no result of this scan maps to it"
    counted = [r for r in mapped if r.status in _COUNTED]
    if not counted:
        na = [r for r in mapped if r.status is Status.NOT_APPLICABLE]
        waived = [r for r in mapped if r.status is Status.WAIVED]
        if not waived:
            return (
                f"every check mapped to it was not applicable here ({_checks(na)}, "
                f"{len(na)} result{'s' if len(na) != 1 else ''}): {_examples(r.message for r in na)}"
            )
        if not na:
            return f"every result of the {_checks(waived)} mapped to it was waived ({len(waived)})"
        return (
            f"every result of the {_checks(mapped)} mapped to it was waived ({len(waived)}) or "
            f"not applicable ({len(na)}): {_examples(r.message for r in na)}"
        )
    return f"only info-severity checks map to it here, and they weigh 0 ({_checks(counted)})"


def catalog_reasons(catalog: Catalog) -> dict[str, str]:
    """Why each dimension would have no result in a scan with ``catalog``.

    "no check in the catalog maps to it"; "excluded by the check selection" (the whole
    catalog maps checks to it, the selection judged none of them); or, when checks of the
    selection map to it, that they gave no result in this scan.
    """
    whole = catalog.every or catalog.checks
    chosen = {c.check.id for c in catalog.checks}
    out = {}
    for d in DIMENSIONS:
        mapped = sorted(c.check.id for c in whole if d in c.check.dimensions)
        if not mapped:
            out[d] = "no check in the catalog maps to it"
            continue
        run = [c for c in mapped if c in chosen]
        names = ", ".join(mapped[:3]) + (f" and {len(mapped) - 3} more" if len(mapped) > 3 else "")
        if not run:
            out[d] = (
                f"excluded by the check selection: the {len(mapped)} check"
                f"{'s' if len(mapped) != 1 else ''} mapped to it ({names}) were not run"
            )
        else:
            out[d] = (
                f"the {len(run)} check{'s' if len(run) != 1 else ''} mapped to it gave no "
                "result in this scan"
            )
    return out


def rescored(results: Results) -> Results:
    """``results`` with every score computed again from its results.

    Commands that read a results file judge and render these, never the stored scores: a
    score cannot disagree with the statuses it stands for. The stored reasons of the
    dimensions no result maps to (known only to the catalog that judged) are kept.
    """
    carried = results.scores.not_assessed or {}
    return results.model_copy(update={"scores": score(results.results, carried)})


def dimension_scores(results: Results) -> dict[str, tuple[float | None, str | None]]:
    """Every Scoping Matrix dimension of ``results``: (score, why not assessed), by name.

    Every dimension of :data:`~aiposture.guide.vocabulary.DIMENSIONS` and every one the
    scores or results name, sorted. The reason is None for a scored dimension; for one
    without a score it is the stored ``scores.not_assessed`` reason, or (a results file
    written before every dimension was reported) :func:`not_assessed_reason` of its results.
    """
    stored = results.scores.not_assessed or {}
    names = set(DIMENSIONS) | set(results.scores.dimensions)
    for r in results.results:
        names.update(r.dimensions)
    out: dict[str, tuple[float | None, str | None]] = {}
    for name in sorted(names):
        value = results.scores.dimensions.get(name)
        if value is not None:
            out[name] = (value, None)
            continue
        reason = stored.get(name) or not_assessed_reason(
            [r for r in results.results if name in r.dimensions]
        )
        out[name] = (None, reason)
    return out
