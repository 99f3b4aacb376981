"""Helpers shared by the collector tests: the demo's ids, sessions and call observers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3

from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import DemoEnvironment
from aiposture.snapshot.models import AccountSnapshot, Snapshot

GUIDE, PARTIAL, PLACEHOLDER = "111122223333", "444455556666", "777788889999"
LAB = "555566667777"
E1, W2 = "us-east-1", "us-west-2"
Observer = Callable[[Any], None]


def account(snapshot: Snapshot, account_id: str) -> AccountSnapshot:
    """The account ``account_id`` of ``snapshot`` (it must be there)."""
    acct = snapshot.account(account_id)
    assert acct is not None, account_id
    return acct


def factory_for(demo_env: DemoEnvironment, on_client: Observer | None = None) -> SessionFactory:
    """A session factory with the demo auditor's keys (the management account)."""
    org = demo_env.org
    session = boto3.Session(
        aws_access_key_id=org.auditor_access_key_id,
        aws_secret_access_key=org.auditor_secret_access_key,
        region_name=org.regions[0],
    )
    return SessionFactory(session=session, on_client=on_client)


def on_calls(service: str, operation: str, handler: Any, region: str | None = None) -> Observer:
    """An ``on_client`` observer that registers ``handler`` for one operation."""

    def observe(client: Any) -> None:
        if client.meta.service_model.service_name != service:
            return
        if region is not None and client.meta.region_name != region:
            return
        service_id = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register(f"before-call.{service_id}.{operation}", handler)

    return observe


def all_observers(*observers: Observer) -> Observer:
    """One observer that runs each of ``observers``."""

    def observe(client: Any) -> None:
        for observer in observers:
            observer(client)

    return observe


class OperationRecorder:
    """Records (botocore service, operation) of every request actually sent."""

    def __init__(self) -> None:
        self.sent: set[tuple[str, str]] = set()

    def __call__(self, client: Any) -> None:
        service = client.meta.service_model.service_name

        def on_send(event_name: str, **_: Any) -> None:
            self.sent.add((service, event_name.rsplit(".", 1)[1]))

        client.meta.events.register("before-send", on_send)


class CallCounter:
    """Counts the requests actually sent, by ``service:Operation`` (an ``on_client`` observer)."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def __call__(self, client: Any) -> None:
        service = client.meta.service_model.service_name

        def on_send(event_name: str, **_: Any) -> None:
            self.sent[f"{service}:{event_name.rsplit('.', 1)[1]}"] += 1

        client.meta.events.register("before-send", on_send)


VOLATILE_KEYS = {
    "started_at",
    "finished_at",
    "latest_delivery_time",
    "latest_cloudwatch_logs_delivery_time",
    "time_logging_started",
    "time_logging_stopped",
    "creationTime",
    "user_id",
    "AlarmConfigurationUpdatedTimestamp",
    "StateUpdatedTimestamp",
    "lastModified",
    "CreatedAt",
    "UpdatedAt",
    "DetectorId",
    "updated_at",  # an inventory item's last change: when the demo seeding created it
    "ModifiedAt",  # an X-Ray indexing rule's last change: when the demo seeded it
    "firstEventTimestamp",  # a log stream's events: when the demo wrote them
    "lastEventTimestamp",
    "lastIngestionTime",
    # aws/spans holds the demo's spans, whose float times and random ids vary in length
    "storedBytes",
    # an AI resource's own configuration (details): when the demo seeding created it
    "createdAt",
    "updatedAt",
    "preparedAt",
    "lastUpdatedAt",
    "lastModifiedTime",
    "submitTime",
    "CreationTimestamp",  # a VPC endpoint's
    "CreateDate",  # an IAM service-specific credential's
    "create_date",
    "DnsName",  # a VPC endpoint's DNS entries: moto draws their names and zones
    "HostedZoneId",
}
VOLATILE_PATTERNS = [
    (re.compile(r"o-[a-z0-9]{10,32}"), "o-ORGID"),
    (re.compile(r"key/[0-9a-f-]{36}"), "key/KEYID"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
    (re.compile(r"\b(vpc-cidr-assoc|vpce|vpc|subnet|sg)-[0-9a-f]{17}\b"), r"\1-EC2ID"),
    (re.compile(r"\bACCA[A-Z0-9]{17}\b"), "ACCAID"),  # a service-specific credential's id
]


HISTORY_CLOCK_KEYS = {"start", "end", "oldest_available", "event_time"}
"""The times of an event history (its window, and each event's time, which the demo tells
relative to its seeding) and of the snapshot's period: masked there, and only there."""


def normalized(snapshot: Snapshot) -> Any:
    """The snapshot without timestamps and the ids moto generates at random."""

    def strip(node: Any, clock: bool = False) -> Any:
        if isinstance(node, dict):
            return {
                k: "TIME" if clock and k in HISTORY_CLOCK_KEYS else strip(v, clock or k in CLOCKED)
                for k, v in node.items()
                if k not in VOLATILE_KEYS
            }
        if isinstance(node, list):
            return [strip(v, clock) for v in node]
        if isinstance(node, str):
            for pattern, replacement in VOLATILE_PATTERNS:
                node = pattern.sub(replacement, node)
        return node

    return strip(snapshot.model_dump(mode="json"))


CLOCKED = {"event_history", "period"}
"""The snapshot members whose :data:`HISTORY_CLOCK_KEYS` follow the scan's or the seed's clock."""
