"""Each inventoried AI resource's own configuration: its Get call, kept as ``details``.

For the kinds :data:`aiposture.snapshot.inventory.DETAIL_OPERATIONS` names, the reader of
the kind's service calls :func:`read_details` once its listings are done: one Get per item
the listing found, one after the other on the same client (so the unit never has more
than one request of an API in flight), and the answer, without ``ResponseMetadata``,
becomes :attr:`~aiposture.snapshot.models.InventoryItem.details`. A knowledge base's
details also hold its data sources: ``ListDataSources`` (paged, ``maxResults`` 1000, the
botocore ``bedrock-agent`` 2023-06-05 maximum), then ``GetDataSource`` for each, kept under
``"dataSources"``.

Every call is checked against the botocore model: an answer that lacks an output member
the model marks required (one level down for the answers that wrap their object,
``GetAgent``'s ``agent``, ``GetKnowledgeBase``'s ``knowledgeBase``, ``GetDataSource``'s
``dataSource``) is malformed. A failure of any call is a
:class:`~aiposture.snapshot.models.CallError` whose ``resource`` is the item's ARN and
``operation`` the call that failed; the item's ``details`` stay ``None`` ("not read",
never an empty configuration that a rule could pass).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from botocore import xform_name

from aiposture.collect.botocore_data import data_session
from aiposture.collect.recorder import record_call
from aiposture.collect.responses import MalformedResponse
from aiposture.collect.session import UnitClients
from aiposture.snapshot.inventory import DETAIL_OPERATIONS, KINDS_BY_KEY, ResourceKind
from aiposture.snapshot.models import InventoryItem, RegionSnapshot

__all__ = ["DATA_SOURCE_PAGE_SIZE", "GUARDRAIL_VERSION", "detail_request", "read_details"]

GUARDRAIL_VERSION = "DRAFT"
"""The guardrail version read: the one ListGuardrails (without an identifier) lists."""
DATA_SOURCE_PAGE_SIZE = 1000
"""``maxResults`` of ListDataSources: the model's maximum."""
_KNOWLEDGE_BASE = "bedrock-agent:knowledge-base"
_WRAPPED = {"GetAgent": "agent", "GetKnowledgeBase": "knowledgeBase", "GetDataSource": "dataSource"}
"""The answers that wrap their object in one member (checked one level down too)."""
_ALWAYS_RETURNED = {"GetImportedModel": ("modelArn", "modelName")}
"""Members the model leaves optional that every answer about an existing resource carries
(GetImportedModel marks none required; the API reference's response always names the model)."""


def detail_request(kind: ResourceKind, item: InventoryItem) -> dict[str, str]:
    """The parameters of the kind's Get call for ``item`` (see ``DETAIL_OPERATIONS``)."""
    operation = DETAIL_OPERATIONS[kind.key]
    params: dict[str, dict[str, str]] = {
        "GetGuardrail": {"guardrailIdentifier": item.id, "guardrailVersion": GUARDRAIL_VERSION},
        "GetCustomModel": {"modelIdentifier": item.arn},
        "GetImportedModel": {"modelIdentifier": item.arn},
        "GetModelInvocationJob": {"jobIdentifier": item.arn},
        "GetAgent": {"agentId": item.id},
        "GetKnowledgeBase": {"knowledgeBaseId": item.id},
        "GetFlow": {"flowIdentifier": item.id},
        "GetPrompt": {"promptIdentifier": item.id},
        "GetAgentRuntime": {"agentRuntimeId": item.id},
        "GetGateway": {"gatewayIdentifier": item.id},
    }
    return params[operation]


@cache
def _required(service: str, operation: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The output's required members, and those of its wrapped object (if it wraps one)."""
    model = data_session().get_service_model(service)
    output = model.operation_model(operation).output_shape
    top = tuple(output.required_members) if output is not None else ()
    top += _ALWAYS_RETURNED.get(operation, ())
    wrapped = _WRAPPED.get(operation)
    inner: tuple[str, ...] = ()
    if output is not None and wrapped:
        inner = tuple(output.members[wrapped].required_members)
    return top, inner


def _checked(service: str, operation: str, answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` without ``ResponseMetadata``; malformed when it lacks a required member."""
    answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    top, inner = _required(service, operation)
    missing = [m for m in top if answer.get(m) is None]
    wrapped = answer.get(_WRAPPED.get(operation, ""))
    if inner and isinstance(wrapped, dict):
        missing += [f"{_WRAPPED[operation]}.{m}" for m in inner if wrapped.get(m) is None]
    elif inner and not missing:
        missing.append(_WRAPPED[operation])
    if missing:
        raise MalformedResponse(
            service=service,
            operation=operation,
            reason=f"the answer lacks {', '.join(missing)}, which the model requires",
        )
    return answer


def _data_source_ids(client: Any, kb_id: str) -> list[str]:
    """Every data source id of the knowledge base, page by page."""
    ids: list[str] = []
    paginator = client.get_paginator("list_data_sources")
    pages = paginator.paginate(
        knowledgeBaseId=kb_id, PaginationConfig={"PageSize": DATA_SOURCE_PAGE_SIZE}
    )
    for page in pages:
        summaries = _checked("bedrock-agent", "ListDataSources", page)["dataSourceSummaries"]
        if not isinstance(summaries, list):
            raise MalformedResponse(
                service="bedrock-agent",
                operation="ListDataSources",
                reason="dataSourceSummaries is not a list",
            )
        for summary in summaries:
            ds_id = summary.get("dataSourceId") if isinstance(summary, dict) else None
            if not isinstance(ds_id, str) or not ds_id:
                raise MalformedResponse(
                    service="bedrock-agent",
                    operation="ListDataSources",
                    reason="a summary lacks dataSourceId, which the model requires",
                )
            ids.append(ds_id)
    return ids


def _get_data_source(client: Any, kb_id: str, ds_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = client.get_data_source(knowledgeBaseId=kb_id, dataSourceId=ds_id)
    return answer


def _read_item(
    client: Any,
    region: RegionSnapshot,
    account_id: str,
    kind: ResourceKind,
    item: InventoryItem,
) -> dict[str, Any] | None:
    """The item's details, or ``None`` after recording the call that failed."""
    operation = DETAIL_OPERATIONS[kind.key]

    def call(op: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
        return record_call(
            region.errors,
            lambda: _checked(kind.service, op, fn()),
            service=kind.service,
            operation=op,
            region=region.region,
            account_id=account_id,
            resource=item.arn,
        )

    method = getattr(client, xform_name(operation))
    details = call(operation, lambda: method(**detail_request(kind, item)))
    if details is None or kind.key != _KNOWLEDGE_BASE:
        return details
    ids = record_call(
        region.errors,
        lambda: _data_source_ids(client, item.id),
        service=kind.service,
        operation="ListDataSources",
        region=region.region,
        account_id=account_id,
        resource=item.arn,
    )
    if ids is None:
        return None
    sources: list[dict[str, Any]] = []
    for ds_id in ids:
        found = call("GetDataSource", partial(_get_data_source, client, item.id, ds_id))
        if found is None:
            return None
        sources.append(found["dataSource"])
    details["dataSources"] = sources
    return details


def read_details(
    clients: UnitClients, region: RegionSnapshot, account_id: str, service: str
) -> None:
    """Read the details of every listed item of ``service``'s detailed kinds, one by one.

    Run by the service's inventory reader after its listings. A kind whose listing failed
    has no items here, so none of its details are read.
    """
    for key in DETAIL_OPERATIONS:
        kind = KINDS_BY_KEY[key]
        if kind.service != service:
            continue
        items = (region.inventory or {}).get(key) or []
        if not items:
            continue
        client = clients(kind.service, region.region)
        for item in items:
            item.details = _read_item(client, region, account_id, kind, item)
