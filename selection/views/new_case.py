"""新建选拔任用工作: the case and its candidates, picked from the cadres in service (the picker)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from cadre_office.views import ServiceFormMixin
from cadres.selectors import department_choices
from selection import services
from selection.actions import may_start_case
from selection.forms import CandidatePickForm, CaseCreateForm
from selection.rules import WorkflowError
from selection.selectors import candidate_search, pickable_cadres, picked_cadres


class StartCaseMixin(LoginRequiredMixin):
    """Only those who may start a case (``actions.may_start_case``) reach the form and the picker."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_start_case(request.user):
            raise PermissionDenied(may_start_case(request.user).message)
        return super().dispatch(request, *args, **kwargs)


class PickerMixin:
    """The candidate picker: the chosen cadres (hidden inputs ``cadres``) and what the search finds.

    The same fragment serves the page (a plain form post: 查询, 添加, 移除 are submit buttons) and
    htmx (the buttons and the search box fetch ``selection:candidate_search`` into ``#picker-lists``).
    """

    def picker_context(self, data) -> dict:
        user = self.request.user
        chosen_ids = [pk for pk in data.getlist("cadres") if pk.isdigit()]
        if data.get("add", "").isdigit():
            chosen_ids.append(data["add"])
        if data.get("remove", "").isdigit():
            chosen_ids = [pk for pk in chosen_ids if pk != data["remove"]]
        chosen = picked_cadres(user, chosen_ids)
        department_id = data.get("department", "")
        department = (department_choices(user).filter(pk=department_id).first()
                      if department_id.isdigit() else None)
        q = data.get("candidate_q", "").strip()[:50]
        results, more = candidate_search(user, q=q, department=department,
                                         exclude=[summary.cadre.pk for summary in chosen])
        return {"chosen": chosen, "results": results, "more_results": more, "candidate_q": q,
                "picker_department": department, "picker_url": reverse("selection:candidate_search")}


NO_VACANCY_CODES = ("no_vacancy", "no_vacancy_reason_required")


class CaseCreateView(StartCaseMixin, PickerMixin, ServiceFormMixin, FormView):
    """新建选拔任用工作: the case, and its candidates picked from the cadres in service."""

    template_name = "selection/case_form.html"
    form_class = CaseCreateForm
    success_message = "选拔任用工作已发起"
    PICKER_BUTTONS = ("picker", "add", "remove")

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "departments": department_choices(self.request.user),
                  "picker_url": reverse("selection:candidate_search")}
        if self.picker_only():
            # Searching, adding or removing a candidate is not yet sending the form: no errors shown.
            kwargs["initial"] = {key: self.request.POST.get(key) for key in ("title", "department", "post_title",
                                                                             "level", "post_count", "method")}
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        return kwargs

    def picker_only(self) -> bool:
        return self.request.method == "POST" and any(name in self.request.POST for name in self.PICKER_BUTTONS)

    def post(self, request, *args, **kwargs):
        if self.picker_only():
            return self.render_to_response(self.get_context_data())
        self.pick_form = CandidatePickForm(request.POST, cadres=pickable_cadres(request.user))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not self.pick_form.is_valid():
            form.add_error(None, self.pick_form.errors["cadres"])
            return self.form_invalid(form)
        return super().form_valid(form)

    def picker_data(self):
        return self.request.POST if self.request.method == "POST" else self.request.GET

    def perform(self, form):
        post = self.request.POST
        try:
            return services.case_create(
                actor=self.request.user, cadres=self.pick_form.chosen(), **form.cleaned_data,
                confirm_no_vacancy=post.get("confirm_no_vacancy") == "1",
                no_vacancy_reason=post.get("no_vacancy_reason", "")[:200])
        except WorkflowError as exc:
            if exc.code in NO_VACANCY_CODES:
                # The warning stays on the form with the confirmation and the reason beside it.
                self.ask_no_vacancy = True
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**self.picker_context(self.picker_data()), **kwargs)
        post = self.request.POST if self.request.method == "POST" else {}
        context.update(ask_no_vacancy=getattr(self, "ask_no_vacancy", False) or post.get("no_vacancy_asked") == "1",
                       confirm_no_vacancy=post.get("confirm_no_vacancy") == "1",
                       no_vacancy_reason=post.get("no_vacancy_reason", ""))
        return context

    def get_success_url(self):
        return reverse("selection:case_detail", args=[self.object.pk])


class CandidateSearchView(StartCaseMixin, PickerMixin, TemplateView):
    """The picker's lists for htmx: GET with the chosen ``cadres``, ``candidate_q``, ``department``, add/remove."""

    template_name = "selection/_picker_lists.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.picker_context(self.request.GET), **kwargs)
