"""IAM, read once per account for the AI access checks (:class:`~aiposture.snapshot.access.IamPosture`).

IAM is global: every read goes to the partition's global region, after the account's
regions were read (the agent execution roles come from their inventory details). What is
read, all through IAM's read APIs:

- the Bedrock long-term API keys of every user: ``ListServiceSpecificCredentials`` with
  ``AllUsers`` and ``ServiceName=bedrock.amazonaws.com`` (botocore ``iam`` model:
  "A flag indicating whether to list service specific credentials for all users ... When
  true, returns all credentials associated with the specified service"), paged by
  ``Marker``/``IsTruncated`` (``MaxItems`` at most 1000). One request instead of
  ``ListUsers`` and one listing per user;
- for each user holding such a key: its attached and inline policies and its groups'
  (``ListAttachedUserPolicies``, ``ListUserPolicies``/``GetUserPolicy``,
  ``ListGroupsForUser``, ``ListAttachedGroupPolicies``, ``ListGroupPolicies``/
  ``GetGroupPolicy``);
- for each agent execution role in this account (``agentResourceRoleArn`` of GetAgent,
  ``roleArn`` of GetAgentRuntime): ``GetRole`` (its permissions boundary),
  ``ListAttachedRolePolicies``, ``ListRolePolicies``/``GetRolePolicy``;
- each managed policy those principals hold: ``GetPolicy`` (its default version) and
  ``GetPolicyVersion`` (the document);
- who holds AmazonBedrockFullAccess and BedrockAgentCoreFullAccess:
  ``ListEntitiesForPolicy`` on their partition's ARN.

Policy documents arrive URL-decoded and parsed by botocore (its ``json_decode_policies``
handler for IAM); a document that is still a string is decoded here, and one that does not
parse is kept as ``None`` with a recorded error. Every failure is a
:class:`~aiposture.snapshot.models.CallError` in the account's errors whose ``resource``
names the user, group, role or policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import unquote

from aiposture.collect.partitions import global_region, partition_of_region
from aiposture.collect.recorder import record_call
from aiposture.collect.responses import MalformedResponse
from aiposture.collect.session import UnitClients, arn_account, arn_partition
from aiposture.snapshot.access import (
    BEDROCK_API_KEY_SERVICE,
    AttachedPolicy,
    IamPosture,
    ManagedPolicyDocument,
    PolicyEntities,
    Principal,
    ServiceCredential,
)
from aiposture.snapshot.models import AccountSnapshot, CallError

__all__ = [
    "AGENT_ROLE_SOURCES",
    "WATCHED_MANAGED_POLICIES",
    "account_partition",
    "agent_role_arns",
    "managed_policy_arn",
    "read_account_iam",
]

WATCHED_MANAGED_POLICIES: tuple[str, ...] = (
    "AmazonBedrockFullAccess",
    "BedrockAgentCoreFullAccess",
)
"""The AWS managed policies whose attachments are listed (AWS Managed Policy Reference Guide:
AmazonBedrockFullAccess.html, BedrockAgentCoreFullAccess.html)."""

AGENT_ROLE_SOURCES: dict[str, tuple[str, ...]] = {
    "bedrock-agent:agent": ("agent", "agentResourceRoleArn"),
    "bedrock-agentcore-control:runtime": ("roleArn",),
}
"""Inventory kind -> the path in its ``details`` to the role it runs as."""

PAGE = 1000
"""``MaxItems`` for IAM listings (the botocore ``maxItemsType`` allows 1 to 1000)."""


def managed_policy_arn(name: str, partition: str) -> str:
    """The ARN of the AWS managed policy ``name`` in ``partition``."""
    return f"arn:{partition}:iam::aws:policy/{name}"


def _dig(details: dict[str, Any] | None, path: tuple[str, ...]) -> str | None:
    node: Any = details
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, str) and node else None


def agent_role_arns(acct: AccountSnapshot) -> list[str]:
    """The execution roles of the account's inventoried agents and runtimes, in this account."""
    found: dict[str, None] = {}
    for reg in acct.regions.values():
        for key, path in AGENT_ROLE_SOURCES.items():
            for item in (reg.inventory or {}).get(key, []):
                arn = _dig(item.details, path)
                if arn and ":role/" in arn and arn_account(arn) == acct.account_id:
                    found[arn] = None
    return list(found)


def _document(value: Any) -> dict[str, Any] | None:
    """A policy document as botocore returns it (a dict), or URL-encoded JSON text."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(unquote(value))
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


class _Reader:
    """The account's IAM reads, recording each failure with the resource it was about."""

    def __init__(self, clients: UnitClients, acct: AccountSnapshot, partition: str) -> None:
        self.region = global_region(partition)
        self.iam = clients("iam", self.region)
        self.acct = acct
        self.partition = partition
        self.posture = IamPosture()

    def call(self, fn: Callable[[], Any], operation: str, resource: str | None) -> Any:
        return record_call(
            self.acct.errors,
            fn,
            service="iam",
            operation=operation,
            region=self.region,
            account_id=self.acct.account_id,
            resource=resource,
        )

    def pages(self, method: str, key: str, **params: Any) -> list[Any]:
        """Every item under ``key`` of a Marker-paged IAM listing (raises on failure)."""
        return [item for page in self._pages(method, **params) for item in page.get(key) or []]

    def _pages(self, method: str, **params: Any) -> Iterable[dict[str, Any]]:
        """The pages of an IAM listing, ``PAGE`` items each.

        botocore's paginator where it has one (it refuses a repeated ``Marker``);
        ``ListServiceSpecificCredentials`` has none, so it is paged here, as strictly.
        """
        if self.iam.can_paginate(method):
            paginator = self.iam.get_paginator(method)
            yield from paginator.paginate(**params, PaginationConfig={"PageSize": PAGE})
            return
        seen: set[str] = set()
        marker: str | None = None
        while True:
            page = getattr(self.iam, method)(**params, MaxItems=PAGE, **_marker(marker))
            yield page
            marker = page.get("Marker")
            if not page.get("IsTruncated") or not marker:
                return
            if marker in seen:
                operation = self.iam.meta.method_to_api_mapping.get(method, method)
                reason = "the same Marker came back twice"
                raise MalformedResponse(service="iam", operation=operation, reason=reason)
            seen.add(marker)

    def api_keys(self) -> None:
        found = self.call(
            lambda: self.pages(
                "list_service_specific_credentials",
                "ServiceSpecificCredentials",
                AllUsers=True,
                ServiceName=BEDROCK_API_KEY_SERVICE,
            ),
            "ListServiceSpecificCredentials",
            None,
        )
        if found is None:
            return
        self.posture.bedrock_api_keys = [
            ServiceCredential(
                user_name=str(c["UserName"]),
                id=str(c["ServiceSpecificCredentialId"]),
                service_name=str(c["ServiceName"]),
                status=str(c["Status"]),
                create_date=c.get("CreateDate"),
                expiration_date=c.get("ExpirationDate"),
                raw=json.loads(json.dumps(c, default=str)),
            )
            for c in found
            if c.get("ServiceName") == BEDROCK_API_KEY_SERVICE
        ]

    def principal(self, kind: str, name: str, arn: str | None = None) -> Principal:
        cap = kind.capitalize()
        who = {f"{cap}Name": name}
        resource = arn or name
        p = Principal(kind=kind, name=name, arn=arn)
        attached = self.call(
            lambda: self.pages(f"list_attached_{kind}_policies", "AttachedPolicies", **who),
            f"ListAttached{cap}Policies",
            resource,
        )
        if attached is not None:
            p.attached = [
                AttachedPolicy(arn=str(a["PolicyArn"]), name=str(a["PolicyName"])) for a in attached
            ]
        names = self.call(
            lambda: self.pages(f"list_{kind}_policies", "PolicyNames", **who),
            f"List{cap}Policies",
            resource,
        )
        if names is not None:
            p.inline = {}
            for policy in names:
                p.inline[str(policy)] = self.inline(kind, who, str(policy), resource)
        return p

    def inline(self, kind: str, who: dict[str, str], policy: str, resource: str) -> Any:
        cap = kind.capitalize()
        answer = self.call(
            lambda: getattr(self.iam, f"get_{kind}_policy")(PolicyName=policy, **who),
            f"Get{cap}Policy",
            f"{resource}:policy/{policy}",
        )
        if answer is None:
            return None
        doc = _document(answer.get("PolicyDocument"))
        if doc is None:
            self._unparsable(f"Get{cap}Policy", f"{resource}:policy/{policy}")
        return doc

    def _unparsable(self, operation: str, resource: str) -> None:
        self.acct.errors.append(
            CallError(
                service="iam",
                operation=operation,
                region=self.region,
                account_id=self.acct.account_id,
                resource=resource,
                error_code="UnparsablePolicyDocument",
                message="the policy document is not a JSON object",
            )
        )

    def users(self) -> None:
        for user in dict.fromkeys(k.user_name for k in self.posture.bedrock_api_keys or []):
            p = self.principal("user", user)
            groups = self.call(
                partial(self.pages, "list_groups_for_user", "Groups", UserName=user),
                "ListGroupsForUser",
                user,
            )
            if groups is not None:
                p.groups = [str(g["GroupName"]) for g in groups]
                for g in groups:
                    name = str(g["GroupName"])
                    if name not in self.posture.groups:
                        self.posture.groups[name] = self.principal("group", name, g.get("Arn"))
            self.posture.users[user] = p

    def roles(self, arns: Iterable[str]) -> None:
        for arn in arns:
            name = arn.rsplit("/", 1)[-1]
            role = self.call(partial(self.iam.get_role, RoleName=name), "GetRole", arn)
            p = self.principal("role", name, arn)
            if role is not None:
                p.role_read = True
                p.permissions_boundary = (role.get("Role") or {}).get("PermissionsBoundary")
            self.posture.roles[arn] = p

    def documents(self) -> None:
        holders = [*self.posture.users.values(), *self.posture.groups.values()]
        holders += list(self.posture.roles.values())
        arns = dict.fromkeys(a.arn for p in holders for a in p.attached or [])
        for arn in arns:
            doc = ManagedPolicyDocument(arn=arn)
            self.posture.policies[arn] = doc
            policy = self.call(partial(self.iam.get_policy, PolicyArn=arn), "GetPolicy", arn)
            if policy is None:
                continue
            doc.name = (policy.get("Policy") or {}).get("PolicyName")
            version = (policy.get("Policy") or {}).get("DefaultVersionId")
            if not version:
                continue
            doc.default_version = str(version)
            answer = self.call(
                partial(self.iam.get_policy_version, PolicyArn=arn, VersionId=version),
                "GetPolicyVersion",
                arn,
            )
            if answer is None:
                continue
            doc.document = _document((answer.get("PolicyVersion") or {}).get("Document"))
            if doc.document is None:
                self._unparsable("GetPolicyVersion", arn)

    def entities(self) -> None:
        for name in WATCHED_MANAGED_POLICIES:
            arn = managed_policy_arn(name, self.partition)
            found = self.call(partial(self._entities, arn), "ListEntitiesForPolicy", arn)
            if found is not None:
                self.posture.policy_entities[arn] = found

    def _entities(self, arn: str) -> PolicyEntities:
        out = PolicyEntities()
        for page in self._pages("list_entities_for_policy", PolicyArn=arn):
            out.roles += [str(r["RoleName"]) for r in page.get("PolicyRoles") or []]
            out.users += [str(u["UserName"]) for u in page.get("PolicyUsers") or []]
            out.groups += [str(g["GroupName"]) for g in page.get("PolicyGroups") or []]
        return out


def _marker(marker: str | None) -> dict[str, str]:
    return {"Marker": marker} if marker else {}


def account_partition(acct: AccountSnapshot) -> str:
    """The account's partition: its first scanned region's, else its identity ARN's."""
    if acct.scanned_regions:
        return partition_of_region(acct.scanned_regions[0])
    return arn_partition(acct.identity_arn or "")


def read_account_iam(
    clients: UnitClients, acct: AccountSnapshot, partition: str | None = None
) -> None:
    """Read the account's IAM evidence into ``acct.iam`` (after its regions were read)."""
    reader = _Reader(clients, acct, partition or account_partition(acct))
    reader.api_keys()
    reader.users()
    reader.roles(agent_role_arns(acct))
    reader.documents()
    reader.entities()
    acct.iam = reader.posture
