"""The Bedrock, AgentCore and bedrock-mantle data-event checks state their AWS sources.

Each check's resource type, eventSource and ARN must agree with the CloudTrail data-event type
list (``lang/data_event_types``) and the rationale must cite AWS's pages and say which facts are
the project's judgement; the AgentCore token checks say that AWS also shows
GetResourceOauth2Token as a management event (issue 13, A.8).
"""

from __future__ import annotations

import pytest

from aiposture.lang.data_event_types import (
    AGENTCORE_TYPES,
    BEDROCK_TYPES,
    CLOUDTRAIL_DATA_EVENT_TYPES,
    MANTLE_TYPES,
    arn_service,
)
from aiposture.lang.selector_validation import validate_selectors
from aiposture.results import Status
from tests.builders import MANAGEMENT, data_selector, snapshot, trail
from tests.rules.helpers import CATALOG, only, run_check

CT_TABLE = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-events.html"
MANTLE_PAGE = "https://docs.aws.amazon.com/bedrock/latest/userguide/logging-cloudtrail-mantle.html"
AI_CHECKS = {
    item.check.rule.params["resource_type"]: item
    for item in CATALOG.checks
    if item.check.rule.kind == "data_events_logged"
    and item.check.rule.params["resource_type"].startswith("AWS::Bedrock")
}


def test_one_check_per_guide_type() -> None:
    guide_mantle = {
        "AWS::BedrockMantle::Project",
        "AWS::BedrockMantle::CustomizedModel",
        "AWS::BedrockMantle::Reservation",
    }
    assert set(AI_CHECKS) == BEDROCK_TYPES | AGENTCORE_TYPES | guide_mantle
    assert len(AI_CHECKS) == 35 and guide_mantle <= MANTLE_TYPES


@pytest.mark.parametrize("resource_type", sorted(AI_CHECKS))
def test_rationale_cites_aws_and_marks_judgement(resource_type: str) -> None:
    rationale = AI_CHECKS[resource_type].check.rationale
    if resource_type in CLOUDTRAIL_DATA_EVENT_TYPES:
        assert CT_TABLE in rationale
    else:
        assert resource_type.startswith("AWS::BedrockMantle::")
        assert "absence from the CloudTrail table" in rationale
    if resource_type.startswith("AWS::BedrockMantle::"):
        assert MANTLE_PAGE in rationale
        assert AI_CHECKS[resource_type].check.remediation.url == MANTLE_PAGE
    assert "The project's judgement" in rationale or "Nothing here is the project's" in rationale


@pytest.mark.parametrize("resource_type", sorted(AI_CHECKS))
def test_event_source_and_arn_belong_to_the_types_service(resource_type: str) -> None:
    params = AI_CHECKS[resource_type].check.rule.params
    service = arn_service(resource_type)
    assert params["event_source"] == f"{service}.amazonaws.com"
    template = params.get("arn_template") or params["user_arn_template"]
    if "arn_template" in params:
        assert template.startswith(f"arn:{{partition}}:{service}:{{region}}:")
        # The check's own probe ARN is not an ARN-shape warning of the selector validator.
        arn = template.format(partition="aws", region="us-east-1", account="111122223333", id="x")
        trail_config = data_selector(resource_type, {"Field": "resources.ARN", "Equals": [arn]})
        issues = validate_selectors({"AdvancedEventSelectors": [trail_config]})
        assert not [i for i in issues if i.kind.value == "arn_shape"], issues


@pytest.mark.parametrize(
    ("check_id", "resource_type"),
    [
        ("ct-data-agentcore-token-vault", "AWS::BedrockAgentCore::TokenVault"),
        (
            "ct-data-agentcore-oauth2-credential-provider",
            "AWS::BedrockAgentCore::OAuth2CredentialProvider",
        ),
    ],
)
def test_token_checks_say_aws_also_logs_the_call_as_a_management_event(
    check_id: str, resource_type: str
) -> None:
    management_only = snapshot(trail(advanced=[MANAGEMENT]))
    outcome = only(run_check(check_id, management_only))
    assert outcome.status == Status.FAIL
    assert "GetResourceOauth2Token in Event history as a management event" in outcome.message
    assert f"the {resource_type} data events are recorded only by a selector" in outcome.message

    logged = snapshot(trail(advanced=[MANAGEMENT, data_selector(resource_type)]))
    outcome = only(run_check(check_id, logged))
    assert outcome.status == Status.PASS and "management event" not in outcome.message
