"""Planning a trail's event selectors and CloudTrail Insights from the failing results.

Each failing data-event, network-activity, management-event, selector-validity or
Insights result names the trail that must change: a selector-validity result its own
trail, the others the logging trail that covers their account and region (one that
delivers to CloudWatch Logs first). Per trail, the missing selectors are merged with the
ones it has (each kept, repaired or converted from classic) into one
``put-event-selectors`` step, and the missing Insights types into one
``put-insight-selectors`` step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiposture.lang.advanced_selector_validation import count_advanced_values
from aiposture.lang.classic_selectors import to_advanced
from aiposture.lang.data_event_types import HIGH_VOLUME_TYPES
from aiposture.lang.selector_issues import IssueSeverity
from aiposture.lang.selector_validation import validate_selectors
from aiposture.remediate.data_event_cost import estimate
from aiposture.remediate.plan import (
    DataEventCost,
    PutEventSelectors,
    PutInsightSelectors,
    SelectorChange,
)
from aiposture.remediate.planning import PlanState, trail_fields
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
from aiposture.results import Result
from aiposture.rules.data_events_logged import DataEventsParams
from aiposture.rules.insights_enabled import InsightsParams
from aiposture.rules.network_activity_logged import NetworkActivityParams
from aiposture.rules.support.coverage import coverage, trail_covers
from aiposture.rules.support.selector_facts import validation_context
from aiposture.snapshot.models import AccountSnapshot, Snapshot, Trail

SELECTOR_KINDS = frozenset(
    {
        "data_events_logged",
        "network_activity_logged",
        "management_events_logged",
        "selector_validity",
    }
)
"""The rule kinds a ``put-event-selectors`` step fixes."""


@dataclass
class TrailWork:
    """What the findings ask of one trail."""

    trail: Trail
    served: set[Served] = field(default_factory=set)
    data: dict[str, list[Result]] = field(default_factory=lambda: defaultdict(list))
    network: dict[str, list[Result]] = field(default_factory=lambda: defaultdict(list))
    management: list[Result] = field(default_factory=list)
    validity: list[Result] = field(default_factory=list)
    insights: dict[str, list[Result]] = field(default_factory=lambda: defaultdict(list))


class TrailSelectorPlanner:
    """Plans the event selectors and Insights of every trail that failing results need."""

    def __init__(self, state: PlanState) -> None:
        self.b = state
        config, snapshot = state.config, state.snapshot
        resources = {a.account_id: config.resources_for(a.account_id) for a in snapshot.accounts}
        self.values: dict[str, Values] = {}
        """Where each data-event type's real values come from, by ``resources.type``."""
        for item in state.catalog.checks:
            p = item.params
            if isinstance(p, DataEventsParams) and p.resource_type not in self.values:
                self.values[p.resource_type] = Values(
                    params=p,
                    resources=resources,
                    partition=snapshot.partition,
                    account_wide=config.remediation.unknown_resource_ids == "account-wide",
                    scope=config.remediation.selector_scope,
                    snapshot=snapshot,
                )

    def _choose_trail(self, work: Snapshot, account_id: str, region: str) -> Trail | str:
        ctx = self.b.ctx(work, account_id, region)
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

    def run(self) -> None:
        """Plan one selectors step and one Insights step per trail that needs them."""
        work = self.b.work()
        trails = {t.arn: t for t in work.all_trails()}
        plans: dict[str, TrailWork] = {}
        for r in self.b.failing:
            kind = self.b.kind_of(r.check_id)
            if kind not in SELECTOR_KINDS and kind != "insights_enabled":
                continue
            if kind == "selector_validity":
                trail = trails.get(r.resource_arn or "")
                if trail is None or trail.event_selectors is None:
                    continue
                tw = plans.setdefault(trail.arn, TrailWork(trail))
                tw.validity.append(r)
                continue
            if not r.account_id or not r.region:
                continue
            chosen = self._choose_trail(work, r.account_id, r.region)
            if isinstance(chosen, str):
                self.b.leave(r, chosen)
                continue
            tw = plans.setdefault(chosen.arn, TrailWork(chosen))
            tw.served.add(Served(r.account_id, r.region))
            p = self.b.params(r.check_id)
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

    def _cost(self, resource_type: str, places: Sequence[Served]) -> DataEventCost:
        """The expected cost of logging ``resource_type`` in ``places`` (an estimate)."""
        return estimate(
            self.b.snapshot,
            resource_type,
            [(p.account_id, p.region) for p in places],
            self.b.config.remediation.data_event_price_usd_per_100k,
        )

    def _merge(self, tw: TrailWork, owner: AccountSnapshot | None) -> MergeResult:
        trail = tw.trail
        sel = trail.event_selectors
        assert sel is not None
        converted = sel.mode == "classic"
        base = (
            to_advanced(sel.classic or [], self.b.snapshot.partition)
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
                        name=name,
                        change="replaced",
                        before=selector,
                        after=fixed,
                        why=why,
                        cost=self._cost(types[0], served) if values is not None else None,
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

        def add(selector: dict[str, Any], why: str, cost: DataEventCost | None = None) -> None:
            selector["Name"] = unique_name(str(selector.get("Name") or "aiposture"), taken)
            taken.add(selector["Name"])
            result.after.append(selector)
            result.changes.append(
                SelectorChange(
                    name=selector["Name"], change="added", after=selector, why=why, cost=cost
                )
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
            made, needs, how = new_selector(template, self._values(rtype), places)
            if made is None:
                if needs is not None:
                    result.needs.append(needs)
                continue
            add(
                made,
                f"logs {rtype} data events (the guide's selector, with real values"
                + (": " + "; ".join(how) if how else "")
                + ")",
                self._cost(rtype, places),
            )
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

    def _selector_step(self, tw: TrailWork, owner: AccountSnapshot | None) -> None:
        trail = tw.trail
        merged = self._merge(tw, owner)
        everything = (
            [r for rs in (*tw.data.values(), *tw.network.values()) for r in rs]
            + tw.management
            + tw.validity
        )
        if merged.over_limit is not None:
            for r in everything:
                self.b.leave(
                    r,
                    f"the merged selectors of trail {trail.name} would hold {merged.over_limit} "
                    f"values, more than the {MAX_VALUES} CloudTrail allows: split the resources "
                    "over a second trail or log whole types "
                    '(remediation.selector_scope = "type")',
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
                        self.b.leave(
                            r, need.why + "; the plan does not guess them", need.config_key
                        )
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
                self.b.leave(
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
        self.b.add(
            PutEventSelectors(
                **trail_fields(trail),
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

    def _insight_step(self, tw: TrailWork) -> None:
        trail = tw.trail
        before = [dict(s) for s in trail.insight_selectors or []]
        after = [dict(s, EventCategories=list(s.get("EventCategories") or [])) for s in before]
        for insight_type, found in sorted(tw.insights.items()):
            p = self.b.params(found[0].check_id)
            wanted = list(p.categories) if isinstance(p, InsightsParams) else ["Management"]
            entry = next((s for s in after if s.get("InsightType") == insight_type), None)
            if entry is None:
                after.append({"InsightType": insight_type, "EventCategories": wanted})
            else:
                cats = entry["EventCategories"] or ["Management"]
                entry["EventCategories"] = [*cats, *(c for c in wanted if c not in cats)]
        self.b.add(
            PutInsightSelectors(
                **trail_fields(trail),
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
