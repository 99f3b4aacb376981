"""Rule kind ``contributor_insights_rule`` and the 23 ``ci-*`` checks (guide Rules 1-23)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import ValidationError

from aiposture.lang.contributor_rule_validation import RuleIssueSeverity, validate_rule
from aiposture.results import Status
from aiposture.rules.contributor_insights_rule import (
    PLACEHOLDER,
    ContributorInsightsParams,
    normalise_selector,
)
from aiposture.rules.support.sample_events import build_event
from aiposture.snapshot.models import (
    AccountSnapshot,
    CallError,
    OrganizationInfo,
    RegionSnapshot,
    Snapshot,
)
from tests.builders import (
    ACCOUNT,
    OTHER,
    REGION,
    guide_selectors,
    guide_trail,
    log_group,
    snapshot,
    trail,
    with_detection,
)
from tests.rules.helpers import CATALOG, only, run_check

GROUP = "aws-cloudtrail-logs/ai"
CI_CHECKS = sorted(c for c in CATALOG.params_by_id if c.startswith("ci-"))
MANTLE_RULES = {"ci-01-top-bedrock-model-callers", "ci-05-bedrock-access-denied"}
HIGH = {5, 6, 7, 10, 11, 14, 16, 18, 23}


def params_of(check_id: str) -> ContributorInsightsParams:
    params = CATALOG.params_by_id[check_id]
    assert isinstance(params, ContributorInsightsParams)
    return params


def _check(check_id: str) -> Any:
    item = CATALOG.get(check_id)
    assert item is not None, check_id
    return item.check


def filled(definition: dict[str, Any], group: str = GROUP) -> dict[str, Any]:
    """The guide's definition with its placeholder log group replaced."""
    out = copy.deepcopy(definition)
    out["LogGroupNames"] = [group if g == PLACEHOLDER else g for g in out["LogGroupNames"]]
    return out


def entry(
    definition: dict[str, Any] | str, name: str = "my-rule", state: str = "ENABLED"
) -> dict[str, Any]:
    """A DescribeInsightRules entry as the collector stores it."""
    return {
        "Name": name,
        "State": state,
        "Schema": '{"Name": "CloudWatchLogRule", "Version": 1}',
        "Definition": definition if isinstance(definition, str) else json.dumps(definition),
        "ManagedRule": False,
    }


def scan(*rules: dict[str, Any], cls: str | None = "STANDARD") -> Snapshot:
    return with_detection(
        snapshot(guide_trail(), log_groups=[log_group(cls=cls)]), insight_rules=list(rules)
    )


def guide(check_id: str) -> dict[str, Any]:
    return filled(params_of(check_id).guide_definition)


def recommended(check_id: str) -> dict[str, Any]:
    params = params_of(check_id)
    return filled(params.recommended_definition or params.guide_definition)


def filter_of(definition: dict[str, Any], match: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        f for f in definition["Contribution"]["Filters"] if f["Match"] == match
    )
    return found


# --- the catalog ---------------------------------------------------------------------------------


def test_there_are_23_checks_one_per_guide_rule() -> None:
    refs = sorted(ref for c in CI_CHECKS for ref in _check(c).seed_refs)
    assert len(CI_CHECKS) == 23
    assert refs == sorted(f"Contributor Insights Rule {n}" for n in range(1, 24))
    assert "ci-01-top-bedrock-model-callers" in CI_CHECKS


@pytest.mark.parametrize("check_id", CI_CHECKS)
def test_severity_and_remediation(check_id: str) -> None:
    item = CATALOG.get(check_id)
    assert item is not None
    number = int(check_id.split("-")[1])
    assert item.check.severity == ("high" if number in HIGH else "medium")
    params = params_of(check_id)
    text = item.check.remediation.text
    assert f"put-insight-rule --rule-name {params.guide_rule_name}" in text
    assert "--rule-state ENABLED" in text
    assert "ContributorInsights-CreateRule" in item.check.remediation.url


def _resolve(event: Any, selector: str) -> Any:
    for part in normalise_selector(selector)[2:].replace("[", ".").replace("]", "").split("."):
        if isinstance(event, list):
            event = event[int(part)] if int(part) < len(event) else None
        elif isinstance(event, dict):
            event = event.get(part)
        else:
            return None
    return event


NEVER_RECORDED = {
    "ci-08-top-s3-training-data-access": {"GetObject"},
    "ci-10-guardrail-changes": {"DeleteGuardrailVersion"},
}
"""In-list values a trail set up as the guide says never records, so they cannot be
must-match samples: the guide's S3 selector logs writes only (GetObject), and
DeleteGuardrailVersion is not a Bedrock API operation (a version is deleted by DeleteGuardrail
with guardrailVersion)."""


@pytest.mark.parametrize("check_id", CI_CHECKS)
def test_must_match_covers_every_in_value_of_the_guide(check_id: str) -> None:
    """One sample per value of each In list, so a rule that drops a value fails."""
    params = params_of(check_id)
    events = [build_event(s, ACCOUNT, REGION) for s in params.must_match]
    for rule_filter in params.guide_definition["Contribution"]["Filters"]:
        for value in rule_filter.get("In", []):
            if str(value) in NEVER_RECORDED.get(check_id, set()):
                continue
            seen = [str(_resolve(e, rule_filter["Match"])) for e in events]
            assert str(value) in seen, (rule_filter["Match"], value)


def test_the_values_left_out_are_really_never_recorded_by_the_guides_trail() -> None:
    from aiposture.lang.selectors import trail_logs
    from tests.builders import guide_selectors

    read = {
        "eventCategory": "Data",
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "readOnly": True,
        "resources": [
            {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::ai-training-data-x/data.jsonl"}
        ],
    }
    selectors = {"AdvancedEventSelectors": guide_selectors()}
    assert not trail_logs(selectors, read).logged
    assert trail_logs(selectors, {**read, "eventName": "PutObject", "readOnly": False}).logged


# --- the guide's own rules -----------------------------------------------------------------------


@pytest.mark.parametrize("check_id", sorted(set(CI_CHECKS) - MANTLE_RULES))
def test_guide_rule_as_written_passes(check_id: str) -> None:
    params = params_of(check_id)
    result = only(run_check(check_id, scan(entry(guide(check_id), params.guide_rule_name))))
    assert result.status is Status.PASS, result.message
    assert params.guide_rule_name in result.message
    assert GROUP in result.message
    for key in params.keys:
        assert key in result.message
    assert result.resource_arn is not None and GROUP in result.resource_arn


@pytest.mark.parametrize("check_id", sorted(MANTLE_RULES))
def test_guide_rules_1_and_5_miss_bedrock_mantle(check_id: str) -> None:
    params = params_of(check_id)
    result = only(run_check(check_id, scan(entry(guide(check_id), params.guide_rule_name))))
    assert result.status is Status.FAIL
    assert f"The closest is {params.guide_rule_name}" in result.message
    assert "does not count 1 of the" in result.message
    assert "bedrock-mantle CreateInference" in result.message
    assert "bedrock-mantle.amazonaws.com" in result.message
    assert "matters: " in result.message and "seed 002" in result.message  # the sample's why
    assert "put-insight-rule" in result.message
    assert "bedrock-mantle.amazonaws.com" in result.evidence["fix"]
    assert "10 values" in result.message  # the In-list limit remark


@pytest.mark.parametrize("check_id", CI_CHECKS)
def test_recommended_definition_passes(check_id: str) -> None:
    name = params_of(check_id).guide_rule_name
    result = only(run_check(check_id, scan(entry(recommended(check_id), name))))
    assert result.status is Status.PASS, result.message


@pytest.mark.parametrize("check_id", CI_CHECKS)
def test_fix_command_definition_passes(check_id: str) -> None:
    """The command the FAIL message and evidence give really creates a passing rule."""
    params = params_of(check_id)
    definition = params.fix_definition(GROUP)
    result = only(run_check(check_id, scan(entry(definition, params.guide_rule_name))))
    assert result.status is Status.PASS, result.message
    assert json.dumps(definition, separators=(",", ":")) in params.fix_command(GROUP)


@pytest.mark.parametrize("check_id", CI_CHECKS)
def test_dropping_an_in_value_fails(check_id: str) -> None:
    definition = recommended(check_id)
    lists = [f for f in definition["Contribution"]["Filters"] if len(f.get("In", [])) > 1]
    if not lists:
        # single-valued rules: drop the whole first filter's value by replacing it
        first = definition["Contribution"]["Filters"][-1]
        first["In"] = ["SomethingElse"]
    else:
        values = lists[0]["In"]
        kept = NEVER_RECORDED.get(check_id, set())
        dropped = next(v for v in reversed(values) if v not in kept)
        values.remove(dropped)
    result = only(run_check(check_id, scan(entry(definition, "trimmed"))))
    assert result.status is Status.FAIL
    assert "The closest is trimmed" in result.message
    assert "does not count" in result.message


# --- what the rule must be -----------------------------------------------------------------------


def test_disabled_rule_fails_and_says_enable_it() -> None:
    check = "ci-10-guardrail-changes"
    name = params_of(check).guide_rule_name
    result = only(run_check(check, scan(entry(guide(check), name, state="DISABLED"))))
    assert result.status is Status.FAIL
    assert f"rule {name} would count" in result.message
    assert "but is DISABLED" in result.message
    assert f"enable-insight-rules --rule-names {name}" in result.message
    assert "put-insight-rule" not in result.message


def test_disabled_and_wrong_rule_lists_both_problems() -> None:
    check = "ci-10-guardrail-changes"
    definition = guide(check)
    filter_of(definition, "$.eventName")["In"].remove("DeleteGuardrail")
    result = only(run_check(check, scan(entry(definition, "gr", state="DISABLED"))))
    assert result.status is Status.FAIL
    assert "Bedrock DeleteGuardrail" in result.message
    assert "it is DISABLED" in result.message


def test_rule_on_another_log_group_fails() -> None:
    check = "ci-11-security-configuration-changes"
    result = only(run_check(check, scan(entry(guide(check) | {"LogGroupNames": ["app-logs"]}))))
    assert result.status is Status.FAIL
    assert "it applies to app-logs, not to log group aws-cloudtrail-logs/ai" in result.message


def test_wildcard_log_group_name_passes() -> None:
    check = "ci-11-security-configuration-changes"
    definition = guide(check) | {"LogGroupNames": ["aws-cloudtrail-logs/*"]}
    assert only(run_check(check, scan(entry(definition)))).status is Status.PASS


def test_log_group_arns_pass_in_the_same_account_only() -> None:
    check = "ci-11-security-configuration-changes"
    base = {k: v for k, v in guide(check).items() if k != "LogGroupNames"}
    own = base | {"LogGroupARNs": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"]}
    other = base | {"LogGroupARNs": [f"arn:aws:logs:{REGION}:{OTHER}:log-group:{GROUP}"]}
    assert only(run_check(check, scan(entry(own)))).status is Status.PASS
    result = only(run_check(check, scan(entry(other))))
    assert result.status is Status.FAIL
    assert "not to log group" in result.message


def test_missing_key_fails() -> None:
    check = "ci-02-top-bedrock-agent-callers"
    definition = guide(check)
    definition["Contribution"]["Keys"].remove("$.sourceIPAddress")
    result = only(run_check(check, scan(entry(definition, "agents"))))
    assert result.status is Status.FAIL
    assert "lack $.sourceIPAddress" in result.message


def test_keys_in_another_order_or_with_an_extra_key_pass() -> None:
    check = "ci-01-top-bedrock-model-callers"
    definition = recommended(check)
    definition["Contribution"]["Keys"] = ["$.eventName", "$.sourceIPAddress", "$.userIdentity.arn"]
    assert only(run_check(check, scan(entry(definition)))).status is Status.PASS


def test_key_spelling_is_normalised() -> None:
    assert normalise_selector("$.resources.0.type") == "$.resources[0].type"
    assert normalise_selector("$.resources[0].ARN") == "$.resources[0].ARN"
    assert normalise_selector("$.a.10") == "$.a[10]"
    assert normalise_selector("$.userIdentity.arn") == "$.userIdentity.arn"


def test_dotted_array_index_is_explained() -> None:
    check = "ci-21-top-bedrock-data-automation-callers"
    definition = json.loads(json.dumps(guide(check)).replace("[0]", ".0"))
    result = only(run_check(check, scan(entry(definition, "dotted"))))
    assert result.status is Status.FAIL
    assert "$.resources.0.type indexes an array with a dot" in result.message
    assert "documented form is $.resources[0].type" in result.message


def test_filters_reordered_pass() -> None:
    check = "ci-06-agent-cross-service-access-denied"
    definition = guide(check)
    definition["Contribution"]["Filters"].reverse()
    assert only(run_check(check, scan(entry(definition)))).status is Status.PASS


def test_starts_with_form_passes() -> None:
    check = "ci-04-top-bedrock-flow-callers"
    definition = guide(check)
    definition["Contribution"]["Filters"] = [
        {"Match": "$.eventName", "StartsWith": ["InvokeFlow"]},
        {"Match": "$.eventSource", "StartsWith": ["bedrock.amazonaws"]},
    ]
    assert only(run_check(check, scan(entry(definition)))).status is Status.PASS


def test_numeric_range_form_of_status_codes_passes() -> None:
    check = "ci-14-gateway-auth-failures"
    definition = guide(check)
    filters = definition["Contribution"]["Filters"]
    filters.remove(filter_of(definition, "$.responseElements.statusCode"))
    filters += [
        {"Match": "$.responseElements.statusCode", "GreaterThan": 400},
        {"Match": "$.responseElements.statusCode", "LessThan": 404},
    ]
    assert only(run_check(check, scan(entry(definition)))).status is Status.PASS


def test_equal_to_one_status_code_misses_the_other() -> None:
    check = "ci-14-gateway-auth-failures"
    definition = guide(check)
    filters = definition["Contribution"]["Filters"]
    filters.remove(filter_of(definition, "$.responseElements.statusCode"))
    filters.append({"Match": "$.responseElements.statusCode", "EqualTo": 401})
    result = only(run_check(check, scan(entry(definition, "auth"))))
    assert result.status is Status.FAIL
    assert (
        "does not count 1 of the 2 sample events (AgentCore InvokeGateway rejected with HTTP 403)"
        in (result.message)
    )


def test_string_status_codes_pass_like_numbers() -> None:
    check = "ci-14-gateway-auth-failures"
    definition = guide(check)
    filter_of(definition, "$.responseElements.statusCode")["In"] = ["401", "403"]
    assert only(run_check(check, scan(entry(definition)))).status is Status.PASS


def test_over_broad_rule_fails_naming_what_it_is_not_for() -> None:
    check = "ci-05-bedrock-access-denied"
    definition = recommended(check)
    definition["Contribution"]["Filters"] = [filter_of(definition, "$.errorCode")]
    result = only(run_check(check, scan(entry(definition, "all-denied"))))
    assert result.status is Status.FAIL
    assert result.message.startswith("Broken link: rule.")
    assert "The closest is all-denied: it also counts" in result.message
    assert "which it is not for" in result.message


def test_invalid_json_definition_fails_with_the_reason() -> None:
    check = "ci-03-top-knowledge-base-callers"
    result = only(run_check(check, scan(entry('{"Schema": ', "AI-TopKnowledgeBaseCallers"))))
    assert result.status is Status.FAIL
    assert "its definition is invalid" in result.message
    assert "not valid JSON" in result.message


def test_too_many_in_values_is_invalid() -> None:
    check = "ci-11-security-configuration-changes"
    definition = guide(check)
    filter_of(definition, "$.eventName")["In"] += ["CreateGateway", "UpdateGateway", "X"]
    result = only(run_check(check, scan(entry(definition, "AI-SecurityConfigurationChanges"))))
    assert result.status is Status.FAIL
    assert "has 11 values (max 10)" in result.message


def test_a_missing_definition_does_not_crash() -> None:
    check = "ci-03-top-knowledge-base-callers"
    broken = {"Name": "odd", "State": "ENABLED"}
    result = only(run_check(check, scan(broken)))
    assert result.status is Status.FAIL
    assert "has no Definition" in result.message


def test_closest_rule_is_the_one_counting_most_events() -> None:
    check = "ci-10-guardrail-changes"
    decoy = recommended("ci-11-security-configuration-changes")
    near = guide(check)
    filter_of(near, "$.eventName")["In"].remove("CreateGuardrailVersion")
    result = only(run_check(check, scan(entry(decoy, "decoy"), entry(near, "near"))))
    assert result.status is Status.FAIL
    assert "The closest is near" in result.message
    assert "Bedrock CreateGuardrailVersion" in result.message


def test_one_good_rule_among_broken_ones_passes() -> None:
    check = "ci-17-top-agentcore-memory-accessors"
    result = only(
        run_check(
            check,
            scan(entry("not json", "broken"), entry(guide(check), "memory")),
        )
    )
    assert result.status is Status.PASS
    assert "memory" in result.message


def test_managed_rules_are_ignored() -> None:
    check = "ci-17-top-agentcore-memory-accessors"
    managed = entry(guide(check), "managed") | {"ManagedRule": True}
    result = only(run_check(check, scan(managed)))
    assert result.status is Status.FAIL
    assert "There is no customer Contributor Insights rule" in result.message


def test_no_rules_at_all_fails() -> None:
    result = only(run_check("ci-12-top-api-calls", scan()))
    assert result.status is Status.FAIL
    assert "There is no customer Contributor Insights rule" in result.message
    assert "on log group aws-cloudtrail-logs/ai" in result.message
    assert f"account {ACCOUNT}, {REGION}" in result.message
    assert "put-insight-rule --rule-name AI-TopAPICalls-AllAIServices" in result.message


def test_log_group_outside_the_standard_class_fails() -> None:
    check = "ci-12-top-api-calls"
    snap = scan(entry(guide(check)), cls="INFREQUENT_ACCESS")
    result = only(run_check(check, snap))
    assert result.status is Status.FAIL
    assert result.message.startswith("Broken link: log class.")
    assert "INFREQUENT_ACCESS log class, which does not support Contributor Insights rules" in (
        result.message
    )


# --- where the rule is read -----------------------------------------------------------------------


def test_rules_are_read_in_the_log_groups_region() -> None:
    """Events of us-west-2 land in the us-east-1 log group of a multi-region trail."""
    check = "ci-17-top-agentcore-memory-accessors"
    snap = with_detection(
        snapshot(
            guide_trail(advanced=guide_selectors(ACCOUNT, (REGION, "us-west-2"))),
            regions=(REGION, "us-west-2"),
            log_groups=[log_group()],
        ),
        insight_rules=[entry(guide(check), "memory")],
    )
    result = only(run_check(check, snap, region="us-west-2"))
    assert result.status is Status.PASS, result.message
    assert f"account {ACCOUNT}, {REGION}" in result.message


MGMT = "444455556666"


def _org_snapshot(rules: list[dict[str, Any]] | None) -> Snapshot:
    org = OrganizationInfo(
        id="o-abc", arn=f"arn:aws:organizations::{MGMT}:organization/o-abc", master_account_id=MGMT
    )
    extra = []
    if rules is not None:
        reg = RegionSnapshot(
            region=REGION, log_groups=[log_group(account=MGMT)], insight_rules=rules
        )
        extra.append(
            AccountSnapshot(account_id=MGMT, scanned_regions=[REGION], regions={REGION: reg})
        )
    org_trail = trail("org-trail", account=MGMT, org_trail=True)
    snap = snapshot(org_trail, organization=org, extra_accounts=extra)
    return with_detection(snap, insight_rules=[])  # the member account has none


def test_org_trail_is_judged_on_the_management_accounts_rules() -> None:
    check = "ci-18-agentcore-gateway-config-changes"
    result = only(run_check(check, _org_snapshot([entry(guide(check), "org-rule")])))
    assert result.status is Status.PASS, result.message
    assert "org-rule" in result.message
    assert result.resource_arn == f"arn:aws:logs:{REGION}:{MGMT}:log-group:{GROUP}"
    other = guide(check) | {"LogGroupARNs": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"]}
    del other["LogGroupNames"]
    result = only(run_check(check, _org_snapshot([entry(other, "org-rule")])))
    assert result.status is Status.FAIL
    assert f"account {MGMT}" in result.message


def test_org_trail_with_management_account_not_scanned_is_an_error() -> None:
    result = only(run_check("ci-18-agentcore-gateway-config-changes", _org_snapshot(None)))
    assert result.status is Status.ERROR
    assert MGMT in result.message


# --- evidence that cannot be read ----------------------------------------------------------------


def test_unread_insight_rules_is_an_error() -> None:
    error = CallError(
        service="cloudwatch",
        operation="DescribeInsightRules",
        region=REGION,
        account_id=ACCOUNT,
        error_code="AccessDenied",
        message="not authorized",
    )
    snap = snapshot(guide_trail(), log_groups=[log_group()], region_errors={REGION: [error]})
    result = only(run_check("ci-01-top-bedrock-model-callers", snap))
    assert result.status is Status.ERROR
    assert "DescribeInsightRules" in result.message
    assert "AccessDenied" in result.message


def test_insight_rules_never_read_is_an_error() -> None:
    snap = snapshot(guide_trail(), log_groups=[log_group()])
    result = only(run_check("ci-01-top-bedrock-model-callers", snap))
    assert result.status is Status.ERROR
    assert "DescribeInsightRules was not read" in result.message


def test_unread_trail_status_is_an_error_not_a_fail() -> None:
    snap = with_detection(snapshot(trail(logging=None), log_groups=[log_group()]), insight_rules=[])
    result = only(run_check("ci-01-top-bedrock-model-callers", snap))
    assert result.status is Status.ERROR


# --- broken chain --------------------------------------------------------------------------------


def test_trail_without_cloudwatch_delivery_is_a_broken_chain() -> None:
    snap = with_detection(snapshot(trail(log_group=None)), insight_rules=[])
    result = only(run_check("ci-01-top-bedrock-model-callers", snap))
    assert result.status is Status.FAIL
    assert "Broken link: trail -> log group" in result.message
    assert "does not deliver to CloudWatch Logs" in result.message


def test_stopped_trail_is_a_broken_chain() -> None:
    check = "ci-10-guardrail-changes"
    snap = with_detection(
        snapshot(trail(logging=False), log_groups=[log_group()]),
        insight_rules=[entry(guide(check))],
    )
    result = only(run_check(check, snap))
    assert result.status is Status.FAIL
    assert "Broken link: trail -> log group" in result.message
    assert "is not logging" in result.message


def test_missing_log_group_is_a_broken_chain() -> None:
    check = "ci-10-guardrail-changes"
    snap = with_detection(snapshot(guide_trail()), insight_rules=[entry(guide(check))])
    result = only(run_check(check, snap))
    assert result.status is Status.FAIL
    assert "which does not exist" in result.message


# --- params --------------------------------------------------------------------------------------


def test_every_guide_and_recommended_definition_is_a_valid_rule() -> None:
    for check_id in CI_CHECKS:
        params = params_of(check_id)
        for definition in (params.guide_definition, params.recommended_definition):
            if definition is None:
                continue
            errors = [
                i.message
                for i in validate_rule(definition)
                if i.severity is RuleIssueSeverity.ERROR
            ]
            assert not errors, (check_id, errors)


def test_params_refuse_a_rule_the_guide_does_not_have() -> None:
    good = params_of("ci-04-top-bedrock-flow-callers").model_dump()
    assert ContributorInsightsParams.model_validate(good).guide_rule_name == (
        "AI-TopBedrockFlowCallers"
    )
    with pytest.raises(ValidationError, match="Contributor Insights Rules 1-23, not 24"):
        ContributorInsightsParams.model_validate({**good, "guide_rule": 24})


def test_mantle_samples_explain_the_blind_spot() -> None:
    for check in MANTLE_RULES:
        mantle = [
            s
            for s in params_of(check).must_match
            if s.event.get("eventSource") == "bedrock-mantle.amazonaws.com"
        ]
        assert len(mantle) == 1
        event = build_event(mantle[0], ACCOUNT, REGION)
        assert event["eventName"] == "CreateInference"
        assert event["eventCategory"] == "Data"
        assert event["managementEvent"] is False
        assert event["resources"][0]["type"] == "AWS::BedrockMantle::Project"
        assert mantle[0].why and "bedrock.amazonaws.com" in mantle[0].why


@pytest.mark.parametrize("check_id", CI_CHECKS)
def test_demo_rules_pass_and_verbatim_guide_rules_1_and_5_fail(check_id: str) -> None:
    """The embedded demo deploys the mantle-aware rules; verbatim Rules 1 and 5 miss mantle."""
    content = pytest.importorskip("aiposture.guide.detection")
    rule = content.insight_rule(int(check_id.split("-")[1]))
    aware = entry(rule.definition(GROUP), rule.name)
    assert only(run_check(check_id, scan(aware))).status is Status.PASS
    verbatim = only(run_check(check_id, scan(entry(rule.definition(GROUP, mantle_aware=False)))))
    assert verbatim.status is (Status.FAIL if check_id in MANTLE_RULES else Status.PASS)
