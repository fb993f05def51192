"""The monthly report's archive: list, run, progress, download, mark 已报送 (issue 15).

Nothing is built here: the run form queues a job (``services.monthly_report_request``) and the report's
page follows it (htmx polls ``monthly_status`` every second) until its download buttons appear.
Every report is looked up in the user's scope: outside it a report is not found (404), and the attempt
is audited (``cadre_office.scope``). Downloads are audited with the month, scope, version and format; the
files are ours, written by the job, so their type is known (an upload's would be sniffed: ``attachments``).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from cadre_office.audit.services import Event, audit_record
from cadre_office.jobs import progress_get
from cadre_office.lists import FilteredListView
from cadre_office.pdf import PDF_CONTENT_TYPE
from cadre_office.reports import messages as texts
from cadre_office.reports import services
from cadre_office.reports.forms import MonthlyReportRunForm
from cadre_office.reports.models import MonthlyReport
from cadre_office.reports.selectors import report_filterset, report_versions, reports_visible_to
from cadre_office.scope import get_in_scope_or_404
from cadre_office.sessions import PassiveViewMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE

State = MonthlyReport.State
VIEW = "reports.view_monthlyreport"
RUN = "reports.run_monthlyreport"
SUBMIT = "reports.submit_monthlyreport"
CONTENT_TYPES = {"pdf": PDF_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


class MonthlyReportListView(FilteredListView):
    """报表: the archive of monthly reports, newest month first, the versions of a month and scope together."""

    permission_required = VIEW
    filterset_for = staticmethod(report_filterset)
    template_name = "reports/index.html"
    results_template = "reports/_archive_results.html"
    results_id = "report-results"
    context_object_name = "reports"


class ReportMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A view of one report in the user's scope (404 and audited outside it)."""

    permission_required = VIEW

    def get_report(self) -> MonthlyReport:
        queryset = reports_visible_to(self.request.user).select_related("department", "requested_by", "reported_by")
        return get_in_scope_or_404(queryset, actor=self.request.user, path=self.request.path, pk=self.kwargs["pk"])


def _status_context(report: MonthlyReport) -> dict:
    pending = report.state in services.PENDING
    return {"report": report, "label": services.report_label(report),
            "progress": progress_get(services.PROGRESS, report.pk) if pending else None}


class MonthlyReportRunView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Run the monthly report for a month and a scope: queue its job, then follow it on the report's page."""

    permission_required = RUN
    form_class = MonthlyReportRunForm
    template_name = "reports/monthly_run.html"

    def get_initial(self):
        """Take the month and scope from the query (the 再次生成 link), when given."""
        return {key: self.request.GET[key] for key in ("month", "scope") if self.request.GET.get(key)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            report = services.monthly_report_request(month=form.cleaned_data["month"],
                                                     department=form.cleaned_data["scope"], user=self.request.user)
        except services.ReportError as exc:
            form.add_error("month", exc.message)
            return self.form_invalid(form)
        report.refresh_from_db()  # where tasks run in-process it is built by now
        label = services.report_label(report)
        if report.state == State.FAILED:
            messages.error(self.request, report.error)
        else:
            messages.success(self.request, texts.REQUESTED.format(label=label))
        return HttpResponseRedirect(reverse("reports:monthly_detail", args=[report.pk]))


class MonthlyReportDetailView(ReportMixin, TemplateView):
    """One report: its state (a progress bar while it builds, then its downloads), and its other versions."""

    template_name = "reports/monthly_detail.html"

    def get_context_data(self, **kwargs):
        report = services.monthly_report_fail_if_stale(report=self.get_report())
        return super().get_context_data(**kwargs, **_status_context(report), versions=report_versions(report))


class MonthlyReportStatusView(PassiveViewMixin, ReportMixin, View):
    """The status fragment htmx polls every second while the report is queued or being built.

    Passive: polling does not keep the session alive. A job lost past its timeout is stored as failed
    here, and the fragment stops polling; once the report is built (or failed) the page is loaded again
(``HX-Refresh``), showing its download buttons.
    """

    def get(self, request, pk):
        report = self.get_report()
        if not request.htmx:
            return HttpResponseRedirect(reverse("reports:monthly_detail", args=[report.pk]))
        report = services.monthly_report_fail_if_stale(report=report)
        response = render(request, "reports/_monthly_status.html", _status_context(report))
        if report.state not in services.PENDING:
            response["HX-Refresh"] = "true"  # the whole page anew: its figures' date and the versions table too
        return response


class MonthlyReportDownloadView(ReportMixin, View):
    """Download a built report's Excel workbook or PDF, under its Chinese name, audited (下载)."""

    def get(self, request, pk, fmt):
        report = self.get_report()
        stored = report.pdf if fmt == "pdf" else report.xlsx
        if report.state not in (State.READY, State.REPORTED) or not stored or not stored.storage.exists(stored.name):
            raise Http404(texts.FILE_MISSING)
        detail = {"report": "月度报表", "month": f"{report.month:%Y-%m}",
                  "scope": services.scope_label(report.department), "version": report.version, "format": fmt}
        audit_record(Event.DOWNLOAD, actor=request.user, obj=report, detail=detail)
        return FileResponse(stored.open("rb"), as_attachment=True, filename=f"{services.report_label(report)}.{fmt}",
                            content_type=CONTENT_TYPES[fmt])


class MonthlyReportSubmitView(ReportMixin, TemplateView):
    """Mark a built report 已报送 (GET asks for confirmation, POST marks it): it is frozen from then on."""

    permission_required = SUBMIT
    template_name = "reports/monthly_submit.html"

    def get_context_data(self, **kwargs):
        report = self.get_report()
        return super().get_context_data(**kwargs, report=report, label=services.report_label(report))

    def post(self, request, pk):
        report = self.get_report()
        try:
            report = services.monthly_report_mark_reported(report=report, user=request.user)
        except services.ReportError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, texts.SUBMITTED.format(label=services.report_label(report)))
        return HttpResponseRedirect(reverse("reports:monthly_detail", args=[report.pk]))
