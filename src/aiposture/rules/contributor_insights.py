"""Rule kind ``contributor_insights_rule``: the guide's Contributor Insights rules (Rules 1-23).

A requirement is stated as sample CloudTrail events (``must_match``, one per value of each ``In``
list of the guide's rule, plus the bedrock-mantle events the guide misses) and the guide's key
fields. It is met in an (account, region) when an **enabled** Contributor Insights rule, read
in the account and region of a CloudTrail delivery log group of that (account, region), applies
to that log group, counts every must-match event (evaluated locally with
:mod:`aiposture.lang.contributor_rules`), and has every guide key among its
``Contribution.Keys``. Rule names are used only to pick which rule to explain when none passes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Self

from pydantic import Field, model_validator

from aiposture.engine.results import Status
from aiposture.lang.contributor_rules import (
    ContributorRule,
    RuleIssueSeverity,
    parse_rule,
    validate_rule,
)
from aiposture.rules.base import Outcome, RuleContext, RuleKind
from aiposture.rules.detection_scope import (
    DeliveryGroup,
    broken_chain_message,
    cloudtrail_log_groups,
)
from aiposture.rules.sample_events import SampleEvent, SampleEvents, event_message

PLACEHOLDER = "YOUR_CLOUDTRAIL_LOG_GROUP"
"""The guide's stand-in for the CloudTrail log group name in its rule definitions."""

CREATE_RULE_URL = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "ContributorInsights-CreateRule.html"
)

_DOT_INDEX = re.compile(r"\.(\d+)(?=[.\[]|$)")


class ContributorInsightsParams(SampleEvents):
    """Parameters of ``contributor_insights_rule``.

    ``must_match``: the events a rule must count (one per value of each ``In`` list of the
    guide's rule, and the bedrock-mantle events the guide misses, with a ``why``);
    ``unrelated``: events the rule exists to ignore (counting them is only noted);
    ``keys``: the guide's ``Contribution.Keys``, which a rule must all have (in any order);
    ``counts``: what the rule counts, in words, for messages.
    ``guide_rule_name`` and ``guide_definition`` (the guide's JSON, with
    ``YOUR_CLOUDTRAIL_LOG_GROUP``) and, when the guide's rule is wrong,
    ``recommended_definition`` and ``guide_gap`` are used for remediation only, never to judge.
    """

    keys: list[str] = Field(min_length=1, max_length=4)
    counts: str = Field(min_length=1)
    guide_rule_name: str = Field(min_length=1, max_length=128)
    guide_definition: dict[str, Any]
    recommended_definition: dict[str, Any] | None = None
    guide_gap: str | None = None

    @model_validator(mode="after")
    def _definitions_valid(self) -> Self:
        for name in ("guide_definition", "recommended_definition"):
            definition = getattr(self, name)
            if definition is None:
                continue
            errors = [
                f"{i.path}: {i.message}"
                for i in validate_rule(definition)
                if i.severity is RuleIssueSeverity.ERROR
            ]
            if errors:
                raise ValueError(f"{name} is not a valid rule: {'; '.join(errors)}")
        return self

    def fix_definition(self, log_group: str) -> dict[str, Any]:
        """The definition to deploy (recommended, else the guide's) on ``log_group``."""
        source = self.recommended_definition or self.guide_definition
        definition = json.loads(json.dumps(source))
        definition.pop("LogGroupARNs", None)
        definition["LogGroupNames"] = [log_group]
        return dict(definition)

    def fix_command(self, log_group: str) -> str:
        """The ``aws cloudwatch put-insight-rule`` command that creates the rule on ``log_group``."""
        body = json.dumps(self.fix_definition(log_group), separators=(",", ":"))
        return (
            f"aws cloudwatch put-insight-rule --rule-name {self.guide_rule_name} "
            f"--rule-state ENABLED --rule-definition '{body}'"
        )


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

    @property
    def enabled(self) -> bool:
        """True when DescribeInsightRules reports the rule ENABLED."""
        return self.state == "ENABLED"

    @property
    def counts_everything(self) -> bool:
        """The definition is valid, counts every must-match event and has every key."""
        return not self.invalid and not self.missed and not self.missing_keys

    @property
    def satisfies(self) -> bool:
        """The rule meets the requirement on the log group."""
        return self.enabled and self.applies and self.counts_everything

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
    unrelated: list[str],
) -> RuleVerdict:
    """Evaluate one DescribeInsightRules entry against the requirement on ``group``.

    ``must`` and ``unrelated`` are the sample events as CloudTrail writes them to the log group,
    in the order of ``params.must_match`` and ``params.unrelated``. Never raises.
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
            for s, m in zip(params.unrelated, unrelated, strict=True)
            if rule.contribution(m) is not None
        ],
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
    if verdict.missing_keys:
        problems.append(
            f"its Contribution.Keys [{', '.join(verdict.keys)}] lack "
            f"{', '.join(verdict.missing_keys)}"
        )
    return problems


def _class_problem(group: DeliveryGroup) -> str | None:
    cls = group.log_group.log_group_class if group.log_group else None
    if cls is None or cls == "STANDARD":
        return None
    return (
        f"log group {group.name} is in the {cls} log class, and Contributor Insights needs the "
        "Standard class (a rule on it analyses nothing)"
    )


@dataclass(frozen=True)
class GroupVerdict:
    """The requirement on one delivery log group: the rule that meets it, or why none does."""

    group: DeliveryGroup
    passing: RuleVerdict | None
    closest: RuleVerdict | None
    message: str
    rules_examined: int
    only_disabled: bool = False
    """True when the closest rule would pass but is not enabled (the fix is to enable it)."""

    def evidence(self) -> dict[str, Any]:
        """A small JSON-able record for evidence."""
        chosen = self.passing or self.closest
        return {
            "log_group": self.group.name,
            "log_group_arn": self.group.arn,
            "account_id": self.group.account_id,
            "region": self.group.region,
            "log_group_class": self.group.log_group.log_group_class
            if self.group.log_group
            else None,
            "trail": self.group.trail.name,
            "rules_examined": self.rules_examined,
            "rule": chosen.summary() if chosen else None,
        }


def _judge_group(
    params: ContributorInsightsParams,
    ctx: RuleContext,
    group: DeliveryGroup,
    entries: list[dict[str, Any]],
) -> GroupVerdict:
    must = [event_message(s, ctx.account_id, ctx.region, ctx.partition) for s in params.must_match]
    unrelated = [
        event_message(s, ctx.account_id, ctx.region, ctx.partition) for s in params.unrelated
    ]
    customer = [e for e in entries if isinstance(e, dict) and not e.get("ManagedRule")]
    verdicts = [judge_rule(e, params, group, must, unrelated) for e in customer]
    class_problem = _class_problem(group)
    keys = ", ".join(params.keys)
    good = [v for v in verdicts if v.satisfies]
    if good and class_problem is None:
        best = min(good, key=lambda v: len(v.over_broad))
        message = (
            f"Contributor Insights rule {best.name} is enabled on {_where(group)} and counts "
            f"{params.counts} (all {len(must)} sample events) by {keys}."
        )
        if best.over_broad:
            message += (
                f" Note: it also counts {len(best.over_broad)} unrelated sample event(s) "
                f"({'; '.join(best.over_broad)}), so its top contributors mix in other activity."
            )
        return GroupVerdict(group, best, None, message, len(verdicts))
    if not verdicts:
        message = (
            f"No Contributor Insights rule on {_where(group)}: there is no customer rule in that "
            f"account and region, so nothing ranks the contributors of {params.counts} by {keys}."
        )
        if class_problem:
            message += f" Also, {class_problem}."
        return GroupVerdict(group, None, None, message, 0)
    closest = max(verdicts, key=lambda v: v.rank(params.guide_rule_name))
    problems = _problems(closest, group, len(must))
    if class_problem:
        problems.append(class_problem)
    if not problems and not closest.enabled:
        message = (
            f"Contributor Insights rule {closest.name} would count {params.counts} on "
            f"{_where(group)} by {keys}, but is {closest.state}. Enable it: aws cloudwatch "
            f"enable-insight-rules --rule-names {closest.name}."
        )
        return GroupVerdict(group, None, closest, message, len(verdicts), only_disabled=True)
    if not closest.enabled:
        problems.append(f"it is {closest.state}")
    message = (
        f"No enabled Contributor Insights rule on {_where(group)} counts {params.counts} by "
        f"{keys}. The closest is {closest.name}: " + "; ".join(problems) + "."
    )
    if not closest.invalid:
        message += _why_text(closest)
    return GroupVerdict(group, None, closest, message, len(verdicts))


# --- the rule kind -------------------------------------------------------------------------------


def _remediation_note(params: ContributorInsightsParams, group: str) -> str:
    note = f" Fix: {params.fix_command(group)}"
    if params.guide_gap:
        note += f" -- {params.guide_gap}"
    return note


def contributor_insights_rule(params: ContributorInsightsParams, ctx: RuleContext) -> list[Outcome]:
    """An enabled Contributor Insights rule on the CloudTrail log group counts the events by the guide's keys.

    PASS names the rule and log group; FAIL names the closest rule and what is wrong with it;
    ERROR when the rules of a delivery log group's account and region could not be read.
    """
    scope = cloudtrail_log_groups(ctx)
    readable, unread = scope.read_each(
        "insight_rules", "DescribeInsightRules", "Contributor Insights rules"
    )
    unknown = [*scope.unknowns(), *unread]
    verdicts = [_judge_group(params, ctx, group, entries) for group, entries in readable]
    evidence: dict[str, Any] = {
        "keys": params.keys,
        "must_match": [s.label for s in params.must_match],
        "log_groups": [v.evidence() for v in verdicts],
    }
    for verdict in verdicts:
        if verdict.passing is not None:
            return [Outcome(Status.PASS, verdict.message, verdict.group.arn, evidence)]
    if unknown:
        said = " ".join(v.message for v in verdicts)
        return [
            Outcome(
                Status.ERROR,
                "Cannot verify the Contributor Insights rule for "
                f"{params.counts}: " + "; ".join(unknown) + "." + (f" {said}" if said else ""),
                verdicts[0].group.arn if verdicts else None,
                {**evidence, "unknown": unknown},
            )
        ]
    if not verdicts:
        return [
            Outcome(
                Status.FAIL,
                broken_chain_message(scope, "Contributor Insights rules"),
                evidence={**evidence, "broken": [*scope.broken, *scope.missing()]},
            )
        ]
    first = verdicts[0].group
    message = " ".join(v.message for v in verdicts)
    elsewhere = [*scope.broken, *scope.missing()]
    if elsewhere:
        message += " Other trails: " + "; ".join(elsewhere) + "."
    evidence["fix"] = params.fix_command(first.name)
    if not all(v.only_disabled for v in verdicts):
        message += _remediation_note(params, first.name)
    return [
        Outcome(
            Status.FAIL,
            message,
            first.arn,
            evidence,
        )
    ]


CONTRIBUTOR_INSIGHTS = RuleKind(
    "contributor_insights_rule",
    contributor_insights_rule,
    ContributorInsightsParams,
    "account_region",
    "An enabled Contributor Insights rule on the CloudTrail log group counts the intended events by the guide's keys.",
)
