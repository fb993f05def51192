"""定期考察 pages: the 平时考核 overview and a unit's grid (enter, submit, confirm, reopen, Excel),
the 年度考核 overview and a unit's grid, and the settings with the conflict rules.

Order of checks on a unit's page: anonymous → login; no right to read the page → 403; a unit
outside the user's scope → 404 (audited as 越权访问); then the action's permission → 403. Views
parse input and call one selector or one service.
"""

import io
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.generic import CreateView, FormView, TemplateView, UpdateView, View

from cadre_office.audit.services import Event, audit_record
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ServiceFormMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres.permissions import departments_visible_to
from oversight import messages_inspection as msg
from oversight import selectors_inspection as selectors
from oversight import services
from oversight.forms_inspection import (
    ConflictRuleForm,
    GridUploadForm,
    OversightSettingsForm,
    QuarterFilterForm,
    ReopenForm,
    YearFilterForm,
)
from oversight.models import AnnualAppraisal, AppraisalConflictRule, OversightSettings, QuarterlyReview, Rating
from oversight.services.inspection import CONFIRM_PERMISSION, ENTER_PERMISSION, quarter_bounds
from oversight.services.inspection_import import grid_template_xlsx

VIEW_QUARTERLY = "oversight.view_quarterlyreview"
VIEW_ANNUAL = "oversight.view_annualappraisal"
ENTER_ANNUAL = ("oversight.add_annualappraisal", "oversight.change_annualappraisal",
                "oversight.delete_annualappraisal")
_GRADE_KEY = re.compile(r"^grade_(\d{1,10})$")


def _posted_grades(data) -> dict[int, tuple[str, str]]:
    """Return cadre id → (grade, note) of every ``grade_<id>`` the form posted (forged ids included:
    the service refuses those not on the grid)."""
    return {int(match.group(1)): (data.get(key, "").strip(), data.get(f"note_{match.group(1)}", "").strip())
            for key in data for match in [_GRADE_KEY.match(key)] if match}


class UnitMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A page about one unit (``unit_pk``) for a period: the unit is looked up in the user's scope first."""

    read_permission = VIEW_QUARTERLY

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.has_perm(self.read_permission):
                raise PermissionDenied
            self.check_period()
            self.unit  # noqa: B018  (404 outside the scope, before the action's permission check)
        return super().dispatch(request, *args, **kwargs)

    def check_period(self):
        year, quarter = self.kwargs.get("year"), self.kwargs.get("quarter", 1)
        if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
            raise Http404("没有这一期考核")

    @cached_property
    def unit(self):
        return get_in_scope_or_404(departments_visible_to(self.request.user), actor=self.request.user,
                                   path=self.request.path, pk=self.kwargs["unit_pk"])


class QuarterMixin(UnitMixin):
    @property
    def year(self) -> int:
        return self.kwargs["year"]

    @property
    def quarter(self) -> int:
        return self.kwargs["quarter"]

    @property
    def grid_url(self) -> str:
        return reverse("oversight:quarterly_grid", args=[self.unit.pk, self.year, self.quarter])


# --- 平时考核 ---------------------------------------------------------------------------------------


class QuarterlyOverviewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """平时考核: each unit's grid of a quarter, its state and how many are graded (units × completeness)."""

    permission_required = VIEW_QUARTERLY
    template_name = "oversight/inspection/quarterly_overview.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = QuarterFilterForm(self.request.GET or None, today=today, default=selectors.quarter_due(today))
        year, quarter, state = form.values()
        rows = selectors.quarterly_overview(self.request.user, year=year, quarter=quarter, state=state)
        counts = {"units": len(rows), "submitted": sum(row.state == "submitted" for row in rows),
                  "confirmed": sum(row.state == "confirmed" for row in rows)}
        return super().get_context_data(
            filter_form=form, rows=rows, year=year, quarter=quarter, state=state, counts=counts,
            period=QuarterlyReview(year=year, quarter=quarter).period,
            future=quarter_bounds(year, quarter)[0] > today, **kwargs)


class QuarterlyGridView(QuarterMixin, TemplateView):
    """One unit's grid for a quarter: a select per cadre; 保存 / 保存并提交; confirm and reopen for personnel."""

    template_name = "oversight/inspection/quarterly_grid.html"

    def get_permission_required(self):
        return (VIEW_QUARTERLY,) if self.request.method == "GET" else (ENTER_PERMISSION,)

    def get_context_data(self, *, errors=(), posted=None, **kwargs):
        kwargs = {key: value for key, value in kwargs.items() if key not in self.kwargs}  # the URL's, set below
        review, rows = selectors.quarterly_grid(self.unit, year=self.year, quarter=self.quarter)
        user, state = self.request.user, review.state if review else QuarterlyReview.State.DRAFT
        future = quarter_bounds(self.year, self.quarter)[0] > timezone.localdate()
        editable = not future and user.has_perm(ENTER_PERMISSION) and (
            state == QuarterlyReview.State.DRAFT
            or (state == QuarterlyReview.State.SUBMITTED and user.has_perm(CONFIRM_PERMISSION)))
        if posted:
            for row in rows:
                row.grade, row.note = posted.get(row.cadre.pk, (row.grade, row.note))
        tally = [(label, sum(row.grade == code for row in rows)) for code, label in Rating.choices]
        return super().get_context_data(
            unit=self.unit, year=self.year, quarter=self.quarter, review=review, rows=rows, state=state,
            period=QuarterlyReview(year=self.year, quarter=self.quarter).period, editable=editable, future=future,
            graded=sum(bool(row.grade) for row in rows), tally=tally, grade_choices=Rating.choices, errors=errors,
            can_confirm=user.has_perm(CONFIRM_PERMISSION), reopen_form=ReopenForm(),
            overview_url=reverse("oversight:quarterly_overview") + "?" + urlencode(
                {"year": self.year, "quarter": self.quarter}), **kwargs)

    def post(self, request, *args, **kwargs):
        grades = _posted_grades(request.POST)
        submit = request.POST.get("action") == "submit"
        try:
            _review, changed = services.quarterly_grades_save(
                actor=request.user, department=self.unit, year=self.year, quarter=self.quarter, grades=grades,
                submit=submit)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages, posted=grades))
        messages.success(request, msg.GRID_SUBMITTED_OK if submit else msg.GRID_SAVED.format(count=changed))
        return HttpResponseRedirect(self.grid_url)


class QuarterlyActionView(QuarterMixin, View):
    """确认 or 退回 a unit's grid (personnel staff): POST only."""

    permission_required = CONFIRM_PERMISSION
    action = ""

    def post(self, request, *args, **kwargs):
        review = QuarterlyReview.objects.filter(department=self.unit, year=self.year, quarter=self.quarter).first()
        if review is None:
            raise Http404("该单位本季度尚未填报")
        try:
            if self.action == "confirm":
                services.quarterly_review_confirm(actor=request.user, review=review)
                messages.success(request, msg.GRID_CONFIRMED_OK)
            else:
                form = ReopenForm(request.POST)
                services.quarterly_review_reopen(actor=request.user, review=review,
                                                 reason=form.data.get("reason", ""))
                messages.success(request, msg.GRID_REOPENED_OK)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        return HttpResponseRedirect(self.grid_url)


class QuarterlyTemplateView(QuarterMixin, View):
    """The unit's grid as an Excel template to fill (current grades filled in); audited as an export."""

    permission_required = ENTER_PERMISSION

    def get(self, request, *args, **kwargs):
        _review, rows = selectors.quarterly_grid(self.unit, year=self.year, quarter=self.quarter)
        content = grid_template_xlsx(department=self.unit, year=self.year, quarter=self.quarter,
                                     grades={row.cadre.pk: (row.grade, row.note) for row in rows})
        audit_record(Event.EXPORT, actor=request.user, obj=self.unit,
                     detail={"report": "平时考核导入模板", "year": self.year, "quarter": self.quarter,
                             "rows": len(rows)})
        filename = f"平时考核_{self.unit.name}_{self.year}年第{self.quarter}季度.xlsx"
        return FileResponse(io.BytesIO(content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=filename)


class QuarterlyImportView(QuarterMixin, FormView):
    """Upload the completed template: every bad row listed, nothing saved unless all rows are good."""

    permission_required = ENTER_PERMISSION
    template_name = "oversight/inspection/quarterly_import.html"
    form_class = GridUploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.unit, year=self.year, quarter=self.quarter, grid_url=self.grid_url,
                                        period=QuarterlyReview(year=self.year, quarter=self.quarter).period,
                                        **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            _review, count = services.quarterly_grades_import(
                actor=self.request.user, department=self.unit, year=self.year, quarter=self.quarter,
                handle=upload.file, filename=upload.name)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, msg.IMPORT_DONE.format(count=count))
        return HttpResponseRedirect(self.grid_url)


# --- 年度考核 --------------------------------------------------------------------------------------


class AnnualOverviewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """年度考核: each unit's grades of a year (how many entered, 优秀), and the bureau's share of 优秀."""

    permission_required = VIEW_ANNUAL
    template_name = "oversight/inspection/annual_overview.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = YearFilterForm(self.request.GET or None, today=today, default=today.year - 1)
        year = form.value()
        rows = selectors.annual_overview(self.request.user, year=year)
        return super().get_context_data(filter_form=form, year=year, rows=rows, share=selectors.annual_share(year),
                                        done=sum(row.graded >= row.roster for row in rows), **kwargs)


class AnnualGridView(UnitMixin, TemplateView):
    """One unit's 年度考核 grid: a grade per cadre, the conflicts with 处分/诫勉 shown before saving."""

    read_permission = VIEW_ANNUAL
    template_name = "oversight/inspection/annual_grid.html"

    def check_period(self):
        if not 2000 <= self.kwargs["year"] <= 2100:
            raise Http404("没有这一年度")

    def get_permission_required(self):
        return (VIEW_ANNUAL,) if self.request.method == "GET" else ENTER_ANNUAL

    def get_context_data(self, *, errors=(), posted=None, **kwargs):
        kwargs = {key: value for key, value in kwargs.items() if key not in self.kwargs}  # the URL's, set below
        year = self.kwargs["year"]
        rows = selectors.annual_grid(self.unit, year=year)
        if posted:
            for row in rows:
                row.grade = posted.get(row.cadre.pk, row.grade)
        editable = year <= timezone.localdate().year and self.request.user.has_perms(ENTER_ANNUAL)
        return super().get_context_data(
            unit=self.unit, year=year, rows=rows, errors=errors, editable=editable,
            grade_choices=AnnualAppraisal.Grade.choices, share=selectors.annual_share(year),
            conflicted=sum(bool(row.conflicts) for row in rows), graded=sum(bool(row.grade) for row in rows),
            overview_url=reverse("oversight:annual_overview") + f"?year={year}", **kwargs)

    def post(self, request, *args, **kwargs):
        grades = {pk: grade for pk, (grade, _note) in _posted_grades(request.POST).items()}
        try:
            changed = services.annual_grades_save(actor=request.user, department=self.unit,
                                                  year=self.kwargs["year"], grades=grades)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages, posted=grades))
        messages.success(request, msg.ANNUAL_SAVED.format(count=changed))
        return HttpResponseRedirect(request.path)


# --- settings -------------------------------------------------------------------------------------


class OversightSettingsView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, UpdateView):
    """日常监督设置: the share of 优秀, and the 年度考核 conflict rules (kept as data)."""

    template_name = "oversight/inspection/settings.html"
    form_class = OversightSettingsForm
    success_message = msg.SETTINGS_SAVED

    def get_permission_required(self):
        return (("oversight.view_oversightsettings",) if self.request.method == "GET"
                else ("oversight.change_oversightsettings",))

    def get_object(self, queryset=None):
        return OversightSettings.current()

    def get_context_data(self, **kwargs):
        return super().get_context_data(rules=AppraisalConflictRule.objects.all(), **kwargs)

    def perform(self, form):
        return services.oversight_settings_save(actor=self.request.user, settings=form.instance)

    def get_success_url(self):
        return reverse("oversight:settings")


class ConflictRuleMixin(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin):
    template_name = "oversight/inspection/rule_form.html"
    form_class = ConflictRuleForm
    model = AppraisalConflictRule
    success_message = msg.RULE_SAVED

    def perform(self, form):
        return services.conflict_rule_save(actor=self.request.user, rule=form.instance)

    def get_success_url(self):
        return reverse("oversight:settings") + "#rules"


class ConflictRuleCreateView(ConflictRuleMixin, CreateView):
    permission_required = "oversight.add_appraisalconflictrule"


class ConflictRuleUpdateView(ConflictRuleMixin, UpdateView):
    permission_required = "oversight.change_appraisalconflictrule"
