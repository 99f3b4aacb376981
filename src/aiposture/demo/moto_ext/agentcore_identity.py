"""AgentCore Identity and Evaluations as AWS answers them (moto 5.2.5 has neither).

- CreateWorkloadIdentity/ListWorkloadIdentities (ARN
  ``...:workload-identity-directory/default/workload-identity/<name>``),
  CreateOauth2CredentialProvider/ListOauth2CredentialProviders and
  CreateApiKeyCredentialProvider/ListApiKeyCredentialProviders (ARNs
  ``arn:aws:acps:<region>:<account>:token-vault/default/oauth2credentialprovider/<name>``
  and ``.../apikeycredentialprovider/<name>``: the botocore model's
  CredentialProviderArnType and ApiKeyCredentialProviderArnType patterns); a second one of
  the same name is a ``ValidationException``.
- ListEvaluators returns the built-in evaluators with the account's own ("Lists all
  available evaluators, including both builtin evaluators provided by the service and
  custom evaluators created by the user", ListEvaluators API reference); a built-in's ARN
  has no region or account (``arn:aws:bedrock-agentcore:::evaluator/Builtin.<name>``, the
  EvaluatorArn pattern). :func:`add_evaluator` adds a custom one (CreateEvaluator needs an
  evaluator model configuration the demo has no use for).
"""

from __future__ import annotations

from typing import Any

from aiposture.demo.moto_ext.agentcore_paging import (
    BUILT_IN_AT,
    paged,
    store,
    stored,
    suffix,
    validation,
)
from aiposture.demo.moto_ext.common import patch, utcnow

__all__ = ["BUILTIN_EVALUATORS", "add_evaluator", "patch_identity_and_evaluators"]

BUILTIN_EVALUATORS = ("Builtin.Helpfulness", "Builtin.Correctness", "Builtin.Faithfulness")
"""Built-in evaluators ListEvaluators returns in every account (AgentCore Evaluations)."""


def _identity_methods(cls: Any) -> None:
    """Workload identities and the two kinds of credential provider (token vault ``default``)."""
    from moto.core.responses import ActionResult
    from moto.utilities.utils import get_partition

    def arn(backend: Any, service: str, path: str) -> str:
        partition = get_partition(backend.region_name)
        return f"arn:{partition}:{service}:{backend.region_name}:{backend.account_id}:{path}"

    def unique(backend: Any, kind: str, name: str) -> None:
        if name in store(backend, kind):
            raise validation(f"Resource with name {name} already exists")

    def create_workload_identity(self: Any) -> Any:
        params, backend = self._get_params(), self.backend
        name = params["name"]
        unique(backend, "workload-identity", name)
        record = {
            "name": name,
            "workloadIdentityArn": arn(
                backend,
                "bedrock-agentcore",
                f"workload-identity-directory/default/workload-identity/{name}",
            ),
        }
        store(backend, "workload-identity")[name] = record
        return ActionResult(
            record
            | {
                "allowedResourceOauth2ReturnUrls": params.get("allowedResourceOauth2ReturnUrls")
                or []
            }
        )

    def create_oauth2_credential_provider(self: Any) -> Any:
        params, backend = self._get_params(), self.backend
        name = params["name"]
        unique(backend, "oauth2", name)
        now = utcnow()
        record = {
            "name": name,
            "credentialProviderVendor": params["credentialProviderVendor"],
            "credentialProviderArn": arn(
                backend, "acps", f"token-vault/default/oauth2credentialprovider/{name}"
            ),
            "createdTime": now,
            "lastUpdatedTime": now,
        }
        store(backend, "oauth2")[name] = record
        secret = arn(
            backend, "secretsmanager", f"secret:bedrock-agentcore-identity!default/oauth2/{name}"
        )
        return ActionResult(
            {
                "clientSecretArn": {"secretArn": secret},
                "name": name,
                "credentialProviderArn": record["credentialProviderArn"],
                "callbackUrl": f"https://bedrock-agentcore.{backend.region_name}.amazonaws.com/"
                "identities/oauth2/callback",
            }
        )

    def create_api_key_credential_provider(self: Any) -> Any:
        params, backend = self._get_params(), self.backend
        name = params["name"]
        unique(backend, "api-key", name)
        now = utcnow()
        record = {
            "name": name,
            "credentialProviderArn": arn(
                backend, "acps", f"token-vault/default/apikeycredentialprovider/{name}"
            ),
            "createdTime": now,
            "lastUpdatedTime": now,
        }
        store(backend, "api-key")[name] = record
        secret = arn(
            backend, "secretsmanager", f"secret:bedrock-agentcore-identity!default/apikey/{name}"
        )
        return ActionResult(
            {
                "apiKeySecretArn": {"secretArn": secret},
                "name": name,
                "credentialProviderArn": record["credentialProviderArn"],
            }
        )

    patch(cls, "create_workload_identity", create_workload_identity)
    patch(cls, "create_oauth2_credential_provider", create_oauth2_credential_provider)
    patch(cls, "create_api_key_credential_provider", create_api_key_credential_provider)
    for method, key, operation, kind in (
        (
            "list_workload_identities",
            "workloadIdentities",
            "ListWorkloadIdentities",
            "workload-identity",
        ),
        (
            "list_oauth2_credential_providers",
            "credentialProviders",
            "ListOauth2CredentialProviders",
            "oauth2",
        ),
        (
            "list_api_key_credential_providers",
            "credentialProviders",
            "ListApiKeyCredentialProviders",
            "api-key",
        ),
    ):
        patch(
            cls,
            method,
            paged(key, operation, stored(kind)),
        )


def add_evaluator(backend: Any, name: str, level: str = "SESSION") -> dict[str, Any]:
    """Add a custom evaluator to a moto backend (its id: the name, ``-`` and 10 characters)."""
    from moto.utilities.utils import get_partition

    evaluator_id = f"{name}-{suffix(backend.account_id, backend.region_name, 'evaluator', name)}"
    now = utcnow()
    record = {
        "evaluatorArn": f"arn:{get_partition(backend.region_name)}:bedrock-agentcore:"
        f"{backend.region_name}:{backend.account_id}:evaluator/{evaluator_id}",
        "evaluatorId": evaluator_id,
        "evaluatorName": name,
        "evaluatorType": "Custom",
        "level": level,
        "status": "ACTIVE",
        "createdAt": now,
        "updatedAt": now,
    }
    store(backend, "evaluator")[evaluator_id] = record
    return record


def _evaluator_methods(cls: Any) -> None:
    from moto.utilities.utils import get_partition

    def found(self: Any) -> list[dict[str, Any]]:
        backend = self.backend
        created = BUILT_IN_AT
        builtins = [
            {
                "evaluatorArn": f"arn:{get_partition(backend.region_name)}:bedrock-agentcore:::"
                f"evaluator/{name}",
                "evaluatorId": name,
                "evaluatorName": name,
                "evaluatorType": "Builtin",
                "provider": "AWS",
                "level": "TRACE",
                "status": "ACTIVE",
                "createdAt": created,
                "updatedAt": created,
            }
            for name in BUILTIN_EVALUATORS
        ]
        return builtins + list(store(backend, "evaluator").values())

    patch(cls, "list_evaluators", paged("evaluators", "ListEvaluators", found))


def patch_identity_and_evaluators(cls: Any) -> None:
    """Add the identity and evaluator operations to moto's AgentCore Control responses.

    As the botocore model of ``bedrock-agentcore-control`` (ARN patterns) and the AgentCore
    Control API Reference (ListEvaluators) describe them: see the module docstring.
    """
    _identity_methods(cls)
    _evaluator_methods(cls)
