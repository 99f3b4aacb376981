"""IAM service-specific credentials, among them Amazon Bedrock long-term API keys (moto has none).

IAM API Reference, CreateServiceSpecificCredential and ListServiceSpecificCredentials;
botocore ``iam`` model 1.44: ``CreateServiceSpecificCredentialRequest`` (``UserName``,
``ServiceName``, ``CredentialAgeDays`` 1 to 36600: "This field is only valid for services
that support long-term API keys ... When not specified, the credential will not expire"),
``ListServiceSpecificCredentialsRequest`` (``UserName``, ``ServiceName``, ``AllUsers``
"cannot be specified together with UserName", ``Marker``, ``MaxItems``) and
``ServiceSpecificCredentialMetadata`` (``ExpirationDate`` "only present for Bedrock API keys
and CloudWatch Logs API keys that were created with an expiration period"). The IAM User
Guide, "API keys for AWS services" (id_credentials_api_keys_for_aws_services.html), names
the services with long-term API keys: Amazon Bedrock (``bedrock.amazonaws.com``) and
CloudWatch Logs (``logs.amazonaws.com``).
"""

from __future__ import annotations

import secrets
import string
import threading
from datetime import timedelta
from typing import Any

from aiposture.demo.moto_ext.common import patch, utcnow

__all__ = ["patch_service_specific_credentials"]

API_KEY_SERVICES = frozenset({"bedrock.amazonaws.com", "logs.amazonaws.com"})
"""Services whose credentials are API keys that may expire (CredentialAgeDays)."""

SERVICES = API_KEY_SERVICES | {"codecommit.amazonaws.com", "cassandra.amazonaws.com"}
"""Services IAM issues service-specific credentials for (IAM User Guide)."""

_LOCK = threading.Lock()
_ATTRIBUTE = "aiposture_service_specific_credentials"
"""Where the credentials live: on the account's moto IAM backend, so that a reset of moto
(a new ``mock_aws()``) forgets them as it forgets users."""


def _credential_id() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "ACCA" + "".join(secrets.choice(alphabet) for _ in range(17))


def patch_service_specific_credentials() -> None:
    """IAM CreateServiceSpecificCredential and ListServiceSpecificCredentials (module docstring).

    Sources: IAM API Reference (CreateServiceSpecificCredential,
    ListServiceSpecificCredentials) and the botocore ``iam`` model shapes named in the module
    docstring; the IAM User Guide for which services have expiring API keys.
    """
    from moto.core.responses import ActionResult
    from moto.iam.exceptions import NotFoundException, ValidationError
    from moto.iam.responses import IamResponse

    def _store(self: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.backend.__dict__.setdefault(_ATTRIBUTE, [])
        return found

    def create_service_specific_credential(self: Any) -> ActionResult:
        user_name = str(self._get_param("UserName"))
        service = str(self._get_param("ServiceName"))
        age = self._get_int_param("CredentialAgeDays")
        self.backend.get_user(user_name)  # NoSuchEntity as in AWS
        if service not in SERVICES:
            raise ValidationError(f"Service {service} is not supported.")
        if age is not None and (service not in API_KEY_SERVICES or not 1 <= age <= 36600):
            raise ValidationError("CredentialAgeDays is not valid for this service.")
        now = utcnow()
        cred: dict[str, Any] = {
            "CreateDate": now,
            "ServiceName": service,
            "ServiceSpecificCredentialId": _credential_id(),
            "UserName": user_name,
            "Status": "Active",
        }
        if age is not None:
            cred["ExpirationDate"] = now + timedelta(days=age)
        if service in API_KEY_SERVICES:
            cred["ServiceCredentialAlias"] = f"{user_name}-at-{self.current_account}"
            secret = secrets.token_urlsafe(32)
            answer = dict(cred, ServiceCredentialSecret=secret)
        else:
            cred["ServiceUserName"] = f"{user_name}-at-{self.current_account}"
            answer = dict(cred, ServicePassword=secrets.token_urlsafe(24))
        with _LOCK:
            _store(self).append(cred)
        return ActionResult({"ServiceSpecificCredential": answer})

    def list_service_specific_credentials(self: Any) -> ActionResult:
        user_name = self._get_param("UserName")
        service = self._get_param("ServiceName")
        all_users = self._get_bool_param("AllUsers", False)
        if all_users and user_name:
            raise ValidationError("AllUsers cannot be specified together with UserName.")
        if user_name:
            self.backend.get_user(user_name)
        elif not all_users:
            # without either, IAM answers for the calling user; the demo calls as a role
            raise NotFoundException("The caller is not an IAM user.")
        with _LOCK:
            found = [
                c
                for c in _store(self)
                if (all_users or c["UserName"] == user_name)
                and (not service or c["ServiceName"] == service)
            ]
        start = int(self._get_param("Marker") or 0)
        size = self._get_int_param("MaxItems") or 100
        page = found[start : start + size]
        result: dict[str, Any] = {"ServiceSpecificCredentials": page}
        if start + size < len(found):
            result.update(IsTruncated=True, Marker=str(start + size))
        else:
            result["IsTruncated"] = False
        return ActionResult(result)

    patch(IamResponse, "create_service_specific_credential", create_service_specific_credential)
    patch(IamResponse, "list_service_specific_credentials", list_service_specific_credentials)


AI_MANAGED_POLICIES: tuple[str, ...] = (
    "AdministratorAccess",
    "AmazonBedrockFullAccess",
    "AmazonBedrockReadOnly",
    "BedrockAgentCoreFullAccess",
)
"""AWS managed policies moto provides in every account even when it does not load them all."""


def patch_ai_managed_policies() -> None:
    """The AWS managed policies of :data:`AI_MANAGED_POLICIES` exist in every account.

    In AWS every account can attach any AWS managed policy (IAM User Guide, "AWS managed
    policies"); moto loads them only with ``iam.load_aws_managed_policies`` (slow: about
    1,400 documents per account), so ``AttachUserPolicy`` of AmazonBedrockFullAccess fails
    with NoSuchEntity. This loads the few the demo and the AI access checks use, from moto's
    own copy of the documents (``moto/iam/aws_managed_policies.py``).
    """
    import json

    from moto.iam import models
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    original = models.IAMBackend._init_aws_policies
    every = json.loads(aws_managed_policies_data)  # parsed once: every account reads it
    data = {name: every[name] for name in AI_MANAGED_POLICIES if name in every}

    def _init_aws_policies(self: Any) -> list[Any]:
        loaded = list(original(self))
        if loaded:
            return loaded
        return [
            models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data[name])
            for name in AI_MANAGED_POLICIES
            if name in data
        ]

    patch(models.IAMBackend, "_init_aws_policies", _init_aws_policies)
