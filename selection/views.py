"""The selection pages: the case list, a new case, the case page with its timeline, and the inbox.

Each write view is the case page itself handling a POST: a refused transition (a form error or a
service's ``ValidationError``) renders the page again with the message beside the form.
"""

import os

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView, View

from cadre_office.audit.services import Event, audit_record
from cadre_office.pdf import PdfDownloadMixin
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ScopedMixin, ServiceFormMixin
from cadres.permissions import visible_to as cadres_visible_to
from cadres.selectors import department_choices
from selection import services
from selection.forms import (
    AttachmentForm,
    CandidateDropForm,
    CandidateVetoForm,
    CaseCreateForm,
    CaseFilterForm,
    CaseStateForm,
    StepDecideForm,
    StepSubmitForm,
)
from selection.models import CaseStep, SelectionCase, StepAttachment, StepDefinition
from selection.permissions import DECIDE, RUN, VIEW, cases_visible_to
from selection.reminders import reminders
from selection.reports import case_record_pdf
from selection.selectors import case_list, case_page_queryset, case_timeline, hidden_candidates, inbox


class CaseListView(ScopedMixin, ListView):
    permission_required = VIEW
    template_name = "selection/case_list.html"
    context_object_name = "cases"
    paginate_by = 50

    def get_filter_form(self) -> CaseFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = CaseFilterForm(self.request.GET or None,
                                               departments=department_choices(self.request.user))
        return self._filter_form

    def get_queryset(self):
        return case_list(self.request.user, self.get_filter_form().filters())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter_form=self.get_filter_form(), query_string=query.urlencode(),
                                        reminders=reminders(self.request.user, today=timezone.localdate()),
                                        **kwargs)


class CaseCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = (RUN, "selection.add_selectioncase")
    template_name = "selection/case_form.html"
    form_class = CaseCreateForm
    success_message = "选拔任用工作已发起"

    def get_form_kwargs(self):
        user = self.request.user
        return {**super().get_form_kwargs(), "departments": department_choices(user),
                "cadres": cadres_visible_to(user).select_related("department").order_by("department__path", "name")}

    def perform(self, form):
        return services.case_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("selection:case_detail", args=[self.object.pk])


class CaseDetailView(ScopedMixin, DetailView):
    """The case page; subclasses handle one POST each and fall back to this page on an error."""

    permission_required = VIEW
    template_name = "selection/case_detail.html"
    context_object_name = "case"

    @staticmethod
    def scope(user):
        attachments = StepAttachment.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")
        return case_page_queryset(user).prefetch_related(Prefetch("steps__attachments", attachments))

    def get_context_data(self, **kwargs):
        user, case = self.request.user, self.object
        timeline = case_timeline(user, case)
        current = next((row for row in timeline if row.is_current), None)
        runner = user.has_perm(RUN)
        is_open = case.state in (SelectionCase.State.ACTIVE, SelectionCase.State.PAUSED)
        for row in timeline:
            # What the step holds against what it should: ✓/✗ per required record (not enforced on submit).
            row.attachments = list(row.step.attachments.all())
            names = {attachment.record_name for attachment in row.attachments}
            row.record_checks = [(name, name in names) for name in row.definition.required_records]
            row.can_attach = runner and is_open and (row.step.number == case.current_step
                                                     or row.step.state == CaseStep.State.DONE)
        list_closed = any(row.definition.rule == StepDefinition.Rule.CANDIDATES
                          and row.step.state == CaseStep.State.DONE for row in timeline)
        candidates = list(case.candidates.all())
        context = {
            "timeline": timeline, "current": current,
            "candidates": candidates, "hidden_candidates": hidden_candidates(user, candidates),
            "can_submit": bool(current and runner
                               and current.step.state in ("open", "returned")),
            "can_change_state": runner and is_open,
            "can_drop": runner and case.state == SelectionCase.State.ACTIVE and not list_closed
                        and any(c.state == "active" for c in candidates),
        }
        if current is not None:
            context.setdefault("submit_form", StepSubmitForm(rule=current.definition.rule))
            context["decide_form"] = StepDecideForm()
            context["veto_form"] = CandidateVetoForm(case=case) if current.can_veto else None
        context.update(kwargs)
        return super().get_context_data(**context)


class CaseActionView(CaseDetailView):
    """POST one action on the current step ``number``; redirect on success, the page with errors otherwise."""

    http_method_names = ["post"]
    form_context_name = ""
    success_message = ""

    def get_form(self):
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    current_step_only = True  # the action is on the current step (``number`` in the URL)

    def post(self, request, pk, number=None):
        self.object = self.get_object()
        self.number = number
        if number is not None and self.current_step_only and self.object.current_step != number:
            raise Http404
        form = self.get_form()
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, self.success_message)
                return redirect("selection:case_detail", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(**{self.form_context_name: form}))


class StepSubmitView(CaseActionView):
    permission_required = (VIEW, RUN)
    form_context_name = "submit_form"
    success_message = "已提交"

    def get_form(self):
        step = next(step for step in self.object.steps.all() if step.number == self.number)
        return StepSubmitForm(self.request.POST, rule=step.definition.rule)

    def perform(self, form):
        services.step_submit(actor=self.request.user, case=self.object, number=self.number,
                             data=form.data_for_service(), opinion=form.cleaned_data["opinion"])


class StepDecideView(CaseActionView):
    """Approve or return a submitted gate; who may decide it is the service's check."""

    permission_required = VIEW
    form_context_name = "decide_form"

    def get_form(self):
        return StepDecideForm(self.request.POST)

    def perform(self, form):
        user, opinion = self.request.user, form.cleaned_data["opinion"]
        if form.cleaned_data["decision"] == StepDecideForm.APPROVE:
            self.success_message = f"已同意第{self.number}步"
            services.step_approve(actor=user, case=self.object, number=self.number, opinion=opinion)
        else:
            self.success_message = f"已退回第{self.number}步"
            services.step_return(actor=user, case=self.object, number=self.number, opinion=opinion)


class CandidateVetoView(CaseActionView):
    permission_required = VIEW
    form_context_name = "veto_form"
    success_message = "已否决该人选"

    def has_permission(self):
        user = self.request.user
        return super().has_permission() and (user.has_perm(RUN) or user.has_perm(DECIDE))

    def get_form(self):
        return CandidateVetoForm(self.request.POST, case=self.object)

    def perform(self, form):
        services.candidate_veto(actor=self.request.user, case=self.object, number=self.number,
                                candidate=form.cleaned_data["candidate"], reason=form.cleaned_data["reason"])


class AttachmentUploadView(CaseActionView):
    """Upload a record to the current step or a done one; the service checks the step, size and type."""

    permission_required = (VIEW, RUN)
    form_context_name = "attachment_form"
    current_step_only = False

    def get_form(self):
        step = next((step for step in self.object.steps.all() if step.number == self.number), None)
        if step is None:
            raise Http404
        return AttachmentForm(self.request.POST, self.request.FILES,
                              required_records=step.definition.required_records)

    def perform(self, form):
        attachment = services.attachment_add(actor=self.request.user, case=self.object, number=self.number,
                                             record_name=form.cleaned_data["name"], file=form.cleaned_data["file"])
        self.success_message = f"已上传第{self.number}步材料：{attachment.record_name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(attachment_step=self.number, **kwargs)
        # A step without an upload form (not reached yet) shows the error above the timeline.
        context["attachment_errors_above"] = not any(row.can_attach and row.step.number == self.number
                                                     for row in context["timeline"])
        return context


class CaseStateView(CaseActionView):
    """Pause, resume or terminate the case with a reason."""

    permission_required = (VIEW, RUN)
    form_context_name = "state_form"
    SERVICES = {
        CaseStateForm.PAUSE: (services.case_pause, "已暂停"),
        CaseStateForm.RESUME: (services.case_resume, "已恢复"),
        CaseStateForm.TERMINATE: (services.case_terminate, "已终止"),
    }

    def get_form(self):
        return CaseStateForm(self.request.POST)

    def perform(self, form):
        service, self.success_message = self.SERVICES[form.cleaned_data["action"]]
        service(actor=self.request.user, case=self.object, reason=form.cleaned_data["reason"])


class CandidateDropView(CaseActionView):
    """Leave a candidate off the list (未列入) with a reason, before step 7 is done."""

    permission_required = (VIEW, RUN)
    form_context_name = "drop_form"
    success_message = "已将该人选作未列入处理"

    def get_form(self):
        return CandidateDropForm(self.request.POST, case=self.object)

    def perform(self, form):
        services.candidate_drop(actor=self.request.user, case=self.object, candidate=form.cleaned_data["candidate"],
                                reason=form.cleaned_data["reason"])


class AttachmentDownloadView(ScopedMixin, View):
    """Serve a step's document to those who may see its case (404 outside); every download is audited."""

    permission_required = VIEW

    def get(self, request, pk, attachment_pk):
        attachment = get_in_scope_or_404(
            StepAttachment.objects.select_related("step__case").filter(step__case__in=cases_visible_to(request.user)),
            actor=request.user, path=request.path, pk=attachment_pk, step__case_id=pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        case = attachment.step.case
        audit_record(Event.DOWNLOAD, actor=request.user, obj=case,
                     detail={"attachment": attachment.pk, "step": attachment.step.number,
                             "record_name": attachment.record_name})
        response = FileResponse(handle, as_attachment=True, filename=os.path.basename(attachment.file.name))
        response["Cache-Control"] = "private, no-store"
        return response


class InboxView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """待我审批: the submitted gates awaiting the user."""

    permission_required = VIEW
    template_name = "selection/inbox.html"
    context_object_name = "steps"
    paginate_by = 50

    def get_queryset(self):
        return inbox(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(reminders=reminders(self.request.user, today=timezone.localdate()),
                                        **kwargs)


class CaseRecordPdfView(ScopedMixin, PdfDownloadMixin, DetailView):
    """The 纪实表 of a case as a PDF download (scoped like the case page; the download is audited)."""

    permission_required = VIEW
    pdf_report_name = "选拔任用工作纪实表"

    def get_queryset(self):
        return case_page_queryset(self.request.user)

    def pdf_object(self):
        return self.get_object()

    def pdf_filename(self, case):
        return f"纪实表_{case.number}.pdf"

    def pdf_content(self, case):
        return case_record_pdf(case, viewer=self.request.user)
