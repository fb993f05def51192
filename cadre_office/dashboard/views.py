"""The structure-target dashboard: figures, trends, drill-downs, recomputing, and the plan's targets.

Thin views: each parses its input, calls a selector or a service, and renders or redirects.
"""

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.generic import ListView, TemplateView, View

from cadre_office.dashboard import permissions, plans, selectors, services, tasks
from cadre_office.dashboard.forms import AsOfForm, LadderDayForm, PlanForm, RecomputeForm, TargetForm
from cadre_office.dashboard.models import Plan, RecomputeJob
from cadre_office.dashboard.selectors.ladder import age_ladder
from cadre_office.dates import add_years
from cadre_office.sessions import PassiveViewMixin

NO_PLAN = "尚未设置实施意见（规划），无法计算。"
RECOMPUTE_DONE = "统计时点 {date} 的数据已重新计算。"
TARGETS_SAVED = "结构目标已保存。"
TARGETS_UNCHANGED = "结构目标没有变化。"
PLAN_SAVED = "实施意见已保存。"
NOTHING_STORED = "尚未生成统计数据，无法打印或导出。"  # the briefing's print view and files (views_briefing)
PLAN_CREATED = "已新增实施意见“{name}”，并沿用了原有的结构目标，可在下方调整。"


def index_url(as_of=None, job=None) -> str:
    query = {key: value for key, value in (("as_of", as_of and f"{as_of:%Y-%m-%d}"), ("job", job)) if value}
    return reverse("dashboard:index") + (f"?{urlencode(query)}" if query else "")


class DashboardMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = permissions.VIEW

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def requested_as_of(self):
        return AsOfForm(self.request.GET or None).as_of_or(None)


class DashboardView(DashboardMixin, TemplateView):
    """The plan's targets on one stored statistics date, for the user's scope."""

    template_name = "dashboard/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        data = selectors.dashboard(user, today=self.today, as_of=self.requested_as_of)
        can_recompute = permissions.can_recompute(user)
        recompute_form = job = None
        if can_recompute:
            shown = data.snapshot.as_of if data.snapshot else self.today
            recompute_form = RecomputeForm(initial={"as_of": min(shown, self.today)}, today=self.today)
            job = self._job(user)
        return super().get_context_data(
            dash=data, can_recompute=can_recompute, recompute_form=recompute_form, job=job,
            can_change_targets=permissions.can_change_targets(user), **kwargs,
        )

    def _job(self, user) -> RecomputeJob | None:
        pk = self.request.GET.get("job", "")
        if pk.isdigit():
            job = selectors.recompute_jobs_visible_to(user).filter(pk=pk).first()
        else:
            job = selectors.pending_job(user, now=timezone.now())
        return job and services.recompute_job_fail_if_stale(job=job)


class TargetMixin(DashboardMixin):
    """Resolve the plan (in force on ?as_of, else today) and the target named in the URL."""

    @cached_property
    def plan(self) -> Plan:
        plan = services.plan_for(self.requested_as_of or self.today)
        if plan is None:
            raise Http404("尚未设置实施意见")
        return plan

    @cached_property
    def targets(self):
        return list(self.plan.targets.order_by("sort_order", "id"))

    @cached_property
    def target(self):
        target = next((t for t in self.targets if t.code == self.kwargs["code"]), None)
        if target is None:
            raise Http404("没有这项结构目标")
        return target


class TrendView(TargetMixin, TemplateView):
    """One target's stored values over time: the larger chart and the table (a fragment for the modal)."""

    def get_template_names(self):
        return ["dashboard/_trend_modal.html"] if self.request.htmx else ["dashboard/trend.html"]

    def get_context_data(self, **kwargs):
        card = selectors.target_trend(self.request.user, plan=self.plan, target=self.target)
        return super().get_context_data(plan=self.plan, card=card, points=list(reversed(card.trend)),
                                        scope=permissions.figure_scope(self.request.user), **kwargs)


class DrilldownMixin(TargetMixin):
    """The list behind a numerator, a denominator or the ageing-out count, on ?as_of (else the latest date)."""

    @cached_property
    def as_of(self):
        if self.requested_as_of:
            return self.requested_as_of
        latest = self.plan.snapshots.order_by("-as_of").values_list("as_of", flat=True).first()
        return latest or self.today

    @cached_property
    def part(self) -> str:
        part = self.kwargs["part"]
        if part not in selectors.PARTS or not selectors.has_part(self.target, part):
            raise Http404("没有这份名单")
        return part

    def drilldown_queryset(self):
        return selectors.drilldown_cadres(self.request.user, plan=self.plan, targets=self.targets,
                                          target=self.target, part=self.part, day=self.as_of)


class DrilldownView(DrilldownMixin, ListView):
    """The cadres behind a numerator, a denominator or the ageing-out count, computed live in the user's scope."""

    permission_required = (permissions.VIEW, "cadres.view_cadre")
    template_name = "dashboard/drilldown.html"
    context_object_name = "cadres"
    paginate_by = 100

    def get_queryset(self):
        return self.drilldown_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        part = self.part
        scope = permissions.figure_scope(self.request.user)
        stored = selectors.stored_figure(scope, plan=self.plan, day=self.as_of, code=self.target.code)
        stored_count = None
        if stored is not None and part != selectors.AGING_OUT:
            stored_count = stored[0] if part == selectors.NUMERATOR else (stored[1] or 0)
        count = context["paginator"].count
        query_string = urlencode({"as_of": f"{self.as_of:%Y-%m-%d}"})
        context.update(
            plan=self.plan, target=self.target, part=part, as_of=self.as_of,
            part_label=selectors.part_label(self.target, part, self.plan), scope=scope,
            count=count, stored_count=stored_count, stored_differs=stored_count is not None and stored_count != count,
            parts=[(p, selectors.part_label(self.target, p, self.plan)) for p in selectors.PARTS
                   if selectors.has_part(self.target, p)],
            query_string=query_string,
            show_end_age=part == selectors.AGING_OUT,
            export_url=(f"{reverse('dashboard:drilldown_export', args=[self.target.code, part])}?{query_string}"
                        if permissions.can_export(self.request.user) else ""),
        )
        return context


class DrilldownExportView(DrilldownMixin, View):
    """The drill-down list as a workbook: the page's rows, filters and scope, every row (audited)."""

    permission_required = (permissions.VIEW, "cadres.view_cadre", permissions.EXPORT)

    def get(self, request, code, part):
        which = {selectors.NUMERATOR: "分子", selectors.DENOMINATOR: "分母"}.get(self.part, "至规划期末将超龄人员")
        export = services.drilldown_export(
            actor=request.user, cadres=self.drilldown_queryset(), title=f"{self.target.name}·{which}",
            list_label=selectors.part_label(self.target, self.part, self.plan), as_of=self.as_of,
            scope_label=permissions.figure_scope(request.user).label,
            plan_end=self.plan.end_date if self.part == selectors.AGING_OUT else None)
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=export.content_type,
                            filename=export.filename)


# --- recomputing ---------------------------------------------------------------------------------


def _job_response(request, job: RecomputeJob, *, error: str = ""):
    """The status fragment; once the job is done an htmx request is sent on to the new figures."""
    response = render(request, "dashboard/_job_status.html", {"job": job, "error": error})
    if job is not None and job.state == RecomputeJob.State.DONE and request.htmx:
        messages.success(request, RECOMPUTE_DONE.format(date=f"{job.as_of:%Y-%m-%d}"))
        response["HX-Redirect"] = index_url(job.as_of)
    return response


class RecomputeView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Queue a recompute of one date; the page then follows the job (htmx), or is redirected to it."""

    permission_required = permissions.RECOMPUTE
    http_method_names = ["post"]

    def post(self, request):
        form = RecomputeForm(request.POST, today=timezone.localdate())
        error = ""
        if not form.is_valid():
            error = "；".join(form.errors.get("as_of", [])) or "请选择统计时点。"
        elif services.plan_for(form.cleaned_data["as_of"]) is None:
            error = NO_PLAN
        if error:
            if request.htmx:
                return _job_response(request, None, error=error)
            messages.error(request, error)
            return HttpResponseRedirect(index_url())
        job = tasks.recompute_job_queue(actor=request.user, as_of=form.cleaned_data["as_of"])
        if request.htmx:
            job.refresh_from_db()  # where tasks run in-process it is already done
            return _job_response(request, job)
        return HttpResponseRedirect(index_url(job.as_of, job.pk))


class JobStatusView(PassiveViewMixin, LoginRequiredMixin, PermissionRequiredMixin, View):
    """The status fragment htmx polls every second while the job is queued or running.

    Passive: polling does not keep the session alive. A job lost past its timeout is stored and
    shown as failed here, and the page stops polling.
    """

    permission_required = permissions.RECOMPUTE

    def get(self, request, pk):
        job = get_object_or_404(selectors.recompute_jobs_visible_to(request.user), pk=pk)
        if not request.htmx:
            return HttpResponseRedirect(index_url(job.as_of, job.pk))
        return _job_response(request, services.recompute_job_fail_if_stale(job=job))


# --- the plan and its targets ---------------------------------------------------------------------


class PlanPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """The targets page of one plan (?plan=id, else the plan in force today)."""

    template_name = "dashboard/targets.html"

    @cached_property
    def plans(self):
        return list(Plan.objects.order_by("-start_date", "-id"))

    def plan_from(self, pk) -> Plan:
        plan = next((p for p in self.plans if str(p.pk) == str(pk)), None)
        if plan is None and pk:
            raise Http404("没有这份实施意见")
        plan = plan or services.plan_for(timezone.localdate())
        if plan is None:
            raise Http404("尚未设置实施意见")
        return plan

    def page(self, plan: Plan, *, target_forms=None, plan_form=None):
        user = self.request.user
        targets = list(plan.targets.order_by("sort_order", "id"))
        target_forms = target_forms or [TargetForm(target=t) for t in targets]
        context = {
            "plan": plan, "plans": self.plans, "target_forms": target_forms,
            "plan_form": plan_form or PlanForm(instance=plan),
            "can_change_plan": permissions.can_change_plan(user), "can_add_plan": permissions.can_add_plan(user),
            "can_change_targets": permissions.can_change_targets(user),
        }
        return render(self.request, self.template_name, context)

    def targets_url(self, plan: Plan) -> str:
        return f"{reverse('dashboard:targets')}?{urlencode({'plan': plan.pk})}"


class TargetListView(PlanPageMixin, View):
    """The plan's targets in a table: goals (in % for ratios) and age bounds edited through the service."""

    permission_required = permissions.CHANGE_TARGET

    def get(self, request):
        return self.page(self.plan_from(request.GET.get("plan")))

    def post(self, request):
        plan = self.plan_from(request.GET.get("plan") or request.POST.get("plan"))
        forms = [TargetForm(request.POST, target=t) for t in plan.targets.order_by("sort_order", "id")]
        if not all(form.is_valid() for form in forms):
            return self.page(plan, target_forms=forms)
        try:
            changed = plans.targets_update(actor=request.user, changes=[(f.target, *f.values()) for f in forms])
        except plans.TargetsInvalid as exc:
            for form in forms:
                error = exc.by_target.get(form.target.pk)
                if error is not None:
                    _add_errors(form, error)
            return self.page(plan, target_forms=forms)
        messages.success(request, TARGETS_SAVED if changed else TARGETS_UNCHANGED)
        return HttpResponseRedirect(self.targets_url(plan))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class PlanUpdateView(PlanPageMixin, View):
    """Change the plan's name and period."""

    permission_required = permissions.CHANGE_PLAN
    http_method_names = ["post"]

    def post(self, request, pk):
        plan = self.plan_from(pk)
        form = PlanForm(request.POST, instance=plan)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plans.plan_update(actor=request.user, plan=plan, name=data["name"], start_date=data["start_date"],
                                  end_date=data["end_date"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, PLAN_SAVED)
                return HttpResponseRedirect(self.targets_url(plan))
        plan.refresh_from_db()
        return self.page(plan, plan_form=form)


class PlanCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A new plan (实施意见) that starts with the current plan's targets."""

    permission_required = permissions.ADD_PLAN
    template_name = "dashboard/plan_form.html"

    def source(self) -> Plan | None:
        pk = self.request.GET.get("from", "")
        if pk.isdigit():
            return get_object_or_404(Plan, pk=pk)
        return services.plan_for(timezone.localdate())

    def get(self, request):
        source = self.source()
        initial = {}
        if source is not None:
            start = source.end_date + dt.timedelta(days=1)
            initial = {"start_date": start, "end_date": add_years(start, 3) - dt.timedelta(days=1)}
        return render(request, self.template_name, {"form": PlanForm(initial=initial), "source": source})

    def post(self, request):
        source = self.source()
        form = PlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = plans.plan_create(actor=request.user, name=data["name"], start_date=data["start_date"],
                                         end_date=data["end_date"], copy_from=source)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, PLAN_CREATED.format(name=plan.name))
                return HttpResponseRedirect(f"{reverse('dashboard:targets')}?{urlencode({'plan': plan.pk})}")
        return render(request, self.template_name, {"form": form, "source": source})


class AgeLadderView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """老中青梯次: the team's counts per age band on a day (default today), against the plan's age targets."""

    permission_required = "dashboard.view_snapshot"
    template_name = "dashboard/age_ladder.html"

    def get_context_data(self, **kwargs):
        form = LadderDayForm(self.request.GET or None)
        day = (form.cleaned_data.get("as_of") if form.is_bound and form.is_valid() else None) or timezone.localdate()
        rows, targets = age_ladder(self.request.user, day)
        return super().get_context_data(form=form, as_of=day, rows=rows, targets=targets,
                                        total=sum(row.total for row in rows),
                                        widest=max((row.total for row in rows), default=0), **kwargs)
