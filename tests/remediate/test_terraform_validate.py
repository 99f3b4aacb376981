"""``terraform validate`` on the generated main.tf, with the pinned AWS provider.

Runs where a ``terraform`` binary is on PATH and the AWS provider sits in a local
filesystem mirror (``AIPOSTURE_TF_PLUGIN_MIRROR``, default ``/opt/tf-plugins``): no network.
``terraform init`` takes the provider from the mirror only, so it also fails when the
mirror's provider is outside :data:`AWS_PROVIDER_VERSION`: the pin names the versions the
generated code is checked against. Skipped otherwise, saying which is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.demo.environment import DemoEnvironment
from aiposture.engine.catalog import load_catalog
from aiposture.remediate.plan import Plan
from aiposture.remediate.terraform import render_terraform
from aiposture.remediate.verify import plan_and_verify
from aiposture.snapshot.io import snapshot_sha256
from tests.remediate.sample_plan import sample_plan

MIRROR = Path(os.environ.get("AIPOSTURE_TF_PLUGIN_MIRROR", "/opt/tf-plugins"))
PROVIDER = "registry.terraform.io/hashicorp/aws"
TIMEOUT = 300


def _skip_reason() -> str | None:
    if shutil.which("terraform") is None:
        return "terraform is not on PATH"
    if not (MIRROR / PROVIDER).is_dir():
        return f"no AWS provider in the filesystem mirror {MIRROR / PROVIDER}"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def _validate(folder: Path, text: str, cli_config: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "main.tf").write_text(text)
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
    }
    for args in (["init", "-backend=false", "-input=false"], ["validate"]):
        done = subprocess.run(
            ["terraform", *args, "-no-color"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT,
        )
        assert done.returncode == 0, f"terraform {args[0]} in {folder.name}:\n{done.stderr}"


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CLI configuration that installs the AWS provider from the mirror, never the network."""
    path = tmp_path_factory.mktemp("terraform") / "cli.tfrc"
    path.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{MIRROR}"\n'
        f'    include = ["{PROVIDER}"]\n'
        "  }\n"
        "  direct {\n"
        f'    exclude = ["{PROVIDER}"]\n'
        "  }\n"
        "}\n"
    )
    return path


def _validate_plan(plan: Plan, out: Path, cli_config: Path) -> list[str]:
    accounts = [a for a in plan.accounts if a.changes]
    for account in accounts:
        _validate(out / account.account_id, render_terraform(plan, account), cli_config)
    return [a.account_id for a in accounts]


def test_the_sample_plan_validates(tmp_path: Path, cli_config: Path) -> None:
    assert _validate_plan(sample_plan(), tmp_path, cli_config)


@pytest.mark.integration
@pytest.mark.slow
def test_the_demo_plan_validates(
    demo_env: DemoEnvironment, tmp_path: Path, cli_config: Path
) -> None:
    snapshot = demo_env.collect()
    config = demo_env.org.config
    results = evaluate_snapshot(snapshot, config)
    plan, _ = plan_and_verify(snapshot, results, load_catalog(), config, snapshot_sha256(snapshot))
    validated = _validate_plan(plan, tmp_path, cli_config)
    assert len(validated) == 3, validated
