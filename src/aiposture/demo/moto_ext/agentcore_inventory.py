"""Bedrock AgentCore Control as AWS answers the inventory's List calls (moto 5.2.5 lacks most).

moto 5.2.5 implements gateways, gateway targets, agent runtimes, runtime endpoints and
memories, but answers every List call with all items in one page (``maxResults`` and
``nextToken`` ignored) and makes ids and ARNs that do not match the botocore
``bedrock-agentcore-control`` model (2023-06-05, botocore 1.44). :func:`patch_agentcore`
fixes those and adds the tools, identities, credential providers and evaluators:

- Paging on every List call (``maxResults``/``nextToken``, the members of the botocore
  model; each operation's ``maxResults`` bound is the model's: 1,000 for ListGateways and
  ListGatewayTargets, 20 for ListWorkloadIdentities and ListOauth2CredentialProviders, 100
  for the others). A ``maxResults`` outside the bound or an unknown token is a
  ``ValidationException``. Without ``maxResults`` a page holds 10 items ("The default
  value is 10", ListMemories/ListBrowsers request documentation).
- Ids and ARNs as the model's patterns give them: an agent runtime id is its name, ``-``
  and 10 characters, its ARN ``...:runtime/<id>`` (moto: ``agent/<uuid>:<version>``); an
  endpoint's ARN is ``<runtime ARN>/runtime-endpoint/<name>`` (moto: ``agentEndpoint/
  <uuid>``); a gateway id is its lower-case name, ``-`` and 10 characters (GatewayId
  pattern ``([0-9a-z][-]?){1,100}-[0-9a-z]{10}``; moto: 10 hex digits); a memory id is its
  name, ``-`` and 10 characters (MemoryId pattern).
- CreateCodeInterpreter/ListCodeInterpreters and CreateBrowser/ListBrowsers, with the
  built-in ``aws.codeinterpreter.v1``/``aws.browser.v1`` tools AWS pre-creates "for all
  regions where Amazon Bedrock AgentCore is available" (AgentCore Developer Guide,
  "Resource management" of Code Interpreter and of Browser: ARN
  ``arn:aws:bedrock-agentcore:<region>:aws:code-interpreter/aws.codeinterpreter.v1``);
  ``type`` ``SYSTEM``/``CUSTOM`` filters them (ListBrowsers: "If not specified, all
  browser types are returned"). A custom tool's ARN is
  ``...:<account>:code-interpreter-custom/<id>`` (``browser-custom``), the model's
  CodeInterpreterArn/BrowserArn pattern.
- Identities, credential providers and evaluators: see
  :mod:`aiposture.demo.moto_ext.agentcore_identity`; paging and stored records:
  :mod:`aiposture.demo.moto_ext.agentcore_paging`.
- The regions of the AgentCore "Supported AWS Regions" table that moto's region list for
  the service lacks (:data:`AGENTCORE_REGIONS_MOTO_LACKS`).
"""

from __future__ import annotations

from typing import Any

from aiposture.demo.moto_ext.agentcore_identity import patch_identity_and_evaluators
from aiposture.demo.moto_ext.agentcore_paging import BUILT_IN_AT, paged, store, suffix, validation
from aiposture.demo.moto_ext.common import patch, utcnow

__all__ = ["AGENTCORE_REGIONS_MOTO_LACKS", "patch_agentcore"]

_SYSTEM_TOOLS = {
    "code-interpreter": ("aws.codeinterpreter.v1", "Amazon Bedrock AgentCore Code Interpreter"),
    "browser": ("aws.browser.v1", "Amazon Bedrock AgentCore Browser Tool"),
}


AGENTCORE_REGIONS_MOTO_LACKS = (
    "eu-south-1",
    "eu-south-2",
    "ap-southeast-5",
    "ap-southeast-7",
    "us-gov-west-1",
)
"""Regions of the AgentCore Developer Guide's "Supported AWS Regions" table (Milan, Spain,
Malaysia, Thailand, GovCloud (US-West)) that moto 5.2.5's region list for the service lacks
(a request there raised ``KeyError`` inside moto)."""


def _add_regions() -> None:
    from moto.bedrockagentcorecontrol.models import bedrockagentcorecontrol_backends as backends

    regions: list[str] = backends._additional_regions or []
    backends._additional_regions = regions
    regions.extend(r for r in AGENTCORE_REGIONS_MOTO_LACKS if r not in regions)
    for account in backends.values():
        account.regions.extend(r for r in AGENTCORE_REGIONS_MOTO_LACKS if r not in account.regions)


def _own_id(resource: Any, kind: str, name: str) -> str:
    """``<name>-<10 characters>``, the id AWS gives a resource of ``kind`` named ``name``."""
    return f"{name}-{suffix(resource.account_id, resource.region_name, kind, name)}"


def _fix_ids() -> None:
    """Ids and ARNs in the model's patterns for runtimes, endpoints, gateways and memories."""
    from moto.bedrockagentcorecontrol import models
    from moto.utilities.utils import get_partition

    runtime_init = models.AgentRuntime.__init__
    runtime_update = models.AgentRuntime.update
    endpoint_init = models.AgentRuntimeEndpoint.__init__
    gateway_init = models.Gateway.__init__
    memory_init = models.Memory.__init__
    target_init = models.GatewayTarget.__init__

    def agent_runtime(self: Any, *args: Any, **kwargs: Any) -> None:
        runtime_init(self, *args, **kwargs)
        self.agent_runtime_id = _own_id(self, "runtime", self.agent_runtime_name)
        self.agent_runtime_arn = (
            f"arn:{get_partition(self.region_name)}:bedrock-agentcore:{self.region_name}:"
            f"{self.account_id}:runtime/{self.agent_runtime_id}"
        )
        self.workload_identity_details = {
            "workloadIdentityArn": self.agent_runtime_arn.replace(
                f":runtime/{self.agent_runtime_id}",
                f":workload-identity-directory/default/workload-identity/{self.agent_runtime_id}",
            )
        }
        self.versions = []
        self._snapshot_version()

    def update(self: Any, *args: Any, **kwargs: Any) -> None:
        arn = self.agent_runtime_arn
        self.agent_runtime_arn = arn.replace(":runtime/", ":agent/") + ":0"
        runtime_update(self, *args, **kwargs)
        self.agent_runtime_arn = arn  # a new version keeps the runtime's ARN

    def endpoint(self: Any, *args: Any, **kwargs: Any) -> None:
        endpoint_init(self, *args, **kwargs)
        self.endpoint_id = f"{self.name}-{suffix(self.agent_runtime_arn, self.name)}"
        self.agent_runtime_endpoint_arn = f"{self.agent_runtime_arn}/runtime-endpoint/{self.name}"

    def gateway(self: Any, *args: Any, **kwargs: Any) -> None:
        gateway_init(self, *args, **kwargs)
        self.gateway_id = _own_id(self, "gateway", self.name).lower()
        self.gateway_arn = (
            f"arn:{get_partition(self.region_name)}:bedrock-agentcore:{self.region_name}:"
            f"{self.account_id}:gateway/{self.gateway_id}"
        )
        self.gateway_url = (
            f"https://{self.gateway_id}.gateway.bedrock-agentcore.{self.region_name}.amazonaws.com"
        )
        self.workload_identity_details = {
            "workloadIdentityArn": self.gateway_arn.replace(
                f":gateway/{self.gateway_id}",
                f":workload-identity-directory/default/workload-identity/{self.gateway_id}",
            )
        }

    def memory(self: Any, *args: Any, **kwargs: Any) -> None:
        memory_init(self, *args, **kwargs)
        self.memory_id = _own_id(self, "memory", self.name)
        self.memory_arn = (
            f"arn:{get_partition(self.region_name)}:bedrock-agentcore:{self.region_name}:"
            f"{self.account_id}:memory/{self.memory_id}"
        )

    def target(self: Any, *args: Any, **kwargs: Any) -> None:
        target_init(self, *args, **kwargs)
        self.target_id = suffix(self.gateway_id, self.name).upper()  # TargetId: 10 characters

    patch(models.GatewayTarget, "__init__", target)
    patch(models.AgentRuntime, "__init__", agent_runtime)
    patch(models.AgentRuntime, "update", update)
    patch(models.AgentRuntimeEndpoint, "__init__", endpoint)
    patch(models.Gateway, "__init__", gateway)
    patch(models.Memory, "__init__", memory)


def _page_moto_lists(cls: Any) -> None:
    """Answer moto's five List calls one page at a time.

    ListGateways, ListGatewayTargets, ListAgentRuntimes, ListAgentRuntimeEndpoints and
    ListMemories (botocore ``paginators-1.json``: ``nextToken`` in and out, ``maxResults``
    the limit key).
    """
    patch(
        cls,
        "list_gateways",
        paged(
            "items", "ListGateways", lambda s: [g.to_summary() for g in s.backend.list_gateways()]
        ),
    )
    patch(
        cls,
        "list_gateway_targets",
        paged(
            "items",
            "ListGatewayTargets",
            lambda s: [
                t.to_summary()
                for t in s.backend.list_gateway_targets(s._get_param("gatewayIdentifier"))
            ],
        ),
    )
    patch(
        cls,
        "list_agent_runtimes",
        paged(
            "agentRuntimes",
            "ListAgentRuntimes",
            lambda s: [r.to_summary() for r in s.backend.list_agent_runtimes()],
        ),
    )
    patch(
        cls,
        "list_agent_runtime_endpoints",
        paged(
            "runtimeEndpoints",
            "ListAgentRuntimeEndpoints",
            lambda s: [
                e.to_summary()
                for e in s.backend.list_agent_runtime_endpoints(s._get_param("agentRuntimeId"))
            ],
        ),
    )
    patch(
        cls,
        "list_memories",
        paged(
            "memories",
            "ListMemories",
            lambda s: [m.to_summary() for m in s.backend.list_memories()],
        ),
    )


def _tool_methods(cls: Any, kind: str, capital: str) -> None:
    """Create<capital> and List<capital>s for a code interpreter or browser (``kind``)."""
    from moto.core.responses import ActionResult
    from moto.utilities.utils import get_partition

    id_key, arn_key = f"{_camel(kind)}Id", f"{_camel(kind)}Arn"

    def create(self: Any) -> Any:
        params = self._get_params()
        backend = self.backend
        name = params["name"]
        if any(t["name"] == name for t in store(backend, kind).values()):
            raise validation(f"A {kind} named {name} already exists")
        tool_id = f"{name}-{suffix(backend.account_id, backend.region_name, kind, name)}"
        now = utcnow()
        record = {
            id_key: tool_id,
            arn_key: f"arn:{get_partition(backend.region_name)}:bedrock-agentcore:"
            f"{backend.region_name}:{backend.account_id}:{kind}-custom/{tool_id}",
            "name": name,
            "status": "READY",
            "createdAt": now,
            "lastUpdatedAt": now,
        }
        if params.get("description"):
            record["description"] = params["description"]
        store(backend, kind)[tool_id] = record
        return ActionResult(
            {k: record[k] for k in (id_key, arn_key, "createdAt")} | {"status": "CREATING"}
        )

    def found(self: Any) -> list[dict[str, Any]]:
        backend = self.backend
        wanted = self._get_params().get("type")
        system_id, system_name = _SYSTEM_TOOLS[kind]
        system = {
            id_key: system_id,
            arn_key: f"arn:{get_partition(backend.region_name)}:bedrock-agentcore:"
            f"{backend.region_name}:aws:{kind}/{system_id}",
            "name": system_name,
            "status": "READY",
            "createdAt": BUILT_IN_AT,
        }
        custom = list(store(backend, kind).values())
        if wanted == "SYSTEM":
            return [system]
        if wanted == "CUSTOM":
            return custom
        return [system, *custom]

    plural = f"List{capital}s"
    key = f"{_camel(kind)}Summaries"
    patch(cls, f"create_{kind.replace('-', '_')}", create)
    patch(cls, f"list_{kind.replace('-', '_')}s", paged(key, plural, found))


def _camel(kind: str) -> str:
    head, *rest = kind.split("-")
    return head + "".join(part.capitalize() for part in rest)


def patch_agentcore() -> None:
    """Install every AgentCore Control patch of this module.

    Each follows the botocore ``bedrock-agentcore-control`` model (paging bounds, id and ARN
    patterns) or the AgentCore Developer Guide, as the module docstring cites.
    """
    from moto.bedrockagentcorecontrol.responses import BedrockAgentCoreControlResponse as cls

    _add_regions()
    _fix_ids()
    _page_moto_lists(cls)
    _tool_methods(cls, "code-interpreter", "CodeInterpreter")
    _tool_methods(cls, "browser", "Browser")
    patch_identity_and_evaluators(cls)
