"""The Terraform renderer: a main.tf python-hcl2 parses, with values that read back exactly."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import hcl2
import pytest

from aiposture.remediate.plan import (
    Plan,
    PutDashboard,
    PutEventSelectors,
    PutInsightRule,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    StartLogging,
)
from aiposture.remediate.terraform import render_terraform
from aiposture.remediate.terraform_hcl import hcl_string
from aiposture.remediate.terraform_resources import AWS_PROVIDER_VERSION
from tests.remediate.sample_plan import (
    ACCOUNT,
    CUSTOM,
    FIXED_KB,
    LOG_GROUP,
    MANAGEMENT,
    MANTLE_PROJECT,
    PATTERN,
    QUERY,
    REGION,
    S3_WRITES,
    TOPIC,
    TRAIL,
    TRAIL_ARN,
    TRAIL_RAW,
    plan_with,
    sample_plan,
)

HOSTILE = [
    "",
    "plain",
    'a "quoted" word',
    "back\\slash \\n not a newline",
    "${var.secret} and $${already} and $ alone and {x}",
    "%{ if true }x%{ endif } and %%{y} and 100%",
    "line one\nline two\r\n\ttabbed",
    "`whoami` $(id) 'single'",
    "bell\x07 and \x1b[0m escape",
    "unicode: é ✓ \u2028",
    "nel\x85 ls\u2028 ps\u2029 bom\ufeff c1\x80\x9f del\x7f nul\x00 rlo\u202e zw\u200b",
    "astral \U0001f600 private \U000f0000 unassigned \U000e0080",
    "$${x} $$${y} %%%{z} ${ %{ $ % {{resolve:ssm:/x}}",
    "<<EOT\nheredoc body\nEOT\n<<-X\n  X",
    '\\"\\\\" \\u0041 \\n',
]
GITHUB_AND_CFN = "@team www.x.example $$x$$ {{resolve:secretsmanager:s}} `id` $(id)"
_ESCAPE = re.compile(r'\\(["\\nrt])|\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\$\$\{|%%\{')


def _unquote(raw: str) -> str:
    """An HCL quoted string, as python-hcl2 returns it, to the value it stands for."""
    assert raw.startswith('"') and raw.endswith('"'), raw
    body = raw[1:-1]

    def sub(m: re.Match[str]) -> str:
        if m.group(1):
            return {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[m.group(1)]
        if m.group(2) or m.group(3):
            return chr(int(m.group(2) or m.group(3), 16))
        return m.group(0)[1:]  # $${ -> ${, %%{ -> %{

    return _ESCAPE.sub(sub, body)


def _render(plan: Plan | None = None) -> str:
    plan = plan or sample_plan()
    return render_terraform(plan, plan.accounts[0])


def _resources(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for entry in doc.get("resource", []):
        for kind, named in entry.items():
            for name, body in named.items():
                out.append((kind.strip('"'), name.strip('"'), body))
    return out


def _one(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [body for k, _, body in _resources(doc) if k == kind]
    assert len(found) == 1, (kind, len(found))
    return found[0]


def _selector(block: dict[str, Any]) -> dict[str, Any]:
    """An ``advanced_event_selector`` block back in the API's form."""
    names = {
        "equals": "Equals",
        "starts_with": "StartsWith",
        "ends_with": "EndsWith",
        "not_equals": "NotEquals",
        "not_starts_with": "NotStartsWith",
        "not_ends_with": "NotEndsWith",
    }
    fields = []
    for fs in block["field_selector"]:
        item: dict[str, Any] = {"Field": _unquote(fs["field"])}
        for hcl, api in names.items():
            if hcl in fs:
                item[api] = [_unquote(v) for v in fs[hcl]]
        fields.append(item)
    return {"Name": _unquote(block["name"]), "FieldSelectors": fields}


# ---------------------------------------------------------------------------------------
# Strings


@pytest.mark.parametrize("value", HOSTILE)
def test_hcl_strings_parse_back_to_exactly_the_value(value: str) -> None:
    doc = hcl2.loads(f"x = {hcl_string(value)}\n")
    assert _unquote(doc["x"]) == value


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary")
def test_terraform_itself_reads_every_string_back_exactly(tmp_path: Path) -> None:
    """The real HCL parser (``terraform console``), not python-hcl2: base64 of each value."""
    values = [v for v in HOSTILE if v] + [GITHUB_AND_CFN]
    each = ", ".join(f"base64encode({hcl_string(v)})" for v in values)
    run = subprocess.run(
        ["terraform", "console"],
        input=f'join(" ", [{each}])\n',
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=True,
    )
    decoded = [base64.b64decode(b).decode() for b in json.loads(run.stdout).split(" ")]
    # Terraform keeps strings in Unicode normalization form C (documented in hcl_string);
    # every value here is already in it, so each comes back exactly.
    assert all(unicodedata.is_normalized("NFC", v) for v in values)
    assert decoded == values


def test_no_template_sequence_survives_escaping() -> None:
    for value in HOSTILE:
        literal = hcl_string(value)
        # Every "${" or "%{" left is preceded by its doubled sign.
        assert not re.search(r"(?<![$])\$\{", literal.replace("$${", "")), literal
        assert not re.search(r"(?<![%])%\{", literal.replace("%%{", "")), literal
        assert "\n" not in literal
        # No invisible or line-breaking character (U+0085, U+2028, U+FEFF, bidi) is left.
        assert literal.isprintable(), literal


# ---------------------------------------------------------------------------------------
# The sample plan


def test_the_sample_plan_parses_and_pins_the_provider() -> None:
    text = _render()
    doc = hcl2.loads(text)
    (terraform,) = doc["terraform"]
    (providers,) = terraform["required_providers"]
    assert _unquote(providers["aws"]["source"]) == "hashicorp/aws"
    assert _unquote(providers["aws"]["version"]) == AWS_PROVIDER_VERSION == ">= 5.100.0, < 6.0.0"
    assert _unquote(terraform["required_version"]) == ">= 1.5.0"
    assert not re.search(r"<[a-z-]+>|ACCOUNT_ID|\bREGION\b|KB_ID", text)


def test_values_read_back_exactly() -> None:
    doc = hcl2.loads(_render())
    mf = _one(doc, "aws_cloudwatch_log_metric_filter")
    assert _unquote(mf["pattern"]) == PATTERN
    assert _unquote(mf["log_group_name"]) == LOG_GROUP
    (transformation,) = mf["metric_transformation"]
    assert _unquote(transformation["name"]) == "BedrockUnauthorizedAccess"
    assert _unquote(transformation["value"]) == "1"
    assert _unquote(transformation["default_value"]) == "0"

    # A SQL query: through Cloud Control, whose desired state carries the language.
    query = _one(doc, "aws_cloudcontrolapi_resource")
    assert _unquote(query["type_name"]) == "AWS::Logs::QueryDefinition"
    state = json.loads(_unquote(query["desired_state"]))
    assert state == {
        "Name": "AI-Security/01-Unauthorized-Bedrock-Access",
        "QueryLanguage": "SQL",
        "QueryString": QUERY,
        "LogGroupNames": [LOG_GROUP],
    }

    (dashboard,) = [s for s in sample_plan().accounts[0].steps if isinstance(s, PutDashboard)]
    body = _one(doc, "aws_cloudwatch_dashboard")["dashboard_body"]
    assert json.loads(_unquote(body)) == dashboard.body

    (rule,) = [s for s in sample_plan().accounts[0].steps if isinstance(s, PutInsightRule)]
    got = _one(doc, "aws_cloudwatch_contributor_insight_rule")
    assert json.loads(_unquote(got["rule_definition"])) == rule.definition
    assert _unquote(got["rule_state"]) == "ENABLED"

    alarm = _one(doc, "aws_cloudwatch_metric_alarm")
    assert [_unquote(a) for a in alarm["alarm_actions"]] == [TOPIC]
    assert alarm["threshold"] == 5.0
    assert alarm["period"] == 300

    logging = _one(doc, "aws_bedrock_model_invocation_logging_configuration")
    (config,) = logging["logging_config"]
    (cloudwatch,) = config["cloudwatch_config"]
    assert _unquote(cloudwatch["log_group_name"]) == "bedrock-model-invocation-logging"
    (s3,) = config["s3_config"]
    assert _unquote(s3["bucket_name"]) == f"aiposture-demo-trail-{ACCOUNT}"
    assert config["text_data_delivery_enabled"] is True
    # The provider would turn an unstated flag on; the plan leaves it off.
    assert config["image_data_delivery_enabled"] is False


def test_the_trail_keeps_every_property_and_gets_the_selectors_one_by_one() -> None:
    trail = _one(hcl2.loads(_render()), "aws_cloudtrail")
    assert _unquote(trail["name"]) == TRAIL
    assert _unquote(trail["s3_bucket_name"]) == TRAIL_RAW["S3BucketName"]
    assert trail["include_global_service_events"] is True
    assert trail["is_multi_region_trail"] is True
    assert trail["is_organization_trail"] is False
    assert _unquote(trail["cloud_watch_logs_group_arn"]) == TRAIL_RAW["CloudWatchLogsLogGroupArn"]
    assert _unquote(trail["cloud_watch_logs_role_arn"]) == TRAIL_RAW["CloudWatchLogsRoleArn"]
    assert {k.strip('"'): _unquote(v) for k, v in trail["tags"].items()} == {
        "owner": "security-platform"
    }
    assert trail["enable_logging"] is True
    assert trail["enable_log_file_validation"] is True
    expected = [MANAGEMENT, CUSTOM, FIXED_KB, MANTLE_PROJECT, S3_WRITES]
    got = [_selector(b) for b in trail["advanced_event_selector"]]
    assert len(got) == len(expected)
    for one, want in zip(got, expected, strict=True):
        assert one == want
    assert [_unquote(b["insight_type"]) for b in trail["insight_selector"]] == [
        "ApiCallRateInsight",
        "ApiErrorRateInsight",
    ]
    (lifecycle,) = trail["lifecycle"]
    assert lifecycle["prevent_destroy"] is True


NETWORK_DENIED = {
    "Name": "Network-BedrockDenied",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
        {"Field": "eventSource", "Equals": ["bedrock.amazonaws.com"]},
        {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
    ],
}


def test_selectors_the_provider_rejects_are_left_to_the_script_never_half_written() -> None:
    plan = sample_plan()
    steps = [
        s.model_copy(update={"after": [*s.after, NETWORK_DENIED]})
        if isinstance(s, PutEventSelectors)
        else s
        for s in plan.accounts[0].steps
    ]
    text = _render(plan_with(steps))
    trail = _one(hcl2.loads(text), "aws_cloudtrail")
    # Writing only the selectors the provider accepts would delete the others on apply.
    assert "advanced_event_selector" not in trail
    (lifecycle,) = trail["lifecycle"]
    assert "advanced_event_selector" in lifecycle["ignore_changes"]
    head = text.split("terraform {", 1)[0]
    (line,) = [x for x in head.splitlines() if x.startswith("# NOT IN TERRAFORM: ")]
    assert TRAIL in line and "errorCode" in line and "apply.sh" in line


def test_existing_resources_are_imported() -> None:
    doc = hcl2.loads(_render())
    imports = {i["to"]: _unquote(i["id"]) for i in doc["import"]}
    names = {(k, n) for k, n, _ in _resources(doc)}
    (trail_name,) = [n for k, n in names if k == "aws_cloudtrail"]
    assert imports[f"${{aws_cloudtrail.{trail_name}}}"] == TRAIL_ARN
    (logging_name,) = [
        n for k, n in names if k == "aws_bedrock_model_invocation_logging_configuration"
    ]
    # The provider's import id for invocation logging is the region.
    target = f"${{aws_bedrock_model_invocation_logging_configuration.{logging_name}}}"
    assert imports[target] == REGION
    for block in doc["import"]:
        assert block["provider"] == "${aws.us_east_1}"


def test_unresolved_steps_are_comments_at_the_top() -> None:
    text = _render()
    head = text.split("terraform {", 1)[0]
    not_fixed = [line for line in head.splitlines() if line.startswith("# NOT FIXED: ")]
    assert len(not_fixed) == 2
    assert any(
        f'set accounts."{ACCOUNT}".resources.ids."AWS::Bedrock::AgentAlias"' in line
        and "ct-data-bedrock-agent-alias" in line
        for line in not_fixed
    )
    assert any("ct-trail-kms-encryption" in line and "manual" in line for line in not_fixed)


def test_resource_names_are_valid_and_unique_and_every_resource_names_its_provider() -> None:
    doc = hcl2.loads(_render())
    seen = set()
    for kind, name, body in _resources(doc):
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name), name
        assert (kind, name) not in seen
        seen.add((kind, name))
        assert body["provider"] == "${aws.us_east_1}", (kind, name)
    assert len(seen) == 8  # every change step but the trail's four, which are one resource


def test_names_that_collide_or_run_long_get_a_stable_hash_of_the_resource() -> None:
    # The resource name is its address in the Terraform state: the suffix must not change
    # from one release to the next, or `terraform plan` would destroy and recreate it.
    def alarm(name: str, region: str = REGION) -> PutMetricAlarm:
        return PutMetricAlarm(
            account_id=ACCOUNT,
            region=region,
            reason="r",
            alarm_name=name,
            description="d",
            namespace="NS",
            metric_name="M",
            period=60,
            threshold=1,
            alarm_actions=[TOPIC],
        )

    def suffix(*parts: str) -> str:
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:8]

    kind = "aws_cloudwatch_metric_alarm"
    long = "Z" * 80
    steps = [alarm("ai-alarm"), alarm("ai_alarm"), alarm(long), alarm("solo", "us-west-2")]
    doc = hcl2.loads(_render(plan_with(steps)))
    names = {_unquote(body["alarm_name"]): name for k, name, body in _resources(doc) if k == kind}
    assert names == {
        "ai-alarm": "ai_alarm_" + suffix(kind, REGION, "ai-alarm"),
        "ai_alarm": "ai_alarm_" + suffix(kind, REGION, "ai_alarm"),
        long: "z" * 64 + "_" + suffix(kind, REGION, long),
        "solo": "solo",
    }


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary here")
def test_terraform_fmt_accepts_the_file(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(_render())
    done = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", "main.tf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------------------
# Other plans


def _alarm(region: str, name: str = "AI-Alarm") -> PutMetricAlarm:
    return PutMetricAlarm(
        account_id=ACCOUNT,
        region=region,
        reason="r",
        alarm_name=name,
        description="d",
        namespace="NS",
        metric_name="M",
        period=60,
        threshold=1,
        alarm_actions=[f"arn:aws:sns:{region}:{ACCOUNT}:t"],
    )


def test_one_provider_per_region_and_each_resource_uses_its_region() -> None:
    plan = plan_with([_alarm("us-east-1"), _alarm("us-west-2")])
    doc = hcl2.loads(_render(plan))
    providers: dict[str, dict[str, Any]] = {}
    for entry in doc["provider"]:
        ((kind, body),) = entry.items()
        assert kind.strip('"') == "aws"
        providers[_unquote(body["alias"])] = body
    assert set(providers) == {"us_east_1", "us_west_2"}
    for alias, body in providers.items():
        assert _unquote(body["region"]) == alias.replace("_", "-")
        assert [_unquote(a) for a in body["allowed_account_ids"]] == [ACCOUNT]
    alarms = [(n, b) for k, n, b in _resources(doc) if k == "aws_cloudwatch_metric_alarm"]
    assert len(alarms) == 2
    assert len({n for n, _ in alarms}) == 2  # same alarm name in two regions: two names
    for _, body in alarms:
        alias = body["provider"].removeprefix("${aws.").removesuffix("}")
        region = alias.replace("_", "-")
        assert [_unquote(a) for a in body["alarm_actions"]] == [f"arn:aws:sns:{region}:{ACCOUNT}:t"]


def test_hostile_values_parse_back_exactly() -> None:
    pattern = '{ $.userAgent = "*${jndi:ldap}*" && $.x = "a\\"b" && $.y = "%{z}" }'
    query = "fields @message | filter @message like /\\$\\{|`|'|\"/\n| limit 5"
    steps = [
        PutMetricFilter(
            account_id=ACCOUNT,
            region=REGION,
            reason="why\n# not a comment line ${x}",
            log_group_name=LOG_GROUP,
            filter_name="odd ${filter}",
            pattern=pattern,
            metric_name="Odd",
            namespace="Odd/NS",
        ),
        PutQueryDefinition(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            name="odd/query",
            query_string=query,
            log_group_names=[LOG_GROUP],
            query_language="CWLI",
        ),
        PutDashboard(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            dashboard_name="Odd",
            body={"widgets": [{"type": "text", "properties": {"markdown": HOSTILE[4]}}]},
        ),
    ]
    text = _render(plan_with(steps))
    doc = hcl2.loads(text)
    mf = _one(doc, "aws_cloudwatch_log_metric_filter")
    assert _unquote(mf["pattern"]) == pattern
    assert _unquote(mf["name"]) == "odd ${filter}"
    query_def = _one(doc, "aws_cloudwatch_query_definition")
    assert _unquote(query_def["query_string"]) == query
    assert [_unquote(g) for g in query_def["log_group_names"]] == [LOG_GROUP]
    body = _one(doc, "aws_cloudwatch_dashboard")["dashboard_body"]
    assert json.loads(_unquote(body)) == steps[2].body
    # The reason's newline did not end its comment: no line starts a new statement.
    assert "\n# not a comment line" not in text


def test_a_trail_whose_selectors_are_not_known_is_left_alone() -> None:
    raw = {k: v for k, v in TRAIL_RAW.items() if k != "HasInsightSelectors"}
    step = StartLogging(
        account_id=ACCOUNT,
        region=REGION,
        reason="not logging",
        trail_name=TRAIL,
        trail_arn=TRAIL_ARN,
        trail=raw,
    )
    trail = _one(hcl2.loads(_render(plan_with([step]))), "aws_cloudtrail")
    assert "advanced_event_selector" not in trail
    assert "event_selector" not in trail
    (lifecycle,) = trail["lifecycle"]
    ignored = lifecycle["ignore_changes"]
    assert "event_selector" in str(ignored)
    assert "advanced_event_selector" in str(ignored)
    assert "insight_selector" in str(ignored)


def test_no_change_gives_a_file_with_no_resource() -> None:
    doc = hcl2.loads(_render(plan_with([])))
    assert "resource" not in doc
    assert "provider" not in doc
