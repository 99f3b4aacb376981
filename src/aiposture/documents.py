r"""Reading the documents aiposture is given (JSON, YAML, TOML): every bad input is one line.

A file that is not UTF-8, a document nested deeper than any aiposture file is
(:data:`MAX_DEPTH`), or text holding a lone UTF-16 surrogate (``"\ud800"`` in JSON or a
YAML double-quoted string: it decodes, but it is not Unicode text and no output can encode
it) is refused here, when it is read, with one line naming the file; the caller picks the
:class:`~aiposture.errors.AiPostureError` subclass (config, waivers, snapshot, results).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiposture.errors import AiPostureError

MAX_DEPTH = 64
"""The deepest nesting accepted; aiposture's own files nest about 13 levels (a snapshot
with AWS policy documents in its evidence), so 64 refuses only what no aiposture wrote."""

ErrorFactory = Callable[[str], AiPostureError]
"""Builds the one-line error to raise (e.g. ``ConfigError``)."""

_SURROGATE = re.compile("[\ud800-\udfff]")


def read_utf8(path: Path, what: str, error: ErrorFactory) -> str:
    """The text of ``path``; unreadable or not UTF-8 is one-line ``error`` naming ``what``.

    Raw UTF-8-encoded surrogates (bytes ``ED A0 80``) are not UTF-8 either.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path} is not UTF-8 text (byte {exc.start + 1})") from exc


def _where(location: list[str | int]) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in location)
    return text.lstrip(".") or "(top level)"


def lone_surrogate(data: Any) -> str | None:
    """Where ``data`` holds a lone UTF-16 surrogate (``None``: nowhere); iterative."""
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack:
        node, location = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return _where(location)
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"a key of {_where(location)}"
                stack.append((value, [*location, str(key)]))
        elif isinstance(node, list | tuple):
            stack.extend((item, [*location, i]) for i, item in enumerate(node))
    return None


def check_document(data: Any, path: Path, what: str, error: ErrorFactory) -> Any:
    """Return ``data`` (a parsed document) once it is shown fit to use.

    It must nest at most :data:`MAX_DEPTH` levels and hold no lone surrogate, in a key or
    a value. One iterative walk checks both, so a deep document cannot exhaust the stack
    here; the location of a surrogate is found only once one is known to be there.
    """
    surrogate = False
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(f"{what} {path} is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, str):
            surrogate = surrogate or _SURROGATE.search(node) is not None
        elif isinstance(node, dict):
            surrogate = surrogate or any(isinstance(k, str) and _SURROGATE.search(k) for k in node)
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
    if surrogate:  # only now pay for tracking where: a second walk, on a bad file alone
        raise error(
            f"{what} {path} holds a lone UTF-16 surrogate at {lone_surrogate(data)}, "
            "which is not Unicode text"
        )
    return data


def parse_json(text: str, path: Path, what: str, error: ErrorFactory, hint: str = "") -> Any:
    """Parse ``text`` (the content of ``path``) as JSON and :func:`check_document` it.

    ``hint`` ends the message of a syntax error (e.g. ``"; is the file truncated?"``).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}){hint}"
        ) from exc
    except RecursionError as exc:
        raise error(f"{what} {path} is nested more than {MAX_DEPTH} levels deep") from exc
    return check_document(data, path, what, error)


def guard_depth(parse: Callable[[], Any], path: Path, what: str, error: ErrorFactory) -> Any:
    """Call ``parse`` (a recursive parser: YAML, TOML) and check what it returns.

    A document too deep for the parser is one-line ``error``; the result goes through
    :func:`check_document`.
    """
    try:
        data = parse()
    except RecursionError as exc:
        raise error(f"{what} {path} is nested more than {MAX_DEPTH} levels deep") from exc
    return check_document(data, path, what, error)
