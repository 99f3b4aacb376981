"""Run the ``aiposture`` console command as a user would: a subprocess on this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

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
