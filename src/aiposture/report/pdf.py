"""The ``report.pdf`` format: weasyprint over the HTML report, with every URL refused.

Strings in a report come from AWS and are untrusted. The HTML escapes them, and on top of
that the PDF renderer loads nothing: its URL fetcher refuses ``http``, ``https``, ``file``,
``data`` and every other scheme, so an ``<img src="file:///etc/passwd">`` or a CSS
``url(http://169.254.169.254/)`` can never be read, whatever reaches the HTML.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, NoReturn

from aiposture.errors import RenderError
from aiposture.report.html import render_html
from aiposture.report.view import ReportOptions
from aiposture.results import Results

__all__ = [
    "PDF_OPTIONS",
    "PdfRenderer",
    "URLRefusedError",
    "html_to_pdf",
    "refusing_url_fetcher",
]

_LOG = logging.getLogger(__name__)

PDF_OPTIONS = ReportOptions(
    evidence_limit=1500,
    pass_evidence_limit=300,
    compact_evidence=True,
    repeat_remediation=False,
    compact_passes=True,
    interactive=False,
    group_evidence_limit=250,
    group_message_limit=500,
    continuity_change_limit=30,
)
"""The PDF's detail: findings grouped by check (remediation once, reasons of at most 500
and evidence excerpts of at most 250 characters), passing results one line each, at most 30
changes per account in the continuity table. Weasyprint's time
grows with every line it lays out; results.json holds everything."""

_REFUSAL_MARKER = "aiposture refuses to fetch"
_URL_SHOWN = 120


class URLRefusedError(ValueError):
    """Raised by :func:`refusing_url_fetcher` for every URL it is asked to fetch."""


def refusing_url_fetcher(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    """Refuse to fetch ``url``, whatever its scheme: a report loads no external resource."""
    shown = url if len(url) <= _URL_SHOWN else url[:_URL_SHOWN] + "..."
    raise URLRefusedError(f"{_REFUSAL_MARKER} {shown!r}: reports load no external resources")


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    # Looked up at call time, so a test can wrap the public function and see every call.
    refusing_url_fetcher(url, *args, **kwargs)


@lru_cache(maxsize=1)
def _fetcher_class() -> type[Any] | None:
    """Weasyprint >= 68 wants a ``URLFetcher`` object; older versions take any callable."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:
        return None

    class RefusingURLFetcher(URLFetcher):  # type: ignore[misc]
        """A weasyprint fetcher that delegates every request to :func:`refusing_url_fetcher`."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            """Refuse ``url``."""
            _refuse(url)

    return RefusingURLFetcher


def _weasyprint_fetcher() -> Any:
    cls = _fetcher_class()
    return _refuse if cls is None else cls()


class _DropRefusals(logging.Filter):
    """Silence weasyprint's log lines about URLs we refused; let every other line through."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except (TypeError, ValueError):
            return True
        if _REFUSAL_MARKER in text:
            self.dropped += 1
            return False
        return True


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "..."


def html_to_pdf(html: str) -> bytes:
    """Render HTML text to PDF bytes with weasyprint; no URL is ever fetched.

    Weasyprint's log lines about refused URLs are dropped; any other warning is kept.
    Any weasyprint failure becomes a :class:`RenderError` with a one-line message.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise RenderError(
            f"PDF output needs WeasyPrint and its Pango libraries: {_one_line(exc)}"
        ) from exc
    quiet = _DropRefusals()
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addFilter(quiet)
    try:
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_weasyprint_fetcher())
        pdf = document.write_pdf()
    except Exception as exc:
        raise RenderError(f"cannot render the PDF report: {_one_line(exc)}") from exc
    finally:
        weasy_log.removeFilter(quiet)
    if quiet.dropped:
        _LOG.debug("refused %d external resource(s) while rendering the PDF", quiet.dropped)
    if not isinstance(pdf, bytes):
        raise RenderError("cannot render the PDF report: weasyprint returned no bytes")
    return pdf


class PdfRenderer:
    """Render results as ``report.pdf`` from the same template as ``report.html``."""

    name = "pdf"
    filename = "report.pdf"

    def render(self, results: Results) -> bytes:
        """Return the PDF report."""
        return html_to_pdf(render_html(results, PDF_OPTIONS))
