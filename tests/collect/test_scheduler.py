"""The worker pool: same evidence at any concurrency, checkpoints, Ctrl-C, resume, shards.

All against the demo organization under mock_aws(), with the real collectors.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.collect.progress import Silent
from aiposture.collect.scan import CollectOptions, collect
from aiposture.config import Config
from aiposture.demo.environment import DemoEnvironment
from aiposture.errors import CollectionCancelled, ConfigError, SnapshotError
from aiposture.results import Status
from aiposture.snapshot.merge import merge_snapshots
from aiposture.snapshot.models import Snapshot
from aiposture.snapshot.store import SnapshotStore
from tests.cli.helpers import run_aiposture
from tests.collect.helpers import (
    E1,
    GUIDE,
    LAB,
    PARTIAL,
    PLACEHOLDER,
    W2,
    factory_for,
    normalized,
    on_calls,
)

pytestmark = pytest.mark.integration

REGIONS = [E1, W2]


def _options(demo_env: DemoEnvironment, **kwargs: Any) -> CollectOptions:
    return CollectOptions(regions=REGIONS, assume_roles=demo_env.org.assume_roles, **kwargs)


@pytest.fixture(scope="module")
def sequential(demo_env: DemoEnvironment) -> Snapshot:
    """The demo read one unit at a time: the reference every other run must equal."""
    return collect(factory_for(demo_env), _options(demo_env, workers=1))


def _statuses(snapshot: Snapshot, demo_env: DemoEnvironment) -> dict[tuple[Any, ...], Status]:
    results = evaluate_snapshot(snapshot, demo_env.org.config).results
    return {(r.check_id, r.account_id, r.region, r.resource_arn): r.status for r in results}


def test_eight_workers_read_exactly_what_one_reads(
    demo_env: DemoEnvironment, sequential: Snapshot
) -> None:
    parallel = collect(factory_for(demo_env), _options(demo_env, workers=8))
    assert [a.account_id for a in parallel.accounts] == [GUIDE, PARTIAL, PLACEHOLDER, LAB]
    assert normalized(parallel) == normalized(sequential)
    assert not any(a.all_errors() for a in parallel.accounts)


def test_each_worker_thread_has_its_own_session_with_standard_retries(
    demo_env: DemoEnvironment,
) -> None:
    factory = factory_for(demo_env)
    sessions: dict[str, Any] = {}

    def grab(name: str) -> None:
        sessions[name] = (factory.worker_session(), factory.worker_session())

    threads = [threading.Thread(target=grab, args=(f"t{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    firsts = [a for a, _ in sessions.values()]
    assert all(a is b for a, b in sessions.values())  # one per thread, reused
    assert len({id(s) for s in firsts}) == 3  # never shared between threads
    assert factory.base_session() not in firsts
    clients: list[Any] = []
    collect(
        factory_for(demo_env, clients.append),
        CollectOptions(regions=[E1], workers=2),
    )
    assert clients
    assert {c.meta.config.retries["mode"] for c in clients} == {"standard"}


def test_a_service_that_denies_gives_errors_there_and_changes_nothing_else(
    demo_env: DemoEnvironment, sequential: Snapshot, deny: Any
) -> None:
    # The lab account: its trails deliver, so its alarms are judged down to the alarm link.
    refuse = deny("AccessDeniedException", "not authorized to perform cloudwatch:DescribeAlarms")
    snap = collect(
        factory_for(demo_env, _deny_account(LAB, "cloudwatch", "DescribeAlarms", refuse)),
        _options(demo_env, workers=4),
    )
    lab = snap.account(LAB)
    assert lab is not None
    assert {(e.operation, e.region) for e in lab.all_errors()} == {
        ("DescribeAlarms", E1),
        ("DescribeAlarms", W2),
    }
    for account_id in (GUIDE, PARTIAL, PLACEHOLDER):
        acct = snap.account(account_id)
        assert acct is not None and not acct.all_errors()

    clean, denied = _by_check(sequential, demo_env), _by_check(snap, demo_env)
    assert clean.keys() == denied.keys()
    changed = {k for k in clean if clean[k] != denied[k]}
    assert changed, "denying DescribeAlarms must make the alarm checks unverified"
    assert {k[1] for k in changed} == {LAB}
    assert all(set(denied[k]) == {Status.ERROR} for k in changed)
    assert any(k[0].startswith("alarm") for k in changed)


def _by_check(snapshot: Snapshot, demo_env: DemoEnvironment) -> dict[tuple[Any, ...], list[Status]]:
    """The statuses of each (check, account, region): resources differ when unread."""
    found: dict[tuple[Any, ...], list[Status]] = {}
    for r in evaluate_snapshot(snapshot, demo_env.org.config).results:
        found.setdefault((r.check_id, r.account_id, r.region), []).append(r.status)
    return {k: sorted(v) for k, v in found.items()}


def _deny_account(account_id: str, service: str, operation: str, handler: Any) -> Any:
    """An observer that fails ``service:operation`` on the clients of ``account_id`` only.

    A client reaches a member account with the session token of the role the scan
    assumed there; :func:`_remember_session_tokens` maps each token to its account.
    """

    def observe(client: Any) -> None:
        if client.meta.service_model.service_name != service:
            return

        def maybe(params: dict[str, Any], **kwargs: Any) -> Any:
            creds = client._request_signer._credentials
            token = creds.get_frozen_credentials().token if creds is not None else None
            if token is not None and _TOKENS.get(token) == account_id:
                return handler(**kwargs)
            return None

        service_id = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register(f"before-call.{service_id}.{operation}", maybe)

    return observe


_TOKENS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _remember_session_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Map each assumed role's session token to its account, as the scan assumes it."""
    from aiposture.collect.session import SessionFactory

    original = SessionFactory.assume_access

    def assume_access(self: SessionFactory, role_arn: str, **kwargs: Any) -> Any:
        access = original(self, role_arn, **kwargs)
        if access.credentials is not None:
            _TOKENS[access.credentials.session_token] = access.account_id
        return access

    monkeypatch.setattr(SessionFactory, "assume_access", assume_access)


# --- checkpoints ------------------------------------------------------------------------


def test_the_checkpoint_folder_holds_every_account_as_a_file(
    demo_env: DemoEnvironment, sequential: Snapshot, tmp_path: Path
) -> None:
    folder = tmp_path / "ckpt"
    snap = collect(factory_for(demo_env), _options(demo_env, checkpoint=folder))
    store = SnapshotStore.open(folder)
    assert store.planned == [GUIDE, PARTIAL, PLACEHOLDER, LAB]
    assert store.missing() == []
    assert sorted(p.name for p in (folder / "accounts").iterdir()) == [
        f"{a}.json" for a in sorted([GUIDE, PARTIAL, PLACEHOLDER, LAB])
    ]
    assert normalized(store.load()) == normalized(snap) == normalized(sequential)
    # `aiposture evaluate` judges the folder like the snapshot file.
    proc = run_aiposture(
        ["evaluate", str(folder), "--out", str(tmp_path / "r.json"), "--fail-on", "none"],
        {"PATH": os.environ.get("PATH", "")},
    )
    assert proc.returncode == 0, proc.stderr
    judged = json.loads((tmp_path / "r.json").read_text())["results"]
    expected = evaluate_snapshot(snap, Config()).results
    assert sorted((r["check_id"], r["account_id"], r["status"]) for r in judged) == sorted(
        (r.check_id, r.account_id, r.status.value) for r in expected
    )


class _InterruptAfter(Silent):
    """Raises KeyboardInterrupt in the scan's main thread, as Ctrl-C does, after N accounts."""

    def __init__(self, accounts: int) -> None:
        self.left = accounts

    def account_done(self, account_id: str, errors: int) -> None:
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt


def test_ctrl_c_keeps_finished_accounts_and_resume_collects_only_the_rest(
    demo_env: DemoEnvironment, sequential: Snapshot, tmp_path: Path
) -> None:
    folder = tmp_path / "ckpt"
    with pytest.raises(CollectionCancelled, match="--resume") as info:
        collect(
            factory_for(demo_env),
            _options(demo_env, checkpoint=folder, workers=1, observer=_InterruptAfter(1)),
        )
    assert info.value.saved == str(folder)
    store = SnapshotStore.open(folder)
    assert store.done() == [GUIDE]
    assert store.missing() == [PARTIAL, PLACEHOLDER, LAB]
    with pytest.raises(SnapshotError, match="incomplete"):
        store.load()
    # Evaluated as it is, the interrupted scan judges the accounts it did not reach ERROR.
    partial = store.load(allow_partial=True)
    assert partial.plan is not None and partial.plan.accounts == [GUIDE, PARTIAL, PLACEHOLDER, LAB]
    assert partial.missing_accounts() == [PARTIAL, PLACEHOLDER, LAB]
    lost = [r for r in _statuses(partial, demo_env).items() if r[0][1] == LAB]
    assert lost and {status for _, status in lost} <= {Status.ERROR, Status.NOT_APPLICABLE}

    with pytest.raises(ConfigError, match="a resume keeps the folder's scan id"):
        collect(factory_for(demo_env), CollectOptions(checkpoint=folder, resume=True, scan_id="x"))

    assumed: list[str] = []

    def count_assume(params: dict[str, Any], **_: Any) -> None:
        assumed.append(str(params.get("body")))

    resumed = collect(
        factory_for(demo_env, on_calls("sts", "AssumeRole", count_assume)),
        CollectOptions(checkpoint=folder, resume=True),
    )
    assert len(assumed) == 3 and not any(GUIDE in a for a in assumed)
    assert resumed.plan == partial.plan  # the resume keeps the scan id and plan
    assert normalized(resumed) == normalized(sequential)
    assert _statuses(resumed, demo_env) == _statuses(sequential, demo_env)


def test_a_started_folder_is_not_overwritten_without_resume(
    demo_env: DemoEnvironment, tmp_path: Path
) -> None:
    folder = tmp_path / "ckpt"
    with pytest.raises(CollectionCancelled):
        collect(
            factory_for(demo_env),
            _options(demo_env, checkpoint=folder, workers=1, observer=_InterruptAfter(1)),
        )
    with pytest.raises(SnapshotError, match=f"--resume {folder}"):
        collect(factory_for(demo_env), _options(demo_env, checkpoint=folder))
    assert SnapshotStore.open(folder).done() == [GUIDE]


def test_resume_needs_a_folder(demo_env: DemoEnvironment) -> None:
    with pytest.raises(ConfigError, match="folder"):
        collect(factory_for(demo_env), CollectOptions(resume=True))


def test_a_bug_in_a_unit_stops_the_scan_without_inventing_accounts(
    demo_env: DemoEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aiposture.collect.scheduler as scheduler

    real = scheduler.read_region

    def broken(clients: Any, region: str) -> Any:
        if clients.access.account_id == PARTIAL:
            raise RuntimeError("a bug")
        return real(clients, region)

    monkeypatch.setattr(scheduler, "read_region", broken)
    folder = tmp_path / "ckpt"
    with pytest.raises(RuntimeError, match="a bug"):
        collect(factory_for(demo_env), _options(demo_env, checkpoint=folder, workers=1))
    assert PARTIAL not in SnapshotStore.open(folder).done()


# --- shards -----------------------------------------------------------------------------


def test_shards_partition_the_accounts_and_merge_into_the_whole(
    demo_env: DemoEnvironment, sequential: Snapshot
) -> None:
    shards = [collect(factory_for(demo_env), _options(demo_env, shard=(k, 3))) for k in (1, 2, 3)]
    ids = [a.account_id for s in shards for a in s.accounts]
    assert sorted(ids) == sorted([GUIDE, PARTIAL, PLACEHOLDER, LAB])  # each account exactly once
    again = [
        a.account_id
        for a in collect(factory_for(demo_env), _options(demo_env, shard=(2, 3))).accounts
    ]
    assert again == [a.account_id for a in shards[1].accounts]  # deterministic
    merged = merge_snapshots(shards)

    def by_id(snapshot: Snapshot) -> list[Any]:
        # A merge orders accounts by id; a whole scan keeps the organization's listing order.
        return sorted(normalized(snapshot)["accounts"], key=lambda a: a["account_id"])

    assert by_id(merged) == by_id(sequential)
    assert _statuses(merged, demo_env) == _statuses(sequential, demo_env)
