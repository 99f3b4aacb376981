"""Outputs never overwrite an input.

Two layers, one rule (an output path must not be, or lie inside, a path the command reads):

- :func:`refuse_overwrite`, called by each command before it writes anything, with the
  inputs it was given and the outputs it plans (a report folder's files, a results file);
- :func:`guarding_inputs`, a scope (one CLI command) in which every file a loader reads is
  noted (:func:`note_input`) and :func:`~aiposture.atomic.write_atomically` refuses to
  replace one of them (:func:`check_output`), whatever the command forgot to plan.

Paths are compared resolved (symlinks followed) and, where both exist, as the same file
(:func:`os.path.samefile`: hard links, bind mounts). A refusal is one
:class:`~aiposture.errors.OutputError` line (exit 2).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

from aiposture.errors import OutputError

Labelled = tuple[str, Path | None]
"""An input as ``(what it is, path)``, e.g. ``("results", Path("results.json"))``; a
``None`` path (an option not given) is skipped."""

_NOTED: ContextVar[list[Labelled] | None] = ContextVar("aiposture_inputs", default=None)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare as given
        return path.absolute()


def same_path(output: Path, source: Path) -> bool:
    """True when ``output`` names the file ``source`` names.

    That is the same resolved path, or (both existing) the same file by
    :func:`os.path.samefile`.
    """
    if _resolved(output) == _resolved(source):
        return True
    try:
        return os.path.samefile(output, source)
    except (OSError, ValueError):  # either is absent (or not a path the OS takes)
        return False


def _clash(output: Path, label: str, source: Path) -> str | None:
    """Why writing ``output`` would overwrite the input ``source`` (``None``: it would not)."""
    if same_path(output, source):
        return f"{output} would overwrite the {label} input {source}"
    if source.is_dir() and _resolved(output).is_relative_to(_resolved(source)):
        return f"{output} would be written inside the {label} input folder {source}"
    return None


def _refusal(reason: str) -> OutputError:
    return OutputError(f"{reason}; aiposture never writes over an input: choose another --out")


def refuse_overwrite(
    inputs: Iterable[Labelled], outputs: Iterable[Path], folders: Iterable[Path] = ()
) -> None:
    """Raise :class:`OutputError` when an output would overwrite an input.

    That is: one of ``outputs`` is (or is inside) one of ``inputs``, or an input lies
    inside one of ``folders`` (output folders written, or removed, whole). Call it before
    writing anything, with every output the command plans.
    """
    sources = [(label, path) for label, path in inputs if path is not None]
    for output in outputs:
        for label, source in sources:
            reason = _clash(output, label, source)
            if reason is not None:
                raise _refusal(reason)
    for folder in folders:
        for label, source in sources:
            if same_path(folder, source) or _resolved(source).is_relative_to(_resolved(folder)):
                raise _refusal(f"the output folder {folder} holds the {label} input {source}")


@contextlib.contextmanager
def guarding_inputs() -> Iterator[None]:
    """A scope in which noted inputs (:func:`note_input`) cannot be overwritten."""
    token = _NOTED.set([])
    try:
        yield
    finally:
        _NOTED.reset(token)


def note_input(label: str, path: Path) -> None:
    """Record ``path`` as an input of the running command (outside a scope: nothing)."""
    noted = _NOTED.get()
    if noted is not None:
        noted.append((label, path))


def check_output(path: Path) -> None:
    """Raise :class:`OutputError` when ``path`` is an input noted in the current scope."""
    noted = _NOTED.get()
    if noted:
        refuse_overwrite(noted, [path])
