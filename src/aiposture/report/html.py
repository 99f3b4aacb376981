"""The ``report.html`` format: a self-contained audit report (inline CSS and SVG, no URLs).

Its one script (filter and sort the table of every result) is inline and allowed by the
Content-Security-Policy through the SHA-256 of its exact text, never ``'unsafe-inline'``.
"""

from __future__ import annotations

import jinja2

from aiposture.errors import RenderError
from aiposture.report.templates import get_template, script, script_csp_source, stylesheet
from aiposture.report.view import ReportOptions, build_view
from aiposture.results import Results

__all__ = ["REPORT_TEMPLATE", "HtmlRenderer", "render_html"]

REPORT_TEMPLATE = "report.html.j2"
"""The template shared by the HTML and PDF reports."""


def render_html(results: Results, options: ReportOptions | None = None) -> str:
    """Render ``results`` to the report's HTML text; template failures become RenderError.

    ``options`` defaults to the full detail of ``report.html``; the PDF passes its own.
    """
    template = get_template(REPORT_TEMPLATE)
    view = build_view(results, options)
    code = script() if view.interactive else ""
    try:
        return template.render(
            v=view,
            stylesheet=stylesheet(),
            script=code,
            script_source=script_csp_source(code) if code else "'none'",
        )
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
