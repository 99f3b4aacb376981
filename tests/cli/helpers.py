"""Run the ``aiposture`` console command as a user would: a subprocess on this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")


def run_aiposture(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    cwd: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python -m aiposture ARGS`` with ``env`` (this checkout's ``src`` first on the path)."""
    full = {**env, "PYTHONPATH": SRC + os.pathsep + env.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "aiposture", *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``aiposture ARGS`` in this process through ``main``: exit code, stdout, stderr.

    No run may print a traceback: every error is one line.
    """
    from aiposture.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def one_line(err: str) -> str:
    """The only non-blank line of ``err`` (fails when there are more or none)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]
