"""理论培训 pages: programmes (list, calendar, form, detail), enrolment actions, the attendance import,
the settings, the hours table by unit and its drill-down, the shortfall list and appointment training due."""

import io

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView, View

from cadre_office.lists import FilteredListView
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ServiceFormMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres.permissions import departments_visible_to
from cadres.roster_workbook import WorkbookRejected
from cadres.selectors import roster_filterset
from training.forms_programmes import (
    AttendanceForm,
    AttendanceUploadForm,
    CompleteForm,
    EnrolForm,
    NoteForm,
    ProgrammeForm,
    TrainingSettingsForm,
)
from training.models import Enrolment, TrainingProgramme, TrainingSettings
from training.selectors import programmes as selectors
from training.services import programmes_exports as exports
from training.services.programmes import (
    enrolment_complete,
    enrolment_mark_incomplete,
    enrolment_record_attendance,
    enrolment_withdraw,
    enrolments_add,
    programme_save,
    training_settings_save,
)
from training.services.programmes_import import (
    CHANGED_SINCE_PREVIEW,
    IMPORTED,
    attendance_import_apply,
    attendance_plan,
    attendance_template,
)

PROGRAMME_SAVED = "培训项目已保存。"
ENROLLED = "已报名{count}人。"
ATTENDANCE_SAVED = "已登记{name}的考勤。"
COMPLETED = "{name}已结业，认定{hours}学时，计入{year}年度。"
MARKED_INCOMPLETE = "{name}已标记为未结业。"
WITHDRAWN = "{name}已退训。"
SETTINGS_SAVED = "教育培养设置已保存。"
IMPORT_CANCELLED = "已取消本次导入，未写入任何数据。"
NO_PREVIEW = "没有待确认的考勤导入，请重新上传。"
SEARCH_LIMIT = 50
SESSION_KEY = "training_attendance_import"


def _xlsx(export):
    return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                        filename=export.filename)


# --- programmes -------------------------------------------------------------------------------------


class ProgrammeListView(FilteredListView):
    """培训项目: every programme, with how many of the user's cadres enrolled and completed."""

    permission_required = "training.view_trainingprogramme"
    filterset_for = staticmethod(selectors.programme_filterset)
    template_name = "training/programmes/programme_list.html"
    results_template = "training/programmes/_programme_results.html"
    results_id = "programme-results"
    context_object_name = "programmes"


class ProgrammeExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_trainingprogramme", "training.export_training")

    def get(self, request):
        return _xlsx(exports.programmes_export(actor=request.user, data=request.GET))


class ProgrammeCalendarView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """培训日历: a month, Monday first, each day with the programmes running on it; previous and next month."""

    permission_required = "training.view_trainingprogramme"
    template_name = "training/programmes/calendar.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        month = selectors.month_of(self.request.GET, today)
        weeks = selectors.month_calendar(self.request.user, year=month.year, month=month.month)
        return super().get_context_data(month=month, weeks=weeks, today=today,
                                        previous=month - relativedelta(months=1),
                                        next=month + relativedelta(months=1), **kwargs)


class ProgrammeFormMixin(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin):
    model = TrainingProgramme
    form_class = ProgrammeForm
    template_name = "training/programmes/programme_form.html"
    success_message = PROGRAMME_SAVED

    def perform(self, form):
        return programme_save(actor=self.request.user, programme=form.instance)

    def get_success_url(self):
        return reverse("training:programme_detail", args=[self.object.pk])


class ProgrammeCreateView(ProgrammeFormMixin, CreateView):
    permission_required = "training.add_trainingprogramme"


class ProgrammeUpdateView(ProgrammeFormMixin, UpdateView):
    permission_required = "training.change_trainingprogramme"


class ProgrammeDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """One programme and its enrolment table (the enrolments of the cadres in the user's scope)."""

    permission_required = "training.view_trainingprogramme"
    template_name = "training/programmes/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return selectors.programmes_visible_to(self.request.user).select_related("created_by")

    def get_context_data(self, **kwargs):
        enrolments = list(selectors.programme_enrolments(self.request.user, self.object))
        counts = {state: sum(1 for e in enrolments if e.state == state) for state in Enrolment.State.values}
        return super().get_context_data(enrolments=enrolments, counts=counts, today=timezone.localdate(), **kwargs)


# --- enrolments -------------------------------------------------------------------------------------


class EnrolmentCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """报名: search the cadres in scope (name, pinyin, ID for those who may) and tick those to enrol."""

    permission_required = "training.add_enrolment"
    template_name = "training/programmes/enrol.html"
    form_class = EnrolForm

    @cached_property
    def programme(self):
        """The programme of the URL (looked up after the login and permission checks: 403 before 404)."""
        return get_in_scope_or_404(selectors.programmes_visible_to(self.request.user), actor=self.request.user,
                                   path=self.request.path, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        query = (self.request.GET.get("q") or "").strip()[:50]
        results = []
        if query:
            results = list(roster_filterset(self.request.user, {"q": query}).qs[:SEARCH_LIMIT])
        taken = set(Enrolment.objects.filter(programme=self.programme, cadre__in=[c.pk for c in results])
                    .values_list("cadre_id", flat=True))
        return super().get_context_data(programme=self.programme, query=query, results=results, taken=taken,
                                        limit=SEARCH_LIMIT, **kwargs)

    def form_valid(self, form):
        try:
            created = enrolments_add(actor=self.request.user, programme=self.programme,
                                     cadres=form.cleaned_data["cadres"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, ENROLLED.format(count=len(created)))
        return HttpResponseRedirect(reverse("training:programme_detail", args=[self.programme.pk]))


class EnrolmentMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """An enrolment of a cadre in the user's scope (else 404)."""

    permission_required = "training.change_enrolment"

    def get_enrolment(self):
        if not hasattr(self, "enrolment"):
            queryset = selectors.enrolments_visible_to(self.request.user).select_related("programme", "cadre")
            self.enrolment = get_in_scope_or_404(queryset, actor=self.request.user, path=self.request.path,
                                                 pk=self.kwargs["pk"])
        return self.enrolment

    def back(self):
        return reverse("training:programme_detail", args=[self.get_enrolment().programme_id])


class EnrolmentFormView(EnrolmentMixin, FormView):
    template_name = "training/programmes/enrolment_form.html"
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(enrolment=self.get_enrolment(), title=self.title, back_url=self.back(),
                                        **kwargs)

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.back())


class EnrolmentAttendanceView(EnrolmentFormView):
    """登记考勤: 出勤学时, 缺勤次数 and a note."""

    form_class = AttendanceForm
    title = "登记考勤"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Enrolment.objects.get(pk=self.get_enrolment().pk)}

    def perform(self, form):
        data = form.cleaned_data
        enrolment = enrolment_record_attendance(actor=self.request.user, enrolment=self.get_enrolment(),
                                                attended_hours=data["attended_hours"], absences=data["absences"],
                                                note=data["note"])
        return ATTENDANCE_SAVED.format(name=enrolment.cadre.name)


class EnrolmentCompleteView(EnrolmentFormView):
    """结业: the 学时 credited (the programme's by default) and the date (its last day by default)."""

    form_class = CompleteForm
    title = "结业认定"

    def get_initial(self):
        enrolment = self.get_enrolment()
        return {"hours": selectors.hours_text(enrolment.hours or enrolment.programme.hours),
                "credited_on": enrolment.credited_on or enrolment.programme.end_date,
                "certificate_no": enrolment.certificate_no}

    def perform(self, form):
        enrolment = enrolment_complete(actor=self.request.user, enrolment=self.get_enrolment(), **form.cleaned_data)
        return COMPLETED.format(name=enrolment.cadre.name, hours=selectors.hours_text(enrolment.hours),
                                year=enrolment.credited_on.year)


class EnrolmentActionView(EnrolmentMixin, View):
    """POST 未结业 or 退训 on one enrolment; a refusal comes back as a message."""

    http_method_names = ["post"]
    service = None
    done = ""

    def post(self, request, pk):
        enrolment = self.get_enrolment()
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            type(self).service(actor=request.user, enrolment=enrolment, note=note)
            messages.success(request, self.done.format(name=enrolment.cadre.name))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(self.back())


class EnrolmentIncompleteView(EnrolmentActionView):
    service = staticmethod(enrolment_mark_incomplete)
    done = MARKED_INCOMPLETE


class EnrolmentWithdrawView(EnrolmentActionView):
    service = staticmethod(enrolment_withdraw)
    done = WITHDRAWN


# --- the attendance import --------------------------------------------------------------------------


class ProgrammeImportMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = ("training.import_attendance", "training.add_enrolment", "training.change_enrolment")

    @cached_property
    def programme(self):
        """The programme of the URL (looked up after the login and permission checks: 403 before 404)."""
        return get_in_scope_or_404(selectors.programmes_visible_to(self.request.user), actor=self.request.user,
                                   path=self.request.path, pk=self.kwargs["pk"])


class AttendanceTemplateView(ProgrammeImportMixin, View):
    """The workbook to fill for a programme (its enrolled cadres listed)."""

    def get(self, request, pk):
        return _xlsx(attendance_template(actor=request.user, programme=self.programme))


class AttendanceImportView(ProgrammeImportMixin, FormView):
    """Upload a filled workbook: the row errors (nothing written), or on to the preview."""

    form_class = AttendanceUploadForm
    template_name = "training/programmes/attendance_upload.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            plan = attendance_plan(actor=self.request.user, programme=self.programme, content=upload.read())
        except WorkbookRejected as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if not plan.is_valid:
            errors = plan.error_table()
            return self.render_to_response(self.get_context_data(form=form, record=errors,
                                                                 error_rows=len({e.row for e in plan.errors})))
        self.request.session[SESSION_KEY] = {"programme": self.programme.pk, "file": upload.name[:100],
                                             "rows": plan.as_data()}
        return HttpResponseRedirect(reverse("training:attendance_confirm", args=[self.programme.pk]))


class AttendanceConfirmView(ProgrammeImportMixin, TemplateView):
    """The preview of a checked workbook; POST ``confirm`` writes it all (or nothing), ``cancel`` drops it."""

    template_name = "training/programmes/attendance_confirm.html"

    def pending(self):
        stored = self.request.session.get(SESSION_KEY)
        return stored if stored and stored.get("programme") == self.programme.pk else None

    def get(self, request, *args, **kwargs):
        if self.pending() is None:
            messages.error(request, NO_PREVIEW)
            return HttpResponseRedirect(reverse("training:attendance_import", args=[self.programme.pk]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        stored = self.pending()
        rows = stored["rows"]
        return super().get_context_data(programme=self.programme, rows=rows, file_name=stored["file"],
                                         new=sum(1 for r in rows if not r["enrolled"]),
                                         completing=sum(1 for r in rows if r["complete"]), **kwargs)

    def post(self, request, pk):
        stored = self.pending()
        upload_url = reverse("training:attendance_import", args=[self.programme.pk])
        if stored is None:
            messages.error(request, NO_PREVIEW)
            return HttpResponseRedirect(upload_url)
        if request.POST.get("action") != "confirm":
            request.session.pop(SESSION_KEY, None)
            messages.info(request, IMPORT_CANCELLED)
            return HttpResponseRedirect(reverse("training:programme_detail", args=[self.programme.pk]))
        try:
            counts = attendance_import_apply(actor=request.user, programme=self.programme, rows=stored["rows"],
                                             file_name=stored["file"])
        except ValidationError as exc:
            request.session.pop(SESSION_KEY, None)
            messages.error(request, "；".join(exc.messages) or CHANGED_SINCE_PREVIEW)
            return HttpResponseRedirect(upload_url)
        request.session.pop(SESSION_KEY, None)
        messages.success(request, IMPORTED.format(**counts))
        return HttpResponseRedirect(reverse("training:programme_detail", args=[self.programme.pk]))


# --- settings ---------------------------------------------------------------------------------------


class TrainingSettingsView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, UpdateView):
    """教育培养设置: the one page for every setting of the app."""

    permission_required = "training.change_trainingsettings"
    form_class = TrainingSettingsForm
    template_name = "training/programmes/settings_form.html"
    success_message = SETTINGS_SAVED
    success_url = reverse_lazy("training:settings")

    def get_object(self, queryset=None):
        return TrainingSettings.current()

    def perform(self, form):
        return training_settings_save(actor=self.request.user, settings=form.instance)


# --- hours ------------------------------------------------------------------------------------------


class HoursTableView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """学时统计: one row per unit in scope for a year; each unit drills to its cadres."""

    permission_required = "training.view_cadreyearhours"
    template_name = "training/programmes/hours_table.html"

    def get_context_data(self, **kwargs):
        year = selectors.selected_year(self.request.GET)
        settings = TrainingSettings.current()
        rows = selectors.hours_by_unit(self.request.user, year=year, required=settings.required_hours)
        return super().get_context_data(year=year, rows=rows, totals=selectors.hours_totals(rows),
                                        years=selectors.year_choices()[1:], settings=settings,
                                        day=selectors.reference_day(year), **kwargs)


class HoursTableExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_cadreyearhours", "training.export_training")

    def get(self, request):
        return _xlsx(exports.hours_table_export(actor=request.user, data=request.GET))


class HoursUnitMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "training.view_cadreyearhours"

    def get_department(self):
        return get_in_scope_or_404(departments_visible_to(self.request.user), actor=self.request.user,
                                   path=self.request.path, pk=self.kwargs["pk"])


class HoursUnitView(HoursUnitMixin, ListView):
    """One unit's counted cadres with hours, requirement and gap (a unit outside the scope: 404)."""

    template_name = "training/programmes/hours_unit.html"
    context_object_name = "cadres"
    paginate_by = 200

    def get_queryset(self):
        self.department = self.get_department()
        self.year = selectors.selected_year(self.request.GET)
        self.settings = TrainingSettings.current()
        return selectors.cadre_hours(self.request.user, year=self.year, required=self.settings.required_hours) \
            .filter(department=self.department)

    def get_context_data(self, **kwargs):
        return super().get_context_data(department=self.department, year=self.year, settings=self.settings,
                                        **kwargs)


class HoursUnitExportView(HoursUnitMixin, View):
    permission_required = ("training.view_cadreyearhours", "training.export_training")

    def get(self, request, pk):
        return _xlsx(exports.hours_unit_export(actor=request.user, department=self.get_department(),
                                               data=request.GET))


class ShortfallListView(FilteredListView):
    """学时未达标: the counted cadres short of the requirement in a year, by unit."""

    permission_required = "training.view_cadreyearhours"
    filterset_for = staticmethod(selectors.shortfall_filterset)
    template_name = "training/programmes/shortfall.html"
    results_template = "training/programmes/_shortfall_results.html"
    results_id = "shortfall-results"
    context_object_name = "cadres"


class ShortfallExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_cadreyearhours", "training.export_training")

    def get(self, request):
        return _xlsx(exports.shortfall_export(actor=request.user, data=request.GET))


class AppointmentDueView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """任职培训待完成: newly appointed 科级 cadres without 任职培训 since the post began."""

    permission_required = "training.view_enrolment"
    template_name = "training/programmes/appointment_due.html"
    context_object_name = "cadres"
    paginate_by = 100

    def get_queryset(self):
        return selectors.appointment_due(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(settings=TrainingSettings.current(), **kwargs)
        selectors.with_deadlines(context["cadres"], months=context["settings"].promotion_training_months)
        return context


class AppointmentDueExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_enrolment", "training.export_training")

    def get(self, request):
        return _xlsx(exports.appointment_due_export(actor=request.user, data=request.GET))
