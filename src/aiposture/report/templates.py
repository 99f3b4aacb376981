"""Locating and loading the Jinja2 templates shared by the HTML and PDF reports."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

import jinja2

import aiposture
from aiposture.errors import RenderError

__all__ = [
    "environment",
    "get_template",
    "script",
    "script_csp_source",
    "stylesheet",
    "templates_dir",
]


def templates_dir() -> Path:
    """Return the directory that holds the report templates.

    An installed wheel carries them as package data in ``aiposture/_data/templates``;
    a source or editable checkout keeps them at the repository's ``reports/templates``.
    """
    package_dir = Path(aiposture.__file__).resolve().parent
    packaged = package_dir / "_data" / "templates"
    if packaged.is_dir():
        return packaged
    return package_dir.parents[1] / "reports" / "templates"


@lru_cache(maxsize=4)
def _environment_for(directory: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        # Escape in every template, whatever its extension: everything from AWS is untrusted.
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def environment() -> jinja2.Environment:
    """Return the (cached) Jinja2 environment: autoescaping, strict undefined, files only."""
    return _environment_for(templates_dir())


def get_template(name: str) -> jinja2.Template:
    """Load template ``name``; a missing or malformed template becomes a :class:`RenderError`."""
    directory = templates_dir()
    try:
        return environment().get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"report template {name!r} not found in {directory}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(
            f"report template {exc.name or name!r} is malformed (line {exc.lineno}: {exc.message})"
        ) from exc


_CUSTOM_PROPERTY = re.compile(r"^\s*(--[\w-]+)\s*:\s*([^;]+);", re.MULTILINE)
_VAR = re.compile(r"var\((--[\w-]+)\)")


@lru_cache(maxsize=4)
def _stylesheet_for(directory: Path) -> str:
    text = (directory / "report.css").read_text(encoding="utf-8")
    values = dict(_CUSTOM_PROPERTY.findall(text))
    # weasyprint lays pages out markedly faster with literal values than with var().
    return _VAR.sub(lambda m: values.get(m.group(1), m.group(0)).strip(), text)


def stylesheet() -> str:
    """Return ``report.css`` with its custom properties resolved, ready to inline.

    The stylesheet is the project's own file, never data from AWS; the template prints it
    inside ``{% autoescape false %}``, the only unescaped value in the report.
    """
    directory = templates_dir()
    try:
        return _stylesheet_for(directory)
    except OSError as exc:
        raise RenderError(
            f"cannot read the report stylesheet in {directory}: {exc.strerror}"
        ) from exc


@lru_cache(maxsize=4)
def _script_for(directory: Path) -> str:
    text = (directory / "report.js").read_text(encoding="utf-8")
    lowered = text.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise RenderError(f"report script in {directory} must not contain '</script' or '<!--'")
    return text


def script() -> str:
    """Return ``report.js``, the report's only script, to inline in the HTML.

    It is the project's own file and reads the page's DOM only: no value from a scan is
    ever templated into it. The template prints it unescaped, like the stylesheet.
    """
    directory = templates_dir()
    try:
        return _script_for(directory)
    except OSError as exc:
        raise RenderError(f"cannot read the report script in {directory}: {exc.strerror}") from exc


def script_csp_source(text: str) -> str:
    """Return the CSP source ``'sha256-...'`` that allows an inline script of exactly ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
