"""Rule kind ``contributor_insights_rule``: the guide's Contributor Insights rules (Rules 1-23).

A requirement is stated as sample CloudTrail events (``must_match``, one per value of each ``In``
list of the guide's rule, plus the bedrock-mantle events the guide misses; ``must_not_match``,
close events the rule is not for) and the guide's key fields. It is met in an (account, region)
when an **enabled** Contributor Insights rule, read in the account and region of a CloudTrail
delivery log group of that (account, region), applies to that log group, counts every
must-match event and no must-not-match one (evaluated locally with
:mod:`aiposture.lang.contributor_rules`), has every guide key among its ``Contribution.Keys``
and reads the events as CloudTrail writes them (not ``ApplyOnTransformedLogs``). The rule is
the ``rule`` link of the detection chain (:mod:`aiposture.rules.support.chain`): the trail must record
the events and deliver them, and the log group must be in a class Contributor Insights runs
on. Rule names are used only to pick which rule to explain when none passes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, field_validator

from aiposture.guide import detection as guide
from aiposture.guide.remediation import insight_rule_command
from aiposture.lang.contributor_rule_validation import RuleIssueSeverity, validate_rule
from aiposture.lang.contributor_rules import ContributorRule, parse_rule
from aiposture.rules.base import Outcome, RuleContext, RuleKind
from aiposture.rules.support.chain import Candidate, Upstream, broken, decide, ok, unknown, upstream
from aiposture.rules.support.detection_scope import DeliveryGroup
from aiposture.rules.support.sample_events import SampleEvent, SampleEvents, event_message

PLACEHOLDER = "YOUR_CLOUDTRAIL_LOG_GROUP"
"""The guide's stand-in for the CloudTrail log group name in its rule definitions."""

CREATE_RULE_URL = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "ContributorInsights-CreateRule.html"
)

RULE = "rule"
"""The Contributor Insights rule's link in the detection chain."""

_DOT_INDEX = re.compile(r"\.(\d+)(?=[.\[]|$)")


class ContributorInsightsParams(SampleEvents):
    """Parameters of ``contributor_insights_rule``.

    ``must_match``: the events a rule must count (one per value of each ``In`` list of the
    guide's rule, and the bedrock-mantle events the guide misses, with a ``why``);
    ``must_not_match``: close events the rule is not for (counting one is a failure);
    ``keys``: the guide's ``Contribution.Keys``, which a rule must all have (in any order);
    ``counts``: what the rule counts, in words, for messages.
    ``guide_rule``: which of the guide's Contributor Insights Rules the check is for; its
    name, its definition (the guide's JSON, with ``YOUR_CLOUDTRAIL_LOG_GROUP``) and, when the
    guide's rule is wrong, the recommended definition are read from
    :mod:`aiposture.guide.detection`; they and ``guide_gap`` are used for remediation only,
    never to judge.
    """

    keys: list[str] = Field(min_length=1, max_length=4)
    counts: str = Field(min_length=1)
    guide_rule: int
    """The guide's Contributor Insights Rule number (1-23)."""
    guide_gap: str | None = None

    @field_validator("guide_rule")
    @classmethod
    def _known_rule(cls, value: int) -> int:
        numbers = [r.number for r in guide.INSIGHT_RULES]
        if value not in numbers:
            raise ValueError(
                f"the guide has Contributor Insights Rules {min(numbers)}-{max(numbers)}, "
                f"not {value}"
            )
        return value

    @property
    def guide_rule_name(self) -> str:
        """The guide's rule name."""
        return guide.insight_rule(self.guide_rule).name

    @property
    def guide_definition(self) -> dict[str, Any]:
        """The guide's own definition, verbatim, on ``YOUR_CLOUDTRAIL_LOG_GROUP``."""
        return guide.insight_rule(self.guide_rule).definition(PLACEHOLDER, mantle_aware=False)

    @property
    def recommended_definition(self) -> dict[str, Any] | None:
        """The corrected definition where the guide's rule is wrong (guide 002), else None."""
        if self.guide_rule not in guide.MANTLE_AWARE_RULE_FILTERS:
            return None
        return guide.insight_rule(self.guide_rule).definition(PLACEHOLDER)

    def fix_definition(self, log_group: str) -> dict[str, Any]:
        """The definition to deploy (the fix plan's: recommended, else the guide's)."""
        return guide.insight_rule(self.guide_rule).definition(log_group)

    def fix_command(self, log_group: str) -> str:
        """The ``aws cloudwatch put-insight-rule`` command that creates the rule on ``log_group``."""
        return insight_rule_command(self.guide_rule, log_group)


def normalise_selector(selector: str) -> str:
    """A key selector in one spelling: ``$.resources.0.type`` becomes ``$.resources[0].type``."""
    return _DOT_INDEX.sub(r"[\1]", selector.strip())


# --- judging one rule against one log group ------------------------------------------------------


@dataclass(frozen=True)
class RuleVerdict:
    """What one DescribeInsightRules entry does for a requirement on one log group."""

    name: str
    state: str
    invalid: list[str] = field(default_factory=list)
    """The validator's ERROR issues (the rule then cannot be evaluated)."""
    log_groups: list[str] = field(default_factory=list)
    """The log groups the definition names (LogGroupNames or LogGroupARNs)."""
    applies: bool = False
    keys: list[str] = field(default_factory=list)
    counted: int = 0
    missed: list[SampleEvent] = field(default_factory=list)
    missing_keys: list[str] = field(default_factory=list)
    over_broad: list[str] = field(default_factory=list)
    dotted_indexes: list[str] = field(default_factory=list)
    """Selectors that index an array as ``.0`` instead of the documented ``[0]``."""
    transformed: bool = False
    """The rule runs on transformed log events (``ApplyOnTransformedLogs``)."""

    @property
    def enabled(self) -> bool:
        """True when DescribeInsightRules reports the rule ENABLED."""
        return self.state == "ENABLED"

    @property
    def counts_everything(self) -> bool:
        """The definition is valid, counts every must-match event and has every key."""
        return not self.invalid and not self.missed and not self.missing_keys

    @property
    def precise(self) -> bool:
        """It counts every must-match event, no must-not-match one, and has every key."""
        return self.counts_everything and not self.over_broad

    @property
    def satisfies(self) -> bool:
        """The rule meets the requirement on the log group (if it reads the raw events)."""
        return self.enabled and self.applies and self.precise

    def rank(self, guide_name: str) -> tuple[int, bool, bool, int, bool]:
        """Sort key for "closest rule": events counted, then name, log group, keys, state."""
        return (
            self.counted,
            self.name == guide_name,
            self.applies,
            -len(self.missing_keys),
            self.enabled,
        )

    def summary(self) -> dict[str, Any]:
        """A small JSON-able record for evidence."""
        return {
            "name": self.name,
            "state": self.state,
            "log_groups": self.log_groups,
            "applies": self.applies,
            "keys": self.keys,
            "counted": self.counted,
            "missed": [s.label for s in self.missed],
            "missing_keys": self.missing_keys,
            "over_broad": self.over_broad,
            "invalid": self.invalid,
        }


def _declared_groups(definition: object) -> list[str]:
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError:
            return []
    if not isinstance(definition, dict):
        return []
    found = definition.get("LogGroupNames") or definition.get("LogGroupARNs") or []
    return [str(g) for g in found] if isinstance(found, list) else []


def judge_rule(
    entry: dict[str, Any],
    params: ContributorInsightsParams,
    group: DeliveryGroup,
    must: list[str],
    must_not: list[str],
) -> RuleVerdict:
    """Evaluate one DescribeInsightRules entry against the requirement on ``group``.

    ``must`` and ``must_not`` are the sample events as CloudTrail writes them to the log
    group, in the order of ``params.must_match`` and ``params.must_not_match``. Never raises.
    """
    name = str(entry.get("Name") or "(unnamed)")
    state = str(entry.get("State") or "no State")
    definition = entry.get("Definition")
    declared = _declared_groups(definition)
    if not isinstance(definition, str | dict):
        return RuleVerdict(name, state, ["the rule has no Definition"], declared)
    errors = [
        f"{i.path}: {i.message}"
        for i in validate_rule(definition)
        if i.severity is RuleIssueSeverity.ERROR
    ]
    if errors:
        return RuleVerdict(name, state, errors, declared)
    rule: ContributorRule = parse_rule(definition)
    have = {normalise_selector(k) for k in rule.keys}
    return RuleVerdict(
        name=name,
        state=state,
        log_groups=declared,
        applies=rule.applies_to_log_group(group.name, group.account_id, group.region),
        keys=list(rule.keys),
        counted=sum(rule.contribution(m) is not None for m in must),
        missed=[
            s for s, m in zip(params.must_match, must, strict=True) if rule.contribution(m) is None
        ],
        missing_keys=[k for k in params.keys if normalise_selector(k) not in have],
        dotted_indexes=sorted(
            {
                selector
                for selector in (*rule.keys, *(f.match for f in rule.filters))
                if _DOT_INDEX.search(selector)
            }
        ),
        over_broad=[
            s.label
            for s, m in zip(params.must_not_match, must_not, strict=True)
            if rule.contribution(m) is not None
        ],
        transformed=entry.get("ApplyOnTransformedLogs") is True,
    )


# --- messages ------------------------------------------------------------------------------------


def _where(group: DeliveryGroup) -> str:
    return f"log group {group.name} (account {group.account_id}, {group.region})"


def _missed_text(verdict: RuleVerdict, total: int) -> str:
    labels = "; ".join(sample.label for sample in verdict.missed)
    return f"it does not count {len(verdict.missed)} of the {total} sample events ({labels})"


def _why_text(verdict: RuleVerdict) -> str:
    """Sentences saying why the missed events matter (the samples' ``why``)."""
    return "".join(
        f" Why {sample.label} matters: {sample.why.rstrip('.')}."
        for sample in verdict.missed
        if sample.why
    )


def _problems(verdict: RuleVerdict, group: DeliveryGroup, total: int) -> list[str]:
    if verdict.invalid:
        return ["its definition is invalid (" + "; ".join(verdict.invalid) + ")"]
    problems = []
    if not verdict.applies:
        listed = ", ".join(verdict.log_groups) or "no log group"
        problems.append(f"it applies to {listed}, not to log group {group.name}")
    if verdict.missed:
        problems.append(_missed_text(verdict, total))
        for selector in verdict.dotted_indexes:
            problems.append(
                f"{selector} indexes an array with a dot; the documented form is "
                f"{normalise_selector(selector)}, and this scanner does not count it as an index"
            )
    if verdict.over_broad:
        problems.append(
            f"it also counts {'; '.join(verdict.over_broad)}, which it is not for: its top "
            "contributors mix in routine activity and hide the ones it exists to show"
        )
    if verdict.missing_keys:
        problems.append(
            f"its Contribution.Keys [{', '.join(verdict.keys)}] lack "
            f"{', '.join(verdict.missing_keys)}"
        )
    return problems


def _judge_group(
    params: ContributorInsightsParams,
    ctx: RuleContext,
    path: Upstream,
    entries: list[dict[str, Any]] | None,
) -> Candidate:
    """The ``rule`` link on one candidate log group."""
    group = path.group
    base = {
        "log_group": group.name,
        "log_group_arn": group.arn,
        "account_id": group.account_id,
        "region": group.region,
        "log_group_class": group.log_class,
        "trail": group.trail_names,
    }
    if entries is None:
        why = group.unread("DescribeInsightRules")
        return Candidate(
            (unknown(RULE, f"Contributor Insights rules of {_where(group)}: {why}"),),
            "",
            group.arn,
            base,
        )
    must = [event_message(s, ctx.account_id, ctx.region, ctx.partition) for s in params.must_match]
    must_not = [
        event_message(s, ctx.account_id, ctx.region, ctx.partition) for s in params.must_not_match
    ]
    customer = [e for e in entries if isinstance(e, dict) and not e.get("ManagedRule")]
    verdicts = [judge_rule(e, params, group, must, must_not) for e in customer]
    keys = ", ".join(params.keys)
    evidence: dict[str, Any] = {**base, "rules_examined": len(verdicts)}
    good = [v for v in verdicts if v.satisfies and not v.transformed]
    if good:
        best = good[0]
        message = (
            f"Contributor Insights rule {best.name} is enabled on {_where(group)} and counts "
            f"{params.counts} (all {len(must)} sample events, none of the "
            f"{len(must_not)} it is not for) by {keys}."
        )
        return Candidate(
            (ok(RULE, f"rule {best.name} counts exactly the intended events by {keys}"),),
            message,
            group.arn,
            {**evidence, "rule": best.summary()},
        )
    transformed = [v for v in verdicts if v.satisfies and v.transformed]
    if transformed:
        return Candidate(
            (
                unknown(
                    RULE,
                    f"rule {transformed[0].name} would count {params.counts}, but it runs on "
                    "the transformed log events (ApplyOnTransformedLogs) and aiposture does "
                    "not read the log group's transformer",
                ),
            ),
            "",
            group.arn,
            {**evidence, "rule": transformed[0].summary()},
        )
    if not verdicts:
        return Candidate(
            (
                broken(
                    RULE,
                    f"there is no customer Contributor Insights rule in account "
                    f"{group.account_id}, {group.region}, so nothing ranks the contributors of "
                    f"{params.counts} by {keys} on log group {group.name}",
                ),
            ),
            "",
            group.arn,
            {**evidence, "rule": None},
        )
    closest = max(verdicts, key=lambda v: v.rank(params.guide_rule_name))
    problems = _problems(closest, group, len(must))
    evidence["rule"] = closest.summary()
    if not problems and not closest.enabled:
        return Candidate(
            (
                broken(
                    RULE,
                    f"Contributor Insights rule {closest.name} would count {params.counts} on "
                    f"{_where(group)} by {keys}, but is {closest.state}. Enable it: aws "
                    f"cloudwatch enable-insight-rules --rule-names {closest.name}",
                ),
            ),
            "",
            group.arn,
            {**evidence, "only_disabled": True},
        )
    if not closest.enabled:
        problems.append(f"it is {closest.state}")
    detail = (
        f"no enabled Contributor Insights rule on {_where(group)} counts exactly "
        f"{params.counts} by {keys}. The closest is {closest.name}: " + "; ".join(problems)
    )
    if not closest.invalid:
        detail += _why_text(closest)
    return Candidate((broken(RULE, detail),), "", group.arn, evidence)


# --- the rule kind -------------------------------------------------------------------------------


def contributor_insights_rule(params: ContributorInsightsParams, ctx: RuleContext) -> list[Outcome]:
    """An enabled Contributor Insights rule on the CloudTrail log group counts the events by the guide's keys.

    PASS names the rule and log group; FAIL names the first broken link of the detection
    chain (for the rule itself: the closest rule and what is wrong with it); ERROR when a
    link could not be read.
    """
    up = upstream(ctx, params, "Contributor Insights rules")
    paths = []
    for path in up.paths:
        reg = path.group.region_snapshot
        entries = reg.insight_rules if reg is not None else None
        paths.append((path, [_judge_group(params, ctx, path, entries)]))
    first = up.paths[0].group.name if up.paths else "<cloudtrail-log-group>"
    fix = f"Fix: {params.fix_command(first)}"
    if params.guide_gap:
        fix += f" -- {params.guide_gap}"
    only_disabled = bool(paths) and all(
        c.evidence.get("only_disabled") for _, cands in paths for c in cands
    )
    outcome = decide(
        up,
        paths,
        f"the Contributor Insights rule for {params.counts}",
        fix=None if only_disabled else (RULE, fix),
        evidence={
            "keys": params.keys,
            "must_match": [s.label for s in params.must_match],
            "fix": params.fix_command(first),
        },
    )
    return [outcome]


CONTRIBUTOR_INSIGHTS = RuleKind(
    "contributor_insights_rule",
    contributor_insights_rule,
    ContributorInsightsParams,
    "account_region",
    "An enabled Contributor Insights rule on the CloudTrail log group counts the intended events by the guide's keys.",
    results="region",
)
