"""Agents for Amazon Bedrock Get operations moto lacks, and the configuration it drops.

The collector reads each agent's, knowledge base's (with its data sources), flow's and
prompt's own configuration (:mod:`aiposture.collect.inventory_details`). moto 5.2.5 has
``GetAgent`` and ``GetKnowledgeBase`` but drops ``guardrailConfiguration`` (and the other
members below) from ``CreateAgent``, and has no data sources; the flows and prompts are
:mod:`aiposture.demo.moto_ext.bedrock_agent_inventory`'s. Every answer follows the botocore
``bedrock-agent`` model 2023-06-05 (``service-2.json``) and the Agents for Amazon Bedrock API
reference (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Agents_for_Amazon_Bedrock.html);
an unknown identifier is a 404 ``ResourceNotFoundException``, as AWS answers.

State lives on moto's per-account, per-region backend, so a backend reset clears it.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from aiposture.demo.moto_ext.bedrock_agent_inventory import inventory_state
from aiposture.demo.moto_ext.common import patch

__all__ = ["AGENT_MEMBERS_KEPT", "IDLE_SESSION_TTL_DEFAULT", "patch_bedrock_agent_details"]

AGENT_MEMBERS_KEPT = (
    "guardrailConfiguration",
    "memoryConfiguration",
    "orchestrationType",
    "agentCollaboration",
)
"""The CreateAgent request members moto drops and GetAgent (botocore ``Agent``) returns."""
IDLE_SESSION_TTL_DEFAULT = 600
"""The ``idleSessionTTLInSeconds`` an agent created without one answers with. botocore's
``Agent`` marks the member required (AWS always returns it) and moto leaves it out; the API
reference names no default, so this value (the demo's own) is an assumption."""
_MAX_RESULTS = 1000
_ID_CHARS = string.ascii_uppercase + string.digits

Answer = tuple[int, dict[str, str], str]


def _not_found(message: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    error = JsonRESTError("ResourceNotFoundException", message)
    error.code = 404
    return error


def _segment(response: Any, index: int) -> str:
    """The ``index``-th segment of the request path, decoded (``/flows/{id}/`` -> 1: id)."""
    parts = [p for p in response.path.split("?", 1)[0].split("/") if p]
    return unquote(parts[index]) if len(parts) > index else ""


def _query(response: Any, name: str) -> Any:
    values = response.querystring.get(name) or [None]
    return values[0]


def _stable_id(*parts: str) -> str:
    """A 10-character id (the model's ``Id`` pattern ``[0-9a-zA-Z]{10}``), stable per name."""
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return "".join(_ID_CHARS[b % len(_ID_CHARS)] for b in digest[:10])


def _data_sources(backend: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """Data sources by knowledge base id, then by data source id."""
    state = inventory_state(backend)
    found: dict[str, dict[str, dict[str, Any]]] = state.setdefault("data_sources", {})
    return found


def _fix_agent_model() -> None:
    """GetAgent and CreateAgent answers carry :data:`AGENT_MEMBERS_KEPT` and the session TTL."""
    from moto.bedrockagent.models import Agent

    to_dict: Callable[[Any], dict[str, Any]] = Agent.to_dict

    def agent_dict(self: Any) -> dict[str, Any]:
        out = to_dict(self)
        out.update(getattr(self, "_aiposture_kept", {}))
        out.setdefault("idleSessionTTLInSeconds", IDLE_SESSION_TTL_DEFAULT)
        return out

    patch(Agent, "to_dict", agent_dict)


def patch_bedrock_agent_details() -> None:
    """CreateAgent keeps its guardrail; GetFlow, GetPrompt; data sources.

    - ``CreateAgent`` (moto's) keeps :data:`AGENT_MEMBERS_KEPT`, which ``GetAgent`` (moto's,
      GET ``/agents/{agentId}/``; botocore ``GetAgentResponse`` wraps ``Agent``) then
      returns: API_agent_CreateAgent.html, API_agent_GetAgent.html.
    - ``GetFlow`` (GET ``/flows/{flowIdentifier}/``, id or ARN; botocore
      ``GetFlowResponse``: the DRAFT with its ``definition`` and
      ``customerEncryptionKeyArn``): API_agent_GetFlow.html.
    - ``GetPrompt`` (GET ``/prompts/{promptIdentifier}/``, querystring ``promptVersion``,
      DRAFT when absent; botocore ``GetPromptResponse``): API_agent_GetPrompt.html.
    - ``CreateDataSource`` (PUT ``/knowledgebases/{knowledgeBaseId}/datasources/``; status
      ``AVAILABLE``, ``dataDeletionPolicy`` ``DELETE`` by default), ``ListDataSources``
      (POST, same URI; ``dataSourceSummaries``, ``maxResults`` 1-1000 and ``nextToken``)
      and ``GetDataSource`` (GET ``.../datasources/{dataSourceId}``; botocore
      ``GetDataSourceResponse`` wraps ``DataSource`` with its
      ``serverSideEncryptionConfiguration``): API_agent_CreateDataSource.html,
      API_agent_ListDataSources.html, API_agent_GetDataSource.html. The knowledge base must
      exist (moto's), a name is unique in it (a second one is a ``ConflictException``).
    """
    from moto.bedrockagent.exceptions import ConflictException, ValidationException
    from moto.bedrockagent.responses import AgentsforBedrockResponse
    from moto.core.utils import unix_time

    _fix_agent_model()
    original_create_agent = AgentsforBedrockResponse.create_agent

    def create_agent(self: Any) -> str:
        params = json.loads(self.body or "{}")
        kept = {k: params[k] for k in AGENT_MEMBERS_KEPT if params.get(k) is not None}
        answer = json.loads(original_create_agent(self))
        agent = self.bedrockagent_backend.agents[answer["agent"]["agentId"]]
        agent._aiposture_kept = kept
        return json.dumps({"agent": agent.to_dict()})

    def flow_or_prompt(self: Any, key: str, label: str) -> dict[str, Any]:
        identifier = _segment(self, 1).rsplit("/", 1)[-1].split(":", 1)[0]
        found: dict[str, Any] | None = inventory_state(self.bedrockagent_backend)[key].get(
            identifier
        )
        if found is None:
            raise _not_found(f"{label} {identifier} not found")
        return found

    def get_flow(self: Any) -> str:
        flow = flow_or_prompt(self, "flows", "Flow")
        return json.dumps({k: v for k, v in flow.items() if v is not None})

    def get_prompt(self: Any) -> str:
        prompt = flow_or_prompt(self, "prompts", "Prompt")
        version = _query(self, "promptVersion")
        if version not in (None, "", "DRAFT"):
            raise _not_found(f"Prompt {prompt['id']} version {version} not found")
        return json.dumps({k: v for k, v in prompt.items() if v is not None})

    def knowledge_base_id(self: Any) -> str:
        kb_id = _segment(self, 1)
        if kb_id not in self.bedrockagent_backend.knowledge_bases:
            raise _not_found(f"Knowledge base {kb_id} not found")
        return kb_id

    def create_data_source(self: Any) -> str:
        kb_id = knowledge_base_id(self)
        params = json.loads(self.body or "{}")
        name, config = params.get("name"), params.get("dataSourceConfiguration")
        if not name or not isinstance(config, dict):
            raise ValidationException("name and dataSourceConfiguration are required")
        sources = _data_sources(self.bedrockagent_backend).setdefault(kb_id, {})
        if any(s["name"] == name for s in sources.values()):
            raise ConflictException(f"A data source named {name} already exists")
        ds_id = _stable_id(kb_id, "data-source", name)
        now = unix_time()
        source = {
            "knowledgeBaseId": kb_id,
            "dataSourceId": ds_id,
            "name": name,
            "status": "AVAILABLE",
            "description": params.get("description"),
            "dataSourceConfiguration": config,
            "serverSideEncryptionConfiguration": params.get("serverSideEncryptionConfiguration"),
            "vectorIngestionConfiguration": params.get("vectorIngestionConfiguration"),
            "dataDeletionPolicy": params.get("dataDeletionPolicy") or "DELETE",
            "createdAt": now,
            "updatedAt": now,
        }
        sources[ds_id] = {k: v for k, v in source.items() if v is not None}
        return json.dumps({"dataSource": sources[ds_id]})

    def list_data_sources(self: Any) -> str:
        kb_id = knowledge_base_id(self)
        params = json.loads(self.body or "{}")
        size = int(params.get("maxResults") or _MAX_RESULTS)
        if not 1 <= size <= _MAX_RESULTS:
            raise ValidationException(f"maxResults must be between 1 and {_MAX_RESULTS}")
        token = params.get("nextToken")
        start = int(token) if token and str(token).isdigit() else 0
        items = list(_data_sources(self.bedrockagent_backend).get(kb_id, {}).values())
        members = ("knowledgeBaseId", "dataSourceId", "name", "status", "description", "updatedAt")
        page = [{k: s[k] for k in members if k in s} for s in items[start : start + size]]
        body: dict[str, Any] = {"dataSourceSummaries": page}
        if start + size < len(items):
            body["nextToken"] = str(start + size)
        return json.dumps(body)

    def get_data_source(self: Any) -> str:
        kb_id = knowledge_base_id(self)
        ds_id = _segment(self, 3)
        source = _data_sources(self.bedrockagent_backend).get(kb_id, {}).get(ds_id)
        if source is None:
            raise _not_found(f"Data source {ds_id} not found in knowledge base {kb_id}")
        return json.dumps({"dataSource": source})

    for name, method in (
        ("create_agent", create_agent),
        ("get_flow", get_flow),
        ("get_prompt", get_prompt),
        ("create_data_source", create_data_source),
        ("list_data_sources", list_data_sources),
        ("get_data_source", get_data_source),
    ):
        patch(AgentsforBedrockResponse, name, method)
