"""The monitoring guide's selectors, raw or filled in.

The groups aiposture recommends come from :func:`aiposture.guide.guide_selectors` (``bedrock``,
``agentcore``, ``s3``, ``lambda``, ``network``, ``org_trail``, ``mantle``); the guide's examples of
narrowed groups, which aiposture does not deploy, from tests/lang/cases/guide_narrowing_selectors.json.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from aiposture.guide import guide_selectors as recommended_group

CASES = Path(__file__).parent / "cases"

# What a reader of the guide would type in for account 111122223333 in us-east-1.
GUIDE_VALUES = {
    "REGION": "us-east-1",
    "ACCOUNT_ID": "111122223333",
    "AGENT_ID": "QWERTY1234",
    "ALIAS_ID": "TSTALIASID",
    "PROD_AGENT_ID": "QWERTY1234",
    "KB_ID": "KBX7Y8Z9W0",
    "PROD_KB_ID": "KBX7Y8Z9W0",
    "FLOW_ID": "FLOW9A8B7C",
    "GUARDRAIL_ID": "gr4x5y6z7w8v",
    "PROMPT_ID": "PRMT1A2B3C",
    "POLICY_ID": "arpol1a2b3c4",
    "PROJECT_ID": "d1e2f3a4b5c6",
    "TOOL_ID": "tool7h8i9j",
    "BEDROCK_EXECUTION_ROLE_NAME": "BedrockAgentExecRole",
    "GATEWAY_ID": "mcp-gateway-a1b2c3d4e5",
    "PROD_GATEWAY_ID": "mcp-gateway-a1b2c3d4e5",
    "RUNTIME_ID": "support_agent-Ab12Cd34Ef",
    "PROD_RUNTIME_ID": "support_agent-Ab12Cd34Ef",
    "DIRECTORY_ID": "default",
    "PROVIDER_NAME": "github",
    "MEMORY_ID": "support_memory-Xy98Zw76Vu",
    "EVALUATOR_ID": "eval-quality-01",
    "CUSTOM_TOOL_ID": "ci-custom-0a1b2c",
    "CUSTOM_BROWSER_ID": "br-custom-0a1b2c",
}


@cache
def _narrowing_groups() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES / "guide_narrowing_selectors.json").read_text())
    return data


def fill_in(text: str, values: dict[str, str] = GUIDE_VALUES) -> str:
    """Replace whole placeholder tokens (``REGION`` never inside ``us-east-1``)."""
    for token, value in values.items():
        text = re.sub(rf"(?<![A-Za-z0-9_]){token}(?![A-Za-z0-9_])", value, text)
    return text


def guide_selectors(key: str, *, filled: bool = False) -> list[dict[str, Any]]:
    """A fresh copy of one group of the guide's advanced selectors."""
    narrowing = _narrowing_groups()
    text = json.dumps(narrowing[key] if key in narrowing else recommended_group(key))
    result: list[dict[str, Any]] = json.loads(fill_in(text) if filled else text)
    return result


def guide_trail(key: str, *, filled: bool = False) -> dict[str, Any]:
    """A GetEventSelectors response carrying one group of the guide's selectors."""
    return {"AdvancedEventSelectors": guide_selectors(key, filled=filled)}
