"""Durable, all-or-nothing file writes: evidence and reports are never left half written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (best effort: not every platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    The temporary file is flushed to disk, given ``mode`` and renamed over ``path``, then
    the folder is synced; on any failure (Ctrl-C included) the temporary file is removed
    and ``path`` keeps its old content.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    renamed = False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        tmp.replace(path)
        renamed = True
    finally:
        if not renamed:  # the error (or Ctrl-C) propagates; only the temporary file goes
            with contextlib.suppress(OSError):
                tmp.unlink()
    fsync_dir(path.parent)
