"""Uploading a roster workbook: preview the changes, then confirm (a job the page follows) or cancel.

The page of one upload (``import_preview``) shows it in whatever state it is: its progress while a
job previews or imports it (polled by htmx through ``import_status``, which does not keep the
session alive), the preview and the confirm form, the errors, or the outcome.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from cadre_office.audit.context import client_ip
from cadre_office.jobs import progress_get
from cadre_office.sessions import PassiveViewMixin
from cadres import messages as texts
from cadres import services
from cadres.forms import RosterUploadForm
from cadres.models import RosterImport
from cadres.permissions import imports_visible_to
from cadres.roster_workbook import WorkbookRejected
from cadres.services.roster_uploads import PREVIEW_ROWS, PROGRESS, is_expired, ttl_hours

State = RosterImport.State


class ImportPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "cadres.import_roster"


def _done_message(record: RosterImport) -> str:
    return texts.IMPORT_DONE.format(created=record.created_count, updated=record.updated_count,
                                    unchanged=record.unchanged_count)


class RosterImportUploadView(ImportPermissionMixin, FormView):
    form_class = RosterUploadForm
    template_name = "cadres/import_upload.html"

    def get_context_data(self, **kwargs):
        recent = imports_visible_to(self.request.user)[:10]
        return super().get_context_data(recent_imports=recent, sync_rows=settings.ROSTER_SYNC_PREVIEW_ROWS,
                                        ttl_hours=ttl_hours(), **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            record, _ = services.roster_upload_create(actor=self.request.user, file_name=upload.name,
                                                      content=upload.read(), ip=client_ip(self.request))
        except WorkbookRejected as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if record.state == State.REJECTED:
            return self.render_to_response(self.get_context_data(form=form, record=record))
        return HttpResponseRedirect(reverse("cadres:import_preview", args=[record.pk]))


class RosterImportPreviewView(ImportPermissionMixin, TemplateView):
    """One upload: its progress, its preview (stored when it was computed) and the confirm form, or its outcome."""

    template_name = "cadres/import_preview.html"

    def get_context_data(self, **kwargs):
        record = get_object_or_404(imports_visible_to(self.request.user), pk=self.kwargs["pk"])
        record = services.roster_import_check_timeout(record=record)
        preview = record.preview or {}
        return super().get_context_data(
            record=record, preview=preview, expired=is_expired(record), ttl_hours=ttl_hours(),
            ttl_notice=texts.IMPORT_TTL_NOTICE.format(hours=ttl_hours()), preview_limit=PREVIEW_ROWS,
            progress=progress_get(PROGRESS, record.pk) if record.is_running else None,
            done_message=_done_message(record) if record.state == State.APPLIED else "", **kwargs,
        )


class RosterImportStatusView(PassiveViewMixin, ImportPermissionMixin, View):
    """The progress fragment htmx polls every second while a job previews or imports the upload.

    Passive: polling does not keep the session alive. When a job is done the upload's page is loaded
    again, showing the preview or the result. (No flash message: the polls already under way when the
    page is told to go would each add one.)
    """

    def get(self, request, pk):
        record = get_object_or_404(imports_visible_to(request.user), pk=pk)
        page = reverse("cadres:import_preview", args=[record.pk])
        if not request.htmx:
            return HttpResponseRedirect(page)
        record = services.roster_import_check_timeout(record=record)
        response = render(request, "cadres/_import_status.html", {
            "record": record, "progress": progress_get(PROGRESS, record.pk) if record.is_running else None,
        })
        if record.state in (State.PREVIEWED, State.REJECTED, State.APPLIED):
            response["HX-Redirect"] = page
        return response


class RosterImportConfirmView(ImportPermissionMixin, View):
    """POST ``action=confirm`` queues the import (a job); ``action=cancel`` drops the upload."""

    def post(self, request, pk):
        record = imports_visible_to(request.user).filter(pk=pk).first()
        if record is None:
            messages.error(request, texts.IMPORT_STALE_PREVIEW)
            return HttpResponseRedirect(reverse("cadres:import_upload"))
        page = reverse("cadres:import_preview", args=[record.pk])
        try:
            if request.POST.get("action") != "confirm":
                services.roster_import_cancel(actor=request.user, record=record)
                messages.info(request, texts.IMPORT_CANCEL_DONE)
                return HttpResponseRedirect(reverse("cadres:import_upload"))
            record = services.roster_import_confirm(actor=request.user, record=record, ip=client_ip(request))
        except services.ImportStateError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(page)
        if record.state == State.APPLIED:  # tasks ran in-process (development without Redis, tests)
            messages.success(request, _done_message(record))
            return HttpResponseRedirect(reverse("cadres:cadre_list"))
        if record.state in (State.PREVIEWED, State.FAILED) and record.error:
            messages.error(request, record.error)
        return HttpResponseRedirect(page)
