"""干部任免审批表: PDF, Word and LRMX of a cadre or a candidate; a case's forms as a zip; LRMX import (issue 15).

Checks in this order: anonymous → login; no right to read cadres → 403; the cadre outside the user's
scope → 404 (audited); then the right to export the form → 403. Every download is audited with its format.
"""

import io
import zipfile

from django.contrib import messages as flash
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from cadre_office.pdf import PdfDownloadMixin
from cadre_office.reports.appointment import messages, services
from cadre_office.reports.appointment.content import (
    cadre_form,
    candidate_form,
    candidate_of,
    form_candidates,
    own_texts,
)
from cadre_office.reports.appointment.docx import DOCX_CONTENT_TYPE, appointment_docx
from cadre_office.reports.appointment.lrmx import LrmxRefused, lrmx_bytes
from cadre_office.reports.appointment.pdf import appointment_pdf
from cadre_office.reports.appointment.preview import import_preview
from cadre_office.reports.forms import ApplyForm, ReasonForm, UploadForm
from cadre_office.reports.models import LrmxImport
from cadre_office.scope import get_in_scope_or_404
from cadres.selectors import cadre_record
from selection.models import Candidate
from selection.permissions import cases_visible_to

EXPORT = "reports.export_appointment_form"
IMPORT = "reports.import_lrmx"
LRMX_CONTENT_TYPE = "application/xml; charset=utf-8"


def form_filename(form, extension: str, *, prefix: str = "") -> str:
    return f"{prefix}干部任免审批表_{form.name}_{form.filled_on:%Y%m%d}.{extension}"


class FormScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A view of one cadre's (or candidate's) form: ``self.form`` is read in the user's scope."""

    permission_required = EXPORT

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.has_perm("cadres.view_cadre"):
                raise PermissionDenied
            self.form  # noqa: B018  (404 outside the scope, before the export permission is checked)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def candidate(self) -> Candidate | None:
        pk = self.kwargs.get("candidate_pk")
        return None if pk is None else candidate_of(self.request.user, pk, path=self.request.path)

    @cached_property
    def form(self):
        user, path = self.request.user, self.request.path
        if self.candidate is not None:
            return candidate_form(user, self.candidate, path=path)
        return cadre_form(user, self.kwargs["cadre_pk"], path=path)

    def audited_object(self):
        return self.candidate.case if self.candidate is not None else self.form.cadre

    def audit_detail(self) -> dict:
        detail = {"cadre": self.form.cadre.pk}
        if self.candidate is not None:
            detail["candidate"] = self.candidate.number
        return detail


class AppointmentPdfView(FormScopedMixin, PdfDownloadMixin, View):
    """The form as a PDF (two-sided A4)."""

    pdf_report_name = "干部任免审批表（PDF）"

    def pdf_object(self):
        return self.form.cadre

    def pdf_filename(self, cadre) -> str:
        return form_filename(self.form, "pdf")

    def pdf_content(self, cadre) -> bytes:
        return appointment_pdf(self.form)


class AppointmentDocxView(FormScopedMixin, View):
    """The form as a Word file (editable)."""

    def get(self, request, *args, **kwargs):
        content = appointment_docx(self.form)
        services.appointment_form_exported(actor=request.user, obj=self.form.cadre, file_format="docx",
                                           detail=self.audit_detail())
        return _attachment(content, DOCX_CONTENT_TYPE, form_filename(self.form, "docx"))


class AppointmentLrmxView(FormScopedMixin, View):
    """The form as an ``.lrmx`` file; the full ID number only for those who may see it."""

    def get(self, request, *args, **kwargs):
        content = lrmx_bytes(self.form, full_id_number=request.user.has_perm("cadres.view_full_id_number"))
        services.appointment_form_exported(actor=request.user, obj=self.form.cadre, file_format="lrmx",
                                           detail=self.audit_detail())
        return _attachment(content, LRMX_CONTENT_TYPE, form_filename(self.form, "lrmx"))


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    return FileResponse(io.BytesIO(content), as_attachment=True, content_type=content_type, filename=filename)


class CaseFormsZipView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Every candidate's form of a case (from step 13 on) as PDF, Word and LRMX in one zip."""

    permission_required = EXPORT

    def get(self, request, case_pk):
        user = request.user
        case = get_in_scope_or_404(cases_visible_to(user).select_related("department"), actor=user,
                                   path=request.path, pk=case_pk)
        candidates = form_candidates(user, case)
        if not candidates:
            raise Http404("No forms for this case.")
        full_id = user.has_perm("cadres.view_full_id_number")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for candidate in candidates:
                form = candidate_form(user, candidate, path=request.path)
                stem = f"{candidate.number:02d}_{form.name}_干部任免审批表"
                archive.writestr(f"{stem}.pdf", appointment_pdf(form))
                archive.writestr(f"{stem}.docx", appointment_docx(form))
                archive.writestr(f"{stem}.lrmx", lrmx_bytes(form, full_id_number=full_id))
        services.appointment_form_exported(actor=user, obj=case, file_format="zip",
                                           detail={"candidates": len(candidates)})
        return _attachment(buffer.getvalue(), "application/zip",
                           f"干部任免审批表_{case.number}_{timezone.localdate():%Y%m%d}.zip")


class CandidateReasonView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Record a candidate's 任免理由 (written into the form; blank until recorded)."""

    permission_required = ("selection.run_selection", EXPORT)
    template_name = "reports/appointment_reason.html"
    form_class = ReasonForm

    @cached_property
    def candidate(self):
        candidate = candidate_of(self.request.user, self.kwargs["candidate_pk"], path=self.request.path)
        cadre_record(self.request.user, candidate.cadre_id, path=self.request.path)  # 404 outside the scope
        return candidate

    def get_initial(self):
        return {"appointment_reason": self.candidate.appointment_reason}

    def get_context_data(self, **kwargs):
        return super().get_context_data(candidate=self.candidate, case=self.candidate.case, **kwargs)

    def form_valid(self, form):
        services.candidate_reason_set(actor=self.request.user, candidate=self.candidate,
                                      reason=form.cleaned_data["appointment_reason"])
        flash.success(self.request, messages.REASON_SAVED.format(name=self.candidate.cadre.name))
        return redirect(reverse("selection:case_detail", args=[self.candidate.case_id]) + "#appointment-forms")


# --- LRMX import ------------------------------------------------------------------------------------


class LrmxUploadView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """任免审批表导入: upload a file; every field is checked, any error refuses the whole file."""

    permission_required = IMPORT
    template_name = "reports/appointment_import.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        recent = LrmxImport.objects.filter(uploaded_by=self.request.user).select_related("cadre", "department")[:10]
        return super().get_context_data(recent=recent, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            lrmx_import = services.lrmx_import_upload(actor=self.request.user, filename=upload.name,
                                                      data=upload.read())
        except LrmxRefused as exc:
            return self.render_to_response(self.get_context_data(
                form=form, refused=exc.errors, refused_summary=messages.REFUSED.format(count=len(exc.errors))))
        return redirect("reports:lrmx_preview", pk=lrmx_import.pk)


class LrmxPreviewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """What the uploaded file would change; confirm (all or nothing) or discard."""

    permission_required = IMPORT
    template_name = "reports/appointment_preview.html"

    @cached_property
    def lrmx_import(self) -> LrmxImport:
        return get_object_or_404(LrmxImport.objects.select_related("cadre", "department"),
                                 pk=self.kwargs["pk"], uploaded_by=self.request.user)

    def derived_own(self) -> dict:
        lrmx_import = self.lrmx_import
        if lrmx_import.cadre_id is None or lrmx_import.state != LrmxImport.State.PREVIEW:
            return {}
        cadre = cadre_record(self.request.user, lrmx_import.cadre_id, path=self.request.path)
        return {key: bool(value) for key, value in own_texts(cadre, today=timezone.localdate()).items()}

    def get_context_data(self, **kwargs):
        lrmx_import = self.lrmx_import
        kwargs.setdefault("apply_form", ApplyForm(user=self.request.user, new_cadre=lrmx_import.cadre_id is None))
        return super().get_context_data(lrmx_import=lrmx_import, preview=import_preview(
            lrmx_import, derived_own=self.derived_own()), **kwargs)

    def post(self, request, *args, **kwargs):
        lrmx_import = self.lrmx_import
        if request.POST.get("action") == "discard":
            try:
                services.lrmx_import_discard(actor=request.user, lrmx_import=lrmx_import)
            except ValidationError as exc:
                flash.error(request, exc.messages[0])
            else:
                flash.success(request, messages.DISCARDED.format(filename=lrmx_import.filename))
            return redirect("reports:lrmx_upload")
        form = ApplyForm(request.POST, user=request.user, new_cadre=lrmx_import.cadre_id is None)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(apply_form=form))
        try:
            cadre = services.lrmx_import_apply(actor=request.user, lrmx_import=lrmx_import,
                                               department=form.cleaned_data.get("department"))
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
            return self.render_to_response(self.get_context_data(apply_form=form))
        flash.success(request, messages.APPLIED.format(name=cadre.name))
        return redirect("cadres:cadre_detail", pk=cadre.pk)


