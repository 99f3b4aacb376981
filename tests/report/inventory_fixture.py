"""The report fixture with an AI inventory: ``Results.scoping`` built by hand, the data-event
checks' evidence naming the resources they judged, and scoped-out results.

Account A, us-east-1: AI in use, five resources (one logged, one not logged with a hostile
name and ARN, one a kind with no data events, one no check judged, one judged by a check
of another region only); one workload scoped out there. Account A, eu-west-1 and account B,
eu-west-1: no resource and no use, collapsed. Account B, us-east-1: a metric and a listing
could not be read (cannot tell, nothing scoped out).
"""

from __future__ import annotations

from aiposture.results import (
    InventoryEntry,
    RegionScope,
    Remediation,
    Result,
    Results,
    Scoping,
    Severity,
    Status,
)
from tests.report.conftest import ACCOUNT_A, ACCOUNT_B, build_results

HOSTILE_NAME = '<script>alert(7)</script>|`tick`=HYPERLINK("http://evil.example/x")'
"""A gateway name with HTML, a table pipe, backticks and a spreadsheet formula."""
HOSTILE_ARN = (
    f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT_A}:gateway/gw-<img src=x onerror=alert(8)>"
)

ALIAS_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT_A}:agent-alias/AGENT1/TSTALIASID"
AGENT_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT_A}:agent/AGENT1"
KB_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT_A}:knowledge-base/KB1"
MEMORY_ARN = f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT_A}:memory/mem-1"
GATEWAY = "AWS::BedrockAgentCore::Gateway"
BROWSER = "AWS::BedrockAgentCore::BrowserCustom"
TRAIL_BY = "org-trail (Bedrock-AgentAlias-DataEvents)"


def _check(
    check_id: str,
    status: Status,
    account: str,
    region: str,
    *,
    evidence: dict[str, object],
    message: str,
) -> Result:
    return Result(
        check_id=check_id,
        title=f"Title of {check_id}",
        severity=Severity.HIGH,
        status=status,
        account_id=account,
        region=region,
        resource_arn=None,
        seed_refs=[],
        dimensions=["agentic.audit"],
        message=message,
        evidence=evidence,
        remediation=Remediation(text="Log the data events."),
    )


def _scoped(check_id: str, account: str, region: str, workload: str, label: str) -> Result:
    reason = f"no {label} exists in {region} and no use was seen in 30 days"
    return _check(
        check_id,
        Status.NOT_APPLICABLE,
        account,
        region,
        evidence={"scoping": {"mode": "auto", "workload": workload, "reason": reason}},
        message=reason,
    )


def _resource(arn: str, name: str, kind: str, label: str, logged: bool, by: str | None) -> dict:
    rid = arn.rsplit("/", 1)[-1]
    return {
        "arn": arn,
        "id": rid,
        "name": name,
        "kind": kind,
        "label": label,
        "logged": logged,
        "by": by,
    }


def scoped_results_list() -> list[Result]:
    """The data-event and scoped-out results the inventory joins to."""
    out = [
        _check(
            "ct-data-bedrock-agent-alias",
            Status.PASS,
            ACCOUNT_A,
            "us-east-1",
            evidence={
                "resources": [
                    _resource(
                        ALIAS_ARN,
                        "live",
                        "bedrock-agent:agent-alias",
                        "Bedrock agent alias",
                        True,
                        TRAIL_BY,
                    )
                ],
                "resource_ids": {"from": "inventory"},
            },
            message="org-trail logs the data events of every agent alias.",
        ),
        _check(
            "ct-data-agentcore-gateway",
            Status.FAIL,
            ACCOUNT_A,
            "us-east-1",
            evidence={
                "resources": [
                    _resource(
                        HOSTILE_ARN,
                        HOSTILE_NAME,
                        "bedrock-agentcore-control:gateway",
                        "AgentCore gateway",
                        False,
                        None,
                    )
                ],
                "resource_ids": {"from": "inventory"},
            },
            message=f"No trail logs InvokeGateway on {HOSTILE_ARN}.",
        ),
        # The same memory ARN judged in another region: the join must not use it.
        _check(
            "ct-data-agentcore-memory",
            Status.PASS,
            ACCOUNT_A,
            "eu-west-1",
            evidence={
                "resources": [
                    _resource(
                        MEMORY_ARN,
                        "mem-1",
                        "bedrock-agentcore-control:memory",
                        "AgentCore memory",
                        True,
                        "x",
                    )
                ]
            },
            message="elsewhere",
        ),
        _scoped(
            "ct-data-agentcore-browser-custom", ACCOUNT_A, "us-east-1", BROWSER, "AgentCore browser"
        ),
    ]
    for account in (ACCOUNT_A, ACCOUNT_B):
        for check in ("ct-data-agentcore-gateway", "det-agentcore-gateway-errors"):
            out.append(_scoped(check, account, "eu-west-1", GATEWAY, "AgentCore gateway"))
        out.append(
            _scoped(
                "ct-data-agentcore-browser-custom",
                account,
                "eu-west-1",
                BROWSER,
                "AgentCore browser",
            )
        )
    return out


def _entry(
    kind: str, label: str, arn: str, name: str | None, data_event_type: str | None
) -> InventoryEntry:
    return InventoryEntry(
        kind=kind,
        label=label,
        arn=arn,
        id=arn.rsplit("/", 1)[-1],
        name=name,
        status="READY",
        data_event_type=data_event_type,
    )


def scoping() -> Scoping:
    """Two accounts, two regions each (see the module docstring)."""
    reason = "no {} exists in eu-west-1 and no use was seen in 30 days"
    quiet = {
        GATEWAY: reason.format("AgentCore gateway"),
        BROWSER: reason.format("AgentCore browser"),
    }
    return Scoping(
        mode="auto",
        window_days=30,
        regions=[
            RegionScope(
                account_id=ACCOUNT_A,
                region="us-east-1",
                ai_in_use=True,
                signals=["5 resources inventoried", "Invocations: 1,204 in 30 days"],
                inventory=[
                    _entry(
                        "bedrock-agent:agent", "Bedrock agent", AGENT_ARN, "support-assistant", None
                    ),
                    _entry(
                        "bedrock-agent:agent-alias",
                        "Bedrock agent alias",
                        ALIAS_ARN,
                        "live",
                        "AWS::Bedrock::AgentAlias",
                    ),
                    _entry(
                        "bedrock-agentcore-control:gateway",
                        "AgentCore gateway",
                        HOSTILE_ARN,
                        HOSTILE_NAME,
                        GATEWAY,
                    ),
                    _entry(
                        "bedrock-agent:knowledge-base",
                        "Bedrock knowledge base",
                        KB_ARN,
                        "policy-docs",
                        "AWS::Bedrock::KnowledgeBase",
                    ),
                    _entry(
                        "bedrock-agentcore-control:memory",
                        "AgentCore memory",
                        MEMORY_ARN,
                        None,
                        "AWS::BedrockAgentCore::Memory",
                    ),
                ],
                not_applicable={
                    BROWSER: "no AgentCore browser exists in us-east-1 and no use was seen in 30 days"
                },
            ),
            RegionScope(
                account_id=ACCOUNT_A, region="eu-west-1", ai_in_use=False, not_applicable=quiet
            ),
            RegionScope(
                account_id=ACCOUNT_B,
                region="us-east-1",
                ai_in_use=None,
                unknown=["CloudWatch metrics of AWS/Bedrock: AccessDenied"],
                unknown_kinds=["bedrock-agentcore-control:gateway"],
            ),
            RegionScope(
                account_id=ACCOUNT_B, region="eu-west-1", ai_in_use=False, not_applicable=quiet
            ),
        ],
    )


def build_scoped_results() -> Results:
    """The shared report fixture plus an AI inventory and the results it joins to."""
    base = build_results()
    return base.model_copy(
        update={"results": [*base.results, *scoped_results_list()], "scoping": scoping()}
    )
