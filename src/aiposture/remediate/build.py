"""Building the fix plan from a snapshot and its results.

The builder works phase by phase on a copy of the snapshot: trails first (start logging,
selectors, Insights, log file validation), then the detection layer on the log groups
those trails deliver to, then invocation logging. Each phase sees the previous phases'
changes (:func:`aiposture.remediate.apply.applied`), so a filter is planned on the log
group of a trail the plan starts. Every failure the plan cannot fix becomes an
:class:`~aiposture.remediate.plan.Unresolved` step that names the config key to set or
says why it is a manual change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiposture
from aiposture.config import Config
from aiposture.engine.catalog import Catalog
from aiposture.lang.classic_selectors import to_advanced
from aiposture.lang.data_event_types import HIGH_VOLUME_TYPES
from aiposture.lang.selector_validation import (
    IssueSeverity,
    count_advanced_values,
    validate_selectors,
)
from aiposture.remediate.apply import applied
from aiposture.remediate.detection import DetectionPlanner
from aiposture.remediate.plan import (
    STEP_ORDER,
    AccountPlan,
    CreateLogGroup,
    Plan,
    PutEventSelectors,
    PutInsightSelectors,
    PutInvocationLogging,
    ResultKey,
    SelectorChange,
    StartLogging,
    Step,
    Target,
    Unresolved,
    UpdateTrail,
    Verification,
)
from aiposture.remediate.selectors import (
    MAX_VALUES,
    MergeResult,
    Served,
    Values,
    guide_template,
    has_one_type_each,
    management_additions,
    network_template,
    new_selector,
    repair,
    unique_name,
)
from aiposture.results import Result, Results, Status
from aiposture.rules.base import RuleContext
from aiposture.rules.coverage import coverage, trail_covers
from aiposture.rules.data_events import DataEventsParams, NetworkActivityParams
from aiposture.rules.insights import InsightsParams
from aiposture.rules.selector_facts import validation_context
from aiposture.rules.trail import AttributeParams
from aiposture.snapshot.models import AccountSnapshot, Snapshot, Trail

SELECTOR_KINDS = frozenset(
    {
        "data_events_logged",
        "network_activity_logged",
        "management_events_logged",
        "selector_validity",
    }
)


def result_key(result: Result) -> ResultKey:
    """The key of ``result`` (as :attr:`Target.key`): the resource only for trail checks.

    Other checks give one result per account and region, whose resource (the alarm or
    rule that passes) changes with the fix.
    """
    arn = result.resource_arn if ":cloudtrail:" in (result.resource_arn or "") else None
    return (result.check_id, result.account_id, result.region, arn)


def target_of(result: Result) -> Target:
    """The :class:`Target` naming ``result``."""
    return Target(
        check_id=result.check_id,
        account_id=result.account_id,
        region=result.region,
        resource_arn=result_key(result)[3],
        title=result.title,
        seed_refs=list(result.seed_refs),
    )


@dataclass
class _TrailWork:
    """What the findings ask of one trail."""

    trail: Trail
    served: set[Served] = field(default_factory=set)
    data: dict[str, list[Result]] = field(default_factory=lambda: defaultdict(list))
    network: dict[str, list[Result]] = field(default_factory=lambda: defaultdict(list))
    management: list[Result] = field(default_factory=list)
    validity: list[Result] = field(default_factory=list)
    insights: dict[str, list[Result]] = field(default_factory=lambda: defaultdict(list))


class PlanBuilder:
    """Builds a :class:`Plan` for the failing results of one evaluation."""

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
        resources = {a.account_id: config.resources_for(a.account_id) for a in snapshot.accounts}
        self.values: dict[str, Values] = {}
        """Where each data-event type's real values come from, by ``resources.type``."""
        for item in catalog.checks:
            p = item.params
            if isinstance(p, DataEventsParams) and p.resource_type not in self.values:
                self.values[p.resource_type] = Values(
                    params=p,
                    resources=resources,
                    partition=snapshot.partition,
                    account_wide=config.remediation.unknown_resource_ids == "account-wide",
                )

    # --- helpers ---------------------------------------------------------------------

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
        """Name ``results`` among the targets of ``step`` (each result fixed by one step)."""
        for r in results:
            if result_key(r) not in self.claimed:
                step.targets.append(target_of(r))
                self.claimed.add(result_key(r))

    def leave(
        self,
        result: Result,
        reason: str,
        config_key: str | None = None,
        where: tuple[str, str] | None = None,
    ) -> None:
        """Record that ``result`` is not fixed by the plan, and why."""
        key = result_key(result)
        if key in self.claimed or key in self.unresolved:
            return
        account, region = where or (result.account_id or "", result.region or "")
        step = Unresolved(
            account_id=account,
            region=region or "",
            targets=[target_of(result)],
            reason=reason,
            config_key=config_key,
        )
        self.unresolved[key] = step

    def work(self) -> Snapshot:
        """The snapshot as the plan so far leaves it (a fresh copy)."""
        return applied(self.snapshot, self.steps)

    # --- phases ----------------------------------------------------------------------

    def build(self) -> Plan:
        """Run every phase and assemble the plan."""
        self._trail_state()
        self._selectors_and_insights()
        self._invocation_logging()
        DetectionPlanner(self).run()
        for r in self.failing:
            if result_key(r) not in self.claimed:
                self.leave(r, _default_reason(r))
        return self._assemble()

    def _trail_state(self) -> None:
        trails = {t.arn: t for t in self.snapshot.all_trails()}
        starts: dict[str, list[Result]] = defaultdict(list)
        validation: dict[str, list[Result]] = defaultdict(list)
        for r in self.failing:
            kind = self.kind_of(r.check_id)
            if kind == "trail_logging" and r.resource_arn in trails:
                starts[r.resource_arn].append(r)
            elif kind == "trail_attribute" and r.resource_arn in trails:
                p = self.params(r.check_id)
                if isinstance(p, AttributeParams) and p.attribute == "log_file_validation_enabled":
                    validation[r.resource_arn].append(r)
            elif kind == "region_covered" and r.account_id and r.region:
                ctx = self.ctx(self.snapshot, r.account_id, r.region)
                cov = coverage(ctx) if ctx else None
                if cov and cov.stopped:
                    starts[cov.stopped[0].arn].append(r)
        for arn, found in sorted(validation.items()):
            trail = trails[arn]
            self.add(
                UpdateTrail(
                    **_trail_fields(trail),
                    reason=f"Trail {trail.name} does not validate its log files: a changed or "
                    "deleted log file would go unnoticed.",
                    enable_log_file_validation=True,
                ),
                found,
            )
        for arn, found in sorted(starts.items()):
            trail = trails[arn]
            self.add(
                StartLogging(
                    **_trail_fields(trail),
                    reason=f"Trail {trail.name} exists but is not logging, so it records nothing.",
                    notes=[
                        "Starting a trail makes its selectors take effect: review them on this page "
                        "before running the script."
                    ],
                ),
                found,
            )

    def _choose_trail(self, work: Snapshot, account_id: str, region: str) -> Trail | str:
        ctx = self.ctx(work, account_id, region)
        if ctx is None:
            return f"account {account_id} was not scanned"
        cov = coverage(ctx)
        usable = [t for t in cov.logging if t.event_selectors is not None]
        if not usable:
            if cov.logging:
                return "the event selectors of the covering trails could not be read"
            return (
                f"no logging trail covers account {account_id} in {region}: create a multi-region "
                "trail (or an organization trail) first"
            )
        usable.sort(
            key=lambda t: (
                t.cloudwatch_logs_log_group_arn is None,
                t.owner_account_id != account_id,
                not t.is_multi_region,
                t.name,
            )
        )
        return usable[0]

    def _selectors_and_insights(self) -> None:
        work = self.work()
        trails = {t.arn: t for t in work.all_trails()}
        plans: dict[str, _TrailWork] = {}
        for r in self.failing:
            kind = self.kind_of(r.check_id)
            if kind not in SELECTOR_KINDS and kind != "insights_enabled":
                continue
            if kind == "selector_validity":
                trail = trails.get(r.resource_arn or "")
                if trail is None or trail.event_selectors is None:
                    continue
                tw = plans.setdefault(trail.arn, _TrailWork(trail))
                tw.validity.append(r)
                continue
            if not r.account_id or not r.region:
                continue
            chosen = self._choose_trail(work, r.account_id, r.region)
            if isinstance(chosen, str):
                self.leave(r, chosen)
                continue
            tw = plans.setdefault(chosen.arn, _TrailWork(chosen))
            tw.served.add(Served(r.account_id, r.region))
            p = self.params(r.check_id)
            if isinstance(p, DataEventsParams):
                tw.data[p.resource_type].append(r)
            elif isinstance(p, NetworkActivityParams):
                tw.network[p.event_source].append(r)
            elif isinstance(p, InsightsParams):
                tw.insights[p.insight_type].append(r)
            else:
                tw.management.append(r)
        for arn in sorted(plans):
            tw = plans[arn]
            owner = work.account(tw.trail.owner_account_id)
            if owner is not None:
                tw.served.update(
                    Served(owner.account_id, region)
                    for region in owner.scanned_regions
                    if trail_covers(tw.trail, owner, region)
                )
            if tw.data or tw.network or tw.management or tw.validity:
                self._selector_step(tw, owner)
            if tw.insights:
                self._insight_step(tw)

    def _values(self, resource_type: str) -> Values | None:
        return self.values.get(resource_type)

    def _merge(self, tw: _TrailWork, owner: AccountSnapshot | None) -> MergeResult:
        trail = tw.trail
        sel = trail.event_selectors
        assert sel is not None
        converted = sel.mode == "classic"
        base = (
            to_advanced(sel.classic or [], self.snapshot.partition)
            if converted
            else list(sel.advanced or [])
        )
        served = sorted(tw.served, key=lambda s: (s.account_id, s.region))
        issues = (
            validate_selectors({"AdvancedEventSelectors": base}, validation_context(trail, owner))
            if owner is not None and base
            else []
        )
        result = MergeResult(after=[], changes=[])
        for index, selector in enumerate(base):
            mine = [i for i in issues if i.selector_index == index]
            types = [
                v
                for f in selector.get("FieldSelectors", [])
                if f.get("Field") == "resources.type"
                for v in f.get("Equals", [])
            ]
            values = self._values(types[0]) if len(types) == 1 else None
            fixed, needs, why = repair(selector, mine, values, served)
            name = str(selector.get("Name") or f"selector {index + 1}")
            if fixed is not None:
                result.after.append(fixed)
                result.fixed_types.update(types)
                result.changes.append(
                    SelectorChange(
                        name=name, change="replaced", before=selector, after=fixed, why=why
                    )
                )
                continue
            if needs is not None:
                result.needs.append(needs)
            result.after.append(selector)
            result.changes.append(
                SelectorChange(
                    name=name,
                    change="converted" if converted else "kept",
                    before=None if converted else selector,
                    after=selector,
                    why="converted from the trail's classic selectors" if converted else "",
                )
            )
        taken = {str(s.get("Name", "")) for s in result.after}

        def add(selector: dict[str, Any], why: str) -> None:
            selector["Name"] = unique_name(str(selector.get("Name") or "aiposture"), taken)
            taken.add(selector["Name"])
            result.after.append(selector)
            result.changes.append(
                SelectorChange(name=selector["Name"], change="added", after=selector, why=why)
            )

        for rtype in sorted(tw.data):
            if rtype in result.fixed_types:
                continue
            template = guide_template(rtype) or {
                "Name": f"{rtype.replace('AWS::', '').replace('::', '-')}-DataEvents",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": [rtype]},
                ],
            }
            places = sorted(
                {Served(r.account_id or "", r.region or "") for r in tw.data[rtype]},
                key=lambda s: (s.account_id, s.region),
            )
            if trail.is_multi_region:
                places = sorted(
                    {
                        *places,
                        *(s for s in served if any(p.account_id == s.account_id for p in places)),
                    },
                    key=lambda s: (s.account_id, s.region),
                )
            made, needs = new_selector(template, self._values(rtype), places)
            if made is None:
                if needs is not None:
                    result.needs.append(needs)
                continue
            add(made, f"logs {rtype} data events (the guide's selector, with real values)")
            result.fixed_types.add(rtype)
        for source in sorted(tw.network):
            network = network_template(source)
            if network is not None:
                add(network, f"logs VPC endpoint denials (VpceAccessDenied) of {source}")
        if tw.management:
            for selector in management_additions(result.after):
                add(selector, "with the existing selectors, logs every management event")
        count = count_advanced_values(result.after)
        if count > MAX_VALUES:
            result.over_limit = count
        assert has_one_type_each(
            [c.after for c in result.changes if c.change == "added" and c.after]
        ), "an added selector names more than one resources.type"
        return result

    def _selector_step(self, tw: _TrailWork, owner: AccountSnapshot | None) -> None:
        trail = tw.trail
        merged = self._merge(tw, owner)
        everything = (
            [r for rs in (*tw.data.values(), *tw.network.values()) for r in rs]
            + tw.management
            + tw.validity
        )
        if merged.over_limit is not None:
            for r in everything:
                self.leave(
                    r,
                    f"the merged selectors of trail {trail.name} would hold {merged.over_limit} "
                    f"values, more than the {MAX_VALUES} CloudTrail allows: split the resources "
                    "over a second trail or log whole types",
                )
            return
        needs_by_type = {n.resource_type: n for n in merged.needs}
        fixed: list[Result] = []
        for rtype, found in tw.data.items():
            if rtype in merged.fixed_types:
                fixed.extend(found)
            else:
                need = needs_by_type.get(rtype)
                for r in found:
                    if need is not None:
                        self.leave(r, need.why + "; the plan does not guess them", need.config_key)
        for found in tw.network.values():
            fixed.extend(found)
        fixed.extend(tw.management)
        remaining = (
            [
                i
                for i in validate_selectors(
                    {"AdvancedEventSelectors": merged.after}, validation_context(trail, owner)
                )
                if i.severity == IssueSeverity.ERROR
            ]
            if owner is not None
            else []
        )
        for r in tw.validity:
            if remaining:
                need = merged.needs[0] if merged.needs else None
                self.leave(
                    r,
                    f"trail {trail.name} keeps selectors with wrong values: "
                    + "; ".join(dict.fromkeys(i.message for i in remaining[:3])),
                    need.config_key if need else None,
                )
            else:
                fixed.append(r)
        if not any(c.change in ("added", "replaced") for c in merged.changes) and not (
            trail.event_selectors and trail.event_selectors.mode == "classic"
        ):
            return
        high = sorted(
            {
                t
                for c in merged.changes
                if c.change in ("added", "replaced") and c.after
                for f in c.after.get("FieldSelectors", [])
                if f.get("Field") == "resources.type"
                for t in f.get("Equals", [])
                if t in HIGH_VOLUME_TYPES
            }
        )
        notes = [
            "put-event-selectors replaces every selector of the trail: the list below keeps "
            f"all {sum(c.change in ('kept', 'converted') for c in merged.changes)} existing "
            "selectors unchanged"
            + (
                ", repairs the ones with wrong values"
                if any(c.change == "replaced" for c in merged.changes)
                else ""
            )
            + " and adds the missing ones."
        ]
        if high:
            notes.append(
                "Cost: data events are charged per event; "
                + ", ".join(high)
                + " can produce many events. Each added selector is limited to the resources "
                "and operations the guide names."
            )
        sel = trail.event_selectors
        self.add(
            PutEventSelectors(
                **_trail_fields(trail),
                reason=f"Trail {trail.name} does not log everything the guide requires"
                + (" and some of its selectors hold wrong values" if tw.validity else "")
                + ".",
                notes=notes,
                before_advanced=list(sel.advanced) if sel and sel.advanced else None,
                before_classic=list(sel.classic)
                if sel and sel.mode == "classic" and sel.classic
                else None,
                after=merged.after,
                changes=merged.changes,
                high_volume_types=high,
            ),
            fixed,
        )

    def _insight_step(self, tw: _TrailWork) -> None:
        trail = tw.trail
        before = [dict(s) for s in trail.insight_selectors or []]
        after = [dict(s, EventCategories=list(s.get("EventCategories") or [])) for s in before]
        for insight_type, found in sorted(tw.insights.items()):
            p = self.params(found[0].check_id)
            wanted = list(p.categories) if isinstance(p, InsightsParams) else ["Management"]
            entry = next((s for s in after if s.get("InsightType") == insight_type), None)
            if entry is None:
                after.append({"InsightType": insight_type, "EventCategories": wanted})
            else:
                cats = entry["EventCategories"] or ["Management"]
                entry["EventCategories"] = [*cats, *(c for c in wanted if c not in cats)]
        self.add(
            PutInsightSelectors(
                **_trail_fields(trail),
                reason=f"Trail {trail.name} lacks CloudTrail Insights the guide requires.",
                notes=[
                    "put-insight-selectors replaces the trail's Insights settings: the new list is "
                    "what is on now plus what is required, nothing is turned off.",
                    "Cost: Insights events are charged per 100,000 events analysed.",
                ],
                before=before,
                after=after,
            ),
            [r for rs in tw.insights.values() for r in rs],
        )

    def _invocation_logging(self) -> None:
        rem = self.config.remediation
        for r in self.failing:
            if (
                self.kind_of(r.check_id) != "model_invocation_logging"
                or not r.account_id
                or not r.region
            ):
                continue
            acct = self.snapshot.account(r.account_id)
            reg = acct.regions.get(r.region) if acct else None
            if acct is None or reg is None or reg.invocation_logging is None:
                continue
            current = dict(reg.invocation_logging.config)
            cw = dict(current.get("cloudWatchConfig") or {})
            group = cw.get("logGroupName") or rem.invocation_log_group
            role = cw.get("roleArn") or _role_for(acct, rem.invocation_logging_role_arns)
            if not role:
                self.leave(
                    r,
                    f"Bedrock needs a role to write invocation logs to CloudWatch Logs in account "
                    f"{r.account_id}; no role is known (none is used in another region)",
                    "remediation.invocation_logging_role_arns",
                )
                continue
            if not any(g.name == group for g in reg.log_groups):
                self.add(
                    CreateLogGroup(
                        account_id=r.account_id,
                        region=r.region,
                        reason=f"Invocation logs need the log group {group}, which does not exist.",
                        log_group_name=group,
                    )
                )
            cw.update(logGroupName=group, roleArn=role)
            config = {**current, "cloudWatchConfig": cw, "textDataDeliveryEnabled": True}
            self.add(
                PutInvocationLogging(
                    account_id=r.account_id,
                    region=r.region,
                    reason=f"Bedrock model invocation logging in {r.region} "
                    + (
                        "is off."
                        if not current
                        else "is incomplete (no CloudWatch Logs or no text)."
                    ),
                    notes=["The existing destinations and delivery settings are kept."]
                    if current
                    else [],
                    before=current,
                    config=config,
                ),
                [r],
            )

    # --- assembly --------------------------------------------------------------------

    def _assemble(self) -> Plan:
        by_account: dict[str, list[Step]] = defaultdict(list)
        for step in [*self.steps, *self.unresolved.values()]:
            by_account[step.account_id].append(step)
        order = {kind: i for i, kind in enumerate(STEP_ORDER)}
        accounts = [
            AccountPlan(
                account_id=account,
                steps=sorted(steps, key=lambda s: (order[s.kind], s.region, s.subject)),
            )
            for account, steps in sorted(by_account.items())
        ]
        return Plan(
            tool_version=aiposture.__version__,
            generated_at=datetime.now(UTC),
            snapshot_sha256="",
            accounts=accounts,
        )


def _trail_fields(trail: Trail) -> dict[str, Any]:
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


def _role_for(acct: AccountSnapshot, configured: list[str]) -> str | None:
    for arn in configured:
        if arn.split(":")[4:5] == [acct.account_id]:
            return arn
    for reg in acct.regions.values():
        cw = (
            reg.invocation_logging.config.get("cloudWatchConfig")
            if reg.invocation_logging
            else None
        ) or {}
        if cw.get("roleArn"):
            return str(cw["roleArn"])
    return None


def _default_reason(result: Result) -> str:
    return f"{result.message} The plan has no safe automatic change for this check; fix it by hand."


def build_plan(
    snapshot: Snapshot,
    results: Results,
    catalog: Catalog,
    config: Config,
    snapshot_sha256: str,
) -> Plan:
    """The fix plan for every failing result of ``results`` (judged on ``snapshot``)."""
    plan = PlanBuilder(snapshot, results, catalog, config).build()
    plan.snapshot_sha256 = snapshot_sha256
    return plan


def attribute_side_effects(plan: Plan, verification: Verification) -> Plan:
    """Move results the plan fixes without targeting them from Unresolved to their step.

    Starting a trail, say, makes its existing selectors count; the results that turn to
    PASS that way are fixed by the plan and are listed with the change of their account
    and region (or of their account) that comes first.
    """
    fixed = {
        (c.check_id, c.account_id, c.region, c.resource_arn)
        for c in verification.other_changes
        if c.before == Status.FAIL and c.after == Status.PASS
    }
    if not fixed:
        return plan
    for account in plan.accounts:
        moved: list[Target] = []
        kept: list[Step] = []
        for step in account.steps:
            if isinstance(step, Unresolved) and all(t.key in fixed for t in step.targets):
                moved.extend(step.targets)
            else:
                kept.append(step)
        for target in moved:
            home = next(
                (s for s in kept if not isinstance(s, Unresolved) and s.region == target.region),
                None,
            ) or next((s for s in kept if not isinstance(s, Unresolved)), None)
            if home is None:
                continue
            home.targets.append(target)
            home.notes.append(f"Also fixes {target.check_id} in {target.region or 'the account'}.")
        account.steps = kept
    return plan
