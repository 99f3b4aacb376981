"""`aiposture collect --org` as a user runs it, against moto's HTTP server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aiposture.demo import DemoServer
from tests.cli.helpers import run_aiposture

pytestmark = pytest.mark.integration
GUIDE, PARTIAL, PLACEHOLDER = "111122223333", "444455556666", "777788889999"
E1 = "us-east-1"


def test_cli_collect_org_through_the_http_endpoint(server_env: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    proc = run_aiposture(
        ["collect", "--org", "--regions", E1, "--exclude-accounts", PLACEHOLDER, "--out", str(out)],
        dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert [a["account_id"] for a in doc["snapshot"]["accounts"]] == [GUIDE, PARTIAL]
