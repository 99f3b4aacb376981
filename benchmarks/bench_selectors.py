"""Selector-evaluation throughput: the guide's full selector set against representative events."""

from __future__ import annotations

import json
import time
from pathlib import Path

from aiposture.lang.selectors import trail_logs
from aiposture.rules.support.events import cloudtrail_event

GUIDE = Path(__file__).resolve().parents[1] / "src" / "aiposture" / "guide" / "selectors.json"


def _events(n: int) -> list[dict[str, object]]:
    kinds = [
        (
            "Data",
            "bedrock.amazonaws.com",
            "InvokeAgent",
            "AWS::Bedrock::AgentAlias",
            "arn:aws:bedrock:us-east-1:111122223333:agent-alias/AGENT_ID/ALIAS",
        ),
        (
            "Data",
            "s3.amazonaws.com",
            "PutObject",
            "AWS::S3::Object",
            "arn:aws:s3:::ai-training-data-x/o",
        ),
        (
            "Data",
            "bedrock-agentcore.amazonaws.com",
            "InvokeGateway",
            "AWS::BedrockAgentCore::Gateway",
            "arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/GATEWAY_ID",
        ),
        ("Management", "bedrock.amazonaws.com", "InvokeModel", "", ""),
    ]
    out = []
    for i in range(n):
        cat, src, name, rtype, arn = kinds[i % len(kinds)]
        out.append(
            cloudtrail_event(
                category=cat,
                source=src,
                name=name,
                read_only=bool(i % 2),
                account="111122223333",
                region="us-east-1",
                resources=[{"type": rtype, "ARN": arn}] if rtype else (),
            )
        )
    return out


def _filled(selectors: list[dict[str, object]]) -> list[dict[str, object]]:
    """The guide's selectors with its placeholders replaced by real values."""
    text = (
        json.dumps(selectors)
        .replace("ACCOUNT_ID", "111122223333")
        .replace(":REGION:", ":us-east-1:")
    )
    return list(json.loads(text))


def run() -> None:
    """Print events judged per second against the 34-selector organization trail."""
    doc = json.loads(GUIDE.read_text())
    selectors = {"AdvancedEventSelectors": _filled(doc["org_trail"])}
    n_sel = len(selectors["AdvancedEventSelectors"])
    events = _events(20_000)
    start = time.perf_counter()
    logged = sum(trail_logs(selectors, e).logged for e in events)
    elapsed = time.perf_counter() - start
    print(
        f"selector evaluation: {len(events)} events x {n_sel} selectors in {elapsed:.2f} s "
        f"= {len(events) / elapsed:,.0f} events/s ({len(events) * n_sel / elapsed:,.0f} selector tests/s); "
        f"{logged} logged"
    )
