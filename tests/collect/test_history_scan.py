"""The event history inside a whole scan: accounts, checkpoints, resume, progress and merge.

Against the demo organization (its four accounts and the history :mod:`aiposture.demo.history`
records), collected with the real scheduler.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aiposture.collect.history import PeriodRequest
from aiposture.collect.progress import JsonLines, ProgressBar, Silent
from aiposture.collect.scan import CollectOptions, collect
from aiposture.demo.environment import DemoEnvironment
from aiposture.errors import CollectionCancelled, SnapshotError
from aiposture.snapshot.history import EVENT_NAMES, Period
from aiposture.snapshot.merge import merge_snapshots
from aiposture.snapshot.models import AccountSnapshot, ScanPlan, Snapshot, ToolInfo
from aiposture.snapshot.shards import shard_accounts
from aiposture.snapshot.store import SnapshotStore
from tests.collect.helpers import GUIDE, LAB, PARTIAL, PLACEHOLDER, factory_for

ACCOUNTS = [GUIDE, PARTIAL, PLACEHOLDER, LAB]


def test_every_account_region_of_the_demo_has_its_history(demo_env: DemoEnvironment) -> None:
    snapshot = collect(factory_for(demo_env), demo_env.options)
    assert snapshot.period is not None and snapshot.period.label == "last 90 days"
    for acct in snapshot.accounts:
        assert set(acct.regions) >= set(acct.scanned_regions)
        for region in acct.scanned_regions:
            history = acct.regions[region].event_history
            assert history is not None, (acct.account_id, region)
            assert history.names_read == list(EVENT_NAMES)
            assert history.end == snapshot.started_at
    assert not [e for a in snapshot.accounts for e in a.all_errors() if e.service == "cloudtrail"]
    # the demo's told history: the partial account's trail stopped and started again
    partial = snapshot.account(PARTIAL)
    assert partial is not None
    names = {
        e.event_name
        for reg in partial.regions.values()
        if reg.event_history
        for e in reg.event_history.events
    }
    assert {"StopLogging", "StartLogging"} <= names


def test_an_account_is_checkpointed_only_with_its_history(
    demo_env: DemoEnvironment, tmp_path: Path
) -> None:
    folder = tmp_path / "ckpt"

    class Interrupt(Silent):
        def account_done(self, account_id: str, errors: int) -> None:
            raise KeyboardInterrupt

    first = PeriodRequest("since", "30d")
    options = replace(
        demo_env.options, checkpoint=folder, workers=2, observer=Interrupt(), period=first
    )
    with pytest.raises(CollectionCancelled):
        collect(factory_for(demo_env), options)
    store = SnapshotStore.open(folder)
    header = store.header
    assert header.period is not None and header.period.label == "last 30 days"
    assert header.period.end == header.started_at
    (saved,) = store.done()
    loaded = store.load(allow_partial=True)
    acct = loaded.account(saved)
    assert acct is not None
    # handed over complete: every scanned region already holds its history
    assert all(acct.regions[r].event_history is not None for r in acct.scanned_regions)
    assert loaded.period == header.period

    # the resume keeps the folder's period (not the request it is given now), and reads
    # the accounts left up to its own clock
    before = datetime.now(UTC)
    resumed = collect(
        factory_for(demo_env),
        replace(
            demo_env.options, checkpoint=folder, resume=True, period=PeriodRequest("since", "5d")
        ),
    )
    assert resumed.period == header.period
    for other in resumed.accounts:
        history = other.regions[other.scanned_regions[0]].event_history
        assert history is not None
        if other.account_id == saved:
            assert history.end == header.started_at
        else:
            assert history.end >= before > header.started_at
            assert history.oldest_available == history.end - timedelta(days=90)


def test_progress_shows_the_history_calls(demo_env: DemoEnvironment) -> None:
    stream = io.StringIO()
    collect(factory_for(demo_env), replace(demo_env.options, observer=JsonLines(stream)))
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    done = [e for e in events if e["event"] == "history_done"]
    regions = len(demo_env.org.regions)
    assert len(done) == len(ACCOUNTS) * regions
    assert all(e["calls"] >= len(EVENT_NAMES) for e in done)
    assert done[-1]["lookup_events_calls"] == sum(e["calls"] for e in done)
    # each account's history is done before the account is
    for account_id in ACCOUNTS:
        last_history = max(
            i
            for i, e in enumerate(events)
            if e["event"] == "history_done" and e["account"] == account_id
        )
        finished = next(
            i
            for i, e in enumerate(events)
            if e["event"] == "account_done" and e["account"] == account_id
        )
        assert last_history < finished

    bar = ProgressBar(io.StringIO())
    bar.planned(1)
    bar.account_started(GUIDE, 2)
    bar.history_planned(GUIDE, 2)
    bar.history_calls(GUIDE, "us-east-1", 12)
    bar.history_done(GUIDE, "us-west-2", 41, 3, 1)
    line = bar.line()
    assert "history 1/2 (53 calls)" in line
    assert "errors 1" in line


# --------------------------------------------------------------------------- merge


def _shard(k: int, period: Period | None, started: datetime) -> Snapshot:
    plan = ScanPlan(scan_id="s-1", accounts=ACCOUNTS, shard=f"{k}/2")
    return Snapshot(
        tool=ToolInfo(version="test"),
        started_at=started,
        finished_at=started + timedelta(minutes=5),
        plan=plan,
        period=period,
        accounts=[AccountSnapshot(account_id=a) for a in shard_accounts(ACCOUNTS, k, 2)],
    )


def _last_90_days(at: datetime) -> Period:
    return Period(start=at - timedelta(days=90), end=at, label="last 90 days")


def test_shards_of_one_period_merge_to_the_span_every_shard_read() -> None:
    one = datetime(2026, 12, 1, 8, tzinfo=UTC)
    two = one + timedelta(minutes=20)
    merged = merge_snapshots(
        [_shard(1, _last_90_days(one), one), _shard(2, _last_90_days(two), two)]
    )
    assert merged.period == Period(start=two - timedelta(days=90), end=one, label="last 90 days")

    quarter = Period(
        start=datetime(2026, 7, 1, tzinfo=UTC),
        end=datetime(2026, 10, 1, tzinfo=UTC),
        label="2026-07-01..2026-09-30",
    )
    same = merge_snapshots([_shard(1, quarter, one), _shard(2, quarter, two)])
    assert same.period == quarter
    assert merge_snapshots([_shard(1, None, one), _shard(2, None, two)]).period is None


@pytest.mark.parametrize(
    ("second", "fragment"),
    [
        (None, "read no period (its history was not read)"),
        (
            Period(
                start=datetime(2026, 7, 1, tzinfo=UTC),
                end=datetime(2026, 10, 1, tzinfo=UTC),
                label="2026-07-01..2026-09-30",
            ),
            "read the period 2026-07-01..2026-09-30",
        ),
        (_last_90_days(datetime(2027, 6, 1, tzinfo=UTC)), "read the period last 90 days"),
    ],
)
def test_shards_of_another_period_are_refused_in_one_line(
    second: Period | None, fragment: str
) -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(SnapshotError) as caught:
        merge_snapshots(
            [_shard(1, _last_90_days(at), at), _shard(2, second, at)], labels=["a.json", "b.json"]
        )
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("cannot merge: a.json read the period last 90 days")
    assert fragment in message


def test_with_history_accounts_are_opened_ahead_so_their_paced_history_starts_early(
    demo_env: DemoEnvironment,
) -> None:
    def order(options: CollectOptions) -> list[str]:
        stream = io.StringIO()
        collect(factory_for(demo_env), replace(options, workers=2, observer=JsonLines(stream)))
        return [json.loads(line)["event"] for line in stream.getvalue().splitlines()]

    with_history = order(demo_env.options)
    first_region = with_history.index("region_done")
    # 2 workers x 8 account-regions each: all four accounts (8 account-regions) open at once
    assert with_history[:first_region].count("account_started") == len(ACCOUNTS)

    depth_first = order(replace(demo_env.options, history=False))
    first_region = depth_first.index("region_done")
    assert depth_first[:first_region].count("account_started") < len(ACCOUNTS)
