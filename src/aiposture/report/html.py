"""The ``report.html`` format: a self-contained audit report (inline CSS, no URLs, no scripts)."""

from __future__ import annotations

import jinja2

from aiposture.engine.results import Results
from aiposture.errors import RenderError
from aiposture.report.templates import get_template, stylesheet
from aiposture.report.view import ReportOptions, build_view

__all__ = ["REPORT_TEMPLATE", "HtmlRenderer", "render_html"]

REPORT_TEMPLATE = "report.html.j2"
"""The template shared by the HTML and PDF reports."""


def render_html(results: Results, options: ReportOptions | None = None) -> str:
    """Render ``results`` to the report's HTML text; template failures become RenderError.

    ``options`` defaults to the full detail of ``report.html``; the PDF passes its own.
    """
    template = get_template(REPORT_TEMPLATE)
    try:
        return template.render(v=build_view(results, options), stylesheet=stylesheet())
    except jinja2.TemplateError as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RenderError(f"cannot render the report template: {message}") from exc


class HtmlRenderer:
    """Render results as ``report.html``."""

    name = "html"
    filename = "report.html"

    def render(self, results: Results) -> bytes:
        """Return the self-contained HTML report in UTF-8."""
        return render_html(results).encode("utf-8")
