"""The demo's detection content: the guide's items, judged by the events they match."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest

from aiposture.guide import detection as dc
from aiposture.guide.vocabulary import ALARM_NAMES
from aiposture.lang.contributor_rule_validation import RuleIssueSeverity, validate_rule
from aiposture.lang.contributor_rules import parse_rule
from aiposture.lang.filter_pattern import parse

_COMPARISON = re.compile(r"\$\.([\w.\[\]]+)\s*=\s*(\"[^\"]*\"|\d+)")
_IS = re.compile(r"\$\.([\w.\[\]]+)\s+IS\s+(TRUE|FALSE)")
MANTLE_EVENT = {
    "eventSource": dc.MANTLE_SOURCE,
    "eventName": dc.MANTLE_INFERENCE,
    "eventCategory": "Data",
    "managementEvent": False,
    "resources": [{"type": "AWS::BedrockMantle::Project"}],
}


def _set(event: dict[str, Any], selector: str, value: Any) -> None:
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", selector)
    node: Any = event
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt: Any = [] if not last and parts[i + 1].startswith("[") else {}
        if part.startswith("["):
            index = int(part[1:-1])
            while len(node) <= index:
                node.append({})
            if last:
                node[index] = value
            node = node[index]
        else:
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, nxt)


def events_for(pattern: str) -> list[str]:
    """Events over every combination of the values the pattern compares (plus a miss)."""
    options: dict[str, list[Any]] = {}
    for selector, literal in _COMPARISON.findall(pattern):
        value: Any = json.loads(literal)
        options.setdefault(selector, ["no-such-value"]).append(value)
    for selector, keyword in _IS.findall(pattern):
        options.setdefault(selector, []).extend([keyword == "TRUE", keyword != "TRUE"])
    keys = list(options)
    out = []
    for combo in itertools.product(*(options[k] for k in keys)):
        event: dict[str, Any] = {"eventVersion": "1.11", "eventCategory": "Management"}
        for key, value in zip(keys, combo, strict=True):
            _set(event, key, value)
        out.append(json.dumps(event))
    return out


def test_the_guide_has_25_filters_25_alarms_23_rules_27_queries() -> None:
    assert [f.number for f in dc.METRIC_FILTERS] == list(range(1, 26))
    assert [a.name for a in dc.ALARMS] == list(ALARM_NAMES)
    assert sorted(r.number for r in dc.INSIGHT_RULES) == list(range(1, 24))
    assert [q.number for q in dc.QUERIES] == list(range(1, 28))
    assert {a.metric for a in dc.ALARMS} == {f.metric for f in dc.METRIC_FILTERS}
    assert len({r.name for r in dc.INSIGHT_RULES}) == 23


@pytest.mark.parametrize("mf", dc.METRIC_FILTERS, ids=lambda f: f.seed_ref)
def test_every_filter_parses_and_matches_some_event(mf: dc.MetricFilter) -> None:
    for text in (mf.pattern, mf.complete_pattern):
        assert len(text) <= 1024
        pattern = parse(text)
        assert any(pattern.matches(e) for e in events_for(mf.pattern))
        assert not pattern.matches(json.dumps({"eventName": "Nothing"}))


@pytest.mark.parametrize("number", [1, 6])
def test_mantle_aware_filters_catch_mantle_inference_and_the_guides_do_not(number: int) -> None:
    mf = dc.metric_filter(number)
    event = dict(MANTLE_EVENT, errorCode="AccessDenied") if number == 1 else MANTLE_EVENT
    message = json.dumps(event)
    assert parse(mf.complete_pattern).matches(message)
    assert not parse(mf.pattern).matches(message)
    # and still everything the guide's own pattern catches
    guide = parse(mf.pattern)
    complete = parse(mf.complete_pattern)
    assert all(complete.matches(e) for e in events_for(mf.pattern) if guide.matches(e))


@pytest.mark.parametrize("number", sorted(dc.EQUIVALENT_PATTERNS))
def test_equivalent_forms_match_exactly_what_the_guide_matches(number: int) -> None:
    guide = parse(dc.metric_filter(number).pattern)
    other_text = dc.EQUIVALENT_PATTERNS[number]
    assert other_text.replace(" ", "") != dc.metric_filter(number).pattern.replace(" ", "")
    other = parse(other_text)
    events = events_for(dc.metric_filter(number).pattern)
    assert [guide.matches(e) for e in events] == [other.matches(e) for e in events]
    assert any(guide.matches(e) for e in events)


@pytest.mark.parametrize("broken", dc.BROKEN_PATTERNS, ids=lambda b: b.flaw)
def test_broken_forms_parse_but_miss_every_event_the_guide_catches(
    broken: dc.BrokenPattern,
) -> None:
    guide_text = dc.metric_filter(broken.number).pattern
    guide, bad = parse(guide_text), parse(broken.pattern)
    caught = [e for e in events_for(guide_text) if guide.matches(e)]
    assert caught
    assert not any(bad.matches(e) for e in caught)


@pytest.mark.parametrize("rule", dc.INSIGHT_RULES, ids=lambda r: r.seed_ref)
def test_every_rule_is_valid_on_the_log_group(rule: dc.InsightRule) -> None:
    for mantle_aware in (True, False):
        definition = rule.definition("trail-logs", mantle_aware=mantle_aware)
        issues = validate_rule(json.dumps(definition))
        assert not [i for i in issues if i.severity == RuleIssueSeverity.ERROR], issues
        assert definition["LogGroupNames"] == ["trail-logs"]
        assert definition["Contribution"]["Keys"] == list(rule.keys)


@pytest.mark.parametrize("number", [1, 5])
def test_mantle_aware_rules_count_mantle_events(number: int) -> None:
    rule = dc.insight_rule(number)
    event = dict(MANTLE_EVENT, errorCode="AccessDenied", userIdentity={"arn": "arn:x"})
    event["sourceIPAddress"] = "192.0.2.1"
    message = json.dumps(event)
    assert parse_rule(rule.definition_text("g")).contribution(message) is not None
    assert parse_rule(rule.definition_text("g", mantle_aware=False)).contribution(message) is None


@pytest.mark.parametrize("query", dc.QUERIES, ids=lambda q: q.seed_ref)
def test_queries_read_the_log_group(query: dc.Query) -> None:
    sql = query.sql_for("aws-cloudtrail-logs/ai-workloads")
    assert "`aws-cloudtrail-logs/ai-workloads`" in sql
    assert dc.CLOUDTRAIL_LOG_GROUP_PLACEHOLDER not in sql
    assert sql.startswith("SELECT")
    assert query.log_groups("g")[0] == "g"


def test_query_1_is_reconstructed_from_its_description() -> None:
    sql = dc.query(1).sql_for("g", mantle_aware=False)
    assert "errorCode IN ('AccessDenied', 'UnauthorizedOperation')" in sql
    assert "eventSource = 'bedrock.amazonaws.com'" in sql
    assert sql.endswith(
        "GROUP BY `userIdentity.arn`, eventName, errorCode, errorMessage, sourceIPAddress\n"
        "ORDER BY attempt_count DESC"
    )
    assert "bedrock-mantle.amazonaws.com" in dc.query(1).sql_for("g")


def test_cross_pipeline_queries_name_their_other_log_groups() -> None:
    assert dc.query(18).log_groups("g") == ["g", dc.INVOCATION_LOG_GROUP_NAME]
    assert dc.query(20).log_groups("g") == [
        "g",
        dc.INVOCATION_LOG_GROUP_NAME,
        dc.SPANS_LOG_GROUP_NAME,
    ]


def test_dashboard_has_the_guides_widgets() -> None:
    body = dc.dashboard_body("111122223333", "us-east-1", "g", ["AI-A", "AI-B"])
    widgets = body["widgets"]
    [alarm] = [w for w in widgets if w["type"] == "alarm"]
    assert alarm["properties"]["alarms"] == [
        "arn:aws:cloudwatch:us-east-1:111122223333:alarm:AI-A",
        "arn:aws:cloudwatch:us-east-1:111122223333:alarm:AI-B",
    ]
    rules = {
        w["properties"]["insightRule"]["ruleName"]
        for w in widgets
        if "insightRule" in w["properties"]
    }
    assert len(rules) == 19 and "AI-TopBedrockModelCallers" in rules
    logs = [w["properties"] for w in widgets if w["type"] == "log"]
    assert {p["queryLanguage"] for p in logs} == {"SQL"} and len(logs) == 10
    assert all(w["x"] + w["width"] <= 24 for w in widgets)
