"""What every phase of building a fix plan shares: the plan so far and its bookkeeping.

:class:`PlanState` holds the failing and passing results, the change steps planned so
far, which results each step claims (a result is fixed by one step) and the results left
:class:`~aiposture.remediate.plan.Unresolved`. The phases (:mod:`.build`,
:mod:`.trail_selectors`, :mod:`.detection`) each add to one state, in turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiposture.config import Config
from aiposture.engine.catalog import Catalog
from aiposture.remediate.apply import applied
from aiposture.remediate.plan import ResultKey, Step, Target, Unresolved
from aiposture.results import Result, Results, Status
from aiposture.rules.base import RuleContext
from aiposture.snapshot.models import Snapshot, Trail


def result_key(result: Result, catalog: Catalog) -> ResultKey:
    """The key of ``result`` (as :attr:`Target.key`): check, account, region, resource.

    The resource is the judged resource's ARN (a trail's, an agent's...) for the checks
    whose kind gives a result per resource (:attr:`RuleKind.results`; ``catalog`` gives a
    check's kind), and None for the others.
    """
    arn = result.resource_arn or ""
    item = catalog.get(result.check_id)
    kept = item is not None and item.kind.results == "resource"
    return (result.check_id, result.account_id, result.region, arn if kept and arn else None)


def judges_past(result: Result, catalog: Catalog) -> bool:
    """Whether ``result``'s check judges the audit period (a continuity gap).

    No change made now fixes such a result, so no plan targets it or counts it fixed
    (:attr:`RuleKind.judges_past`).
    """
    item = catalog.get(result.check_id)
    return item is not None and item.kind.judges_past


def target_of(result: Result, catalog: Catalog) -> Target:
    """The :class:`Target` naming ``result``."""
    return Target(
        check_id=result.check_id,
        account_id=result.account_id,
        region=result.region,
        resource_arn=result_key(result, catalog)[3],
        title=result.title,
        seed_refs=list(result.seed_refs),
    )


def trail_fields(trail: Trail) -> dict[str, Any]:
    """The fields of a step on ``trail``: where it applies, and the trail as read.

    ``trail`` (the keyword) is the trail's DescribeTrails entry with its tags, logging
    state and selectors, for the renderers that state the whole resource.
    """
    raw = dict(trail.raw)
    if trail.tags is not None:
        raw["Tags"] = [{"Key": k, "Value": v} for k, v in trail.tags.items()]
    if trail.status is not None:
        raw["IsLogging"] = trail.status.is_logging
    selectors = trail.event_selectors
    if selectors is not None and selectors.advanced:
        raw["AdvancedEventSelectors"] = selectors.advanced
    elif selectors is not None and selectors.classic is not None:
        raw["EventSelectors"] = selectors.classic
    if trail.insight_selectors is not None:
        raw["InsightSelectors"] = trail.insight_selectors
    if trail.aggregation is not None and trail.aggregation.get("AggregationConfigurations"):
        raw["AggregationConfigurations"] = trail.aggregation["AggregationConfigurations"]
    return {
        "account_id": trail.owner_account_id,
        "region": trail.home_region,
        "trail_name": trail.name,
        "trail_arn": trail.arn,
        "trail": raw,
    }


class PlanState:
    """The plan being built for the failing results of one evaluation."""

    def __init__(
        self, snapshot: Snapshot, results: Results, catalog: Catalog, config: Config
    ) -> None:
        self.snapshot = snapshot
        self.catalog = catalog
        self.config = config
        self.failing = [r for r in results.results if r.status == Status.FAIL]
        self.passing = [r for r in results.results if r.status == Status.PASS]
        self.steps: list[Step] = []
        self.claimed: set[ResultKey] = set()
        self.unresolved: dict[ResultKey, Unresolved] = {}

    def kind_of(self, check_id: str) -> str | None:
        """The rule kind of a check, or None when the catalog no longer has it."""
        item = self.catalog.get(check_id)
        return item.kind.name if item else None

    def params(self, check_id: str) -> Any:
        """A check's validated parameters."""
        return self.catalog.params_by_id[check_id]

    def ctx(self, snapshot: Snapshot, account_id: str, region: str) -> RuleContext | None:
        """A rule context on ``snapshot`` (None when the account was not scanned)."""
        acct = snapshot.account(account_id)
        if acct is None:
            return None
        return RuleContext(snapshot, acct, region, self.config, self.catalog.params_by_id)

    def add(self, step: Step, results: Iterable[Result] = ()) -> None:
        """Add a change step that fixes ``results``."""
        self.claim(step, results)
        self.steps.append(step)

    def claim(self, step: Step, results: Iterable[Result]) -> None:
        """Name ``results`` among the targets of ``step`` (each result fixed by one step).

        A result of a check that judges the past (a continuity gap) is never a target: no
        change made now fixes the audit period.
        """
        for r in results:
            if judges_past(r, self.catalog):
                continue
            key = result_key(r, self.catalog)
            if key not in self.claimed:
                step.targets.append(target_of(r, self.catalog))
                self.claimed.add(key)

    def leave(
        self,
        result: Result,
        reason: str,
        config_key: str | None = None,
        where: tuple[str, str] | None = None,
    ) -> None:
        """Record that ``result`` is not fixed by the plan, and why."""
        key = result_key(result, self.catalog)
        if key in self.claimed or key in self.unresolved:
            return
        account, region = where or (result.account_id or "", result.region or "")
        step = Unresolved(
            account_id=account,
            region=region or "",
            targets=[target_of(result, self.catalog)],
            reason=reason,
            config_key=config_key,
        )
        self.unresolved[key] = step

    def work(self) -> Snapshot:
        """The snapshot as the plan so far leaves it (a fresh copy)."""
        return applied(self.snapshot, self.steps)
