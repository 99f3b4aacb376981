"""A worker's clients are kept for the whole scan and lent to each unit it runs.

What a user would notice if this went wrong: a call signed as another account, so one
account's snapshot holding another's evidence. These tests read the access key each
request is signed with, against moto, through the real botocore signer.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aiposture.collect.session import AccountAccess, SessionFactory, TemporaryCredentials
from aiposture.errors import CollectionError

REGION = "us-east-1"


def _access(account_id: str, key: str) -> AccountAccess:
    return AccountAccess(
        account_id,
        credentials=TemporaryCredentials(
            access_key_id=key, secret_access_key=f"secret-{key}", session_token=f"token-{key}"
        ),
    )


class _Signatures:
    """An ``on_client`` observer: the access key of every request any client sends."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.clients: list[Any] = []

    def __call__(self, client: Any) -> None:
        self.clients.append(client)
        client.meta.events.register("before-send", self._sent)

    def _sent(self, request: Any = None, **_: Any) -> None:
        auth = request.headers["Authorization"].decode()
        self.keys.append(auth.split("Credential=")[1].split("/")[0])


@pytest.fixture
def factory() -> Any:
    with mock_aws():
        signatures = _Signatures()
        session = boto3.Session(
            aws_access_key_id="AKIABASEIDENTITY0000",
            aws_secret_access_key="base-secret",
            region_name=REGION,
        )
        yield SessionFactory(session=session, on_client=signatures), signatures


def test_one_client_signs_as_each_unit_it_is_lent_to(factory: Any) -> None:
    f, signatures = factory
    a = _access("111111111111", "ASIAACCOUNTA00000000")
    b = _access("222222222222", "ASIAACCOUNTB00000000")
    with f.unit_clients(a) as clients:
        first = clients("cloudtrail", REGION)
        first.describe_trails()
    with f.unit_clients(b) as clients:
        second = clients("cloudtrail", REGION)
        second.describe_trails()
    with f.unit_clients(AccountAccess("333333333333")) as clients:
        clients("cloudtrail", REGION).describe_trails()
    assert first is second, "the worker creates a service's client once per region"
    assert len(signatures.clients) == 1
    assert signatures.keys == [
        "ASIAACCOUNTA00000000",
        "ASIAACCOUNTB00000000",
        "AKIABASEIDENTITY0000",  # no role assumed: the scanning identity's own keys
    ]


def test_a_lent_client_signs_nothing_once_its_unit_ended(factory: Any) -> None:
    f, signatures = factory
    with f.unit_clients(_access("111111111111", "ASIAACCOUNTA00000000")) as clients:
        client = clients("cloudtrail", REGION)
    with pytest.raises(CollectionError, match="outside the unit"):
        client.describe_trails()
    assert signatures.keys == []


def test_a_unit_hands_its_clients_to_helper_threads_but_creates_them_in_its_own(
    factory: Any,
) -> None:
    f, signatures = factory
    with f.unit_clients(_access("111111111111", "ASIAACCOUNTA00000000")) as clients:
        clients("cloudtrail", REGION)
        outcome: dict[str, Any] = {}

        def helper() -> None:
            clients("cloudtrail", REGION).describe_trails()  # created by the unit: allowed
            try:
                clients("logs", REGION)
            except CollectionError as exc:
                outcome["error"] = str(exc)

        thread = threading.Thread(target=helper)
        thread.start()
        thread.join()
    assert signatures.keys == ["ASIAACCOUNTA00000000"]
    assert "outside its unit's thread" in outcome["error"]


def test_each_worker_thread_keeps_its_own_clients(factory: Any) -> None:
    f, signatures = factory
    seen: list[Any] = []

    def unit(access: AccountAccess) -> None:
        with f.unit_clients(access) as clients:
            seen.append(clients("cloudtrail", REGION))
            clients("cloudtrail", REGION).describe_trails()

    threads = [
        threading.Thread(target=unit, args=(_access(f"{i}" * 12, f"ASIAACCOUNT{i}000000000"),))
        for i in range(1, 4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 3, "a botocore session is not shared across threads"
    assert sorted(signatures.keys) == [f"ASIAACCOUNT{i}000000000" for i in range(1, 4)]
