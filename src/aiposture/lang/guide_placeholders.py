"""Finding the monitoring guide's placeholders (``ACCOUNT_ID``, ``<trailName>``) in values."""

from __future__ import annotations

import re
from typing import Final

NAMED_PLACEHOLDERS: Final = frozenset(
    {
        "ACCOUNT_ID",
        "REGION",
        "BEDROCK_EXECUTION_ROLE_NAME",
        "YOUR_CLOUDTRAIL_LOG_GROUP",
        "PROVIDER_NAME",
    }
)
"""Placeholders the guide spells out that no general pattern below catches."""

_TOKEN: Final = re.compile(r"<[^<>\s][^<>]*>|[A-Za-z0-9_]+")
_PLACEHOLDER_SHAPES: Final = (
    re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_ID"),  # AGENT_ID, KB_ID, PROD_GATEWAY_ID
    re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_NAME"),  # ROLE_NAME, BUCKET_NAME
    re.compile(r"PROD_[A-Z0-9_]+"),  # PROD_AGENT_ID, PROD_KB_PREFIX
    re.compile(r"YOUR_[A-Z0-9_]+"),  # YOUR_BUCKET
)


def _is_placeholder(token: str) -> bool:
    if token.startswith("<"):
        return True
    return token in NAMED_PLACEHOLDERS or any(p.fullmatch(token) for p in _PLACEHOLDER_SHAPES)


def find_placeholders(value: str) -> list[str]:
    """Return the guide placeholders left in ``value``, in order of appearance, each once.

    A placeholder is a whole token: tokens are runs of ``[A-Za-z0-9_]``, so ``REGION`` never
    matches inside ``us-east-1`` and ``AWS::Bedrock::AgentAlias`` holds none. Upper-case tokens
    ending in ``_ID`` or ``_NAME``, or starting with ``PROD_`` or ``YOUR_``, count, as do the
    guide's named tokens and angle-bracket placeholders such as ``<trailName>``.
    """
    found: list[str] = []
    for match in _TOKEN.finditer(value):
        token = match.group()
        if _is_placeholder(token) and token not in found:
            found.append(token)
    return found
