"""The case pages: the list, a new case (with its candidate picker), the case page and its actions.

Each write view is the case page itself handling a POST. Before its form is read, the action's verdict
(``selection.actions``) answers who may try at all: a 403 for the wrong role, a 404 for a step that is
not the one in progress. The service then checks again under its locks; a refusal (a form error or the
service's ``ValidationError``) renders the page again with the message beside the step. A success
redirects to the step it concerns (``#step-N``) with the message shown there.
"""

import os

from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, View

from cadre_office.attachments.services import download_response
from cadre_office.lists import FilteredListView
from cadre_office.pdf import PdfDownloadMixin
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ScopedMixin
from selection import services
from selection.actions import Action, allowed_actions
from selection.forms import (
    AttachmentForm,
    CandidateDropForm,
    CandidateVetoForm,
    CaseStateForm,
    StepDecideForm,
    StepSubmitForm,
)
from selection.models import Candidate, StepAttachment
from selection.permissions import VIEW, cases_visible_to
from selection.reminders import reminders
from selection.reports import case_record_pdf
from selection.selectors import (
    candidate_rows,
    case_filterset,
    case_opening,
    case_page_queryset,
    case_timeline,
    hidden_candidates,
)

STEP_TAG = "step-"  # a message's extra tag naming the step it is about: shown beside that step


def step_url(case_pk: int, number: int | None = None) -> str:
    """The case page, at step ``number`` when given (the anchor of its card)."""
    url = reverse("selection:case_detail", args=[case_pk])
    return f"{url}#step-{number}" if number else url


class CaseListView(FilteredListView):
    """选拔任用工作: the cases the user may see, filtered (the list kit: cadre_office.lists), with reminders."""

    permission_required = VIEW
    filterset_for = staticmethod(case_filterset)
    template_name = "selection/case_list.html"
    results_template = "selection/_case_results.html"
    results_id = "case-results"
    context_object_name = "cases"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reminders=reminders(self.request.user, today=timezone.localdate()),
                                        **kwargs)


# --- the case page ------------------------------------------------------------------------------------


class CaseDetailView(ScopedMixin, DetailView):
    """The case page; subclasses handle one POST each and fall back to this page on an error."""

    permission_required = VIEW
    template_name = "selection/case_detail.html"
    context_object_name = "case"

    @staticmethod
    def scope(user):
        attachments = StepAttachment.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")
        return case_page_queryset(user).prefetch_related(Prefetch("steps__attachments", attachments))

    def get_actions(self):
        if getattr(self, "_actions", None) is None:
            self._actions = allowed_actions(self.object, self.request.user)
        return self._actions

    def step_messages(self):
        """Split the pending messages: those about a step (shown beside it) and the rest (shown on top)."""
        general, by_step = [], {}
        for message in get_messages(self.request):
            tag = next((t for t in message.extra_tags.split() if t.startswith(STEP_TAG)), "")
            if tag[len(STEP_TAG):].isdigit():
                by_step.setdefault(int(tag[len(STEP_TAG):]), []).append(message)
            else:
                general.append(message)
        return general, by_step

    def get_context_data(self, **kwargs):
        user, case = self.request.user, self.object
        actions = self.get_actions()
        timeline = case_timeline(case, actions)
        general, by_step = self.step_messages()
        for row in timeline:
            row.messages = by_step.get(row.step.number, [])
        current = next((row for row in timeline if row.is_current), None)
        candidates = list(case.candidates.all())
        hidden = hidden_candidates(user, candidates)
        active = [c for c in candidates if c.state == Candidate.State.ACTIVE]
        context = {
            "timeline": timeline, "current": current, "actions": actions.on_case,
            "candidates": candidates, "candidate_rows": candidate_rows(user, candidates, hidden),
            "hidden_candidates": hidden, "active_candidates": active,
            "messages": general, "opening": case_opening(case),
        }
        if current is not None:
            context.setdefault("submit_form", StepSubmitForm(definition=current.definition, candidates=candidates))
            context.setdefault("decide_form", StepDecideForm())
            if current.actions.get("veto"):
                context.setdefault("veto_form", CandidateVetoForm(case=case))
        context.update(kwargs)
        return super().get_context_data(**context)


class CaseActionView(CaseDetailView):
    """POST one action (``action``) on the case or its step ``number``.

    The verdict is read first: an action the user may never take is a 403, a step not in progress a 404
    (there is nothing there to act on). Then the form, then the service.
    """

    http_method_names = ["post"]
    action: Action = None
    form_context_name = ""
    success_message = ""
    NOT_FOUND = ("step_not_current", "step_unknown")

    def get_form(self):
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    def success_anchor(self) -> int | None:
        return self.number

    def post(self, request, pk, number=None):
        self.object = self.get_object()
        self.number = number
        verdict = self.get_actions().check(self.action, number)
        if verdict.forbidden:
            raise PermissionDenied(verdict.message)
        if verdict.code in self.NOT_FOUND:
            raise Http404(verdict.message)
        form = self.get_form()
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                anchor = self.success_anchor()
                messages.success(request, self.success_message, extra_tags=f"{STEP_TAG}{anchor}" if anchor else "")
                return HttpResponseRedirect(step_url(self.object.pk, anchor))
        self._actions = None  # the page shows the verdicts as they are now
        return self.render_to_response(self.get_context_data(**{self.form_context_name: form}))

    def step_definition(self):
        return next(step.definition for step in self.object.steps.all() if step.number == self.number)


class StepSubmitView(CaseActionView):
    action = Action.SUBMIT
    form_context_name = "submit_form"

    def get_form(self):
        return StepSubmitForm(self.request.POST, definition=self.step_definition(),
                              candidates=self.object.candidates.all())

    def perform(self, form):
        step = services.step_submit(actor=self.request.user, case=self.object, number=self.number,
                                    data=form.data_for_service(), opinion=form.cleaned_data["opinion"],
                                    missing_reason=form.cleaned_data["missing_reason"])
        self.success_message = (f"第{self.number}步已提交，等待审批" if step.state == step.State.SUBMITTED
                                else f"第{self.number}步已办结")


class StepDecideView(CaseActionView):
    """Approve or return a submitted gate; who may decide it is the verdict's."""

    action = Action.APPROVE
    form_context_name = "decide_form"

    def get_form(self):
        form = StepDecideForm(self.request.POST)
        if self.request.POST.get("decision") == StepDecideForm.RETURN:
            self.action = Action.RETURN
        return form

    def perform(self, form):
        user, data = self.request.user, form.cleaned_data
        if data["decision"] == StepDecideForm.APPROVE:
            services.step_approve(actor=user, case=self.object, number=self.number, opinion=data["opinion"],
                                  missing_reason=data["missing_reason"])
            self.success_message = f"已同意第{self.number}步"
        else:
            services.step_return(actor=user, case=self.object, number=self.number, opinion=data["opinion"])
            self.success_message = f"已退回第{self.number}步，人事干部修改后重新提交"


class CandidateVetoView(CaseActionView):
    action = Action.VETO
    form_context_name = "veto_form"
    success_message = "已否决该人选"

    def get_form(self):
        return CandidateVetoForm(self.request.POST, case=self.object)

    def perform(self, form):
        services.candidate_veto(actor=self.request.user, case=self.object, number=self.number,
                                candidate=form.cleaned_data["candidate"], reason=form.cleaned_data["reason"])


class AttachmentUploadView(CaseActionView):
    """Upload a record to the current step or a done one; the service checks the step, size and type."""

    action = Action.ATTACH
    form_context_name = "attachment_form"
    NOT_FOUND = ("step_unknown",)

    def get_form(self):
        return AttachmentForm(self.request.POST, self.request.FILES,
                              required_records=self.step_definition().required_records)

    def perform(self, form):
        attachment = services.attachment_add(actor=self.request.user, case=self.object, number=self.number,
                                             record_name=form.cleaned_data["name"], file=form.cleaned_data["file"])
        self.success_message = f"已上传第{self.number}步材料：{attachment.record_name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(attachment_step=self.number, **kwargs)
        # A step without an upload form (not reached yet) shows the error above the timeline.
        context["attachment_errors_above"] = not any(row.actions.get("attach") and row.step.number == self.number
                                                     for row in context["timeline"])
        return context


class CaseStateView(CaseActionView):
    """Pause, resume or terminate the case with a reason."""

    form_context_name = "state_form"
    SERVICES = {
        CaseStateForm.PAUSE: (Action.PAUSE, services.case_pause, "已暂停"),
        CaseStateForm.RESUME: (Action.RESUME, services.case_resume, "已恢复"),
        CaseStateForm.TERMINATE: (Action.TERMINATE, services.case_terminate, "已终止"),
    }

    def post(self, request, pk, number=None):
        self.action = self.SERVICES.get(request.POST.get("action"), (Action.TERMINATE,))[0]
        return super().post(request, pk, number)

    def success_anchor(self):
        return None

    def get_form(self):
        return CaseStateForm(self.request.POST)

    def perform(self, form):
        _, service, self.success_message = self.SERVICES[form.cleaned_data["action"]]
        service(actor=self.request.user, case=self.object, reason=form.cleaned_data["reason"])


class CandidateDropView(CaseActionView):
    """Leave a candidate off the list (未列入) with a reason, before step 7 is done."""

    action = Action.DROP
    form_context_name = "drop_form"
    success_message = "已将该人选作未列入处理"

    def success_anchor(self):
        return None

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
        case = attachment.step.case
        return download_response(actor=request.user, file_field=attachment.file,
                                 filename=os.path.basename(attachment.file.name), audit_obj=case,
                                 detail={"attachment": attachment.pk, "step": attachment.step.number,
                                         "record_name": attachment.record_name})


class CaseRecordPdfView(ScopedMixin, PdfDownloadMixin, DetailView):
    """The 纪实表 of a case as a PDF download (scoped like the case page; the download is audited)."""

    permission_required = VIEW
    pdf_report_name = "选拔任用工作纪实表"

    def get_queryset(self):
        return cases_visible_to(self.request.user)

    def pdf_object(self):
        return self.get_object()

    def pdf_filename(self, case):
        return f"纪实表_{case.number}.pdf"

    def pdf_content(self, case):
        return case_record_pdf(case, viewer=self.request.user)

