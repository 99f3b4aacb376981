"""The inventory of Amazon Bedrock AgentCore (botocore service ``bedrock-agentcore-control``).

Gateways (and their targets), agent runtimes (and their endpoints), memories, custom code
interpreters and browsers, workload identities, OAuth2 and API-key credential providers,
and evaluators.

Every listing uses botocore's paginator (``nextToken``/``maxResults``; the page size is the
model's maximum for each operation: 1,000 for ListGateways and ListGatewayTargets, 20 for
ListWorkloadIdentities and ListOauth2CredentialProviders, 100 for the others; botocore
model 2023-06-05 of botocore 1.44). Most summaries carry their ARN; two do not, and the
collector builds them:

- ``ListGateways`` (``GatewaySummary``: ``gatewayId``, no ARN):
  ``arn:PARTITION:bedrock-agentcore:REGION:ACCOUNT:gateway/GATEWAY_ID``, the form of the
  ``gatewayArn`` that GetGateway returns and of the Service Authorization Reference's
  ``gateway`` resource type;
- ``ListGatewayTargets`` (``TargetSummary``: ``targetId``, no ARN): AWS defines no ARN for a
  gateway target (no IAM resource type, no CloudTrail data-event type), so its
  :attr:`~aiposture.snapshot.models.InventoryItem.arn` is the gateway's ARN followed by
  ``/target/TARGET_ID``, an inventory key only, never written into a selector.

What AWS itself provides in every account is left out, so that an account that never used
AgentCore has an empty inventory: ``ListCodeInterpreters``/``ListBrowsers`` are asked for
``type=CUSTOM`` (without it they also return the built-in ``aws.codeinterpreter.v1`` and
``aws.browser.v1``, ARN account ``aws``, which exist in every AgentCore region; their data
events are of the types ``AWS::BedrockAgentCore::CodeInterpreter``/``Browser``, not of the
``...Custom`` types of these kinds), and ``ListEvaluators`` items whose ARN names no account
(the ``Builtin.*`` and ``ThirdParty.*`` evaluators) are skipped.

botocore's endpoint data describes no ``bedrock-agentcore-control`` (nor ``bedrock-agentcore``)
endpoints at all: its endpoints come from rules that resolve in every region. AgentCore is
part of Amazon Bedrock, so a region where the data lists no ``bedrock`` endpoint is not
called and is named in ``services_not_offered``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from aiposture.collect.inventory_details import read_details
from aiposture.collect.inventory_listing import (
    list_kind,
    no_children_is_none,
    offered_with_bedrock,
    required,
    summaries,
)
from aiposture.collect.partitions import partition_of_region
from aiposture.collect.session import UnitClients
from aiposture.snapshot.inventory import KINDS_BY_KEY, ResourceKind
from aiposture.snapshot.models import InventoryItem, RegionSnapshot

SERVICE = "bedrock-agentcore-control"
"""The botocore service name and endpoint prefix of AgentCore's control plane."""

GATEWAY = KINDS_BY_KEY["bedrock-agentcore-control:gateway"]
GATEWAY_TARGET = KINDS_BY_KEY["bedrock-agentcore-control:gateway-target"]
RUNTIME = KINDS_BY_KEY["bedrock-agentcore-control:runtime"]
RUNTIME_ENDPOINT = KINDS_BY_KEY["bedrock-agentcore-control:runtime-endpoint"]
MEMORY = KINDS_BY_KEY["bedrock-agentcore-control:memory"]
CODE_INTERPRETER = KINDS_BY_KEY["bedrock-agentcore-control:code-interpreter"]
BROWSER = KINDS_BY_KEY["bedrock-agentcore-control:browser"]
WORKLOAD_IDENTITY = KINDS_BY_KEY["bedrock-agentcore-control:workload-identity"]
OAUTH2_PROVIDER = KINDS_BY_KEY["bedrock-agentcore-control:oauth2-credential-provider"]
API_KEY_PROVIDER = KINDS_BY_KEY["bedrock-agentcore-control:api-key-credential-provider"]
EVALUATOR = KINDS_BY_KEY["bedrock-agentcore-control:evaluator"]

PAGE_SIZES: dict[str, int] = {
    "ListGateways": 1000,
    "ListGatewayTargets": 1000,
    "ListAgentRuntimes": 100,
    "ListAgentRuntimeEndpoints": 100,
    "ListMemories": 100,
    "ListCodeInterpreters": 100,
    "ListBrowsers": 100,
    "ListWorkloadIdentities": 20,
    "ListOauth2CredentialProviders": 20,
    "ListApiKeyCredentialProviders": 100,
    "ListEvaluators": 100,
}
"""``maxResults`` of each listing: the maximum of its request member in the botocore model."""

RESULT_KEYS: dict[str, str] = {
    "ListGateways": "items",
    "ListGatewayTargets": "items",
    "ListAgentRuntimes": "agentRuntimes",
    "ListAgentRuntimeEndpoints": "runtimeEndpoints",
    "ListMemories": "memories",
    "ListCodeInterpreters": "codeInterpreterSummaries",
    "ListBrowsers": "browserSummaries",
    "ListWorkloadIdentities": "workloadIdentities",
    "ListOauth2CredentialProviders": "credentialProviders",
    "ListApiKeyCredentialProviders": "credentialProviders",
    "ListEvaluators": "evaluators",
}
"""Each listing's required list member (botocore ``paginators-1.json`` ``result_key``)."""


def _summaries(client: Any, kind: ResourceKind, **params: Any) -> Iterator[dict[str, Any]]:
    """Every summary of the kind's listing at its page size (:func:`summaries`)."""
    op = kind.operation
    return summaries(client, kind, RESULT_KEYS[op], PAGE_SIZES[op], **params)


def _arn_account(arn: str) -> str:
    """The account field of an ARN (``""`` for AWS-owned resources such as built-ins)."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 else ""


def _gateways(client: Any, region: str, account_id: str) -> Iterator[InventoryItem]:
    prefix = f"arn:{partition_of_region(region)}:bedrock-agentcore:{region}:{account_id}"
    for item in _summaries(client, GATEWAY):
        gateway_id = required(GATEWAY, item, "gatewayId")
        yield InventoryItem(
            arn=f"{prefix}:gateway/{gateway_id}",
            id=gateway_id,
            name=item.get("name"),
            status=item.get("status"),
            updated_at=item.get("updatedAt"),
        )


def _gateway_targets(client: Any, gateway: InventoryItem) -> Iterator[InventoryItem]:
    for item in _summaries(client, GATEWAY_TARGET, gatewayIdentifier=gateway.id):
        target_id = required(GATEWAY_TARGET, item, "targetId")
        yield InventoryItem(
            arn=f"{gateway.arn}/target/{target_id}",
            id=target_id,
            name=item.get("name"),
            status=item.get("status"),
            parent_arn=gateway.arn,
            updated_at=item.get("updatedAt"),
        )


def _runtimes(client: Any) -> Iterator[InventoryItem]:
    for item in _summaries(client, RUNTIME):
        yield InventoryItem(
            arn=required(RUNTIME, item, "agentRuntimeArn"),
            id=required(RUNTIME, item, "agentRuntimeId"),
            name=item.get("agentRuntimeName"),
            status=item.get("status"),
            updated_at=item.get("lastUpdatedAt"),
        )


def _runtime_endpoints(client: Any, runtime: InventoryItem) -> Iterator[InventoryItem]:
    for item in _summaries(client, RUNTIME_ENDPOINT, agentRuntimeId=runtime.id):
        yield InventoryItem(
            arn=required(RUNTIME_ENDPOINT, item, "agentRuntimeEndpointArn"),
            id=required(RUNTIME_ENDPOINT, item, "id"),
            name=item.get("name"),
            status=item.get("status"),
            parent_arn=runtime.arn,
            updated_at=item.get("lastUpdatedAt"),
        )


def _memories(client: Any) -> Iterator[InventoryItem]:
    # MemorySummary has no name; the id starts with it ("<name>-<10 characters>").
    for item in _summaries(client, MEMORY):
        yield InventoryItem(
            arn=required(MEMORY, item, "arn"),
            id=required(MEMORY, item, "id"),
            status=item.get("status"),
            updated_at=item.get("updatedAt"),
        )


def _custom_tools(client: Any, kind: ResourceKind, prefix: str) -> Iterator[InventoryItem]:
    """The account's own code interpreters or browsers (``prefix``: their members' prefix)."""
    for item in _summaries(client, kind, type="CUSTOM"):
        arn = required(kind, item, f"{prefix}Arn")
        if _arn_account(arn) in ("", "aws"):
            continue  # a built-in tool, should the filter ever let one through
        yield InventoryItem(
            arn=arn,
            id=required(kind, item, f"{prefix}Id"),
            name=item.get("name"),
            status=item.get("status"),
            updated_at=item.get("lastUpdatedAt"),
        )


def _workload_identities(client: Any) -> Iterator[InventoryItem]:
    for item in _summaries(client, WORKLOAD_IDENTITY):
        name = required(WORKLOAD_IDENTITY, item, "name")
        yield InventoryItem(
            arn=required(WORKLOAD_IDENTITY, item, "workloadIdentityArn"), id=name, name=name
        )


def _credential_providers(client: Any, kind: ResourceKind) -> Iterator[InventoryItem]:
    for item in _summaries(client, kind):
        name = required(kind, item, "name")
        yield InventoryItem(
            arn=required(kind, item, "credentialProviderArn"),
            id=name,
            name=name,
            updated_at=item.get("lastUpdatedTime"),
        )


def _evaluators(client: Any) -> Iterator[InventoryItem]:
    for item in _summaries(client, EVALUATOR):
        arn = required(EVALUATOR, item, "evaluatorArn")
        if _arn_account(arn) in ("", "aws"):
            continue  # Builtin.* and ThirdParty.* evaluators belong to AWS, not the account
        yield InventoryItem(
            arn=arn,
            id=required(EVALUATOR, item, "evaluatorId"),
            name=item.get("evaluatorName"),
            status=item.get("status"),
            updated_at=item.get("updatedAt"),
        )


def read_agentcore_inventory(clients: UnitClients, region: RegionSnapshot, account_id: str) -> None:
    """List the region's AgentCore resources, one kind after the other.

    Then read the details of its gateways and agent runtimes
    (:func:`aiposture.collect.inventory_details.read_details`).

    A failed listing is a :class:`~aiposture.snapshot.models.CallError` and leaves its kind
    out; a gateway (runtime) whose targets (endpoints) could not be listed is named in the
    error's ``resource`` and leaves the child kind out (see
    :func:`aiposture.collect.inventory.read_region_inventory`).
    """
    if not offered_with_bedrock(region, SERVICE, "Amazon Bedrock AgentCore"):
        return
    name = region.region
    gateways = list_kind(
        clients, region, account_id, GATEWAY, lambda c: _gateways(c, name, account_id)
    )
    for gateway in gateways or []:
        list_kind(
            clients,
            region,
            account_id,
            GATEWAY_TARGET,
            partial(_gateway_targets, gateway=gateway),
            resource=gateway.arn,
        )
    runtimes = list_kind(clients, region, account_id, RUNTIME, _runtimes)
    for runtime in runtimes or []:
        list_kind(
            clients,
            region,
            account_id,
            RUNTIME_ENDPOINT,
            partial(_runtime_endpoints, runtime=runtime),
            resource=runtime.arn,
        )
    list_kind(clients, region, account_id, MEMORY, _memories)
    list_kind(
        clients,
        region,
        account_id,
        CODE_INTERPRETER,
        lambda c: _custom_tools(c, CODE_INTERPRETER, "codeInterpreter"),
    )
    list_kind(clients, region, account_id, BROWSER, lambda c: _custom_tools(c, BROWSER, "browser"))
    list_kind(clients, region, account_id, WORKLOAD_IDENTITY, _workload_identities)
    for provider in (OAUTH2_PROVIDER, API_KEY_PROVIDER):
        list_kind(
            clients,
            region,
            account_id,
            provider,
            partial(_credential_providers, kind=provider),
        )
    list_kind(clients, region, account_id, EVALUATOR, _evaluators)
    no_children_is_none(region, gateways, GATEWAY_TARGET)
    no_children_is_none(region, runtimes, RUNTIME_ENDPOINT)
    read_details(clients, region, account_id, SERVICE)
