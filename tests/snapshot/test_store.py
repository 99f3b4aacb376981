"""Snapshot folders: checkpoint, resume, corrupt files, sharding and merging."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiposture.errors import ConfigError, SnapshotError
from aiposture.snapshot.io import canonical_json, dump_snapshot
from aiposture.snapshot.merge import merge_paths, merge_snapshots
from aiposture.snapshot.models import AccountSnapshot, CallError, ScanPlan, Snapshot
from aiposture.snapshot.shards import (
    check_scan_id,
    parse_shard,
    plan_scan_id,
    shard_accounts,
    shard_of,
)
from aiposture.snapshot.store import (
    ACCOUNTS_DIR,
    MANIFEST_NAME,
    SnapshotHeader,
    SnapshotStore,
    load_any,
)
from tests.builders import NOW, snapshot, trail

IDS = ["111111111111", "222222222222", "333333333333", "444444444444"]


def account(account_id: str) -> AccountSnapshot:
    """One realistic account: a trail, a region, a failed call."""
    acct = snapshot(trail(account=account_id), account=account_id).accounts[0]
    acct.errors.append(
        CallError(
            service="bedrock",
            operation="ListFoundationModels",
            account_id=account_id,
            error_code="AccessDeniedException",
            message="denied",
        )
    )
    return acct


def whole(ids: list[str] = IDS) -> Snapshot:
    """The snapshot a one-shot collection of ``ids`` gives (finished at NOW)."""
    snap = snapshot(trail())
    snap.accounts = [account(a) for a in ids]
    snap.regions_requested = ["us-east-1"]
    snap.errors = [
        CallError(
            service="organizations",
            operation="DescribeOrganization",
            error_code="AccessDenied",
            message="no",
        )
    ]
    return snap


def header_of(snap: Snapshot, plan: ScanPlan | None = None) -> SnapshotHeader:
    """The header a collector knows before its first account."""
    return SnapshotHeader(
        tool=snap.tool,
        started_at=snap.started_at,
        identity=snap.identity,
        partition=snap.partition,
        regions_requested=snap.regions_requested,
        errors=snap.errors,
        plan=plan,
    )


def plan_of(ids: list[str], shard: str | None = None, regions=("us-east-1",)) -> ScanPlan:
    """The plan a collector records for a scan of ``ids`` (see :func:`whole`)."""
    scan_id = plan_scan_id("aws", "123456789012", ids, list(regions))
    return ScanPlan(scan_id=scan_id, accounts=ids, shard=shard)


def planned_whole(ids: list[str] = IDS) -> Snapshot:
    """:func:`whole`, with the plan a one-shot collection of ``ids`` records."""
    snap = whole(ids)
    snap.plan = plan_of(ids)
    return snap


def shard_files(tmp_path: Path, ids: list[str], n: int, **kw) -> list[Path]:
    """Shards 1..n of one scan of ``ids``, each written as a snapshot file."""
    paths = []
    for k in range(1, n + 1):
        snap = whole(shard_accounts(ids, k, n))
        snap.plan = plan_of(ids, f"{k}/{n}", **kw)
        if "regions" in kw:
            snap.regions_requested = list(kw["regions"])
        path = tmp_path / f"shard{k}of{n}.json"
        dump_snapshot(snap, path)
        paths.append(path)
    return paths


def clock():
    """A clock that ticks once a second, ending at NOW on the fourth call."""
    ticks = iter(NOW + timedelta(seconds=s) for s in range(-3, 100))
    return lambda: next(ticks)


def new_store(tmp_path: Path, ids: list[str] = IDS, **kw) -> SnapshotStore:
    return SnapshotStore.create(tmp_path / "scan", header_of(whole(ids)), ids, **kw)


# --------------------------------------------------------------------------- write / resume


def test_write_resume_cycle_equals_one_shot(tmp_path):
    expected = whole()
    store = new_store(tmp_path, clock=clock())
    store.write_account(account(IDS[2]))
    store.write_account(account(IDS[0]))
    assert store.done() == [IDS[0], IDS[2]]

    resumed = SnapshotStore.open(tmp_path / "scan", clock=store._clock)
    assert resumed.done() == [IDS[0], IDS[2]]
    assert resumed.missing() == [IDS[1], IDS[3]]
    assert resumed.planned == IDS
    for account_id in resumed.missing():
        resumed.write_account(account(account_id))
    assert resumed.missing() == []

    loaded = resumed.load()
    assert loaded.model_dump(mode="json") == expected.model_dump(mode="json")
    assert SnapshotStore.open(tmp_path / "scan").load() == loaded


def test_manifest_written_only_when_plan_changes(tmp_path):
    store = new_store(tmp_path, ids=IDS[:2])
    manifest = tmp_path / "scan" / MANIFEST_NAME
    before = manifest.stat().st_mtime_ns, manifest.read_bytes()
    store.write_account(account(IDS[0]))
    store.set_plan(IDS[:2])
    assert (manifest.stat().st_mtime_ns, manifest.read_bytes()) == before
    store.set_plan(IDS)
    assert SnapshotStore.open(tmp_path / "scan").missing() == IDS[1:]
    with pytest.raises(SnapshotError, match=f"leaves out accounts already collected.*{IDS[0]}"):
        store.set_plan(IDS[1:])


def test_incomplete_load_must_be_explicit(tmp_path):
    store = new_store(tmp_path, clock=clock())
    store.write_account(account(IDS[1]))
    with pytest.raises(SnapshotError, match=r"incomplete: 3 of 4 .*111111111111, 333333333333"):
        store.load()
    partial = store.load(allow_partial=True)
    assert [a.account_id for a in partial.accounts] == [IDS[1]]
    assert partial.finished_at == NOW - timedelta(seconds=3)
    assert store.missing() == [IDS[0], IDS[2], IDS[3]]


def test_empty_partial_load_finishes_at_start(tmp_path):
    snap = new_store(tmp_path).load(allow_partial=True)
    assert snap.accounts == [] and snap.finished_at == snap.started_at


def test_create_refuses_existing_folder(tmp_path):
    new_store(tmp_path)
    with pytest.raises(SnapshotError, match="already holds a snapshot folder"):
        new_store(tmp_path)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x")
    with pytest.raises(SnapshotError, match="not empty"):
        SnapshotStore.create(tmp_path / "other", header_of(whole()), IDS)


def test_plan_validation(tmp_path):
    with pytest.raises(SnapshotError, match="planned twice"):
        new_store(tmp_path, ids=[IDS[0], IDS[0]])
    with pytest.raises(SnapshotError, match="cannot name a file"):
        SnapshotStore.create(tmp_path / "evil", header_of(whole()), ["../evil"])
    store = new_store(tmp_path, ids=IDS[:1])
    with pytest.raises(SnapshotError, match="not in the plan"):
        store.write_account(account(IDS[1]))


def test_sharded_folder_records_shard(tmp_path):
    mine = shard_accounts(IDS, 1, 2)
    store = new_store(tmp_path, ids=mine, shard=(1, 2))
    assert SnapshotStore.open(store.directory).shard == (1, 2)
    others = [a for a in IDS if a not in mine]
    with pytest.raises(SnapshotError, match="outside shard 1/2"):
        SnapshotStore.create(tmp_path / "bad", header_of(whole()), others, shard=(1, 2))


# --------------------------------------------------------------------------- interrupted writes


class Boom(Exception):
    pass


def test_interrupted_write_leaves_no_half_file(tmp_path, monkeypatch):
    store = new_store(tmp_path)
    store.write_account(account(IDS[0]))
    good = (tmp_path / "scan" / ACCOUNTS_DIR / f"{IDS[0]}.json").read_bytes()

    import aiposture.atomic as mod

    real_fsync = mod.os.fsync

    def failing_fsync(fd):
        raise Boom("interrupted")

    monkeypatch.setattr(mod.os, "fsync", failing_fsync)
    with pytest.raises(Boom):
        store.write_account(account(IDS[1]))
    with pytest.raises(Boom):
        store.write_account(account(IDS[0]).model_copy(update={"scanned_regions": []}))
    monkeypatch.setattr(mod.os, "fsync", real_fsync)

    files = sorted(p.name for p in (tmp_path / "scan" / ACCOUNTS_DIR).iterdir())
    assert files == [f"{IDS[0]}.json"]
    assert (tmp_path / "scan" / ACCOUNTS_DIR / f"{IDS[0]}.json").read_bytes() == good
    assert store.missing() == IDS[1:]
    assert SnapshotStore.open(tmp_path / "scan").missing() == IDS[1:]


def test_open_ignores_stray_temp_files(tmp_path):
    store = new_store(tmp_path)
    store.write_account(account(IDS[0]))
    accounts = tmp_path / "scan" / ACCOUNTS_DIR
    (accounts / f".{IDS[1]}.json.abc123.tmp").write_text('{"schema_version": "1", "acc')
    (accounts / f".{IDS[2]}.json").write_text("{")
    (tmp_path / "scan" / f".{MANIFEST_NAME}.x.tmp").write_text("{")
    reopened = SnapshotStore.open(tmp_path / "scan")
    assert reopened.done() == [IDS[0]]
    assert reopened.missing() == IDS[1:]


# --------------------------------------------------------------------------- corrupt files


def _corrupt_store(tmp_path: Path) -> Path:
    store = new_store(tmp_path)
    store.write_account(account(IDS[0]))
    store.write_account(account(IDS[1]))
    path = tmp_path / "scan" / ACCOUNTS_DIR / f"{IDS[1]}.json"
    path.write_text(path.read_text()[:300])
    return path


def test_corrupt_account_file_is_one_readable_error(tmp_path):
    path = _corrupt_store(tmp_path)
    with pytest.raises(SnapshotError) as info:
        SnapshotStore.open(tmp_path / "scan")
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert "truncated" in message and "delete the file" in message


def test_corrupt_account_file_can_be_recollected(tmp_path, caplog):
    path = _corrupt_store(tmp_path)
    store = SnapshotStore.open(tmp_path / "scan", recollect_corrupt=True)
    assert store.missing() == IDS[1:]
    assert len(store.warnings) == 1 and str(path) in store.warnings[0]
    assert str(path) in caplog.text
    store.write_account(account(IDS[1]))
    assert SnapshotStore.open(tmp_path / "scan").missing() == IDS[2:]


def test_tampered_account_file(tmp_path):
    store = new_store(tmp_path)
    store.write_account(account(IDS[0]))
    path = tmp_path / "scan" / ACCOUNTS_DIR / f"{IDS[0]}.json"
    doc = json.loads(path.read_text())
    doc["account"]["account"]["trails"] = []
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError, match=f"{path}.*integrity"):
        SnapshotStore.open(tmp_path / "scan")
    with pytest.raises(SnapshotError, match="integrity"):
        store.load(allow_partial=True)


def test_account_file_for_other_account(tmp_path):
    store = new_store(tmp_path)
    store.write_account(account(IDS[0]))
    accounts = tmp_path / "scan" / ACCOUNTS_DIR
    (accounts / f"{IDS[0]}.json").rename(accounts / f"{IDS[1]}.json")
    with pytest.raises(SnapshotError, match=f"holds account {IDS[0]}, not {IDS[1]}"):
        SnapshotStore.open(tmp_path / "scan")
    (accounts / f"{IDS[1]}.json").rename(accounts / "555555555555.json")
    with pytest.raises(SnapshotError, match="not in the plan"):
        SnapshotStore.open(tmp_path / "scan")


@pytest.mark.parametrize(
    ("setup", "pattern"),
    [
        (lambda d: None, "does not exist"),
        (lambda d: d.mkdir(), "no manifest.json"),
        (lambda d: (d.mkdir(), (d / MANIFEST_NAME).write_text("{")), "not valid JSON"),
        (lambda d: (d.mkdir(), (d / MANIFEST_NAME).write_text("[]")), "not an aiposture"),
    ],
)
def test_bad_folders(tmp_path, setup, pattern):
    setup(tmp_path / "scan")
    with pytest.raises(SnapshotError, match=pattern) as info:
        SnapshotStore.open(tmp_path / "scan")
    assert "\n" not in str(info.value)


def test_bad_manifest_content(tmp_path):
    new_store(tmp_path)
    path = tmp_path / "scan" / MANIFEST_NAME
    doc = json.loads(path.read_text())
    doc["manifest"]["planned_accounts"] = [IDS[0], IDS[0]]
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError, match="integrity"):
        SnapshotStore.open(tmp_path / "scan")
    doc["sha256"] = hashlib.sha256(canonical_json(doc["manifest"])).hexdigest()
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError, match=f"{path}: account {IDS[0]} is planned twice"):
        SnapshotStore.open(tmp_path / "scan")
    doc["manifest"]["planned_accounts"] = IDS
    doc["manifest"]["header"]["started_at"] = "yesterday"
    doc["sha256"] = hashlib.sha256(canonical_json(doc["manifest"])).hexdigest()
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError, match=r"invalid at header\.started_at"):
        SnapshotStore.open(tmp_path / "scan")


# --------------------------------------------------------------------------- sharding

account_ids = st.lists(st.from_regex(r"\d{12}", fullmatch=True), unique=True, max_size=60)


@settings(max_examples=60, deadline=None)
@given(ids=account_ids, n=st.integers(1, 12))
def test_shards_partition_the_accounts(ids, n):
    shards = [shard_accounts(ids, k, n) for k in range(1, n + 1)]
    flat = [a for s in shards for a in s]
    assert sorted(flat) == sorted(ids)  # complete and disjoint
    for k, shard in enumerate(shards, start=1):
        assert shard == [a for a in ids if a in set(shard)]  # input order kept
        assert shard == shard_accounts(list(ids), k, n)  # deterministic
        assert all(shard_of(a, n) == k for a in shard)


@settings(max_examples=60, deadline=None)
@given(ids=account_ids, more=account_ids, n=st.integers(1, 12), data=st.data())
def test_adding_accounts_moves_no_one(ids, more, n, data):
    grown = ids + [a for a in more if a not in ids]
    shuffled = data.draw(st.permutations(grown))
    for k in range(1, n + 1):
        before = set(shard_accounts(ids, k, n))
        after = set(shard_accounts(shuffled, k, n))
        assert before == after & set(ids)


def test_shard_of_is_stable_across_runs():
    # pinned: a change here would reshuffle every organization's shards
    assert [shard_of(a, 8) for a in IDS] == [3, 8, 5, 2]
    assert shard_of("111122223333", 5) == 5
    assert shard_of("111122223333", 1) == 1


@pytest.mark.parametrize(
    ("text", "expected"), [("2/8", (2, 8)), ("1/1", (1, 1)), (" 3 / 4 ", (3, 4))]
)
def test_parse_shard(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("", "form K/N"),
        ("2", "form K/N"),
        ("a/b", "form K/N"),
        ("-1/3", "form K/N"),
        ("0/3", "count from 1"),
        ("4/3", "between 1 and N"),
        ("1/0", "at least 1"),
        ("1/2/3", "form K/N"),
    ],
)
def test_parse_shard_errors(text, pattern):
    with pytest.raises(ConfigError, match=pattern) as info:
        parse_shard(text)
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- merging


def _sorted(snap: Snapshot) -> dict:
    dump = snap.model_dump(mode="json")
    dump["accounts"].sort(key=lambda a: a["account_id"])
    return dump


def test_merge_of_shard_folders_equals_whole(tmp_path):
    ids = [f"{i:012d}" for i in range(1, 21)]
    expected = planned_whole(ids)
    paths = []
    for k in range(1, 4):
        mine = shard_accounts(ids, k, 3)
        header = header_of(expected, plan_of(ids, f"{k}/3"))
        store = SnapshotStore.create(
            tmp_path / f"shard{k}", header, mine, shard=(k, 3), clock=lambda: NOW
        )
        for a in mine:
            store.write_account(account(a))
        paths.append(store.directory)
    merged = merge_paths(paths)
    assert merged.model_dump(mode="json") == _sorted(expected)
    assert merged.plan == plan_of(ids) and merged.missing_accounts() == []
    reversed_merge = merge_snapshots([load_any(p) for p in reversed(paths)])
    assert reversed_merge == merged


def test_merge_files_and_folders(tmp_path):
    expected = planned_whole()
    first = whole(shard_accounts(IDS, 1, 2))
    first.plan = plan_of(IDS, "1/2")
    first.started_at = NOW - timedelta(hours=1)
    first.finished_at = NOW - timedelta(minutes=30)
    dump_snapshot(first, tmp_path / "first.json")
    rest = shard_accounts(IDS, 2, 2)
    header = header_of(expected, plan_of(IDS, "2/2"))
    store = SnapshotStore.create(tmp_path / "rest", header, rest, shard=(2, 2), clock=lambda: NOW)
    for a in rest:
        store.write_account(account(a))
    merged = merge_paths([tmp_path / "first.json", tmp_path / "rest"])
    assert merged.started_at == NOW - timedelta(hours=1)
    assert merged.finished_at == NOW
    assert [a.account_id for a in merged.accounts] == IDS
    assert merged.errors == expected.errors  # the shared scan-wide error is kept once


def test_merge_incomplete_folder_needs_allow_partial(tmp_path):
    store = SnapshotStore.create(tmp_path / "scan", header_of(whole(), plan_of(IDS)), IDS)
    store.write_account(account(IDS[0]))
    with pytest.raises(SnapshotError, match="incomplete"):
        merge_paths([store.directory])
    merged = merge_paths([store.directory], allow_partial=True)
    assert [a.account_id for a in merged.accounts] == [IDS[0]]
    assert merged.missing_accounts() == IDS[1:]  # planned, not collected: judged ERROR


def test_merge_refuses_a_missing_shard_unless_partial(tmp_path):
    ids = [f"{i:012d}" for i in range(1, 13)]
    paths = shard_files(tmp_path, ids, 3)
    lost = shard_accounts(ids, 2, 3)
    with pytest.raises(SnapshotError) as info:
        merge_paths([paths[0], paths[2]])
    message = str(info.value)
    assert "\n" not in message
    assert f"{len(lost)} of 12 accounts of scan {plan_of(ids).scan_id} missing" in message
    assert "(shard 2/3 not given)" in message and lost[0] in message

    merged = merge_paths([paths[0], paths[2]], allow_partial=True)
    assert merged.plan == plan_of(ids)  # the whole plan, so the lost shard stays visible
    assert merged.missing_accounts() == lost
    assert sorted(a.account_id for a in merged.accounts) == sorted(set(ids) - set(lost))

    # The missing shard, merged later into the partial result, completes the scan.
    dump_snapshot(merged, tmp_path / "partial.json")
    done = merge_paths([tmp_path / "partial.json", paths[1]])
    assert done.missing_accounts() == [] and len(done.accounts) == 12


def test_merge_refuses_a_duplicated_shard_even_when_partial(tmp_path):
    paths = shard_files(tmp_path, IDS, 2)
    for allow_partial in (False, True):
        with pytest.raises(SnapshotError, match=r"shard 1/2 is given twice \(.*shard1of2.json and"):
            merge_paths([paths[0], paths[1], paths[0]], allow_partial=allow_partial)


def test_merge_refuses_shards_of_two_scans_even_when_partial(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ours = shard_files(tmp_path / "a", IDS, 2)
    # The same accounts in other regions: the scan the issue reported merged into a
    # snapshot that claimed regions neither shard had read.
    theirs = shard_files(tmp_path / "b", IDS, 2, regions=("eu-west-1",))
    for allow_partial in (False, True):
        with pytest.raises(SnapshotError, match=r"is of scan .*, .* of scan .*one scan"):
            merge_paths([ours[0], theirs[1]], allow_partial=allow_partial)
    other_accounts = shard_files(tmp_path / "b", [*IDS, "555555555555"], 2)
    with pytest.raises(SnapshotError, match="of scan"):
        merge_paths([ours[0], other_accounts[1]], allow_partial=True)


def test_merge_refuses_other_splits_and_stray_accounts():
    halves = [whole(shard_accounts(IDS, k, 2)) for k in (1, 2)]
    for k, snap in enumerate(halves, start=1):
        snap.plan = plan_of(IDS, f"{k}/2")
    third = whole(shard_accounts(IDS, 3, 3))
    third.plan = plan_of(IDS, "3/3")
    assert "a shard of 2, input 3 a shard of 3" in _merge_error([*halves, third], partial=True)

    stray = halves[0].model_copy(deep=True)
    stray.accounts.append(halves[1].accounts[0])
    assert (
        f"outside shard 1/2 of scan {plan_of(IDS).scan_id}: {halves[1].accounts[0].account_id}"
        in (_merge_error([stray, halves[1]], partial=True))
    )


def test_merge_regions_must_agree_even_without_a_plan():
    a, b = whole(IDS[:1]), whole(IDS[1:2])
    a.regions_requested = ["us-east-1", "eu-west-1"]
    b.regions_requested = ["eu-west-1", "us-west-2"]
    message = _merge_error([a, b], partial=True)
    assert "input 1 requested us-east-1, eu-west-1, input 2 requested eu-west-1, us-west-2" in (
        message
    )
    b.regions_requested = None
    assert "input 2 requested every enabled region" in _merge_error([a, b], partial=True)
    b.regions_requested = ["eu-west-1", "us-east-1"]  # the same set: one scan
    assert merge_snapshots([a, b], allow_partial=True).regions_requested == a.regions_requested


def test_merge_without_a_plan_cannot_prove_completeness():
    a, b = whole(IDS[:2]), whole(IDS[2:])
    assert "records no scan plan" in _merge_error([a, b])
    merged = merge_snapshots([a, b], allow_partial=True)
    assert merged.plan is None and [x.account_id for x in merged.accounts] == IDS
    c = planned_whole(IDS[2:])
    assert "input 2 records a scan plan and input 1 does not" in _merge_error([a, c], partial=True)


def test_merge_identical_duplicate_is_allowed():
    a, b = whole(IDS[:2]), whole(IDS[1:3])
    merged = merge_snapshots([a, b], allow_partial=True)
    assert [x.account_id for x in merged.accounts] == IDS[:3]


def test_folder_plan_must_match_the_scan_plan(tmp_path):
    mine = shard_accounts(IDS, 1, 2)
    with pytest.raises(SnapshotError, match="scan plan is for shard 2/2, the folder for shard 1/2"):
        SnapshotStore.create(
            tmp_path / "a", header_of(whole(), plan_of(IDS, "2/2")), mine, shard=(1, 2)
        )
    with pytest.raises(SnapshotError, match="not those of scan"):
        SnapshotStore.create(tmp_path / "b", header_of(whole(), plan_of(IDS)), IDS[:2])
    store = SnapshotStore.create(
        tmp_path / "c", header_of(whole(), plan_of(IDS, "1/2")), mine, shard=(1, 2)
    )
    assert SnapshotStore.open(store.directory).header.plan == plan_of(IDS, "1/2")


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"accounts": [IDS[0], IDS[0]]}, "planned twice"),
        ({"shard": "3/2"}, "K must be between 1 and N"),
        ({"scan_id": "../../x"}, "scan_id"),
        ({"accounts": ["../../x"]}, "accounts"),
    ],
)
def test_scan_plan_validation(change, pattern):
    body = {**plan_of(IDS).model_dump(mode="json"), **change}
    with pytest.raises(ValueError, match=pattern):
        ScanPlan.model_validate(body)


def test_scan_id_names_the_plan_not_its_order():
    base = plan_scan_id("aws", "123456789012", IDS, ["us-east-1", "eu-west-1"])
    assert plan_scan_id("aws", "123456789012", IDS[::-1], ["eu-west-1", "us-east-1"]) == base
    others = {
        plan_scan_id("aws", "123456789012", IDS[:3], ["us-east-1", "eu-west-1"]),
        plan_scan_id("aws", "123456789012", IDS, ["us-east-1"]),
        plan_scan_id("aws", "123456789012", IDS, None),
        plan_scan_id("aws", "999999999999", IDS, ["us-east-1", "eu-west-1"]),
        plan_scan_id("aws-cn", "123456789012", IDS, ["us-east-1", "eu-west-1"]),
    }
    assert base not in others and len(others) == 5


def test_shards_of_one_plan_under_two_run_ids_are_refused():
    halves = [whole(shard_accounts(IDS, k, 2)) for k in (1, 2)]
    for k, (snap, run) in enumerate(zip(halves, ("run-1", "run-2"), strict=True), start=1):
        snap.plan = ScanPlan(scan_id=run, accounts=IDS, shard=f"{k}/2")
    assert "input 1 is of scan run-1, input 2 of scan run-2" in _merge_error(halves, partial=True)
    halves[1].plan = ScanPlan(scan_id="run-1", accounts=IDS, shard="2/2")
    assert merge_snapshots(halves).plan == ScanPlan(scan_id="run-1", accounts=IDS)


@pytest.mark.parametrize("text", ["", "-x", "a b", "x\n", "a/b", "x" * 129])
def test_bad_scan_ids(text):
    with pytest.raises(ConfigError, match="scan id"):
        check_scan_id(text)


def test_snapshot_without_plan_still_loads(tmp_path):
    legacy = whole()
    dump_snapshot(legacy, tmp_path / "old.json")
    assert load_any(tmp_path / "old.json").plan is None
    assert load_any(tmp_path / "old.json").missing_accounts() == []


def test_merge_conflicts():
    a, b = whole(IDS[:2]), whole(IDS[1:3])
    b.accounts[0].scanned_regions = []
    message = _merge_error([a, b], ["s1.json", "s2.json"], partial=True)
    assert f"account {IDS[1]} is in both s1.json and s2.json" in message

    c = whole(IDS[3:])
    c.partition = "aws-cn"
    assert "partition 'aws', input 2 in 'aws-cn'" in _merge_error([a, c])

    d = whole(IDS[3:])
    assert d.identity is not None
    d.identity.account = "999999999999"
    assert "from account 999999999999" in _merge_error([a, d])

    assert "nothing to merge" in _merge_error([])


def _merge_error(snaps, labels=None, *, partial: bool = False) -> str:
    with pytest.raises(SnapshotError) as info:
        merge_snapshots(snaps, labels, allow_partial=partial)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_concurrent_writers(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    ids = [f"{i:012d}" for i in range(1, 33)]
    store = new_store(tmp_path, ids=ids)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(store.write_account, [account(a) for a in ids]))
    assert store.missing() == []
    assert [a.account_id for a in SnapshotStore.open(store.directory).load().accounts] == ids
