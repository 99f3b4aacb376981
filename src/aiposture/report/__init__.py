"""Report renderers: results in, files out.

Every format is a small class with a ``name``, a ``filename`` and ``render(results) ->
bytes``. The registry below lists them explicitly; importing a module registers nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from aiposture.atomic import write_atomically
from aiposture.errors import RenderError
from aiposture.report.asff import AsffRenderer
from aiposture.report.csv_format import CsvRenderer
from aiposture.report.html import HtmlRenderer
from aiposture.report.json_format import JsonRenderer
from aiposture.report.junit import JunitRenderer
from aiposture.report.markdown import MarkdownRenderer
from aiposture.report.ocsf import OcsfRenderer
from aiposture.report.pdf import PdfRenderer
from aiposture.report.sarif import SarifRenderer
from aiposture.results import Results

__all__ = ["Renderer", "available_formats", "get_renderer", "write_reports"]


class Renderer(Protocol):
    """One report format."""

    name: str
    filename: str

    def render(self, results: Results) -> bytes:
        """Return the whole file's content."""
        ...


_RENDERERS: dict[str, Renderer] = {
    renderer.name: renderer
    for renderer in (
        JsonRenderer(),
        HtmlRenderer(),
        PdfRenderer(),
        SarifRenderer(),
        JunitRenderer(),
        OcsfRenderer(),
        AsffRenderer(),
        CsvRenderer(),
        MarkdownRenderer(),
    )
}


def available_formats() -> list[str]:
    """Return the names of every report format, in registry order."""
    return list(_RENDERERS)


def get_renderer(name: str) -> Renderer:
    """Return the renderer of format ``name``; an unknown name raises :class:`RenderError`."""
    try:
        return _RENDERERS[name]
    except KeyError:
        choices = ", ".join(available_formats())
        raise RenderError(f"unknown report format {name!r}; choose from: {choices}") from None


def write_reports(results: Results, formats: Sequence[str], out_dir: Path) -> list[Path]:
    """Render ``results`` in each format and write the files into ``out_dir``.

    Every format name is checked before anything is rendered, and every format is
    rendered before anything is written, so an unknown format or a rendering failure
    writes nothing. Each file goes to a temporary file first and is then moved into place.
    Duplicate names are written once. Returns the paths written, in ``formats`` order.
    """
    renderers = [get_renderer(name) for name in dict.fromkeys(formats)]
    rendered = [(out_dir / r.filename, r.render(results)) for r in renderers]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for path, data in rendered:
            write_atomically(path, data)
    except OSError as exc:
        where = exc.filename or out_dir
        raise RenderError(f"cannot write reports to {where}: {exc.strerror or exc}") from exc
    return [path for path, _ in rendered]
