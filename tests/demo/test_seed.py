"""The demo organization's data: selectors from the guides, resource ids and the config."""

from __future__ import annotations

import os
from typing import Any

import pytest

from aiposture.config import Config
from aiposture.demo.accounts import BEDROCK_EXECUTION_ROLE, demo_config, role_arn
from aiposture.demo.environment import DEMO_ACCOUNTS, DEMO_RESOURCE_IDS, demo_environment
from aiposture.demo.selectors import (
    PLACEHOLDER_VALUES,
    fill_from_resources,
    fill_placeholders,
    guide_account_selectors,
    inventory_named_types,
    partial_account_selectors,
)
from aiposture.guide import guide_selectors

GUIDE = "111122223333"
REGIONS = ("us-east-1", "us-west-2")

# The representative ARN of each resources.type, as the checks build it (see the brief).
ARN_CONVENTIONS = {
    "AWS::Bedrock::AgentAlias": "arn:{p}:bedrock:{r}:{a}:agent-alias/{id}",
    "AWS::Bedrock::KnowledgeBase": "arn:{p}:bedrock:{r}:{a}:knowledge-base/{id}",
    "AWS::Bedrock::FlowAlias": "arn:{p}:bedrock:{r}:{a}:flow/{id}",
    "AWS::Bedrock::FlowExecution": "arn:{p}:bedrock:{r}:{a}:flow/{id}",
    "AWS::Bedrock::Guardrail": "arn:{p}:bedrock:{r}:{a}:guardrail/{id}",
    "AWS::Bedrock::PromptVersion": "arn:{p}:bedrock:{r}:{a}:prompt/{id}",
    "AWS::Bedrock::Session": "arn:{p}:bedrock:{r}:{a}:session/{id}",
    "AWS::Bedrock::AutomatedReasoningPolicy": (
        "arn:{p}:bedrock:{r}:{a}:automated-reasoning-policy/{id}"
    ),
    "AWS::Bedrock::AutomatedReasoningPolicyVersion": (
        "arn:{p}:bedrock:{r}:{a}:automated-reasoning-policy/{id}"
    ),
    "AWS::Bedrock::DataAutomationProject": "arn:{p}:bedrock:{r}:{a}:data-automation-project/{id}",
    "AWS::Bedrock::DataAutomationInvocation": (
        "arn:{p}:bedrock:{r}:{a}:data-automation-invocation/{id}"
    ),
    "AWS::Bedrock::DataAutomationProfile": "arn:{p}:bedrock:{r}:{a}:data-automation-profile/{id}",
    "AWS::Bedrock::Blueprint": "arn:{p}:bedrock:{r}:{a}:blueprint/{id}",
    "AWS::Bedrock::AdvancedOptimizePromptJob": (
        "arn:{p}:bedrock:{r}:{a}:advanced-optimize-prompt-job/{id}"
    ),
    "AWS::Bedrock::Tool": "arn:{p}:bedrock:{r}:{a}:tool/{id}",
    "AWS::BedrockAgentCore::Gateway": "arn:{p}:bedrock-agentcore:{r}:{a}:gateway/{id}",
    "AWS::BedrockAgentCore::Runtime": "arn:{p}:bedrock-agentcore:{r}:{a}:runtime/{id}",
    "AWS::BedrockAgentCore::RuntimeEndpoint": "arn:{p}:bedrock-agentcore:{r}:{a}:runtime/{id}",
    "AWS::BedrockAgentCore::CodeInterpreterCustom": (
        "arn:{p}:bedrock-agentcore:{r}:{a}:code-interpreter-custom/{id}"
    ),
    "AWS::BedrockAgentCore::BrowserCustom": "arn:{p}:bedrock-agentcore:{r}:{a}:browser-custom/{id}",
    "AWS::BedrockAgentCore::WorkloadIdentity": (
        "arn:{p}:bedrock-agentcore:{r}:{a}:workload-identity-directory/{id}"
    ),
    "AWS::BedrockAgentCore::WorkloadIdentityDirectory": (
        "arn:{p}:bedrock-agentcore:{r}:{a}:workload-identity-directory/{id}"
    ),
    "AWS::BedrockAgentCore::TokenVault": "arn:{p}:bedrock-agentcore:{r}:{a}:token-vault/{id}",
    "AWS::BedrockAgentCore::OAuth2CredentialProvider": (
        "arn:{p}:bedrock-agentcore:{r}:{a}:token-vault/{id}"
    ),
    "AWS::BedrockAgentCore::APIKeyCredentialProvider": (
        "arn:{p}:bedrock-agentcore:{r}:{a}:token-vault/{id}"
    ),
    "AWS::BedrockAgentCore::Memory": "arn:{p}:bedrock-agentcore:{r}:{a}:memory/{id}",
    "AWS::BedrockAgentCore::Evaluator": "arn:{p}:bedrock-agentcore:{r}:{a}:evaluator/{id}",
}


def field(selector: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((f for f in selector["FieldSelectors"] if f["Field"] == name), None)


def selector_for(selectors: list[dict[str, Any]], rtype: str) -> dict[str, Any]:
    matches = [
        s for s in selectors if rtype in ((field(s, "resources.type") or {}).get("Equals") or [])
    ]
    assert len(matches) == 1, rtype
    return matches[0]


def test_guide_selector_groups_have_the_guides_counts() -> None:
    counts = {
        group: len(guide_selectors(group))
        for group in ("bedrock", "agentcore", "s3", "lambda", "network", "org_trail", "mantle")
    }
    assert counts == {
        "bedrock": 18,
        "agentcore": 14,
        "s3": 1,
        "lambda": 1,
        "network": 3,
        "org_trail": 34,
        "mantle": 1,
    }
    mantle = field(guide_selectors("mantle")[0], "resources.type")
    assert mantle is not None
    assert mantle["Equals"] == [
        "AWS::BedrockMantle::Project",
        "AWS::BedrockMantle::CustomizedModel",
        "AWS::BedrockMantle::Reservation",
    ]
    assert guide_selectors("bedrock") is not guide_selectors("bedrock")


def test_fill_placeholders_expands_regions_and_leaves_nothing() -> None:
    filled = fill_placeholders(guide_selectors("lambda"), GUIDE, REGIONS)
    arn_field = field(filled[0], "resources.ARN")
    assert arn_field is not None
    assert arn_field["StartsWith"] == [
        "arn:aws:lambda:us-east-1:111122223333:function:prod-",
        "arn:aws:lambda:us-west-2:111122223333:function:prod-",
        "arn:aws:lambda:us-east-1:111122223333:function:ai-agent-",
        "arn:aws:lambda:us-west-2:111122223333:function:ai-agent-",
    ]
    everything = repr(guide_account_selectors(GUIDE, REGIONS))
    for placeholder in [*PLACEHOLDER_VALUES, "ACCOUNT_ID", "REGION"]:
        assert placeholder not in everything.replace("NetworkActivity", ""), placeholder
    inline = selector_for(guide_account_selectors(GUIDE, REGIONS), "AWS::Bedrock::InlineAgent")
    identity = field(inline, "userIdentity.arn")
    assert identity is not None
    assert identity["StartsWith"] == [f"arn:aws:sts::{GUIDE}:assumed-role/{BEDROCK_EXECUTION_ROLE}"]


def test_guide_prefixes_cover_every_configured_resource() -> None:
    selectors = guide_account_selectors(GUIDE, REGIONS)
    for rtype, template in ARN_CONVENTIONS.items():
        arn_field = field(selector_for(selectors, rtype), "resources.ARN")
        assert arn_field is not None, rtype
        prefixes = arn_field["StartsWith"]
        for region in REGIONS:
            for resource_id in DEMO_RESOURCE_IDS[rtype]:
                arn = template.format(p="aws", r=region, a=GUIDE, id=resource_id)
                assert any(arn.startswith(p) for p in prefixes), (rtype, arn, prefixes)


def test_every_type_in_the_guide_selectors_has_ids() -> None:
    types = {
        t
        for s in guide_account_selectors(GUIDE, REGIONS)
        for t in ((field(s, "resources.type") or {}).get("Equals") or [])
    }
    ai_types = {t for t in types if t.startswith(("AWS::Bedrock", "AWS::BedrockAgentCore"))}
    assert ai_types - {"AWS::Bedrock::InlineAgent"} <= set(DEMO_RESOURCE_IDS)
    assert set(DEMO_RESOURCE_IDS) - types == set()


E1 = f"arn:aws:bedrock:us-east-1:{GUIDE}"
AC1 = f"arn:aws:bedrock-agentcore:us-east-1:{GUIDE}"
SEEDED = {
    "us-east-1": {
        "AWS::Bedrock::AgentAlias": [
            f"{E1}:agent-alias/UYFPGMK519/TSTALIASID",
            f"{E1}:agent-alias/UYFPGMK519/VL2INX6GXB",
            f"{E1}:agent-alias/XPC3H4BQQO/TSTALIASID",
        ],
        "AWS::Bedrock::FlowAlias": [
            f"{E1}:flow/RNFOYAD0KT/alias/XGRHG47TG8",
            f"{E1}:flow/RNFOYAD0KT/alias/TSTALIASID",
        ],
        "AWS::Bedrock::Model": [f"{E1}:custom-model/claims-summarizer"],
        "AWS::BedrockAgentCore::OAuth2CredentialProvider": [
            f"{AC1}:token-vault/default/oauth2credentialprovider/demo-github"
        ],
        "AWS::BedrockAgentCore::APIKeyCredentialProvider": [
            f"{AC1}:token-vault/default/apikeycredentialprovider/demo-search-key"
        ],
    },
    "us-west-2": {},
}


def arns_of(selectors: list[dict[str, Any]], rtype: str) -> list[str]:
    arn_field = field(selector_for(selectors, rtype), "resources.ARN")
    assert arn_field is not None, rtype
    return list(arn_field["StartsWith"])


def test_the_guide_selectors_name_the_accounts_own_resources_where_it_has_them() -> None:
    selectors = guide_account_selectors(GUIDE, REGIONS, SEEDED)
    west = f"arn:aws:bedrock:us-west-2:{GUIDE}"
    assert arns_of(selectors, "AWS::Bedrock::AgentAlias") == [
        *SEEDED["us-east-1"]["AWS::Bedrock::AgentAlias"],
        f"{west}:agent-alias/AGENT12345/ALIAS67890",  # no alias there: the demo's ids
    ]
    # one prefix per flow, for its aliases and (same guide placeholder) its executions
    flow = [f"{E1}:flow/RNFOYAD0KT/alias/", f"{west}:flow/FLOW123456/alias/"]
    assert arns_of(selectors, "AWS::Bedrock::FlowAlias") == flow
    assert arns_of(selectors, "AWS::Bedrock::FlowExecution") == flow
    # PROVIDER_NAME is each type's own provider, never the other's
    assert arns_of(selectors, "AWS::BedrockAgentCore::APIKeyCredentialProvider")[0] == (
        f"{AC1}:token-vault/default/apikeycredentialprovider/demo-search-key"
    )
    assert arns_of(selectors, "AWS::BedrockAgentCore::OAuth2CredentialProvider")[0] == (
        f"{AC1}:token-vault/default/oauth2credentialprovider/demo-github"
    )
    # a type the account holds none of keeps the demo's ids in every region
    assert arns_of(selectors, "AWS::Bedrock::Guardrail") == [
        f"arn:aws:bedrock:{r}:{GUIDE}:guardrail/gr1234abcd56" for r in REGIONS
    ]
    everything = repr(selectors)
    for placeholder in [*PLACEHOLDER_VALUES, "ACCOUNT_ID", "REGION"]:
        assert placeholder not in everything.replace("NetworkActivity", ""), placeholder
    assert inventory_named_types(SEEDED) == {
        "AWS::Bedrock::AgentAlias",
        "AWS::Bedrock::FlowAlias",
        "AWS::Bedrock::FlowExecution",
        "AWS::BedrockAgentCore::OAuth2CredentialProvider",
        "AWS::BedrockAgentCore::APIKeyCredentialProvider",
    }  # not Model: its guide selector names no id (and no inventory holds foundation models)


def test_a_resource_the_guide_selector_cannot_name_stops_the_seeding() -> None:
    value = f"{E1}:agent-alias/AGENT_ID/ALIAS_ID"
    assert fill_from_resources(value, "AWS::Bedrock::AgentAlias", [f"{E1}:agent-alias/A/B"]) == [
        f"{E1}:agent-alias/A/B"
    ]
    with pytest.raises(ValueError, match="cannot name"):
        fill_from_resources(value, "AWS::Bedrock::AgentAlias", [f"{E1}:agent/A"])


def test_partial_selectors_are_the_weak_ones() -> None:
    selectors = partial_account_selectors("444455556666", "us-east-1")
    assert len(selectors) == 6
    management = selectors[0]
    assert field(management, "readOnly") == {"Field": "readOnly", "Equals": ["false"]}
    guardrail = selector_for(selectors, "AWS::Bedrock::Guardrail")
    assert field(guardrail, "resources.ARN") == {
        "Field": "resources.ARN",
        "NotStartsWith": ["arn:aws:bedrock:us-east-1:444455556666:"],
    }
    session = selector_for(selectors, "AWS::Bedrock::Session")
    assert field(session, "readOnly") == {"Field": "readOnly", "Equals": ["true"]}
    types = {t for s in selectors for t in ((field(s, "resources.type") or {}).get("Equals") or [])}
    assert not [t for t in types if "Mantle" in t or t.startswith(("AWS::S3", "AWS::Lambda"))]


def test_demo_config() -> None:
    config = demo_config(REGIONS)
    assert isinstance(config, Config)
    assert config.scan.regions == list(REGIONS)
    assert config.scan.assume_roles == [role_arn(a) for a in DEMO_ACCOUNTS.values()]
    for account_id in ("111122223333", "777788889999"):
        resources = config.resources_for(account_id)
        assert resources.ids == DEMO_RESOURCE_IDS
        assert resources.bedrock_execution_role_names == [BEDROCK_EXECUTION_ROLE]
    assert config.resources_for("444455556666").ids == {}
    Config.model_validate(config.model_dump(mode="json"))
    # the guide account's trail names its real resources: their made-up ids go
    named = inventory_named_types(SEEDED)
    config = demo_config(REGIONS, named)
    guide = config.resources_for(GUIDE).ids
    assert guide == {k: v for k, v in DEMO_RESOURCE_IDS.items() if k not in named}
    assert "AWS::Bedrock::AgentAlias" not in guide and "AWS::Bedrock::Model" in guide
    assert config.resources_for("777788889999").ids == DEMO_RESOURCE_IDS
    assert config.resources_for("555566667777").ids == DEMO_RESOURCE_IDS
    Config.model_validate(config.model_dump(mode="json"))


@pytest.mark.integration
def test_demo_environment_is_self_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "sentinel-key")
    monkeypatch.setenv("AWS_PROFILE", "sentinel-profile")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with demo_environment(regions=("eu-west-1",)) as env:
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert "AWS_PROFILE" not in os.environ
        assert env.org.accounts == DEMO_ACCOUNTS
        assert env.org.regions == ("eu-west-1",)
        assert env.org.assume_roles == tuple(role_arn(a) for a in DEMO_ACCOUNTS.values())
        assert "auditor_secret_access_key" not in repr(env.org)
        snapshot = env.collect()
        assert [a.account_id for a in snapshot.accounts] == list(DEMO_ACCOUNTS.values())
        partial = snapshot.account("444455556666")
        assert partial is not None and [t.name for t in partial.trails] == ["ops-trail"]
    assert os.environ["AWS_ACCESS_KEY_ID"] == "sentinel-key"
    assert os.environ["AWS_PROFILE"] == "sentinel-profile"
    assert "AWS_DEFAULT_REGION" not in os.environ
