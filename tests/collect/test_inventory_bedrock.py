"""The Bedrock and Bedrock Data Automation inventory: the demo, paging, failures, the server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aiposture.collect import inventory_bedrock
from aiposture.collect.guard import COLLECTOR_OPERATIONS
from aiposture.collect.inventory import READERS, read_region_inventory
from aiposture.collect.inventory_bedrock import (
    BEDROCK_LISTINGS,
    DATA_AUTOMATION_LISTINGS,
    read_bedrock_inventory,
    read_data_automation_inventory,
)
from aiposture.collect.scan import collect
from aiposture.demo import moto_ext
from aiposture.demo.environment import DemoEnvironment, seeded_server
from aiposture.demo.moto_ext.bedrock_inventory import add_summary
from aiposture.demo.resources_bedrock import (
    GUIDE_BATCH_JOB,
    GUIDE_CUSTOM_MODEL,
    GUIDE_GUARDRAILS,
    GUIDE_IMPORTED_MODEL,
    GUIDE_INFERENCE_PROFILE,
    GUIDE_PROJECTS,
    PARTIAL_BATCH_JOB,
    PARTIAL_CUSTOM_MODEL,
    PARTIAL_GUARDRAILS,
    PARTIAL_IMPORTED_MODEL,
    PLACEHOLDER_GUARDRAILS,
    PLACEHOLDER_PROJECTS,
)
from aiposture.snapshot.inventory import KINDS_BY_KEY
from aiposture.snapshot.models import RegionSnapshot, Snapshot
from tests.collect.helpers import (
    E1,
    GUIDE,
    LAB,
    PARTIAL,
    PLACEHOLDER,
    W2,
    OperationRecorder,
    account,
    factory_for,
)

ACCOUNT = "123456789012"
KEYS = [kind.key for kind, _ in BEDROCK_LISTINGS + DATA_AUTOMATION_LISTINGS]
PROFILE_SOURCE = (
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
)


class Clients:
    """A ``UnitClients`` stand-in: plain boto3 clients, with per-operation failures and sends."""

    def __init__(self, endpoint_url: str | None = None, **credentials: str) -> None:
        self.endpoint_url = endpoint_url
        self.credentials = credentials
        self.sent: list[str] = []
        self.handlers: dict[str, Callable[..., Any]] = {}
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str) -> Any:
        if (service, region) not in self._clients:
            client = boto3.client(
                service, region_name=region, endpoint_url=self.endpoint_url, **self.credentials
            )
            service_id = client.meta.service_model.service_id.hyphenize()
            for operation, handler in self.handlers.items():
                client.meta.events.register(f"before-call.{service_id}.{operation}", handler)

            def on_send(event_name: str, **_: Any) -> None:
                self.sent.append(event_name.rsplit(".", 1)[1])

            client.meta.events.register("before-send", on_send)
            self._clients[(service, region)] = client
        return self._clients[(service, region)]


@pytest.fixture
def aws() -> Iterator[None]:
    moto_ext.install()
    with mock_aws():
        yield


def _read(clients: Clients, region: str = E1) -> RegionSnapshot:
    snap = RegionSnapshot(region=region)
    read_region_inventory(clients, snap, ACCOUNT)  # type: ignore[arg-type]
    return snap


def _guardrails(count: int, region: str = E1) -> None:
    client = boto3.client("bedrock", region_name=region)
    for i in range(count):
        client.create_guardrail(
            name=f"guardrail-{i}", blockedInputMessaging="no", blockedOutputsMessaging="no"
        )


# --- what is asked, paging, filters -----------------------------------------------------


def test_only_application_inference_profiles_are_listed(aws: None) -> None:
    client = boto3.client("bedrock", region_name=E1)
    client.create_inference_profile(
        inferenceProfileName="team-a", modelSource={"copyFrom": PROFILE_SOURCE}
    )
    every_type = {p["type"] for p in client.list_inference_profiles()["inferenceProfileSummaries"]}
    assert every_type == {"SYSTEM_DEFINED", "APPLICATION"}
    inventory = _read(Clients()).inventory
    assert inventory is not None
    assert [p.name for p in inventory["bedrock:inference-profile"]] == ["team-a"]


def test_data_automation_lists_the_accounts_own_blueprints_of_every_stage(aws: None) -> None:
    client = boto3.client("bedrock-data-automation", region_name=E1)
    client.create_blueprint(blueprintName="receipts", type="DOCUMENT", schema="{}")
    # without resourceOwner the AWS-managed blueprints are listed too
    assert len(client.list_blueprints()["blueprints"]) == 2
    inventory = _read(Clients()).inventory
    assert inventory is not None
    assert [b.name for b in inventory["bedrock-data-automation:blueprint"]] == ["receipts"]


def test_every_page_is_read(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inventory_bedrock, "PAGE_SIZE", 2)
    _guardrails(5)
    data = boto3.client("bedrock-data-automation", region_name=E1)
    for i in range(3):
        data.create_data_automation_project(
            projectName=f"project-{i}", standardOutputConfiguration={}
        )
    clients = Clients()
    inventory = _read(clients).inventory
    assert inventory is not None
    assert [g.name for g in inventory["bedrock:guardrail"]] == [f"guardrail-{i}" for i in range(5)]
    assert len(inventory["bedrock-data-automation:project"]) == 3
    assert clients.sent.count("ListGuardrails") == 3
    assert clients.sent.count("ListDataAutomationProjects") == 2


def test_the_model_bounds_max_results(aws: None) -> None:
    client = boto3.client("bedrock", region_name=E1)
    with pytest.raises(client.exceptions.ValidationException):
        client.list_guardrails(maxResults=1001)
    assert client.list_guardrails(maxResults=1000)["guardrails"] == []


# --- failures ---------------------------------------------------------------------------


def test_a_denied_listing_leaves_only_its_kind_unknown(aws: None, deny: Any) -> None:
    _guardrails(1)
    clients = Clients()
    clients.handlers["ListGuardrails"] = deny("AccessDeniedException", "no guardrails")
    clients.handlers["ListBlueprints"] = deny("AccessDeniedException", "no blueprints")
    snap = _read(clients)
    assert snap.inventory is not None
    assert "bedrock:guardrail" not in snap.inventory
    assert "bedrock-data-automation:blueprint" not in snap.inventory
    assert snap.inventory["bedrock:custom-model"] == []
    assert snap.inventory["bedrock-data-automation:project"] == []
    assert [(e.service, e.operation, e.error_code) for e in snap.errors] == [
        ("bedrock", "ListGuardrails", "AccessDeniedException"),
        ("bedrock-data-automation", "ListBlueprints", "AccessDeniedException"),
    ]
    assert all(e.account_id == ACCOUNT and e.region == E1 for e in snap.errors)


def test_a_failed_second_page_leaves_the_kind_unknown(
    aws: None, deny: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inventory_bedrock, "PAGE_SIZE", 1)
    _guardrails(2)
    pages: list[Any] = []

    def second_page_fails(params: dict[str, Any], **kwargs: Any) -> Any:
        pages.append(params)
        if len(pages) == 2:
            return deny("ThrottlingException", "slow down", 400)(**kwargs)
        return None

    clients = Clients()
    clients.handlers["ListGuardrails"] = second_page_fails
    snap = _read(clients)
    assert snap.inventory is not None and "bedrock:guardrail" not in snap.inventory
    assert [e.error_code for e in snap.errors] == ["ThrottlingException"]


def test_a_summary_without_its_arn_is_malformed(aws: None) -> None:
    add_summary(ACCOUNT, E1, "importedModelSummaries", {"modelName": "no-arn"})
    snap = _read(Clients())
    assert snap.inventory is not None and "bedrock:imported-model" not in snap.inventory
    assert [(e.operation, e.error_code) for e in snap.errors] == [
        ("ListImportedModels", "MalformedResponse")
    ]


def test_summaries_added_for_other_kinds_are_listed(aws: None) -> None:
    arn = f"arn:aws:bedrock:{E1}:{ACCOUNT}:model-invocation-job/job1"
    add_summary(
        ACCOUNT,
        E1,
        "invocationJobSummaries",
        {
            "jobArn": arn,
            "jobName": "nightly",
            "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/batch",
            "status": "Completed",
            "submitTime": "2026-01-01T00:00:00Z",
            "lastModifiedTime": "2026-01-02T00:00:00Z",
            "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://in/"}},
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://out/"}},
        },
    )
    inventory = _read(Clients()).inventory
    assert inventory is not None
    [job] = inventory["bedrock:model-invocation-job"]
    assert (job.arn, job.id, job.name, job.status) == (arn, "job1", "nightly", "Completed")
    assert job.updated_at is not None and job.updated_at.day == 2


def test_a_region_without_bedrock_is_not_called(aws: None) -> None:
    clients = Clients()
    snap = RegionSnapshot(region="ap-east-1")
    read_bedrock_inventory(clients, snap, ACCOUNT)  # type: ignore[arg-type]
    read_data_automation_inventory(clients, snap, ACCOUNT)  # type: ignore[arg-type]
    assert clients.sent == [] and not snap.inventory
    assert {"bedrock", "bedrock-data-automation"} <= set(snap.services_not_offered)


# --- through moto's HTTP server ---------------------------------------------------------


def _seed_over_http(session_for: Callable[[str], Any], endpoint: str) -> None:
    session = session_for(ACCOUNT)
    bedrock = session.client("bedrock", region_name=E1, endpoint_url=endpoint)
    bedrock.create_guardrail(name="served", blockedInputMessaging="x", blockedOutputsMessaging="y")
    data = session.client("bedrock-data-automation", region_name=E1, endpoint_url=endpoint)
    data.create_data_automation_project(projectName="served", standardOutputConfiguration={})
    data.create_blueprint(blueprintName="served", type="DOCUMENT", schema="{}")


@pytest.mark.integration
def test_the_readers_work_through_motos_http_server() -> None:
    with seeded_server(_seed_over_http, E1) as (endpoint, _):
        clients = Clients(endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")
        snap = RegionSnapshot(region=E1)
        read_bedrock_inventory(clients, snap, ACCOUNT)  # type: ignore[arg-type]
        read_data_automation_inventory(clients, snap, ACCOUNT)  # type: ignore[arg-type]
    assert snap.errors == []
    assert snap.inventory is not None
    for key in ("bedrock:guardrail", "bedrock-data-automation:project"):
        assert [i.name for i in snap.inventory[key]] == ["served"], key
    assert [i.name for i in snap.inventory["bedrock-data-automation:blueprint"]] == ["served"]
    assert snap.inventory["bedrock:custom-model"] == []


# --- the demo organization (last: its mock_aws stays on to the module's end) ---


def test_the_demo_scan_sends_these_operations_through_the_guard(demo_env: DemoEnvironment) -> None:
    recorder = OperationRecorder()
    collect(factory_for(demo_env, recorder), demo_env.options)
    ours = {(k.service, k.operation) for k, _ in BEDROCK_LISTINGS + DATA_AUTOMATION_LISTINGS}
    assert ours <= recorder.sent


@pytest.fixture(scope="module")
def demo_snapshot(demo_env: DemoEnvironment) -> Snapshot:
    return demo_env.collect()


def _names(snapshot: Snapshot, account_id: str, region: str, key: str) -> list[str | None]:
    inventory = account(snapshot, account_id).regions[region].inventory
    assert inventory is not None
    return [item.name for item in inventory[key]]


def test_the_demo_has_bedrock_resources_in_two_accounts_home_region(
    demo_snapshot: Snapshot,
) -> None:
    names = lambda acct, key: _names(demo_snapshot, acct, E1, key)  # noqa: E731
    assert names(GUIDE, "bedrock:guardrail") == list(GUIDE_GUARDRAILS)
    assert names(GUIDE, "bedrock:custom-model") == [GUIDE_CUSTOM_MODEL]
    assert names(GUIDE, "bedrock:inference-profile") == [GUIDE_INFERENCE_PROFILE]
    assert names(GUIDE, "bedrock-data-automation:project") == list(GUIDE_PROJECTS)
    assert names(PLACEHOLDER, "bedrock:guardrail") == list(PLACEHOLDER_GUARDRAILS)
    assert names(PLACEHOLDER, "bedrock-data-automation:project") == list(PLACEHOLDER_PROJECTS)
    assert names(GUIDE, "bedrock:imported-model") == [GUIDE_IMPORTED_MODEL]
    assert names(GUIDE, "bedrock:model-invocation-job") == [GUIDE_BATCH_JOB]
    assert names(GUIDE, "bedrock:provisioned-throughput") == []
    assert names(PARTIAL, "bedrock:guardrail") == list(PARTIAL_GUARDRAILS)
    assert names(PARTIAL, "bedrock:custom-model") == [PARTIAL_CUSTOM_MODEL]
    assert names(PARTIAL, "bedrock:imported-model") == [PARTIAL_IMPORTED_MODEL]
    assert names(PARTIAL, "bedrock:model-invocation-job") == [PARTIAL_BATCH_JOB]
    # the guide logs invocations in every region: its guardrails are ready in each
    guide_w2 = account(demo_snapshot, GUIDE).regions[W2].inventory
    assert guide_w2 is not None
    assert sorted(names(GUIDE, "bedrock:guardrail")) == sorted(GUIDE_GUARDRAILS)
    w2_guardrails = guide_w2["bedrock:guardrail"]
    assert sorted(g.name or "" for g in w2_guardrails) == sorted(GUIDE_GUARDRAILS)
    assert all(f":bedrock:{W2}:{GUIDE}:guardrail/" in g.arn for g in w2_guardrails)
    assert not any(guide_w2[key] for key in KEYS if key != "bedrock:guardrail")
    for acct, region in ((PLACEHOLDER, W2), (LAB, E1), (LAB, W2)):
        inventory = account(demo_snapshot, acct).regions[region].inventory
        assert inventory is not None
        assert {key: inventory[key] for key in KEYS} == {key: [] for key in KEYS}
    assert not [
        e
        for a in demo_snapshot.accounts
        for e in a.all_errors()
        if e.service in ("bedrock", "bedrock-data-automation")
    ]


def test_demo_items_carry_their_arns_ids_and_status(demo_snapshot: Snapshot) -> None:
    inventory = account(demo_snapshot, GUIDE).regions[E1].inventory
    assert inventory is not None
    guardrail = inventory["bedrock:guardrail"][0]
    assert guardrail.arn == f"arn:aws:bedrock:{E1}:{GUIDE}:guardrail/{guardrail.id}"
    assert guardrail.status == "READY" and guardrail.updated_at is not None
    model = inventory["bedrock:custom-model"][0]
    assert model.arn.startswith(f"arn:aws:bedrock:{E1}:{GUIDE}:custom-model/")
    assert model.status == "Active" and model.arn.endswith("/" + model.id)
    profile = inventory["bedrock:inference-profile"][0]
    assert profile.arn == (
        f"arn:aws:bedrock:{E1}:{GUIDE}:application-inference-profile/{profile.id}"
    )
    project = inventory["bedrock-data-automation:project"][0]
    assert project.arn == f"arn:aws:bedrock:{E1}:{GUIDE}:data-automation-project/{project.id}"


def test_readers_and_operations_are_registered() -> None:
    assert read_bedrock_inventory in READERS and read_data_automation_inventory in READERS
    for kind, _ in BEDROCK_LISTINGS + DATA_AUTOMATION_LISTINGS:
        assert (kind.service, kind.operation) in COLLECTOR_OPERATIONS
        assert KINDS_BY_KEY[kind.key] is kind
