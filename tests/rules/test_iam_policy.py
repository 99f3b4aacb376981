"""The inert reading of IAM policy documents behind the AI access checks."""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.rules.support.iam_policy import (
    administrative,
    broad_grants,
    full_service_access,
    privilege_escalation,
    wildcard_resource_statements,
)


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.mark.parametrize("action", ["*", "*:*", ["s3:GetObject", "*"]])
def test_every_action_on_every_resource_is_administrative(action: Any) -> None:
    assert administrative(_doc(_allow(action))) is not None


def test_not_action_on_every_resource_is_administrative() -> None:
    doc = _doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
    assert administrative(doc) is not None  # PowerUserAccess's form


def test_a_deny_of_everything_undoes_it() -> None:
    doc = _doc(_allow("*"), {"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert administrative(doc) is None


def test_administrative_needs_every_resource() -> None:
    assert administrative(_doc(_allow("*", "arn:aws:s3:::bucket/*"))) is None


@pytest.mark.parametrize("action", ["bedrock:*", "BEDROCK:*", "bed*", "bedrock:*Model*"])
def test_full_bedrock_access(action: str) -> None:
    found = full_service_access(_doc(_allow(action)), "bedrock")
    assert (found is not None) == (action != "bedrock:*Model*")


def test_scoped_bedrock_access_is_not_full() -> None:
    doc = _doc(_allow(["bedrock:InvokeModel", "bedrock:Converse*"]))
    assert full_service_access(doc, "bedrock") is None
    assert broad_grants(doc, "bedrock") == []


def test_pass_role_counts_only_on_every_resource() -> None:
    scoped = _doc(_allow("iam:PassRole", "arn:aws:iam::111122223333:role/AgentRole"))
    assert privilege_escalation(scoped) is None
    found = privilege_escalation(_doc({**_allow("iam:PassRole"), "Sid": "Deploy"}))
    assert (
        found is not None
        and found.describe() == "privilege escalation (iam:PassRole) (statement Deploy)"
    )


def test_a_policy_write_on_any_resource_is_an_escalation() -> None:
    doc = _doc(_allow("iam:Put*", "arn:aws:iam::111122223333:user/me"))
    found = privilege_escalation(doc)
    assert found is not None and "iam:PutGroupPolicy" in found.kind


def test_wildcard_actions_on_every_resource_are_named_by_sid_or_position() -> None:
    doc = _doc(
        _allow("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/x"),
        {**_allow("s3:Get*"), "Sid": "ReadAll"},
        _allow("logs:*"),
    )
    assert wildcard_resource_statements(doc) == ["ReadAll", "#3"]


@pytest.mark.parametrize("document", [None, {}, {"Statement": "nonsense"}, {"Statement": [1, "x"]}])
def test_malformed_documents_grant_nothing(document: Any) -> None:
    assert broad_grants(document, "bedrock") == []
    assert wildcard_resource_statements(document) == []
