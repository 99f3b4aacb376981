"""What an AgentCore custom JWT authorizer restricts, as the runtime and gateway checks read it.

``authorizerConfiguration.customJWTAuthorizer`` (GetAgentRuntime, GetGateway; API reference,
CustomJWTAuthorizerConfiguration): the AgentCore Developer Guide ("Configure inbound JWT
authorizer", inbound-jwt-authorizer.html) says the authorizer fetches the identity
provider's keys from ``discoveryUrl`` and validates the token's ``aud`` claim against
``allowedAudience`` and its ``client_id`` against ``allowedClients``. With neither, any
token the identity provider issues is accepted, for any application.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiposture.rules.support.details import dig, nonempty_strings


def jwt_facts(config: Any) -> tuple[dict[str, Any], list[str]]:
    """The JWT authorizer's facts for the evidence, and what it lacks (empty: complete).

    ``config`` is the resource's ``authorizerConfiguration``.
    """
    jwt = dig(config, "customJWTAuthorizer") if isinstance(config, Mapping) else None
    if not isinstance(jwt, Mapping):
        return {"customJWTAuthorizer": None}, ["no custom JWT authorizer"]
    url = jwt.get("discoveryUrl")
    audience = nonempty_strings(jwt.get("allowedAudience"))
    clients = nonempty_strings(jwt.get("allowedClients"))
    facts = {
        "discoveryUrl": url,
        "allowedAudience": audience,
        "allowedClients": clients,
        "allowedScopes": nonempty_strings(jwt.get("allowedScopes")),
    }
    lacks = []
    if not (isinstance(url, str) and url.strip()):
        lacks.append("no discovery URL")
    if not audience and not clients:
        lacks.append(
            "neither allowedAudience nor allowedClients, so it accepts any token the identity "
            "provider issues, for any application"
        )
    return facts, lacks


def restriction(facts: Mapping[str, Any]) -> str:
    """What a complete authorizer restricts, in words ("audience X and clients Y")."""
    parts = []
    if facts.get("allowedAudience"):
        parts.append(f"audience {', '.join(facts['allowedAudience'])}")
    if facts.get("allowedClients"):
        parts.append(f"clients {', '.join(facts['allowedClients'])}")
    return " and ".join(parts)
