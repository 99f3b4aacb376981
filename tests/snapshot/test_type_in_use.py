"""Whether a region uses one workload (a data-event type): its resources, its family's metrics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import (
    InventoryItem,
    InvocationLogging,
    MetricUse,
    RegionSnapshot,
    Usage,
)
from aiposture.snapshot.usage import plural, type_in_use

GATEWAY = "AWS::BedrockAgentCore::Gateway"
ALIAS = "AWS::Bedrock::AgentAlias"
MODEL = "AWS::Bedrock::Model"
SESSION = "AWS::Bedrock::Session"
OFF = InvocationLogging(config={})


def usage(namespace: str = "AWS/Bedrock", metric: str = "Invocations", total: float = 0) -> Usage:
    start, end = datetime(2026, 11, 4, tzinfo=UTC), datetime(2026, 12, 4, tzinfo=UTC)
    used = MetricUse(namespace=namespace, metric=metric, dimensions={}, total=total)
    return Usage(window_days=30, start=start, end=end, metrics=[used])


def quiet(**fields: object) -> RegionSnapshot:
    """eu-west-1 read completely, with nothing in it (``fields`` override)."""
    base: dict[str, object] = {
        "region": "eu-west-1",
        "inventory": {kind.key: [] for kind in RESOURCE_KINDS},
        "usage": usage(),
        "invocation_logging": OFF,
    }
    return RegionSnapshot.model_validate({**base, **fields})


def test_nothing_anywhere_is_not_in_use_with_the_reason() -> None:
    reg = quiet()
    assert type_in_use(reg, GATEWAY) == (
        False,
        "no AgentCore gateway exists in eu-west-1 and no AgentCore use was seen in 30 days",
    )
    assert type_in_use(reg, MODEL) == (
        False,
        "no Bedrock custom model, Bedrock imported model, Bedrock provisioned throughput or "
        "Bedrock application inference profile exists in eu-west-1, no Bedrock use was seen "
        "in 30 days and model invocation logging is off",
    )
    assert type_in_use(reg, SESSION) == (
        False,
        "no AI resource and no Bedrock, agent or AgentCore use was seen in eu-west-1 in 30 "
        "days, and model invocation logging is off",
    )


def test_a_resource_of_the_type_means_in_use() -> None:
    inventory = {kind.key: [] for kind in RESOURCE_KINDS}
    arn = "arn:aws:bedrock-agentcore:eu-west-1:111122223333:gateway/gw-1"
    inventory["bedrock-agentcore-control:gateway"] = [InventoryItem(arn=arn, id="gw-1")]
    reg = quiet(inventory=inventory)
    assert type_in_use(reg, GATEWAY) == (True, "1 AgentCore gateway exists in eu-west-1")
    # Another AgentCore type is not in use for it; a type without a listing is.
    assert type_in_use(reg, "AWS::BedrockAgentCore::Memory")[0] is False
    assert type_in_use(reg, SESSION)[0] is True


@pytest.mark.parametrize(
    ("namespace", "in_use"),
    [
        ("AWS/Bedrock", {MODEL: True, ALIAS: False, GATEWAY: False, SESSION: True}),
        ("AWS/Bedrock/Agents", {MODEL: False, ALIAS: True, GATEWAY: False, SESSION: True}),
        ("Bedrock-AgentCore", {MODEL: False, ALIAS: False, GATEWAY: True, SESSION: True}),
    ],
)
def test_each_family_has_its_own_metrics(namespace: str, in_use: dict[str, bool]) -> None:
    reg = quiet(usage=usage(namespace, "Invocations", 1204))
    assert {t: type_in_use(reg, t)[0] for t in in_use} == in_use


def test_the_reason_quotes_the_metric() -> None:
    reg = quiet(usage=usage("Bedrock-AgentCore", "Invocations", 1204))
    assert type_in_use(reg, GATEWAY) == (
        True,
        "AgentCore use was seen in eu-west-1: Bedrock-AgentCore Invocations: 1,204 in 30 days",
    )


def test_configured_invocation_logging_speaks_for_bedrock_types_only() -> None:
    logging = InvocationLogging(config={"s3Config": {"bucketName": "logs"}})
    reg = quiet(invocation_logging=logging)
    assert type_in_use(reg, MODEL)[0] is True
    assert type_in_use(reg, "AWS::Bedrock::KnowledgeBase")[0] is True
    assert type_in_use(reg, GATEWAY)[0] is False
    assert type_in_use(reg, SESSION)[0] is True


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"usage": None}, "the usage metrics were not read in eu-west-1"),
        ({"inventory": None}, "the AI inventory was not read in eu-west-1"),
    ],
)
def test_an_unread_signal_cannot_say_no(fields: dict[str, object], why: str) -> None:
    reg = quiet(**fields)
    verdict, reason = type_in_use(reg, GATEWAY)
    assert verdict is None and why in reason
    assert type_in_use(reg, SESSION)[0] is None


def test_one_failed_listing_of_a_types_kinds_is_enough_to_not_know() -> None:
    inventory = {kind.key: [] for kind in RESOURCE_KINDS}
    del inventory["bedrock:provisioned-throughput"]
    reg = quiet(inventory=inventory)
    assert type_in_use(reg, MODEL) == (
        None,
        "Bedrock provisioned throughputs could not be listed in eu-west-1",
    )
    # The listings of the other types worked: they still say no.
    assert type_in_use(reg, GATEWAY)[0] is False
    # A type without a listing follows the region, which is now unknown.
    assert type_in_use(reg, SESSION)[0] is None


def test_unread_invocation_logging_keeps_bedrock_types_unknown() -> None:
    reg = quiet(invocation_logging=None)
    assert type_in_use(reg, MODEL) == (
        None,
        "the Bedrock model invocation logging configuration was not read in eu-west-1",
    )
    assert type_in_use(reg, GATEWAY)[0] is False


def test_a_service_not_offered_counts_as_listed() -> None:
    service = "bedrock-agentcore-control"
    inventory = {kind.key: [] for kind in RESOURCE_KINDS if kind.service != service}
    reg = quiet(inventory=inventory, services_not_offered={service: "not in eu-west-1"})
    assert type_in_use(reg, GATEWAY)[0] is False


def test_labels_in_the_plural() -> None:
    assert [
        plural(w) for w in ("Bedrock agent alias", "AgentCore memory", "AgentCore gateway")
    ] == [
        "Bedrock agent aliases",
        "AgentCore memories",
        "AgentCore gateways",
    ]
    assert plural("AgentCore gateway", 1) == "AgentCore gateway"
