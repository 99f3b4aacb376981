"""Inert reading of IAM policy documents: what a principal's policies grant broadly.

Documents come from IAM's read APIs (see :mod:`aiposture.snapshot.access`) and are data:
nothing here evaluates them beyond matching action patterns as IAM does (case-insensitive,
``*`` any run of characters, ``?`` one). The questions, and how far they go:

- **administrative**: an ``Allow`` statement on every resource (``Resource`` ``"*"``) whose
  actions cover every action (``"*"``, ``"*:*"``), or an ``Allow`` with ``NotAction``;
- **full service access**: an ``Allow`` on every resource whose actions cover every action
  of the service (``"bedrock:*"``, ``"bedrock:*"`` through ``"b*"``...);
- **privilege escalation**: an ``Allow`` (on any resource, conditions ignored: a finding
  to review, as Prowler's ``check_privilege_escalation`` does) of an IAM action that lets
  the holder give itself more permissions (:data:`ESCALATION_ACTIONS`, the single-action
  IAM paths of Rhino Security Labs' "AWS IAM privilege escalation methods", which Prowler's
  list starts with). Multi-service paths (``iam:PassRole`` with ``ec2:RunInstances``,
  ``lambda:CreateFunction``...) are reported through ``iam:PassRole`` on every resource.

An explicit ``Deny`` on every resource without a condition removes what it matches.
Conditions on an ``Allow`` are not evaluated: a conditional grant still counts (stricter).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

ESCALATION_ACTIONS: tuple[str, ...] = (
    "iam:AddUserToGroup",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicyVersion",
    "iam:PassRole",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateLoginProfile",
)
"""IAM actions that let their holder raise its own (or another principal's) permissions."""

_SENTINELS = ("\x01", "\x01\x02\x03\x04\x05\x06\x07\x08")
"""Action names no real pattern spells out: a pattern that matches ``<service>:`` followed by
each of them covers every action of the service."""


@cache
def _pattern(entry: str) -> re.Pattern[str]:
    body = re.escape(entry).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(body, re.IGNORECASE | re.DOTALL)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _statements(document: dict[str, Any] | None) -> list[dict[str, Any]]:
    raw = (document or {}).get("Statement")
    items = raw if isinstance(raw, list) else [raw]
    return [s for s in items if isinstance(s, dict)]


def _on_every_resource(statement: dict[str, Any]) -> bool:
    return any(r in ("*", "*:*", "*/*") for r in _as_list(statement.get("Resource")))


def _effect(statement: dict[str, Any]) -> str:
    return str(statement.get("Effect", "")).strip().lower()


def _matches(patterns: Iterable[str], action: str) -> bool:
    return any(_pattern(p).fullmatch(action) for p in patterns)


def _denied(document: dict[str, Any] | None, action: str) -> bool:
    for st in _statements(document):
        unconditional = _effect(st) == "deny" and "Condition" not in st
        if (
            unconditional
            and _on_every_resource(st)
            and _matches(_as_list(st.get("Action")), action)
        ):
            return True
    return False


def _covers_all(patterns: Iterable[str], prefix: str) -> bool:
    pats = list(patterns)
    return all(_matches(pats, f"{prefix}{s}") for s in _SENTINELS)


@dataclass(frozen=True)
class Grant:
    """One broad grant a document makes: what kind, and the statement's ``Sid`` if any."""

    kind: str
    """``administrative``, ``full <service> access`` or ``privilege escalation (<action>)``."""
    sid: str | None = None

    def describe(self) -> str:
        """The grant in words (the Sid is AWS data: plain text for the renderers)."""
        return f"{self.kind} (statement {self.sid})" if self.sid else self.kind


def administrative(document: dict[str, Any] | None) -> Grant | None:
    """The first statement granting every action on every resource, if any."""
    for st in _statements(document):
        if _effect(st) != "allow" or not _on_every_resource(st):
            continue
        every = st.get("NotAction") is not None or _covers_all(_as_list(st.get("Action")), "\x02:")
        if every and not _denied(document, "\x01:\x01"):  # a Deny of every action undoes it
            return Grant("administrative access", _sid(st))
    return None


def full_service_access(document: dict[str, Any] | None, service: str) -> Grant | None:
    """The first statement granting every action of ``service`` on every resource, if any."""
    for st in _statements(document):
        if _effect(st) != "allow" or not _on_every_resource(st):
            continue
        actions = _as_list(st.get("Action"))
        if _covers_all(actions, f"{service}:") and not _denied(document, f"{service}:InvokeModel"):
            return Grant(f"full {service} access", _sid(st))
    return None


def privilege_escalation(document: dict[str, Any] | None) -> Grant | None:
    """The first statement allowing an action of :data:`ESCALATION_ACTIONS`, if any."""
    for st in _statements(document):
        if _effect(st) != "allow":
            continue
        actions = _as_list(st.get("Action"))
        for action in ESCALATION_ACTIONS:
            if action == "iam:PassRole" and not _on_every_resource(st):
                continue
            if _matches(actions, action) and not _denied(document, action):
                return Grant(f"privilege escalation ({action})", _sid(st))
    return None


def broad_grants(document: dict[str, Any] | None, service: str) -> list[Grant]:
    """Administrative access, else full ``service`` access, and privilege escalation."""
    found = [administrative(document) or full_service_access(document, service)]
    found.append(privilege_escalation(document))
    return [g for g in found if g is not None]


def _sid(statement: dict[str, Any]) -> str | None:
    sid = statement.get("Sid")
    return str(sid) if isinstance(sid, str) and sid else None


def wildcard_resource_statements(document: dict[str, Any] | None) -> list[str]:
    """The Sids (or positions) of ``Allow`` statements with a wildcard action on ``*``.

    A statement such as ``"Action": "s3:*", "Resource": "*"`` or ``"bedrock:Invoke*"`` on
    every resource: broader than an agent needs (Bedrock User Guide, "Create a service
    role for Amazon Bedrock Agents", scopes each permission to the agent's models).
    """
    out = []
    for index, st in enumerate(_statements(document)):
        if _effect(st) != "allow" or not _on_every_resource(st):
            continue
        if st.get("NotAction") is not None or any("*" in a for a in _as_list(st.get("Action"))):
            out.append(_sid(st) or f"#{index + 1}")
    return out
