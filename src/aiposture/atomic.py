"""Durable, all-or-nothing file writes: evidence and reports are never left half written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from aiposture.errors import OutputError
from aiposture.outputs_guard import check_output


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
    and ``path`` keeps its old content. A folder that cannot be written (read-only, full,
    a file) is one :class:`~aiposture.errors.OutputError` line naming ``path``; so is a
    ``path`` that is an input of the running command (:mod:`aiposture.outputs_guard`).
    """
    check_output(path)
    try:
        _replace(path, data, mode)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    fsync_dir(path.parent)


def _replace(path: Path, data: bytes, mode: int) -> None:
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
