"""The report and the fix plan recommend the same detection items, read from one place.

A metric-filter, alarm, Contributor Insights or saved-query check's remediation text is
filled at catalog load from :mod:`aiposture.guide.detection`, the data the fix planner
deploys; this judges a snapshot with no filters, alarms, rules or queries (every such check
fails), builds the real fix plan, and compares filter name, pattern, metric and namespace
(alarm name, metric, threshold and period; rule name and definition; query name, SQL and log
groups) across the catalog, the guide data and the plan.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiposture.api import evaluate_snapshot
from aiposture.config import Config
from aiposture.engine.catalog import LoadedCheck, load_catalog
from aiposture.errors import CatalogError
from aiposture.guide import detection as guide
from aiposture.guide.remediation import (
    ALARM_TOPICS,
    LOG_GROUP_PLACEHOLDER,
    RECOMMENDED_COMMAND,
    alarm_command,
    insight_rule_command,
    metric_filter_command,
    saved_query_command,
)
from aiposture.remediate.build import build_plan
from aiposture.remediate.plan import (
    PutInsightRule,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
)
from aiposture.rules.alarm_chain import AlarmParams
from aiposture.rules.contributor_insights_rule import ContributorInsightsParams
from aiposture.rules.metric_filter import MetricFilterParams
from aiposture.rules.saved_query import SavedQueryParams
from aiposture.snapshot.io import snapshot_sha256
from tests.builders import ACCOUNT, REGION, guide_trail, log_group, snapshot, with_detection
from tests.rules.helpers import CATALOG

GROUP = "aws-cloudtrail-logs/ai"
PlanStep = Any
"""A fix-plan step (the plan's step classes share no base that names ``targets``)."""
FILTER_CHECKS = [c for c in CATALOG.checks if c.kind.name == "metric_filter"]
RULE_CHECKS = [c for c in CATALOG.checks if c.kind.name == "contributor_insights_rule"]
QUERY_CHECKS = [c for c in CATALOG.checks if c.kind.name == "saved_query"]
ALARM_CHECKS = [c for c in CATALOG.checks if c.kind.name == "alarm_chain"]
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
"""A topic with a confirmed subscriber, from the configuration: the plan then writes alarms."""


def _seed_number(seed_refs: list[str], kind: str) -> int:
    """N of the one seed_ref ``"<kind> N"`` (the guide's own numbering, not the params')."""
    (ref,) = [r for r in seed_refs if r.startswith(f"{kind} ")]
    return int(ref.removeprefix(f"{kind} "))


def _filter_number(seed_refs: list[str]) -> int:
    return _seed_number(seed_refs, "Metric Filter")


def _rule_number(seed_refs: list[str]) -> int:
    return _seed_number(seed_refs, "Contributor Insights Rule")


def _plan(config: Config) -> dict[str, PlanStep]:
    """The fix plan's step for each failing check, on a log group with no detections."""
    snap = with_detection(
        snapshot(
            guide_trail(),
            log_groups=[log_group(GROUP)],
            invocation={"cloudWatchConfig": {"logGroupName": guide.INVOCATION_LOG_GROUP_NAME}},
        ),
        metric_filters={GROUP: []},
        insight_rules=[],
        query_definitions=[],
        alarms=[],
    )
    results = evaluate_snapshot(snap, config, CATALOG)
    failing = {r.check_id for r in results.results if r.status.value == "FAIL"}
    checks = FILTER_CHECKS + RULE_CHECKS + QUERY_CHECKS + ALARM_CHECKS
    assert {c.check.id for c in checks} <= failing
    plan = build_plan(snap, results, CATALOG, config, snapshot_sha256(snap))
    account = plan.account(ACCOUNT)
    assert account is not None
    steps: dict[str, PlanStep] = {}
    for step in account.steps:
        for target in getattr(step, "targets", []):
            steps[target.check_id] = step
    return steps


@pytest.fixture(scope="module")
def planned() -> dict[str, PlanStep]:
    """The fix plan's step for each failing check, on a log group with no detections."""
    return _plan(Config())


@pytest.fixture(scope="module")
def planned_filters(planned: dict[str, PlanStep]) -> dict[str, PutMetricFilter]:
    """The fix plan's filter step for each metric-filter check."""
    return {k: v for k, v in planned.items() if isinstance(v, PutMetricFilter)}


def test_every_guide_filter_has_a_check() -> None:
    assert len(FILTER_CHECKS) == len(guide.METRIC_FILTERS) == 25
    assert sorted(_filter_number(c.check.seed_refs) for c in FILTER_CHECKS) == list(range(1, 26))


@pytest.mark.parametrize("item", FILTER_CHECKS, ids=lambda c: c.check.id)
def test_remediation_guide_and_fix_plan_name_the_same_filter(
    item: LoadedCheck, planned_filters: dict[str, PutMetricFilter]
) -> None:
    check = item.check
    mf = guide.metric_filter(_filter_number(check.seed_refs))
    step = planned_filters[check.id]
    text = check.remediation.text
    assert RECOMMENDED_COMMAND not in text
    assert metric_filter_command(mf.number) in text
    assert (step.filter_name, step.pattern, step.metric_name, step.namespace) == (
        mf.filter_name,
        mf.complete_pattern,
        mf.metric,
        guide.METRIC_NAMESPACE,
    )
    assert f"--filter-name {step.filter_name} " in text
    assert f"--filter-pattern '{step.pattern}' " in text
    assert f"metricName={step.metric_name},metricNamespace={step.namespace}," in text
    assert text.count("put-metric-filter") == 1


def test_unauthorized_access_advice_counts_access_denied_exception() -> None:
    item = CATALOG.get("mf-01-bedrock-unauthorized-access")
    assert item is not None
    text = item.check.remediation.text
    assert '$.errorCode = "AccessDeniedException"' in text
    assert "--filter-name AI-BedrockUnauthorizedAccess " in text


def test_check_yaml_holds_no_copy_of_the_recommended_command() -> None:
    for item in FILTER_CHECKS:
        raw = yaml.safe_load(item.path.read_text(encoding="utf-8"))["remediation"]["text"]
        assert RECOMMENDED_COMMAND in raw, item.path
        assert "put-metric-filter" not in raw and "--filter-pattern" not in raw, item.path


def test_placeholder_without_a_guide_item_is_a_catalog_error(tmp_path: Path) -> None:
    source = next(c.path for c in FILTER_CHECKS)
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["seed_refs"] = ["Management events"]
    data["dimensions"], data["dimension_source"] = ["genai.controls"], "guide"
    (tmp_path / source.name).write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CatalogError, match="name no guide item with a recommended command"):
        load_catalog(tmp_path)


def test_each_check_names_its_own_guide_filter() -> None:
    for item in FILTER_CHECKS:
        params = item.params
        assert isinstance(params, MetricFilterParams)
        assert params.guide_filter == _filter_number(item.check.seed_refs), item.check.id


def _flat(text: str) -> str:
    return " ".join(text.split())


def _guide_home_and_others() -> tuple[str, dict[Path, str]]:
    """The guide data file's text and every other source file's, whitespace folded."""
    root = Path(__file__).resolve().parents[2]
    home = root / "src" / "aiposture" / "guide" / guide.DATA_FILE
    files = [
        p
        for p in [*(root / "src").rglob("*"), *(root / "checks").rglob("*.yaml")]
        # a case file is an account's evidence: it holds what that account deployed
        if p.suffix in {".py", ".json", ".yaml"}
        and p != home
        and not p.name.endswith(".cases.yaml")
    ]
    return _flat(home.read_text(encoding="utf-8")), {
        p: _flat(p.read_text(encoding="utf-8")) for p in files
    }


def test_each_filter_pattern_is_written_in_guide_data_only() -> None:
    home_text, texts = _guide_home_and_others()
    for mf in guide.METRIC_FILTERS:
        for pattern in {mf.pattern, mf.complete_pattern}:
            assert _flat(pattern) in home_text, mf.seed_ref
            copies = [p for p, text in texts.items() if _flat(pattern) in text]
            assert not copies, (mf.seed_ref, copies)


# --- Contributor Insights rules -------------------------------------------------------------


def test_every_guide_rule_has_a_check() -> None:
    assert len(RULE_CHECKS) == len(guide.INSIGHT_RULES) == 23
    assert sorted(_rule_number(c.check.seed_refs) for c in RULE_CHECKS) == list(range(1, 24))


@pytest.mark.parametrize("item", RULE_CHECKS, ids=lambda c: c.check.id)
def test_remediation_message_guide_and_fix_plan_name_the_same_rule(
    item: LoadedCheck, planned: dict[str, PlanStep]
) -> None:
    check, params = item.check, item.params
    assert isinstance(params, ContributorInsightsParams)
    rule = guide.insight_rule(_rule_number(check.seed_refs))
    assert params.guide_rule == rule.number
    step = planned[check.id]
    assert isinstance(step, PutInsightRule)
    assert (step.rule_name, step.definition) == (rule.name, rule.definition(GROUP))
    text = check.remediation.text
    assert RECOMMENDED_COMMAND not in text
    assert insight_rule_command(rule.number) in text
    assert text.count("put-insight-rule") == 1
    # the FAIL message's "Fix:" command is the same one, on the real log group
    assert params.fix_command(GROUP) == insight_rule_command(rule.number, GROUP)
    body = json.dumps(step.definition, separators=(",", ":"))
    assert f"--rule-name {step.rule_name} --rule-state ENABLED --rule-definition '{body}'" in (
        params.fix_command(GROUP)
    )


def test_access_denied_rule_advice_counts_access_denied_exception() -> None:
    item = CATALOG.get("ci-05-bedrock-access-denied")
    assert item is not None
    assert '"AccessDeniedException"' in item.check.remediation.text


def test_rule_yaml_holds_no_copy_of_the_rule() -> None:
    for item in RULE_CHECKS:
        raw = yaml.safe_load(item.path.read_text(encoding="utf-8"))
        assert RECOMMENDED_COMMAND in raw["remediation"]["text"], item.path
        assert "put-insight-rule" not in raw["remediation"]["text"], item.path
        assert "CloudWatchLogRule" not in item.path.read_text(encoding="utf-8"), item.path


# --- saved queries --------------------------------------------------------------------------


def _query_number(seed_refs: list[str]) -> int:
    return _seed_number(seed_refs, "Query")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_guide_query_has_a_check() -> None:
    assert len(QUERY_CHECKS) == len(guide.QUERIES) == 27
    assert sorted(_query_number(c.check.seed_refs) for c in QUERY_CHECKS) == list(range(1, 28))


@pytest.mark.parametrize("item", QUERY_CHECKS, ids=lambda c: c.check.id)
def test_remediation_guide_and_fix_plan_name_the_same_query(
    item: LoadedCheck, planned: dict[str, PlanStep]
) -> None:
    check, params = item.check, item.params
    assert isinstance(params, SavedQueryParams)
    q = guide.query(_query_number(check.seed_refs))
    assert params.guide_query_number == q.number and params.guide_query == q.sql
    text = check.remediation.text
    assert RECOMMENDED_COMMAND not in text
    assert saved_query_command(q.number) in text
    assert text.count("put-query-definition") == 1
    step = planned[check.id]
    assert isinstance(step, PutQueryDefinition)
    assert (step.name, step.query_string, step.log_group_names) == (
        q.query_name,
        q.sql_for(GROUP),
        q.log_groups(GROUP),
    )
    # the report shows the same SQL on one line, the log group as a placeholder; a shell
    # reads back exactly the name and SQL the plan saves
    args = shlex.split(saved_query_command(q.number))
    assert args[args.index("--name") + 1] == step.name
    sql = _flat(step.query_string).replace(GROUP, LOG_GROUP_PLACEHOLDER)
    assert args[args.index("--query-string") + 1] == sql


def test_query_yaml_holds_no_copy_of_the_query() -> None:
    for item in QUERY_CHECKS:
        raw = yaml.safe_load(item.path.read_text(encoding="utf-8"))
        assert RECOMMENDED_COMMAND in raw["remediation"]["text"], item.path
        assert "SELECT" not in item.path.read_text(encoding="utf-8"), item.path


# --- alarms ---------------------------------------------------------------------------------


def _alarm_name(seed_refs: list[str]) -> str:
    (ref,) = [r for r in seed_refs if r.startswith("Alarm: ")]
    return ref.removeprefix("Alarm: ")


@pytest.fixture(scope="module")
def planned_alarms() -> dict[str, PutMetricAlarm]:
    """The fix plan's alarm step for each alarm check, with a confirmed topic configured."""
    base = Config()
    config = base.model_copy(
        update={"remediation": base.remediation.model_copy(update={"alarm_topic_arns": [TOPIC]})}
    )
    return {k: v for k, v in _plan(config).items() if isinstance(v, PutMetricAlarm)}


def test_every_guide_alarm_has_a_check() -> None:
    assert len(ALARM_CHECKS) == len(guide.ALARMS) == 25
    assert sorted(_alarm_name(c.check.seed_refs) for c in ALARM_CHECKS) == sorted(
        a.name for a in guide.ALARMS
    )


@pytest.mark.parametrize("item", ALARM_CHECKS, ids=lambda c: c.check.id)
def test_remediation_guide_and_fix_plan_name_the_same_alarm(
    item: LoadedCheck, planned_alarms: dict[str, PutMetricAlarm]
) -> None:
    check, params = item.check, item.params
    alarm = guide.ALARMS_BY_NAME[_alarm_name(check.seed_refs)]
    # the check judges the alarm the guide's table describes, on its filter's metric
    assert isinstance(params, AlarmParams)
    assert (params.alarm_name, params.threshold, params.period_seconds) == (
        alarm.name,
        alarm.threshold,
        alarm.period_seconds,
    )
    filter_check = CATALOG.get(params.metric_filter)
    assert filter_check is not None
    assert guide.metric_filter(_filter_number(filter_check.check.seed_refs)).metric == alarm.metric
    step = planned_alarms[check.id]
    text = check.remediation.text
    assert RECOMMENDED_COMMAND not in text
    assert alarm_command(alarm.name) in text
    assert text.count("put-metric-alarm") == 1
    assert (step.alarm_name, step.namespace, step.metric_name) == (
        alarm.name,
        guide.METRIC_NAMESPACE,
        alarm.metric,
    )
    assert (step.threshold, step.period) == (alarm.threshold, alarm.period_seconds)
    # a shell reads back from the report's command exactly the alarm the plan writes
    put = alarm_command(alarm.name).split("; ")[-1]
    args = shlex.split(put)
    assert args[:3] == ["aws", "cloudwatch", "put-metric-alarm"]
    option = {args[i]: args[i + 1] for i in range(3, len(args) - 1, 2)}
    assert option == {
        "--alarm-name": step.alarm_name,
        "--namespace": step.namespace,
        "--metric-name": step.metric_name,
        "--statistic": step.statistic,
        "--period": str(step.period),
        "--evaluation-periods": str(step.evaluation_periods),
        "--datapoints-to-alarm": str(step.datapoints_to_alarm),
        "--threshold": f"{step.threshold:g}",
        "--comparison-operator": step.comparison_operator,
        "--treat-missing-data": step.treat_missing_data,
        "--alarm-actions": f"arn:aws:sns:<region>:<account>:{ALARM_TOPICS[alarm.team]}",
    }


def test_alarm_yaml_holds_no_copy_of_the_command() -> None:
    for item in ALARM_CHECKS:
        raw = yaml.safe_load(item.path.read_text(encoding="utf-8"))["remediation"]["text"]
        assert RECOMMENDED_COMMAND in raw, item.path
        assert "put-metric-alarm" not in raw and "create-topic" not in raw, item.path


# --- one home for rule bodies and query texts -------------------------------------------------


def _lists(text: str) -> list[str]:
    """Each JSON list of three or more strings in ``text``, as written (``["a", "b", "c"]``)."""
    return [m for m in re.findall(r"\[[^\[\]]*\]", text) if m.count('"') >= 6]


def test_each_rule_body_is_written_in_guide_data_only() -> None:
    """No other source file holds a rule's definition or one of its value lists."""
    home_text, texts = _guide_home_and_others()
    for rule in guide.INSIGHT_RULES:
        for mantle_aware in (False, True):
            body = rule.definition_text(
                guide.CLOUDTRAIL_LOG_GROUP_PLACEHOLDER, mantle_aware=mantle_aware
            )
            pieces = [_flat(body), *_lists(_flat(body))]
            for piece in pieces[1:]:
                assert piece in home_text, (rule.seed_ref, piece)
            copies = [p for p, text in texts.items() if any(x in text for x in pieces)]
            assert not copies, (rule.seed_ref, copies)


def test_each_query_text_is_written_in_guide_data_only() -> None:
    """No other source file holds a query's SQL, whole or as its WHERE clause."""
    home_text, texts = _guide_home_and_others()
    for q in guide.QUERIES:
        for mantle_aware in (False, True):
            sql = _flat(
                q.sql_for(guide.CLOUDTRAIL_LOG_GROUP_PLACEHOLDER, mantle_aware=mantle_aware)
            )
            where = re.split(r" (?:GROUP BY|ORDER BY|LIMIT) ", sql.partition(" WHERE ")[2])[0]
            pieces = [p for p in (sql, where) if len(p) > 30]
            if not mantle_aware:
                assert sql in home_text, q.seed_ref
            copies = [p for p, text in texts.items() if any(x in text for x in pieces)]
            assert not copies, (q.seed_ref, copies)
