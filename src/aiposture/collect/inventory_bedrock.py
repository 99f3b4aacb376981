"""The inventory of Amazon Bedrock and Bedrock Data Automation resources.

Bedrock (``bedrock``): guardrails, custom and imported models, provisioned throughputs,
application inference profiles, batch inference jobs, Automated Reasoning policies. Bedrock
Data Automation (``bedrock-data-automation``): projects and blueprints.

Every listing uses botocore's paginator (``nextToken``/``maxResults``, at most 1000 a page in
both models: ``bedrock`` 2023-04-20 and ``bedrock-data-automation`` 2023-07-26). What each
listing asks for, and why:

- ``ListGuardrails`` without ``guardrailIdentifier``: "To list the DRAFT version of all your
  guardrails, don't specify the guardrailIdentifier field" (API Reference). One item per
  guardrail. Its numbered versions are not listed (that takes one call per guardrail with
  the identifier): a version has no ARN of its own (it is the guardrail's ARN with a
  ``guardrailVersion``), and the guardrail's data events name the guardrail ARN.
- ``ListCustomModels`` without ``isOwned``: the account's own models and the ones shared
  with it, both invocable here.
- ``ListInferenceProfiles`` with ``typeEquals=APPLICATION``: only the profiles an account
  creates. The ``SYSTEM_DEFINED`` (cross-region) profiles are AWS's, the same in every
  account, and are not inventoried.
- ``ListAutomatedReasoningPolicies`` without ``policyArn``: one summary per policy (with
  ``policyArn`` it lists that policy's versions).
- ``ListDataAutomationProjects`` and ``ListBlueprints`` with ``resourceOwner=ACCOUNT`` (not
  the AWS-managed blueprints) and the stage filter ``ALL`` (both DEVELOPMENT and LIVE).
- ``ListImportedModels``, ``ListProvisionedModelThroughputs``, ``ListModelInvocationJobs``:
  no filter.

Every summary carries its ARN; the item id is the ARN's resource id (what follows the
resource type and ``/``) where the summary has no id member. ``updated_at`` is the
summary's last-modified time; for custom and imported models, which cannot be changed, it
is their ``creationTime``; a Data Automation project's summary has no such time.

Bedrock Data Automation is part of Bedrock, and botocore's endpoint data does not describe
``bedrock-data-automation`` (its endpoints come from rules), so a region where the data
lists no ``bedrock`` endpoint is not called either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from aiposture.collect.inventory_details import read_details
from aiposture.collect.inventory_listing import (
    list_kind,
    offered,
    offered_with_bedrock,
    required,
    summaries,
)
from aiposture.collect.session import UnitClients
from aiposture.snapshot.inventory import KINDS_BY_KEY, ResourceKind
from aiposture.snapshot.models import InventoryItem, RegionSnapshot

SERVICE = "bedrock"
"""The botocore service name (and endpoint prefix) of the Bedrock control plane."""
DATA_AUTOMATION = "bedrock-data-automation"
"""The botocore service name (and endpoint prefix) of Bedrock Data Automation."""

GUARDRAIL = KINDS_BY_KEY["bedrock:guardrail"]
CUSTOM_MODEL = KINDS_BY_KEY["bedrock:custom-model"]
IMPORTED_MODEL = KINDS_BY_KEY["bedrock:imported-model"]
PROVISIONED_THROUGHPUT = KINDS_BY_KEY["bedrock:provisioned-throughput"]
INFERENCE_PROFILE = KINDS_BY_KEY["bedrock:inference-profile"]
INVOCATION_JOB = KINDS_BY_KEY["bedrock:model-invocation-job"]
REASONING_POLICY = KINDS_BY_KEY["bedrock:automated-reasoning-policy"]
PROJECT = KINDS_BY_KEY["bedrock-data-automation:project"]
BLUEPRINT = KINDS_BY_KEY["bedrock-data-automation:blueprint"]

PAGE_SIZE = 1000
"""``maxResults`` of every listing: the models' maximum."""


def _resource_id(arn: str) -> str:
    """The id in an ARN: its resource part after the resource type and ``/``."""
    resource = arn.split(":", 5)[-1]
    return resource.split("/", 1)[-1]


def _items(
    kind: ResourceKind,
    result_key: str,
    arn_key: str,
    name_key: str,
    *,
    id_key: str | None = None,
    status_key: str | None = None,
    time_key: str | None = None,
    **params: Any,
) -> Callable[[Any], Iterator[InventoryItem]]:
    """A listing of ``kind`` that reads each summary's members named here."""

    def listing(client: Any) -> Iterator[InventoryItem]:
        for item in summaries(client, kind, result_key, PAGE_SIZE, **params):
            arn = required(kind, item, arn_key)
            yield InventoryItem(
                arn=arn,
                id=required(kind, item, id_key) if id_key else _resource_id(arn),
                name=item.get(name_key),
                status=item.get(status_key) if status_key else None,
                updated_at=item.get(time_key) if time_key else None,
            )

    return listing


BEDROCK_LISTINGS: tuple[tuple[ResourceKind, Callable[[Any], Iterator[InventoryItem]]], ...] = (
    (
        GUARDRAIL,
        _items(
            GUARDRAIL,
            "guardrails",
            "arn",
            "name",
            id_key="id",
            status_key="status",
            time_key="updatedAt",
        ),
    ),
    (
        CUSTOM_MODEL,
        _items(
            CUSTOM_MODEL,
            "modelSummaries",
            "modelArn",
            "modelName",
            status_key="modelStatus",
            time_key="creationTime",
        ),
    ),
    (
        IMPORTED_MODEL,
        _items(IMPORTED_MODEL, "modelSummaries", "modelArn", "modelName", time_key="creationTime"),
    ),
    (
        PROVISIONED_THROUGHPUT,
        _items(
            PROVISIONED_THROUGHPUT,
            "provisionedModelSummaries",
            "provisionedModelArn",
            "provisionedModelName",
            status_key="status",
            time_key="lastModifiedTime",
        ),
    ),
    (
        INFERENCE_PROFILE,
        _items(
            INFERENCE_PROFILE,
            "inferenceProfileSummaries",
            "inferenceProfileArn",
            "inferenceProfileName",
            id_key="inferenceProfileId",
            status_key="status",
            time_key="updatedAt",
            typeEquals="APPLICATION",
        ),
    ),
    (
        INVOCATION_JOB,
        _items(
            INVOCATION_JOB,
            "invocationJobSummaries",
            "jobArn",
            "jobName",
            status_key="status",
            time_key="lastModifiedTime",
        ),
    ),
    (
        REASONING_POLICY,
        _items(
            REASONING_POLICY,
            "automatedReasoningPolicySummaries",
            "policyArn",
            "name",
            id_key="policyId",
            time_key="updatedAt",
        ),
    ),
)
"""Each Bedrock kind and how it is listed, in the order the reader lists them."""

DATA_AUTOMATION_LISTINGS: tuple[
    tuple[ResourceKind, Callable[[Any], Iterator[InventoryItem]]], ...
] = (
    (
        PROJECT,
        _items(
            PROJECT,
            "projects",
            "projectArn",
            "projectName",
            resourceOwner="ACCOUNT",
            projectStageFilter="ALL",
        ),
    ),
    (
        BLUEPRINT,
        _items(
            BLUEPRINT,
            "blueprints",
            "blueprintArn",
            "blueprintName",
            time_key="lastModifiedTime",
            resourceOwner="ACCOUNT",
            blueprintStageFilter="ALL",
        ),
    ),
)
"""Each Bedrock Data Automation kind and how it is listed."""


def read_bedrock_inventory(clients: UnitClients, region: RegionSnapshot, account_id: str) -> None:
    """List the region's Bedrock guardrails, models, profiles, batch jobs and policies.

    Then read the details of its guardrails, custom and imported models and batch jobs
    (:func:`aiposture.collect.inventory_details.read_details`).

    Each failed listing is a :class:`~aiposture.snapshot.models.CallError` and leaves its
    kind out (see :func:`aiposture.collect.inventory.read_region_inventory`).
    """
    if not offered(region, SERVICE):
        return
    for kind, listing in BEDROCK_LISTINGS:
        list_kind(clients, region, account_id, kind, listing)
    read_details(clients, region, account_id, SERVICE)


def read_data_automation_inventory(
    clients: UnitClients, region: RegionSnapshot, account_id: str
) -> None:
    """List the region's Bedrock Data Automation projects and blueprints (the account's own)."""
    if not offered_with_bedrock(region, DATA_AUTOMATION, "Bedrock Data Automation"):
        return
    for kind, listing in DATA_AUTOMATION_LISTINGS:
        list_kind(clients, region, account_id, kind, listing)
