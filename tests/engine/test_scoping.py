"""Scoping by use (``scan.regions_in_use``): per-workload checks where the workload runs.

The snapshot has two regions of one account behind a trail that logs management events
only, so every data-event check and every detection FAILs wherever it is judged: a
NOT_APPLICABLE can only come from scoping. us-east-1 holds an AgentCore gateway;
eu-west-1 holds nothing and shows no use, unless a test says otherwise.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aiposture.config import Config, ScanConfig, load_config
from aiposture.engine.catalog import checks_dir, load_catalog
from aiposture.engine.runner import evaluate, evaluate_account
from aiposture.errors import CatalogError, ConfigError
from aiposture.results import RegionScope, Result, Results, Status
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.io import dump_snapshot
from aiposture.snapshot.models import (
    AgentTelemetry,
    InventoryItem,
    InvocationLogging,
    MetricUse,
    RegionSnapshot,
    Snapshot,
    Usage,
)
from tests.builders import ACCOUNT, denied, snapshot, trail
from tests.cli.helpers import run_aiposture

CATALOG = load_catalog()
EMPTY = "eu-west-1"
BUSY = "us-east-1"
GATEWAY_KIND = "bedrock-agentcore-control:gateway"
GATEWAY_ARN = f"arn:aws:bedrock-agentcore:{BUSY}:{ACCOUNT}:gateway/gw-1"
PER_WORKLOAD = {item.check.id for item in CATALOG.checks if item.workload}
BASELINE = [
    "ct-management-events",
    "ct-insights-api-call-rate",
    "ct-region-coverage",
    "bedrock-invocation-logging",
    "mf-14-cloudtrail-logging-disruption",
    "alarm-cloudtrail-logging-disruption",
    "mf-01-bedrock-unauthorized-access",
    "mf-06-model-invocation-volume",
    "det-guardduty-enabled",
]
NO_GATEWAY = f"no AgentCore gateway exists in {EMPTY} and no AgentCore use was seen in 30 days"


def usage(**totals: float) -> Usage:
    """Usage metrics read over 30 days: ``Invocations=5`` -> AWS/Bedrock Invocations 5."""
    metrics = [
        MetricUse(namespace="AWS/Bedrock", metric=name, dimensions={"ModelId": "m"}, total=t)
        for name, t in totals.items()
    ]
    start, end = datetime(2026, 10, 21, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)
    return Usage(window_days=30, start=start, end=end, metrics=metrics)


def empty_inventory() -> dict[str, list[InventoryItem]]:
    """Every kind listed, none found."""
    return {kind.key: [] for kind in RESOURCE_KINDS}


def two_regions() -> Snapshot:
    """A gateway in us-east-1; eu-west-1 read completely, with nothing in it."""
    snap = snapshot(trail(), regions=(BUSY, EMPTY))
    acct = snap.account(ACCOUNT)
    assert acct is not None
    busy = acct.regions[BUSY]
    busy.inventory = empty_inventory()
    busy.inventory[GATEWAY_KIND] = [InventoryItem(arn=GATEWAY_ARN, id="gw-1", name="gw")]
    busy.usage = usage()
    empty = acct.regions[EMPTY]
    empty.inventory = empty_inventory()
    empty.usage = usage(Invocations=0)
    for reg in (busy, empty):  # pipeline B read: Transaction Search off, no aws/spans
        reg.agent_telemetry = AgentTelemetry(
            trace_segment_destination={"Destination": "XRay", "Status": "ACTIVE"},
            indexing_rules=[],
            spans_log_group_read=True,
            runtime_log_groups=[],
        )
    return snap


def region_of(snap: Snapshot, name: str = EMPTY) -> RegionSnapshot:
    acct = snap.account(ACCOUNT)
    assert acct is not None
    return acct.regions[name]


def judge(snap: Snapshot, mode: str = "auto") -> Results:
    config = Config(scan=ScanConfig(regions_in_use=mode))  # type: ignore[arg-type]
    return evaluate(snap, "sha", CATALOG, config)


def only(results: Results, check_id: str, region: str = EMPTY) -> Result:
    found = [r for r in results.results if (r.check_id, r.region) == (check_id, region)]
    assert len(found) == 1, (check_id, region, found)
    return found[0]


def scope_of(results: Results, region: str = EMPTY) -> RegionScope:
    assert results.scoping is not None
    (found,) = [s for s in results.scoping.regions if s.region == region]
    return found


def test_an_empty_region_gets_no_per_workload_fail_and_keeps_the_baseline() -> None:
    results = judge(two_regions())
    here = [r for r in results.results if r.region == EMPTY]
    failing = sorted(r.check_id for r in here if r.check_id in PER_WORKLOAD and r.status == "FAIL")
    assert failing == []
    for check_id in PER_WORKLOAD:
        r = only(results, check_id)
        assert r.status == Status.NOT_APPLICABLE, (check_id, r.message)
        assert r.message == r.evidence["scoping"]["reason"]
        assert r.evidence["scoping"]["mode"] == "auto"
    for check_id in BASELINE:
        assert only(results, check_id).status != Status.NOT_APPLICABLE, check_id
    # The management-only trail leaves the baseline failing there: it is still judged.
    assert only(results, "bedrock-invocation-logging").status == Status.FAIL
    assert only(results, "mf-14-cloudtrail-logging-disruption").status == Status.FAIL


def test_the_reason_names_the_workload_the_region_and_the_window() -> None:
    results = judge(two_regions())
    gateway = only(results, "ct-data-agentcore-gateway")
    assert gateway.message == NO_GATEWAY
    assert gateway.evidence["scoping"] == {
        "mode": "auto",
        "workload": "AWS::BedrockAgentCore::Gateway",
        "types": ["AWS::BedrockAgentCore::Gateway"],
        "reason": NO_GATEWAY,
    }
    # A detection specific to gateways gives the same reason; a type that cannot be
    # listed gives the region's.
    assert only(results, "mf-20-gateway-config-changes").message == NO_GATEWAY
    mantle = only(results, "ct-data-mantle-project").message
    assert mantle == (
        f"no AI resource and no Bedrock, agent or AgentCore use was seen in {EMPTY} in 30 "
        "days, and model invocation logging is off"
    )
    scope = scope_of(results)
    assert scope.ai_in_use is False
    assert scope.not_applicable["AWS::BedrockAgentCore::Gateway"] == NO_GATEWAY
    assert scope.signals == [] and scope.unknown == []


def test_where_the_workload_exists_it_is_judged_and_listed() -> None:
    results = judge(two_regions())
    assert only(results, "ct-data-agentcore-gateway", BUSY).status == Status.FAIL
    assert only(results, "mf-20-gateway-config-changes", BUSY).status == Status.FAIL
    # The other AgentCore workloads have nothing in us-east-1 either.
    assert only(results, "ct-data-agentcore-memory", BUSY).status == Status.NOT_APPLICABLE
    scope = scope_of(results, BUSY)
    assert scope.ai_in_use is True
    assert scope.signals == ["1 AI resource inventoried"]
    assert [(e.kind, e.arn, e.data_event_type) for e in scope.inventory] == [
        (GATEWAY_KIND, GATEWAY_ARN, "AWS::BedrockAgentCore::Gateway")
    ]
    assert "AWS::BedrockAgentCore::Gateway" not in scope.not_applicable


def test_all_restores_every_judgement() -> None:
    snap = two_regions()
    auto, every = judge(snap, "auto"), judge(snap, "all")
    scoped = [r for r in auto.results if "scoping" in r.evidence]
    assert scoped and not any("scoping" in r.evidence for r in every.results)
    # What scoping hid were FAILs (the trail logs no data event), judged again with all.
    hidden = {(r.check_id, r.region) for r in scoped}
    assert {r.status for r in every.results if (r.check_id, r.region) in hidden} == {Status.FAIL}
    # Without scoping decisions the runner judges exactly as with all.
    acct = snap.account(ACCOUNT)
    assert acct is not None
    plain = list(evaluate_account(snap, acct, CATALOG, Config(), regions={}))
    assert [r.model_dump() for r in plain] == [r.model_dump() for r in every.results]
    # Whatever auto judges, it judges as all does.
    judged = [r.model_dump() for r in auto.results if "scoping" not in r.evidence]
    assert judged == [r.model_dump() for r in every.results if (r.check_id, r.region) not in hidden]
    assert every.scoping is not None and every.scoping.mode == "all"
    assert scope_of(every).ai_in_use is False and scope_of(every).not_applicable == {}


@pytest.mark.parametrize(
    ("change", "unknown"),
    [
        ("listing", "AgentCore gateways and AgentCore gateway targets could not be listed"),
        ("usage", "the usage metrics (CloudWatch) were not read"),
        ("old", "the AI inventory was not read"),
        ("logging", "the Bedrock model invocation logging configuration was not read"),
    ],
)
def test_cannot_tell_scopes_nothing_out_and_says_why(change: str, unknown: str) -> None:
    snap = two_regions()
    reg = region_of(snap)
    if change == "listing":
        assert reg.inventory is not None
        del reg.inventory[GATEWAY_KIND]
        del reg.inventory["bedrock-agentcore-control:gateway-target"]
        reg.errors.append(denied("bedrock-agentcore-control", "ListGateways", region=EMPTY))
    elif change == "usage":
        reg.usage = None
    elif change == "old":
        reg.inventory = None
        reg.usage = None
    else:
        reg.invocation_logging = None
    results = judge(snap)
    scope = scope_of(results)
    assert scope.ai_in_use is None
    assert any(unknown in line for line in scope.unknown), scope.unknown
    gateway = only(results, "ct-data-agentcore-gateway")
    if change == "logging":
        # Invocation logging speaks for Bedrock types, not for AgentCore gateways.
        assert gateway.status == Status.NOT_APPLICABLE
        assert only(results, "ct-data-bedrock-model").status == Status.FAIL
        assert only(results, "ct-data-mantle-project").status == Status.FAIL
        return
    assert gateway.status == Status.FAIL, gateway.message
    assert "AWS::BedrockAgentCore::Gateway" not in scope.not_applicable
    if change == "listing":
        assert scope.unknown_kinds == [GATEWAY_KIND, "bedrock-agentcore-control:gateway-target"]
        # The listings that worked still scope their own workloads.
        assert only(results, "ct-data-agentcore-memory").status == Status.NOT_APPLICABLE
        assert only(results, "ct-data-mantle-project").status == Status.FAIL
    else:
        assert not any("scoping" in r.evidence for r in results.results if r.region == EMPTY)


def test_quiet_use_keeps_model_data_events_in_force() -> None:
    snap = two_regions()
    region_of(snap).usage = usage(Invocations=2400, InputTokenCount=900_000)
    results = judge(snap)
    model = only(results, "ct-data-bedrock-model")
    assert model.status == Status.FAIL and "scoping" not in model.evidence
    # Bedrock use says nothing of AgentCore gateways; types without a listing follow the
    # region's signs of use.
    assert only(results, "ct-data-agentcore-gateway").status == Status.NOT_APPLICABLE
    assert only(results, "ct-data-bedrock-session").status == Status.FAIL
    scope = scope_of(results)
    assert scope.ai_in_use is True
    assert scope.signals == [
        "AWS/Bedrock Invocations: 2,400 in 30 days",
        "AWS/Bedrock InputTokenCount: 900,000 in 30 days",
    ]


def test_configured_invocation_logging_is_a_sign_of_bedrock_use() -> None:
    snap = two_regions()
    region_of(snap).invocation_logging = InvocationLogging(
        config={"cloudWatchConfig": {"logGroupName": "bedrock-invocations"}}
    )
    results = judge(snap)
    assert only(results, "ct-data-bedrock-model").status == Status.FAIL
    assert only(results, "ct-data-bedrock-knowledge-base").status == Status.FAIL
    assert only(results, "ct-data-agentcore-gateway").status == Status.NOT_APPLICABLE
    assert scope_of(results).signals == ["Bedrock model invocation logging is configured"]


def test_configured_s3_prefixes_keep_the_s3_checks_everywhere() -> None:
    snap = two_regions()
    default = judge(snap)
    assert only(default, "ct-data-s3-ai-buckets").status == Status.NOT_APPLICABLE
    config = Config.model_validate({"resources": {"s3_bucket_prefixes": ["corp-ml-"]}})
    results = evaluate(snap, "sha", CATALOG, config)
    assert only(results, "ct-data-s3-ai-buckets").status == Status.FAIL
    assert only(results, "mf-11-s3-training-data-writes").status == Status.FAIL
    assert only(results, "ct-data-lambda-ai-functions").status == Status.NOT_APPLICABLE


def test_a_multi_type_detection_needs_every_type_unused() -> None:
    snap = two_regions()
    inventory = region_of(snap).inventory
    assert inventory is not None
    inventory["bedrock-agentcore-control:browser"] = [
        InventoryItem(arn=f"arn:aws:bedrock-agentcore:{EMPTY}:{ACCOUNT}:browser/b-1", id="b-1")
    ]
    results = judge(snap)
    # The custom browser is used here: the tool detections stay, and so do the built-in
    # tools' data events (the region now shows AI).
    assert only(results, "mf-17-agentcore-tool-invocations").status == Status.FAIL
    assert only(results, "ct-data-agentcore-browser").status == Status.FAIL
    assert only(results, "ct-data-agentcore-gateway").status == Status.NOT_APPLICABLE


def test_regions_in_use_accepts_auto_and_all_only(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[scan]\nregions_in_use = 'all'\n")
    assert load_config(path).scan.regions_in_use == "all"
    assert Config().scan.regions_in_use == "auto"
    path.write_text("[scan]\nregions_in_use = 'sometimes'\n")
    with pytest.raises(ConfigError, match=r"invalid value at 'scan\.regions_in_use'"):
        load_config(path)


def test_a_bad_regions_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "aiposture.toml"
    cfg.write_text("[scan]\nregions_in_use = 'some'\n")
    snap = tmp_path / "snap.json"
    dump_snapshot(snapshot(trail()), snap)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = run_aiposture(
        ["evaluate", str(snap), "--config", str(cfg), "--out", str(tmp_path / "r.json")],
        env,
        timeout=120,
    )
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "scan.regions_in_use" in lines[0], proc.stderr


def test_shipped_workloads_name_data_event_types_and_alarms_follow_their_filters() -> None:
    by_id = {item.check.id: item for item in CATALOG.checks}
    data_types = {
        item.workload for item in CATALOG.checks if item.kind.name == "data_events_logged"
    }
    assert all(len(t) == 1 for t in data_types) and len(data_types) == 37
    for item in CATALOG.checks:
        if item.kind.name == "alarm_chain":
            assert item.workload == by_id[item.params.metric_filter].workload, item.check.id
    # The baseline named by the issue stays baseline.
    assert not any(by_id[c].workload for c in BASELINE)
    assert by_id["mf-20-gateway-config-changes"].workload == ("AWS::BedrockAgentCore::Gateway",)


def _catalog_with(tmp_path: Path, *names: str) -> Path:
    """A catalog folder holding copies of the shipped checks ``names``."""
    for name in names:
        (found,) = checks_dir().rglob(f"{name}.yaml")
        shutil.copy(found, tmp_path / found.name)
    return tmp_path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("mf-15-gateway-invocations", "workload: [AWS::BedrockAgentCore::Gateway]", ""),
            "differs from that of the metric filter it builds on",
        ),
        (
            ("ct-data-agentcore-gateway", "rule:", "workload: [AWS::Bedrock::Tool]\nrule:"),
            "leave workload out",
        ),
        (
            (
                "mf-15-gateway-invocations",
                "workload: [AWS::BedrockAgentCore::Gateway]",
                "workload: [AWS::BedrockAgentCore::Gateways]",
            ),
            "is not the resource_type of any data_events_logged check",
        ),
        (
            (
                "mf-15-gateway-invocations",
                "workload: [AWS::BedrockAgentCore::Gateway]",
                "workload: [Gateway]",
            ),
            "are not CloudTrail resources.type values",
        ),
    ],
)
def test_bad_workloads_are_rejected(
    tmp_path: Path, edit: tuple[str, str, str], message: str
) -> None:
    folder = _catalog_with(
        tmp_path,
        "ct-data-agentcore-gateway",
        "mf-15-gateway-invocations",
        "alarm-agentcore-gateway-invocation-spike",
    )
    assert [c.check.id for c in load_catalog(folder).checks if c.workload] == [
        "alarm-agentcore-gateway-invocation-spike",
        "ct-data-agentcore-gateway",
        "mf-15-gateway-invocations",
    ]
    name, old, new = edit
    path = folder / f"{name}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(CatalogError, match=message):
        load_catalog(folder)


def test_workload_is_only_for_checks_judged_per_region(tmp_path: Path) -> None:
    folder = _catalog_with(tmp_path, "ct-data-agentcore-gateway", "ct-trail-logging")
    path = folder / "ct-trail-logging.yaml"
    path.write_text(
        path.read_text().replace("rule:", "workload: [AWS::BedrockAgentCore::Gateway]\nrule:", 1)
    )
    with pytest.raises(CatalogError, match="judged per trail"):
        load_catalog(folder)


def test_the_regions_in_use_flag_beats_the_configuration(tmp_path: Path) -> None:
    cfg = tmp_path / "aiposture.toml"
    cfg.write_text("[scan]\nregions_in_use = 'auto'\n")
    snap = tmp_path / "snap.json"
    dump_snapshot(two_regions(), snap)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    statuses = {}
    for flag in ("auto", "all"):
        out = tmp_path / f"{flag}.json"
        proc = run_aiposture(
            [
                *("evaluate", str(snap), "--config", str(cfg), "--out", str(out)),
                *("--regions-in-use", flag, "--fail-on", "none"),
            ],
            env,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        results = Results.model_validate_json(out.read_text())
        assert results.scoping is not None and results.scoping.mode == flag
        statuses[flag] = only(results, "ct-data-agentcore-gateway").status
    assert statuses == {"auto": Status.NOT_APPLICABLE, "all": Status.FAIL}
    bad = run_aiposture(["evaluate", str(snap), "--regions-in-use", "some"], env, timeout=120)
    assert bad.returncode == 2 and "--regions-in-use" in bad.stderr
