"""data_events_logged: judged by what the selectors log, in both directions."""

from __future__ import annotations

import pytest

from aiposture.results import Status
from aiposture.snapshot.models import OrganizationInfo
from tests.builders import ACCOUNT, MANAGEMENT, OTHER, REGION, data_selector, snapshot, trail
from tests.rules.helpers import only, run_check, with_ids

AGENT = "AGENT12345/ALIAS67890"
AGENT_ARN_PREFIX = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent-alias/"
GUIDE_AGENT = data_selector(
    "AWS::Bedrock::AgentAlias",
    {"Field": "resources.ARN", "StartsWith": [AGENT_ARN_PREFIX + AGENT]},
    name="Bedrock-AgentAlias-DataEvents",
)
AGENT_CFG = with_ids({"AWS::Bedrock::AgentAlias": [AGENT]})


def agent_outcome(*selectors: dict, config=AGENT_CFG, **trail_kw):
    snap = snapshot(trail(advanced=[MANAGEMENT, *selectors], **trail_kw))
    return only(run_check("ct-data-bedrock-agent-alias", snap, config=config))


@pytest.mark.parametrize(
    "selector",
    [
        pytest.param(GUIDE_AGENT, id="guide-form"),
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias",
                {"Field": "resources.ARN", "StartsWith": [AGENT_ARN_PREFIX]},
            ),
            id="broader-prefix",
        ),
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias",
                {"Field": "resources.ARN", "StartsWith": [f"arn:aws:bedrock:{REGION}:{ACCOUNT}:"]},
            ),
            id="account-wide-prefix",
        ),
        pytest.param(data_selector("AWS::Bedrock::AgentAlias"), id="all-agent-aliases"),
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias",
                {"Field": "resources.ARN", "Equals": [AGENT_ARN_PREFIX + AGENT]},
            ),
            id="exact-arn",
        ),
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias",
                {"Field": "resources.ARN", "NotStartsWith": [AGENT_ARN_PREFIX + "DEV"]},
            ),
            id="excludes-only-dev",
        ),
    ],
)
def test_equivalent_forms_pass(selector):
    outcome = agent_outcome(selector)
    assert outcome.status == Status.PASS, outcome.message
    assert "ai-trail" in outcome.message


@pytest.mark.parametrize(
    ("selector", "expect_in_message"),
    [
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias",
                {
                    "Field": "resources.ARN",
                    "NotStartsWith": [f"arn:aws:bedrock:{REGION}:{ACCOUNT}:"],
                },
            ),
            "NotStartsWith",
            id="not-starts-with-own-account",
        ),
        pytest.param(
            data_selector("AWS::Bedrock::AgentAlias", {"Field": "readOnly", "Equals": ["true"]}),
            "readOnly",
            id="read-only-true",
        ),
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias",
                {
                    "Field": "resources.ARN",
                    "StartsWith": [f"arn:aws:bedrock:{REGION}:{OTHER}:agent-alias/"],
                },
            ),
            OTHER,
            id="other-account",
        ),
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias",
                {
                    "Field": "resources.ARN",
                    "StartsWith": [
                        "arn:aws:bedrock:REGION:ACCOUNT_ID:agent-alias/AGENT_ID/ALIAS_ID"
                    ],
                },
            ),
            "ACCOUNT_ID",
            id="placeholder",
        ),
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias",
                {"Field": "resources.ARN", "StartsWith": ["arn:aws:bedrock:*"]},
            ),
            "resources.ARN",
            id="star-is-literal",
        ),
        pytest.param(
            data_selector(
                "AWS::Bedrock::AgentAlias", {"Field": "eventName", "Equals": ["GetAgent"]}
            ),
            "eventName",
            id="wrong-event-name",
        ),
        pytest.param(
            data_selector("AWS::Bedrock::KnowledgeBase"),
            "no selector for AWS::Bedrock::AgentAlias",
            id="other-type-only",
        ),
    ],
)
def test_lookalikes_fail_and_say_why(selector, expect_in_message):
    outcome = agent_outcome(selector)
    assert outcome.status == Status.FAIL
    assert expect_in_message in outcome.message
    assert "InvokeAgent" in outcome.message


def test_placeholder_message_names_the_placeholder_without_configured_ids():
    guide = data_selector(
        "AWS::Bedrock::AgentAlias",
        {
            "Field": "resources.ARN",
            "StartsWith": ["arn:aws:bedrock:REGION:ACCOUNT_ID:agent-alias/AGENT_ID/ALIAS_ID"],
        },
    )
    outcome = agent_outcome(guide, config=with_ids({}))
    assert outcome.status == Status.FAIL
    assert "placeholder" in outcome.message and "ACCOUNT_ID" in outcome.message


def test_unconfigured_ids_are_taken_from_the_trail_and_said_so():
    outcome = agent_outcome(GUIDE_AGENT, config=with_ids({}))
    assert outcome.status == Status.PASS
    assert AGENT in outcome.message and "resources.ids" in outcome.message
    assert outcome.evidence["resource_ids"]["from"] == "the trail's own selectors"


def test_every_configured_id_must_be_logged():
    cfg = with_ids({"AWS::Bedrock::AgentAlias": [AGENT, "PRODAGENT2/ALIAS1"]})
    outcome = agent_outcome(GUIDE_AGENT, config=cfg)
    assert outcome.status == Status.FAIL
    assert "PRODAGENT2/ALIAS1" in outcome.message


def test_write_only_types_need_writes():
    session = data_selector("AWS::Bedrock::Session", {"Field": "readOnly", "Equals": ["true"]})
    snap = snapshot(trail(advanced=[MANAGEMENT, session]))
    outcome = only(run_check("ct-data-bedrock-session", snap))
    assert outcome.status == Status.FAIL and "readOnly" in outcome.message


def test_stopped_trail_does_not_count():
    outcome = agent_outcome(GUIDE_AGENT, logging=False)
    assert outcome.status == Status.FAIL
    assert "not logging" in outcome.message


def test_single_region_trail_does_not_cover_other_regions():
    snap = snapshot(
        trail(advanced=[MANAGEMENT, data_selector("AWS::Bedrock::AgentAlias")], multi_region=False),
        regions=(REGION, "us-west-2"),
    )
    assert only(run_check("ct-data-bedrock-agent-alias", snap, region=REGION)).status == Status.PASS
    west = only(run_check("ct-data-bedrock-agent-alias", snap, region="us-west-2"))
    assert west.status == Status.FAIL and "no logging trail covers" in west.message


def test_unreadable_selectors_are_error_never_pass():
    outcome = agent_outcome(GUIDE_AGENT, selectors_read=False)
    assert outcome.status == Status.ERROR
    assert "GetEventSelectors" in outcome.message and "AccessDeniedException" in outcome.message


def test_unreadable_status_is_error():
    outcome = agent_outcome(GUIDE_AGENT, logging=None)
    assert outcome.status == Status.ERROR
    assert "GetTrailStatus" in outcome.message


def test_pass_from_one_trail_wins_over_an_unreadable_other():
    good = trail(advanced=[MANAGEMENT, GUIDE_AGENT])
    bad = trail("second", selectors_read=False)
    outcome = only(run_check("ct-data-bedrock-agent-alias", snapshot(good, bad), config=AGENT_CFG))
    assert outcome.status == Status.PASS


def test_organization_trail_covers_member_and_is_named():
    mgmt = "123456789012"
    org_trail = trail(
        "org-trail",
        account=mgmt,
        org_trail=True,
        advanced=[MANAGEMENT, data_selector("AWS::Bedrock::AgentAlias")],
    )
    org = OrganizationInfo(
        id="o-abc",
        arn="arn:aws:organizations::123456789012:organization/o-abc",
        master_account_id=mgmt,
    )
    snap = snapshot(org_trail, organization=org)
    outcome = only(run_check("ct-data-bedrock-agent-alias", snap, config=AGENT_CFG))
    assert outcome.status == Status.PASS and "org-trail" in outcome.message
    # The same trail does not cover an account outside the organization.
    snap_no_org = snapshot(org_trail)
    assert (
        only(run_check("ct-data-bedrock-agent-alias", snap_no_org, config=AGENT_CFG)).status
        == Status.FAIL
    )


def test_classic_selectors_cover_s3_and_lambda():
    classic = [
        {
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [
                {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]},
                {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]},
            ],
        }
    ]
    snap = snapshot(trail(classic=classic))
    assert only(run_check("ct-data-s3-ai-buckets", snap)).status == Status.PASS
    assert only(run_check("ct-data-lambda-ai-functions", snap)).status == Status.PASS
    readonly = [{**classic[0], "ReadWriteType": "ReadOnly"}]
    s3 = only(run_check("ct-data-s3-ai-buckets", snapshot(trail(classic=readonly))))
    assert s3.status == Status.FAIL


def test_s3_write_only_selector_from_the_guide_passes_and_a_missing_prefix_fails():
    guide = data_selector(
        "AWS::S3::Object",
        {"Field": "readOnly", "Equals": ["false"]},
        {
            "Field": "resources.ARN",
            "StartsWith": [
                "arn:aws:s3:::ai-training-data-",
                "arn:aws:s3:::model-artifacts-",
                "arn:aws:s3:::cicd-pipeline-",
            ],
        },
    )
    assert (
        only(
            run_check("ct-data-s3-ai-buckets", snapshot(trail(advanced=[MANAGEMENT, guide])))
        ).status
        == Status.PASS
    )
    partial = data_selector(
        "AWS::S3::Object",
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::ai-training-data-"]},
    )
    outcome = only(
        run_check("ct-data-s3-ai-buckets", snapshot(trail(advanced=[MANAGEMENT, partial])))
    )
    assert outcome.status == Status.FAIL and "model-artifacts-" in outcome.message


def test_inline_agent_scoped_by_execution_role():
    sel = data_selector(
        "AWS::Bedrock::InlineAgent",
        {"Field": "eventName", "Equals": ["InvokeInlineAgent"]},
        {
            "Field": "userIdentity.arn",
            "StartsWith": [f"arn:aws:sts::{ACCOUNT}:assumed-role/BedrockExec"],
        },
    )
    snap = snapshot(trail(advanced=[MANAGEMENT, sel]))
    cfg = with_ids({}, bedrock_execution_role_names=["BedrockExecRole"])
    assert only(run_check("ct-data-bedrock-inline-agent", snap, config=cfg)).status == Status.PASS
    cfg_other = with_ids({}, bedrock_execution_role_names=["OtherRole"])
    assert (
        only(run_check("ct-data-bedrock-inline-agent", snap, config=cfg_other)).status
        == Status.FAIL
    )


def test_mantle_blind_spot_is_explained_when_bedrock_is_logged():
    snap = snapshot(trail(advanced=[MANAGEMENT, data_selector("AWS::Bedrock::AgentAlias")]))
    outcome = only(run_check("ct-data-mantle-project", snap))
    assert outcome.status == Status.FAIL
    assert "bedrock-mantle" in outcome.message and "data event" in outcome.message
    assert "unrecorded" in outcome.message


def test_mantle_selector_from_the_guide_passes_for_all_three_types():
    sel = data_selector("AWS::BedrockMantle::Project")
    sel["FieldSelectors"][1]["Equals"] = [
        "AWS::BedrockMantle::Project",
        "AWS::BedrockMantle::CustomizedModel",
        "AWS::BedrockMantle::Reservation",
    ]
    snap = snapshot(trail(advanced=[MANAGEMENT, sel]))
    for check in (
        "ct-data-mantle-project",
        "ct-data-mantle-customized-model",
        "ct-data-mantle-reservation",
    ):
        assert only(run_check(check, snap)).status == Status.PASS, check


def test_agentcore_managed_tools_use_aws_owned_arns():
    snap = snapshot(
        trail(advanced=[MANAGEMENT, data_selector("AWS::BedrockAgentCore::CodeInterpreter")])
    )
    assert only(run_check("ct-data-agentcore-code-interpreter", snap)).status == Status.PASS
    own_account_only = data_selector(
        "AWS::BedrockAgentCore::CodeInterpreter",
        {
            "Field": "resources.ARN",
            "StartsWith": [f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:"],
        },
    )
    snap = snapshot(trail(advanced=[MANAGEMENT, own_account_only]))
    assert only(run_check("ct-data-agentcore-code-interpreter", snap)).status == Status.FAIL


@pytest.mark.parametrize("source", ["bedrock", "s3", "lambda"])
def test_network_activity(source):
    src = f"{source}.amazonaws.com"
    good = {
        "Name": "net",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
            {"Field": "eventSource", "Equals": [src]},
            {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
        ],
    }
    check = f"ct-network-{source}-vpce-denied"
    assert (
        only(run_check(check, snapshot(trail(advanced=[MANAGEMENT, good])))).status == Status.PASS
    )
    wrong = {
        "Name": "net",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
            {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
        ],
    }
    outcome = only(run_check(check, snapshot(trail(advanced=[MANAGEMENT, wrong]))))
    assert outcome.status == Status.FAIL and src in outcome.message


def test_member_copy_of_an_org_trail_with_denied_reads_defers_to_the_owner_copy():
    mgmt = "123456789012"
    sel = [MANAGEMENT, data_selector("AWS::Bedrock::AgentAlias")]
    owner_copy = trail("org-trail", account=mgmt, org_trail=True, advanced=sel)
    member_copy = owner_copy.model_copy(update={"event_selectors": None, "status": None})
    org = OrganizationInfo(
        id="o-abc",
        arn="arn:aws:organizations::123456789012:organization/o-abc",
        master_account_id=mgmt,
    )
    snap = snapshot(owner_copy, organization=org)
    snap.accounts[0].trails.append(member_copy)  # the member's own read of the shadow trail
    outcome = only(run_check("ct-data-bedrock-agent-alias", snap, config=AGENT_CFG))
    assert outcome.status == Status.PASS, outcome.message
    assert snap.all_trails()[0].event_selectors is not None
