"""``--regions`` and ``--assume-role`` are checked before any call: one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.helpers import run_aiposture

DEAD_ENDPOINT = "http://127.0.0.1:9"
"""Nothing listens there: a scan that sent a call would fail with a connection error."""


def run(tmp_path: Path, *args: str, region: str = "us-east-1") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_DEFAULT_REGION": region,
            "AWS_ENDPOINT_URL": DEAD_ENDPOINT,
        }
    )
    return run_aiposture(("scan", *args, "--out", str(tmp_path / "out")), env, timeout=60)


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_unknown_region_exits_2_at_once(tmp_path):
    started = time.monotonic()
    line = one_line(run(tmp_path, "--regions", "mars-north-9"))
    assert "'mars-north-9' is not a region of the aws partition" in line
    assert time.monotonic() - started < 30  # no retries against an endpoint
    assert not (tmp_path / "out").exists()


def test_region_in_capitals_is_refused_with_the_name_it_means(tmp_path):
    line = one_line(run(tmp_path, "--regions", "eu-west-1,US-EAST-1"))
    assert "'US-EAST-1'" in line and "did you mean us-east-1?" in line


@pytest.mark.parametrize("value", [",,,", " , "])
def test_regions_naming_nothing_is_refused(tmp_path, value):
    assert "names no region" in one_line(run(tmp_path, "--regions", value))


def test_region_of_another_partition_is_refused(tmp_path):
    line = one_line(run(tmp_path, "--regions", "us-east-1", region="us-gov-west-1"))
    assert "'us-east-1' is not a region of the aws-us-gov partition" in line


def test_empty_regions_in_the_config_file_is_refused(tmp_path):
    cfg = tmp_path / "aiposture.toml"
    cfg.write_text("[scan]\nregions = []\n")
    line = one_line(run(tmp_path, "--config", str(cfg)))
    assert "regions must name at least one region" in line


def test_role_arn_with_a_trailing_newline_is_refused(tmp_path):
    arn = "arn:aws:iam::123456789012:role/audit\n"
    line = one_line(run(tmp_path, "--regions", "us-east-1", "--assume-role", arn))
    assert "is not an IAM role ARN" in line


def test_role_of_another_partition_is_refused(tmp_path):
    arn = "arn:aws:iam::123456789012:role/audit"
    proc = run(tmp_path, "--regions", "us-gov-west-1", "--assume-role", arn, region="us-gov-west-1")
    assert "is in partition aws, but the configured region is in aws-us-gov" in one_line(proc)
