"""Bedrock Get operations moto lacks, answering with what the Create call was given.

The collector reads each guardrail's, custom and imported model's and batch inference
job's own configuration (:mod:`aiposture.collect.inventory_details`). moto 5.2.5 has
``GetCustomModel`` only, and keeps none of the guardrail configuration
(:mod:`aiposture.demo.moto_ext.bedrock_inventory` lists guardrails). Every answer follows
the botocore ``bedrock`` model 2023-04-20 (``service-2.json``) and the Amazon Bedrock API
Reference (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock.html);
an unknown identifier is a 404 ``ResourceNotFoundException``, as AWS answers.

State lives on moto's per-account, per-region backend, so a backend reset clears it.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import unquote

from aiposture.demo.moto_ext.bedrock_inventory import add_summary, listed_summaries, resource_id
from aiposture.demo.moto_ext.common import iso, patch, utcnow

__all__ = ["guardrail_answer", "patch_bedrock_details"]

_STATE_ATTR = "_aiposture_bedrock_details"

Answer = tuple[int, dict[str, str], str]


def _state(backend: Any) -> dict[str, dict[Any, Any]]:
    found: dict[str, dict[Any, Any]] | None = getattr(backend, _STATE_ATTR, None)
    if found is None:
        found = {"guardrails": {}, "imported_models": {}, "invocation_jobs": {}}
        setattr(backend, _STATE_ATTR, found)
    return found


def _not_found(message: str) -> Exception:
    """A 404 ``ResourceNotFoundException``, as Bedrock answers an unknown identifier."""
    from moto.bedrock.exceptions import ResourceNotFoundException as NotFound

    error = NotFound(message)
    error.code = 404
    return error


def _key_arn(backend: Any, key: str | None) -> str | None:
    """A KMS key ARN for what a Create call named (a key ARN, a key id or an alias)."""
    if not key:
        return None
    if key.startswith("arn:"):
        return key
    prefix = f"arn:{backend.partition}:kms:{backend.region_name}:{backend.account_id}"
    return f"{prefix}:{key}" if key.startswith("alias/") else f"{prefix}:key/{key}"


def _actions(item: dict[str, Any], default: str | None = None) -> dict[str, Any]:
    """A filter as GetGuardrail returns it: actions and enablement filled in as AWS does.

    CreateGuardrail's ``inputAction``/``outputAction`` default to ``BLOCK`` (to the entity's
    ``action`` for a PII entity or regex) and ``inputEnabled``/``outputEnabled`` to true
    (API Reference, GuardrailContentFilterConfig and GuardrailPiiEntityConfig).
    """
    out = dict(item)
    for side in ("input", "output"):
        out.setdefault(f"{side}Action", default or "BLOCK")
        out.setdefault(f"{side}Enabled", True)
    return out


def guardrail_answer(
    params: dict[str, Any], summary: dict[str, Any], backend: Any
) -> dict[str, Any]:
    """The GetGuardrail answer (botocore ``GetGuardrailResponse``) of a CreateGuardrail call.

    Each ``...PolicyConfig`` request member becomes the answer's ``...Policy`` (its
    ``...Config`` lists lose the suffix: ``filtersConfig`` -> ``filters``), ``kmsKeyId``
    becomes ``kmsKeyArn``.
    """
    out: dict[str, Any] = {
        "name": summary["name"],
        "guardrailId": summary["id"],
        "guardrailArn": summary["arn"],
        "version": summary["version"],
        "status": summary["status"],
        "createdAt": summary["createdAt"],
        "updatedAt": summary["updatedAt"],
        "blockedInputMessaging": params.get("blockedInputMessaging"),
        "blockedOutputsMessaging": params.get("blockedOutputsMessaging"),
    }
    if params.get("description"):
        out["description"] = params["description"]
    content = params.get("contentPolicyConfig") or {}
    if content:
        out["contentPolicy"] = {"filters": [_actions(f) for f in content.get("filtersConfig", [])]}
    pii = params.get("sensitiveInformationPolicyConfig") or {}
    if pii:
        out["sensitiveInformationPolicy"] = {
            "piiEntities": [_actions(e, e.get("action")) for e in pii.get("piiEntitiesConfig", [])],
            "regexes": [_actions(r, r.get("action")) for r in pii.get("regexesConfig", [])],
        }
    grounding = params.get("contextualGroundingPolicyConfig") or {}
    if grounding:
        out["contextualGroundingPolicy"] = {
            "filters": [
                {"action": "BLOCK", "enabled": True} | f for f in grounding.get("filtersConfig", [])
            ]
        }
    topics = params.get("topicPolicyConfig") or {}
    if topics:
        out["topicPolicy"] = {"topics": [_actions(t) for t in topics.get("topicsConfig", [])]}
    words = params.get("wordPolicyConfig") or {}
    if words:
        out["wordPolicy"] = {
            "words": [_actions(w) for w in words.get("wordsConfig", [])],
            "managedWordLists": [_actions(w) for w in words.get("managedWordListsConfig", [])],
        }
    kms = _key_arn(backend, params.get("kmsKeyId"))
    if kms:
        out["kmsKeyArn"] = kms
    return out


def patch_bedrock_details() -> None:
    """GetGuardrail, CreateGuardrailVersion, Get/CreateModelImport, Get/CreateModelInvocationJob.

    - ``CreateGuardrail`` (wrapping :mod:`.bedrock_inventory`'s) keeps its request, and
      ``GetGuardrail`` (GET ``/guardrails/{guardrailIdentifier}``, querystring
      ``guardrailVersion``, DRAFT when absent; botocore ``GetGuardrailResponse``) answers
      with it: API_GetGuardrail.html. The identifier is the id or the ARN.
    - ``CreateGuardrailVersion`` (POST ``/guardrails/{guardrailIdentifier}``, 202;
      ``guardrailId``, ``version``): API_CreateGuardrailVersion.html; versions are numbered
      from 1 and freeze the DRAFT's configuration; ListGuardrails with the identifier then
      lists them (the DRAFT-only listing without it is unchanged).
    - ``GetCustomModel`` (moto's): ``modelKmsKeyArn`` is the key the customization job was
      given (``customModelKmsKeyId``), absent without one (moto invents a key for every
      model), ``creationTime`` a UTC timestamp and ``modelStatus`` ``Active``:
      API_GetCustomModel.html.
    - ``CreateModelImportJob`` (POST ``/model-import-jobs``, 201, ``jobArn``) completes at
      once: the imported model is listed (``ImportedModelSummary``) and ``GetImportedModel``
      (GET ``/imported-models/{modelIdentifier}``, name or ARN; botocore
      ``GetImportedModelResponse``, ``modelKmsKeyArn`` from ``importedModelKmsKeyId``)
      answers for it: API_CreateModelImportJob.html, API_GetImportedModel.html.
    - ``CreateModelInvocationJob`` (POST ``/model-invocation-job``, ``jobArn``) is listed
      (``ModelInvocationJobSummary``, status ``Submitted``) and ``GetModelInvocationJob``
      (GET ``/model-invocation-job/{jobIdentifier}``, ARN or id; botocore
      ``GetModelInvocationJobResponse``) answers with the request:
      API_CreateModelInvocationJob.html, API_GetModelInvocationJob.html.
    """
    from moto.bedrock.exceptions import ValidationException
    from moto.bedrock.responses import BedrockResponse

    original_create_guardrail = getattr(BedrockResponse, "create_guardrail")  # noqa: B009 - added by .bedrock_inventory
    original_get_custom_model = BedrockResponse.get_custom_model

    def param(self: Any, name: str) -> str:
        value = (getattr(self, "uri_match", None) or {}).get(name)
        if not value:
            value = self.path.rstrip("/").split("/")[-1]
        return unquote(str(value))

    def guardrails(self: Any) -> dict[Any, Any]:
        return _state(self.bedrock_backend)["guardrails"]

    def guardrail_of(self: Any, identifier: str) -> tuple[str, dict[str, Any]]:
        guardrail_id = identifier.rsplit("/", 1)[-1]
        found = guardrails(self).get(guardrail_id)
        if found is None:
            raise _not_found(f"Guardrail {identifier} not found.")
        return guardrail_id, found

    def create_guardrail(self: Any) -> str:
        answer = original_create_guardrail(self)
        params = json.loads(self.body or "{}")
        guardrail_id = json.loads(answer)["guardrailId"]
        guardrails(self)[guardrail_id] = {"params": params, "versions": {}}
        return str(answer)

    def get_guardrail(self: Any) -> str:
        guardrail_id, found = guardrail_of(self, param(self, "guardrailIdentifier"))
        version = (self.querystring.get("guardrailVersion") or ["DRAFT"])[0]
        if version == "DRAFT":
            params = found["params"]
        elif version in found["versions"]:
            params = found["versions"][version]
        else:
            raise _not_found(f"Guardrail {guardrail_id} version {version} not found.")
        listed = _state_summaries(self, "guardrails")
        summary = next(g for g in listed if g["id"] == guardrail_id and g["version"] == "DRAFT")
        summary = summary | {"version": version}
        return json.dumps(guardrail_answer(params, summary, self.bedrock_backend))

    def create_guardrail_version(self: Any) -> Answer:
        guardrail_id, found = guardrail_of(self, param(self, "guardrailIdentifier"))
        version = str(len(found["versions"]) + 1)
        found["versions"][version] = copy.deepcopy(found["params"])
        listed = _state_summaries(self, "guardrails")
        draft = next(g for g in listed if g["id"] == guardrail_id and g["version"] == "DRAFT")
        listed.append(draft | {"version": version, "createdAt": iso(utcnow())})
        return 202, {}, json.dumps({"guardrailId": guardrail_id, "version": version})

    def get_custom_model(self: Any) -> str:
        answer = json.loads(original_get_custom_model(self))
        backend = self.bedrock_backend
        job = backend.model_customization_jobs.get(answer.get("jobName"))
        kms = _key_arn(backend, getattr(job, "custom_model_kms_key_id", None))
        answer.pop("modelKmsKeyArn", None)
        if kms:
            answer["modelKmsKeyArn"] = kms
        answer["modelStatus"] = "Active"
        listed = json.loads(BedrockResponse.list_custom_models(self)).get("modelSummaries") or []
        for summary in listed:
            if summary.get("modelArn") == answer.get("modelArn"):
                answer["creationTime"] = summary["creationTime"]
        return json.dumps(answer)

    def create_model_import_job(self: Any) -> Answer:
        params = json.loads(self.body or "{}")
        backend = self.bedrock_backend
        for required in ("jobName", "importedModelName", "roleArn", "modelDataSource"):
            if not params.get(required):
                raise ValidationException(f"{required} is required")
        name = params["importedModelName"]
        models = _state(backend)["imported_models"]
        if any(m["modelName"] == name for m in models.values()):
            raise ValidationException(f"An imported model named {name} already exists")
        prefix = f"arn:{backend.partition}:bedrock:{backend.region_name}:{backend.account_id}"
        where = (backend.account_id, backend.region_name)
        model_arn = f"{prefix}:imported-model/{resource_id(*where, 'imported-model', name)}"
        job_arn = (
            f"{prefix}:model-import-job/{resource_id(*where, 'import-job', params['jobName'])}"
        )
        now = iso(utcnow())
        model = {
            "modelArn": model_arn,
            "modelName": name,
            "jobName": params["jobName"],
            "jobArn": job_arn,
            "modelDataSource": params["modelDataSource"],
            "creationTime": now,
            "modelArchitecture": "llama3",
            "instructSupported": True,
        }
        kms = _key_arn(backend, params.get("importedModelKmsKeyId"))
        if kms:
            model["modelKmsKeyArn"] = kms
        models[model_arn] = model
        summary = {
            k: model[k]
            for k in (
                "modelArn",
                "modelName",
                "creationTime",
                "instructSupported",
                "modelArchitecture",
            )
        }
        add_summary(backend.account_id, backend.region_name, "importedModelSummaries", summary)
        return 201, {}, json.dumps({"jobArn": job_arn})

    def get_imported_model(self: Any) -> str:
        identifier = param(self, "modelIdentifier")
        for model in _state(self.bedrock_backend)["imported_models"].values():
            if identifier in (model["modelArn"], model["modelName"]):
                return json.dumps(model)
        raise _not_found(f"Imported model {identifier} not found.")

    def create_model_invocation_job(self: Any) -> str:
        params = json.loads(self.body or "{}")
        backend = self.bedrock_backend
        for required in ("jobName", "roleArn", "modelId", "inputDataConfig", "outputDataConfig"):
            if not params.get(required):
                raise ValidationException(f"{required} is required")
        job_id = resource_id(backend.account_id, backend.region_name, "batch", params["jobName"])
        job_arn = (
            f"arn:{backend.partition}:bedrock:{backend.region_name}:{backend.account_id}:"
            f"model-invocation-job/{job_id}"
        )
        now = iso(utcnow())
        job = {
            "jobArn": job_arn,
            "jobName": params["jobName"],
            "modelId": params["modelId"],
            "roleArn": params["roleArn"],
            "status": "Submitted",
            "submitTime": now,
            "lastModifiedTime": now,
            "inputDataConfig": params["inputDataConfig"],
            "outputDataConfig": params["outputDataConfig"],
            "timeoutDurationInHours": params.get("timeoutDurationInHours", 24),
        }
        for optional in ("clientRequestToken", "vpcConfig", "modelInvocationType"):
            if params.get(optional) is not None:
                job[optional] = params[optional]
        _state(backend)["invocation_jobs"][job_arn] = job
        add_summary(backend.account_id, backend.region_name, "invocationJobSummaries", job)
        return json.dumps({"jobArn": job_arn})

    def get_model_invocation_job(self: Any) -> str:
        identifier = param(self, "jobIdentifier")
        for arn, job in _state(self.bedrock_backend)["invocation_jobs"].items():
            if identifier in (arn, arn.rsplit("/", 1)[-1]):
                return json.dumps(job)
        raise _not_found(f"Model invocation job {identifier} not found.")

    for name, method in (
        ("create_guardrail", create_guardrail),
        ("get_guardrail", get_guardrail),
        ("create_guardrail_version", create_guardrail_version),
        ("get_custom_model", get_custom_model),
        ("create_model_import_job", create_model_import_job),
        ("get_imported_model", get_imported_model),
        ("create_model_invocation_job", create_model_invocation_job),
        ("get_model_invocation_job", get_model_invocation_job),
    ):
        patch(BedrockResponse, name, method)


def _state_summaries(response: Any, key: str) -> list[dict[str, Any]]:
    """The listing store of :mod:`.bedrock_inventory` (its guardrail summaries)."""
    return listed_summaries(response.bedrock_backend, key)
