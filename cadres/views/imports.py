"""Uploading a roster workbook: preview the changes, then confirm or cancel."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, View
from django.views.generic.detail import SingleObjectTemplateResponseMixin

from cadres import messages as texts
from cadres import services
from cadres.forms import RosterUploadForm
from cadres.models import RosterImport
from cadres.permissions import imports_visible_to
from cadres.roster_workbook import WorkbookRejected, read_roster

PREVIEW_ROW_LIMIT = 500


class ImportPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "cadres.import_roster"


class RosterImportUploadView(ImportPermissionMixin, FormView):
    form_class = RosterUploadForm
    template_name = "cadres/import_upload.html"

    def get_context_data(self, **kwargs):
        recent = imports_visible_to(self.request.user).exclude(state=RosterImport.State.PREVIEWED)[:10]
        return super().get_context_data(recent_imports=recent, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            parsed = read_roster(io.BytesIO(content))
        except WorkbookRejected as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        plan = services.plan_roster_import(parsed)
        record = services.roster_import_record(actor=self.request.user, file_name=upload.name, content=content,
                                               plan=plan)
        if not plan.is_valid:
            return self.render_to_response(self.get_context_data(form=form, plan=plan, record=record))
        return HttpResponseRedirect(reverse("cadres:import_preview", args=[record.pk]))


class RosterImportPreviewView(ImportPermissionMixin, SingleObjectTemplateResponseMixin, View):
    """Show what confirming would do, computed afresh from the stored workbook."""

    template_name = "cadres/import_preview.html"

    def get(self, request, pk):
        record = get_object_or_404(imports_visible_to(request.user), pk=pk, state=RosterImport.State.PREVIEWED)
        plan = services.plan_roster_import(read_roster(io.BytesIO(bytes(record.content))))
        return self.render_to_response({
            "record": record,
            "plan": plan,
            "counts": plan.counts,
            "new_rows": plan.of_kind("new")[:PREVIEW_ROW_LIMIT],
            "changed_rows": plan.of_kind("changed")[:PREVIEW_ROW_LIMIT],
            "preview_limit": PREVIEW_ROW_LIMIT,
        })


class RosterImportConfirmView(ImportPermissionMixin, View):
    """POST ``action=confirm`` writes the import; ``action=cancel`` drops the upload."""

    def post(self, request, pk):
        record = imports_visible_to(request.user).filter(pk=pk, state=RosterImport.State.PREVIEWED).first()
        if record is None:
            messages.error(request, texts.IMPORT_STALE_PREVIEW)
            return HttpResponseRedirect(reverse("cadres:import_upload"))
        if request.POST.get("action") != "confirm":
            services.roster_import_cancel(actor=request.user, record=record)
            messages.info(request, "已取消本次导入，未写入任何数据。")
            return HttpResponseRedirect(reverse("cadres:import_upload"))
        plan = services.plan_roster_import(read_roster(io.BytesIO(bytes(record.content))))
        if not plan.is_valid:
            # The roster changed since the preview in a way that makes a row invalid.
            messages.error(request, "花名册数据已变化，请重新上传后再确认。")
            return HttpResponseRedirect(reverse("cadres:import_preview", args=[record.pk]))
        result = services.roster_import_confirm(actor=request.user, record=record, plan=plan)
        messages.success(request, f"导入完成：新增 {result.created} 人，更新 {result.updated} 人，"
                                  f"未变 {result.unchanged} 人。")
        return HttpResponseRedirect(reverse("cadres:cadre_list"))
