"""Run a generated fix script for one account against a moto server, as an operator would.

:func:`run_script` assumes the account's ``OrganizationAccountAccessRole`` through the
server and runs the script with the real ``aws`` CLI, with only those credentials and the
endpoint in its environment: no profile, config or credentials file of the developer's
machine is read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3

from aiposture.demo.accounts import role_arn

__all__ = ["assumed_credentials", "run_script", "script_env"]

_BOOTSTRAP_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
"""Keys moto accepts for the first AssumeRole (they can never reach a real account)."""
_KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
"""The only variables of the calling environment the script sees."""


def assumed_credentials(
    endpoint: str, account_id: str, region: str = "us-east-1"
) -> dict[str, str]:
    """Keys of ``account_id``'s OrganizationAccountAccessRole, assumed through ``endpoint``."""
    sts = boto3.client("sts", region_name=region, endpoint_url=endpoint, **_BOOTSTRAP_KEYS)
    creds = sts.assume_role(RoleArn=role_arn(account_id), RoleSessionName="aiposture-remediate")[
        "Credentials"
    ]
    return {
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"],
    }


def script_env(endpoint: str, account_id: str, region: str = "us-east-1") -> dict[str, str]:
    """The whole environment of a script run: endpoint, assumed keys, region, nothing else."""
    env = {k: os.environ[k] for k in _KEPT if k in os.environ}
    # The AWS CLI installed with the test dependencies sits beside this Python.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(assumed_credentials(endpoint, account_id, region))
    env.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": region,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return env


def run_script(
    endpoint: str, account_id: str, script_path: str | Path
) -> subprocess.CompletedProcess[str]:
    """Run the bash script at ``script_path`` with ``account_id``'s credentials against moto.

    ``endpoint`` is the moto server's URL (``DemoServer.endpoint_url``); ``account_id`` is
    whose OrganizationAccountAccessRole is assumed (pass another account than the plan's
    to see the account guard refuse). Returns the finished process (stdout and stderr as
    text); it never raises on a non-zero exit.
    """
    return subprocess.run(
        ["bash", str(script_path)],
        env=script_env(endpoint, account_id),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
