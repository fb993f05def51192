"""备案 pages: the list (the list kit), choosing a cadre, the per-kind form, the detail with its steps.

Every page starts from the user's scope (``filings_visible_to``; the cadre through
``CadreScopedMixin``): outside it a 404, audited. What buttons a page shows and what a POST may do
come from one verdict, ``filing_actions``; the services check it again on the locked row.
"""

import io

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView, TemplateView, View

from cadre_office.attachments.forms import AttachmentForm
from cadre_office.attachments.services import attachments_of
from cadre_office.lists import FilteredListView
from cadre_office.views import ScopedMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres.permissions import visible_to
from cadres.views.record import CadreScopedMixin
from oversight import filing_messages as texts
from oversight import services
from oversight.filing_forms import KIND_FIELDS, FilingForm, OutcomeForm, ReasonForm, ReviewForm
from oversight.filing_selectors import ADD, VIEW, filing_actions, filing_filterset, filings_visible_to, kinds_for
from oversight.models import Filing

PICKER_LIMIT = 20


class FilingListView(FilteredListView):
    """备案管理: the filings the user sees, filtered by kind, state, unit and time limit."""

    permission_required = VIEW
    filterset_for = staticmethod(filing_filterset)
    template_name = "oversight/filing_list.html"
    results_template = "oversight/_filing_results.html"
    results_id = "filing-results"
    context_object_name = "filings"

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class FilingExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The 备案 list as filtered, as an Excel workbook (scoped; 信访 only for those who read them; audited)."""

    permission_required = (VIEW, "cadres.export_roster")

    def get(self, request):
        content, filename, _ = services.filing_export(actor=request.user, data=request.GET)
        return FileResponse(io.BytesIO(content), as_attachment=True, content_type=XLSX_CONTENT_TYPE, filename=filename)


class FilingCadrePickView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """新增备案, step one: find the cadre (in the user's scope) by name; then choose the kind."""

    permission_required = ("cadres.view_cadre", ADD)
    template_name = "oversight/filing_pick.html"

    def get_context_data(self, **kwargs):
        query = (self.request.GET.get("q") or "").strip()[:50]
        cadres = []
        if query:
            cadres = list(visible_to(self.request.user).filter(name__icontains=query)
                          .select_related("department").order_by("name", "pk")[:PICKER_LIMIT])
        return super().get_context_data(query=query, cadres=cadres, kinds=kinds_for(self.request.user),
                                        limit=PICKER_LIMIT, **kwargs)


class FilingCreateView(CadreScopedMixin, CreateView):
    """报送 a filing of one kind for a cadre in the user's scope."""

    permission_required = ADD
    template_name = "oversight/filing_form.html"
    model = Filing

    @cached_property
    def kind(self) -> str:
        kind = self.kwargs["kind"]
        if kind not in dict(kinds_for(self.request.user)):
            raise Http404
        return kind

    def get_form(self, form_class=None):
        return FilingForm(**self.get_form_kwargs(), kind=self.kind)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Filing(cadre=self.cadre, kind=self.kind)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind_label=Filing.Kind(self.kind).label, **kwargs)

    def form_valid(self, form):
        try:
            filing = services.filing_submit(actor=self.request.user, filing=form.instance)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, texts.SUBMITTED.format(kind=filing.get_kind_display(), name=self.cadre.name))
        return HttpResponseRedirect(reverse("oversight:filing_detail", args=[filing.pk]))


class FilingDetailView(ScopedMixin, DetailView):
    """A filing: its fields, who did what when, its materials, and the steps the user may take."""

    permission_required = VIEW
    scope = staticmethod(filings_visible_to)
    template_name = "oversight/filing_detail.html"
    context_object_name = "filing"

    def get_queryset(self):
        return super().get_queryset().select_related(
            "cadre", "cadre__department", "submitted_by", "received_by", "reviewed_by", "filed_by", "closed_by",
            "outcome_by", "education_record", "reward_record")

    def get_context_data(self, **kwargs):
        filing = self.object
        forms = kwargs.pop("forms", {})
        context = super().get_context_data(**kwargs)
        context.update(
            actions=dict.fromkeys(filing_actions(filing, self.request.user), True),
            attachments=list(attachments_of(filing)),
            fields=[(Filing._meta.get_field(name).verbose_name, _display(filing, name))
                    for name in KIND_FIELDS[filing.kind] if name != "note"],
            overdue=filing.is_overdue(timezone.localdate()),
            attachment_form=forms.get("attach") or AttachmentForm(),
            reason_form=forms.get("return") or forms.get("reject") or ReasonForm(),
            review_form=forms.get("review") or ReviewForm(),
            outcome_form=forms.get("outcome") or OutcomeForm(initial={"outcome": filing.outcome,
                                                                      "handling": filing.handling}),
            error_form=next(iter(forms.values()), None),
        )
        return context


def _display(filing: Filing, name: str) -> str:
    field = Filing._meta.get_field(name)
    if field.choices:
        return getattr(filing, f"get_{name}_display")() or "—"
    value = getattr(filing, name)
    if hasattr(value, "strftime"):
        return f"{value:%Y-%m-%d}"
    return value or "—"


# The steps a POST may take: the form that reads its input, the service and the message when done.
STEP_FORMS = {"return": ReasonForm, "reject": ReasonForm, "review": ReviewForm, "outcome": OutcomeForm,
              "attach": AttachmentForm}


class FilingActionView(ScopedMixin, View):
    """POST one step on a filing (接收, 审核, 归档, 退回, 不予备案, 重新报送, 核查结论, 上传材料)."""

    permission_required = VIEW
    scope = staticmethod(filings_visible_to)

    def post(self, request, pk, action):
        filing = self._filing(pk)
        if action not in ACTIONS:
            raise Http404
        form_class = STEP_FORMS.get(action)
        form = form_class(request.POST, request.FILES) if form_class else None
        if form is not None and not form.is_valid():
            return self._again(filing, action, form)
        try:
            message = ACTIONS[action](request.user, filing, form.cleaned_data if form else {})
        except PermissionDenied:
            raise
        except ValidationError as exc:
            if form is None:
                form = django_forms.Form(data={})
                form.is_valid()
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self._again(filing, action, form)
        messages.success(request, message)
        return HttpResponseRedirect(reverse("oversight:filing_detail", args=[filing.pk]))

    def _filing(self, pk):
        from cadre_office.scope import get_in_scope_or_404

        return get_in_scope_or_404(filings_visible_to(self.request.user), actor=self.request.user,
                                   path=self.request.path, pk=pk)

    def _again(self, filing, action, form):
        """The detail page again, the step's form showing its errors (status 200, nothing written)."""
        view = FilingDetailView(request=self.request, kwargs={"pk": filing.pk}, args=())
        view.object = view.get_queryset().get(pk=filing.pk)
        return render(self.request, view.template_name, view.get_context_data(object=view.object,
                                                                              forms={action: form}))


def _filed_message(filing):
    if filing.education_record_id:
        return texts.FILED_EDUCATION
    if filing.reward_record_id:
        return texts.FILED_REWARD
    return texts.FILED


ACTIONS = {
    "receive": lambda user, f, data: services.filing_receive(actor=user, filing=f) and texts.RECEIVED,
    "review": lambda user, f, data: services.filing_review(actor=user, filing=f, opinion=data["opinion"])
    and texts.REVIEWED,
    "file": lambda user, f, data: _filed_message(services.filing_file(actor=user, filing=f)),
    "return": lambda user, f, data: services.filing_return(actor=user, filing=f, reason=data["reason"])
    and texts.RETURNED.format(reason=data["reason"]),
    "reject": lambda user, f, data: services.filing_reject(actor=user, filing=f, reason=data["reason"])
    and texts.REJECTED.format(reason=data["reason"]),
    "resubmit": lambda user, f, data: services.filing_resubmit(actor=user, filing=f) and texts.RESUBMITTED,
    "outcome": lambda user, f, data: services.petition_outcome_record(
        actor=user, filing=f, outcome=data["outcome"], handling=data["handling"])
    and texts.OUTCOME_RECORDED.format(outcome=Filing.Outcome(data["outcome"]).label),
    "attach": lambda user, f, data: services.filing_attach(actor=user, filing=f, file=data["file"],
                                                           label=data["label"])
    and texts.ATTACHED.format(label=data["label"]),
}
