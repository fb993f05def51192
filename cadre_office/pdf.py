"""PDF documents: HTML templates rendered by WeasyPrint, and their audited download.

Every PDF of the system (the 纪实表 today) goes through ``render_pdf`` and ``pdf_download``:

- The HTML comes from a Django template, so user text is autoescaped and cannot inject markup.
- WeasyPrint may fetch nothing but the app's own static files (docs/security.md, PDF rendering).
  Stylesheets are found by the name ``{% static %}`` wrote: the hashed name of the collected file
  under production settings (ManifestStaticFilesStorage), the plain name in development.
- A failure to render is an ordinary exception (WeasyPrint's fatal fetch error derives from
  ``BaseException`` and would escape Django's handling, giving gunicorn's bare 500 without the
  security headers): the user gets the Chinese error page, the failure is logged and audited.
"""

import io
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from cadre_office.audit.services import Event, Outcome, audit_record

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"
RENDER_FAILED = "PDF 生成失败，已记录日志。请稍后重试；如反复出现，请联系系统管理员。"


class ExternalFetchRefused(FatalURLFetchingError):
    """The PDF asked for a resource outside the app's static files: rendering stops."""


class PdfRenderError(Exception):
    """A PDF could not be rendered (a refused fetch, or WeasyPrint failed)."""


def static_file_path(name: str) -> Path | None:
    """Return the file of static ``name``, or None when it is not one of ours.

    The finders know the plain names of the source tree (development); a hashed name written by
    the manifest storage exists only among the collected files under ``STATIC_ROOT``.
    """
    try:
        found = finders.find(name)
        if found:
            return Path(found)
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except (SuspiciousFileOperation, NotImplementedError, ValueError):
        return None
    return None


class StaticOnlyFetcher(URLFetcher):
    """Serve the app's own static files (``/static/…``) to WeasyPrint and refuse everything else.

    An image inlined as a ``data:`` URL (a cadre's photo on the 任免审批表) is content of the page
    itself, not a fetch: it is let through.
    """

    def fetch(self, url, headers=None):
        if url.startswith(("data:image/jpeg;base64,", "data:image/png;base64,")):
            return super().fetch(url, headers)
        prefix = "file://" + settings.STATIC_URL
        if url.startswith(prefix):
            path = static_file_path(url[len(prefix):].split("?", 1)[0])
            if path is not None:
                return super().fetch(path.as_uri(), headers)
        raise ExternalFetchRefused(url)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Return ``template_name`` rendered with ``context`` as PDF bytes; raise PdfRenderError on failure."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    try:
        return HTML(string=html, base_url="file://", url_fetcher=StaticOnlyFetcher()).write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException: turn it into an ordinary error here
        raise PdfRenderError(f"refused to fetch {exc}") from None


def pdf_download(request, *, render_content, filename: str, obj=None, detail: dict | None = None):
    """Render a PDF with ``render_content()`` and return it as a download; audit success or failure.

    On failure the user gets the Chinese error page (status 500, through the middleware, so with
    the security headers), the traceback goes to the log, and the audit row says it failed.
    """
    detail = detail or {}
    try:
        content = render_content()
    except Exception:
        logger.exception("PDF rendering failed: %s", filename)
        audit_record(Event.DOWNLOAD, actor=request.user, obj=obj, outcome=Outcome.FAILURE,
                     detail={**detail, "error": "PDF 生成失败"})
        return render(request, "500.html", {"message": RENDER_FAILED}, status=500)
    audit_record(Event.DOWNLOAD, actor=request.user, obj=obj, detail=detail)
    return FileResponse(io.BytesIO(content), as_attachment=True, content_type=PDF_CONTENT_TYPE, filename=filename)


class PdfDownloadMixin:
    """A view that answers GET with one PDF: subclasses give the object, its file name and content.

    Every PDF view of the system derives from this, which lets the suite find them all and render
    each one under production settings (tests/test_pdf_production.py).
    """

    pdf_report_name = ""  # what the audit row calls the document (纪实表 …)

    def pdf_object(self):
        raise NotImplementedError

    def pdf_filename(self, obj) -> str:
        raise NotImplementedError

    def pdf_content(self, obj) -> bytes:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        obj = self.pdf_object()
        return pdf_download(request, render_content=lambda: self.pdf_content(obj), filename=self.pdf_filename(obj),
                            obj=obj, detail={"report": self.pdf_report_name})
