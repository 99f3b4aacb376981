"""data_events_logged on the inventory: every real resource of the type judged on its own ARN."""

from __future__ import annotations

from typing import Any

from aiposture.config import Config
from aiposture.results import Status
from aiposture.rules.base import Outcome, RuleContext
from aiposture.rules.support.inventory import inventoried, template_id
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import CallError, InventoryItem, Snapshot
from tests.builders import ACCOUNT, MANAGEMENT, REGION, data_selector, denied, snapshot, trail
from tests.rules.helpers import only, run_check, with_ids

ALIAS = "bedrock-agent:agent-alias"
AGENT = "bedrock-agent:agent"
PREFIX = f"arn:aws:bedrock:{REGION}:{ACCOUNT}"


def agent(agent_id: str, name: str) -> InventoryItem:
    return InventoryItem(arn=f"{PREFIX}:agent/{agent_id}", id=agent_id, name=name)


def alias(agent_id: str, alias_id: str, name: str | None = None) -> InventoryItem:
    return InventoryItem(
        arn=f"{PREFIX}:agent-alias/{agent_id}/{alias_id}",
        id=alias_id,
        name=name,
        parent_arn=f"{PREFIX}:agent/{agent_id}",
    )


AGENTS = [agent("AGENTAAAAA", "support-assistant"), agent("AGENTBBBBB", "claims-triage")]
ALIASES = [
    alias("AGENTAAAAA", "TSTALIASID", "AgentTestAlias"),
    alias("AGENTAAAAA", "PRODALIAS1", "prod"),
    alias("AGENTBBBBB", "TSTALIASID", "AgentTestAlias"),
]


def with_inventory(
    snap: Snapshot,
    items: dict[str, list[InventoryItem]],
    *,
    unknown: tuple[str, ...] = (),
    errors: tuple[CallError, ...] = (),
    region: str = REGION,
) -> Snapshot:
    """``snap`` with a complete inventory in ``region`` holding ``items`` (``unknown`` kinds
    left out, as the collector leaves out a kind whose listing failed)."""
    reg = snap.accounts[0].regions[region]
    inventory = {kind.key: [] for kind in RESOURCE_KINDS if kind.key not in unknown}
    inventory.update({k: v for k, v in items.items() if k not in unknown})
    reg.inventory = inventory
    reg.errors.extend(errors)
    return snap


def alias_outcome(*selectors: dict[str, Any], config=None, **inventory_kw: Any) -> Outcome:
    snap = snapshot(trail(advanced=[MANAGEMENT, *selectors]))
    items = inventory_kw.pop("items", {AGENT: AGENTS, ALIAS: ALIASES})
    if items is not None:
        with_inventory(snap, items, **inventory_kw)
    return only(run_check("ct-data-bedrock-agent-alias", snap, config=config or with_ids({})))


def equals(*arns: str) -> dict[str, Any]:
    return {"Field": "resources.ARN", "Equals": list(arns)}


def test_the_resource_the_selector_leaves_out_fails_by_name_with_its_agent():
    named = data_selector(
        "AWS::Bedrock::AgentAlias", equals(ALIASES[0].arn, ALIASES[1].arn), name="Two aliases"
    )
    outcome = alias_outcome(named)
    assert outcome.status == Status.FAIL
    assert "not logged for 1 of 3 Bedrock agent aliases in us-east-1" in outcome.message
    assert (
        f"Bedrock agent alias AgentTestAlias of agent claims-triage ({ALIASES[2].arn})"
        in outcome.message
    )
    assert "support-assistant" not in outcome.message  # the logged ones are not named
    assert f"logs InvokeAgent (write) on {ALIASES[2].arn}: trail ai-trail selector" in (
        outcome.message
    )
    rows = {r["arn"]: r for r in outcome.evidence["resources"]}
    assert [rows[a.arn]["logged"] for a in ALIASES] == [True, True, False]
    assert rows[ALIASES[0].arn]["by"] == "ai-trail (Two aliases)"
    assert rows[ALIASES[2].arn]["by"] is None
    assert rows[ALIASES[2].arn]["parent"] == "claims-triage"
    assert rows[ALIASES[2].arn]["kind"] == ALIAS
    assert rows[ALIASES[2].arn]["label"] == "Bedrock agent alias"
    assert outcome.evidence["resource_ids"]["from"] == "inventory"


def test_every_inventoried_resource_logged_passes_with_the_count():
    named = data_selector("AWS::Bedrock::AgentAlias", equals(*(a.arn for a in ALIASES)))
    outcome = alias_outcome(named)
    assert outcome.status == Status.PASS, outcome.message
    assert outcome.message.endswith(
        "for every resource the inventory lists in us-east-1 (3 Bedrock agent aliases)."
    )
    assert all(r["logged"] for r in outcome.evidence["resources"])
    assert outcome.evidence["inventory"] == {"kinds": [ALIAS], "listed": True, "count": 3}


def test_a_representative_pass_that_misses_a_real_resource_now_fails():
    """A type-wide selector excluding one alias logs the all-resources probe, not that alias."""
    but_one = data_selector(
        "AWS::Bedrock::AgentAlias", {"Field": "resources.ARN", "NotEquals": [ALIASES[1].arn]}
    )
    assert alias_outcome(but_one, items=None).status == Status.PASS  # judged as before
    outcome = alias_outcome(but_one)
    assert outcome.status == Status.FAIL
    assert "1 of 3" in outcome.message and ALIASES[1].arn in outcome.message
    assert "Bedrock agent alias prod of agent support-assistant" in outcome.message


def test_unknown_inventory_is_judged_as_before_and_says_so():
    err = denied("bedrock-agent", "ListAgentAliases", "AGENTAAAAA")
    outcome = alias_outcome(
        data_selector("AWS::Bedrock::AgentAlias"), unknown=(ALIAS,), errors=(err,)
    )
    assert outcome.status == Status.PASS
    assert "for a representative resource of the type." in outcome.message
    assert "all resources" not in outcome.message
    assert (
        "Not every resource was checked: the Bedrock agent aliases in us-east-1 could not be "
        "listed: bedrock-agent:ListAgentAliases in us-east-1 failed with AccessDeniedException"
    ) in outcome.message
    assert "resources" not in outcome.evidence
    assert outcome.evidence["inventory"]["listed"] is False
    assert "ListAgentAliases" in outcome.evidence["inventory"]["reason"]
    # a FAIL carries the same caveat
    failing = alias_outcome(data_selector("AWS::Bedrock::KnowledgeBase"), unknown=(ALIAS,))
    assert failing.status == Status.FAIL
    assert "no selector for AWS::Bedrock::AgentAlias" in failing.message
    assert "Not every resource was checked" in failing.message
    assert "bedrock-agent:ListAgentAliases was not read" in failing.message


def test_unknown_inventory_never_passes_on_the_ids_the_trail_names_itself():
    # The trail names two aliases; with the listing denied nobody can tell whether they are
    # all the account has, so the check cannot pass (it did before the inventory existed).
    err = denied("bedrock-agent", "ListAgentAliases", "AGENTAAAAA")
    named = data_selector("AWS::Bedrock::AgentAlias", equals(ALIASES[0].arn, ALIASES[1].arn))
    outcome = alias_outcome(named, unknown=(ALIAS,), errors=(err,))
    assert outcome.status == Status.ERROR, outcome.message
    assert outcome.message.startswith(
        "Cannot verify AWS::Bedrock::AgentAlias data events: the trails log the resources its "
        "selectors name ("
    )
    assert "could not be listed: bedrock-agent:ListAgentAliases" in outcome.message
    # with the inventory read, the same trail is judged resource by resource (a FAIL)
    assert alias_outcome(named).status == Status.FAIL


def test_an_unknown_parent_makes_the_children_unknown_with_the_parents_error():
    err = denied("bedrock-agent", "ListAgents")
    outcome = alias_outcome(
        data_selector("AWS::Bedrock::AgentAlias"), unknown=(AGENT, ALIAS), errors=(err,)
    )
    assert outcome.status == Status.PASS
    assert "could not be listed: bedrock-agent:ListAgents in us-east-1" in outcome.message


def test_a_snapshot_without_inventory_says_it_was_not_read():
    outcome = alias_outcome(data_selector("AWS::Bedrock::AgentAlias"), items=None)
    assert outcome.status == Status.PASS
    assert "could not be listed: the snapshot holds no inventory of AI resources" in (
        outcome.message
    )
    configured = alias_outcome(
        data_selector("AWS::Bedrock::AgentAlias"),
        items=None,
        config=with_ids({"AWS::Bedrock::AgentAlias": ["AGENT1/ALIAS1"]}),
    )
    assert configured.status == Status.PASS
    assert "for every configured resource. Not every resource was checked" in configured.message


def test_known_empty_inventory_is_judged_as_before_without_a_caveat():
    selector = data_selector("AWS::Bedrock::AgentAlias", name="All aliases")
    outcome = alias_outcome(selector, items={})
    assert outcome.status == Status.PASS
    assert outcome.message == (
        "AWS::Bedrock::AgentAlias data events are logged by ai-trail (All aliases) "
        "for all resources of the type."
    )
    assert outcome.evidence["resources"] == []
    assert outcome.evidence["resource_ids"]["from"] == "an all-resources probe"


def test_a_service_not_offered_counts_as_listed_and_empty():
    snap = snapshot(trail(advanced=[MANAGEMENT, data_selector("AWS::BedrockAgentCore::Gateway")]))
    with_inventory(snap, {}, unknown=("bedrock-agentcore-control:gateway",))
    snap.accounts[0].regions[REGION].services_not_offered["bedrock-agentcore-control"] = "no"
    outcome = only(run_check("ct-data-agentcore-gateway", snap))
    assert outcome.status == Status.PASS
    assert "Judged on" not in outcome.message


def test_configured_ids_and_the_inventory_are_both_judged():
    cfg = with_ids({"AWS::Bedrock::AgentAlias": ["AGENT1/ALIAS1"]})
    configured_arn = f"{PREFIX}:agent-alias/AGENT1/ALIAS1"
    only_configured = data_selector("AWS::Bedrock::AgentAlias", equals(configured_arn))
    outcome = alias_outcome(only_configured, config=cfg)
    assert outcome.status == Status.FAIL
    assert "not logged for 3 of 3 Bedrock agent aliases in us-east-1." in outcome.message
    assert outcome.evidence["resource_ids"]["from"] == "configuration and inventory"
    assert outcome.evidence["resource_ids"]["values"][0] == "AGENT1/ALIAS1"

    only_inventory = data_selector("AWS::Bedrock::AgentAlias", equals(*(a.arn for a in ALIASES)))
    outcome = alias_outcome(only_inventory, config=cfg)
    assert outcome.status == Status.FAIL
    assert "not logged for 1 of 1 configured resource." in outcome.message
    assert f"configured resource AGENT1/ALIAS1 ({configured_arn})" in outcome.message

    both = data_selector(
        "AWS::Bedrock::AgentAlias", equals(configured_arn, *(a.arn for a in ALIASES))
    )
    outcome = alias_outcome(both, config=cfg)
    assert outcome.status == Status.PASS
    assert "for every configured resource and every resource the inventory lists" in (
        outcome.message
    )


def test_long_lists_are_capped_in_the_message_and_complete_in_the_evidence():
    many = [alias("AGENTAAAAA", f"ALIAS{i:05d}") for i in range(8)]
    outcome = alias_outcome(
        data_selector("AWS::Bedrock::AgentAlias", equals(many[0].arn)),
        items={AGENT: AGENTS, ALIAS: many},
    )
    assert outcome.status == Status.FAIL
    assert "7 of 8 Bedrock agent aliases" in outcome.message
    assert "and 2 more (the evidence lists them all)" in outcome.message
    assert many[5].arn in outcome.message and many[6].arn not in outcome.message
    assert sum(not r["logged"] for r in outcome.evidence["resources"]) == 7


def test_no_logging_trail_names_every_resource():
    snap = with_inventory(
        snapshot(trail(advanced=[MANAGEMENT], logging=False)), {AGENT: AGENTS, ALIAS: ALIASES}
    )
    outcome = only(run_check("ct-data-bedrock-agent-alias", snap))
    assert outcome.status == Status.FAIL
    assert "no logging trail covers account" in outcome.message
    assert "None of the 3 Bedrock agent aliases in us-east-1 is logged" in outcome.message
    assert ALIASES[2].arn in outcome.message


def test_unreadable_selectors_stay_error_with_resources():
    snap = with_inventory(
        snapshot(trail(advanced=[MANAGEMENT], selectors_read=False)),
        {AGENT: AGENTS, ALIAS: ALIASES},
    )
    outcome = only(run_check("ct-data-bedrock-agent-alias", snap))
    assert outcome.status == Status.ERROR
    assert "GetEventSelectors" in outcome.message
    # nobody can tell whether the unread trail logs them: "cannot tell", never "not logged"
    assert [r["logged"] for r in outcome.evidence["resources"]] == [None, None, None]


def test_models_keep_the_foundation_model_probe_beside_the_inventory():
    custom = InventoryItem(arn=f"{PREFIX}:custom-model/claims", id="claims", name="claims")
    items = {"bedrock:custom-model": [custom]}
    only_custom = data_selector("AWS::Bedrock::Model", equals(custom.arn))
    snap = with_inventory(snapshot(trail(advanced=[MANAGEMENT, only_custom])), items)
    outcome = only(run_check("ct-data-bedrock-model", snap))
    assert outcome.status == Status.FAIL  # foundation-model invocations are not logged
    assert "any representative resource of the type" in outcome.message
    assert outcome.evidence["resources"][0]["logged"] is True

    every = data_selector("AWS::Bedrock::Model", name="Models")
    snap = with_inventory(snapshot(trail(advanced=[MANAGEMENT, every])), items)
    outcome = only(run_check("ct-data-bedrock-model", snap))
    assert outcome.status == Status.PASS
    assert outcome.message.endswith(
        "for all resources of the type and every resource the inventory lists in us-east-1 "
        "(1 Bedrock custom model)."
    )
    assert outcome.evidence["resource_ids"]["from"] == "inventory and an all-resources probe"


def test_a_child_endpoint_is_named_with_its_runtime():
    runtime = InventoryItem(
        arn=f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:runtime/agent-X1",
        id="agent-X1",
        name="agent",
    )
    endpoint = InventoryItem(
        arn=f"{runtime.arn}/runtime-endpoint/prod",
        id="prod-1",
        name="prod",
        parent_arn=runtime.arn,
    )
    items = {
        "bedrock-agentcore-control:runtime": [runtime],
        "bedrock-agentcore-control:runtime-endpoint": [endpoint],
    }
    snap = with_inventory(
        snapshot(trail(advanced=[MANAGEMENT, data_selector("AWS::BedrockAgentCore::Gateway")])),
        items,
    )
    outcome = only(run_check("ct-data-agentcore-runtime-endpoint", snap))
    assert outcome.status == Status.FAIL
    assert f"AgentCore runtime endpoint prod of runtime agent ({endpoint.arn})" in (outcome.message)


def test_an_arn_outside_the_template_is_probed_alone():
    """S3's template adds the bucket; an inventoried ARN that fits no template carries itself."""
    snap = snapshot()
    ctx = RuleContext(snapshot=snap, account=snap.accounts[0], region=REGION, config=Config())
    template = "arn:{partition}:bedrock:{region}:{account}:agent-alias/{id}"
    assert template_id(template, ctx, ALIASES[0].arn) == "AGENTAAAAA/TSTALIASID"
    assert template_id(template, ctx, f"{PREFIX}:custom-model/x") is None
    assert (
        template_id(template, ctx, f"arn:aws:bedrock:{REGION}:999988887777:agent-alias/A/B") is None
    )
    s3 = "arn:{partition}:s3:::{id}aiposture-probe/object.bin"
    assert template_id(s3, ctx, "arn:aws:s3:::ai-aiposture-probe/object.bin") == "ai-"


def test_a_credential_provider_listed_as_acps_is_judged_on_its_cloudtrail_arn():
    """ListOauth2CredentialProviders answers arn:aws:acps:...; IAM and CloudTrail name it
    arn:aws:bedrock-agentcore:... (Service Authorization Reference)."""
    listed = f"arn:aws:acps:{REGION}:{ACCOUNT}:token-vault/default/oauth2credentialprovider/gh"
    recorded = listed.replace(":acps:", ":bedrock-agentcore:")
    provider = InventoryItem(arn=listed, id="gh", name="gh")
    vault = {
        "Field": "resources.ARN",
        "StartsWith": [f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:token-vault/default/"],
    }
    selector = data_selector("AWS::BedrockAgentCore::OAuth2CredentialProvider", vault)
    snap = with_inventory(
        snapshot(trail(advanced=[MANAGEMENT, selector])),
        {"bedrock-agentcore-control:oauth2-credential-provider": [provider]},
    )
    outcome = only(run_check("ct-data-agentcore-oauth2-credential-provider", snap))
    assert outcome.status == Status.PASS, outcome.message
    assert outcome.evidence["resources"][0]["arn"] == recorded
    assert outcome.evidence["resources"][0]["listed_arn"] == listed


def test_inventoried_is_none_when_unknown_empty_when_none_exist():
    snap = with_inventory(
        snapshot(), {AGENT: AGENTS, ALIAS: ALIASES}, unknown=("bedrock:guardrail",)
    )
    ctx = RuleContext(snapshot=snap, account=snap.accounts[0], region=REGION, config=Config())
    assert [r.item.id for r in inventoried(ctx, "AWS::Bedrock::AgentAlias") or []] == [
        "TSTALIASID",
        "PRODALIAS1",
        "TSTALIASID",
    ]
    assert inventoried(ctx, "AWS::Bedrock::KnowledgeBase") == []
    assert inventoried(ctx, "AWS::Bedrock::Guardrail") is None
    assert inventoried(ctx, "AWS::Bedrock::Session") is None  # no API lists sessions
