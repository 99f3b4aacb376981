"""Bedrock control-plane listings moto lacks: guardrails, models, profiles, jobs, policies.

Every answer follows the botocore ``bedrock`` model (2023-04-20) and the Amazon Bedrock API
Reference (https://docs.aws.amazon.com/bedrock/latest/APIReference/): the List operations
page with ``maxResults`` (1-1000, a ValidationException outside) and an opaque
``nextToken``, and each summary carries every member the model marks required.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from aiposture.demo.moto_ext.common import iso, patch, utcnow

__all__ = ["add_summary", "listed_summaries", "patch_bedrock_inventory", "resource_id"]

_STORE_ATTR = "_aiposture_bedrock_inventory"
_MAX_RESULTS = 1000
_SYSTEM_PROFILE_MODELS = (
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "meta.llama3-2-90b-instruct-v1:0",
)
"""Models of the system-defined (cross-region) inference profiles every account sees."""


def _store(backend: Any) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] | None = getattr(backend, _STORE_ATTR, None)
    if found is None:
        found = {}
        setattr(backend, _STORE_ATTR, found)
    return found


def listed_summaries(backend: Any, list_key: str) -> list[dict[str, Any]]:
    """The summaries a listing answers with (``list_key`` as in :func:`add_summary`)."""
    return _store(backend).setdefault(list_key, [])


def add_summary(account_id: str, region: str, list_key: str, summary: dict[str, Any]) -> None:
    """Add one summary, as AWS returns it, to the answer of a listing (tests and demo).

    ``list_key`` is the response member it appears in (``modelSummaries`` of
    ListImportedModels is ``importedModelSummaries`` here, see :func:`patch_bedrock_inventory`).
    """
    from moto.bedrock.models import bedrock_backends

    _store(bedrock_backends[account_id][region]).setdefault(list_key, []).append(summary)


def resource_id(account_id: str, region: str, kind: str, name: str) -> str:
    """A 12-character id as AWS gives these resources, the same for the same name.

    AWS draws the ids at random; the demo derives them from what is unique (the name in the
    account and region), so that two runs, in-process or through moto's server, agree.
    """
    return hashlib.sha256(f"{account_id}:{region}:{kind}:{name}".encode()).hexdigest()[:12]


def _page(response: Any, items: list[dict[str, Any]], key: str) -> str:
    """One page of ``items`` under ``key``, as AWS pages these listings."""
    from moto.bedrock.exceptions import ValidationException

    query = response.querystring
    raw = (query.get("maxResults") or [None])[0]
    limit = int(raw) if raw is not None else _MAX_RESULTS
    if not 1 <= limit <= _MAX_RESULTS:
        raise ValidationException(f"maxResults must be between 1 and {_MAX_RESULTS}.")
    token = (query.get("nextToken") or [None])[0]
    start = int(token) if token else 0
    out: dict[str, Any] = {key: items[start : start + limit]}
    if start + limit < len(items):
        out["nextToken"] = str(start + limit)
    return json.dumps(out)


def patch_bedrock_inventory() -> None:
    """Bedrock listings, and the writes the demo seeds them with (moto has none of them).

    - ``CreateGuardrail`` (POST /guardrails; CreateGuardrailResponse: guardrailId,
      guardrailArn, version ``DRAFT``, createdAt) and ``ListGuardrails`` (GET /guardrails;
      GuardrailSummary required members id, arn, status, name, version, createdAt,
      updatedAt). "To list the DRAFT version of all your guardrails, don't specify the
      guardrailIdentifier field. To list all versions of a guardrail, specify the ARN of the
      guardrail" (API Reference, ListGuardrails): the identifier (id or ARN) narrows the
      answer to that guardrail's versions.
    - ``CreateInferenceProfile`` (POST /inference-profiles, ``modelSource.copyFrom``) and
      ``ListInferenceProfiles`` (GET /inference-profiles, querystring ``type`` for
      ``typeEquals``: SYSTEM_DEFINED or APPLICATION). Without the filter AWS lists the
      system-defined cross-region profiles too; they are always there, so this answer has two
      (``us.<model>``, ARN ``...:inference-profile/us.<model>``, no account id in it).
    - ``ListImportedModels`` (``modelSummaries``), ``ListProvisionedModelThroughputs``
      (``provisionedModelSummaries``), ``ListModelInvocationJobs``
      (``invocationJobSummaries``), ``ListAutomatedReasoningPolicies``
      (``automatedReasoningPolicySummaries``): what :func:`add_summary` put there.
    - ``ListCustomModels`` (moto's): each summary gains ``ownerAccountId`` and
      ``modelStatus`` (``Active``), which AWS returns for a model the account owns
      (CustomModelSummary), its ``creationTime`` is a UTC timestamp (moto writes a naive
      local time), and ``maxResults`` is checked as above.
    """
    from moto.bedrock.exceptions import ResourceNotFoundException
    from moto.bedrock.responses import BedrockResponse
    from moto.utilities.utils import get_partition

    original_list_custom_models = BedrockResponse.list_custom_models

    def stored(self: Any, key: str) -> list[dict[str, Any]]:
        return _store(self.bedrock_backend).setdefault(key, [])

    def arn(self: Any, resource: str) -> str:
        backend = self.bedrock_backend
        partition = get_partition(backend.region_name)
        return f"arn:{partition}:bedrock:{backend.region_name}:{backend.account_id}:{resource}"

    def create_guardrail(self: Any) -> str:
        params = json.loads(self.body or "{}")
        backend = self.bedrock_backend
        guardrail_id = resource_id(
            backend.account_id, backend.region_name, "guardrail", params["name"]
        )
        now = iso(utcnow())
        summary = {
            "id": guardrail_id,
            "arn": arn(self, f"guardrail/{guardrail_id}"),
            "status": "READY",
            "name": params["name"],
            "version": "DRAFT",
            "createdAt": now,
            "updatedAt": now,
        }
        if params.get("description"):
            summary["description"] = params["description"]
        stored(self, "guardrails").append(summary)
        return json.dumps(
            {"guardrailId": guardrail_id, "guardrailArn": summary["arn"], "version": "DRAFT"}
            | {"createdAt": now}
        )

    def list_guardrails(self: Any) -> str:
        wanted = (self.querystring.get("guardrailIdentifier") or [None])[0]
        found = stored(self, "guardrails")
        if wanted:
            found = [g for g in found if wanted in (g["id"], g["arn"])]
            if not found:
                raise ResourceNotFoundException(f"Guardrail {wanted} not found.")
        else:
            found = [g for g in found if g["version"] == "DRAFT"]
        return _page(self, found, "guardrails")

    def system_profiles(self: Any) -> list[dict[str, Any]]:
        backend = self.bedrock_backend
        partition = get_partition(backend.region_name)
        profiles = []
        for model in _SYSTEM_PROFILE_MODELS:
            profile_id = f"us.{model}"
            profiles.append(
                {
                    "inferenceProfileName": f"US {model}",
                    "inferenceProfileArn": f"arn:{partition}:bedrock:{backend.region_name}:"
                    f"{backend.account_id}:inference-profile/{profile_id}",
                    "inferenceProfileId": profile_id,
                    "models": [
                        {"modelArn": f"arn:{partition}:bedrock:{r}::foundation-model/{model}"}
                        for r in ("us-east-1", "us-west-2")
                    ],
                    "status": "ACTIVE",
                    "type": "SYSTEM_DEFINED",
                }
            )
        return profiles

    def create_inference_profile(self: Any) -> str:
        params = json.loads(self.body or "{}")
        backend = self.bedrock_backend
        profile_id = resource_id(
            backend.account_id, backend.region_name, "profile", params["inferenceProfileName"]
        )
        now = iso(utcnow())
        source = str((params.get("modelSource") or {}).get("copyFrom") or "")
        summary = {
            "inferenceProfileName": params["inferenceProfileName"],
            "inferenceProfileArn": arn(self, f"application-inference-profile/{profile_id}"),
            "inferenceProfileId": profile_id,
            "models": [{"modelArn": source}],
            "status": "ACTIVE",
            "type": "APPLICATION",
            "createdAt": now,
            "updatedAt": now,
        }
        stored(self, "inferenceProfileSummaries").append(summary)
        return json.dumps(
            {"inferenceProfileArn": summary["inferenceProfileArn"], "status": "ACTIVE"}
        )

    def list_inference_profiles(self: Any) -> str:
        wanted = (self.querystring.get("type") or [None])[0]
        profiles = system_profiles(self) + stored(self, "inferenceProfileSummaries")
        if wanted:
            profiles = [p for p in profiles if p["type"] == wanted]
        return _page(self, profiles, "inferenceProfileSummaries")

    def lister(key: str, store_key: str | None = None) -> Any:
        def listing(self: Any) -> str:
            return _page(self, stored(self, store_key or key), key)

        return listing

    def list_custom_models(self: Any) -> str:
        answer = json.loads(original_list_custom_models(self))
        backend = self.bedrock_backend
        for summary in answer.get("modelSummaries") or []:
            summary.setdefault("ownerAccountId", backend.account_id)
            summary.setdefault("modelStatus", "Active")
            created = summary.get("creationTime")
            if isinstance(created, str) and "T" not in created:
                # moto writes its local "YYYY-MM-DD HH:MM:SS"; AWS a UTC timestamp
                when = datetime.strptime(created, "%Y-%m-%d %H:%M:%S").astimezone(UTC)
                summary["creationTime"] = iso(when)
        if answer.get("nextToken") is None:
            answer.pop("nextToken", None)
        return json.dumps(answer)

    def checked_custom_models(self: Any) -> str:
        _page(self, [], "modelSummaries")  # maxResults bounds, as for every listing
        return list_custom_models(self)

    patch(BedrockResponse, "create_guardrail", create_guardrail)
    patch(BedrockResponse, "list_guardrails", list_guardrails)
    patch(BedrockResponse, "create_inference_profile", create_inference_profile)
    patch(BedrockResponse, "list_inference_profiles", list_inference_profiles)
    patch(
        BedrockResponse, "list_imported_models", lister("modelSummaries", "importedModelSummaries")
    )
    patch(
        BedrockResponse,
        "list_provisioned_model_throughputs",
        lister("provisionedModelSummaries"),
    )
    patch(BedrockResponse, "list_model_invocation_jobs", lister("invocationJobSummaries"))
    patch(
        BedrockResponse,
        "list_automated_reasoning_policies",
        lister("automatedReasoningPolicySummaries"),
    )
    patch(BedrockResponse, "list_custom_models", checked_custom_models)
