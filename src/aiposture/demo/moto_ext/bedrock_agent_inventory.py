"""Agents for Amazon Bedrock: agent aliases, flows, flow aliases and prompts, as AWS lists them.

moto 5.2.5 implements ``CreateAgent``/``ListAgents`` and ``CreateKnowledgeBase``/
``ListKnowledgeBases`` but none of the operations below; :func:`patch_bedrock_agent_inventory`
adds them to moto's ``AgentsforBedrockResponse`` (moto dispatches a rest-json request to the
method named after the botocore operation that matches its method and URI) and fixes what
moto's own answers get wrong. Every shape follows the botocore ``bedrock-agent`` model
2023-06-05 (``service-2.json``) and the Agents for Amazon Bedrock API reference
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Agents_for_Amazon_Bedrock.html).

State lives on moto's per-account, per-region backend, so a backend reset clears it.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from aiposture.demo.moto_ext.common import patch

__all__ = ["TEST_ALIAS_ID", "TEST_ALIAS_NAME", "inventory_state", "patch_bedrock_agent_inventory"]

TEST_ALIAS_ID = "TSTALIASID"
"""The id of the test alias every agent has (it points at the working draft)."""
TEST_ALIAS_NAME = "AgentTestAlias"
"""The name AWS gives an agent's test alias."""

_STATE_ATTR = "_aiposture_agent_inventory"
_PAGE_MAX = 10
"""The botocore model caps every one of these summary lists at 10 items a page."""
_ID_CHARS = string.ascii_uppercase + string.digits

Answer = tuple[int, dict[str, str], str]


def _resource_id(*parts: str) -> str:
    """A 10-character id (``[0-9a-zA-Z]{10}``, the model's ``Id`` pattern), stable per name.

    AWS draws ids at random; deriving them from the account, region and name keeps the
    demo's ids the same from one run to the next (a name is unique where it is created).
    """
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return "".join(_ID_CHARS[b % len(_ID_CHARS)] for b in digest[:10])


def _state(backend: Any) -> dict[str, Any]:
    found: dict[str, Any] | None = getattr(backend, _STATE_ATTR, None)
    if found is None:
        found = {"agent_aliases": {}, "flows": {}, "flow_aliases": {}, "prompts": {}}
        setattr(backend, _STATE_ATTR, found)
    return found


def inventory_state(backend: Any) -> dict[str, Any]:
    """The flows, prompts and aliases this module keeps on ``backend`` (by id)."""
    return _state(backend)


def _page(items: list[dict[str, Any]], max_results: Any, token: Any) -> tuple[list[Any], Any]:
    """One page of ``items`` and the next token (an opaque offset), or ``None`` at the end."""
    from moto.bedrockagent.exceptions import ValidationException

    size = _PAGE_MAX
    if max_results not in (None, ""):
        size = int(max_results)
        if not 1 <= size <= 1000:
            raise ValidationException("maxResults must be between 1 and 1000")
        size = min(size, _PAGE_MAX)
    start = 0
    if token not in (None, ""):
        if not str(token).isdigit() or int(token) > len(items):
            raise ValidationException("The nextToken is not valid.")
        start = int(token)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def _listed(key: str, items: list[Any], token: Any) -> str:
    body: dict[str, Any] = {key: items}
    if token is not None:
        body["nextToken"] = token
    return json.dumps(body)


def _query(response: Any, name: str) -> Any:
    values = response.querystring.get(name) or [None]
    return values[0]


def _not_found(message: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    error = JsonRESTError("ResourceNotFoundException", message)
    error.code = 404
    return error


def _conflict(message: str) -> Exception:
    from moto.bedrockagent.exceptions import ConflictException

    return ConflictException(message)


def _test_alias(agent: Any) -> dict[str, Any]:
    return {
        "agentId": agent.agent_id,
        "agentAliasId": TEST_ALIAS_ID,
        "agentAliasName": TEST_ALIAS_NAME,
        "agentAliasArn": _alias_arn(agent, TEST_ALIAS_ID),
        "description": "Test Alias for Agent",
        "routingConfiguration": [{"agentVersion": "DRAFT"}],
        "agentAliasStatus": "PREPARED",
        "createdAt": agent.created_at,
        "updatedAt": agent.updated_at,
        "aliasInvocationState": "ACCEPT_INVOCATIONS",
    }


def _alias_arn(agent: Any, alias_id: str) -> str:
    prefix = agent.agent_arn.rsplit(":agent/", 1)[0]
    return f"{prefix}:agent-alias/{agent.agent_id}/{alias_id}"


_ALIAS_SUMMARY = (
    "agentAliasId",
    "agentAliasName",
    "description",
    "routingConfiguration",
    "agentAliasStatus",
    "createdAt",
    "updatedAt",
    "aliasInvocationState",
)
_FLOW_SUMMARY = ("name", "description", "id", "arn", "status", "createdAt", "updatedAt", "version")
_FLOW_ALIAS_SUMMARY = (
    "name",
    "description",
    "routingConfiguration",
    "concurrencyConfiguration",
    "flowId",
    "id",
    "arn",
    "createdAt",
    "updatedAt",
)
_PROMPT_SUMMARY = ("name", "description", "id", "arn", "version", "createdAt", "updatedAt")


def _summary(item: dict[str, Any], members: tuple[str, ...]) -> dict[str, Any]:
    return {k: item[k] for k in members if item.get(k) is not None}


def _fix_moto_models() -> None:
    """Ids of the model's ``[0-9a-zA-Z]{10}`` form and the knowledge base status enum.

    moto makes an agent's or knowledge base's id from its name plus 8 random characters
    (botocore ``Id``: pattern ``[0-9a-zA-Z]{10}``) and gives a new knowledge base the status
    ``Active`` (botocore ``KnowledgeBaseStatus``: CREATING, ACTIVE, DELETING, UPDATING,
    FAILED, DELETE_UNSUCCESSFUL, UPDATE_UNSUCCESSFUL); a new agent's version is
    ``DRAFT`` (moto: ``1.0``, outside the ``Version`` pattern ``(DRAFT|[0-9]{0,4}[1-9][0-9]{0,4})``).
    """
    from moto.bedrockagent.models import Agent, KnowledgeBase

    agent_init: Callable[..., None] = Agent.__init__
    kb_init: Callable[..., None] = KnowledgeBase.__init__

    def init_agent(self: Any, *args: Any, **kwargs: Any) -> None:
        agent_init(self, *args, **kwargs)
        self.agent_id = _resource_id(self.account_id, self.region_name, "agent", self.agent_name)
        self.agent_arn = f"{self.agent_arn.rsplit('/', 1)[0]}/{self.agent_id}"
        self.agent_version = "DRAFT"  # moto: "1.0", outside the model's Version pattern

    def init_kb(self: Any, *args: Any, **kwargs: Any) -> None:
        kb_init(self, *args, **kwargs)
        self.knowledge_base_id = _resource_id(self.account_id, self.region_name, "kb", self.name)
        arn = self.knowledge_base_arn.rsplit("/", 1)[0]
        self.knowledge_base_arn = f"{arn}/{self.knowledge_base_id}"
        self.status = "ACTIVE"

    patch(Agent, "__init__", init_agent)
    patch(KnowledgeBase, "__init__", init_kb)


def patch_bedrock_agent_inventory() -> None:
    """Agent aliases, flows, flow aliases and prompts; moto's agent and knowledge base fixes.

    - ``CreateAgentAlias`` (PUT ``/agents/{agentId}/agentaliases/``, 202) and
      ``ListAgentAliases`` (POST, same URI; ``agentAliasSummaries``): API reference
      API_agent_CreateAgentAlias.html, API_agent_ListAgentAliases.html; botocore shapes
      ``AgentAlias`` and ``AgentAliasSummary``. Every agent also lists its test alias
      ``TSTALIASID`` (``AgentTestAlias``, routed to ``DRAFT``), which AWS creates with the
      agent (User Guide, "Test and troubleshoot agent behavior": the test alias
      ``TSTALIASID``). An alias is ``PREPARED`` at once (moto prepares agents at once too);
      without ``routingConfiguration`` it routes to a new numbered version, as AWS does.
    - ``CreateFlow`` (POST ``/flows/``, 201; status ``NotPrepared``, version ``DRAFT``) and
      ``ListFlows`` (GET, ``flowSummaries``): API_agent_CreateFlow.html, API_agent_ListFlows.html.
    - ``CreateFlowAlias`` (POST ``/flows/{flowIdentifier}/aliases``, 201) and
      ``ListFlowAliases`` (GET, ``flowAliasSummaries``): API_agent_CreateFlowAlias.html,
      API_agent_ListFlowAliases.html; the flow is named by id or ARN. The version an alias
      routes to is not checked against the flow's versions (no CreateFlowVersion here).
    - ``CreatePrompt`` (POST ``/prompts/``, 201; version ``DRAFT``, ARN without a version)
      and ``ListPrompts`` (GET, ``promptSummaries``): API_agent_CreatePrompt.html,
      API_agent_ListPrompts.html; without ``promptIdentifier`` one summary per prompt (its
      draft), with it that prompt's versions (here only the draft).

    - ``ListAgents`` pages at most 10 summaries (moto: up to ``maxResults``, 100 by
      default; the model's ``AgentSummaries`` holds at most 10) and leaves ``nextToken``
      out on the last page (moto sends ``null``).

    Names are unique per parent (a second one is a ``ConflictException``); an unknown
    agent or flow is a 404 ``ResourceNotFoundException``. Lists page with ``maxResults``
    (1 to 1000) and ``nextToken``; a page holds at most 10 items (the model's list maximum).
    """
    from moto.bedrockagent.exceptions import ValidationException
    from moto.bedrockagent.responses import AgentsforBedrockResponse
    from moto.core.utils import unix_time

    _fix_moto_models()

    def agent_of(self: Any) -> Any:
        agent_id = unquote(self.path.split("/")[2])
        agent = self.bedrockagent_backend.agents.get(agent_id)
        if agent is None:
            raise _not_found(f"Agent {agent_id} not found")
        return agent

    def flow_of(self: Any) -> dict[str, Any]:
        identifier = unquote(self.path.split("/")[2]).rsplit("/", 1)[-1]
        flow: dict[str, Any] | None = _state(self.bedrockagent_backend)["flows"].get(identifier)
        if flow is None:
            raise _not_found(f"Flow {identifier} not found")
        return flow

    def create_agent_alias(self: Any) -> Answer:
        agent = agent_of(self)
        params = json.loads(self.body or "{}")
        name = params.get("agentAliasName")
        aliases = _state(self.bedrockagent_backend)["agent_aliases"].setdefault(agent.agent_id, {})
        if not name:
            raise ValidationException("agentAliasName is required")
        if name == TEST_ALIAS_NAME or any(a["agentAliasName"] == name for a in aliases.values()):
            raise _conflict(f"An alias named {name} already exists for agent {agent.agent_id}")
        routing = params.get("routingConfiguration") or [{"agentVersion": str(len(aliases) + 1)}]
        alias_id = _resource_id(agent.agent_id, "alias", name)
        now = unix_time()
        alias = {
            "agentId": agent.agent_id,
            "agentAliasId": alias_id,
            "agentAliasName": name,
            "agentAliasArn": _alias_arn(agent, alias_id),
            "clientToken": params.get("clientToken"),
            "description": params.get("description"),
            "routingConfiguration": routing,
            "createdAt": now,
            "updatedAt": now,
            "agentAliasStatus": "PREPARED",
            "aliasInvocationState": "ACCEPT_INVOCATIONS",
        }
        aliases[alias_id] = alias
        body = {k: v for k, v in alias.items() if v is not None}
        return 202, {}, json.dumps({"agentAlias": body})

    def list_agent_aliases(self: Any) -> str:
        agent = agent_of(self)
        params = json.loads(self.body or "{}")
        stored = _state(self.bedrockagent_backend)["agent_aliases"].get(agent.agent_id, {})
        items = [_test_alias(agent), *stored.values()]
        page, token = _page(items, params.get("maxResults"), params.get("nextToken"))
        return _listed("agentAliasSummaries", [_summary(a, _ALIAS_SUMMARY) for a in page], token)

    def create_flow(self: Any) -> Answer:
        backend = self.bedrockagent_backend
        params = json.loads(self.body or "{}")
        name, role = params.get("name"), params.get("executionRoleArn")
        if not name or role is None:
            raise ValidationException("name and executionRoleArn are required")
        flows = _state(backend)["flows"]
        if any(f["name"] == name for f in flows.values()):
            raise _conflict(f"A flow named {name} already exists")
        flow_id = _resource_id(backend.account_id, backend.region_name, "flow", name)
        now = unix_time()
        flow = {
            "name": name,
            "description": params.get("description"),
            "executionRoleArn": role,
            "customerEncryptionKeyArn": params.get("customerEncryptionKeyArn"),
            "id": flow_id,
            "arn": f"arn:{backend.partition}:bedrock:{backend.region_name}:"
            f"{backend.account_id}:flow/{flow_id}",
            "status": "NotPrepared",
            "createdAt": now,
            "updatedAt": now,
            "version": "DRAFT",
            "definition": params.get("definition"),
        }
        flows[flow_id] = flow
        return 201, {}, json.dumps({k: v for k, v in flow.items() if v is not None})

    def list_flows(self: Any) -> str:
        items = list(_state(self.bedrockagent_backend)["flows"].values())
        page, token = _page(items, _query(self, "maxResults"), _query(self, "nextToken"))
        return _listed("flowSummaries", [_summary(f, _FLOW_SUMMARY) for f in page], token)

    def create_flow_alias(self: Any) -> Answer:
        flow = flow_of(self)
        params = json.loads(self.body or "{}")
        name, routing = params.get("name"), params.get("routingConfiguration")
        if not name or not isinstance(routing, list) or len(routing) != 1:
            raise ValidationException("name and one routingConfiguration item are required")
        aliases = _state(self.bedrockagent_backend)["flow_aliases"].setdefault(flow["id"], {})
        if any(a["name"] == name for a in aliases.values()):
            raise _conflict(f"An alias named {name} already exists for flow {flow['id']}")
        alias_id = _resource_id(flow["id"], "alias", name)
        now = unix_time()
        alias = {
            "name": name,
            "description": params.get("description"),
            "routingConfiguration": routing,
            "concurrencyConfiguration": params.get("concurrencyConfiguration"),
            "flowId": flow["id"],
            "id": alias_id,
            "arn": f"{flow['arn']}/alias/{alias_id}",
            "createdAt": now,
            "updatedAt": now,
        }
        aliases[alias_id] = alias
        return 201, {}, json.dumps({k: v for k, v in alias.items() if v is not None})

    def list_flow_aliases(self: Any) -> str:
        flow = flow_of(self)
        stored = _state(self.bedrockagent_backend)["flow_aliases"].get(flow["id"], {})
        items = list(stored.values())
        page, token = _page(items, _query(self, "maxResults"), _query(self, "nextToken"))
        summaries = [_summary(a, _FLOW_ALIAS_SUMMARY) for a in page]
        return _listed("flowAliasSummaries", summaries, token)

    def create_prompt(self: Any) -> Answer:
        backend = self.bedrockagent_backend
        params = json.loads(self.body or "{}")
        name = params.get("name")
        if not name:
            raise ValidationException("name is required")
        prompts = _state(backend)["prompts"]
        if any(p["name"] == name for p in prompts.values()):
            raise _conflict(f"A prompt named {name} already exists")
        prompt_id = _resource_id(backend.account_id, backend.region_name, "prompt", name)
        now = unix_time()
        prompt = {
            "name": name,
            "description": params.get("description"),
            "customerEncryptionKeyArn": params.get("customerEncryptionKeyArn"),
            "defaultVariant": params.get("defaultVariant"),
            "variants": params.get("variants"),
            "id": prompt_id,
            "arn": f"arn:{backend.partition}:bedrock:{backend.region_name}:"
            f"{backend.account_id}:prompt/{prompt_id}",
            "version": "DRAFT",
            "createdAt": now,
            "updatedAt": now,
        }
        prompts[prompt_id] = prompt
        return 201, {}, json.dumps({k: v for k, v in prompt.items() if v is not None})

    def list_prompts(self: Any) -> str:
        prompts = _state(self.bedrockagent_backend)["prompts"]
        items = list(prompts.values())
        identifier = _query(self, "promptIdentifier")
        if identifier:
            prompt_id = unquote(str(identifier)).rsplit("/", 1)[-1].split(":", 1)[0]
            if prompt_id not in prompts:
                raise _not_found(f"Prompt {prompt_id} not found")
            items = [prompts[prompt_id]]
        page, token = _page(items, _query(self, "maxResults"), _query(self, "nextToken"))
        return _listed("promptSummaries", [_summary(p, _PROMPT_SUMMARY) for p in page], token)

    def list_agents(self: Any) -> str:
        params = json.loads(self.body or "{}")
        max_results = params.get("maxResults")
        if max_results is not None and not 1 <= int(max_results) <= 1000:
            raise ValidationException("maxResults must be between 1 and 1000")
        agents, token = self.bedrockagent_backend.list_agents(
            max_results=min(int(max_results or _PAGE_MAX), _PAGE_MAX),
            next_token=params.get("nextToken"),
        )
        return _listed("agentSummaries", [a.dict_summary() for a in agents], token)

    for name, method in (
        ("list_agents", list_agents),
        ("create_agent_alias", create_agent_alias),
        ("list_agent_aliases", list_agent_aliases),
        ("create_flow", create_flow),
        ("list_flows", list_flows),
        ("create_flow_alias", create_flow_alias),
        ("list_flow_aliases", list_flow_aliases),
        ("create_prompt", create_prompt),
        ("list_prompts", list_prompts),
    ):
        patch(AgentsforBedrockResponse, name, method)
