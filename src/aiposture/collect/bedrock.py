"""Bedrock: model invocation logging (GetModelInvocationLoggingConfiguration)."""

from __future__ import annotations

from typing import Any

from aiposture.snapshot.models import BEDROCK_SERVICE, InvocationLogging

SERVICE = BEDROCK_SERVICE
"""The botocore service name (and endpoint prefix) of the Bedrock control plane."""


def invocation_logging(client: Any) -> InvocationLogging:
    """Read the region's model invocation logging configuration verbatim (raises on failure)."""
    resp = client.get_model_invocation_logging_configuration()
    return InvocationLogging(config=dict(resp.get("loggingConfig") or {}))
