"""``aiposture policy --security-audit-addition``: the statement SecurityAudit lacks."""

from __future__ import annotations

import json
import os
import shlex

from aiposture.collect.policy import iam_policy
from aiposture.iam.denials import SECURITY_AUDIT_ADDITION_COMMAND
from aiposture.iam.managed_policies import SECURITY_AUDIT
from tests.cli.helpers import run_aiposture


def test_security_audit_addition_prints_only_what_security_audit_lacks() -> None:
    # the command exactly as an AccessDenied ERROR quotes it
    program, *args = shlex.split(SECURITY_AUDIT_ADDITION_COMMAND)
    assert program == "aiposture"
    proc = run_aiposture(args, dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert document["Version"] == "2012-10-17"
    [statement] = document["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "*"
    assert "cloudtrail:GetEventConfiguration" in statement["Action"]
    assert "cloudwatch:GetMetricData" in statement["Action"]
    full = iam_policy()["Statement"][0]["Action"]
    assert statement["Action"] == [a for a in full if not SECURITY_AUDIT.grants(a)]
