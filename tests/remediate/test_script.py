"""The fix script: valid and safe bash, applied with the real AWS CLI against the demo's moto.

The sample plan targets the demo's placeholder account and its trail ``org-ai-trail``.
Each test that runs a script first puts the account back in the state "the scan saw"
(:func:`reset_world`), so the tests do not depend on their order.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import jmespath
import pytest

from aiposture.demo.environment import DemoServer
from aiposture.remediate.plan import (
    AccountPlan,
    CreateLogGroup,
    Plan,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    Unresolved,
)
from aiposture.remediate.script import render_script
from aiposture.remediate.script_text import jmespath_literal, quote
from tests.remediate import sample_plan as sp
from tests.remediate.script_support import assumed_credentials, run_script

ALLOWED_OPERATIONS = {
    "sts get-caller-identity",
    "cloudtrail update-trail",
    "cloudtrail start-logging",
    "cloudtrail get-event-selectors",
    "cloudtrail put-event-selectors",
    "cloudtrail get-insight-selectors",
    "cloudtrail put-insight-selectors",
    "logs describe-log-groups",
    "logs create-log-group",
    "logs put-retention-policy",
    "logs put-metric-filter",
    "logs describe-query-definitions",
    "logs put-query-definition",
    "cloudwatch put-metric-alarm",
    "cloudwatch put-insight-rule",
    "cloudwatch get-dashboard",
    "cloudwatch put-dashboard",
    "bedrock get-model-invocation-logging-configuration",
    "bedrock put-model-invocation-logging-configuration",
}
DESTRUCTIVE = re.compile(r"\b(delete-|stop-logging|remove-|disable-|deregister-|--no-)")
HOSTILE = "a 'b' \"c\" $HOME `id` ${PATH} \\ $(touch {marker}) ;|&"
"""Shell metacharacters of every kind; ``{marker}`` is a file that must never appear."""

INVOCATION_GROUP = "bedrock-model-invocation-logging"
FILTER = "AI-BedrockUnauthorizedAccess"
ALARM = "AI-BedrockUnauthorizedAccess"
RULE = "AI-TopBedrockModelCallers"
QUERY_NAME = "AI-Security/01-Unauthorized-Bedrock-Access"
DASHBOARD = "AI-Workload-Security-Dashboard"


# --- the account, read and reset with boto3 --------------------------------------------


class Account:
    """boto3 clients of the sample plan's account, through the demo server."""

    def __init__(self, endpoint: str, account_id: str = sp.ACCOUNT) -> None:
        creds = assumed_credentials(endpoint, account_id)
        self.session = boto3.Session(
            aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=creds["AWS_SESSION_TOKEN"],
            region_name=sp.REGION,
        )
        self.endpoint = endpoint

    def client(self, service: str) -> Any:
        """A client of ``service`` in the sample's region."""
        return self.session.client(service, endpoint_url=self.endpoint)

    def query_definitions(self, name: str) -> list[dict[str, Any]]:
        """The saved queries named exactly ``name``."""
        found = self.client("logs").describe_query_definitions(queryDefinitionNamePrefix=name)
        return [d for d in found["queryDefinitions"] if d["name"] == name]

    def state(self) -> dict[str, Any]:
        """Everything the sample plan touches, without timestamps."""
        ct, logs, cw = self.client("cloudtrail"), self.client("logs"), self.client("cloudwatch")
        trail = ct.get_trail(Name=sp.TRAIL)["Trail"]
        try:
            insights = ct.get_insight_selectors(TrailName=sp.TRAIL)["InsightSelectors"]
        except ct.exceptions.InsightNotEnabledException:
            insights = []
        try:
            dashboard = cw.get_dashboard(DashboardName=DASHBOARD)["DashboardBody"]
        except cw.exceptions.ResourceNotFound:
            dashboard = None
        state = {
            "validation": trail["LogFileValidationEnabled"],
            "logging": ct.get_trail_status(Name=sp.TRAIL)["IsLogging"],
            "selectors": ct.get_event_selectors(TrailName=sp.TRAIL).get("AdvancedEventSelectors"),
            "insights": insights,
            "groups": logs.describe_log_groups()["logGroups"],
            "filters": logs.describe_metric_filters(logGroupName=sp.LOG_GROUP)["metricFilters"],
            "alarms": cw.describe_alarms()["MetricAlarms"],
            "rules": cw.describe_insight_rules()["InsightRules"],
            "queries": logs.describe_query_definitions()["queryDefinitions"],
            "dashboard": dashboard,
            "invocation": self.client("bedrock")
            .get_model_invocation_logging_configuration()
            .get("loggingConfig"),
        }
        return _without_times(state)

    def reset(self) -> None:
        """Put the account in the state the sample plan was made from."""
        ct, logs, cw = self.client("cloudtrail"), self.client("logs"), self.client("cloudwatch")
        ct.update_trail(Name=sp.TRAIL, EnableLogFileValidation=False)
        ct.stop_logging(Name=sp.TRAIL)
        ct.put_event_selectors(
            TrailName=sp.TRAIL,
            AdvancedEventSelectors=sample_step("put_event_selectors").before_advanced,
        )
        ct.put_insight_selectors(
            TrailName=sp.TRAIL, InsightSelectors=sample_step("put_insight_selectors").before
        )
        groups = logs.describe_log_groups(logGroupNamePrefix=INVOCATION_GROUP)["logGroups"]
        if any(g["logGroupName"] == INVOCATION_GROUP for g in groups):
            logs.delete_log_group(logGroupName=INVOCATION_GROUP)
        for f in logs.describe_metric_filters(logGroupName=sp.LOG_GROUP)["metricFilters"]:
            logs.delete_metric_filter(logGroupName=sp.LOG_GROUP, filterName=f["filterName"])
        cw.delete_alarms(AlarmNames=[a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]])
        rules = [r["Name"] for r in cw.describe_insight_rules()["InsightRules"]]
        if rules:
            cw.delete_insight_rules(RuleNames=rules)
        for d in logs.describe_query_definitions()["queryDefinitions"]:
            logs.delete_query_definition(queryDefinitionId=d["queryDefinitionId"])
        if cw.list_dashboards()["DashboardEntries"]:
            cw.delete_dashboards(DashboardNames=[DASHBOARD])
        self.client("bedrock").put_model_invocation_logging_configuration(
            loggingConfig=sample_step("put_invocation_logging").before
        )


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_times(v)
            for k, v in value.items()
            if not re.search(r"time|Timestamp|lastModified|creation", k, re.IGNORECASE)
            and k != "ResponseMetadata"
        }
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def sample_step(kind: str) -> Any:
    """The sample plan's step of ``kind``."""
    return next(s for s in sp.sample_plan().accounts[0].steps if s.kind == kind)


def write_script(plan: Plan, path: Path, account: AccountPlan | None = None) -> Path:
    """Render ``account`` (the plan's first) into ``path``."""
    path.write_text(render_script(plan, account or plan.accounts[0]))
    return path


@pytest.fixture(scope="module")
def account(demo_server: DemoServer) -> Account:
    """The sample plan's account in the demo server."""
    return Account(demo_server.endpoint_url)


@pytest.fixture(scope="module")
def sample_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plan's script, on disk."""
    return write_script(sp.sample_plan(), tmp_path_factory.mktemp("script") / "fix.sh")


@pytest.fixture(scope="module")
def two_runs(
    demo_server: DemoServer, account: Account, sample_script: Path
) -> Iterator[dict[str, Any]]:
    """The sample script run twice on the scanned state, with the state after each run."""
    account.reset()
    first = run_script(demo_server.endpoint_url, sp.ACCOUNT, sample_script)
    after_first = account.state()
    second = run_script(demo_server.endpoint_url, sp.ACCOUNT, sample_script)
    yield {
        "first": first,
        "after_first": after_first,
        "second": second,
        "after_second": account.state(),
    }


def _ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"


# --- the text ----------------------------------------------------------------------------


def _logical_lines(script: str) -> list[str]:
    return script.replace("\\\n", " ").splitlines()


def test_script_is_valid_bash_with_strict_mode_and_header(sample_script: Path) -> None:
    text = sample_script.read_text()
    subprocess.run(["bash", "-n", str(sample_script)], check=True)
    lines = text.splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    header = "\n".join(line for line in lines[:15] if line.startswith("#"))
    for fact in (
        sp.ACCOUNT,
        "0.0.0-test",
        "2026-11-21T12:00:00",
        "0" * 64,
        "review before running",
    ):
        assert fact in header
    assert "python3" in header and "AWS CLI" in header


def test_only_safe_operations_and_every_call_has_a_region(sample_script: Path) -> None:
    code = [line for line in _logical_lines(sample_script.read_text()) if not line.startswith("#")]
    calls = [
        (m.group(1), line)
        for line in code
        for m in re.finditer(r"\baws ([a-z0-9-]+ [a-z0-9-]+)", line)
    ]
    assert {op for op, _ in calls} <= ALLOWED_OPERATIONS
    assert {"cloudtrail put-event-selectors", "logs put-query-definition"} <= {
        op for op, _ in calls
    }
    assert all(" --region " in line for _, line in calls)
    assert not [line for line in code if DESTRUCTIVE.search(line)]


def test_account_guard_comes_before_any_call_that_changes_something(sample_script: Path) -> None:
    text = sample_script.read_text()
    guard = text.index("aws sts get-caller-identity")
    first_read = text.index("aws cloudtrail get-event-selectors")
    first_change = text.index("aws cloudtrail update-trail")
    assert guard < first_read < first_change


def test_jmespath_literal_matches_exactly_any_text() -> None:
    names = ["plain", "a`b", "a\\`b", "tail\\", 'q"uote', "it's", "${x}", "\\\\`"]
    for name in names:
        expression = f"[?@=={jmespath_literal(name)}]"
        assert jmespath.search(expression, [*names, name + "x"]) == [name]


def test_a_step_of_another_account_is_refused() -> None:
    plan = sp.sample_plan()
    step = plan.accounts[0].steps[-1].model_copy(update={"account_id": "111122223333"})
    with pytest.raises(ValueError, match="111122223333"):
        render_script(plan, AccountPlan(account_id=sp.ACCOUNT, steps=[step]))


# --- against moto, with the real AWS CLI -------------------------------------------------


def test_first_run_applies_every_step(two_runs: dict[str, Any]) -> None:
    result = two_runs["first"]
    _ok(result)
    assert "==> [6/11] us-east-1 put-metric-filter AI-BedrockUnauthorizedAccess" in result.stdout
    state = two_runs["after_first"]
    assert state["validation"] is True and state["logging"] is True

    expected = sample_step("put_event_selectors").after
    got = {s["Name"]: s for s in state["selectors"]}
    assert len(state["selectors"]) == len(expected)
    for selector in expected:  # one by one: the team's DynamoDB selector is kept
        assert got[selector["Name"]] == selector
    assert got["Team DynamoDB tables"] == sp.CUSTOM
    assert state["insights"] == sample_step("put_insight_selectors").after

    [filt] = [f for f in state["filters"] if f["filterName"] == FILTER]
    assert filt["filterPattern"] == sp.PATTERN
    assert filt["metricTransformations"][0]["metricName"] == "BedrockUnauthorizedAccess"
    assert filt["metricTransformations"][0]["metricNamespace"] == "AIWorkloadMetrics"

    [alarm] = [a for a in state["alarms"] if a["AlarmName"] == ALARM]
    assert alarm["AlarmActions"] == [sp.TOPIC]
    assert alarm["Threshold"] == 5.0 and alarm["Period"] == 300
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"

    [rule] = [r for r in state["rules"] if r["Name"] == RULE]
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["Definition"]) == sample_step("put_insight_rule").definition

    [query] = [q for q in state["queries"] if q["name"] == QUERY_NAME]
    assert query["queryString"] == sp.QUERY
    assert query["logGroupNames"] == [sp.LOG_GROUP]
    assert query["queryLanguage"] == "SQL"

    assert json.loads(state["dashboard"]) == sample_step("put_dashboard").body
    assert state["invocation"] == sample_step("put_invocation_logging").config
    [group] = [g for g in state["groups"] if g["logGroupName"] == INVOCATION_GROUP]
    assert group["retentionInDays"] == 365 and group["logGroupClass"] == "STANDARD"


def test_unresolved_failures_are_listed_with_their_config_keys(
    two_runs: dict[str, Any], sample_script: Path
) -> None:
    err = two_runs["first"].stderr
    assert "2 failures are not fixed by this script:" in err
    assert "ct-data-bedrock-agent-alias" in err
    assert 'set accounts."777788889999".resources.ids."AWS::Bedrock::AgentAlias"' in err
    assert "ct-trail-kms-encryption" in err and "change it by hand" in err
    assert "NOT FIXED by this script: ct-trail-kms-encryption" in sample_script.read_text()


def test_second_run_changes_nothing(two_runs: dict[str, Any], account: Account) -> None:
    result = two_runs["second"]
    _ok(result)
    assert result.stdout.count("already applied, skipping") == 4
    assert "the log group exists" in result.stdout
    assert len(account.query_definitions(QUERY_NAME)) == 1
    assert two_runs["after_second"] == two_runs["after_first"]


def test_drift_changes_nothing_and_names_the_trail(
    demo_server: DemoServer, account: Account, sample_script: Path
) -> None:
    account.reset()
    drifted = [sp.MANAGEMENT, sp.PLACEHOLDER_KB]  # someone removed the DynamoDB selector
    account.client("cloudtrail").put_event_selectors(
        TrailName=sp.TRAIL, AdvancedEventSelectors=drifted
    )
    before = account.state()
    result = run_script(demo_server.endpoint_url, sp.ACCOUNT, sample_script)
    assert result.returncode == 3, result.stderr
    assert "org-ai-trail" in result.stderr
    assert "run aiposture scan and remediate again" in result.stderr
    after = account.state()
    assert after == before
    assert after["logging"] is False and not after["filters"] and not after["queries"]


def test_credentials_of_another_account_change_nothing(
    demo_server: DemoServer, account: Account, sample_script: Path
) -> None:
    account.reset()
    before = account.state()
    result = run_script(demo_server.endpoint_url, "444455556666", sample_script)
    assert result.returncode == 2
    assert "444455556666" in result.stderr and sp.ACCOUNT in result.stderr
    assert "==>" not in result.stdout
    assert account.state() == before


def test_hostile_values_stay_inert_and_round_trip(
    demo_server: DemoServer, account: Account, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    hostile = HOSTILE.replace("{marker}", str(marker))
    group = "hostile/group_#1.-x"
    steps = [
        CreateLogGroup(
            account_id=sp.ACCOUNT, region=sp.REGION, reason=hostile, log_group_name=group
        ),
        PutMetricFilter(
            account_id=sp.ACCOUNT,
            region=sp.REGION,
            reason=f"line one\nrm -rf {tmp_path}\n{hostile}",
            log_group_name=group,
            filter_name="-" + hostile.replace(":", ""),
            pattern=f'{{ $.eventName = "{hostile}" }}',
            metric_name="Hostile",
            namespace="AIWorkloadMetrics",
        ),
        PutMetricAlarm(
            account_id=sp.ACCOUNT,
            region=sp.REGION,
            reason="r",
            alarm_name="hostile-" + hostile,
            description="file:///etc/hostname " + hostile,
            namespace="AIWorkloadMetrics",
            metric_name="Hostile",
            period=60,
            threshold=1.0,
            alarm_actions=[sp.TOPIC],
        ),
        PutQueryDefinition(
            account_id=sp.ACCOUNT,
            region=sp.REGION,
            reason="r",
            name="Q `x` \"y\" 'z' \\",
            query_string="https://example.invalid/ " + hostile,
            log_group_names=[group],
        ),
        Unresolved(account_id=sp.ACCOUNT, region=sp.REGION, reason=hostile, config_key=hostile),
    ]
    script = write_script(sp.plan_with(steps), tmp_path / "hostile.sh")
    for _ in range(2):
        _ok(run_script(demo_server.endpoint_url, sp.ACCOUNT, script))
    assert not marker.exists()
    logs, cw = account.client("logs"), account.client("cloudwatch")
    [filt] = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert filt["filterName"] == steps[1].filter_name
    assert filt["filterPattern"] == steps[1].pattern
    [alarm] = cw.describe_alarms(AlarmNames=[steps[2].alarm_name])["MetricAlarms"]
    assert alarm["AlarmDescription"] == steps[2].description
    [query] = account.query_definitions(steps[3].name)  # not doubled by the second run
    assert query["queryString"] == steps[3].query_string


QUOTED = [
    "",
    "plain",
    'it\'s "double" $HOME ${PATH} `id` $(id) \\ back\\\\slash ! !! * ? [a] ~ ; | & < > #',
    "-n",
    "--region=x",
    "line one\nline two\r\n\ttab",
    "nel\x85 ls\u2028 ps\u2029 bom\ufeff c1\x80\x9f del\x7f esc\x1b[31m rlo\u202e zw\u200b",
    "é ✓ \U0001f600 $'x' \\x41 \\u0041 '$'\\n''",
    "{{resolve:ssm:/x}} @team www.x.example",
]


def test_quote_gives_one_printable_bash_word_that_is_exactly_the_value(tmp_path: Path) -> None:
    for value in QUOTED:
        assert quote(value).isprintable(), value
    script = tmp_path / "words.sh"
    script.write_text("printf '%s\\0' " + " ".join(quote(v) for v in QUOTED) + "\n")
    for locale in ("C", "C.UTF-8"):
        run = subprocess.run(
            ["bash", str(script)],
            capture_output=True,
            check=True,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": locale},
        )
        words = run.stdout.split(b"\0")[:-1]
        assert [w.decode("utf-8") for w in words] == QUOTED, locale


def test_a_script_with_hostile_values_is_valid_printable_bash(tmp_path: Path) -> None:
    odd = "\x1b]0;owned\x07 \u202e\x85\u2028 `id` $(id) 'q' \"d\"\nnext line"
    steps = [
        CreateLogGroup(account_id=sp.ACCOUNT, region=sp.REGION, reason=odd, log_group_name=odd),
        PutMetricAlarm(
            account_id=sp.ACCOUNT,
            region=sp.REGION,
            reason=odd,
            alarm_name=odd,
            description=odd,
            namespace="AIWorkloadMetrics",
            metric_name="Hostile",
            period=60,
            threshold=1.0,
            alarm_actions=[sp.TOPIC],
        ),
        Unresolved(account_id=sp.ACCOUNT, region=sp.REGION, reason=odd, config_key=odd),
    ]
    script = write_script(sp.plan_with(steps), tmp_path / "odd.sh")
    subprocess.run(["bash", "-n", str(script)], check=True)
    for line in script.read_text().splitlines():
        assert line.isprintable(), repr(line)
